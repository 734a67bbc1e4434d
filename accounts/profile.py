"""The value rules of a buyer's profile, shared by the API serializer, the admin form and the model.

Each check raises Django's ``ValidationError`` with a message safe to show; the serializer turns it into a 422.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.inn import InvalidInn, normalize_inn

COMPANY_NAME_MAX = 255
CONTACT_NAME_MAX = 255
PHONE_MAX = 32
PHONE_MIN_DIGITS = 5
SIGNATURE_MAX = 2000
DEFAULT_SUBJECT_MAX = 255  # = messaging's subject limit: the default becomes a header
DEFAULT_BODY_MAX = 20000  # = messaging's body limit
PHONE_CHARACTERS = frozenset("0123456789+-()., /")
LINE_BREAKS_OK = frozenset("\n\r\t")


def _has_control(value: str, allowed: frozenset[str] = frozenset("\t")) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") and char not in allowed for char in value)


def validate_single_line(value: str) -> None:
    """Names and the default subject end up in headers or one line of the e-mail: no line breaks."""
    if _has_control(value):
        raise ValidationError(_("Must not contain line breaks or control characters."), code="value_error")


def validate_multi_line(value: str) -> None:
    """The signature and the default body may have line breaks, but no other control characters."""
    if _has_control(value, LINE_BREAKS_OK):
        raise ValidationError(_("Must not contain control characters."), code="value_error")


def validate_phone(value: str) -> None:
    """A light check: digits, spaces and ``+-().,/``, "доб."/"ext." extensions aside, with at least 5 digits."""
    rest = value.lower().replace("доб", "").replace("ext", "")
    if any(char not in PHONE_CHARACTERS for char in rest) or sum(char.isdigit() for char in rest) < PHONE_MIN_DIGITS:
        raise ValidationError(
            _("Enter a phone number: digits, spaces and + - ( ), at least 5 digits."), code="value_error"
        )


def validate_inn(value: str) -> None:
    """The model's check (the admin); the API and the admin form also normalise the value (spaces stripped)."""
    try:
        normalize_inn(value)
    except InvalidInn as exc:
        raise ValidationError(str(exc), code="value_error") from None
