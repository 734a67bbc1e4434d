"""The outbox admin as a moderator meets it: honest counts from the re-queue action, and supplier / request filters
that search as you type instead of listing every row."""

from __future__ import annotations

import pytest
from django.test import Client

from messaging.models import Message, MessageStatus
from messaging.services import mailing_send
from suppliers.tests.factories import SupplierFactory

from .conftest import make_sendable_request

pytestmark = pytest.mark.django_db
MESSAGES = "/admin/messaging/message/"


@pytest.fixture
def moderator_web(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def _messages(owner, count: int) -> list[Message]:
    request, _ = make_sendable_request(owner, suppliers=count)
    result = mailing_send(owner=owner, request_id=request.pk, subject="RFQ: valves", body="Please quote.")
    return list(Message.objects.filter(pk__in=result.message_ids).order_by("pk"))


def _notes(answer) -> list[str]:
    return [str(note) for note in answer.context["messages"]]


def test_requeue_on_the_failed_filter_reports_what_it_did_and_nothing_else(alice, moderator_web):
    """The list filtered to failed messages: re-counting it after the update said "-2 messages were not failed"."""
    first, second = _messages(alice, 2)
    Message.objects.filter(pk__in=[first.pk, second.pk]).update(status=MessageStatus.FAILED, attempts=8)

    answer = moderator_web.post(
        f"{MESSAGES}?status__exact=failed",
        {"action": "requeue_failed", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert _notes(answer) == ["2 messages re-queued."]


def test_requeue_counts_the_selected_messages_that_were_not_failed(alice, moderator_web):
    failed, sent, queued = _messages(alice, 3)
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED, attempts=8)
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT)

    answer = moderator_web.post(
        MESSAGES, {"action": "requeue_failed", "_selected_action": [failed.pk, sent.pk, queued.pk]}, follow=True
    )

    assert _notes(answer) == ["1 message re-queued.", "2 messages were not failed and were left alone."]


def test_the_supplier_filter_is_a_search_box_not_a_list_of_every_supplier(alice, moderator_web):
    [message] = _messages(alice, 1)
    others = SupplierFactory.create_batch(5)
    for number, card in enumerate(others):  # every supplier with a message: the old filter listed each of them
        Message.objects.create(
            request=message.request,
            supplier=card,
            to_email=card.email,
            subject="s",
            body="b",
            message_id=f"<{number}@x>",
        )

    page = moderator_web.get(MESSAGES)
    html = page.content.decode()

    assert page.status_code == 200
    assert 'data-ajax--url="/admin/autocomplete/"' in html and 'data-field-name="supplier"' in html
    assert "admin/js/autocomplete.js" in html  # the widget's scripts are on the page
    assert f"supplier__id__exact={others[0].pk}" not in html  # no link per supplier
    assert others[0].name not in html.split('id="changelist-filter"')[1]

    chosen = moderator_web.get(MESSAGES, {"supplier__id__exact": message.supplier_id, "status__exact": "queued"})
    filter_html = chosen.content.decode().split('id="changelist-filter"')[1]
    assert list(chosen.context["cl"].result_list) == [message]
    assert f'<option value="{message.supplier_id}" selected>' in filter_html  # the choice is shown in the box
    assert '<input type="hidden" name="status__exact" value="queued">' in filter_html  # kept when refiltering

    emptied = moderator_web.get(MESSAGES, {"supplier__id__exact": ""})  # the box cleared and submitted
    assert emptied.status_code == 200 and emptied.context["cl"].result_count == 6


def test_the_filter_box_finds_suppliers_by_inn_through_the_supplier_search(alice, moderator_web):
    [message] = _messages(alice, 1)
    supplier = message.supplier

    answer = moderator_web.get(
        "/admin/autocomplete/",
        {"app_label": "messaging", "model_name": "message", "field_name": "supplier", "term": supplier.inn},
    )

    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [str(supplier.pk)]


def test_the_request_filter_box_finds_requests_by_title(alice, moderator_web):
    [message] = _messages(alice, 1)
    message.request.title = "Valves for boiler room 4"
    message.request.save(update_fields=["title"])

    answer = moderator_web.get(
        "/admin/autocomplete/",
        {"app_label": "messaging", "model_name": "message", "field_name": "request", "term": "boiler"},
    )

    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [str(message.request_id)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_moderator_types_an_inn_in_the_supplier_filter_and_gets_its_messages(live_server, alice, moderator, tmp_path):
    from django.conf import settings
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    from core.browser import chromium_driver, save_screenshot

    first, second = _messages(alice, 2)
    session = Client()
    session.force_login(moderator)

    with chromium_driver(width=1400, height=900) as driver:
        driver.get(live_server.url + "/admin/login/")
        cookie = session.cookies[settings.SESSION_COOKIE_NAME].value
        driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie})
        driver.get(live_server.url + MESSAGES)
        wait = WebDriverWait(driver, 15)
        box = wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, "#changelist-filter .select2-selection")))
        box.click()  # select2 took over the select: its scripts ran under the CSP
        search = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, ".select2-search__field")))
        search.send_keys(second.supplier.inn)
        options = ".select2-results__option:not(.loading-results)"  # select2 first lists every card, then the hits
        wait.until(
            lambda browser: (
                [option.text for option in browser.find_elements(By.CSS_SELECTOR, options)] == [str(second.supplier)]
            )
        )
        save_screenshot(driver, tmp_path / "messages-supplier-filter.png")
        driver.find_element(By.CSS_SELECTOR, options).click()
        driver.find_element(By.CSS_SELECTOR, "form.autocomplete-filter input[type=submit]").click()
        wait.until(ready.url_contains(f"supplier__id__exact={second.supplier_id}"))
        rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")]

    assert len(rows) == 1 and second.to_email in rows[0]
