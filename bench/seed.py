"""Seeds the benchmark data set: one buyer with 1,000 requests × 5 keys, and 200 suppliers.

Run with Django settings pointing at the benchmark database; prints a JSON line with the buyer's
access token and one request id for the HTTP load.
"""

import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "b2bplatform.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import User  # noqa: E402
from requests_app.models import Request, RequestKey  # noqa: E402
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


def inn10(seed: int) -> str:
    """A valid 10-digit INN: nine digits from the seed plus the checksum digit."""
    body = f"{seed:09d}"[-9:]
    check = sum(int(d) * w for d, w in zip(body, INN10_WEIGHTS, strict=True)) % 11 % 10
    return body + str(check)


@transaction.atomic
def seed(requests: int = 1000, keys: int = 5, suppliers: int = 200) -> dict[str, object]:
    buyer, _ = User.objects.get_or_create(email="bench@buyer.example")
    Request.objects.filter(owner=buyer).delete()
    made = Request.objects.bulk_create(Request(owner=buyer, title=f"Bench request {i}") for i in range(requests))
    rows = []
    for request in made:
        for pos in range(1, keys + 1):
            text = random.choice(ITEMS).format(n=random.randint(10, 400))
            rows.append(RequestKey(request=request, pos=pos, text=text, normalized_text=normalize_key_text(text)))
    RequestKey.objects.bulk_create(rows, batch_size=2000)
    Supplier.objects.filter(inn__startswith="9").delete()
    cards = Supplier.objects.bulk_create(
        Supplier(inn=inn10(900000000 + i), name=f"Поставщик {i}", email=f"sales{i}@supplier{i}.example")
        for i in range(suppliers)
    )
    SupplierSite.objects.bulk_create(
        SupplierSite(supplier=card, url=f"https://supplier{i}.example/", root_domain=f"supplier{i}.example")
        for i, card in enumerate(cards)
    )
    token = str(RefreshToken.for_user(buyer).access_token)
    return {"token": token, "request_id": made[len(made) // 2].pk, "buyer_id": buyer.pk}


if __name__ == "__main__":
    print(json.dumps(seed()))
