"""Writes on supplier cards: create, update, the root-domain index, and queueing the Checko enrichment.

The enrichment itself (what the worker runs) is ``suppliers.enrichment``; the task sits between the two
(services → tasks → enrichment), so nothing imports in a circle.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.domains import InvalidDomain, normalize_url, root_domain
from core.errors import ValidationFailed
from core.inn import InvalidInn, normalize_inn

from .checko import CHECKO_OFF_MESSAGE, CheckoClient
from .errors import DuplicateInn, DuplicateUrl, SupplierNotFound
from .models import MAX_EXTRA_EMAILS, Supplier, SupplierDomain, SupplierSite, SupplierType
from .search import search_text
from .tasks import refresh_checko

logger = logging.getLogger(__name__)

UNSET: Any = object()


@dataclass
class SupplierFields:
    """Editable card fields; ``UNSET`` means "leave as is" (PUT may carry any subset)."""

    type: str = UNSET
    name: str = UNSET
    email: str = UNSET
    emails: list[str] = UNSET
    phone: str | None = UNSET
    urls: list[str] = UNSET
    comment: str | None = UNSET
    given: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.given = {
            name
            for name in ("type", "name", "email", "emails", "phone", "urls", "comment")
            if getattr(self, name) is not UNSET
        }


def summary_of(supplier: Supplier) -> dict[str, Any]:
    """``{supplierid, name, urls}``: how a 409 names the card that holds an INN, a URL or a root domain."""
    return {"supplierid": supplier.pk, "name": supplier.name, "urls": [site.url for site in supplier.sites.all()]}


_summary = summary_of


def _clean_urls(urls: Iterable[str]) -> list[tuple[str, str]]:
    """(normalised url, root) pairs without duplicates; a bad URL is a 422 naming its position."""
    seen: dict[str, str] = {}
    for index, url in enumerate(urls):
        try:
            clean = normalize_url(url)
            seen.setdefault(clean, root_domain(clean))
        except InvalidDomain as exc:
            raise ValidationFailed([(("urls", index), str(exc), "value_error")]) from None
    if not seen:
        raise ValidationFailed([(("urls",), _("At least one site URL is required."), "too_short")])
    return list(seen.items())


def _clean_emails(main: str, extra: Iterable[str]) -> list[str]:
    """Extra addresses in lower case, without the main one and without duplicates, at most 10."""
    result: list[str] = []
    for address in extra:
        address = address.strip().lower()
        if address and address != main.lower() and address not in result:
            result.append(address)
    if len(result) > MAX_EXTRA_EMAILS:
        raise ValidationFailed(
            [(("emails",), _("At most %(limit)s extra e-mail addresses.") % {"limit": MAX_EXTRA_EMAILS}, "too_long")]
        )
    return result


def _check_urls_free(cleaned: list[tuple[str, str]], *, supplier_id: int | None) -> None:
    sites = SupplierSite.objects.filter(url__in=[url for url, _ in cleaned])
    if supplier_id is not None:
        sites = sites.exclude(supplier_id=supplier_id)
    taken = sites.select_related("supplier").first()
    if taken is not None:
        raise DuplicateUrl(url=taken.url, existingsupplier=_summary(taken.supplier))


def _replace_sites(supplier: Supplier, cleaned: list[tuple[str, str]]) -> None:
    wanted = dict(cleaned)
    supplier.sites.exclude(url__in=list(wanted)).delete()
    existing = set(supplier.sites.values_list("url", flat=True))
    SupplierSite.objects.bulk_create(
        [SupplierSite(supplier=supplier, url=url, root_domain=root) for url, root in cleaned if url not in existing]
    )


def supplier_sync_domains(*, supplier: Supplier) -> set[str]:
    """Rebuild the supplier's root-domain index from its sites and e-mail addresses, and its search text.

    Call it after any change of the name, sites or e-mails made outside these services (factories, imports).
    """
    roots = set(SupplierSite.objects.filter(supplier=supplier).values_list("root_domain", flat=True))
    for address in [supplier.email, *(supplier.emails or [])]:
        try:
            roots.add(root_domain(address))
        except InvalidDomain:
            logger.warning("supplier %s has an e-mail without a usable domain: %r", supplier.pk, address)
    SupplierDomain.objects.filter(supplier=supplier).exclude(root_domain__in=roots).delete()
    SupplierDomain.objects.bulk_create(
        [SupplierDomain(supplier=supplier, root_domain=root) for root in roots], ignore_conflicts=True
    )
    supplier.search_text = search_text(
        name=supplier.name, inn=supplier.inn, emails=[supplier.email, *(supplier.emails or [])], roots=roots
    )
    Supplier.objects.filter(pk=supplier.pk).update(search_text=supplier.search_text)
    return roots


def _raise_duplicate_inn(inn: str) -> None:
    existing = Supplier.objects.with_sites().filter(inn=inn).first()
    if existing is not None:
        raise DuplicateInn(inn=inn, existingsupplier=_summary(existing))


def supplier_create(*, inn: str, fields: SupplierFields) -> Supplier:
    """Create a card with its sites; 409 when the INN or a URL is taken; Checko is asked after commit."""
    try:
        inn = normalize_inn(inn)
    except InvalidInn as exc:
        raise ValidationFailed([(("inn",), str(exc), "value_error")]) from None
    missing = [name for name in ("name", "email", "urls") if name not in fields.given]
    if missing:
        raise ValidationFailed([((name,), _("This field is required."), "missing") for name in missing])
    _raise_duplicate_inn(inn)
    cleaned = _clean_urls(fields.urls)
    _check_urls_free(cleaned, supplier_id=None)
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(
                inn=inn,
                type=fields.type if "type" in fields.given else SupplierType.SUPPLIER,
                name=fields.name,
                email=fields.email.strip().lower(),
                emails=_clean_emails(fields.email, fields.emails if "emails" in fields.given else []),
                phone=fields.phone if "phone" in fields.given else None,
                comment=fields.comment if "comment" in fields.given else None,
            )
            _replace_sites(supplier, cleaned)
            supplier_sync_domains(supplier=supplier)
            supplier_request_checko_refresh(supplier=supplier)
    except IntegrityError:
        # Lost a race with a concurrent create: answer as if we had seen the winner first.
        _raise_duplicate_inn(inn)
        _check_urls_free(cleaned, supplier_id=None)
        raise
    return supplier


def supplier_update(*, supplier_id: int, fields: SupplierFields, refresh_checko: bool = False) -> Supplier:
    """Change the given fields of a card (never its INN); ``urls`` replaces the whole list of sites."""
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().filter(pk=supplier_id).first()
        if supplier is None:
            raise SupplierNotFound()
        cleaned = _clean_urls(fields.urls) if "urls" in fields.given else None
        if cleaned is not None:
            _check_urls_free(cleaned, supplier_id=supplier.pk)
        for name in ("type", "name", "phone", "comment"):
            if name in fields.given:
                setattr(supplier, name, getattr(fields, name))
        if "email" in fields.given:
            supplier.email = fields.email.strip().lower()
        if "emails" in fields.given or "email" in fields.given:
            extra = fields.emails if "emails" in fields.given else supplier.emails
            supplier.emails = _clean_emails(supplier.email, extra)
        supplier.save()
        if cleaned is not None:
            _replace_sites(supplier, cleaned)
        supplier_sync_domains(supplier=supplier)
        if refresh_checko:
            supplier_request_checko_refresh(supplier=supplier)
    return supplier


def supplier_request_checko_refresh(*, supplier: Supplier) -> bool:
    """Queue the Checko fetch after commit; without an API key record that the feature is off instead."""
    if not CheckoClient.from_settings().enabled:
        supplier.checko_error = CHECKO_OFF_MESSAGE
        supplier.save(update_fields=["checko_error"])
        return False
    refresh_checko.delay_on_commit(supplier.pk)
    return True
