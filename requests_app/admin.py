"""Moderator console for requests: requests with their keys, keys with their linked suppliers, tasks.

Buyers own their requests' content, so requests and keys are read-only here (status changes go through the
services); moderators add supplier links on the key page. A request may hold 2,000 keys: its page shows the
first `KEYS_SHOWN_INLINE` and links to the key list filtered to the request for the rest.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .models import KeySupplierLink, ModeratorTask, Request, RequestKey

KEYS_SHOWN_INLINE = 100


class FirstKeysFormSet(BaseInlineFormSet):
    """Only the first keys by pos: a form per key for 2,000 keys would make the page unusable."""

    def get_queryset(self) -> QuerySet[RequestKey]:
        if not hasattr(self, "_first_keys"):
            self._first_keys = super().get_queryset().order_by("pos")[:KEYS_SHOWN_INLINE]
        return self._first_keys


class RequestKeyInline(admin.TabularInline):
    model = RequestKey
    formset = FirstKeysFormSet
    fields = ("pos", "text", "normalized_text", "qty", "unit")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = f"keys (the first {KEYS_SHOWN_INLINE} by pos)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "status", "keys_count", "source_filename", "created_at", "updated_at")
    list_filter = ("status", "created_at")
    list_select_related = ("owner",)
    search_fields = ("=id", "title", "keys__text", "keys__normalized_text", "owner__email")
    search_help_text = "Request id, title, key text or the owner's e-mail."
    raw_id_fields = ("owner", "source_attachment")
    readonly_fields = (
        "owner",
        "title",
        "status",
        "source_filename",
        "source_attachment",
        "all_keys",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (RequestKeyInline,)
    date_hierarchy = "created_at"
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Request]:
        return super().get_queryset(request).with_keys_count()

    @admin.display(description="keys", ordering="keys_count")
    def keys_count(self, obj: Request) -> int:
        return obj.keys_count

    @admin.display(description="all keys")
    def all_keys(self, obj: Request) -> str:
        url = reverse("admin:requests_app_requestkey_changelist") + f"?request__id__exact={obj.pk}"
        return format_html('<a href="{}">All {} keys of this request</a>', url, obj.keys_count)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class KeySupplierLinkInline(admin.TabularInline):
    model = KeySupplierLink
    fields = ("supplier", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    raw_id_fields = ("supplier",)
    extra = 0


@admin.register(RequestKey)
class RequestKeyAdmin(admin.ModelAdmin):
    list_display = ("pos", "text", "qty", "unit", "request", "request_status")
    list_filter = ("request__status",)
    list_select_related = ("request",)
    search_fields = ("text", "normalized_text", "=request__id")
    raw_id_fields = ("request",)
    readonly_fields = ("request", "pos", "text", "normalized_text", "qty", "unit")
    fields = readonly_fields
    inlines = (KeySupplierLinkInline,)
    ordering = ("request_id", "pos")
    list_per_page = 100

    @admin.display(description="request status", ordering="request__status")
    def request_status(self, obj: RequestKey) -> str:
        return obj.request.get_status_display()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Record which moderator linked each supplier."""
        links = formset.save(commit=False)
        for link in links:
            if link.created_by_id is None:
                link.created_by = request.user
            link.save()
        for link in formset.deleted_objects:
            link.delete()


@admin.register(ModeratorTask)
class ModeratorTaskAdmin(admin.ModelAdmin):
    list_display = ("id", "request", "status", "assignee", "created_at", "updated_at")
    list_filter = ("status",)
    list_select_related = ("request", "assignee")
    search_fields = ("=request__id", "request__title")
    raw_id_fields = ("request", "assignee")
    readonly_fields = ("request", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by submitting a request
