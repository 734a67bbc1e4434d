"""Import request keys from an uploaded file (.xlsx, .csv, .txt, .docx, text .pdf).

Pure Python (no Django): `parse_keys_file` returns keys and row errors; `parse_in_sandbox` does the same in
a child process with a memory and time cap (what the API uses). The service maps the exceptions to HTTP
statuses (`UnsupportedFileType` 415, `ArchiveTooLarge`/`FileTooComplex` 413, `EmptyFile`/`NoKeysFound` 422)
and row errors to a 422 list.
"""

from requests_app.importers.archive import ArchiveLimits
from requests_app.importers.dispatch import READERS, parse_keys_file
from requests_app.importers.errors import (
    ArchiveTooLarge,
    EmptyFile,
    FileTooComplex,
    KeysFileError,
    NoKeysFound,
    UnsupportedFileType,
)
from requests_app.importers.pdf_file import MAX_PDF_PAGES
from requests_app.importers.rows import MAX_KEYS
from requests_app.importers.sandbox import ParseLimits, parse_in_sandbox
from requests_app.importers.types import ImportResult, ParsedKey, RowError

SUPPORTED_EXTENSIONS = tuple(READERS)

__all__ = [
    "MAX_KEYS",
    "MAX_PDF_PAGES",
    "SUPPORTED_EXTENSIONS",
    "ArchiveLimits",
    "ArchiveTooLarge",
    "EmptyFile",
    "FileTooComplex",
    "ImportResult",
    "KeysFileError",
    "NoKeysFound",
    "ParseLimits",
    "ParsedKey",
    "RowError",
    "UnsupportedFileType",
    "parse_in_sandbox",
    "parse_keys_file",
]
