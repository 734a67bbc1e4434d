"""The site's session, auth and messages middleware are skipped under /api/, and only DRF views live there."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

pytestmark = pytest.mark.django_db


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def test_every_api_route_is_a_drf_view() -> None:
    # What makes skipping sessions safe: DRF authenticates by JWT and never reads request.session.
    api = [(route, view) for route, view in _routes(get_resolver().url_patterns) if route.startswith("api/")]
    assert len(api) > 50
    for route, view in api:
        view_class = getattr(view, "cls", None)
        assert view_class is not None and issubclass(view_class, APIView), route


def test_api_calls_build_no_session_and_no_message_storage(alice_client) -> None:
    response = alice_client.get("/api/v1/auth/me")
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "session")
    assert not hasattr(response.wsgi_request, "_messages")
    assert "sessionid" not in response.cookies


def test_the_site_still_has_sessions_auth_and_messages(console, moderator) -> None:
    response = console.get("/admin/")
    assert response.status_code == 200
    assert response.wsgi_request.user == moderator
    assert hasattr(response.wsgi_request, "session")
    assert hasattr(response.wsgi_request, "_messages")


@pytest.mark.parametrize(("accept", "language"), [("en", "en"), ("ru", "ru"), ("de", "ru"), (None, "ru")])
def test_api_language_headers_as_djangos_locale_middleware_gives_them(anon_client, settings, accept, language) -> None:
    settings.LANGUAGE_CODE = "ru"  # production's default (the test settings use English)
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = anon_client.get("/api/v1/user/requests", **headers)
    assert response.status_code == 401
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    english = response.json()["detail"].isascii()
    assert english == (language == "en")


def test_the_console_keeps_the_language_cookie(console) -> None:
    console.cookies["django_language"] = "en"
    response = console.get("/admin/")
    assert response["Content-Language"] == "en"
