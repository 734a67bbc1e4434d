"""RequestDetailDTOSerializer is reused outside the buyer's views (the moderator task detail)."""

import pytest

from messaging.models import Recipient
from requests_app.models import Request, RequestStatus
from requests_app.selectors import request_get_detail_for_moderation
from requests_app.serializers import RequestDetailDTOSerializer
from requests_app.tests.factories import KeySupplierLinkFactory, make_request_with_keys

pytestmark = pytest.mark.django_db


def linked_request() -> tuple[Request, int]:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    link = KeySupplierLinkFactory(key=request.keys.get(pos=2))
    Recipient.objects.create(request=request, supplier=link.supplier, selected=True)
    return request, link.supplier_id


def test_detail_of_a_request_fetched_for_moderation(django_assert_max_num_queries) -> None:
    request, supplier_id = linked_request()

    with django_assert_max_num_queries(5):
        data = RequestDetailDTOSerializer(request_get_detail_for_moderation(request_id=request.pk)).data

    assert [key["pos"] for key in data["keys"]] == [1, 2, 3]
    assert [(s["supplierid"], s["selected"]) for s in data["keys"][1]["suppliers"]] == [(supplier_id, True)]


def test_detail_of_a_plain_request_without_prefetching_gives_the_same_answer() -> None:
    request, _ = linked_request()

    plain = RequestDetailDTOSerializer(Request.objects.get(pk=request.pk)).data
    prefetched = RequestDetailDTOSerializer(request_get_detail_for_moderation(request_id=request.pk)).data

    assert plain == prefetched


def test_many_requests_keep_their_own_recipient_states() -> None:
    first, first_supplier = linked_request()
    second, _ = linked_request()
    Recipient.objects.filter(request=second).update(selected=False)

    data = RequestDetailDTOSerializer([first, second], many=True).data

    assert data[0]["keys"][1]["suppliers"][0]["selected"] is True
    assert data[1]["keys"][1]["suppliers"][0]["selected"] is False
