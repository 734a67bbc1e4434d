"""Reads of buyer requests: scoped to the owner, counted in one query, prefetched for the detail."""

import pytest

from core.errors import NotFound
from requests_app.models import RequestStatus
from requests_app.selectors import (
    request_get,
    request_get_detail,
    request_get_detail_for_moderation,
    request_list,
)
from requests_app.tests.factories import KeySupplierLinkFactory, RequestFactory, make_request_with_keys

pytestmark = pytest.mark.django_db


def test_request_get_returns_the_owners_request(alice) -> None:
    request = RequestFactory(owner=alice)

    assert request_get(owner=alice, request_id=request.pk) == request


def test_request_get_hides_other_buyers_requests_and_unknown_ids(alice, bob) -> None:
    request = RequestFactory(owner=alice)

    for owner, request_id in [(bob, request.pk), (alice, request.pk + 1000)]:
        with pytest.raises(NotFound) as excinfo:
            request_get(owner=owner, request_id=request_id)
        assert (excinfo.value.status_code, excinfo.value.code) == (404, "not_found")


def test_request_list_is_newest_first_with_keys_counted(alice, bob) -> None:
    old = make_request_with_keys(3, owner=alice)
    empty = RequestFactory(owner=alice)
    new = make_request_with_keys(5, owner=alice)
    make_request_with_keys(2, owner=bob)

    rows = [(request.pk, request.keys_count) for request in request_list(owner=alice)]

    assert rows == [(new.pk, 5), (empty.pk, 0), (old.pk, 3)]


def test_request_list_filters_by_status(alice) -> None:
    RequestFactory(owner=alice)
    confirmed = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)

    assert list(request_list(owner=alice, status="confirmed")) == [confirmed]


def test_request_get_detail_prefetches_keys_in_order_and_their_suppliers(alice, django_assert_num_queries) -> None:
    request = make_request_with_keys(20, owner=alice)
    last = request.keys.get(pos=20)
    link = KeySupplierLinkFactory(key=last)

    with django_assert_num_queries(3):
        detail = request_get_detail(owner=alice, request_id=request.pk)
        keys = list(detail.keys.all())
        suppliers = [[link.supplier for link in key.supplier_links.all()] for key in keys]

    assert [key.pos for key in keys] == list(range(1, 21))
    assert suppliers[-1] == [link.supplier] and not any(suppliers[:-1])


def test_request_get_detail_is_scoped_but_the_moderation_variant_is_not(alice, bob) -> None:
    request = RequestFactory(owner=alice)

    with pytest.raises(NotFound):
        request_get_detail(owner=bob, request_id=request.pk)
    assert request_get_detail_for_moderation(request_id=request.pk) == request
    with pytest.raises(NotFound):
        request_get_detail_for_moderation(request_id=request.pk + 1000)
