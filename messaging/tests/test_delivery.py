"""Delivery of one outbox row from this process over real SMTP (loopback aiosmtpd), and the sweeper."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from messaging import delivery
from messaging.email import build_email
from messaging.failures import DeliveryError, classify_build_error, classify_send_error
from messaging.models import DeliveryErrorReason as Reason
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
    ("exc", "permanent", "reason", "code"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.ru": (550, b"no such user")}), True, Reason.RECIPIENT_REFUSED, 550),
        (smtplib.SMTPRecipientsRefused({"a@x.ru": (450, b"greylisted")}), False, Reason.TRY_LATER, 450),
        (smtplib.SMTPDataError(554, b"rejected"), True, Reason.MESSAGE_REFUSED, 554),
        (smtplib.SMTPDataError(451, b"later"), False, Reason.TRY_LATER, 451),
        (smtplib.SMTPDataError(-1, b"garbage"), False, Reason.RELAY_UNAVAILABLE, None),
        (smtplib.SMTPSenderRefused(421, b"busy", "noreply@b2b.localhost"), False, Reason.TRY_LATER, 421),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False, Reason.RELAY_UNAVAILABLE, 535),
        (smtplib.SMTPServerDisconnected("gone"), False, Reason.RELAY_UNAVAILABLE, None),
        (ConnectionResetError("reset"), False, Reason.RELAY_UNAVAILABLE, None),
        (TimeoutError("timed out"), False, Reason.RELAY_UNAVAILABLE, None),
        (ValueError("Header values may not contain linefeed"), True, Reason.INVALID_MESSAGE, None),
    ],
)
def test_errors_are_classified_by_smtp_code(exc, permanent, reason, code):
    error = classify_send_error(exc)
    assert (error.permanent, error.reason, error.smtp_code) == (permanent, reason, code)


def test_errors_while_composing_are_classified_by_where_they_happened():
    missing = FileNotFoundError(2, "No such file or directory", "/srv/app/var/media/ab/cd")
    assert classify_build_error(missing) == DeliveryError(
        False, Reason.ATTACHMENT_UNAVAILABLE, f"FileNotFoundError: {missing}"
    )
    assert classify_build_error(ValueError("bad")).reason == Reason.INVALID_MESSAGE
    assert classify_build_error(KeyError("x")).reason == Reason.INTERNAL_ERROR


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
    assert Message.objects.get(pk=exhausted.pk).public_last_error == "Sending was interrupted"
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


# --- the window between the relay's 250 and the ``sent`` UPDATE (docs/decisions/0009) --------------------


def _record_smtp_and_sql(monkeypatch) -> list:
    """Events in order: ``"250"`` when ``sendmail`` returns, ``"QUIT"``, and each SQL statement with params."""
    events: list = []
    real_sendmail, real_quit = smtplib.SMTP.sendmail, smtplib.SMTP.quit

    def sendmail(self, *args, **kwargs):
        refused = real_sendmail(self, *args, **kwargs)
        events.append("250")
        return refused

    def quit(self):
        events.append("QUIT")
        return real_quit(self)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", sendmail)
    monkeypatch.setattr(smtplib.SMTP, "quit", quit)
    return events


@pytest.mark.parametrize("batch", [False, True], ids=["one-message", "batch"])
def test_the_sent_update_is_the_very_next_thing_after_the_relays_250(alice, smtp_backend, monkeypatch, batch):
    """Not QUIT (a slow relay answers it in up to ``EMAIL_TIMEOUT``), no query, no next message: a crash
    there e-mails the supplier twice, so the row must say ``sent`` before anything else happens."""
    message = _queued_message(alice)
    events = _record_smtp_and_sql(monkeypatch)

    def record_sql(execute, sql, params, many, context):
        events.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record_sql):
        if batch:
            delivery.deliver_batch(message_ids=[message.pk])
        else:
            delivery.deliver(message_id=message.pk)

    after = events[events.index("250") + 1 :]
    assert after[0] != "QUIT", "the session was closed before the acceptance was recorded"
    sql, params = after[0]
    assert sql.startswith('UPDATE "messaging_message" SET "status" = %s') and params[0] == MessageStatus.SENT
    assert after[1:] == ["QUIT"]  # the session is still closed properly, afterwards
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


class WorkerKilled(BaseException):
    """SIGKILL, as far as the code under test can tell: no ``except Exception`` sees it."""


def test_a_copy_resent_after_a_crash_in_the_window_has_the_same_message_id(
    alice, smtp_backend, monkeypatch, django_capture_on_commit_callbacks
):
    """The remaining at-least-once case: the supplier's mail system can drop the copy by its Message-ID."""
    message = _queued_message(alice)

    def killed(**kwargs):
        raise WorkerKilled

    monkeypatch.setattr(delivery, "mark_sent", killed)  # the relay said 250, the worker died before the UPDATE
    with pytest.raises(WorkerKilled):
        delivery.deliver(message_id=message.pk)
    monkeypatch.undo()
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENDING
    _set(message, claimed_at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=False):
        assert delivery.requeue_stuck_messages() == [message.pk]  # the worker is lost: send again
    assert delivery.deliver(message_id=message.pk).status == "sent"

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert smtp_backend.handler.received_ids() == [message.message_id, message.message_id]


def test_email_shows_each_keys_note_escaped_in_html_and_plain_in_text(alice):
    message = _queued_message(alice)
    RequestKey.objects.filter(request=message.request, pos=1).update(note="Примечание: SKF <или> аналог")

    email = build_email(message=message_for_delivery(message_id=message.pk))

    html = email.alternatives[0][0]
    assert "<th>Note</th>" in html and "<td>Примечание: SKF &lt;или&gt; аналог</td>" in html
    assert "(Примечание: SKF <или> аналог)" in email.body
