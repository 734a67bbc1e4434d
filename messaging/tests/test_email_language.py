"""The supplier e-mail in the buyer's language: texts, numbers and dates, the From name, signature and contacts.

Also the buyer's default subject and body, used by ``send`` / ``send-new`` when the call omits them.
"""

from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy

import pytest

from accounts.models import BuyerProfile
from messaging.email import build_email, format_date, format_quantity, from_header
from messaging.models import Mailing, Message
from messaging.selectors import message_for_delivery
from messaging.services import mailing_send
from requests_app.models import RequestKey
from suppliers.tests.factories import SupplierFactory

from .conftest import make_sendable_request

pytestmark = pytest.mark.django_db
NBSP = "\xa0"  # Django's Russian thousands separator: a number never breaks across lines
SENT_AT = datetime(2026, 12, 3, 10, 30, tzinfo=UTC)

ROMASHKA = {
    "company_name": 'ООО "Ромашка", филиал',
    "company_inn": "7707083893",
    "contact_name": "Иван Петров",
    "phone": "+7 (495) 123-45-67",
    "signature": "С уважением,\nИван <Петров>",
}


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (Decimal("12.5000"), "12,5", "12.5"),
        (Decimal("1250.5000"), f"1{NBSP}250,5", "1,250.5"),
        (Decimal("100.0000"), "100", "100"),
        (Decimal("1000000"), f"1{NBSP}000{NBSP}000", "1,000,000"),
        (Decimal("0.0010"), "0,001", "0.001"),
        (None, "", ""),
    ],
)
def test_format_quantity_follows_the_language_without_trailing_zeros(value, ru, en) -> None:
    assert format_quantity(value, "ru") == ru
    assert format_quantity(value, "en") == en


def test_format_date_follows_the_language() -> None:
    assert format_date(SENT_AT, "ru") == "03.12.2026"
    assert format_date(SENT_AT, "en") == "12/03/2026"


def _email(owner, language: str | None, **profile):
    BuyerProfile.objects.update_or_create(user=owner, defaults={**ROMASHKA, **profile, "language": language or ""})
    request, _ = make_sendable_request(owner, suppliers=0, keys=2)
    request.title = "Фланцы <DN100>"
    request.save(update_fields=["title"])
    request.recipients.create(supplier=SupplierFactory(name="ООО «ФланцМаш» & Co"), selected=True)
    RequestKey.objects.filter(request=request, pos=1).update(qty=Decimal("1250.5000"), unit="шт.", note="<ГОСТ>")
    RequestKey.objects.filter(request=request, pos=2).update(qty=Decimal("12.5000"), unit="м")
    result = mailing_send(owner=owner, request_id=request.pk, subject="Запрос цен", body="Просим КП.")
    Message.objects.filter(pk=result.message_ids[0]).update(created_at=SENT_AT)
    email = build_email(message=message_for_delivery(message_id=result.message_ids[0]))
    return email, email.alternatives[0][0], request


def _from(email) -> tuple[str, str]:
    """The From header as a mail client reads it (RFC 2047 decoded, quoting undone)."""
    [address] = message_from_bytes(email.message().as_bytes(), policy=policy.default)["From"].addresses
    return address.display_name, address.addr_spec


def test_the_russian_email_reads_russian_with_russian_numbers_and_the_buyers_contacts(alice) -> None:
    email, html, request = _email(alice, "ru")

    text = email.body
    assert text.startswith("Добрый день, уважаемые коллеги из ООО «ФланцМаш» & Co!\n\nПросим КП.")
    assert f"Запрос «Фланцы <DN100>» № {request.pk} от 03.12.2026:" in text
    assert f"1. {request.keys.get(pos=1).text} — 1{NBSP}250,5 шт. (<ГОСТ>)" in text
    assert "— 12,5 м" in text
    assert (
        f"Пожалуйста, ответьте на это письмо: ответ сохранится в заявке, а покупатель ({alice.email}) получит копию."
        in text
    )
    assert "С уважением,\nИван <Петров>" in text
    assert 'ООО "Ромашка", филиал, ИНН 7707083893\nКонтактное лицо: Иван Петров\nТел.: +7 (495) 123-45-67' in text
    assert f"Эл. почта: {alice.email}" in text
    assert "Dear" not in text and "Please" not in text and "12.5" not in text

    for header in ("№", "Наименование", "Кол-во", "Ед. изм.", "Примечание"):
        assert f"<th>{header}</th>" in html
    assert f"<td>1{NBSP}250,5</td><td>шт.</td><td>&lt;ГОСТ&gt;</td>" in html
    assert "ООО «ФланцМаш» &amp; Co" in html and "Фланцы &lt;DN100&gt;" in html
    assert "С уважением,<br>Иван &lt;Петров&gt;" in html
    assert "ООО &quot;Ромашка&quot;, филиал, ИНН 7707083893" in html
    assert '<html lang="ru">' in html

    assert _from(email) == ('ООО "Ромашка", филиал через B2B Platform', "noreply@b2b.localhost")


def test_the_english_email_reads_english_with_english_numbers(alice) -> None:
    email, html, request = _email(alice, "en")

    text = email.body
    assert text.startswith("Dear ООО «ФланцМаш» & Co,\n\nПросим КП.")
    assert f'Request "Фланцы <DN100>" No. {request.pk} of 12/03/2026:' in text
    assert "— 1,250.5 шт. (<ГОСТ>)" in text and "— 12.5 м" in text
    assert 'ООО "Ромашка", филиал, INN 7707083893\nContact person: Иван Петров\nPhone: +7 (495) 123-45-67' in text
    for header in ("No.", "Item", "Qty", "Unit", "Note"):
        assert f"<th>{header}</th>" in html
    assert "<td>1,250.5</td>" in html and "Иван &lt;Петров&gt;" in html
    assert _from(email) == ('ООО "Ромашка", филиал via B2B Platform', "noreply@b2b.localhost")


def test_the_from_header_is_encoded_and_keeps_our_address(alice) -> None:
    email, _, _ = _email(alice, "ru", company_name='ООО "Ромашка", <evil@attacker.example>')

    raw = email.message()["From"]
    assert raw.isascii() and "=?utf-8?" in raw.lower()
    name, address = _from(email)
    assert address == "noreply@b2b.localhost"
    assert name == 'ООО "Ромашка", <evil@attacker.example> через B2B Platform'


def test_without_a_company_the_from_name_is_the_platform_and_the_language_the_default(alice, settings) -> None:
    settings.LANGUAGE_CODE = "ru"
    email, _, _ = _email(alice, None, company_name="", company_inn="", contact_name="", phone="", signature="")

    assert email.message()["From"] == "B2B Platform <noreply@b2b.localhost>"
    assert email.body.startswith("Добрый день")  # no profile language: LANGUAGE_CODE
    assert "ИНН" not in email.body and f"Эл. почта: {alice.email}" in email.body
    assert f"от имени {alice.email}." in email.body


def test_from_header_of_a_company_name() -> None:
    assert from_header("") == "B2B Platform <noreply@b2b.localhost>"
    assert from_header("Acme") == "Acme via B2B Platform <noreply@b2b.localhost>"


# --- the buyer's default subject and body --------------------------------------------------------------


SEND = "/api/v1/user/requests/{}/{}"


def test_send_without_subject_and_body_uses_the_buyers_defaults(alice, alice_client) -> None:
    BuyerProfile.objects.create(user=alice, default_subject="Запрос КП", default_body="Добрый день!\nПросим КП.")
    request, _ = make_sendable_request(alice)

    answer = alice_client.post(SEND.format(request.pk, "send"), {}, format="json")

    assert answer.status_code == 200, answer.content
    mailing = Mailing.objects.get(request=request)
    assert (mailing.subject, mailing.body) == ("Запрос КП", "Добрый день!\nПросим КП.")
    assert set(Message.objects.values_list("subject", flat=True)) == {"Запрос КП"}


def test_a_given_subject_wins_over_the_default_and_the_body_defaults_alone(alice, alice_client) -> None:
    BuyerProfile.objects.create(user=alice, default_subject="Запрос КП", default_body="Просим КП.")
    request, _ = make_sendable_request(alice)

    answer = alice_client.post(SEND.format(request.pk, "send-new"), {"subject": "Срочно", "body": None}, format="json")

    assert answer.status_code == 200, answer.content
    assert Mailing.objects.values_list("subject", "body").get() == ("Срочно", "Просим КП.")


@pytest.mark.parametrize(
    ("profile", "body", "locs"),
    [
        (None, {}, [["body", "subject"], ["body", "body"]]),
        ({"default_subject": "Запрос КП"}, {}, [["body", "body"]]),
        ({"default_body": "Просим КП."}, {"body": "Текст"}, [["body", "subject"]]),
    ],
)
def test_an_omitted_text_without_a_default_is_422(alice, alice_client, profile, body, locs) -> None:
    if profile:
        BuyerProfile.objects.create(user=alice, **profile)
    request, _ = make_sendable_request(alice)

    answer = alice_client.post(SEND.format(request.pk, "send"), body, format="json")

    assert answer.status_code == 422, answer.content
    assert [item["loc"] for item in answer.json()["detail"]] == locs
    assert [item["type"] for item in answer.json()["detail"]] == ["missing"] * len(locs)
    assert not Message.objects.exists()


def test_another_buyers_defaults_are_never_used(alice, bob, alice_client) -> None:
    BuyerProfile.objects.create(user=bob, default_subject="Bob's subject", default_body="Bob's body")
    request, _ = make_sendable_request(alice)

    answer = alice_client.post(SEND.format(request.pk, "send"), {}, format="json")

    assert answer.status_code == 422
    assert not Mailing.objects.exists()


@pytest.mark.django_db
def test_a_null_subject_takes_the_default_and_without_one_is_422_not_500(alice, alice_client) -> None:
    request, _ = make_sendable_request(alice)

    response = alice_client.post(
        f"/api/v1/user/requests/{request.pk}/send", {"subject": None, "body": "Добрый день"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "subject"]
