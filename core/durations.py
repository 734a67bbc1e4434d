"""Durations in settings, written the way people write them: ``48h``, ``30m``, ``14d``, ``90s``.

Parsed strictly when the settings load (``b2bplatform/settings/base.py``): a value that is not a whole positive
number followed by one unit (``s``, ``m``, ``h``, ``d``), a list with a repeated or empty item, anything else,
stops the process with ``ImproperlyConfigured`` naming the variable and what was wrong — a typo must not start a
beat that silently sends no reminder (or all of them at once).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DURATION = re.compile(r"(?P<amount>[1-9][0-9]{0,5})(?P<unit>[smhd])")


def parse_duration(name: str, value: str) -> timedelta:
    """``"48h"`` → ``timedelta(hours=48)``; anything but ``<positive integer><s|m|h|d>`` is refused."""
    text = value.strip()
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ImproperlyConfigured(
            f"{name}={value!r}: expected a whole positive number and one unit of s, m, h or d (e.g. 48h, 14d)."
        )
    return timedelta(**{UNITS[match["unit"]]: int(match["amount"])})


def parse_duration_list(name: str, value: str) -> tuple[timedelta, ...]:
    """``"48h,24h"`` → ``(48 h, 24 h)``, longest first; an empty value is an empty tuple (the feature is off).

    Repeated durations (``48h,2d``) and empty items (``48h,,24h``) are refused.
    """
    if not value.strip():
        return ()
    durations = [parse_duration(name, item) for item in value.split(",")]
    if len(set(durations)) != len(durations):
        raise ImproperlyConfigured(f"{name}={value!r}: the same duration is listed twice.")
    return tuple(sorted(durations, reverse=True))
