"""Minimal recipients and outgoing messages for the unticking tests (messaging owns the real factories)."""

import uuid

from accounts.models import User
from messaging.models import Direction, Message, MessageStatus, Recipient
from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import RequestFactory
from suppliers.models import Supplier


def make_request(owner: User) -> Request:
    return RequestFactory(owner=owner, status=RequestStatus.CONFIRMED)


def make_recipient(request: Request, supplier: Supplier, *, selected: bool = True, **fields) -> Recipient:
    return Recipient.objects.create(request=request, supplier=supplier, selected=selected, **fields)


def make_message(request: Request, supplier: Supplier, status: str = MessageStatus.SENT, **fields) -> Message:
    return Message.objects.create(
        request=request,
        supplier=supplier,
        direction=fields.pop("direction", Direction.OUTGOING),
        to_email=supplier.email,
        subject="RFQ",
        body="Please quote",
        status=status,
        message_id=f"<{uuid.uuid4().hex}@test>",
        **fields,
    )


def state(recipient: Recipient) -> tuple[bool, str | None]:
    recipient.refresh_from_db()
    return recipient.selected, recipient.blocked_reason
