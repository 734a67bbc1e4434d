"""CSV uploads: any of the encodings in `decoding`, delimited by `;` (Russian Excel), `,` or tab."""

import csv
import io
import re
from collections.abc import Generator
from typing import BinaryIO

from requests_app.importers.decoding import decode_bytes
from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.types import Row

_DELIMITERS = ";\t,"
_SAMPLE_LINES = 20
_DECIMAL_COMMA = re.compile(r"\d,\d")


def read_csv_rows(stream: BinaryIO) -> Generator[Row]:
    """Yield (record number, cells); the record number is the row Excel shows when it opens the file."""
    text = decode_bytes(stream.read())
    delimiter = sniff_delimiter(text)
    if delimiter is None:  # one column: never split, or `Труба 57х3,5` would lose its `,5`
        yield from enumerate(([line] for line in text.splitlines()), start=1)
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise UnsupportedFileType(f"The CSV file cannot be read: {error}.") from error


def sniff_delimiter(text: str) -> str | None:
    """The delimiter, or None for a one-column file.

    `;` or tab on most sampled lines wins outright (a title line above the table has none): a Russian `;`
    file has decimal commas that could fool the sniffer into choosing `,`. Otherwise csv.Sniffer decides,
    `,` on most lines being the fallback; but a
    `,` that only ever appears between digits is a decimal comma, and the file has one column.
    """
    lines = [line for line in text.splitlines() if line.strip()][:_SAMPLE_LINES]
    if not lines:
        return None
    for delimiter in ";\t":
        if _in_most(delimiter, lines):
            return delimiter
    sample = "\n".join(lines)
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = "," if _in_most(",", lines) else None
    if sniffed == "," and "," not in _DECIMAL_COMMA.sub("", sample):
        return None  # every comma sits between digits: `Лист 2,5 мм` is one column, not two
    return sniffed


def _in_most(delimiter: str, lines: list[str]) -> bool:
    return sum(delimiter in line for line in lines) * 2 > len(lines)
