"""What every response carries whatever view produced it: JSON errors under /api/ (DEBUG on or off), a
Content-Security-Policy on HTML pages, empty query parameters refused, and X-Forwarded-Proto trusted only
behind a declared proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.security.world import World

ROOT = Path(__file__).resolve().parents[2]
NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
UNMATCHED = [
    "/api/v1/no-such-thing",
    "/api/v1/user/requests/abc",
    "/api/v1/user/requests/1.5/keys",
    "/api/v1/user/attachments/-1",
    "/api/v1/moderator/tasks/%20",
    "/api/v2/user/requests",
    "/api/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", UNMATCHED)
def test_unmatched_api_paths_answer_json_404(alice_client: APIClient, settings, debug: bool, path: str) -> None:
    settings.DEBUG = debug

    response = alice_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_under_api_answers_json_500_with_debug_on_too(anon_client: APIClient, settings, debug: bool) -> None:
    settings.DEBUG = debug
    settings.ROOT_URLCONF = "tests.urls_plumbing"
    anon_client.raise_request_exception = False

    response = anon_client.get("/api/v1/crash")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "server_error"}


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_pages_outside_the_api_keep_the_html_404(client: Client, settings, debug: bool) -> None:
    settings.DEBUG = debug

    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_method_not_allowed_is_json(alice_client: APIClient) -> None:
    response = alice_client.patch("/api/v1/user/requests", {}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- Content-Security-Policy ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/docs", "/redoc"])
def test_html_pages_carry_the_content_security_policy(client: Client, settings, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert policy == settings.CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline or remote script
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_admin_index_carries_the_policy(console: Client) -> None:
    response = console.get("/admin/")

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/docs", "/redoc", "/admin/login/"])
def test_html_pages_load_no_inline_script(client: Client, path: str) -> None:
    """``script-src 'self'`` blocks inline scripts: a page that had one would render broken."""
    import re

    html = client.get(path).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)

    assert scripts, "the page loads its scripts"
    assert [body for attrs, body in scripts if body.strip() and "application/json" not in attrs] == []
    assert all(re.search(r'src="/', attrs) or "application/json" in attrs for attrs, _ in scripts)


def test_the_swagger_init_script_is_served_from_our_origin(client: Client) -> None:
    response = client.get("/docs?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.django_db
def test_json_answers_carry_no_policy(alice_client: APIClient) -> None:
    assert "Content-Security-Policy" not in alice_client.get("/api/v1/user/requests")


# --- Empty query parameters ----------------------------------------------------------------

EMPTY_PARAMETERS = [
    ("alice_client", "/api/v1/user/requests", "limit"),
    ("alice_client", "/api/v1/user/requests", "offset"),
    ("alice_client", "/api/v1/user/requests", "status"),
    ("alice_client", "/api/v1/user/attachments", "limit"),
    ("alice_client", "/api/v1/user/blacklist-inn", "offset"),
    ("alice_client", "/api/v1/user/requests/{requestId}/messages", "includedeleted"),
    ("alice_client", "/api/v1/user/requests/{requestId}/messages", "limit"),
    ("alice_client", "/api/v1/suppliers/search?q=flanec", "limit"),
    ("alice_client", "/api/v1/suppliers/search", "q"),
    ("moderator_client", "/api/v1/moderator/tasks", "status"),
    ("moderator_client", "/api/v1/moderator/suppliers", "type"),
    ("moderator_client", "/api/v1/moderator/suppliers", "limit"),
    ("moderator_client", "/api/v1/moderator/blacklist/domains", "offset"),
]


@pytest.mark.parametrize(("client_name", "path", "name"), EMPTY_PARAMETERS)
def test_an_empty_query_parameter_is_422_not_the_default(
    client_name: str, path: str, name: str, world: World, request: pytest.FixtureRequest
) -> None:
    client: APIClient = request.getfixturevalue(client_name)
    url = path.format(**world.ids)

    response = client.get(f"{url}{'&' if '?' in url else '?'}{name}=")

    assert response.status_code == 422, response.content[:300]
    assert [item["loc"] for item in response.json()["detail"]] == [["query", name]]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/user/requests", "status=draft&limit=1&offset=0"),
        ("/api/v1/user/requests/{requestId}/messages", "includedeleted=true"),
        ("/api/v1/suppliers/search", "q=flanec&limit=5"),
    ],
)
def test_given_query_parameters_still_work(path: str, query: str, world: World, alice_client: APIClient) -> None:
    assert alice_client.get(f"{path.format(**world.ids)}?{query}").status_code == 200


def test_the_moderators_blank_supplier_search_still_lists_all(world: World, moderator_client: APIClient) -> None:
    """``q`` declares ``allow_blank``: an empty search box is a deliberate "no filter", not a mistake."""
    response = moderator_client.get("/api/v1/moderator/suppliers?q=")

    assert response.status_code == 200
    assert response.json()["total"] == 1


# --- SECURE_PROXY_SSL_HEADER -----------------------------------------------------------------


def _production_setting(name: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="b2bplatform.settings.production",
        SECRET_KEY="s" * 64,
        JWT_SIGNING_KEY="j" * 64,
        ALLOWED_HOSTS="b2b.example.com",
        **env,
    )
    code = f"import django; from django.conf import settings; django.setup(); print(repr(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_a_trusted_proxy_x_forwarded_proto_is_not_trusted() -> None:
    assert _production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="0") == "None"


def test_behind_a_trusted_proxy_x_forwarded_proto_is_trusted() -> None:
    header = _production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1")
    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"
