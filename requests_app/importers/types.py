"""Plain data the importers hand back: keys that could be read, rows that could not, and rows skipped."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# One source row as a reader yields it: the 1-based row/line number a human sees, and the cell values.
Row = tuple[int, Sequence[object]]
Rows = Iterator[Row]


@dataclass(frozen=True, slots=True)
class ParsedKey:
    """A key ready for `request_create`; `row` points back to the source for error messages.

    `note` holds the columns beyond pos/text/unit/qty (`Примечание: SKF или аналог; Артикул: 6205`), at most
    `values.MAX_NOTE_LENGTH` characters; see `rows.note_of`.
    """

    pos: int
    text: str
    qty: Decimal | None
    unit: str | None
    row: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that could not be read; `row` is 1-based, as the buyer sees it in their spreadsheet or editor."""

    row: int
    msg: str


@dataclass(frozen=True, slots=True)
class ImportWarning:
    """Something the importer skipped or guessed; the keys are still usable. `type` is a stable code
    (`skipped_total`, `skipped_signature`, `guessed_columns`, … — the list is `WARNING_TYPES`), `msg` is for
    the buyer; `row` and `sheet` say where, when the warning is about one place."""

    row: int | None
    sheet: str | None
    msg: str
    type: str


@dataclass(slots=True)
class ImportResult:
    """Everything read from one file. Non-empty `errors` means the upload must be refused with a 422.

    `sheet` is the workbook sheet that was read (None for formats without sheets), `sheets` all the sheet
    names in workbook order (empty for formats without sheets).
    """

    keys: list[ParsedKey] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Table:
    """One place a reader found rows in: a workbook sheet (`name` set) or the whole file (`name` None).

    `rows` can be called more than once (a sheet is scanned when sheets are scored, then read); `hidden`
    sheets are never chosen automatically. `warnings` are the reader's own (e.g. PDF pages not read).
    """

    name: str | None
    rows: Callable[[], Iterator[Row]]
    hidden: bool = False
    warnings: tuple[ImportWarning, ...] = ()
