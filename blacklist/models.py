"""A buyer's personal blacklist by INN, the moderators' global blacklist of root domains, and why they block."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BlockedReason(models.TextChoices):
    """Why a supplier is blocked for a buyer: the answer of ``suppliers.selectors.supplier_block_reasons``.

    Messaging stores it on a recipient (``Recipient.blocked_reason``) and the contract shows it as
    ``blockedreason``.
    """

    INN_BLACKLISTED = "inn_blacklisted", _("INN blacklisted by the buyer")
    DOMAIN_BLACKLISTED = "domain_blacklisted", _("Domain blacklisted")


class InnBlacklistEntry(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="inn_blacklist"
    )
    inn = models.CharField(_("INN"), max_length=12)
    reason = models.CharField(_("reason"), max_length=500, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("INN blacklist entry")
        verbose_name_plural = _("INN blacklist entries")
        constraints = [models.UniqueConstraint(fields=["owner", "inn"], name="blacklist_inn_unique_per_owner")]

    def __str__(self) -> str:
        return self.inn


class DomainBlacklistEntry(models.Model):
    domain = models.CharField(
        _("domain"), max_length=253, unique=True, help_text="Registrable root domain, punycode, lower case"
    )
    comment = models.TextField(_("comment"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("domain",)
        verbose_name = _("blacklisted domain")
        verbose_name_plural = _("blacklisted domains")

    def __str__(self) -> str:
        return self.domain


class DomainBlacklistUrl(models.Model):
    entry = models.ForeignKey(
        DomainBlacklistEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="urls"
    )
    url = models.CharField(_("url"), max_length=2000)
    comment = models.TextField(_("comment"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("domain blacklist url")
        verbose_name_plural = _("domain blacklist urls")
        constraints = [models.UniqueConstraint(fields=["entry", "url"], name="blacklist_url_unique_per_domain")]

    def __str__(self) -> str:
        return self.url
