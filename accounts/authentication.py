"""JWT authentication that does not read the user row on every request (docs/auth.md, decision 0011).

simplejwt's ``JWTAuthentication`` loads the user for each call to check ``is_active``: one query per request,
about a tenth of a list request's CPU. Here each process remembers, per user id, the few fields that decide
authentication and permissions (``is_active``, ``is_staff``, ``is_superuser``, whether a moderator) for at most
``AUTH_USER_CACHE_SECONDS`` (default and maximum 5). A user deactivated or deleted is refused by every process
within that many seconds; the process that made the change forgets at once (``forget_user``).

Each request gets a fresh ``User`` instance built from the remembered fields, marked as loaded from the
database; the other fields (e-mail, e-mail policy, dates, password) are deferred, so a view that reads them
(``auth/me``, the policy, message delete) loads them from the row then, never a stale copy.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from .models import MODERATORS_GROUP, User

MAX_CACHE_SECONDS = 5.0  # PRODUCT §2.1: a deactivated user's token stops working; docs/auth.md promises 5 s
# What authentication and the permission classes read, in the model's field order (``Model.from_db`` wants it);
# everything else stays deferred on the instance.
CACHED_FIELDS = tuple(
    field.attname
    for field in User._meta.concrete_fields
    if field.attname in {"id", "is_active", "is_staff", "is_superuser"}
)

_lock = threading.Lock()
# {user_id: (fetched_at, CACHED_FIELDS values, in the moderators group)}
_cache: dict[str, tuple[float, tuple[Any, ...], bool]] = {}
# Access tokens this process has verified: {raw token: (its "exp", the validated token)}. The same bytes verify
# the same way until they expire, so a client's repeated calls skip PyJWT's base64, HMAC and JSON work (≈ a fifth
# of a hot read's Python time). Access tokens are never blacklisted (only refresh tokens are); bounded: cleared
# when full.
MAX_VERIFIED_TOKENS = 4096
_verified: dict[bytes, tuple[float, Token]] = {}


def cache_seconds() -> float:
    """``AUTH_USER_CACHE_SECONDS`` within 0..5 (0 reads the row on every request, as simplejwt does)."""
    return min(max(float(getattr(settings, "AUTH_USER_CACHE_SECONDS", MAX_CACHE_SECONDS)), 0.0), MAX_CACHE_SECONDS)


def forget_user(user_id: Any) -> None:
    """Drop one user's entry (this process only); the next request reads the row again."""
    with _lock:
        _cache.pop(str(user_id), None)


def forget_all() -> None:
    """Drop every entry of this process, users and verified tokens (tests, code that changes many users)."""
    with _lock:
        _cache.clear()
    _verified.clear()


def _fetch(user_id: Any) -> tuple[tuple[Any, ...], bool] | None:
    """The cached fields and the moderators-group membership in one query; ``None`` when there is no such user."""
    in_group = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=MODERATORS_GROUP)
    row = (
        User._default_manager.filter(pk=user_id)
        .annotate(in_moderators=Exists(in_group))
        .values_list(*CACHED_FIELDS, "in_moderators")
        .first()
    )
    return None if row is None else (row[:-1], row[-1])


class CachedUserJWTAuthentication(JWTAuthentication):
    """simplejwt's JWT check (signature, expiry, token type) with the user's row read at most every few seconds."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        entry = _verified.get(raw_token)
        if entry is not None and time.time() < entry[0]:
            return entry[1]
        token = super().get_validated_token(raw_token)
        expires = token.payload.get("exp")
        if isinstance(expires, int | float) and not isinstance(expires, bool):
            if len(_verified) >= MAX_VERIFIED_TOKENS:
                _verified.clear()
            _verified[bytes(raw_token)] = (float(expires), token)  # valid while now < exp, as simplejwt (leeway 0)
        return token

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]  # simplejwt's AuthUser
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as error:
            raise InvalidToken(_("Token contained no recognizable user identification")) from error
        values, is_moderator = self._cached(user_id)
        user = User.from_db(DEFAULT_DB_ALIAS, CACHED_FIELDS, values)
        user._is_moderator_cache = is_moderator  # read by ``User.is_moderator`` for staff users
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user

    def _cached(self, user_id: Any) -> tuple[tuple[Any, ...], bool]:
        ttl = cache_seconds()
        now = time.time()
        entry = _cache.get(str(user_id))  # the claim is a string in simplejwt's tokens
        if entry is not None and 0 <= now - entry[0] < ttl:
            return entry[1], entry[2]
        fetched = _fetch(user_id)
        if fetched is None:
            forget_user(user_id)
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if ttl > 0:
            with _lock:
                _cache[str(user_id)] = (now, *fetched)
        return fetched


class CachedUserJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: the same ``jwtAuth`` bearer scheme as simplejwt's class (the contract's)."""

    target_class = "accounts.authentication.CachedUserJWTAuthentication"
