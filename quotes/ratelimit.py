"""A fixed-window counter in Django's cache for the quote page: per link and per client address.

The page has no login, so this is what stands between a leaked or guessed URL and a flood of writes. The cache
is the process-local one unless ``CACHES`` points at a shared server (Redis) — with several web processes,
each then counts on its own, which multiplies the limit by their number; decision 0015 says why that is fine.
"""

import hashlib
import time

from django.core.cache import cache


def hit(*, scope: str, ident: str, limit: int, window: int) -> int | None:
    """Count one request of ``ident``; the seconds until the window ends when over ``limit``, else None."""
    now = time.time()
    bucket = int(now // window)
    key = f"quotes:rate:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}:{bucket}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        return max(1, int(window - now % window))
    return None
