"""Reads of the blacklists: a buyer's INN list, the global domain list, and the lookups the apps above use.

"Is this supplier blocked for this buyer, and why" needs the suppliers' root-domain index, so it is answered
by ``suppliers.selectors.supplier_block_reasons`` from the lookups here.
"""

from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import QuerySet

from accounts.models import User

from .extensions import inn_cards
from .models import DomainBlacklistEntry, InnBlacklistEntry


def blacklisted_roots() -> QuerySet[DomainBlacklistEntry, Any]:
    """The blacklisted root domains, as a subquery (``root_domain__in=blacklisted_roots()``): no query of its own."""
    return DomainBlacklistEntry.objects.values("domain")


def is_domain_blacklisted(*, root: str) -> bool:
    return DomainBlacklistEntry.objects.filter(domain=root).exists()


def blacklisted_inns(*, owner: User | None, inns: Collection[str]) -> set[str]:
    """The INNs among ``inns`` on ``owner``'s own list (none for an anonymous caller); one query."""
    if owner is None or not owner.is_authenticated or not inns:
        return set()
    return set(InnBlacklistEntry.objects.filter(owner=owner, inn__in=inns).values_list("inn", flat=True))


def inn_blacklist_list(*, owner: User) -> QuerySet[InnBlacklistEntry]:
    """The buyer's own entries, newest first."""
    return InnBlacklistEntry.objects.filter(owner=owner).order_by("-created_at", "-id")


def inn_blacklist_items(*, entries: Iterable[InnBlacklistEntry]) -> list[dict[str, Any]]:
    """Entries joined with the known supplier card of their INN (``extensions.inn_cards``: one query a page)."""
    entries = list(entries)
    known = inn_cards({entry.inn for entry in entries})
    items = []
    for entry in entries:
        card = known.get(entry.inn)
        items.append(
            {
                "id": entry.pk,
                "inn": entry.inn,
                "supplier_id": card.supplier_id if card else None,
                "supplier_name": card.name if card else None,
                "checko_data": card.checko_data if card else None,
                "reason": entry.reason,
                "created_at": entry.created_at,
            }
        )
    return items


def domain_blacklist_list() -> QuerySet[DomainBlacklistEntry]:
    return DomainBlacklistEntry.objects.prefetch_related("urls").order_by("domain")


def domain_blacklist_get(*, domain: str) -> DomainBlacklistEntry | None:
    return DomainBlacklistEntry.objects.prefetch_related("urls").filter(domain=domain).first()
