"""Deadlines on the supplier side: reminders, the deadline and close notices, the automatic close.

docs/deadlines.md tells the story on a timeline; docs/decisions/0016-deadlines.md the choices. In short:

* **Reminder slots.** When a deadline is set or moved (``requests_app.signals.deadline_changed``), one
  ``Mailing`` of kind ``reminder`` is written per offset of ``REMINDER_OFFSETS`` that is still ahead
  (``due_at = deadline − offset > now``), with ``planned_at = now``. An offset already past is skipped, never
  sent late. Setting a deadline back to a value it had re-arms its slots from now (``planned_at``), so their
  past offsets are skipped too. Slots are unique per (request, deadline, offset).
* **Planning** (beat, ``plan_reminders``): every contacted supplier (an outgoing message of the buyer's own
  mailings was *sent* before the slot was due) that has neither replied nor quoted (``reply_status = none``),
  is not blocked (``blocked_reason``, the buyer's INN list and the domain list *now*) and whose address is not
  suppressed gets one outbox row for the newest due slot of the request's current deadline. The row is unique
  per (request, supplier, mailing) — the outbox's own constraint — and inserted with ``ON CONFLICT DO
  NOTHING``: two planners, or a planner re-run after a crash, write each reminder once; rows committed but
  never published are re-published by the outbox sweeper. An older due slot a supplier did not get (beat was
  down) is superseded by the newer one: one reminder, not two at once. A constant number of queries whatever
  the number of recipients (``bench/reminders_plan.py``).
* **Notices**: a set or moved deadline, and a close before the deadline, e-mail the contacted suppliers (sent
  or being sent) that are not bounced, blocked or suppressed — replied and quoted ones too.
* **Automatic close** (beat, ``close_stale_requests``): a processing request whose deadline and newest activity
  (a message in or out, a reply or quote: ``Recipient.replied_at``) are both ``AUTO_CLOSE_AFTER`` old.

Every e-mail is an outbox row like the buyer's own (``services._write_outbox``'s Message-ID scheme), written in the
buyer's language (``email.email_language``) and queued after commit by ``queueing.enqueue_deliveries``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat, Replace
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import profile_of
from blacklist.models import InnBlacklistEntry
from blacklist.selectors import blacklisted_roots
from requests_app.deadlines import requests_close
from requests_app.models import Request, RequestStatus
from requests_app.signals import deadline_changed, request_closed
from suppliers.models import SupplierDomain

from .email import email_language, format_deadline, message_id_domain, new_message_id_token
from .models import (
    REQUEST_MAILINGS,
    Direction,
    Mailing,
    MailingKind,
    Message,
    MessageStatus,
    Recipient,
    ReplyStatus,
)
from .queueing import enqueue_deliveries
from .selectors import suppressed_emails

logger = logging.getLogger(__name__)

PLAN_REMINDERS = "messaging.plan_reminders"
CLOSE_STALE_REQUESTS = "messaging.close_stale_requests"
PENDING_PREFIX = "<pending."
CLOSE_BATCH = 1000
# A notice goes to a supplier the buyer's e-mail reached or is reaching; a reminder only after it was sent.
NOTICE_CONTACT_STATUSES = (MessageStatus.SENDING, MessageStatus.SENT)
REMINDER_CONTACT_STATUSES = (MessageStatus.SENT,)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One e-mail to write: to whom, under which mailing, threaded under which of our earlier Message-IDs."""

    request_id: int
    supplier_id: int
    email: str
    mailing_id: int
    in_reply_to: str | None


# --- who may be written to ---------------------------------------------------------------------------------


def _first_contact(statuses: Sequence[str]) -> QuerySet[Message]:
    """The outer recipient's earliest outgoing message of the buyer's own mailings in ``statuses``."""
    return Message.objects.filter(
        request_id=OuterRef("request_id"),
        supplier_id=OuterRef("supplier_id"),
        direction=Direction.OUTGOING,
        mailing__kind__in=REQUEST_MAILINGS,
        status__in=statuses,
    ).order_by("created_at", "id")


def _not_blocked(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    """Without the recipients a blacklist blocks now: the recipient's reason, the buyer's INN list, the domains.

    ``blocked_reason`` is only set on recipients not yet contacted when an entry is added (``receivers``), so a
    contacted supplier blacklisted later is found by the two lists themselves.
    """
    inn_listed = InnBlacklistEntry.objects.filter(owner_id=OuterRef("request__owner_id"), inn=OuterRef("supplier__inn"))
    domain_listed = SupplierDomain.objects.filter(
        supplier_id=OuterRef("supplier_id"), root_domain__in=blacklisted_roots()
    )
    return recipients.filter(blocked_reason__isnull=True).exclude(Exists(inn_listed)).exclude(Exists(domain_listed))


def _without_suppressed(rows: list[OutboxRow]) -> list[OutboxRow]:
    suppressed = suppressed_emails(row.email for row in rows)
    return [row for row in rows if row.email not in suppressed]


# --- writing outbox rows -----------------------------------------------------------------------------------


def _write_rows(rows: Sequence[OutboxRow], texts: dict[int, tuple[str, str]]) -> list[int]:
    """Insert queued outbox rows (``texts``: mailing id → subject, body), skipping any that exists; their ids.

    ``ON CONFLICT DO NOTHING`` on the outbox's unique (request, supplier, mailing): a row another planner wrote
    (committed, or waiting for its commit) is not written twice. The Message-ID holds the row id
    (``<msg-{id}.{token}@…>``, as ``services._write_outbox`` writes it): on PostgreSQL the ids are drawn from the
    table's sequence first, so each row is inserted finished; elsewhere rows are inserted with a placeholder
    carrying this run's token, which one UPDATE rewrites. 3 statements whatever the number of rows.
    """
    if not rows:
        return []
    domain = message_id_domain()
    now = timezone.now()
    drawn = _draw_ids(len(rows))
    pending = f"{PENDING_PREFIX}{secrets.token_hex(6)}."

    def message_id(index: int) -> str:
        token = new_message_id_token()
        return f"<msg-{drawn[index]}.{token}@{domain}>" if drawn else f"{pending}{token}@{domain}>"

    Message.objects.bulk_create(
        [
            Message(
                id=drawn[index] if drawn else None,
                request_id=row.request_id,
                supplier_id=row.supplier_id,
                mailing_id=row.mailing_id,
                direction=Direction.OUTGOING,
                to_email=row.email,
                subject=texts[row.mailing_id][0],
                body=texts[row.mailing_id][1],
                status=MessageStatus.QUEUED,
                message_id=message_id(index),
                in_reply_to=row.in_reply_to,
                created_at=now,
                updated_at=now,
            )
            for index, row in enumerate(rows)
        ],
        ignore_conflicts=True,
    )
    if drawn:
        ids = sorted(Message.objects.filter(pk__in=drawn).values_list("pk", flat=True))
    else:
        mailing_ids = sorted({row.mailing_id for row in rows})
        mine = Message.objects.filter(mailing_id__in=mailing_ids, message_id__startswith=pending)
        ids = sorted(mine.values_list("pk", flat=True))
        Message.objects.filter(pk__in=ids).update(
            message_id=Replace(
                F("message_id"),
                Value(pending),
                Concat(Value("<msg-"), Cast("id", output_field=CharField()), Value("."), output_field=CharField()),  # type: ignore[arg-type]  # any expression works; the stubs want Value
            )
        )
    if ids:
        transaction.on_commit(partial(enqueue_deliveries, ids))
    return ids


def _draw_ids(count: int) -> list[int]:
    """``count`` fresh ids of the outbox table from its sequence (PostgreSQL, 1 query); [] on other databases."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Message._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _texts(request: Request, build: Any) -> tuple[str, str]:
    """``build(request)`` → (subject, body), rendered in the buyer's e-mail language."""
    with translation.override(email_language(profile_of(request.owner))):
        return build(request)


# --- reminder slots, when a deadline is set or moved -------------------------------------------------------


def _reminder_texts(request: Request, deadline: datetime) -> tuple[str, str]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    values = {"number": request.pk, "deadline": format_deadline(deadline, language)}
    subject = _("Reminder: request No. %(number)s, answers due by %(deadline)s") % values
    body = (
        _(
            "We have not yet received your answer to our request No. %(number)s. Answers are due by %(deadline)s; "
            "we would be glad to have your quote."
        )
        % values
    )
    return subject, body


def reminder_slots_plan(*, request: Request, deadline: datetime, now: datetime) -> int:
    """The reminder slots of ``deadline``: one per offset still ahead, (re-)armed at ``now``; how many are ahead."""
    ahead = [offset for offset in settings.REMINDER_OFFSETS if deadline - offset > now]
    if ahead:
        subject, body = _texts(request, lambda r: _reminder_texts(r, deadline))
        Mailing.objects.bulk_create(
            [
                Mailing(
                    request=request,
                    kind=MailingKind.REMINDER,
                    subject=subject[:255],
                    body=body,
                    attach_request_file=False,
                    created_by_id=request.owner_id,
                    deadline=deadline,
                    reminder_offset=offset,
                    due_at=deadline - offset,
                    planned_at=now,
                )
                for offset in ahead
            ],
            ignore_conflicts=True,
        )
    # A deadline set again to a value it had: its slots count from now, so the offsets now past are skipped.
    Mailing.objects.filter(kind=MailingKind.REMINDER, request=request, deadline=deadline).update(planned_at=now)
    return len(ahead)


# --- notices ------------------------------------------------------------------------------------------------


def _notice_rows(request: Request, mailing_id: int) -> list[OutboxRow]:
    first = _first_contact(NOTICE_CONTACT_STATUSES)
    recipients = (
        _not_blocked(Recipient.objects.filter(request=request).exclude(reply_status=ReplyStatus.BOUNCED))
        .annotate(first_message_id=Subquery(first.values("message_id")[:1]))
        .filter(first_message_id__isnull=False)
        .order_by("supplier_id")
        .values_list("supplier_id", "supplier__email", "first_message_id")
    )
    rows = [
        OutboxRow(request.pk, supplier_id, email, mailing_id, first_message_id)
        for supplier_id, email, first_message_id in recipients
    ]
    return _without_suppressed(rows)


def _notice_send(request: Request, *, kind: str, subject: str, body: str, deadline: datetime | None) -> list[int]:
    """One mailing of ``kind`` and a row per contacted supplier (none → no mailing); the new message ids."""
    mailing = Mailing.objects.create(
        request=request,
        kind=kind,
        subject=subject[:255],
        body=body,
        attach_request_file=False,
        created_by_id=request.owner_id,
        deadline=deadline,
    )
    rows = _notice_rows(request, mailing.pk)
    if not rows:
        mailing.delete()
        return []
    return _write_rows(rows, {mailing.pk: (mailing.subject, mailing.body)})


def _deadline_texts(request: Request, previous: datetime | None, deadline: datetime) -> tuple[str, str]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    values = {
        "number": request.pk,
        "deadline": format_deadline(deadline, language),
        "previous": format_deadline(previous, language) if previous else "",
    }
    if previous is None:
        subject = _("Request No. %(number)s: answers due by %(deadline)s") % values
        body = _("The buyer has set a deadline for answers to request No. %(number)s: %(deadline)s.") % values
    else:
        subject = _("Request No. %(number)s: the deadline has moved to %(deadline)s") % values
        body = (
            _("The deadline for answers to request No. %(number)s has moved from %(previous)s to %(deadline)s.")
            % values
        )
    return subject, body


def _closed_texts(request: Request) -> tuple[str, str]:
    values = {"number": request.pk}
    subject = _("Request No. %(number)s is closed") % values
    body = (
        _(
            "The buyer has closed request No. %(number)s: answers and quotes are no longer needed. Thank you for "
            "your time."
        )
        % values
    )
    return subject, body


@receiver(deadline_changed, dispatch_uid="messaging.deadlines.deadline_changed")
def on_deadline_changed(
    sender: Any, *, request: Request, previous: datetime | None, deadline: datetime, changed_at: datetime, **kwargs: Any
) -> list[int]:
    """Plan the new deadline's reminders; tell the contacted suppliers (a submitted request has none yet)."""
    reminder_slots_plan(request=request, deadline=deadline, now=changed_at)
    if request.status != RequestStatus.PROCESSING:
        return []
    subject, body = _texts(request, lambda r: _deadline_texts(r, previous, deadline))
    return _notice_send(request, kind=MailingKind.DEADLINE, subject=subject, body=body, deadline=deadline)


@receiver(request_closed, dispatch_uid="messaging.deadlines.request_closed")
def on_request_closed(
    sender: Any, *, request_ids: Sequence[int], closed_at: datetime, automatic: bool, **kwargs: Any
) -> list[int]:
    """A request the buyer closed before its deadline (or that had none): its contacted suppliers are told.

    The automatic close comes after the deadline by definition, and tells nobody.
    """
    if automatic:
        return []
    ids: list[int] = []
    for request in Request.objects.filter(pk__in=list(request_ids)).select_related("owner"):
        if request.deadline is not None and request.deadline <= closed_at:
            continue
        subject, body = _texts(request, _closed_texts)
        ids += _notice_send(request, kind=MailingKind.CLOSED, subject=subject, body=body, deadline=request.deadline)
    return ids


# --- planning reminders (beat) -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueSlot:
    id: int
    due_at: datetime
    subject: str
    body: str


def newest_due_slots(*, now: datetime) -> dict[int, DueSlot]:
    """``{request_id: slot}``: the newest reminder slot due at ``now`` of each processing request's current
    deadline, armed before it was due (1 query; at most one row per request and offset)."""
    slots = (
        Mailing.objects.filter(
            kind=MailingKind.REMINDER,
            due_at__lte=now,
            due_at__gt=F("planned_at"),
            deadline=F("request__deadline"),
            request__status=RequestStatus.PROCESSING,
            request__deadline__gt=now,
        )
        .order_by("request_id", "-due_at", "-id")
        .values_list("request_id", "id", "due_at", "subject", "body")
    )
    newest: dict[int, DueSlot] = {}
    for request_id, slot_id, due_at, subject, body in slots:
        if due_at is not None:  # always set on a slot (messaging_reminder_slot_complete)
            newest.setdefault(request_id, DueSlot(slot_id, due_at, subject, body))
    return newest


def reminder_rows(*, now: datetime, slots: dict[int, DueSlot] | None = None) -> list[OutboxRow]:
    """The reminders to write at ``now``: the slots' query, one for the recipients, one for the suppressed.

    A recipient is reminded for its request's newest due slot when its first e-mail was sent before that slot
    was due and it has not got that slot's reminder yet.
    """
    slots = newest_due_slots(now=now) if slots is None else slots
    if not slots:
        return []
    first = _first_contact(REMINDER_CONTACT_STATUSES)
    # The newest reminder of the current deadline each recipient got: per-row lookups on the outbox's unique
    # (request, supplier, mailing) index, whatever the table's statistics say.
    got = Message.objects.filter(
        request_id=OuterRef("request_id"),
        supplier_id=OuterRef("supplier_id"),
        mailing__kind=MailingKind.REMINDER,
        mailing__deadline=OuterRef("request__deadline"),
    ).order_by("-mailing__due_at")
    recipients = (
        _not_blocked(Recipient.objects.filter(request_id__in=list(slots), reply_status=ReplyStatus.NONE))
        .annotate(
            first_message_id=Subquery(first.values("message_id")[:1]),
            first_sent_at=Subquery(first.values("created_at")[:1]),
            reminded_for=Subquery(got.values("mailing__due_at")[:1]),
        )
        .filter(first_message_id__isnull=False)
        .order_by("request_id", "supplier_id")
        .values_list(
            "request_id", "supplier_id", "supplier__email", "first_message_id", "first_sent_at", "reminded_for"
        )
    )
    rows = [
        OutboxRow(request_id, supplier_id, email, slots[request_id].id, first_message_id)
        for request_id, supplier_id, email, first_message_id, first_sent_at, reminded_for in recipients
        # contacted before the slot was due, and not yet reminded for it (or a newer one)
        if first_sent_at < slots[request_id].due_at
        and (reminded_for is None or reminded_for < slots[request_id].due_at)
    ]
    return _without_suppressed(rows)


def plan_reminders(*, now: datetime | None = None) -> list[int]:
    """Write the reminders due at ``now`` into the outbox and queue them after commit; the new message ids.

    Set-based: 6 statements (and the transaction's) whatever the number of recipients; safe to run twice at once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        slots = newest_due_slots(now=now)
        rows = reminder_rows(now=now, slots=slots)
        texts = {slot.id: (slot.subject, slot.body) for slot in slots.values()}
        ids = _write_rows(rows, texts)
    if ids:
        logger.info("messaging: %d reminders planned", len(ids))
    return ids


# --- the automatic close (beat) ----------------------------------------------------------------------------


def stale_request_ids(*, now: datetime) -> list[int]:
    """Processing requests whose deadline and newest activity are both ``AUTO_CLOSE_AFTER`` old (1 query).

    Activity: a message of the request in or out (the buyer's mailings, reminders, notices, replies) and a reply or
    quote (``Recipient.replied_at``, set by the reply filing and by every quote revision). A moved deadline is a
    future deadline, so it needs no record of its own. A request without a deadline is never closed automatically.
    """
    cutoff = now - settings.AUTO_CLOSE_AFTER
    recent_message = Message.objects.filter(request_id=OuterRef("pk"), created_at__gt=cutoff)
    recent_answer = Recipient.objects.filter(request_id=OuterRef("pk"), replied_at__gt=cutoff)
    return list(
        Request.objects.filter(status=RequestStatus.PROCESSING, deadline__lte=cutoff)
        .exclude(Exists(recent_message))
        .exclude(Exists(recent_answer))
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)[:CLOSE_BATCH]
    )


def close_stale_requests(*, now: datetime | None = None) -> list[int]:
    """Close the stale requests (``requests_app.deadlines.requests_close``); the ids closed."""
    now = now or timezone.now()
    ids = requests_close(request_ids=stale_request_ids(now=now), now=now)
    if ids:
        logger.info("messaging: %d requests closed automatically", len(ids))
    return ids
