"""Excel 2007+ workbooks: the first sheet, values as last calculated by Excel (not formulas)."""

from collections.abc import Generator
from typing import BinaryIO

from openpyxl import load_workbook

from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.types import Row


def read_xlsx_rows(stream: BinaryIO) -> Generator[Row]:
    """Yield (Excel row number, values). Read-only mode streams the sheet, so a huge file costs only the
    rows actually read: the caller stops after the key limit."""
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors on files that are not workbooks
        raise UnsupportedFileType("The file is not a readable .xlsx workbook.") from error
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # min_row=1 makes the numbering match Excel's even when the sheet's data starts lower down.
        yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    finally:
        workbook.close()
