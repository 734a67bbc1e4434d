"""What a file really is: the type sniffed from its bytes must match its name and the allow-list.

``filetype`` recognises most formats by their magic numbers. Three families need more than the first
bytes: ZIP containers (a .docx/.xlsx/.pptx/.odt/.ods is a ZIP; the entries inside tell them apart),
OLE compound files (legacy .doc/.xls/.ppt share one header) and plain text/CSV (no magic at all).
"""

import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

from .errors import AttachmentTypeNotAllowed

HEAD_BYTES = 8192
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_DIRECTORIES = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
# filetype's extension → our kind, for the formats whose magic number is enough.
MAGIC_KINDS = {
    "pdf": "pdf",
    "png": "png",
    "apng": "png",
    "jpg": "jpeg",
    "gif": "gif",
    "webp": "webp",
    "bmp": "bmp",
    "tif": "tiff",
    "rtf": "rtf",
}
TEXT_CONTROL_BYTES_ALLOWED = frozenset(b"\t\n\r\f\v\x1a")
ZIP_KINDS = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})


@dataclass(frozen=True)
class AllowedType:
    kinds: frozenset[str]
    content_type: str


def _allowed(kinds: set[str] | frozenset[str], content_type: str) -> AllowedType:
    return AllowedType(frozenset(kinds), content_type)


# The allow-list: extension → which sniffed kinds may carry it, and the content type we store and serve.
ALLOWED_EXTENSIONS: dict[str, AllowedType] = {
    "pdf": _allowed({"pdf"}, "application/pdf"),
    "png": _allowed({"png"}, "image/png"),
    "jpg": _allowed({"jpeg"}, "image/jpeg"),
    "jpeg": _allowed({"jpeg"}, "image/jpeg"),
    "gif": _allowed({"gif"}, "image/gif"),
    "webp": _allowed({"webp"}, "image/webp"),
    "bmp": _allowed({"bmp"}, "image/bmp"),
    "tif": _allowed({"tiff"}, "image/tiff"),
    "tiff": _allowed({"tiff"}, "image/tiff"),
    "txt": _allowed({"text"}, "text/plain"),
    "csv": _allowed({"text"}, "text/csv"),
    "rtf": _allowed({"rtf"}, "application/rtf"),
    "doc": _allowed({"ole"}, "application/msword"),
    "xls": _allowed({"ole"}, "application/vnd.ms-excel"),
    "ppt": _allowed({"ole"}, "application/vnd.ms-powerpoint"),
    "docx": _allowed({"docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": _allowed({"xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": _allowed({"pptx"}, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": _allowed({"odt"}, "application/vnd.oasis.opendocument.text"),
    "ods": _allowed({"ods"}, "application/vnd.oasis.opendocument.spreadsheet"),
    "zip": _allowed(ZIP_KINDS, "application/zip"),
}


def extension_of(name: str) -> str:
    """Lower-case extension without the dot; ``""`` when the name has none."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _zip_kind(fileobj: IO[bytes]) -> str | None:
    """Look inside the ZIP's central directory (no extraction) to tell office formats from plain ZIPs."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    odf_kind = ODF_MIMETYPES.get(entry.read(128).strip())
                if odf_kind:
                    return odf_kind
            for prefix, kind in OOXML_DIRECTORIES:
                if any(name.startswith(prefix) for name in names):
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    return "zip"


def _looks_like_text(head: bytes) -> bool:
    """Plain text has no binary control bytes; UTF-8, single-byte Cyrillic (cp1251) and UTF-16 with a BOM pass."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        decoded = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        return all(char >= " " or ord(char) in TEXT_CONTROL_BYTES_ALLOWED for char in decoded)
    return bool(head) and all(byte >= 0x20 or byte in TEXT_CONTROL_BYTES_ALLOWED for byte in head)


def sniff_kind(fileobj: IO[bytes]) -> str | None:
    """The kind of the content (``"pdf"``, ``"docx"``, ``"text"``…) or ``None`` when unknown or not allowed."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    try:
        if head.startswith(OLE_MAGIC):
            return "ole"
        if head.startswith(ZIP_MAGICS):
            return _zip_kind(fileobj)
        guess = filetype.guess(head)
        if guess is not None:
            return MAGIC_KINDS.get(guess.extension)
        return "text" if _looks_like_text(head) else None
    finally:
        fileobj.seek(0)


def detect_content_type(fileobj: IO[bytes], name: str) -> str:
    """The content type to store for an upload; raises ``AttachmentTypeNotAllowed`` (415) otherwise."""
    extension = extension_of(name)
    allowed = ALLOWED_EXTENSIONS.get(extension)
    if allowed is None:
        raise AttachmentTypeNotAllowed(f"Files of type '.{extension}' are not allowed." if extension else None)
    kind = sniff_kind(fileobj)
    if kind not in allowed.kinds:
        raise AttachmentTypeNotAllowed(f"The file's content does not match its '.{extension}' extension.")
    return allowed.content_type
