"""A real browser for the tests: Debian's headless Chromium driven by Selenium.

``deploy/browser.sh`` (run by ``make infra-test``) installs ``chromium`` and ``chromium-driver``;
this module starts them. Registered as a pytest plugin by ``tests/conftest.py``, it gives:

- ``browser``: a fresh headless Chromium per test (its own throw-away profile directory), wrapped
  in :class:`Browser` (the Selenium ``driver`` plus waiting, screenshots and console errors). On a
  failing test it saves a screenshot named after the test, so a red CI run leaves a picture;
- ``new_browser()``: the same as a context manager, for fixtures of any scope or for scripts.

Screenshots go to ``.local/artefacts/`` (``ECO_TEST_ARTEFACTS`` overrides). By default the browser
is offline: every request to a host other than loopback goes to a closed proxy port and fails, so
a page that silently depends on the internet (a CDN script, a web font) is caught here exactly as
it would be on an air-gapped machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.support.testing import wait_until

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--window-size=1400,1000",
)
# Nothing listens on port 9 (discard); loopback bypasses the proxy (Chromium's implicit rule).
OFFLINE_FLAGS = ("--proxy-server=http://127.0.0.1:9",)


def artefacts_dir() -> Path:
    path = Path(os.environ.get("ECO_TEST_ARTEFACTS", ROOT / ".local" / "artefacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _binary(name: str, *candidates: str) -> str:
    for candidate in (shutil.which(name), *candidates):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(f"{name} is not installed: run deploy/browser.sh (make infra-test does)")


class Browser:
    """A Selenium Chromium driver with the few helpers browser tests need."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    def get(self, url: str) -> None:
        self.driver.get(url)

    def wait_for(self, css: str, *, min_count: int = 1, timeout: float = 30.0) -> list[WebElement]:
        """Poll until at least ``min_count`` elements match ``css``; return them."""

        def rendered() -> list[WebElement]:
            found = self.driver.find_elements(By.CSS_SELECTOR, css)
            return found if len(found) >= min_count else []

        try:
            return wait_until(rendered, timeout=timeout, message=f"{min_count} x {css!r} rendered")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; console: {self.console_errors()}") from None

    def screenshot(self, name: str) -> Path:
        """Save a PNG of the viewport under the artefacts directory and return its path."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "screenshot"
        path = artefacts_dir() / f"{safe}.png"
        self.driver.save_screenshot(str(path))
        return path

    def console_errors(self) -> list[str]:
        """Messages the page logged at SEVERE level (JS errors, blocked resources, CSP violations)."""
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            return []
        return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.driver, name)


@contextlib.contextmanager
def new_browser(*, offline: bool = True) -> Iterator[Browser]:
    """Start a headless Chromium with a fresh profile; quit it and delete the profile on exit."""
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium", "/usr/bin/chromium")
    profile = tempfile.mkdtemp(prefix="eco-chromium-")
    for flag in (*CHROMIUM_FLAGS, *(OFFLINE_FLAGS if offline else ()), f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager never downloads anything.
    service = Service(executable_path=_binary("chromedriver", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """A fresh offline headless Chromium; a screenshot is saved if the test fails."""
    with new_browser() as session:
        yield session
        if request.node.stash.get(_CALL_FAILED, False):
            with contextlib.suppress(WebDriverException):
                session.screenshot(f"FAILED-{request.node.nodeid}")
