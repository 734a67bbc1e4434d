"""Root-domain rules: any URL, host or e-mail address → its registrable root domain (punycode, lower case).

The Public Suffix List bundled with ``publicsuffixlist`` is loaded once per process and never fetched from
the network, so the answer is the same on every machine: ``https://spb.pulscen.ru/x`` → ``pulscen.ru``.
Private suffixes (``narod.ru``, ``github.io``…) count as suffixes, like browsers do, so one user's site on
a shared host is not the whole host.
"""

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

from django.utils.translation import gettext as _
from publicsuffixlist import PublicSuffixList

PSL = PublicSuffixList()  # bundled copy of the list; no download

MAX_HOST_LENGTH = 253
ALLOWED_SITE_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


class InvalidDomain(ValueError):
    """The value has no usable registrable domain; the message is safe to show to the user."""


def _split(value: str) -> SplitResult:
    """Parse ``value`` as a URL; a bare host or ``host/path`` gets an empty scheme."""
    if _SCHEME_RE.match(value):
        return urlsplit(value)
    if value.startswith("//"):
        return urlsplit(value)
    return urlsplit("//" + value)


def _raw_host(value: str) -> str:
    """The host part of a URL, host or e-mail address, not yet validated."""
    text = value.strip()
    if not _SCHEME_RE.match(text) and "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]  # an e-mail address: its domain part
    try:
        host = _split(text).hostname
    except ValueError:
        raise InvalidDomain(_("The address cannot be parsed.")) from None
    return host or ""


def normalize_host(host: str) -> str:
    """Lower-case punycode host without trailing dots; IPs, single labels and junk are rejected."""
    host = host.strip().rstrip(".").lower()
    if not host:
        raise InvalidDomain(_("A domain name is required."))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise InvalidDomain(_("An IP address is not a domain name."))
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidDomain(_("The domain name is not valid.")) from None
    labels = ascii_host.split(".")
    if len(ascii_host) > MAX_HOST_LENGTH or not all(_LABEL_RE.match(label) for label in labels):
        raise InvalidDomain(_("The domain name is not valid."))
    if labels[-1].isdigit():
        raise InvalidDomain(_("An IP address is not a domain name."))
    return ascii_host


def root_domain(value: object) -> str:
    """The registrable root domain of a URL (any scheme), host or e-mail address.

    Raises ``InvalidDomain`` for empty input, IP addresses and bare public suffixes (``ru``, ``co.uk``).
    """
    if not isinstance(value, str):
        raise InvalidDomain(_("A domain name is required."))
    host = normalize_host(_raw_host(value))
    root = PSL.privatesuffix(host)
    if root is None:
        raise InvalidDomain(f"'{host}' is a public suffix, not a registrable domain.")
    return root


def normalize_url(value: object) -> str:
    """A site URL in one canonical spelling, so the same site is stored (and found unique) once.

    http/https only (none → https); host in lower-case punycode without trailing dot; no userinfo, default
    port or fragment; an empty path or "/" is dropped; path and query kept as given.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidDomain(_("A URL is required."))
    text = value.strip()
    try:
        parts = _split(text)
        port = parts.port
    except ValueError:
        raise InvalidDomain(_("The URL cannot be parsed.")) from None
    scheme = (parts.scheme or "https").lower()
    if scheme not in ALLOWED_SITE_SCHEMES:
        raise InvalidDomain(_("Only http and https site URLs are accepted."))
    host = normalize_host(parts.hostname or "")
    if PSL.privatesuffix(host) is None:
        raise InvalidDomain(f"'{host}' is a public suffix, not a site.")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = "" if parts.path in ("", "/") else parts.path
    if any(ch.isspace() for ch in path + parts.query):
        raise InvalidDomain(_("A URL must not contain spaces."))
    return urlunsplit((scheme, netloc, path, parts.query, ""))
