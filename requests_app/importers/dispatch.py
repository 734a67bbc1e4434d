"""Choose the reader by the file name's extension, check the bytes agree, and turn rows into keys."""

import os
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from pathlib import PurePath
from typing import BinaryIO, cast

from django.core.files import File

from requests_app.importers.archive import DEFAULT_ARCHIVE_LIMITS, ArchiveLimits, check_archive
from requests_app.importers.csv_file import read_csv_rows
from requests_app.importers.docx_file import read_docx_rows
from requests_app.importers.errors import EmptyFile, UnsupportedFileType
from requests_app.importers.pdf_file import read_pdf_rows
from requests_app.importers.rows import rows_to_result
from requests_app.importers.text import read_text_rows
from requests_app.importers.types import ImportResult, Row
from requests_app.importers.xlsx import read_xlsx_rows

Source = str | os.PathLike[str] | BinaryIO | File  # a path, or a binary file object such as an UploadedFile
Reader = Callable[[BinaryIO], Generator[Row]]

READERS: dict[str, Reader] = {
    ".xlsx": read_xlsx_rows,
    ".csv": read_csv_rows,
    ".txt": read_text_rows,
    ".docx": read_docx_rows,
    ".pdf": read_pdf_rows,
}
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_EXTENSIONS = (".xlsx", ".docx")
_HEAD_BYTES = 1024


def parse_keys_file(
    source: Source, filename: str, *, archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
) -> ImportResult:
    """Read the keys of an uploaded file, in the calling process (the API calls `sandbox.parse_in_sandbox`).

    `source` is a path or a binary file object (a Django `UploadedFile` works; it is rewound first).
    `filename` is the name the buyer gave: its extension picks the format. An .xlsx or .docx is refused
    before its parser opens it when its ZIP exceeds `archive_limits`.

    Raises `UnsupportedFileType` (415), `ArchiveTooLarge` (413), `EmptyFile` or `NoKeysFound` (422). Rows
    that cannot be read are not exceptions: they come back in `ImportResult.errors`, next to the keys that
    could be read.
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
        with closing(reader(stream)) as rows:
            return rows_to_result(rows)


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
