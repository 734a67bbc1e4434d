"""Moderator console for supplier cards: search by name, INN or domain; sites inline; refresh Checko."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .domains import InvalidDomain, normalize_url, root_domain
from .inn import InvalidInn, normalize_inn
from .models import MAX_EXTRA_EMAILS, Supplier, SupplierSite
from .services import supplier_request_checko_refresh, supplier_sync_domains


class SupplierSiteForm(forms.ModelForm):
    class Meta:
        model = SupplierSite
        fields = ("url",)

    def clean_url(self) -> str:
        try:
            url = normalize_url(self.cleaned_data["url"])
        except InvalidDomain as exc:
            raise forms.ValidationError(str(exc)) from None
        self.instance.root_domain = root_domain(url)
        return url


class SupplierSiteInline(admin.TabularInline):
    model = SupplierSite
    form = SupplierSiteForm
    fields = ("url", "root_domain", "created_at")
    readonly_fields = ("root_domain", "created_at")
    extra = 1


class SupplierAdminForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ("type", "inn", "name", "email", "emails", "phone", "comment")

    def clean_inn(self) -> str:
        try:
            return normalize_inn(self.cleaned_data["inn"])
        except InvalidInn as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_emails(self) -> list[str]:
        emails = self.cleaned_data.get("emails") or []
        if not isinstance(emails, list) or not all(isinstance(item, str) for item in emails):
            raise forms.ValidationError('Enter a JSON list of e-mail addresses, e.g. ["info@example.ru"].')
        if len(emails) > MAX_EXTRA_EMAILS:
            raise forms.ValidationError(f"At most {MAX_EXTRA_EMAILS} extra e-mail addresses.")
        validator = forms.EmailField()
        return [validator.clean(item).lower() for item in emails]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    form = SupplierAdminForm
    inlines = [SupplierSiteInline]
    list_display = ("name", "inn", "type", "email", "checko_updated_at", "checko_error", "updated_at")
    list_filter = ("type",)
    search_fields = ("name", "inn", "email", "sites__url", "domains__root_domain")
    readonly_fields = ("checko_data", "checko_updated_at", "checko_error", "created_at", "updated_at")
    actions = ["refresh_checko"]
    ordering = ("name", "id")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Supplier], search_term: str
    ) -> tuple[QuerySet[Supplier], bool]:
        """Also find a card by any URL, host or e-mail under one of its root domains."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            root = root_domain(search_term.strip())
        except InvalidDomain:
            return results, may_have_duplicates
        return results | queryset.under_root(root), True

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        supplier_sync_domains(supplier=form.instance)
        if not change:
            supplier_request_checko_refresh(supplier=form.instance)

    @admin.action(description="Refresh Checko data")
    def refresh_checko(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> None:
        queued = sum(supplier_request_checko_refresh(supplier=supplier) for supplier in queryset)
        if queued:
            self.message_user(request, f"Checko refresh queued for {queued} supplier(s).", messages.SUCCESS)
        else:
            self.message_user(request, "Checko is off: CHECKO_API_KEY is not set.", messages.WARNING)
