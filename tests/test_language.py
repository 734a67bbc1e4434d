"""The product speaks Russian by default and English on request (PRODUCT §2.10).

The suite runs with ``LANGUAGE_CODE = "en"`` (settings/test.py) so that its assertions on texts stay English;
these tests ask for Russian explicitly: ``Accept-Language`` for the API, the admin's language switch (Django's
``set_language``) and ``LANGUAGE_CODE`` for the console and the worker's e-mails.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from accounts.delivery import _send
from requests_app.models import RequestStatus
from requests_app.tests.factories import make_request_with_keys

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/user/requests"


def test_the_default_language_is_russian_and_english_is_available(settings) -> None:
    from b2bplatform.settings import base

    assert base.LANGUAGE_CODE == "ru"  # the embedded default and production, unless LANGUAGE_CODE says otherwise
    assert [code for code, _ in base.LANGUAGES] == ["ru", "en"]
    middleware = base.MIDDLEWARE
    locale = middleware.index("core.middleware.LocaleMiddleware")
    assert middleware.index("core.middleware.SiteSessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")


@pytest.mark.parametrize(
    ("body", "russian", "english"),
    [
        ({"title": "Подшипники"}, "Обязательное поле.", "This field is required."),  # DRF's own catalogue
        (
            {"keys": [{"pos": 1, "text": "Подшипник 6205"}, {"pos": 1, "text": "Фланец"}]},
            "номер позиции 1 уже занят позицией 0.",
            "pos 1 is already used by key 0.",
        ),  # the service's own (requests_app/services.py)
    ],
    ids=["drf", "service"],
)
def test_a_validation_error_has_the_same_loc_and_type_in_russian_and_english(alice_client, body, russian, english):
    ru = alice_client.post(REQUESTS, body, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    en = alice_client.post(REQUESTS, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert ru.status_code == en.status_code == 422
    ru_items, en_items = ru.json()["detail"], en.json()["detail"]
    assert [(i["loc"], i["type"]) for i in ru_items] == [(i["loc"], i["type"]) for i in en_items]
    assert [i["msg"] for i in ru_items] != [i["msg"] for i in en_items]
    assert (ru_items[0]["msg"], en_items[0]["msg"]) == (russian, english)


def test_a_domain_error_has_the_same_code_and_a_translated_detail(alice_client) -> None:
    ru = alice_client.post(f"{REQUESTS}/999999/submit", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    en = alice_client.post(f"{REQUESTS}/999999/submit", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")

    assert ru.status_code == en.status_code == 404
    assert ru.json()["code"] == en.json()["code"] == "not_found"
    assert (ru.json()["detail"], en.json()["detail"]) == ("Заявка не найдена.", "Request not found.")
    assert ru["Content-Language"] == "ru" and en["Content-Language"] == "en"


def test_an_unknown_url_answers_in_the_asked_language(alice_client) -> None:
    answer = alice_client.get("/api/v1/no-such-route", HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Не найдено.", "code": "not_found"}


@override_settings(LANGUAGE_CODE="ru")
def test_the_console_is_russian_by_default_and_the_switch_gives_english(console: Client) -> None:
    page = console.get(reverse("admin:index")).content.decode()
    assert "Ждёт модераторов" in page and "Задачи в очереди" in page and "Заявки" in page
    assert 'action="/i18n/setlang/"' in page  # the language switch on every console page

    switched = console.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert switched.status_code == 302 and switched["Location"] == "/admin/"

    page = console.get(reverse("admin:index")).content.decode()
    assert "Waiting for moderators" in page and "Pending tasks" in page
    assert "Ждёт модераторов" not in page


@override_settings(LANGUAGE_CODE="ru")
def test_console_quantities_have_no_trailing_zeros_and_a_russian_decimal_comma(console: Client) -> None:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    for key, qty in zip(request.keys.order_by("pos"), ("40", "12.5", "1250.5"), strict=True):
        key.qty = Decimal(qty)
        key.save(update_fields=["qty"])

    page = console.get(reverse("admin:requests_app_requestkey_changelist")).content.decode()

    assert ">40<" in page and ">12,5<" in page and ">1\xa0250,5<" in page
    assert "40.0000" not in page and "12.5000" not in page and "Кол-во" in page


@override_settings(LANGUAGE_CODE="ru")
def test_console_dates_are_in_the_russian_format(console: Client) -> None:
    request = make_request_with_keys(1)
    request.created_at = request.created_at.replace(year=2026, month=12, day=3)
    request.save(update_fields=["created_at"])

    page = console.get(reverse("admin:requests_app_request_changelist")).content.decode()

    assert "3 декабря 2026" in page or "03.12.2026" in page


def test_the_login_code_e_mail_is_in_the_workers_language() -> None:
    with translation.override("ru"):
        _send(email="anna@buyer.example", code="123456")
    with translation.override("en"):
        _send(email="anna@buyer.example", code="654321")

    ru, en = mail.outbox
    assert ru.subject == "Код для входа в B2B Platform"
    assert "Код действует 10 минут" in ru.body and "123456" in ru.body
    assert 'lang="ru"' in ru.alternatives[0][0]
    assert en.subject == "Your B2B Platform login code"
    assert "It is valid for 10 minutes" in en.body
