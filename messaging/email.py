"""The e-mail a supplier receives for one outbox row: headers, text and HTML bodies, attachments.

Everything comes from the ``Message`` row and its request, so a retry rebuilds exactly the same e-mail
(same ``Message-ID``): the supplier's mail system can recognise a duplicate delivered by a retry.
"""

import mimetypes
import secrets
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from attachments.services import attachment_read_bytes

from .models import Message

TEXT_TEMPLATE = "messaging/request_email.txt"
HTML_TEMPLATE = "messaging/request_email.html"


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: the domain of ``DEFAULT_FROM_EMAIL``."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "b2b.localhost"


def new_message_id_token() -> str:
    """A random, unguessable part of a Message-ID (the row id alone would be enumerable)."""
    return secrets.token_hex(8)


def _format_qty(qty: Decimal | None) -> str:
    """``Decimal("10.5000")`` → ``"10.5"``, ``Decimal("100.0000")`` → ``"100"``; None → ``""``."""
    if qty is None:
        return ""
    return format(qty.normalize(), "f")


@dataclass(frozen=True, slots=True)
class MailingParts:
    """What every e-mail of one mailing shares: the request's keys (locked since submission) and the files
    (written once for all the mailing's rows). Loaded once per delivery batch, not once per e-mail."""

    keys: list[Any]
    attachments: list[Any]


def mailing_parts(message: Message) -> MailingParts:
    """The keys by ``pos`` and the message's attachments by id (2 queries)."""
    return MailingParts(
        keys=list(message.request.keys.order_by("pos")),
        attachments=list(message.attachments.order_by("pk")),
    )


def email_context(message: Message, parts: MailingParts) -> dict[str, Any]:
    """What the templates show: greeting, the buyer's text, the keys as a table, the buyer's address."""
    request = message.request
    keys = [
        {"pos": key.pos, "text": key.text, "qty": _format_qty(key.qty), "unit": key.unit or "", "note": key.note or ""}
        for key in parts.keys
    ]
    return {
        "subject": message.subject,
        "supplier_name": message.supplier.name if message.supplier else "",
        "body": message.body,
        "request_id": request.pk,
        "request_title": request.title or "",
        "keys": keys,
        "buyer_email": request.owner.email,
        "attachment_names": [attachment.original_filename for attachment in parts.attachments],
    }


def build_email(
    *, message: Message, parts: MailingParts | None = None, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The e-mail for ``message`` (loaded with ``selectors.message_for_delivery``).

    Header values come from validated data only: the subject was checked for line breaks when the mailing
    was created, addresses are validated e-mail fields, and Django refuses any header with a newline.
    """
    parts = parts or mailing_parts(message)
    context = email_context(message, parts)
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.in_reply_to
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=render_to_string(TEXT_TEMPLATE, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        reply_to=[message.request.owner.email],
        headers=headers,
        connection=connection,
    )
    email.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    for attachment in parts.attachments:
        content_type = attachment.content_type or (
            mimetypes.guess_type(attachment.original_filename)[0] or "application/octet-stream"
        )
        email.attach(attachment.original_filename, attachment_read_bytes(attachment=attachment), content_type)
    return email
