"""Moderation of submitted requests: the moderator task's lifecycle and supplier links on keys.

A task goes ``pending`` → ``inprogress`` (a moderator takes it) → ``done``. Each transition is a
conditional ``UPDATE … WHERE status = …``, so of two moderators taking one task exactly one wins.

Links make a supplier appear under a key in the buyer's request detail and among the request's candidate
recipients ("new" until contacted). At submit, suppliers that moderators already linked to keys with the
same normalised text in earlier requests are linked at once: that is the ``matchedsuppliers`` count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from suppliers.models import Supplier

from .errors import KeyNotFound, RequestNotLinkable
from .models import KeySupplierLink, ModeratorTask, ModeratorTaskStatus, Request, RequestKey, RequestStatus

LINKABLE_STATUSES = (RequestStatus.CONFIRMED, RequestStatus.PROCESSING)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ModeratorTaskStatus.IN_PROGRESS: (ModeratorTaskStatus.PENDING,),
    ModeratorTaskStatus.DONE: (ModeratorTaskStatus.IN_PROGRESS,),
    ModeratorTaskStatus.PENDING: (ModeratorTaskStatus.IN_PROGRESS, ModeratorTaskStatus.DONE),
}


def task_open(*, request: Request) -> ModeratorTask:
    """The request's task, created pending if it has none (submitting opens it)."""
    task, _created = ModeratorTask.objects.get_or_create(request=request)
    return task


def _move(tasks: QuerySet[ModeratorTask], *, to: str, moderator: Any) -> int:
    fields: dict[str, Any] = {"status": to, "updated_at": timezone.now()}
    if to == ModeratorTaskStatus.IN_PROGRESS:
        fields["assignee"] = moderator
    return tasks.filter(status__in=TRANSITIONS[to]).update(**fields)


def tasks_take(*, task_ids: Sequence[int], moderator: Any) -> int:
    """Pending → in progress, assigned to ``moderator``; returns how many tasks moved."""
    return _move(ModeratorTask.objects.filter(pk__in=task_ids), to=ModeratorTaskStatus.IN_PROGRESS, moderator=moderator)


def tasks_finish(*, task_ids: Sequence[int], moderator: Any) -> int:
    """In progress → done; returns how many tasks moved."""
    return _move(ModeratorTask.objects.filter(pk__in=task_ids), to=ModeratorTaskStatus.DONE, moderator=moderator)


def tasks_reopen(*, task_ids: Sequence[int], moderator: Any) -> int:
    """In progress or done → pending again (the assignee is kept for the record)."""
    return _move(ModeratorTask.objects.filter(pk__in=task_ids), to=ModeratorTaskStatus.PENDING, moderator=moderator)


def key_link_suppliers(*, key_id: int, supplier_ids: Sequence[int], moderator: Any) -> int:
    """Link suppliers to a key of a confirmed / processing request; idempotent; returns how many were new."""
    with transaction.atomic():
        key = RequestKey.objects.filter(pk=key_id).first()
        if key is None:
            raise KeyNotFound()
        # The request row is locked: its status cannot change under us, and links to it are counted one at a time.
        status = Request.objects.select_for_update().filter(pk=key.request_id).values_list("status", flat=True).first()
        if status not in LINKABLE_STATUSES:
            raise RequestNotLinkable()
        wanted = set(supplier_ids)
        known = set(Supplier.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        if unknown := sorted(wanted - known):
            raise ValidationFailed(
                [(("supplier_ids",), _("Unknown suppliers: %(ids)s.") % {"ids": unknown}, "value_error")]
            )
        before = KeySupplierLink.objects.filter(key=key).count()
        KeySupplierLink.objects.bulk_create(
            [KeySupplierLink(key=key, supplier_id=pk, created_by=moderator) for pk in sorted(known)],
            ignore_conflicts=True,
        )
        return KeySupplierLink.objects.filter(key=key).count() - before


def key_unlink_supplier(*, key_id: int, supplier_id: int) -> bool:
    """Remove a link; True when there was one. Recipients already chosen by the buyer stay as they are."""
    deleted, _by_model = KeySupplierLink.objects.filter(key_id=key_id, supplier_id=supplier_id).delete()
    return deleted > 0


def request_link_known_suppliers(*, request: Request) -> int:
    """Link to each key the suppliers that moderators linked to keys with the same normalised text before.

    Returns the number of links written (links the request's keys already have are not counted). Three reads
    and one insert whatever the number of keys.
    """
    keys_by_text: dict[str, list[int]] = defaultdict(list)
    for key_id, text in RequestKey.objects.filter(request=request).values_list("id", "normalized_text"):
        keys_by_text[text].append(key_id)
    if not keys_by_text:
        return 0
    # ``order_by()`` drops Meta.ordering, which would add ``key_id`` to the SELECT DISTINCT and repeat pairs.
    earlier = (
        KeySupplierLink.objects.filter(key__normalized_text__in=list(keys_by_text))
        .exclude(key__request=request)
        .order_by()
        .values_list("key__normalized_text", "supplier_id")
        .distinct()
    )
    existing = set(KeySupplierLink.objects.filter(key__request=request).values_list("key_id", "supplier_id"))
    wanted = {
        (key_id, supplier_id)
        for text, supplier_id in earlier
        for key_id in keys_by_text[text]
        if (key_id, supplier_id) not in existing
    }
    # ignore_conflicts still guards against a link added concurrently; the count then over-states by that link.
    links = [KeySupplierLink(key_id=key_id, supplier_id=supplier_id) for key_id, supplier_id in sorted(wanted)]
    KeySupplierLink.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)
