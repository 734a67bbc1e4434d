"""Reads of the quotes app: a token's link, the quote page's state, the buyers' quotes and comparison."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import BuyerProfile
from accounts.selectors import profile_of
from requests_app.errors import RequestNotFound
from requests_app.models import Request, RequestKey, RequestStatus
from requests_app.selectors import request_get

from .errors import QuoteLinkGone, QuoteLinkUnknown
from .models import Quote, QuoteLink, QuoteStatus
from .tokens import looks_like_token, token_hash


def link_resolve(*, token: str) -> QuoteLink:
    """The open link of ``token`` with its request, buyer and supplier (1 query).

    Unknown → ``QuoteLinkUnknown`` (404); revoked, past its expiry or its request closed → ``QuoteLinkGone``
    (410) with the reason. The lookup is by the token's SHA-256, so no timing of a comparison leaks.
    """
    if not looks_like_token(token):
        raise QuoteLinkUnknown()
    link = QuoteLink.objects.select_related("request__owner", "supplier").filter(token_hash=token_hash(token)).first()
    if link is None:
        raise QuoteLinkUnknown()
    if link.revoked_at is not None:
        raise QuoteLinkGone("revoked")
    request = link.request
    if request.status == RequestStatus.DONE or request.closed_at is not None:
        raise QuoteLinkGone("closed")
    if timezone.now() >= link.expires_at():
        raise QuoteLinkGone("expired")
    return link


@dataclass(frozen=True, slots=True)
class PageState:
    """What the quote page shows: the request's keys and the quote to prefill (the draft, else the latest)."""

    link: QuoteLink
    profile: BuyerProfile
    keys: list[RequestKey]
    quote: Quote | None
    current: Quote | None  # the latest submitted revision, if any


def page_state(*, link: QuoteLink) -> PageState:
    keys = list(link.request.keys.order_by("pos"))
    quotes = list(
        Quote.objects.filter(request=link.request, supplier_id=link.supplier_id).filter(
            Q(is_current=True) | Q(status=QuoteStatus.DRAFT)
        )
    )
    draft = next((quote for quote in quotes if quote.status == QuoteStatus.DRAFT), None)
    current = next((quote for quote in quotes if quote.is_current), None)
    return PageState(
        link=link, profile=profile_of(link.request.owner), keys=keys, quote=draft or current, current=current
    )


def quote_lines_by_key(quote: Quote | None) -> dict[int, Any]:
    if quote is None:
        return {}
    return {line.key_id: line for line in quote.lines.all()}


def quote_files(quote: Quote | None) -> list[Any]:
    if quote is None:
        return []
    return list(quote.attachments.filter(is_deleted=False).order_by("pk"))


def request_for_quotes(*, actor: Any, request_id: int) -> Request:
    """The buyer's own request, or any request for a moderator (who enters replies for buyers)."""
    if getattr(actor, "is_moderator", False):
        try:
            return Request.objects.get(pk=request_id)
        except Request.DoesNotExist:
            raise RequestNotFound() from None
    return request_get(owner=actor, request_id=request_id)


def current_quotes(*, request: Request) -> QuerySet[Quote]:
    """The latest submitted revision of each supplier, with lines and files (3 queries)."""
    return (
        Quote.objects.filter(request=request, is_current=True)
        .select_related("supplier")
        .prefetch_related("lines", "attachments")
        .order_by("supplier_id")
    )


def quote_with_details(*, quote_id: int) -> Quote:
    return Quote.objects.select_related("supplier").prefetch_related("lines", "attachments").get(pk=quote_id)
