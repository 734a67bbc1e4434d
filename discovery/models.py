"""Web discovery: search runs per request, one search per key, every hit, and the domains hits found.

A run (``SearchRun``) asks the configured search provider about each key of a request (``KeySearch``, one
Celery task each); every result URL is logged as a ``SearchHit`` with its registrable root domain. Roots that
are neither blacklisted nor on a supplier card are counted in ``DiscoveredDomain`` (hits, first and last
seen), which is what makes the moderators' pending-domain queue one indexed read per page.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models import Request, RequestKey
from suppliers.models import Supplier

MAX_DEPTH = 50
DEFAULT_DEPTH = 10


class SearchStatus(models.TextChoices):
    """The status of a run and of each key's search: ``queued → running → succeeded | failed``."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (SearchStatus.QUEUED, SearchStatus.RUNNING)
FINAL_STATUSES = (SearchStatus.SUCCEEDED, SearchStatus.FAILED)


class SearchSource(models.TextChoices):
    GOOGLE = "google", _("Google")
    YANDEX = "yandex", _("Yandex")
    BOTH = "both", _("Google and Yandex")


class SearchRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=SearchStatus.choices, default=SearchStatus.QUEUED)
    depth = models.PositiveSmallIntegerField(_("depth (result pages)"), default=DEFAULT_DEPTH)
    source = models.CharField(_("source"), max_length=16, choices=SearchSource.choices, default=SearchSource.BOTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("search run")
        verbose_name_plural = _("search runs")
        indexes = [models.Index(fields=["request", "-created_at"], name="discovery_run_request_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(depth__gte=1, depth__lte=MAX_DEPTH), name="discovery_run_depth"),
            models.CheckConstraint(condition=models.Q(status__in=SearchStatus.values), name="discovery_run_status"),
            # One run at a time per request: the database refuses a second active one even under a race.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status__in=["queued", "running"]),
                name="discovery_one_active_run_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of request {self.request_id}: {self.status}"


class KeySearch(models.Model):
    run = models.ForeignKey(SearchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="searches")
    key = models.ForeignKey(RequestKey, verbose_name=_("key"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=SearchStatus.choices, default=SearchStatus.QUEUED)
    items_found = models.PositiveIntegerField(_("items found"), default=0)
    error = models.TextField(_("error"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ("run_id", "key_id")
        verbose_name = _("key search")
        verbose_name_plural = _("key searches")
        indexes = [models.Index(fields=["status", "updated_at"], name="discovery_search_sweep_idx")]
        constraints = [
            models.UniqueConstraint(fields=["run", "key"], name="discovery_one_search_per_key_and_run"),
            models.CheckConstraint(condition=models.Q(status__in=SearchStatus.values), name="discovery_search_status"),
        ]

    def __str__(self) -> str:
        return f"key {self.key_id} in run {self.run_id}: {self.status}"


class SearchHit(models.Model):
    """One result URL of one key's search, as the provider ranked it (every hit is kept, blacklisted or not)."""

    key_search = models.ForeignKey(
        KeySearch, verbose_name=_("key search"), on_delete=models.CASCADE, related_name="hits"
    )
    run = models.ForeignKey(SearchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="+")
    key = models.ForeignKey(RequestKey, verbose_name=_("key"), on_delete=models.CASCADE, related_name="+")
    url = models.CharField(_("url"), max_length=2000)
    root_domain = models.CharField(_("root domain"), max_length=253)
    rank = models.PositiveIntegerField(_("rank"))
    engine = models.CharField(_("engine"), max_length=32, blank=True, default="")
    title = models.CharField(_("title"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("run_id", "key_id", "rank")
        verbose_name = _("search hit")
        verbose_name_plural = _("search hits")
        indexes = [
            models.Index(fields=["root_domain", "created_at"], name="discovery_hit_domain_idx"),
            models.Index(fields=["url"], name="discovery_hit_url_idx"),
            models.Index(fields=["run", "key"], name="discovery_hit_run_key_idx"),
        ]

    def __str__(self) -> str:
        return self.url


class DomainStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")


class DiscoveredDomain(models.Model):
    """A root domain discovery found (not blacklisted when found), with running counts of its hits.

    ``pending`` until a moderator decides it (supplier / reseller / blacklist), then ``resolved`` with the
    verdict copied here by ``discovery.receivers`` (``suppliers.signals.domain_decided``). A root that was on a
    supplier card when it was found is ``resolved`` with no verdict: it was linked to the key at once.
    """

    domain = models.CharField(_("root domain"), max_length=253, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=DomainStatus.choices, default=DomainStatus.PENDING)
    total_hits = models.PositiveIntegerField(_("hits"), default=0)
    first_seen_at = models.DateTimeField(_("first seen at"), default=timezone.now)
    last_hit_at = models.DateTimeField(_("last hit at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=16, null=True, blank=True)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    # Attached by ``selectors.domain_urls`` for the queue's pages (not columns).
    urls: list[dict[str, Any]]
    url_count: int

    class Meta:
        ordering = ("-total_hits", "domain")
        verbose_name = _("discovered domain")
        verbose_name_plural = _("discovered domains")
        indexes = [
            models.Index(fields=["status", "-total_hits"], name="discovery_domain_hits_idx"),
            models.Index(fields=["status", "-last_hit_at"], name="discovery_domain_last_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.total_hits})"


class ProviderThrottle(models.Model):
    """The rate limiter of one provider, shared by every worker process: the next moment a call may start."""

    provider = models.CharField(_("provider"), max_length=32, unique=True)
    next_allowed_at = models.DateTimeField(_("next call allowed at"), default=timezone.now)

    class Meta:
        verbose_name = _("provider throttle")
        verbose_name_plural = _("provider throttles")

    def __str__(self) -> str:
        return self.provider
