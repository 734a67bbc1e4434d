"""Publishing discovery tasks by name (as messaging does): services never import the task module.

``DiscoveryConfig.ready()`` imports ``tasks``, so the names are registered in every process and a signature
runs eagerly under ``task_always_eager``. A broker failure is logged, not raised: the searches stay ``queued``
and the sweeper fails them after ``SEARCH_STUCK_AFTER_SECONDS``, so the run still ends.
"""

import logging
from collections.abc import Sequence

from celery import current_app
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

SEARCH_KEY = "discovery.search_key"
FAIL_STUCK_SEARCHES = "discovery.fail_stuck_searches"
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}


def enqueue_key_searches(search_ids: Sequence[int]) -> int:
    """One ``discovery.search_key`` task per key search, over one broker connection; returns how many."""
    published = 0
    try:
        with current_app.producer_or_acquire() as producer:
            for search_id in search_ids:
                signature = current_app.signature(SEARCH_KEY, args=(search_id,))
                signature.apply_async(producer=producer, retry_policy=PUBLISH_RETRY_POLICY)
                published += 1
    except (OperationalError, OSError) as exc:
        logger.warning("discovery: broker unavailable, %d of %d searches left queued: %s",
                       len(search_ids) - published, len(search_ids), exc)  # fmt: skip
    return published
