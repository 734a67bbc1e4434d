"""The quote page in a real headless Chromium on a phone-sized window (390×844), against live_server."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.browser import chromium_driver, save_screenshot
from quotes.models import Quote
from quotes.tests.conftest import make_rfq

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "quote-page.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supplier_quotes_two_keys_from_a_phone(live_server, make_user) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    buyer = make_user("buyer@phone.example")
    rfq = make_rfq(buyer, language="ru")
    first, second, _third = rfq.keys

    with chromium_driver(width=390, height=844) as driver:
        driver.get(live_server.url + rfq.url())
        assert "Трубопроводная арматура" in driver.find_element(By.TAG_NAME, "h1").text
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone: no sideways scrolling
        driver.find_element(By.ID, f"price-{first.pk}").send_keys("1 250,50")
        driver.find_element(By.ID, f"lead-{first.pk}").send_keys("14")
        driver.find_element(By.ID, f"price-{second.pk}").send_keys("310")
        driver.find_element(By.ID, f"qty-{second.pk}").send_keys("20")
        driver.find_element(By.ID, f"analogue-{second.pk}").send_keys("Отвод 90° 57х4")
        driver.find_element(By.ID, "submit-quote").click()

        # A browser whose language is not the page's (Content-Language: ru) may still be on the form a moment
        # after the click: wait for the answer page instead of racing it.
        confirmation = WebDriverWait(driver, 15).until(
            expected_conditions.presence_of_element_located((By.ID, "confirmation"))
        )
        assert confirmation.is_displayed()
        assert "?saved=submitted" in driver.current_url
        save_screenshot(driver, SCREENSHOT)

    quote = Quote.objects.get(is_current=True)
    assert quote.revision == 1 and quote.source == "portal"
    assert {line.key_id: line.price for line in quote.lines.all()} == {
        first.pk: Decimal("1250.50"),
        second.pk: Decimal("310"),
    }
