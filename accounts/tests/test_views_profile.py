"""PUT /auth/profile and the profile in GET /auth/me: partial updates, clearing, validation, one user each."""

import pytest
from django.test import Client

from accounts.models import BuyerProfile

from .conftest import ME_URL, PROFILE_URL
from .factories import UserFactory

pytestmark = pytest.mark.django_db

FULL = {
    "companyname": "ООО «Ромашка»",
    "companyinn": "77 07 083893",
    "contactname": "Иван Петров",
    "phone": "+7 (495) 123-45-67 доб. 12",
    "signature": "С уважением,\nИван Петров\nотдел снабжения",
    "defaultsubject": "Запрос цен",
    "defaultbody": "Добрый день!\n\nПросим прислать коммерческое предложение.",
    "language": "ru",
}


def _put(client, body):
    return client.put(PROFILE_URL, body, format="json")


def test_put_sets_every_field_and_me_shows_it(alice, alice_client):
    response = _put(alice_client, FULL)

    assert response.status_code == 200, response.content
    expected = {**FULL, "companyinn": "7707083893"}  # spaces stripped
    assert response.json()["id"] == alice.pk
    assert response.json()["profile"] == expected
    assert alice_client.get(ME_URL).json()["profile"] == expected
    row = BuyerProfile.objects.get(user=alice)
    assert (row.company_inn, row.phone, row.email_language) == ("7707083893", FULL["phone"], "ru")


def test_alices_profile_never_changes_bobs(alice, bob, alice_client, bob_client):
    assert _put(bob_client, {"companyname": "ИП Сидоров", "phone": "8 800 555 35 35"}).status_code == 200
    assert _put(alice_client, FULL).status_code == 200
    assert _put(alice_client, {"companyname": "Другая"}).status_code == 200

    bob_profile = bob_client.get(ME_URL).json()["profile"]
    assert bob_profile["companyname"] == "ИП Сидоров" and bob_profile["phone"] == "8 800 555 35 35"
    assert bob_profile["companyinn"] is None and bob_profile["signature"] is None
    assert alice_client.get(ME_URL).json()["profile"]["companyname"] == "Другая"
    assert BuyerProfile.objects.get(user=bob).company_name == "ИП Сидоров"
    assert BuyerProfile.objects.count() == 2


def test_omitted_fields_keep_their_values_and_null_clears(alice, alice_client):
    _put(alice_client, FULL)

    profile = _put(alice_client, {"phone": "+7 999 000-00-00", "signature": None, "defaultbody": ""}).json()["profile"]

    assert profile["phone"] == "+7 999 000-00-00"
    assert profile["signature"] is None and profile["defaultbody"] is None
    assert profile["companyname"] == FULL["companyname"] and profile["defaultsubject"] == FULL["defaultsubject"]
    assert _put(alice_client, {}).json()["profile"] == profile  # nothing given, nothing changes


def test_me_without_a_profile_shows_every_field_null_and_creates_no_row(alice, alice_client):
    assert set(alice_client.get(ME_URL).json()["profile"].values()) == {None}
    assert not BuyerProfile.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"companyinn": "7707083894"}, "companyinn"),  # checksum
        ({"companyinn": "77070838"}, "companyinn"),  # length
        ({"companyinn": "77070838ab"}, "companyinn"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "12-3"}, "phone"),  # fewer than 5 digits
        ({"phone": "1" * 33}, "phone"),
        ({"companyname": "x" * 256}, "companyname"),
        ({"companyname": "ООО\nРомашка"}, "companyname"),
        ({"defaultsubject": "Запрос\r\nBcc: victim@example.com"}, "defaultsubject"),
        ({"defaultsubject": "x" * 256}, "defaultsubject"),
        ({"signature": "x" * 2001}, "signature"),
        ({"defaultbody": "x" * 20001}, "defaultbody"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_values_are_422_at_their_field_and_nothing_changes(alice, alice_client, body, field):
    _put(alice_client, {"companyname": "Ромашка"})
    response = _put(alice_client, body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert BuyerProfile.objects.get(user=alice).company_name == "Ромашка"


def test_profile_needs_a_token(anon_client):
    assert anon_client.put(PROFILE_URL, FULL, format="json").status_code == 401


def test_admin_shows_and_edits_the_profile_inline(alice):
    _admin = UserFactory(email="root@platform.example", password="pw-for-admin-tests", superuser=True)
    client = Client()
    client.force_login(_admin)
    BuyerProfile.objects.create(user=alice, company_name="ООО «Ромашка»", company_inn="7707083893")
    page = client.get(f"/admin/accounts/user/{alice.pk}/change/")
    assert page.status_code == 200
    assert "ООО «Ромашка»" in page.content.decode() and "7707083893" in page.content.decode()

    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "password"}
    data.update(
        {
            "groups": [],
            "user_permissions": [],
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "1",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-id": str(alice.profile.pk),
            "profile-0-user": str(alice.pk),
            "profile-0-company_name": "ООО «Ромашка-2»",
            "profile-0-company_inn": "7707083894",  # bad checksum first
            "profile-0-phone": "",
            "profile-0-language": "en",
        }
    )
    data = {key: value for key, value in data.items() if not isinstance(value, bool) or value}
    refused = client.post(f"/admin/accounts/user/{alice.pk}/change/", data)
    assert refused.status_code == 200 and "checksum" in refused.content.decode()

    data["profile-0-company_inn"] = "77 07 083893"
    saved = client.post(f"/admin/accounts/user/{alice.pk}/change/", data)
    assert saved.status_code == 302, saved.context["inline_admin_formsets"][0].formset.errors
    alice.profile.refresh_from_db()
    assert (alice.profile.company_name, alice.profile.company_inn, alice.profile.language) == (
        "ООО «Ромашка-2»",
        "7707083893",
        "en",
    )
