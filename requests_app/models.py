"""Requests for quotation: a request owns 1..2000 numbered keys (line items)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .querysets import RequestQuerySet

MAX_KEYS = 2000
MAX_KEY_TEXT = 1000
MAX_UNIT = 32
MAX_KEY_NOTE = 1000  # the importer's extra columns (`Примечание: …; Артикул: …`) or the buyer's own note


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONFIRMED = "confirmed", "Confirmed"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"


class Request(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rfq_requests")
    title = models.CharField(max_length=255, null=True, blank=True)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    source_filename = models.CharField(max_length=255, null=True, blank=True)
    source_attachment = models.ForeignKey(
        "attachments.Attachment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["owner", "-created_at", "-id"], name="request_owner_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="requests_app_request_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title or ''}".strip()


class RequestKey(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="keys")
    pos = models.PositiveIntegerField()
    text = models.CharField(max_length=MAX_KEY_TEXT)
    normalized_text = models.TextField()
    qty = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=MAX_UNIT, null=True, blank=True)
    note = models.CharField(max_length=MAX_KEY_NOTE, null=True, blank=True)

    class Meta:
        ordering = ("request_id", "pos")
        constraints = [
            models.UniqueConstraint(fields=["request", "pos"], name="requests_app_key_unique_pos"),
            models.CheckConstraint(condition=models.Q(pos__gte=1), name="requests_app_key_pos_positive"),
            models.CheckConstraint(
                condition=models.Q(qty__isnull=True) | models.Q(qty__gt=0), name="requests_app_key_qty_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pos}. {self.text}"


class ModeratorTaskStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "inprogress", "In progress"
    DONE = "done", "Done"


class ModeratorTask(models.Model):
    """Opened when a buyer submits a request: moderators link suppliers to its keys."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="moderator_task")
    status = models.CharField(max_length=16, choices=ModeratorTaskStatus.choices, default=ModeratorTaskStatus.PENDING)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderator_tasks"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ModeratorTaskStatus.values), name="requests_app_task_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Task #{self.pk} for request #{self.request_id}"


class KeySupplierLink(models.Model):
    """A supplier a moderator linked to one key of a confirmed request."""

    key = models.ForeignKey(RequestKey, on_delete=models.CASCADE, related_name="supplier_links")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="key_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("key_id", "supplier_id")
        constraints = [models.UniqueConstraint(fields=["key", "supplier"], name="requests_app_link_unique")]

    def __str__(self) -> str:
        return f"key {self.key_id} → supplier {self.supplier_id}"
