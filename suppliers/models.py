"""Supplier cards and their sites; every site carries its registrable root domain."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .querysets import SupplierQuerySet

MAX_EXTRA_EMAILS = 10


class SupplierType(models.TextChoices):
    SUPPLIER = "supplier", "Supplier"
    RESELLER = "reseller", "Reseller"


class Supplier(models.Model):
    type = models.CharField(max_length=16, choices=SupplierType.choices, default=SupplierType.SUPPLIER)
    inn = models.CharField("INN", max_length=12, unique=True)
    name = models.CharField(max_length=500)
    email = models.EmailField("sales e-mail", max_length=254)
    emails = models.JSONField("more e-mails", default=list, blank=True)
    phone = models.CharField(max_length=64, null=True, blank=True)
    comment = models.TextField(null=True, blank=True)
    checko_data = models.JSONField(null=True, blank=True)
    checko_updated_at = models.DateTimeField(null=True, blank=True)
    checko_error = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ("name", "id")
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

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="sites")
    url = models.CharField(max_length=2000, unique=True)
    root_domain = models.CharField(max_length=253, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.url


class SupplierDomain(models.Model):
    """Index of the root domains a supplier is reachable under: its sites AND its e-mail addresses.

    Rebuilt by ``suppliers.services.supplier_sync_domains`` whenever sites or e-mails change, so the
    global domain blacklist and the domain search are one indexed lookup instead of parsing JSON lists.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="domains")
    root_domain = models.CharField(max_length=253, db_index=True)

    class Meta:
        ordering = ("supplier_id", "root_domain")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "root_domain"], name="suppliers_domain_unique_per_supplier")
        ]

    def __str__(self) -> str:
        return self.root_domain


class DomainDecisionStatus(models.TextChoices):
    SUPPLIER = "supplier", "Supplier"
    RESELLER = "reseller", "Reseller"
    BLACKLIST = "blacklist", "Blacklist"
    PENDING = "pending", "Pending"


class DomainDecision(models.Model):
    """A moderator's verdict on a web root domain: whose site it is, or that it must never be contacted.

    ``supplier`` is the card the decision created or updated (supplier / reseller decisions only).
    """

    domain = models.CharField("root domain", max_length=253, unique=True)
    status = models.CharField(max_length=16, choices=DomainDecisionStatus.choices, default=DomainDecisionStatus.PENDING)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="domain_decisions"
    )
    comment = models.TextField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-decided_at", "-id")
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

    domain = models.CharField("root domain", max_length=253, db_index=True)
    url = models.CharField(max_length=2000, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("domain", "id")
        verbose_name = "domain URL"

    def __str__(self) -> str:
        return self.url
