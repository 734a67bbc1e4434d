"""Moderators' view of the outbox: every message with its delivery state, and a re-queue action.

The detail shows the full ``last_error`` (exception class, the relay's reply, file paths) next to what the
buyer is shown instead: a fixed reason and the SMTP code (``Message.public_last_error``).

Rows are read-only here: the delivery state belongs to the workers; the only write is the action, which
calls the same service as everything else (``services.messages_requeue_failed``).
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AutocompleteFilterMediaMixin, AutocompleteListFilter, ReadOnlyAdminMixin

from . import (
    admin_inbound,  # noqa: F401 — registers the inbound-mail admins (unmatched queue, suppressed)
    services,
)
from .models import Mailing, Message, MessageStatus, Recipient


class ModeratorReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Visible to moderators (staff in the ``moderators`` group) and superusers; nobody adds, changes or deletes."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_moderator(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_moderator(request) or super().has_view_permission(request, obj)


def _is_moderator(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_moderator", False))


@admin.register(Message)
class MessageAdmin(AutocompleteFilterMediaMixin, ModeratorReadOnlyAdmin):
    list_display = (
        "id", "request", "supplier", "to_email", "direction", "status", "attempts", "last_error_reason", "created_at",
        "sent_at",
    )  # fmt: skip
    list_filter = (
        "status",
        "last_error_reason",
        "direction",
        ("supplier", AutocompleteListFilter),  # by name, INN or domain: a list of every supplier would not fit
        ("request", AutocompleteListFilter),
        "is_deleted",
    )
    search_fields = ("to_email", "subject", "message_id")
    list_select_related = ("request", "supplier")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ("requeue_failed",)
    readonly_fields = (
        "request", "supplier", "mailing", "direction", "to_email", "subject", "body", "status", "attempts",
        "last_error", "last_error_reason", "last_error_smtp_code", "buyer_sees", "message_id", "in_reply_to",
        "attachments", "is_deleted", "claimed_at", "next_attempt_at", "sent_at", "created_at", "updated_at",
    )  # fmt: skip

    @admin.display(description=_("Error shown to the buyer"))
    def buyer_sees(self, obj: Message) -> str:
        return obj.public_last_error or "—"

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        return _is_moderator(request) or bool(request.user.is_superuser)

    @admin.action(description=_("Re-queue the selected failed messages"), permissions=("requeue",))
    def requeue_failed(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        # Both counts before the update: re-counting ``queryset`` afterwards would miss the re-queued rows when
        # the list is filtered to failed messages (it said "-1 messages were not failed").
        selected = list(queryset.values_list("pk", "status"))
        ids = [pk for pk, status in selected if status == MessageStatus.FAILED]
        requeued = services.messages_requeue_failed(message_ids=ids)
        count = len(requeued)
        skipped = len(selected) - count
        message = ngettext("%(count)s message re-queued.", "%(count)s messages re-queued.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
        if skipped:
            left = ngettext(
                "%(count)s message was not failed and was left alone.",
                "%(count)s messages were not failed and were left alone.",
                skipped,
            ) % {"count": skipped}
            self.message_user(request, left, messages.WARNING)


@admin.register(Recipient)
class RecipientAdmin(ModeratorReadOnlyAdmin):
    list_display = ("id", "request", "supplier", "selected", "blocked_reason", "updated_at")
    list_filter = ("selected", "blocked_reason")
    list_select_related = ("request", "supplier")
    search_fields = ("supplier__name", "supplier__inn")
    readonly_fields = ("request", "supplier", "selected", "blocked_reason", "created_at", "updated_at")


@admin.register(Mailing)
class MailingAdmin(ModeratorReadOnlyAdmin):
    list_display = ("id", "request", "kind", "subject", "deadline", "due_at", "created_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("request", "created_by")
    search_fields = ("subject",)
    readonly_fields = (
        "request", "kind", "subject", "body", "attach_request_file", "attachments", "created_by", "created_at",
        "deadline", "reminder_offset", "due_at", "planned_at",
    )  # fmt: skip
