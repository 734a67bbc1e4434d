"""End to end with real parts: PostgreSQL, Celery worker processes on Redis, an SMTP server on loopback.

Each test publishes from this process (eager off) and lets worker processes deliver; states are read back
from the committed database rows. Deadlines keep a broken run short.
"""

from __future__ import annotations

import re
import time

import pytest
from django.test import override_settings

from attachments.tests.factories import AttachmentFactory
from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from messaging import delivery
from messaging.models import Message, MessageStatus, Recipient
from messaging.tasks import deliver_message

from .conftest import make_sendable_request, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEND_BODY = {"subject": "RFQ: flanges", "body": "Please quote the items below.\nDelivery to Moscow."}


def _statuses(ids: list[int]) -> dict[int, str]:
    return dict(Message.objects.filter(pk__in=ids).values_list("pk", "status"))


def _all_in(ids: list[int], *states: str) -> bool:
    statuses = _statuses(ids)
    return len(statuses) == len(ids) and all(status in states for status in statuses.values())


def test_email_arrives_with_headers_body_and_attachments(alice, alice_client, smtp, start_worker):
    request, suppliers = make_sendable_request(alice, suppliers=1, keys=2)
    spec = AttachmentFactory(owner=alice, filename="Спецификация.txt", content=b"flange DN100 PN16\n")
    request.source_attachment = AttachmentFactory(owner=alice, filename="request.csv", content=b"1;Flange;10;pcs\n")
    request.save(update_fields=["source_attachment"])
    start_worker()

    answer = alice_client.post(
        f"/api/v1/user/requests/{request.pk}/send", {**SEND_BODY, "attachmentids": [spec.pk]}, format="json"
    )

    assert answer.status_code == 200, answer.content
    [message_id] = answer.json()["messageids"]
    wait_until(lambda: _all_in([message_id], MessageStatus.SENT), what="the message to be sent")
    message = Message.objects.get(pk=message_id)
    [received] = smtp.handler.received
    email = received.message
    assert received.rcpt_tos == [suppliers[0].email]
    assert email["To"] == suppliers[0].email
    assert email["From"] == "B2B Platform <noreply@b2b.localhost>"
    token = Recipient.objects.get(request=request, supplier=suppliers[0]).reply_token
    assert email["Reply-To"] == f"rfq+{token}@b2b.localhost"  # replies come back to the platform (issue 18)
    assert email["Subject"] == "RFQ: flanges"
    assert email["Message-ID"] == message.message_id
    assert re.fullmatch(rf"<msg-{message.pk}\.[0-9a-f]{{16}}@b2b\.localhost>", message.message_id)
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    assert f"Dear {suppliers[0].name}" in text and "Delivery to Moscow." in text and alice.email in text
    assert "<td>1</td>" in html and "Труба стальная 57х2" in html
    # Text parts travel in SMTP's canonical CRLF form; the receiving client restores its own line ends.
    files = {part.get_filename(): part.get_content().replace("\r\n", "\n") for part in email.iter_attachments()}
    assert files == {"Спецификация.txt": "flange DN100 PN16\n", "request.csv": "1;Flange;10;pcs\n"}
    assert message.attempts == 1 and message.sent_at is not None and message.last_error is None


def test_temporary_errors_are_retried_until_sent(alice, alice_client, smtp, start_worker):
    request, _ = make_sendable_request(alice, suppliers=1)
    smtp.handler.data_script.extend(["451", "451"])
    start_worker()

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")

    [message_id] = answer.json()["messageids"]
    wait_until(lambda: _all_in([message_id], MessageStatus.SENT, MessageStatus.FAILED), what="a final state")
    message = Message.objects.get(pk=message_id)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, None)
    assert smtp.handler.data_attempts == 3
    assert smtp.handler.received_ids() == [message.message_id]


def test_permanent_error_fails_at_once_without_retry(alice, alice_client, smtp, start_worker):
    request, _ = make_sendable_request(alice, suppliers=1)
    smtp.handler.rcpt_script.append("550")
    start_worker()

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")

    [message_id] = answer.json()["messageids"]
    wait_until(lambda: _all_in([message_id], MessageStatus.FAILED, MessageStatus.SENT), what="a final state")
    time.sleep(1.5)  # several retry periods of the worker's 0.2 s base: a retry would have happened by now
    message = Message.objects.get(pk=message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "550" in message.last_error
    assert smtp.handler.received == [] and smtp.handler.data_attempts == 0


def test_two_workers_and_duplicate_tasks_send_each_message_once(alice, alice_client, smtp, start_worker):
    """60 recipients: delivered in slices over shared SMTP sessions, with per-message duplicates on top."""
    request, _ = make_sendable_request(alice, suppliers=60)
    start_worker("w1")
    start_worker("w2")

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")
    ids = answer.json()["messageids"]
    for _ in range(3):  # duplicates, as a redelivery or the sweeper could publish them
        for message_id in ids:
            deliver_message.delay(message_id)

    wait_until(lambda: _all_in(ids, MessageStatus.SENT), timeout=60, what="all messages to be sent")
    time.sleep(1)  # let the duplicate tasks drain
    expected = sorted(Message.objects.filter(pk__in=ids).values_list("message_id", flat=True))
    assert sorted(smtp.handler.received_ids()) == expected
    assert smtp.handler.data_attempts == len(ids)
    assert set(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_worker_killed_mid_send_is_delivered_once_after_the_sweeper(alice, alice_client, smtp, start_worker):
    request, _ = make_sendable_request(alice, suppliers=1)
    smtp.handler.data_script.append("stall")
    first = start_worker("doomed")

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")
    [message_id] = answer.json()["messageids"]
    wait_until(smtp.handler.stalled.is_set, what="the worker to reach DATA")
    assert _statuses([message_id]) == {message_id: MessageStatus.SENDING}
    first.kill()
    smtp.handler.release.set()  # the dead worker's session ends without an acceptance
    start_worker("survivor")

    with override_settings(MESSAGE_REQUEUE_SENDING_AFTER_SECONDS=0):
        assert delivery.requeue_stuck_messages() == [message_id]

    wait_until(lambda: _all_in([message_id], MessageStatus.SENT), what="the message to be sent")
    message = Message.objects.get(pk=message_id)
    assert message.attempts == 2
    assert smtp.handler.received_ids() == [message.message_id]


def test_broker_down_at_commit_answers_and_the_sweeper_delivers_later(
    alice, alice_client, smtp, start_worker, live_celery, private_redis
):
    request, _ = make_sendable_request(alice, suppliers=3)
    live_celery(private_redis.url)
    private_redis.stop()

    started = time.monotonic()
    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")
    elapsed = time.monotonic() - started

    assert answer.status_code == 200, answer.content
    ids = answer.json()["messageids"]
    assert answer.json()["sentcount"] == 3 and elapsed < 5
    assert set(_statuses(ids).values()) == {MessageStatus.QUEUED}

    private_redis.start()
    live_celery(private_redis.url)
    start_worker(broker_url=private_redis.url)
    with override_settings(MESSAGE_REQUEUE_QUEUED_AFTER_SECONDS=0):
        assert delivery.requeue_stuck_messages() == sorted(ids)

    wait_until(lambda: _all_in(ids, MessageStatus.SENT), what="the swept messages to be sent")
    assert sorted(smtp.handler.received_ids()) == sorted(
        Message.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    )


def test_blacklisted_recipients_are_never_emailed(alice, alice_client, smtp, start_worker):
    request, (by_inn, by_domain, clean) = make_sendable_request(alice, suppliers=3)
    # Written straight into the lists (not through the blacklist services, which would untick them first):
    # the send itself must re-check both lists at queue time.
    InnBlacklistEntry.objects.create(owner=alice, inn=by_inn.inn)
    DomainBlacklistEntry.objects.create(domain=by_domain.email.rpartition("@")[2])
    start_worker()

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")

    assert answer.status_code == 200
    assert (answer.json()["sentcount"], answer.json()["skippedblacklisted"]) == (1, 2)
    wait_until(lambda: _all_in(answer.json()["messageids"], MessageStatus.SENT), what="the clean message")
    time.sleep(0.5)
    assert [received.rcpt_tos for received in smtp.handler.received] == [[clean.email]]
    assert not Message.objects.filter(supplier__in=[by_inn, by_domain]).exists()
    reasons = dict(Recipient.objects.filter(request=request).values_list("supplier_id", "blocked_reason"))
    assert reasons == {by_inn.pk: "inn_blacklisted", by_domain.pk: "domain_blacklisted", clean.pk: None}
    assert not Recipient.objects.filter(request=request, supplier__in=[by_inn, by_domain], selected=True).exists()


def test_a_temporary_error_inside_a_slice_is_retried_alone(alice, alice_client, smtp, start_worker):
    """30 recipients go out in slices over shared SMTP sessions; one 451 is retried by its own task."""
    request, _ = make_sendable_request(alice, suppliers=30)
    smtp.handler.data_script.extend(["250", "250", "250", "451"])
    start_worker(concurrency=1)  # one session at a time: the 4th e-mail is the refused one

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/send", SEND_BODY, format="json")

    ids = answer.json()["messageids"]
    wait_until(lambda: _all_in(ids, MessageStatus.SENT), what="all messages to be sent")
    attempts = sorted(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    assert attempts == [1] * 29 + [2]
    assert sorted(smtp.handler.received_ids()) == sorted(
        Message.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    )
