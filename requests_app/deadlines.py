"""A request's response deadline and its close (PRODUCT.md §2.9, docs/deadlines.md, decision 0016).

* The deadline is set at submit (``services.request_submit(deadline=…)``) or later with ``request_set_deadline``
  on a confirmed or processing request, always in the future and at most ``DEADLINE_MAX_AHEAD`` ahead.
* The buyer closes a request (``request_close``) once it has been sent (``processing``); beat closes the stale
  ones (``requests_close``, called by messaging, which knows their activity).

Each change sends a signal of ``signals`` inside its transaction; messaging plans reminders and e-mails the
contacted suppliers (requests cannot import messaging, which sits above it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .errors import DeadlineNotSettable, RequestNotClosable, RequestNotFound
from .models import Request, RequestStatus
from .signals import deadline_changed, request_closed

# A deadline is a date in the coming weeks; a year ahead is generous, and keeps typos like 20226 out.
DEADLINE_MAX_AHEAD = timedelta(days=365)
DEADLINE_STATUSES = (RequestStatus.CONFIRMED, RequestStatus.PROCESSING)


def validate_deadline(deadline: datetime, *, now: datetime) -> None:
    """In the future (strictly after ``now``) and at most ``DEADLINE_MAX_AHEAD`` ahead; 422 at ``deadline``."""
    if deadline <= now:
        raise ValidationFailed([(("deadline",), _("The deadline must be in the future."), "datetime_future")])
    if deadline > now + DEADLINE_MAX_AHEAD:
        raise ValidationFailed(
            [
                (
                    ("deadline",),
                    _("The deadline must be at most %(days)s days ahead.") % {"days": DEADLINE_MAX_AHEAD.days},
                    "datetime_too_late",
                )
            ]
        )


def announce_deadline(*, request: Request, previous: datetime | None, changed_at: datetime) -> None:
    """Tell the apps above that ``request.deadline`` (already saved) replaced ``previous``; inside the transaction."""
    deadline_changed.send(
        sender=Request, request=request, previous=previous, deadline=request.deadline, changed_at=changed_at
    )


def request_set_deadline(*, owner: Any, request_id: int, deadline: datetime) -> Request:
    """Set or move the deadline of the owner's confirmed or processing request (the row is locked meanwhile).

    The same deadline again changes nothing and e-mails nobody. Draft → 409 (it takes the deadline at submit),
    done → 409.
    """
    now = timezone.now()
    validate_deadline(deadline, now=now)
    with transaction.atomic():
        request = Request.objects.owned_by(owner).select_for_update().filter(pk=request_id).first()
        if request is None:
            raise RequestNotFound()
        if request.status not in DEADLINE_STATUSES:
            raise DeadlineNotSettable()
        previous = request.deadline
        if previous != deadline:
            request.deadline = deadline
            request.save(update_fields=["deadline", "updated_at"])
            announce_deadline(request=request, previous=previous, changed_at=now)
    return request


def request_close(*, owner: Any, request_id: int) -> Request:
    """Processing → done with ``closed_at``; never sent (draft, confirmed) or already done → 409 ``invalid_state``.

    A conditional ``UPDATE … WHERE status = 'processing'``: of two concurrent closes exactly one wins.
    """
    now = timezone.now()
    with transaction.atomic():
        changed = (
            Request.objects.owned_by(owner)
            .filter(pk=request_id, status=RequestStatus.PROCESSING)
            .update(status=RequestStatus.DONE, closed_at=now, updated_at=now)
        )
        if not changed:
            if Request.objects.owned_by(owner).filter(pk=request_id).exists():
                raise RequestNotClosable()
            raise RequestNotFound()
        request_closed.send(sender=Request, request_ids=[request_id], closed_at=now, automatic=False)
    return Request.objects.get(pk=request_id)


def requests_close(*, request_ids: Sequence[int], now: datetime | None = None) -> list[int]:
    """The automatic close: those of ``request_ids`` still processing become done (2 statements); their ids.

    The caller (messaging's beat task) picked them by their deadline and activity; a request closed by its
    buyer meanwhile is skipped, and a row another planner holds is left for the next run.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Request.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(request_ids), status=RequestStatus.PROCESSING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            Request.objects.filter(pk__in=ids).update(status=RequestStatus.DONE, closed_at=now, updated_at=now)
            request_closed.send(sender=Request, request_ids=ids, closed_at=now, automatic=True)
    return ids
