"""Every ``/moderator/*`` route, every method, called by a buyer: 403 and nothing changes; anonymous: 401."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.security.routes import PARAM, Route, moderator_routes
from tests.security.snapshot import database_snapshot
from tests.security.world import World

CALLS = [(route, method) for route in moderator_routes() for method in route.methods]
PLACEHOLDER = {"int": 1, "str": "spam.example", "path": "spam.example", "slug": "x", "uuid": "0" * 32}


def _url(route: Route, world: World) -> str:
    values: dict[str, Any] = {}
    ids = {**world.ids, **world.route_ids.get(route.name, {})}
    for match in PARAM.finditer(route.template):
        name, converter = match.group("name"), match.group("converter") or "str"
        values[name] = ids.get(name, PLACEHOLDER[converter])
    return route.url(values)


def test_moderator_routes_are_found() -> None:
    assert len(CALLS) >= 6


@pytest.mark.parametrize(("route", "method"), CALLS, ids=[f"{m.upper()} {r.template}" for r, m in CALLS])
def test_buyer_is_forbidden(route: Route, method: str, world: World, alice_client: APIClient) -> None:
    before = database_snapshot()

    response = getattr(alice_client, method)(_url(route, world), {"name": "x", "domain": "x.example"}, format="json")

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "moderator_required"
    assert database_snapshot() == before


@pytest.mark.parametrize(("route", "method"), CALLS, ids=[f"{m.upper()} {r.template}" for r, m in CALLS])
def test_anonymous_is_unauthorized(route: Route, method: str, world: World, anon_client: APIClient) -> None:
    response = getattr(anon_client, method)(_url(route, world), {}, format="json")

    assert response.status_code == 401, response.content


def test_moderator_is_allowed(world: World, moderator_client: APIClient) -> None:
    """Control: the same routes open for a moderator, so the 403s above come from the role check."""
    for route, method in CALLS:
        if method == "get":
            url = _url(route, world) + world.route_queries.get(route.name, "")
            assert moderator_client.get(url).status_code == 200, route
