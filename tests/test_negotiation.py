"""The remembered content negotiation answers as DRF's own does, and keeps no unbounded copy of client input."""

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core import negotiation
from core.negotiation import CachedContentNegotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html, application/json;q=0.9",
    "application/*",
    "text/plain",
    "",
    "application/json;q=0, text/html;q=0.5",
]


def _request(accept: str | None, query: str = "") -> Request:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get("/api/v1/health" + query, **headers))


def _choice(negotiator, accept, renderers, query=""):
    try:
        renderer, media_type = negotiator.select_renderer(_request(accept, query), renderers)
    except NotAcceptable:
        return "406"
    except Http404:
        return "404"
    return renderers.index(renderer), media_type


@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_same_choice_as_drf_first_and_second_time(accept, query) -> None:
    negotiation._CHOSEN.clear()
    for classes in ([JSONRenderer], [JSONRenderer, BrowsableAPIRenderer], [BrowsableAPIRenderer, JSONRenderer]):
        expected = _choice(DefaultContentNegotiation(), accept, [cls() for cls in classes], query)
        for _ in range(2):  # the second answer comes from the memory
            renderers = [cls() for cls in classes]
            assert _choice(CachedContentNegotiation(), accept, renderers, query) == expected


def test_the_memory_is_bounded() -> None:
    negotiation._CHOSEN.clear()
    for n in range(negotiation.MAX_ENTRIES + 10):
        _choice(CachedContentNegotiation(), f"application/json; n={n}", [JSONRenderer()])
    assert len(negotiation._CHOSEN) <= negotiation.MAX_ENTRIES
    _choice(CachedContentNegotiation(), "application/json, " + "x" * 300, [JSONRenderer()])
    assert all(len(key[2]) <= negotiation.MAX_HEADER for key in negotiation._CHOSEN)
