"""A body that cannot be parsed — malformed, nested absurdly deep, in a bad charset — is a 400 in the error shape
of the contract, with no traceback in the log: it is the client's mistake, and it used to be a 500 (RecursionError)."""

import logging
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser as DrfJSONParser
from rest_framework.test import APIClient

from core.parsers import MAX_DEPTH, JSONParser
from requests_app.models import Request
from tests.security.world import World

JSON_WRITES = [
    ("post", "/api/v1/user/requests"),
    ("put", "/api/v1/user/requests/{requestId}/keys"),
    ("put", "/api/v1/user/requests/{requestId}/recipients"),
    ("post", "/api/v1/user/blacklist-inn"),
    ("put", "/api/v1/auth/policy"),
    ("post", "/api/v1/user/requests/{requestId}/send"),
]


def _assert_malformed_body(response, caplog: pytest.LogCaptureFixture) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] == "malformed_body"
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert errors == [], [record.getMessage() for record in errors]


def _nested_object(depth: int) -> str:
    return '{"keys": ' * depth + "[]" + "}" * depth


@pytest.mark.django_db
def test_a_hundred_thousand_brackets_unauthenticated_are_400(
    anon_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    anon_client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = anon_client.post("/api/v1/auth/otp/verify", "[" * 100_000, content_type="application/json")

    _assert_malformed_body(response, caplog)


@pytest.mark.django_db
def test_balanced_deep_arrays_unauthenticated_are_400(anon_client: APIClient, caplog: pytest.LogCaptureFixture) -> None:
    anon_client.raise_request_exception = False
    body = "[" * 5000 + "]" * 5000

    with caplog.at_level(logging.INFO):
        response = anon_client.post("/api/v1/auth/otp/request", body, content_type="application/json")

    _assert_malformed_body(response, caplog)


@pytest.mark.parametrize(("method", "path"), JSON_WRITES)
def test_deep_objects_on_authenticated_routes_are_400(
    method: str, path: str, world: World, alice_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    alice_client.raise_request_exception = False
    before = Request.objects.count()

    with caplog.at_level(logging.INFO):
        response = getattr(alice_client, method)(
            path.format(**world.ids), _nested_object(MAX_DEPTH + 1), content_type="application/json"
        )

    _assert_malformed_body(response, caplog)
    assert Request.objects.count() == before


@pytest.mark.django_db
def test_nesting_up_to_the_limit_is_parsed_and_validated(alice_client: APIClient) -> None:
    body = '{"title": "t", "keys": [{"pos": 1, "text": ' + "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3) + "}]}"

    response = alice_client.post("/api/v1/user/requests", body, content_type="application/json")

    assert response.status_code == 422  # parsed: the deep value is then a validation error of its field
    assert response.json()["detail"][0]["loc"][:3] == ["body", "keys", 0]


@pytest.mark.django_db
def test_brackets_inside_strings_do_not_count(alice_client: APIClient) -> None:
    text = "[" * 500 + "{" * 500
    response = alice_client.post(
        "/api/v1/user/requests", {"title": "t", "keys": [{"pos": 1, "text": text}]}, format="json"
    )

    assert response.status_code == 200, response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"email": "a@b.example"', "application/json"),
        ('{"email": NaN}', "application/json"),
        (b'{"email": "\xff\xfe"}', "application/json"),
        ('{"email": "a@b.example"}', "application/json; charset=bz2_codec"),
    ],
)
def test_malformed_bodies_are_400(
    anon_client: APIClient, caplog: pytest.LogCaptureFixture, body: str | bytes, content_type: str
) -> None:
    anon_client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = anon_client.post("/api/v1/auth/otp/verify", body, content_type=content_type)

    _assert_malformed_body(response, caplog)


def _view_classes(patterns: list) -> Iterator[tuple[str, type]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and (view_class := getattr(pattern.callback, "cls", None)):
            yield str(pattern.pattern), view_class


def test_every_view_parses_json_with_the_depth_limited_parser() -> None:
    """A view that names DRF's own JSONParser would bring the RecursionError 500 back."""
    views = list(_view_classes(get_resolver().url_patterns))
    offenders = [
        route
        for route, view_class in views
        for parser in view_class.parser_classes
        if issubclass(parser, DrfJSONParser) and not issubclass(parser, JSONParser)
    ]

    assert len(views) > 20
    assert offenders == []
