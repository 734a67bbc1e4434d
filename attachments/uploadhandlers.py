"""An upload handler that streams a file to disk, hashing and measuring it on the way.

Installed only on the attachment upload view. Every 64 KiB chunk goes straight into a temporary file
and into SHA-256; the request is aborted as soon as the size passes ``ATTACHMENT_MAX_BYTES`` and the
partial temporary file is removed before the 413 answer, so a big upload costs neither memory nor disk.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest

from .errors import AttachmentTooLarge

# Room for the multipart boundaries, part headers and the small text fields next to the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
SHA256_ATTRIBUTE = "attachment_sha256"


def too_large_error(max_bytes: int) -> AttachmentTooLarge:
    return AttachmentTooLarge(f"The file is larger than the allowed maximum of {max_bytes} bytes.")


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Stream to a temporary file, compute SHA-256 while streaming, stop at ``max_bytes``."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int | None = None) -> None:
        super().__init__(request)
        self.max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
        self.received = 0
        self.digest = hashlib.sha256()

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # Django's parameter name
        content_length: int,
        boundary: Any,  # bytes at run time; the stubs say str
        encoding: str | None = None,
    ) -> None:
        """Refuse at once a body that announces it cannot fit, before a single byte is read."""
        if content_length and content_length > self.max_bytes + MULTIPART_OVERHEAD_BYTES:
            raise too_large_error(self.max_bytes)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.upload_interrupted()
            raise too_large_error(self.max_bytes)
        self.digest.update(raw_data)
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            setattr(uploaded, SHA256_ATTRIBUTE, self.digest.hexdigest())
        return uploaded
