"""The one small interface every search provider implements, and the HTTP call they share.

A provider turns a query into ranked result URLs. It raises ``ProviderError`` for anything that went wrong,
saying whether trying again later may help (``temporary``: 5xx, 429, timeouts, refused connections, an answer
that is not the JSON promised) or not (``temporary=False``: the provider refused this query). Providers do not
retry or sleep on their own: the Celery task retries with back-off, and ``throttle`` spaces the calls.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

USER_AGENT = "b2bplatform-discovery/1.0"
MAX_BODY_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Result:
    url: str
    title: str = ""
    engine: str = ""
    rank: int = 0


class ProviderError(Exception):
    def __init__(self, reason: str, *, temporary: bool) -> None:
        self.reason = reason
        self.temporary = temporary
        super().__init__(reason)


class SearchProvider(Protocol):
    name: str

    def search(self, query: str, *, depth: int, source: str) -> list[Result]:
        """Ranked results (rank 1 = best), ``depth`` result pages deep; raises ``ProviderError``."""
        ...


Throttle = Callable[[], None]


def no_throttle() -> None:
    return None


def call_json(request: urllib.request.Request, *, timeout: float, what: str) -> Any:
    """Send ``request`` and decode its JSON answer; every failure becomes a ``ProviderError``."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  # nosec B310 - http(s) only (provider_problem)
            body = answer.read(MAX_BODY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        temporary = exc.code >= 500 or exc.code == 429
        raise ProviderError(f"{what} answered HTTP {exc.code}", temporary=temporary) from None
    except TimeoutError:
        raise ProviderError(f"{what} did not answer within {timeout:g} s", temporary=True) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise ProviderError(f"{what} did not answer within {timeout:g} s", temporary=True) from None
        raise ProviderError(f"{what} is unreachable: {reason}", temporary=True) from None
    if len(body) > MAX_BODY_BYTES:
        raise ProviderError(f"{what} answered more than {MAX_BODY_BYTES} bytes", temporary=True)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ProviderError(f"{what} answered something that is not JSON", temporary=True) from None
