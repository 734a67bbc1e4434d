"""JWT sessions: bad tokens, refresh rotation, logout, deactivated users."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User

from .conftest import LOGOUT_URL, ME_URL, REFRESH_URL, bearer

pytestmark = pytest.mark.django_db


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user: User, **extra) -> dict:
    access = RefreshToken.for_user(user).access_token
    return {**access.payload, **extra}


def _assert_401(response) -> None:
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_a_fresh_access_token_opens_me(login):
    tokens = login("a@buyer.example")
    assert bearer(tokens["accesstoken"]).get(ME_URL).status_code == 200


def test_a_token_signed_with_another_key_is_401(alice):
    forged = jwt.encode(_claims(alice), "not-the-server-key-but-long-enough-0123456789", algorithm="HS256")
    _assert_401(bearer(forged).get(ME_URL))
    genuine = jwt.encode(_claims(alice), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")
    assert bearer(genuine).get(ME_URL).status_code == 200


def test_an_alg_none_token_is_401(alice):
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(alice))}."
    _assert_401(bearer(unsigned).get(ME_URL))


def test_an_access_token_expires_after_15_minutes(login, clock):
    access = login("a@buyer.example")["accesstoken"]
    clock.shift(timedelta(minutes=14, seconds=59))
    assert bearer(access).get(ME_URL).status_code == 200
    clock.shift(timedelta(seconds=2))
    _assert_401(bearer(access).get(ME_URL))


def test_a_refresh_token_is_not_an_access_token(login):
    refresh = login("a@buyer.example")["refreshtoken"]
    _assert_401(bearer(refresh).get(ME_URL))


def test_refresh_rotates_and_the_old_refresh_token_is_refused(login, anon_client):
    old = login("a@buyer.example")["refreshtoken"]
    response = anon_client.post(REFRESH_URL, {"refreshtoken": old}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"accesstoken", "refreshtoken", "tokentype", "expiresin"}
    assert body["tokentype"] == "Bearer" and body["expiresin"] == 900
    assert body["refreshtoken"] != old
    assert bearer(body["accesstoken"]).get(ME_URL).status_code == 200

    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": old}, format="json"))
    assert anon_client.post(REFRESH_URL, {"refreshtoken": body["refreshtoken"]}, format="json").status_code == 200


@pytest.mark.parametrize("raw", ["garbage", "a.b.c"])
def test_refresh_with_junk_is_401(anon_client, raw):
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": raw}, format="json"))


def test_refresh_with_an_access_token_is_401(login, anon_client):
    access = login("a@buyer.example")["accesstoken"]
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": access}, format="json"))


def test_a_refresh_token_expires_after_7_days(login, anon_client, clock):
    refresh = login("a@buyer.example")["refreshtoken"]
    clock.shift(timedelta(days=7, seconds=1))
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": refresh}, format="json"))


def test_a_forged_refresh_token_is_401(alice, anon_client):
    payload = {**RefreshToken.for_user(alice).payload}
    forged = jwt.encode(payload, "not-the-server-key-but-long-enough-0123456789", algorithm="HS256")
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": forged}, format="json"))


def test_logout_blacklists_the_refresh_token(login, anon_client):
    tokens = login("a@buyer.example")
    client = bearer(tokens["accesstoken"])
    response = client.post(LOGOUT_URL, {"refreshtoken": tokens["refreshtoken"]}, format="json")
    assert (response.status_code, response.json()) == (200, {"success": True})
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": tokens["refreshtoken"]}, format="json"))


def test_logout_needs_the_access_token(login, anon_client):
    tokens = login("a@buyer.example")
    _assert_401(anon_client.post(LOGOUT_URL, {"refreshtoken": tokens["refreshtoken"]}, format="json"))
    assert anon_client.post(REFRESH_URL, {"refreshtoken": tokens["refreshtoken"]}, format="json").status_code == 200


def test_logout_cannot_revoke_another_users_refresh_token(login, anon_client, clock):
    alice = login("alice@buyer.example")
    bob = login("bob@buyer.example")
    response = bearer(alice["accesstoken"]).post(LOGOUT_URL, {"refreshtoken": bob["refreshtoken"]}, format="json")
    _assert_401(response)
    assert anon_client.post(REFRESH_URL, {"refreshtoken": bob["refreshtoken"]}, format="json").status_code == 200


def test_a_deactivated_users_access_and_refresh_tokens_stop_working(login, anon_client):
    tokens = login("a@buyer.example")
    User.objects.filter(email="a@buyer.example").update(is_active=False)
    _assert_401(bearer(tokens["accesstoken"]).get(ME_URL))
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": tokens["refreshtoken"]}, format="json"))


def test_a_deleted_users_refresh_token_is_401_not_500(login, anon_client):
    tokens = login("a@buyer.example")
    User.objects.filter(email="a@buyer.example").delete()
    _assert_401(anon_client.post(REFRESH_URL, {"refreshtoken": tokens["refreshtoken"]}, format="json"))
    _assert_401(bearer(tokens["accesstoken"]).get(ME_URL))


def test_refresh_body_is_validated(anon_client):
    assert anon_client.post(REFRESH_URL, {}, format="json").status_code == 422
