"""Abuse limits: every limit, its Retry-After, and the same treatment for every kind of address."""

from datetime import timedelta

import pytest

from accounts.models import RateLimitCounter

from .conftest import REQUEST_URL, other_code
from .factories import OtpChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _ask(client, email, ip="198.51.100.10"):
    return client.post(REQUEST_URL, {"email": email}, format="json", REMOTE_ADDR=ip)


def _assert_429(response, retry_after: int) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    assert response.json()["code"] == "too_many_requests"


@pytest.fixture(params=["known", "unknown", "inactive"])
def address(request, db) -> str:
    if request.param == "known":
        return UserFactory(email="known@buyer.example").email
    if request.param == "inactive":
        return UserFactory(email="inactive@buyer.example", is_active=False).email
    return "unknown@buyer.example"


def test_one_code_per_address_per_60_seconds(anon_client, clock, address):
    assert _ask(anon_client, address).status_code == 200
    _assert_429(_ask(anon_client, address), 60)
    clock.shift(45)
    _assert_429(_ask(anon_client, address.upper()), 15)
    clock.shift(15)
    assert _ask(anon_client, address).status_code == 200


def test_five_codes_per_address_per_hour(anon_client, clock, address):
    for _ in range(5):
        assert _ask(anon_client, address).status_code == 200
        clock.shift(60)
    # the sixth, 5 minutes after the first: wait until the hour since the first code is over
    _assert_429(_ask(anon_client, address), 3600 - 300)
    clock.shift(3600 - 300 - 1)
    _assert_429(_ask(anon_client, address), 1)
    clock.shift(1)
    assert _ask(anon_client, address).status_code == 200


def test_twenty_requests_per_ip_per_hour(anon_client, clock):
    assert _ask(anon_client, "first@buyer.example", ip="203.0.113.7").status_code == 200
    clock.shift(600)
    for n in range(19):
        assert _ask(anon_client, f"u{n}@buyer.example", ip="203.0.113.7").status_code == 200
    _assert_429(_ask(anon_client, "one-more@buyer.example", ip="203.0.113.7"), 3000)
    assert _ask(anon_client, "one-more@buyer.example", ip="203.0.113.8").status_code == 200
    clock.shift(3000)
    assert _ask(anon_client, "again@buyer.example", ip="203.0.113.7").status_code == 200


def test_the_ip_limit_reads_x_forwarded_for_only_behind_trusted_proxies(anon_client, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        response = anon_client.post(
            REQUEST_URL, {"email": f"p{n}@b.example"}, format="json", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.50"
        )
        assert response.status_code == 200
    blocked = anon_client.post(
        REQUEST_URL, {"email": "p99@b.example"}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    _assert_429(blocked, 3600)
    other = anon_client.post(
        REQUEST_URL, {"email": "p99@b.example"}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert other.status_code == 200


def test_a_refused_request_does_not_use_up_the_other_limits(anon_client, clock):
    assert _ask(anon_client, "a@buyer.example").status_code == 200
    for _ in range(3):
        _assert_429(_ask(anon_client, "a@buyer.example"), 60)
    assert RateLimitCounter.objects.get(scope="otp_ip_hour").count == 1
    assert RateLimitCounter.objects.get(scope="otp_email_hour").count == 1


def test_identical_answers_for_known_unknown_and_inactive_addresses(anon_client, clock):
    UserFactory(email="known@buyer.example")
    UserFactory(email="inactive@buyer.example", is_active=False)
    answers = [_ask(anon_client, f"{kind}@buyer.example") for kind in ("known", "unknown", "inactive")]
    assert {response.status_code for response in answers} == {200}
    bodies = [response.content for response in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert answers[0].json() == {
        "success": True,
        "message": answers[0].json()["message"],
        "resendafter": 60,
    }
    headers = [sorted(k for k, _ in response.items()) for response in answers]
    assert headers[0] == headers[1] == headers[2]


def test_ten_failed_verifies_in_a_row_lock_the_address_for_15_minutes(ask_code, verify, clock):
    code = ask_code("a@buyer.example")
    for n in range(10):
        assert verify("a@buyer.example", other_code(code)).status_code == 400, n
    locked = verify("a@buyer.example", code)
    _assert_429(locked, 900)
    clock.shift(timedelta(minutes=14, seconds=59))
    _assert_429(verify("a@buyer.example", code), 1)
    clock.shift(1)
    fresh = ask_code("a@buyer.example")
    assert verify("a@buyer.example", fresh).status_code == 200


def test_the_lock_applies_to_addresses_without_an_account_too(verify, clock):
    for _ in range(10):
        verify("ghost@buyer.example", "000000")
    _assert_429(verify("ghost@buyer.example", "000000"), 900)
    assert verify("other@buyer.example", "000000").status_code == 400


def test_a_successful_verify_ends_the_streak(verify, clock):
    OtpChallengeFactory(email="a@buyer.example", code="111111")
    for _ in range(4):
        verify("a@buyer.example", "999999")
    assert verify("a@buyer.example", "111111").status_code == 200
    for _ in range(9):
        verify("a@buyer.example", "999999")
    OtpChallengeFactory(email="a@buyer.example", code="222222")
    assert verify("a@buyer.example", "222222").status_code == 200
