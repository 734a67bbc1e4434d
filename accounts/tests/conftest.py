"""Helpers of the accounts tests: frozen time, asking for a code and reading it from the e-mail."""

import re
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

REQUEST_URL = "/api/v1/auth/otp/request"
VERIFY_URL = "/api/v1/auth/otp/verify"
REFRESH_URL = "/api/v1/auth/token/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
ME_URL = "/api/v1/auth/me"
POLICY_URL = "/api/v1/auth/policy"
PROFILE_URL = "/api/v1/auth/profile"

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
CODE_RE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def code_in(text: str) -> str:
    match = CODE_RE.search(text)
    assert match, "no 6-digit code in the e-mail"
    return match.group(1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at START until the test moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ask_code(anon_client: APIClient, django_capture_on_commit_callbacks, mailoutbox) -> Callable[..., str]:
    """POST /auth/otp/request, run the after-commit task, and return the code from the e-mail that left."""

    def ask(email: str, *, client: APIClient | None = None, ip: str = "198.51.100.10") -> str:
        sent_before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or anon_client).post(REQUEST_URL, {"email": email}, format="json", REMOTE_ADDR=ip)
        assert response.status_code == 200, response.content
        assert len(mailoutbox) == sent_before + 1
        return code_in(mailoutbox[-1].body)

    return ask


@pytest.fixture
def verify(anon_client: APIClient) -> Callable[..., object]:
    def post(email: str, code: str):
        return anon_client.post(VERIFY_URL, {"email": email, "code": code}, format="json")

    return post


@pytest.fixture
def login(ask_code, verify) -> Callable[[str], dict]:
    """Log in through the real endpoints; returns the verify answer (tokens and user)."""

    def run(email: str) -> dict:
        response = verify(email, ask_code(email))
        assert response.status_code == 200, response.content
        return response.json()

    return run


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client
