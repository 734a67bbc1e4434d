"""Moderator console for requests: requests with their keys, keys with their linked suppliers, tasks.

Buyers own their requests' content, so requests and keys are read-only here (status changes go through the
services); moderators add supplier links on the key page, through ``moderation.key_link_suppliers`` like any
other caller. A request may hold 2,000 keys: its page shows the first `KEYS_SHOWN_INLINE` and links to the key
list filtered to the request for the rest. Task actions ("take", "done", "reopen") call the moderation services.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from core.admin import ReadOnlyAdminMixin
from core.formats import format_quantity

from .errors import RequestNotLinkable
from .models import KeySupplierLink, ModeratorTask, Request, RequestKey
from .moderation import (
    LINKABLE_STATUSES,
    key_link_suppliers,
    key_unlink_supplier,
    tasks_finish,
    tasks_reopen,
    tasks_take,
)
from .selectors import tasks_with_keys_count

KEYS_SHOWN_INLINE = 100


class FirstKeysFormSet(BaseInlineFormSet):
    """Only the first keys by pos: a form per key for 2,000 keys would make the page unusable."""

    def get_queryset(self) -> QuerySet[RequestKey]:
        if not hasattr(self, "_first_keys"):
            keys = super().get_queryset().prefetch_related("supplier_links__supplier").order_by("pos")
            self._first_keys = keys[:KEYS_SHOWN_INLINE]
        return self._first_keys


class RequestKeyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestKey
    formset = FirstKeysFormSet
    fields = ("pos", "text", "quantity", "unit", "note", "linked_suppliers")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = format_lazy(
        _("keys (the first {count} by pos)"), count=KEYS_SHOWN_INLINE
    )  # lazy: per request

    @admin.display(description=_("qty"), ordering="qty")
    def quantity(self, obj: RequestKey) -> str:
        return format_quantity(obj.qty)

    @admin.display(description=_("linked suppliers"))
    def linked_suppliers(self, obj: RequestKey) -> str:
        names = [link.supplier.name for link in obj.supplier_links.all()]
        return ", ".join(names) or "—"


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "status", "keys_count", "source_filename", "created_at", "updated_at")
    list_filter = ("status", "created_at")
    list_select_related = ("owner",)
    search_fields = ("=id", "title", "keys__text", "keys__normalized_text", "owner__email")
    search_help_text = _("Request id, title, key text or the owner's e-mail.")
    raw_id_fields = ("owner", "source_attachment")
    readonly_fields = (
        "owner",
        "title",
        "status",
        "source_filename",
        "source_attachment",
        "all_keys",
        "task",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (RequestKeyInline,)
    date_hierarchy = "created_at"
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Request]:
        return super().get_queryset(request).with_keys_count()

    @admin.display(description=_("keys"), ordering="keys_count")
    def keys_count(self, obj: Request) -> int:
        return obj.keys_count

    @admin.display(description=_("all keys"))
    def all_keys(self, obj: Request) -> str:
        url = reverse("admin:requests_app_requestkey_changelist") + f"?request__id__exact={obj.pk}"
        label = ngettext("All %(count)s key of this request", "All %(count)s keys of this request", obj.keys_count) % {
            "count": obj.keys_count
        }
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("moderator task"))
    def task(self, obj: Request) -> str:
        task = ModeratorTask.objects.filter(request=obj).select_related("assignee").first()
        if task is None:
            return "—"
        url = reverse("admin:requests_app_moderatortask_change", args=[task.pk])
        assignee = f", {task.assignee.email}" if task.assignee else ""
        return format_html('<a href="{}">#{}: {}{}</a>', url, task.pk, task.get_status_display(), assignee)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class KeySupplierLinkFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Refuse any change to the links of a key whose request is not linkable, before anything is written."""
        super().clean()
        changed = any(form.has_changed() for form in self.forms) or bool(self.deleted_forms)
        if changed and self.instance.request.status not in LINKABLE_STATUSES:
            raise forms.ValidationError(RequestNotLinkable.default_detail)


class KeySupplierLinkInline(admin.TabularInline):
    """Links of one key; read-only unless the request is confirmed or processing."""

    model = KeySupplierLink
    formset = KeySupplierLinkFormSet
    fields = ("supplier", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    raw_id_fields = ("supplier",)
    extra = 0

    @staticmethod
    def _linkable(obj: RequestKey | None) -> bool:
        return obj is None or obj.request.status in LINKABLE_STATUSES

    def has_add_permission(self, request: HttpRequest, obj: RequestKey | None = None) -> bool:
        return self._linkable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: RequestKey | None = None) -> bool:
        return self._linkable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: RequestKey | None = None) -> bool:
        return self._linkable(obj) and super().has_delete_permission(request, obj)


@admin.register(RequestKey)
class RequestKeyAdmin(admin.ModelAdmin):
    list_display = ("pos", "text", "quantity", "unit", "request", "request_status")
    list_filter = ("request__status",)
    list_select_related = ("request",)
    search_fields = ("text", "normalized_text", "=request__id")
    raw_id_fields = ("request",)
    readonly_fields = ("request", "pos", "text", "normalized_text", "quantity", "unit")
    fields = readonly_fields
    inlines = (KeySupplierLinkInline,)
    ordering = ("request_id", "pos")
    list_per_page = 100

    @admin.display(description=_("qty"), ordering="qty")
    def quantity(self, obj: RequestKey) -> str:
        """``40``, ``12,5``: the stored four decimal places without their trailing zeros, in the moderator's locale."""
        return format_quantity(obj.qty)

    @admin.display(description=_("request status"), ordering="request__status")
    def request_status(self, obj: RequestKey) -> str:
        return obj.request.get_status_display()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Links go through the moderation service (linkable request, who linked); removals too."""
        key = form.instance
        formset.save(commit=False)  # writes nothing; fills new/changed/deleted_objects for the change log
        deleted = set(map(id, formset.deleted_forms))
        wanted: list[int] = []
        unlink: list[int] = []
        for row in formset.forms:
            if not row.has_changed() and id(row) not in deleted:
                continue
            old = row.initial.get("supplier") if row.instance.pk else None  # the instance already holds the new one
            if old is not None:  # removed, or switched to another supplier
                unlink.append(old)
            if id(row) not in deleted and row.cleaned_data.get("supplier"):
                wanted.append(row.cleaned_data["supplier"].pk)
        # Link first: should the service refuse (the request changed state meanwhile), no link has been removed.
        added = key_link_suppliers(key_id=key.pk, supplier_ids=wanted, moderator=request.user) if wanted else 0
        for supplier_id in unlink:
            if supplier_id not in wanted:
                key_unlink_supplier(key_id=key.pk, supplier_id=supplier_id)
        if added:
            message = ngettext(
                "%(count)s supplier linked to key #%(pos)s.", "%(count)s suppliers linked to key #%(pos)s.", added
            ) % {"count": added, "pos": key.pos}
            self.message_user(request, message, messages.SUCCESS)


@admin.register(ModeratorTask)
class ModeratorTaskAdmin(admin.ModelAdmin):
    """The moderators' queue. The status moves only through the actions (conditional updates)."""

    list_display = ("id", "request_link", "request_status", "status", "assignee", "keys", "created_at", "updated_at")
    list_filter = ("status", ("assignee", admin.RelatedOnlyFieldListFilter), "created_at")
    list_select_related = ("request", "assignee")
    search_fields = ("=request__id", "request__title", "request__owner__email")
    readonly_fields = ("request_link", "request_status", "status", "assignee", "keys", "created_at", "updated_at")
    fields = readonly_fields
    actions = ("take", "finish", "reopen")
    ordering = ("created_at", "id")  # oldest first: the queue's order
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModeratorTask]:
        return tasks_with_keys_count(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by submitting a request

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, obj: ModeratorTask) -> str:
        url = reverse("admin:requests_app_request_change", args=[obj.request_id])
        return format_html('<a href="{}">#{} {}</a>', url, obj.request_id, obj.request.title)

    @admin.display(description=_("request status"), ordering="request__status")
    def request_status(self, obj: ModeratorTask) -> str:
        return obj.request.get_status_display()

    @admin.display(description=_("keys"), ordering="keys_count")
    def keys(self, obj: ModeratorTask) -> int:
        return obj.keys_count

    def _move(
        self,
        request: HttpRequest,
        queryset: QuerySet[ModeratorTask],
        service: Any,
        moved_text: Any,
        left_text: Any,
    ) -> None:
        """Run one transition service on the selection and say how many tasks moved and how many stayed.

        ``moved_text`` and ``left_text`` are ``ngettext_lazy(…, "count")`` sentences: whole sentences, so that
        each language can word (and inflect) them its own way."""
        ids = list(queryset.values_list("pk", flat=True))
        moved, selected = service(task_ids=ids, moderator=request.user), len(ids)
        moved_message = moved_text % {"count": moved}
        self.message_user(request, moved_message, messages.SUCCESS if moved else messages.WARNING)
        if moved < selected:
            left = selected - moved
            self.message_user(request, left_text % {"count": left}, messages.WARNING)

    @admin.action(
        description=_("Take the selected tasks (pending → in progress, assigned to me)"), permissions=("change",)
    )
    def take(self, request: HttpRequest, queryset: QuerySet[ModeratorTask]) -> None:
        self._move(
            request,
            queryset,
            tasks_take,
            ngettext_lazy("%(count)s task taken.", "%(count)s tasks taken.", "count"),
            ngettext_lazy(
                "%(count)s task was not pending and was left alone.",
                "%(count)s tasks were not pending and were left alone.",
                "count",
            ),
        )

    @admin.action(description=_("Mark the selected tasks done (in progress → done)"), permissions=("change",))
    def finish(self, request: HttpRequest, queryset: QuerySet[ModeratorTask]) -> None:
        self._move(
            request,
            queryset,
            tasks_finish,
            ngettext_lazy("%(count)s task done.", "%(count)s tasks done.", "count"),
            ngettext_lazy(
                "%(count)s task was not in progress and was left alone.",
                "%(count)s tasks were not in progress and were left alone.",
                "count",
            ),
        )

    @admin.action(description=_("Reopen the selected tasks (back to pending)"), permissions=("change",))
    def reopen(self, request: HttpRequest, queryset: QuerySet[ModeratorTask]) -> None:
        self._move(
            request,
            queryset,
            tasks_reopen,
            ngettext_lazy("%(count)s task reopened.", "%(count)s tasks reopened.", "count"),
            ngettext_lazy(
                "%(count)s task was not in progress or done and was left alone.",
                "%(count)s tasks were not in progress or done and were left alone.",
                "count",
            ),
        )
