"""Reads of buyer requests. Every buyer-facing read is scoped to the owner; foreign ids look absent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from .errors import ModeratorTaskNotFound, RequestNotFound
from .extensions import SupplierState, supplier_states
from .models import KeySupplierLink, ModeratorTask, Request, RequestKey
from .querysets import RequestQuerySet


def request_get(*, owner: Any, request_id: int) -> Request:
    """The owner's request; ``RequestNotFound`` (404) when it does not exist or belongs to someone else."""
    try:
        return Request.objects.owned_by(owner).get(pk=request_id)
    except Request.DoesNotExist:
        raise RequestNotFound() from None


def request_list(*, owner: Any, status: str | None = None) -> RequestQuerySet:
    """The owner's requests newest first, each with ``keys_count`` computed in the same query.

    ``status`` is one of ``RequestStatus`` (the view validates the query parameter before calling).
    """
    requests = Request.objects.owned_by(owner).with_keys_count().order_by("-created_at", "-id")
    if status is not None:
        requests = requests.filter(status=status)
    return requests


def request_detail_queryset() -> RequestQuerySet:
    """Requests with keys (by ``pos``) and each key's linked suppliers prefetched: 3 queries in all.

    Not scoped: callers scope it (``request_get_detail``) or are moderators.
    """
    links = KeySupplierLink.objects.select_related("supplier").order_by("key_id", "supplier_id")
    keys = RequestKey.objects.order_by("pos").prefetch_related(Prefetch("supplier_links", queryset=links))
    return Request.objects.prefetch_related(Prefetch("keys", queryset=keys))


def request_get_detail(*, owner: Any, request_id: int) -> Request:
    """The owner's request ready for ``RequestDetailDTOSerializer`` (no query per key)."""
    try:
        return request_detail_queryset().owned_by(owner).get(pk=request_id)
    except Request.DoesNotExist:
        raise RequestNotFound() from None


def request_get_detail_for_moderation(*, request_id: int) -> Request:
    """Any buyer's request, prefetched as in ``request_get_detail``: for moderator endpoints only."""
    try:
        return request_detail_queryset().get(pk=request_id)
    except Request.DoesNotExist:
        raise RequestNotFound() from None


def request_owner_for_moderation(*, request_id: int) -> Any:
    """The owner of any buyer's request (moderator endpoints answer the detail as that buyer sees it)."""
    request = Request.objects.select_related("owner").filter(pk=request_id).first()
    if request is None:
        raise RequestNotFound()
    return request.owner


def supplier_states_of(requests: Iterable[Request]) -> dict[int, Mapping[int, SupplierState]]:
    """``{request_id: {supplier_id: SupplierState}}`` for the detail serializers (``SUPPLIER_STATES``).

    Asked of the registered providers (messaging) once per request, and only for requests with a linked
    supplier: the others show no supplier, so they cost no query. Reads the keys and links already
    prefetched by ``request_detail_queryset``.
    """
    return {
        request.pk: supplier_states(request)
        for request in requests
        if any(key.supplier_links.all() for key in request.keys.all())
    }


def request_matched_suppliers_count(*, request: Request) -> int:
    """How many distinct suppliers moderators have linked to the request's keys."""
    return KeySupplierLink.objects.filter(key__request=request).values("supplier_id").distinct().count()


def tasks_with_keys_count(tasks: QuerySet[ModeratorTask]) -> QuerySet[ModeratorTask]:
    """``keys_count`` of each task's request, as a subquery (no join that would multiply the task rows)."""
    counts = Request.objects.filter(pk=OuterRef("request_id")).with_keys_count().values("keys_count")
    return tasks.annotate(keys_count=Subquery(counts))


def task_list(*, status: str | None = None) -> QuerySet[ModeratorTask]:
    """Moderator tasks oldest first (the queue order), each with its request's ``keys_count``: one query.

    ``status`` is one of ``ModeratorTaskStatus`` (the view validates the query parameter before calling).
    """
    tasks = tasks_with_keys_count(ModeratorTask.objects.select_related("assignee"))
    if status is not None:
        tasks = tasks.filter(status=status)
    return tasks.order_by("created_at", "id")


def task_get_detail(*, task_id: int) -> ModeratorTask:
    """A task with its request prefetched for ``RequestDetailDTOSerializer`` and ``keys_count`` set."""
    task = tasks_with_keys_count(ModeratorTask.objects.select_related("assignee")).filter(pk=task_id).first()
    if task is None:
        raise ModeratorTaskNotFound()
    task.request = request_get_detail_for_moderation(request_id=task.request_id)
    return task
