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
