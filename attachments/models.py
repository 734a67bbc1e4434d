"""Uploaded files: content stored once per SHA-256, one record per upload."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import AttachmentQuerySet


class Attachment(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=255, null=True, blank=True)
    original_filename = models.CharField(_("original filename"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127, null=True, blank=True)
    size_bytes = models.BigIntegerField(_("size bytes"))
    sha256 = models.CharField(_("sha256"), max_length=64, db_index=True)
    storage_key = models.CharField(_("storage key"), max_length=255)
    is_deleted = models.BooleanField(_("is deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["owner", "is_deleted", "-created_at"], name="attachment_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(size_bytes__gt=0), name="attachments_size_positive"),
        ]

    def __str__(self) -> str:
        return self.original_filename
