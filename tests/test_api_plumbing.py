"""The exception handler's error shapes and the pagination bounds of the contract."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_plumbing")]


def test_validation_error_is_422_with_loc_msg_type(anon_client):
    response = anon_client.post(
        "/api/v1/validate", {"title": "too long", "keys": [{"pos": 1, "text": "a"}, {"pos": 0}]}, format="json"
    )
    assert response.status_code == 422
    items = response.json()["detail"]
    locs = {tuple(item["loc"]) for item in items}
    assert ("body", "title") in locs
    assert ("body", "keys", 1, "pos") in locs
    assert ("body", "keys", 1, "text") in locs
    assert all(set(item) == {"loc", "msg", "type"} for item in items)
    types = {tuple(item["loc"]): item["type"] for item in items}
    assert types[("body", "keys", 1, "text")] == "required"


def test_malformed_json_is_400_in_the_error_shape(anon_client):
    response = anon_client.post("/api/v1/validate", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("query", ["limit=", "offset=", "limit=%20"])
def test_empty_pagination_parameter_is_422_not_the_default(anon_client, query):
    response = anon_client.get(f"/api/v1/users?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", query.split("=")[0]]
    assert response.json()["detail"][0]["type"] == "blank"


def test_domain_error_has_detail_code_and_extras(anon_client):
    response = anon_client.get("/api/v1/domain-error")
    assert response.status_code == 409
    assert response.json() == {"detail": "Only drafts can change.", "code": "invalid_state", "supplierids": [1, 2]}


def test_too_many_requests_sets_retry_after(anon_client):
    response = anon_client.get("/api/v1/throttle")
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert response.json()["code"] == "too_many_requests"


def test_missing_token_is_401_in_error_shape(anon_client):
    response = anon_client.get("/api/v1/auth")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}


def test_garbage_token_is_401_with_code(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    response = anon_client.get("/api/v1/auth")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert isinstance(response.json()["detail"], str)


def test_method_not_allowed_shape(anon_client):
    response = anon_client.delete("/api/v1/domain-error")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_api_url_answers_json_404(anon_client):
    response = anon_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_crash_answers_json_500_not_html(anon_client):
    anon_client.raise_request_exception = False
    response = anon_client.get("/api/v1/crash")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "server_error"}


@pytest.fixture
def seven_users(make_user):
    return [make_user(f"u{i}@example.com") for i in range(7)]


def test_pagination_shape_and_total(anon_client, seven_users):
    response = anon_client.get("/api/v1/users?limit=3&offset=2")
    assert response.status_code == 200
    body = response.json()
    assert (body["limit"], body["offset"], body["total"]) == (3, 2, 7)
    assert [item["email"] for item in body["items"]] == ["u2@example.com", "u3@example.com", "u4@example.com"]


def test_pagination_defaults(anon_client, seven_users):
    body = anon_client.get("/api/v1/users").json()
    assert (body["limit"], body["offset"], body["total"], len(body["items"])) == (50, 0, 7, 7)


def test_offset_past_the_end_is_an_empty_page(anon_client, seven_users):
    body = anon_client.get("/api/v1/users?offset=100").json()
    assert body["items"] == [] and body["total"] == 7


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
    ],
)
def test_pagination_bounds_are_422(anon_client, query, param):
    response = anon_client.get(f"/api/v1/users?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", param]


@pytest.mark.parametrize("limit", ["1", "200"])
def test_pagination_accepts_the_bounds(anon_client, limit):
    assert anon_client.get(f"/api/v1/users?limit={limit}").status_code == 200
