"""From raw rows of any format to keys: find the header, pick the columns, validate, number the keys.

Every reader (xlsx, csv, txt, docx, pdf) only yields `(row number, cells)`; all the judgement about what a
row means lives here, so the formats behave the same and are tested once.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from itertools import chain, islice
from typing import TypeVar

from requests_app.importers.errors import EmptyFile, NoKeysFound
from requests_app.importers.types import ImportResult, ParsedKey, Row, RowError
from requests_app.importers.values import CellError, cell_text, is_blank, parse_pos, parse_qty, parse_text, parse_unit

T = TypeVar("T")

MAX_KEYS = 2000
HEADER_SCAN_ROWS = 10

# Column name → field. Compared after `_label_key`: lower case, `ё→е`, punctuation turned into spaces.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pos": ("№", "n", "no", "#", "поз", "позиция", "pos", "position", "п/п", "№ п/п", "номер"),
    "text": ("наименование", "название", "описание", "товар", "name", "text", "description", "item", "номенклатура"),
    "unit": ("ед.", "ед", "ед. изм.", "единица", "единица измерения", "unit", "uom"),
    "qty": ("кол-во", "кол.", "количество", "qty", "quantity", "amount"),
}
# Mapping of a field to its column index in a row.
Layout = dict[str, int]
# Without a header, a row whose first cell is a number is read as `pos | text | unit | qty`.
POSITIONAL_LAYOUT: Layout = {"pos": 0, "text": 1, "unit": 2, "qty": 3}


def _label_key(label: str) -> str:
    text = label.lower().replace("ё", "е").replace("№", " № ")
    return " ".join(re.sub(r"[^\w№#]+", " ", text).split())


_LABELS = {_label_key(label): field for field, labels in _SYNONYMS.items() for label in labels}
# Longest first, so `единица измерения …` is not taken for `единица …`.
_PREFIXES = sorted(_LABELS.items(), key=lambda item: -len(item[0]))


def field_for_label(label: str) -> str | None:
    """The field a column heading names: exact synonym, or a synonym followed by more words
    (`Наименование товара`, `Кол-во, шт.`), which is how real templates write them."""
    key = _label_key(label)
    if key in _LABELS:
        return _LABELS[key]
    return next((field for prefix, field in _PREFIXES if key.startswith(prefix + " ")), None)


def detect_header(cells: Sequence[object]) -> Layout | None:
    """The layout a heading row describes, or None if the row is not a heading.

    A heading holds only text (a number means data) and names the text column; if it does not, the first
    unrecognised heading becomes the text column as long as two other fields were recognised.
    """
    layout: Layout = {}
    spare: list[int] = []
    for index, value in enumerate(cells):
        if is_blank(value):
            continue
        if not isinstance(value, str) or _is_pos(value):
            return None
        field = field_for_label(value)
        if field is None or field in layout:
            spare.append(index)
        else:
            layout[field] = index
    if "text" not in layout and len(layout) >= 2 and spare:
        layout["text"] = spare[0]
    return layout if "text" in layout else None


def rows_to_result(rows: Iterable[Row]) -> ImportResult:
    """Read keys from rows; at most `MAX_KEYS` data rows are read, the next one is reported and reading stops."""
    non_empty = (row for row in rows if not all(is_blank(value) for value in row[1]))
    head = list(islice(non_empty, HEADER_SCAN_ROWS))
    if not head:
        raise EmptyFile("The file has no rows with data.")
    layout, first_data = _find_layout(head)
    has_heading = first_data > 0
    builder = _KeyBuilder(layout)
    for row_number, cells in chain(head[first_data:], non_empty):
        if has_heading and detect_header(cells) == layout:
            continue  # the heading repeated (concatenated exports, tables split across pages)
        if builder.is_unfilled(cells):
            continue
        if builder.rows_read == MAX_KEYS:
            builder.errors.append(RowError(row_number, f"too many keys: at most {MAX_KEYS} are allowed"))
            break
        builder.add(row_number, cells)
    result = builder.finish()
    if not result.keys and not result.errors:
        raise NoKeysFound("The file has no keys: only a heading, or nothing under it.")
    return result


def _find_layout(head: list[Row]) -> tuple[Layout | None, int]:
    """(layout, index of the first data row in `head`; > 0 iff a heading was found).
    Layout None = each row is one key's text.

    A heading naming two or more fields may sit under a title; one naming only the text column must be the
    first row, or a key that happens to read `Товар` would swallow the keys above it.
    """
    for index, (_, cells) in enumerate(head):
        layout = detect_header(cells)
        if layout is not None and (len(layout) >= 2 or index == 0):
            return layout, index + 1
    first_cells = [value for value in head[0][1] if not is_blank(value)]
    if len(first_cells) >= 2 and _is_pos(head[0][1][0]):
        return POSITIONAL_LAYOUT, 0
    return None, 0


def _is_pos(value: object) -> bool:
    try:
        return parse_pos(value) is not None
    except CellError:
        return False


class _KeyBuilder:
    """Collects keys and row errors; numbers the keys without a pos after the largest pos in the file."""

    def __init__(self, layout: Layout | None) -> None:
        self.layout = layout
        self.rows_read = 0
        self.errors: list[RowError] = []
        self._pending: list[ParsedKey] = []  # pos 0 = to be numbered in finish()
        self._pos_rows: dict[int, int] = {}

    def is_unfilled(self, cells: Sequence[object]) -> bool:
        """A template row numbered in advance but left empty (`17 | | |`): not a key, and not an error."""
        pos_index = self.layout.get("pos") if self.layout else None
        return pos_index is not None and all(is_blank(value) for index, value in enumerate(cells) if index != pos_index)

    def add(self, row_number: int, cells: Sequence[object]) -> None:
        self.rows_read += 1
        problems: list[str] = []
        text = _parsed(parse_text, self._cell(cells, "text"), problems)
        pos = _parsed(parse_pos, self._cell(cells, "pos"), problems)
        qty = _parsed(parse_qty, self._cell(cells, "qty"), problems)
        unit = _parsed(parse_unit, self._cell(cells, "unit"), problems)
        if pos is not None:
            if pos in self._pos_rows:
                problems.append(f"pos {pos} is already used in row {self._pos_rows[pos]}")
            else:
                self._pos_rows[pos] = row_number
        if problems:
            self.errors.extend(RowError(row_number, problem) for problem in problems)
        elif text is not None:
            self._pending.append(ParsedKey(pos=pos or 0, text=text, qty=qty, unit=unit, row=row_number))

    def _cell(self, cells: Sequence[object], field: str) -> object:
        if self.layout is None:  # one text per row: keep every filled cell rather than lose any
            return " ".join(cell_text(value) for value in cells if not is_blank(value)) if field == "text" else None
        index = self.layout.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    def finish(self) -> ImportResult:
        next_pos = max(self._pos_rows, default=0) + 1
        keys: list[ParsedKey] = []
        for key in self._pending:
            if key.pos == 0:
                key = replace(key, pos=next_pos)
                next_pos += 1
            keys.append(key)
        return ImportResult(keys=keys, errors=self.errors)


def _parsed(parse: Callable[[object], T], value: object, problems: list[str]) -> T | None:
    """Run one field parser; a failure becomes a problem of the row instead of stopping the import."""
    try:
        return parse(value)
    except CellError as error:
        problems.append(str(error))
        return None
