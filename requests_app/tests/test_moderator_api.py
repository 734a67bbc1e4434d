"""REST of the day's work: POST /moderator/tasks/{id}/take|done|reopen and PUT /moderator/requests/{id}/links."""

import pytest
from django.core import mail

from requests_app.models import KeySupplierLink, ModeratorTask, ModeratorTaskEvent, ModeratorTaskStatus, RequestStatus
from requests_app.tests.factories import ModeratorTaskFactory, make_request_with_keys
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/moderator/tasks"
REQUESTS = "/api/v1/moderator/requests"
PENDING, IN_PROGRESS, DONE = ModeratorTaskStatus.PENDING, ModeratorTaskStatus.IN_PROGRESS, ModeratorTaskStatus.DONE


def post(client, task, move: str):
    return client.post(f"{TASKS}/{task.pk}/{move}")


def test_take_done_reopen_answer_the_task(moderator_client, moderator, django_capture_on_commit_callbacks) -> None:
    task = ModeratorTaskFactory()
    task.request.keys.create(pos=1, text="Болт", normalized_text="болт")

    taken = post(moderator_client, task, "take")
    with django_capture_on_commit_callbacks(execute=True):
        done = post(moderator_client, task, "done")
    reopened = post(moderator_client, task, "reopen")

    assert taken.status_code == 200, taken.content
    body = taken.json()
    assert {key: body[key] for key in ("id", "requestid", "status", "keyscount", "assignee")} == {
        "id": task.pk,
        "requestid": task.request_id,
        "status": "inprogress",
        "keyscount": 1,
        "assignee": "mod@platform.example",
    }
    assert (done.status_code, done.json()["status"]) == (200, "done")
    assert (reopened.status_code, reopened.json()["status"]) == (200, "pending")
    assert len(mail.outbox) == 1
    kinds = list(ModeratorTaskEvent.objects.values_list("kind", flat=True))
    assert kinds == ["taken", "done", "reopened"]


@pytest.mark.parametrize(
    ("start", "move"),
    [(DONE, "take"), (PENDING, "done"), (DONE, "done"), (PENDING, "reopen")],
)
def test_moves_not_allowed_from_the_state_answer_409_invalid_state(moderator_client, moderator, start, move) -> None:
    task = ModeratorTaskFactory(status=start, assignee=None if start == PENDING else moderator)

    response = post(moderator_client, task, move)

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state" and set(response.json()) == {"detail", "code"}
    assert ModeratorTask.objects.get().status == start
    assert not ModeratorTaskEvent.objects.exists()


def test_done_by_a_moderator_who_is_not_the_assignee_answers_409_not_assignee(moderator_client, make_user) -> None:
    first = make_user("first@platform.example", moderator=True)
    task = ModeratorTaskFactory(status=IN_PROGRESS, assignee=first)

    refused = post(moderator_client, task, "done")
    over = post(moderator_client, task, "take")
    done = post(moderator_client, task, "done")

    assert refused.status_code == 409 and refused.json() == {
        "detail": "Only the moderator the task is assigned to can mark it done; take it over first.",
        "code": "not_assignee",
    }
    assert (over.status_code, over.json()["assignee"]) == (200, "mod@platform.example")
    assert done.status_code == 200
    event = ModeratorTaskEvent.objects.get(kind="takenover")
    assert (event.previous_assignee, event.from_status, event.to_status) == (first, IN_PROGRESS, IN_PROGRESS)


def test_taking_ones_own_task_again_changes_nothing(moderator_client, moderator) -> None:
    task = ModeratorTaskFactory(status=IN_PROGRESS, assignee=moderator)

    response = post(moderator_client, task, "take")

    assert (response.status_code, response.json()["status"]) == (200, "inprogress")
    assert not ModeratorTaskEvent.objects.exists()


def test_unknown_task_answers_404(moderator_client) -> None:
    assert moderator_client.post(f"{TASKS}/999999/take").status_code == 404


def test_task_moves_and_links_refuse_buyers_and_anonymous(alice_client, anon_client) -> None:
    task = ModeratorTaskFactory()
    request = make_request_with_keys(2, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory()
    body = {"allkeys": True, "supplierids": [supplier.pk]}

    for client, status in ((alice_client, 403), (anon_client, 401)):
        for move in ("take", "done", "reopen"):
            assert post(client, task, move).status_code == status
        assert client.put(f"{REQUESTS}/{request.pk}/links", body, format="json").status_code == status

    assert ModeratorTask.objects.get().status == PENDING and not KeySupplierLink.objects.exists()


# --- links ------------------------------------------------------------------------------------------------------


def test_all_keys_links_every_key_and_answers_the_detail(moderator_client, moderator, alice) -> None:
    request = make_request_with_keys(50, status=RequestStatus.CONFIRMED, owner=alice)
    suppliers = [SupplierFactory() for _ in range(3)]

    response = moderator_client.put(
        f"{REQUESTS}/{request.pk}/links", {"allkeys": True, "supplierids": [s.pk for s in suppliers]}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == request.pk and len(body["keys"]) == 50
    expected = sorted(s.pk for s in suppliers)
    assert all([row["supplierid"] for row in key["suppliers"]] == expected for key in body["keys"])
    assert KeySupplierLink.objects.filter(created_by=moderator).count() == 150


def test_per_key_links_add_and_replace(moderator_client) -> None:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    first, second = SupplierFactory(), SupplierFactory()
    keys = {key.pos: key.pk for key in request.keys.all()}
    url = f"{REQUESTS}/{request.pk}/links"

    added = moderator_client.put(
        url,
        {
            "links": [
                {"keyid": keys[1], "supplierids": [first.pk, second.pk]},
                {"keyid": keys[2], "supplierids": [first.pk]},
            ]
        },
        format="json",
    )
    replaced = moderator_client.put(
        url, {"links": [{"keyid": keys[1], "supplierids": [second.pk]}], "replace": True}, format="json"
    )
    emptied = moderator_client.put(
        url, {"links": [{"keyid": keys[2], "supplierids": []}], "replace": True}, format="json"
    )

    assert added.status_code == replaced.status_code == emptied.status_code == 200
    by_pos = {key["pos"]: [row["supplierid"] for row in key["suppliers"]] for key in emptied.json()["keys"]}
    assert by_pos == {1: [second.pk], 2: [], 3: []}


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.DONE])
def test_links_of_a_request_not_in_moderation_answer_409(moderator_client, status) -> None:
    request = make_request_with_keys(2, status=status)
    supplier = SupplierFactory()

    response = moderator_client.put(
        f"{REQUESTS}/{request.pk}/links", {"allkeys": True, "supplierids": [supplier.pk]}, format="json"
    )

    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert not KeySupplierLink.objects.exists()


def test_links_validation_answers_422_with_locations(moderator_client) -> None:
    request = make_request_with_keys(2, status=RequestStatus.CONFIRMED)
    other = make_request_with_keys(1, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory()
    url = f"{REQUESTS}/{request.pk}/links"

    def loc(body) -> list:
        response = moderator_client.put(url, body, format="json")
        assert response.status_code == 422, response.content
        return [item["loc"] for item in response.json()["detail"]]

    assert loc({}) == [["body", "links"]]
    assert loc({"allkeys": True}) == [["body", "supplierids"]]
    assert loc({"links": [{"keyid": other.keys.get().pk, "supplierids": [supplier.pk]}]}) == [["body", "links"]]
    assert loc({"allkeys": True, "supplierids": [supplier.pk + 1000]}) == [["body", "supplierids"]]
    assert loc({"allkeys": True, "supplierids": [2**70]}) == [["body", "supplierids", 0]]
    assert loc({"links": [{"keyid": 2**70, "supplierids": []}]}) == [["body", "links", 0, "keyid"]]
    assert loc({"links": [], "allkeys": True, "supplierids": [supplier.pk]}) == [["body", "allkeys"]]
    assert not KeySupplierLink.objects.exists()


def test_links_of_an_unknown_request_answer_404(moderator_client) -> None:
    supplier = SupplierFactory()

    response = moderator_client.put(
        f"{REQUESTS}/999999/links", {"allkeys": True, "supplierids": [supplier.pk]}, format="json"
    )

    assert response.status_code == 404


def test_links_query_count_does_not_grow_with_keys(moderator_client, django_assert_max_num_queries) -> None:
    request = make_request_with_keys(200, status=RequestStatus.CONFIRMED)
    suppliers = [SupplierFactory() for _ in range(3)]

    with django_assert_max_num_queries(16):
        response = moderator_client.put(
            f"{REQUESTS}/{request.pk}/links", {"allkeys": True, "supplierids": [s.pk for s in suppliers]}, format="json"
        )

    assert response.status_code == 200 and KeySupplierLink.objects.count() == 600
