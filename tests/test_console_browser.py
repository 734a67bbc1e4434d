"""The console in a real browser (headless Debian chromium, core/browser.py) against pytest-django's live_server.

A plain moderator (staff in the moderators group, not a superuser) logs in with a password, takes the request's
task, picks a supplier in the autocomplete by a part of its domain, ticks three keys, links them in one
submission and marks the task done. The screenshots land in docs/img/ (docs/moderation.md shows them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from core.browser import chromium_driver, save_screenshot
from discovery.models import DiscoveredDomain, KeySearch, SearchHit, SearchRun, SearchStatus
from requests_app.models import KeySupplierLink, ModeratorTask, ModeratorTaskStatus, RequestStatus
from requests_app.tests.factories import ModeratorTaskFactory, make_request_with_keys
from suppliers.services import supplier_sync_domains
from suppliers.tests.factories import SupplierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMAGES = Path(settings.BASE_DIR) / "docs" / "img"
PASSWORD = "console-test-password-1"  # noqa: S105 - a throwaway account of the test database


def wait_for(driver, css: str, *, text: str | None = None, timeout: float = 15):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, timeout)
    if text is not None:
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
    return wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def test_a_moderator_links_one_supplier_to_three_keys_in_one_action_and_marks_the_task_done(
    live_server, make_user
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    moderator = make_user("anna@platform.example", moderator=True)
    moderator.set_password(PASSWORD)
    moderator.save(update_fields=["password"])
    assert not moderator.is_superuser
    request = make_request_with_keys(6, status=RequestStatus.CONFIRMED, title="Фланцы для котельной")
    task = ModeratorTaskFactory(request=request)
    flanges = SupplierFactory(name="ФланцМаш", email="sales@flanec-mash.ru")
    flanges.sites.create(url="https://flanec-mash.ru", root_domain="flanec-mash.ru")
    supplier_sync_domains(supplier=flanges)
    SupplierFactory(name="Болты и гайки", email="info@bolty.ru")
    keys = {key.pos: key.pk for key in request.keys.all()}
    page = f"/admin/requests_app/request/{request.pk}/change/"
    # Web discovery ran for the request: key 1 found the card's root (already resolved) and a pending shop.
    run = SearchRun.objects.create(request=request, status=SearchStatus.SUCCEEDED, created_by=moderator)
    first = request.keys.get(pos=1)
    search = KeySearch.objects.create(run=run, key=first, status=SearchStatus.SUCCEEDED, items_found=2)
    for rank, url in enumerate(["https://flanec-mash.ru/flancy", "https://stal-snab.ru/catalog/flancy"], start=1):
        SearchHit.objects.create(
            key_search=search, run=run, key=first, url=url, root_domain=url.split("/")[2], rank=rank
        )
    DiscoveredDomain.objects.create(domain="stal-snab.ru", total_hits=1)
    DiscoveredDomain.objects.create(domain="flanec-mash.ru", total_hits=1, status="resolved", supplier=flanges)

    with chromium_driver(width=1400, height=1000) as driver:
        driver.get(f"{live_server.url}/admin/login/?next={page}")
        driver.find_element(By.NAME, "username").send_keys("anna@platform.example")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD + Keys.ENTER)
        wait_for(driver, "#console-links")
        driver.find_element(By.ID, "toggle-nav-sidebar").click()  # more room for the keys (kept in localStorage)
        decide = driver.find_elements(By.CSS_SELECTOR, "a.console-decide")
        assert [link.text for link in decide] == ["supplier", "reseller", "blacklist"]
        assert "domaindecision/add/?domain=stal-snab.ru&status=supplier" in decide[0].get_attribute("href")

        driver.find_element(By.CSS_SELECTOR, "button.console-task-take").click()
        wait_for(driver, "ul.messagelist", text=f"Task #{task.pk} taken.")

        # The picker: the admin's autocomplete, searched by a part of the supplier's domain.
        driver.find_element(By.CSS_SELECTOR, "#console-links .select2-selection").click()
        search = wait_for(driver, ".select2-search__field")
        search.send_keys("flanec")
        wait_for(driver, ".select2-results__option", text="ФланцМаш").click()
        for pos in (1, 2, 3):
            driver.find_element(By.CSS_SELECTOR, f'input[name="keys"][value="{keys[pos]}"]').click()
        driver.execute_script("window.scrollTo(0, 0)")
        save_screenshot(driver, IMAGES / "console-1-pick-and-tick.png", full_page=True)

        driver.find_element(By.ID, "console-link").click()
        wait_for(driver, "ul.messagelist", text="3 new links on 3 keys.")
        save_screenshot(driver, IMAGES / "console-2-linked.png", full_page=True)

        driver.find_element(By.CSS_SELECTOR, "button.console-task-done").click()
        wait_for(driver, "ul.messagelist", text="done; the buyer is told by e-mail.")
        driver.execute_script("window.scrollTo(0, 0)")
        save_screenshot(driver, IMAGES / "console-3-done.png")

    linked = set(KeySupplierLink.objects.filter(key__request=request).values_list("key__pos", "supplier_id"))
    assert linked == {(1, flanges.pk), (2, flanges.pk), (3, flanges.pk)}
    task = ModeratorTask.objects.get(pk=task.pk)
    assert (task.status, task.assignee_id) == (ModeratorTaskStatus.DONE, moderator.pk)
    assert [message.to for message in mail.outbox] == [[request.owner.email]]
