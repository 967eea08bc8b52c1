"""A "Run live" button on every chapter page: the chapter's notebook in the book's own JupyterLite site.

``make lite`` (``lite/build.py``) builds a JupyterLite site with the Pyodide kernel into
``_build/html/lite/``, next to the book's pages, with a copy of every chapter. This extension adds,
to the header of every page built from a notebook, a link button to
``lite/notebooks/index.html?path=<page>.ipynb`` (a relative URL, so the button works wherever the
site is served). The link is a few hundred bytes of HTML: a reader who never clicks loads nothing more.

A chapter listed in ``lite_limits`` (``_config.yml``, ``sphinx.config``; page name -> text: what does
not work there, and why) gets the label "Run live (partly)" and that text in its tooltip, instead of a
failure the reader meets unwarned;
``lite_unsupported`` (page name -> text) replaces the link by a disabled button saying why. The static
page, with its widgets' static twins, stays as it is in both cases.

It also drops sphinx-thebe from every page (its inline configuration
``const THEBE_JS_URL = "https://unpkg.com/..."``, ``sphinx-thebe.js`` and ``sphinx-thebe.css``):
Jupyter Book 1 always loads sphinx-thebe, but the book does not use Thebe (it needs unpkg and a
Binder server); the live button replaces it. The theme's own Thebe button appears only
with ``launch_buttons.thebe: true``, which ``_config.yml`` does not set.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx

LITE_APP = "lite/notebooks/index.html"


def _add_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Only pages built from a notebook (myst-nb records the source suffix in the page's metadata).
    if doctree is None or not str(app.env.doc2path(pagename, base=False)).endswith(".ipynb"):
        return
    buttons = context.get("header_buttons")
    if buttons is None:  # not the book theme
        return
    unsupported = app.config.lite_unsupported.get(pagename)
    if unsupported:
        buttons.insert(0, {
            "type": "javascript",
            "javascript": "void 0",
            "tooltip": f"Not runnable in the browser: {unsupported}",
            "icon": "fas fa-ban",
            "text": "Live: not in the browser",
            "label": "lite-unsupported",
        })
        return
    limit = app.config.lite_limits.get(pagename)
    url = f"{context['pathto'](LITE_APP, 1)}?path={pagename}.ipynb"
    tooltip = "Run this chapter live in your browser (JupyterLite, Python in WebAssembly; no server)"
    buttons.insert(0, {
        "type": "link",
        "url": escape(url, quote=True),
        "tooltip": f"{tooltip}. {limit}" if limit else tooltip,
        "icon": "fas fa-play",
        "text": "Run live (partly)" if limit else "Run live",
        "label": "lite",
    })


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", "") or "")
    return "THEBE_JS_URL" in (asset.attributes.get("body") or "") or name.endswith(("sphinx-thebe.js", "sphinx-thebe.css"))


def _drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in ("script_files", "css_files"):
        if context.get(key):
            context[key] = [a for a in context[key] if not _is_thebe(a)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("lite_limits", {}, "html", dict)
    app.add_config_value("lite_unsupported", {}, "html", dict)
    # After sphinx-book-theme fills header_buttons (its handlers run at priority 501).
    app.connect("html-page-context", _add_button, priority=600)
    app.connect("html-page-context", _drop_thebe, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
