"""Why a whole file was refused. Row-level problems are not exceptions: they are `RowError`s in the result.

Each class carries a stable `code` and the HTTP status the API answers with, so the project's exception
handler can map them without knowing the importers.
"""


class KeysFileError(Exception):
    """Base class: the file as a whole cannot give keys."""

    code = "keys_file_invalid"
    http_status = 422


class UnsupportedFileType(KeysFileError):
    """The extension is not supported, or the bytes are not what the extension claims (e.g. a fake .xlsx)."""

    code = "unsupported_file_type"
    http_status = 415


class EmptyFile(KeysFileError):
    """The file has no bytes, or only empty rows."""

    code = "empty_file"


class NoKeysFound(KeysFileError):
    """The file has rows (e.g. only a header) but not a single key and no row that could be blamed."""

    code = "no_keys_found"


class UnknownSheet(KeysFileError):
    """The buyer named a sheet (`sheet=`) the workbook does not have; `sheets` lists the ones it has."""

    code = "unknown_sheet"

    def __init__(self, wanted: object, sheets: list[str]) -> None:
        self.wanted = str(wanted)
        self.sheets = list(sheets)
        names = ", ".join(f"{number} '{name}'" for number, name in enumerate(self.sheets, start=1))
        super().__init__(f"The workbook has no sheet '{wanted}'; give a name or a number of one of: {names}.")


class FileTooComplex(KeysFileError):
    """The parse of the file went over its memory or time cap (`sandbox.py`): the file costs more to read
    than any request list should, so it is refused (413) instead of taking a server process with it."""

    code = "file_too_complex"
    http_status = 413


class ArchiveTooLarge(FileTooComplex):
    """An .xlsx or .docx whose ZIP declares too many parts, too many bytes or a bomb-like compression ratio
    (`archive.py`); refused before any parser opens it."""

    code = "archive_too_large"
