"""Test support: a headless Chromium driven by selenium, for the browser tests (imports no app).

Usage (in a test that has pytest-django's ``live_server``)::

    from core.browser import chromium_driver, save_screenshot

    with chromium_driver(width=1400, height=900) as driver:
        driver.get(live_server.url + "/admin/")
        save_screenshot(driver, "docs/img/admin-login.png")

The browser is Debian's ``chromium`` with its ``chromedriver`` (apt packages ``chromium`` and
``chromium-driver``); nothing is downloaded. When either binary or the ``selenium`` package is
missing, the calling test is skipped with the reason (set ``CHROMIUM_BINARY`` /
``CHROMEDRIVER_BINARY`` to use other paths).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _find(env_name: str, candidates: tuple[str, ...], which: str) -> str | None:
    configured = os.environ.get(env_name)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return shutil.which(which)


def missing_reason() -> str | None:
    """Why a browser test cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements/dev.txt)"
    if _find("CHROMIUM_BINARY", CHROMIUM_CANDIDATES, "chromium") is None:
        return "chromium is not installed (apt-get install chromium)"
    if _find("CHROMEDRIVER_BINARY", CHROMEDRIVER_CANDIDATES, "chromedriver") is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


@contextmanager
def chromium_driver(width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A headless Chromium WebDriver with a window of width x height; quit on exit.

    Skips the calling test (pytest.skip) when selenium, chromium or chromedriver is missing.
    """
    import pytest

    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = _find("CHROMIUM_BINARY", CHROMIUM_CANDIDATES, "chromium")
    driver_path = _find("CHROMEDRIVER_BINARY", CHROMEDRIVER_CANDIDATES, "chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary  # type: ignore[assignment]
    profile = tempfile.mkdtemp(prefix="chromium-test-")
    for arg in (
        "--headless=new",
        "--no-sandbox",  # root in containers and CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--lang=en-US",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    # Never reach out: selenium-manager would try to download a driver without an explicit path.
    service = Service(executable_path=driver_path)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_window_size(width, height)
        driver.implicitly_wait(0)
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def save_screenshot(driver: Any, path: str | os.PathLike[str], *, full_page: bool = False) -> Path:
    """Save a PNG of the current viewport at path (parent folders created); returns the path.

    ``full_page=True``: the whole page's height (the window is stretched for the shot, then restored).
    A shot aimed at the committed ``docs/`` pictures goes to a temporary folder unless ``UPDATE_SCREENSHOTS=1``,
    so that a test run does not rewrite the documentation's images (their pixels differ from run to run); the
    path actually written is returned.
    """
    target = Path(path)
    if "docs" in target.parts and not os.environ.get("UPDATE_SCREENSHOTS"):
        target = Path(tempfile.gettempdir()) / "b2b-screenshots" / target.name
    target.parent.mkdir(parents=True, exist_ok=True)
    size = driver.get_window_size()
    if full_page:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(size["width"], max(size["height"], int(height) + 140))
    try:
        if not driver.save_screenshot(str(target)):
            raise RuntimeError(f"the browser could not write the screenshot {target}")
    finally:
        if full_page:
            driver.set_window_size(size["width"], size["height"])
    return target
