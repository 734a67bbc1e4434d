"""Delivery of outbox rows by the Celery workers: claim, send over SMTP, record the outcome; and the sweeper.

Every state change is a conditional ``UPDATE … WHERE status = <expected>`` whose row count says whether
this worker won, so duplicate task messages (redelivery after a lost worker, the sweeper's re-publishing,
a retry racing the sweeper) are harmless: only the worker that moved ``queued → sending`` sends.
See docs/decisions/0004-outbox-delivery.md for why this is at-least-once, and 0009-delivery-window.md for
what may run between the relay's ``250`` and the ``sent`` UPDATE (nothing: not even QUIT).
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from .email import MailingParts, build_email, mailing_parts
from .failures import DeliveryError, classify_build_error, classify_send_error
from .models import DeliveryErrorReason, Direction, Message, MessageStatus
from .queueing import enqueue_deliveries
from .selectors import message_for_delivery

logger = logging.getLogger(__name__)

# A retry's Celery ETA and the row's ``next_attempt_at`` come from the same clock reading; the slack only
# absorbs rounding. A duplicate task arriving earlier than that leaves the message to the retry.
CLAIM_SLACK = timedelta(seconds=1)
SWEEP_BATCH = 5000
BATCH_TIME_BUDGET_SECONDS = 60.0
WORKER_LOST_NO_ATTEMPTS_LEFT = "The worker was lost while sending and no attempts are left."
# A failed ``sent`` UPDATE is retried after these pauses. The first retry is immediate: the likely cause is
# a database connection dropped while the e-mail was streamed, and a reconnect fixes that at once.
MARK_SENT_RETRY_PAUSES = (0.0, 0.5, 1.0)
NO_ERROR = {"last_error": None, "last_error_reason": None, "last_error_smtp_code": None}
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
    """Claim, build, send with ``EMAIL_TIMEOUT``, then record ``sent`` — or the error and whether to retry.

    ``backend`` is an SMTP session shared by a batch (reopened after any error, since the session state is
    unknown then); without one, this call opens its own and closes it only after the outcome is recorded:
    the relay's answer to QUIT must not stand between its ``250`` and our ``sent``. ``parts`` caches each
    mailing's keys and files for the batch.
    """
    claimed_at = timezone.now()
    if not claim_message(message_id=message_id, now=claimed_at):
        return SKIPPED
    session = backend if backend is not None else get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        return _send_and_record(message_id=message_id, claimed_at=claimed_at, session=session, parts=parts)
    finally:
        if backend is None:
            _drop_connection(session)  # QUIT, after the row says ``sent``; its errors cannot undo that


def _send_and_record(
    *, message_id: int, claimed_at: datetime, session: BaseEmailBackend, parts: dict[int, MailingParts] | None
) -> DeliveryOutcome:
    try:
        message = message_for_delivery(message_id=message_id)
        email = build_email(message=message, parts=_parts_for(message, parts), connection=session)
    except Exception as exc:
        return _record_error(message_id=message_id, claimed_at=claimed_at, error=classify_build_error(exc))
    sent = prepare_sent(message_id=message_id, claimed_at=claimed_at)
    try:
        session.open()  # connect before the send: inside, Django then neither opens nor closes the session
        email.send()
    except Exception as exc:
        _drop_connection(session)
        return _record_error(message_id=message_id, claimed_at=claimed_at, error=classify_send_error(exc))
    # The relay has answered 250: from here to the UPDATE's commit a crash sends a second copy. Nothing else
    # goes in between — no logging, no QUIT, no next message (docs/decisions/0009-delivery-window.md).
    mark_sent(message_id=message_id, claimed_at=claimed_at, prepared=sent)
    return DeliveryOutcome(MessageStatus.SENT)


def _record_error(*, message_id: int, claimed_at: datetime, error: DeliveryError) -> DeliveryOutcome:
    kind = "permanent" if error.permanent else "temporary"
    logger.warning("messaging: message %s not delivered (%s error): %s", message_id, kind, error.detail)
    return record_failure(message_id=message_id, claimed_at=claimed_at, error=error)


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
    except Exception:  # a broken session, or a failed QUIT after ``sent``: the next message opens a new one
        logger.debug("messaging: closing the SMTP session failed", exc_info=True)


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


@dataclass(frozen=True, slots=True)
class SentUpdate:
    """The ``sent`` UPDATE, compiled before the send so that the window holds only its execution: building
    and compiling it through the ORM takes about as long as the round-trip itself. ``sent_at`` is the
    database's ``Now()`` — the moment the UPDATE runs, not the moment it was compiled."""

    sql: str
    params: tuple[Any, ...]


def prepare_sent(*, message_id: int, claimed_at: datetime) -> SentUpdate:
    """``queued`` is accepted too: if the sweeper reset the row meanwhile, marking it sent stops the re-send."""
    ours = Q(status=MessageStatus.SENDING, claimed_at=claimed_at) | Q(status=MessageStatus.QUEUED)
    # What ``QuerySet.update()`` does, stopped before execution.
    query = cast(UpdateQuery, Message.objects.filter(ours, pk=message_id).query.chain(UpdateQuery))
    query.add_update_values(
        {"status": MessageStatus.SENT, "sent_at": Now(), "next_attempt_at": None, "updated_at": Now(), **NO_ERROR}
    )
    sql, params = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    return SentUpdate(sql, tuple(params))


def mark_sent(*, message_id: int, claimed_at: datetime, prepared: SentUpdate | None = None) -> None:
    """Record the SMTP server's acceptance at once; a short-lived database error is retried a few times.

    This is the only window where a crash re-sends an e-mail (accepted, not yet recorded): keep it tiny —
    one autocommit UPDATE, compiled beforehand (``prepared``), on the connection the claim opened.
    """
    statement = prepared or prepare_sent(message_id=message_id, claimed_at=claimed_at)
    for pause in (*MARK_SENT_RETRY_PAUSES, None):
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement.sql, statement.params)
                updated = cursor.rowcount
            break
        except DatabaseError:
            if pause is None:
                raise
            connection.close()
            time.sleep(pause)
    if updated == 0:
        logger.error("messaging: message %s was sent but another worker had taken it over", message_id)


def _error_fields(error: DeliveryError) -> dict[str, object]:
    """The full text for moderators, and the reason and reply code the buyer's ``lasterror`` is made of."""
    return {"last_error": error.detail, "last_error_reason": error.reason, "last_error_smtp_code": error.smtp_code}


def record_failure(*, message_id: int, claimed_at: datetime, error: DeliveryError) -> DeliveryOutcome:
    """Back to ``queued`` with the next attempt's time, or ``failed`` when permanent or out of attempts."""
    now = timezone.now()
    attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 0
    ours = Message.objects.filter(pk=message_id, status=MessageStatus.SENDING, claimed_at=claimed_at)
    if error.permanent or attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        ours.update(status=MessageStatus.FAILED, next_attempt_at=None, updated_at=now, **_error_fields(error))
        return DeliveryOutcome(MessageStatus.FAILED)
    delay = retry_delay(attempts)
    ours.update(
        status=MessageStatus.QUEUED,
        next_attempt_at=now + timedelta(seconds=delay),
        updated_at=now,
        **_error_fields(error),
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
        status=MessageStatus.FAILED,
        last_error=WORKER_LOST_NO_ATTEMPTS_LEFT,
        last_error_reason=DeliveryErrorReason.INTERRUPTED,
        last_error_smtp_code=None,
        updated_at=now,
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
