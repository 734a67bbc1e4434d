"""A buyer's personal blacklist by INN, the moderators' global blacklist of root domains, and why they block."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class BlockedReason(models.TextChoices):
    """Why a supplier is blocked for a buyer: the answer of ``suppliers.selectors.supplier_block_reasons``.

    Messaging stores it on a recipient (``Recipient.blocked_reason``) and the contract shows it as
    ``blockedreason``.
    """

    INN_BLACKLISTED = "inn_blacklisted", "INN blacklisted by the buyer"
    DOMAIN_BLACKLISTED = "domain_blacklisted", "Domain blacklisted"


class InnBlacklistEntry(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inn_blacklist")
    inn = models.CharField("INN", max_length=12)
    reason = models.CharField(max_length=500, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "INN blacklist entry"
        verbose_name_plural = "INN blacklist entries"
        constraints = [models.UniqueConstraint(fields=["owner", "inn"], name="blacklist_inn_unique_per_owner")]

    def __str__(self) -> str:
        return self.inn


class DomainBlacklistEntry(models.Model):
    domain = models.CharField(max_length=253, unique=True, help_text="Registrable root domain, punycode, lower case")
    comment = models.TextField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("domain",)
        verbose_name = "blacklisted domain"
        verbose_name_plural = "blacklisted domains"

    def __str__(self) -> str:
        return self.domain


class DomainBlacklistUrl(models.Model):
    entry = models.ForeignKey(DomainBlacklistEntry, on_delete=models.CASCADE, related_name="urls")
    url = models.CharField(max_length=2000)
    comment = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [models.UniqueConstraint(fields=["entry", "url"], name="blacklist_url_unique_per_domain")]

    def __str__(self) -> str:
        return self.url
