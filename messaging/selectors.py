"""Reads of recipients and messages, always scoped through a request the caller owns."""

from dataclasses import dataclass

from requests_app.models import Request

from .models import Direction, MessageStatus, Recipient

SEND_STATUS_BY_MESSAGE_STATUS = {
    MessageStatus.QUEUED: "queued",
    MessageStatus.SENDING: "queued",
    MessageStatus.SENT: "sent",
    MessageStatus.FAILED: "failed",
}


@dataclass(frozen=True, slots=True)
class RecipientState:
    selected: bool
    sendstatus: str  # notsent | queued | sent | failed
    isnew: bool  # never contacted for this request
    blockedreason: str | None


NOT_A_RECIPIENT = RecipientState(selected=False, sendstatus="notsent", isnew=True, blockedreason=None)


def recipient_states_for_request(*, request: Request) -> dict[int, RecipientState]:
    """State of every supplier that is a recipient of, or was e-mailed for, ``request`` (2 queries).

    ``sendstatus`` is the state of the newest outgoing message to that supplier; suppliers absent
    from the answer are in the state ``NOT_A_RECIPIENT``.
    """
    recipients = {
        supplier_id: (selected, blocked)
        for supplier_id, selected, blocked in Recipient.objects.filter(request=request).values_list(
            "supplier_id", "selected", "blocked_reason"
        )
    }
    latest_status: dict[int, str] = {}
    outgoing = (
        request.messages.filter(direction=Direction.OUTGOING, supplier_id__isnull=False)
        .order_by("supplier_id", "-created_at", "-id")
        .values_list("supplier_id", "status")
    )
    for supplier_id, status in outgoing:
        latest_status.setdefault(supplier_id, SEND_STATUS_BY_MESSAGE_STATUS[MessageStatus(status)])
    states: dict[int, RecipientState] = {}
    for supplier_id in recipients.keys() | latest_status.keys():
        selected, blocked = recipients.get(supplier_id, (False, None))
        sendstatus = latest_status.get(supplier_id, "notsent")
        states[supplier_id] = RecipientState(
            selected=selected, sendstatus=sendstatus, isnew=supplier_id not in latest_status, blockedreason=blocked
        )
    return states
