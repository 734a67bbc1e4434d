"""Celery tasks of messaging: thin wrappers that load by id and call ``delivery``.

Named ``messaging.<verb_noun>`` (the names live in ``queueing``, which publishes them by name).
"""

from celery import shared_task

from . import delivery
from .queueing import DELIVER_MESSAGE, DELIVER_MESSAGES, REQUEUE_STUCK_MESSAGES, enqueue_deliveries


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
