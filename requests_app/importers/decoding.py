"""Bytes → text for CSV and plain-text uploads, which arrive in whatever encoding the buyer's tool used.

Russian offices produce UTF-8 (with or without a BOM, Excel adds one), Windows-1251 (Excel "CSV" on a
Russian Windows) and UTF-16 (Excel "Unicode text"). Those are tried in a fixed order because guessing is
unreliable on short files; charset-normalizer is only the last resort.
"""

import codecs

import charset_normalizer

from requests_app.importers.errors import UnsupportedFileType

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FIXED_ORDER = ("utf-8-sig", "cp1251")


def decode_bytes(data: bytes) -> str:
    """Decode an uploaded text file; a binary file (NUL bytes without a UTF-16/32 BOM) is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data:
        raise UnsupportedFileType("The file is binary, not text.")
    for encoding in _FIXED_ORDER:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnsupportedFileType("The text encoding of the file could not be recognised.")
    return str(best)
