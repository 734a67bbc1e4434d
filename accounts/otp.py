"""One-time codes: drawing, keyed hashing and constant-time comparison.

The code is drawn from ``secrets`` and only its HMAC-SHA256 (keyed by ``settings.OTP_HMAC_KEY``) is stored,
so a leaked database does not reveal live codes and a 6-digit code cannot be brute-forced offline without the
key. Nothing here logs a code.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)


def generate_code() -> str:
    """Six digits from a CSPRNG, leading zeros kept (``"004217"``)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hmac(*, email: str, code: str) -> str:
    """HMAC-SHA256 of the code bound to its address, so one stored digest cannot be replayed for another."""
    key = settings.OTP_HMAC_KEY.encode()
    message = f"{email}\x00{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def code_matches(*, email: str, code: str, stored_hmac: str) -> bool:
    """Constant-time comparison; an empty stored digest (code not drawn yet) never matches."""
    candidate = code_hmac(email=email, code=code)
    return bool(stored_hmac) and hmac.compare_digest(candidate, stored_hmac)
