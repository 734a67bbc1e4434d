"""The platform's user: identified by e-mail, logs in with a one-time code (buyers) or a password (admin)."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

MODERATORS_GROUP = "moderators"


class EmailPolicy(models.TextChoices):
    APPEND_ONLY = "appendonly", "Append only (messages cannot be deleted)"
    ALLOW_DELETE = "allowdelete", "Allow delete (messages can be hidden)"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
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
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail", max_length=254, unique=True)
    emailpolicy = models.CharField(
        "e-mail policy", max_length=16, choices=EmailPolicy.choices, default=EmailPolicy.APPEND_ONLY
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("staff status", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ("id",)
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
