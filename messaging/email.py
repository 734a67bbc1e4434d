"""The e-mail a supplier receives for one outbox row: headers, text and HTML bodies, attachments.

Everything comes from the ``Message`` row, its request and the buyer's profile, so a retry rebuilds the same
e-mail (same ``Message-ID``): the supplier's mail system can recognise a duplicate delivered by a retry. It is
written in the buyer's language (``BuyerProfile.language``, else ``LANGUAGE_CODE``): texts from the catalogue,
quantities and the date in that language's format, the From name "<company> via B2B Platform" (docs/emails.md).
"""

import mimetypes
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import BuyerProfile
from accounts.selectors import profile_of
from attachments.services import attachment_read_bytes
from core import formats

from .extensions import quote_link_for
from .models import Message, Recipient

TEXT_TEMPLATE = "messaging/request_email.txt"
HTML_TEMPLATE = "messaging/request_email.html"
# Reminders and the deadline / close notices (messaging/deadlines.py): the buyer's identity around a short text.
NOTICE_TEXT_TEMPLATE = "messaging/supplier_notice.txt"
NOTICE_HTML_TEMPLATE = "messaging/supplier_notice.html"
NOTICE_KINDS = ("reminder", "deadline", "closed")  # MailingKind values


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: the domain of ``DEFAULT_FROM_EMAIL``."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "b2b.localhost"


def new_message_id_token() -> str:
    """A random, unguessable part of a Message-ID (the row id alone would be enumerable)."""
    return secrets.token_hex(8)


PLATFORM_NAME = "B2B Platform"


def reply_address(token: str | None) -> str:
    """``<local>+<token>@<domain>`` of ``REPLY_MAILBOX``; the mailbox itself without a token; "" when unset."""
    mailbox = settings.REPLY_MAILBOX.strip()
    if not mailbox or "@" not in mailbox:
        return ""
    if not token:
        return mailbox
    local, _at, domain = mailbox.rpartition("@")
    return f"{local}+{token}@{domain}"


def email_language(profile: BuyerProfile | None) -> str:
    """The buyer's language for supplier e-mails, if it is one of ``LANGUAGES``; else ``LANGUAGE_CODE``."""
    language = profile.email_language if profile is not None else settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def format_quantity(value: Decimal | None, language: str) -> str:
    """A quantity as ``language`` writes it, without the stored trailing zeros; None → ``""``.

    ``Decimal("12.5000")`` → ``"12,5"`` (ru) / ``"12.5"`` (en); ``1250.5`` → ``"1 250,5"`` (a no-break space,
    Django's Russian grouping) / ``"1,250.5"``; ``Decimal("100.0000")`` → ``"100"``.
    """
    with translation.override(language):
        return formats.format_quantity(value)


def format_date(value: datetime, language: str) -> str:
    """The local date as ``language`` writes it briefly: ``03.12.2026`` (ru), ``12/03/2026`` (en)."""
    with translation.override(language):
        return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def format_deadline(value: datetime, language: str) -> str:
    """A deadline as ``language`` writes a date and time, with the time zone: ``05.12.2026 12:00 (UTC)``."""
    with translation.override(language):
        local = timezone.localtime(value)
        return f"{date_format(local, 'SHORT_DATETIME_FORMAT')} ({local.tzname()})"


def from_header(company: str) -> str:
    """``"<company> via B2B Platform" <noreply@…>`` in the active language; the platform's name alone without one.

    The address is always ``DEFAULT_FROM_EMAIL``'s (SPF/DKIM are ours); ``formataddr`` quotes a name with
    commas or quotes, and Django encodes a non-ASCII name (RFC 2047) when it writes the header.
    """
    platform, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    company = " ".join(company.split())
    name = gettext("%(company)s via B2B Platform") % {"company": company} if company else platform or PLATFORM_NAME
    return formataddr((name, address))


@dataclass(frozen=True, slots=True)
class MailingParts:
    """What every e-mail of one mailing shares: the request's keys (locked since submission) and the files
    (written once for all the mailing's rows). Loaded once per delivery batch, not once per e-mail."""

    keys: list[Any]
    attachments: list[Any]
    profile: BuyerProfile | None = None
    reply_tokens: dict[int, str] | None = None  # supplier id → the recipient's reply token


def mailing_parts(message: Message) -> MailingParts:
    """The keys by ``pos``, the message's attachments by id, the buyer's profile and the request's reply
    tokens (4 queries)."""
    return MailingParts(
        keys=list(message.request.keys.order_by("pos")),
        attachments=list(message.attachments.order_by("pk")),
        profile=profile_of(message.request.owner),
        reply_tokens={
            supplier_id: token
            for supplier_id, token in Recipient.objects.filter(
                request_id=message.request_id, reply_token__isnull=False
            ).values_list("supplier_id", "reply_token")
            if token
        },
    )


def reply_to_for(message: Message, parts: MailingParts) -> str:
    """The supplier's reply address (``REPLY_MAILBOX`` plus the recipient's token); the buyer's own address
    when ``REPLY_MAILBOX`` is unset."""
    token = (parts.reply_tokens or {}).get(message.supplier_id) if message.supplier_id else None
    return reply_address(token) or message.request.owner.email


def email_context(message: Message, parts: MailingParts, language: str) -> dict[str, Any]:
    """What the templates show: greeting, the buyer's text, the keys as a table, the buyer's signature and contacts."""
    request = message.request
    profile = parts.profile or BuyerProfile()
    keys = [
        {
            "pos": key.pos,
            "text": key.text,
            "qty": format_quantity(key.qty, language),
            "unit": key.unit or "",
            "note": key.note or "",
        }
        for key in parts.keys
    ]
    return {
        "subject": message.subject,
        "supplier_name": message.supplier.name if message.supplier else "",
        "body": message.body,
        "request_id": str(request.pk),
        "request_title": request.title or "",
        "request_date": format_date(message.created_at, language),
        "keys": keys,
        "buyer_email": request.owner.email,
        "replies_filed": bool(settings.REPLY_MAILBOX),
        "company_name": profile.company_name,
        "company_inn": profile.company_inn,
        "contact_name": profile.contact_name,
        "phone": profile.phone,
        "signature": profile.signature,
        "attachment_names": [attachment.original_filename for attachment in parts.attachments],
        "quote_url": quote_link_for(message) or "",
        "deadline": format_deadline(request.deadline, language) if request.deadline else "",
    }


def _templates_for(message: Message, context: dict[str, Any]) -> tuple[str, str]:
    """The request e-mail, or for a reminder or notice the short one (keys only in a reminder, no quote link
    once the request is closed)."""
    kind = message.mailing.kind if message.mailing_id is not None and message.mailing is not None else None
    if kind not in NOTICE_KINDS:
        return TEXT_TEMPLATE, HTML_TEMPLATE
    context["notice_kind"] = kind
    if kind != "reminder":
        context["keys"] = []
    if kind == "closed":
        context["quote_url"] = ""
    return NOTICE_TEXT_TEMPLATE, NOTICE_HTML_TEMPLATE


def build_email(
    *, message: Message, parts: MailingParts | None = None, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The e-mail for ``message`` (loaded with ``selectors.message_for_delivery``).

    Header values come from validated data only: the subject was checked for line breaks when the mailing
    was created, addresses are validated e-mail fields, and Django refuses any header with a newline.
    """
    parts = parts or mailing_parts(message)
    language = email_language(parts.profile)
    with translation.override(language):
        context = email_context(message, parts, language)
        text_template, html_template = _templates_for(message, context)
        text, html = render_to_string(text_template, context), render_to_string(html_template, context)
        from_email = from_header(parts.profile.company_name if parts.profile else "")
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.in_reply_to
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=text,
        from_email=from_email,
        to=[message.to_email],
        reply_to=[reply_to_for(message, parts)],
        headers=headers,
        connection=connection,
    )
    email.attach_alternative(html, "text/html")
    for attachment in parts.attachments:
        content_type = attachment.content_type or (
            mimetypes.guess_type(attachment.original_filename)[0] or "application/octet-stream"
        )
        email.attach(attachment.original_filename, attachment_read_bytes(attachment=attachment), content_type)
    return email
