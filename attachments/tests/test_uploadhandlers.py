"""The streaming handler on its own: chunks go to a temp file, SHA-256 is computed on the way."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser

from attachments.errors import AttachmentTooLarge
from attachments.uploadhandlers import SHA256_ATTRIBUTE, HashingUploadHandler

BOUNDARY = "----attachments-test-boundary"


def multipart_body(content: bytes, *, name: str = "data.csv") -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def parse(body: bytes, handler: HashingUploadHandler, *, announced_length: int | None = None):
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body) if announced_length is None else announced_length),
    }
    return MultiPartParser(meta, io.BytesIO(body), [handler], "utf-8").parse()


def test_handler_streams_many_chunks_to_a_temp_file_and_hashes_them(upload_tmp_dir: Path) -> None:
    content = bytes(range(256)) * 2000  # 512 000 bytes: several 64 KiB chunks
    handler = HashingUploadHandler(max_bytes=len(content))
    _, files = parse(multipart_body(content), handler)

    uploaded = files["file"]
    assert isinstance(uploaded, TemporaryUploadedFile)
    assert Path(uploaded.temporary_file_path()).parent == upload_tmp_dir
    assert uploaded.size == len(content)
    assert getattr(uploaded, SHA256_ATTRIBUTE) == hashlib.sha256(content).hexdigest()
    assert uploaded.read() == content
    uploaded.close()
    assert list(upload_tmp_dir.iterdir()) == []


def test_handler_aborts_mid_stream_and_removes_the_partial_temp_file(upload_tmp_dir: Path) -> None:
    content = b"z" * 300_000
    handler = HashingUploadHandler(max_bytes=200_000)
    with pytest.raises(AttachmentTooLarge):
        parse(multipart_body(content), handler)
    assert handler.received <= 200_000 + handler.chunk_size
    assert list(upload_tmp_dir.iterdir()) == []


def test_handler_refuses_an_announced_oversized_body_before_creating_a_file(upload_tmp_dir: Path) -> None:
    handler = HashingUploadHandler(max_bytes=10)
    with pytest.raises(AttachmentTooLarge):
        parse(multipart_body(b"small"), handler, announced_length=10_000_000)
    assert handler.received == 0
    assert list(upload_tmp_dir.iterdir()) == []


def test_handler_uses_the_attachment_limit_from_settings(settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1234
    assert HashingUploadHandler().max_bytes == 1234
