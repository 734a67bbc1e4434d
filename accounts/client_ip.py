"""The client's IP address, for rate limits.

``REMOTE_ADDR`` is the peer of the web server. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies the peer is the
last proxy, and each proxy appends the address it saw to ``X-Forwarded-For``; the client is the entry that many
hops from the right. Entries further left are written by the client and can be forged, so they are never used.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest, *, trusted_proxy_count: int | None = None) -> str | None:
    """The client address, or ``None`` when nothing usable is known."""
    count = settings.TRUSTED_PROXY_COUNT if trusted_proxy_count is None else trusted_proxy_count
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # Fewer hops than proxies: the header was not written by our proxies; do not trust it.
        return remote
    return _valid_ip(hops[-count]) or remote


def rate_limit_key(ip: str | None) -> str:
    """The key the per-IP limit counts: the address itself, or its /64 network for IPv6.

    An IPv6 client usually owns a whole /64 and could otherwise rotate addresses to escape the limit.
    """
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
