"""The request page's work in the moderators' console: link or unlink suppliers on many keys in one submission,
and move the request's task (take / take over, done, reopen) from the same page.

The page (``RequestAdmin``'s change form) carries a checkbox beside each key, a checkbox beside each linked
supplier, "all keys", a range of positions for requests longer than the page, and a supplier picker (the admin's
autocomplete over ``SupplierAdmin.get_search_results``: name, INN, e-mail or any part of a domain). Its buttons
post here; these views call ``moderation`` like the REST API does, report what happened and redirect back.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError, ValidationFailed
from core.fields import MAX_ID
from suppliers.models import Supplier

from .errors import TaskNotAssignee
from .models import KeySupplierLink, RequestKey
from .moderation import request_link_suppliers, request_unlink_suppliers, task_finish, task_reopen, task_take

KEY_FIELD = "keys"  # the checkbox beside each key (value: key id)
UNLINK_FIELD = "unlink"  # the checkbox beside each linked supplier (value: "<key id>:<supplier id>")
_POSITIONS = re.compile(r"^\s*(\d{1,9})\s*(?:[-–]\s*(\d{1,9})\s*)?$")  # a key's pos fits an int
MAX_POSITIONS = 2000


def parse_positions(text: str) -> list[int]:
    """``"1-20, 35"`` → ``[1, …, 20, 35]``; ``ValueError`` for anything else."""
    positions: set[int] = set()
    for part in filter(None, (chunk.strip() for chunk in text.replace(";", ",").split(","))):
        match = _POSITIONS.match(part)
        if match is None:
            raise ValueError(part)
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or last - first >= MAX_POSITIONS:
            raise ValueError(part)
        positions.update(range(first, last + 1))
    return sorted(positions)


class BulkLinksForm(forms.Form):
    """What the request page posts: the keys (checkboxes, all, or positions), the suppliers, the links to remove."""

    suppliers = forms.ModelMultipleChoiceField(
        queryset=Supplier.objects.all(),
        required=False,
        label=_("Suppliers"),
        help_text=_("Type a name, INN, e-mail or a part of a domain."),
    )
    all_keys = forms.BooleanField(required=False, label=_("all keys of the request"))
    positions = forms.CharField(
        required=False,
        max_length=2000,
        label=_("or key positions"),
        help_text=_("For example 1-20, 35 (for keys beyond the page)."),
        widget=forms.TextInput(attrs={"size": 18, "placeholder": "1-20, 35"}),
    )

    def __init__(self, *args: Any, request_obj: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_obj = request_obj
        field = self.fields["suppliers"]
        widget = AutocompleteSelectMultiple(KeySupplierLink._meta.get_field("supplier"), admin_site)
        widget.attrs.update({"data-width": "36em"})
        widget.choices = field.choices
        field.widget = widget

    def clean_positions(self) -> list[int]:
        try:
            return parse_positions(self.cleaned_data.get("positions") or "")
        except ValueError:
            raise forms.ValidationError(_("Write positions as 1-20, 35.")) from None

    def key_ids(self) -> list[int]:
        """The keys chosen by checkbox or position (ids of this request's keys only)."""
        ticked = {int(value) for value in self.data.getlist(KEY_FIELD) if _is_id(value)}
        keys = RequestKey.objects.filter(request=self.request_obj)
        by_pos = set(keys.filter(pos__in=self.cleaned_data["positions"]).values_list("pk", flat=True))
        return sorted(by_pos | set(keys.filter(pk__in=ticked).values_list("pk", flat=True)))

    def ticked_links(self) -> dict[int, set[int]]:
        """``{key_id: supplier_ids}`` of the links ticked for removal."""
        pairs: dict[int, set[int]] = {}
        for value in self.data.getlist(UNLINK_FIELD):
            key_id, _sep, supplier_id = str(value).partition(":")
            if _is_id(key_id) and _is_id(supplier_id):
                pairs.setdefault(int(key_id), set()).add(int(supplier_id))
        return pairs


def _is_id(value: object) -> bool:
    text = str(value)
    return text.isdigit() and len(text) < 20 and 0 < int(text) <= MAX_ID


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = default
    return HttpResponseRedirect(target)


def _report_error(model_admin: admin.ModelAdmin, request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        for _path, message, _type in exc.errors:
            model_admin.message_user(request, str(message), messages.ERROR)
    else:
        model_admin.message_user(request, str(exc.detail), messages.ERROR)


def links_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
    """POST of the request page's link panel: ``_link`` adds, ``_unlink`` removes; always one submission."""
    request_obj = model_admin.get_object(request, object_id)
    if request_obj is None or request.method != "POST":
        raise PermissionDenied
    page = reverse("admin:requests_app_request_change", args=[request_obj.pk])
    unlinking = "_unlink" in request.POST
    needed = "requests_app.delete_keysupplierlink" if unlinking else "requests_app.add_keysupplierlink"
    if not model_admin.has_view_permission(request, request_obj) or not request.user.has_perm(needed):
        raise PermissionDenied
    form = BulkLinksForm(request.POST, request_obj=request_obj, admin_site=model_admin.admin_site)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                model_admin.message_user(request, error, messages.ERROR)
        return HttpResponseRedirect(page)
    supplier_ids = [supplier.pk for supplier in form.cleaned_data["suppliers"]]
    every = form.cleaned_data["all_keys"]
    key_ids = form.key_ids()
    try:
        if unlinking:
            ticked = form.ticked_links()
            if supplier_ids and not every:
                for key_id in key_ids:
                    ticked.setdefault(key_id, set()).update(supplier_ids)
            if not ticked and not (every and supplier_ids):
                model_admin.message_user(
                    request, _("Tick the links to remove, or pick suppliers and keys."), messages.WARNING
                )
                return HttpResponseRedirect(page)
            outcome = request_unlink_suppliers(
                request_id=request_obj.pk, links=ticked, all_keys=supplier_ids if every else ()
            )
            text = ngettext("%(count)s link removed.", "%(count)s links removed.", outcome.removed)
            model_admin.message_user(request, text % {"count": outcome.removed}, messages.SUCCESS)
            return HttpResponseRedirect(page)
        if not supplier_ids or not (key_ids or every):
            model_admin.message_user(
                request, _("Pick one or more suppliers and tick keys (or all keys)."), messages.WARNING
            )
            return HttpResponseRedirect(page)
        outcome = request_link_suppliers(
            request_id=request_obj.pk,
            moderator=request.user,
            links=None if every else dict.fromkeys(key_ids, supplier_ids),
            all_keys=supplier_ids if every else (),
        )
    except DomainError as exc:
        _report_error(model_admin, request, exc)
        return HttpResponseRedirect(page)
    text = ngettext("%(links)s new link on %(keys)s key.", "%(links)s new links on %(keys)s keys.", outcome.keys) % {
        "links": outcome.added,
        "keys": outcome.keys,
    }
    model_admin.message_user(request, text, messages.SUCCESS)
    return HttpResponseRedirect(page)


TASK_MOVES = {"take": task_take, "done": task_finish, "reopen": task_reopen}


def task_move_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str, move: str
) -> HttpResponseRedirect:
    """POST of a task button (on the task's page or the request page): take / take over, done, reopen."""
    task = model_admin.get_object(request, object_id)
    if task is None or request.method != "POST" or move not in TASK_MOVES:
        raise PermissionDenied
    if not model_admin.has_change_permission(request, task):
        raise PermissionDenied
    back = _back(request, reverse("admin:requests_app_moderatortask_change", args=[task.pk]))
    try:
        outcome = TASK_MOVES[move](task_id=task.pk, moderator=request.user)
    except TaskNotAssignee as exc:
        model_admin.message_user(request, str(exc.detail), messages.ERROR)
        return back
    except DomainError as exc:
        _report_error(model_admin, request, exc)
        return back
    if move == "take" and outcome.taken_from is not None:
        text = _("Task #%(id)s taken over from %(email)s.") % {"id": task.pk, "email": outcome.taken_from.email}
    elif move == "take":
        text = (_("Task #%(id)s taken.") if outcome.moved else _("Task #%(id)s is yours already.")) % {"id": task.pk}
    elif move == "done":
        text = _("Task #%(id)s done; the buyer is told by e-mail.") % {"id": task.pk}
    else:
        text = _("Task #%(id)s reopened.") % {"id": task.pk}
    model_admin.message_user(request, text, messages.SUCCESS)
    return back
