"""Turn one cell into a key field, or explain in one sentence why it cannot be.

Cells come from very different sources: openpyxl gives int/float/datetime, CSV and text give strings
written by people (`1 000`, `2,5`, `3.`). Each parser raises `CellError` with a message the buyer can act on.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from requests_app.normalize import clean_key_text

MAX_TEXT_LENGTH = 1000
MAX_NOTE_LENGTH = 1000  # RequestKey.note; longer notes are cut (rows.py) rather than refused
MAX_UNIT_LENGTH = 32
MAX_POS = 2_147_483_647  # the largest value the database integer column accepts
# RequestKey.qty is DecimalField(max_digits=18, decimal_places=4): refuse here what the database would refuse.
QTY_DECIMAL_PLACES = 4
QTY_LIMIT = Decimal(10) ** (18 - QTY_DECIMAL_PLACES)

# Spaces people and spreadsheets put inside numbers: plain, no-break, narrow no-break, thin.
_NUMBER_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class CellError(ValueError):
    """A cell that cannot become the field it sits in; the message is shown to the buyer."""


def is_blank(value: object) -> bool:
    """An empty cell: openpyxl's None, or a string of whitespace only."""
    return value is None or (isinstance(value, str) and not clean_key_text(value))


def cell_text(value: object) -> str:
    """Render any cell as tidy text: `57.0` from a spreadsheet is the integer 57 a human typed."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return clean_key_text(str(value))


def parse_text(value: object) -> str:
    text = cell_text(value)
    if not text:
        raise CellError("text is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise CellError(f"text is longer than {MAX_TEXT_LENGTH} characters ({len(text)})")
    return text


def parse_unit(value: object) -> str | None:
    unit = cell_text(value)
    if len(unit) > MAX_UNIT_LENGTH:
        raise CellError(f"unit is longer than {MAX_UNIT_LENGTH} characters: {_show(unit)}")
    return unit or None


def parse_pos(value: object) -> int | None:
    """A position number; `3.0` (spreadsheet float) and `3.` (numbered list) both mean 3. Blank → None."""
    if is_blank(value):
        return None
    number = _to_decimal(value.rstrip(".") if isinstance(value, str) else value)
    if number is None or number != number.to_integral_value() or not 1 <= number <= MAX_POS:
        raise CellError(f"pos must be a whole number from 1 to {MAX_POS}, got {_show(value)}")
    return int(number)


def parse_qty(value: object) -> Decimal | None:
    """A quantity > 0 written with a decimal comma or dot and optional thousands spaces. Blank → None."""
    if is_blank(value):
        return None
    number = _to_decimal(value)
    if number is None or number <= 0:
        raise CellError(f"qty must be a number greater than 0, got {_show(value)}")
    if number >= QTY_LIMIT:
        raise CellError(f"qty is too large: {_show(value)}")
    exponent = number.normalize().as_tuple().exponent  # an int for finite numbers, the only ones here
    if isinstance(exponent, int) and -exponent > QTY_DECIMAL_PLACES:
        raise CellError(f"qty has more than {QTY_DECIMAL_PLACES} decimal places: {_show(value)}")
    return number


def _to_decimal(value: object) -> Decimal | None:
    """Exact decimal of a cell, or None when it is not a plain finite number (no `1e5`, `nan`, `inf`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        return number if number.is_finite() else None
    if isinstance(value, float):
        # repr() is the shortest string that round-trips, so 0.1 becomes Decimal("0.1"), not 0.1000000000000000055…
        return _to_decimal(repr(value))
    if not isinstance(value, str):
        return None
    text = _unify_decimal_separator(value.translate(_NUMBER_SPACES))
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already admits only valid literals
        return None


def _unify_decimal_separator(text: str) -> str:
    """`1.000,5`, `1,000.5` → `1000.5`; `1,000,000` → `1000000`; a lone comma is a decimal one: `2,5` → `2.5`."""
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    elif text.count(",") > 1 or text.count(".") > 1:  # 1,000,000 or 1.000.000: thousands only
        text = text.replace(",", "").replace(".", "")
    return text.replace(",", ".")


def _show(value: object, limit: int = 40) -> str:
    text = cell_text(value)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"
