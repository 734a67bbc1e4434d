"""The site's session, auth and messages middleware are skipped under /api/, and only DRF views live there."""

import pytest
from django.test import Client
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


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/user/requests", "/admin/login/"])
@pytest.mark.parametrize("origin", [None, "", "https://app.example", "https://evil.example"])
def test_cors_answers_as_the_librarys_own_middleware(settings, path, origin) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    headers = {} if origin is None else {"HTTP_ORIGIN": origin}
    ours = settings.MIDDLEWARE
    answers = []
    for cors in ("corsheaders.middleware.CorsMiddleware", "core.middleware.CorsMiddleware"):
        settings.MIDDLEWARE = [cors if m == "core.middleware.CorsMiddleware" else m for m in ours]
        response = Client().get(path, **headers)  # a new client loads the middleware anew
        answers.append((response.status_code, response.get("Vary"), response.get("Access-Control-Allow-Origin")))
    assert answers[0] == answers[1]
    assert answers[1][0] in (200, 302, 401)
    assert (answers[1][2] == "https://app.example") == (origin == "https://app.example" and path.startswith("/api/"))
