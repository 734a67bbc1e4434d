"""Domain errors of the attachments app (each maps to one HTTP status and a stable code)."""

from core.errors import NotFound, PayloadTooLarge, UnsupportedMediaType


class AttachmentNotFound(NotFound):
    default_detail = "Attachment not found."


class AttachmentTooLarge(PayloadTooLarge):
    default_detail = "The uploaded file is larger than the allowed maximum."


class AttachmentTypeNotAllowed(UnsupportedMediaType):
    default_detail = "This file type is not allowed, or the file's content does not match its name."
