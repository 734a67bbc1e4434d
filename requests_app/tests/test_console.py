"""The request page of the console as a day of work: bulk links with the supplier picker, unlinks, task moves.

Driven as the browser does it, through the Django test client and a plain moderator (not a superuser). The figure
of issue 21: linking 3 suppliers to a 50-key request is one submission (plus the page it comes back to).
"""

import pytest
from django.core import mail

from requests_app.models import (
    KeySupplierLink,
    ModeratorTask,
    ModeratorTaskEvent,
    ModeratorTaskEventKind,
    ModeratorTaskStatus,
    RequestStatus,
)
from requests_app.moderation import key_link_suppliers
from requests_app.tests.factories import ModeratorTaskFactory, make_request_with_keys
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/requests_app"


def page_of(request_id: int) -> str:
    return f"{ADMIN}/request/{request_id}/change/"


def links_of(request) -> set[tuple[int, int]]:
    return set(KeySupplierLink.objects.filter(key__request=request).values_list("key__pos", "supplier_id"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_request_page_shows_the_panel_a_checkbox_per_key_and_the_linked_suppliers(console) -> None:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory(name="ФланцМаш")
    key_link_suppliers(key_id=request.keys.get(pos=2).pk, supplier_ids=[supplier.pk], moderator=None)

    page = console.get(page_of(request.pk))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="console-links"' in html
    assert f'formaction="/admin/requests_app/request/{request.pk}/links/"' in html
    for key in request.keys.all():
        assert f'name="keys" value="{key.pk}"' in html
    key = request.keys.get(pos=2)
    assert f'name="unlink" value="{key.pk}:{supplier.pk}"' in html and "ФланцМаш" in html
    # The picker is the admin's autocomplete over the supplier cards.
    assert "admin-autocomplete" in html and 'data-model-name="keysupplierlink"' in html


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.DONE])
def test_no_panel_on_a_request_that_is_not_in_moderation(console, status) -> None:
    request = make_request_with_keys(2, status=status)

    html = console.get(page_of(request.pk)).content.decode()

    assert 'id="console-links"' not in html


def test_linking_3_suppliers_to_50_keys_is_one_submission(console, moderator, django_assert_max_num_queries) -> None:
    request = make_request_with_keys(50, status=RequestStatus.CONFIRMED)
    suppliers = [SupplierFactory() for _ in range(3)]
    data = {"all_keys": "on", "suppliers": [str(s.pk) for s in suppliers], "_link": "1"}

    with django_assert_max_num_queries(16):
        response = console.post(f"{ADMIN}/request/{request.pk}/links/", data)

    assert response.status_code == 302 and response["Location"] == page_of(request.pk)
    assert links_of(request) == {(pos, s.pk) for pos in range(1, 51) for s in suppliers}
    assert set(KeySupplierLink.objects.values_list("created_by", flat=True)) == {moderator.pk}
    back = console.get(response["Location"])
    assert messages_of(back) == ["150 new links on 50 keys."]


def test_ticked_keys_and_positions_choose_the_keys(console) -> None:
    request = make_request_with_keys(30, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory()
    ticked = [request.keys.get(pos=pos).pk for pos in (1, 2)]
    data = {"keys": ticked, "positions": "10-12, 25", "suppliers": [supplier.pk], "_link": "1"}

    response = console.post(f"{ADMIN}/request/{request.pk}/links/", data, follow=True)

    assert links_of(request) == {(pos, supplier.pk) for pos in (1, 2, 10, 11, 12, 25)}
    assert messages_of(response) == ["6 new links on 6 keys."]
    # Linking again adds nothing (idempotent) and says so.
    again = console.post(f"{ADMIN}/request/{request.pk}/links/", data, follow=True)
    assert messages_of(again) == ["0 new links on 6 keys."]


def test_keys_of_another_request_are_ignored_and_bad_positions_refused(console) -> None:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    other = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory()
    foreign = other.keys.get(pos=1).pk

    picked = console.post(
        f"{ADMIN}/request/{request.pk}/links/",
        {"keys": [foreign], "suppliers": [supplier.pk], "_link": "1"},
        follow=True,
    )
    garbled = console.post(
        f"{ADMIN}/request/{request.pk}/links/",
        {"positions": "1-x", "suppliers": [supplier.pk], "_link": "1"},
        follow=True,
    )

    assert KeySupplierLink.objects.count() == 0
    assert messages_of(picked) == ["Pick one or more suppliers and tick keys (or all keys)."]
    assert messages_of(garbled) == ["Write positions as 1-20, 35."]


def test_hostile_ids_and_positions_are_ignored_or_refused_never_a_500(console) -> None:
    request = make_request_with_keys(2, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory()
    url = f"{ADMIN}/request/{request.pk}/links/"

    huge_key = console.post(url, {"keys": [str(2**70), "-1", "x"], "suppliers": [supplier.pk], "_link": "1"})
    huge_pos = console.post(url, {"positions": "99999999999", "suppliers": [supplier.pk], "_link": "1"})
    long_range = console.post(url, {"positions": "1-5000", "suppliers": [supplier.pk], "_link": "1"})
    huge_unlink = console.post(url, {"unlink": [f"{2**70}:{2**70}", "1:x"], "_unlink": "1"})
    unknown_supplier = console.post(url, {"all_keys": "on", "suppliers": [str(2**70)], "_link": "1"})

    for response in (huge_key, huge_pos, long_range, huge_unlink, unknown_supplier):
        assert response.status_code == 302
    assert not KeySupplierLink.objects.exists()


def test_unlink_removes_the_ticked_links_and_the_picked_suppliers_from_the_chosen_keys(console) -> None:
    request = make_request_with_keys(4, status=RequestStatus.CONFIRMED)
    first, second = SupplierFactory(), SupplierFactory()
    keys = {key.pos: key.pk for key in request.keys.all()}
    for pos in keys:
        key_link_suppliers(key_id=keys[pos], supplier_ids=[first.pk, second.pk], moderator=None)

    ticked = console.post(
        f"{ADMIN}/request/{request.pk}/links/", {"unlink": [f"{keys[1]}:{first.pk}"], "_unlink": "1"}, follow=True
    )
    assert messages_of(ticked) == ["1 link removed."]
    picked = console.post(
        f"{ADMIN}/request/{request.pk}/links/",
        {"positions": "3-4", "suppliers": [second.pk], "_unlink": "1"},
        follow=True,
    )

    assert messages_of(picked) == ["2 links removed."]
    assert links_of(request) == {(1, second.pk), (2, first.pk), (2, second.pk), (3, first.pk), (4, first.pk)}


def test_links_of_a_request_that_left_moderation_are_refused(console) -> None:
    request = make_request_with_keys(2, status=RequestStatus.DONE)
    supplier = SupplierFactory()

    response = console.post(
        f"{ADMIN}/request/{request.pk}/links/",
        {"all_keys": "on", "suppliers": [supplier.pk], "_link": "1"},
        follow=True,
    )

    assert KeySupplierLink.objects.count() == 0
    assert messages_of(response) == ["Suppliers can be linked only to keys of a confirmed or processing request."]


def test_a_buyer_cannot_post_links(client, alice) -> None:
    request = make_request_with_keys(2, status=RequestStatus.CONFIRMED)
    supplier = SupplierFactory()
    client.force_login(alice)

    response = client.post(f"{ADMIN}/request/{request.pk}/links/", {"all_keys": "on", "suppliers": [supplier.pk]})

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert KeySupplierLink.objects.count() == 0


def test_the_supplier_picker_finds_cards_by_name_inn_and_domain(console) -> None:
    flanges = SupplierFactory(name="ФланцМаш", inn="7701234567")
    flanges.sites.create(url="https://flanec-mash.ru/", root_domain="flanec-mash.ru")
    from suppliers.services import supplier_sync_domains

    supplier_sync_domains(supplier=flanges)
    SupplierFactory(name="Болты и гайки")
    params = {"app_label": "requests_app", "model_name": "keysupplierlink", "field_name": "supplier"}

    def found(term: str) -> list[str]:
        response = console.get("/admin/autocomplete/", {**params, "term": term})
        assert response.status_code == 200, response.content
        return [row["text"] for row in response.json()["results"]]

    assert found("флан") == [str(flanges)]
    assert found("7701234567") == [str(flanges)]
    assert found("flanec") == [str(flanges)]


# --- the task from the request page and its own page ---------------------------------------------------------


def move(client, task, name: str, back: str):
    return client.post(f"{ADMIN}/moderatortask/{task.pk}/move/{name}/?next={back}", follow=True)


def test_take_link_and_mark_done_from_the_request_page(console, moderator, django_capture_on_commit_callbacks) -> None:
    task = ModeratorTaskFactory()
    request = task.request
    request.keys.create(pos=1, text="Фланец", normalized_text="фланец")
    supplier = SupplierFactory()
    here = page_of(request.pk)

    page = console.get(here).content.decode()
    assert f'formaction="/admin/requests_app/moderatortask/{task.pk}/move/take/' in page
    taken = move(console, task, "take", here)
    linked = console.post(
        f"{ADMIN}/request/{request.pk}/links/",
        {"all_keys": "on", "suppliers": [supplier.pk], "_link": "1"},
        follow=True,
    )
    assert messages_of(linked) == ["1 new link on 1 key."]
    with django_capture_on_commit_callbacks(execute=True):
        done = move(console, task, "done", here)

    assert taken.redirect_chain[-1][0] == here and done.redirect_chain[-1][0] == here
    assert messages_of(done) == [f"Task #{task.pk} done; the buyer is told by e-mail."]
    task.refresh_from_db()
    assert (task.status, task.assignee) == (ModeratorTaskStatus.DONE, moderator)
    kinds = list(ModeratorTaskEvent.objects.filter(task=task).values_list("kind", "actor", "suppliers_linked"))
    assert kinds == [(ModeratorTaskEventKind.TAKEN, moderator.pk, None), (ModeratorTaskEventKind.DONE, moderator.pk, 1)]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [request.owner.email]


def test_done_by_another_moderator_is_refused_until_they_take_it_over(console, moderator, make_user) -> None:
    first = make_user("first@platform.example", moderator=True)
    task = ModeratorTaskFactory(status=ModeratorTaskStatus.IN_PROGRESS, assignee=first)
    here = f"{ADMIN}/moderatortask/{task.pk}/change/"

    refused = move(console, task, "done", here)
    task.refresh_from_db()
    assert task.status == ModeratorTaskStatus.IN_PROGRESS
    assert messages_of(refused) == ["Only the moderator the task is assigned to can mark it done; take it over first."]

    over = move(console, task, "take", here)
    assert messages_of(over) == [f"Task #{task.pk} taken over from first@platform.example."]
    move(console, task, "done", here)

    task.refresh_from_db()
    assert (task.status, task.assignee) == (ModeratorTaskStatus.DONE, moderator)
    history = console.get(here).content.decode()
    assert "Taken over" in history and "first@platform.example" in history and "Marked done" in history
    event = ModeratorTaskEvent.objects.get(kind=ModeratorTaskEventKind.TAKEN_OVER)
    assert (event.actor, event.previous_assignee) == (moderator, first)


def test_reopen_from_the_task_page_and_an_unsafe_next_is_ignored(console) -> None:
    task = ModeratorTaskFactory(status=ModeratorTaskStatus.DONE)

    response = console.post(f"{ADMIN}/moderatortask/{task.pk}/move/reopen/?next=https://evil.example/")

    assert response["Location"] == f"{ADMIN}/moderatortask/{task.pk}/change/"
    assert ModeratorTask.objects.get().status == ModeratorTaskStatus.PENDING


def test_a_buyer_cannot_move_a_task(client, alice) -> None:
    task = ModeratorTaskFactory()
    client.force_login(alice)

    response = client.post(f"{ADMIN}/moderatortask/{task.pk}/move/take/")

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert ModeratorTask.objects.get().status == ModeratorTaskStatus.PENDING


# --- the figure of issue 21: 3 suppliers on a 50-key request, before and after --------------------------------


class Counting:
    """The moderator's browser: counts page loads (GETs of HTML pages, redirects followed) and form submissions."""

    def __init__(self, client) -> None:
        self.client, self.loads, self.submissions = client, 0, 0

    def open(self, url: str):
        self.loads += 1
        response = self.client.get(url)
        assert response.status_code == 200, url
        return response

    def submit(self, url: str, data: dict):
        self.submissions += 1
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context and response.context.get("errors")
        self.open(response["Location"])  # the browser follows the redirect: one more page load
        return response


def test_before_and_after_linking_3_suppliers_to_a_50_key_request(console) -> None:
    """Before: the key page was the only place to link (a save per key, supplier ids typed in); after: one
    submission of the request page. The counts are asserted, and quoted in docs/moderation.md."""
    suppliers = [SupplierFactory() for _ in range(3)]
    ids = [supplier.pk for supplier in suppliers]

    before_request = make_request_with_keys(50, status=RequestStatus.CONFIRMED)
    before = Counting(console)
    before.open(page_of(before_request.pk))
    for key in before_request.keys.order_by("pos"):
        url = f"{ADMIN}/requestkey/{key.pk}/change/"
        before.open(url)  # the "View" link beside the key (the key page holds its links)
        rows = {
            "supplier_links-TOTAL_FORMS": "3",
            "supplier_links-INITIAL_FORMS": "0",
            "supplier_links-MIN_NUM_FORMS": "0",
            "supplier_links-MAX_NUM_FORMS": "1000",
        }
        rows.update({f"supplier_links-{n}-supplier": str(pk) for n, pk in enumerate(ids)})
        before.submit(url, rows)

    after_request = make_request_with_keys(50, status=RequestStatus.CONFIRMED)
    after = Counting(console)
    after.open(page_of(after_request.pk))
    after.submit(f"{ADMIN}/request/{after_request.pk}/links/", {"all_keys": "on", "suppliers": ids, "_link": "1"})

    expected = {(pos, pk) for pos in range(1, 51) for pk in ids}
    assert links_of(before_request) == links_of(after_request) == expected
    assert (before.submissions, before.loads) == (50, 101)
    assert (after.submissions, after.loads) == (1, 2)


def test_task_history_rows_are_named_in_the_consoles_language(console) -> None:
    """Found by the verification round: each history row of the Russian console read "taken of task 7"."""
    task = ModeratorTaskFactory(status=ModeratorTaskStatus.PENDING)
    here = f"{ADMIN}/moderatortask/{task.pk}/change/"
    move(console, task, "take", here)
    console.cookies["django_language"] = "ru"

    page = console.get(here).content.decode()

    assert f"Взята: задача {task.pk}" in page and "of task" not in page
