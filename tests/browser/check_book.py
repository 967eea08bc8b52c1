"""The built book, read in a real browser: every page of _toc.yml opened in headless Chromium.

Run after the book build (``make test`` does, when ``chromium`` is installed)::

    .venv/bin/pytest tests/browser/check_book.py -p no:cacheprovider

The file is not called ``test_*.py`` so that ``pytest tests`` (the unit tests, which run before
the book is built) does not collect it; pytest runs it when it is named on the command line.

Environment:

- ``BOOK_HTML``: the built site (default ``_build/html``);
- ``BOOK_SCREENSHOTS``: where the full-page screenshots go (default ``_build/screenshots``);
- ``CHROMIUM``: the browser (default: ``chromium`` on the PATH; Debian's package). Playwright
  (from PyPI) drives it through ``executable_path``; ``playwright install`` is never needed.
  Without a browser the tests are skipped, except under ``CI=true``, where they fail
  (conftest.py's ``browser``, shared with check_lab.py and check_lite.py).

The site is served by ``http.server`` on 127.0.0.1 (a free port, in a thread), and every request
the server answers is logged, so a 404 (a missing figure, font or icon) fails the test even when
the browser does not report it to the page.

For every page: math is typeset by MathJax (one ``mjx-container`` per math element), every
``<img>`` has loaded, no request failed or answered >= 400, the console has no error, no stored
error output (traceback, stderr) is in the HTML, and every static twin on the page (the
kernel-free slider of ``nnlib.twins``) changes the frame shown when its slider is moved; every
chapter has one. Every live widget (``nnlib.live``) shows the picture stored with its state. The "next" links, followed from the front page, reach every page of _toc.yml in order; chapter pages
carry a notebook-download button, and Binder and Colab buttons exactly when ``repository.url`` is
real (none for the OWNER/REPO placeholder); the API page documents every public nnlib
module. A full-page screenshot of each page is saved for people to look at.

Issue 18: the front page opens with the findings generated from the ledger, shows the version and,
without a repository, says how to run the book locally; no page scrolls sideways and no table or
widget is clipped at 1280 px and at 390 px, and no formula in a table scrolls sideways in its cell
(phone screenshots: ``<page>@390.png``); every embedded
ipywidget is disabled on the static page, with a pointer to the live paths, while the twins stay
live; each page's first-load bytes and requests are written to ``_build/page-weights.json`` and
held to a budget (no fontawesome.js; the widget manager only where widgets are, fetched lazily);
the search finds the notation ("ψ") in the glossary, and a symbol typed as such or named ("ψ",
"psi", "Σ", "ℝ") on every page whose math writes it, with snippets that show it as text, never
raw TeX (``_ext/math_search.py``, ``book_assets/nnlib-search.js``). Every picture of a chapter
page (plots, twin frames, the widgets' pictures once drawn) has a real alt text (not empty, not
"figure", not a bare frame index) and sits in a figure with a number ("Fig. N") and a caption;
plots link to their full-size image (``figure_problems`` is the checker; a test without the site
feeds it broken pages).
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
SHOTS = Path(os.environ.get("BOOK_SCREENSHOTS", ROOT / "_build" / "screenshots")).resolve()

# A stored error output, as myst-nb renders it (tracebacks, stderr streams, error mime types).
ERROR_OUTPUT = ".cell_output .traceback, .cell_output .stderr, .cell_output .error, .output.traceback, .output.stderr"


def toc_pages() -> list[str]:
    """Docnames of _toc.yml in reading order (root first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in pages]


PAGES = toc_pages()
NOTEBOOKS = [p for p in PAGES if (ROOT / f"{p}.ipynb").exists()]


def public_nnlib_modules() -> list[str]:
    import nnlib

    return sorted(f"nnlib.{m.name}" for m in pkgutil.iter_modules(nnlib.__path__) if not m.name.startswith("_"))


# ------------------------------------------------------------------ a page in the browser (conftest.py: browser, site)
class Visit:
    """One page opened in a fresh browser context, with everything that went wrong on the way."""

    def __init__(self, browser, url: str, width: int = 1280, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        page = self.page
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text} ({m.location.get('url')})"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.goto(url, wait_until="networkidle")
        self.wait_for_math()

    def wait_for_math(self):
        # MathJax typesets asynchronously; startup.promise resolves when the first pass is done.
        self.page.evaluate(
            """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
                     ? MathJax.startup.promise.then(() => true) : false"""
        )

    def wake_widgets(self):
        """Scroll to every embedded widget, as a reader would, so that the widget manager loads
        (``book_assets/nnlib-book.js`` fetches it only when a widget comes near the viewport),
        and wait until it has run."""
        page = self.page
        n = page.locator(".nnlib-static-widget").count()
        if not n:
            return 0
        for i in range(n):
            page.locator(".nnlib-static-widget").nth(i).scroll_into_view_if_needed()
        page.wait_for_selector("html[data-nnlib-widgets=loaded]", state="attached", timeout=30_000)
        page.wait_for_load_state("networkidle")
        return n

    def close(self):
        self.context.close()


def screenshot_name(docname: str) -> str:
    return docname.replace("/", "__") + ".png"


# ------------------------------------------------------------------ every page
@pytest.mark.parametrize("docname", PAGES)
def test_page_renders_completely_without_errors(browser, site, docname):
    base, served = site
    before = len(served)
    visit = Visit(browser, urljoin(base, f"{docname}.html"))
    page = visit.page
    try:
        # Math: every math element Sphinx wrote has become a MathJax container (raw TeX otherwise).
        n_math = page.locator(".math").count()
        n_typeset = page.locator(".math mjx-container, mjx-container.MathJax").count()
        if n_math:
            assert n_typeset >= n_math, f"{n_math} math elements but {n_typeset} typeset by MathJax"
            assert page.locator(".math mjx-container").count() == n_math, "some math elements hold no MathJax output"

        # Full-page screenshot (it also scrolls every image into existence). The API page has no
        # images and is ~136 000 px tall: its full-page shot took 24-30 s, so only its first screen.
        SHOTS.mkdir(parents=True, exist_ok=True)
        full = not docname.endswith("appendix/api")
        page.screenshot(path=str(SHOTS / screenshot_name(docname)), full_page=full, timeout=90_000)

        # Figures: every <img> loaded and decoded to a real size.
        broken = page.evaluate(
            """() => Array.from(document.images)
                   .filter(img => !(img.complete && img.naturalWidth > 0))
                   .map(img => img.currentSrc.slice(0, 80) || img.outerHTML.slice(0, 80))"""
        )
        assert broken == [], f"images that did not load: {broken}"

        # No stored error output (a traceback or stderr text kept in the executed notebook).
        errors = page.locator(ERROR_OUTPUT)
        assert errors.count() == 0, f"stored error output: {errors.first.inner_text()[:300]!r}"
        tracebacks = page.locator(".cell_output", has_text="Traceback (most recent call last)")
        assert tracebacks.count() == 0, "a cell output holds a traceback"

        page.wait_for_load_state("networkidle")
        failed_on_server = [f"{status} {path}" for path, status in served[before:] if status >= 400]
        assert failed_on_server == [], f"the server answered errors: {failed_on_server}"
        assert visit.problems == [], "\n".join(visit.problems)
    finally:
        visit.close()


# ------------------------------------------------------------------ static twins
def has_twin(docname: str) -> bool:
    """Whether the built page holds a twin's element (not merely its name, as the API page does)."""
    html = SITE / f"{docname}.html"
    return html.is_file() and re.search(r'<div\b[^>]*\bclass="nnlib-static-twin"', html.read_text(encoding="utf-8")) is not None


def test_every_chapter_page_has_a_static_twin():
    """Every chapter (a notebook of _toc.yml) carries the kernel-free twin of its central widget."""
    without = [p for p in NOTEBOOKS if not has_twin(p)]
    assert without == [], f"chapters without a static twin (nnlib.twins): {without}"


TWIN_PAGES = [p for p in PAGES if has_twin(p)]


def shown_frame(twin):
    """(index, label, src) of the one visible frame of a twin; fails unless exactly one is shown."""
    visible = twin.locator("img.nnlib-static-twin-frame:not([hidden])")
    assert visible.count() == 1, f"{visible.count()} frames shown at once"
    frame = visible.first
    assert frame.is_visible(), "the shown frame is not visible"
    assert frame.evaluate("img => img.complete && img.naturalWidth > 0"), "the shown frame did not load"
    label = twin.locator("output.nnlib-static-twin-label").inner_text()
    return int(frame.get_attribute("data-index")), label, frame.get_attribute("src")


@pytest.mark.parametrize("docname", TWIN_PAGES)
def test_static_twin_slider_changes_the_frame(browser, site, docname):
    base, _ = site
    visit = Visit(browser, urljoin(base, f"{docname}.html"))
    page = visit.page
    try:
        twins = page.locator(".nnlib-static-twin")
        assert twins.count() >= 1
        page.wait_for_selector(".nnlib-static-twin[data-nnlib-ready]", state="attached")
        for i in range(twins.count()):
            twin = twins.nth(i)
            assert twin.get_attribute("data-nnlib-ready") is not None, f"twin {i} was not bound by its script"
            n = int(twin.get_attribute("data-frames"))
            assert n >= 2, f"twin {i} has {n} frame(s): nothing to move between"
            slider = twin.locator("input[type=range]")
            assert slider.count() == 1
            slider.scroll_into_view_if_needed()
            start = shown_frame(twin)

            # A reader's move: focus the slider and press End (Home if the last frame is shown
            # first); the browser fires `input`, as for a drag.
            key, target = ("Home", 0) if start[0] == n - 1 else ("End", n - 1)
            slider.focus()
            slider.press(key)
            moved = shown_frame(twin)
            assert moved[0] == target == int(twin.get_attribute("data-index")), f"twin {i}: {key} shows frame {moved[0]} of {n}"
            assert moved[1] != start[1], f"twin {i}: the label did not change ({start[1]!r})"
            assert moved[2] != start[2], f"twin {i}: the image did not change"

            # And one step back towards the middle with an arrow key.
            key, step = ("ArrowLeft", n - 2) if target == n - 1 else ("ArrowRight", 1)
            slider.press(key)
            back = shown_frame(twin)
            assert back[0] == step and back[2] != moved[2], f"twin {i}: {key} shows frame {back[0]}"
        assert visit.problems == [], "\n".join(visit.problems)
    finally:
        visit.close()


# ------------------------------------------------------------------ live widgets
def stored_widget_images(docname: str) -> int:
    """How many ipywidgets Image models (the pictures of nnlib.live widgets) the notebook stores."""
    nb = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return sum(1 for model in state.get("state", {}).values() if model.get("model_name") == "ImageModel")


LIVE_PAGES = [p for p in NOTEBOOKS if stored_widget_images(p)]


@contextmanager
def chapter_with_widget_pictures(browser, base: str, docname: str):
    """A chapter page opened (``Visit``), its widgets woken as a reader scrolling to them would,
    and the pictures its notebook stores for the live widgets drawn: yields (visit, how many
    pictures are stored) and closes the page after."""
    visit = Visit(browser, urljoin(base, f"{docname}.html"))
    try:
        expected = stored_widget_images(docname)
        visit.wake_widgets()
        if expected:
            visit.page.wait_for_function(f"document.querySelectorAll('img.widget-image').length >= {expected}", timeout=20_000)
        yield visit, expected
    finally:
        visit.close()


@pytest.mark.parametrize("docname", LIVE_PAGES)
def test_live_widgets_show_their_picture_on_the_static_page(browser, site, docname):
    """Without a kernel, each live widget still shows the picture stored with its state."""
    base, _ = site
    with chapter_with_widget_pictures(browser, base, docname) as (visit, expected):
        page = visit.page
        images = page.locator("img.widget-image")
        assert images.count() == expected, f"{images.count()} widget images on the page, {expected} stored"
        for i in range(expected):
            img = images.nth(i)
            img.scroll_into_view_if_needed()
            size = img.evaluate("img => img.complete ? [img.naturalWidth, img.naturalHeight, img.clientWidth] : null")
            assert size and size[0] > 100 and size[1] > 100, f"widget image {i} did not load: {size}"
            assert size[2] > 100, f"widget image {i} is laid out {size[2]} px wide"
        assert visit.problems == [], "\n".join(visit.problems)


# ------------------------------------------------------------------ navigation
def test_next_links_reach_every_page_in_toc_order(browser, site):
    base, _ = site
    visit = Visit(browser, urljoin(base, "index.html"))  # the root redirects to the front page
    page = visit.page
    reached = []
    try:
        for _ in range(len(PAGES) + 5):
            path = urlsplit(page.url).path.lstrip("/")
            reached.append(re.sub(r"\.html$", "", path))
            nxt = page.locator("a.right-next")
            if nxt.count() == 0:
                break
            nxt.first.click()
            page.wait_for_load_state("load")
        assert reached == PAGES, f"next links went {reached}, _toc.yml lists {PAGES}"
    finally:
        visit.close()


def test_sidebar_of_the_front_page_links_every_page(browser, site):
    base, _ = site
    visit = Visit(browser, urljoin(base, f"{PAGES[0]}.html"))
    try:
        hrefs = visit.page.eval_on_selector_all("nav.bd-links a.reference.internal", "links => links.map(a => a.href)")
        linked = {re.sub(r"\.html(#.*)?$", "", urlsplit(h).path.lstrip("/")) for h in hrefs}
        missing = [p for p in PAGES[1:] if p not in linked]
        assert missing == [], f"the sidebar does not link {missing}"
    finally:
        visit.close()


# ------------------------------------------------------------------ launch buttons, downloads
def repository_is_placeholder() -> bool:
    """Whether _config.yml's repository.url is still the OWNER/REPO placeholder (or missing)."""
    url = (yaml.safe_load((ROOT / "_config.yml").read_text()).get("repository") or {}).get("url") or ""
    return not url or "OWNER/REPO" in url


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_chapter_page_offers_binder_colab_and_the_notebook(browser, site, docname):
    """Launch buttons exist exactly when the repository is real; the notebook download always, and
    the downloaded notebook opens with the cell that installs nnlib outside the repository."""
    base, _ = site
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/")
    branch = config["repository"].get("branch", "main")
    org_repo = urlsplit(repo).path.strip("/")
    visit = Visit(browser, urljoin(base, f"{docname}.html"))
    page = visit.page
    try:
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
        if repository_is_placeholder():
            # A placeholder builds no button that leads nowhere.
            dead = [h for h in hrefs if "OWNER/REPO" in h or "mybinder.org" in h or "colab.research.google.com" in h]
            assert dead == [], f"launch or repository links built from the placeholder: {dead}"
            assert page.locator(".dropdown-launch-buttons").count() == 0, "a launch menu without a repository"
        else:
            binder = f"{config['launch_buttons']['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/{docname}.ipynb"
            colab = f"{config['launch_buttons']['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/{docname}.ipynb"
            assert binder in hrefs, f"no Binder button to {binder}"
            assert colab in hrefs, f"no Colab button to {colab}"
        downloads = [h for h in hrefs if h.endswith(f"_sources/{docname}.ipynb")]
        assert downloads, "no download button for the notebook"
        response = page.request.get(downloads[0])
        assert response.status == 200
        notebook = json.loads(response.text())
        assert notebook["nbformat"] == 4 and any(c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")
        # Outside the repository (Colab, a download) the notebook's first code cell installs nnlib
        # (tools/install_cell.py, from this repository setting); the page itself does not show it.
        first = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        assert "nnlib-install" in first["metadata"].get("tags", []), "the downloaded notebook has no install cell first"
        assert f'NNLIB_REPOSITORY = "{repo if not repository_is_placeholder() else "https://github.com/OWNER/REPO"}"' in "".join(
            first["source"]
        ), "the install cell names another repository than _config.yml"
        assert "NNLIB_REPOSITORY" not in page.inner_text(".bd-article"), "the page shows the install cell"
    finally:
        visit.close()


def test_api_page_documents_every_public_nnlib_module(browser, site):
    api = next(p for p in PAGES if p.endswith("appendix/api"))
    base, _ = site
    visit = Visit(browser, urljoin(base, f"{api}.html"))
    try:
        ids = set(visit.page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        missing = [m for m in ["nnlib", *public_nnlib_modules()] if f"module-{m}" not in ids]
        assert missing == [], f"the API page lacks {missing}"
        assert visit.page.locator("dl.py.function").count() > 10, "the API page lists (almost) no functions"
    finally:
        visit.close()


# ------------------------------------------------------------------ front page (issue 18 items 1, 3, 9)
def test_front_page_opens_with_the_findings_and_says_how_to_run(browser, site):
    """The findings (generated from the ledger) come first, with links to the ledger and the errata;
    the version of pyproject.toml is shown; without a real repository the page says how to run
    the book locally instead of pointing at launch buttons."""
    import tomllib

    from nnlib import ledger

    base, _ = site
    visit = Visit(browser, urljoin(base, f"{PAGES[0]}.html"))
    page = visit.page
    try:
        headings = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.textContent.trim())")
        assert headings and headings[0].startswith("What the book found"), f"first section: {headings[:1]}"
        section = page.locator("article section", has=page.locator("h2", has_text="What the book found")).first
        text = section.inner_text()
        for verdict in ("holds", "holds with a correction", "fails", "open"):
            k = sum(r.verdict == verdict for r in ledger.RECORDS)
            assert re.search(rf"\b{verdict}: {k}\b", text), f"the count of '{verdict}' ({k}) is not shown"
        links = section.locator("a").evaluate_all("as => as.map(a => a.href)")
        assert any(h.split("#")[0].endswith("appendix/claims_ledger.html") for h in links)
        assert any(h.split("#")[0].endswith("appendix/errata.html") for h in links)
        with open(ROOT / "pyproject.toml", "rb") as f:
            version = tomllib.load(f)["project"]["version"]
        assert f"Version {version}" in page.locator("article").inner_text()
        body = page.locator("article").inner_text()
        if repository_is_placeholder():
            assert "Run it yourself" in body and "make lab" in body
            assert "The rocket button" not in body, "the front page points at launch buttons that were not built"
        else:
            assert "The rocket button" in body
        assert visit.problems == [], "\n".join(visit.problems)
    finally:
        visit.close()


# ------------------------------------------------------------------ layout at two widths (issue 18 item 4)
WIDTHS = [1280, 390]

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${vw} px viewport`);
  }
  const article = document.querySelector(".bd-article");
  const right = article ? article.getBoundingClientRect().right : vw;
  const describe = el => (el.closest("section") && el.closest("section").id) || el.className || el.tagName;
  document.querySelectorAll(".bd-article table").forEach(t => {
    const box = t.getBoundingClientRect();
    const holder = t.parentElement;
    if (box.right > right + 2 || box.right > vw + 1) {
      problems.push(`table in ${describe(t)} ends at ${Math.round(box.right)} px, past the column (${Math.round(right)} px)`);
    }
    if (holder.scrollWidth > holder.clientWidth + 2) {
      problems.push(`table in ${describe(t)} scrolls sideways in its container (${holder.scrollWidth} > ${holder.clientWidth} px)`);
    }
  });
  // A formula in a table cell that is a scroll (or clipping) box of its own, such as the
  // nnlib-wide-math box of nnlib-book.css, must fit it: the table passes while the formula scrolls.
  // (Inline formulas with overflow: visible and a few px of italic overhang are no scroll box.)
  document.querySelectorAll(".bd-article table mjx-container").forEach(m => {
    if (getComputedStyle(m).overflowX !== "visible" && m.scrollWidth > m.clientWidth + 2) {
      const tex = (m.querySelector("mjx-assistive-mml") || m).textContent.slice(0, 60);
      problems.push(`formula "${tex}" in a table in ${describe(m)} scrolls sideways in its cell (${m.scrollWidth} > ${m.clientWidth} px)`);
    }
  });
  document.querySelectorAll(".nnlib-static-widget, .nnlib-static-twin").forEach(w => {
    const box = w.getBoundingClientRect();
    if (box.right > vw + 1 || w.scrollWidth > w.clientWidth + 2) {
      problems.push(`widget in ${describe(w)} is clipped or scrolls (${w.scrollWidth} px in ${w.clientWidth} px, right edge ${Math.round(box.right)})`);
    }
  });
  return problems;
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("docname", PAGES)
def test_page_fits_the_screen_without_sideways_scrolling(browser, site, docname, width):
    """No page scrolls sideways at a desktop and at a phone width; no table or widget is clipped.
    Screenshots at the phone width are saved as <page>@390.png."""
    base, _ = site
    visit = Visit(browser, urljoin(base, f"{docname}.html"), width=width, height=844 if width < 500 else 900)
    page = visit.page
    try:
        visit.wake_widgets()
        page.wait_for_timeout(300)
        problems = page.evaluate(LAYOUT_PROBLEMS)
        if width != 1280 and not docname.endswith("appendix/api"):  # the API page: ~20 MB of PNG
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / screenshot_name(docname).replace(".png", f"@{width}.png")), full_page=True)
        assert problems == [], "\n".join(problems)
    finally:
        visit.close()


def test_layout_checker_flags_a_formula_that_scrolls_in_its_table_cell(browser):
    """LAYOUT_PROBLEMS on a small page: a table cell whose formula box (as nnlib-book.css makes a
    long one: overflow-x auto) is wider than the cell is reported; the same formula with room is not."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        def problems_with(cell_width):
            page.set_content(f"""<main class="bd-article"><table><tr><td style="width: {cell_width}px">
              <mjx-container class="nnlib-wide-math" style="display: block; overflow-x: auto; contain: inline-size">
                <span style="display: inline-block; width: 300px">x</span><mjx-assistive-mml>dimψ2(Θ)=(q+r)d+q</mjx-assistive-mml>
              </mjx-container></td></tr></table></main>""")
            return page.evaluate(LAYOUT_PROBLEMS)
        (problem,) = problems_with(200)
        assert "dimψ2(Θ)=(q+r)d+q" in problem and "scrolls sideways in its cell" in problem, problem
        assert problems_with(400) == []
    finally:
        context.close()


# ------------------------------------------------------------------ honest static widgets (issue 18 item 5)
WIDGET_PAGES = [p for p in NOTEBOOKS
                if (lambda nb: bool(nb.get("metadata", {}).get("widgets")))(json.loads((ROOT / f"{p}.ipynb").read_text(encoding="utf-8")))]


@pytest.mark.parametrize("docname", WIDGET_PAGES)
def test_dead_widgets_are_disabled_and_say_where_they_work(browser, site, docname):
    """Every embedded ipywidget (no kernel behind the page) is inert, its inputs disabled, with a
    one-line pointer to the live paths above it; a slider does not move when dragged. The static
    twins are not touched: their sliders stay enabled (the twin test moves them)."""
    base, _ = site
    visit = Visit(browser, urljoin(base, f"{docname}.html"))
    page = visit.page
    try:
        n = visit.wake_widgets()
        assert n >= 1
        page.wait_for_function("document.querySelectorAll('.nnlib-static-widget .jupyter-widgets, .nnlib-static-widget .widget-subarea').length > 0", timeout=20_000)
        state = page.evaluate("""() => Array.from(document.querySelectorAll('.nnlib-static-widget')).map(w => ({
            inert: w.hasAttribute('inert'),
            note: !!(w.closest('.cell_output') || w.parentElement).querySelector('.nnlib-static-note'),
            enabled: Array.from(w.querySelectorAll('input, select, button, textarea')).filter(e => !e.disabled).length,
        }))""")
        assert all(s["inert"] for s in state), f"widgets not marked inert: {state}"
        assert all(s["note"] for s in state), "a widget without the note pointing to the live paths"
        assert sum(s["enabled"] for s in state) == 0, f"enabled controls in static widgets: {state}"
        note = page.locator(".nnlib-static-note").first.inner_text()
        assert "make lab" in note
        # A reader drags a slider's handle: nothing moves.
        handles = page.locator(".nnlib-static-widget .noUi-handle")
        if handles.count():
            handle = handles.first
            handle.scroll_into_view_if_needed()
            readout = handle.locator("xpath=ancestor::*[contains(@class,'widget-slider')][1]").locator(".widget-readout")
            before = readout.first.inner_text() if readout.count() else None
            transform = handle.evaluate("h => (h.closest('.noUi-origin') || h).style.transform")
            box = handle.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(box["x"] + 200, box["y"] + box["height"] / 2, steps=5)
            page.mouse.up()
            page.keyboard.press("End")
            assert handle.evaluate("h => (h.closest('.noUi-origin') || h).style.transform") == transform, "a dead slider moved"
            if before is not None:
                assert readout.first.inner_text() == before, "a dead slider's readout changed"
        # The twins stay live.
        twin_inputs = page.evaluate("""() => Array.from(document.querySelectorAll('.nnlib-static-twin input[type=range]'))
                                         .map(i => !i.disabled && !i.closest('[inert]'))""")
        assert all(twin_inputs), "a static twin's slider was disabled"
        assert visit.problems == [], "\n".join(visit.problems)
    finally:
        visit.close()


# ------------------------------------------------------------------ page weight (issue 18 item 8)
WEIGHTS = Path(os.environ.get("BOOK_WEIGHTS", ROOT / "_build" / "page-weights.json"))
# Bytes a page may fetch before the reader scrolls (body sizes as served, uncompressed).
BUDGET = {"chapter": 4_000_000, "other": 3_000_000}


def test_page_weight_per_page_within_budget(browser, site):
    """Bytes and requests of every page's first load (no scrolling) at 1280 px, recorded in
    _build/page-weights.json (bench/RESULTS.md reports them). Pages without widget state never
    fetch the widget manager, chapter pages fetch it only when a widget comes near the viewport,
    no page fetches fontawesome.js (the theme's webfont CSS draws the icons), and the icons render."""
    base, _ = site
    weights, over = {}, []
    for docname in PAGES:
        visit = Visit(browser, urljoin(base, f"{docname}.html"))
        page = visit.page
        try:
            page.wait_for_timeout(500)
            entries = page.evaluate("""() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                                         .map(e => [e.name, e.encodedBodySize || e.transferSize || 0])""")
            names = [urlsplit(n).path for n, _ in entries]
            total = sum(size for _, size in entries)
            weights[docname] = {"bytes": total, "requests": len(entries)}
            assert not any(n.endswith("fontawesome.js") for n in names), f"{docname}: fontawesome.js loaded"
            if docname not in WIDGET_PAGES:
                assert not any(n.endswith("embed.js") for n in names), f"{docname}: the widget manager loaded without widgets"
            icon = page.evaluate("""() => { const i = document.querySelector('.article-header-buttons i[class*="fa-"], .header-article-items i[class*="fa-"]');
                                     if (!i) return null; const s = getComputedStyle(i, '::before');
                                     return [s.content, s.fontFamily, document.fonts.check('900 16px "Font Awesome 6 Free"')]; }""")
            assert icon is None or (icon[0] not in ("none", "normal", '""') and "Font Awesome" in icon[1] and icon[2]), f"{docname}: header icons do not render: {icon}"
            budget = BUDGET["chapter" if docname in NOTEBOOKS else "other"]
            if total > budget:
                over.append(f"{docname}: {total / 1e6:.2f} MB > {budget / 1e6:.1f} MB")
            assert visit.problems == [], "\n".join(visit.problems)
        finally:
            visit.close()
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    assert over == [], "pages over their weight budget:\n" + "\n".join(over)


# ------------------------------------------------------------------ search (issue 18 item 9)
# Raw TeX in a search snippet: a math delimiter or a control word ("\\(k\\)", "\\psi_k", "\\begin{split}").
RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]{2,}")
RESULTS_AND_SNIPPETS = """() => Array.from(document.querySelectorAll('#search-results li')).map(li => ({
  href: li.querySelector('a').href,
  snippet: li.querySelector('p.context') ? li.querySelector('p.context').textContent : null,
}))"""


def snippet_problems(query: str, results: list[dict]) -> list[str]:
    """What is wrong with the snippets of a search for ``query``: the glossary's snippet (and so at
    least one) must show the query's words, and no snippet may show raw TeX."""
    problems = []
    words = query.lower().split()
    glossary = [r for r in results if "appendix/glossary.html" in r["href"]]
    if not glossary or not glossary[0]["snippet"]:
        problems.append(f"no snippet under the glossary's result for {query!r}")
    elif not all(w in glossary[0]["snippet"].lower() for w in words):
        problems.append(f"the glossary's snippet for {query!r} does not show it: {glossary[0]['snippet']!r}")
    for r in results:
        if r["snippet"] and RAW_TEX.search(r["snippet"]):
            problems.append(f"raw TeX in the snippet of {r['href']}: {r['snippet']!r}")
    return problems


def test_snippet_problems_catches_raw_tex_and_missing_words():
    """The snippet check fails on Sphinx's own summaries (raw TeX, the query nowhere)."""
    glossary = "http://x/chapters/appendix/glossary.html"
    assert snippet_problems("psi", [{"href": glossary, "snippet": "plain text (ψ, psi), so ..."}]) == []
    assert snippet_problems("psi", [{"href": glossary, "snippet": "Symbol Plain text \\(k\\) k the number"}])
    assert snippet_problems("weights map", [{"href": glossary, "snippet": "the weights: the matrices"}])
    assert snippet_problems("ψ", [{"href": glossary, "snippet": None}])
    assert snippet_problems("ψ", [{"href": glossary, "snippet": "ψ"}, {"href": "http://x/a.html", "snippet": "map \\psi_k : \\Theta"}])


@pytest.mark.parametrize("query", ["ψ", "psi", "Join", "weights map"])
def test_search_finds_the_notation(browser, site, query):
    """The theme's search (Sphinx's index) finds the glossary for a symbol of the paper's notation,
    and its results carry snippets that show the query in readable text (book_assets/nnlib-search.js)."""
    base, _ = site
    visit = Visit(browser, urljoin(base, f"search.html?q={query}"))
    page = visit.page
    try:
        page.wait_for_function("document.querySelector('#search-results') && /found|No results|did not match/i.test(document.querySelector('#search-results').innerText)", timeout=20_000)
        hrefs = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.href)")
        assert any("appendix/glossary.html" in h for h in hrefs), f"search for {query!r} does not list the glossary: {hrefs[:5]}"
        # Each snippet is fetched after its result is listed; wait for the glossary's.
        page.wait_for_function("Array.from(document.querySelectorAll('#search-results li')).some(li => /appendix\\/glossary\\.html/.test(li.querySelector('a').href) && li.querySelector('p.context'))", timeout=20_000)
        page.wait_for_timeout(1_000)
        problems = snippet_problems(query, page.evaluate(RESULTS_AND_SNIPPETS))
        assert problems == [], "\n".join(problems)
    finally:
        visit.close()


# A symbol the chapters write in math, searched for as a reader types it: (query, the TeX that writes
# it, the symbol its snippets show). The index holds math's symbols as letters and names
# (_ext/math_search.py); without it "ψ" found the glossary only, "psi" two chapters of seven.
SYMBOL_QUERIES = [
    ("ψ", r"\\psi(?![A-Za-z])", "ψ"),
    ("psi", r"\\psi(?![A-Za-z])", "ψ"),
    ("ν", r"\\nu(?![A-Za-z])", "ν"),
    ("Σ", r"\\Sigma(?![A-Za-z])", "Σ"),
    ("ℝ", r"\\mathbb\{R\}", "ℝ"),
]


def pages_whose_prose_writes(tex: str) -> list[str]:
    """Pages of _toc.yml whose prose (a .md page, a notebook's markdown cells) matches the regex ``tex``."""
    found = []
    for docname in PAGES:
        path = ROOT / f"{docname}.ipynb"
        if path.exists():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        else:
            text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
        if re.search(tex, text):
            found.append(docname)
    return found


def result_docname(href: str) -> str:
    """The docname a search result links to ("http://h/chapters/x.html?highlight=y#z" -> "chapters/x")."""
    return re.sub(r"\.html$", "", urlsplit(href).path.lstrip("/"))


def symbol_search_problems(query: str, shown: str, expected: list[str], results: list[dict]) -> list[str]:
    """What is wrong with a search for ``query`` (``RESULTS_AND_SNIPPETS``'s answer): every page of
    ``expected`` must be listed, with a snippet that shows ``shown`` (or the query as typed), and
    no snippet may show raw TeX."""
    problems = []
    by_page = {}
    for r in results:
        by_page.setdefault(result_docname(r["href"]), []).append(r["snippet"])
    for docname in expected:
        snippets = [x for x in by_page.get(docname, []) if x]
        if docname not in by_page:
            problems.append(f"{query!r} does not list {docname}")
        elif not snippets:
            problems.append(f"{query!r} lists {docname} without a snippet")
        elif not any(shown in x or query.lower() in x.lower() for x in snippets):
            problems.append(f"the snippet of {docname} for {query!r} does not show {shown!r}: {snippets[0]!r}")
    for r in results:
        if r["snippet"] and RAW_TEX.search(r["snippet"]):
            problems.append(f"raw TeX in the snippet of {r['href']}: {r['snippet']!r}")
    return problems


def test_symbol_search_problems_catches_missing_pages_snippets_and_symbols():
    """The checker itself (no browser): the glossary-only answer Sphinx gave before fails."""
    ch1, glossary = "chapters/01_introduction", "chapters/appendix/glossary"
    good = [{"href": f"http://x/{ch1}.html?highlight=%CF%88", "snippet": "the weights map ψ_k : Θ → ..."},
            {"href": f"http://x/{glossary}.html", "snippet": "ψ_k psi_k the weights map"}]
    assert symbol_search_problems("ψ", "ψ", [ch1, glossary], good) == []
    assert symbol_search_problems("ψ", "ψ", [ch1, glossary], good[1:]) == [f"'ψ' does not list {ch1}"]
    assert symbol_search_problems("ψ", "ψ", [ch1], [dict(good[0], snippet=None)]) == [f"'ψ' lists {ch1} without a snippet"]
    assert len(symbol_search_problems("ψ", "ψ", [ch1], [dict(good[0], snippet="the weights map")])) == 1
    assert len(symbol_search_problems("ψ", "ψ", [ch1], [dict(good[0], snippet="map \\psi_k : \\Theta")])) == 2
    assert symbol_search_problems("psi", "ψ", [ch1], [dict(good[0], snippet="weights_map (psi_k)")]) == []


@pytest.mark.parametrize(("query", "tex", "shown"), SYMBOL_QUERIES, ids=[q[0] for q in SYMBOL_QUERIES])
def test_search_finds_the_symbol_where_the_chapters_write_it_in_math(browser, site, query, tex, shown):
    """A symbol typed as the reader sees it ("ψ") or named ("psi") finds every page whose prose
    writes it in TeX ($\\psi_k$; chapter 1 defines ψ_k, the weights map), each result with a snippet
    that shows the symbol as text, and no snippet shows raw TeX."""
    expected = pages_whose_prose_writes(tex)
    assert expected, f"no page writes {tex}: nothing to search for"
    if shown == "ψ":
        assert "chapters/01_introduction" in expected
    base, _ = site
    visit = Visit(browser, urljoin(base, f"search.html?q={query}"))
    page = visit.page
    try:
        # "Search finished, found N pages" comes once every result is listed; each snippet is
        # fetched after its result is listed: wait for the expected pages' snippets.
        page.wait_for_function("/Search finished|did not match/i.test((document.querySelector('#search-results') || {}).innerText || '')", timeout=30_000)
        listed = {result_docname(h) for h in page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.href)")}
        waiting = [p for p in expected if p in listed]
        try:
            page.wait_for_function(
                """pages => pages.every(p => Array.from(document.querySelectorAll('#search-results li'))
                     .some(li => new URL(li.querySelector('a').href).pathname.endsWith('/' + p + '.html') && li.querySelector('p.context')))""",
                arg=waiting, timeout=60_000)
        except Exception:  # noqa: BLE001 - the check below names the pages left without a snippet
            pass
        page.wait_for_timeout(500)
        problems = symbol_search_problems(query, shown, expected, page.evaluate(RESULTS_AND_SNIPPETS))
        assert problems == [], "\n".join(problems)
        assert visit.problems == [], "\n".join(visit.problems)
    finally:
        visit.close()


# ------------------------------------------------------------------ figures for reading (issue 18 item 6)
# What a chapter page shows as pictures: every <img> of the article (with its alt text and the
# figure around it) and every figure (its number and caption). Collected in the page, after the
# widgets have rendered, because the widgets' pictures exist only then.
FIGURE_FACTS = """() => {
  const article = document.querySelector(".bd-article") || document.body;
  const images = Array.from(article.querySelectorAll("img")).map(img => {
    const figure = img.closest("figure");
    return {
      src: (img.getAttribute("src") || "").slice(0, 60),
      alt: img.hasAttribute("alt") ? img.getAttribute("alt") : null,
      kind: img.classList.contains("nnlib-static-twin-frame") ? "twin frame"
          : img.classList.contains("widget-image") ? "widget picture" : "image",
      figure: figure ? (figure.id || "(figure without id)") : null,
    };
  });
  const figures = Array.from(article.querySelectorAll("figure")).map(f => {
    const number = f.querySelector("figcaption .caption-number");
    const text = f.querySelector("figcaption .caption-text");
    return {
      id: f.id || null,
      number: number ? number.textContent.trim() : null,
      caption: text ? text.textContent.trim() : null,
    };
  });
  return {images, figures};
}"""

# Alt texts that say nothing about the picture: a generic word, maybe numbered ("figure 3",
# "Image", "plot"), a file name ("a1b2.png"), a bare frame index ("frame 2 of 8: k = 3"), or
# anything too short to describe a plot (fewer than four words).
PLACEHOLDER_ALT = re.compile(
    r"^\s*(?:(?:a |an |the )?(?:figure|fig\.?|image|img|picture|plot|graph|chart|png|output|"
    r"untitled|alt|frame|widget)\b[\s\d.:#-]*|[\w.-]*\.(?:png|jpe?g|svg|gif|webp)"
    r"|frame \d+ of \d+\b.*)\s*$",
    re.IGNORECASE,
)
FIGURE_NUMBER = re.compile(r"^Fig\.\s*\d+(?:\.\d+)*\s*$")


def figure_problems(facts: dict) -> list[str]:
    """What is wrong with the pictures of one page (``FIGURE_FACTS``'s answer), one line each:
    an image without alt text or with a placeholder for one, an image outside a figure, a figure
    without a number ("Fig. N") or without a caption."""
    problems = []
    for img in facts["images"]:
        what = f"{img['kind']} {img['src']!r}" + (f" in {img['figure']}" if img["figure"] else "")
        alt = img["alt"]
        if alt is None or not alt.strip():
            problems.append(f"{what}: no alt text")
        elif PLACEHOLDER_ALT.match(alt) or len(alt.split()) < 4:
            problems.append(f"{what}: placeholder alt text {alt!r}")
        if img["figure"] is None:
            problems.append(f"{what}: not in a numbered figure")
    for fig in facts["figures"]:
        name = fig["id"] or "(figure without id)"
        if not fig["number"] or not FIGURE_NUMBER.match(fig["number"]):
            problems.append(f"figure {name}: no number (caption number {fig['number']!r})")
        if not fig["caption"] or len(fig["caption"].split()) < 3:
            problems.append(f"figure {name}: no caption ({fig['caption']!r})")
    return problems


def test_figure_checker_finds_missing_alt_placeholders_and_unnumbered_figures():
    """The checker itself (no browser): a page of good figures passes; each defect is reported."""
    good_img = {"src": "data:image/png", "alt": "Log-log plot of the loss falling like 1/k along (17).",
                "kind": "image", "figure": "fig-a"}
    good_fig = {"id": "fig-a", "number": "Fig. 1", "caption": "The error along the sequence (17)."}
    assert figure_problems({"images": [good_img], "figures": [good_fig]}) == []
    for alt in (None, "", "  ", "figure", "Figure 3", "image", "plot", "a1b2c3.png", "frame 2 of 8: k = 3", "loss curve"):
        found = figure_problems({"images": [dict(good_img, alt=alt)], "figures": [good_fig]})
        assert len(found) == 1 and "alt" in found[0], (alt, found)
    assert figure_problems({"images": [dict(good_img, figure=None)], "figures": []}) == [
        "image 'data:image/png': not in a numbered figure"]
    assert len(figure_problems({"images": [], "figures": [dict(good_fig, number=None)]})) == 1
    assert len(figure_problems({"images": [], "figures": [dict(good_fig, caption="")]})) == 1
    assert len(figure_problems({"images": [], "figures": [dict(good_fig, number="Figure")]})) == 1


def test_figure_checker_in_the_browser_flags_a_page_with_a_missing_alt(browser):
    """FIGURE_FACTS + figure_problems on a small page written the way Sphinx writes figures:
    the captioned figure passes, the image without alt and outside a figure fails."""
    context = browser.new_context()
    page = context.new_page()
    try:
        png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        page.set_content(f"""<main class="bd-article">
          <figure id="fig-ok"><img alt="Scatter plot of final loss against final weight norm, one dot per run." src="{png}">
            <figcaption><p><span class="caption-number">Fig. 1 </span><span class="caption-text">Where the runs end.</span></p></figcaption></figure>
          <div class="cell_output"><img src="{png}"></div></main>""")
        problems = figure_problems(page.evaluate(FIGURE_FACTS))
        assert [p.split(": ", 1)[1] for p in problems] == ["no alt text", "not in a numbered figure"], problems
    finally:
        context.close()


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_every_picture_of_a_chapter_is_a_numbered_captioned_figure_with_alt_text(browser, site, docname):
    """Every <img> of a chapter page (plots, twin frames, the widgets' pictures once rendered)
    has a real alt text and sits in a figure with a number ("Fig. N") and a caption; the plots
    link to their full-size image (click to enlarge). A chapter has at least one figure."""
    base, _ = site
    with chapter_with_widget_pictures(browser, base, docname) as (visit, expected):
        page = visit.page
        if expected:
            try:  # book_assets/nnlib-book.js describes them as they appear
                page.wait_for_function("Array.from(document.querySelectorAll('img.widget-image')).every(i => i.alt)", timeout=3_000)
            except Exception:  # noqa: BLE001 - the check below names the pictures left without one
                pass
        facts = page.evaluate(FIGURE_FACTS)
        assert facts["figures"], "no figure on the page"
        assert figure_problems(facts) == []
        unlinked = page.evaluate("""() => Array.from(document.querySelectorAll('.bd-article figure img'))
            .filter(img => !img.classList.contains('nnlib-static-twin-frame') && !img.classList.contains('widget-image'))
            .filter(img => !(img.closest('a') && img.closest('a').getAttribute('href'))).length""")
        assert unlinked == 0, f"{unlinked} plots without a link to the full-size image"
        assert visit.problems == [], "\n".join(visit.problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_repeats_an_html_id(page):
    # sphinx-proof and sphinx-exercise repeat ids (_ext/proof_ids.py removes the copies): a
    # repeated id breaks links to the second element and the page's accessibility tree.
    ids = re.findall(r'\sid="([^"]+)"', (SITE / f"{page}.html").read_text(encoding="utf-8"))
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, f"{page}: ids used more than once: {repeated}"
