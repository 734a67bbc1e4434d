"""Moderation: the task queue under /moderator/tasks, task transitions, and suppliers linked to keys.

Links are written by ``requests_app.moderation`` (the admin calls it); what buyers and moderators see of them
is asserted over HTTP.
"""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.errors import ValidationFailed
from requests_app.errors import KeyNotFound, RequestNotLinkable
from requests_app.models import KeySupplierLink, ModeratorTask, ModeratorTaskStatus, Request, RequestStatus
from requests_app.moderation import (
    key_link_suppliers,
    key_unlink_supplier,
    request_link_known_suppliers,
    task_open,
    tasks_finish,
    tasks_reopen,
    tasks_take,
)
from requests_app.tests.factories import (
    KeySupplierLinkFactory,
    ModeratorTaskFactory,
    RequestFactory,
    RequestKeyFactory,
    make_request_with_keys,
)
from suppliers.models import SupplierType
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/moderator/tasks"
REQUESTS = "/api/v1/user/requests"
TASK_FIELDS = {"id", "requestid", "status", "keyscount", "createdat", "updatedat", "assignee"}
PENDING, IN_PROGRESS, DONE = ModeratorTaskStatus.PENDING, ModeratorTaskStatus.IN_PROGRESS, ModeratorTaskStatus.DONE


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


def ids(body: dict) -> list[int]:
    return [item["id"] for item in body["items"]]


def linked(client, request_id: int) -> dict[int, list[int]]:
    """``{pos: [supplierid, ...]}`` of a request detail as ``client`` sees it."""
    response = client.get(f"{REQUESTS}/{request_id}")
    assert response.status_code == 200, response.content
    return {key["pos"]: [row["supplierid"] for row in key["suppliers"]] for key in response.json()["keys"]}


def task_at(days_ago: int, status: str = PENDING, **fields) -> ModeratorTask:
    return ModeratorTaskFactory(created_at=timezone.now() - timedelta(days=days_ago), status=status, **fields)


# --- a task is opened by submit ------------------------------------------------------------------------------


def test_submitting_a_request_opens_one_pending_task_in_the_queue(alice_client, moderator_client) -> None:
    request_id = create_request(alice_client, "Фланец Д100", "Болт М10")
    assert moderator_client.get(TASKS).json() == {"items": [], "limit": 50, "offset": 0, "total": 0}

    answer = submit(alice_client, request_id)

    task = ModeratorTask.objects.get()
    assert (task.request_id, task.status, task.assignee) == (request_id, PENDING, None)
    assert answer["newstatus"] == "confirmed" and answer["matchedsuppliers"] == 0
    body = moderator_client.get(TASKS).json()
    assert (body["limit"], body["offset"], body["total"]) == (50, 0, 1)
    (item,) = body["items"]
    assert item == {
        "id": task.pk,
        "requestid": request_id,
        "status": "pending",
        "keyscount": 2,
        "assignee": None,
        "createdat": item["createdat"],
        "updatedat": item["updatedat"],
    }
    assert datetime.fromisoformat(item["createdat"]) == task.created_at
    assert datetime.fromisoformat(item["updatedat"]) == task.updated_at


def test_task_open_is_idempotent() -> None:
    request = RequestFactory(status=RequestStatus.CONFIRMED)

    first = task_open(request=request)
    second = task_open(request=request)

    assert first.pk == second.pk and ModeratorTask.objects.count() == 1
    assert first.status == PENDING


def test_moderator_tasks_need_the_moderator_role(alice_client, anon_client) -> None:
    task = ModeratorTaskFactory()

    for path in (TASKS, f"{TASKS}/{task.pk}"):
        as_buyer = alice_client.get(path)
        as_anonymous = anon_client.get(path)

        assert (as_buyer.status_code, as_buyer.json()["code"]) == (403, "moderator_required")
        assert (as_anonymous.status_code, as_anonymous.json()["code"]) == (401, "not_authenticated")


# --- list ----------------------------------------------------------------------------------------------------


def test_list_is_oldest_first_whatever_the_ids(moderator_client) -> None:
    newest = task_at(1)
    oldest = task_at(5, IN_PROGRESS)
    middle = task_at(3, DONE)

    body = moderator_client.get(TASKS).json()

    assert ids(body) == [oldest.pk, middle.pk, newest.pk]
    assert [item["status"] for item in body["items"]] == ["inprogress", "done", "pending"]
    assert body["total"] == 3


def test_tasks_created_at_the_same_moment_are_listed_by_id(moderator_client) -> None:
    moment = timezone.now()
    tasks = [ModeratorTaskFactory(created_at=moment) for _ in range(3)]

    assert ids(moderator_client.get(TASKS).json()) == [task.pk for task in tasks]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("pending", ["old_pending", "new_pending"]), ("inprogress", ["in_progress"]), ("done", ["done"])],
)
def test_list_filters_by_status(moderator_client, status, expected) -> None:
    tasks = {
        "new_pending": task_at(1),
        "in_progress": task_at(2, IN_PROGRESS),
        "done": task_at(3, DONE),
        "old_pending": task_at(4),
    }

    body = moderator_client.get(TASKS, {"status": status}).json()

    assert ids(body) == [tasks[name].pk for name in expected]
    assert body["total"] == len(expected)
    assert {item["status"] for item in body["items"]} == {status}


def test_list_with_an_empty_status_answers_422_not_the_unfiltered_list(moderator_client) -> None:
    """Issue 13: an empty parameter is a client mistake, not a request for the default (leave it out for that)."""
    task_at(1)
    task_at(2, DONE)

    response = moderator_client.get(TASKS, {"status": ""})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


@pytest.mark.parametrize("status", ["archived", "PENDING", "in_progress"])
def test_list_with_an_unknown_status_answers_422_in_the_validation_shape(moderator_client, status) -> None:
    task_at(1)

    response = moderator_client.get(TASKS, {"status": status})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["query", "status"], "msg": "Must be one of: pending, inprogress, done.", "type": "enum"}]
    }


def test_list_paginates_with_limit_and_offset(moderator_client) -> None:
    tasks = [task_at(days_ago) for days_ago in range(5, 0, -1)]  # oldest first

    page = moderator_client.get(TASKS, {"limit": 2, "offset": 1}).json()
    last = moderator_client.get(TASKS, {"limit": 2, "offset": 4}).json()
    beyond = moderator_client.get(TASKS, {"limit": 2, "offset": 5}).json()
    widest = moderator_client.get(TASKS, {"limit": 200}).json()

    assert (ids(page), page["limit"], page["offset"], page["total"]) == ([tasks[1].pk, tasks[2].pk], 2, 1, 5)
    assert (ids(last), last["total"]) == ([tasks[4].pk], 5)
    assert (beyond["items"], beyond["limit"], beyond["offset"], beyond["total"]) == ([], 2, 5, 5)
    assert (len(widest["items"]), widest["limit"]) == (5, 200)


@pytest.mark.parametrize(
    ("query", "loc", "kind"),
    [
        ({"limit": 0}, ["query", "limit"], "greater_than_equal"),
        ({"limit": 201}, ["query", "limit"], "less_than_equal"),
        ({"limit": "ten"}, ["query", "limit"], "int_parsing"),
        ({"offset": -1}, ["query", "offset"], "greater_than_equal"),
    ],
    ids=["limit0", "limit201", "limit-junk", "offset-negative"],
)
def test_list_refuses_pagination_out_of_bounds(moderator_client, query, loc, kind) -> None:
    task_at(1)

    response = moderator_client.get(TASKS, query)

    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert (item["loc"], item["type"]) == (loc, kind) and item["msg"]


def test_list_counts_the_keys_of_each_tasks_request_and_names_the_assignee(moderator, moderator_client) -> None:
    empty = ModeratorTaskFactory(request=RequestFactory(status=RequestStatus.CONFIRMED))
    one = ModeratorTaskFactory(request=make_request_with_keys(1, status=RequestStatus.CONFIRMED))
    seven = ModeratorTaskFactory(
        request=make_request_with_keys(7, status=RequestStatus.CONFIRMED), status=IN_PROGRESS, assignee=moderator
    )
    make_request_with_keys(40)  # a draft without a task: its keys count nowhere

    items = {item["id"]: item for item in moderator_client.get(TASKS).json()["items"]}

    assert {task_id: item["keyscount"] for task_id, item in items.items()} == {empty.pk: 0, one.pk: 1, seven.pk: 7}
    assert {task_id: item["assignee"] for task_id, item in items.items()} == {
        empty.pk: None,
        one.pk: None,
        seven.pk: "mod@platform.example",
    }
    assert set(items[seven.pk]) == TASK_FIELDS


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(make_user, moderator_client, django_assert_num_queries, rows) -> None:
    for n in range(rows):
        assignee = make_user(f"mod{n}@platform.example", moderator=True)
        request = make_request_with_keys(n % 4 + 1, status=RequestStatus.CONFIRMED)
        ModeratorTaskFactory(request=request, status=IN_PROGRESS, assignee=assignee)

    # user with its moderator-group check (JWT, accounts/authentication.py), count, page (keys count and
    # assignee in the same query)
    with django_assert_num_queries(3):
        response = moderator_client.get(TASKS)

    items = response.json()["items"]
    assert len(items) == rows
    assert [item["keyscount"] for item in items] == [n % 4 + 1 for n in range(rows)]
    assert [item["assignee"] for item in items] == [f"mod{n}@platform.example" for n in range(rows)]


# --- detail --------------------------------------------------------------------------------------------------


def test_detail_answers_the_task_with_the_request_as_the_buyer_sees_it(
    alice, moderator, alice_client, moderator_client
) -> None:
    request = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED, title="Фланцы")
    RequestKeyFactory(request=request, pos=3, text="Труба 57х3,5")
    second = RequestKeyFactory(request=request, pos=2, text="Фланец Д100")
    RequestKeyFactory(request=request, pos=1, text="Болт М10")
    supplier = SupplierFactory(name="Фланцевый завод", type=SupplierType.RESELLER)
    KeySupplierLinkFactory(key=second, supplier=supplier)
    task = ModeratorTaskFactory(request=request)
    tasks_take(task_ids=[task.pk], moderator=moderator)
    task.refresh_from_db()

    response = moderator_client.get(f"{TASKS}/{task.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert {name: body[name] for name in TASK_FIELDS - {"createdat", "updatedat"}} == {
        "id": task.pk,
        "requestid": request.pk,
        "status": "inprogress",
        "keyscount": 3,
        "assignee": "mod@platform.example",
    }
    assert set(body) == TASK_FIELDS | {"request"}
    assert datetime.fromisoformat(body["updatedat"]) == task.updated_at
    assert body["request"] == alice_client.get(f"{REQUESTS}/{request.pk}").json()
    keys = body["request"]["keys"]
    assert [(key["pos"], key["rawtext"], key["normalizedtext"]) for key in keys] == [
        (1, "Болт М10", "болт m10"),
        (2, "Фланец Д100", "фланец d100"),
        (3, "Труба 57х3,5", "труба 57x3.5"),
    ]
    assert [key["suppliers"] for key in keys[::2]] == [[], []]
    assert keys[1]["suppliers"] == [
        {
            "supplierid": supplier.pk,
            "name": "Фланцевый завод",
            "inn": supplier.inn,
            "email": supplier.email,
            "isreseller": True,
            "isnew": True,
            "selected": False,
            "sendstatus": "notsent",
            "blockedreason": None,
        }
    ]


def test_detail_of_a_request_without_keys_counts_zero(moderator_client) -> None:
    task = ModeratorTaskFactory()

    body = moderator_client.get(f"{TASKS}/{task.pk}").json()

    assert (body["keyscount"], body["request"]["keys"], body["request"]["id"]) == (0, [], task.request_id)


def test_detail_of_an_unknown_task_answers_404(moderator_client) -> None:
    task = ModeratorTaskFactory()

    response = moderator_client.get(f"{TASKS}/{task.pk + 1}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Moderator task not found.", "code": "not_found"}


# --- transitions ---------------------------------------------------------------------------------------------

MOVES = {"take": tasks_take, "finish": tasks_finish, "reopen": tasks_reopen}


@pytest.mark.parametrize(
    ("start", "move", "moved", "end"),
    [
        (PENDING, "take", 1, IN_PROGRESS),
        (PENDING, "finish", 0, PENDING),
        (PENDING, "reopen", 0, PENDING),
        (IN_PROGRESS, "take", 0, IN_PROGRESS),
        (IN_PROGRESS, "finish", 0, IN_PROGRESS),  # another moderator's task: only its assignee marks it done
        (IN_PROGRESS, "reopen", 1, PENDING),
        (DONE, "take", 0, DONE),
        (DONE, "finish", 0, DONE),
        (DONE, "reopen", 1, PENDING),
    ],
)
def test_transitions_move_only_from_allowed_states(make_user, moderator, start, move, moved, end) -> None:
    first = make_user("first@platform.example", moderator=True)
    task = ModeratorTaskFactory(status=start, assignee=None if start == PENDING else first)
    before = task.updated_at

    count = MOVES[move](task_ids=[task.pk], moderator=moderator)

    task.refresh_from_db()
    assert (count, task.status) == (moved, end)
    assert (task.updated_at > before) is bool(moved)


def test_take_moves_only_the_pending_tasks_and_assigns_them(make_user, moderator, moderator_client) -> None:
    other = make_user("other@platform.example", moderator=True)
    pending = [task_at(4), task_at(3)]
    busy = task_at(2, IN_PROGRESS, assignee=other)
    finished = task_at(1, DONE, assignee=other)

    taken = tasks_take(task_ids=[task.pk for task in (*pending, busy, finished)], moderator=moderator)

    assert taken == 2
    assignees = dict(ModeratorTask.objects.values_list("pk", "assignee__email"))
    assert assignees == {
        pending[0].pk: "mod@platform.example",
        pending[1].pk: "mod@platform.example",
        busy.pk: "other@platform.example",
        finished.pk: "other@platform.example",
    }
    listed = moderator_client.get(TASKS, {"status": "inprogress"}).json()
    assert [(item["id"], item["assignee"]) for item in listed["items"]] == [
        (pending[0].pk, "mod@platform.example"),
        (pending[1].pk, "mod@platform.example"),
        (busy.pk, "other@platform.example"),
    ]


def test_finish_and_reopen_count_what_moved_and_keep_the_assignee(moderator) -> None:
    tasks = [ModeratorTaskFactory() for _ in range(3)]
    every = [task.pk for task in tasks]

    assert tasks_take(task_ids=every[:2], moderator=moderator) == 2
    assert tasks_finish(task_ids=every, moderator=moderator) == 2  # the pending third is not finished
    assert tasks_finish(task_ids=every, moderator=moderator) == 0
    assert tasks_reopen(task_ids=every, moderator=moderator) == 2  # the third already is pending

    rows = list(ModeratorTask.objects.order_by("pk").values_list("status", "assignee"))
    assert rows == [(PENDING, moderator.pk), (PENDING, moderator.pk), (PENDING, None)]


def test_a_reopened_task_can_be_taken_by_another_moderator(make_user, moderator) -> None:
    other = make_user("other@platform.example", moderator=True)
    task = ModeratorTaskFactory()
    tasks_take(task_ids=[task.pk], moderator=moderator)

    assert tasks_take(task_ids=[task.pk], moderator=other) == 0  # taken already: it stays with the first
    task.refresh_from_db()
    assert task.assignee == moderator

    tasks_reopen(task_ids=[task.pk], moderator=moderator)
    assert tasks_take(task_ids=[task.pk], moderator=other) == 1
    task.refresh_from_db()
    assert (task.status, task.assignee) == (IN_PROGRESS, other)


def test_transitions_of_unknown_tasks_move_nothing(moderator) -> None:
    task = ModeratorTaskFactory()

    assert tasks_take(task_ids=[task.pk + 1], moderator=moderator) == 0
    assert tasks_take(task_ids=[], moderator=moderator) == 0
    task.refresh_from_db()
    assert (task.status, task.assignee) == (PENDING, None)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_takes_of_one_task_have_exactly_one_winner() -> None:
    # Plain staff users: the moderators group (a data migration) may be gone after an earlier flush.
    moderators = [UserFactory(email=f"racer{n}@platform.example", is_staff=True) for n in range(2)]
    task = ModeratorTaskFactory()
    barrier = threading.Barrier(len(moderators))
    outcomes: dict[int, int] = {}
    errors: list[BaseException] = []

    def take(moderator: User) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[moderator.pk] = tasks_take(task_ids=[task.pk], moderator=moderator)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(moderator,)) for moderator in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes.values()) == [0, 1]
    (winner,) = [pk for pk, moved in outcomes.items() if moved == 1]
    task.refresh_from_db()
    assert (task.status, task.assignee_id) == (IN_PROGRESS, winner)


# --- linking suppliers to keys -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.DONE])
def test_linking_to_a_key_of_a_request_not_in_moderation_is_refused(moderator, status) -> None:
    key = RequestKeyFactory(request=RequestFactory(status=status))
    supplier = SupplierFactory()

    with pytest.raises(RequestNotLinkable) as excinfo:
        key_link_suppliers(key_id=key.pk, supplier_ids=[supplier.pk], moderator=moderator)

    assert (excinfo.value.status_code, excinfo.value.code) == (409, "invalid_state")
    assert not KeySupplierLink.objects.exists()


@pytest.mark.parametrize("status", [RequestStatus.CONFIRMED, RequestStatus.PROCESSING])
def test_linking_to_a_key_of_a_request_in_moderation_records_the_moderator(moderator, status) -> None:
    key = RequestKeyFactory(request=RequestFactory(status=status))
    supplier = SupplierFactory()

    assert key_link_suppliers(key_id=key.pk, supplier_ids=[supplier.pk], moderator=moderator) == 1

    link = KeySupplierLink.objects.get()
    assert (link.key_id, link.supplier_id, link.created_by) == (key.pk, supplier.pk, moderator)


def test_linking_to_an_unknown_key_is_not_found(moderator) -> None:
    key = RequestKeyFactory(request=RequestFactory(status=RequestStatus.CONFIRMED))
    supplier = SupplierFactory()

    with pytest.raises(KeyNotFound) as excinfo:
        key_link_suppliers(key_id=key.pk + 1, supplier_ids=[supplier.pk], moderator=moderator)

    assert (excinfo.value.status_code, excinfo.value.code) == (404, "not_found")
    assert not KeySupplierLink.objects.exists()


def test_linking_unknown_suppliers_is_a_validation_error_and_links_nothing(moderator) -> None:
    key = RequestKeyFactory(request=RequestFactory(status=RequestStatus.CONFIRMED))
    known = SupplierFactory()
    missing = [known.pk + 20, known.pk + 10]

    with pytest.raises(ValidationFailed) as excinfo:
        key_link_suppliers(key_id=key.pk, supplier_ids=[known.pk, *missing], moderator=moderator)

    assert excinfo.value.status_code == 422
    assert excinfo.value.errors == [
        (("supplier_ids",), f"Unknown suppliers: [{known.pk + 10}, {known.pk + 20}].", "value_error")
    ]
    assert not KeySupplierLink.objects.exists()


def test_linking_is_idempotent_and_counts_only_new_links(moderator) -> None:
    key = RequestKeyFactory(request=RequestFactory(status=RequestStatus.CONFIRMED))
    first, second, third = SupplierFactory.create_batch(3)
    other_key = RequestKeyFactory(request=key.request)
    KeySupplierLinkFactory(key=other_key, supplier=first)  # another key's link is not this key's

    assert key_link_suppliers(key_id=key.pk, supplier_ids=[first.pk, second.pk, first.pk], moderator=moderator) == 2
    assert key_link_suppliers(key_id=key.pk, supplier_ids=[first.pk, second.pk], moderator=moderator) == 0
    assert key_link_suppliers(key_id=key.pk, supplier_ids=[second.pk, third.pk], moderator=moderator) == 1
    assert key_link_suppliers(key_id=key.pk, supplier_ids=[], moderator=moderator) == 0

    assert sorted(key.supplier_links.values_list("supplier_id", flat=True)) == [first.pk, second.pk, third.pk]


def test_another_buyer_cannot_see_the_linked_request(alice, moderator, alice_client, bob_client) -> None:
    request_id = create_request(alice_client, "Фланец Д100")
    submit(alice_client, request_id)
    supplier = SupplierFactory()
    key_link_suppliers(key_id=key_at(request_id, 1).pk, supplier_ids=[supplier.pk], moderator=moderator)

    detail = bob_client.get(f"{REQUESTS}/{request_id}")
    recipients = bob_client.get(f"{REQUESTS}/{request_id}/recipients")

    assert (detail.status_code, detail.json()) == (404, {"detail": "Request not found.", "code": "not_found"})
    assert (recipients.status_code, recipients.json()["code"]) == (404, "not_found")
    assert linked(alice_client, request_id) == {1: [supplier.pk]}  # control: the owner sees it


# --- suppliers known for the same text are linked at submit --------------------------------------------------


def test_submit_links_the_suppliers_known_for_the_same_normalised_text(
    bob, moderator, alice_client, bob_client
) -> None:
    earlier_id = create_request(bob_client, "Фланец Д100", "Фланец Д110", "Труба 57х3,5")
    submit(bob_client, earlier_id)
    flange, near_miss, pipe = SupplierFactory.create_batch(3)
    for pos, supplier in ((1, flange), (2, near_miss), (3, pipe)):
        key_link_suppliers(key_id=key_at(earlier_id, pos).pk, supplier_ids=[supplier.pk], moderator=moderator)
    request_id = create_request(alice_client, "фланец  d100", "Болт М10")

    answer = submit(alice_client, request_id)

    assert answer == {
        "success": True,
        "requestid": request_id,
        "newstatus": "confirmed",
        "matchedsuppliers": 1,
        "message": "Submitted for moderation.",
    }
    assert linked(alice_client, request_id) == {1: [flange.pk], 2: []}
    link = KeySupplierLink.objects.get(key__request_id=request_id)
    assert (link.supplier_id, link.created_by) == (flange.pk, None)
    assert linked(bob_client, earlier_id) == {1: [flange.pk], 2: [near_miss.pk], 3: [pipe.pk]}  # unchanged
    assert ModeratorTask.objects.get(request_id=request_id).status == PENDING


def test_submit_counts_each_matched_supplier_once(moderator, alice_client, bob_client) -> None:
    # The flange supplier is known from two earlier requests, and the new request has the flange twice.
    flange, other = SupplierFactory.create_batch(2)
    for texts in (("Фланец Д100",), ("Болт М10", "ФЛАНЕЦ Ø100")):
        earlier_id = create_request(bob_client, *texts)
        submit(bob_client, earlier_id)
        key_link_suppliers(key_id=key_at(earlier_id, len(texts)).pk, supplier_ids=[flange.pk], moderator=moderator)
    key_link_suppliers(key_id=key_at(earlier_id, 1).pk, supplier_ids=[other.pk], moderator=moderator)
    request_id = create_request(alice_client, "Фланец Д100", "Фланец ⌀ 100", "Гайка М10")

    answer = submit(alice_client, request_id)

    assert answer["matchedsuppliers"] == 1
    assert linked(alice_client, request_id) == {1: [flange.pk], 2: [flange.pk], 3: []}


def test_request_link_known_suppliers_returns_the_links_written() -> None:
    flange = SupplierFactory()
    for _ in range(2):  # the same supplier for the same text in two earlier requests
        KeySupplierLinkFactory(key__request__status=RequestStatus.CONFIRMED, key__text="Фланец Д100", supplier=flange)
    request = RequestFactory(status=RequestStatus.CONFIRMED)
    first = RequestKeyFactory(request=request, pos=1, text="фланец д100")
    second = RequestKeyFactory(request=request, pos=2, text="Фланец Д100")
    KeySupplierLinkFactory(key=second, supplier=flange)  # already linked by hand

    assert request_link_known_suppliers(request=request) == 1
    assert request_link_known_suppliers(request=request) == 0

    assert sorted(KeySupplierLink.objects.filter(key__request=request).values_list("key_id", "supplier_id")) == [
        (first.pk, flange.pk),
        (second.pk, flange.pk),
    ]


def test_request_link_known_suppliers_ignores_the_requests_own_links() -> None:
    request = RequestFactory(status=RequestStatus.CONFIRMED)
    linked_key = RequestKeyFactory(request=request, pos=1, text="Фланец Д100")
    twin = RequestKeyFactory(request=request, pos=2, text="Фланец Д100")
    KeySupplierLinkFactory(key=linked_key)

    assert request_link_known_suppliers(request=request) == 0
    assert not twin.supplier_links.exists()


def test_an_unlinked_supplier_is_no_longer_linked_at_later_submits(moderator, alice_client, bob_client) -> None:
    earlier_id = create_request(bob_client, "Фланец Д100")
    submit(bob_client, earlier_id)
    supplier = SupplierFactory()
    key_id = key_at(earlier_id, 1).pk
    key_link_suppliers(key_id=key_id, supplier_ids=[supplier.pk], moderator=moderator)
    key_unlink_supplier(key_id=key_id, supplier_id=supplier.pk)
    request_id = create_request(alice_client, "Фланец Д100")

    answer = submit(alice_client, request_id)

    assert answer["matchedsuppliers"] == 0
    assert linked(alice_client, request_id) == {1: []}
