"""Fixtures shared by every app's tests: personas (alice and bob are buyers, mod is a moderator)."""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.authentication import forget_all as forget_cached_users
from accounts.models import User
from accounts.tests.factories import UserFactory
from requests_app.reads import forget_cached_details


def _client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture(autouse=True)
def _no_cached_users():
    """Each test starts with an empty JWT user cache (accounts/authentication.py) and detail cache
    (requests_app/reads.py): ids repeat after rollbacks."""
    forget_cached_users()
    forget_cached_details()


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    """``make_user(email, moderator=False, **fields)``: the one user factory (``UserFactory``) with a fixed e-mail."""

    def make(email: str, *, moderator: bool = False, **fields) -> User:
        return UserFactory(email=email, moderator=moderator, **fields)

    return make


@pytest.fixture
def alice(make_user) -> User:
    return make_user("alice@buyer.example")


@pytest.fixture
def bob(make_user) -> User:
    return make_user("bob@buyer.example")


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod@platform.example", moderator=True)


@pytest.fixture
def anon_client() -> APIClient:
    return _client_for(None)


@pytest.fixture
def alice_client(alice) -> APIClient:
    return _client_for(alice)


@pytest.fixture
def bob_client(bob) -> APIClient:
    return _client_for(bob)


@pytest.fixture
def moderator_client(moderator) -> APIClient:
    return _client_for(moderator)


@pytest.fixture
def console(moderator) -> Client:
    """A browser session of the moderator in the Django admin (the moderators' console)."""
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    return _client_for
