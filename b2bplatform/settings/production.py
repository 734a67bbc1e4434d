"""Production: refuses to start with a missing or default secret; passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEFAULT_SECRET, env

DEBUG = False


def _require_secret(name: str, value: str, insecure_prefix: str = "insecure") -> str:
    if not value or value == INSECURE_DEFAULT_SECRET or value.startswith(insecure_prefix) or len(value) < 50:
        raise ImproperlyConfigured(f"{name} must be set to a random value of at least 50 characters in production.")
    return value


SECRET_KEY = _require_secret("SECRET_KEY", env.str("SECRET_KEY", default=""))
JWT_SIGNING_KEY = _require_secret("JWT_SIGNING_KEY", env.str("JWT_SIGNING_KEY", default=""))
SIMPLE_JWT["SIGNING_KEY"] = JWT_SIGNING_KEY  # noqa: F405
OTP_HMAC_KEY = env.str("OTP_HMAC_KEY", default="") or SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# X-Forwarded-Proto is only meaningful when a proxy we run sets it (and overwrites the client's): without one,
# any client could claim HTTPS and skip the redirect. The same setting decides whether to trust X-Forwarded-For.
if TRUSTED_PROXY_COUNT > 0:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
