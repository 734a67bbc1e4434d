"""Reads of messaging: the recipient states the request detail shows."""

from __future__ import annotations

import pytest

from messaging.models import Direction, Message, MessageStatus, Recipient
from messaging.selectors import recipient_rows, recipient_states_for_request
from requests_app.models import RequestStatus
from requests_app.tests.factories import RequestFactory
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def _message(request, supplier, status, n):
    return Message.objects.create(
        request=request, supplier=supplier, direction=Direction.OUTGOING, to_email=supplier.email,
        subject="s", body="b", status=status, message_id=f"<test-{n}@x>",
    )  # fmt: skip


def test_recipient_states_follow_the_newest_outgoing_message(alice, django_assert_num_queries):
    request = RequestFactory(owner=alice, status=RequestStatus.PROCESSING)
    never, queued, sending, retried, failed = SupplierFactory.create_batch(5)
    Recipient.objects.create(request=request, supplier=never, selected=True)
    Recipient.objects.create(request=request, supplier=failed, selected=False, blocked_reason="domain_blacklisted")
    _message(request, queued, MessageStatus.QUEUED, 1)
    _message(request, sending, MessageStatus.SENDING, 2)
    _message(request, retried, MessageStatus.FAILED, 3)
    _message(request, retried, MessageStatus.SENT, 4)
    _message(request, failed, MessageStatus.FAILED, 5)

    with django_assert_num_queries(2):
        states = recipient_states_for_request(request=request)

    summary = {sid: (s.selected, s.is_new, s.send_status, s.blocked_reason) for sid, s in states.items()}
    assert summary == {
        never.pk: (True, True, "notsent", None),
        queued.pk: (False, False, "queued", None),
        sending.pk: (False, False, "queued", None),
        retried.pk: (False, False, "sent", None),
        failed.pk: (False, False, "failed", "domain_blacklisted"),
    }


def test_recipient_rows_are_sorted_and_carry_the_card(alice, django_assert_num_queries):
    request = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)
    cards = SupplierFactory.create_batch(3)
    for card in reversed(cards):
        Recipient.objects.create(request=request, supplier=card, selected=True)
    with django_assert_num_queries(3):  # send states, recipients, candidates (none here)
        rows = recipient_rows(request=request)
    assert [row.supplier_id for row in rows] == [card.pk for card in cards]
    assert rows[0].supplier_name == cards[0].name and rows[0].inn == cards[0].inn
