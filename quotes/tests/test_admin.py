"""The moderators' console: quotes and their revisions read-only, links with a revoke action."""

from __future__ import annotations

import pytest
from django.test import Client

from quotes.models import Quote, QuoteLink, QuoteLinkRevokeReason
from quotes.tests.conftest import Rfq

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoted(rfq: Rfq, alice_client) -> Rfq:
    for price in (100, 90):  # two revisions
        body = {"supplierid": rfq.suppliers[0].pk, "lines": [{"keyid": rfq.keys[0].pk, "price": price}]}
        assert (
            alice_client.post(f"/api/v1/user/requests/{rfq.request.pk}/quotes", body, format="json").status_code == 200
        )
    return rfq


def test_moderators_read_every_revision_but_change_nothing(quoted: Rfq, console: Client) -> None:
    listing = console.get("/admin/quotes/quote/")
    assert listing.status_code == 200
    for quote in Quote.objects.all():
        page = console.get(f"/admin/quotes/quote/{quote.pk}/change/")
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
    assert console.get("/admin/quotes/quote/add/").status_code == 403
    first = Quote.objects.get(revision=1)
    assert console.post(f"/admin/quotes/quote/{first.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Quote.objects.count() == 2


def test_moderators_revoke_links_from_the_console(rfq: Rfq, console: Client, client: Client) -> None:
    url = rfq.url()
    link = QuoteLink.objects.get()
    assert console.get("/admin/quotes/quotelink/").status_code == 200
    page = console.get(f"/admin/quotes/quotelink/{link.pk}/change/").content.decode()
    assert link.nonce not in page and link.token_hash not in page

    response = console.post(
        "/admin/quotes/quotelink/", {"action": "revoke", "_selected_action": [link.pk], "index": 0}, follow=True
    )

    assert response.status_code == 200
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_reason == QuoteLinkRevokeReason.BUYER
    assert client.get(url).status_code == 410


def test_buyers_do_not_reach_the_quotes_console(quoted: Rfq, alice) -> None:
    browser = Client()
    browser.force_login(alice)

    response = browser.get("/admin/quotes/quote/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_revisions_lines_and_links_are_named_in_the_consoles_language(quoted: Rfq, console: Client) -> None:
    """Found by the verification round: titles, breadcrumbs and inline rows of the Russian console read
    "quote of supplier 3 on request 1 (rev. 1)", "line of key 4 in quote 1", "link of supplier 3 on request 1"."""
    console.cookies["django_language"] = "ru"
    quote = Quote.objects.get(revision=1)
    link = quoted.link(0)

    page = console.get(f"/admin/quotes/quote/{quote.pk}/change/").content.decode()
    link_page = console.get(f"/admin/quotes/quotelink/{link.pk}/change/").content.decode()

    assert f"предложение поставщика {quote.supplier_id} по запросу {quote.request_id} (ред. 1)" in page
    assert f"строка позиции {quoted.keys[0].pk} в предложении {quote.pk}" in page
    assert f"ссылка поставщика {link.supplier_id} по запросу {link.request_id}" in link_page
    for english in ("quote of supplier", "line of key", "link of supplier", "rev. 1"):
        assert english not in page + link_page
