"""Buyer and moderator routes of quotes: list, enter by hand, compare, award — scoped, with the contract's errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from messaging.models import Recipient, ReplyStatus
from quotes.models import Quote
from quotes.tests.conftest import Rfq, make_rfq
from quotes.tests.data import seed_comparison
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def _base(rfq: Rfq) -> str:
    return f"/api/v1/user/requests/{rfq.request.pk}"


def _manual(rfq: Rfq, supplier_index: int = 1, **extra) -> dict:
    first, second, third = rfq.keys
    body = {
        "supplierid": rfq.suppliers[supplier_index].pk,
        "currency": "RUB",
        "vatincluded": False,
        "lines": [
            {"keyid": first.pk, "price": 1100, "leadtimedays": 21},
            {"keyid": second.pk, "price": 300.5, "qty": 25, "leadtimedays": 7, "comment": "со склада"},
            {"keyid": third.pk, "analogue": "Труба 57х4", "price": 410, "leadtimedays": 30},
        ],
        "comment": "Ответ по почте от 03.12",
    }
    body.update(extra)
    return body


def _portal_quote(rfq: Rfq, client: Client) -> None:
    first, second, _ = rfq.keys
    form = {
        "action": "submit",
        "currency": "RUB",
        "vat_included": "1",
        f"price-{first.pk}": "1250,5",
        f"lead-{first.pk}": "14",
        f"price-{second.pk}": "310",
        f"qty-{second.pk}": "20",
        f"lead-{second.pk}": "7",
    }
    assert client.post(rfq.url(0), form).status_code == 303


def test_buyer_enters_a_quote_from_an_email_reply(rfq: Rfq, alice_client) -> None:
    response = alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq), format="json")

    assert response.status_code == 200, response.json()
    quote = response.json()
    assert quote["source"] == "manual" and quote["revision"] == 1
    assert quote["supplierid"] == rfq.suppliers[1].pk and quote["suppliername"] == "Поставщик B"
    assert quote["vatincluded"] is False and quote["currency"] == "RUB" and quote["validuntil"] is None
    assert quote["lines"][1] == {
        "keyid": rfq.keys[1].pk,
        "price": 300.5,
        "qty": 25.0,
        "leadtimedays": 7,
        "analogue": None,
        "comment": "со склада",
    }
    assert quote["comment"] == "Ответ по почте от 03.12" and quote["attachmentids"] == []
    assert Recipient.objects.get(supplier=rfq.suppliers[1]).reply_status == ReplyStatus.QUOTED
    assert Quote.objects.get().entered_by == rfq.request.owner


def test_list_shows_the_latest_submitted_revision_per_supplier(rfq: Rfq, alice_client, client: Client) -> None:
    _portal_quote(rfq, client)
    alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq), format="json")
    alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq, currency="USD"), format="json")

    quotes = alice_client.get(f"{_base(rfq)}/quotes").json()

    assert quotes["requestid"] == rfq.request.pk
    got = [(q["supplierid"], q["revision"], q["source"], q["currency"]) for q in quotes["quotes"]]
    assert got == [(rfq.suppliers[0].pk, 1, "portal", "RUB"), (rfq.suppliers[1].pk, 2, "manual", "USD")]
    assert Quote.objects.count() == 3  # every revision kept


def test_supplier_not_a_recipient_is_a_422_on_supplierid(rfq: Rfq, alice_client) -> None:
    stranger = SupplierFactory()

    response = alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq, supplierid=stranger.pk), format="json")

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "supplierid"]]
    assert not Quote.objects.exists()


def test_a_key_of_another_request_is_a_422_with_its_location(rfq: Rfq, alice, alice_client) -> None:
    other = make_rfq(alice)
    body = _manual(rfq)
    body["lines"][2]["keyid"] = other.keys[0].pk
    body["lines"][0]["qty"] = 0

    response = alice_client.post(f"{_base(rfq)}/quotes", body, format="json")

    assert response.status_code == 422
    locs = sorted(item["loc"] for item in response.json()["detail"])
    assert locs == [["body", "lines", 0, "qty"], ["body", "lines", 2, "keyid"]]


def test_bad_types_and_unknown_attachments_are_422(rfq: Rfq, alice_client, bob) -> None:
    body = _manual(rfq, currency="GBP")
    body["lines"][0]["price"] = -1
    response = alice_client.post(f"{_base(rfq)}/quotes", body, format="json")
    assert response.status_code == 422
    assert {tuple(item["loc"]) for item in response.json()["detail"]} >= {("body", "currency")}

    response = alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq, attachmentids=[999999]), format="json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "attachmentids", 0]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "/quotes", None),
        ("post", "/quotes", {"supplierid": 1, "lines": []}),
        ("get", "/comparison", None),
        ("get", "/comparison?format=xlsx", None),
        ("put", "/awards", {"awards": []}),
    ],
)
def test_another_buyers_request_is_not_found(rfq: Rfq, bob_client, method, suffix, body) -> None:
    response = getattr(bob_client, method)(f"{_base(rfq)}{suffix}", body, format="json")

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Quote.objects.exists()


def test_anonymous_is_401(rfq: Rfq, anon_client) -> None:
    assert anon_client.get(f"{_base(rfq)}/quotes").status_code == 401
    assert anon_client.get(f"{_base(rfq)}/comparison").status_code == 401


def test_a_moderator_enters_and_reads_quotes_for_any_buyer(rfq: Rfq, moderator, moderator_client) -> None:
    response = moderator_client.post(f"{_base(rfq)}/quotes", _manual(rfq), format="json")

    assert response.status_code == 200
    assert Quote.objects.get().entered_by == moderator
    assert len(moderator_client.get(f"{_base(rfq)}/quotes").json()["quotes"]) == 1


def test_comparison_and_awards_stay_the_buyers_own(rfq: Rfq, moderator_client) -> None:
    assert moderator_client.get(f"{_base(rfq)}/comparison").status_code == 404
    assert moderator_client.put(f"{_base(rfq)}/awards", {"awards": []}, format="json").status_code == 404


def test_comparison_marks_best_fastest_totals_and_no_answer(alice, alice_client, client: Client) -> None:
    rfq = make_rfq(alice, suppliers=3, language="en")
    _portal_quote(rfq, client)  # A: keys 1 and 2
    alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq), format="json")  # B: all three

    comparison = alice_client.get(f"{_base(rfq)}/comparison").json()

    a, b, c = (supplier.pk for supplier in rfq.suppliers)
    first, second, third = comparison["keys"]
    assert [first["pos"], first["text"], first["qty"], first["unit"]] == [1, "Фланец плоский Ду100", 10.0, "шт"]
    offers = {offer["supplierid"]: offer for offer in first["offers"]}
    assert offers[a]["price"] == 1250.5 and offers[a]["total"] == 12505.0  # price × the key's qty
    assert (offers[b]["isbestprice"], offers[a]["isbestprice"]) == (True, False)
    assert (offers[a]["isfastest"], offers[b]["isfastest"]) == (True, False)
    assert first["noanswer"] == [c]
    second_offers = {offer["supplierid"]: offer for offer in second["offers"]}
    assert second_offers[b]["total"] == 7512.5  # 300.5 × the offered 25
    assert second_offers[a]["isfastest"] and second_offers[b]["isfastest"]  # a tie: both marked
    assert third["noanswer"] == [a, c] and third["offers"][0]["analogue"] == "Труба 57х4"
    totals = {row["supplierid"]: row for row in comparison["totals"]}
    assert totals[a] == {"supplierid": a, "suppliername": "Поставщик A", "currency": "RUB", "vatincluded": True,
                         "total": 12505.0 + 6200.0, "keyscovered": 2}  # fmt: skip
    assert totals[b]["total"] == 11000.0 + 7512.5 + 410 * 120.5 and totals[b]["keyscovered"] == 3
    assert c not in totals


def test_prices_in_different_currencies_are_not_compared(rfq: Rfq, alice_client, client: Client) -> None:
    _portal_quote(rfq, client)  # RUB 1250.5 for key 1
    alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq, currency="USD"), format="json")  # USD 1100

    first = alice_client.get(f"{_base(rfq)}/comparison").json()["keys"][0]

    assert {offer["currency"]: offer["isbestprice"] for offer in first["offers"]} == {"RUB": True, "USD": True}


def test_awards_set_move_and_clear(rfq: Rfq, alice_client, client: Client) -> None:
    _portal_quote(rfq, client)
    alice_client.post(f"{_base(rfq)}/quotes", _manual(rfq), format="json")
    a, b = (supplier.pk for supplier in rfq.suppliers)
    first, second, third = (key.pk for key in rfq.keys)
    url = f"{_base(rfq)}/awards"

    answer = alice_client.put(url, {"awards": [{"keyid": first, "supplierid": b}, {"keyid": second, "supplierid": a}]},
                              format="json")  # fmt: skip

    assert answer.status_code == 200
    keys = {key["keyid"]: key for key in answer.json()["keys"]}
    assert {o["supplierid"]: o["awarded"] for o in keys[first]["offers"]} == {a: False, b: True}
    assert keys[second]["awardedsupplierid"] == a
    again = {"awards": [{"keyid": first, "supplierid": None}, {"keyid": third, "supplierid": b}]}
    answer = alice_client.put(url, again, format="json")
    keys = {key["keyid"]: key for key in answer.json()["keys"]}
    assert (keys[first]["awardedsupplierid"], keys[second]["awardedsupplierid"], keys[third]["awardedsupplierid"]) == (
        None, a, b,
    )  # fmt: skip


def test_awards_refuse_foreign_keys_and_suppliers_without_an_offer(rfq: Rfq, alice, alice_client, client) -> None:
    _portal_quote(rfq, client)  # A quoted keys 1 and 2 only
    other = make_rfq(alice)
    a = rfq.suppliers[0].pk
    body = {"awards": [{"keyid": other.keys[0].pk, "supplierid": a}, {"keyid": rfq.keys[2].pk, "supplierid": a},
                       {"keyid": rfq.keys[0].pk, "supplierid": a}, {"keyid": rfq.keys[0].pk}]}  # fmt: skip

    response = alice_client.put(f"{_base(rfq)}/awards", body, format="json")

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [
        ["body", "awards", 0, "keyid"], ["body", "awards", 1, "supplierid"], ["body", "awards", 3, "keyid"],
    ]  # fmt: skip


def test_comparison_without_quotes_lists_every_contacted_supplier_as_no_answer(rfq: Rfq, alice_client) -> None:
    body = alice_client.get(f"{_base(rfq)}/comparison").json()

    assert body["totals"] == []
    assert [key["offers"] for key in body["keys"]] == [[], [], []]
    assert all(key["noanswer"] == sorted(s.pk for s in rfq.suppliers) for key in body["keys"])
    xlsx = alice_client.get(f"{_base(rfq)}/comparison?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_bad_format_is_a_422(rfq: Rfq, alice_client) -> None:
    response = alice_client.get(f"{_base(rfq)}/comparison?format=pdf")

    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "format"]


def test_comparison_of_2000_keys_and_20_quotes_takes_at_most_8_queries(
    alice, alice_client, django_assert_max_num_queries
) -> None:
    request = seed_comparison(alice, keys=2000, suppliers=20)

    with django_assert_max_num_queries(8):
        response = alice_client.get(f"/api/v1/user/requests/{request.pk}/comparison")

    assert response.status_code == 200
    body = response.json()
    assert len(body["keys"]) == 2000 and all(len(key["offers"]) == 20 for key in body["keys"])
    assert all(len(key["noanswer"]) == 1 for key in body["keys"])  # the 21st supplier was e-mailed, never quoted
    assert len(body["totals"]) == 20 and body["totals"][0]["keyscovered"] == 2000
    assert Decimal(str(body["keys"][0]["offers"][0]["total"])) > 0


TOO_BIG = 2**64  # over a bigint: SQLite (the embedded default) cannot bind it, so it must never reach a query


@pytest.mark.parametrize(
    ("suffix", "body", "loc"),
    [
        ("/quotes", {"supplierid": TOO_BIG, "lines": []}, ["body", "supplierid"]),
        ("/quotes", {"supplierid": 1, "lines": [{"keyid": TOO_BIG}]}, ["body", "lines", 0, "keyid"]),
        ("/quotes", {"supplierid": 1, "lines": [], "attachmentids": [TOO_BIG]}, ["body", "attachmentids", 0]),
        ("/awards", {"awards": [{"keyid": TOO_BIG}]}, ["body", "awards", 0, "keyid"]),
        ("/awards", {"awards": [{"keyid": 1, "supplierid": TOO_BIG}]}, ["body", "awards", 0, "supplierid"]),
    ],
)
def test_ids_over_a_bigint_are_a_422_before_any_query(rfq: Rfq, alice_client, suffix, body, loc) -> None:
    """Found by the verification round: on SQLite these were 500s (OverflowError while binding the value)."""
    method = alice_client.post if suffix == "/quotes" else alice_client.put
    response = method(f"{_base(rfq)}{suffix}", body, format="json")

    assert response.status_code == 422, response.content
    assert [(item["loc"], item["type"]) for item in response.json()["detail"]] == [(loc, "max_value")]


def test_revoking_the_link_of_a_supplier_id_over_a_bigint_revokes_nothing(rfq: Rfq, alice_client) -> None:
    rfq.link(0)
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.post(f"{_base(rfq)}/quote-links/{TOO_BIG}/revoke")

    assert response.status_code == 200 and response.json() == {"success": True, "revoked": 0}
    assert not [query for query in queries.captured_queries if str(TOO_BIG) in query["sql"]]
