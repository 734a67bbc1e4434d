"""Migration 0004: stored addresses are rewritten to their canonical form; nothing is merged or deleted."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import OtpChallenge, OtpFailureStreak, User

from .factories import OtpChallengeFactory

migration = importlib.import_module("accounts.migrations.0004_canonical_emails")

pytestmark = pytest.mark.django_db


def _stored(email: str) -> User:
    """A user row with ``email`` exactly as given, as the old code could leave it (no manager normalisation)."""
    [user] = User.objects.bulk_create([User(email=email)])
    return user


def _email(user: User) -> str:
    return User.objects.values_list("email", flat=True).get(pk=user.pk)


def test_non_canonical_users_are_rewritten_and_then_log_in_by_code(ask_code, verify):
    dotless = _stored("x@gmaıl.test")
    kelvin = _stored("\u212aate@Example.COM")
    plain = _stored("alice@example.com")

    left = migration.canonicalise_users(User)

    assert left == []
    assert (_email(dotless), _email(kelvin), _email(plain)) == (
        "x@xn--gmal-nza.test",
        "kate@example.com",
        "alice@example.com",
    )
    response = verify("KATE@example.com", ask_code("Kate@Example.com"))
    assert response.json()["user"]["id"] == kelvin.id


def test_collisions_and_unusable_addresses_are_left_unchanged_and_reported(caplog):
    owner = _stored("sam@x.test")
    look_alike = _stored("ſam@x.test")  # its canonical form is owner's
    twin_a, twin_b = _stored("ſue@y.test"), _stored("ｓue@y.test")  # nobody owns sue@y.test: which one? neither
    cyrillic = _stored("иван@пример.рф")

    with caplog.at_level("WARNING", logger="accounts.migrations"):
        left = migration.canonicalise_users(User)

    assert {user_id for user_id, _, _ in left} == {look_alike.id, twin_a.id, twin_b.id, cyrillic.id}
    assert [_email(u) for u in (owner, look_alike, twin_a, twin_b, cyrillic)] == [
        "sam@x.test",
        "ſam@x.test",
        "ſue@y.test",
        "ｓue@y.test",
        "иван@пример.рф",
    ]
    assert User.objects.count() == 5
    assert str(cyrillic.id) in caplog.text and "no canonical form" in caplog.text


def test_open_challenges_of_old_spellings_are_cancelled():
    old = OtpChallengeFactory(email="X@GMAIL.TEST")
    used = OtpChallengeFactory(email="Y@GMAIL.TEST", used_at=timezone.now())
    current = OtpChallengeFactory(email="z@gmail.test")

    assert migration.cancel_open_challenges(OtpChallenge) == 1

    states = {row.pk: row.cancelled_at is not None for row in OtpChallenge.objects.all()}
    assert states == {old.pk: True, used.pk: False, current.pk: False}


def test_address_locks_move_to_the_canonical_address_keeping_the_stricter():
    now = timezone.now()
    OtpFailureStreak.objects.create(email="Solo@Example.com", failures=3, last_failure_at=now)
    OtpFailureStreak.objects.create(email="kate@example.com", failures=2, last_failure_at=now)
    OtpFailureStreak.objects.create(
        email="\u212aate@example.com", failures=0, last_failure_at=now, locked_until=now + timedelta(minutes=9)
    )

    migration.move_failure_streaks(OtpFailureStreak)

    rows = {row.email: (row.failures, row.locked_until) for row in OtpFailureStreak.objects.all()}
    assert rows == {"solo@example.com": (3, None), "kate@example.com": (2, now + timedelta(minutes=9))}


def test_the_migration_entry_point_runs_on_the_app_registry():
    user = _stored("ｘ@ＧＭＡＩＬ.test")
    migration.canonicalise_stored_emails(apps, None)
    assert _email(user) == "x@gmail.test"
