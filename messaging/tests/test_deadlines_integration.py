"""Deadlines end to end: PostgreSQL, real Celery workers on Redis, the aiosmtpd server on loopback.

The request's past (its deadline set, its first e-mails sent) is written under time-machine a few hours back, so
that a reminder is due *now* in real time: the worker processes run on the real clock.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from messaging import deadlines, delivery
from messaging.models import MailingKind, Message, MessageStatus, Recipient, ReplyStatus
from requests_app.deadlines import request_set_deadline
from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.tests.factories import SupplierFactory

from .conftest import celery_app, wait_until
from .test_deadlines import contact

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

H = timedelta(hours=1)


def request_with_a_due_reminder(owner, *, suppliers: int) -> tuple[Request, list]:
    """Submitted 2 h ago with a deadline 47 h from now and sent at once: the −48 h reminder became due 1 h ago."""
    now = timezone.now()
    with time_machine.travel(now - 2 * H, tick=False):
        request = make_request_with_keys(2, owner=owner, status=RequestStatus.CONFIRMED)
        request_set_deadline(owner=owner, request_id=request.pk, deadline=now + 47 * H)
        cards = SupplierFactory.create_batch(suppliers)
        Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in cards)
        contact(request, cards)
        Request.objects.filter(pk=request.pk).update(status=RequestStatus.PROCESSING)
    return request, cards


def received_by(smtp, kind_subject: str) -> list[str]:
    return sorted(item.rcpt_tos[0] for item in smtp.handler.received if kind_subject in str(item.message["Subject"]))


def test_a_crash_between_planning_and_queueing_still_sends_each_reminder_once(
    alice, smtp, start_worker, monkeypatch
) -> None:
    request, cards = request_with_a_due_reminder(alice, suppliers=3)
    Recipient.objects.filter(request=request, supplier=cards[2]).update(reply_status=ReplyStatus.REPLIED)
    expected = sorted(card.email for card in cards[:2])
    start_worker()
    # The planner commits its rows and dies before publishing them.
    monkeypatch.setattr(deadlines, "enqueue_deliveries", lambda ids: 0)
    planned = deadlines.plan_reminders()
    monkeypatch.undo()
    assert len(planned) == 2
    time.sleep(1.0)
    assert smtp.handler.received == []  # nothing was published
    # The next beat run finds nothing new to write; the outbox sweeper publishes the rows again.
    assert deadlines.plan_reminders() == []
    Message.objects.filter(pk__in=planned).update(updated_at=timezone.now() - timedelta(seconds=300))  # time passes
    republished = delivery.requeue_stuck_messages()
    assert sorted(republished) == sorted(planned)

    wait_until(lambda: len(smtp.handler.received) >= 2, what="the two reminders")
    time.sleep(1.0)  # nothing else arrives
    assert received_by(smtp, "Reminder: request No.") == expected
    first = {card.email: f"<msg-first-{request.pk}-{card.pk}@b2b.localhost>" for card in cards}
    for item in smtp.handler.received:
        assert item.message["In-Reply-To"] == first[item.rcpt_tos[0]]
        assert item.message["Message-ID"] in set(
            Message.objects.filter(pk__in=planned).values_list("message_id", flat=True)
        )
    assert set(Message.objects.filter(pk__in=planned).values_list("status", flat=True)) == {MessageStatus.SENT}


def test_two_beat_tasks_at_once_on_workers_send_one_reminder_each(alice, smtp, start_worker) -> None:
    request, cards = request_with_a_due_reminder(alice, suppliers=12)
    start_worker("w1", concurrency=2)
    start_worker("w2", concurrency=2)

    for _ in range(4):  # two beat processes, twice each
        celery_app.send_task(deadlines.PLAN_REMINDERS)

    wait_until(lambda: len(smtp.handler.received) >= 12, what="twelve reminders")
    time.sleep(2.0)
    assert received_by(smtp, "Reminder: request No.") == sorted(card.email for card in cards)
    assert Message.objects.filter(request=request, mailing__kind=MailingKind.REMINDER).count() == 12


def test_a_moved_deadline_and_an_early_close_reach_the_suppliers(alice, alice_client, smtp, start_worker) -> None:
    request, cards = request_with_a_due_reminder(alice, suppliers=2)
    Recipient.objects.filter(request=request, supplier=cards[1]).update(reply_status=ReplyStatus.BOUNCED)
    start_worker()
    later = (timezone.now() + 96 * H).replace(microsecond=0)

    moved = alice_client.put(
        f"/api/v1/user/requests/{request.pk}/deadline", {"deadline": later.isoformat()}, format="json"
    )

    assert moved.status_code == 200, moved.content
    wait_until(lambda: received_by(smtp, "the deadline has moved"), what="the deadline notice")
    assert received_by(smtp, "the deadline has moved") == [cards[0].email]
    # The old deadline's due reminder is gone with it; the new deadline's −48 h is two days away.
    assert deadlines.plan_reminders() == []

    closed = alice_client.post(f"/api/v1/user/requests/{request.pk}/close")

    assert closed.status_code == 200, closed.content
    wait_until(lambda: received_by(smtp, "is closed"), what="the close notice")
    [notice] = [item for item in smtp.handler.received if "is closed" in str(item.message["Subject"])]
    assert notice.rcpt_tos == [cards[0].email]
    text = notice.message.get_body(preferencelist=("plain",)).get_content()
    assert "has closed request" in text and alice.email in text
