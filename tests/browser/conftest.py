"""Shared by the browser tests (check_book.py, check_lab.py, check_lite.py): the browser, the site.

**The browser.** ``launch_browser`` (session) starts Playwright once and is a factory:
``launch_browser(*extra_args)`` launches headless Chromium (``CHROMIUM``, else ``chromium`` on the
PATH: Debian's package; Playwright drives it through ``executable_path``, ``playwright install`` is
never needed) with ``CHROMIUM_ARGS`` and the extra command-line arguments; what it launched is
closed at the end of the session. Without a browser every test that needs one is skipped, except
under ``CI=true``, where it fails. ``browser`` (session) is one such browser with no extra
argument. Where the files differ:

- check_book.py, check_lab.py: ``browser`` as is (check_lab.py had its own, module-scoped, with
  the same arguments; each file runs in its own pytest process in ``make test``, and run together
  they now share one browser, each test in its own context as before);
- check_lite.py: its own module-scoped ``browser``, launched with ``--proxy-server`` pointing at
  its refusing proxy (its ``proxy`` fixture), so that nothing leaves 127.0.0.1.

**The site.** ``BOOK_HTML`` names the built site (default ``_build/html``); ``site`` serves it with
``http.server`` on a free port of 127.0.0.1, in a thread, and logs every request it answers as
(path, status), so a test can fail on the errors the server gave. JupyterLite's files get their
MIME types (a .wasm must be served as application/wasm for the browser to compile it while it
streams). check_lite.py requires the site's ``lite/`` too (its own ``site`` on top of this one).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
ON_CI = os.environ.get("CI", "").lower() == "true"

# Headless Debian chromium as measured on this machine kind (shared/notes/TOOLING.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def launch_browser():
    """``launch_browser(*extra_args)``: a headless Chromium with ``CHROMIUM_ARGS`` and ``extra_args``."""
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        message = "chromium not found (apt-get install -y --no-install-recommends chromium)"
        if ON_CI:
            pytest.fail(message + "; CI must run the browser test")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = []

        def launch(*extra_args: str):
            browser = p.chromium.launch(executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, *extra_args])
            launched.append(browser)
            return browser

        yield launch
        for browser in launched:
            if browser.is_connected():
                browser.close()


@pytest.fixture(scope="session")
def browser(launch_browser):
    """One headless Chromium for the session (check_book.py, check_lab.py; check_lite.py has its own)."""
    browser = launch_browser()
    yield browser
    browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    served: list[tuple[str, int]]  # (path, status), shared by the server's handlers
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".mjs": "text/javascript", ".js": "text/javascript"}

    def log_request(self, code="-", size="-"):
        self.served.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site():
    """(base URL, log of (path, status)) of the built book served on 127.0.0.1."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE}/index.html not found: build the book first (make book), or set BOOK_HTML")
    served: list[tuple[str, int]] = []
    handler = type("Handler", (QuietHandler,), {"served": served})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", served
    finally:
        server.shutdown()
        server.server_close()
