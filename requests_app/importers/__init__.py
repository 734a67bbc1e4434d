"""Import request keys from an uploaded file (.xlsx, .csv, .txt, .docx, text .pdf).

Pure Python (no Django): `parse_keys_file` returns keys and row errors; `parse_in_sandbox` does the same in
a child process with a memory and time cap (what the API uses). The service maps the exceptions to HTTP
statuses (`UnsupportedFileType` 415, `ArchiveTooLarge`/`FileTooComplex` 413, `EmptyFile`/`NoKeysFound`/
`UnknownSheet` 422) and row errors to a 422 list; `ImportResult.warnings` (rows skipped or guessed, see
`skip_rules.py`), `sheet` and `sheets` go into the answer as they are.
"""

from requests_app.importers.archive import ArchiveLimits
from requests_app.importers.dispatch import READERS, parse_keys_file
from requests_app.importers.errors import (
    ArchiveTooLarge,
    EmptyFile,
    FileTooComplex,
    KeysFileError,
    NoKeysFound,
    UnknownSheet,
    UnsupportedFileType,
)
from requests_app.importers.pdf_file import MAX_PDF_PAGES
from requests_app.importers.rows import MAX_KEYS
from requests_app.importers.sandbox import ParseLimits, parse_in_sandbox
from requests_app.importers.skip_rules import RULES as SKIP_RULES
from requests_app.importers.types import ImportResult, ImportWarning, ParsedKey, RowError
from requests_app.importers.values import MAX_NOTE_LENGTH

SUPPORTED_EXTENSIONS = tuple(READERS)
# Every `ImportWarning.type` the importers report (the API documents this list).
WARNING_TYPES = (
    *(kind for kind, _ in SKIP_RULES),
    "skipped_title",
    "skipped_heading",
    "skipped_sheets",
    "skipped_pages",
    "guessed_header",
    "guessed_columns",
    "truncated_note",
    "sheet_ignored",
)

__all__ = [
    "MAX_KEYS",
    "MAX_NOTE_LENGTH",
    "MAX_PDF_PAGES",
    "SUPPORTED_EXTENSIONS",
    "ArchiveLimits",
    "ArchiveTooLarge",
    "EmptyFile",
    "FileTooComplex",
    "ImportResult",
    "ImportWarning",
    "KeysFileError",
    "NoKeysFound",
    "ParseLimits",
    "ParsedKey",
    "SKIP_RULES",
    "RowError",
    "UnknownSheet",
    "UnsupportedFileType",
    "WARNING_TYPES",
    "parse_in_sandbox",
    "parse_keys_file",
]
