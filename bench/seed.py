"""Seeds the benchmark data set (issue 15's setup, the one the CPU-per-request targets were taken on).

- the buyer under test: 200 requests × 5 Cyrillic keys (``--requests``, ``--keys``);
- 200 suppliers with a site each;
- a second buyer with one request of 2,000 keys, each key linked to 3 suppliers, and a ``Recipient`` row for
  every linked supplier (some blocked, some selected) plus outgoing messages, so the detail answer carries
  blocked reasons and send statuses, as a moderated, sent request does;
- a third buyer with 10,000 requests × 5 keys for the deep page (``offset=9950``) and its page 1.

Run with Django settings pointing at the benchmark database; prints a JSON line with the buyers' access tokens
and the request ids for the HTTP load.
"""

import argparse
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "b2bplatform.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import User  # noqa: E402
from messaging.models import BlockedReason, Message, MessageStatus, Recipient  # noqa: E402
from requests_app.models import KeySupplierLink, Request, RequestKey, RequestStatus  # noqa: E402
from requests_app.normalize import normalize_key_text  # noqa: E402
from suppliers.models import Supplier, SupplierSite  # noqa: E402

ITEMS = [
    "Фланец плоский Д{n} Ст20",
    "Труба 57х{n} ГОСТ 8732",
    "Кабель ВВГнг 3х{n}",
    "Подшипник 62{n}",
    "Отвод 90° d{n}",
]
INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
MESSAGE_STATUSES = (MessageStatus.SENT, MessageStatus.SENT, MessageStatus.QUEUED, MessageStatus.FAILED)


def inn10(seed: int) -> str:
    """A valid 10-digit INN: nine digits from the seed plus the checksum digit."""
    body = f"{seed:09d}"[-9:]
    check = sum(int(d) * w for d, w in zip(body, INN10_WEIGHTS, strict=True)) % 11 % 10
    return body + str(check)


def key_rows(request: Request, keys: int) -> list[RequestKey]:
    rows = []
    for pos in range(1, keys + 1):
        text = random.choice(ITEMS).format(n=random.randint(10, 400))
        rows.append(RequestKey(request=request, pos=pos, text=text, normalized_text=normalize_key_text(text)))
    return rows


def buyer_with_requests(email: str, requests: int, keys: int, **fields: object) -> list[Request]:
    """``requests`` requests of ``keys`` keys each for a fresh buyer, one minute apart, newest first."""
    buyer, _ = User.objects.get_or_create(email=email)
    Request.objects.filter(owner=buyer).delete()
    now = timezone.now()
    made = Request.objects.bulk_create(
        (
            Request(owner=buyer, title=f"Bench request {i}", created_at=now - timedelta(minutes=i), **fields)
            for i in range(requests)
        ),
        batch_size=2000,
    )
    RequestKey.objects.bulk_create((row for request in made for row in key_rows(request, keys)), batch_size=5000)
    return made


def suppliers_with_sites(count: int) -> list[Supplier]:
    Supplier.objects.filter(inn__startswith="9").delete()
    cards = Supplier.objects.bulk_create(
        Supplier(inn=inn10(900000000 + i), name=f"Поставщик {i}", email=f"sales{i}@supplier{i}.example")
        for i in range(count)
    )
    SupplierSite.objects.bulk_create(
        SupplierSite(supplier=card, url=f"https://supplier{i}.example/", root_domain=f"supplier{i}.example")
        for i, card in enumerate(cards)
    )
    return cards


def link_suppliers(request: Request, cards: list[Supplier], per_key: int) -> None:
    """Links ``per_key`` suppliers to every key; every linked supplier becomes a recipient.

    One in ten recipients is blocked (not selectable), half the others are selected, and the selected ones
    have an outgoing message (mostly sent, some queued or failed), so every state of the detail shows.
    """
    keys = list(request.keys.all())
    KeySupplierLink.objects.bulk_create(
        (KeySupplierLink(key=key, supplier=card) for key in keys for card in random.sample(cards, per_key)),
        batch_size=5000,
    )
    linked = sorted({link.supplier_id for link in KeySupplierLink.objects.filter(key__request=request)})
    emails = {card.pk: card.email for card in cards}
    recipients = []
    for i, supplier_id in enumerate(linked):
        blocked = (BlockedReason.INN_BLACKLISTED, BlockedReason.DOMAIN_BLACKLISTED)[i % 2] if i % 10 == 0 else None
        selected = blocked is None and i % 2 == 1
        recipients.append(
            Recipient(request=request, supplier_id=supplier_id, blocked_reason=blocked, selected=selected)
        )
    Recipient.objects.bulk_create(recipients)
    Message.objects.bulk_create(
        Message(
            request=request,
            supplier_id=recipient.supplier_id,
            to_email=emails[recipient.supplier_id],
            subject="Запрос коммерческого предложения",
            body="Просим предоставить КП по позициям запроса.",
            status=MESSAGE_STATUSES[i % len(MESSAGE_STATUSES)],
            message_id=f"<bench-{request.pk}-{recipient.supplier_id}@b2b.example>",
        )
        for i, recipient in enumerate(r for r in recipients if r.selected)
    )


@transaction.atomic
def seed(
    requests: int = 200,
    keys: int = 5,
    suppliers: int = 200,
    big_keys: int = 2000,
    links_per_key: int = 3,
    deep_requests: int = 10_000,
) -> dict[str, object]:
    made = buyer_with_requests("bench@buyer.example", requests, keys)
    cards = suppliers_with_sites(suppliers)
    (big,) = buyer_with_requests("bench-big@buyer.example", 1, big_keys, status=RequestStatus.PROCESSING)
    link_suppliers(big, cards, links_per_key)
    deep = buyer_with_requests("bench-deep@buyer.example", deep_requests, keys)

    def token(request: Request) -> str:
        return str(RefreshToken.for_user(request.owner).access_token)

    return {
        "token": token(made[0]),
        "request_id": made[len(made) // 2].pk,
        "buyer_id": made[0].owner_id,
        "big_token": token(big),
        "big_request_id": big.pk,
        "deep_token": token(deep[0]),
        "deep_requests": len(deep),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests of the buyer under test")
    parser.add_argument("--keys", type=int, default=5, help="keys per request")
    parser.add_argument("--big-keys", type=int, default=2000, help="keys of the one large, linked request")
    parser.add_argument("--deep-requests", type=int, default=10_000, help="requests of the deep-page buyer")
    args = parser.parse_args()
    result = seed(requests=args.requests, keys=args.keys, big_keys=args.big_keys, deep_requests=args.deep_requests)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
