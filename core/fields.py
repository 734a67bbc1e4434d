"""DRF fields shared by the apps' serializers: an INN (suppliers, blacklist, moderation) and an object id."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.inn import InvalidInn, normalize_inn

MAX_ID = 2**63 - 1  # a bigint: a larger id is a 422 or matches nothing, never a database error (SQLite)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An object id in a body: 1..``MAX_ID``."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[0-9]{10}$|^[0-9]{12}$", "example": "7707083893"})
class InnField(serializers.CharField):
    """A Russian INN: 10 or 12 digits with a valid checksum, spaces stripped; errors answer 422."""

    default_error_messages = {"invalid_inn": "{message}"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        text = super().to_internal_value(data)
        try:
            return normalize_inn(text)
        except InvalidInn as exc:
            self.fail("invalid_inn", message=str(exc))
        raise AssertionError("unreachable")  # pragma: no cover
