"""Reads of web discovery for moderators: runs and their keys, grouped results, the pending queue, hits.

Every page is a fixed number of queries whatever the number of hits: the queue reads ``DiscoveredDomain``
(counts kept when hits are stored) and one grouped query over the page's hits for its URLs and keys.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce

from blacklist.selectors import blacklisted_roots
from core.domains import InvalidDomain, normalize_url, root_domain
from requests_app.errors import RequestNotFound
from requests_app.models import Request
from suppliers.models import DomainDecision, DomainDecisionStatus, SupplierSite

from .errors import PendingDomainNotFound, RunNotFound
from .models import DiscoveredDomain, DomainStatus, KeySearch, SearchHit, SearchRun

CONTRACT_ENGINES = ("google", "yandex")
PENDING_ORDER = {"hits": "total_hits", "totalhits": "total_hits", "createdat": "first_seen_at",
                 "lasthitat": "last_hit_at", "domain": "domain"}  # fmt: skip


def contract_source(engine: str) -> str | None:
    """The contract's ``source`` of a hit: google / yandex, or nothing for other engines."""
    return engine if engine in CONTRACT_ENGINES else None


def runs_with_counts() -> QuerySet[SearchRun]:
    return SearchRun.objects.annotate(
        keys_count=Count("searches"), items_found=Coalesce(Sum("searches__items_found"), 0)
    ).order_by("-created_at", "pk")


def run_list(*, status: str | None) -> QuerySet[SearchRun]:
    runs = runs_with_counts()
    return runs.filter(status=status) if status else runs


def run_get(*, run_id: str) -> SearchRun:
    try:
        pk = uuid.UUID(str(run_id))
    except ValueError:
        raise RunNotFound() from None
    run = runs_with_counts().filter(pk=pk).first()
    if run is None:
        raise RunNotFound()
    return run


def run_searches(*, run: SearchRun) -> list[KeySearch]:
    return list(KeySearch.objects.filter(run=run).order_by("key__pos", "key_id"))


def latest_run(*, request_id: int) -> SearchRun:
    """The request's newest run; 404 when the request is unknown or was never searched."""
    run = runs_with_counts().filter(request_id=request_id).first()
    if run is None:
        if not Request.objects.filter(pk=request_id).exists():
            raise RequestNotFound()
        raise RunNotFound()
    return run


@dataclass
class DomainGroup:
    domain: str
    urls: list[str] = field(default_factory=list)
    source: str | None = None
    title: str | None = None


def run_results(*, run: SearchRun) -> list[tuple[int, list[DomainGroup]]]:
    """Per key of the run (in key order): its hits grouped by root domain, best rank first, blacklisted roots out."""
    groups: dict[int, dict[str, DomainGroup]] = {search.key_id: {} for search in run_searches(run=run)}
    hits = (
        SearchHit.objects.filter(run=run)
        .exclude(root_domain__in=blacklisted_roots())
        .order_by("key_id", "rank")
        .values_list("key_id", "root_domain", "url", "engine", "title")
    )
    for key_id, root, url, engine, title in hits:
        group = groups.setdefault(key_id, {}).get(root)
        if group is None:
            group = groups[key_id][root] = DomainGroup(domain=root, source=contract_source(engine), title=title or None)
        group.urls.append(url)
    return [(key_id, list(by_root.values())) for key_id, by_root in groups.items()]


def pending_domains(*, sort_by: str = "hits", descending: bool = True) -> QuerySet[DiscoveredDomain]:
    """The queue: found, undecided, not blacklisted, not on a card (checked again here: the blacklist and the
    cards can change without a decision)."""
    on_card = SupplierSite.objects.filter(root_domain=OuterRef("domain"))
    decided = DomainDecision.objects.filter(domain=OuterRef("domain")).exclude(status=DomainDecisionStatus.PENDING)
    order = PENDING_ORDER[sort_by]
    return (
        DiscoveredDomain.objects.filter(status=DomainStatus.PENDING)
        .exclude(domain__in=blacklisted_roots())
        .exclude(Exists(on_card))
        .exclude(Exists(decided))
        .order_by(f"-{order}" if descending else order, "domain")
    )


def pending_domain_get(*, domain: str) -> DiscoveredDomain:
    try:
        root = root_domain(domain)
    except InvalidDomain:
        raise PendingDomainNotFound() from None
    row = pending_domains().filter(domain=root).first()
    if row is None:
        raise PendingDomainNotFound()
    return row


def domain_urls(*, domains: list[DiscoveredDomain]) -> None:
    """Attach ``urls`` (``[{url, hitcount, keys}]``, most hits first) and ``url_count`` to each row: one query."""
    by_url: dict[str, dict[str, Any]] = {}
    found = (
        SearchHit.objects.filter(root_domain__in=[row.domain for row in domains])
        .values_list("root_domain", "url", "key__text")
        .annotate(hits=Count("pk"))
        .order_by()
    )
    per_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for root, url, key_text, hits in found:
        item = by_url.get(url)
        if item is None:
            item = by_url[url] = {"url": url, "hitcount": 0, "keys": []}
            per_domain[root].append(item)
        item["hitcount"] += hits
        if key_text not in item["keys"]:
            item["keys"].append(key_text)
    for row in domains:
        row.urls = sorted(per_domain[row.domain], key=lambda item: (-item["hitcount"], item["url"]))
        row.url_count = len(row.urls)


def hits_for_domain(*, domain: str) -> QuerySet[SearchHit]:
    try:
        root = root_domain(domain)
    except InvalidDomain:
        return SearchHit.objects.none()
    return _hits().filter(root_domain=root)


def hits_for_url(*, url: str) -> QuerySet[SearchHit]:
    try:
        clean = normalize_url(url)
    except InvalidDomain:
        clean = url.strip()
    return _hits().filter(url=clean)


def _hits() -> QuerySet[SearchHit]:
    return SearchHit.objects.select_related("key").order_by("-created_at", "-pk")


def resolved_domains(*, status: str | None) -> QuerySet[DiscoveredDomain]:
    """Found domains a moderator decided (supplier / reseller / blacklist), latest decision first."""
    rows = DiscoveredDomain.objects.filter(status=DomainStatus.RESOLVED, decision__isnull=False)
    if status:
        rows = rows.filter(decision=status)
    return rows.order_by("-decided_at", "domain")
