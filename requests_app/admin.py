"""Moderator console for requests: requests with their keys, keys with their linked suppliers, tasks.

Buyers own their requests' content, so requests and keys are read-only here (status changes go through the
services); moderators add supplier links on the key page, through ``moderation.key_link_suppliers`` like any
other caller. A request may hold 2,000 keys: its page shows the first `KEYS_SHOWN_INLINE` and links to the key
list filtered to the request for the rest. Task actions ("take", "done", "reopen") call the moderation services.
"""

from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from core.admin import ReadOnlyAdminMixin
from core.formats import format_quantity

from .console import KEY_FIELD, UNLINK_FIELD, BulkLinksForm, links_view, task_move_view
from .errors import RequestNotLinkable
from .extensions import key_columns
from .models import KeySupplierLink, ModeratorTask, ModeratorTaskEvent, ModeratorTaskStatus, Request, RequestKey
from .moderation import (
    LINKABLE_STATUSES,
    key_link_suppliers,
    key_unlink_supplier,
    tasks_finish,
    tasks_reopen,
    tasks_take,
    tasks_take_over,
)
from .selectors import tasks_with_keys_count

KEYS_SHOWN_INLINE = 100


class FirstKeysFormSet(BaseInlineFormSet):
    """Only the first keys by pos: a form per key for 2,000 keys would make the page unusable."""

    def get_queryset(self) -> QuerySet[RequestKey]:
        if not hasattr(self, "_first_keys"):
            keys = super().get_queryset().prefetch_related("supplier_links__supplier").order_by("pos")
            self._first_keys = list(keys[:KEYS_SHOWN_INLINE])
            for key in self._first_keys:
                key.request = self.instance  # the cells read the request: no query per key
            # The columns of higher apps (discovery's domains) are filled once for the keys shown.
            self.instance._console_key_ids = [key.pk for key in self._first_keys]
        return self._first_keys


def _key_cells(obj: RequestKey, name: str) -> str:
    """One extension column's cell for a key, the column computed once per page for the keys shown."""
    request = obj.request
    cache: dict[str, Any] = request.__dict__.setdefault("_console_key_cells", {})
    if name not in cache:
        column = next(column for column in key_columns() if column.name == name)
        shown = getattr(request, "_console_key_ids", None) or [obj.pk]
        cache[name] = column.cells(request, shown)
    return cache[name].get(obj.pk) or "—"


COLUMN_PREFIX = "column_"


def _extension_field(name: str, label: Any) -> Any:
    def cell(obj: RequestKey) -> str:
        return _key_cells(obj, name)

    cell.short_description = label  # type: ignore[attr-defined]
    cell.__name__ = f"{COLUMN_PREFIX}{name}"
    return cell


class RequestKeyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestKey
    formset = FirstKeysFormSet
    fields = ("pick", "pos", "text", "quantity", "unit", "note", "linked_suppliers", "key_page")
    readonly_fields = fields
    extra = 0
    can_delete = False
    # No ``show_change_link``: read-only here, Django would label it "View", yet the key's page is where its links
    # are edited; the "key_page" column says so.
    verbose_name_plural = format_lazy(
        _("keys (the first {count} by pos)"), count=KEYS_SHOWN_INLINE
    )  # lazy: per request

    @admin.display(description=_("qty"), ordering="qty")
    def quantity(self, obj: RequestKey) -> str:
        return format_quantity(obj.qty)

    @admin.display(description=_("key page"))
    def key_page(self, obj: RequestKey) -> str:
        """The key's own page: its links are edited there while the request is linkable, else only shown."""
        label = _("Edit links") if obj.request.status in LINKABLE_STATUSES else _("View links")
        url = reverse("admin:requests_app_requestkey_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, label)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The own columns, then one per ``extensions.KeyColumn`` (discovery's "domains found")."""
        return (*self.fields, *(f"{COLUMN_PREFIX}{column.name}" for column in key_columns()))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def __getattr__(self, name: str) -> Any:
        """``column_<name>``: the cell function of a registered key column (the admin looks fields up by name)."""
        if name.startswith(COLUMN_PREFIX):
            for column in key_columns():
                if name == f"{COLUMN_PREFIX}{column.name}":
                    return _extension_field(column.name, column.label)
        raise AttributeError(name)

    @admin.display(description=_("pick"))
    def pick(self, obj: RequestKey) -> str:
        """The key's checkbox for the link panel (the page's form posts it to the panel's buttons)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="console-key" aria-label="#{}">',
            KEY_FIELD,
            obj.pk,
            obj.pos,
        )

    @admin.display(description=_("linked suppliers (tick to remove)"))
    def linked_suppliers(self, obj: RequestKey) -> str:
        links = list(obj.supplier_links.all())
        if not links:
            return "—"
        return format_html_join(
            "",
            '<label class="console-link"><input type="checkbox" name="{}" value="{}:{}"> {}</label><br>',
            ((UNLINK_FIELD, obj.pk, link.supplier_id, link.supplier.name) for link in links),
        )


# The moderator looking at the page, for the task buttons (a readonly field sees only the object).
_viewer: ContextVar[Any] = ContextVar("console_viewer", default=None)

TASK_BUTTONS = {
    ModeratorTaskStatus.PENDING: (("take", _("Take")),),
    ModeratorTaskStatus.IN_PROGRESS: (("take", _("Take over")), ("done", _("Mark done")), ("reopen", _("Reopen"))),
    ModeratorTaskStatus.DONE: (("reopen", _("Reopen")),),
}


def task_buttons(task: ModeratorTask, back: str) -> str:
    """The buttons of the task's next moves; they post the page's form to the task's move URL, then come back.

    "Take over" stands for "Take" on a task in progress (not shown to its assignee); "Mark done" from anyone but
    the assignee is refused by the service (``not_assignee``).
    """
    query = urlencode({"next": back})
    viewer = _viewer.get()
    mine = viewer is not None and task.assignee_id == viewer.pk
    moves = [(move, label) for move, label in TASK_BUTTONS[task.status] if not (mine and move == "take")]
    return format_html_join(
        " ",
        '<button type="submit" class="button console-task-{}" formaction="{}?{}" formnovalidate>{}</button>',
        (
            (move, reverse("admin:requests_app_moderatortask_move", args=[task.pk, move]), query, label)
            for move, label in moves
        ),
    )


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = (
        "id", "title", "owner", "status", "keys_count", "source_filename", "deadline", "closed_at", "created_at",
        "updated_at",
    )  # fmt: skip
    list_filter = ("status", "created_at", "deadline")
    list_select_related = ("owner",)
    search_fields = ("=id", "title", "keys__text", "keys__normalized_text", "owner__email")
    search_help_text = _("Request id, title, key text or the owner's e-mail.")
    raw_id_fields = ("owner", "source_attachment")
    readonly_fields = (
        "owner",
        "title",
        "status",
        "deadline",
        "closed_at",
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
    change_form_template = "admin/requests_app/request/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Request]:
        return super().get_queryset(request).with_keys_count()

    def get_urls(self) -> list[URLPattern]:
        links = self.admin_site.admin_view(lambda request, object_id: links_view(self, request, object_id))
        return [path("<path:object_id>/links/", links, name="requests_app_request_links"), *super().get_urls()]

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], add: bool = False, change: bool = False, **kwargs: Any
    ) -> HttpResponse:
        """The link panel (supplier picker, all keys, positions) with its media, when links may be written."""
        _viewer.set(request.user)
        obj = kwargs.get("obj")
        if (
            obj is not None
            and obj.status in LINKABLE_STATUSES
            and request.user.has_perm("requests_app.add_keysupplierlink")
        ):
            panel = BulkLinksForm(request_obj=obj, admin_site=self.admin_site)
            context["links_form"] = panel
            context["links_url"] = reverse("admin:requests_app_request_links", args=[obj.pk])
            context["media"] = context["media"] + panel.media
        return super().render_change_form(request, context, add=add, change=change, **kwargs)

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
        here = reverse("admin:requests_app_request_change", args=[obj.pk])
        return format_html(
            '<a href="{}">#{}: {}{}</a> {}', url, task.pk, task.get_status_display(), assignee, task_buttons(task, here)
        )

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
    autocomplete_fields = ("supplier",)  # by name, INN, e-mail or domain (SupplierAdmin.get_search_results)
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


class ModeratorTaskEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The task's history: every take, take-over (from whom), done (with the suppliers linked) and reopen."""

    model = ModeratorTaskEvent
    fields = ("created_at", "kind", "actor", "previous_assignee", "from_status", "to_status", "suppliers_linked")
    readonly_fields = fields
    extra = 0
    ordering = ("created_at", "id")
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModeratorTaskEvent]:
        return super().get_queryset(request).select_related("actor", "previous_assignee")


TITLE_IN_LIST = 60


def _breakable_email(email: str) -> str:
    """An e-mail that may wrap before its "@" in a narrow column."""
    local, at, domain = email.partition("@")
    return format_html("{}<wbr>{}{}", local, at, domain)


@admin.register(ModeratorTask)
class ModeratorTaskAdmin(admin.ModelAdmin):
    """The moderators' queue. The status moves only through the actions (conditional updates)."""

    # Fits a 1,400 px screen with the filters (requests_app/tests/test_admin_console_fixes.py measures it in Chromium):
    # titles cut to TITLE_IN_LIST characters, e-mails may wrap at the "@", no "updated at", no app sidebar here.
    list_display = (
        "id",
        "request_in_list",
        "buyer",
        "request_status",
        "status",
        "assignee_email",
        "keys",
        "created_at",
    )
    list_filter = ("status", ("assignee", admin.RelatedOnlyFieldListFilter), "created_at")
    list_select_related = ("request__owner", "assignee")
    search_fields = ("=request__id", "request__title", "request__owner__email")
    readonly_fields = (
        "request_link",
        "request_status",
        "status",
        "assignee",
        "moves",
        "keys",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (ModeratorTaskEventInline,)
    actions = ("take", "take_over", "finish", "reopen")
    ordering = ("created_at", "id")  # oldest first: the queue's order
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModeratorTask]:
        return tasks_with_keys_count(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by submitting a request

    def get_urls(self) -> list[URLPattern]:
        move = self.admin_site.admin_view(
            lambda request, object_id, move: task_move_view(self, request, object_id, move)
        )
        return [
            path("<path:object_id>/move/<str:move>/", move, name="requests_app_moderatortask_move"),
            *super().get_urls(),
        ]

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        _viewer.set(request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description=_("next step"))
    def moves(self, obj: ModeratorTask) -> str:
        return task_buttons(obj, reverse("admin:requests_app_moderatortask_change", args=[obj.pk])) or "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, obj: ModeratorTask) -> str:
        url = reverse("admin:requests_app_request_change", args=[obj.request_id])
        return format_html('<a href="{}">#{} {}</a>', url, obj.request_id, obj.request.title)

    @admin.display(description=_("request"), ordering="request_id")
    def request_in_list(self, obj: ModeratorTask) -> str:
        """The request's link with its title cut short (the whole title on hover)."""
        url = reverse("admin:requests_app_request_change", args=[obj.request_id])
        title = obj.request.title or ""
        short = Truncator(title).chars(TITLE_IN_LIST)
        return format_html('<a href="{}" title="{}">#{} {}</a>', url, title, obj.request_id, short)

    @admin.display(description=_("buyer"), ordering="request__owner__email")
    def buyer(self, obj: ModeratorTask) -> str:
        return _breakable_email(obj.request.owner.email)

    @admin.display(description=_("assignee"), ordering="assignee__email")
    def assignee_email(self, obj: ModeratorTask) -> str:
        return _breakable_email(obj.assignee.email) if obj.assignee_id else "—"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Without the app sidebar: the queue's columns need the width (the other pages keep it)."""
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})

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

    @admin.action(
        description=_("Take over the selected tasks (pending or another moderator's → assigned to me)"),
        permissions=("change",),
    )
    def take_over(self, request: HttpRequest, queryset: QuerySet[ModeratorTask]) -> None:
        self._move(
            request,
            queryset,
            tasks_take_over,
            ngettext_lazy("%(count)s task taken over.", "%(count)s tasks taken over.", "count"),
            ngettext_lazy(
                "%(count)s task was done or yours already and was left alone.",
                "%(count)s tasks were done or yours already and were left alone.",
                "count",
            ),
        )

    @admin.action(description=_("Mark my selected tasks done (in progress → done)"), permissions=("change",))
    def finish(self, request: HttpRequest, queryset: QuerySet[ModeratorTask]) -> None:
        self._move(
            request,
            queryset,
            tasks_finish,
            ngettext_lazy("%(count)s task done.", "%(count)s tasks done.", "count"),
            ngettext_lazy(
                "%(count)s task was not in progress with you as the assignee and was left alone (take it over first).",
                "%(count)s tasks were not in progress with you as the assignee and were left alone (take them over "
                "first).",
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
