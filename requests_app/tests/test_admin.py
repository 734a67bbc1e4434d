"""The moderator console pages of requests, keys and tasks."""

import pytest

from requests_app.models import KeySupplierLink, RequestStatus
from requests_app.tests.factories import ModeratorTaskFactory, RequestFactory, make_request_with_keys
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/requests_app"


def test_request_list_searches_titles_and_key_text_and_filters_by_status(admin_client) -> None:
    pipes = make_request_with_keys(3, title="Трубы для котельной")
    flanges = RequestFactory(title="Разное", status=RequestStatus.CONFIRMED)
    flanges.keys.create(pos=1, text="Фланец плоский Д100", normalized_text="фланец плоский d100")

    by_title = admin_client.get(f"{ADMIN}/request/", {"q": "котельной"})
    by_key = admin_client.get(f"{ADMIN}/request/", {"q": "Фланец"})
    by_status = admin_client.get(f"{ADMIN}/request/", {"status__exact": "confirmed"})
    by_many_keys = admin_client.get(f"{ADMIN}/request/", {"q": "труба стальная"})

    assert list(by_title.context["cl"].result_list) == [pipes]
    assert list(by_key.context["cl"].result_list) == [flanges]
    assert list(by_status.context["cl"].result_list) == [flanges]
    assert list(by_many_keys.context["cl"].result_list) == [pipes]  # three matching keys, listed once
    assert by_title.context["cl"].result_list[0].keys_count == 3


def test_request_list_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries) -> None:
    for _ in range(30):
        make_request_with_keys(20)

    with django_assert_max_num_queries(12):
        response = admin_client.get(f"{ADMIN}/request/")

    assert response.status_code == 200


def test_request_page_with_2000_keys_shows_the_first_100_and_links_to_all(admin_client) -> None:
    request = make_request_with_keys(2000)

    response = admin_client.get(f"{ADMIN}/request/{request.pk}/change/")

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.pos for form in formset.forms] == list(range(1, 101))
    assert f"?request__id__exact={request.pk}" in response.content.decode()
    keys_page = admin_client.get(f"{ADMIN}/requestkey/", {"request__id__exact": request.pk})
    assert keys_page.context["cl"].result_count == 2000


def test_moderator_links_a_supplier_on_the_key_page(admin_client, admin_user) -> None:
    request = make_request_with_keys(1, status=RequestStatus.CONFIRMED)
    request_key = request.keys.get()
    supplier = SupplierFactory()
    data = {
        "supplier_links-TOTAL_FORMS": "1",
        "supplier_links-INITIAL_FORMS": "0",
        "supplier_links-MIN_NUM_FORMS": "0",
        "supplier_links-MAX_NUM_FORMS": "1000",
        "supplier_links-0-supplier": str(supplier.pk),
    }

    response = admin_client.post(f"{ADMIN}/requestkey/{request_key.pk}/change/", data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    link = KeySupplierLink.objects.get()
    assert (link.key, link.supplier, link.created_by) == (request_key, supplier, admin_user)


def test_task_list_and_page_load(admin_client) -> None:
    task = ModeratorTaskFactory()

    listing = admin_client.get(f"{ADMIN}/moderatortask/", {"status__exact": "pending"})
    page = admin_client.get(f"{ADMIN}/moderatortask/{task.pk}/change/")

    assert list(listing.context["cl"].result_list) == [task]
    assert page.status_code == 200


def _act(console, action: str, tasks) -> list[str]:
    response = console.post(
        f"{ADMIN}/moderatortask/", {"action": action, "_selected_action": [t.pk for t in tasks]}, follow=True
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_take_done_reopen_actions_move_tasks_through_the_service(console, moderator) -> None:
    pending, other = ModeratorTaskFactory(), ModeratorTaskFactory()

    taken = _act(console, "take", [pending])
    pending.refresh_from_db()
    assert (pending.status, pending.assignee) == ("inprogress", moderator)
    assert taken == ["1 task taken."]

    again = _act(console, "take", [pending, other])  # one already taken: left alone
    assert again == ["1 task taken.", "1 task was not pending and was left alone."]

    _act(console, "finish", [pending])
    pending.refresh_from_db()
    assert pending.status == "done"

    _act(console, "reopen", [pending])
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_task_status_cannot_be_edited_on_its_page(console) -> None:
    task = ModeratorTaskFactory()

    console.post(f"{ADMIN}/moderatortask/{task.pk}/change/", {"status": "done"})

    task.refresh_from_db()
    assert task.status == "pending"


def test_task_list_is_oldest_first_with_key_counts_and_bounded_queries(console, django_assert_max_num_queries) -> None:
    tasks = [
        ModeratorTaskFactory(request=make_request_with_keys(n + 1, status=RequestStatus.CONFIRMED)) for n in range(20)
    ]

    with django_assert_max_num_queries(12):
        response = console.get(f"{ADMIN}/moderatortask/")

    rows = list(response.context["cl"].result_list)
    assert rows == tasks
    assert [row.keys_count for row in rows] == list(range(1, 21))


def test_request_page_shows_linked_suppliers_and_the_task(console, moderator) -> None:
    task = ModeratorTaskFactory(request=make_request_with_keys(2, status=RequestStatus.CONFIRMED))
    first = task.request.keys.order_by("pos").first()
    supplier = SupplierFactory(name="ООО Фланец-Снаб")
    KeySupplierLink.objects.create(key=first, supplier=supplier, created_by=moderator)

    html = console.get(f"{ADMIN}/request/{task.request_id}/change/").content.decode()

    assert "ООО Фланец-Снаб" in html
    assert f"/admin/requests_app/moderatortask/{task.pk}/change/" in html


def _links_form(rows: list[dict], initial: int = 0) -> dict:
    data = {
        "supplier_links-TOTAL_FORMS": str(len(rows)),
        "supplier_links-INITIAL_FORMS": str(initial),
        "supplier_links-MIN_NUM_FORMS": "0",
        "supplier_links-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"supplier_links-{index}-{name}": value for name, value in row.items()})
    return data


def test_moderator_switches_and_removes_links_on_the_key_page(console, moderator) -> None:
    request_key = make_request_with_keys(1, status=RequestStatus.CONFIRMED).keys.get()
    old, new, kept = SupplierFactory(), SupplierFactory(), SupplierFactory()
    switched = KeySupplierLink.objects.create(key=request_key, supplier=old)
    removed = KeySupplierLink.objects.create(key=request_key, supplier=kept)
    url = f"{ADMIN}/requestkey/{request_key.pk}/change/"

    rows = [
        {"id": switched.pk, "key": request_key.pk, "supplier": new.pk},
        {"id": removed.pk, "key": request_key.pk, "supplier": kept.pk, "DELETE": "on"},
    ]
    response = console.post(url, _links_form(rows, initial=2))

    assert response.status_code == 302
    links = KeySupplierLink.objects.filter(key=request_key)
    assert [(link.supplier, link.created_by) for link in links] == [(new, moderator)]


def test_keys_of_a_draft_cannot_get_links(console) -> None:
    request_key = make_request_with_keys(1, status=RequestStatus.DRAFT).keys.get()
    supplier = SupplierFactory()
    url = f"{ADMIN}/requestkey/{request_key.pk}/change/"

    page = console.get(url)
    console.post(url, _links_form([{"supplier": supplier.pk}]))

    formset = page.context["inline_admin_formsets"][0].formset
    assert formset.max_num == 0 or not page.context["inline_admin_formsets"][0].has_add_permission
    assert not KeySupplierLink.objects.exists()


def test_request_page_queries_do_not_grow_with_keys_and_links(console, django_assert_max_num_queries) -> None:
    request = make_request_with_keys(100, status=RequestStatus.CONFIRMED)
    suppliers = SupplierFactory.create_batch(3)
    KeySupplierLink.objects.bulk_create(
        KeySupplierLink(key=key, supplier=supplier) for key in request.keys.all() for supplier in suppliers[:2]
    )

    with django_assert_max_num_queries(20):
        response = console.get(f"{ADMIN}/request/{request.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f"> {suppliers[0].name}</label><br>") == 100
    assert html.count(f"> {suppliers[1].name}</label><br>") == 100


@pytest.mark.parametrize("status", [RequestStatus.DONE, RequestStatus.DRAFT])
def test_links_of_a_request_that_is_not_linkable_cannot_be_switched_or_removed(console, status) -> None:
    request_key = make_request_with_keys(1, status=RequestStatus.CONFIRMED).keys.get()
    old, new = SupplierFactory(), SupplierFactory()
    link = KeySupplierLink.objects.create(key=request_key, supplier=old)
    request_key.request.status = status
    request_key.request.save(update_fields=["status"])
    url = f"{ADMIN}/requestkey/{request_key.pk}/change/"

    page = console.get(url)
    console.post(url, _links_form([{"id": link.pk, "key": request_key.pk, "supplier": new.pk}], initial=1))
    console.post(
        url, _links_form([{"id": link.pk, "key": request_key.pk, "supplier": old.pk, "DELETE": "on"}], initial=1)
    )

    inline = page.context["inline_admin_formsets"][0]
    assert (inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission) == (False,) * 3
    assert [link.supplier for link in KeySupplierLink.objects.filter(key=request_key)] == [old]
