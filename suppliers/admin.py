"""Moderator console for supplier cards (search by name, INN or domain; sites inline; refresh Checko), domain
decisions (made through ``decisions.domain_decide``, the same service as the API) and the URLs seen under a domain.
"""

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.domains import InvalidDomain, normalize_url, root_domain
from core.errors import DomainError
from core.inn import InvalidInn, normalize_inn

from .checko import CHECKO_OFF_MESSAGE, CheckoClient
from .decisions import CARD_STATUSES, CardData, domain_decide, domain_url_add
from .models import MAX_EXTRA_EMAILS, DomainDecision, DomainUrl, Supplier, SupplierSite
from .search import fold
from .services import supplier_request_checko_refresh, supplier_sync_domains


class RootedUrlForm(forms.ModelForm):
    """A URL field stored normalised, with its root domain written to ``root_field`` of the instance."""

    root_field = "root_domain"

    def clean_url(self) -> str:
        try:
            url = normalize_url(self.cleaned_data["url"])
        except InvalidDomain as exc:
            raise forms.ValidationError(str(exc)) from None
        setattr(self.instance, self.root_field, root_domain(url))
        return url


class SupplierSiteForm(RootedUrlForm):
    class Meta:
        model = SupplierSite
        fields = ("url",)


class SupplierSiteInline(admin.TabularInline):
    model = SupplierSite
    form = SupplierSiteForm
    fields = ("url", "root_domain", "created_at")
    readonly_fields = ("root_domain", "created_at")
    extra = 1


CHECKO_OFF_NOTE = _("Checko is off: CHECKO_API_KEY is not set.")


class EmailListField(forms.Field):
    """A list of e-mail addresses typed one per line (commas, semicolons and spaces separate them too).

    Every address is checked on its own; the error names each bad one. Stored as a JSON list (``Supplier.emails``).
    """

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})
    separators = re.compile(r"[\s,;]+")

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return [item for item in self.separators.split(value or "") if item]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        bad = []
        for item in value:
            try:
                validate_email(item)
            except forms.ValidationError:
                bad.append(item)
        if bad:
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        _("“%(address)s” is not a valid e-mail address."), code="invalid", params={"address": item}
                    )
                    for item in bad
                ]
            )


class SupplierAdminForm(forms.ModelForm):
    emails = EmailListField(
        label=_("more e-mails"),
        required=False,
        help_text=_("One address per line, besides the sales e-mail."),
    )

    class Meta:
        model = Supplier
        fields = ("type", "inn", "name", "email", "emails", "phone", "comment")

    def clean_inn(self) -> str:
        try:
            return normalize_inn(self.cleaned_data["inn"])
        except InvalidInn as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_emails(self) -> list[str]:
        emails: list[str] = []
        for item in self.cleaned_data.get("emails") or []:
            if item.lower() not in emails:
                emails.append(item.lower())
        if len(emails) > MAX_EXTRA_EMAILS:
            raise forms.ValidationError(_("At most %(limit)s extra e-mail addresses.") % {"limit": MAX_EXTRA_EMAILS})
        return emails


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    form = SupplierAdminForm
    inlines = [SupplierSiteInline]
    list_display = ("name", "inn", "type", "email", "checko_updated_at", "checko_problem", "updated_at")
    list_filter = ("type",)
    search_fields = ("search_text",)  # matched by ``get_search_results``, case-folded (suppliers/search.py)
    readonly_fields = ("checko_data", "checko_updated_at", "checko_error", "created_at", "updated_at")
    actions = ["refresh_checko"]
    ordering = ("name", "id")

    @admin.display(description=_("checko error"), ordering="checko_error")
    def checko_problem(self, obj: Supplier) -> str:
        """Blank for "Checko is off": that is said once, above the list, not on every row."""
        return "" if obj.checko_error in (None, CHECKO_OFF_MESSAGE) else obj.checko_error

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET" and not CheckoClient.from_settings().enabled:
            off = str(CHECKO_OFF_NOTE)
            if not any(str(note.message) == off for note in messages.get_messages(request)):  # e.g. from the action
                self.message_user(request, off, messages.INFO)
        return super().changelist_view(request, extra_context)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Supplier], search_term: str
    ) -> tuple[QuerySet[Supplier], bool]:
        """Every word of the term, case-folded, in the stored search text (name, INN, e-mails, any part of a
        domain: ``флан`` finds ``ФланцМаш`` on SQLite too); or any URL, host or e-mail under a card's root domain.
        """
        words = [fold(word) for word in search_term.split()]
        if not any(words):
            return queryset, False
        results = queryset.filter(*[Q(search_text__contains=word) for word in words if word])
        try:
            root = root_domain(search_term.strip())
        except InvalidDomain:
            return results, False
        return results | queryset.under_root(root), True

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        supplier_sync_domains(supplier=form.instance)
        if not change:
            supplier_request_checko_refresh(supplier=form.instance)

    @admin.action(description=_("Refresh Checko data"))
    def refresh_checko(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> None:
        queued = sum(supplier_request_checko_refresh(supplier=supplier) for supplier in queryset)
        if queued:
            message = ngettext(
                "Checko refresh queued for %(count)s supplier.",
                "Checko refresh queued for %(count)s suppliers.",
                queued,
            ) % {"count": queued}
            self.message_user(request, message, messages.SUCCESS)
        else:
            self.message_user(request, CHECKO_OFF_NOTE, messages.WARNING)


class DomainDecisionForm(forms.ModelForm):
    """The verdict plus, for supplier / reseller, the card it creates or updates (found by INN).

    Validation runs the service itself, so its refusals (blacklisted root, URL on another card, bad INN) are
    shown on the form; the admin's own transaction makes the write and the change-log entry one unit.
    """

    card_inn = forms.CharField(label=_("card INN"), required=False, max_length=12)
    card_name = forms.CharField(label=_("card name"), required=False, max_length=500)
    card_email = forms.EmailField(label=_("card e-mail"), required=False, max_length=254)
    card_phone = forms.CharField(label=_("card phone"), required=False, max_length=64)

    class Meta:
        model = DomainDecision
        fields = ("domain", "status", "comment")
        help_texts = {"domain": _("Any form (https://www.x.ru/a, WWW.X.RU) — stored as the root domain.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        card = self.instance.supplier if self.instance.pk and self.instance.supplier_id else None
        if card is not None:
            self.initial.update(card_inn=card.inn, card_name=card.name, card_email=card.email, card_phone=card.phone)
        self.decision: DomainDecision | None = None

    def clean_domain(self) -> str:
        given = self.cleaned_data["domain"]
        try:
            root = root_domain(given)
        except InvalidDomain as exc:
            raise forms.ValidationError(str(exc)) from None
        self.given_domain = given.strip()  # a URL given here is kept by the service (not the home page)
        return root

    def validate_unique(self) -> None:
        """One row per root is the service's rule (deciding again replaces the verdict), not a form error."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        domain = getattr(self, "given_domain", None) or data.get("domain") or self.instance.domain
        if self.errors or not domain:
            return data
        status = data["status"]
        card = None
        if status in CARD_STATUSES:
            missing = [name for name in ("card_inn", "card_name", "card_email") if not data.get(name)]
            for name in missing:
                self.add_error(name, _("Needed for a supplier or reseller decision."))
            if missing:
                return data
            card = CardData(
                inn=data["card_inn"],
                name=data["card_name"],
                email=data["card_email"],
                phone=(data.get("card_phone") or "").strip() or None,
            )
        try:
            self.decision = domain_decide(
                domain=domain,
                status=status,
                card=card,
                comment=(data.get("comment") or "").strip() or None,
                moderator=self.moderator,
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.detail) from None
        return data


@admin.register(DomainDecision)
class DomainDecisionAdmin(admin.ModelAdmin):
    form = DomainDecisionForm
    list_display = ("domain", "status", "supplier", "decided_by", "decided_at")
    list_filter = ("status", "decided_at")
    list_select_related = ("supplier", "decided_by")
    search_fields = ("domain", "supplier__name", "supplier__inn", "comment")
    readonly_fields = ("supplier", "decided_by", "decided_at", "created_at")
    date_hierarchy = "decided_at"

    def get_readonly_fields(self, request: HttpRequest, obj: DomainDecision | None = None) -> tuple[str, ...]:
        return ("domain", *self.readonly_fields) if obj is not None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.moderator = request.user
        return form

    def save_model(self, request: HttpRequest, obj: DomainDecision, form: Any, change: bool) -> None:
        """The service already wrote the decision during validation; show that row."""
        obj.pk, obj._state.adding = form.decision.pk, False
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a verdict is overwritten by a new one, never lost


class DomainUrlForm(RootedUrlForm):
    root_field = "domain"

    class Meta:
        model = DomainUrl
        fields = ("url",)


@admin.register(DomainUrl)
class DomainUrlAdmin(admin.ModelAdmin):
    """URLs seen under a root: a supplier / reseller decision gives them to the card."""

    form = DomainUrlForm
    list_display = ("url", "domain", "created_at")
    search_fields = ("url", "domain")
    readonly_fields = ("domain", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: DomainUrl | None = None) -> tuple[str, ...]:
        return ("url", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: DomainUrl, form: Any, change: bool) -> None:
        """Through the service (idempotent: an URL seen before is the same row)."""
        row = domain_url_add(domain=obj.domain, url=obj.url)
        obj.pk, obj._state.adding = row.pk, False
