"""Single use under parallel requests: real threads, real PostgreSQL transactions."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import OtpChallenge

from .conftest import REFRESH_URL, REQUEST_URL, VERIFY_URL
from .factories import OtpChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _in_parallel(call: Callable[[], int], n: int = 2) -> list[int]:
    """Run ``call`` in ``n`` threads released together; each thread has its own database connection."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(call())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return sorted(statuses)


def test_two_parallel_verifies_of_one_code_give_exactly_one_login():
    OtpChallengeFactory(email="race@buyer.example", code="424242")

    def verify() -> int:
        body = {"email": "race@buyer.example", "code": "424242"}
        return APIClient().post(VERIFY_URL, body, format="json").status_code

    assert _in_parallel(verify, n=4) == [200, 400, 400, 400]
    assert OtpChallenge.objects.get().used_at is not None


def test_two_parallel_refreshes_of_one_token_give_exactly_one_new_pair():
    refresh = str(RefreshToken.for_user(UserFactory(email="r@buyer.example")))

    def rotate() -> int:
        return APIClient().post(REFRESH_URL, {"refreshtoken": refresh}, format="json").status_code

    assert _in_parallel(rotate, n=3) == [200, 401, 401]


def test_parallel_code_requests_for_one_address_send_one_code(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def ask() -> int:
        return APIClient().post(REQUEST_URL, {"email": "burst@buyer.example"}, format="json").status_code

    assert _in_parallel(ask, n=4) == [200, 429, 429, 429]
    assert OtpChallenge.objects.filter(email="burst@buyer.example").count() == 1
