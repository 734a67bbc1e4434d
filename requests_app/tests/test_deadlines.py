"""The deadline and close endpoints (API.md UserRequests, PRODUCT.md §2.9): answers, validation, states, scoping.

What the suppliers receive (reminders, notices) is tested in messaging/tests/test_deadlines.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import make_request_with_keys

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _put_deadline(client, request_id: int, deadline: object):
    return client.put(f"/api/v1/user/requests/{request_id}/deadline", {"deadline": deadline}, format="json")


@pytest.mark.parametrize("status", [RequestStatus.CONFIRMED, RequestStatus.PROCESSING])
def test_put_deadline_answers_the_detail_with_it(clock, alice, alice_client, status) -> None:
    request = make_request_with_keys(2, owner=alice, status=status)
    deadline = NOW + timedelta(days=3)

    answer = _put_deadline(alice_client, request.pk, _iso(deadline))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["id"] == request.pk and body["deadline"] == "2026-12-07T09:00:00Z" and body["closedat"] is None
    assert [key["pos"] for key in body["keys"]] == [1, 2]
    request.refresh_from_db()
    assert request.deadline == deadline and request.updated_at == NOW
    detail = alice_client.get(f"/api/v1/user/requests/{request.pk}").json()
    assert detail["deadline"] == "2026-12-07T09:00:00Z"


def test_a_deadline_with_an_offset_is_stored_in_utc(clock, alice, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)

    answer = _put_deadline(alice_client, request.pk, "2026-12-10T18:00:00+03:00")

    assert answer.status_code == 200, answer.content
    assert answer.json()["deadline"] == "2026-12-10T15:00:00Z"


@pytest.mark.parametrize(
    ("deadline", "kind"),
    [
        (NOW - timedelta(seconds=1), "datetime_future"),
        (NOW, "datetime_future"),  # now is not the future
        (NOW + timedelta(days=366), "datetime_too_late"),
    ],
)
def test_a_deadline_not_ahead_is_422_at_body_deadline(clock, alice, alice_client, deadline, kind) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)

    answer = _put_deadline(alice_client, request.pk, _iso(deadline))

    assert answer.status_code == 422, answer.content
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", "deadline"] and error["type"] == kind
    request.refresh_from_db()
    assert request.deadline is None


@pytest.mark.parametrize("body", [{}, {"deadline": None}, {"deadline": "tomorrow"}, {"deadline": 17}])
def test_a_missing_or_unreadable_deadline_is_422(alice, alice_client, body) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)

    answer = alice_client.put(f"/api/v1/user/requests/{request.pk}/deadline", body, format="json")

    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["loc"] == ["body", "deadline"]


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.DONE])
def test_deadline_on_a_draft_or_done_request_is_409(clock, alice, alice_client, status) -> None:
    request = make_request_with_keys(1, owner=alice, status=status)

    answer = _put_deadline(alice_client, request.pk, _iso(NOW + timedelta(days=2)))

    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "invalid_state"


def test_deadline_of_another_buyers_request_is_404(clock, alice, bob_client) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)

    assert _put_deadline(bob_client, request.pk, _iso(NOW + timedelta(days=2))).status_code == 404
    assert bob_client.post(f"/api/v1/user/requests/{request.pk}/close").status_code == 404
    request.refresh_from_db()
    assert request.deadline is None and request.status == RequestStatus.PROCESSING


def test_deadline_needs_a_login(anon_client, alice) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)

    assert _put_deadline(anon_client, request.pk, "2030-01-01T00:00:00Z").status_code == 401
    assert anon_client.post(f"/api/v1/user/requests/{request.pk}/close").status_code == 401


# --- submit with a deadline ---------------------------------------------------------------------------------


def test_submit_takes_a_deadline(clock, alice, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice)

    answer = alice_client.post(
        f"/api/v1/user/requests/{request.pk}/submit", {"deadline": "2026-12-11T12:00:00Z"}, format="json"
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["newstatus"] == "confirmed"
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED
    assert request.deadline == datetime(2026, 12, 11, 12, 0, tzinfo=UTC)


def test_submit_without_a_body_still_works(alice, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice)

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/submit")

    assert answer.status_code == 200, answer.content
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED and request.deadline is None


def test_submit_with_a_past_deadline_is_422_and_stays_draft(clock, alice, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice)

    answer = alice_client.post(
        f"/api/v1/user/requests/{request.pk}/submit", {"deadline": _iso(NOW - timedelta(hours=1))}, format="json"
    )

    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["loc"] == ["body", "deadline"]
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT and request.deadline is None


# --- close ------------------------------------------------------------------------------------------------


def test_close_after_the_first_send(clock, alice, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.PROCESSING)

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/close")

    assert answer.status_code == 200, answer.content
    assert answer.json() == {"success": True, "requestid": request.pk, "newstatus": "done"}
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.closed_at == NOW
    detail = alice_client.get(f"/api/v1/user/requests/{request.pk}").json()
    assert detail["status"] == "done" and detail["closedat"] == "2026-12-04T09:00:00Z"
    listed = alice_client.get("/api/v1/user/requests").json()["items"][0]
    assert listed["closedat"] == "2026-12-04T09:00:00Z"


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.CONFIRMED, RequestStatus.DONE])
def test_close_of_a_request_never_sent_or_done_is_409(alice, alice_client, status) -> None:
    request = make_request_with_keys(1, owner=alice, status=status)

    answer = alice_client.post(f"/api/v1/user/requests/{request.pk}/close")

    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "invalid_state"
    assert Request.objects.get(pk=request.pk).closed_at is None


def test_close_of_a_missing_request_is_404(alice_client) -> None:
    assert alice_client.post("/api/v1/user/requests/999999/close").status_code == 404


# --- the console ----------------------------------------------------------------------------------------------


def test_the_console_shows_the_deadline_and_the_close(console, alice) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.DONE)
    Request.objects.filter(pk=request.pk).update(
        deadline=datetime(2026, 12, 20, 15, 30, tzinfo=UTC), closed_at=datetime(2026, 12, 18, 10, 0, tzinfo=UTC)
    )

    listing = console.get("/admin/requests_app/request/")
    page = console.get(f"/admin/requests_app/request/{request.pk}/change/")

    assert listing.status_code == 200 and page.status_code == 200
    for html in (listing.content.decode(), page.content.decode()):
        assert "response deadline" in html.lower() and "closed at" in html.lower()
        assert "Dec. 20, 2026, 3:30 p.m." in html and "Dec. 18, 2026, 10 a.m." in html
