"""Moderator console for blacklists: root domains with example URLs (edit), personal INN lists (read)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from core.domains import InvalidDomain, root_domain

from .models import DomainBlacklistEntry, DomainBlacklistUrl, InnBlacklistEntry
from .services import domain_blacklist_deleted, domain_blacklist_saved


class DomainBlacklistEntryForm(forms.ModelForm):
    class Meta:
        model = DomainBlacklistEntry
        fields = ("domain", "comment")
        help_texts = {"domain": _("Any form (https://www.x.ru/a, WWW.X.RU, x.ru.) — stored as the root domain.")}

    def clean_domain(self) -> str:
        try:
            return root_domain(self.cleaned_data["domain"])
        except InvalidDomain as exc:
            raise forms.ValidationError(str(exc)) from None


class DomainBlacklistUrlFormSet(forms.BaseInlineFormSet):
    """Example URLs must lie under the entry's root domain, as the API requires."""

    def clean(self) -> None:
        super().clean()
        root = self.instance.domain
        for form in self.forms:
            url = (form.cleaned_data or {}).get("url")
            if not url or form in self.deleted_forms:
                continue
            try:
                under = root_domain(url) == root
            except InvalidDomain as exc:
                form.add_error("url", str(exc))
                continue
            if not under:
                form.add_error("url", _("The URL is not under %(root)s.") % {"root": root})


class DomainBlacklistUrlInline(admin.TabularInline):
    model = DomainBlacklistUrl
    formset = DomainBlacklistUrlFormSet
    fields = ("url", "comment", "created_at")
    readonly_fields = ("created_at",)
    extra = 1


@admin.register(DomainBlacklistEntry)
class DomainBlacklistEntryAdmin(admin.ModelAdmin):
    form = DomainBlacklistEntryForm
    inlines = [DomainBlacklistUrlInline]
    list_display = ("domain", "comment", "created_by", "created_at")
    list_select_related = ("created_by",)
    search_fields = ("domain", "comment", "urls__url")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: DomainBlacklistEntry, form: Any, change: bool) -> None:
        """Same rule as the API (the same signals): the new root unticks not-yet-contacted recipients."""
        if not change:
            obj.created_by = request.user
        previous = DomainBlacklistEntry.objects.filter(pk=obj.pk).values_list("domain", flat=True).first()
        super().save_model(request, obj, form, change)
        domain_blacklist_saved(root=obj.domain, previous=previous)

    def delete_model(self, request: HttpRequest, obj: DomainBlacklistEntry) -> None:
        domain = obj.domain
        super().delete_model(request, obj)
        domain_blacklist_deleted(roots=[domain])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DomainBlacklistEntry]) -> None:
        domains = list(queryset.values_list("domain", flat=True))
        super().delete_queryset(request, queryset)
        domain_blacklist_deleted(roots=domains)


@admin.register(InnBlacklistEntry)
class InnBlacklistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Buyers' personal lists: moderators may look, only the buyer changes them."""

    list_display = ("inn", "owner", "reason", "created_at")
    list_select_related = ("owner",)
    search_fields = ("inn", "owner__email", "reason")
    readonly_fields = ("owner", "inn", "reason", "created_at", "updated_at")
