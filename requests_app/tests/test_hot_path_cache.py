"""The detail's cached keys (reads.py ``_KEYS``, migration 0006): every change of what they show is seen at once.

Each test reads the detail (filling the cache), changes one input the way some writer does — the services, the
ORM's ``save``/``update``/``bulk_create``/``delete``, raw SQL — and reads again: the answer must equal the
serializers' (``old_detail``) of the new state. Recipient states are not cached; messaging's tests change them.
"""

from __future__ import annotations

import pytest
from django.db import connection

from requests_app import reads
from requests_app.models import KeySupplierLink, Request, RequestKey, RequestStatus
from requests_app.moderation import key_link_suppliers, key_unlink_supplier
from requests_app.tests.factories import make_request_with_keys
from requests_app.tests.hot_path_data import assert_same, fake_states, old_detail, states_for
from suppliers.models import Supplier, SupplierType
from suppliers.tests.factories import SupplierFactory

URL = "/api/v1/user/requests"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the cache is PostgreSQL's path"),
]


@pytest.fixture
def linked(alice):
    request = make_request_with_keys(4, owner=alice, status=RequestStatus.PROCESSING)
    suppliers = [SupplierFactory(), SupplierFactory(), SupplierFactory()]
    for index, key in enumerate(request.keys.order_by("pos")):
        for supplier in suppliers[: 1 + index % 3]:
            KeySupplierLink.objects.create(key=key, supplier=supplier)
    return request, suppliers


def same_as_serializers(client, owner, request) -> dict:
    response = client.get(f"{URL}/{request.pk}")
    assert response.status_code == 200
    assert_same(response.json(), old_detail(owner, request.pk))
    return response.json()


def cached(request) -> bool:
    return reads._KEYS._entries.get((connection.settings_dict["NAME"], request.pk)) is not None


def version(request) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_version FROM requests_app_request WHERE id = %s", [request.pk])
        return cursor.fetchone()[0]


def test_a_second_read_is_served_from_the_cache_with_fresh_states(alice, alice_client, linked) -> None:
    request, suppliers = linked
    with fake_states({}):
        first = same_as_serializers(alice_client, alice, request)
    assert cached(request)
    with fake_states(states_for([SupplierFactory(), *suppliers])):  # states change, keys do not
        second = same_as_serializers(alice_client, alice, request)
    assert first != second  # the states differ, from the same cached keys


def test_the_cache_saves_the_keys_statement(alice, alice_client, linked, django_assert_num_queries) -> None:
    request, _suppliers = linked
    alice_client.get(f"{URL}/{request.pk}")  # the user and the keys are cached
    with fake_states({}), django_assert_num_queries(1):  # the head; the provider is faked
        alice_client.get(f"{URL}/{request.pk}")


def _edit_key_text(request, suppliers) -> None:
    RequestKey.objects.filter(request=request, pos=2).update(text="100% труба", normalized_text="100% труба")


def _save_key(request, suppliers) -> None:
    key = request.keys.get(pos=1)
    key.note = 'примечание "в кавычках"'
    key.save()


def _delete_key(request, suppliers) -> None:
    key = request.keys.get(pos=4)
    key.supplier_links.all().delete()
    key.delete()


def _add_key(request, suppliers) -> None:
    RequestKey.objects.create(request=request, pos=9, text="новый", normalized_text="новый")


def _link(request, suppliers) -> None:
    key_link_suppliers(key_id=request.keys.get(pos=1).pk, supplier_ids=[suppliers[2].pk], moderator=None)


def _link_new_supplier(request, suppliers) -> None:
    KeySupplierLink.objects.bulk_create([KeySupplierLink(key=request.keys.get(pos=2), supplier=SupplierFactory())])


def _unlink(request, suppliers) -> None:
    key = request.keys.get(pos=3)
    key_unlink_supplier(key_id=key.pk, supplier_id=suppliers[0].pk)


def _rename_supplier(request, suppliers) -> None:
    supplier = suppliers[0]
    supplier.name = "ООО «Новое имя»"
    supplier.save()


def _new_email(request, suppliers) -> None:
    Supplier.objects.filter(pk=suppliers[1].pk).update(email="sales@renamed.example")


def _new_inn(request, suppliers) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE suppliers_supplier SET inn = '7700000001' WHERE id = %s", [suppliers[0].pk])


def _reseller(request, suppliers) -> None:
    Supplier.objects.filter(pk=suppliers[0].pk).update(type=SupplierType.RESELLER)


@pytest.mark.parametrize(
    "change",
    [
        _edit_key_text,
        _save_key,
        _delete_key,
        _add_key,
        _link,
        _link_new_supplier,
        _unlink,
        _rename_supplier,
        _new_email,
        _new_inn,
        _reseller,
    ],
)
def test_every_change_of_keys_links_or_suppliers_is_seen(alice, alice_client, linked, change) -> None:
    request, suppliers = linked
    with fake_states(states_for(suppliers)):
        before = same_as_serializers(alice_client, alice, request)
        old_version = version(request)
        change(request, suppliers)
        assert version(request) != old_version
        after = same_as_serializers(alice_client, alice, request)
    assert after != before


def test_unshown_supplier_fields_and_other_requests_keep_the_version(alice, linked) -> None:
    request, suppliers = linked
    other = make_request_with_keys(2, owner=alice)
    old_version = version(request)
    Supplier.objects.filter(pk=suppliers[0].pk).update(comment="внутреннее", checko_error="timeout")
    RequestKey.objects.filter(request=other).update(note="x")
    Request.objects.filter(pk=request.pk).update(title="новое название")  # the head, read every time

    assert version(request) == old_version


def test_a_new_request_is_one_statement_and_version_0(alice, alice_client) -> None:
    response = alice_client.post(URL, {"keys": [{"pos": 1, "text": "труба"}]}, format="json")
    assert response.status_code == 200
    assert version(Request.objects.get(pk=response.json()["requestid"])) == 0


def test_the_title_comes_from_the_row_not_the_cache(alice, alice_client, linked) -> None:
    request, _suppliers = linked
    with fake_states({}):
        same_as_serializers(alice_client, alice, request)
        Request.objects.filter(pk=request.pk).update(title="другое")
        assert same_as_serializers(alice_client, alice, request)["title"] == "другое"


def test_the_cache_is_bounded_by_bytes(alice, alice_client, settings) -> None:
    supplier = SupplierFactory()
    requests = []
    for _ in range(8):
        request = make_request_with_keys(40, owner=alice, status=RequestStatus.PROCESSING)
        KeySupplierLink.objects.bulk_create(KeySupplierLink(key=key, supplier=supplier) for key in request.keys.all())
        requests.append(request)
    with fake_states({}):
        same_as_serializers(alice_client, alice, requests[0])
        settings.REQUEST_DETAIL_CACHE_BYTES = limit = 5 * reads._KEYS._bytes  # room for four or five
        for request in requests:
            same_as_serializers(alice_client, alice, request)
            assert reads._KEYS._bytes <= limit
        kept = [cached(request) for request in requests]
        assert kept[-4:] == [True] * 4 and sum(kept) <= 5 and not kept[1]  # the least recently used went
        for request in requests:  # evicted or not, the same answers
            same_as_serializers(alice_client, alice, request)
        settings.REQUEST_DETAIL_CACHE_BYTES = 100  # an entry over a quarter of the cache is not kept
        same_as_serializers(alice_client, alice, requests[0])
        assert not cached(requests[0])
