"""Reads of recipients and messages, always scoped through a request the caller owns."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from requests_app.extensions import SupplierState
from requests_app.models import Request
from requests_app.selectors import request_get
from suppliers.models import Supplier
from suppliers.selectors import supplier_block_reasons

from .models import Direction, Message, MessageStatus, Recipient, ReplyStatus, SuppressedAddress

SEND_STATUS_BY_MESSAGE_STATUS = {
    MessageStatus.QUEUED: "queued",
    MessageStatus.SENDING: "queued",
    MessageStatus.SENT: "sent",
    MessageStatus.FAILED: "failed",
}


@dataclass(frozen=True, slots=True)
class RecipientRow:
    """One line of ``RecipientDTO``: the recipient, its supplier card and its delivery state."""

    supplier_id: int
    selected: bool
    supplier_name: str
    inn: str
    email: str
    is_reseller: bool
    send_status: str  # notsent | queued | sent | failed
    blocked_reason: str | None
    reply_status: str = "none"  # none | replied | quoted | bounced


def _latest_send_statuses(*, request: Request) -> dict[int, str]:
    """``{supplier_id: send_status}`` of the newest outgoing message to each supplier (1 query)."""
    latest: dict[int, str] = {}
    outgoing = (
        Message.objects.filter(request=request, direction=Direction.OUTGOING, supplier_id__isnull=False)
        .order_by("supplier_id", "-created_at", "-id")
        .values_list("supplier_id", "status")
    )
    for supplier_id, status in outgoing:
        latest.setdefault(supplier_id, SEND_STATUS_BY_MESSAGE_STATUS[MessageStatus(status)])
    return latest


def recipient_states_for_request(request: Request) -> dict[int, SupplierState]:
    """State of every supplier that is a recipient of, or was e-mailed for, ``request`` (2 queries).

    The provider of ``requests_app.extensions`` (registered in ``MessagingConfig.ready``): ``send_status`` is
    the state of the newest outgoing message to that supplier; suppliers absent from the answer are in the
    state ``NOT_A_RECIPIENT``. Read with plain SQL on one cursor (the request detail asks for it on every call:
    building the two ORM queries cost more than running them) and one ``SupplierState`` per distinct state.
    """
    with connection.cursor() as cursor:
        cursor.execute(_RECIPIENT_STATES_SQL, [request.pk])
        recipients = {supplier_id: (selected, blocked) for supplier_id, selected, blocked in cursor.fetchall()}
        cursor.execute(_LATEST_SENDS_SQL, [request.pk, Direction.OUTGOING.value])
        latest_status: dict[int, str] = {}
        for supplier_id, status in cursor.fetchall():
            if supplier_id not in latest_status:
                latest_status[supplier_id] = SEND_STATUS_BY_MESSAGE_STATUS[MessageStatus(status)]
    states: dict[int, SupplierState] = {}
    shared: dict[tuple[bool, str, bool, str | None], SupplierState] = {}
    for supplier_id in recipients.keys() | latest_status.keys():
        selected, blocked = recipients.get(supplier_id, (False, None))
        fields = (bool(selected), latest_status.get(supplier_id, "notsent"), supplier_id not in latest_status, blocked)
        state = shared.get(fields)
        if state is None:
            state = shared[fields] = SupplierState(
                selected=fields[0], send_status=fields[1], is_new=fields[2], blocked_reason=fields[3]
            )
        states[supplier_id] = state
    return states


_RECIPIENT_STATES_SQL = (
    f"SELECT supplier_id, selected, blocked_reason FROM {Recipient._meta.db_table} WHERE request_id = %s"  # noqa: S608  # nosec B608 - table name from the model
)
# the newest outgoing message to each supplier first (``_latest_send_statuses``' order)
_LATEST_SENDS_SQL = (
    f"SELECT supplier_id, status FROM {Message._meta.db_table} "  # noqa: S608  # nosec B608 - as above
    "WHERE request_id = %s AND direction = %s AND supplier_id IS NOT NULL "
    "ORDER BY supplier_id, created_at DESC, id DESC"
)


def recipient_rows(*, request: Request, buyer: Any = None) -> list[RecipientRow]:
    """Every candidate and chosen supplier of a request (already scoped by the caller), by supplier id.

    The chosen ones are the ``Recipient`` rows (the buyer's checkboxes, kept for every supplier ever
    contacted); the candidates are the suppliers moderators linked to the request's keys, shown unticked
    with their blacklist reason (for ``buyer``, default the owner) until the buyer ticks them. 3 queries, 5 when
    there are new candidates.
    """
    latest_status = _latest_send_statuses(request=request)
    recipients = list(
        Recipient.objects.filter(request=request)
        .select_related("supplier")
        .only(
            "supplier_id",
            "selected",
            "blocked_reason",
            "reply_status",
            "supplier__name",
            "supplier__inn",
            "supplier__email",
            "supplier__type",
        )  # fmt: skip
    )
    rows = [
        _row(recipient.supplier, recipient.selected, recipient.blocked_reason, recipient.reply_status, latest_status)
        for recipient in recipients
    ]
    chosen = {recipient.supplier_id for recipient in recipients}
    candidates = list(
        Supplier.objects.filter(key_links__key__request=request)
        .exclude(pk__in=chosen)
        .distinct()
        .only("id", "name", "inn", "email", "type")
    )
    if candidates:
        reasons = supplier_block_reasons(buyer=buyer or request.owner, suppliers=candidates)
        rows += [_row(card, False, reasons.get(card.pk), ReplyStatus.NONE, latest_status) for card in candidates]
    return sorted(rows, key=lambda row: row.supplier_id)


def _row(supplier: Supplier, selected: bool, blocked: str | None, reply: str, latest: dict[int, str]) -> RecipientRow:
    return RecipientRow(
        supplier_id=supplier.pk,
        selected=selected,
        supplier_name=supplier.name,
        inn=supplier.inn,
        email=supplier.email,
        is_reseller=supplier.is_reseller,
        send_status=latest.get(supplier.pk, "notsent"),
        blocked_reason=blocked,
        reply_status=reply,
    )


def contacted_supplier_ids(*, request_id: int) -> set[int]:
    """Suppliers that have an outgoing message for this request, whatever its state (they are not "new")."""
    return set(
        Message.objects.filter(request_id=request_id, direction=Direction.OUTGOING, supplier_id__isnull=False)
        .values_list("supplier_id", flat=True)
        .distinct()
    )


def message_list(*, request: Request, include_deleted: bool = False) -> QuerySet[Message]:
    """The thread of a request (already scoped by the caller), newest first, ready for ``MessageDTO``."""
    messages = (
        Message.objects.filter(request=request)
        .select_related("supplier")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )
    if not include_deleted:
        messages = messages.filter(is_deleted=False)
    return messages


def message_for_delivery(*, message_id: int) -> Message:
    """A message with its request, the buyer, the supplier and its mailing (1 query); see ``email.mailing_parts``."""
    return Message.objects.select_related("request__owner", "supplier", "mailing").get(pk=message_id)


def owned_message_queryset(*, owner: Any) -> QuerySet[Message]:
    """Messages of the requests ``owner`` owns; any other id looks absent."""
    return Message.objects.filter(request__owner_id=owner.pk)


def request_recipient_rows(*, owner: Any, request_id: int) -> list[RecipientRow]:
    """``GET …/recipients``: 404 for another buyer's request, else its candidates and recipients."""
    return recipient_rows(request=request_get(owner=owner, request_id=request_id), buyer=owner)


def request_message_list(*, owner: Any, request_id: int, include_deleted: bool = False) -> QuerySet[Message]:
    """``GET …/messages``: 404 for another buyer's request, else its thread newest first."""
    return message_list(request=request_get(owner=owner, request_id=request_id), include_deleted=include_deleted)


def suppressed_emails(emails: Iterable[str]) -> set[str]:
    """Which of ``emails`` are suppressed (bounced before), compared case-insensitively (1 query, none for
    an empty input). Answers the addresses as given, so callers can match them against their own list."""
    by_folded: dict[str, list[str]] = {}
    for email in emails:
        if email:
            by_folded.setdefault(email.strip().lower(), []).append(email)
    if not by_folded:
        return set()
    found = SuppressedAddress.objects.filter(email__in=list(by_folded)).values_list("email", flat=True)
    return {original for folded in found for original in by_folded[folded]}
