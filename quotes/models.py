"""Suppliers' quotes on a request: personal links, revisions with one line per key, the buyer's awards.

A ``Quote`` row is one revision. A supplier's draft is a row with ``status=draft`` (at most one per request
and supplier, overwritten on every save); each submission — through the link or entered by hand — is a new
``submitted`` row with the next ``revision`` number, and exactly one submitted row per request and supplier
is ``is_current`` (the one buyers compare). Old revisions are never changed (docs/decisions/0015-quotes.md).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CURRENCIES = ("RUB", "USD", "EUR", "CNY", "KZT", "BYN")
DEFAULT_CURRENCY = "RUB"
MAX_ANALOGUE = 500
MAX_LINE_COMMENT = 1000
MAX_QUOTE_COMMENT = 5000
MAX_QUOTE_FILES = 10


class QuoteLinkRevokeReason(models.TextChoices):
    BUYER = "buyer", _("Revoked by the buyer")
    EXPIRED = "expired", _("Replaced after it expired")


class QuoteLink(models.Model):
    """The personal link of one (request, supplier) recipient to the quote page.

    The URL's token is an HMAC of ``nonce`` with the server's secret (``quotes.tokens``), so a retry of an
    e-mail rebuilds the same URL, while the database holds only the nonce and the token's SHA-256: a copy of
    the table alone opens no page. Expiry is not stored: it follows the request's deadline when there is one.
    """

    request = models.ForeignKey(
        "requests_app.Request", verbose_name=_("request"), on_delete=models.CASCADE, related_name="quote_links"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="quote_links"
    )
    nonce = models.CharField(_("nonce"), max_length=64, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("revoke reason"), max_length=16, choices=QuoteLinkRevokeReason.choices, null=True, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("quote link")
        verbose_name_plural = _("quote links")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "supplier"],
                condition=models.Q(revoked_at__isnull=True),
                name="quotes_one_active_link_per_recipient",
            ),
        ]

    def __str__(self) -> str:
        return gettext("link of supplier %(supplier)s on request %(request)s") % {
            "supplier": self.supplier_id,
            "request": self.request_id,
        }

    def ttl_expires_at(self) -> datetime:
        return self.created_at + timedelta(days=settings.QUOTE_LINK_TTL_DAYS)

    def expires_at(self) -> datetime:
        """The request's deadline when it has one, else ``QUOTE_LINK_TTL_DAYS`` after the link was made."""
        deadline = self.request.deadline
        return deadline if deadline is not None else self.ttl_expires_at()


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class QuoteSource(models.TextChoices):
    PORTAL = "portal", _("Quote page")
    MANUAL = "manual", _("Entered by hand")


class Quote(models.Model):
    """One revision of a supplier's quote (or the supplier's draft)."""

    request = models.ForeignKey(
        "requests_app.Request", verbose_name=_("request"), on_delete=models.CASCADE, related_name="quotes"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="quotes"
    )
    status = models.CharField(_("status"), max_length=16, choices=QuoteStatus.choices)
    revision = models.PositiveIntegerField(_("revision"), null=True, blank=True)  # null for the draft
    is_current = models.BooleanField(_("current revision"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=QuoteSource.choices)
    link = models.ForeignKey(
        QuoteLink, verbose_name=_("link"), on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, default=DEFAULT_CURRENCY)
    vat_included = models.BooleanField(_("VAT included"), default=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=MAX_QUOTE_COMMENT, blank=True, default="")
    attachments = models.ManyToManyField(
        "attachments.Attachment", verbose_name=_("files"), blank=True, related_name="quotes"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("request_id", "supplier_id", "-revision")
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [models.Index(fields=["request", "is_current"], name="quotes_quote_current_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "supplier", "revision"],
                condition=models.Q(revision__isnull=False),
                name="quotes_revision_unique",
            ),
            models.UniqueConstraint(
                fields=["request", "supplier"],
                condition=models.Q(status="draft"),
                name="quotes_one_draft_per_supplier",
            ),
            models.UniqueConstraint(
                fields=["request", "supplier"],
                condition=models.Q(is_current=True),
                name="quotes_one_current_per_supplier",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="draft", revision__isnull=True, is_current=False)
                    | models.Q(status="submitted", revision__isnull=False, submitted_at__isnull=False)
                ),
                name="quotes_revision_iff_submitted",
            ),
            models.CheckConstraint(condition=models.Q(currency__in=CURRENCIES), name="quotes_currency_known"),
            models.CheckConstraint(condition=models.Q(source__in=QuoteSource.values), name="quotes_source_valid"),
        ]

    def __str__(self) -> str:
        label = gettext("rev. %(revision)s") % {"revision": self.revision} if self.revision else gettext("draft")
        return gettext("quote of supplier %(supplier)s on request %(request)s (%(label)s)") % {
            "supplier": self.supplier_id,
            "request": self.request_id,
            "label": label,
        }


class QuoteLine(models.Model):
    """What a supplier offers for one key; a line exists only when something was filled in."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines")
    key = models.ForeignKey(
        "requests_app.RequestKey", verbose_name=_("key"), on_delete=models.CASCADE, related_name="quote_lines"
    )
    price = models.DecimalField(_("price per unit"), max_digits=18, decimal_places=4, null=True, blank=True)
    qty = models.DecimalField(_("quantity offered"), max_digits=18, decimal_places=4, null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time, days"), null=True, blank=True)
    analogue = models.CharField(_("analogue"), max_length=MAX_ANALOGUE, blank=True, default="")
    comment = models.CharField(_("comment"), max_length=MAX_LINE_COMMENT, blank=True, default="")

    class Meta:
        ordering = ("quote_id", "key_id")
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.UniqueConstraint(fields=["quote", "key"], name="quotes_line_unique_key"),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gte=0), name="quotes_line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(qty__isnull=True) | models.Q(qty__gt=0), name="quotes_line_qty_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext("line of key %(key)s in quote %(quote)s") % {"key": self.key_id, "quote": self.quote_id}


class Award(models.Model):
    """The buyer's choice of supplier for one key."""

    request = models.ForeignKey(
        "requests_app.Request", verbose_name=_("request"), on_delete=models.CASCADE, related_name="awards"
    )
    key = models.OneToOneField(
        "requests_app.RequestKey", verbose_name=_("key"), on_delete=models.CASCADE, related_name="award"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="awards"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        ordering = ("request_id", "key_id")
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return gettext("key %(key)s → supplier %(supplier)s") % {"key": self.key_id, "supplier": self.supplier_id}
