"""The messaging API as a buyer sees it (Celery eager, e-mail in Django's locmem outbox)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from accounts.models import EmailPolicy
from attachments.tests.factories import AttachmentFactory
from blacklist.models import InnBlacklistEntry
from messaging import delivery
from messaging.models import Direction, Mailing, Message, MessageStatus, Recipient
from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import KeySupplierLinkFactory, RequestFactory
from suppliers.tests.factories import SupplierFactory

from .conftest import make_sendable_request
from .smtp import free_port

pytestmark = pytest.mark.django_db

SEND = {"subject": "RFQ: flanges", "body": "Please quote."}
MESSAGE_DTO_KEYS = {
    "id", "requestid", "supplierid", "suppliername", "toemail", "direction", "subject", "bodypreview", "status",
    "attempts", "lasterror", "messageid", "inreplyto", "attachmentids", "isdeleted", "createdat", "sentat",
    "fromemail", "bouncedat",
}  # fmt: skip


def url(request: Request, suffix: str) -> str:
    return f"/api/v1/user/requests/{request.pk}/{suffix}"


def send(client: Any, request: Request, suffix: str = "send", **body: Any) -> Any:
    return client.post(url(request, suffix), {**SEND, **body}, format="json")


# --- recipients ------------------------------------------------------------------------------------------


def test_put_recipients_mirrors_the_checkboxes_sorted_by_supplier(alice, alice_client):
    request = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)
    first, second, dropped = SupplierFactory.create_batch(3)
    Recipient.objects.create(request=request, supplier=dropped, selected=True)
    body = {"recipients": [{"supplierid": second.pk, "selected": False}, {"supplierid": first.pk, "selected": True}]}

    answer = alice_client.put(url(request, "recipients"), body, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "recipients": [
            {
                "supplierid": card.pk,
                "selected": selected,
                "suppliername": card.name,
                "inn": card.inn,
                "email": card.email,
                "isreseller": False,
                "sendstatus": "notsent",
                "replystatus": "none",
                "blockedreason": None,
            }
            for card, selected in ((first, True), (second, False))
        ]
    }
    assert alice_client.get(url(request, "recipients")).json() == answer.json()
    assert not Recipient.objects.filter(supplier=dropped).exists()


def test_put_recipients_keeps_a_blacklisted_supplier_unticked_with_the_reason(alice, alice_client):
    request = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)
    blocked = SupplierFactory()
    InnBlacklistEntry.objects.create(owner=alice, inn=blocked.inn)

    answer = alice_client.put(
        url(request, "recipients"), {"recipients": [{"supplierid": blocked.pk, "selected": True}]}, format="json"
    )

    [row] = answer.json()["recipients"]
    assert (row["selected"], row["blockedreason"]) == (False, "inn_blacklisted")


@pytest.mark.parametrize("kind", ["unknown", "repeated"])
def test_put_recipients_rejects_unknown_or_repeated_suppliers_and_changes_nothing(alice, alice_client, kind):
    request = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)
    card = SupplierFactory()
    Recipient.objects.create(request=request, supplier=card, selected=False)
    other = 999_999 if kind == "unknown" else card.pk
    body = {"recipients": [{"supplierid": card.pk, "selected": True}, {"supplierid": other, "selected": True}]}

    answer = alice_client.put(url(request, "recipients"), body, format="json")

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "recipients", 1, "supplierid"]
    assert list(Recipient.objects.values_list("supplier_id", "selected")) == [(card.pk, False)]


def test_put_recipients_validates_the_body_shape(alice, alice_client):
    request = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)
    answer = alice_client.put(
        url(request, "recipients"), {"recipients": [{"supplierid": 0, "selected": "maybe"}]}, format="json"
    )
    assert answer.status_code == 422
    assert {tuple(item["loc"]) for item in answer.json()["detail"]} == {
        ("body", "recipients", 0, "supplierid"),
        ("body", "recipients", 0, "selected"),
    }


# --- send ------------------------------------------------------------------------------------------------


def test_send_queues_one_message_per_ticked_recipient_and_delivers_after_commit(
    alice, alice_client, django_capture_on_commit_callbacks
):
    request, suppliers = make_sendable_request(alice, suppliers=3)
    Recipient.objects.filter(supplier=suppliers[2]).update(selected=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = send(alice_client, request)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body == {
        "success": True,
        "requestid": request.pk,
        "sentcount": 2,
        "skippedalreadysent": 0,
        "skippedblacklisted": 0,
        "skippedsuppressed": 0,
        "messageids": body["messageids"],
    }
    messages = Message.objects.filter(pk__in=body["messageids"]).order_by("supplier_id")
    assert [message.supplier_id for message in messages] == [suppliers[0].pk, suppliers[1].pk]
    assert {message.status for message in messages} == {MessageStatus.QUEUED}  # nothing is sent before commit
    assert mail.outbox == [] and len(callbacks) == 1
    assert Mailing.objects.get().kind == "send"
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING

    callbacks[0]()  # the commit: the (eager) delivery tasks run

    assert sorted(email.to[0] for email in mail.outbox) == sorted([suppliers[0].email, suppliers[1].email])
    assert {message.status for message in Message.objects.all()} == {MessageStatus.SENT}


def test_send_answers_already_sent_naming_the_suppliers(alice, alice_client, django_capture_on_commit_callbacks):
    request, suppliers = make_sendable_request(alice, suppliers=2)
    with django_capture_on_commit_callbacks(execute=True):
        send(alice_client, request)

    answer = send(alice_client, request)

    assert answer.status_code == 409
    assert answer.json() == {
        "detail": answer.json()["detail"],
        "code": "already_sent",
        "supplierids": sorted(card.pk for card in suppliers),
    }
    assert Message.objects.count() == 2 and Mailing.objects.count() == 1


def test_send_new_sends_only_to_ticked_recipients_never_contacted(
    alice, alice_client, django_capture_on_commit_callbacks
):
    request, (old, unticked) = make_sendable_request(alice, suppliers=2)
    Recipient.objects.filter(supplier=unticked).update(selected=False)
    with django_capture_on_commit_callbacks(execute=True):
        send(alice_client, request)
    new = SupplierFactory()
    Recipient.objects.create(request=request, supplier=new, selected=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answer = send(alice_client, request, "send-new")

    assert answer.status_code == 200
    assert (answer.json()["sentcount"], answer.json()["skippedalreadysent"]) == (1, 1)
    assert [email.to for email in mail.outbox] == [[new.email]]
    assert Mailing.objects.filter(kind="send_new").count() == 1

    again = send(alice_client, request, "send-new")
    assert again.status_code == 200
    assert (again.json()["sentcount"], again.json()["messageids"]) == (0, [])


def test_send_skips_recipients_blacklisted_since_they_were_ticked(alice, alice_client):
    request, (blocked, clean) = make_sendable_request(alice, suppliers=2)
    InnBlacklistEntry.objects.create(owner=alice, inn=blocked.inn)

    answer = send(alice_client, request)

    assert (answer.json()["sentcount"], answer.json()["skippedblacklisted"]) == (1, 1)
    assert list(Message.objects.values_list("supplier_id", flat=True)) == [clean.pk]
    recipient = Recipient.objects.get(supplier=blocked)
    assert (recipient.selected, recipient.blocked_reason) == (False, "inn_blacklisted")


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.DONE])
def test_send_refuses_drafts_and_closed_requests(alice, alice_client, status):
    request, _ = make_sendable_request(alice)
    Request.objects.filter(pk=request.pk).update(status=status)
    for suffix in ("send", "send-new"):
        answer = send(alice_client, request, suffix)
        assert (answer.status_code, answer.json()["code"]) == (409, "invalid_state")
    assert not Message.objects.exists()


def test_send_without_ticked_recipients_is_a_conflict(alice, alice_client):
    request, _ = make_sendable_request(alice)
    Recipient.objects.update(selected=False)
    answer = send(alice_client, request)
    assert (answer.status_code, answer.json()["code"]) == (409, "no_recipients")
    assert send(alice_client, request, "send-new").json()["sentcount"] == 0


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"subject": "Hello\r\nBcc: victim@example.com"}, ["body", "subject"]),
        ({"subject": "Line\u2028break"}, ["body", "subject"]),
        ({"subject": "x" * 256}, ["body", "subject"]),
        ({"subject": ""}, ["body", "subject"]),
        ({"body": ""}, ["body", "body"]),
        ({"body": "x" * 20001}, ["body", "body"]),
        ({"attachmentids": ["a"]}, ["body", "attachmentids", 0]),
        ({"attachmentids": [999_999]}, ["body", "attachmentids"]),
    ],
)
def test_send_validates_its_body(alice, alice_client, body, loc):
    request, _ = make_sendable_request(alice)
    answer = send(alice_client, request, **body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["loc"] == loc
    assert not Message.objects.exists()


def test_send_refuses_foreign_deleted_and_too_many_attachments(alice, bob, alice_client, settings):
    request, _ = make_sendable_request(alice)
    foreign = AttachmentFactory(owner=bob)
    deleted = AttachmentFactory(owner=alice, is_deleted=True)
    eleven = [AttachmentFactory(owner=alice).pk for _ in range(11)]
    for ids in ([foreign.pk], [deleted.pk], eleven):
        answer = send(alice_client, request, attachmentids=ids)
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["body", "attachmentids"]
    settings.MESSAGE_MAX_ATTACHMENT_BYTES = 10
    answer = send(alice_client, request, attachmentids=eleven[:2])
    assert answer.status_code == 422
    assert not Message.objects.exists()


def test_send_records_chosen_attachments_and_the_request_file(alice, alice_client):
    request, _ = make_sendable_request(alice, suppliers=1)
    chosen = AttachmentFactory(owner=alice)
    request.source_attachment = AttachmentFactory(owner=alice, filename="request.csv", content=b"1;a;1;pcs\n")
    request.save(update_fields=["source_attachment"])

    with_file = send(alice_client, request, attachmentids=[chosen.pk]).json()
    assert set(Message.objects.get(pk=with_file["messageids"][0]).attachments.values_list("pk", flat=True)) == {
        chosen.pk,
        request.source_attachment_id,
    }
    new = SupplierFactory()
    Recipient.objects.create(request=request, supplier=new, selected=True)
    without = send(alice_client, request, "send-new", attachmentids=[chosen.pk], attachrequestfile=False).json()
    assert list(Message.objects.get(pk=without["messageids"][0]).attachments.values_list("pk", flat=True)) == [
        chosen.pk
    ]


def test_send_to_many_recipients_uses_a_constant_number_of_queries(alice, alice_client, django_assert_max_num_queries):
    request, _ = make_sendable_request(alice, suppliers=200)
    with django_assert_max_num_queries(25):
        answer = send(alice_client, request)
    assert answer.json()["sentcount"] == 200
    ids = Message.objects.values_list("pk", "message_id")
    assert all(message_id.startswith(f"<msg-{pk}.") for pk, message_id in ids)


def test_a_big_mailing_is_delivered_in_slices_after_commit(alice, alice_client, django_capture_on_commit_callbacks):
    request, suppliers = make_sendable_request(alice, suppliers=60)

    with django_capture_on_commit_callbacks(execute=True):
        answer = send(alice_client, request)

    assert answer.json()["sentcount"] == 60
    assert sorted(email.to[0] for email in mail.outbox) == sorted(card.email for card in suppliers)
    assert set(Message.objects.values_list("status", "attempts")) == {(MessageStatus.SENT, 1)}


# --- request detail --------------------------------------------------------------------------------------


def test_request_detail_shows_recipient_state_of_linked_suppliers(
    alice, alice_client, django_capture_on_commit_callbacks
):
    request, (contacted, ticked_later) = make_sendable_request(alice, suppliers=2, keys=1)
    Recipient.objects.filter(supplier=ticked_later).update(selected=False)
    key = request.keys.get()
    for card in (contacted, ticked_later):
        KeySupplierLinkFactory(key=key, supplier=card)
    with django_capture_on_commit_callbacks(execute=True):
        send(alice_client, request)
    Recipient.objects.filter(supplier=ticked_later).update(selected=True)

    suppliers = alice_client.get(f"/api/v1/user/requests/{request.pk}").json()["keys"][0]["suppliers"]

    by_id = {row["supplierid"]: row for row in suppliers}
    assert {k: by_id[contacted.pk][k] for k in ("isnew", "selected", "sendstatus")} == {
        "isnew": False,
        "selected": True,
        "sendstatus": "sent",
    }
    assert {k: by_id[ticked_later.pk][k] for k in ("isnew", "selected", "sendstatus")} == {
        "isnew": True,
        "selected": True,
        "sendstatus": "notsent",
    }


# --- messages --------------------------------------------------------------------------------------------


def _sent_request(owner: Any, client: Any, suppliers: int) -> tuple[Request, list[int]]:
    request, _ = make_sendable_request(owner, suppliers=suppliers)
    ids = send(client, request, body="Line one\n\n   line   two " + "x" * 300).json()["messageids"]
    return request, ids


def test_messages_list_newest_first_with_the_message_dto(alice, alice_client):
    request, ids = _sent_request(alice, alice_client, suppliers=3)
    attachment = AttachmentFactory(owner=alice)
    Message.objects.get(pk=ids[0]).attachments.add(attachment)

    answer = alice_client.get(url(request, "messages"))

    assert answer.status_code == 200
    page = answer.json()
    assert (page["limit"], page["offset"], page["total"]) == (50, 0, 3)
    assert [item["id"] for item in page["items"]] == sorted(ids, reverse=True)
    item = next(item for item in page["items"] if item["id"] == ids[0])
    assert set(item) == MESSAGE_DTO_KEYS
    message = Message.objects.select_related("supplier").get(pk=ids[0])
    assert item["requestid"] == request.pk
    assert (item["supplierid"], item["suppliername"]) == (message.supplier_id, message.supplier.name)
    assert (item["toemail"], item["direction"], item["status"]) == (message.to_email, "outgoing", "queued")
    assert item["bodypreview"].startswith("Line one line two xxx") and len(item["bodypreview"]) == 200
    assert (item["messageid"], item["attachmentids"], item["isdeleted"]) == (message.message_id, [attachment.pk], False)
    assert item["sentat"] is None and item["inreplyto"] is None and item["attempts"] == 0


def test_messages_list_paginates(alice, alice_client, django_assert_max_num_queries):
    request, ids = _sent_request(alice, alice_client, suppliers=5)
    with django_assert_max_num_queries(6):
        page = alice_client.get(url(request, "messages"), {"limit": 2, "offset": 2}).json()
    assert (page["limit"], page["offset"], page["total"]) == (2, 2, 5)
    assert [item["id"] for item in page["items"]] == sorted(ids, reverse=True)[2:4]
    assert alice_client.get(url(request, "messages"), {"offset": 10}).json()["items"] == []
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"includedeleted": "perhaps"}):
        answer = alice_client.get(url(request, "messages"), bad)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][0] == "query"


def test_delete_is_refused_under_appendonly(alice, alice_client):
    request, (message_id, *_) = _sent_request(alice, alice_client, suppliers=1)
    answer = alice_client.delete(f"/api/v1/user/messages/{message_id}")
    assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed_by_policy")
    assert not Message.objects.get(pk=message_id).is_deleted


def test_delete_hides_the_message_under_allowdelete(alice, alice_client):
    alice.emailpolicy = EmailPolicy.ALLOW_DELETE
    alice.save(update_fields=["emailpolicy"])
    request, (message_id, *_) = _sent_request(alice, alice_client, suppliers=2)

    answer = alice_client.delete(f"/api/v1/user/messages/{message_id}")

    assert answer.json() == {"success": True, "message": "Deleted"}
    assert alice_client.delete(f"/api/v1/user/messages/{message_id}").status_code == 200
    visible = alice_client.get(url(request, "messages")).json()
    assert message_id not in [item["id"] for item in visible["items"]] and visible["total"] == 1
    everything = alice_client.get(url(request, "messages"), {"includedeleted": "true"}).json()
    assert {item["id"]: item["isdeleted"] for item in everything["items"]}[message_id] is True
    message = Message.objects.get(pk=message_id)
    assert message.is_deleted and message.direction == Direction.OUTGOING  # hidden, never removed


# --- ownership -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "recipients", None),
        ("put", "recipients", "recipients"),
        ("post", "send", SEND),
        ("post", "send-new", SEND),
        ("get", "messages", None),
        ("delete", "message", None),
    ],
)
def test_another_buyers_request_and_messages_are_not_found(alice, bob, alice_client, bob_client, method, suffix, body):
    bob.emailpolicy = EmailPolicy.ALLOW_DELETE
    bob.save(update_fields=["emailpolicy"])
    request, (ticked, _) = make_sendable_request(alice)
    message_id = send(alice_client, request).json()["messageids"][0]
    before = (
        list(Message.objects.order_by("pk").values_list("pk", "status", "is_deleted")),
        list(Recipient.objects.order_by("pk").values_list("pk", "selected")),
    )
    if body == "recipients":
        body = {"recipients": [{"supplierid": ticked.pk, "selected": False}]}
    path = f"/api/v1/user/messages/{message_id}" if suffix == "message" else url(request, suffix)

    answer = getattr(bob_client, method)(path, body, format="json")

    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    after = (
        list(Message.objects.order_by("pk").values_list("pk", "status", "is_deleted")),
        list(Recipient.objects.order_by("pk").values_list("pk", "selected")),
    )
    assert after == before


def test_messaging_routes_need_a_token(anon_client, alice):
    request = RequestFactory(owner=alice)
    assert anon_client.get(url(request, "recipients")).status_code == 401
    assert anon_client.post(url(request, "send"), SEND, format="json").status_code == 401


# --- what the buyer sees of a delivery error -------------------------------------------------------------

INTERNALS = ("FileNotFoundError", "ConnectionRefusedError", "Errno", "relay-7.internal.b2b", "/")


def _failed_once(request: Request, message_id: int, client: Any) -> tuple[Message, dict[str, Any], str]:
    """Deliver once (it fails), then read the row and the buyer's thread as the API answers it."""
    delivery.deliver(message_id=message_id)
    answer = client.get(url(request, "messages"))
    assert answer.status_code == 200
    [item] = answer.json()["items"]
    return Message.objects.get(pk=message_id), item, answer.content.decode()


def test_buyer_sees_a_missing_attachment_as_a_short_reason_without_the_path(alice, alice_client, media_root):
    request, _ = make_sendable_request(alice, suppliers=1)
    spec = AttachmentFactory(owner=alice, filename="spec.txt")
    [message_id] = send(alice_client, request, attachmentids=[spec.pk]).json()["messageids"]
    default_storage.delete(spec.storage_key)  # gone from the disk: a lost volume, a bad restore

    message, item, answer = _failed_once(request, message_id, alice_client)

    assert "FileNotFoundError" in message.last_error and str(media_root) in message.last_error  # for moderators
    assert (item["status"], item["lasterror"]) == ("queued", "An attachment could not be read")
    assert str(media_root) not in answer and not any(internal in item["lasterror"] for internal in INTERNALS)


def test_buyer_sees_a_refused_connection_without_the_exception(alice, alice_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    request, _ = make_sendable_request(alice, suppliers=1)
    [message_id] = send(alice_client, request).json()["messageids"]

    message, item, answer = _failed_once(request, message_id, alice_client)

    assert message.last_error.startswith("ConnectionRefusedError: [Errno 111]")
    assert item["lasterror"] == "Our mail server could not be reached"
    assert "ConnectionRefusedError" not in answer and "Errno" not in answer


def test_buyer_sees_a_refused_address_with_the_smtp_code_only(alice, alice_client, smtp_backend):
    smtp_backend.handler.rcpt_script.append("550 5.1.1 Mailbox unavailable (relay-7.internal.b2b)")
    request, _ = make_sendable_request(alice, suppliers=1)
    [message_id] = send(alice_client, request).json()["messageids"]

    message, item, answer = _failed_once(request, message_id, alice_client)

    assert "relay-7.internal.b2b" in message.last_error
    assert (item["status"], item["lasterror"]) == (
        "failed",
        "The supplier's mail server refused the address (SMTP 550)",
    )
    assert "relay-7.internal.b2b" not in answer
