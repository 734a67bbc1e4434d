"""Crafted files sent to `upload-and-create` (issue 13 item 2): each is refused within seconds, the test
process (which plays the web worker) does not grow, and nothing is stored.

The bombs are built at test time in `tmp_path`, streamed so that building them costs the test little memory.
Caps are lowered through the `settings` fixture where the default would make a case slow to build.
"""

import io
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from attachments.models import Attachment
from requests_app.importers.archive import ArchiveLimits, _check_member, check_archive
from requests_app.importers.errors import ArchiveTooLarge
from requests_app.models import Request

UPLOAD = "/api/v1/user/upload-and-create"
MiB = 1024 * 1024
# What one refused bomb may cost the web process, and how long its answer may take.
MAX_RSS_GROWTH = 50 * MiB
MAX_SECONDS = 5.0


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def post_and_measure(client, path: Path):
    """Post the file; answer the response, the seconds it took and how much the process's RSS grew."""
    upload = io.BytesIO(path.read_bytes())
    upload.name = path.name
    before, started = rss_bytes(), time.monotonic()
    response = client.post(UPLOAD, {"file": upload})
    return response, time.monotonic() - started, rss_bytes() - before


def assert_refused(response, seconds: float, growth: int, status: int, code: str, *words: str) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"detail", "code"} and body["code"] == code
    assert all(word in body["detail"] for word in words), body["detail"]
    assert seconds < MAX_SECONDS
    assert growth < MAX_RSS_GROWTH, f"the web process grew by {growth // MiB} MiB"
    assert not Request.objects.exists() and not Attachment.objects.exists()


def repeated(chunk: bytes, total: int) -> Iterable[bytes]:
    """`total` bytes made of `chunk`, in pieces of about 1 MiB."""
    piece = chunk * max(1, MiB // len(chunk))
    for _ in range(total // len(piece)):
        yield piece


def rebuilt(source: bytes, path: Path, replace: dict[str, Iterable[bytes]], extra: int = 0) -> Path:
    """Copy the OOXML package `source` to `path`, streaming the replaced members, plus `extra` tiny parts."""
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            if info.filename not in replace:
                out.writestr(info.filename, original.read(info))
        for name, chunks in replace.items():
            with out.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
        for index in range(extra):
            out.writestr(f"customXml/item{index}.xml", b"<a/>")
    return path


def small_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Наименование"])
    workbook.active.append(["Болт М10"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_shared_strings(path: Path, strings: Iterable[bytes]) -> Path:
    """A workbook whose manifest names `xl/sharedStrings.xml`, so openpyxl reads the given table."""
    source = small_xlsx()
    with zipfile.ZipFile(io.BytesIO(source)) as original:
        types = original.read("[Content_Types].xml")
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    manifest = types.replace(b"</Types>", override + b"</Types>")
    return rebuilt(source, path, {"[Content_Types].xml": [manifest], "xl/sharedStrings.xml": strings})


def small_docx() -> bytes:
    document = Document()
    document.add_paragraph("Болт М10")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def shared_strings(count: int) -> Iterable[bytes]:
    yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">' % count
    yield from repeated(b"<si><t>a</t></si>", count * 17)
    yield b"</sst>"


def document_xml(size: int) -> Iterable[bytes]:
    yield b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    yield from repeated(b"<w:p><w:r><w:t>x</w:t></w:r></w:p>", size)
    yield b"</w:body></w:document>"


def pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page content stream is `content`, Flate-compressed."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- the archive check: refused before any parser opens the file ---------------------------------------------


def test_the_workbook_of_the_issue_with_five_million_shared_strings_is_refused_unopened(alice_client, tmp_path) -> None:
    path = xlsx_with_shared_strings(tmp_path / "bomb.xlsx", shared_strings(5_000_000))
    assert path.stat().st_size < 1 * MiB  # a small file, as in the issue (203 KiB)

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "archive_too_large", "xl/sharedStrings.xml", "50.0 MiB")


def test_an_archive_with_too_many_parts_is_refused(alice_client, tmp_path) -> None:
    path = rebuilt(small_xlsx(), tmp_path / "parts.xlsx", {}, extra=1000)

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "archive_too_large", "at most 1000")


def test_a_part_over_the_size_cap_is_refused_even_when_it_does_not_compress(alice_client, settings, tmp_path) -> None:
    settings.IMPORT_MAX_MEMBER_BYTES = 1 * MiB
    path = rebuilt(small_xlsx(), tmp_path / "part.xlsx", {"xl/media/image1.bin": [os.urandom(2 * MiB)]})

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "archive_too_large", "xl/media/image1.bin", "per part")


def test_parts_over_the_total_cap_are_refused(alice_client, settings, tmp_path) -> None:
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 3 * MiB
    images = {f"word/media/image{n}.bin": [os.urandom(MiB + MiB // 2)] for n in range(3)}
    path = rebuilt(small_docx(), tmp_path / "total.docx", images)

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "archive_too_large", "in all")


def test_a_document_with_a_huge_document_xml_is_refused(alice_client, tmp_path) -> None:
    path = rebuilt(small_docx(), tmp_path / "huge.docx", {"word/document.xml": document_xml(60 * MiB)})

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "archive_too_large", "word/document.xml")


def test_a_part_compressed_like_a_bomb_is_refused_below_the_size_cap(alice_client, tmp_path) -> None:
    path = rebuilt(small_docx(), tmp_path / "ratio.docx", {"word/document.xml": document_xml(5 * MiB)})

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "archive_too_large", "word/document.xml", "at most 100:1")


def test_an_archive_that_lies_about_its_sizes_gets_no_further_than_its_lie(alice_client, tmp_path) -> None:
    """The central directory claims a 1 KiB sharedStrings.xml that really inflates to 20 MiB: the archive
    check passes, and zipfile stops at the claimed size and fails the CRC (unreadable, 415)."""
    path = xlsx_with_shared_strings(tmp_path / "liar.xlsx", [b"".join(shared_strings(1_200_000))])
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02", data.rindex(b"xl/sharedStrings.xml") - 46)
    assert data[entry + 46 : entry + 66] == b"xl/sharedStrings.xml"  # the central directory's entry
    data[entry + 24 : entry + 28] = struct.pack("<I", 1024)  # its declared uncompressed size
    path.write_bytes(bytes(data))

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 415, "unsupported_media_type")


def test_a_small_part_may_compress_well_and_a_forged_empty_size_may_not() -> None:
    """The ratio is judged on parts above 1 MiB only: tiny XML parts of real files compress 100:1 too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/styles.xml", b" " * (MiB // 2))
    check_archive(buffer, ".xlsx")  # no error
    forged = zipfile.ZipInfo("xl/sharedStrings.xml")
    forged.file_size, forged.compress_size = 2 * MiB, 0
    with pytest.raises(ArchiveTooLarge, match="compressed inf:1"):
        _check_member(forged, ".xlsx", ArchiveLimits())


# --- the parse process: what no archive check can see is stopped by its time and memory caps -----------------


def test_a_pdf_that_takes_minutes_to_read_is_stopped_by_the_timeout(alice_client, settings, tmp_path) -> None:
    settings.IMPORT_PARSE_TIMEOUT_SECONDS = 1
    path = tmp_path / "slow.pdf"  # 50 KiB; 5 million text operators take pypdf minutes
    path.write_bytes(pdf_with_content(b"BT /F1 12 Tf 72 700 Td " + b"(a) Tj " * 5_000_000 + b"ET"))

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "file_too_complex", "1 s")


def test_a_file_that_needs_more_memory_than_the_cap_is_stopped_by_it(alice_client, settings, tmp_path) -> None:
    """With the archive caps lifted, a 300 MiB document.xml reaches python-docx, which reads it whole: the
    child hits its 160 MiB address-space cap, and the web process does not grow by the 300 MiB."""
    settings.IMPORT_MAX_MEMBER_BYTES = settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * MiB
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1_000_000
    settings.IMPORT_PARSE_MEMORY_MB = 160
    path = rebuilt(small_docx(), tmp_path / "memory.docx", {"word/document.xml": document_xml(300 * MiB)})

    response, seconds, growth = post_and_measure(alice_client, path)

    assert_refused(response, seconds, growth, 413, "file_too_complex", "160 MiB")


def test_a_normal_workbook_still_imports_through_the_parse_process(alice_client, tmp_path) -> None:
    workbook = Workbook()
    workbook.active.append(["№", "Наименование", "Ед. изм.", "Кол-во"])
    for pos in range(1, 2001):
        workbook.active.append([pos, f"Фланец плоский Д{pos} Ст20", "шт", 2])
    workbook.save(tmp_path / "normal.xlsx")

    response, seconds, _ = post_and_measure(alice_client, tmp_path / "normal.xlsx")

    assert response.status_code == 200, response.content
    assert response.json()["message"] == "2000 keys imported"
    assert seconds < 3.0
