"""Web discovery in the moderators' console: "Find suppliers" on requests, the runs' progress, the pending domains.

Runs, key searches and discovered domains are written only by the services and the workers, so their pages are
read-only; a run is started by the request action, which calls the same ``services.run_start`` as
``POST /moderator/requests/{requestId}/start-parsing``, and a domain is decided on the domain-decision form
(``suppliers.admin``) one click from its page. The pages read the queue through ``selectors``.
"""

from collections.abc import Sequence

from django.contrib import admin, messages
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin
from core.errors import DomainError
from requests_app.admin import RequestAdmin
from requests_app.extensions import KeyColumn, register_key_column
from requests_app.models import Request
from suppliers.models import DomainDecision, DomainDecisionStatus

from .errors import DiscoveryOff, RunInProgress
from .models import (
    DEFAULT_DEPTH,
    FINAL_STATUSES,
    DiscoveredDomain,
    DomainStatus,
    KeySearch,
    SearchHit,
    SearchRun,
    SearchSource,
)
from .selectors import domain_urls
from .services import run_start

# Hits shown on a domain's page: its URLs with their titles and keys, most hits first.
URLS_SHOWN = 100


@admin.action(description=_("Find suppliers for the keys (start a web search run)"), permissions=("view",))
def find_suppliers(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Request]) -> None:
    """Start a run per selected request, exactly as ``start-parsing`` does, and say what was refused and why."""
    started = 0
    for pk in queryset.order_by("pk").values_list("pk", flat=True):
        try:
            run_start(request_id=pk, depth=DEFAULT_DEPTH, source=SearchSource.BOTH, moderator=request.user)
        except DiscoveryOff as exc:  # the same for every request: say it once, with how to turn it on
            model_admin.message_user(request, str(exc.detail), messages.ERROR)
            return
        except RunInProgress:
            model_admin.message_user(
                request, _("Request #%(id)s: a search run is already queued or running.") % {"id": pk}, messages.WARNING
            )
        except DomainError as exc:  # invalid_state (not confirmed / processing), or gone meanwhile
            model_admin.message_user(request, f"#{pk}: {exc.detail}", messages.WARNING)
        else:
            started += 1
    if started:
        text = ngettext("%(count)s search run started.", "%(count)s search runs started.", started)
        model_admin.message_user(request, text % {"count": started}, messages.SUCCESS)


@admin.display(description=_("web search runs"))
def search_runs(obj: Request) -> str:
    """The request's latest run with its status, and the list of all its runs (each run's page shows its keys)."""
    latest = SearchRun.objects.filter(request_id=obj.pk).order_by("-created_at").first()
    if latest is None:
        return _("None yet: use the “Find suppliers” action on the request list.")
    runs = reverse("admin:discovery_searchrun_changelist") + "?" + urlencode({"request__id__exact": obj.pk})
    return format_html(
        '<a href="{}">{}: {}</a> · <a href="{}">{}</a>',
        reverse("admin:discovery_searchrun_change", args=[latest.pk]),
        _("latest run"),
        latest.get_status_display(),
        runs,
        _("all runs"),
    )


# requests_app sits below discovery on the floor plan and may not know discovery, so discovery adds its action
# and its field to the already registered RequestAdmin when the admin autodiscovery imports this module (after
# requests_app.admin: INSTALLED_APPS order, and the import above).
RequestAdmin.actions = (*RequestAdmin.actions, find_suppliers)
RequestAdmin.readonly_fields = (*RequestAdmin.readonly_fields, search_runs)
RequestAdmin.fields = RequestAdmin.readonly_fields


# Beside each key on the request page: the roots its searches found, with their state and decision buttons.
DOMAINS_PER_KEY = 12


def _decide_url(domain: str, decision_id: int | None, status: str | None = None) -> str:
    if decision_id is not None:
        return reverse("admin:suppliers_domaindecision_change", args=[decision_id])
    query = {"domain": domain, **({"status": status} if status else {})}
    return reverse("admin:suppliers_domaindecision_add") + "?" + urlencode(query)


def key_domains_cells(request: Request, key_ids: Sequence[int]) -> dict[int, str]:
    """``{key_id: HTML}``: each key's root domains over all its runs, best rank first, in three queries.

    A pending root gets its decision buttons (supplier / reseller / blacklist open the Decide form with that
    verdict chosen); a resolved one shows its verdict and card; a root on a card when found says "linked".
    """
    rows = list(
        SearchHit.objects.filter(key_id__in=list(key_ids))
        .values("key_id", "root_domain")
        .annotate(best=Min("rank"), hits=Count("id"))
        .order_by("key_id", "best", "root_domain")
    )
    if not rows:
        return {}
    roots = {row["root_domain"] for row in rows}
    found = {row.domain: row for row in DiscoveredDomain.objects.filter(domain__in=roots).select_related("supplier")}
    decisions = dict(DomainDecision.objects.filter(domain__in=roots).values_list("domain", "pk"))
    by_key: dict[int, list[str]] = {}
    for row in rows:
        items = by_key.setdefault(row["key_id"], [])
        if len(items) < DOMAINS_PER_KEY:
            items.append(_domain_item(row["root_domain"], row["hits"], found.get(row["root_domain"]), decisions))
    return {key_id: format_html_join("", "{}<br>", ((item,) for item in items)) for key_id, items in by_key.items()}


def _domain_item(root: str, hits: int, domain: DiscoveredDomain | None, decisions: dict[str, int]) -> str:
    page = reverse("admin:discovery_discovereddomain_changelist") + "?" + urlencode({"q": root})
    head = format_html('<a href="{}">{}</a> <span class="quiet">({})</span>', page, root, hits)
    if domain is not None and domain.status == DomainStatus.PENDING:
        buttons = format_html_join(
            " ",
            '<a class="button console-decide" href="{}">{}</a>',
            (
                (_decide_url(root, None, DomainDecisionStatus.SUPPLIER), _("supplier")),
                (_decide_url(root, None, DomainDecisionStatus.RESELLER), _("reseller")),
                (_decide_url(root, None, DomainDecisionStatus.BLACKLIST), _("blacklist")),
            ),
        )
        return format_html("{} {}", head, buttons)
    if domain is not None and domain.supplier_id is not None:
        verdict = domain.decision or _("linked")
        return format_html(
            '{} — {}: <a href="{}">{}</a>',
            head,
            verdict,
            reverse("admin:suppliers_supplier_change", args=[domain.supplier_id]),
            domain.supplier.name,
        )
    if domain is not None and domain.decision:
        return format_html('{} — <a href="{}">{}</a>', head, _decide_url(root, decisions.get(root)), domain.decision)
    return head


register_key_column(KeyColumn(name="domains", label=_("domains found (decide)"), cells=key_domains_cells))


class KeySearchInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = KeySearch
    fields = ("key_pos", "key_text", "status", "items_found", "domains_found", "attempts", "error", "updated_at")
    readonly_fields = fields
    extra = 0
    ordering = ("key__pos", "key_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[KeySearch]:
        hits = SearchHit.objects.only("key_search_id", "root_domain").order_by("rank", "pk")
        return super().get_queryset(request).select_related("key").prefetch_related(Prefetch("hits", queryset=hits))

    @admin.display(description=_("domains found"))
    def domains_found(self, obj: KeySearch) -> str:
        """The key's root domains in rank order, each opening the domain's page (and its Decide link)."""
        roots = list(dict.fromkeys(hit.root_domain for hit in obj.hits.all()))
        listing = reverse("admin:discovery_discovereddomain_changelist")
        links = ((f"{listing}?{urlencode({'q': root})}", root) for root in roots)
        return format_html_join(", ", '<a href="{}">{}</a>', links) or "—"

    @admin.display(description=_("key #"), ordering="key__pos")
    def key_pos(self, obj: KeySearch) -> int:
        return obj.key.pos

    @admin.display(description=_("key"))
    def key_text(self, obj: KeySearch) -> str:
        return obj.key.text


@admin.register(SearchRun)
class SearchRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "request_link",
        "depth",
        "source",
        "keys_progress",
        "items",
        "created_at",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "source", "created_at")
    list_select_related = ("request",)
    search_fields = ("=request__id", "request__title")
    readonly_fields = (
        "request_link",
        "status",
        "depth",
        "source",
        "keys_progress",
        "items",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "error",
    )
    fields = readonly_fields
    inlines = (KeySearchInline,)
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SearchRun]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                keys_count=Count("searches"),
                keys_done=Count("searches", filter=Q(searches__status__in=FINAL_STATUSES)),
                items_count=Coalesce(Sum("searches__items_found"), 0),
            )
        )

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, obj: SearchRun) -> str:
        url = reverse("admin:requests_app_request_change", args=[obj.request_id])
        return format_html('<a href="{}">#{} {}</a>', url, obj.request_id, obj.request.title)

    @admin.display(description=_("keys done / total"))
    def keys_progress(self, obj: SearchRun) -> str:
        return f"{obj.keys_done} / {obj.keys_count}"

    @admin.display(description=_("items found"), ordering="items_count")
    def items(self, obj: SearchRun) -> int:
        return obj.items_count


@admin.register(DiscoveredDomain)
class DiscoveredDomainAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The pending-domain queue (filter "pending"), most hits first; the decision is taken on its own form."""

    list_display = ("domain", "total_hits", "status", "first_seen_at", "last_hit_at", "decide")
    list_filter = ("status",)
    search_fields = ("domain",)
    ordering = ("-total_hits", "domain")
    readonly_fields = (
        "domain",
        "status",
        "total_hits",
        "first_seen_at",
        "last_hit_at",
        "decision",
        "supplier",
        "decided_at",
        "decide",
        "found_urls",
    )
    fields = readonly_fields

    @admin.display(description=_("decision form"))
    def decide(self, obj: DiscoveredDomain) -> str:
        existing = DomainDecision.objects.filter(domain=obj.domain).values_list("pk", flat=True).first()
        if existing is not None:
            url = reverse("admin:suppliers_domaindecision_change", args=[existing])
        else:
            url = reverse("admin:suppliers_domaindecision_add") + "?" + urlencode({"domain": obj.domain})
        return format_html('<a href="{}">{}</a>', url, _("Decide"))

    @admin.display(description=_("URLs found, their titles and the keys that found them"))
    def found_urls(self, obj: DiscoveredDomain) -> str:
        """Two queries: the URLs with their hit counts and keys (``selectors.domain_urls``), then their titles."""
        domain_urls(domains=[obj])
        rows = obj.urls[:URLS_SHOWN]
        if not rows:
            return "—"
        titles = dict(
            SearchHit.objects.filter(root_domain=obj.domain, url__in=[row["url"] for row in rows])
            .exclude(title="")
            .values_list("url", "title")
            .order_by("url", "-created_at")
            .distinct("url")
        )
        items = format_html_join(
            "",
            '<li><a href="{}" rel="noopener noreferrer">{}</a> — {} ({}: {}; {}: {})</li>',
            (
                (row["url"], row["url"], titles.get(row["url"], "—"), _("hits"), row["hitcount"], _("keys"),
                 ", ".join(row["keys"]))
                for row in rows
            ),
        )  # fmt: skip
        return format_html("<ul>{}</ul>", items)
