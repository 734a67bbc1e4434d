"""Celery tasks of messaging: thin wrappers that load by id and call ``delivery``.

Named ``messaging.<verb_noun>`` (the names live in ``queueing``, which publishes them by name).
"""

import smtplib

from celery import shared_task
from django.conf import settings

from . import deadlines, delivery, inbound, mailbox, notices
from .queueing import (
    DELIVER_MESSAGE,
    DELIVER_MESSAGES,
    FETCH_REPLIES,
    REQUEUE_STUCK_MESSAGES,
    SEND_REPLY_COPY,
    enqueue_deliveries,
    publish_task,
)


@shared_task(bind=True, name=DELIVER_MESSAGE, max_retries=None, acks_late=True)
def deliver_message(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    """Deliver one outbox row. Retries are counted on the row (``attempts``), not by Celery, because the
    sweeper may publish the same message again; the row decides when to give up (``MESSAGE_MAX_ATTEMPTS``)."""
    outcome = delivery.deliver(message_id=message_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name=DELIVER_MESSAGES, acks_late=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Deliver a slice of a big mailing over one SMTP session; each message that must be retried gets its
    own ``deliver_message`` task with its countdown, and what the time budget left over a new slice."""
    result = delivery.deliver_batch(message_ids=message_ids)
    for message_id, outcome in result.outcomes.items():
        if outcome.retry_in is not None:
            deliver_message.apply_async((message_id,), countdown=outcome.retry_in)
    if result.left_over:
        enqueue_deliveries(result.left_over)
    return sum(outcome.status == "sent" for outcome in result.outcomes.values())


@shared_task(name=REQUEUE_STUCK_MESSAGES)
def requeue_stuck_messages() -> int:
    """Beat, every minute: publish again the messages stuck in ``queued`` or ``sending``."""
    return len(delivery.requeue_stuck_messages())


@shared_task(
    name=notices.SEND_MODERATION_DONE_EMAIL,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def send_moderation_done_email(request_id: int, suppliers_linked: int) -> bool:
    """E-mail the buyer that moderation of their request is done, with how many suppliers were linked."""
    return notices.send_moderation_done(request_id=request_id, suppliers_linked=suppliers_linked)


@shared_task(name=FETCH_REPLIES, acks_late=True)
def fetch_replies() -> dict[str, int]:
    """Beat (``INBOUND_POLL_SECONDS``) and ``watch_mailbox``: file what arrived in the reply mailbox (IMAP, or
    the local maildir), then publish again the buyers' copies a lost task left unsent."""
    result = mailbox.fetch_replies()
    for message_id in inbound.pending_copy_ids():
        publish_task(SEND_REPLY_COPY, message_id)
    return result.as_dict()


@shared_task(bind=True, name=SEND_REPLY_COPY, max_retries=None, acks_late=True)
def send_reply_copy(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    """E-mail the buyer a copy of one filed reply (once; retried with backoff while the relay fails)."""
    try:
        return inbound.reply_copy_send(message_id=message_id)
    except Exception as error:  # noqa: BLE001 — SMTP and attachment errors: count, back off, retry
        attempts = inbound.reply_copy_failed(message_id=message_id, error=error)
        if attempts >= settings.MESSAGE_MAX_ATTEMPTS:
            return "failed"
        raise self.retry(countdown=delivery.retry_delay(attempts)) from error


@shared_task(name=deadlines.PLAN_REMINDERS)
def plan_reminders() -> int:
    """Beat, every 5 minutes: write the reminders now due into the outbox (docs/deadlines.md)."""
    return len(deadlines.plan_reminders())


@shared_task(name=deadlines.CLOSE_STALE_REQUESTS)
def close_stale_requests() -> int:
    """Beat, hourly: close the requests ``AUTO_CLOSE_AFTER`` past their deadline and their last activity."""
    return len(deadlines.close_stale_requests())
