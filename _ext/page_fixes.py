"""Two fixes to the JavaScript of the built pages, found by the browser test (tests/browser/).

1. sphinx-thebe 0.3 adds its inline configuration script (``const THEBE_JS_URL = ...``) at every
   ``env-before-read-docs``, when the HTML builder already exists; Sphinx 7.4 then records the
   script twice (in its registry, with filename None, and in the builder, with filename ""), so
   every page carried it twice and the second copy threw "Identifier 'THEBE_JS_URL' has already
   been declared" (sphinx-togglebutton's inline script is doubled the same way, harmlessly).
   Duplicates are dropped from each page's script list (the first copy stays).
2. The Jupyter widgets embedder (@jupyter-widgets/html-manager, ``embed.js``) typesets widget
   labels with the MathJax 2 call ``MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])``, but
   the book loads MathJax 3, which has no ``Hub``: every widget with a description threw
   "Cannot read properties of undefined (reading 'Queue')". A small shim gives MathJax 3 a
   ``Hub.Queue`` that typesets the element with ``MathJax.typesetPromise``. It is installed at
   ``DOMContentLoaded`` (after MathJax's deferred script has run) and registered before
   ``embed.js`` loads, so it is in place before any widget is rendered.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

MATHJAX2_HUB_SHIM = """
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (!mj || !mj.version || mj.Hub) { return; }
  mj.Hub = {
    Queue: function (job) {
      var element = job && job[2];
      if (!element || !mj.startup || !mj.typesetPromise) { return; }
      mj.startup.promise.then(function () { return mj.typesetPromise([element]); })
        .catch(function (err) { console.warn("MathJax could not typeset a widget label", err); });
    }
  };
});
"""


def _drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    # An inline script added after the builder exists is stored twice: once by the registry
    # (filename None) and once by the builder (filename ""), so compare with None read as "".
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    # priority 100: before the widget embedder (myst-nb adds it with the default, 500).
    app.add_js_file(None, body=MATHJAX2_HUB_SHIM, priority=100)
    # Late, after sphinx-thebe and the theme have added their scripts.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
