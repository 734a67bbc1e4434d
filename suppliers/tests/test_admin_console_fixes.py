"""Supplier cards in the console: more e-mails typed one per line, and "Checko is off" said once."""

import pytest

from suppliers.checko import CHECKO_OFF_MESSAGE
from suppliers.models import Supplier
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/suppliers/supplier/"


def _card(**fields) -> dict:
    return {
        "type": "supplier",
        "inn": "7707083893",
        "name": "Romashka",
        "email": "sales@romashka-mail.ru",
        "phone": "",
        "comment": "",
        "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_more_e_mails_are_typed_one_per_line_and_shown_so(admin_client, checko_off) -> None:
    response = admin_client.post(f"{ADMIN}add/", _card(emails="Info@Extra.ru\r\n\r\nopt@extra.ru, info@extra.ru\r\n"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    supplier = Supplier.objects.get(inn="7707083893")
    assert supplier.emails == ["info@extra.ru", "opt@extra.ru"]
    page = admin_client.get(f"{ADMIN}{supplier.pk}/change/").content.decode()
    assert "info@extra.ru\nopt@extra.ru</textarea>" in page  # a list, not '["info@extra.ru", …]'
    assert "[&quot;" not in page.split('name="emails"')[1].split("</textarea>")[0]


def test_each_bad_address_is_named(admin_client, checko_off) -> None:
    response = admin_client.post(f"{ADMIN}add/", _card(emails="info@extra.ru\nnot-an-address\nalso@bad@x.ru"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["emails"]
    assert errors == [
        "“not-an-address” is not a valid e-mail address.",
        "“also@bad@x.ru” is not a valid e-mail address.",
    ]
    assert not Supplier.objects.exists()


def test_at_most_ten_more_e_mails(admin_client, checko_off) -> None:
    many = "\n".join(f"box{number}@extra.ru" for number in range(11))
    response = admin_client.post(f"{ADMIN}add/", _card(emails=many))
    assert response.context["adminform"].form.errors["emails"] == ["At most 10 extra e-mail addresses."]


def test_checko_is_off_is_said_once_above_the_list_not_on_every_row(admin_client, checko_off) -> None:
    SupplierFactory.create_batch(3, checko_error=CHECKO_OFF_MESSAGE)
    broken = SupplierFactory(checko_error="HTTP 502 from Checko")

    html = admin_client.get(ADMIN).content.decode()

    assert html.count("Checko is off") == 1
    assert "HTTP 502 from Checko" in html  # a real error still shows on its row
    assert broken.name in html


def test_the_refresh_action_and_the_list_do_not_both_say_checko_is_off(admin_client, checko_off) -> None:
    supplier = SupplierFactory()
    response = admin_client.post(ADMIN, {"action": "refresh_checko", "_selected_action": [supplier.pk]}, follow=True)
    assert response.content.decode().count("Checko is off") == 1


def test_with_checko_on_nothing_is_said(admin_client, fake_checko) -> None:
    SupplierFactory()
    assert "Checko is off" not in admin_client.get(ADMIN).content.decode()
