"""Celery tasks of web discovery, named ``discovery.<verb_noun>`` (the names live in ``queueing``).

``search_key`` is the only place a search provider is called: never in a web request.
"""

import logging

from celery import shared_task
from django.conf import settings

from . import services
from .providers import ProviderError, configured_provider
from .queueing import FAIL_STUCK_SEARCHES, SEARCH_KEY
from .throttle import throttle_for

logger = logging.getLogger(__name__)


@shared_task(bind=True, name=SEARCH_KEY, max_retries=None, acks_late=True)
def search_key(self, search_id: int) -> str:  # type: ignore[no-untyped-def]
    """Claim one key's search, ask the provider, store the hits. Attempts are counted on the row
    (``SEARCH_MAX_ATTEMPTS``); a temporary error puts it back to ``queued`` and retries with back-off."""
    outcome, retry_in = attempt_search(search_id)
    while retry_in is not None and self.request.is_eager:  # unit tests: no broker to come back through
        outcome, retry_in = attempt_search(search_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)
    return outcome


def attempt_search(search_id: int) -> tuple[str, float | None]:
    """One try: ``(outcome, None)`` when the search ended (or was not ours), ``("retry", seconds)`` otherwise."""
    search = services.key_search_claim(search_id=search_id)
    if search is None:
        return "skipped", None
    try:
        provider = configured_provider(throttle=throttle_for(settings.SEARCH_PROVIDER))
        results = provider.search(search.key.text, depth=search.run.depth, source=search.run.source)
    except ProviderError as exc:
        if exc.temporary and search.attempts < settings.SEARCH_MAX_ATTEMPTS:
            if services.key_search_retry_later(search=search, reason=exc.reason):
                return "retry", services.retry_delay(search.attempts)
            return "stopped", None
        services.key_search_fail(search=search, reason=exc.reason)
        return "failed", None
    except Exception as exc:  # a bug must not leave the key running until the sweeper
        logger.exception("discovery: search %s crashed", search_id)
        services.key_search_fail(search=search, reason=f"internal error: {type(exc).__name__}")
        return "failed", None
    stored = services.key_search_store(search=search, results=results)
    return ("succeeded" if stored is not None else "stopped"), None


@shared_task(name=FAIL_STUCK_SEARCHES)
def fail_stuck_searches() -> int:
    """Beat, every minute: searches stuck past ``SEARCH_STUCK_AFTER_SECONDS`` are failed, their runs ended."""
    return services.fail_stuck_searches()
