"""A seeded data set and the old answers, for the hot-path equality tests (PostgreSQL and SQLite).

The old answers are the serializers of ``serializers.py`` rendering the ORM objects, as the list and detail
views did before ``reads.py`` (decision 0011); the new ones must be equal to them field by field.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from rest_framework.renderers import JSONRenderer

from requests_app import selectors
from requests_app.extensions import SupplierState, _providers
from requests_app.models import KeySupplierLink, Request, RequestKey, RequestStatus
from requests_app.normalize import normalize_key_text
from requests_app.serializers import SUPPLIER_STATES, RequestDetailDTOSerializer, RequestSummaryDTOSerializer
from suppliers.models import SupplierType
from suppliers.tests.factories import SupplierFactory

QTYS = [None, Decimal("2.5"), Decimal("10"), Decimal("0.0001"), Decimal("12345678901234.1234")]
TEXTS = ["Фланец плоский Д100 «ГОСТ»", 'Bolt M8x40 "A2"', "Кран шаровой\tDN50", "Труба 57х3,5 \\ сталь 20"]


def seed(owner: Any) -> dict[str, Any]:
    """Requests of every shape for ``owner``: titles null and set, timestamps with and without microseconds,
    qty null and decimal, units and notes null and Cyrillic, keys with linked suppliers (resellers too)."""
    suppliers = [SupplierFactory(type=SupplierType.RESELLER if n % 3 == 0 else SupplierType.SUPPLIER) for n in range(6)]
    requests = []
    for n in range(7):
        created = datetime(2026, 12, 1 + n, 9, 30, 15, 0 if n % 2 else 123450 + n, tzinfo=UTC)
        request = Request.objects.create(
            owner=owner,
            title=None if n % 3 == 0 else f"Заявка №{n}",
            status=list(RequestStatus.values)[n % 4],
            source_filename="заявка.xlsx" if n % 2 else None,
            created_at=created,
        )
        Request.objects.filter(pk=request.pk).update(
            updated_at=created.replace(microsecond=0 if n % 3 else 7),
            # deadline / closed_at: null, with and without microseconds
            deadline=None if n % 3 == 0 else created + timedelta(days=n, microseconds=0 if n % 2 else 250),
            closed_at=None if n % 4 != 3 else created + timedelta(hours=n),
        )
        RequestKey.objects.bulk_create(
            RequestKey(
                request=request,
                pos=pos * 10 - n,  # not in insertion order
                text=TEXTS[(pos + n) % len(TEXTS)],
                normalized_text=normalize_key_text(TEXTS[(pos + n) % len(TEXTS)]),
                qty=QTYS[(pos + n) % len(QTYS)],
                unit=None if pos % 2 else "шт",
                note=None if pos % 3 else "Примечание: поставка до 01.02",
            )
            for pos in range(n + 1, 0, -1)
        )
        requests.append(request)
    linked = requests[5]
    for index, key in enumerate(RequestKey.objects.filter(request=linked).order_by("pos")):
        for supplier in suppliers[index % 3 : index % 3 + 1 + index % 4]:
            KeySupplierLink.objects.create(key=key, supplier=supplier)
    return {"requests": requests, "linked": linked, "suppliers": suppliers}


def states_for(suppliers: list[Any]) -> dict[int, SupplierState]:
    """Varied recipient states: ticked, blocked for each reason, every send status; the first one is absent."""
    reasons = [None, "inn_blacklisted", "domain_blacklisted"]
    statuses = ["notsent", "queued", "sent", "failed"]
    return {
        supplier.pk: SupplierState(
            selected=n % 2 == 0,
            send_status=statuses[n % 4],
            is_new=statuses[n % 4] == "notsent",
            blocked_reason=reasons[n % 3],
        )
        for n, supplier in enumerate(suppliers[1:])
    }


class fake_states:  # noqa: N801 - used as a context manager, like a function
    """Install a recipient-state provider for one test (the messaging app's own is tested in messaging)."""

    def __init__(self, states: dict[int, SupplierState]) -> None:
        self.states = states
        self.saved: list[Any] = []

    def __enter__(self) -> None:
        self.saved = list(_providers)
        _providers[:] = [lambda request: self.states]

    def __exit__(self, *exc: object) -> None:
        _providers[:] = self.saved


def _rendered(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


def old_list(owner: Any, *, limit: int = 50, offset: int = 0, status: str | None = None) -> dict[str, Any]:
    requests = selectors.request_list(owner=owner, status=status)
    total = requests.count()
    page = list(requests[offset : offset + limit]) if offset < total else []
    items = RequestSummaryDTOSerializer(page, many=True).data
    return _rendered({"items": items, "limit": limit, "offset": offset, "total": total})


def old_detail(owner: Any, request_id: int) -> dict[str, Any]:
    detail = selectors.request_get_detail(owner=owner, request_id=request_id)
    context = {SUPPLIER_STATES: selectors.supplier_states_of([detail])}
    return _rendered(RequestDetailDTOSerializer(detail, context=context).data)


def assert_same(new: Any, old: Any, path: str = "") -> None:
    """Field by field, with the path of the first difference; JSON numbers compare by value (10.0 == 10)."""
    assert type(new) in (int, float) if type(old) in (int, float) else type(new) is type(old), (path, new, old)
    if isinstance(old, dict):
        assert list(new) == list(old), (path, list(new), list(old))
        for name in old:
            assert_same(new[name], old[name], f"{path}.{name}")
    elif isinstance(old, list):
        assert len(new) == len(old), (path, len(new), len(old))
        for index, (new_item, old_item) in enumerate(zip(new, old, strict=True)):
            assert_same(new_item, old_item, f"{path}[{index}]")
    else:
        assert new == old, (path, new, old)
