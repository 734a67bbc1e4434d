"""The original platform's parser service: ``POST {PARSER_SERVICE_URL}/parse {"query", "depth"}`` → ``{"urls"}``.

It answers 400 to a query with a ``?`` in it, so question marks are replaced by spaces before sending; any
other 4xx is permanent (the query will not get better). 503 means its browser is down: temporary. It does not
say which engine found a URL: the run's source is recorded when it names one engine.
"""

from __future__ import annotations

import json
import re
import urllib.request

from .base import USER_AGENT, ProviderError, Result, Throttle, call_json, no_throttle

_SPACES = re.compile(r"\s+")


def clean_query(query: str) -> str:
    return _SPACES.sub(" ", query.replace("?", " ")).strip()


class ParserServiceProvider:
    name = "parser_service"

    def __init__(self, *, base_url: str, timeout: float, throttle: Throttle = no_throttle) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.throttle = throttle

    def search(self, query: str, *, depth: int, source: str) -> list[Result]:
        text = clean_query(query)
        if not text:
            raise ProviderError("the key has no searchable text", temporary=False)
        request = urllib.request.Request(  # noqa: S310  # nosec B310 - http(s) only (provider_problem)
            f"{self.base_url}/parse",
            data=json.dumps({"query": text, "depth": depth}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json", "User-Agent": USER_AGENT},
            method="POST",
        )
        self.throttle()
        body = call_json(request, timeout=self.timeout, what="The parser service")
        urls = body.get("urls") if isinstance(body, dict) else None
        if not isinstance(urls, list):
            raise ProviderError("The parser service answered JSON without a urls list", temporary=True)
        engine = source if source in ("google", "yandex") else ""
        results: list[Result] = []
        for item in urls:
            url = item if isinstance(item, str) else (item.get("url") if isinstance(item, dict) else None)
            if isinstance(url, str) and url:
                title = item.get("title", "") if isinstance(item, dict) else ""
                results.append(Result(url=url, title=title if isinstance(title, str) else "", engine=engine,
                                      rank=len(results) + 1))  # fmt: skip
        return results
