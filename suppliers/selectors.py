"""Reads of the supplier directory: buyer search (best match first), the moderators' card list, and which
suppliers the blacklists block for a buyer (the INN lists and the domain list are blacklist's; the root-domain
index of every card is ours).
"""

from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from accounts.models import User
from blacklist.extensions import InnCard
from blacklist.models import BlockedReason
from blacklist.selectors import blacklisted_inns, blacklisted_roots
from core.domains import InvalidDomain, root_domain

from .errors import SupplierNotFound
from .models import Supplier, SupplierDomain
from .search import fold


def _root_or_none(q: str) -> str | None:
    if "." not in q or " " in q.strip():
        return None
    try:
        return root_domain(q)
    except InvalidDomain:
        return None


def _digits(q: str) -> str | None:
    compact = "".join(q.split())
    return compact if compact.isdigit() and compact.isascii() else None


def _text_match(q: str) -> Q:
    """``q`` case-folded as a substring of the stored search text: name, INN, e-mails, any part of a domain.

    The same on SQLite and PostgreSQL (``suppliers/search.py``): ``флан`` finds ``ФланцМаш``, ``flanec``
    finds ``flanec-mash.ru``.
    """
    folded = fold(q)
    return Q(search_text__contains=folded) if folded else Q(pk__in=[])


def supplier_search(*, q: str, limit: int) -> list[Supplier]:
    """Suppliers matching ``q`` by INN prefix, root domain, e-mail, name or a part of either, best match first.

    Exact INN / domain / e-mail hits rank above text hits; those rank by trigram similarity of the name on
    PostgreSQL (which also finds names with a typo: the GIN trigram index serves ``%``) and plainly on SQLite,
    names before the other parts. The main e-mail is matched exactly on its lower-cased form.
    """
    q = q.strip()
    digits, root = _digits(q), _root_or_none(q)
    by_domain = Exists(SupplierDomain.objects.filter(supplier_id=OuterRef("pk"), root_domain=root or ""))
    by_email = Q(email_lower=q.lower()) | Q(emails__icontains=q) if "@" in q else Q(pk__in=[])
    by_inn = Q(inn__startswith=digits) if digits else Q(pk__in=[])
    by_name = _text_match(q)
    postgres = connection.vendor == "postgresql"
    if postgres:
        by_name |= Q(name__trigram_similar=q)
    rank = Case(
        When(inn=digits or "", then=Value(5.0)),
        When(by_inn, then=Value(4.0)),
        When(by_domain, then=Value(3.0)),
        When(by_email, then=Value(3.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    similarity = (
        TrigramSimilarity("name", q)
        if postgres
        else Case(
            When(search_text__startswith=fold(q), then=Value(0.75)),  # the name comes first in the text
            When(by_name, then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
    matches = (
        Supplier.objects.alias(email_lower=Lower("email"))
        .filter(by_inn | by_domain | by_email | by_name)
        .annotate(rank=rank, similarity=similarity)
        .order_by(F("rank").desc(), F("similarity").desc(), "name", "id")
        .prefetch_related("sites")
    )
    return list(matches[:limit])


def supplier_list(*, q: str | None = None, type: str | None = None) -> QuerySet[Supplier]:
    """All cards for moderators, optionally narrowed by type and by a part of the name / INN / e-mail / domain
    (case-insensitive on every database, ``_text_match``), an INN prefix or a URL's root domain."""
    rows = Supplier.objects.with_sites()
    if type:
        rows = rows.filter(type=type)
    if q and q.strip():
        q = q.strip()
        digits, root = _digits(q), _root_or_none(q)
        match: Any = _text_match(q)  # Q, or Q | Exists below
        if digits:
            match |= Q(inn__startswith=digits)
        if root:
            match |= Exists(SupplierDomain.objects.filter(supplier_id=OuterRef("pk"), root_domain=root))
        rows = rows.filter(match)
    return rows.order_by("name", "id")


def supplier_get(*, supplier_id: int) -> Supplier:
    supplier = Supplier.objects.with_sites().filter(pk=supplier_id).first()
    if supplier is None:
        raise SupplierNotFound()
    return supplier


def supplier_block_reasons(*, buyer: User | None, suppliers: Iterable[Supplier]) -> dict[int, str]:
    """``{supplier_id: "inn_blacklisted" | "domain_blacklisted"}`` for the blocked ones among ``suppliers``.

    The INN list is the buyer's own; a blacklisted root domain of any site or e-mail blocks for everyone.
    INN wins when both apply. Two queries whatever the number of suppliers.
    """
    by_id = {supplier.pk: supplier for supplier in suppliers}
    if not by_id:
        return {}
    reasons: dict[int, str] = {}
    blocked_domain_ids = SupplierDomain.objects.filter(
        supplier_id__in=list(by_id), root_domain__in=blacklisted_roots()
    ).values_list("supplier_id", flat=True)
    for supplier_id in blocked_domain_ids:
        reasons[supplier_id] = BlockedReason.DOMAIN_BLACKLISTED
    blocked_inns = blacklisted_inns(owner=buyer, inns={supplier.inn for supplier in by_id.values()})
    for supplier_id, supplier in by_id.items():
        if supplier.inn in blocked_inns:
            reasons[supplier_id] = BlockedReason.INN_BLACKLISTED
    return reasons


def supplier_block_reason(*, buyer: User | None, supplier: Supplier) -> str | None:
    """The reason ``supplier`` is blocked for ``buyer``, or None."""
    return supplier_block_reasons(buyer=buyer, suppliers=[supplier]).get(supplier.pk)


def supplier_cards_by_inn(inns: Collection[str]) -> dict[str, InnCard]:
    """The known cards of a page of INN blacklist entries, in one query (registered in ``SuppliersConfig``)."""
    rows = Supplier.objects.filter(inn__in=set(inns)).only("id", "inn", "name", "checko_data")
    return {row.inn: InnCard(supplier_id=row.pk, name=row.name, checko_data=row.checko_data) for row in rows}
