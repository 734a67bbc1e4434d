"""Search providers behind one interface (``base.SearchProvider``), chosen by the ``SEARCH_PROVIDER`` setting."""

from __future__ import annotations

from django.conf import settings

from .base import ProviderError, Result, SearchProvider, Throttle, no_throttle
from .parser_service import ParserServiceProvider
from .searxng import SearxngProvider

PROVIDERS = ("searxng", "parser_service")
URL_SETTINGS = {"searxng": "SEARXNG_URL", "parser_service": "PARSER_SERVICE_URL"}

__all__ = ["PROVIDERS", "ProviderError", "Result", "SearchProvider", "configured_provider", "provider_problem"]


def provider_problem() -> str | None:
    """Why discovery is off, ``None`` when a provider is configured (checked before a run is started)."""
    name = settings.SEARCH_PROVIDER
    if not name:
        return (
            "Web discovery is off: set SEARCH_PROVIDER to searxng (with SEARXNG_URL) "
            "or parser_service (with PARSER_SERVICE_URL)."
        )
    if name not in PROVIDERS:
        return f"Unknown SEARCH_PROVIDER {name!r}: use searxng or parser_service."
    url = getattr(settings, URL_SETTINGS[name])
    if not url:
        return f"Web discovery is off: SEARCH_PROVIDER is {name} but {URL_SETTINGS[name]} is empty."
    if not url.startswith(("http://", "https://")):
        return f"{URL_SETTINGS[name]} must be an http:// or https:// URL."
    return None


def configured_provider(*, throttle: Throttle = no_throttle) -> SearchProvider:
    """The provider the settings name; raises a permanent ``ProviderError`` when there is none."""
    if (problem := provider_problem()) is not None:
        raise ProviderError(problem, temporary=False)
    name = settings.SEARCH_PROVIDER
    timeout = settings.SEARCH_TIMEOUT_SECONDS
    if name == "searxng":
        return SearxngProvider(base_url=settings.SEARXNG_URL, timeout=timeout, throttle=throttle)
    return ParserServiceProvider(base_url=settings.PARSER_SERVICE_URL, timeout=timeout, throttle=throttle)
