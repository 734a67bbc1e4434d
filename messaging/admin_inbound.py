"""Moderators' side of inbound mail: the queue of unmatched mail, suppressed addresses, the mailbox marks.

An unmatched mail is filed by choosing its request and supplier on the change page (then saving files it)
or by the list action for rows where both are chosen; "discard" marks it as no reply (it stays stored).
Both go through ``messaging.inbound`` like the mailbox reader does. Imported by ``messaging.admin``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import ValidationFailed

from . import inbound
from .mailparse import parse_mail
from .models import MailboxState, SuppressedAddress, UnmatchedMail, UnmatchedStatus

RAW_PREVIEW_CHARS = 20_000


class ModeratorAdmin(admin.ModelAdmin):
    """Nobody adds these rows by hand; what moderators may do comes from ``accounts.backends.MODERATOR_PERMISSIONS``."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(UnmatchedMail)
class UnmatchedMailAdmin(ModeratorAdmin):
    list_display = ("id", "received_at", "from_email", "subject", "reason", "status", "request", "supplier")
    list_filter = ("status", "reason")
    search_fields = ("from_email", "subject", "message_id", "to_header")
    list_select_related = ("request", "supplier")
    raw_id_fields = ("request", "supplier")
    fields = (
        "status", "reason", "from_email", "to_header", "subject", "message_id", "received_at", "request",
        "supplier", "filed_message", "handled_by", "handled_at", "text", "raw_source",
    )  # fmt: skip
    readonly_fields = (
        "status", "reason", "from_email", "to_header", "subject", "message_id", "received_at", "filed_message",
        "handled_by", "handled_at", "text", "raw_source",
    )  # fmt: skip
    actions = ("file_selected", "discard_selected")  # both need the change permission
    ordering = ("-received_at", "-id")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only a pending mail can still be filed; a handled one is read-only."""
        return super().has_change_permission(request, obj) and (obj is None or obj.status == UnmatchedStatus.PENDING)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # never lost: discard marks it

    @admin.display(description=_("Text"))
    def text(self, obj: UnmatchedMail) -> str:
        mail = parse_mail(bytes(obj.raw))
        names = ", ".join(item.filename or item.content_type for item in mail.attachments)
        return format_html(
            "<pre style='white-space: pre-wrap'>{}</pre><p>{}</p>", mail.body_text[:RAW_PREVIEW_CHARS], names
        )

    @admin.display(description=_("Raw message"))
    def raw_source(self, obj: UnmatchedMail) -> str:
        raw = bytes(obj.raw)[:RAW_PREVIEW_CHARS].decode("utf-8", errors="replace")
        return format_html("<pre style='white-space: pre-wrap; max-height: 30em; overflow: auto'>{}</pre>", raw)

    def save_model(self, request: HttpRequest, obj: UnmatchedMail, form: Any, change: bool) -> None:
        """Saving with both a request and a supplier chosen files the mail under them."""
        if obj.request_id and obj.supplier_id:
            self._file(request, obj)
        else:
            super().save_model(request, obj, form, change)

    def _file(self, request: HttpRequest, obj: UnmatchedMail) -> bool:
        try:
            message = inbound.unmatched_file(
                unmatched_id=obj.pk, request_id=obj.request_id, supplier_id=obj.supplier_id, moderator=request.user
            )
        except ValidationFailed as error:
            self.message_user(request, str(error), messages.ERROR)
            return False
        self.message_user(
            request,
            _("Filed as message #%(id)s of request %(request)s.") % {"id": message.pk, "request": obj.request_id},
            messages.SUCCESS,
        )
        return True

    @admin.action(
        description=_("File the selected mail under its chosen request and supplier"), permissions=("change",)
    )
    def file_selected(self, request: HttpRequest, queryset: QuerySet[UnmatchedMail]) -> None:
        ready = list(queryset.filter(status=UnmatchedStatus.PENDING, request__isnull=False, supplier__isnull=False))
        filed = sum(self._file(request, row) for row in ready)
        missing = queryset.filter(status=UnmatchedStatus.PENDING).count() - len(ready)
        if missing:
            self.message_user(
                request,
                ngettext(
                    "%(count)s mail has no request and supplier chosen yet: open it and choose them.",
                    "%(count)s mails have no request and supplier chosen yet: open them and choose them.",
                    missing,
                )
                % {"count": missing},
                messages.WARNING,
            )
        if not filed and not missing:
            self.message_user(request, _("Nothing to file."), messages.INFO)

    @admin.action(description=_("Discard the selected mail (not a reply)"), permissions=("change",))
    def discard_selected(self, request: HttpRequest, queryset: QuerySet[UnmatchedMail]) -> None:
        count = inbound.unmatched_discard(
            unmatched_ids=list(queryset.values_list("pk", flat=True)), moderator=request.user
        )
        self.message_user(
            request,
            ngettext("%(count)s mail discarded.", "%(count)s mails discarded.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(ModeratorAdmin):
    """Addresses sending skips; deleting a row lets the address be e-mailed again."""

    list_display = ("email", "reason", "bounced_message", "created_at")
    search_fields = ("email",)
    readonly_fields = ("email", "reason", "bounced_message", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MailboxState)
class MailboxStateAdmin(ModeratorAdmin):
    list_display = ("mailbox", "uidvalidity", "last_uid", "last_fetch_at", "last_error")
    readonly_fields = ("mailbox", "uidvalidity", "last_uid", "last_fetch_at", "last_error", "updated_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
