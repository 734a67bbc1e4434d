"""Word documents: keys are usually in a table; a document without tables is read line by line."""

from collections.abc import Generator
from typing import BinaryIO

import docx

from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.text import split_lines
from requests_app.importers.types import Row


def read_docx_rows(stream: BinaryIO) -> Generator[Row]:
    """Yield (row number, cells): the rows of all tables numbered on, or the paragraphs' lines.

    Text outside tables is ignored when tables exist: it is the letter around the list, not keys.
    Merged cells repeat their text in every grid column they span, which keeps columns aligned with the
    heading.
    """
    try:
        document = docx.Document(stream)
    except Exception as error:  # python-docx raises zip, XML and package errors alike on broken files
        raise UnsupportedFileType("The file is not a readable .docx document.") from error
    if document.tables:
        rows = (row for table in document.tables for row in table.rows)
        yield from enumerate(([cell.text for cell in row.cells] for row in rows), start=1)
    else:
        # A soft line break inside a paragraph is a new line for the reader, so split on it too.
        yield from split_lines("\n".join(paragraph.text for paragraph in document.paragraphs).splitlines())
