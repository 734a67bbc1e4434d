"""The API's routes read from the URLconf, so that the security tests cover a route the day it is added."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
IGNORED_METHODS = {"options", "head", "trace"}


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "/api/v1/user/requests/<int:requestId>/keys"
    name: str
    methods: tuple[str, ...]

    @property
    def params(self) -> list[str]:
        return [match.group("name") for match in PARAM.finditer(self.template)]

    def url(self, values: dict[str, object]) -> str:
        return PARAM.sub(lambda match: str(values[match.group("name")]), self.template)

    def __str__(self) -> str:
        return f"{'|'.join(self.methods).upper()} {self.template}"


def _methods(callback: object) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet bound with as_view({...})
        return tuple(sorted(method for method in actions if method not in IGNORED_METHODS))
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ()
    names = getattr(view_class, "http_method_names", [])
    return tuple(sorted(m for m in names if m not in IGNORED_METHODS and hasattr(view_class, m)))


def _walk(patterns: list, prefix: str) -> list[Route]:
    routes: list[Route] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(Route("/" + prefix + str(pattern.pattern), pattern.name or "", _methods(pattern.callback)))
    return routes


def api_routes() -> list[Route]:
    """Every route under /api/v1/ with the HTTP methods its view implements."""
    return [route for route in _walk(get_resolver().url_patterns, "") if route.template.startswith("/api/v1/")]


def object_routes() -> list[Route]:
    """Buyer routes that address an object by a path parameter."""
    return [r for r in api_routes() if r.params and not r.template.startswith("/api/v1/moderator/")]


def moderator_routes() -> list[Route]:
    return [r for r in api_routes() if r.template.startswith("/api/v1/moderator/")]
