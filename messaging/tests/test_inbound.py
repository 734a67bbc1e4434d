"""Replies come back (issue 18), without servers: parsing, filing order, bounces, suppression, the queue, the
maildir reader, the buyer's copy, recipients and the thread over HTTP. The IMAP and worker tests are in
``test_inbound_imap.py``."""

from __future__ import annotations

import functools
import io
import smtplib
from pathlib import Path

import pytest
from django.core import mail as django_mail
from django.core.management import call_command

from messaging import inbound, mailbox
from messaging.mailparse import derived_message_id, parse_mail
from messaging.models import (
    Direction,
    Message,
    MessageStatus,
    Recipient,
    ReplyStatus,
    SuppressedAddress,
    UnmatchedMail,
    UnmatchedStatus,
)
from messaging.selectors import suppressed_emails
from requests_app.models import RequestStatus
from requests_app.tests.factories import KeySupplierLinkFactory
from suppliers.tests.factories import SupplierFactory

from .conftest import make_sendable_request
from .mails import build_reply, dsn_for, nonstandard_bounce_for, reply_to_recipient, zip_bomb

pytestmark = pytest.mark.django_db

SEND = {"subject": "RFQ: flanges", "body": "Please quote."}

bomb = functools.lru_cache(maxsize=1)(zip_bomb)


@pytest.fixture
def inbox(settings, tmp_path: Path) -> Path:
    settings.IMAP_URL = ""
    settings.INBOUND_MAILDIR = str(tmp_path / "inbox")
    return tmp_path / "inbox"


@pytest.fixture
def sent(alice, alice_client, django_capture_on_commit_callbacks):
    """A request sent to two suppliers (eager delivery into locmem): the request, cards and messages."""
    request, cards = make_sendable_request(alice, suppliers=2)
    with django_capture_on_commit_callbacks(execute=True):
        answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND, format="json")
    assert answer.status_code == 200, answer.content
    messages = {message.supplier_id: message for message in Message.objects.filter(request=request)}
    django_mail.outbox.clear()
    return request, cards, messages


def _file(raw: bytes, capture) -> inbound.Outcome:
    with capture(execute=True):
        return inbound.process_mail(raw)


def test_every_outgoing_email_replies_to_the_recipients_plus_address(
    alice, alice_client, django_capture_on_commit_callbacks
):
    request, cards = make_sendable_request(alice, suppliers=2)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND, format="json")
    tokens = dict(Recipient.objects.filter(request=request).values_list("supplier__email", "reply_token"))
    assert len(set(tokens.values())) == 2 and all(len(token) == 20 for token in tokens.values())
    for email in django_mail.outbox:
        assert email.reply_to == [f"rfq+{tokens[email.to[0]]}@b2b.localhost"]
        assert "your answer is filed with the request" in email.body


def test_reply_by_token_is_filed_once_marked_and_copied_to_the_buyer(alice, sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    raw = reply_to_recipient(recipient, From="someone-else@elsewhere.example")  # the token wins over the sender

    outcome = _file(raw, django_capture_on_commit_callbacks)
    again = _file(raw, django_capture_on_commit_callbacks)

    assert outcome.kind == "filed" and outcome.how == "token"
    assert again.kind == "duplicate" and again.row_id == outcome.row_id
    reply = Message.objects.get(pk=outcome.row_id)
    assert (reply.direction, reply.request_id, reply.supplier_id) == (Direction.INCOMING, request.pk, cards[0].pk)
    assert reply.message_id == "<reply-1@supplier.example>" and "100 RUB" in reply.body
    assert reply.copy_sent_at is not None
    recipient.refresh_from_db()
    assert recipient.reply_status == ReplyStatus.REPLIED and recipient.replied_at is not None
    [copy] = django_mail.outbox  # one copy, even though the reply was fetched twice
    assert copy.to == [alice.email] and "100 RUB" in copy.body and copy.reply_to == [reply.from_email]


def test_reply_by_in_reply_to_and_by_references(sent, django_capture_on_commit_callbacks):
    request, cards, messages = sent
    by_irt = build_reply(
        to="rfq@b2b.localhost",
        from_email="x@unknown.example",
        message_id="<a@s>",
        In_Reply_To=messages[cards[1].pk].message_id,
    )
    by_refs = build_reply(
        to="rfq@b2b.localhost",
        from_email="y@unknown.example",
        message_id="<b@s>",
        References=f"<other@x> {messages[cards[0].pk].message_id}",
    )
    first, second = (
        _file(by_irt, django_capture_on_commit_callbacks),
        _file(by_refs, django_capture_on_commit_callbacks),
    )
    assert (first.how, Message.objects.get(pk=first.row_id).supplier_id) == ("headers", cards[1].pk)
    assert (second.how, Message.objects.get(pk=second.row_id).supplier_id) == ("headers", cards[0].pk)


def test_reply_by_sender_and_an_ambiguous_sender_goes_to_the_queue(alice, sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    raw = build_reply(to="rfq@b2b.localhost", from_email=cards[0].email.upper(), message_id="<c@s>")
    outcome = _file(raw, django_capture_on_commit_callbacks)
    assert outcome.how == "sender" and Message.objects.get(pk=outcome.row_id).supplier_id == cards[0].pk

    # the same supplier e-mailed for a second request: the sender alone no longer says which one
    other, _ = make_sendable_request(alice, suppliers=0)
    Recipient.objects.create(request=other, supplier=cards[0], selected=True)
    Message.objects.create(
        request=other,
        supplier=cards[0],
        direction=Direction.OUTGOING,
        to_email=cards[0].email,
        subject="s",
        body="b",
        status=MessageStatus.SENT,
        message_id="<msg-x@b2b.localhost>",
    )
    ambiguous = _file(
        build_reply(to="rfq@b2b.localhost", from_email=cards[0].email, message_id="<d@s>"),
        django_capture_on_commit_callbacks,
    )
    assert ambiguous.kind == "unmatched"
    named = _file(
        build_reply(
            to="rfq@b2b.localhost", from_email=cards[0].email, message_id="<e@s>", subject=f"Re: request No. {other.pk}"
        ),
        django_capture_on_commit_callbacks,
    )
    assert named.kind == "filed" and Message.objects.get(pk=named.row_id).request_id == other.pk


def test_unmatched_mail_is_kept_whole_and_a_moderator_files_it(sent, moderator, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    raw = build_reply(to="info@b2b.localhost", from_email="stranger@nowhere.example", message_id="<u@s>")
    outcome = _file(raw, django_capture_on_commit_callbacks)
    assert outcome.kind == "unmatched"
    row = UnmatchedMail.objects.get(pk=outcome.row_id)
    assert bytes(row.raw) == raw and row.status == UnmatchedStatus.PENDING
    assert _file(raw, django_capture_on_commit_callbacks).kind == "duplicate"

    with django_capture_on_commit_callbacks(execute=True):
        message = inbound.unmatched_file(
            unmatched_id=row.pk, request_id=request.pk, supplier_id=cards[1].pk, moderator=moderator
        )
    row.refresh_from_db()
    assert row.status == UnmatchedStatus.FILED and row.filed_message_id == message.pk
    assert message.direction == Direction.INCOMING and message.supplier_id == cards[1].pk
    assert Recipient.objects.get(request=request, supplier=cards[1]).reply_status == ReplyStatus.REPLIED


def test_moderators_discard_from_the_admin_and_buyers_cannot_see_the_queue(
    sent, console, alice, client, django_capture_on_commit_callbacks
):
    raw = build_reply(to="info@b2b.localhost", from_email="spam@nowhere.example", message_id="<spam@s>")
    row_id = _file(raw, django_capture_on_commit_callbacks).row_id
    page = console.get("/admin/messaging/unmatchedmail/")
    assert page.status_code == 200 and b"spam@nowhere.example" in page.content
    assert console.get(f"/admin/messaging/unmatchedmail/{row_id}/change/").status_code == 200
    answer = console.post(
        "/admin/messaging/unmatchedmail/", {"action": "discard_selected", "_selected_action": [row_id]}
    )
    assert answer.status_code == 302
    assert UnmatchedMail.objects.get(pk=row_id).status == UnmatchedStatus.DISCARDED
    client.force_login(alice)
    assert client.get("/admin/messaging/unmatchedmail/").status_code in (302, 403)


def test_dsn_marks_the_message_and_recipient_bounced_and_suppresses_the_address(
    alice, alice_client, sent, django_capture_on_commit_callbacks
):
    request, cards, messages = sent
    original = messages[cards[0].pk]
    outcome = _file(dsn_for(original), django_capture_on_commit_callbacks)
    assert outcome.kind == "bounce"
    original.refresh_from_db()
    assert original.bounced_at is not None and "5.1.1" in original.bounce_reason
    assert original.status == MessageStatus.SENT  # the relay took it; the bounce is its own field (decision 0013)
    assert Recipient.objects.get(request=request, supplier=cards[0]).reply_status == ReplyStatus.BOUNCED
    assert suppressed_emails([cards[0].email.upper(), cards[1].email]) == {cards[0].email.upper()}
    assert not Message.objects.filter(direction=Direction.INCOMING).exists()
    assert _file(dsn_for(original), django_capture_on_commit_callbacks).kind == "duplicate"

    # a later mailing skips the suppressed address and says so
    other, _ = make_sendable_request(alice, suppliers=0)
    Recipient.objects.bulk_create([Recipient(request=other, supplier=card, selected=True) for card in cards])
    with django_capture_on_commit_callbacks(execute=True):
        answer = alice_client.post(f"/api/v1/user/requests/{other.pk}/send", SEND, format="json")
    assert answer.status_code == 200 and answer.json()["skippedsuppressed"] == 1 and answer.json()["sentcount"] == 1
    assert [email.to for email in django_mail.outbox] == [[cards[1].email]]


def test_a_nonstandard_bounce_and_a_delay_report(sent, django_capture_on_commit_callbacks):
    request, cards, messages = sent
    assert _file(nonstandard_bounce_for(messages[cards[1].pk]), django_capture_on_commit_callbacks).kind == "bounce"
    assert SuppressedAddress.objects.filter(email=cards[1].email.lower()).exists()
    delayed = dsn_for(messages[cards[0].pk], message_id="<delay@mx>", action="delayed")
    assert _file(delayed, django_capture_on_commit_callbacks).kind == "bounce"  # recorded, nothing marked
    assert Recipient.objects.get(request=request, supplier=cards[0]).reply_status == ReplyStatus.NONE
    assert UnmatchedMail.objects.get(message_id="<delay@mx>").status == UnmatchedStatus.DISCARDED


def test_a_quote_outranks_a_reply_and_a_bounce_stays(sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    Recipient.objects.filter(request=request, supplier=cards[0]).update(reply_status=ReplyStatus.QUOTED)
    Recipient.objects.filter(request=request, supplier=cards[1]).update(reply_status=ReplyStatus.BOUNCED)
    for index, card in enumerate(cards):
        recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=card)
        _file(reply_to_recipient(recipient, message_id=f"<r{index}@s>"), django_capture_on_commit_callbacks)
    states = dict(Recipient.objects.filter(request=request).values_list("supplier_id", "reply_status"))
    assert states == {cards[0].pk: ReplyStatus.QUOTED, cards[1].pk: ReplyStatus.BOUNCED}


def test_attachments_are_the_buyers_and_a_bomb_or_a_forbidden_type_is_dropped_with_a_note(
    alice, sent, django_capture_on_commit_callbacks
):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    raw = build_reply(
        to=f"rfq+{recipient.reply_token}@b2b.localhost",
        from_email=cards[0].email,
        attachments=[
            ("price.csv", b"1;Flange;100\n", "text/csv"),
            ("bomb.zip", bomb(), "application/zip"),
            ("run.exe", b"MZ\x90\x00", "application/octet-stream"),
        ],
    )
    outcome = _file(raw, django_capture_on_commit_callbacks)
    reply = Message.objects.get(pk=outcome.row_id)
    [kept] = reply.attachments.all()
    assert kept.owner_id == alice.pk and kept.original_filename == "price.csv" and kept.content_type == "text/csv"
    assert "bomb.zip" in reply.body and "run.exe" in reply.body  # the notes, in the buyer's language
    assert len(django_mail.outbox) == 1 and [name for name, *_ in django_mail.outbox[0].attachments] == ["price.csv"]


def test_an_oversize_attachment_is_dropped(settings, sent, django_capture_on_commit_callbacks):
    settings.ATTACHMENT_MAX_BYTES = 1000
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    raw = reply_to_recipient(recipient, attachments=[("big.txt", b"x" * 5000, "text/plain")])
    reply = Message.objects.get(pk=_file(raw, django_capture_on_commit_callbacks).row_id)
    assert not reply.attachments.exists() and "big.txt" in reply.body


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b"From: =?bogus-charset?Q?=E9?= <a@b.example>\r\nSubject: =?utf-8?B?!!!?=\r\n\r\n\xff\xfe\xfd",
        b"Subject: " + b"A" * 200_000 + b"\r\nMessage-ID: <" + b"x" * 400 + b">\r\n\r\nbody",
        b"Content-Type: text/plain; charset=koi8-zz\r\n\r\n\xc1\xc2\xc3",
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n"
        b"Subject: inner\r\nMessage-ID: <inner@x>\r\n\r\ninner body\r\n--B--\r\n",
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
        + b"--B\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" * 3000,
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><style>x{}</style><p>"
        + "Привет".encode()
        + b"</p></html>",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64===",
    ],
    ids=[
        "empty",
        "garbage",
        "bad-encodings",
        "huge-headers",
        "unknown-charset",
        "nested-rfc822",
        "mime-bomb",
        "html-only",
        "bad-base64",
    ],
)
def test_malformed_mail_is_queued_or_filed_never_a_crash(raw, django_capture_on_commit_callbacks):
    outcome = _file(raw, django_capture_on_commit_callbacks)
    assert outcome.kind == "unmatched"
    row = UnmatchedMail.objects.get(pk=outcome.row_id)
    assert bytes(row.raw) == raw and len(row.message_id) <= 255
    assert _file(raw, django_capture_on_commit_callbacks).kind == "duplicate"  # a derived id is stable


def test_parse_details():
    assert derived_message_id(b"abc") == derived_message_id(b"abc") != derived_message_id(b"abd")
    html = parse_mail(
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p><script>x()</script><p>World &amp; co</p>"
    )
    assert html.body_text == "Hello\n\nWorld & co"
    cp1251 = parse_mail("Content-Type: text/plain; charset=utf-8\r\n\r\nЦена".encode("cp1251"))
    assert cp1251.body_text == "Цена"  # lying charset: the fallback reads it
    nested = parse_mail(
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
        + b"--B\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" * 3000
    )
    assert nested.notes


def test_raw_utf8_and_cp1251_headers_are_read_not_replaced():
    """Found by the verification round: an unencoded UTF-8 subject and sender name (RFC 6532, sent so by many
    clients) were stored as a row of replacement characters."""
    mail = parse_mail(
        "From: Иван Петров <zakaz@otvod.example>\r\nSubject: Re: Запрос № 12 — цена 1 250 руб\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nЦена".encode()
    )
    assert (mail.subject, mail.from_email) == ("Re: Запрос № 12 — цена 1 250 руб", "zakaz@otvod.example")
    legacy = parse_mail("Subject: Цена\r\n\r\nx".encode("cp1251"))
    assert legacy.subject == "Цена"
    assert parse_mail(b"Subject: =?utf-8?b?0J7RgtCy0LXRgg==?=\r\n\r\nx").subject == "Ответ"  # encoded-words as before


def test_html_only_reply_is_stored_as_text(sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    raw = reply_to_recipient(recipient, body="", html="<html><body><p>Цена: <b>100</b> руб.</p></body></html>")
    reply = Message.objects.get(pk=_file(raw, django_capture_on_commit_callbacks).row_id)
    assert reply.body == "Цена: 100 руб."


def test_maildir_is_read_once_and_files_move_to_cur(inbox, sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    mailbox.drop_into_maildir(reply_to_recipient(recipient), inbox)
    mailbox.drop_into_maildir(
        build_reply(to="x@y.example", from_email="who@nowhere.example", message_id="<z@s>"), inbox
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = mailbox.fetch_replies()
    assert (result.fetched, result.filed, result.unmatched) == (2, 1, 1)
    assert not list((inbox / "new").iterdir()) and len(list((inbox / "cur").iterdir())) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert mailbox.fetch_replies().fetched == 0
    # a crash between filing and the move: the file is read again and is a duplicate
    path = mailbox.drop_into_maildir(reply_to_recipient(recipient), inbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert mailbox.fetch_replies().duplicates == 1
    assert not path.exists()
    assert Message.objects.filter(direction=Direction.INCOMING).count() == 1


def test_recipients_list_candidates_and_contacted_suppliers_never_drop_out(
    alice, alice_client, bob_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    request, cards = make_sendable_request(alice, suppliers=2)
    key = request.keys.first()
    candidate = SupplierFactory()
    KeySupplierLinkFactory(key=key, supplier=candidate)
    KeySupplierLinkFactory(key=key, supplier=cards[0])  # linked and chosen: listed once
    url = f"/api/v1/user/requests/{request.pk}/recipients"

    more = SupplierFactory.create_batch(20)
    for card in more:
        KeySupplierLinkFactory(key=key, supplier=card)
    with django_assert_max_num_queries(7):  # request, send states, recipients, candidates, 2 blacklist reads
        rows = {row["supplierid"]: row for row in alice_client.get(url).json()["recipients"]}
    assert set(rows) == {cards[0].pk, cards[1].pk, candidate.pk, *(card.pk for card in more)}
    assert rows[candidate.pk]["selected"] is False and rows[candidate.pk]["sendstatus"] == "notsent"
    assert rows[cards[0].pk] | {"selected": True, "sendstatus": "notsent", "replystatus": "none"} == rows[cards[0].pk]
    assert bob_client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND, format="json")
    Recipient.objects.filter(request=request, supplier=cards[1]).update(reply_status=ReplyStatus.REPLIED)
    answer = alice_client.put(url, {"recipients": [{"supplierid": candidate.pk, "selected": True}]}, format="json")
    assert answer.status_code == 200
    rows = {row["supplierid"]: row for row in answer.json()["recipients"]}
    assert set(rows) == {cards[0].pk, cards[1].pk, candidate.pk, *(card.pk for card in more)}  # contacted stay
    assert (rows[cards[0].pk]["selected"], rows[cards[0].pk]["sendstatus"]) == (False, "sent")
    assert rows[cards[1].pk]["replystatus"] == "replied" and rows[candidate.pk]["selected"] is True
    assert bob_client.put(url, {"recipients": []}, format="json").status_code == 404


def test_incoming_replies_in_the_thread(
    alice_client, bob_client, sent, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    outcome = _file(
        reply_to_recipient(recipient, attachments=[("p.txt", b"price\n", "text/plain")]),
        django_capture_on_commit_callbacks,
    )
    with django_assert_max_num_queries(6):
        answer = alice_client.get(f"/api/v1/user/requests/{request.pk}/messages")
    items = answer.json()["items"]
    [incoming] = [item for item in items if item["direction"] == "incoming"]
    reply = Message.objects.get(pk=outcome.row_id)
    assert incoming["fromemail"] == cards[0].email.lower() and incoming["inreplyto"] is None
    assert incoming["attachmentids"] == [reply.attachments.get().pk] and incoming["supplierid"] == cards[0].pk
    assert all(item["fromemail"] is None for item in items if item["direction"] == "outgoing")
    assert bob_client.get(f"/api/v1/user/requests/{request.pk}/messages").status_code == 404


def test_reply_to_a_done_request_is_still_filed(sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    type(request).objects.filter(pk=request.pk).update(status=RequestStatus.DONE)
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    assert _file(reply_to_recipient(recipient), django_capture_on_commit_callbacks).kind == "filed"


def test_simulate_reply_plays_the_supplier_in_the_embedded_default(inbox, sent, django_capture_on_commit_callbacks):
    request, cards, messages = sent
    with django_capture_on_commit_callbacks(execute=True):
        call_command("simulate_reply", messages[cards[1].pk].pk, "--fetch", stdout=io.StringIO())
    reply = Message.objects.get(direction=Direction.INCOMING)
    assert (reply.request_id, reply.supplier_id, reply.in_reply_to) == (
        request.pk,
        cards[1].pk,
        messages[cards[1].pk].message_id,
    )
    assert len(list((inbox / "cur").iterdir())) == 1


def test_a_moderator_files_unmatched_mail_from_its_change_page(sent, console, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    raw = build_reply(to="info@b2b.localhost", from_email="new-address@supplier.example", message_id="<m@s>")
    row_id = _file(raw, django_capture_on_commit_callbacks).row_id
    with django_capture_on_commit_callbacks(execute=True):
        answer = console.post(
            f"/admin/messaging/unmatchedmail/{row_id}/change/",
            {"request": request.pk, "supplier": cards[0].pk, "_save": "Save"},
        )
    assert answer.status_code == 302, answer.content[:2000]
    row = UnmatchedMail.objects.get(pk=row_id)
    assert row.status == UnmatchedStatus.FILED and row.filed_message.supplier_id == cards[0].pk
    assert len(django_mail.outbox) == 1  # the buyer's copy
    assert console.get(f"/admin/messaging/unmatchedmail/{row_id}/change/").status_code == 200  # read-only now


def test_an_out_of_office_answer_is_filed_but_does_not_count_as_a_reply(sent, django_capture_on_commit_callbacks):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    raw = reply_to_recipient(recipient, body="I am away until Monday.", Auto_Submitted="auto-replied")
    assert _file(raw, django_capture_on_commit_callbacks).kind == "filed"
    assert Recipient.objects.get(pk=recipient.pk).reply_status == ReplyStatus.NONE
    assert len(django_mail.outbox) == 1


def test_a_copy_the_relay_refused_is_kept_pending_then_sent_once(
    settings, sent, smtp_backend, django_capture_on_commit_callbacks
):
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    with django_capture_on_commit_callbacks(execute=False):  # the copy task is left unpublished: filed only
        outcome = inbound.process_mail(reply_to_recipient(recipient))
    smtp_backend.handler.data_script.extend(["451"])

    with pytest.raises(smtplib.SMTPDataError):  # the relay's 451 (the task counts it and retries with backoff)
        inbound.reply_copy_send(message_id=outcome.row_id)
    assert inbound.reply_copy_failed(message_id=outcome.row_id, error=RuntimeError("451")) == 1
    assert inbound.pending_copy_ids(older_than_seconds=0) == [outcome.row_id]  # the sweeper will publish it

    assert inbound.reply_copy_send(message_id=outcome.row_id) == "sent"
    assert inbound.reply_copy_send(message_id=outcome.row_id) == "skipped"  # a duplicate task sends nothing
    assert inbound.pending_copy_ids(older_than_seconds=0) == []
    [copy] = smtp_backend.handler.received
    assert copy.rcpt_tos == [request.owner.email] and copy.message["Message-ID"].startswith("<copy-")


def test_a_copy_is_given_up_after_the_last_attempt(settings, sent, django_capture_on_commit_callbacks):
    settings.MESSAGE_MAX_ATTEMPTS = 2
    request, cards, _messages = sent
    recipient = Recipient.objects.select_related("supplier").get(request=request, supplier=cards[0])
    with django_capture_on_commit_callbacks(execute=False):
        outcome = inbound.process_mail(reply_to_recipient(recipient))
    for _ in range(2):
        inbound.reply_copy_failed(message_id=outcome.row_id, error=RuntimeError("relay down"))
    reply = Message.objects.get(pk=outcome.row_id)
    assert reply.last_error and reply.copy_sent_at is None
    assert inbound.pending_copy_ids(older_than_seconds=0) == []  # recorded for moderators, not retried forever
