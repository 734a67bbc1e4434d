"""Moderators' view of quotes: every revision read-only with its lines, and the links with a revoke action.

Nothing here edits a quote: revisions are the record of what a supplier offered. Moderators who enter a quote
from an e-mail reply use ``POST /api/v1/user/requests/{id}/quotes`` (the same service as the buyer).
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin

from . import services
from .models import Award, Quote, QuoteLine, QuoteLink


def _is_moderator(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_moderator", False))


class ModeratorReadOnly(ReadOnlyAdminMixin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_moderator(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_moderator(request) or super().has_view_permission(request, obj)  # type: ignore[misc]


class QuoteLineInline(ModeratorReadOnly, admin.TabularInline):
    model = QuoteLine
    extra = 0
    fields = ("key", "price", "qty", "lead_time_days", "analogue", "comment")
    readonly_fields = fields
    raw_id_fields = ("key",)


@admin.register(Quote)
class QuoteAdmin(ModeratorReadOnly, admin.ModelAdmin):
    list_display = (
        "id", "request", "supplier", "status", "revision", "is_current", "source", "currency", "vat_included",
        "submitted_at",
    )  # fmt: skip
    list_filter = ("status", "source", "is_current", "currency")
    list_select_related = ("request", "supplier")
    search_fields = ("supplier__name", "supplier__inn", "request__title")
    ordering = ("-created_at", "-id")
    inlines = (QuoteLineInline,)
    readonly_fields = (
        "request", "supplier", "status", "revision", "is_current", "source", "link", "entered_by", "currency",
        "vat_included", "valid_until", "comment", "attachments", "submitted_at", "created_at", "updated_at",
    )  # fmt: skip


@admin.register(QuoteLink)
class QuoteLinkAdmin(ModeratorReadOnly, admin.ModelAdmin):
    """Links are made by the e-mails; the only write is revoking one (the supplier's page then answers 410)."""

    list_display = ("id", "request", "supplier", "state", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_reason",)
    list_select_related = ("request", "supplier")
    search_fields = ("supplier__name", "supplier__inn")
    ordering = ("-created_at", "-id")
    actions = ("revoke",)
    readonly_fields = (
        "request", "supplier", "state", "created_at", "last_used_at", "revoked_at", "revoked_reason", "revoked_by",
    )  # fmt: skip
    exclude = ("nonce", "token_hash")

    @admin.display(description=_("state"))
    def state(self, obj: QuoteLink) -> str:
        if obj.revoked_at is not None:
            return str(_("revoked"))
        if timezone.now() >= obj.expires_at():
            return str(_("expired"))
        return str(_("open"))

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return _is_moderator(request) or bool(request.user.is_superuser)

    @admin.action(description=_("Revoke the selected links"), permissions=("revoke",))
    def revoke(self, request: HttpRequest, queryset: QuerySet[QuoteLink]) -> None:
        count = services.links_revoke(link_ids=queryset.values_list("pk", flat=True), by=request.user)
        message = ngettext("%(count)s link revoked.", "%(count)s links revoked.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Award)
class AwardAdmin(ModeratorReadOnly, admin.ModelAdmin):
    list_display = ("id", "request", "key", "supplier", "awarded_by", "awarded_at")
    list_select_related = ("request", "key", "supplier", "awarded_by")
    readonly_fields = ("request", "key", "supplier", "awarded_by", "awarded_at")
