"""Which address the per-IP limit counts."""

import pytest
from django.test import RequestFactory, override_settings

from accounts.client_ip import client_ip, rate_limit_key


def _request(remote: str | None = "10.0.0.5", xff: str | None = None):
    meta = {}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    request = RequestFactory().get("/", **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return request


def test_without_trusted_proxies_the_header_is_ignored():
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(_request(xff="1.2.3.4")) == "10.0.0.5"


def test_one_trusted_proxy_takes_the_rightmost_entry_not_the_forgeable_left_one():
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(_request(xff="6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_two_trusted_proxies_take_the_second_entry_from_the_right():
    assert client_ip(_request(xff="6.6.6.6, 203.0.113.9, 10.1.1.1"), trusted_proxy_count=2) == "203.0.113.9"


@pytest.mark.parametrize("xff", [None, "", "203.0.113.9"])
def test_fewer_hops_than_proxies_falls_back_to_remote_addr(xff):
    assert client_ip(_request(xff=xff), trusted_proxy_count=2) == "10.0.0.5"


def test_garbage_in_the_header_falls_back_to_remote_addr():
    assert client_ip(_request(xff="evil, not-an-ip"), trusted_proxy_count=1) == "10.0.0.5"


def test_ipv6_is_normalised():
    assert client_ip(_request(remote="2001:DB8::0:1")) == "2001:db8::1"


def test_no_usable_address_is_none():
    assert client_ip(_request(remote=None)) is None
    assert client_ip(_request(remote="junk")) is None


def test_rate_limit_key_groups_an_ipv6_client_by_its_64_network():
    assert rate_limit_key("2001:db8:1:2:aaaa::1") == rate_limit_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert rate_limit_key("2001:db8:1:3::1") != rate_limit_key("2001:db8:1:2::1")
    assert rate_limit_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert rate_limit_key("203.0.113.9") == "203.0.113.9"
    assert rate_limit_key(None) == "unknown"
