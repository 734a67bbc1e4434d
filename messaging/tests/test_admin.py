"""The moderators' outbox in the admin: lists, filters, search, and the re-queue action."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from messaging import delivery
from messaging.failures import DeliveryError
from messaging.models import DeliveryErrorReason as Reason
from messaging.models import Message, MessageStatus
from messaging.services import mailing_send

from .conftest import make_sendable_request

pytestmark = pytest.mark.django_db
ADMIN = "/admin/messaging"


@pytest.fixture
def moderator_web(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def _messages(owner, count: int) -> list[Message]:
    request, _ = make_sendable_request(owner, suppliers=count)
    result = mailing_send(owner=owner, request_id=request.pk, subject="RFQ: valves", body="Please quote.")
    return list(Message.objects.filter(pk__in=result.message_ids).order_by("pk"))


def test_moderator_lists_filters_and_searches_messages(alice, bob, moderator_web, django_assert_max_num_queries):
    failed, queued = _messages(alice, 2)
    Message.objects.filter(pk=failed.pk).update(
        status=MessageStatus.FAILED, last_error="550 no such user", last_error_reason="recipient_refused"
    )
    other = _messages(bob, 1)[0]
    for _ in range(20):
        _messages(bob, 1)

    with django_assert_max_num_queries(15):
        everything = moderator_web.get(f"{ADMIN}/message/")
    by_state = moderator_web.get(f"{ADMIN}/message/", {"status__exact": "failed"})
    by_reason = moderator_web.get(f"{ADMIN}/message/", {"last_error_reason__exact": "recipient_refused"})
    by_supplier = moderator_web.get(f"{ADMIN}/message/", {"supplier__id__exact": queued.supplier_id})
    by_request = moderator_web.get(f"{ADMIN}/message/", {"request__id__exact": other.request_id})
    by_email = moderator_web.get(f"{ADMIN}/message/", {"q": queued.to_email})

    assert everything.status_code == 200 and everything.context["cl"].result_count == 23
    assert list(by_state.context["cl"].result_list) == [failed]
    assert list(by_reason.context["cl"].result_list) == [failed]
    assert list(by_supplier.context["cl"].result_list) == [queued]
    assert list(by_request.context["cl"].result_list) == [other]
    assert list(by_email.context["cl"].result_list) == [queued]
    assert moderator_web.get(f"{ADMIN}/message/{failed.pk}/change/").status_code == 200
    assert moderator_web.get(f"{ADMIN}/recipient/").status_code == 200
    assert moderator_web.get(f"{ADMIN}/mailing/").status_code == 200


def test_requeue_action_gives_failed_messages_a_new_start_and_leaves_others(
    alice, moderator_web, django_capture_on_commit_callbacks
):
    failed, sent = _messages(alice, 2)
    Message.objects.filter(pk=failed.pk).update(
        status=MessageStatus.FAILED, attempts=8, last_error="550 gone", last_error_reason="recipient_refused"
    )
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        answer = moderator_web.post(
            f"{ADMIN}/message/",
            {"action": "requeue_failed", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert answer.status_code == 200
    notes = [str(note) for note in answer.context["messages"]]
    assert "1 message re-queued." in notes and any("left alone" in note for note in notes)
    failed.refresh_from_db()
    # Re-queued with a fresh attempt budget, then delivered by the (eager) task after commit.
    assert (failed.status, failed.attempts) == (MessageStatus.SENT, 1)
    assert [email.to for email in mail.outbox] == [[failed.to_email]]
    assert Message.objects.get(pk=sent.pk).attempts == 0


def test_moderators_see_the_full_error_text_next_to_what_the_buyer_is_shown(alice, moderator_web, tmp_path):
    [message] = _messages(alice, 1)
    missing = tmp_path / "media" / "ab" / "cd" / "abcdef.bin"
    error = DeliveryError(False, Reason.ATTACHMENT_UNAVAILABLE, f"FileNotFoundError: [Errno 2] No such file: {missing}")
    delivery.claim_message(message_id=message.pk, now=(claimed_at := timezone.now()))
    delivery.record_failure(message_id=message.pk, claimed_at=claimed_at, error=error)

    page = moderator_web.get(f"{ADMIN}/message/{message.pk}/change/").content.decode()

    assert str(missing) in page and "FileNotFoundError" in page
    assert "An attachment could not be read" in page  # the "Error shown to the buyer" line


def test_outbox_rows_cannot_be_edited_added_or_deleted(alice, moderator_web):
    [message] = _messages(alice, 1)
    assert moderator_web.get(f"{ADMIN}/message/add/").status_code == 403
    assert moderator_web.get(f"{ADMIN}/message/{message.pk}/delete/").status_code == 403
    moderator_web.post(f"{ADMIN}/message/{message.pk}/change/", {"status": "sent"})
    assert Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED


def test_buyers_do_not_get_into_the_admin(alice):
    client = Client()
    client.force_login(alice)
    assert client.get(f"{ADMIN}/message/").status_code == 302  # to the admin login page
