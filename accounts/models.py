"""The platform's user: identified by e-mail, logs in with a one-time code (buyers) or a password (admin)."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import profile as rules
from .emails import InvalidEmail, canonical_email
from .querysets import OtpChallengeQuerySet

MODERATORS_GROUP = "moderators"


class EmailPolicy(models.TextChoices):
    APPEND_ONLY = "appendonly", _("Append only (messages cannot be deleted)")
    ALLOW_DELETE = "allowdelete", _("Allow delete (messages can be hidden)")


class UserManager(BaseUserManager["User"]):
    """Every way in (code login, ``createsuperuser``, the admin, password login) uses the canonical address."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """Django's hook, made canonical (``accounts/emails.py``); raises ``InvalidEmail`` for unusable input."""
        return canonical_email(email or "")

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=canonical_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        """Password login and ``createsuperuser``: the canonical form, compared exactly; unusable input is unknown."""
        try:
            email = canonical_email(username or "")
        except InvalidEmail:
            raise self.model.DoesNotExist("No user with this e-mail address.") from None
        return self.get(email=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    emailpolicy = models.CharField(
        _("e-mail policy"), max_length=16, choices=EmailPolicy.choices, default=EmailPolicy.APPEND_ONLY
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ("id",)
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(emailpolicy__in=EmailPolicy.values), name="accounts_user_emailpolicy_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_moderator(self) -> bool:
        """Moderators are staff users in the ``moderators`` group; superusers count as moderators."""
        if not (self.is_active and self.is_staff):
            return False
        if self.is_superuser:
            return True
        cached = getattr(self, "_is_moderator_cache", None)
        if cached is None:
            cached = self.groups.filter(name=MODERATORS_GROUP).exists()
            self._is_moderator_cache = cached
        return cached


# What the console shows for ``OtpChallenge.state``.
OTP_STATES = {
    "used": pgettext_lazy("login code", "used"),
    "cancelled": pgettext_lazy("login code", "cancelled"),
    "exhausted": pgettext_lazy("login code", "attempts exhausted"),
    "expired": pgettext_lazy("login code", "expired"),
    "open": pgettext_lazy("login code", "open"),
}


class OtpChallenge(models.Model):
    """One e-mailed login code. Only its HMAC is stored; the plain code exists in the worker and the e-mail.

    ``code_hmac`` stays empty until the worker that sends the e-mail draws the code (see
    docs/decisions/0005-otp-code-drawn-by-worker.md), so the code never passes through the broker or the database.
    """

    MAX_ATTEMPTS = 5

    email = models.EmailField(_("e-mail"), max_length=254, db_index=True)
    code_hmac = models.CharField(_("code HMAC"), max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    request_ip = models.GenericIPAddressField(_("request IP"), null=True, blank=True)

    objects = OtpChallengeQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("OTP challenge")
        verbose_name_plural = _("OTP challenges")  # not Django's singular + "s": "Одноразовый код входаs"
        constraints = [
            # "A new code cancels the older ones": at most one open challenge per address.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(used_at__isnull=True, cancelled_at__isnull=True),
                name="accounts_otp_one_open_per_email",
            ),
            models.CheckConstraint(condition=models.Q(attempts__lte=5), name="accounts_otp_attempts_max_5"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="accounts_otp_expires_after_created"
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="accounts_otp_expires_idx")]

    def __str__(self) -> str:
        return gettext("Login code #%(id)s for %(email)s") % {"id": self.pk, "email": self.email}

    @property
    def state(self) -> str:
        """``used``, ``cancelled``, ``exhausted``, ``expired`` or ``open`` (the admin shows ``OTP_STATES[state]``)."""
        if self.used_at:
            return "used"
        if self.cancelled_at:
            return "cancelled"
        if self.attempts >= self.MAX_ATTEMPTS:
            return "exhausted"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class RateLimitCounter(models.Model):
    """A fixed-length window that starts with its first hit: ``count`` hits of ``key`` in ``scope`` so far.

    Rows are locked (``SELECT … FOR UPDATE``) while checked and incremented, so parallel requests on
    several web processes count correctly; the daily purge removes finished windows.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=254)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="accounts_ratelimit_scope_key_unique"),
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")), name="accounts_ratelimit_window_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} = {self.count}"


class OtpFailureStreak(models.Model):
    """Failed verifies in a row for one address; at 10 the address is locked for 15 minutes.

    A successful verify deletes the row; deleting it in the admin unlocks the address.
    """

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_failure_at = models.DateTimeField(_("last failure at"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("OTP failure streak (address lock)")
        verbose_name_plural = _("OTP failure streaks (address locks)")

    def __str__(self) -> str:
        return ngettext("%(email)s: %(count)s failure", "%(email)s: %(count)s failures", self.failures) % {
            "email": self.email,
            "count": self.failures,
        }


class BuyerProfile(models.Model):
    """How a buyer presents themselves to suppliers: company, contacts, signature, default e-mail text, language.

    A separate row (not fields on ``User``): authentication reads the user row on the hot path and never needs
    these. Created on the first ``PUT /auth/profile`` (or in the admin); no row reads as an empty profile.
    Empty strings mean "not set" (the API shows them as null).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user"))
    company_name = models.CharField(
        _("company name"), max_length=rules.COMPANY_NAME_MAX, blank=True, validators=[rules.validate_single_line]
    )
    company_inn = models.CharField(_("company INN"), max_length=12, blank=True, validators=[rules.validate_inn])
    contact_name = models.CharField(
        _("contact person"), max_length=rules.CONTACT_NAME_MAX, blank=True, validators=[rules.validate_single_line]
    )
    phone = models.CharField(_("phone"), max_length=rules.PHONE_MAX, blank=True, validators=[rules.validate_phone])
    signature = models.TextField(
        _("signature"), max_length=rules.SIGNATURE_MAX, blank=True, validators=[rules.validate_multi_line]
    )
    default_subject = models.CharField(
        _("default subject"),
        max_length=rules.DEFAULT_SUBJECT_MAX,
        blank=True,
        validators=[rules.validate_single_line],
    )
    default_body = models.TextField(
        _("default body"), max_length=rules.DEFAULT_BODY_MAX, blank=True, validators=[rules.validate_multi_line]
    )
    language = models.CharField(
        _("language of supplier e-mails"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the platform's default language."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("buyer profile")
        verbose_name_plural = _("buyer profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(company_inn="") | models.Q(company_inn__regex=r"^([0-9]{10}|[0-9]{12})$"),
                name="accounts_profile_inn_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name or str(self.user_id)

    @property
    def email_language(self) -> str:
        """The language the buyer's supplier e-mails are written in."""
        return self.language or settings.LANGUAGE_CODE
