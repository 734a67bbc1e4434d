"""Delivery of outbox rows by the Celery workers: claim, send over SMTP, record the outcome; and the sweeper.

Every state change is a conditional ``UPDATE … WHERE status = <expected>`` whose row count says whether
this worker won, so duplicate task messages (redelivery after a lost worker, the sweeper's re-publishing,
a retry racing the sweeper) are harmless: only the worker that moved ``queued → sending`` sends.
See docs/decisions/0004-outbox-delivery.md for why this is at-least-once with a millisecond window.
"""

import logging
import random
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .email import MailingParts, build_email, mailing_parts
from .models import Direction, Message, MessageStatus
from .selectors import message_for_delivery

logger = logging.getLogger(__name__)

# A retry's Celery ETA and the row's ``next_attempt_at`` come from the same clock reading; the slack only
# absorbs rounding. A duplicate task arriving earlier than that leaves the message to the retry.
CLAIM_SLACK = timedelta(seconds=1)
LAST_ERROR_MAX = 2000
SWEEP_BATCH = 5000
BATCH_TIME_BUDGET_SECONDS = 60.0
WORKER_LOST_NO_ATTEMPTS_LEFT = "The worker was lost while sending and no attempts are left."
_jitter = random.SystemRandom()


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    status: str  # sent | failed | queued (a retry is due) | skipped (another worker has it, or nothing to do)
    retry_in: float | None = None


SKIPPED = DeliveryOutcome("skipped")


def retry_delay(attempt: int) -> float:
    """Seconds before try ``attempt + 1``: base doubling per try, capped, ±20 % jitter (never above the cap)."""
    base = float(settings.MESSAGE_RETRY_BASE_SECONDS)
    cap = float(settings.MESSAGE_RETRY_MAX_SECONDS)
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return min(cap, delay * _jitter.uniform(0.8, 1.2))


def classify_error(exc: BaseException) -> tuple[bool, str]:
    """``(permanent, description)``: SMTP 5xx answers are permanent; 4xx, network and unknown errors are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.items())
        text = "; ".join(f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in answers)
        return bool(answers) and all(code >= 500 for _, (code, _) in answers), text
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # Our credentials, not the recipient: retrying lets an operator fix the relay configuration.
        return False, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPException | OSError):
        return False, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ValueError):  # a header Django refuses, an address that cannot be encoded
        return True, f"{type(exc).__name__}: {exc}"
    return False, f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def claim_message(*, message_id: int, now: datetime) -> bool:
    """``queued → sending`` if still queued and due; True only for the one caller that changed the row."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLAIM_SLACK)
    claimed = Message.objects.filter(
        due, pk=message_id, status=MessageStatus.QUEUED, direction=Direction.OUTGOING
    ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    return claimed == 1


def deliver(
    *, message_id: int, backend: BaseEmailBackend | None = None, parts: dict[int, MailingParts] | None = None
) -> DeliveryOutcome:
    """Claim, send with ``EMAIL_TIMEOUT``, then record ``sent`` — or the error and whether to retry.

    ``backend`` is an SMTP connection shared by a batch (reopened after any error, since the session state
    is unknown then); ``parts`` caches each mailing's keys and files for the batch.
    """
    claimed_at = timezone.now()
    if not claim_message(message_id=message_id, now=claimed_at):
        return SKIPPED
    try:
        message = message_for_delivery(message_id=message_id)
        email = build_email(message=message, parts=_parts_for(message, parts), connection=backend)
        if backend is not None:
            backend.open()  # no-op while the batch's session is open; the send then leaves it open
        email.send()
    except Exception as exc:
        _drop_connection(backend)
        permanent, text = classify_error(exc)
        kind = "permanent" if permanent else "temporary"
        logger.warning("messaging: message %s not delivered (%s error): %s", message_id, kind, text)
        return record_failure(message_id=message_id, claimed_at=claimed_at, permanent=permanent, error=text)
    mark_sent(message_id=message_id, claimed_at=claimed_at)
    return DeliveryOutcome(MessageStatus.SENT)


def _parts_for(message: Message, cache: dict[int, MailingParts] | None) -> MailingParts:
    if cache is None or message.mailing_id is None:
        return mailing_parts(message)
    if message.mailing_id not in cache:
        cache[message.mailing_id] = mailing_parts(message)
    return cache[message.mailing_id]


def _drop_connection(backend: BaseEmailBackend | None) -> None:
    if backend is None:
        return
    try:
        backend.close()
    except Exception:  # the session is already broken; the next message opens a new one
        logger.debug("messaging: closing a broken SMTP session failed", exc_info=True)


@dataclass(frozen=True, slots=True)
class BatchResult:
    outcomes: dict[int, DeliveryOutcome]
    left_over: list[int]  # not attempted because the batch ran out of its time budget


def deliver_batch(*, message_ids: list[int], time_budget: float = BATCH_TIME_BUDGET_SECONDS) -> BatchResult:
    """Deliver several messages over one SMTP session, each claimed and recorded on its own.

    A batch never runs much longer than ``time_budget`` (far below the task time limit): what is left is
    handed back for a new task, so a slow relay cannot hold claims past the sweeper's threshold.
    """
    backend = get_connection(timeout=settings.EMAIL_TIMEOUT)
    parts: dict[int, MailingParts] = {}
    outcomes: dict[int, DeliveryOutcome] = {}
    started = time.monotonic()
    try:
        for index, message_id in enumerate(message_ids):
            if time.monotonic() - started > time_budget:
                return BatchResult(outcomes, list(message_ids[index:]))
            outcomes[message_id] = deliver(message_id=message_id, backend=backend, parts=parts)
    finally:
        _drop_connection(backend)
    return BatchResult(outcomes, [])


def mark_sent(*, message_id: int, claimed_at: datetime) -> None:
    """Record the SMTP server's acceptance at once; a short-lived database error is retried a few times.

    This is the only window where a crash re-sends an e-mail (accepted, not yet recorded): keep it tiny.
    ``queued`` is accepted too: if the sweeper reset the row meanwhile, marking it sent stops the re-send.
    """
    ours = Q(status=MessageStatus.SENDING, claimed_at=claimed_at) | Q(status=MessageStatus.QUEUED)
    for attempt in range(3):
        try:
            now = timezone.now()
            updated = Message.objects.filter(ours, pk=message_id).update(
                status=MessageStatus.SENT, sent_at=now, last_error=None, next_attempt_at=None, updated_at=now
            )
            break
        except DatabaseError:
            if attempt == 2:
                raise
            connection.close()
            time.sleep(0.5 * (attempt + 1))
    if updated == 0:
        logger.error("messaging: message %s was sent but another worker had taken it over", message_id)


def record_failure(*, message_id: int, claimed_at: datetime, permanent: bool, error: str) -> DeliveryOutcome:
    """Back to ``queued`` with the next attempt's time, or ``failed`` when permanent or out of attempts."""
    now = timezone.now()
    attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 0
    ours = Message.objects.filter(pk=message_id, status=MessageStatus.SENDING, claimed_at=claimed_at)
    if permanent or attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        ours.update(
            status=MessageStatus.FAILED, last_error=error[:LAST_ERROR_MAX], next_attempt_at=None, updated_at=now
        )
        return DeliveryOutcome(MessageStatus.FAILED)
    delay = retry_delay(attempts)
    ours.update(
        status=MessageStatus.QUEUED,
        last_error=error[:LAST_ERROR_MAX],
        next_attempt_at=now + timedelta(seconds=delay),
        updated_at=now,
    )
    return DeliveryOutcome(MessageStatus.QUEUED, retry_in=delay)


def requeue_stuck_messages(*, now: datetime | None = None) -> list[int]:
    """The sweeper: publish again what no worker is going to deliver; returns the ids it published.

    * ``queued`` whose due time (``next_attempt_at``, else the last change) is older than
      ``MESSAGE_REQUEUE_QUEUED_AFTER_SECONDS``: the task was never published (broker down at commit) or lost.
    * ``sending`` claimed longer ago than ``MESSAGE_REQUEUE_SENDING_AFTER_SECONDS`` (above the task time
      limit, so no live worker still holds it): its worker died. Back to ``queued``, or ``failed`` when it
      has used all its attempts (a message that kills workers must not loop for ever).
    Re-published rows get a fresh due time, so a slow backlog is re-published at most once per threshold.
    """
    from .services import enqueue_deliveries  # deferred: services imports the heavier app graph

    now = now or timezone.now()
    with transaction.atomic():
        candidate_ids = [*_release_lost_claims(now), *_refresh_stale_queued(now)]
        ids = list(
            Message.objects.filter(pk__in=candidate_ids, status=MessageStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            transaction.on_commit(partial(enqueue_deliveries, ids))
    if ids:
        logger.info("messaging: sweeper re-published %d messages", len(ids))
    return ids


def _release_lost_claims(now: datetime) -> list[int]:
    cutoff = now - timedelta(seconds=settings.MESSAGE_REQUEUE_SENDING_AFTER_SECONDS)
    lost = Message.objects.filter(direction=Direction.OUTGOING, status=MessageStatus.SENDING, claimed_at__lt=cutoff)
    lost_ids = list(lost.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    lost = lost.filter(pk__in=lost_ids)
    lost.filter(attempts__gte=settings.MESSAGE_MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, last_error=WORKER_LOST_NO_ATTEMPTS_LEFT, updated_at=now
    )
    lost.update(status=MessageStatus.QUEUED, next_attempt_at=now, updated_at=now)
    return lost_ids


def _refresh_stale_queued(now: datetime) -> list[int]:
    cutoff = now - timedelta(seconds=settings.MESSAGE_REQUEUE_QUEUED_AFTER_SECONDS)
    stale = Q(next_attempt_at__isnull=True, updated_at__lt=cutoff) | Q(next_attempt_at__lt=cutoff)
    queued = Message.objects.filter(stale, direction=Direction.OUTGOING, status=MessageStatus.QUEUED)
    stale_ids = list(queued.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    queued.filter(pk__in=stale_ids).update(next_attempt_at=now, updated_at=now)
    return stale_ids
