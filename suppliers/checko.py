"""A small client for the Checko company registry (https://checko.ru/integration/api).

Only the standard library is used: one GET per INN, a hard timeout, and every failure turned into a
``CheckoError`` with a message fit for the card, so callers never see a traceback from the registry.
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

CHECKO_OFF_MESSAGE = "Checko is off: CHECKO_API_KEY is not set"
MAX_RESPONSE_BYTES = 5 * 1024 * 1024


class CheckoError(Exception):
    """The registry could not give a record; ``str(exc)`` is stored in ``Supplier.checko_error``."""


class CheckoDisabled(CheckoError):
    def __init__(self) -> None:
        super().__init__(CHECKO_OFF_MESSAGE)


@dataclass(frozen=True)
class CheckoClient:
    api_key: str
    base_url: str
    timeout: float

    @classmethod
    def from_settings(cls) -> "CheckoClient":
        return cls(
            api_key=settings.CHECKO_API_KEY or "",
            base_url=settings.CHECKO_BASE_URL.rstrip("/"),
            timeout=float(settings.CHECKO_TIMEOUT),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)

    def url_for(self, inn: str) -> str:
        """Companies (10 digits) and individual entrepreneurs (12 digits) live under different paths."""
        endpoint = "company" if len(inn) == 10 else "entrepreneur"
        return f"{self.base_url}/{endpoint}?{urlencode({'key': self.api_key, 'inn': inn})}"

    def fetch(self, inn: str) -> dict[str, Any]:
        """The registry's ``data`` object for ``inn``; raises ``CheckoError`` on any failure."""
        if not self.enabled:
            raise CheckoDisabled()
        if not self.base_url.startswith(("http://", "https://")):
            raise CheckoError("CHECKO_BASE_URL must be an http(s) URL")
        request = Request(self.url_for(inn), headers={"Accept": "application/json"}, method="GET")  # noqa: S310  # nosec B310 - scheme checked above
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310 - http(s) only
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except HTTPError as exc:
            raise CheckoError(f"Checko answered HTTP {exc.code}") from None
        except TimeoutError:
            raise CheckoError(f"Checko did not answer within {self.timeout:g} s") from None
        except (URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise CheckoError(f"Checko did not answer within {self.timeout:g} s") from None
            raise CheckoError(f"Checko is unreachable: {reason}") from None
        return _parse(raw)


def _parse(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_RESPONSE_BYTES:
        raise CheckoError("Checko answer is too large")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckoError("Checko answered with invalid JSON") from None
    if not isinstance(body, dict):
        raise CheckoError("Checko answered with an unexpected JSON shape")
    meta = body.get("meta")
    if isinstance(meta, dict) and meta.get("status") == "error":
        raise CheckoError(f"Checko error: {meta.get('message') or 'unknown error'}")
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        raise CheckoError("Checko has no record for this INN")
    return data
