"""Reminders, deadline and close notices, the automatic close (messaging/deadlines.py, docs/deadlines.md).

Time is under control (time-machine, not ticking); Celery is eager, and the rows' publishing after commit does
not run in these (non-transactional) tests: what is asserted is the outbox, and the e-mail each row builds. The
real worker and SMTP server are in test_deadlines_integration.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.models import BuyerProfile
from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from blacklist.services import domain_blacklist_add
from core.durations import parse_duration, parse_duration_list
from messaging import deadlines
from messaging.email import build_email
from messaging.models import (
    Mailing,
    MailingKind,
    Message,
    MessageStatus,
    Recipient,
    ReplyStatus,
    SuppressedAddress,
)
from messaging.selectors import message_for_delivery
from messaging.services import recipient_mark_quoted
from requests_app.deadlines import request_close, request_set_deadline
from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.tests.factories import SupplierFactory

H = timedelta(hours=1)
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday morning
DEADLINE = START + 72 * H  # Thursday 09:00: reminders due Tuesday 09:00 (−48 h) and Wednesday 09:00 (−24 h)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def contact(request: Request, cards, *, status: str = MessageStatus.SENT) -> list[Message]:
    """The buyer's mailing reached ``cards``: one outgoing message each, in ``status``."""
    mailing = Mailing.objects.create(
        request=request, kind=MailingKind.SEND, subject="RFQ: flanges", body="Please quote.", created_by=request.owner
    )
    return Message.objects.bulk_create(
        Message(
            request=request,
            supplier=card,
            mailing=mailing,
            to_email=card.email,
            subject=mailing.subject,
            body=mailing.body,
            status=status,
            message_id=f"<msg-first-{request.pk}-{card.pk}@b2b.localhost>",
        )
        for card in cards
    )


def open_request(owner, *, suppliers: int = 2, deadline: datetime = DEADLINE) -> tuple[Request, list]:
    """Submitted with ``deadline``, then sent to ``suppliers`` suppliers (as the buyer does it)."""
    request = make_request_with_keys(2, owner=owner, status=RequestStatus.CONFIRMED)
    request_set_deadline(owner=owner, request_id=request.pk, deadline=deadline)
    cards = SupplierFactory.create_batch(suppliers)
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in cards)
    contact(request, cards)
    Request.objects.filter(pk=request.pk).update(status=RequestStatus.PROCESSING)
    request.refresh_from_db()
    return request, cards


def reminders(request: Request | None = None):
    rows = Message.objects.filter(mailing__kind=MailingKind.REMINDER)
    return rows.filter(request=request) if request is not None else rows


def reminded(request: Request) -> list[tuple[str, timedelta]]:
    return sorted(reminders(request).values_list("to_email", "mailing__reminder_offset"))


# --- the settings ---------------------------------------------------------------------------------------------


def test_durations_are_parsed_strictly() -> None:
    assert parse_duration_list("REMINDER_OFFSETS", "48h,24h") == (48 * H, 24 * H)
    assert parse_duration_list("REMINDER_OFFSETS", " 30m , 2d ,90s") == (
        timedelta(days=2),
        30 * timedelta(minutes=1),
        timedelta(seconds=90),
    )
    assert parse_duration_list("REMINDER_OFFSETS", "") == ()
    assert parse_duration("AUTO_CLOSE_AFTER", "14d") == timedelta(days=14)
    for bad in ("48", "48 h", "-1h", "0h", "1.5h", "48h,", "48h,,24h", "48h,2d", "1w", "h", "48H"):
        with pytest.raises(ImproperlyConfigured, match="REMINDER_OFFSETS"):
            parse_duration_list("REMINDER_OFFSETS", bad)
    with pytest.raises(ImproperlyConfigured, match="AUTO_CLOSE_AFTER"):
        parse_duration("AUTO_CLOSE_AFTER", "two weeks")


@pytest.mark.parametrize(("name", "value"), [("REMINDER_OFFSETS", "48h;24h"), ("AUTO_CLOSE_AFTER", "14")])
def test_a_bad_setting_stops_the_process_at_startup(name: str, value: str) -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.local", name: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{name}={value!r}" in result.stderr


# --- reminder slots -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_a_deadline_plans_a_slot_per_offset_ahead(clock, alice) -> None:
    far = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)
    near = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)

    request_set_deadline(owner=alice, request_id=far.pk, deadline=DEADLINE)
    request_set_deadline(owner=alice, request_id=near.pk, deadline=START + 30 * H)  # −48 h is already past

    def slots(request: Request) -> list[tuple[timedelta, datetime]]:
        return sorted(
            Mailing.objects.filter(request=request, kind=MailingKind.REMINDER).values_list("reminder_offset", "due_at")
        )

    assert slots(far) == [(24 * H, DEADLINE - 24 * H), (48 * H, DEADLINE - 48 * H)]
    assert slots(near) == [(24 * H, START + 6 * H)]


@pytest.mark.django_db
def test_reminder_offsets_follow_the_setting(clock, settings, alice) -> None:
    settings.REMINDER_OFFSETS = (3 * H,)
    request, cards = open_request(alice, suppliers=1)

    clock.move_to(DEADLINE - 24 * H)
    assert deadlines.plan_reminders() == []
    clock.move_to(DEADLINE - 3 * H)
    assert len(deadlines.plan_reminders()) == 1
    assert reminded(request) == [(cards[0].email, 3 * H)]


# --- planning ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_go_out_at_each_offset_once(clock, alice) -> None:
    request, cards = open_request(alice, suppliers=2)
    emails = sorted(card.email for card in cards)

    clock.move_to(DEADLINE - 48 * H - timedelta(minutes=1))
    assert deadlines.plan_reminders() == []  # not due yet

    clock.move_to(DEADLINE - 48 * H)
    first = deadlines.plan_reminders()
    assert len(first) == 2
    assert reminded(request) == [(email, 48 * H) for email in emails]
    assert deadlines.plan_reminders() == []  # planning again writes nothing

    clock.move_to(DEADLINE - 20 * H)  # the −24 h slot is due (a beat run a few hours late still sends it)
    assert len(deadlines.plan_reminders()) == 2
    assert reminded(request) == sorted([(email, 48 * H) for email in emails] + [(email, 24 * H) for email in emails])

    clock.move_to(DEADLINE + H)  # past the deadline: nothing more
    assert deadlines.plan_reminders() == []
    assert reminders(request).count() == 4
    assert set(reminders(request).values_list("status", flat=True)) == {MessageStatus.QUEUED}


@pytest.mark.django_db
def test_a_reminder_threads_under_the_first_email_in_the_buyers_language(clock, alice) -> None:
    BuyerProfile.objects.create(user=alice, company_name="ООО «Ромашка»", language="ru", signature="Иван Петров")
    request, [card] = open_request(alice, suppliers=1)
    clock.move_to(DEADLINE - 48 * H)

    [message_id] = deadlines.plan_reminders()

    message = message_for_delivery(message_id=message_id)
    assert message.to_email == card.email and message.status == MessageStatus.QUEUED
    assert message.in_reply_to == f"<msg-first-{request.pk}-{card.pk}@b2b.localhost>"
    assert message.message_id.startswith(f"<msg-{message.pk}.")
    email = build_email(message=message)
    assert email.extra_headers["In-Reply-To"] == message.in_reply_to
    assert "10.12.2026 09:00 (UTC)" in email.subject  # the Russian date and time of the deadline
    assert "через B2B Platform" in str(make_header(decode_header(email.message()["From"])))
    text = email.body
    assert f"№ {request.pk}" in text or f"No. {request.pk}" in text
    assert "10.12.2026 09:00 (UTC)" in text and "Иван Петров" in text and "Труба стальная 57х1" in text
    html = email.alternatives[0][0]
    assert "<td>Труба стальная 57х2</td>" in html


@pytest.mark.django_db
def test_no_reminder_after_a_reply_or_a_quote(clock, alice) -> None:
    request, [replied, quoted, silent] = open_request(alice, suppliers=3)
    Recipient.objects.filter(request=request, supplier=replied).update(reply_status=ReplyStatus.REPLIED)
    recipient_mark_quoted(request_id=request.pk, supplier_id=quoted.pk)
    clock.move_to(DEADLINE - 48 * H)

    deadlines.plan_reminders()

    assert reminded(request) == [(silent.email, 48 * H)]


@pytest.mark.django_db
def test_no_reminder_to_a_bounced_blacklisted_or_suppressed_address(clock, alice) -> None:
    request, cards = open_request(alice, suppliers=6)
    bounced, inn_listed, domain_listed, blocked, suppressed, fine = cards
    Recipient.objects.filter(request=request, supplier=bounced).update(reply_status=ReplyStatus.BOUNCED)
    InnBlacklistEntry.objects.create(owner=alice, inn=inn_listed.inn)  # added after the send: no reason recorded
    DomainBlacklistEntry.objects.create(domain=domain_listed.email.rpartition("@")[2])
    Recipient.objects.filter(request=request, supplier=blocked).update(selected=False, blocked_reason="inn_blacklisted")
    SuppressedAddress.objects.create(email=suppressed.email.upper())
    clock.move_to(DEADLINE - 48 * H)

    deadlines.plan_reminders()

    assert reminded(request) == [(fine.email, 48 * H)]


@pytest.mark.django_db
def test_a_domain_blacklisted_through_the_service_stops_reminders_too(clock, alice, moderator) -> None:
    request, [listed, fine] = open_request(alice, suppliers=2)
    domain_blacklist_add(domain=listed.email.rpartition("@")[2], created_by=moderator)
    clock.move_to(DEADLINE - 48 * H)

    deadlines.plan_reminders()

    assert reminded(request) == [(fine.email, 48 * H)]


@pytest.mark.django_db
def test_only_suppliers_whose_email_was_sent_are_reminded(clock, alice) -> None:
    request, [sent] = open_request(alice, suppliers=1)
    failed, queued = SupplierFactory.create_batch(2)
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in (failed, queued))
    contact(request, [failed], status=MessageStatus.FAILED)
    contact(request, [queued], status=MessageStatus.QUEUED)
    clock.move_to(DEADLINE - 48 * H)

    deadlines.plan_reminders()

    assert reminded(request) == [(sent.email, 48 * H)]


@pytest.mark.django_db
def test_a_supplier_first_contacted_after_an_offset_gets_only_the_later_one(clock, alice) -> None:
    request, [early] = open_request(alice, suppliers=1)
    clock.move_to(DEADLINE - 48 * H)
    deadlines.plan_reminders()
    clock.move_to(DEADLINE - 30 * H)
    late = SupplierFactory()
    Recipient.objects.create(request=request, supplier=late, selected=True)
    contact(request, [late])  # "send new", after the −48 h slot was due

    assert deadlines.plan_reminders() == []  # no late −48 h reminder for the newcomer
    clock.move_to(DEADLINE - 24 * H)
    deadlines.plan_reminders()

    assert reminded(request) == sorted([(early.email, 48 * H), (early.email, 24 * H), (late.email, 24 * H)])


@pytest.mark.django_db
def test_after_a_beat_outage_only_the_newest_due_reminder_goes(clock, alice) -> None:
    request, [card] = open_request(alice, suppliers=1)
    clock.move_to(DEADLINE - 12 * H)  # both −48 h and −24 h are due: one reminder, not two at once

    deadlines.plan_reminders()
    deadlines.plan_reminders()

    assert reminded(request) == [(card.email, 24 * H)]


@pytest.mark.django_db
def test_planning_twice_after_a_crash_writes_each_reminder_once(clock, alice) -> None:
    request, cards = open_request(alice, suppliers=3)
    clock.move_to(DEADLINE - 48 * H)
    # A first planner wrote part of the rows and died before queueing them (its transaction committed).
    [row] = deadlines.reminder_rows(now=deadlines.timezone.now())[:1]
    deadlines._write_rows([row], {row.mailing_id: ("Reminder", "text")})

    again = deadlines.plan_reminders()

    assert len(again) == 2
    assert reminders(request).count() == 3
    assert sorted(reminders(request).values_list("to_email", flat=True)) == sorted(card.email for card in cards)


@pytest.mark.django_db
def test_the_same_reminder_row_cannot_be_written_twice(clock, alice) -> None:
    request, cards = open_request(alice, suppliers=2)
    clock.move_to(DEADLINE - 48 * H)
    rows = deadlines.reminder_rows(now=deadlines.timezone.now())

    first = deadlines._write_rows(rows, {rows[0].mailing_id: ("Reminder", "text")})
    second = deadlines._write_rows(rows, {rows[0].mailing_id: ("Reminder", "text")})  # a racing planner's copy

    assert len(first) == 2 and second == []
    assert reminders(request).count() == 2


@pytest.mark.django_db
def test_reminders_for_many_recipients_in_a_constant_number_of_queries(
    clock, alice, bob, django_assert_max_num_queries
) -> None:
    for owner in (alice, bob, alice):
        open_request(owner, suppliers=40)
    clock.move_to(DEADLINE - 48 * H)

    # SQLite (the embedded default) cuts the INSERT into batches by its bound-variable limit.
    with django_assert_max_num_queries(10 if connection.vendor == "postgresql" else 16):
        ids = deadlines.plan_reminders()

    assert len(ids) == 120
    with django_assert_max_num_queries(4):  # all reminded: the slots' and the candidates' queries
        assert deadlines.plan_reminders() == []


@pytest.mark.django_db
def test_a_closed_request_gets_no_reminders(clock, alice) -> None:
    request, _cards = open_request(alice, suppliers=1)
    request_close(owner=alice, request_id=request.pk)
    clock.move_to(DEADLINE - 48 * H)

    assert deadlines.plan_reminders() == []


# --- a moved deadline ---------------------------------------------------------------------------------------


def notices(request: Request, kind: str):
    return Message.objects.filter(request=request, mailing__kind=kind)


@pytest.mark.django_db
def test_moving_the_deadline_emails_contacted_suppliers_and_moves_the_reminders(clock, alice) -> None:
    BuyerProfile.objects.create(user=alice, language="ru")
    request, [silent, replied, bounced] = open_request(alice, suppliers=3)
    Recipient.objects.filter(request=request, supplier=replied).update(reply_status=ReplyStatus.REPLIED)
    Recipient.objects.filter(request=request, supplier=bounced).update(reply_status=ReplyStatus.BOUNCED)
    later = DEADLINE + 48 * H
    clock.move_to(START + 12 * H)

    request_set_deadline(owner=alice, request_id=request.pk, deadline=later)

    moved = notices(request, MailingKind.DEADLINE)
    assert sorted(moved.values_list("to_email", flat=True)) == sorted([silent.email, replied.email])
    message = message_for_delivery(message_id=moved.first().pk)
    email = build_email(message=message)
    assert "12.12.2026 09:00 (UTC)" in email.subject  # the new deadline, in Russian
    assert "10.12.2026 09:00 (UTC)" in email.body and "12.12.2026 09:00 (UTC)" in email.body
    assert message.in_reply_to.startswith("<msg-first-")
    # The old deadline's −48 h is not sent; the new deadline's offsets are.
    clock.move_to(DEADLINE - 48 * H)
    assert deadlines.plan_reminders() == []
    clock.move_to(later - 48 * H)
    deadlines.plan_reminders()
    assert reminded(request) == [(silent.email, 48 * H)]
    assert reminders(request).get().mailing.deadline == later


@pytest.mark.django_db
def test_the_same_deadline_again_changes_nothing(clock, alice) -> None:
    request, _cards = open_request(alice, suppliers=2)

    request_set_deadline(owner=alice, request_id=request.pk, deadline=DEADLINE)

    assert not notices(request, MailingKind.DEADLINE).exists()


@pytest.mark.django_db
def test_a_deadline_set_after_the_send_is_announced(clock, alice) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)
    [card] = SupplierFactory.create_batch(1)
    Recipient.objects.create(request=request, supplier=card, selected=True)
    contact(request, [card])
    Request.objects.filter(pk=request.pk).update(status=RequestStatus.PROCESSING)

    request_set_deadline(owner=alice, request_id=request.pk, deadline=DEADLINE)

    [notice] = notices(request, MailingKind.DEADLINE)
    assert notice.to_email == card.email
    assert "has set a deadline" in notice.body and "12/10/2026" in notice.body


@pytest.mark.django_db
def test_a_deadline_set_back_after_its_offset_passed_skips_that_offset(clock, alice) -> None:
    request, [card] = open_request(alice, suppliers=1)
    clock.move_to(DEADLINE - 50 * H)
    request_set_deadline(owner=alice, request_id=request.pk, deadline=DEADLINE + 120 * H)
    clock.move_to(DEADLINE - 47 * H)
    request_set_deadline(owner=alice, request_id=request.pk, deadline=DEADLINE)  # back; its −48 h passed meanwhile

    assert deadlines.plan_reminders() == []  # not sent late
    clock.move_to(DEADLINE - 24 * H)
    deadlines.plan_reminders()

    assert reminded(request) == [(card.email, 24 * H)]


def test_the_api_moves_the_deadline_and_emails(clock, db, alice, alice_client) -> None:
    request, cards = open_request(alice, suppliers=2)

    answer = alice_client.put(
        f"/api/v1/user/requests/{request.pk}/deadline", {"deadline": "2026-12-14T09:00:00Z"}, format="json"
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["deadline"] == "2026-12-14T09:00:00Z"
    assert notices(request, MailingKind.DEADLINE).count() == 2


# --- close --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_early_emails_the_contacted_suppliers(clock, alice, alice_client) -> None:
    request, [quoted, bounced] = open_request(alice, suppliers=2)
    recipient_mark_quoted(request_id=request.pk, supplier_id=quoted.pk)
    Recipient.objects.filter(request=request, supplier=bounced).update(reply_status=ReplyStatus.BOUNCED)

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/close")

    assert answer.status_code == 200, answer.content
    [notice] = notices(request, MailingKind.CLOSED)
    assert notice.to_email == quoted.email and "has closed request" in notice.body
    email = build_email(message=message_for_delivery(message_id=notice.pk))
    assert email.subject == f"Request No. {request.pk} is closed"
    assert "quote page" not in email.body and "Труба" not in email.body
    clock.move_to(DEADLINE - 48 * H)
    assert deadlines.plan_reminders() == []


@pytest.mark.django_db
def test_closing_after_the_deadline_emails_nobody(clock, alice) -> None:
    request, _cards = open_request(alice, suppliers=2)
    clock.move_to(DEADLINE + H)

    request_close(owner=alice, request_id=request.pk)

    assert not notices(request, MailingKind.CLOSED).exists()


# --- the automatic close ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_is_closed_automatically_after_its_deadline_and_activity(clock, settings, alice) -> None:
    quiet, _ = open_request(alice, suppliers=1)
    answered, [supplier] = open_request(alice, suppliers=1)
    written, _ = open_request(alice, suppliers=1)
    no_deadline = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)
    never_sent = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)
    Request.objects.filter(pk=never_sent.pk).update(deadline=DEADLINE)
    clock.move_to(DEADLINE + 10 * 24 * H)
    recipient_mark_quoted(request_id=answered.pk, supplier_id=supplier.pk)  # a quote 10 days after the deadline
    contact(written, SupplierFactory.create_batch(1))  # the buyer wrote to a new supplier

    clock.move_to(DEADLINE + 14 * 24 * H - timedelta(minutes=1))
    assert deadlines.close_stale_requests() == []
    clock.move_to(DEADLINE + 14 * 24 * H)
    assert deadlines.close_stale_requests() == [quiet.pk]
    assert deadlines.close_stale_requests() == []

    statuses = dict(Request.objects.values_list("pk", "status"))
    assert statuses[quiet.pk] == RequestStatus.DONE
    assert Request.objects.get(pk=quiet.pk).closed_at == DEADLINE + 14 * 24 * H
    assert not notices(quiet, MailingKind.CLOSED).exists()  # after the deadline: nobody is told
    for still_open in (answered, written, no_deadline):
        assert statuses[still_open.pk] == RequestStatus.PROCESSING
    assert statuses[never_sent.pk] == RequestStatus.CONFIRMED

    clock.move_to(DEADLINE + 24 * 24 * H)  # 14 days after the quote and the new message
    assert sorted(deadlines.close_stale_requests()) == sorted([answered.pk, written.pk])
    settings.AUTO_CLOSE_AFTER = timedelta(days=365)
    assert deadlines.close_stale_requests() == []


# --- two planners at once -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_planners_at_once_write_one_reminder_each(alice, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a server database")
    with time_machine.travel(START, tick=False) as clock:
        request, cards = open_request(alice, suppliers=30)
        clock.move_to(DEADLINE - 48 * H)
    now = DEADLINE - 48 * H
    barrier = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def planner() -> None:
        try:
            barrier.wait()
            results.append(deadlines.plan_reminders(now=now))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    import messaging.deadlines as module

    published: list[int] = []
    original = module.enqueue_deliveries
    module.enqueue_deliveries = lambda ids: published.extend(ids) or 0  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=planner) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        module.enqueue_deliveries = original

    assert not errors, errors
    assert sum(len(ids) for ids in results) == 30  # every reminder written (and published) by exactly one planner
    assert sorted(published) == sorted(id_ for ids in results for id_ in ids)
    assert reminders(request).count() == 30
    assert sorted(reminders(request).values_list("to_email", flat=True)) == sorted(card.email for card in cards)
