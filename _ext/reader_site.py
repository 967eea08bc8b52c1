"""Site-level behaviour of the book for its readers (issue 18: launch paths, honest widgets, weight).

1. **Launch buttons only for a real repository.** ``_config.yml``'s ``repository.url`` is the
   placeholder ``https://github.com/OWNER/REPO`` until the book is published. While it is, the
   launch buttons (Binder, Colab) and the repository buttons would lead nowhere, so none are
   built: ``launch_buttons`` and ``repository_url`` are removed from the theme's options at
   ``config-inited``. The Sphinx tag ``repository_placeholder`` (else ``repository_published``)
   is set, so that pages can say what to do instead with ``{only}`` blocks (the front page
   tells how to run the notebooks locally). The download button needs no repository and stays.
2. **The version.** The book's version is the package's (``pyproject.toml``, ``[project]
   version``); it is Sphinx's ``version``/``release`` and the MyST substitution
   ``{{ book_version }}`` (the front page shows it; ``CITATION.cff`` carries the same, checked by
   ``tests/test_front_page.py``).
3. **The book's own assets** (``book_assets/``, copied into ``_static/``; not named ``_static``,
   see TOOLING.md): ``nnlib-book.css`` (tables and outputs that fit the column at 1280 and 390 px,
   the look of disabled static controls) and ``nnlib-book.js`` (marks embedded ipywidgets, whose
   kernel is absent on a static page, disabled, with a pointer to the live paths; loads the
   widget manager lazily, see 4).
4. **Lighter pages.**

   - The widget manager (``html-manager/embed.js``, 1.9 MB) is kept only on pages whose notebook
     stored widget state, and there it is not fetched with the page: its ``<script>`` becomes
     ``type="text/plain"`` with ``data-nnlib-lazy``, and ``nnlib-book.js`` fetches it when a
     widget output comes within a screen of the viewport (then runs its ``load`` handler, which
     renders the widgets).
   - pydata-sphinx-theme loads ``scripts/fontawesome.js`` (1.5 MB, Font Awesome's SVG
     replacement) on every page, although its CSS already draws every icon the pages use from the
     Font Awesome webfont. The ``<script>`` is removed from the written pages (``build-finished``;
     the theme's template writes it directly, outside Sphinx's script list).
5. **Search snippets that read as prose.** On the search page, ``nnlib-search.js`` takes each hit's
   summary from the article's text (no header, contents list, code cells or outputs) with math read
   as text (``\\psi_k`` as ψ_k), centred on the query (see the file).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

ASSETS = "book_assets"
PLACEHOLDER = "OWNER/REPO"
WIDGET_MANAGER_NAMES = ("embed.js", "embed-amd.js")
FONTAWESOME_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')


def repository_is_placeholder(url: str | None) -> bool:
    """Whether ``url`` (``repository.url`` of ``_config.yml``) is missing or the ``OWNER/REPO`` placeholder."""
    return not url or PLACEHOLDER in url


def book_version(root) -> str:
    """The ``[project] version`` of ``pyproject.toml`` under ``root``."""
    with open(Path(root) / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def _configure(app: Sphinx, config: Config) -> None:
    options = dict(config.html_theme_options or {})
    if repository_is_placeholder(options.get("repository_url")):
        for key in ("launch_buttons", "repository_url", "repository_branch"):
            options.pop(key, None)
        for key in ("use_repository_button", "use_issues_button", "use_edit_page_button", "use_source_button"):
            options[key] = False
        app.tags.add("repository_placeholder")
        logger.info("reader_site: repository.url is the %s placeholder: no launch or repository buttons", PLACEHOLDER)
    else:
        app.tags.add("repository_published")
    config.html_theme_options = options

    version = book_version(app.confdir)
    config.version = config.release = version
    config.myst_substitutions = {**(config.myst_substitutions or {}), "book_version": version}

    assets = Path(app.confdir, ASSETS)
    config.html_static_path = [*config.html_static_path, str(assets)]


def _has_widget_state(app: Sphinx, pagename: str) -> bool:
    from myst_nb.sphinx_ import NbMetadataCollector

    return bool(NbMetadataCollector.get_js_files(app.env, pagename))


def _lazy_widget_manager(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    from sphinx.builders.html._assets import _JavaScript

    keep_manager = _has_widget_state(app, pagename)
    out = []
    for script in scripts:
        name = str(getattr(script, "filename", "") or "")
        if name.split("?")[0].endswith(WIDGET_MANAGER_NAMES):
            if not keep_manager:
                continue  # no widget state on this page: nothing for the manager to draw
            attributes = {k: v for k, v in script.attributes.items() if k not in ("defer", "async")}
            attributes.update({"type": "text/plain", "data-nnlib-lazy": "widget-manager"})
            script = _JavaScript(script.filename, priority=script.priority, **attributes)
        out.append(script)
    context["script_files"] = out


def _drop_fontawesome_js(app: Sphinx, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    n = 0
    for html in Path(app.outdir).rglob("*.html"):
        if html.parts[len(Path(app.outdir).parts)] in ("lite", "_static", "_sources"):
            continue
        text = html.read_text(encoding="utf-8")
        new, count = FONTAWESOME_SCRIPT.subn("", text)
        if count:
            html.write_text(new, encoding="utf-8")
            n += 1
    logger.info("reader_site: fontawesome.js dropped from %d pages (icons come from the theme's webfont CSS)", n)


def _search_snippets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Only the search page shows snippets; deferred, so it runs after the page's searchtools.js.
    if pagename == "search":
        app.add_js_file("nnlib-search.js", loading_method="defer", priority=900)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _configure, priority=450)
    app.add_css_file("nnlib-book.css", priority=800)
    app.add_js_file("nnlib-book.js", loading_method="defer", priority=800)
    # After myst-nb has added the widget manager to the page (default priority 500).
    app.connect("html-page-context", _lazy_widget_manager, priority=950)
    app.connect("html-page-context", _search_snippets)
    app.connect("build-finished", _drop_fontawesome_js)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
