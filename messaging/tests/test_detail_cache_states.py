"""The request detail caches its keys (requests_app/reads.py, decision 0011 round 3) but never the recipient
states messaging provides: ticking a recipient, a blacklist entry and a send status show on the next read."""

import pytest
from django.db import connection

from blacklist.services import inn_blacklist_add, inn_blacklist_remove
from messaging.models import Direction, Message, MessageStatus, Recipient
from messaging.services import recipients_replace
from requests_app.models import KeySupplierLink, RequestStatus
from requests_app.tests.factories import make_request_with_keys
from requests_app.tests.hot_path_data import assert_same, old_detail
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/user/requests"


@pytest.fixture
def linked(alice):
    request = make_request_with_keys(3, owner=alice, status=RequestStatus.PROCESSING)
    suppliers = [SupplierFactory(), SupplierFactory()]
    for key in request.keys.all():
        for supplier in suppliers:
            KeySupplierLink.objects.create(key=key, supplier=supplier)
    return request, suppliers


def states(client, owner, request) -> dict[int, tuple]:
    """``{supplierid: (selected, sendstatus, isnew, blockedreason)}``, after checking the whole answer."""
    response = client.get(f"{URL}/{request.pk}")
    assert response.status_code == 200
    assert_same(response.json(), old_detail(owner, request.pk))
    rows = [row for key in response.json()["keys"] for row in key["suppliers"]]
    return {row["supplierid"]: (row["selected"], row["sendstatus"], row["isnew"], row["blockedreason"]) for row in rows}


def test_ticks_blacklist_and_send_statuses_show_through_the_cache(alice, alice_client, linked) -> None:
    request, (first, second) = linked
    fresh = (False, "notsent", True, None)
    version = content_version(request)
    assert states(alice_client, alice, request) == {first.pk: fresh, second.pk: fresh}

    recipients_replace(owner=alice, request_id=request.pk, selections=[(first.pk, True), (second.pk, True)])
    assert states(alice_client, alice, request)[first.pk] == (True, "notsent", True, None)

    inn_blacklist_add(owner=alice, inn=second.inn)
    assert states(alice_client, alice, request)[second.pk] == (False, "notsent", True, "inn_blacklisted")
    inn_blacklist_remove(owner=alice, inn=second.inn)
    assert states(alice_client, alice, request)[second.pk][3] is None

    message = Message.objects.create(
        request=request, supplier=first, direction=Direction.OUTGOING, to_email=first.email, subject="s", body="b"
    )
    assert states(alice_client, alice, request)[first.pk] == (True, "queued", False, None)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
    assert states(alice_client, alice, request)[first.pk] == (True, "failed", False, None)

    Recipient.objects.filter(request=request, supplier=first).update(selected=False)
    assert states(alice_client, alice, request)[first.pk] == (False, "failed", False, None)
    assert content_version(request) == version  # states are not the keys' business: one cached version throughout


def content_version(request) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_version FROM requests_app_request WHERE id = %s", [request.pk])
        return cursor.fetchone()[0]
