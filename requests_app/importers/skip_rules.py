"""Rows under a heading that are not items: totals, signatures, stamps, a column-numbering row, notes.

Every rule is one small function `rule(cells, context) -> message | None`; `RULES` lists them in the order
they are tried, each with the warning type it reports (`skip_reason` answers the first that matches). A rule
looks at the whole row, not only the key columns: a signature typed into column A sits in the `№` column.
They are deliberately narrow — a skipped item is worse than a reported junk row the buyer deletes — and each
anchors on the row's first text cell, so an item whose name merely contains `итого` is kept.

Rows above the heading (the title block) and repeated headings are handled by `rows.py`, not here.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from requests_app.importers.values import CellError, cell_text, is_blank, parse_pos, parse_qty

Layout = dict[str, int]
# A text row with no pos/qty under a numbered table this long is a note, not an item (items are shorter).
LONG_NOTE_LENGTH = 100

_TOTAL = re.compile(r"^(итого|итог|всего|в\s+том\s+числе|в\s*т\.\s*ч\.|total|subtotal|grand\s+total)(\W|$)")
_SIGNATURE = re.compile(
    r"^(исполнитель|ответственн\w*|подпись|руководитель|главный\s+\w+|бухгалтер|"
    r"(генеральный\s+|коммерческий\s+|технический\s+|финансовый\s+)?директор|начальник|заказчик|"
    r"составил|проверил|утвердил|утверждаю|согласовано|принял|сдал|ф\.?\s?и\.?\s?о\.?|контактное\s+лицо|"
    r"контакты|тел\.|тел|телефон|e-?mail|эл\.\s?почта|с\s+уважением|signature|signed|prepared\s+by|"
    r"approved\s+by|contact\s+person|phone|tel\.)(\s|:|,|$)"
)
_UNDERSCORES = re.compile(r"^_{3,}")  # `__________ /Иванов И.И./`: the line to sign on
_STAMP = re.compile(r"^(м\.?\s?п\.?|место\s+печати|печать|\(печать\)|stamp|l\.?\s?s\.?)$")
_NOTE_START = re.compile(
    r"^(\*|примечани[ея]|прим\.|note|notes|срок\w*|услови[ея]|оплата|доставка|гарантия|адрес\s+доставки)(\W|$)"
)


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a rule may know besides the row: the table's layout (None = one text per row), how many rows
    after the heading this one is (1 = directly under it; 0 = no heading), and the items read so far."""

    layout: Layout | None
    since_heading: int
    items_seen: int
    items_with_pos: int


Rule = Callable[[Sequence[object], RowContext], str | None]


def numbering_row(cells: Sequence[object], context: RowContext) -> str | None:
    """`1 | 2 | 3 | 4` directly under the heading (Russian forms number their columns): whole numbers only,
    each equal to its column's number, or at least three consecutive ones (`2 | 3 | 4` when column A is
    merged into the title)."""
    if context.since_heading != 1:
        return None
    numbered = [(index + 1, _whole_number(value)) for index, value in enumerate(cells) if not is_blank(value)]
    values = [number for _, number in numbered if number is not None]
    if len(values) < 2 or len(values) < len(numbered):
        return None
    by_column = all(column == number for column, number in numbered)
    consecutive = len(values) >= 3 and all(b == a + 1 for a, b in zip(values, values[1:], strict=False))
    return "column-numbering row under the heading" if by_column or consecutive else None


def total_row(cells: Sequence[object], context: RowContext) -> str | None:
    """`Итого`, `Всего`, `Итого позиций: 7`, `В т.ч. НДС`, `Total`: a summary, not an item."""
    text = _first_text(cells)
    return f"total row: {_show(text)}" if _TOTAL.match(text.lower()) else None


def signature_row(cells: Sequence[object], context: RowContext) -> str | None:
    """`Исполнитель: Иванов И.И., тел. …`, `Подпись`, `Руководитель`, `Главный бухгалтер`, `С уважением`,
    or a line of underscores to sign on: who made or approves the list, not an item."""
    text = _first_text(cells)
    lowered = text.lower()
    signed = _SIGNATURE.match(lowered) or _UNDERSCORES.match(lowered)
    return f"signature or contact row: {_show(text)}" if signed else None


def stamp_row(cells: Sequence[object], context: RowContext) -> str | None:
    """`М.П.`, `Место печати`: where the stamp goes."""
    text = _first_text(cells)
    return f"stamp mark: {_show(text)}" if _STAMP.match(text.lower()) else None


def note_row(cells: Sequence[object], context: RowContext) -> str | None:
    """A remark under the items: it starts like one (`Примечание: …`, `Срок поставки …`, `* аналоги
    допускаются`), or — under a table whose items all had a pos — it is longer than `LONG_NOTE_LENGTH` or is
    a sentence in one cell outside the name column (a merged row typed into column A). It has neither a pos
    nor a qty; only rows after the first item are judged: above the items such rows are the title block."""
    if context.items_seen == 0 or context.layout is None or _has(cells, context, "pos", _is_pos):
        return None
    if _has(cells, context, "qty", _is_qty):
        return None
    filled = [index for index, value in enumerate(cells) if not is_blank(value)]
    text = " ".join(cell_text(cells[index]) for index in filled)
    numbered_table = "pos" in context.layout and context.items_with_pos == context.items_seen
    across = len(filled) == 1 and filled[0] != context.layout.get("text") and len(text.split()) >= 2
    if _NOTE_START.match(text.lower()) or (numbered_table and (across or len(text) > LONG_NOTE_LENGTH)):
        return f"note under the table: {_show(text)}"
    return None


def section_row(cells: Sequence[object], context: RowContext) -> str | None:
    """Text in the `№` column and nothing else (`Раздел 2. Трубы` over a merged row): a section heading or a
    remark, not an item. Such rows were always skipped; now they are reported."""
    pos_index = (context.layout or {}).get("pos")
    if pos_index is None or pos_index >= len(cells) or is_blank(cells[pos_index]) or _is_pos(cells[pos_index]):
        return None
    if any(not is_blank(value) for index, value in enumerate(cells) if index != pos_index):
        return None
    return f"text in the pos column only: {_show(cell_text(cells[pos_index]))}"


# Tried in this order; the first match names the warning type.
RULES: tuple[tuple[str, Rule], ...] = (
    ("skipped_numbering", numbering_row),
    ("skipped_total", total_row),
    ("skipped_signature", signature_row),
    ("skipped_stamp", stamp_row),
    ("skipped_note", note_row),
    ("skipped_section", section_row),
)


def skip_reason(cells: Sequence[object], context: RowContext) -> tuple[str, str] | None:
    """(warning type, message) of the first rule the row matches, or None for a row to read as an item."""
    for kind, rule in RULES:
        message = rule(cells, context)
        if message is not None:
            return kind, message
    return None


def _first_text(cells: Sequence[object]) -> str:
    """The first non-blank cell that is not a bare number (the pos), as tidy text; '' if none."""
    for value in cells:
        if is_blank(value) or _whole_number(value) is not None:
            continue
        return cell_text(value)
    return ""


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _has(cells: Sequence[object], context: RowContext, field: str, check: Callable[[object], bool]) -> bool:
    index = (context.layout or {}).get(field)
    return index is not None and index < len(cells) and check(cells[index])


def _is_pos(value: object) -> bool:
    try:
        return parse_pos(value) is not None
    except CellError:
        return False


def _is_qty(value: object) -> bool:
    try:
        return parse_qty(value) is not None
    except CellError:
        return False


def _show(text: str, limit: int = 60) -> str:
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"
