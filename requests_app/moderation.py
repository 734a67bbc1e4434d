"""Moderation of submitted requests: the moderator task's lifecycle and supplier links on keys.

A task goes ``pending`` → ``inprogress`` (a moderator takes it) → ``done``; only its assignee marks it done, and
another moderator takes it over first. Each move locks the task row, checks its status and records a
``ModeratorTaskEvent`` (who, when, from whom): of two moderators picking one pending task from the queue
(``tasks_take``) exactly one wins. "Done" sends ``signals.moderation_done`` (the buyer is e-mailed).

Links make a supplier appear under a key in the buyer's request detail and among the request's candidate
recipients ("new" until contacted). At submit, suppliers that moderators already linked to keys with the
same normalised text in earlier requests are linked at once: that is the ``matchedsuppliers`` count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from suppliers.models import Supplier

from .errors import (
    KeyNotFound,
    ModeratorTaskNotFound,
    RequestNotFound,
    RequestNotLinkable,
    TaskNotAssignee,
    TaskStateInvalid,
)
from .models import (
    KeySupplierLink,
    ModeratorTask,
    ModeratorTaskEvent,
    ModeratorTaskEventKind,
    ModeratorTaskStatus,
    Request,
    RequestKey,
    RequestStatus,
)
from .signals import moderation_done

LINKABLE_STATUSES = (RequestStatus.CONFIRMED, RequestStatus.PROCESSING)


@dataclass(frozen=True)
class TaskMove:
    """A task after a move: ``moved`` False when nothing changed; ``taken_from``: whom a take-over took it from."""

    task: ModeratorTask
    moved: bool
    taken_from: Any


def task_open(*, request: Request) -> ModeratorTask:
    """The request's task, created pending if it has none (submitting opens it)."""
    task, _created = ModeratorTask.objects.get_or_create(request=request)
    return task


def _task_locked(task_id: int) -> ModeratorTask:
    task = ModeratorTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        raise ModeratorTaskNotFound()
    return task


def _record(
    task: ModeratorTask, *, kind: str, moderator: Any, was: str, previous: Any = None, linked: int | None = None
) -> None:
    ModeratorTaskEvent.objects.create(
        task=task,
        kind=kind,
        actor=moderator,
        previous_assignee=previous,
        from_status=was,
        to_status=task.status,
        suppliers_linked=linked,
    )


def _save_status(task: ModeratorTask, status: str, **fields: Any) -> str:
    was = task.status
    task.status = status
    for name, value in fields.items():
        setattr(task, name, value)
    task.updated_at = timezone.now()
    task.save(update_fields=["status", "updated_at", *fields])
    return was


def task_take(*, task_id: int, moderator: Any) -> TaskMove:
    """Pending → in progress for ``moderator``; in progress with another moderator → taken over (recorded).

    Taking one's own task again changes nothing (``moved`` False); a done task is reopened first
    (``TaskStateInvalid``).
    """
    with transaction.atomic():
        task = _task_locked(task_id)
        if task.status == ModeratorTaskStatus.DONE:
            raise TaskStateInvalid(_("The task is done; reopen it first."))
        if task.status == ModeratorTaskStatus.IN_PROGRESS and task.assignee_id == moderator.pk:
            return TaskMove(task=task, moved=False, taken_from=None)
        previous = task.assignee if task.status == ModeratorTaskStatus.IN_PROGRESS else None
        was = _save_status(task, ModeratorTaskStatus.IN_PROGRESS, assignee=moderator)
        kind = ModeratorTaskEventKind.TAKEN_OVER if previous is not None else ModeratorTaskEventKind.TAKEN
        _record(task, kind=kind, moderator=moderator, was=was, previous=previous)
    return TaskMove(task=task, moved=True, taken_from=previous)


def task_finish(*, task_id: int, moderator: Any) -> TaskMove:
    """In progress → done, by its assignee only (``TaskNotAssignee`` otherwise: take it over first).

    Sends ``moderation_done`` with the number of distinct suppliers linked to the request, for the buyer's e-mail.
    """
    with transaction.atomic():
        task = _task_locked(task_id)
        if task.status != ModeratorTaskStatus.IN_PROGRESS:
            raise TaskStateInvalid(_("Only a task in progress can be marked done."))
        if task.assignee_id != moderator.pk:
            raise TaskNotAssignee()
        linked = (
            KeySupplierLink.objects.filter(key__request_id=task.request_id).values("supplier_id").distinct().count()
        )
        was = _save_status(task, ModeratorTaskStatus.DONE)
        _record(task, kind=ModeratorTaskEventKind.DONE, moderator=moderator, was=was, linked=linked)
        moderation_done.send(
            sender=ModeratorTask,
            request_id=task.request_id,
            task_id=task.pk,
            suppliers_linked=linked,
            moderator=moderator,
        )
    return TaskMove(task=task, moved=True, taken_from=None)


def task_reopen(*, task_id: int, moderator: Any) -> TaskMove:
    """In progress or done → pending (the assignee is kept for the record; anyone may take it next)."""
    with transaction.atomic():
        task = _task_locked(task_id)
        if task.status == ModeratorTaskStatus.PENDING:
            raise TaskStateInvalid(_("The task is pending already."))
        was = _save_status(task, ModeratorTaskStatus.PENDING)
        _record(task, kind=ModeratorTaskEventKind.REOPENED, moderator=moderator, was=was)
    return TaskMove(task=task, moved=True, taken_from=None)


def _each(task_ids: Sequence[int], move: Any, *, moderator: Any, when: Any) -> int:
    """Apply a one-task move to each task for which ``when(task)`` holds; returns how many moved."""
    moved = 0
    for task_id in sorted(set(task_ids)):
        with transaction.atomic():
            task = ModeratorTask.objects.select_for_update().filter(pk=task_id).first()
            if task is None or not when(task):
                continue
            moved += move(task_id=task_id, moderator=moderator).moved
    return moved


def tasks_take(*, task_ids: Sequence[int], moderator: Any) -> int:
    """The queue pick: pending → in progress, assigned to ``moderator``; returns how many tasks moved.

    Tasks in progress stay with their assignee here (taking over is ``task_take`` / the "take over" action).
    """
    return _each(task_ids, task_take, moderator=moderator, when=lambda t: t.status == ModeratorTaskStatus.PENDING)


def tasks_take_over(*, task_ids: Sequence[int], moderator: Any) -> int:
    """Pending, or in progress with another moderator → in progress for ``moderator`` (each take-over recorded)."""
    return _each(
        task_ids,
        task_take,
        moderator=moderator,
        when=lambda t: (
            t.status == ModeratorTaskStatus.PENDING
            or (t.status == ModeratorTaskStatus.IN_PROGRESS and t.assignee_id != moderator.pk)
        ),
    )


def tasks_finish(*, task_ids: Sequence[int], moderator: Any) -> int:
    """In progress and assigned to ``moderator`` → done; returns how many tasks moved."""
    return _each(
        task_ids,
        task_finish,
        moderator=moderator,
        when=lambda t: t.status == ModeratorTaskStatus.IN_PROGRESS and t.assignee_id == moderator.pk,
    )


def tasks_reopen(*, task_ids: Sequence[int], moderator: Any) -> int:
    """In progress or done → pending again (the assignee is kept for the record)."""
    return _each(task_ids, task_reopen, moderator=moderator, when=lambda t: t.status != ModeratorTaskStatus.PENDING)


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


@dataclass(frozen=True)
class LinksOutcome:
    """What one bulk change did: links written, links removed, keys it covered."""

    added: int
    removed: int
    keys: int


def _lock_linkable(request_id: int) -> None:
    status = Request.objects.select_for_update().filter(pk=request_id).values_list("status", flat=True).first()
    if status is None:
        raise RequestNotFound()
    if status not in LINKABLE_STATUSES:
        raise RequestNotLinkable()


def _pairs(
    request_id: int, links: Mapping[int, Iterable[int]] | None, all_keys: Iterable[int]
) -> tuple[dict[int, set[int]], set[int]]:
    """``{key_id: supplier_ids}`` over the request's keys (``all_keys`` given to every key), checked: keys of
    another request and unknown suppliers are a ``ValidationFailed``. Returns it with the request's key ids."""
    key_ids = set(RequestKey.objects.filter(request_id=request_id).values_list("pk", flat=True))
    wanted: dict[int, set[int]] = {key_id: set(ids) for key_id, ids in (links or {}).items()}
    if foreign := sorted(set(wanted) - key_ids):
        raise ValidationFailed(
            [(("key_ids",), _("Keys not in this request: %(ids)s.") % {"ids": foreign}, "value_error")]
        )
    every = set(all_keys)
    if every:
        for key_id in key_ids:
            wanted.setdefault(key_id, set()).update(every)
    suppliers = set().union(*wanted.values()) if wanted else set()
    known = set(Supplier.objects.filter(pk__in=suppliers).values_list("pk", flat=True))
    if unknown := sorted(suppliers - known):
        raise ValidationFailed(
            [(("supplier_ids",), _("Unknown suppliers: %(ids)s.") % {"ids": unknown}, "value_error")]
        )
    return wanted, key_ids


def request_link_suppliers(
    *,
    request_id: int,
    moderator: Any,
    links: Mapping[int, Iterable[int]] | None = None,
    all_keys: Iterable[int] = (),
    replace: bool = False,
) -> LinksOutcome:
    """Link suppliers to many keys of one confirmed / processing request at once: one transaction.

    ``links`` = ``{key_id: supplier_ids}``; ``all_keys`` = supplier ids for every key of the request. Idempotent:
    links that exist are kept (and not counted). With ``replace`` the keys named (every key with ``all_keys``)
    end up with exactly the suppliers given: their other links are removed. A constant number of queries
    whatever the number of keys: 50 keys × 3 suppliers is one ``INSERT``.
    """
    with transaction.atomic():
        _lock_linkable(request_id)
        wanted, _keys = _pairs(request_id, links, all_keys)
        if not wanted:
            return LinksOutcome(added=0, removed=0, keys=0)
        existing = KeySupplierLink.objects.filter(key_id__in=list(wanted))
        before = set(existing.values_list("key_id", "supplier_id"))
        removed = 0
        if replace:
            stale = [
                (key_id, supplier_id) for key_id, supplier_id in before if supplier_id not in wanted.get(key_id, ())
            ]
            removed = _delete_pairs(stale)
        new = [
            KeySupplierLink(key_id=key_id, supplier_id=supplier_id, created_by=moderator)
            for key_id in sorted(wanted)
            for supplier_id in sorted(wanted[key_id])
            if (key_id, supplier_id) not in before
        ]
        # ignore_conflicts: a link added concurrently by someone else; the count then over-states by that link.
        KeySupplierLink.objects.bulk_create(new, ignore_conflicts=True)
        return LinksOutcome(added=len(new), removed=removed, keys=len(wanted))


def request_unlink_suppliers(
    *, request_id: int, links: Mapping[int, Iterable[int]] | None = None, all_keys: Iterable[int] = ()
) -> LinksOutcome:
    """Remove links from keys of a confirmed / processing request (``all_keys``: from every key); one transaction.

    Recipients the buyer already ticked stay as they are (as with ``key_unlink_supplier``).
    """
    with transaction.atomic():
        _lock_linkable(request_id)
        wanted, _keys = _pairs(request_id, links, all_keys)
        pairs = [(key_id, supplier_id) for key_id, ids in wanted.items() for supplier_id in ids]
        return LinksOutcome(added=0, removed=_delete_pairs(pairs), keys=len(wanted))


def _delete_pairs(pairs: Sequence[tuple[int, int]]) -> int:
    if not pairs:
        return 0
    by_supplier: dict[int, list[int]] = defaultdict(list)
    for key_id, supplier_id in pairs:
        by_supplier[supplier_id].append(key_id)
    condition = Q()
    for supplier_id, key_ids in by_supplier.items():
        condition |= Q(supplier_id=supplier_id, key_id__in=key_ids)
    deleted, _by_model = KeySupplierLink.objects.filter(condition).delete()
    return deleted


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
