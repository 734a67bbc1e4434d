"""Fixtures of the quotes tests: a request e-mailed to two suppliers, their links, the SMTP sink of messaging."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import BuyerProfile, User
from messaging.models import Mailing, MailingKind, Message, MessageStatus, Recipient
from messaging.tests.conftest import media_root, shared_media_root, smtp, smtp_backend, smtp_sink  # noqa: F401
from quotes.models import QuoteLink
from quotes.services import link_ensure
from quotes.tokens import token_for
from requests_app.models import Request, RequestKey, RequestStatus
from requests_app.normalize import normalize_key_text
from requests_app.tests.factories import RequestFactory
from suppliers.models import Supplier
from suppliers.tests.factories import SupplierFactory

KEY_TEXTS = [("Фланец плоский Ду100", Decimal("10"), "шт"), ("Отвод 90° 57х3,5", Decimal("25"), "шт"),
             ("Труба 57х3,5 ГОСТ 8732", Decimal("120.5"), "м")]  # fmt: skip


@dataclass
class Rfq:
    request: Request
    keys: list[RequestKey]
    suppliers: list[Supplier]
    messages: list[Message]

    def link(self, index: int = 0) -> QuoteLink:
        return link_ensure(request=self.request, supplier_id=self.suppliers[index].pk)

    def url(self, index: int = 0) -> str:
        return f"/q/{token_for(self.link(index).nonce)}"


def make_rfq(
    owner: User, *, suppliers: int = 2, company: str = "ООО Заказчик", language: str = "ru", sent: bool = True
) -> Rfq:
    """A request with three keys and ``suppliers`` ticked recipients, already e-mailed unless ``sent=False``."""
    BuyerProfile.objects.update_or_create(user=owner, defaults={"company_name": company, "language": language})
    request = RequestFactory(owner=owner, status=RequestStatus.PROCESSING, title="Трубопроводная арматура")
    RequestKey.objects.bulk_create(
        RequestKey(request=request, pos=pos, text=text, normalized_text=normalize_key_text(text), qty=qty, unit=unit)
        for pos, (text, qty, unit) in enumerate(KEY_TEXTS, start=1)
    )
    cards = [SupplierFactory(name=f"Поставщик {chr(65 + i)}") for i in range(suppliers)]
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in cards)
    mailing = Mailing.objects.create(request=request, kind=MailingKind.SEND, subject="Запрос", body="Просим КП")
    messages = [
        Message.objects.create(
            request=request,
            supplier=card,
            mailing=mailing,
            to_email=card.email,
            subject="Запрос",
            body="Просим КП",
            status=MessageStatus.SENT,
            message_id=f"<rfq-{request.pk}-{card.pk}@b2b.localhost>",
            sent_at=timezone.now(),
        )
        for card in cards
        if sent
    ]
    return Rfq(request=request, keys=list(request.keys.order_by("pos")), suppliers=cards, messages=messages)


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The quote page's rate-limit counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rfq(alice: User) -> Rfq:
    """Alice's request, her supplier e-mails (and so the quote page) in English: the suite asserts English texts;
    the Russian page is asserted on its own (``test_page_speaks_russian_by_default``)."""
    return make_rfq(alice, language="en")
