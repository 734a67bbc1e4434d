"""The request detail shows messaging's recipient state of each linked supplier (``requests_app.extensions``).

Moved from requests_app's tests: requests_app cannot import messaging, so what messaging adds to its detail
(through the provider registered in ``MessagingConfig.ready``) is tested here, over HTTP and on the serializer.
"""

import pytest

from messaging.models import BlockedReason, Direction, Message, MessageStatus, Recipient
from requests_app.models import Request, RequestStatus
from requests_app.moderation import key_link_suppliers, key_unlink_supplier
from requests_app.selectors import request_get_detail_for_moderation, supplier_states_of
from requests_app.serializers import SUPPLIER_STATES, RequestDetailDTOSerializer
from requests_app.tests.factories import KeySupplierLinkFactory, make_request_with_keys
from suppliers.models import SupplierType
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/user/requests"
URL = REQUESTS


def create_request(client, *texts: str) -> int:
    """A draft made through the buyer API, one key per text at pos 1..n."""
    keys = [{"pos": pos, "text": text} for pos, text in enumerate(texts, start=1)]
    response = client.post(REQUESTS, {"keys": keys}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["requestid"]


def submit(client, request_id: int) -> dict:
    response = client.post(f"{REQUESTS}/{request_id}/submit")
    assert response.status_code == 200, response.content
    return response.json()


def key_at(request_id: int, pos: int):
    return Request.objects.get(pk=request_id).keys.get(pos=pos)


def linked(client, request_id: int) -> dict[int, list[int]]:
    """``{pos: [supplierid, ...]}`` of a request detail as ``client`` sees it."""
    response = client.get(f"{REQUESTS}/{request_id}")
    assert response.status_code == 200, response.content
    return {key["pos"]: [row["supplierid"] for row in key["suppliers"]] for key in response.json()["keys"]}


def detail_data(requests, *, many: bool = False) -> dict:
    """What a view answers: the states fetched once (``supplier_states_of``), then serialized."""
    context = {SUPPLIER_STATES: supplier_states_of(requests if many else [requests])}
    return RequestDetailDTOSerializer(requests, many=many, context=context).data


# --- over HTTP (moved from requests_app/tests/test_views.py and test_moderation.py) ------------------------


def test_detail_shows_linked_suppliers_with_their_recipient_state(alice, alice_client) -> None:
    request = make_request_with_keys(2, owner=alice, status=RequestStatus.PROCESSING)
    first, second = request.keys.order_by("pos")
    ticked = SupplierFactory(name="Ticked", type=SupplierType.RESELLER)
    sent = SupplierFactory(name="Sent")
    blocked = SupplierFactory(name="Blocked")
    for supplier in (ticked, sent, blocked):
        KeySupplierLinkFactory(key=first, supplier=supplier)
    KeySupplierLinkFactory(key=second, supplier=sent)
    Recipient.objects.create(request=request, supplier=ticked, selected=True)
    Recipient.objects.create(request=request, supplier=blocked, blocked_reason=BlockedReason.INN_BLACKLISTED)
    Message.objects.create(
        request=request,
        supplier=sent,
        direction=Direction.OUTGOING,
        to_email=sent.email,
        subject="s",
        body="b",
        status=MessageStatus.SENT,
        message_id="<m1@test>",
    )

    keys = alice_client.get(f"{URL}/{request.pk}").json()["keys"]

    by_name = {supplier["name"]: supplier for supplier in keys[0]["suppliers"]}
    assert by_name["Ticked"] == {
        "supplierid": ticked.pk,
        "name": "Ticked",
        "inn": ticked.inn,
        "email": ticked.email,
        "isreseller": True,
        "isnew": True,
        "selected": True,
        "sendstatus": "notsent",
        "blockedreason": None,
    }
    assert (by_name["Sent"]["isnew"], by_name["Sent"]["sendstatus"], by_name["Sent"]["selected"]) == (
        False,
        "sent",
        False,
    )
    assert (by_name["Blocked"]["blockedreason"], by_name["Blocked"]["selected"]) == ("inn_blacklisted", False)
    assert [supplier["supplierid"] for supplier in keys[1]["suppliers"]] == [sent.pk]


def test_detail_with_500_keys_and_links_takes_at_most_6_queries(
    alice, alice_client, django_assert_max_num_queries
) -> None:
    request = make_request_with_keys(500, owner=alice, status=RequestStatus.CONFIRMED)
    suppliers = [SupplierFactory() for _ in range(5)]
    for index, request_key in enumerate(request.keys.all()):
        KeySupplierLinkFactory(key=request_key, supplier=suppliers[index % 5])
    Recipient.objects.create(request=request, supplier=suppliers[0], selected=True)

    with django_assert_max_num_queries(6):
        response = alice_client.get(f"{URL}/{request.pk}")

    keys = response.json()["keys"]
    assert len(keys) == 500 and all(len(k["suppliers"]) == 1 for k in keys)
    assert keys[0]["suppliers"][0]["selected"] is True


def test_a_linked_supplier_is_shown_to_the_buyer_as_new_until_contacted(alice, moderator, alice_client) -> None:
    request_id = create_request(alice_client, "Фланец Д100", "Болт М10")
    submit(alice_client, request_id)
    supplier = SupplierFactory(name="ООО Фланец")
    key_link_suppliers(key_id=key_at(request_id, 1).pk, supplier_ids=[supplier.pk], moderator=moderator)

    keys = alice_client.get(f"{REQUESTS}/{request_id}").json()["keys"]

    assert keys[0]["suppliers"] == [
        {
            "supplierid": supplier.pk,
            "name": "ООО Фланец",
            "inn": supplier.inn,
            "email": supplier.email,
            "isreseller": False,
            "isnew": True,
            "selected": False,
            "sendstatus": "notsent",
            "blockedreason": None,
        }
    ]
    assert keys[1]["suppliers"] == []
    # A candidate: listed unticked among the recipients (issue 18) until the buyer ticks it.
    candidate = {
        "supplierid": supplier.pk,
        "selected": False,
        "suppliername": "ООО Фланец",
        "inn": supplier.inn,
        "email": supplier.email,
        "isreseller": False,
        "sendstatus": "notsent",
        "replystatus": "none",
        "blockedreason": None,
    }
    assert alice_client.get(f"{REQUESTS}/{request_id}/recipients").json() == {"recipients": [candidate]}

    ticked = alice_client.put(
        f"{REQUESTS}/{request_id}/recipients",
        {"recipients": [{"supplierid": supplier.pk, "selected": True}]},
        format="json",
    )
    assert ticked.status_code == 200, ticked.content
    assert alice_client.get(f"{REQUESTS}/{request_id}/recipients").json() == {
        "recipients": [
            {
                "supplierid": supplier.pk,
                "selected": True,
                "suppliername": "ООО Фланец",
                "inn": supplier.inn,
                "email": supplier.email,
                "isreseller": False,
                "sendstatus": "notsent",
                "replystatus": "none",
                "blockedreason": None,
            }
        ]
    }
    row = alice_client.get(f"{REQUESTS}/{request_id}").json()["keys"][0]["suppliers"][0]
    assert (row["isnew"], row["selected"], row["sendstatus"]) == (True, True, "notsent")

    sent = alice_client.post(
        f"{REQUESTS}/{request_id}/send",
        {"subject": "RFQ", "body": "Please quote.", "attachrequestfile": False},
        format="json",
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["sentcount"] == 1

    row = alice_client.get(f"{REQUESTS}/{request_id}").json()["keys"][0]["suppliers"][0]
    assert (row["supplierid"], row["isnew"], row["selected"], row["sendstatus"]) == (supplier.pk, False, True, "queued")
    recipient = alice_client.get(f"{REQUESTS}/{request_id}/recipients").json()["recipients"][0]
    assert (recipient["supplierid"], recipient["sendstatus"]) == (supplier.pk, "queued")


def test_a_failed_message_still_makes_the_supplier_not_new(alice, moderator, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)
    contacted, untouched = SupplierFactory.create_batch(2)
    key_link_suppliers(key_id=request.keys.get().pk, supplier_ids=[contacted.pk, untouched.pk], moderator=moderator)
    Message.objects.create(
        request=request,
        supplier=contacted,
        direction=Direction.OUTGOING,
        to_email=contacted.email,
        subject="s",
        body="b",
        status=MessageStatus.FAILED,
        message_id="<failed@test>",
    )

    rows = alice_client.get(f"{REQUESTS}/{request.pk}").json()["keys"][0]["suppliers"]

    assert [(row["supplierid"], row["isnew"], row["sendstatus"]) for row in rows] == [
        (contacted.pk, False, "failed"),
        (untouched.pk, True, "notsent"),
    ]


def test_unlinking_removes_the_supplier_from_the_key_only(alice, moderator, alice_client) -> None:
    request_id = create_request(alice_client, "Фланец Д100", "Болт М10")
    submit(alice_client, request_id)
    flange, bolt = key_at(request_id, 1), key_at(request_id, 2)
    kept, removed = SupplierFactory.create_batch(2)
    key_link_suppliers(key_id=flange.pk, supplier_ids=[kept.pk, removed.pk], moderator=moderator)
    key_link_suppliers(key_id=bolt.pk, supplier_ids=[removed.pk], moderator=moderator)
    Recipient.objects.create(request_id=request_id, supplier=removed, selected=True)
    assert linked(alice_client, request_id) == {1: [kept.pk, removed.pk], 2: [removed.pk]}

    assert key_unlink_supplier(key_id=flange.pk, supplier_id=removed.pk) is True
    assert key_unlink_supplier(key_id=flange.pk, supplier_id=removed.pk) is False

    assert linked(alice_client, request_id) == {1: [kept.pk], 2: [removed.pk]}
    # The buyer's own choice of recipients is left as it was.
    assert list(Recipient.objects.values_list("supplier_id", "selected")) == [(removed.pk, True)]


# --- the serializer reused outside the buyer's views (moved from requests_app/tests/test_serializers.py) ---


def linked_request() -> tuple[Request, int]:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    link = KeySupplierLinkFactory(key=request.keys.get(pos=2))
    Recipient.objects.create(request=request, supplier=link.supplier, selected=True)
    return request, link.supplier_id


def test_detail_of_a_request_fetched_for_moderation(django_assert_max_num_queries) -> None:
    request, supplier_id = linked_request()

    with django_assert_max_num_queries(5):
        data = detail_data(request_get_detail_for_moderation(request_id=request.pk))

    assert [key["pos"] for key in data["keys"]] == [1, 2, 3]
    assert [(s["supplierid"], s["selected"]) for s in data["keys"][1]["suppliers"]] == [(supplier_id, True)]


def test_detail_of_a_plain_request_without_prefetching_gives_the_same_answer() -> None:
    request, _ = linked_request()

    plain = detail_data(Request.objects.get(pk=request.pk))
    prefetched = detail_data(request_get_detail_for_moderation(request_id=request.pk))

    assert plain == prefetched


def test_many_requests_keep_their_own_recipient_states() -> None:
    first, first_supplier = linked_request()
    second, _ = linked_request()
    Recipient.objects.filter(request=second).update(selected=False)

    data = detail_data([first, second], many=True)

    assert data[0]["keys"][1]["suppliers"][0]["selected"] is True
    assert data[1]["keys"][1]["suppliers"][0]["selected"] is False
