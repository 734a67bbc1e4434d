"""Writes of messaging: the buyer's recipient checkboxes, mailings into the outbox, hiding messages.

``mailing_send`` is the one place e-mails are created. It writes every ``Message`` row (the outbox) in one
transaction and only *after* commit asks Celery to deliver them, so a crash or a broker outage can delay an
e-mail but never lose one: the sweeper (``delivery.requeue_stuck_messages``) re-publishes what was not.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EmailPolicy
from accounts.selectors import profile_of
from attachments.models import Attachment
from attachments.selectors import attachments_for_sending
from core.errors import InvalidState, NotFound, ValidationFailed
from requests_app.models import Request, RequestStatus
from requests_app.selectors import request_get
from requests_app.services import request_mark_processing
from suppliers.models import Supplier
from suppliers.selectors import supplier_block_reasons

from .email import message_id_domain, new_message_id_token
from .errors import AlreadySent, NoRecipients, NotAllowedByPolicy
from .models import Direction, Mailing, MailingKind, Message, MessageStatus, Recipient, ReplyStatus
from .queueing import enqueue_deliveries
from .selectors import contacted_supplier_ids, owned_message_queryset, suppressed_emails

SUBJECT_MAX = 255
BODY_MAX = 20000
SENDABLE_STATUSES = (RequestStatus.CONFIRMED, RequestStatus.PROCESSING)
PENDING_PREFIX = "<pending."
# What sending reads of each ticked recipient's card (not the registry data, which can be large).
RECIPIENT_FIELDS = ("request_id", "supplier_id", "selected", "supplier__inn", "supplier__name", "supplier__email")


@dataclass(frozen=True, slots=True)
class SendResult:
    request_id: int
    sent_count: int
    skipped_already_sent: int
    skipped_blacklisted: int
    message_ids: list[int] = field(default_factory=list)
    skipped_suppressed: int = 0  # ticked, but the address bounced before (``SuppressedAddress``)


# --- recipients ------------------------------------------------------------------------------------------


def recipients_replace(*, owner: Any, request_id: int, selections: Sequence[tuple[int, bool]]) -> Request:
    """Mirror the buyer's checkboxes: the given suppliers become the recipients, all others are dropped —
    except a supplier already contacted for this request, which is kept (unticked when left out), so its
    send and reply states never vanish from the list.

    A blacklisted supplier is kept but forced unticked with its reason; unknown or repeated ids → 422.
    """
    request = request_get(owner=owner, request_id=request_id)
    suppliers = _suppliers_for_selection(selections)
    reasons = supplier_block_reasons(buyer=owner, suppliers=suppliers.values())
    now = timezone.now()
    rows = [
        Recipient(
            request=request,
            supplier_id=supplier_id,
            selected=selected and supplier_id not in reasons,
            blocked_reason=reasons.get(supplier_id),
            updated_at=now,
        )
        for supplier_id, selected in selections
    ]
    with transaction.atomic():
        left_out = Recipient.objects.filter(request=request).exclude(supplier_id__in=list(suppliers))
        contacted = contacted_supplier_ids(request_id=request.pk)
        keep = Q(supplier_id__in=contacted) | ~Q(reply_status=ReplyStatus.NONE)  # e-mailed, or wrote to us
        left_out.filter(keep, selected=True).update(selected=False, updated_at=now)
        left_out.exclude(keep).delete()
        Recipient.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["request", "supplier"],
            update_fields=["selected", "blocked_reason", "updated_at"],
        )
    return request


def _suppliers_for_selection(selections: Sequence[tuple[int, bool]]) -> dict[int, Supplier]:
    """The supplier cards named in a PUT; 422 naming each repeated or unknown id by its position."""
    ids = [supplier_id for supplier_id, _ in selections]
    suppliers = Supplier.objects.in_bulk(set(ids))
    errors: list[tuple[tuple[str | int, ...], str, str]] = []
    seen: set[int] = set()
    for index, supplier_id in enumerate(ids):
        loc: tuple[str | int, ...] = ("recipients", index, "supplier_id")
        if supplier_id in seen:
            errors.append((loc, f"Supplier {supplier_id} is listed more than once.", "value_error"))
        elif supplier_id not in suppliers:
            errors.append((loc, f"Supplier {supplier_id} does not exist.", "not_found"))
        seen.add(supplier_id)
    if errors:
        raise ValidationFailed(errors)
    return suppliers


# --- sending ---------------------------------------------------------------------------------------------


def validate_mailing_text(*, subject: str, body: str) -> None:
    """Subject 1..255 characters on one line (it becomes a header), body 1..20000 characters.

    Errors name the arguments ``("subject",)`` and ``("message_body",)``: a path starting with ``"body"`` would
    read as the request body's location, so the e-mail text has a name of its own until the view maps it.
    """
    errors: list[tuple[tuple[str | int, ...], str, str]] = []
    if not 1 <= len(subject) <= SUBJECT_MAX:
        errors.append((("subject",), _("Must be 1..%(limit)s characters.") % {"limit": SUBJECT_MAX}, "string_length"))
    elif any(unicodedata.category(char) in ("Cc", "Zl", "Zp") and char != "\t" for char in subject):
        errors.append((("subject",), _("Must not contain line breaks or control characters."), "value_error"))
    if not 1 <= len(body) <= BODY_MAX:
        errors.append((("message_body",), _("Must be 1..%(limit)s characters.") % {"limit": BODY_MAX}, "string_length"))
    if errors:
        raise ValidationFailed(errors)


def mailing_text(*, owner: Any, subject: str | None, body: str | None) -> tuple[str, str]:
    """The subject and body of a mailing: as given, or the buyer's defaults (``BuyerProfile``) for the omitted.

    An omitted one without a default is missing (422 at the argument's name); a given one is used as it is,
    even empty (then ``validate_mailing_text`` refuses it).
    """
    if subject is not None and body is not None:
        return subject, body
    profile = profile_of(owner)
    errors: list[tuple[tuple[str | int, ...], Any, str]] = []
    if subject is None:
        subject = profile.default_subject
        if not subject:
            errors.append((("subject",), _("Give a subject, or set a default subject in the profile."), "missing"))
    if body is None:
        body = profile.default_body
        if not body:
            errors.append((("message_body",), _("Give a body, or set a default body in the profile."), "missing"))
    if errors:
        raise ValidationFailed(errors)
    return subject, body


def mailing_send(
    *,
    owner: Any,
    request_id: int,
    subject: str | None = None,
    body: str | None = None,
    attach_request_file: bool = True,
    attachment_ids: Sequence[int] = (),
    only_new: bool = False,
) -> SendResult:
    """``send`` (``only_new=False``) or ``send-new``: one mailing, one outbox row per ticked recipient.

    ``subject`` / ``body`` left out (None) take the buyer's default subject / body (``mailing_text``).

    The ticked recipients are locked for the transaction, so two presses of "send" cannot both e-mail a
    supplier: the second sees the first's messages and answers ``already_sent`` (or skips them).
    """
    request = request_get(owner=owner, request_id=request_id)
    _ensure_sendable(request)
    subject, body = mailing_text(owner=owner, subject=subject, body=body)
    validate_mailing_text(subject=subject, body=body)
    attachments = attachments_for_sending(
        owner=owner,
        attachment_ids=attachment_ids,
        max_count=settings.MESSAGE_MAX_ATTACHMENTS,
        max_total_bytes=settings.MESSAGE_MAX_ATTACHMENT_BYTES,
    )
    with transaction.atomic():
        ticked = list(
            Recipient.objects.select_for_update(of=("self",))
            .filter(request=request, selected=True)
            .select_related("supplier")
            .only(*RECIPIENT_FIELDS)
            .order_by("supplier_id")
        )
        if not ticked and not only_new:
            raise NoRecipients()
        contacted = contacted_supplier_ids(request_id=request.pk)
        already = [recipient.supplier_id for recipient in ticked if recipient.supplier_id in contacted]
        if already and not only_new:
            raise AlreadySent(supplier_ids=already)
        candidates = [recipient for recipient in ticked if recipient.supplier_id not in contacted]
        blocked = _untick_blocked(owner=owner, recipients=candidates)
        suppliers = [recipient.supplier for recipient in candidates if recipient.supplier_id not in blocked]
        suppressed = suppressed_emails(supplier.email for supplier in suppliers)
        skipped_suppressed = sum(supplier.email in suppressed for supplier in suppliers)
        suppliers = [supplier for supplier in suppliers if supplier.email not in suppressed]
        message_ids: list[int] = []
        if suppliers:
            mailing = _create_mailing(
                request=request,
                owner=owner,
                kind=MailingKind.SEND_NEW if only_new else MailingKind.SEND,
                subject=subject,
                body=body,
                attach_request_file=attach_request_file,
                attachments=attachments,
            )
            files = [*attachments, *_request_file(request, attach_request_file, attachments)]
            message_ids = _write_outbox(mailing=mailing, suppliers=suppliers, files=files)
            request_mark_processing(request_id=request.pk)
            transaction.on_commit(partial(enqueue_deliveries, message_ids))
    return SendResult(
        request_id=request.pk,
        sent_count=len(message_ids),
        skipped_already_sent=len(already),
        skipped_blacklisted=len(blocked),
        message_ids=message_ids,
        skipped_suppressed=skipped_suppressed,
    )


def _ensure_sendable(request: Request) -> None:
    if request.status not in SENDABLE_STATUSES:
        raise InvalidState(f"A request in state {request.status!r} cannot be sent; it must be confirmed or processing.")


def _untick_blocked(*, owner: Any, recipients: list[Recipient]) -> dict[int, str]:
    """Re-check both blacklists now: blocked recipients are unticked with the reason and never e-mailed."""
    reasons = supplier_block_reasons(buyer=owner, suppliers=[recipient.supplier for recipient in recipients])
    now = timezone.now()
    for reason in set(reasons.values()):
        supplier_ids = [supplier_id for supplier_id, why in reasons.items() if why == reason]
        Recipient.objects.filter(request_id=recipients[0].request_id, supplier_id__in=supplier_ids).update(
            selected=False, blocked_reason=reason, updated_at=now
        )
    return reasons


def _request_file(request: Request, attach_request_file: bool, chosen: list[Attachment]) -> list[Attachment]:
    """The request's own file (from upload-and-create), when asked for, still there and not chosen already."""
    if not attach_request_file or request.source_attachment_id is None:
        return []
    if any(attachment.pk == request.source_attachment_id for attachment in chosen):
        return []
    source = Attachment.objects.filter(pk=request.source_attachment_id, is_deleted=False).first()
    return [source] if source is not None else []


def _create_mailing(
    *,
    request: Request,
    owner: Any,
    kind: str,
    subject: str,
    body: str,
    attach_request_file: bool,
    attachments: list[Attachment],
) -> Mailing:
    mailing = Mailing.objects.create(
        request=request,
        kind=kind,
        subject=subject,
        body=body,
        attach_request_file=attach_request_file,
        created_by=owner,
    )
    if attachments:
        mailing.attachments.add(*attachments)
    return mailing


def _write_outbox(*, mailing: Mailing, suppliers: list[Supplier], files: list[Attachment]) -> list[int]:
    """Insert one queued row per supplier (3 statements whatever their number); returns the ids.

    The Message-ID contains the row id, which is known only after the insert: rows are inserted with a
    unique placeholder ``<pending.{token}@domain>`` and one UPDATE rewrites it to ``<msg-{id}.{token}@domain>``
    inside the same transaction, so no other session ever sees a placeholder.
    """
    domain = message_id_domain()
    rows = [
        Message(
            request_id=mailing.request_id,
            supplier=supplier,
            mailing=mailing,
            direction=Direction.OUTGOING,
            to_email=supplier.email,
            subject=mailing.subject,
            body=mailing.body,
            status=MessageStatus.QUEUED,
            message_id=f"{PENDING_PREFIX}{new_message_id_token()}@{domain}>",
        )
        for supplier in suppliers
    ]
    created = Message.objects.bulk_create(rows)
    message_ids = [message.pk for message in created]
    Message.objects.filter(mailing=mailing).update(
        message_id=Replace(
            F("message_id"),
            Value(PENDING_PREFIX),
            Concat(Value("<msg-"), Cast("id", output_field=CharField()), Value("."), output_field=CharField()),  # type: ignore[arg-type]  # any expression works; the stubs want Value
        )
    )
    if files:
        through = Message.attachments.through
        through.objects.bulk_create(
            [through(message_id=message_id, attachment_id=file.pk) for message_id in message_ids for file in files]
        )
    return message_ids


# --- messages --------------------------------------------------------------------------------------------


def message_delete(*, owner: Any, message_id: int) -> None:
    """Hide a message from the buyer's thread (it is kept for the record); only under ``allowdelete``."""
    message = owned_message_queryset(owner=owner).filter(pk=message_id).only("pk", "is_deleted").first()
    if message is None:
        raise NotFound(_("Message not found."))
    if owner.emailpolicy != EmailPolicy.ALLOW_DELETE:
        raise NotAllowedByPolicy()
    if not message.is_deleted:
        Message.objects.filter(pk=message.pk).update(is_deleted=True, updated_at=timezone.now())


def messages_requeue_failed(*, message_ids: Sequence[int]) -> list[int]:
    """Give failed outgoing messages a fresh set of attempts (moderators, from the admin); returns the ids."""
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update()
            .filter(pk__in=list(message_ids), status=MessageStatus.FAILED, direction=Direction.OUTGOING)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids).update(
            status=MessageStatus.QUEUED, attempts=0, claimed_at=None, next_attempt_at=None, updated_at=timezone.now()
        )
        if ids:
            transaction.on_commit(partial(enqueue_deliveries, ids))
    return ids


def recipient_mark_quoted(*, request_id: int, supplier_id: int) -> bool:
    """Record that ``supplier_id`` quoted on ``request_id`` (the quotes app calls this for every revision).

    A quote outranks a reply; a bounced address stays ``bounced``. Answers whether a recipient row was there.
    """
    now = timezone.now()
    updated = (
        Recipient.objects.filter(request_id=request_id, supplier_id=supplier_id)
        .exclude(reply_status=ReplyStatus.BOUNCED)
        .update(reply_status=ReplyStatus.QUOTED, replied_at=now)
    )
    return updated > 0 or Recipient.objects.filter(request_id=request_id, supplier_id=supplier_id).exists()
