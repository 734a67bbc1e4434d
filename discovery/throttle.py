"""A request rate per provider shared by every worker process, kept in the database.

Each call reserves the next free slot on the provider's row (``SELECT … FOR UPDATE``), so calls are spaced
``60 / SEARCH_RATE_PER_MINUTE`` seconds apart whatever the number of workers; the caller sleeps until its
slot. The database is the one store every deployment has (the embedded mode runs without Redis).
"""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ProviderThrottle


def reserve_slot(*, provider: str, rate_per_minute: float) -> float:
    """Reserve the provider's next call slot; returns the seconds to wait before calling (0 = now)."""
    if rate_per_minute <= 0:
        return 0.0
    interval = timedelta(seconds=60.0 / rate_per_minute)
    ProviderThrottle.objects.bulk_create([ProviderThrottle(provider=provider)], ignore_conflicts=True)
    with transaction.atomic():
        row = ProviderThrottle.objects.select_for_update().get(provider=provider)
        now = timezone.now()
        start = max(now, row.next_allowed_at)
        row.next_allowed_at = start + interval
        row.save(update_fields=["next_allowed_at"])
    return (start - now).total_seconds()


def throttle_for(provider: str, *, sleep: Callable[[float], None] = time.sleep) -> Callable[[], None]:
    """The throttle a provider calls before each HTTP request, at the rate of the settings."""

    def wait_for_slot() -> None:
        delay = reserve_slot(provider=provider, rate_per_minute=settings.SEARCH_RATE_PER_MINUTE)
        if delay > 0:
            sleep(delay)

    return wait_for_slot
