"""A small seeded world shared by the fuzz run and the security suite: one buyer's objects of every kind.

Rows are written through the models (and the attachments service for the stored file) so that the
suites do not depend on other apps' test factories.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments.services import attachment_create
from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from discovery.models import DiscoveredDomain, KeySearch, SearchHit, SearchRun, SearchStatus
from messaging.models import Mailing, MailingKind, Message, MessageStatus, UnmatchedMail
from quotes.models import Award, Quote, QuoteLine, QuoteSource, QuoteStatus
from quotes.services import link_ensure
from requests_app.models import ModeratorTask, Request, RequestKey, RequestStatus
from requests_app.normalize import normalize_key_text
from suppliers.models import DomainDecision, DomainDecisionStatus, Supplier, SupplierSite

SUPPLIER_INN = "7707083893"  # a valid 10-digit INN (Sberbank)
BLACKLISTED_INN = "7736207543"  # a valid 10-digit INN (Yandex)
PENDING_DOMAIN = "found.example"  # found by web discovery, not decided yet
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Ids of the seeded objects, by the path-parameter name that addresses them."""

    ids: dict[str, Any] = field(default_factory=dict)
    draft_id: int = 0
    # Path values for one route name where the kind's usual object does not fit (a decided domain is not pending).
    route_ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Required query parameters of a route name, for the calls that must succeed.
    route_queries: dict[str, str] = field(default_factory=dict)


def build_world(*, owner: Any, moderator: Any | None = None) -> World:
    supplier = Supplier.objects.create(inn=SUPPLIER_INN, name="ООО Фланец", email="sales@flanec.example")
    SupplierSite.objects.create(supplier=supplier, url="https://flanec.example/", root_domain="flanec.example")
    confirmed = _request(owner, "Confirmed request", RequestStatus.CONFIRMED)
    draft = _request(owner, "Draft request", RequestStatus.DRAFT)
    attachment = attachment_create(
        owner=owner,
        uploaded_file=SimpleUploadedFile("spec.pdf", PDF_BYTES, content_type="application/pdf"),
        title="Specification",
    )
    InnBlacklistEntry.objects.create(owner=owner, inn=BLACKLISTED_INN, reason="late deliveries")
    DomainBlacklistEntry.objects.create(domain="spam.example", comment="spam", created_by=moderator)
    DomainDecision.objects.create(domain="spam.example", status=DomainDecisionStatus.BLACKLIST, decided_by=moderator)
    task = ModeratorTask.objects.create(request=confirmed)
    mailing = Mailing.objects.create(
        request=confirmed, kind=MailingKind.SEND, subject="RFQ", body="Please quote", created_by=owner
    )
    message = Message.objects.create(
        request=confirmed,
        supplier=supplier,
        mailing=mailing,
        to_email=supplier.email,
        subject="RFQ",
        body="Please quote",
        status=MessageStatus.SENT,
        message_id="<seed-1@b2b.localhost>",
        sent_at=timezone.now(),
    )
    run = _search_run(confirmed, moderator)
    _quote(confirmed, supplier)
    UnmatchedMail.objects.create(  # a reply nothing matched, waiting in the moderators' queue (issue 18)
        message_id="<stray-1@elsewhere.example>",
        from_email="stray@elsewhere.example",
        subject="Re: RFQ",
        reason="No request matched",
        raw=b"From: stray@elsewhere.example\r\nSubject: Re: RFQ\r\n\r\nOur price: 100.\r\n",
    )
    return World(
        ids={
            "requestId": confirmed.pk,
            "attachmentId": attachment.pk,
            "messageId": message.pk,
            "inn": BLACKLISTED_INN,
            "supplierId": supplier.pk,
            "domain": "spam.example",
            "taskId": task.pk,
            "runId": str(run.pk),
        },
        draft_id=draft.pk,
        route_ids={"moderator-pending-domain": {"domain": PENDING_DOMAIN}},
        route_queries={"moderator-url-hits": f"?url=https://{PENDING_DOMAIN}/flanges"},
    )


def _request(owner: Any, title: str, status: str) -> Request:
    request = Request.objects.create(owner=owner, title=title, status=status)
    texts = ["Фланец плоский Д100 Ст20", "Труба 57х3,5 ГОСТ 8732", "Кабель ВВГнг 3х2,5"]
    RequestKey.objects.bulk_create(
        RequestKey(request=request, pos=pos, text=text, normalized_text=normalize_key_text(text))
        for pos, text in enumerate(texts, start=1)
    )
    return request


def _quote(request: Request, supplier: Supplier) -> None:
    """The supplier's quote link, a submitted quote of one line and the buyer's award of that key."""
    link = link_ensure(request=request, supplier_id=supplier.pk)
    key = request.keys.order_by("pos").first()
    quote = Quote.objects.create(
        request=request, supplier=supplier, status=QuoteStatus.SUBMITTED, revision=1, is_current=True,
        source=QuoteSource.PORTAL, link=link, submitted_at=timezone.now(),
    )  # fmt: skip
    QuoteLine.objects.create(quote=quote, key=key, price=Decimal("1250.50"), lead_time_days=14)
    Award.objects.create(request=request, key=key, supplier=supplier)


def _search_run(request: Request, moderator: Any) -> SearchRun:
    """A finished web-discovery run over the request's first key, which found one still-pending domain."""
    now = timezone.now()
    run = SearchRun.objects.create(
        request=request, status=SearchStatus.SUCCEEDED, created_by=moderator, started_at=now, finished_at=now
    )
    key = request.keys.order_by("pos").first()
    search = KeySearch.objects.create(run=run, key=key, status=SearchStatus.SUCCEEDED, items_found=1, attempts=1)
    SearchHit.objects.create(
        key_search=search, run=run, key=key, url=f"https://{PENDING_DOMAIN}/flanges", root_domain=PENDING_DOMAIN,
        rank=1, engine="google", title="Flanges",
    )  # fmt: skip
    DiscoveredDomain.objects.create(domain=PENDING_DOMAIN, total_hits=1)
    return run
