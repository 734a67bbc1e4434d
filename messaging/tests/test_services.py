"""Services of messaging on the real database: concurrency of sends, text validation, outbox rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import DomainError, ValidationFailed
from messaging.errors import AlreadySent
from messaging.models import Mailing, Message, MessageStatus
from messaging.services import mailing_send, validate_mailing_text

from .conftest import make_sendable_request


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_email_each_supplier_once(alice, live_celery):
    """Both presses run in parallel transactions; the recipient lock makes the second see the first's rows."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    request, suppliers = make_sendable_request(alice, suppliers=5)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def press() -> None:
        try:
            barrier.wait()
            outcomes.append(mailing_send(owner=alice, request_id=request.pk, subject="RFQ", body="Quote please."))
        except DomainError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["AlreadySent", "SendResult"]
    conflict = next(outcome for outcome in outcomes if isinstance(outcome, AlreadySent))
    assert conflict.extra["supplierids"] == sorted(card.pk for card in suppliers)
    assert Mailing.objects.count() == 1
    assert sorted(Message.objects.values_list("supplier_id", flat=True)) == sorted(card.pk for card in suppliers)


@pytest.mark.parametrize("subject", ["a\nb", "a\rb", "a\x00b", "a\x85b", "a\u2028b", "a\u2029b", "", "x" * 256])
def test_subject_must_be_one_header_line(subject):
    with pytest.raises(ValidationFailed) as caught:
        validate_mailing_text(subject=subject, body="ok")
    assert caught.value.errors[0][0] == ("subject",)


def test_subject_may_hold_any_printable_text():
    validate_mailing_text(subject="Запрос КП №5: фланцы\tДУ100 «срочно» 😀", body="x" * 20000)


@pytest.mark.django_db
def test_outbox_rows_carry_the_mailing_text_and_unique_message_ids(alice):
    request, suppliers = make_sendable_request(alice, suppliers=3)

    result = mailing_send(owner=alice, request_id=request.pk, subject="RFQ", body="Quote please.")

    rows = list(Message.objects.filter(pk__in=result.message_ids))
    assert {(row.subject, row.body, row.status, row.attempts) for row in rows} == {
        ("RFQ", "Quote please.", MessageStatus.QUEUED, 0)
    }
    assert sorted(row.to_email for row in rows) == sorted(card.email for card in suppliers)
    assert len({row.message_id for row in rows}) == 3
    for row in rows:
        assert row.message_id.startswith(f"<msg-{row.pk}.") and row.message_id.endswith("@b2b.localhost>")
