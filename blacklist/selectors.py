"""Reads of the blacklists, and the one answer to "is this supplier blocked for this buyer, and why"."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from messaging.models import BlockedReason
from suppliers.models import Supplier, SupplierDomain

from .models import DomainBlacklistEntry, InnBlacklistEntry


def block_reasons(*, buyer: User | None, suppliers: Iterable[Supplier]) -> dict[int, str]:
    """``{supplier_id: "inn_blacklisted" | "domain_blacklisted"}`` for the blocked ones among ``suppliers``.

    The INN list is the buyer's own; a blacklisted root domain of any site or e-mail blocks for everyone.
    INN wins when both apply. Two queries whatever the number of suppliers.
    """
    by_id = {supplier.pk: supplier for supplier in suppliers}
    if not by_id:
        return {}
    reasons: dict[int, str] = {}
    blocked_domain_ids = SupplierDomain.objects.filter(
        supplier_id__in=list(by_id), root_domain__in=DomainBlacklistEntry.objects.values("domain")
    ).values_list("supplier_id", flat=True)
    for supplier_id in blocked_domain_ids:
        reasons[supplier_id] = BlockedReason.DOMAIN_BLACKLISTED
    if buyer is not None and buyer.is_authenticated:
        inns = {supplier.inn for supplier in by_id.values()}
        blocked_inns = set(InnBlacklistEntry.objects.filter(owner=buyer, inn__in=inns).values_list("inn", flat=True))
        for supplier_id, supplier in by_id.items():
            if supplier.inn in blocked_inns:
                reasons[supplier_id] = BlockedReason.INN_BLACKLISTED
    return reasons


def supplier_block_reason(*, buyer: User | None, supplier: Supplier) -> str | None:
    """The reason ``supplier`` is blocked for ``buyer``, or None."""
    return block_reasons(buyer=buyer, suppliers=[supplier]).get(supplier.pk)


def inn_blacklist_list(*, owner: User) -> QuerySet[InnBlacklistEntry]:
    """The buyer's own entries, newest first."""
    return InnBlacklistEntry.objects.filter(owner=owner).order_by("-created_at", "-id")


def suppliers_by_inn(*, inns: Iterable[str]) -> dict[str, Supplier]:
    """Known supplier cards for a page of INN entries, in one query (the list shows name and Checko data)."""
    wanted = set(inns)
    if not wanted:
        return {}
    rows = Supplier.objects.filter(inn__in=wanted).only("id", "inn", "name", "checko_data")
    return {supplier.inn: supplier for supplier in rows}


def inn_blacklist_items(*, entries: Iterable[InnBlacklistEntry]) -> list[dict[str, Any]]:
    """Entries joined with the supplier card of their INN, when one exists."""
    entries = list(entries)
    known = suppliers_by_inn(inns=[entry.inn for entry in entries])
    items = []
    for entry in entries:
        supplier = known.get(entry.inn)
        items.append(
            {
                "id": entry.pk,
                "inn": entry.inn,
                "supplierid": supplier.pk if supplier else None,
                "suppliername": supplier.name if supplier else None,
                "checkodata": supplier.checko_data if supplier else None,
                "reason": entry.reason,
                "createdat": entry.created_at,
            }
        )
    return items


def domain_blacklist_list() -> QuerySet[DomainBlacklistEntry]:
    return DomainBlacklistEntry.objects.prefetch_related("urls").order_by("domain")


def domain_blacklist_get(*, domain: str) -> DomainBlacklistEntry | None:
    return DomainBlacklistEntry.objects.prefetch_related("urls").filter(domain=domain).first()
