"""Writes of attachments: validate an upload, store its content once per hash, soft delete.

Content lives in Django's default storage under ``ab/cd/<sha256>``: the key is derived from the
content only (never from the user's file name), so nothing can be written outside the storage root and
identical uploads share one stored copy. Each upload still gets its own ``Attachment`` row.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .errors import AttachmentNotFound
from .filenames import clean_filename, clean_title
from .filetypes import detect_content_type
from .models import Attachment
from .uploadhandlers import SHA256_ATTRIBUTE, too_large_error

HASH_CHUNK_BYTES = 64 * 1024


def storage_key_for(sha256: str) -> str:
    """The sharded, content-addressed key: ``ab/cd/abcd…`` (two levels keep directories small)."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _file_sha256(uploaded_file: File) -> str:
    """The handler's digest when it computed one while streaming, else one chunked pass over the file."""
    precomputed = getattr(uploaded_file, SHA256_ATTRIBUTE, None)
    if precomputed:
        return str(precomputed)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks(HASH_CHUNK_BYTES):
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _validate_size(uploaded_file: File) -> int:
    size = uploaded_file.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise too_large_error(settings.ATTACHMENT_MAX_BYTES)
    if size <= 0:
        raise ValidationFailed([(("uploaded_file",), _("The submitted file is empty."), "value_error")])
    return size


@contextmanager
def _content_lock(sha256: str) -> Iterator[None]:
    """Serialise the writers of one content hash (a PostgreSQL advisory lock, held until commit).

    Without it, one upload could see another's half-written file, take it for a crashed leftover and delete
    it while it is being written. The embedded SQLite default runs one web process and goes without.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(sha256[:15], 16)])  # 60 bits: a signed bigint
        yield


def _store_content(*, key: str, sha256: str, uploaded_file: File, size: int) -> None:
    """Write the content under ``key`` unless an intact copy is already there (one writer per hash at a time).

    Should the storage still find the name taken, it saves under another free name, which we remove
    again — every row points at ``key`` and its bytes are the same by construction.
    """
    with _content_lock(sha256):
        _write_unless_intact(key=key, uploaded_file=uploaded_file, size=size)


def _write_unless_intact(*, key: str, uploaded_file: File, size: int) -> None:
    if default_storage.exists(key):
        if default_storage.size(key) == size:
            return
        default_storage.delete(key)  # a truncated leftover of a crashed write: replace it
    uploaded_file.seek(0)
    saved_as = default_storage.save(key, uploaded_file)
    if saved_as != key:
        default_storage.delete(saved_as)


def attachment_create(*, owner: Any, uploaded_file: File, title: str | None = None) -> Attachment:
    """Validate an uploaded file (size, emptiness, name, type) and record it for ``owner``.

    Works with files from any upload handler; raises ``AttachmentTooLarge`` (413), ``ValidationFailed``
    (422) for an empty file, ``AttachmentTypeNotAllowed`` (415) when the bytes, the name's extension
    and the allow-list disagree. The file is left positioned at its start for callers that read it next.
    """
    size = _validate_size(uploaded_file)
    filename = clean_filename(uploaded_file.name)
    content_type = detect_content_type(uploaded_file, filename)
    sha256 = _file_sha256(uploaded_file)
    key = storage_key_for(sha256)
    _store_content(key=key, sha256=sha256, uploaded_file=uploaded_file, size=size)
    uploaded_file.seek(0)
    with transaction.atomic():
        return Attachment.objects.create(
            owner=owner,
            title=clean_title(title),
            original_filename=filename,
            content_type=content_type,
            size_bytes=size,
            sha256=sha256,
            storage_key=key,
        )


def attachment_delete(*, owner: Any, attachment_id: int) -> None:
    """Soft delete: the row stays (messages keep their record), lists and downloads stop showing it.

    Deleting an already deleted attachment of the owner succeeds again; a foreign id is a 404.
    """
    with transaction.atomic():
        updated = (
            Attachment.objects.owned_by(owner)
            .alive()
            .filter(pk=attachment_id)
            .update(is_deleted=True, deleted_at=timezone.now())
        )
        if not updated and not Attachment.objects.owned_by(owner).filter(pk=attachment_id).exists():
            raise AttachmentNotFound()


def attachment_open(*, attachment: Attachment) -> File:
    """The stored content opened for reading (the caller closes it); the only way other apps read files."""
    return default_storage.open(attachment.storage_key, "rb")


def attachment_read_bytes(*, attachment: Attachment) -> bytes:
    """The whole content in memory — for e-mail attachments, which are bounded by the message limits."""
    with attachment_open(attachment=attachment) as stored:
        return stored.read()
