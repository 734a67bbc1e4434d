"""Type sniffing: bytes vs extension vs allow-list."""

import io

import pytest

from attachments.errors import AttachmentTypeNotAllowed
from attachments.filetypes import detect_content_type, extension_of, sniff_kind
from attachments.tests import samples


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (samples.pdf_bytes(), "pdf"),
        (samples.png_bytes(), "png"),
        (samples.jpeg_bytes(), "jpeg"),
        (samples.gif_bytes(), "gif"),
        (samples.docx_bytes(), "docx"),
        (samples.xlsx_bytes(), "xlsx"),
        (samples.odt_bytes(), "odt"),
        (samples.plain_zip_bytes(), "zip"),
        (samples.ole_bytes(), "ole"),
        (b"{\\rtf1\\ansi hello}", "rtf"),
        ("Фланец;10;шт\n".encode(), "text"),
        ("Фланец;10;шт\n".encode("cp1251"), "text"),
        ("\ufeffФланец;10;шт\r\n".encode("utf-16-le"), "text"),
        ("\ufeffФланец;10;шт\r\n".encode("utf-16-be"), "text"),
        (b"\xff\xfe" + b"\x00\x00\x01\x00", None),
        (samples.elf_bytes(), None),
        (samples.pe_bytes(), None),
        (b"PK\x03\x04broken zip", None),
        (b"\x00\x01\x02\x03binary", None),
    ],
)
def test_sniff_kind(content: bytes, kind: str | None) -> None:
    stream = io.BytesIO(content)
    assert sniff_kind(stream) == kind
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (samples.pdf_bytes(), "a.pdf", "application/pdf"),
        (samples.png_bytes(), "a.PNG", "image/png"),
        (samples.jpeg_bytes(), "a.jpeg", "image/jpeg"),
        (samples.jpeg_bytes(), "a.jpg", "image/jpeg"),
        (samples.docx_bytes(), "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (samples.xlsx_bytes(), "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (samples.odt_bytes(), "a.odt", "application/vnd.oasis.opendocument.text"),
        (samples.ole_bytes(), "a.xls", "application/vnd.ms-excel"),
        (samples.ole_bytes(), "a.doc", "application/msword"),
        (samples.plain_zip_bytes(), "a.zip", "application/zip"),
        (samples.docx_bytes(), "a.zip", "application/zip"),
        (b"a,b\n1,2\n", "a.csv", "text/csv"),
        (b"hello\n", "a.txt", "text/plain"),
        (b"{\\rtf1 x}", "a.rtf", "application/rtf"),
    ],
)
def test_detect_content_type_accepts_matching_files(content: bytes, name: str, content_type: str) -> None:
    assert detect_content_type(io.BytesIO(content), name) == content_type


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (samples.png_bytes(), "image.pdf"),
        (samples.elf_bytes(), "manual.pdf"),
        (samples.pe_bytes(), "manual.pdf"),
        (samples.pe_bytes(), "setup.exe"),
        (b"just text\n", "picture.png"),
        (samples.xlsx_bytes(), "letter.docx"),
        (samples.docx_bytes(), "sheet.xlsx"),
        (samples.plain_zip_bytes(), "sheet.xlsx"),
        (samples.pdf_bytes(), "noextension"),
        (samples.pdf_bytes(), "script.sh"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image.svg"),
        (b"<html><script>alert(1)</script></html>", "page.html"),
        (samples.png_bytes(), "image.txt"),
    ],
)
def test_detect_content_type_refuses_mismatches_and_unlisted_types(content: bytes, name: str) -> None:
    with pytest.raises(AttachmentTypeNotAllowed) as caught:
        detect_content_type(io.BytesIO(content), name)
    assert caught.value.status_code == 415
    assert caught.value.code == "unsupported_media_type"


@pytest.mark.parametrize(
    ("name", "extension"), [("a.PDF", "pdf"), ("archive.tar.gz", "gz"), ("noext", ""), ("trailingdot.", "")]
)
def test_extension_of(name: str, extension: str) -> None:
    assert extension_of(name) == extension
