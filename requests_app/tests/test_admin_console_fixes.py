"""Requests and tasks in the console as a moderator meets them: the key's link says what the key page is for, and
the task list names the buyer and fits one screen of 1,400 px (a real Chromium measures it)."""

import pytest
from django.conf import settings
from django.test import Client

from core.browser import chromium_driver, save_screenshot
from requests_app.models import ModeratorTaskStatus, RequestStatus
from requests_app.tests.factories import ModeratorTaskFactory, RequestFactory, make_request_with_keys

TASKS = "/admin/requests_app/moderatortask/"
LONG_TITLE = "Запорная арматура для котельной № 4: задвижки, клапаны, фланцы и крепёж по спецификации заказчика " * 2


def _tasks(make_user, moderator, count: int = 12) -> list:
    tasks = []
    for number in range(count):
        buyer = make_user(f"procurement.department.{number}@very-long-company-name-holding.example")
        request = RequestFactory(owner=buyer, title=LONG_TITLE[:255], status=RequestStatus.CONFIRMED)
        task = ModeratorTaskFactory(request=request)
        if number % 2:
            task.status, task.assignee = ModeratorTaskStatus.IN_PROGRESS, moderator
            task.save()
        tasks.append(task)
    return tasks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "label"), [(RequestStatus.CONFIRMED, "Edit links"), (RequestStatus.DRAFT, "View links")]
)
def test_each_key_links_to_its_page_saying_what_it_is_for(console, status, label):
    request = make_request_with_keys(2, status=status)
    keys = list(request.keys.order_by("pos"))

    html = console.get(f"/admin/requests_app/request/{request.pk}/change/").content.decode()

    for key in keys:
        assert f'<a href="/admin/requests_app/requestkey/{key.pk}/change/">{label}</a>' in html
    assert "inlineviewlink" not in html  # Django's "View" link, on the page where links are edited


@pytest.mark.django_db
def test_the_task_list_names_each_requests_buyer(console, make_user, moderator, django_assert_max_num_queries):
    tasks = _tasks(make_user, moderator, count=3)

    with django_assert_max_num_queries(12):
        html = console.get(TASKS).content.decode()

    assert "column-buyer" in html
    for task in tasks:
        assert task.request.owner.email.replace("@", "<wbr>@") in html
    by_buyer = console.get(TASKS, {"q": tasks[1].request.owner.email})
    assert list(by_buyer.context["cl"].result_list) == [tasks[1]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_task_list_fits_1400_px(live_server, make_user, moderator, tmp_path):
    _tasks(make_user, moderator)
    session = Client()
    session.force_login(moderator)

    with chromium_driver(width=1400, height=900) as driver:
        driver.get(live_server.url + "/admin/login/")  # the cookie needs the origin first
        driver.add_cookie(
            {"name": settings.SESSION_COOKIE_NAME, "value": session.cookies[settings.SESSION_COOKIE_NAME].value}
        )
        driver.get(live_server.url + TASKS)
        save_screenshot(driver, tmp_path / "tasks-1400.png")
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        window_width = driver.execute_script("return document.documentElement.clientWidth")
        table_width = driver.execute_script("return document.querySelector('#result_list').scrollWidth")
        box_width = driver.execute_script("return document.querySelector('#changelist .results').clientWidth")
        headers = driver.execute_script(
            "return [...document.querySelectorAll('#result_list thead th')].map(th => th.className)"
        )

    assert any("column-buyer" in name for name in headers)
    assert page_width <= window_width, f"the page is {page_width} px wide in a {window_width} px window"
    assert table_width <= box_width, f"the table is {table_width} px wide in its {box_width} px box (it scrolls)"
