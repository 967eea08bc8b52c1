"""Serve MathJax and the Jupyter widgets manager from the built book, not from a CDN.

`make assets` copies the two npm packages' run-time files into ``book_vendor/``::

    book_vendor/mathjax/tex-mml-chtml.js   (+ output/chtml/fonts, input/tex/extensions, ui, a11y)
    book_vendor/html-manager/embed.js      (+ the Font Awesome files its CSS refers to)

When that folder exists, this extension (at ``config-inited``, before myst-nb reads its
configuration at ``builder-inited``):

- adds ``book_vendor/`` to ``html_static_path``, so its *contents* land in ``_build/html/_static/``
  (the folder must not be called ``_static``: Jupyter Book 1 would then add every .js file in it
  to every page);
- points ``mathjax_path`` at ``mathjax/tex-mml-chtml.js`` (relative paths are relative to
  ``_static``). MathJax computes its root from the URL of the script that loaded it, so the
  fonts and TeX extensions it loads lazily come from the same local folder;
- points myst-nb's ``nb_ipywidgets_js`` at ``html-manager/embed.js``. That bundle renders the
  standard ipywidgets without require.js, so require.js (a CDN default of myst-nb) is dropped.

When it does not exist (no npm on the machine), the CDN defaults stay and one info line says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

VENDOR = "book_vendor"
MATHJAX = "mathjax/tex-mml-chtml.js"
WIDGETS = "html-manager/embed.js"


def _use_local_assets(app: Sphinx, config: Config) -> None:
    vendor = Path(app.srcdir, VENDOR)
    if not (vendor / MATHJAX).is_file() or not (vendor / WIDGETS).is_file():
        logger.info(
            "offline_assets: %s/ not found (run `make assets`, needs npm); "
            "MathJax and the widget manager will load from a CDN",
            VENDOR,
        )
        return
    config.html_static_path = [*config.html_static_path, str(vendor)]
    config.mathjax_path = MATHJAX
    config.nb_ipywidgets_js = {WIDGETS: {}}
    logger.info("offline_assets: MathJax and the widget manager served from %s/", VENDOR)


def setup(app: Sphinx) -> dict[str, Any]:
    # priority < 500: run before other config-inited handlers that might read these values
    app.connect("config-inited", _use_local_assets, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
