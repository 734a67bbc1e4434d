"""Numbers as people read them, in the active language: ``40`` not ``40.0000``, ``12,5`` and ``1 250,5`` in Russian.

Quantities are stored with four decimal places (``DecimalField(decimal_places=4)``); the zeros that adds are
storage, not information, so they are dropped before Django's locale formats (``django/conf/locale/ru``) put
the decimal separator and the thousands grouping of the active language.
"""

from decimal import Decimal

from django.utils import formats


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and never in exponent form (``Decimal("4E+1")`` → ``Decimal("40")``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_quantity(value: Decimal | None) -> str:
    """A quantity for people: ``"40"``, ``"12,5"``, ``"1 250,5"`` (ru) / ``"1,250.5"`` (en); ``""`` when absent."""
    if value is None:
        return ""
    return formats.number_format(plain_decimal(value), use_l10n=True, force_grouping=True)
