"""``OPTIONS`` on every API route answers without a server error and without loading the object.

DRF's default metadata called ``get_object()`` on detail routes, which crashed (500) on views that read through
selectors; ``core.metadata.ActionlessMetadata`` describes the view only.
"""

import pytest
from rest_framework.test import APIClient

from tests.security.routes import PARAM, Route, api_routes
from tests.security.world import World

ROUTES = api_routes()


@pytest.mark.parametrize("route", ROUTES, ids=[route.template for route in ROUTES])
def test_options_is_not_a_server_error(
    route: Route, world: World, moderator_client: APIClient, django_assert_max_num_queries
) -> None:
    values = {match.group("name"): world.ids.get(match.group("name"), 1) for match in PARAM.finditer(route.template)}

    with django_assert_max_num_queries(2):  # authentication only
        response = moderator_client.options(route.url(values))

    assert response.status_code in (200, 401, 403, 405), response.content
    assert "actions" not in response.json()
