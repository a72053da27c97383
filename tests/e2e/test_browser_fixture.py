"""The shared real-browser fixture: it renders a page, runs its script, and is offline."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.support.browser import Browser

PAGE = """<!doctype html><html><head><title>fixture</title></head><body>
<ul id="list"></ul>
<img id="remote" src="https://example.com/logo.png"
     onload="document.body.dataset.remote='loaded'" onerror="document.body.dataset.remote='failed'">
<script>
for (let i = 0; i < 3; i++) {
  const li = document.createElement('li'); li.className = 'item'; li.textContent = 'item ' + i;
  document.getElementById('list').appendChild(li);
}
</script></body></html>"""


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text(PAGE)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def test_the_browser_runs_scripts_of_a_loopback_page_and_saves_a_screenshot(
    browser: Browser, local_site: str
) -> None:
    browser.get(local_site)
    items = browser.wait_for("li.item", min_count=3, timeout=20)
    assert [item.text for item in items] == ["item 0", "item 1", "item 2"]
    shot = browser.screenshot("browser-fixture")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_browser_cannot_reach_the_internet(browser: Browser, local_site: str) -> None:
    browser.get(local_site)
    assert browser.wait_for("body[data-remote]", timeout=20)[0].get_attribute("data-remote") == "failed"
