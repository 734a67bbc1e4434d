"""Every buyer route that addresses an object by id, called by bob on alice's object: 404 and nothing changes.

The routes come from the URLconf, so a new route is tested the day it is added; a route whose path parameter
names an object kind the seeded world does not have fails ``test_every_object_route_is_covered``.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.security.routes import Route, api_routes, object_routes
from tests.security.snapshot import database_snapshot
from tests.security.world import World

# Bodies that would be valid for the owner, so that a refusal can only come from the ownership check.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("request-keys", "put"): {"keys": [{"pos": 1, "text": "Болт М8х40", "qty": 10, "unit": "шт"}]},
    ("request-recipients", "put"): {"recipients": [{"supplierid": 1, "selected": True}]},
    ("request-send", "post"): {"subject": "RFQ", "body": "Please quote", "attachrequestfile": False},
    ("request-send-new", "post"): {"subject": "RFQ", "body": "Please quote", "attachrequestfile": False},
    ("request-deadline", "put"): {"deadline": (timezone.now() + timedelta(days=30)).isoformat()},
}
SEEDED_KINDS = {"requestId", "attachmentId", "messageId", "inn", "supplierId"}

CALLS = [(route, method) for route in object_routes() for method in route.methods]


def _call(client: APIClient, route: Route, method: str, world: World) -> Any:
    body = VALID_BODIES.get((route.name, method))
    if route.name in ("request-recipients", "request-send", "request-send-new") and body is not None:
        body = _with_supplier(body, world)
    return getattr(client, method)(route.url(world.ids), body, format="json")


def _with_supplier(body: dict[str, Any], world: World) -> dict[str, Any]:
    if "recipients" in body:
        return {"recipients": [{"supplierid": world.ids["supplierId"], "selected": True}]}
    return body


def test_every_object_route_is_covered() -> None:
    uncovered = [str(route) for route in object_routes() if not set(route.params) <= SEEDED_KINDS]
    assert not uncovered, f"seed an object for these routes in tests/security/world.py: {uncovered}"
    assert len(CALLS) >= 10  # the URLconf walk found the routes


@pytest.mark.parametrize(("route", "method"), CALLS, ids=[f"{m.upper()} {r.template}" for r, m in CALLS])
def test_foreign_object_is_not_found_and_unchanged(
    route: Route, method: str, world: World, bob_client: APIClient, alice_client: APIClient
) -> None:
    before = database_snapshot()

    response = _call(bob_client, route, method, world)

    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert database_snapshot() == before
    # The id was real: its owner is not told "not found".
    assert _call(alice_client, route, method, world).status_code != 404


LIST_ROUTES = [
    route
    for route in api_routes()
    if route.template.startswith("/api/v1/user/") and not route.params and "get" in route.methods
]


@pytest.mark.parametrize("route", LIST_ROUTES, ids=[route.template for route in LIST_ROUTES])
def test_lists_show_only_own_objects(
    route: Route, world: World, bob_client: APIClient, alice_client: APIClient
) -> None:
    assert bob_client.get(route.template).json()["total"] == 0
    assert alice_client.get(route.template).json()["total"] > 0
