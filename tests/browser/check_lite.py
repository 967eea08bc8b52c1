"""The book's JupyterLite copy, run in a real browser: a chapter's cells executed by Pyodide, offline.

Run after ``make lite`` (``make test`` does, when ``chromium`` is installed)::

    .venv/bin/pytest tests/browser/check_lite.py -p no:cacheprovider

Environment: ``BOOK_HTML`` (the built site, default ``_build/html``; the JupyterLite site is its
``lite/``), ``CHROMIUM``, ``CI`` as in check_book.py (conftest.py launches the browser);
``LITE_CHAPTERS``: the chapters to run, by notebook stem, comma-separated (default
``01_introduction``, the lightest chapter with a live widget);
``LITE_TIMINGS``: a JSON file the timings are appended to (default ``_build/lite-timings.json``).

What is checked, for each chapter run:

- every chapter page links to its JupyterLite copy (the "Run live" button of _ext/lite_button.py),
  and that link opens the notebook with the Pyodide kernel;
- every code cell runs, one after the other as with Shift-Enter (the first installs nnlib from the
  site's own wheel): each gets an execution count, none has an error output or stderr text;
- the chapter's live widget answers: a slider dragged with the mouse, the widget's picture changes
  (its PNG bytes differ);
- nothing leaves 127.0.0.1: the browser runs with a proxy that refuses and records every request it
  is sent, and Chromium sends it every request not addressed to the loopback interface (page, web
  worker and service worker alike); no request may reach it but Chromium's own (BROWSER_OWN), and
  Playwright's request events of the page and its workers must all be for 127.0.0.1. Every request the site's server
  answers with >= 400 is reported too (JupyterLite's own optional lookups excepted, see ALLOWED_404).

Timings (page open to an idle kernel, to the first output of a chapter cell, to the last cell done;
each code cell; slider drag to new picture) are
printed and appended to LITE_TIMINGS; bench/RESULTS.md quotes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socketserver
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
LITE = SITE / "lite"
TIMINGS = Path(os.environ.get("LITE_TIMINGS", ROOT / "_build" / "lite-timings.json"))
CHAPTERS = [c.strip() for c in os.environ.get("LITE_CHAPTERS", "01_introduction").split(",") if c.strip()]
# Lookups JupyterLite makes and handles when the file is absent (the settings/contents of a server
# that a static site does not have): answered 404 by design.
ALLOWED_404 = re.compile(r"/lite/(api/contents/.*/all\.json|api/translations/.*|.*\.map)(\?.*)?$")
RUN_ALL_TIMEOUT_S = float(os.environ.get("LITE_TIMEOUT", "900"))
# Chromium's own services (sign-in, autofill, device registration), which it contacts whatever page
# is open, even with --disable-background-networking: requests to exactly these hosts are the
# browser's, not the site's. Any other host (a CDN, a font service, pypi.org) fails the test.
BROWSER_OWN = {"accounts.google.com:443", "content-autofill.googleapis.com:443", "android.clients.google.com:443"}


# ------------------------------------------------------------------ servers
class _RefusingProxy(socketserver.BaseRequestHandler):
    """Records the first line of every request the browser sends through it, and refuses it."""

    seen: list[str]

    def handle(self):
        data = self.request.recv(4096).decode("latin-1", "replace")
        self.seen.append(data.split("\r\n", 1)[0])
        self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture(scope="module")
def site(site):
    """conftest.py's server of the built book, once its JupyterLite copy is there."""
    if not (LITE / "notebooks" / "index.html").is_file():
        pytest.fail(f"{LITE}/notebooks/index.html not found: build it first (make lite), or set BOOK_HTML")
    return site


@pytest.fixture(scope="module")
def proxy():
    seen: list[str] = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), type("P", (_RefusingProxy,), {"seen": seen}))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(launch_browser, proxy):
    """conftest.py's Chromium, launched with the refusing proxy: every request not to the loopback
    interface goes to it (Chromium never proxies loopback addresses); DNS is not consulted for
    proxied requests."""
    port, _ = proxy
    b = launch_browser(f"--proxy-server=http://127.0.0.1:{port}")
    yield b
    b.close()


# ------------------------------------------------------------------ the notebook, through the app
CELLS_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model || !panel.sessionContext) return null;
  const cells = panel.content.model.cells, out = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    out.push({count: c.executionCount, outputs: c.outputs.toJSON()});
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {cells: out, status: kernel ? kernel.status : 'none', name: kernel ? kernel.name : null};
}"""


def wait_for(predicate, timeout_s, what, poll_s=0.25):
    t0 = time.perf_counter()
    while True:
        value = predicate()
        if value:
            return value
        if time.perf_counter() - t0 > timeout_s:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)


def image_digest(image) -> str:
    data = image.evaluate(
        """async (img) => { const buf = await (await fetch(img.src)).arrayBuffer();
             return Array.from(new Uint8Array(buf)); }""")
    return hashlib.sha256(bytes(data)).hexdigest()


def record(entry: dict) -> None:
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(TIMINGS.read_text()) if TIMINGS.is_file() else []
    TIMINGS.write_text(json.dumps([*runs, entry], indent=1))


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_live_in_the_browser_offline(browser, site, proxy, chapter):
    base, served = site
    _, refused = proxy
    page_html = (SITE / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]*lite/notebooks/index\.html\?path=chapters/' + re.escape(chapter) + r'\.ipynb)"', page_html)
    assert link, f"chapters/{chapter}.html has no Run-live link to its JupyterLite copy"
    url = urljoin(urljoin(base, "chapters/"), link.group(1).replace("&amp;", "&"))

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
    # Playwright's view of the same (page, web workers and the service worker, in Chromium).
    outside: list[str] = []
    context.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None)
               and not r.url.startswith(("data:", "blob:")) and outside.append(r.url))
    before = len(served)
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="load")
        state = wait_for(lambda: (s := page.evaluate(CELLS_JS)) and s["status"] == "idle" and s, 300,
                         "the notebook and an idle Pyodide kernel")
        t_kernel = time.perf_counter() - t0
        assert state["name"] == "python", f"kernel {state['name']!r}, expected JupyterLite's Pyodide kernel"
        n_code = len(state["cells"])

        def check_errors(s):
            errors = [o for c in s["cells"] for o in c["outputs"] if o["output_type"] == "error"]
            if errors:
                pytest.fail(f"a cell failed: {errors[0].get('ename')}: {errors[0].get('evalue')}\n"
                            + "\n".join(errors[0].get("traceback", []))[-3000:])

        # The cells one after the other, as a reader pressing Shift-Enter would (the first installs
        # nnlib): each code cell is run and its execution count awaited, so per-cell times are known.
        cell_s: list[float] = []
        t_first = None
        for i in range(n_code):
            t_cell = time.perf_counter()
            page.evaluate("""(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
                const codes = nb.widgets.map((w, k) => [w, k]).filter(([w]) => w.model.type === 'code');
                nb.activeCellIndex = codes[i][1];
                return window.jupyterapp.commands.execute('notebook:run-cell'); }""", i)

            def cell_done(i=i):
                s = page.evaluate(CELLS_JS)
                check_errors(s)
                return isinstance(s["cells"][i]["count"], int) and s["status"] == "idle" and s
            state = wait_for(cell_done, RUN_ALL_TIMEOUT_S, f"code cell {i} to finish", poll_s=0.2)
            cell_s.append(round(time.perf_counter() - t_cell, 1))
            if t_first is None and i > 0 and state["cells"][i]["outputs"]:
                t_first = time.perf_counter() - t0
        t_all = time.perf_counter() - t0
        stderr = [o["text"] for c in state["cells"] for o in c["outputs"]
                  if o["output_type"] == "stream" and o["name"] == "stderr"]
        assert stderr == [], f"stderr output: {stderr}"

        # The live widget: its picture, then a slider moved.
        # The notebook draws only the cells near the viewport: bring the first cell with a widget
        # into view (chapter 5's sits above two long cells) before asking for its picture.
        page.evaluate("""async () => { const nb = window.jupyterapp.shell.currentWidget.content;
            const k = nb.widgets.findIndex(w => w.model.type === 'code' && w.model.outputs.toJSON().some(
                o => o.data && 'application/vnd.jupyter.widget-view+json' in o.data));
            if (k >= 0) { nb.activeCellIndex = k; await nb.scrollToItem(k, 'start'); } }""")
        images = page.locator(".jupyter-widgets img >> visible=true")
        wait_for(lambda: images.count() > 0, 60, "a live widget's picture in view")
        # A reader's drag of the chapter-1 explorer's "number of steps" slider (any slider elsewhere).
        rows = page.locator(".widget-slider", has_text="number of steps")
        if rows.count() == 0:
            rows = page.locator(".widget-slider >> visible=true")
        assert rows.count() > 0, "the live widget has no slider"
        images.first.scroll_into_view_if_needed()
        before_digest = image_digest(images.first)
        row = rows.first
        row.scroll_into_view_if_needed()
        readout = row.locator(".widget-readout")
        before_readout = readout.inner_text() if readout.count() else None
        box = row.locator(".noUi-handle").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        t_move = time.perf_counter()
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - 60, y, steps=4)
        page.mouse.up()
        after_readout = readout.inner_text() if readout.count() else None
        assert after_readout != before_readout, f"the drag did not move the slider ({before_readout!r})"
        wait_for(lambda: image_digest(images.first) != before_digest, 120,
                 f"the widget's picture to change (slider {before_readout!r} -> {after_readout!r})")
        t_redraw = time.perf_counter() - t_move

        failed = [f"{status} {path}" for path, status in served[before:] if status >= 400 and not ALLOWED_404.search(path)]
        assert failed == [], f"the site's server answered errors: {failed}"
        left = [r for r in refused if r.split(" ")[1] not in BROWSER_OWN]
        assert left == [], f"requests left 127.0.0.1 (refused by the test's proxy): {left[:10]}"
        assert outside == [], f"the page or its workers asked for: {outside[:10]}"
        assert problems == [], "\n".join(problems)
        timing = {"chapter": chapter, "code_cells": n_code, "kernel_idle_s": round(t_kernel, 1),
                  "first_output_s": round(t_first, 1), "run_all_s": round(t_all, 1), "cell_s": cell_s,
                  "slider_redraw_s": round(t_redraw, 2), "load_1min": round(os.getloadavg()[0], 1),
                  "date": time.strftime("%Y-%m-%d %H:%M")}
        print("\nlite timing:", json.dumps(timing))
        record(timing)
    finally:
        context.close()


def test_every_chapter_page_has_a_run_live_button():
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
    without = []
    for stem in chapters:
        html = (SITE / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
        target = f"lite/notebooks/index.html?path=chapters/{stem}.ipynb"
        if target not in html and "btn-lite-unsupported" not in html:
            without.append(stem)
        elif target in html:
            assert (LITE / "files" / "chapters" / f"{stem}.ipynb").is_file() or (LITE / "api" / "contents").is_dir()
    assert without == [], f"chapter pages without a Run-live button (or a note why not): {without}"


def test_no_page_of_the_book_reaches_for_thebe_or_unpkg():
    offenders = [str(p.relative_to(SITE)) for p in SITE.rglob("*.html")
                 if "lite" not in p.relative_to(SITE).parts[:1] and re.search(r"THEBE_JS_URL|unpkg\.com", p.read_text(encoding="utf-8"))]
    assert offenders == [], f"pages that still load Thebe from unpkg: {offenders}"
