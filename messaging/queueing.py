"""Publishing delivery tasks: the one way messaging asks the workers to send outbox rows.

Tasks are named by string (``messaging.deliver_message``…), not imported: the services (after commit), the
sweeper in ``delivery`` and the tasks themselves all enqueue through here, and none of them has to import
the task module, which imports them. ``MessagingConfig.ready()`` imports the task module, so the names are
registered in every process; a signature of a registered task runs eagerly under ``task_always_eager``
(the unit tests), and is published to the broker otherwise. The app is ``celery.current_app``: the project's
Celery app, created by the top floor (``b2bplatform.celery``), which messaging does not import.
"""

import logging
from collections.abc import Sequence
from typing import Any

from celery import current_app
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

DELIVER_MESSAGE = "messaging.deliver_message"
DELIVER_MESSAGES = "messaging.deliver_messages"
REQUEUE_STUCK_MESSAGES = "messaging.requeue_stuck_messages"
FETCH_REPLIES = "messaging.fetch_replies"
SEND_REPLY_COPY = "messaging.send_reply_copy"

# Publishing must not hold the buyer's answer hostage to a dead broker: try briefly, then leave the rows
# `queued` for the sweeper.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}
DIRECT_PUBLISH_MAX = 20
DELIVERY_BATCH = 25


def enqueue_deliveries(message_ids: Sequence[int]) -> int:
    """Ask the workers to deliver these messages; called after commit. Returns how many tasks were published.

    Up to ``DIRECT_PUBLISH_MAX`` messages get one ``deliver_message`` task each (lowest latency). A bigger
    mailing is cut into slices of ``DELIVERY_BATCH`` for ``deliver_messages``, which sends a slice over one
    SMTP session: 1,000 recipients cost 40 broker round trips in the buyer's answer, not 1,000, and the
    workers do not pay the per-task overhead 1,000 times. A broker failure is logged, not raised: the rows
    stay ``queued`` and the sweeper publishes them again once the broker is back.
    """
    ids = list(message_ids)
    if len(ids) <= DIRECT_PUBLISH_MAX:
        return _publish(DELIVER_MESSAGE, [(message_id,) for message_id in ids], len(ids))
    slices = [ids[start : start + DELIVERY_BATCH] for start in range(0, len(ids), DELIVERY_BATCH)]
    return _publish(DELIVER_MESSAGES, [(chunk,) for chunk in slices], len(ids))


def _publish(task_name: str, calls: list[tuple[Any, ...]], message_count: int) -> int:
    """Publish ``task_name`` once per argument tuple over one broker connection; never raises for the broker."""
    published = 0
    try:
        with current_app.producer_or_acquire() as producer:
            for args in calls:
                signature = current_app.signature(task_name, args=args)
                signature.apply_async(producer=producer, retry_policy=PUBLISH_RETRY_POLICY)
                published += 1
    except (OperationalError, OSError) as exc:
        logger.warning(
            "messaging: broker unavailable, %d of %d publishes (%d messages) left for the sweeper: %s",
            len(calls) - published,
            len(calls),
            message_count,
            exc,
        )
    return published


def publish_task(task_name: str, *args: Any) -> bool:
    """Publish one task by name (after commit); a broker failure is logged, not raised — the sweeper in
    ``messaging.fetch_replies`` picks the work up again. Answers whether it was published."""
    return _publish(task_name, [args], 1) == 1
