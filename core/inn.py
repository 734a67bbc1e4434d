"""The one place that decides what a valid Russian INN is (python-stdnum: length, digits, checksum)."""

from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.ru import inn as stdnum_inn


class InvalidInn(ValueError):
    """The value is not a valid INN; the message is safe to show to the user."""


def normalize_inn(value: object) -> str:
    """Return the INN as 10 or 12 digits, or raise ``InvalidInn`` saying what is wrong.

    Spaces are stripped (people paste "77 07 083893"); an all-zero number passes the checksum but is not
    a real taxpayer, so it is rejected too.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidInn(_("INN must be a string of 10 or 12 digits."))
    text = "".join(str(value).split())
    if not text:
        raise InvalidInn(_("INN must not be empty."))
    if not text.isascii() or not text.isdigit():
        raise InvalidInn(_("INN must contain digits only."))
    if len(text) not in (10, 12):
        raise InvalidInn(_("INN must have 10 digits (company) or 12 digits (individual)."))
    if set(text) == {"0"}:
        raise InvalidInn(_("INN must not be all zeros."))
    try:
        return stdnum_inn.validate(text)
    except InvalidChecksum:
        raise InvalidInn(_("INN checksum is invalid.")) from None
    except (InvalidFormat, InvalidLength, ValidationError):
        raise InvalidInn(_("INN is invalid.")) from None


def is_valid_inn(value: object) -> bool:
    try:
        normalize_inn(value)
    except InvalidInn:
        return False
    return True
