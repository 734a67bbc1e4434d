"""Supplier cards and their sites; every site carries its registrable root domain."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import SupplierQuerySet

MAX_EXTRA_EMAILS = 10


class SupplierType(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    RESELLER = "reseller", _("Reseller")


class Supplier(models.Model):
    type = models.CharField(_("type"), max_length=16, choices=SupplierType.choices, default=SupplierType.SUPPLIER)
    inn = models.CharField(_("INN"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=500)
    email = models.EmailField(_("sales e-mail"), max_length=254)
    emails = models.JSONField(_("more e-mails"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=64, null=True, blank=True)
    comment = models.TextField(_("comment"), null=True, blank=True)
    checko_data = models.JSONField(_("checko data"), null=True, blank=True)
    checko_updated_at = models.DateTimeField(_("checko updated at"), null=True, blank=True)
    checko_error = models.TextField(_("checko error"), null=True, blank=True)
    # Name, INN, e-mails and root domains case-folded (``suppliers.search``); rewritten by
    # ``services.supplier_sync_domains`` on every change, matched as a substring by every search.
    search_text = models.TextField(_("search text"), default="", blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=SupplierType.values), name="suppliers_type_valid"),
            models.CheckConstraint(
                condition=models.Q(inn__regex=r"^([0-9]{10}|[0-9]{12})$"), name="suppliers_inn_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.inn})"

    @property
    def is_reseller(self) -> bool:
        return self.type == SupplierType.RESELLER


class SupplierSite(models.Model):
    """A site URL of a supplier; each URL belongs to one supplier only."""

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="sites")
    url = models.CharField(_("url"), max_length=2000, unique=True)
    root_domain = models.CharField(_("root domain"), max_length=253, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("id",)
        verbose_name = _("supplier site")
        verbose_name_plural = _("supplier sites")

    def __str__(self) -> str:
        return self.url


class SupplierDomain(models.Model):
    """Index of the root domains a supplier is reachable under: its sites AND its e-mail addresses.

    Rebuilt by ``suppliers.services.supplier_sync_domains`` whenever sites or e-mails change, so the
    global domain blacklist and the domain search are one indexed lookup instead of parsing JSON lists.
    """

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="domains")
    root_domain = models.CharField(_("root domain"), max_length=253, db_index=True)

    class Meta:
        ordering = ("supplier_id", "root_domain")
        verbose_name = _("supplier domain")
        verbose_name_plural = _("supplier domains")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "root_domain"], name="suppliers_domain_unique_per_supplier")
        ]

    def __str__(self) -> str:
        return self.root_domain


class DomainDecisionStatus(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    RESELLER = "reseller", _("Reseller")
    BLACKLIST = "blacklist", _("Blacklist")
    PENDING = "pending", _("Pending")


class DomainDecision(models.Model):
    """A moderator's verdict on a web root domain: whose site it is, or that it must never be contacted.

    ``supplier`` is the card the decision created or updated (supplier / reseller decisions only).
    """

    domain = models.CharField(_("root domain"), max_length=253, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DomainDecisionStatus.choices, default=DomainDecisionStatus.PENDING
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="domain_decisions",
    )
    comment = models.TextField(_("comment"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("-decided_at", "-id")
        verbose_name = _("domain decision")
        verbose_name_plural = _("domain decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DomainDecisionStatus.values), name="suppliers_decision_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.status}"


class DomainUrl(models.Model):
    """A URL seen under a root domain: web discovery records its hits here, moderators may add some.

    These are "the domain's URLs" that a supplier / reseller decision gives to the card.
    """

    domain = models.CharField(_("root domain"), max_length=253, db_index=True)
    url = models.CharField(_("url"), max_length=2000, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("domain", "id")
        verbose_name = _("domain URL")
        verbose_name_plural = _("domain URLs")

    def __str__(self) -> str:
        return self.url
