"""Domain decisions: a moderator's verdict on a root domain and its effects on cards and the blacklist.

- ``supplier`` / ``reseller``: the card with the card data's INN is created, or updated when it exists,
  and receives the domain's URLs as sites. A root that another card already has a site under is refused
  (409 ``duplicate_domain`` naming that card), so one root never ends up on two cards; a URL owned by another
  card is a 409 ``duplicate_url``.
- ``blacklist``: the root joins the global domain blacklist (with the domain's URLs as examples), which
  unticks every not-yet-contacted recipient under it in all requests.
- ``pending``: the domain stays in the moderators' queue.

A decision is one row per root domain; deciding again replaces the verdict. Everything happens in one
transaction, so a refused card leaves the previous decision untouched. A URL given as the domain
(``https://x.ru/catalog``) is recorded under its root and kept as the card's (or the blacklist's) URL; the home
page stands in only when the root has no URL at all.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from blacklist.selectors import is_domain_blacklisted
from blacklist.services import domain_blacklist_add
from core.domains import InvalidDomain, normalize_url, root_domain
from core.errors import ValidationFailed
from core.inn import InvalidInn, normalize_inn

from .errors import DomainDecisionNotFound, DomainIsBlacklisted, DomainOnAnotherCard
from .models import DomainDecision, DomainDecisionStatus, DomainUrl, Supplier, SupplierSite
from .services import SupplierFields, summary_of, supplier_create, supplier_update
from .signals import domain_decided

CARD_STATUSES = (DomainDecisionStatus.SUPPLIER, DomainDecisionStatus.RESELLER)
NEEDS_CARD = "A supplier or reseller decision needs the card data."


@dataclass(frozen=True)
class CardData:
    """The card a supplier / reseller decision creates or updates (``None`` = leave as it is)."""

    inn: str
    name: str
    email: str
    emails: list[str] | None = None
    phone: str | None = None
    comment: str | None = None


def _clean_root(value: str) -> str:
    try:
        return root_domain(value)
    except InvalidDomain as exc:
        raise ValidationFailed([(("domain",), str(exc), "value_error")]) from None


def domain_urls(*, root: str) -> list[str]:
    """The URLs recorded under a root domain, oldest first."""
    return list(DomainUrl.objects.filter(domain=root).order_by("id").values_list("url", flat=True))


def domain_url_add(*, domain: str, url: str) -> DomainUrl:
    """Record a URL seen under a domain (web discovery, or a moderator in the admin); idempotent."""
    root = _clean_root(domain)
    try:
        clean = normalize_url(url)
    except InvalidDomain as exc:
        raise ValidationFailed([(("url",), str(exc), "value_error")]) from None
    if root_domain(clean) != root:
        raise ValidationFailed([(("url",), f"The URL is not under {root}.", "value_error")])
    row, _ = DomainUrl.objects.get_or_create(url=clean, defaults={"domain": root})
    return row


def domain_decision_get(*, domain: str) -> DomainDecision:
    root = _clean_root(domain)
    decision = DomainDecision.objects.select_related("supplier").filter(domain=root).first()
    if decision is None:
        raise DomainDecisionNotFound()
    return decision


def domain_decide(
    *,
    domain: str,
    status: str,
    card: CardData | None = None,
    comment: str | None = None,
    moderator: User | None = None,
) -> DomainDecision:
    """Record the verdict on ``domain`` (any input form, stored as its root) and apply its effect."""
    root = _clean_root(domain)
    if status not in DomainDecisionStatus.values:
        raise ValidationFailed([(("status",), "Unknown decision status.", "enum")])
    if status in CARD_STATUSES and card is None:
        raise ValidationFailed([(("card",), NEEDS_CARD, "missing")])
    with transaction.atomic():
        supplier: Supplier | None = None
        if status != DomainDecisionStatus.PENDING and _is_url(domain):
            domain_url_add(domain=root, url=domain)  # kept: the URL the moderator gave, not the home page
        if status in CARD_STATUSES:
            assert card is not None
            supplier = _apply_card(root=root, status=status, card=card, urls=_urls_for_effect(root))
        elif status == DomainDecisionStatus.BLACKLIST:
            _apply_blacklist(root=root, comment=comment, urls=_urls_for_effect(root), moderator=moderator)
        decision, _ = DomainDecision.objects.update_or_create(
            domain=root,
            defaults={
                "status": status,
                "supplier": supplier,
                "comment": comment,
                "decided_by": moderator,
                "decided_at": timezone.now(),
            },
        )
        # Inside the transaction: what the receivers change (discovery's queue, key links) commits with it.
        domain_decided.send(
            sender=DomainDecision,
            root=root,
            status=status,
            supplier_id=supplier.pk if supplier is not None else None,
            moderator=moderator,
        )
    return decision


def _is_url(value: str) -> bool:
    """``https://x.ru/a``, ``x.ru/catalog``: a URL, not a bare host name (``WWW.X.RU``, ``x.ru``)."""
    return "/" in value.strip().rstrip("/") or "://" in value


def _urls_for_effect(root: str) -> list[str]:
    """The domain's URLs for a card or the blacklist; with none seen yet, its home page (recorded).

    Only decisions with an effect record the home page: a ``pending`` verdict writes nothing but itself.
    """
    return domain_urls(root=root) or [domain_url_add(domain=root, url=f"https://{root}/").url]


def _apply_card(*, root: str, status: str, card: CardData, urls: list[str]) -> Supplier:
    if is_domain_blacklisted(root=root):
        raise DomainIsBlacklisted(domain=root)
    try:
        inn = normalize_inn(card.inn)
    except InvalidInn as exc:
        raise ValidationFailed([(("card", "inn"), str(exc), "value_error")]) from None
    other = SupplierSite.objects.filter(root_domain=root).exclude(supplier__inn=inn).select_related("supplier").first()
    if other is not None:
        holder = other.supplier
        detail = _("The domain %(domain)s already belongs to the card “%(name)s” (INN %(inn)s).") % {
            "domain": root,
            "name": holder.name,
            "inn": holder.inn,
        }
        raise DomainOnAnotherCard(detail, domain=root, existingsupplier=summary_of(holder))
    given: dict[str, Any] = {"type": status, "name": card.name, "email": card.email}
    for name in ("emails", "phone", "comment"):
        if getattr(card, name) is not None:
            given[name] = getattr(card, name)
    existing = Supplier.objects.with_sites().filter(inn=inn).first()
    if existing is None:
        return supplier_create(inn=inn, fields=SupplierFields(**given, urls=urls))
    sites = [site.url for site in existing.sites.all()]
    merged = sites + [url for url in urls if url not in sites]
    return supplier_update(supplier_id=existing.pk, fields=SupplierFields(**given, urls=merged))


def _apply_blacklist(*, root: str, comment: str | None, urls: list[str], moderator: User | None) -> None:
    domain_blacklist_add(domain=root, comment=comment, created_by=moderator, known_urls=urls)
