"""HTTP behaviour of buyer search and the moderators' supplier cards."""

import pytest
from django.db import connection

from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from core.testing import company_inn
from suppliers.checko import CHECKO_OFF_MESSAGE
from suppliers.models import Supplier
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/suppliers/search"
CARDS = "/api/v1/moderator/suppliers"


def _card(**overrides) -> dict:
    body = {
        "inn": "7707083893",
        "name": "Romashka LLC",
        "email": "sales@romashka.ru",
        "emails": ["info@romashka.ru"],
        "phone": "+7 495 123-45-67",
        "urls": ["https://www.romashka.ru"],
        "comment": "met at the fair",
    }
    body.update(overrides)
    return body


# --- search ---------------------------------------------------------------------------------


def test_search_needs_a_token(anon_client) -> None:
    assert anon_client.get(SEARCH, {"q": "x"}).status_code == 401


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "x" * 201}, {"q": "x", "limit": 0}, {"q": "x", "limit": 201}, {"q": "x", "limit": "a"}],
)
def test_search_validates_its_query(alice_client, params) -> None:
    response = alice_client.get(SEARCH, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_search_finds_by_name_inn_domain_and_email(alice_client) -> None:
    romashka = SupplierFactory(name="Romashka Trading", inn="7707083893", email="sales@romashka-mail.ru")
    SupplierSiteFactory(supplier=romashka, url="https://spb.romashka.ru/catalog")
    SupplierFactory(name="Lютик", emails=["extra@lutik.ru"])

    def ids(q: str) -> list[int]:
        response = alice_client.get(SEARCH, {"q": q})
        assert response.status_code == 200, response.json()
        return [item["supplierid"] for item in response.json()["items"]]

    assert romashka.pk in ids("romashka trad")
    if connection.vendor == "postgresql":
        assert romashka.pk in ids("Romashka Tradng")  # a typo still matches by trigram similarity
    assert ids("770708") == [romashka.pk]
    assert ids("https://www.msk.ROMASHKA.ru/x") == [romashka.pk]
    assert ids("sales@romashka-mail.ru") == [romashka.pk]
    assert len(ids("extra@lutik.ru")) == 1
    assert ids("nothing-like-this") == []


def test_search_answer_shape_and_best_match_first(alice_client) -> None:
    SupplierFactory(name="Company 770708")  # matches by name only
    exact = SupplierFactory(name="Alpha", inn="7707083893", type="reseller")
    SupplierSiteFactory(supplier=exact, url="https://alpha.ru")
    response = alice_client.get(SEARCH, {"q": "770708", "limit": 5})
    body = response.json()
    assert body["q"] == "770708" and body["limit"] == 5
    first = body["items"][0]
    assert first == {
        "supplierid": exact.pk,
        "name": "Alpha",
        "inn": exact.inn,
        "email": exact.email,
        "emails": [],
        "urls": ["https://alpha.ru"],
        "checko": None,
        "isreseller": True,
        "blacklisted": False,
    }
    assert len(body["items"]) == 2


def test_search_marks_blacklisted_for_the_caller_only(alice, alice_client, bob_client) -> None:
    by_inn = SupplierFactory(name="Widget One")
    by_domain = SupplierFactory(name="Widget Two", email="sales@bad-widgets.ru")
    SupplierFactory(name="Widget Three")
    InnBlacklistEntry.objects.create(owner=alice, inn=by_inn.inn)
    DomainBlacklistEntry.objects.create(domain="bad-widgets.ru")

    def flags(client) -> dict[int, bool]:
        return {item["supplierid"]: item["blacklisted"] for item in client.get(SEARCH, {"q": "widget"}).json()["items"]}

    alice_flags, bob_flags = flags(alice_client), flags(bob_client)
    assert alice_flags[by_inn.pk] is True and bob_flags[by_inn.pk] is False
    assert alice_flags[by_domain.pk] is True and bob_flags[by_domain.pk] is True
    assert sum(alice_flags.values()) == 2 and sum(bob_flags.values()) == 1


@pytest.mark.parametrize("count", [1, 40])
def test_search_query_count_does_not_grow(alice, alice_client, django_assert_max_num_queries, count) -> None:
    for n in range(count):
        supplier = SupplierFactory(name=f"Bolt maker {n}")
        SupplierSiteFactory(supplier=supplier)
        SupplierSiteFactory(supplier=supplier)
        InnBlacklistEntry.objects.create(owner=alice, inn=supplier.inn)
    DomainBlacklistEntry.objects.create(domain="site1-shop.ru")
    with django_assert_max_num_queries(5):  # user, search, sites, blacklisted domains, INN list
        response = alice_client.get(SEARCH, {"q": "bolt maker", "limit": 200})
    assert len(response.json()["items"]) == count


# --- moderator cards ------------------------------------------------------------------------


def test_buyer_gets_403_and_anonymous_401(alice_client, anon_client) -> None:
    supplier = SupplierFactory()
    assert alice_client.get(CARDS).status_code == 403
    assert alice_client.post(CARDS, _card(), format="json").status_code == 403
    assert alice_client.get(f"{CARDS}/{supplier.pk}").status_code == 403
    assert alice_client.put(f"{CARDS}/{supplier.pk}", {"name": "x"}, format="json").status_code == 403
    assert anon_client.get(CARDS).status_code == 401
    assert Supplier.objects.get(pk=supplier.pk).name == supplier.name


def test_create_returns_the_card(moderator_client, checko_off) -> None:
    response = moderator_client.post(CARDS, _card(), format="json")
    assert response.status_code == 200, response.json()
    card = response.json()
    assert card["inn"] == "7707083893" and card["type"] == "supplier"
    assert card["urls"] == ["https://www.romashka.ru"]
    assert card["emails"] == ["info@romashka.ru"]
    assert card["checko"] is None and card["checkoerror"] == CHECKO_OFF_MESSAGE
    assert set(card) >= {"supplierid", "phone", "comment", "checkoupdatedat", "createdat", "updatedat"}
    assert moderator_client.get(f"{CARDS}/{card['supplierid']}").json() == card


def test_create_conflicts(moderator_client, checko_off) -> None:
    first = moderator_client.post(CARDS, _card(), format="json").json()
    again = moderator_client.post(CARDS, _card(urls=["https://other.ru"]), format="json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "A supplier with this INN already exists.",
        "code": "duplicate_inn",
        "inn": "7707083893",
        "existingsupplier": {"supplierid": first["supplierid"], "name": "Romashka LLC", "urls": first["urls"]},
    }
    for spelling in ["WWW.ROMASHKA.RU", "https://www.romashka.ru/", "https://u@WWW.romashka.ru.:443#x"]:
        taken = moderator_client.post(CARDS, _card(inn=company_inn(10), urls=[spelling]), format="json")
        assert taken.status_code == 409, (spelling, taken.json())
        assert taken.json()["code"] == "duplicate_url" and taken.json()["url"] == "https://www.romashka.ru"
        assert taken.json()["existingsupplier"]["supplierid"] == first["supplierid"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"inn": "7707083894"}, "inn"),
        ({"inn": "0000000000"}, "inn"),
        ({"urls": []}, "urls"),
        ({"email": "not-an-email"}, "email"),
        ({"emails": [f"a{i}@x.ru" for i in range(11)]}, "emails"),
        ({"emails": ["bad"]}, "emails"),
        ({"type": "wholesaler"}, "type"),
        ({"urls": ["ftp://x.ru"]}, "urls"),
    ],
)
def test_create_validation_errors_are_422(moderator_client, checko_off, override, field) -> None:
    response = moderator_client.post(CARDS, _card(**override), format="json")
    assert response.status_code == 422, response.json()
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    assert not Supplier.objects.exists()


def test_update_changes_given_fields_and_refuses_inn(moderator_client, checko_off) -> None:
    card = moderator_client.post(CARDS, _card(), format="json").json()
    url = f"{CARDS}/{card['supplierid']}"
    response = moderator_client.put(url, {"type": "reseller", "urls": ["https://romashka.ru/new"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["type"] == "reseller" and response.json()["urls"] == ["https://romashka.ru/new"]
    assert response.json()["name"] == "Romashka LLC"
    refused = moderator_client.put(url, {"inn": company_inn(3)}, format="json")
    assert refused.status_code == 422
    assert Supplier.objects.get(pk=card["supplierid"]).inn == "7707083893"
    assert moderator_client.put(f"{CARDS}/999999", {"name": "x"}, format="json").status_code == 404
    assert moderator_client.get(f"{CARDS}/999999").json()["code"] == "not_found"
    cleared = moderator_client.put(url, {"phone": "", "comment": "  "}, format="json").json()
    assert (cleared["phone"], cleared["comment"]) == (None, None)


def test_update_refreshchecko_queues_the_task(
    moderator_client, fake_checko, django_capture_on_commit_callbacks
) -> None:
    supplier = SupplierFactory(inn="7707083893")
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.put(f"{CARDS}/{supplier.pk}", {"refreshchecko": True}, format="json")
    assert response.status_code == 200
    assert len(fake_checko.calls) == 1
    assert moderator_client.get(f"{CARDS}/{supplier.pk}").json()["checko"] == fake_checko.body["data"]


def test_refreshchecko_without_key_answers_that_checko_is_off(moderator_client, checko_off) -> None:
    supplier = SupplierFactory()
    response = moderator_client.put(f"{CARDS}/{supplier.pk}", {"refreshchecko": True}, format="json")
    assert response.json()["checkoerror"] == CHECKO_OFF_MESSAGE


def test_moderator_list_filters_and_paginates(moderator_client) -> None:
    a = SupplierFactory(name="Alpha", type="reseller")
    SupplierSiteFactory(supplier=a, url="https://shop.alpha-tools.ru")
    SupplierFactory(name="Beta")
    SupplierFactory(name="Gamma")
    body = moderator_client.get(CARDS, {"limit": 2}).json()
    assert body["total"] == 3 and [item["name"] for item in body["items"]] == ["Alpha", "Beta"]
    assert moderator_client.get(CARDS, {"type": "reseller"}).json()["total"] == 1
    assert moderator_client.get(CARDS, {"q": "alpha-tools.ru"}).json()["items"][0]["supplierid"] == a.pk
    assert moderator_client.get(CARDS, {"q": a.inn[:5]}).json()["total"] >= 1
    assert moderator_client.get(CARDS, {"type": "other"}).status_code == 422
    assert moderator_client.get(CARDS, {"limit": 201}).status_code == 422


def test_options_on_a_card_answers_without_error(moderator_client) -> None:
    supplier = SupplierFactory()
    assert moderator_client.options(f"{CARDS}/{supplier.pk}").status_code == 200
    assert moderator_client.options(f"{CARDS}/0").status_code < 500
    assert moderator_client.options(CARDS).status_code == 200
