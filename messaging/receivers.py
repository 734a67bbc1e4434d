"""How recipients follow the blacklists: receivers of ``blacklist.signals``, connected in ``MessagingConfig.ready``.

Blacklist sends each signal inside the transaction of its change, so these updates commit or roll back with it.
Each receiver returns how many recipients it re-marked (the sender adds the counts up).

"Not yet contacted" = no outgoing message for that (request, supplier) in status queued, sending or sent;
only those recipients are unticked. Removing an entry clears its reason; the recipient stays unticked, the
buyer ticks it again if they want to.
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import receiver

from accounts.models import User
from blacklist.models import BlockedReason
from blacklist.selectors import blacklisted_roots
from blacklist.signals import domain_blacklisted, domain_unblacklisted, inn_blacklisted, inn_unblacklisted
from suppliers.models import SupplierDomain

from .models import Direction, Message, MessageStatus, Recipient

CONTACTED_STATUSES = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT)


def _not_contacted(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    contacted = Message.objects.filter(
        request_id=OuterRef("request_id"),
        supplier_id=OuterRef("supplier_id"),
        direction=Direction.OUTGOING,
        status__in=CONTACTED_STATUSES,
    )
    return recipients.exclude(Exists(contacted))


def _supplier_under(root: str) -> Exists:
    return Exists(SupplierDomain.objects.filter(supplier_id=OuterRef("supplier_id"), root_domain=root))


def _supplier_under_a_blacklisted_root() -> Exists:
    return Exists(
        SupplierDomain.objects.filter(supplier_id=OuterRef("supplier_id"), root_domain__in=blacklisted_roots())
    )


@receiver(inn_blacklisted, dispatch_uid="messaging.untick_inn_blacklisted")
def untick_inn_blacklisted(sender: Any, *, owner: User, inn: str, **kwargs: Any) -> int:
    """Untick the buyer's not-yet-contacted recipients with this INN; the INN reason replaces any other."""
    affected = _not_contacted(Recipient.objects.filter(request__owner=owner, supplier__inn=inn))
    return affected.exclude(selected=False, blocked_reason=BlockedReason.INN_BLACKLISTED).update(
        selected=False, blocked_reason=BlockedReason.INN_BLACKLISTED
    )


@receiver(inn_unblacklisted, dispatch_uid="messaging.clear_inn_reason")
def clear_inn_reason(sender: Any, *, owner: User, inn: str, **kwargs: Any) -> int:
    """Clear the INN reason on the buyer's recipients; it falls back to ``domain_blacklisted`` where one blocks."""
    marked = Recipient.objects.filter(
        request__owner=owner, supplier__inn=inn, blocked_reason=BlockedReason.INN_BLACKLISTED
    )
    fallback = marked.filter(_supplier_under_a_blacklisted_root()).update(
        blocked_reason=BlockedReason.DOMAIN_BLACKLISTED
    )
    return fallback + marked.update(blocked_reason=None)


@receiver(domain_blacklisted, dispatch_uid="messaging.untick_domain_blacklisted")
def untick_domain_blacklisted(sender: Any, *, root: str, **kwargs: Any) -> int:
    """Untick every not-yet-contacted recipient, in all requests, with a site or e-mail under ``root``.

    An INN reason already set stays (it takes precedence).
    """
    affected = _not_contacted(Recipient.objects.filter(_supplier_under(root)))
    return affected.filter(blocked_reason__isnull=True).update(
        selected=False, blocked_reason=BlockedReason.DOMAIN_BLACKLISTED
    )


@receiver(domain_unblacklisted, dispatch_uid="messaging.clear_domain_reason")
def clear_domain_reason(sender: Any, *, root: str, **kwargs: Any) -> int:
    """Clear ``domain_blacklisted`` on recipients under ``root`` unless another blacklisted root still applies."""
    return (
        Recipient.objects.filter(_supplier_under(root), blocked_reason=BlockedReason.DOMAIN_BLACKLISTED)
        .exclude(_supplier_under_a_blacklisted_root())
        .update(blocked_reason=None)
    )
