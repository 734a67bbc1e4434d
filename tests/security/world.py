"""A small seeded world shared by the fuzz run and the security suite: one buyer's objects of every kind.

Rows are written through the models (and the attachments service for the stored file) so that the
suites do not depend on other apps' test factories.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments.services import attachment_create
from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from messaging.models import Mailing, MailingKind, Message, MessageStatus
from requests_app.models import ModeratorTask, Request, RequestKey, RequestStatus
from requests_app.normalize import normalize_key_text
from suppliers.models import DomainDecision, DomainDecisionStatus, Supplier, SupplierSite

SUPPLIER_INN = "7707083893"  # a valid 10-digit INN (Sberbank)
BLACKLISTED_INN = "7736207543"  # a valid 10-digit INN (Yandex)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Ids of the seeded objects, by the path-parameter name that addresses them."""

    ids: dict[str, Any] = field(default_factory=dict)
    draft_id: int = 0


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
    return World(
        ids={
            "requestId": confirmed.pk,
            "attachmentId": attachment.pk,
            "messageId": message.pk,
            "inn": BLACKLISTED_INN,
            "supplierId": supplier.pk,
            "domain": "spam.example",
            "taskId": task.pk,
        },
        draft_id=draft.pk,
    )


def _request(owner: Any, title: str, status: str) -> Request:
    request = Request.objects.create(owner=owner, title=title, status=status)
    texts = ["Фланец плоский Д100 Ст20", "Труба 57х3,5 ГОСТ 8732", "Кабель ВВГнг 3х2,5"]
    RequestKey.objects.bulk_create(
        RequestKey(request=request, pos=pos, text=text, normalized_text=normalize_key_text(text))
        for pos, text in enumerate(texts, start=1)
    )
    return request
