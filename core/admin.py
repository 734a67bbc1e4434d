"""Admin pieces every app uses: the one read-only admin (moderators see these records but never add, change or
delete them) and a list filter that searches a foreign key as you type."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdminMixin:
    """Mix into a ``ModelAdmin`` (before it) for records written only by the services or the workers."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AutocompleteListFilter(admin.FieldListFilter):
    """A list filter on a foreign key that searches as you type, instead of listing every related row.

    ``list_filter = [("supplier", AutocompleteListFilter)]``. The box is the admin's own autocomplete widget
    (select2 over ``admin:autocomplete``): it finds rows through the related model's admin search (its
    ``search_fields`` / ``get_search_results``), so that admin must define a search; the changelist's admin mixes in
    ``AutocompleteFilterMediaMixin`` for the widget's scripts. "Filter" applies the choice (a plain GET form that keeps
    the other filters; no inline script, as the CSP wants); "All" removes it.
    """

    template = "admin/autocomplete_filter.html"

    def __init__(self, field: Any, request: HttpRequest, params: Any, model: Any, model_admin: Any, field_path: str):
        self.lookup_kwarg = f"{field_path}__{field.target_field.attname}__exact"
        super().__init__(field, request, params, model, model_admin, field_path)
        given: Any = self.used_parameters.get(self.lookup_kwarg) or []
        values = [value for value in given if value]
        if values:
            self.used_parameters[self.lookup_kwarg] = values
        else:
            self.used_parameters.pop(self.lookup_kwarg, None)  # an emptied box means "all", not an error
        self.value = values[0] if values else None
        self.other_params = [
            (name, value)
            for name, items in request.GET.lists()
            if name not in {self.lookup_kwarg, PAGE_VAR}
            for value in items
        ]
        widget = AutocompleteSelect(field, model_admin.admin_site, attrs={"id": f"autocomplete-filter-{field_path}"})
        widget.choices = ModelChoiceIterator(ModelChoiceField(field.remote_field.model._default_manager.all()))
        self.widget_html = widget.render(self.lookup_kwarg, self.value)
        self.submit_label = _("Filter")

    def expected_parameters(self) -> list[str | None]:
        return [self.lookup_kwarg]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": _("All"),
        }


class AutocompleteFilterMediaMixin:
    """Mix into a ``ModelAdmin`` (before it) whose ``list_filter`` uses ``AutocompleteListFilter``."""

    @property
    def media(self) -> forms.Media:
        # The widget's media need neither a field nor a site (only the select2 language).
        return super().media + AutocompleteSelect(None, None).media  # type: ignore[misc, arg-type]
