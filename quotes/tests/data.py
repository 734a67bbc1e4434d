"""A large request with many current quotes, written in bulk: the comparison's query-count test and the bench."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from messaging.models import Mailing, MailingKind, Message, MessageStatus, Recipient
from quotes.models import Quote, QuoteLine, QuoteSource, QuoteStatus
from requests_app.models import Request, RequestKey, RequestStatus
from requests_app.normalize import normalize_key_text
from suppliers.models import Supplier


def seed_comparison(owner: Any, *, keys: int = 2000, suppliers: int = 20, tag: str = "") -> Request:
    """A request of ``keys`` keys e-mailed to ``suppliers`` + 1 suppliers, ``suppliers`` of whom quoted every key."""
    request = Request.objects.create(owner=owner, title=f"Comparison {tag}", status=RequestStatus.PROCESSING)
    key_rows = RequestKey.objects.bulk_create(
        RequestKey(
            request=request,
            pos=pos,
            text=f"Позиция {pos}",
            normalized_text=normalize_key_text(f"Позиция {pos}"),
            qty=Decimal(pos % 50 + 1),
            unit="шт",
        )
        for pos in range(1, keys + 1)
    )
    cards = Supplier.objects.bulk_create(
        Supplier(inn=_inn(request.pk, index), name=f"Поставщик {index}",
                 email=f"sales{index}@bench{request.pk}.example")
        for index in range(suppliers + 1)
    )  # fmt: skip
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in cards)
    mailing = Mailing.objects.create(request=request, kind=MailingKind.SEND, subject="RFQ", body="Please quote")
    now = timezone.now()
    Message.objects.bulk_create(
        Message(request=request, supplier=card, mailing=mailing, to_email=card.email, subject="RFQ", body="-",
                status=MessageStatus.SENT, message_id=f"<bench-{request.pk}-{card.pk}@b2b.localhost>", sent_at=now)
        for card in cards
    )  # fmt: skip
    quotes = Quote.objects.bulk_create(
        Quote(request=request, supplier=card, status=QuoteStatus.SUBMITTED, revision=1, is_current=True,
              source=QuoteSource.PORTAL, submitted_at=now, currency="RUB")
        for card in cards[:suppliers]
    )  # fmt: skip
    QuoteLine.objects.bulk_create(
        (
            QuoteLine(quote=quote, key=key, price=Decimal(100 + (index * 7 + key.pos) % 37), lead_time_days=index % 9)
            for index, quote in enumerate(quotes)
            for key in key_rows
        ),
        batch_size=5000,
    )
    return request


def _inn(request_id: int, index: int) -> str:
    """A unique 12-digit string per (request, supplier): the bench needs unique INNs, not valid ones."""
    return f"9{request_id % 10**7:07d}{index:04d}"
