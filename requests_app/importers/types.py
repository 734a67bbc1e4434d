"""Plain data the importers hand back: keys that could be read, and rows that could not."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# One source row as a reader yields it: the 1-based row/line number a human sees, and the cell values.
Row = tuple[int, Sequence[object]]
Rows = Iterator[Row]


@dataclass(frozen=True, slots=True)
class ParsedKey:
    """A key ready for `request_create`; `row` points back to the source for error messages."""

    pos: int
    text: str
    qty: Decimal | None
    unit: str | None
    row: int


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that could not be read; `row` is 1-based, as the buyer sees it in their spreadsheet or editor."""

    row: int
    msg: str


@dataclass(slots=True)
class ImportResult:
    """Everything read from one file. Non-empty `errors` means the upload must be refused with a 422."""

    keys: list[ParsedKey] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
