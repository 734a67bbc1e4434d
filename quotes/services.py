"""Writes of the quotes app: links for the e-mails, revoking them, drafts and revisions, the buyer's awards.

Every quote write runs in one transaction that first locks the request's row, so two submissions for one
request (the page and a buyer entering a reply by hand) get consecutive revision numbers, never the same one.
A submission also marks the recipient ``quoted`` (messaging's service), in the same transaction.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.models import Attachment
from core.errors import ValidationFailed
from core.fields import MAX_ID
from messaging.models import Direction, Message, Recipient
from messaging.services import recipient_mark_quoted
from requests_app.models import Request, RequestStatus
from requests_app.selectors import request_get

from .models import (
    CURRENCIES,
    MAX_ANALOGUE,
    MAX_LINE_COMMENT,
    MAX_QUOTE_COMMENT,
    MAX_QUOTE_FILES,
    Award,
    Quote,
    QuoteLine,
    QuoteLink,
    QuoteLinkRevokeReason,
    QuoteSource,
    QuoteStatus,
)
from .tokens import new_nonce, token_for, token_hash

MAX_LEAD_TIME_DAYS = 3650
Errors = list[tuple[tuple[str | int, ...], Any, str]]


@dataclass(frozen=True, slots=True)
class LineInput:
    key_id: int
    price: Decimal | None = None
    qty: Decimal | None = None
    lead_time_days: int | None = None
    analogue: str = ""
    comment: str = ""

    def is_empty(self) -> bool:
        return (
            self.price is None
            and self.qty is None
            and self.lead_time_days is None
            and not (self.analogue or self.comment)
        )


@dataclass(frozen=True, slots=True)
class QuoteInput:
    currency: str = "RUB"
    vat_included: bool = True
    valid_until: date | None = None
    comment: str = ""
    lines: Sequence[LineInput] = ()
    attachment_ids: Sequence[int] = field(default_factory=tuple)


# --- links -----------------------------------------------------------------------------------------------


def link_url(link: QuoteLink) -> str:
    return f"{settings.PUBLIC_BASE_URL}/q/{token_for(link.nonce)}"


def link_ensure(*, request: Request, supplier_id: int) -> QuoteLink:
    """The recipient's open link, or a new one: after a revocation, or when a deadline-less link outlived its TTL."""
    now = timezone.now()
    link = QuoteLink.objects.filter(request=request, supplier_id=supplier_id, revoked_at__isnull=True).first()
    if link is not None:
        link.request = request
        if request.deadline is not None or link.ttl_expires_at() > now:
            return link
        QuoteLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=QuoteLinkRevokeReason.EXPIRED
        )
    nonce = new_nonce()
    try:
        with transaction.atomic():
            return QuoteLink.objects.create(
                request=request, supplier_id=supplier_id, nonce=nonce, token_hash=token_hash(token_for(nonce))
            )
    except IntegrityError:  # another worker made it a moment ago (the partial unique constraint)
        return QuoteLink.objects.get(request=request, supplier_id=supplier_id, revoked_at__isnull=True)


def link_url_for_message(message: Message) -> str | None:
    """The provider registered with messaging: the quote page URL of an outgoing e-mail's recipient.

    The same URL for every build of one message (a retry), as long as the link stays open; a closed request
    gets no link.
    """
    if message.supplier_id is None or message.direction != Direction.OUTGOING:
        return None
    request = message.request
    if request.status == RequestStatus.DONE or request.closed_at is not None:
        return None
    return link_url(link_ensure(request=request, supplier_id=message.supplier_id))


def link_revoke(*, owner: Any, request_id: int, supplier_id: int) -> int:
    """The buyer closes the supplier's open link (404 for another buyer's request); answers how many closed.

    The next e-mail to that supplier carries a newly minted link; the old one answers 410.
    """
    request = request_get(owner=owner, request_id=request_id)
    if supplier_id > MAX_ID:  # no such supplier (and SQLite cannot bind the value)
        return 0
    return QuoteLink.objects.filter(request=request, supplier_id=supplier_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=QuoteLinkRevokeReason.BUYER, revoked_by=owner
    )


def links_revoke(*, link_ids: Iterable[int], by: Any) -> int:
    """Moderators revoke links from the admin (the same effect as the buyer's revoke)."""
    return QuoteLink.objects.filter(pk__in=list(link_ids), revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=QuoteLinkRevokeReason.BUYER, revoked_by=by
    )


def link_touch(*, link: QuoteLink) -> None:
    QuoteLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


# --- validation ------------------------------------------------------------------------------------------


def _validate_lines(lines: Sequence[LineInput], key_ids: set[int]) -> Errors:
    errors: Errors = []
    seen: set[int] = set()
    for index, line in enumerate(lines):
        loc: tuple[str | int, ...] = ("lines", index)
        if line.key_id not in key_ids:
            errors.append(
                ((*loc, "key_id"), _("Key %(id)s is not in this request.") % {"id": line.key_id}, "not_found")
            )
        elif line.key_id in seen:
            errors.append(((*loc, "key_id"), _("This key is listed more than once."), "value_error"))
        seen.add(line.key_id)
        if line.price is not None and line.price < 0:
            errors.append(((*loc, "price"), _("Must be zero or more."), "value_error"))
        if line.qty is not None and line.qty <= 0:
            errors.append(((*loc, "qty"), _("Must be greater than zero."), "value_error"))
        if line.lead_time_days is not None and not 0 <= line.lead_time_days <= MAX_LEAD_TIME_DAYS:
            message = _("Must be 0..%(limit)s days.") % {"limit": MAX_LEAD_TIME_DAYS}
            errors.append(((*loc, "lead_time_days"), message, "value_error"))
        if len(line.analogue) > MAX_ANALOGUE:
            message = _("At most %(limit)s characters.") % {"limit": MAX_ANALOGUE}
            errors.append(((*loc, "analogue"), message, "string_too_long"))
        if len(line.comment) > MAX_LINE_COMMENT:
            message = _("At most %(limit)s characters.") % {"limit": MAX_LINE_COMMENT}
            errors.append(((*loc, "comment"), message, "string_too_long"))
    return errors


def _validate_header(data: QuoteInput) -> Errors:
    errors: Errors = []
    if data.currency not in CURRENCIES:
        message = _("Must be one of: %(choices)s.") % {"choices": ", ".join(CURRENCIES)}
        errors.append((("currency",), message, "enum"))
    if data.valid_until is not None and data.valid_until < timezone.localdate():
        errors.append((("valid_until",), _("Must not be in the past."), "value_error"))
    if len(data.comment) > MAX_QUOTE_COMMENT:
        message = _("At most %(limit)s characters.") % {"limit": MAX_QUOTE_COMMENT}
        errors.append((("comment",), message, "string_too_long"))
    return errors


def _validate_attachments(ids: Sequence[int], owner_ids: set[int]) -> Errors:
    if len(ids) > MAX_QUOTE_FILES:
        return [(("attachment_ids",), _("At most %(limit)s files.") % {"limit": MAX_QUOTE_FILES}, "too_long")]
    found = set(
        Attachment.objects.filter(pk__in=list(ids), owner_id__in=owner_ids, is_deleted=False).values_list(
            "pk", flat=True
        )
    )
    return [
        (("attachment_ids", index), _("Attachment %(id)s not found.") % {"id": attachment_id}, "not_found")
        for index, attachment_id in enumerate(ids)
        if attachment_id not in found
    ]


def validate_quote(*, request: Request, data: QuoteInput, attachment_owner_ids: set[int]) -> None:
    """422 with Python paths (``("lines", 3, "key_id")``) for anything the database would not take."""
    key_ids = set(request.keys.values_list("pk", flat=True))
    errors = _validate_header(data) + _validate_lines(data.lines, key_ids)
    errors += _validate_attachments(data.attachment_ids, attachment_owner_ids)
    if errors:
        raise ValidationFailed(errors)


# --- quotes ----------------------------------------------------------------------------------------------


def _lock_request(request: Request) -> None:
    Request.objects.select_for_update().filter(pk=request.pk).values_list("pk", flat=True).first()


def _write_lines(quote: Quote, lines: Sequence[LineInput]) -> None:
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            key_id=line.key_id,
            price=line.price,
            qty=line.qty,
            lead_time_days=line.lead_time_days,
            analogue=line.analogue,
            comment=line.comment,
        )
        for line in lines
        if not line.is_empty()
    )


def _header(data: QuoteInput) -> dict[str, Any]:
    return {
        "currency": data.currency,
        "vat_included": data.vat_included,
        "valid_until": data.valid_until,
        "comment": data.comment,
    }


def quote_save_draft(*, link: QuoteLink, data: QuoteInput) -> Quote:
    """The supplier's draft (one per request and supplier, replaced as a whole); buyers never see it."""
    request = link.request
    validate_quote(request=request, data=data, attachment_owner_ids={request.owner_id})
    with transaction.atomic():
        _lock_request(request)
        draft, _created = Quote.objects.update_or_create(
            request=request,
            supplier_id=link.supplier_id,
            status=QuoteStatus.DRAFT,
            defaults={**_header(data), "source": QuoteSource.PORTAL, "link": link},
        )
        draft.lines.all().delete()
        _write_lines(draft, data.lines)
        draft.attachments.set(list(data.attachment_ids))
    return draft


def _submit(
    *,
    request: Request,
    supplier_id: int,
    data: QuoteInput,
    source: str,
    link: QuoteLink | None = None,
    entered_by: Any = None,
) -> Quote:
    with transaction.atomic():
        _lock_request(request)
        revisions = Quote.objects.filter(request=request, supplier_id=supplier_id, status=QuoteStatus.SUBMITTED)
        last = revisions.aggregate(last=Max("revision"))["last"] or 0
        revisions.filter(is_current=True).update(is_current=False)
        quote = Quote.objects.create(
            request=request,
            supplier_id=supplier_id,
            status=QuoteStatus.SUBMITTED,
            revision=last + 1,
            is_current=True,
            source=source,
            link=link,
            entered_by=entered_by,
            submitted_at=timezone.now(),
            **_header(data),
        )
        _write_lines(quote, data.lines)
        quote.attachments.set(list(data.attachment_ids))
        if source == QuoteSource.PORTAL:
            Quote.objects.filter(request=request, supplier_id=supplier_id, status=QuoteStatus.DRAFT).delete()
        recipient_mark_quoted(request_id=request.pk, supplier_id=supplier_id)
    return quote


def quote_submit_by_link(*, link: QuoteLink, data: QuoteInput) -> Quote:
    """The supplier submits (or revises) through the page: a new revision; the draft is consumed."""
    request = link.request
    validate_quote(request=request, data=data, attachment_owner_ids={request.owner_id})
    return _submit(request=request, supplier_id=link.supplier_id, data=data, source=QuoteSource.PORTAL, link=link)


def quote_enter(*, actor: Any, request: Request, supplier_id: int, data: QuoteInput) -> Quote:
    """A buyer (their own request) or a moderator enters a quote received by e-mail: a new manual revision.

    The caller resolved ``request`` with the actor's scope. The supplier must be one of its recipients (422).
    """
    errors: Errors = []
    if not Recipient.objects.filter(request=request, supplier_id=supplier_id).exists():
        errors.append((("supplier_id",), _("This supplier is not a recipient of the request."), "not_found"))
    try:
        validate_quote(request=request, data=data, attachment_owner_ids={request.owner_id, actor.pk})
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    return _submit(request=request, supplier_id=supplier_id, data=data, source=QuoteSource.MANUAL, entered_by=actor)


# --- awards ----------------------------------------------------------------------------------------------


def _validate_awards(request: Request, awards: Sequence[tuple[int, int | None]]) -> Errors:
    key_ids = set(request.keys.values_list("pk", flat=True))
    wanted = [key_id for key_id, _supplier in awards]
    offers = set(
        QuoteLine.objects.filter(quote__request=request, quote__is_current=True, key_id__in=wanted).values_list(
            "key_id", "quote__supplier_id"
        )
    )
    errors: Errors = []
    seen: set[int] = set()
    for index, (key_id, supplier_id) in enumerate(awards):
        if key_id not in key_ids:
            message = _("Key %(id)s is not in this request.") % {"id": key_id}
            errors.append((("awards", index, "key_id"), message, "not_found"))
        elif key_id in seen:
            errors.append((("awards", index, "key_id"), _("This key is listed more than once."), "value_error"))
        elif supplier_id is not None and (key_id, supplier_id) not in offers:
            message = _("Supplier %(id)s has no offer for this key.") % {"id": supplier_id}
            errors.append((("awards", index, "supplier_id"), message, "not_found"))
        seen.add(key_id)
    return errors


def awards_replace(*, owner: Any, request_id: int, awards: Sequence[tuple[int, int | None]]) -> Request:
    """Set (or with ``None`` clear) the chosen supplier of each listed key; keys not listed keep theirs."""
    request = request_get(owner=owner, request_id=request_id)
    errors = _validate_awards(request, awards)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    cleared = [key_id for key_id, supplier_id in awards if supplier_id is None]
    chosen = [
        Award(request=request, key_id=key_id, supplier_id=supplier_id, awarded_by=owner, awarded_at=now)
        for key_id, supplier_id in awards
        if supplier_id is not None
    ]
    with transaction.atomic():
        Award.objects.filter(request=request, key_id__in=cleared).delete()
        Award.objects.bulk_create(
            chosen,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["supplier", "awarded_by", "awarded_at"],
        )
    return request
