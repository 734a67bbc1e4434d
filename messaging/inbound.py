"""Filing inbound mail: a supplier's reply under its request and supplier, a bounce on the message it reports,
anything else in the moderators' queue (``UnmatchedMail``) — see docs/messaging.md "Replies come back".

``process_mail(raw)`` is the one entry point of the mailbox readers (``mailbox.py``). It runs in the caller's
transaction (which also records how far the mailbox was read), never raises for the mail's content, and is
idempotent by ``Message-ID``: the same mail fetched twice is stored once. The filing order is the reply
token (``rfq+<token>@…`` in To/Cc/Delivered-To/X-Original-To), then ``In-Reply-To``/``References`` against
our Message-IDs, then the sender's address against the addresses this platform e-mailed.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.selectors import profile_of
from attachments.errors import AttachmentTooLarge, AttachmentTypeNotAllowed
from attachments.models import Attachment
from attachments.services import attachment_create, attachment_read_bytes
from core.errors import ValidationFailed
from requests_app.importers.archive import ArchiveLimits, check_archive
from requests_app.importers.errors import ArchiveTooLarge, UnsupportedFileType
from requests_app.models import Request
from suppliers.models import Supplier

from .email import email_language, from_header, message_id_domain
from .mailparse import InboundAttachment, InboundMail, parse_mail
from .models import (
    DeliveryErrorReason,
    Direction,
    Message,
    MessageStatus,
    Recipient,
    ReplyStatus,
    SuppressedAddress,
    UnmatchedMail,
    UnmatchedStatus,
)
from .queueing import SEND_REPLY_COPY, publish_task

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[^+@\s]+\+([a-z0-9]{20})@", re.IGNORECASE)
REQUEST_NUMBER_RE = re.compile(r"(?:№|No\.?|#|N)\s*(\d{1,12})", re.IGNORECASE)
ARCHIVE_EXTENSIONS = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
COPY_PREFIX = "<copy-"


@dataclass(frozen=True, slots=True)
class Match:
    request_id: int
    supplier_id: int
    how: str  # token | headers | sender | moderator


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # filed | duplicate | bounce | unmatched
    message_id: str
    row_id: int | None = None  # the incoming Message (filed/duplicate) or the UnmatchedMail row
    how: str = ""


# --- matching ------------------------------------------------------------------------------------------


def match_mail(mail: InboundMail) -> Match | None:
    """The request and supplier a reply belongs to (token, then headers, then sender), or None."""
    return _match_by_token(mail) or _match_by_headers(mail) or _match_by_sender(mail)


def _match_by_token(mail: InboundMail) -> Match | None:
    tokens = [found.group(1).lower() for address in mail.to_addresses if (found := TOKEN_RE.match(address))]
    if not tokens:
        return None
    rows = {
        token: (request_id, supplier_id)
        for token, request_id, supplier_id in Recipient.objects.filter(reply_token__in=tokens).values_list(
            "reply_token", "request_id", "supplier_id"
        )
    }
    for token in tokens:
        if token in rows:
            return Match(*rows[token], "token")
    return None


def _match_by_headers(mail: InboundMail) -> Match | None:
    """The newest of our messages named by In-Reply-To, else by References (the last one first)."""
    wanted = [mail.in_reply_to] if mail.in_reply_to else []
    wanted += [reference for reference in reversed(mail.references) if reference not in wanted]
    if not wanted:
        return None
    known = {
        message_id: (request_id, supplier_id)
        for message_id, request_id, supplier_id in Message.objects.filter(
            message_id__in=wanted, supplier_id__isnull=False
        ).values_list("message_id", "request_id", "supplier_id")
    }
    for message_id in wanted:
        if message_id in known:
            request_id, supplier_id = known[message_id]
            return Match(request_id, supplier_id, "headers")
    return None


def _match_by_sender(mail: InboundMail) -> Match | None:
    """The one (request, supplier) this address was e-mailed for; with several, the one the subject names."""
    if not mail.from_email:
        return None
    pairs = sorted(
        set(
            Message.objects.annotate(to_lower=Lower("to_email"))
            .filter(to_lower=mail.from_email, direction=Direction.OUTGOING, supplier_id__isnull=False)
            .values_list("request_id", "supplier_id")
        )
    )
    if len(pairs) == 1:
        return Match(*pairs[0], "sender")
    named = {int(number) for number in REQUEST_NUMBER_RE.findall(mail.subject)}
    chosen = [pair for pair in pairs if pair[0] in named]
    if len(chosen) == 1:
        return Match(*chosen[0], "sender")
    return None  # never e-mailed, or ambiguous: a moderator decides


# --- the entry point -----------------------------------------------------------------------------------


def process_mail(raw: bytes, *, truncated: bool = False) -> Outcome:
    """File one raw e-mail (see the module's docstring); call inside a transaction. Never raises for content.

    ``truncated``: only the headers were fetched (the mail is over ``INBOUND_MAX_MESSAGE_BYTES``).
    """
    mail = parse_mail(raw)
    if truncated:
        mail.notes.append(
            f"The e-mail is larger than {settings.INBOUND_MAX_MESSAGE_BYTES} bytes: only its headers were kept."
        )
    try:
        with transaction.atomic():
            return _process(mail)
    except Exception as error:  # noqa: BLE001 — never lose a mail to a bug: queue it for a moderator
        logger.exception("messaging: filing inbound %s failed; queued for moderators", mail.message_id)
        with transaction.atomic():
            return unmatched_store(mail, reason=f"Filing failed: {type(error).__name__}"[:255])


def _process(mail: InboundMail) -> Outcome:
    existing = Message.objects.filter(message_id=mail.message_id).values_list("pk", flat=True).first()
    if existing is not None:
        return Outcome("duplicate", mail.message_id, existing)
    already = UnmatchedMail.objects.filter(message_id=mail.message_id).values_list("pk", flat=True).first()
    if already is not None:
        return Outcome("duplicate", mail.message_id, already)
    if mail.bounce is not None:
        outcome = bounce_record(mail)
        if outcome is not None:
            return outcome
    elif mail.report_type == "delivery-status":  # a delay or success report: nothing to do, kept for the record
        return unmatched_store(mail, reason="Delivery report without a failure", status=UnmatchedStatus.DISCARDED)
    match = match_mail(mail)
    if match is None:
        reason = "Bounce of a message we cannot identify" if mail.bounce is not None else "No request matched"
        return unmatched_store(mail, reason=reason)
    message = reply_file(mail, match)
    return Outcome("filed", mail.message_id, message.pk, match.how)


# --- replies -------------------------------------------------------------------------------------------


def reply_file(mail: InboundMail, match: Match) -> Message:
    """Store the reply once (by Message-ID) with its attachments, mark the recipient, queue the buyer's copy."""
    request = Request.objects.select_related("owner").get(pk=match.request_id)
    owner = request.owner
    language = email_language(profile_of(owner))
    attachments, dropped = _store_attachments(owner=owner, mail=mail)
    body = mail.body_text
    with translation.override(language):
        extra = [
            gettext("[The attachment “%(name)s” was not kept: %(reason)s]") % {"name": name, "reason": why}
            for name, why in dropped
        ]
        if not mail.body_text and not attachments and mail.notes:
            extra.append(gettext("[The e-mail could not be read completely; a moderator can see it as received.]"))
    if extra:
        body = "\n\n".join(part for part in (body, "\n".join(extra)) if part)
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                request=request,
                supplier_id=match.supplier_id,
                direction=Direction.INCOMING,
                to_email=_our_address(mail)[:254],
                from_email=mail.from_email,
                subject=mail.subject or "",
                body=body,
                status=MessageStatus.SENT,
                message_id=mail.message_id,
                in_reply_to=mail.in_reply_to or None,
                references=" ".join(mail.references)[:10000],
                sent_at=mail.date or now,
                created_at=now,
            )
    except IntegrityError:  # another reader stored it a moment ago
        return Message.objects.get(message_id=mail.message_id)
    if attachments:
        message.attachments.add(*attachments)
    if not mail.auto_reply:  # an out-of-office answer is filed and copied, but is not the supplier's reply
        _mark_replied(request_id=match.request_id, supplier_id=match.supplier_id, now=now)
    transaction.on_commit(partial(publish_task, SEND_REPLY_COPY, message.pk))
    return message


def _our_address(mail: InboundMail) -> str:
    local, _at, domain = settings.REPLY_MAILBOX.lower().rpartition("@")
    for address in mail.to_addresses:
        if address.endswith("@" + domain) and address.split("+")[0].split("@")[0] == local:
            return address
    return settings.REPLY_MAILBOX or (mail.to_addresses[0] if mail.to_addresses else "unknown@invalid")


def _mark_replied(*, request_id: int, supplier_id: int, now: Any) -> None:
    """``none → replied``; a quote outranks a reply (only ``replied_at`` moves); a bounce stays."""
    recipients = Recipient.objects.filter(request_id=request_id, supplier_id=supplier_id)
    recipients.filter(reply_status__in=[ReplyStatus.NONE, ReplyStatus.REPLIED]).update(
        reply_status=ReplyStatus.REPLIED, replied_at=now
    )
    recipients.filter(reply_status=ReplyStatus.QUOTED).update(replied_at=now)
    if not recipients.exists():
        Recipient.objects.create(
            request_id=request_id, supplier_id=supplier_id, reply_status=ReplyStatus.REPLIED, replied_at=now
        )


def _attachment_name(item: InboundAttachment, index: int) -> str:
    if item.filename:
        return item.filename
    extension = mimetypes.guess_extension(item.content_type or "") or ".bin"
    return f"part-{index}{extension}"


def _store_attachments(*, owner: Any, mail: InboundMail) -> tuple[list[Attachment], list[tuple[str, str]]]:
    """The reply's files as the buyer's attachments, through the attachments app (same limits and sniffing).

    A file that is too large, of a type not allowed, lying about its type, or an archive over the import
    caps (a ZIP bomb) is dropped and named in ``dropped``; nothing here raises for a file's content.
    """
    kept: list[Attachment] = []
    dropped: list[tuple[str, str]] = []
    limits = ArchiveLimits(
        max_members=settings.IMPORT_MAX_ARCHIVE_MEMBERS,
        max_member_bytes=settings.IMPORT_MAX_MEMBER_BYTES,
        max_total_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )
    for index, item in enumerate(mail.attachments, start=1):
        name = _attachment_name(item, index)
        if not item.content:
            continue  # an empty inline part: nothing to keep
        if len(kept) >= settings.INBOUND_MAX_ATTACHMENTS:
            dropped.append((name, gettext("too many attachments in one e-mail")))
            continue
        if len(item.content) > settings.ATTACHMENT_MAX_BYTES:
            dropped.append((name, gettext("the file is larger than allowed")))
            continue
        upload = ContentFile(item.content, name=name)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        try:
            if extension in ARCHIVE_EXTENSIONS and item.content[:2] == b"PK":
                check_archive(upload, extension, limits)  # type: ignore[arg-type]  # a ContentFile is a binary stream
            kept.append(attachment_create(owner=owner, uploaded_file=upload))
        except ArchiveTooLarge:
            dropped.append((name, gettext("the archive unpacks to more than allowed")))
        except UnsupportedFileType:
            dropped.append((name, gettext("the archive cannot be read")))
        except AttachmentTooLarge:
            dropped.append((name, gettext("the file is larger than allowed")))
        except AttachmentTypeNotAllowed:
            dropped.append((name, gettext("this type of file is not allowed, or its content does not match its name")))
        except ValidationFailed:
            dropped.append((name, gettext("the file is empty")))
    return kept, dropped


# --- bounces -------------------------------------------------------------------------------------------


def bounce_record(mail: InboundMail) -> Outcome | None:
    """Mark the bounced outgoing message and its recipient, suppress the address; None if ours is not found.

    The DSN itself is kept in ``UnmatchedMail`` as ``filed`` (a record, and what makes a second fetch of the
    same DSN a duplicate).
    """
    report = mail.bounce
    assert report is not None
    original = (
        Message.objects.filter(message_id__in=report.original_message_ids, direction=Direction.OUTGOING)
        .order_by("-created_at")
        .first()
        if report.original_message_ids
        else None
    )
    if original is None:
        return None
    now = timezone.now()
    reason = " ".join(part for part in (report.status, report.diagnostic) if part)[:255] or "bounced"
    Message.objects.filter(pk=original.pk, bounced_at__isnull=True).update(
        bounced_at=now, bounce_reason=reason, updated_at=now
    )
    if original.supplier_id is not None:
        Recipient.objects.filter(request_id=original.request_id, supplier_id=original.supplier_id).update(
            reply_status=ReplyStatus.BOUNCED, updated_at=now
        )
    addresses = set(report.recipients) or {original.to_email.lower()}
    for address in addresses:
        suppress_address(address, reason=reason, message=original)
    outcome = unmatched_store(
        mail,
        reason=f"Bounce of message #{original.pk}",
        status=UnmatchedStatus.FILED,
        request_id=original.request_id,
        supplier_id=original.supplier_id,
    )
    return Outcome("bounce", mail.message_id, outcome.row_id, "bounce")


def suppress_address(email: str, *, reason: str = "", message: Message | None = None) -> SuppressedAddress:
    """Stop sending to ``email`` (case-insensitive); the first reason is kept."""
    row, _created = SuppressedAddress.objects.get_or_create(
        email=email.strip().lower()[:254], defaults={"reason": reason[:255], "bounced_message": message}
    )
    return row


# --- the moderators' queue -----------------------------------------------------------------------------


def unmatched_store(
    mail: InboundMail,
    *,
    reason: str,
    status: str = UnmatchedStatus.PENDING,
    request_id: int | None = None,
    supplier_id: int | None = None,
) -> Outcome:
    """Keep the whole mail for moderators (once per Message-ID)."""
    row, _created = UnmatchedMail.objects.get_or_create(
        message_id=mail.message_id,
        defaults={
            "from_email": mail.from_email,
            "to_header": mail.to_header,
            "subject": mail.subject,
            "reason": reason[:255],
            "raw": mail.raw,
            "status": status,
            "request_id": request_id,
            "supplier_id": supplier_id,
            "handled_at": timezone.now() if status != UnmatchedStatus.PENDING else None,
        },
    )
    return Outcome("unmatched" if status == UnmatchedStatus.PENDING else "bounce", mail.message_id, row.pk)


def unmatched_file(*, unmatched_id: int, request_id: int, supplier_id: int, moderator: Any) -> Message:
    """A moderator's decision: file a queued mail under ``request_id`` and ``supplier_id`` as a reply."""
    with transaction.atomic():
        row = UnmatchedMail.objects.select_for_update().get(pk=unmatched_id)
        if row.status == UnmatchedStatus.FILED and row.filed_message_id:
            return Message.objects.get(pk=row.filed_message_id)
        if not Request.objects.filter(pk=request_id).exists():
            raise ValidationFailed(
                [(("request",), gettext("Request %(id)s does not exist.") % {"id": request_id}, "not_found")]
            )
        if not Supplier.objects.filter(pk=supplier_id).exists():
            raise ValidationFailed(
                [(("supplier",), gettext("Supplier %(id)s does not exist.") % {"id": supplier_id}, "not_found")]
            )
        mail = parse_mail(bytes(row.raw))
        mail.message_id = row.message_id
        existing = Message.objects.filter(message_id=mail.message_id).first()
        message = existing or reply_file(mail, Match(request_id, supplier_id, "moderator"))
        UnmatchedMail.objects.filter(pk=row.pk).update(
            status=UnmatchedStatus.FILED,
            request_id=request_id,
            supplier_id=supplier_id,
            filed_message=message,
            handled_by=moderator,
            handled_at=timezone.now(),
        )
    return message


def unmatched_discard(*, unmatched_ids: list[int], moderator: Any) -> int:
    """A moderator's decision: the mail is not a reply (spam, an auto-answer); it stays stored, marked."""
    return UnmatchedMail.objects.filter(pk__in=unmatched_ids, status=UnmatchedStatus.PENDING).update(
        status=UnmatchedStatus.DISCARDED, handled_by=moderator, handled_at=timezone.now()
    )


# --- the buyer's copy ----------------------------------------------------------------------------------


def copy_message_id(message: Message) -> str:
    """The copy's own stable Message-ID: a resent copy is recognisable as the same e-mail."""
    digest = hashlib.sha256(message.message_id.encode("utf-8", "replace")).hexdigest()[:16]
    return f"{COPY_PREFIX}{message.pk}.{digest}@{message_id_domain()}>"


def build_reply_copy(message: Message) -> EmailMultiAlternatives:
    """The e-mail telling the buyer about a reply: its text and files, ``Reply-To`` the supplier."""
    owner = message.request.owner
    profile = profile_of(owner)
    language = email_language(profile)
    supplier_name = message.supplier.name if message.supplier else message.from_email
    with translation.override(language):
        subject = gettext("Reply from %(supplier)s: %(subject)s") % {
            "supplier": supplier_name,
            "subject": message.subject or gettext("(no subject)"),
        }
        intro = gettext("%(supplier)s <%(email)s> replied to your request No. %(number)s.") % {
            "supplier": supplier_name,
            "email": message.from_email,
            "number": message.request_id,
        }
        footer = gettext("The reply is filed with the request on B2B Platform.")
        sender = from_header(supplier_name)
    subject = " ".join(subject.split())[:255]
    text = f"{intro}\n\n{message.body}\n\n--\n{footer}\n"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[owner.email],
        reply_to=[message.from_email] if message.from_email else None,
        headers={"Message-ID": copy_message_id(message), "References": message.message_id},
    )
    for attachment in message.attachments.order_by("pk"):
        email.attach(
            attachment.original_filename,
            attachment_read_bytes(attachment=attachment),
            attachment.content_type or "application/octet-stream",
        )
    return email


def reply_copy_send(*, message_id: int) -> str:
    """Send the buyer's copy of one incoming message unless sent; ``sent`` | ``skipped``. SMTP errors raise.

    The row is locked while the copy is sent, so two workers never both send it; a crash after the relay's
    ``250`` and before the commit sends it again (at least once, with the same Message-ID), as for outgoing
    mail (decision 0004).
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("request__owner", "supplier")
            .filter(pk=message_id, direction=Direction.INCOMING, copy_sent_at__isnull=True)
            .first()
        )
        if message is None:
            return "skipped"
        email = build_reply_copy(message)
        email.send()
        Message.objects.filter(pk=message.pk).update(copy_sent_at=timezone.now(), attempts=F("attempts") + 1)
    return "sent"


def reply_copy_failed(*, message_id: int, error: BaseException) -> int:
    """Count a failed try of the buyer's copy; at ``MESSAGE_MAX_ATTEMPTS`` record the error, after which the
    sweeper leaves the row alone (a moderator sees it). Answers the tries so far."""
    now = timezone.now()
    Message.objects.filter(pk=message_id, direction=Direction.INCOMING).update(
        attempts=F("attempts") + 1, updated_at=now
    )
    attempts = int(Message.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 0)
    if attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        Message.objects.filter(pk=message_id, direction=Direction.INCOMING).update(
            last_error=f"Buyer's copy: {type(error).__name__}: {error}"[:2000],
            last_error_reason=DeliveryErrorReason.RELAY_UNAVAILABLE,
        )
    return attempts


def pending_copy_ids(*, older_than_seconds: float = 120.0, limit: int = 1000) -> list[int]:
    """Incoming messages whose copy is still to send (lost task, broker outage): the sweeper publishes them."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Message.objects.filter(
            direction=Direction.INCOMING, copy_sent_at__isnull=True, last_error__isnull=True, created_at__lt=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
