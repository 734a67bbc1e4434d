"""Writes of the accounts app: OTP login, JWT sessions, the user's e-mail policy and profile.

Every function is keyword-only and owns its transaction. Failures raise domain errors from ``errors.py``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from core.errors import ValidationFailed

from . import limits, selectors, tasks
from .client_ip import rate_limit_key
from .emails import canonical_email
from .errors import InvalidCode, InvalidRefreshToken
from .models import BuyerProfile, EmailPolicy, OtpChallenge, OtpFailureStreak, RateLimitCounter, User
from .otp import CODE_LIFETIME, code_matches

OTP_RESEND_AFTER_SECONDS = int(limits.OTP_EMAIL_GAP.window.total_seconds())
CHALLENGE_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int


@dataclass(frozen=True)
class Login:
    user: User
    tokens: TokenPair


def otp_request(*, email: str, ip: str | None) -> OtpChallenge:
    """Open a challenge for ``email`` (cancelling older ones) and queue the e-mail after commit.

    Known, unknown and inactive addresses take the same path and the same limits, so the answer tells nothing
    about the address; the worker skips the e-mail for inactive users. The challenge, the limits and the e-mail
    all use the canonical form of the address, so the code goes to exactly the mailbox it can log in.
    """
    email = canonical_email(email)
    now = timezone.now()
    with transaction.atomic():
        limits.consume(
            [
                (limits.OTP_IP_HOURLY, rate_limit_key(ip)),
                (limits.OTP_EMAIL_GAP, email),
                (limits.OTP_EMAIL_HOURLY, email),
            ],
            now=now,
        )
        OtpChallenge.objects.open_for(email).update(cancelled_at=now)
        challenge = OtpChallenge.objects.create(
            email=email, created_at=now, expires_at=now + CODE_LIFETIME, request_ip=ip
        )
        tasks.send_otp_email.delay_on_commit(challenge.pk)
    return challenge


def _consume_code(*, email: str, code: str, now: datetime) -> bool:
    """Use the open challenge when the code is right; count a wrong try otherwise.

    The row lock makes "single use" hold under parallel verifies: the second one waits, then no longer finds an
    open challenge.
    """
    with transaction.atomic():
        challenge = OtpChallenge.objects.select_for_update().open_for(email).first()
        if challenge is None or challenge.expires_at <= now or challenge.attempts >= OtpChallenge.MAX_ATTEMPTS:
            return False
        if not code_matches(email=email, code=code, stored_hmac=challenge.code_hmac):
            OtpChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
            return False
        used = OtpChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=now)
        return used == 1


def _user_for_login(*, email: str, now: datetime) -> User | None:
    """The active user of ``email``, created on the first successful verify; ``None`` for an inactive one.

    ``email`` is canonical and compared exactly: a database case-insensitive match would let the code of
    ``x@gmaıl.test`` (mailed to ``xn--gmal-nza.test``) log in ``x@gmail.test``.
    """
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email)
    if not user.is_active:
        return None
    user.last_login = now
    user.save(update_fields=["last_login"])
    return user


def otp_verify(*, email: str, code: str) -> Login:
    """Exchange a valid code for a JWT pair. Every kind of failure is the same ``InvalidCode``."""
    email = canonical_email(email)
    now = timezone.now()
    limits.check_address_lock(email, now=now)
    user = None
    if _consume_code(email=email, code=code, now=now):
        user = _user_for_login(email=email, now=now)
    if user is None:
        limits.record_failed_verify(email, now=now)
        raise InvalidCode()
    limits.clear_failed_verifies(email)
    return Login(user=user, tokens=issue_tokens(user=user))


def issue_tokens(*, user: User) -> TokenPair:
    """A new refresh token (recorded as outstanding, so it can be blacklisted) and its access token."""
    refresh = RefreshToken.for_user(user)
    lifetime = jwt_settings.ACCESS_TOKEN_LIFETIME
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh), expires_in=int(lifetime.total_seconds()))


def _parse_refresh(raw: str) -> RefreshToken:
    """Signature, algorithm, expiry, type and blacklist are checked by simplejwt; any failure is a 401."""
    try:
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError:
        raise InvalidRefreshToken() from None


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: blacklist the presented refresh token and issue a new pair, for active users only.

    The outstanding row is locked, so two parallel refreshes with one token cannot both succeed.
    """
    token = _parse_refresh(refresh_token)
    with transaction.atomic():
        outstanding = (
            OutstandingToken.objects.select_for_update()
            .filter(jti=token.get(jwt_settings.JTI_CLAIM))
            .order_by("pk")  # the model orders by its nullable user: no outer join under FOR UPDATE
            .first()
        )
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise InvalidRefreshToken()
        user = User.objects.filter(pk=token.get(jwt_settings.USER_ID_CLAIM), is_active=True).first()
        if user is None:
            raise InvalidRefreshToken()
        BlacklistedToken.objects.create(token=outstanding)
        return issue_tokens(user=user)


def logout(*, user: User, refresh_token: str) -> None:
    """Blacklist the caller's refresh token; a token of another user is refused like a forged one."""
    token = _parse_refresh(refresh_token)
    if str(token.get(jwt_settings.USER_ID_CLAIM)) != str(user.pk):
        raise InvalidRefreshToken()
    token.blacklist()


def user_set_email_policy(*, user: User, policy: str) -> User:
    """Store the caller's e-mail policy (an ``EmailPolicy`` value, already validated by the edge)."""
    user.emailpolicy = EmailPolicy(policy)
    user.save(update_fields=["emailpolicy", "updated_at"])
    return user


PROFILE_FIELDS = (
    "company_name",
    "company_inn",
    "contact_name",
    "phone",
    "signature",
    "default_subject",
    "default_body",
    "language",
)


def profile_update(*, user: User, changes: Mapping[str, str | None]) -> User:
    """Set the given profile fields of ``user`` (``None`` or ``""`` clears one); the others keep their values.

    The row is created on the first change. The model's own checks run again here (INN checksum, one-line
    subject, phone), so a caller other than the API cannot store what the API would refuse. Returns the user
    with the profile loaded.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if changes:
        with transaction.atomic():
            profile, _ = BuyerProfile.objects.select_for_update().get_or_create(user_id=user.pk)
            for name, value in changes.items():
                setattr(profile, name, value or "")
            try:
                profile.full_clean(exclude=["user"])
            except ValidationError as exc:
                raise ValidationFailed(
                    [
                        ((name,), str(message), "value_error")
                        for name, messages in exc.message_dict.items()
                        for message in messages
                    ]
                ) from None
            profile.save()
    return selectors.user_get(user_id=user.pk)


def otp_purge_expired(*, now: datetime) -> dict[str, int]:
    """Delete what can no longer matter: challenges expired over a day ago, ended windows, stale streaks."""
    with transaction.atomic():
        challenges, _ = OtpChallenge.objects.expired_before(now - CHALLENGE_RETENTION).delete()
        counters, _ = RateLimitCounter.objects.filter(window_end__lte=now).delete()
        streaks, _ = (
            OtpFailureStreak.objects.filter(last_failure_at__lt=now - CHALLENGE_RETENTION)
            .exclude(locked_until__gt=now)
            .delete()
        )
    return {"challenges": challenges, "counters": counters, "streaks": streaks}
