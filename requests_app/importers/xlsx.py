"""Excel 2007+ workbooks: every worksheet is a table, values as last calculated by Excel (not formulas)."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, BinaryIO

from openpyxl import load_workbook

from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.types import Row, Table


@contextmanager
def open_xlsx(stream: BinaryIO) -> Iterator[list[Table]]:
    """One table per worksheet, in workbook order (chart sheets have no cells and are left out).

    Read-only mode streams a sheet, so a huge sheet costs only the rows actually read: the caller scores each
    sheet on its first rows and stops after the key limit.
    """
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors on files that are not workbooks
        raise UnsupportedFileType("The file is not a readable .xlsx workbook.") from error
    try:
        yield [
            Table(name=sheet.title, rows=partial(_sheet_rows, sheet), hidden=sheet.sheet_state != "visible")
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def _sheet_rows(sheet: Any) -> Iterator[Row]:
    """(Excel row number, values); min_row=1 makes the numbering match Excel's even when the sheet's data
    starts lower down."""
    return enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
