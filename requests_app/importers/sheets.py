"""Which table of a file to read: the sheet the buyer named, or the workbook sheet that holds the items.

Buyers' workbooks often open with a cover letter, a list of requisites or instructions, and the items sit
on sheet 2. Every visible sheet is scored by `rows.score_rows` on its first rows (a heading, rows with a
pos or a qty); the best is read (the first on a tie; the first non-empty one when none looks like a table)
and the others are named in a `skipped_sheets` warning. Formats without sheets have one table.
"""

from collections.abc import Sequence

from requests_app.importers.errors import EmptyFile, UnknownSheet
from requests_app.importers.rows import rows_to_result, score_rows
from requests_app.importers.types import ImportResult, ImportWarning, Table
from requests_app.importers.values import is_blank

Wanted = str | int | None


def read_tables(tables: Sequence[Table], wanted: Wanted = None) -> ImportResult:
    """Read the chosen table into an `ImportResult` with `sheet`, `sheets` and all the warnings."""
    if not tables:
        raise EmptyFile("The file has no rows with data.")
    names = [table.name for table in tables if table.name is not None]
    warnings: list[ImportWarning] = []
    if not names:
        table = tables[0]
        if wanted not in (None, "", 1, "1"):
            warnings.append(ImportWarning(None, None, "the file has no sheets: 'sheet' was ignored", "sheet_ignored"))
    elif wanted not in (None, ""):
        table = pick_sheet(tables, wanted)
    else:
        table = best_table(tables)
        others = [name for name in names if name != table.name]
        if others:
            listed = ", ".join(f"'{name}'" for name in others)
            message = f"sheet '{table.name}' read as the one holding the items; not read: {listed}"
            warnings.append(ImportWarning(None, table.name, message, "skipped_sheets"))
    result = rows_to_result(table.rows(), sheet=table.name)
    result.warnings[:0] = [*warnings, *table.warnings]
    result.sheets = names
    return result


def pick_sheet(tables: Sequence[Table], wanted: str | int) -> Table:
    """The sheet named `wanted` (exactly, then ignoring case and outer spaces), or numbered `wanted` from 1
    (an int, or a string of digits that is no sheet's name); `UnknownSheet` (422) lists the sheets."""
    names = [table.name or "" for table in tables]
    if isinstance(wanted, str):
        text = wanted.strip()
        for matches in (lambda name: name == wanted, lambda name: name.strip().casefold() == text.casefold()):
            for table, name in zip(tables, names, strict=True):
                if matches(name):
                    return table
        if not text.isdigit():
            raise UnknownSheet(wanted, names)
        wanted = int(text)
    if isinstance(wanted, bool) or not 1 <= wanted <= len(tables):
        raise UnknownSheet(wanted, names)
    return tables[wanted - 1]


def best_table(tables: Sequence[Table]) -> Table:
    """The visible table with the highest score; see the module docstring."""
    candidates = [table for table in tables if not table.hidden] or list(tables)
    scores = [score_rows(table.rows()) for table in candidates]
    best = max(range(len(candidates)), key=lambda index: (scores[index], -index))
    if scores[best] > 0:
        return candidates[best]
    return next((table for table in candidates if _has_data(table)), candidates[0])


def _has_data(table: Table) -> bool:
    return any(not all(is_blank(value) for value in cells) for _, cells in table.rows())
