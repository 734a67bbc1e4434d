"""PDFs with a text layer: the first pages only, read line by line like a .txt file.

Only `MAX_PDF_PAGES` pages are read: a request list is short, and text extraction is the slowest step of
any upload, so a 500-page catalogue uploaded by mistake must not cost 500 pages of work.
"""

from collections.abc import Generator
from typing import BinaryIO

from pypdf import PdfReader

from requests_app.importers.errors import UnsupportedFileType
from requests_app.importers.text import split_lines
from requests_app.importers.types import Row

MAX_PDF_PAGES = 3


def read_pdf_rows(stream: BinaryIO) -> Generator[Row]:
    """Yield (line number in the extracted text, cells). A scan without a text layer is refused."""
    text = _extract_text(stream)
    if not text.strip():
        raise UnsupportedFileType("The PDF has no text layer (a scanned document?); upload .xlsx, .csv or .txt.")
    yield from split_lines(text.splitlines())


def _extract_text(stream: BinaryIO) -> str:
    try:
        reader = PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFileType("The PDF is password-protected.")
        return "\n".join(page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES])
    except UnsupportedFileType:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise UnsupportedFileType("The file is not a readable PDF.") from error
