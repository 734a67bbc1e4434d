"""The one way the API reads query parameters: absent means the default, present must be valid.

A parameter given with no value (``?limit=``, ``?status=``, ``?includedeleted=``) is a 422 like any other bad
value: answering the default instead hid client bugs (a filter that was meant to apply silently did not).
Hand-read parameters go through ``query_value``; parameters declared by a serializer through
``validated_query``, which hands the serializer a plain dict so DRF judges ``""`` as a value instead of
treating it as an omitted HTML form field. Errors carry ``loc: ["query", name]``.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

from .exceptions import QueryValidationError

TRUE_VALUES = frozenset({"true", "1", "yes", "on"})
FALSE_VALUES = frozenset({"false", "0", "no", "off"})


def query_value(request: Request, name: str) -> str | None:
    """The parameter's raw value, ``None`` when absent; present but empty answers 422 ``blank``, and a NUL
    character (which no database text column can hold) 422 ``null_characters_not_allowed``."""
    raw = request.query_params.get(name)
    if raw is not None and not raw.strip():
        raise QueryValidationError(
            {name: [_("May not be empty: give a value or leave the parameter out.")]}, code="blank"
        )
    if raw is not None and "\x00" in raw:
        raise QueryValidationError({name: [_("Null characters are not allowed.")]}, code="null_characters_not_allowed")
    return raw


def query_int(request: Request, name: str, *, default: int, minimum: int, maximum: int | None) -> int:
    """An integer within bounds; junk or out of range answers 422."""
    raw = query_value(request, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryValidationError({name: [_("A valid integer is required.")]}, code="int_parsing") from None
    if value < minimum:
        raise QueryValidationError(
            {name: [_("Must be greater than or equal to %(minimum)s.") % {"minimum": minimum}]},
            code="greater_than_equal",
        )
    if maximum is not None and value > maximum:
        raise QueryValidationError(
            {name: [_("Must be less than or equal to %(maximum)s.") % {"maximum": maximum}]}, code="less_than_equal"
        )
    return value


def query_choice(request: Request, name: str, choices: Iterable[str]) -> str | None:
    """One of ``choices``, ``None`` when absent; any other value answers 422 ``enum``."""
    raw = query_value(request, name)
    allowed = list(choices)
    if raw is not None and raw not in allowed:
        raise QueryValidationError(
            {name: [_("Must be one of: %(values)s.") % {"values": ", ".join(allowed)}]}, code="enum"
        )
    return raw


def query_bool(request: Request, name: str, *, default: bool) -> bool:
    raw = query_value(request, name)
    if raw is None:
        return default
    if raw.strip().lower() in TRUE_VALUES:
        return True
    if raw.strip().lower() in FALSE_VALUES:
        return False
    raise QueryValidationError({name: [_("Must be true or false.")]}, code="bool_parsing")


def validated_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The parameters a serializer declares, validated; ``""`` is judged by the field (blank, not a number…)."""
    serializer = serializer_class(data={name: request.query_params.get(name) for name in request.query_params})
    if not serializer.is_valid():
        raise QueryValidationError(serializer.errors)
    return dict(serializer.validated_data)
