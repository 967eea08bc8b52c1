"""Shared by the browser tests (check_book.py, check_lite.py): the built site served on 127.0.0.1.

``BOOK_HTML`` names the built site (default ``_build/html``); ``site`` serves it with ``http.server``
on a free port of 127.0.0.1, in a thread, and logs every request it answers as (path, status), so a
test can fail on the errors the server gave. JupyterLite's files get their MIME types (a .wasm must
be served as application/wasm for the browser to compile it while it streams).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()


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
