"""Oversize bodies answer 413 in the error shape (never 500) and pagination bounds answer 422."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from requests_app.models import Request
from tests.security.world import World

JSON_WRITES = [
    ("post", "/api/v1/user/requests"),
    ("put", "/api/v1/user/requests/{requestId}/keys"),
    ("post", "/api/v1/user/blacklist-inn"),
    ("put", "/api/v1/auth/policy"),
    ("post", "/api/v1/user/requests/{requestId}/send"),
]


@pytest.mark.parametrize(("method", "path"), JSON_WRITES)
def test_json_body_over_the_limit_is_413(method: str, path: str, world: World, alice_client: APIClient) -> None:
    filler = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = '{"title": "%s", "keys": [{"pos": 1, "text": "Болт"}]}' % filler  # noqa: UP031
    before = Request.objects.count()

    response = getattr(alice_client, method)(path.format(**world.ids), body.encode(), content_type="application/json")

    assert response.status_code == 413, response.content[:300]
    assert response.json() == {"detail": "The request body is too large.", "code": "payload_too_large"}
    assert Request.objects.count() == before


def test_unauthenticated_oversize_body_is_413_not_500(anon_client: APIClient) -> None:
    body = b'{"email": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'@x.example"}'

    response = anon_client.post("/api/v1/auth/otp/request", body, content_type="application/json")

    assert response.status_code == 413, response.content[:300]
    assert response.json()["code"] == "payload_too_large"


PAGED = [
    ("/api/v1/user/requests", "alice_client", 200),
    ("/api/v1/user/attachments", "alice_client", 200),
    ("/api/v1/user/requests/{requestId}/messages", "alice_client", 200),
    ("/api/v1/moderator/suppliers", "moderator_client", 200),
    ("/api/v1/user/blacklist-inn", "alice_client", 500),
    ("/api/v1/moderator/blacklist/domains", "moderator_client", 500),
]


@pytest.mark.parametrize(("path", "client_name", "cap"), PAGED)
def test_pagination_caps(path: str, client_name: str, cap: int, world: World, request: pytest.FixtureRequest) -> None:
    client: APIClient = request.getfixturevalue(client_name)
    url = path.format(**world.ids)

    assert client.get(url, {"limit": cap}).status_code == 200
    for params in ({"limit": cap + 1}, {"limit": 1000}, {"limit": 0}, {"limit": "abc"}, {"offset": -1}):
        response = client.get(url, params)
        assert response.status_code == 422, (params, response.content)
        assert response.json()["detail"][0]["loc"][0] == "query"


def test_huge_offset_is_an_empty_page(world: World, alice_client: APIClient) -> None:
    response = alice_client.get("/api/v1/user/requests", {"offset": 10**12})

    assert response.status_code == 200
    assert response.json()["items"] == []
