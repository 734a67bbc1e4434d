"""attachment_create / attachment_delete / attachment_open / attachment_read_bytes against real storage."""

import hashlib
import re
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, TemporaryUploadedFile
from django.db import connection

from attachments.errors import AttachmentNotFound, AttachmentTooLarge, AttachmentTypeNotAllowed
from attachments.models import Attachment
from attachments.services import (
    attachment_create,
    attachment_delete,
    attachment_open,
    attachment_read_bytes,
    storage_key_for,
)
from attachments.tests import samples
from attachments.tests.factories import AttachmentFactory
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_create_stores_content_under_its_sharded_hash(alice, attachment_storage: Path) -> None:
    content = samples.pdf_bytes("spec")
    attachment = attachment_create(owner=alice, uploaded_file=SimpleUploadedFile("spec.pdf", content), title="Spec")

    digest = hashlib.sha256(content).hexdigest()
    assert attachment.sha256 == digest
    assert attachment.storage_key == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert attachment.size_bytes == len(content)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_filename == "spec.pdf"
    assert attachment.title == "Spec"
    assert (attachment_storage / attachment.storage_key).read_bytes() == content


def test_same_content_is_stored_once_but_recorded_per_upload(alice, bob, attachment_storage: Path) -> None:
    content = b"a,b\n1,2\n"
    first = attachment_create(owner=alice, uploaded_file=SimpleUploadedFile("a.csv", content))
    second = attachment_create(owner=bob, uploaded_file=SimpleUploadedFile("b.csv", content))

    assert first.pk != second.pk
    assert first.storage_key == second.storage_key
    assert _stored_files(attachment_storage) == [attachment_storage / first.storage_key]


def test_create_works_with_a_temporary_uploaded_file_and_leaves_it_readable(alice, attachment_storage) -> None:
    content = samples.xlsx_bytes()
    uploaded = TemporaryUploadedFile("keys.xlsx", "application/octet-stream", len(content), None)
    uploaded.write(content)
    uploaded.seek(0)

    attachment = attachment_create(owner=alice, uploaded_file=uploaded)

    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment_storage / attachment.storage_key).read_bytes() == content
    assert uploaded.read() == content  # the requests app parses the same upload afterwards
    uploaded.close()


def test_create_works_with_an_in_memory_uploaded_file(alice) -> None:
    import io

    content = samples.png_bytes()
    uploaded = InMemoryUploadedFile(io.BytesIO(content), "file", "logo.png", "image/png", len(content), None)
    attachment = attachment_create(owner=alice, uploaded_file=uploaded)
    assert attachment.content_type == "image/png"
    assert attachment_read_bytes(attachment=attachment) == content


def test_create_trusts_the_streaming_handlers_digest(alice) -> None:
    content = b"plain text\n"
    uploaded = SimpleUploadedFile("a.txt", content)
    uploaded.attachment_sha256 = "f" * 64  # what HashingUploadHandler sets while streaming
    attachment = attachment_create(owner=alice, uploaded_file=uploaded)
    assert attachment.sha256 == "f" * 64
    assert attachment.storage_key == storage_key_for("f" * 64)


def test_create_cleans_the_name_and_the_title(alice) -> None:
    uploaded = SimpleUploadedFile("x.txt", b"hello\n")
    uploaded.name = "..\\..\\evil\u202eexe.txt"  # bypass Django's own basename() to test ours
    attachment = attachment_create(owner=alice, uploaded_file=uploaded, title="  My\x00 title\n ")
    assert attachment.original_filename == "evilexe.txt"
    assert attachment.title == "My title"


def test_create_refuses_an_empty_file(alice, attachment_storage) -> None:
    with pytest.raises(ValidationFailed) as caught:
        attachment_create(owner=alice, uploaded_file=SimpleUploadedFile("a.pdf", b""))
    assert caught.value.errors[0][0] == ("uploaded_file",)
    assert not Attachment.objects.exists()
    assert _stored_files(attachment_storage) == []


def test_create_refuses_a_file_over_the_limit(alice, settings, attachment_storage) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(AttachmentTooLarge):
        attachment_create(owner=alice, uploaded_file=SimpleUploadedFile("a.txt", b"x" * 11))
    assert not Attachment.objects.exists()
    assert _stored_files(attachment_storage) == []


def test_create_accepts_a_file_exactly_at_the_limit(alice, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    assert attachment_create(owner=alice, uploaded_file=SimpleUploadedFile("a.txt", b"x" * 10)).size_bytes == 10


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("image.pdf", samples.png_bytes()),
        ("manual.pdf", samples.elf_bytes()),
        ("manual.pdf", samples.pe_bytes()),
        ("setup.exe", samples.pe_bytes()),
        ("photo.png", b"not a picture\n"),
    ],
)
def test_create_refuses_wrong_types_and_stores_nothing(alice, attachment_storage, name, content) -> None:
    with pytest.raises(AttachmentTypeNotAllowed):
        attachment_create(owner=alice, uploaded_file=SimpleUploadedFile(name, content))
    assert not Attachment.objects.exists()
    assert _stored_files(attachment_storage) == []


def test_create_replaces_a_truncated_leftover_at_the_key(alice, attachment_storage: Path) -> None:
    content = b"complete content\n"
    key = storage_key_for(hashlib.sha256(content).hexdigest())
    default_storage.save(key, ContentFile(b"comp"))
    attachment = attachment_create(owner=alice, uploaded_file=SimpleUploadedFile("a.txt", content))
    assert (attachment_storage / key).read_bytes() == content
    assert _stored_files(attachment_storage) == [attachment_storage / attachment.storage_key]


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_of_the_same_content_keep_one_stored_copy(make_user, attachment_storage: Path) -> None:
    owners = [make_user(f"buyer{i}@race.example") for i in range(6)]
    content = samples.pdf_bytes("race") * 2000
    barrier = threading.Barrier(len(owners))
    errors: list[BaseException] = []

    def upload(owner) -> None:
        try:
            barrier.wait()
            attachment_create(owner=owner, uploaded_file=SimpleUploadedFile("same.pdf", content))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(owner,)) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Attachment.objects.count() == len(owners)
    key = storage_key_for(hashlib.sha256(content).hexdigest())
    assert set(Attachment.objects.values_list("storage_key", flat=True)) == {key}
    assert _stored_files(attachment_storage) == [attachment_storage / key]
    assert (attachment_storage / key).read_bytes() == content


def test_storage_keys_never_leave_the_storage_root(alice, attachment_storage: Path) -> None:
    uploaded = SimpleUploadedFile("x.txt", b"escape attempt\n")
    uploaded.name = "../../../../tmp/escape.txt"
    attachment = attachment_create(owner=alice, uploaded_file=uploaded)
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}", attachment.storage_key)
    stored = _stored_files(attachment_storage)
    assert stored == [attachment_storage / attachment.storage_key]
    assert all(path.resolve().is_relative_to(attachment_storage.resolve()) for path in stored)


def test_open_and_read_bytes_return_the_stored_content(alice) -> None:
    content = samples.docx_bytes()
    attachment = AttachmentFactory(owner=alice, filename="letter.docx", content=content)
    with attachment_open(attachment=attachment) as stored:
        assert stored.read() == content
    assert attachment_read_bytes(attachment=attachment) == content


def test_delete_is_soft_and_repeatable(alice) -> None:
    attachment = AttachmentFactory(owner=alice)
    attachment_delete(owner=alice, attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.is_deleted
    first_deleted_at = attachment.deleted_at
    assert first_deleted_at is not None

    attachment_delete(owner=alice, attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.deleted_at == first_deleted_at
    assert attachment_read_bytes(attachment=attachment)  # the content stays for messages that carried it


def test_delete_of_another_users_attachment_is_not_found_and_changes_nothing(alice, bob) -> None:
    attachment = AttachmentFactory(owner=alice)
    with pytest.raises(AttachmentNotFound):
        attachment_delete(owner=bob, attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert not attachment.is_deleted


def test_delete_of_an_unknown_id_is_not_found(alice) -> None:
    with pytest.raises(AttachmentNotFound):
        attachment_delete(owner=alice, attachment_id=999_999)


def test_factory_can_create_a_deleted_attachment(alice) -> None:
    attachment = AttachmentFactory(owner=alice, is_deleted=True)
    assert attachment.is_deleted and attachment.deleted_at is not None


@pytest.mark.django_db(transaction=True)
def test_writers_of_one_content_hash_wait_for_each_other(make_user, attachment_storage: Path) -> None:
    """The race above, made certain: while one writer holds the hash's lock, another upload of it waits."""
    from attachments.services import _content_lock

    owner = make_user("waiter@race.example")
    content = samples.pdf_bytes("locked")
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with _content_lock(hashlib.sha256(content).hexdigest()):
                held.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def uploader() -> None:
        try:
            attachment_create(owner=owner, uploaded_file=SimpleUploadedFile("same.pdf", content))
            done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=uploader)]
    threads[0].start()
    assert held.wait(timeout=10)
    threads[1].start()

    waited = not done.wait(timeout=0.5)
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert waited
    assert done.is_set()
    assert Attachment.objects.get(owner=owner).storage_key == storage_key_for(hashlib.sha256(content).hexdigest())
