"""The provider rate limit lives in the database, so every worker process shares it."""

import pytest

from discovery.throttle import reserve_slot, throttle_for

pytestmark = pytest.mark.django_db


def test_slots_are_spaced_by_the_rate():
    waits = [reserve_slot(provider="searxng", rate_per_minute=60) for _ in range(3)]

    assert waits[0] == pytest.approx(0, abs=0.05)
    assert waits[1] == pytest.approx(1, abs=0.05)
    assert waits[2] == pytest.approx(2, abs=0.05)


def test_each_provider_has_its_own_slots():
    reserve_slot(provider="searxng", rate_per_minute=6)

    assert reserve_slot(provider="parser_service", rate_per_minute=6) == pytest.approx(0, abs=0.05)


def test_zero_means_no_limit():
    assert [reserve_slot(provider="searxng", rate_per_minute=0) for _ in range(3)] == [0, 0, 0]


def test_the_throttle_sleeps_until_its_slot(settings):
    settings.SEARCH_RATE_PER_MINUTE = 120
    slept: list[float] = []
    wait = throttle_for("searxng", sleep=slept.append)

    wait()
    wait()

    assert len(slept) == 1 and slept[0] == pytest.approx(0.5, abs=0.05)
