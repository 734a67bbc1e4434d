"""Requests for quotation: a request owns 1..2000 numbered keys (line items)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .querysets import RequestQuerySet

MAX_KEYS = 2000
MAX_KEY_TEXT = 1000
MAX_UNIT = 32
MAX_KEY_NOTE = 1000  # the importer's extra columns (`Примечание: …; Артикул: …`) or the buyer's own note


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")


class Request(models.Model):
    # No index of its own: request_owner_created_idx (owner, -created_at, -id) covers the owner (migration 0007).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="rfq_requests",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=255, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    source_filename = models.CharField(_("source filename"), max_length=255, null=True, blank=True)
    source_attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("source attachment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # almost every request has none: a partial index (Meta.indexes)
    )
    deadline = models.DateTimeField(_("response deadline"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="request_owner_created_idx"),
            models.Index(
                fields=["source_attachment"],
                condition=models.Q(source_attachment__isnull=False),
                name="request_source_attachment_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="requests_app_request_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title or ''}".strip()


class RequestKey(models.Model):
    # No index of its own: the unique (request, pos) index covers it (migration 0007).
    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="keys", db_index=False
    )
    pos = models.PositiveIntegerField(_("pos"))
    text = models.CharField(_("text"), max_length=MAX_KEY_TEXT)
    normalized_text = models.TextField(_("normalized text"))
    qty = models.DecimalField(_("qty"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=MAX_UNIT, null=True, blank=True)
    note = models.CharField(_("note"), max_length=MAX_KEY_NOTE, null=True, blank=True)

    class Meta:
        ordering = ("request_id", "pos")
        verbose_name = _("request key")
        verbose_name_plural = _("request keys")
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
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "inprogress", _("In progress")
    DONE = "done", _("Done")


class ModeratorTask(models.Model):
    """Opened when a buyer submits a request: moderators link suppliers to its keys."""

    request = models.OneToOneField(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="moderator_task"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ModeratorTaskStatus.choices, default=ModeratorTaskStatus.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderator_tasks",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("moderator task")
        verbose_name_plural = _("moderator tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ModeratorTaskStatus.values), name="requests_app_task_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Task #{self.pk} for request #{self.request_id}"


class ModeratorTaskEventKind(models.TextChoices):
    TAKEN = "taken", _("Taken")
    TAKEN_OVER = "takenover", _("Taken over")
    DONE = "done", _("Marked done")
    REOPENED = "reopened", _("Reopened")


class ModeratorTaskEvent(models.Model):
    """One move of a task: who did it and when; a take-over also names the moderator it was taken from."""

    task = models.ForeignKey(
        ModeratorTask, verbose_name=_("moderator task"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=ModeratorTaskEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("from status"), max_length=16, choices=ModeratorTaskStatus.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=ModeratorTaskStatus.choices)
    suppliers_linked = models.PositiveIntegerField(_("suppliers linked"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("task event")
        verbose_name_plural = _("task history")
        indexes = [models.Index(fields=["task", "created_at"], name="requests_app_taskevent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ModeratorTaskEventKind.values), name="requests_app_taskevent_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(event)s: task %(task)s") % {"event": self.get_kind_display(), "task": self.task_id}


class KeySupplierLink(models.Model):
    """A supplier a moderator linked to one key of a confirmed request."""

    key = models.ForeignKey(RequestKey, verbose_name=_("key"), on_delete=models.CASCADE, related_name="supplier_links")
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="key_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("key_id", "supplier_id")
        verbose_name = _("key supplier link")
        verbose_name_plural = _("key supplier links")
        constraints = [models.UniqueConstraint(fields=["key", "supplier"], name="requests_app_link_unique")]

    def __str__(self) -> str:
        return f"key {self.key_id} → supplier {self.supplier_id}"
