"""Domain errors of the supplier directory."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotFound


class SupplierNotFound(NotFound):
    default_detail = _("Supplier not found.")


class DuplicateInn(Conflict):
    """Another card already has this INN; the body names it so the moderator can open it instead."""

    code = "duplicate_inn"
    default_detail = _("A supplier with this INN already exists.")


class DuplicateUrl(Conflict):
    """A site URL already belongs to another supplier (each URL is owned by one supplier)."""

    code = "duplicate_url"
    default_detail = _("This URL already belongs to another supplier.")


class DomainDecisionNotFound(NotFound):
    default_detail = _("No decision has been made for this domain.")


class DomainIsBlacklisted(Conflict):
    """A blacklisted root cannot become a supplier's site: the moderator removes it from the blacklist first."""

    code = "domain_blacklisted"
    default_detail = _("This domain is in the global blacklist; remove it from there first.")


class DomainOnAnotherCard(Conflict):
    """A supplier / reseller decision for a root that another card already has a site under: the body names it."""

    code = "duplicate_domain"
    default_detail = _("This domain already belongs to another supplier.")
