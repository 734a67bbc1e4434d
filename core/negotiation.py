"""DRF's content negotiation, remembered per ``Accept`` header (decision 0011).

``DefaultContentNegotiation.select_renderer`` parses and orders the ``Accept`` header on every call, although
its answer depends only on that header, the ``?format=`` / suffix override and the view's renderer classes.
Clients send the same few headers again and again (``*/*``, ``application/json``), so the choice is kept per
process as ``(renderer classes, format, Accept) → (index of the renderer, media type)``; the view gets its own
renderer instance back, and a header that matches nothing still raises ``NotAcceptable`` each time (never
cached). The header is the client's, so the memory is bounded: only headers up to ``MAX_HEADER`` characters are
kept, and full at ``MAX_ENTRIES`` the memory starts over (DRF itself keeps no process-wide copy of client input).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

MAX_ENTRIES = 512
MAX_HEADER = 256
_CHOSEN: dict[tuple[tuple[type, ...], str | None, str], tuple[int, str]] = {}


class CachedContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        key = (tuple(map(type, renderers)), format_, request.META.get("HTTP_ACCEPT", "*/*"))
        chosen = _CHOSEN.get(key)
        if chosen is not None:
            return renderers[chosen[0]], chosen[1]
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if len(key[2]) > MAX_HEADER:
            return renderer, media_type
        if len(_CHOSEN) >= MAX_ENTRIES:
            _CHOSEN.clear()
        _CHOSEN[key] = (_index_of(renderer, renderers), media_type)
        return renderer, media_type


def _index_of(renderer: Any, renderers: Sequence[BaseRenderer]) -> int:
    return next(index for index, candidate in enumerate(renderers) if candidate is renderer)
