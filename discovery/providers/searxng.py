"""A SearXNG instance's JSON API: ``GET {SEARXNG_URL}/search?q=…&format=json&pageno=n&engines=…``.

The instance must have ``json`` among its ``search.formats`` (settings.yml). One call per result page, each
through the throttle; paging stops early at an empty page. Ranks run on across pages.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from typing import Any

from .base import USER_AGENT, ProviderError, Result, Throttle, call_json, no_throttle

ENGINES = {"google": "google", "yandex": "yandex", "both": "google,yandex"}


class SearxngProvider:
    name = "searxng"

    def __init__(self, *, base_url: str, timeout: float, throttle: Throttle = no_throttle) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.throttle = throttle

    def search(self, query: str, *, depth: int, source: str) -> list[Result]:
        results: list[Result] = []
        for page in range(1, depth + 1):
            items = self._page(query, page=page, engines=ENGINES.get(source, ENGINES["both"]))
            if not items:
                break
            for item in items:
                url = item.get("url") if isinstance(item, dict) else None
                if not isinstance(url, str) or not url:
                    continue
                title = item.get("title") if isinstance(item.get("title"), str) else ""
                engine = item.get("engine") if isinstance(item.get("engine"), str) else ""
                results.append(Result(url=url, title=title, engine=engine, rank=len(results) + 1))
        return results

    def _page(self, query: str, *, page: int, engines: str) -> list[Any]:
        params = urllib.parse.urlencode({"q": query, "format": "json", "pageno": page, "engines": engines})
        request = urllib.request.Request(  # noqa: S310  # nosec B310 - http(s) only (provider_problem)
            f"{self.base_url}/search?{params}", headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        self.throttle()
        body = call_json(request, timeout=self.timeout, what="SearXNG")
        items = body.get("results") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ProviderError("SearXNG answered JSON without a results list", temporary=True)
        return items
