"""The login checks in one place: OTP codes (single use, tries, no account oracle) and JWTs (alg none, forged
key, expired, refresh reuse after rotation, logout) — each answers 400/401/429, never a session."""

import base64
import json
import re
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/token/refresh"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user: User) -> dict:
    return dict(AccessToken.for_user(user).payload)


def _me(client: APIClient, token: str):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(ME)


def test_valid_token_is_accepted(alice: User, anon_client: APIClient) -> None:
    """Control for the refusals below."""
    assert _me(anon_client, str(AccessToken.for_user(alice))).status_code == 200


def test_alg_none_is_refused(alice: User, anon_client: APIClient) -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(alice))}."

    response = _me(anon_client, token)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_token_signed_with_another_key_is_refused(alice: User, anon_client: APIClient) -> None:
    token = jwt.encode(_claims(alice), "not-the-signing-key-" * 3, algorithm="HS256")

    assert _me(anon_client, token).status_code == 401


def test_token_signed_with_secret_key_instead_of_jwt_key_is_refused(alice: User, anon_client: APIClient) -> None:
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY
    token = jwt.encode(_claims(alice), settings.SECRET_KEY, algorithm="HS256")

    assert _me(anon_client, token).status_code == 401


def test_tampered_payload_is_refused(alice: User, bob: User, anon_client: APIClient) -> None:
    header, _, signature = str(AccessToken.for_user(alice)).split(".")
    forged = f"{header}.{_b64({**_claims(alice), 'user_id': str(bob.pk)})}.{signature}"

    assert _me(anon_client, forged).status_code == 401


def test_expired_token_is_refused(alice: User, anon_client: APIClient) -> None:
    token = AccessToken.for_user(alice)
    token.set_exp(lifetime=-timedelta(seconds=1))

    assert _me(anon_client, str(token)).status_code == 401


def test_refresh_token_is_not_an_access_token(alice: User, anon_client: APIClient) -> None:
    assert _me(anon_client, str(RefreshToken.for_user(alice))).status_code == 401


def test_refresh_token_works_once_after_rotation(alice: User, anon_client: APIClient) -> None:
    refresh = str(RefreshToken.for_user(alice))

    first = anon_client.post(REFRESH, {"refreshtoken": refresh}, format="json")
    reuse = anon_client.post(REFRESH, {"refreshtoken": refresh}, format="json")

    assert first.status_code == 200
    assert first.json()["refreshtoken"] != refresh
    assert reuse.status_code == 401
    assert anon_client.post(REFRESH, {"refreshtoken": first.json()["refreshtoken"]}, format="json").status_code == 200


def test_logged_out_refresh_token_is_refused(alice: User, alice_client: APIClient, anon_client: APIClient) -> None:
    refresh = str(RefreshToken.for_user(alice))

    assert alice_client.post("/api/v1/auth/logout", {"refreshtoken": refresh}, format="json").status_code == 200
    assert anon_client.post(REFRESH, {"refreshtoken": refresh}, format="json").status_code == 401


def test_deactivated_user_token_is_refused(alice: User, anon_client: APIClient) -> None:
    token = str(AccessToken.for_user(alice))
    User.objects.filter(pk=alice.pk).update(is_active=False)

    assert _me(anon_client, token).status_code == 401


# --- OTP -----------------------------------------------------------------------------------------


@pytest.fixture
def ask_code(anon_client: APIClient, django_capture_on_commit_callbacks):
    def ask(email: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = anon_client.post("/api/v1/auth/otp/request", {"email": email}, format="json")
        assert response.status_code == 200, response.content
        return re.search(r"(?<!\d)(\d{6})(?!\d)", mail.outbox[-1].body).group(1)

    return ask


def _verify(client: APIClient, email: str, code: str):
    return client.post("/api/v1/auth/otp/verify", {"email": email, "code": code}, format="json")


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_otp_code_is_single_use(ask_code, anon_client: APIClient) -> None:
    code = ask_code("carol@buyer.example")

    assert _verify(anon_client, "carol@buyer.example", code).status_code == 200
    assert _verify(anon_client, "carol@buyer.example", code).status_code == 400


def test_otp_code_is_bound_to_its_address(ask_code, anon_client: APIClient) -> None:
    code = ask_code("carol@buyer.example")
    if ask_code("dave@buyer.example") == code:
        pytest.skip("both draws gave the same code (one chance in a million)")

    assert _verify(anon_client, "dave@buyer.example", code).status_code == 400
    assert not User.objects.filter(email="dave@buyer.example").exists()


def test_otp_right_code_is_refused_after_five_wrong_tries(ask_code, anon_client: APIClient) -> None:
    code = ask_code("carol@buyer.example")
    for _ in range(5):
        assert _verify(anon_client, "carol@buyer.example", _other(code)).status_code == 400

    assert _verify(anon_client, "carol@buyer.example", code).status_code == 400
    assert not User.objects.filter(email="carol@buyer.example").exists()


def test_otp_answers_do_not_reveal_accounts(alice: User, anon_client: APIClient) -> None:
    known = anon_client.post("/api/v1/auth/otp/request", {"email": alice.email}, format="json")
    unknown = anon_client.post("/api/v1/auth/otp/request", {"email": "nobody@buyer.example"}, format="json")

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_otp_requests_are_rate_limited(anon_client: APIClient) -> None:
    first = anon_client.post("/api/v1/auth/otp/request", {"email": "erin@buyer.example"}, format="json")
    second = anon_client.post("/api/v1/auth/otp/request", {"email": "erin@buyer.example"}, format="json")

    assert first.status_code == 200
    assert second.status_code == 429
    assert 0 < int(second["Retry-After"]) <= 60
