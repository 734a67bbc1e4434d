"""Domain errors of the attachments app (each maps to one HTTP status and a stable code)."""

from django.utils.translation import gettext_lazy as _

from core.errors import NotFound, PayloadTooLarge, UnsupportedMediaType


class AttachmentNotFound(NotFound):
    default_detail = _("Attachment not found.")


class AttachmentTooLarge(PayloadTooLarge):
    default_detail = _("The uploaded file is larger than the allowed maximum.")


class AttachmentTypeNotAllowed(UnsupportedMediaType):
    default_detail = _("This file type is not allowed, or the file's content does not match its name.")
