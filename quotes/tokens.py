"""The quote link's token: ``HMAC-SHA256(SECRET_KEY, nonce)`` in URL-safe base64 (43 characters, 256 bits).

Why derived rather than stored: the e-mail of one message must carry the same URL on every retry, yet the
database must not hold the token itself. We keep a random 128-bit ``nonce`` (to rebuild the token) and
``sha256(token)`` (to find the link from a presented token with one indexed lookup). Someone who reads the
table cannot open a page without the server's secret; someone who guesses tokens faces 2^256 of them.
Rotating ``SECRET_KEY`` closes every outstanding link (a new link is minted with the next e-mail).
"""

import base64
import hashlib
import re
import secrets

from django.utils.crypto import salted_hmac

KEY_SALT = "quotes.link"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def token_for(nonce: str) -> str:
    digest = salted_hmac(KEY_SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """A cheap shape check before any lookup (the URL pattern already allows only these characters)."""
    return bool(TOKEN_PATTERN.match(token))
