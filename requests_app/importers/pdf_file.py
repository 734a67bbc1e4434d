"""PDFs with a text layer: the first pages only, tables rebuilt from where the text sits on the page.

Only `MAX_PDF_PAGES` pages are read: a request list is short, and text extraction is the slowest step of
any upload, so a 500-page catalogue uploaded by mistake must not cost 500 pages of work.

pypdf's layout mode renders each page as fixed-width text that keeps every word at its horizontal place
(docs/decisions/0010-pdf-tables.md says why this and not pdfplumber). `pdf_layout.layout_rows` then cuts
the lines into the heading's columns and joins the lines of one table row (a name wrapped in its cell);
text that already has `|`, tab or `;` delimiters is split on them like a .txt file.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from pypdf import PdfReader

from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.pdf_layout import Line, layout_rows
from requests_app.importers.text import pick_delimiter, split_lines
from requests_app.importers.types import ImportWarning, Row, Table

MAX_PDF_PAGES = 3
# Half a font height per blank line (pypdf's default is a whole one): fine enough to tell the gap between two
# lines wrapped in one cell from the larger gap between two table rows.
_FONT_HEIGHT_WEIGHT = 0.5


@contextmanager
def open_pdf(stream: BinaryIO) -> Iterator[list[Table]]:
    """One table: (line number among the non-blank lines of the pages read, cells). A scan without a text
    layer is refused; pages beyond `MAX_PDF_PAGES` are named in a warning."""
    pages, page_count = _extract_pages(stream)
    lines = _numbered_lines(pages)
    if not lines:
        raise UnsupportedFileType("The PDF has no text layer (a scanned document?); upload .xlsx, .csv or .txt.")
    rows = _rows(lines)
    warnings: tuple[ImportWarning, ...] = ()
    if page_count > MAX_PDF_PAGES:
        message = f"only the first {MAX_PDF_PAGES} of {page_count} pages were read"
        warnings = (ImportWarning(row=None, sheet=None, msg=message, type="skipped_pages"),)
    yield [Table(name=None, rows=lambda: iter(rows), warnings=warnings)]


def _rows(lines: list[Line]) -> list[Row]:
    texts = [line.text.strip() for line in lines]
    if pick_delimiter(texts) is not None:  # `1 | Фланец | шт | 2`: the writer delimited the columns
        return [(lines[index - 1].number, cells) for index, cells in split_lines(texts)]
    return list(layout_rows(lines))


def _numbered_lines(pages: list[str]) -> list[Line]:
    """Non-blank lines numbered from 1 across the pages, each with the number of blank lines above it on its
    page (None for a page's first line): the layout's measure of the vertical gap."""
    lines: list[Line] = []
    for page in pages:
        gap: int | None = None
        for text in page.splitlines():
            if not text.strip():
                gap = None if gap is None else gap + 1
                continue
            lines.append(Line(number=len(lines) + 1, gap=gap, text=text.rstrip()))
            gap = 0
    return lines


def _extract_pages(stream: BinaryIO) -> tuple[list[str], int]:
    try:
        reader = PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFileType("The PDF is password-protected.")
        pages = reader.pages
        texts = [
            page.extract_text(extraction_mode="layout", layout_mode_font_height_weight=_FONT_HEIGHT_WEIGHT) or ""
            for page in pages[:MAX_PDF_PAGES]
        ]
        return texts, len(pages)
    except UnsupportedFileType:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise UnsupportedFileType("The file is not a readable PDF.") from error
