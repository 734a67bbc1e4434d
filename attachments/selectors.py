"""Reads of attachments, always scoped to their owner."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .errors import AttachmentNotFound
from .models import Attachment
from .querysets import AttachmentQuerySet

FIELD = ("attachment_ids",)  # the argument every error of ``attachments_for_sending`` is about


def attachment_list(*, owner: Any) -> AttachmentQuerySet:
    """The owner's attachments that are not deleted, newest first."""
    return Attachment.objects.owned_by(owner).alive().order_by("-created_at", "-id")


def attachment_get(*, owner: Any, attachment_id: int) -> Attachment:
    """One of the owner's live attachments; a foreign, deleted or unknown id is the same 404."""
    attachment = Attachment.objects.owned_by(owner).alive().filter(pk=attachment_id).first()
    if attachment is None:
        raise AttachmentNotFound()
    return attachment


def attachments_for_sending(
    *, owner: Any, attachment_ids: Sequence[int], max_count: int, max_total_bytes: int
) -> list[Attachment]:
    """The owner's live attachments in the order asked (repeats dropped), within the caller's limits.

    Raises ``ValidationFailed`` (422, path ``("attachment_ids",)``) naming every id that is unknown, foreign
    or deleted, when there are more than ``max_count`` distinct files, or when together they exceed
    ``max_total_bytes``. The caller (messaging) owns the limits and says how its contract names the field.
    """
    wanted = list(dict.fromkeys(int(attachment_id) for attachment_id in attachment_ids))
    if not wanted:
        return []
    if len(wanted) > max_count:
        raise ValidationFailed(
            [(FIELD, _("At most %(limit)s attachments may be sent at once.") % {"limit": max_count}, "too_long")]
        )
    found = {attachment.pk: attachment for attachment in attachment_list(owner=owner).filter(pk__in=wanted)}
    missing = [attachment_id for attachment_id in wanted if attachment_id not in found]
    if missing:
        listed = ", ".join(str(attachment_id) for attachment_id in missing)
        raise ValidationFailed(
            [(FIELD, _("Attachments not found or deleted: %(ids)s.") % {"ids": listed}, "not_found")]
        )
    attachments = [found[attachment_id] for attachment_id in wanted]
    total = sum(attachment.size_bytes for attachment in attachments)
    if total > max_total_bytes:
        message = _("The attachments total %(total)s bytes; at most %(limit)s bytes may be sent at once.") % {
            "total": total,
            "limit": max_total_bytes,
        }
        raise ValidationFailed([(FIELD, message, "too_large")])
    return attachments
