"""The chapters read in Jupyter Lab, in a real browser: the prose shows its computed numbers.

Run by ``make test`` after the book's browser test (needs Debian's ``chromium``)::

    .venv/bin/pytest tests/browser/check_lab.py -p no:cacheprovider

Issue 18, item 2. A chapter writes a computed number as the inline expression {eval}`name`
(see ``_ext/lab_eval.py``); with jupyterlab-myst (the ``book`` extra, ``make lab``) Jupyter Lab
renders a markdown cell's expressions from the results stored in its ``user_expressions``
metadata (``tools/lab_expressions.py``). This test starts ``jupyter lab`` from the running
environment on 127.0.0.1 (no token, its settings and workspaces in a temporary directory, over
a temporary copy of the chapter so that nothing is written to the repository), opens every chapter
whose prose uses {eval} in headless Chromium, and checks each such markdown cell as rendered:
every inline result is the glued text, in order; no raw ``{eval}`` role and no unevaluated
expression is left; the MyST directives (the paper's statements, the exercises) are rendered,
not shown as source. A screenshot of the first such paragraph of each chapter goes to
``_build/screenshots/lab-<chapter>.png``. The browser is conftest.py's (``browser``): without
chromium the test is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tools import lab_expressions  # noqa: E402

SHOTS = Path(os.environ.get("BOOK_SCREENSHOTS", ROOT / "_build" / "screenshots")).resolve()
# Lab settings for the test: every cell in the DOM (Lab 4 otherwise renders only the cells near
# the viewport), and no news check (it would ask the reader, and the network).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


# The inline results of a rendered cell, in reading order: the bare spans (no class, text only)
# in the running text, outside KaTeX's math (whose spans have classes or children).
INLINE_RESULTS = """el => Array.from(el.querySelectorAll('span:not([class])'))
    .filter(s => s.children.length === 0 && !s.closest('.katex') && s.textContent.trim() !== '')
    .map(s => s.textContent.trim())"""


# The notebook panel on show (other open documents stay in the DOM, hidden).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def eval_chapters() -> list[Path]:
    out = []
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(lab_expressions.expressions(c.source) for c in nb.cells if c.cell_type == "markdown"):
            out.append(path)
    return out


CHAPTERS = eval_chapters()


def shown(text: str) -> str:
    """A text/plain result as jupyterlab-myst shows it (a string's quotes stripped)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    settings = tmp_path_factory.mktemp("lab-settings")
    for rel, value in LAB_SETTINGS.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(value))
    for path in CHAPTERS:
        shutil.copy(path, root / path.name)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        str(Path(sys.executable).with_name("jupyter-lab")), "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp_path_factory.mktemp('lab-ws')}",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(root.parent / "lab.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "api/status", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("jupyter lab did not start:\n" + (root.parent / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_some_chapter_uses_inline_expressions():
    assert CHAPTERS, "no chapter writes its numbers as {eval}`name`: nothing for Lab to show"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_lab_renders_the_prose_with_its_computed_numbers(lab, browser, path):
    nb = nbformat.read(path, as_version=4)
    glued = lab_expressions.glued_values(nb)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        # ?reset: a fresh workspace, so that only this chapter is open (Lab restores the last one)
        page.goto(f"{lab}lab/tree/{path.name}?reset", wait_until="domcontentloaded")
        cells = page.locator(f"{PANEL} .jp-Notebook-cell")
        page.wait_for_function(
            f"document.querySelectorAll('{PANEL} .jp-Notebook-cell').length >= {len(nb.cells)}", timeout=120_000
        )
        assert cells.count() == len(nb.cells)
        first = None
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            rendered = cells.nth(i).locator(".myst").first   # jupyterlab-myst's rendering of the cell
            rendered.wait_for(state="attached", timeout=60_000)
            text = rendered.inner_text()
            for raw in ("{eval}", "{glue:", ":::{prf:", ":::{exercise}", ":::{solution}"):
                assert raw not in text, f"{path.name} cell {i}: Lab shows the raw markup {raw!r}"
            exprs = lab_expressions.EVAL_ROLE.findall(cell.source)
            if not exprs:
                continue
            # A stored result is drawn as a bare <span>text</span> in the running text; an expression
            # without a stored result as <code>name</code>.
            got = rendered.evaluate(INLINE_RESULTS)
            want = [shown(glued[e]["text/plain"]).strip() for e in exprs if "text/markdown" not in glued[e]]
            assert got == want, f"{path.name} cell {i}: Lab shows {got}, the book {want}"
            # a glued Markdown object (a verdict in bold) is rendered as Markdown: its words are there
            for e in exprs:
                if "text/markdown" in glued[e]:
                    words = re.sub(r"[*_`]", "", glued[e]["text/markdown"]).strip()
                    assert words in " ".join(text.split()), f"{path.name} cell {i}: {e} ({words!r}) not shown"
            codes = rendered.evaluate("el => Array.from(el.querySelectorAll('code')).map(c => c.textContent.trim())")
            assert not set(codes) & set(exprs), f"{path.name} cell {i}: expressions left unevaluated"
            first = first if first is not None else rendered
        assert first is not None
        first.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        first.screenshot(path=str(SHOTS / f"lab-{path.stem}.png"))
    finally:
        context.close()
