"""Choose the reader by the file name's extension, check the bytes agree, and turn rows into keys."""

import os
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import PurePath
from typing import BinaryIO, cast

from django.core.files import File

from requests_app.importers.archive import DEFAULT_ARCHIVE_LIMITS, ArchiveLimits, check_archive
from requests_app.importers.csv_file import read_csv_rows
from requests_app.importers.docx_file import read_docx_rows
from requests_app.importers.errors import EmptyFile, UnsupportedFileType
from requests_app.importers.pdf_file import open_pdf
from requests_app.importers.sheets import Wanted, read_tables
from requests_app.importers.text import read_text_rows
from requests_app.importers.types import ImportResult, Row, Table
from requests_app.importers.xlsx import open_xlsx

Source = str | os.PathLike[str] | BinaryIO | File  # a path, or a binary file object such as an UploadedFile
# Opens a file as its tables (a workbook's sheets; one table for the other formats) for as long as it is open.
Opener = Callable[[BinaryIO], AbstractContextManager[list[Table]]]


def single_table(reader: Callable[[BinaryIO], Generator[Row]]) -> Opener:
    """An opener for a format without sheets: one table whose rows are read from the rewound stream."""

    @contextmanager
    def opener(stream: BinaryIO) -> Iterator[list[Table]]:
        def rows() -> Iterator[Row]:
            stream.seek(0)
            return reader(stream)

        yield [Table(name=None, rows=rows)]

    return opener


READERS: dict[str, Opener] = {
    ".xlsx": open_xlsx,
    ".csv": single_table(read_csv_rows),
    ".txt": single_table(read_text_rows),
    ".docx": single_table(read_docx_rows),
    ".pdf": open_pdf,
}
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_EXTENSIONS = (".xlsx", ".docx")
_HEAD_BYTES = 1024


def parse_keys_file(
    source: Source,
    filename: str,
    *,
    sheet: Wanted = None,
    archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
) -> ImportResult:
    """Read the keys of an uploaded file, in the calling process (the API calls `sandbox.parse_in_sandbox`).

    `source` is a path or a binary file object (a Django `UploadedFile` works; it is rewound first).
    `filename` is the name the buyer gave: its extension picks the format. An .xlsx or .docx is refused
    before its parser opens it when its ZIP exceeds `archive_limits`. `sheet` (a name, or a number from 1,
    as an int or a string of digits) picks a workbook's sheet; without it the sheet holding the items is
    found (`sheets.py`).

    Raises `UnsupportedFileType` (415), `ArchiveTooLarge` (413), `EmptyFile`, `NoKeysFound` or
    `UnknownSheet` (422). Rows that cannot be read are not exceptions: they come back in
    `ImportResult.errors`, next to the keys that could be read; rows skipped or guessed are in `warnings`.
    """
    extension = PurePath(filename.replace("\\", "/")).suffix.lower()
    reader = READERS.get(extension)
    if reader is None:
        allowed = ", ".join(READERS)
        raise UnsupportedFileType(f"Files of type '{extension or filename}' are not supported; use {allowed}.")
    with _binary(source) as stream:
        _check_head(stream, extension)
        if extension in _ZIP_EXTENSIONS:
            check_archive(stream, extension, archive_limits)
        with reader(stream) as tables:
            return read_tables(tables, sheet)


@contextmanager
def _binary(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        if source.seekable():
            source.seek(0)
        yield cast(BinaryIO, source)


def _check_head(stream: BinaryIO, extension: str) -> None:
    """Refuse empty files, and containers whose bytes are not what the name claims, before parsing."""
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    if not head:
        raise EmptyFile("The file is empty.")
    if extension in _ZIP_EXTENSIONS and not head.startswith(_ZIP_MAGIC):
        raise UnsupportedFileType(f"The file is not a {extension} document: its content does not match its name.")
    if extension == ".pdf" and b"%PDF-" not in head:
        raise UnsupportedFileType("The file is not a PDF: its content does not match its name.")
