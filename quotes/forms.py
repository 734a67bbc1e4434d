"""The quote page's form: reading the posted fields into a ``QuoteInput``, with errors a person can act on.

Fields: per key ``price-<keyid>``, ``qty-<keyid>``, ``lead-<keyid>``, ``analogue-<keyid>``, ``comment-<keyid>``;
for the quote ``currency``, ``vat_included``, ``valid_until``, ``comment``, ``keep_file`` (ids of the files
already attached that stay) and ``files`` (new uploads). Numbers may be written the Russian way: ``1 250,50``.
Nothing here touches the database; the services validate against the request and store.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from .models import CURRENCIES, DEFAULT_CURRENCY
from .services import LineInput, QuoteInput

SPACES = re.compile(r"[\s\u00a0\u202f']")
MAX_DECIMAL = Decimal("1e14")


@dataclass
class ParsedForm:
    data: QuoteInput
    values: dict[str, str]  # what was typed, to show it again
    errors: dict[str, str] = field(default_factory=dict)  # field name → message; "" key = the whole form
    keep_file_ids: list[int] = field(default_factory=list)


def parse_decimal(text: str) -> Decimal:
    cleaned = SPACES.sub("", text).replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or abs(value) >= MAX_DECIMAL or value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise InvalidOperation
    return value


def parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _number(post: QueryDict, name: str, values: dict[str, str], errors: dict[str, str]) -> Decimal | None:
    text = post.get(name, "").strip()[:64]
    values[name] = text
    if not text:
        return None
    try:
        return parse_decimal(text)
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter a number, e.g. 1250,50 (at most 4 decimal places).")
        return None


def _integer(post: QueryDict, name: str, values: dict[str, str], errors: dict[str, str]) -> int | None:
    text = post.get(name, "").strip()[:16]
    values[name] = text
    if not text:
        return None
    if not (text.isascii() and text.isdecimal()):
        errors[name] = _("Enter a whole number of days.")
        return None
    return int(text)


def _text(post: QueryDict, name: str, values: dict[str, str]) -> str:
    text = post.get(name, "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    values[name] = text
    return text


def _line(post: QueryDict, key_id: int, values: dict[str, str], errors: dict[str, str]) -> LineInput:
    return LineInput(
        key_id=key_id,
        price=_number(post, f"price-{key_id}", values, errors),
        qty=_number(post, f"qty-{key_id}", values, errors),
        lead_time_days=_integer(post, f"lead-{key_id}", values, errors),
        analogue=_text(post, f"analogue-{key_id}", values),
        comment=_text(post, f"comment-{key_id}", values),
    )


def _header(post: QueryDict, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    currency = post.get("currency", DEFAULT_CURRENCY).strip().upper()
    values["currency"] = currency
    if currency not in CURRENCIES:
        errors["currency"] = _("Choose a currency from the list.")
        currency = DEFAULT_CURRENCY
    values["vat_included"] = "1" if post.get("vat_included") else ""
    valid_text = post.get("valid_until", "").strip()[:32]
    values["valid_until"] = valid_text
    valid_until = None
    if valid_text:
        try:
            valid_until = parse_date(valid_text)
        except ValueError:
            errors["valid_until"] = _("Enter a date as DD.MM.YYYY.")
    return {
        "currency": currency,
        "vat_included": bool(post.get("vat_included")),
        "valid_until": valid_until,
        "comment": _text(post, "comment", values),
    }


def parse_quote_form(post: QueryDict, key_ids: list[int]) -> ParsedForm:
    """Read every field; type errors are collected per field (the services check ranges and lengths)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    header = _header(post, values, errors)
    lines = [_line(post, key_id, values, errors) for key_id in key_ids]
    keep = [int(value) for value in post.getlist("keep_file") if value.isascii() and value.isdecimal()]
    data = QuoteInput(**header, lines=[line for line in lines if not line.is_empty()])
    return ParsedForm(data=data, values=values, errors=errors, keep_file_ids=keep)


# The services name fields in Python terms; the page names its inputs.
LINE_FIELD_NAMES = {
    "price": "price",
    "qty": "qty",
    "lead_time_days": "lead",
    "analogue": "analogue",
    "comment": "comment",
}


def form_field_for(path: tuple[str | int, ...], lines: list[LineInput]) -> str:
    """The input a service error is about: ``("lines", 3, "price")`` → ``price-<keyid of line 3>``."""
    if len(path) >= 3 and path[0] == "lines" and isinstance(path[1], int) and path[1] < len(lines):
        return f"{LINE_FIELD_NAMES.get(str(path[2]), str(path[2]))}-{lines[path[1]].key_id}"
    if path and path[0] == "attachment_ids":
        return "files"
    return str(path[0]) if path else ""
