"""Factories for attachments: real bytes go through ``attachment_create`` into the configured storage.

Other apps' tests use ``AttachmentFactory(owner=alice)``; pass ``content=``/``filename=`` for a specific
file and ``is_deleted=True`` for a soft-deleted one. Point ``STORAGES``/``MEDIA_ROOT`` at ``tmp_path``
(see the ``attachment_storage`` fixture in ``attachments/tests/conftest.py``) to keep files out of ``var/``.
"""

from __future__ import annotations

from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from attachments.models import Attachment
from attachments.services import attachment_create, attachment_delete


class AttachmentOwnerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"buyer{n}@attachments.example")


class AttachmentFactory(factory.Factory):
    """Creates an attachment the way an upload does (validated, hashed, stored)."""

    class Meta:
        model = Attachment

    owner = factory.SubFactory(AttachmentOwnerFactory)
    filename = factory.Sequence(lambda n: f"note-{n}.txt")
    content = factory.LazyAttributeSequence(lambda obj, n: f"Attachment body {n} of {obj.filename}\n".encode())
    title = None
    is_deleted = False

    @classmethod
    def _create(cls, model_class: type[Attachment], *args: Any, **kwargs: Any) -> Attachment:
        uploaded = SimpleUploadedFile(kwargs["filename"], kwargs["content"])
        attachment = attachment_create(owner=kwargs["owner"], uploaded_file=uploaded, title=kwargs["title"])
        if kwargs["is_deleted"]:
            attachment_delete(owner=attachment.owner, attachment_id=attachment.pk)
            attachment.refresh_from_db()
        return attachment

    @classmethod
    def _build(cls, model_class: type[Attachment], *args: Any, **kwargs: Any) -> Attachment:
        raise NotImplementedError("AttachmentFactory only creates: the content must be stored.")
