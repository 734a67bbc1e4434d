"""Abuse limits counted in the database with row locks, so every web process sees the same numbers.

A window starts with its first hit and lasts a fixed time; a full window answers 429 with ``Retry-After`` set
to the seconds until it ends. Counters are checked and incremented inside the caller's transaction: when any
limit is full nothing is incremented (a refused request costs the client nothing extra, and the transaction
rolls back as a whole).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models, transaction

from core.errors import TooManyRequests

from .errors import AddressLocked
from .models import OtpFailureStreak, RateLimitCounter

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Limit:
    scope: str
    max_hits: int
    window: timedelta


OTP_EMAIL_GAP = Limit("otp_email_gap", 1, timedelta(seconds=60))
OTP_EMAIL_HOURLY = Limit("otp_email_hour", 5, timedelta(hours=1))
OTP_IP_HOURLY = Limit("otp_ip_hour", 20, timedelta(hours=1))

VERIFY_FAILURES_BEFORE_LOCK = 10
VERIFY_LOCK_DURATION = timedelta(minutes=15)


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _locked_row(model: type[M], lookup: dict[str, Any], defaults: dict[str, Any]) -> M:
    """Lock the row matching ``lookup``, inserting it first when missing (``INSERT … ON CONFLICT DO NOTHING``).

    Unlike ``get_or_create`` this survives a parallel transaction that inserts or deletes the same row between
    our insert and our read: we simply look again.
    """
    for _ in range(5):
        row = model._default_manager.select_for_update().filter(**lookup).order_by("pk").first()
        if row is not None:
            return row
        model._default_manager.bulk_create([model(**lookup, **defaults)], ignore_conflicts=True)
    raise RuntimeError(f"could not lock {model.__name__} {lookup}")


def _locked_counter(limit: Limit, key: str, now: datetime) -> RateLimitCounter:
    defaults = {"window_start": now, "window_end": now + limit.window, "count": 0}
    counter = _locked_row(RateLimitCounter, {"scope": limit.scope, "key": key}, defaults)
    if counter.window_end <= now:  # the previous window is over: this hit opens a new one
        counter.window_start, counter.window_end, counter.count = now, now + limit.window, 0
    return counter


def consume(hits: Sequence[tuple[Limit, str]], *, now: datetime) -> None:
    """Count one hit against each ``(limit, key)`` or raise ``TooManyRequests`` with the longest wait.

    Must run inside ``transaction.atomic``. Rows are locked in a fixed order so two requests never deadlock.
    """
    counters = [
        (limit, _locked_counter(limit, key, now))
        for limit, key in sorted(hits, key=lambda item: (item[0].scope, item[1]))
    ]
    waits = [seconds_until(counter.window_end, now) for limit, counter in counters if counter.count >= limit.max_hits]
    if waits:
        raise TooManyRequests(retry_after=max(waits))
    for _, counter in counters:
        counter.count += 1
        counter.save(update_fields=["window_start", "window_end", "count"])


def check_address_lock(email: str, *, now: datetime) -> None:
    """Raise ``AddressLocked`` while the address is locked after too many failed verifies."""
    locked_until = (
        OtpFailureStreak.objects.filter(email=email, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )
    if locked_until is not None:
        raise AddressLocked(retry_after=seconds_until(locked_until, now))


@transaction.atomic
def record_failed_verify(email: str, *, now: datetime) -> None:
    """Count one failure in a row; the 10th locks the address for 15 minutes and starts a new streak."""
    streak = _locked_row(OtpFailureStreak, {"email": email}, {"last_failure_at": now})
    streak.failures += 1
    streak.last_failure_at = now
    if streak.failures >= VERIFY_FAILURES_BEFORE_LOCK:
        streak.failures = 0
        streak.locked_until = now + VERIFY_LOCK_DURATION
    streak.save(update_fields=["failures", "last_failure_at", "locked_until"])


def clear_failed_verifies(email: str) -> None:
    """A successful verify ends the streak."""
    OtpFailureStreak.objects.filter(email=email).delete()
