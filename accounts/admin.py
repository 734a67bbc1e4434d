"""Moderator console for accounts: users with role and policy; OTP challenges read-only, never their codes."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.token_blacklist import admin as token_blacklist_admin  # noqa: F401  (registers first)
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from core.admin import ReadOnlyAdminMixin
from core.inn import InvalidInn, normalize_inn

from .emails import InvalidEmail, canonical_email
from .models import MODERATORS_GROUP, OTP_STATES, BuyerProfile, OtpChallenge, OtpFailureStreak, User
from .services import PROFILE_FIELDS


def _clean_unique_email(form: forms.ModelForm) -> str:
    """The canonical form (what the code login looks up), unique by exact comparison."""
    try:
        email = canonical_email(form.cleaned_data["email"])
    except InvalidEmail as exc:
        raise forms.ValidationError(exc.message) from None
    others = User.objects.filter(email=email)
    if form.instance.pk:
        others = others.exclude(pk=form.instance.pk)
    if others.exists():
        raise forms.ValidationError(_("A user with this e-mail already exists."))
    return email


class UserAdminCreationForm(AdminUserCreationForm):
    """E-mail instead of a username; the password is optional (buyers log in with a code)."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class BuyerProfileForm(forms.ModelForm):
    class Meta:
        model = BuyerProfile
        fields = PROFILE_FIELDS

    def clean_company_inn(self) -> str:
        """Stored as the API stores it: 10 or 12 digits, spaces stripped; empty = not set."""
        value = self.cleaned_data.get("company_inn") or ""
        if not value.strip():
            return ""
        try:
            return normalize_inn(value)
        except InvalidInn as exc:
            raise forms.ValidationError(str(exc)) from None


class BuyerProfileInline(admin.StackedInline):
    """The buyer's profile (``PUT /auth/profile``) on the user's page; one row at most, never deleted alone."""

    model = BuyerProfile
    form = BuyerProfileForm
    can_delete = False
    max_num = 1
    extra = 1  # an empty form when there is no profile yet; saved only when something is filled in
    verbose_name_plural = _("buyer profile")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    inlines = (BuyerProfileInline,)  # on the change page only (``get_inlines``): a profile needs the user first
    add_form = UserAdminCreationForm
    list_display = ("email", "role", "emailpolicy", "is_active", "is_staff", "created_at", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "emailpolicy", "groups")
    search_fields = ("email",)
    ordering = ("email",)
    readonly_fields = ("created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Preferences"), {"fields": ("emailpolicy",)}),
        (
            _("Role and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("created_at", "updated_at", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        return self.inlines if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """Annotate the role in the list query, so the column costs no query per row."""
        in_group = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=MODERATORS_GROUP))
        moderator = Q(is_active=True, is_staff=True) & (Q(is_superuser=True) | Q(in_group))
        return (
            super()
            .get_queryset(request)
            .annotate(role_is_moderator=ExpressionWrapper(moderator, output_field=BooleanField()))
        )

    @admin.display(description=_("role"), ordering="role_is_moderator")
    def role(self, obj: User) -> str:
        is_moderator = getattr(obj, "role_is_moderator", None)
        if is_moderator is None:
            is_moderator = obj.is_moderator
        return gettext("moderator") if is_moderator else gettext("buyer")


@admin.register(OtpChallenge)
class OtpChallengeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Audit view of login codes. ``code_hmac`` is never listed, shown or searchable."""

    list_display = ("id", "email", "state", "attempts", "created_at", "expires_at", "used_at", "request_ip")
    list_filter = (("used_at", admin.EmptyFieldListFilter), ("cancelled_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "request_ip")
    date_hierarchy = "created_at"
    fields = ("email", "state", "attempts", "created_at", "expires_at", "used_at", "cancelled_at", "request_ip")
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, obj: OtpChallenge) -> str:
        return str(OTP_STATES[obj.state])


@admin.register(OtpFailureStreak)
class OtpFailureStreakAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Addresses with failed verifies in a row; deleting a row unlocks the address at once."""

    list_display = ("email", "failures", "last_failure_at", "locked_until")
    search_fields = ("email",)
    fields = ("email", "failures", "last_failure_at", "locked_until")
    readonly_fields = fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Deleting is the one write allowed here (the unlock), for whoever has the model's delete permission."""
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


# simplejwt's refresh-token records (superusers only; logout and deactivation write them, accounts/services.py). Its
# admin shows its fields' English names and the refresh token itself; the console's shows the same rows, read-only,
# under labels in the console's languages and without the token (a working credential for whoever reads it).
TOKEN_MODEL_NAMES = (  # simplejwt's own msgids, so that this project's catalogue translates them
    _("Outstanding Token"),
    _("Outstanding Tokens"),
    _("Blacklisted Token"),
    _("Blacklisted Tokens"),
)


# simplejwt's admin module registered them (imported above, so the order never depends on INSTALLED_APPS).
admin.site.unregister([OutstandingToken, BlacklistedToken])


class _TokenConsole(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, the fields given as the display methods below (their labels), nothing else."""

    actions = None

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.list_display

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.list_display


@admin.register(OutstandingToken)
class OutstandingTokenConsole(_TokenConsole):
    list_display = ("token_jti", "token_user", "issued_at", "valid_until")
    search_fields = ("user__email", "jti")
    ordering = ("-created_at",)
    list_select_related = ("user",)

    @admin.display(description=_("token ID (jti)"), ordering="jti")
    def token_jti(self, obj: OutstandingToken) -> str:
        return obj.jti

    @admin.display(description=_("user"), ordering="user__email")
    def token_user(self, obj: OutstandingToken) -> Any:
        return obj.user

    @admin.display(description=_("issued at"), ordering="created_at")
    def issued_at(self, obj: OutstandingToken) -> Any:
        return obj.created_at

    @admin.display(description=_("expires at"), ordering="expires_at")
    def valid_until(self, obj: OutstandingToken) -> Any:
        return obj.expires_at


@admin.register(BlacklistedToken)
class BlacklistedTokenConsole(_TokenConsole):
    list_display = ("token_jti", "token_user", "issued_at", "valid_until", "revoked_at")
    search_fields = ("token__user__email", "token__jti")
    ordering = ("-blacklisted_at",)
    list_select_related = ("token__user",)

    @admin.display(description=_("token ID (jti)"), ordering="token__jti")
    def token_jti(self, obj: BlacklistedToken) -> str:
        return obj.token.jti

    @admin.display(description=_("user"), ordering="token__user__email")
    def token_user(self, obj: BlacklistedToken) -> Any:
        return obj.token.user

    @admin.display(description=_("issued at"), ordering="token__created_at")
    def issued_at(self, obj: BlacklistedToken) -> Any:
        return obj.token.created_at

    @admin.display(description=_("expires at"), ordering="token__expires_at")
    def valid_until(self, obj: BlacklistedToken) -> Any:
        return obj.token.expires_at

    @admin.display(description=pgettext_lazy("token", "revoked at"), ordering="blacklisted_at")
    def revoked_at(self, obj: BlacklistedToken) -> Any:
        return obj.blacklisted_at
