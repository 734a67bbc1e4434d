"""Delivery of one outbox row from this process over real SMTP (loopback aiosmtpd), and the sweeper."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from messaging import delivery
from messaging.email import build_email
from messaging.models import Message, MessageStatus
from messaging.selectors import message_for_delivery
from messaging.services import mailing_send
from requests_app.models import RequestKey
from suppliers.tests.factories import SupplierFactory

from .conftest import make_sendable_request
from .smtp import free_port

pytestmark = pytest.mark.django_db


def _queued_message(owner, **supplier_fields) -> Message:
    request, _ = make_sendable_request(owner, suppliers=0, keys=2)
    supplier = SupplierFactory(**supplier_fields)
    request.recipients.create(supplier=supplier, selected=True)
    result = mailing_send(owner=owner, request_id=request.pk, subject="RFQ", body="Please quote.")
    return Message.objects.get(pk=result.message_ids[0])


def test_deliver_sends_once_and_marks_sent(alice, smtp_backend):
    message = _queued_message(alice)

    assert delivery.deliver(message_id=message.pk).status == "sent"
    assert delivery.deliver(message_id=message.pk) is delivery.SKIPPED  # a duplicate task finds nothing to do

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, None)
    assert message.sent_at is not None
    assert smtp_backend.handler.received_ids() == [message.message_id]


def test_temporary_smtp_answer_puts_the_message_back_with_a_due_time(alice, smtp_backend, settings):
    settings.MESSAGE_RETRY_BASE_SECONDS = 30
    message = _queued_message(alice)
    smtp_backend.handler.data_script.append("451")

    outcome = delivery.deliver(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.status == "queued" and 24 <= outcome.retry_in <= 36
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "451" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert delivery.deliver(message_id=message.pk) is delivery.SKIPPED  # not due yet: the retry will do it


def test_permanent_smtp_answer_fails_the_message(alice, smtp_backend):
    message = _queued_message(alice)
    smtp_backend.handler.rcpt_script.append("550")

    outcome = delivery.deliver(message_id=message.pk)

    message.refresh_from_db()
    assert outcome == delivery.DeliveryOutcome("failed")
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.FAILED, 1, None)
    assert "550" in message.last_error and message.to_email in message.last_error


def test_connection_refused_is_temporary_until_attempts_run_out(alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.MESSAGE_MAX_ATTEMPTS = 2
    message = _queued_message(alice)

    assert delivery.deliver(message_id=message.pk).status == "queued"
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(message_id=message.pk).status == "failed"

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)
    assert "ConnectionRefusedError" in message.last_error


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.ru": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.ru": (450, b"greylisted")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(451, b"later"), False),
        (smtplib.SMTPSenderRefused(421, b"busy", "noreply@b2b.localhost"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionResetError("reset"), False),
        (TimeoutError("timed out"), False),
        (ValueError("Header values may not contain linefeed"), True),
    ],
)
def test_errors_are_classified_by_smtp_code(exc, permanent):
    assert delivery.classify_error(exc)[0] is permanent


def test_retry_delay_doubles_from_the_base_up_to_the_cap_with_jitter(settings):
    settings.MESSAGE_RETRY_BASE_SECONDS, settings.MESSAGE_RETRY_MAX_SECONDS = 30, 600
    for attempt, nominal in [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480)]:
        delays = [delivery.retry_delay(attempt) for _ in range(50)]
        assert all(0.8 * nominal <= delay <= 1.2 * nominal for delay in delays)
        assert len(set(delays)) > 1
    assert all(480 <= delivery.retry_delay(attempt) <= 600 for attempt in (6, 7, 20))


def test_email_escapes_names_in_html_and_formats_the_keys(alice):
    message = _queued_message(alice, name='<b>Evil & "Co"</b>')
    RequestKey.objects.filter(request=message.request, pos=1).update(qty=Decimal("12.5000"), unit="kg")
    Message.objects.filter(pk=message.pk).update(in_reply_to="<their-id@supplier.ru>")

    email = build_email(message=message_for_delivery(message_id=message.pk))

    html = email.alternatives[0][0]
    assert "&lt;b&gt;Evil &amp; &quot;Co&quot;&lt;/b&gt;" in html and "<b>Evil" not in html
    assert "<td>12.5</td><td>kg</td>" in html
    assert 'Dear <b>Evil & "Co"</b>,' in email.body  # the text part is plain text, not HTML
    assert "1. Труба стальная 57х1 — 12.5 kg" in email.body
    headers = email.message()
    assert headers["In-Reply-To"] == "<their-id@supplier.ru>" and headers["Message-ID"] == message.message_id


# --- the sweeper -----------------------------------------------------------------------------------------


def _set(message: Message, **fields) -> None:
    Message.objects.filter(pk=message.pk).update(**fields)


def test_sweeper_republishes_stuck_messages_only(alice, settings, django_capture_on_commit_callbacks):
    settings.MESSAGE_MAX_ATTEMPTS = 8
    now = timezone.now()
    old, recent = now - timedelta(minutes=3), now - timedelta(seconds=30)
    never_published = _queued_message(alice)
    _set(never_published, updated_at=old)
    fresh = _queued_message(alice)
    _set(fresh, updated_at=recent)
    retry_overdue = _queued_message(alice)
    _set(retry_overdue, updated_at=old, next_attempt_at=old)
    retry_waiting = _queued_message(alice)
    _set(retry_waiting, updated_at=old, next_attempt_at=now + timedelta(minutes=5))
    lost = _queued_message(alice)
    _set(lost, status=MessageStatus.SENDING, claimed_at=now - timedelta(minutes=11), attempts=1)
    sending = _queued_message(alice)
    _set(sending, status=MessageStatus.SENDING, claimed_at=now - timedelta(minutes=1), attempts=1)
    exhausted = _queued_message(alice)
    _set(exhausted, status=MessageStatus.SENDING, claimed_at=now - timedelta(minutes=11), attempts=8)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = delivery.requeue_stuck_messages(now=now)

    assert ids == sorted([never_published.pk, retry_overdue.pk, lost.pk])
    assert len(callbacks) == 1
    states = dict(Message.objects.values_list("pk", "status"))
    assert states[lost.pk] == MessageStatus.QUEUED and states[sending.pk] == MessageStatus.SENDING
    assert states[exhausted.pk] == MessageStatus.FAILED
    # Re-published rows get a fresh due time: the next sweep a minute later leaves them to their task.
    assert delivery.requeue_stuck_messages(now=now + timedelta(minutes=1)) == []


def test_a_late_acceptance_after_a_sweeper_reset_still_counts_as_sent(alice):
    message = _queued_message(alice)
    claimed_at = timezone.now()
    assert delivery.claim_message(message_id=message.pk, now=claimed_at)
    _set(message, status=MessageStatus.QUEUED)  # the sweeper gave up on the claim

    delivery.mark_sent(message_id=message.pk, claimed_at=claimed_at)

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert delivery.deliver(message_id=message.pk) is delivery.SKIPPED


def test_a_batch_shares_one_smtp_session_and_survives_a_refused_recipient(alice, smtp_backend, settings):
    settings.MESSAGE_RETRY_BASE_SECONDS = 30
    request, _ = make_sendable_request(alice, suppliers=4)
    ids = mailing_send(owner=alice, request_id=request.pk, subject="RFQ", body="Quote.").message_ids
    smtp_backend.handler.rcpt_script.extend(["250", "550", "451"])  # 2nd refused for good, 3rd for now

    result = delivery.deliver_batch(message_ids=ids)

    assert [result.outcomes[i].status for i in ids] == ["sent", "failed", "queued", "sent"]
    assert result.outcomes[ids[2]].retry_in is not None and result.left_over == []
    states = dict(Message.objects.values_list("pk", "status"))
    assert [states[i] for i in ids] == ["sent", "failed", "queued", "sent"]
    assert len(smtp_backend.handler.received) == 2


def test_a_batch_hands_back_what_its_time_budget_did_not_cover(alice, smtp_backend):
    request, _ = make_sendable_request(alice, suppliers=3)
    ids = mailing_send(owner=alice, request_id=request.pk, subject="RFQ", body="Quote.").message_ids

    result = delivery.deliver_batch(message_ids=ids, time_budget=-1)

    assert result.outcomes == {} and result.left_over == ids
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}
