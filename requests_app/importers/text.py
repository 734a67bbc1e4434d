"""Plain-text keys: one key per line, either bare text or `pos | text | unit | qty` columns.

The same line splitting serves .txt files, .docx paragraphs and the text layer of PDFs.
"""

from collections.abc import Generator, Iterable
from typing import BinaryIO

from requests_app.importers.decoding import decode_bytes
from requests_app.importers.types import Row

_DELIMITERS = "|\t;"
_SAMPLE_LINES = 20


def read_text_rows(stream: BinaryIO) -> Generator[Row]:
    """Yield (line number, cells) for a .txt upload."""
    return split_lines(decode_bytes(stream.read()).splitlines())


def split_lines(lines: Iterable[str]) -> Generator[Row]:
    """Yield (line number, cells), splitting every line on the one delimiter most sampled lines use.

    One delimiter for the whole file, not per line: a plain key like `Болт; оцинкованный` must not turn
    into two columns just because of its own punctuation.
    """
    lines = list(lines)
    delimiter = pick_delimiter(lines)
    for number, line in enumerate(lines, start=1):
        yield number, _split(line, delimiter)


def pick_delimiter(lines: list[str]) -> str | None:
    """The delimiter most sampled non-blank lines hold, or None: the text is not delimited."""
    sample = [line for line in lines if line.strip()][:_SAMPLE_LINES]
    for delimiter in _DELIMITERS:
        if sample and sum(delimiter in line for line in sample) * 2 > len(sample):
            return delimiter
    return None


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [line.strip()]
    if delimiter == "|":  # `| 1 | Болт |` as in Markdown tables
        line = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in line.split(delimiter)]
