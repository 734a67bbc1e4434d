"""Writes on the blacklists; each add/remove also re-marks the recipients it affects, in one transaction.

"Not yet contacted" = no outgoing message for that (request, supplier) in status queued, sending or sent;
only those recipients are unticked. Removing an entry clears its reason; the recipient stays unticked, the
buyer ticks it again if they want to.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from core.domains import InvalidDomain, root_domain
from core.errors import ValidationFailed
from core.inn import InvalidInn, normalize_inn
from messaging.models import BlockedReason, Direction, Message, MessageStatus, Recipient
from suppliers.models import SupplierDomain

from .errors import DomainNotBlacklisted, InnNotBlacklisted
from .models import DomainBlacklistEntry, DomainBlacklistUrl, InnBlacklistEntry

CONTACTED_STATUSES = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT)
MAX_REASON = 500


def _not_contacted(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    contacted = Message.objects.filter(
        request_id=OuterRef("request_id"),
        supplier_id=OuterRef("supplier_id"),
        direction=Direction.OUTGOING,
        status__in=CONTACTED_STATUSES,
    )
    return recipients.exclude(Exists(contacted))


def _supplier_under_blacklisted_domain() -> Exists:
    return Exists(
        SupplierDomain.objects.filter(
            supplier_id=OuterRef("supplier_id"), root_domain__in=DomainBlacklistEntry.objects.values("domain")
        )
    )


def clean_inn(value: str, *, loc: tuple[str, ...] = ("body", "inn")) -> str:
    try:
        return normalize_inn(value)
    except InvalidInn as exc:
        raise ValidationFailed([(loc, str(exc), "value_error")]) from None


def clean_domain(value: str, *, loc: tuple[str, ...] = ("body", "domain")) -> str:
    try:
        return root_domain(value)
    except InvalidDomain as exc:
        raise ValidationFailed([(loc, str(exc), "value_error")]) from None


def inn_blacklist_add(*, owner: User, inn: str, reason: str | None = None) -> tuple[InnBlacklistEntry, int]:
    """Add (or re-add, updating the reason) an INN; returns the entry and how many recipients were unticked."""
    inn = clean_inn(inn)
    if reason is not None and len(reason) > MAX_REASON:
        raise ValidationFailed([(("body", "reason"), f"At most {MAX_REASON} characters.", "string_too_long")])
    with transaction.atomic():
        entry, _ = InnBlacklistEntry.objects.update_or_create(owner=owner, inn=inn, defaults={"reason": reason})
        affected = _not_contacted(Recipient.objects.filter(request__owner=owner, supplier__inn=inn))
        unticked = affected.exclude(selected=False, blocked_reason=BlockedReason.INN_BLACKLISTED).update(
            selected=False, blocked_reason=BlockedReason.INN_BLACKLISTED
        )
    return entry, unticked


def inn_blacklist_remove(*, owner: User, inn: str) -> None:
    """Remove an INN from the buyer's list (404 when absent); recipients fall back to a domain reason, if any."""
    inn = clean_inn(inn, loc=("path", "inn"))
    with transaction.atomic():
        deleted, _ = InnBlacklistEntry.objects.filter(owner=owner, inn=inn).delete()
        if not deleted:
            raise InnNotBlacklisted()
        marked = Recipient.objects.filter(
            request__owner=owner, supplier__inn=inn, blocked_reason=BlockedReason.INN_BLACKLISTED
        )
        marked.filter(_supplier_under_blacklisted_domain()).update(blocked_reason=BlockedReason.DOMAIN_BLACKLISTED)
        marked.update(blocked_reason=None)


def domain_blacklist_add(
    *, domain: str, comment: str | None = None, url: str | None = None, created_by: User | None = None
) -> tuple[DomainBlacklistEntry, int]:
    """Blacklist a root domain for everyone (any input form); re-adding updates the comment and adds the URL.

    Returns the entry and how many recipients, in all requests, were unticked.
    """
    root = clean_domain(domain)
    if url is not None:
        url = url.strip()
        if clean_domain(url, loc=("body", "url")) != root:
            raise ValidationFailed([(("body", "url"), f"The URL is not under {root}.", "value_error")])
    with transaction.atomic():
        entry, created = DomainBlacklistEntry.objects.select_for_update().get_or_create(
            domain=root, defaults={"comment": comment, "created_by": created_by}
        )
        if not created and comment is not None and entry.comment != comment:
            entry.comment = comment
            entry.save(update_fields=["comment", "updated_at"])
        if url:
            DomainBlacklistUrl.objects.get_or_create(entry=entry, url=url, defaults={"comment": comment})
        unticked = domain_blacklist_untick(root=root)
    return entry, unticked


def domain_blacklist_untick(*, root: str) -> int:
    """Untick every not-yet-contacted recipient, in all requests, with a site or e-mail under ``root``.

    An INN reason already set stays (it takes precedence). The admin calls this too.
    """
    under_root = Exists(SupplierDomain.objects.filter(supplier_id=OuterRef("supplier_id"), root_domain=root))
    affected = _not_contacted(Recipient.objects.filter(under_root))
    return affected.filter(Q(blocked_reason__isnull=True)).update(
        selected=False, blocked_reason=BlockedReason.DOMAIN_BLACKLISTED
    )


def domain_blacklist_remove(*, domain: str) -> None:
    """Remove a root domain (any input form; 404 when absent) and clear its reason where no other root blocks."""
    root = clean_domain(domain, loc=("path", "domain"))
    with transaction.atomic():
        deleted, _ = DomainBlacklistEntry.objects.filter(domain=root).delete()
        if not deleted:
            raise DomainNotBlacklisted()
        domain_blacklist_clear(root=root)


def domain_blacklist_clear(*, root: str) -> int:
    """Clear ``domain_blacklisted`` on recipients under ``root`` unless another blacklisted root still applies."""
    under_root = Exists(SupplierDomain.objects.filter(supplier_id=OuterRef("supplier_id"), root_domain=root))
    return (
        Recipient.objects.filter(under_root, blocked_reason=BlockedReason.DOMAIN_BLACKLISTED)
        .exclude(_supplier_under_blacklisted_domain())
        .update(blocked_reason=None)
    )
