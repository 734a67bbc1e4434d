"""Word documents: keys are usually in a table; a document without tables is read line by line."""

from collections.abc import Generator
from typing import Any, BinaryIO

import docx

from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.text import split_lines
from requests_app.importers.types import Row


def read_docx_rows(stream: BinaryIO) -> Generator[Row]:
    """Yield (row number, cells): the rows of all tables numbered on, or the paragraphs' lines.

    Text outside tables is ignored when tables exist: it is the letter around the list, not keys.
    A cell merged across grid columns gives its text to the first of them and leaves the others empty, which
    keeps columns aligned with the heading without repeating a total or a note in every column.
    """
    try:
        document = docx.Document(stream)
    except Exception as error:  # python-docx raises zip, XML and package errors alike on broken files
        raise UnsupportedFileType("The file is not a readable .docx document.") from error
    if document.tables:
        rows = (row for table in document.tables for row in table.rows)
        yield from enumerate((_row_texts(row) for row in rows), start=1)
    else:
        # A soft line break inside a paragraph is a new line for the reader, so split on it too.
        yield from split_lines("\n".join(paragraph.text for paragraph in document.paragraphs).splitlines())


def _row_texts(row: Any) -> list[str]:
    seen: set[int] = set()
    texts = []
    for cell in row.cells:  # a merged cell comes back once per grid column it spans
        texts.append("" if id(cell._tc) in seen else cell.text)
        seen.add(id(cell._tc))
    return texts
