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
from requests_app.importers.skip_rules import RowContext, skip_reason
from requests_app.importers.types import ImportResult, ImportWarning, ParsedKey, Row, RowError
from requests_app.importers.values import (
    MAX_NOTE_LENGTH,
    CellError,
    cell_text,
    is_blank,
    parse_pos,
    parse_qty,
    parse_text,
    parse_unit,
)

T = TypeVar("T")

MAX_KEYS = 2000
HEADER_SCAN_ROWS = 10
SCORE_ROWS = 50
HEADING_SCORE = 5

# Column name → field. Compared after `_label_key`: lower case, `ё→е`, punctuation turned into spaces.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pos": ("№", "n", "no", "#", "поз", "позиция", "pos", "position", "п/п", "№ п/п", "номер"),
    "text": ("наименование", "название", "описание", "товар", "name", "text", "description", "item", "номенклатура"),
    "unit": ("ед.", "ед", "ед. изм.", "единица", "единица измерения", "unit", "uom"),
    "qty": ("кол-во", "кол.", "количество", "qty", "quantity", "amount"),
}
# Mapping of a field to its column index in a row.
Layout = dict[str, int]
# Between the extra columns of a key's note: `Примечание: SKF или аналог; Артикул: 6205-2RS`.
NOTE_SEPARATOR = "; "
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


def rows_to_result(rows: Iterable[Row], *, sheet: str | None = None) -> ImportResult:
    """Read keys from rows; at most `MAX_KEYS` data rows are read, the next one is reported and reading stops.

    Rows that are not items (`skip_rules`), the title block above the heading and repeated headings are
    skipped and reported in `ImportResult.warnings`, each tagged with `sheet`.
    """
    non_empty = (row for row in rows if not all(is_blank(value) for value in row[1]))
    head = list(islice(non_empty, HEADER_SCAN_ROWS))
    if not head:
        raise EmptyFile("The file has no rows with data.")
    layout, first_data = _find_layout(head)
    has_heading = first_data > 0
    builder = _KeyBuilder(layout, head[first_data - 1][1] if has_heading else (), sheet)
    builder.warn_layout(head, first_data)
    since_heading = 1 if has_heading else 0
    for row_number, cells in chain(head[first_data:], non_empty):
        if has_heading and detect_header(cells) == layout:
            # The heading repeated (concatenated exports, tables split across pages).
            builder.warn(row_number, "heading repeated", "skipped_heading")
            since_heading = 1
            continue
        if builder.is_unfilled(cells):
            continue
        skipped = skip_reason(cells, builder.context(since_heading))
        since_heading += 1 if since_heading else 0
        if skipped is not None:
            builder.warn(row_number, skipped[1], skipped[0])
            continue
        if builder.rows_read == MAX_KEYS:
            builder.errors.append(RowError(row_number, f"too many keys: at most {MAX_KEYS} are allowed"))
            break
        builder.add(row_number, cells)
    result = builder.finish()
    if not result.keys and not result.errors:
        raise NoKeysFound("The file has no keys: only a heading, or nothing under it.")
    return result


def score_rows(rows: Iterable[Row]) -> int:
    """How surely these rows hold the item table (0 = not at all), to choose a workbook's sheet.

    Reads at most `SCORE_ROWS` non-empty rows: a heading naming two fields or more is worth
    `HEADING_SCORE`, each row with a text and a readable pos or qty one point. A cover letter scores 0.
    """
    non_empty = [row for row in islice(rows, SCORE_ROWS * 4) if not all(is_blank(value) for value in row[1])]
    head = non_empty[:SCORE_ROWS]
    if not head:
        return 0
    layout, first_data = _find_layout(head[:HEADER_SCAN_ROWS])
    if layout is None:
        return 0
    score = HEADING_SCORE if first_data > 0 and len(layout) >= 2 else 0
    probe = _KeyBuilder(layout, (), None)
    for since_heading, (row_number, cells) in enumerate(head[first_data:], start=1):
        if skip_reason(cells, probe.context(since_heading if first_data else 0)) is not None:
            continue
        key = probe.try_key(row_number, cells)
        score += key is not None and (key.pos != 0 or key.qty is not None)
    return score


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
    """Collects keys, row errors and warnings; numbers the keys without a pos after the largest pos in the
    file; keeps the columns the layout does not use in the key's note."""

    def __init__(self, layout: Layout | None, heading: Sequence[object], sheet: str | None) -> None:
        self.layout = layout
        self.sheet = sheet
        self.rows_read = 0
        self.errors: list[RowError] = []
        self.warnings: list[ImportWarning] = []
        self._pending: list[ParsedKey] = []  # pos 0 = to be numbered in finish()
        self._pos_rows: dict[int, int] = {}
        self._items_with_pos = 0
        used = set(layout.values()) if layout else set()
        # Extra columns: every heading cell no field took (`Примечание`, `Артикул`…), by index.
        self._extra = {
            index: cell_text(label).rstrip(":").strip()
            for index, label in enumerate(heading)
            if index not in used and not is_blank(label)
        }

    def warn(self, row: int | None, msg: str, kind: str) -> None:
        self.warnings.append(ImportWarning(row=row, sheet=self.sheet, msg=msg, type=kind))

    def warn_layout(self, head: list[Row], first_data: int) -> None:
        """Say what was guessed about the table's shape: the title rows skipped, a guessed text column, or
        columns read by position because there is no heading."""
        if first_data > 1:
            first, last = head[0][0], head[first_data - 2][0]
            rows = f"row {first}" if first == last else f"rows {first}–{last}"
            self.warn(first, f"{rows} above the heading taken for the title and skipped", "skipped_title")
        if first_data > 0 and self.layout is not None:
            heading_row, heading = head[first_data - 1]
            label = heading[self.layout["text"]]
            if field_for_label(cell_text(label)) != "text":
                self.warn(heading_row, f"column {_show_label(label)} taken for the item names", "guessed_header")
        elif self.layout is POSITIONAL_LAYOUT:
            self.warn(head[0][0], "no heading found: columns read as pos | text | unit | qty", "guessed_columns")

    def context(self, since_heading: int) -> RowContext:
        return RowContext(self.layout, since_heading, len(self._pending), self._items_with_pos)

    def is_unfilled(self, cells: Sequence[object]) -> bool:
        """A template row numbered in advance but left empty (`17 | | |`): not a key, and not an error."""
        pos_index = self.layout.get("pos") if self.layout else None
        if pos_index is None or (pos_index < len(cells) and not _is_pos(cells[pos_index])):
            return False  # text alone in the pos column is for `skip_rules.section_row` to report
        return all(is_blank(value) for index, value in enumerate(cells) if index != pos_index)

    def try_key(self, row_number: int, cells: Sequence[object]) -> ParsedKey | None:
        """The key of a row without recording anything (for scoring), or None if any field is unreadable."""
        problems: list[str] = []
        pos, key = self._key(row_number, cells, problems)
        return None if problems else key

    def add(self, row_number: int, cells: Sequence[object]) -> None:
        self.rows_read += 1
        problems: list[str] = []
        pos, key = self._key(row_number, cells, problems)
        if pos is not None:
            if pos in self._pos_rows:
                problems.append(f"pos {pos} is already used in row {self._pos_rows[pos]}")
            else:
                self._pos_rows[pos] = row_number
        if problems:
            self.errors.extend(RowError(row_number, problem) for problem in problems)
        elif key is not None:
            self._items_with_pos += pos is not None
            self._pending.append(key)

    def _key(
        self, row_number: int, cells: Sequence[object], problems: list[str]
    ) -> tuple[int | None, ParsedKey | None]:
        """(pos, key): the key is None when the text is missing; `problems` collects what cannot be read."""
        text = _parsed(parse_text, self._cell(cells, "text"), problems)
        pos = _parsed(parse_pos, self._cell(cells, "pos"), problems)
        qty = _parsed(parse_qty, self._cell(cells, "qty"), problems)
        unit = _parsed(parse_unit, self._cell(cells, "unit"), problems)
        if text is None:
            return pos, None
        note = self._note(row_number, cells)
        return pos, ParsedKey(pos=pos or 0, text=text, qty=qty, unit=unit, row=row_number, note=note)

    def _note(self, row_number: int, cells: Sequence[object]) -> str | None:
        """`Header: value; Header2: value2` of the extra columns in column order (cells beyond the heading, or
        beyond pos/text/unit/qty without one, are added as bare values); cut to `MAX_NOTE_LENGTH` with `…`."""
        if self.layout is None:
            return None
        used = self.layout.values()
        parts = []
        for index, value in enumerate(cells):
            if index in used or is_blank(value):
                continue
            label = self._extra.get(index)
            parts.append(f"{label}: {cell_text(value)}" if label else cell_text(value))
        note = NOTE_SEPARATOR.join(parts)
        if len(note) > MAX_NOTE_LENGTH:
            self.warn(row_number, f"note cut to {MAX_NOTE_LENGTH} characters", "truncated_note")
            note = note[: MAX_NOTE_LENGTH - 1] + "…"
        return note or None

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
        return ImportResult(keys=keys, errors=self.errors, warnings=self.warnings, sheet=self.sheet)


def _show_label(value: object) -> str:
    return f"'{cell_text(value)[:40]}'"


def _parsed(parse: Callable[[object], T], value: object, problems: list[str]) -> T | None:
    """Run one field parser; a failure becomes a problem of the row instead of stopping the import."""
    try:
        return parse(value)
    except CellError as error:
        problems.append(str(error))
        return None
