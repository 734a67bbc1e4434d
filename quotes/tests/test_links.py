"""Quote links: in the supplier e-mail, stable across retries, unguessable, stored hashed, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import delivery
from messaging.email import build_email
from messaging.models import Message
from messaging.selectors import message_for_delivery
from messaging.services import mailing_send
from quotes.models import QuoteLink, QuoteLinkRevokeReason
from quotes.services import link_url_for_message
from quotes.tests.conftest import Rfq, make_rfq
from quotes.tokens import token_for, token_hash

pytestmark = pytest.mark.django_db

URL_PATTERN = "http://quotes.example/q/"


@pytest.fixture(autouse=True)
def _public_base(settings) -> None:
    settings.PUBLIC_BASE_URL = "http://quotes.example"


def _link_in(text: str) -> str:
    start = text.index(URL_PATTERN)
    return text[start:].split()[0].split("<")[0].split('"')[0]


def test_supplier_email_delivered_over_smtp_carries_the_personal_link(alice, smtp_backend, client) -> None:
    rfq = make_rfq(alice, sent=False)
    result = mailing_send(owner=alice, request_id=rfq.request.pk, subject="RFQ", body="Quote, please.")
    for message_id in result.message_ids:
        assert delivery.deliver(message_id=message_id).status == "sent"

    received = {item.rcpt_tos[0]: item.message for item in smtp_backend.handler.received}
    links = {}
    for supplier in rfq.suppliers:
        email = received[supplier.email]
        text = email.get_body(("plain",)).get_content()
        html = email.get_body(("html",)).get_content()
        links[supplier.pk] = _link_in(text)
        assert _link_in(html) == links[supplier.pk]
    assert len(set(links.values())) == 2  # personal: one per recipient
    token = links[rfq.suppliers[0].pk].rsplit("/", 1)[1]
    assert len(token) == 43
    assert client.get(f"/q/{token}").status_code == 200


def test_a_retry_rebuilds_the_same_url_and_the_table_holds_no_token(rfq: Rfq) -> None:
    message = message_for_delivery(message_id=rfq.messages[0].pk)

    first = link_url_for_message(message)
    again = link_url_for_message(message_for_delivery(message_id=message.pk))

    assert first == again and first.startswith(URL_PATTERN)
    link = QuoteLink.objects.get()
    token = first.rsplit("/", 1)[1]
    assert token_for(link.nonce) == token and link.token_hash == token_hash(token)
    assert token not in {link.nonce, link.token_hash}


def test_build_email_shows_the_link_in_both_bodies(rfq: Rfq) -> None:
    email = build_email(message=message_for_delivery(message_id=rfq.messages[1].pk))

    html = email.alternatives[0][0]
    assert URL_PATTERN in email.body and URL_PATTERN in html
    assert _link_in(email.body) == link_url_for_message(rfq.messages[1])


def test_after_revocation_the_next_email_mints_a_new_link(rfq: Rfq, alice_client) -> None:
    message = message_for_delivery(message_id=rfq.messages[0].pk)
    old = link_url_for_message(message)

    alice_client.post(f"/api/v1/user/requests/{rfq.request.pk}/quote-links/{rfq.suppliers[0].pk}/revoke")
    new = link_url_for_message(message_for_delivery(message_id=message.pk))

    assert new != old
    assert QuoteLink.objects.filter(revoked_at__isnull=False, revoked_reason=QuoteLinkRevokeReason.BUYER).count() == 1
    assert QuoteLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_link_past_its_ttl_is_replaced_on_the_next_email(rfq: Rfq, settings) -> None:
    old = link_url_for_message(rfq.messages[0])
    QuoteLink.objects.update(created_at=timezone.now() - timedelta(days=settings.QUOTE_LINK_TTL_DAYS + 1))

    new = link_url_for_message(message_for_delivery(message_id=rfq.messages[0].pk))

    assert new != old
    assert QuoteLink.objects.get(revoked_at__isnull=False).revoked_reason == QuoteLinkRevokeReason.EXPIRED


def test_with_a_deadline_the_link_lives_until_the_deadline(rfq: Rfq, settings) -> None:
    rfq.request.deadline = timezone.now() + timedelta(days=90)
    rfq.request.save(update_fields=["deadline"])
    link = rfq.link()

    assert link.expires_at() == rfq.request.deadline


def test_no_link_for_a_closed_request_or_an_incoming_message(rfq: Rfq) -> None:
    incoming = Message(request=rfq.request, supplier=rfq.suppliers[0], direction="incoming")
    assert link_url_for_message(incoming) is None
    rfq.request.status = "done"
    assert link_url_for_message(Message(request=rfq.request, supplier=rfq.suppliers[0])) is None
    assert not QuoteLink.objects.exists()


def test_revoking_is_owner_scoped(rfq: Rfq, bob_client, alice_client) -> None:
    rfq.link()
    url = f"/api/v1/user/requests/{rfq.request.pk}/quote-links/{rfq.suppliers[0].pk}/revoke"

    assert bob_client.post(url).status_code == 404
    assert QuoteLink.objects.get().revoked_at is None
    assert alice_client.post(url).json()["revoked"] == 1
    assert alice_client.post(url).json()["revoked"] == 0  # again: nothing left to close


def test_each_recipient_gets_its_own_link(rfq: Rfq) -> None:
    urls = {link_url_for_message(message) for message in Message.objects.select_related("request")}
    assert len(urls) == 2
