"""Writes of web discovery: starting a run, the life of each key's search, storing hits, the queue's counts.

A key's search goes ``queued → running`` by a conditional UPDATE (of two deliveries of one task, one claims
it), back to ``queued`` while a temporary provider error is retried, and ends ``succeeded`` (its hits stored)
or ``failed`` (with the reason). Ending a search locks its run's row first, so of two searches ending at
the same moment the second sees the first and the run is finished exactly once, when its last key ends:
``failed`` if every key failed, ``succeeded`` otherwise (a key's failure is shown on the key).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from blacklist.models import DomainBlacklistEntry
from core.domains import InvalidDomain, normalize_url, root_domain
from requests_app.errors import RequestNotFound
from requests_app.models import KeySupplierLink, Request, RequestKey
from requests_app.moderation import LINKABLE_STATUSES
from suppliers.models import DomainDecision, DomainDecisionStatus, SupplierSite

from .errors import DiscoveryOff, RequestNotSearchable, RunInProgress
from .models import (
    ACTIVE_STATUSES,
    DiscoveredDomain,
    DomainStatus,
    KeySearch,
    SearchHit,
    SearchRun,
    SearchStatus,
)
from .providers import Result, provider_problem
from .queueing import enqueue_key_searches

MAX_URL = 2000
MAX_TITLE = 500
MAX_ENGINE = 32
RETRY_MAX_SECONDS = 600.0


def run_start(*, request_id: int, depth: int, source: str, moderator: Any) -> SearchRun:
    """Queue a run over every key of a confirmed / processing request; the tasks are published after commit."""
    with transaction.atomic():
        status = Request.objects.select_for_update().filter(pk=request_id).values_list("status", flat=True).first()
        if status is None:
            raise RequestNotFound()
        if (problem := provider_problem()) is not None:
            raise DiscoveryOff(problem)
        if status not in LINKABLE_STATUSES:
            raise RequestNotSearchable()
        active = SearchRun.objects.filter(request_id=request_id, status__in=ACTIVE_STATUSES).first()
        if active is not None:
            raise RunInProgress(runId=str(active.pk))
        try:
            with transaction.atomic():
                run = SearchRun.objects.create(request_id=request_id, depth=depth, source=source, created_by=moderator)
        except IntegrityError:  # the partial unique index: another run started in the meantime
            raise RunInProgress() from None
        key_ids = list(RequestKey.objects.filter(request_id=request_id).order_by("pos").values_list("pk", flat=True))
        KeySearch.objects.bulk_create([KeySearch(run=run, key_id=key_id) for key_id in key_ids])
        search_ids = list(KeySearch.objects.filter(run=run).values_list("pk", flat=True))
        if not search_ids:
            _finish_run(run, now=timezone.now())
        transaction.on_commit(lambda: enqueue_key_searches(search_ids))
    return run


def key_search_claim(*, search_id: int) -> KeySearch | None:
    """``queued → running`` (one attempt more); ``None`` when it is not queued (done, or claimed by another)."""
    now = timezone.now()
    claimed = KeySearch.objects.filter(pk=search_id, status=SearchStatus.QUEUED).update(
        status=SearchStatus.RUNNING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return None
    search = KeySearch.objects.select_related("run", "key").get(pk=search_id)
    SearchRun.objects.filter(pk=search.run_id, status=SearchStatus.QUEUED).update(
        status=SearchStatus.RUNNING, started_at=now
    )
    return search


def retry_delay(attempts: int) -> float:
    """Back-off before the next try: base × 2^(attempts−1), capped at ten minutes."""
    return float(min(RETRY_MAX_SECONDS, settings.SEARCH_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)))


def key_search_retry_later(*, search: KeySearch, reason: str) -> bool:
    """Back to ``queued`` with the reason, for the retried task to claim; False when the sweeper ended it."""
    return bool(
        KeySearch.objects.filter(pk=search.pk, status=SearchStatus.RUNNING).update(
            status=SearchStatus.QUEUED, error=reason[:2000], updated_at=timezone.now()
        )
    )


def key_search_fail(*, search: KeySearch, reason: str) -> bool:
    """``running → failed`` with the reason; finishes the run when it was its last key."""
    with transaction.atomic():
        run = SearchRun.objects.select_for_update().get(pk=search.run_id)
        now = timezone.now()
        ended = KeySearch.objects.filter(pk=search.pk, status=SearchStatus.RUNNING).update(
            status=SearchStatus.FAILED, error=reason[:2000], updated_at=now
        )
        if ended:
            _finish_run_if_done(run, now=now)
    return bool(ended)


@dataclass(frozen=True)
class StoredHits:
    hits: int
    linked: int
    pending: int


def key_search_store(*, search: KeySearch, results: Sequence[Result]) -> StoredHits | None:
    """Store a search's hits, link the cards under its roots, count the other roots; ``None`` if already ended."""
    now = timezone.now()
    hits = _hits(search, results, now=now)
    roots = Counter(hit.root_domain for hit in hits)
    with transaction.atomic():
        run = SearchRun.objects.select_for_update().get(pk=search.run_id)
        ended = KeySearch.objects.filter(pk=search.pk, status=SearchStatus.RUNNING).update(
            status=SearchStatus.SUCCEEDED, items_found=len(hits), error=None, updated_at=now
        )
        if not ended:  # the sweeper failed it meanwhile: its late results are not mixed in
            return None
        SearchHit.objects.bulk_create(hits)
        blacklisted = set(DomainBlacklistEntry.objects.filter(domain__in=list(roots)).values_list("domain", flat=True))
        wanted = {root: count for root, count in roots.items() if root not in blacklisted}
        on_cards = _card_suppliers(wanted)
        linked = _link(((search.key_id, supplier_id) for ids in on_cards.values() for supplier_id in ids),
                       moderator_id=run.created_by_id)  # fmt: skip
        pending = _count_domains(wanted, on_cards=set(on_cards), now=now)
        _finish_run_if_done(run, now=now)
    return StoredHits(hits=len(hits), linked=linked, pending=pending)


def _hits(search: KeySearch, results: Sequence[Result], *, now: Any) -> list[SearchHit]:
    """One hit per distinct URL (the first, best-ranked), with its root domain; unusable URLs are skipped."""
    seen: set[str] = set()
    hits: list[SearchHit] = []
    for result in results:
        try:
            url = normalize_url(result.url)
            root = root_domain(url)
        except InvalidDomain:
            continue
        if url in seen or len(url) > MAX_URL:
            continue
        seen.add(url)
        hits.append(
            SearchHit(key_search_id=search.pk, run_id=search.run_id, key_id=search.key_id, url=url, root_domain=root,
                      rank=len(hits) + 1, engine=result.engine[:MAX_ENGINE], title=result.title[:MAX_TITLE],
                      created_at=now)
        )  # fmt: skip
    return hits


def _card_suppliers(roots: Iterable[str]) -> dict[str, set[int]]:
    """The supplier cards with a site under each root (e-mail domains do not count: mail.ru is nobody's)."""
    found: dict[str, set[int]] = {}
    for root, supplier_id in SupplierSite.objects.filter(root_domain__in=list(roots)).values_list(
        "root_domain", "supplier_id"
    ):
        found.setdefault(root, set()).add(supplier_id)
    return found


def _link(pairs: Iterable[tuple[int, int]], *, moderator_id: int | None) -> int:
    """Link (key, supplier) pairs of confirmed / processing requests; returns how many links are new."""
    wanted = set(pairs)
    if not wanted:
        return 0
    key_ids = {key_id for key_id, _ in wanted}
    linkable = set(
        RequestKey.objects.filter(pk__in=key_ids, request__status__in=LINKABLE_STATUSES).values_list("pk", flat=True)
    )
    existing = set(KeySupplierLink.objects.filter(key_id__in=linkable).values_list("key_id", "supplier_id").order_by())
    new = sorted(pair for pair in wanted if pair[0] in linkable and pair not in existing)
    KeySupplierLink.objects.bulk_create(
        [KeySupplierLink(key_id=k, supplier_id=s, created_by_id=moderator_id) for k, s in new], ignore_conflicts=True
    )
    return len(new)


def _count_domains(counts: dict[str, int], *, on_cards: set[str], now: Any) -> int:
    """Add the hits to each root's counters (rows locked in domain order: no deadlock between workers)."""
    if not counts:
        return 0
    decided = {
        domain: (status, supplier_id, decided_at)
        for domain, status, supplier_id, decided_at in DomainDecision.objects.filter(domain__in=list(counts))
        .exclude(status=DomainDecisionStatus.PENDING)
        .values_list("domain", "status", "supplier_id", "decided_at")
    }
    DiscoveredDomain.objects.bulk_create(
        [_new_domain(root, decided.get(root), on_card=root in on_cards, now=now) for root in sorted(counts)],
        ignore_conflicts=True,
    )
    rows = DiscoveredDomain.objects.select_for_update().filter(domain__in=list(counts)).order_by("domain")
    list(rows.values_list("pk", flat=True))
    DiscoveredDomain.objects.filter(domain__in=list(counts)).update(
        total_hits=F("total_hits")
        + Case(*[When(domain=root, then=Value(n)) for root, n in counts.items()], default=Value(0),
               output_field=IntegerField()),
        last_hit_at=now,
    )  # fmt: skip
    return sum(1 for root in counts if root not in on_cards and root not in decided)


def _new_domain(
    root: str, decision: tuple[str, int | None, Any] | None, *, on_card: bool, now: Any
) -> DiscoveredDomain:
    row = DiscoveredDomain(domain=root, total_hits=0, first_seen_at=now, last_hit_at=now)
    if decision is not None:
        row.status, row.decision, row.supplier_id, row.decided_at = DomainStatus.RESOLVED, *decision
    elif on_card:
        row.status = DomainStatus.RESOLVED
    return row


def _finish_run_if_done(run: SearchRun, *, now: Any) -> bool:
    """Finish the (locked) run when none of its keys is queued or running any more."""
    if run.status not in ACTIVE_STATUSES:
        return False
    if KeySearch.objects.filter(run=run, status__in=ACTIVE_STATUSES).exists():
        return False
    _finish_run(run, now=now)
    return True


def _finish_run(run: SearchRun, *, now: Any) -> None:
    counts = KeySearch.objects.filter(run=run).aggregate(
        total=Count("pk"), failed=Count("pk", filter=Q(status=SearchStatus.FAILED))
    )
    all_failed = counts["total"] > 0 and counts["failed"] == counts["total"]
    run.status = SearchStatus.FAILED if all_failed else SearchStatus.SUCCEEDED
    run.error = _("Every key's search failed.") if all_failed else None
    run.finished_at = now
    run.started_at = run.started_at or now
    run.save(update_fields=["status", "error", "finished_at", "started_at"])


def fail_stuck_searches(*, now: Any = None) -> int:
    """Fail searches queued or running past ``SEARCH_STUCK_AFTER_SECONDS``, and end their runs; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SEARCH_STUCK_AFTER_SECONDS)
    stuck = list(
        KeySearch.objects.filter(status__in=ACTIVE_STATUSES, updated_at__lt=cutoff).values_list("pk", "run_id")
    )
    reason = _("No answer within %(seconds)d s: the search was stopped.") % {
        "seconds": settings.SEARCH_STUCK_AFTER_SECONDS
    }
    failed = 0
    for run_id in sorted({run_id for _search_id, run_id in stuck}):
        with transaction.atomic():
            run = SearchRun.objects.select_for_update().get(pk=run_id)
            failed += KeySearch.objects.filter(run=run, status__in=ACTIVE_STATUSES, updated_at__lt=cutoff).update(
                status=SearchStatus.FAILED, error=reason, updated_at=now
            )
            _finish_run_if_done(run, now=now)
    return failed


def domain_resolve(*, root: str, status: str, supplier_id: int | None, moderator: Any = None) -> int:
    """A moderator decided ``root``: out of the queue (or back into it), and its card linked to every key that
    found it. Returns how many key links were written."""
    rows = DiscoveredDomain.objects.filter(domain=root)
    if status == DomainDecisionStatus.PENDING:
        rows.update(status=DomainStatus.PENDING, decision=None, supplier=None, decided_at=None)
        return 0
    rows.update(status=DomainStatus.RESOLVED, decision=status, supplier_id=supplier_id, decided_at=timezone.now())
    if supplier_id is None:
        return 0
    key_ids = SearchHit.objects.filter(root_domain=root).values_list("key_id", flat=True).distinct().order_by()
    return _link(((key_id, supplier_id) for key_id in key_ids), moderator_id=getattr(moderator, "pk", None))
