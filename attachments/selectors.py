"""Reads of attachments, always scoped to their owner."""

from typing import Any

from django.conf import settings

from core.errors import ValidationFailed

from .errors import AttachmentNotFound
from .models import Attachment
from .querysets import AttachmentQuerySet


def attachment_list(*, owner: Any) -> AttachmentQuerySet:
    """The owner's attachments that are not deleted, newest first."""
    return Attachment.objects.owned_by(owner).alive().order_by("-created_at", "-id")


def attachment_get(*, owner: Any, attachment_id: int) -> Attachment:
    """One of the owner's live attachments; a foreign, deleted or unknown id is the same 404."""
    attachment = Attachment.objects.owned_by(owner).alive().filter(pk=attachment_id).first()
    if attachment is None:
        raise AttachmentNotFound()
    return attachment


def attachments_for_sending(*, owner: Any, attachment_ids: list[int]) -> list[Attachment]:
    """The owner's live attachments in the order asked, checked against the per-message limits.

    Raises ``ValidationFailed`` (422) naming every id that is unknown, foreign or deleted, when there are
    more than ``MESSAGE_MAX_ATTACHMENTS`` distinct files, or when together they exceed
    ``MESSAGE_MAX_ATTACHMENT_BYTES``.
    """
    wanted = list(dict.fromkeys(int(attachment_id) for attachment_id in attachment_ids))
    if not wanted:
        return []
    max_count = settings.MESSAGE_MAX_ATTACHMENTS
    if len(wanted) > max_count:
        raise ValidationFailed(
            [(("body", "attachmentids"), f"At most {max_count} attachments may be sent at once.", "too_long")]
        )
    found = {attachment.pk: attachment for attachment in attachment_list(owner=owner).filter(pk__in=wanted)}
    missing = [attachment_id for attachment_id in wanted if attachment_id not in found]
    if missing:
        listed = ", ".join(str(attachment_id) for attachment_id in missing)
        raise ValidationFailed(
            [(("body", "attachmentids"), f"Attachments not found or deleted: {listed}.", "not_found")]
        )
    attachments = [found[attachment_id] for attachment_id in wanted]
    total = sum(attachment.size_bytes for attachment in attachments)
    max_total = settings.MESSAGE_MAX_ATTACHMENT_BYTES
    if total > max_total:
        raise ValidationFailed(
            [
                (
                    ("body", "attachmentids"),
                    f"The attachments total {total} bytes; at most {max_total} bytes may be sent at once.",
                    "too_large",
                )
            ]
        )
    return attachments
