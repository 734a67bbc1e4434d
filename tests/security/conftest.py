"""Fixtures of the security suite: alice's seeded world (one object of every kind)."""

import pytest

from tests.security.world import World, build_world


@pytest.fixture
def world(alice, moderator) -> World:
    return build_world(owner=alice, moderator=moderator)
