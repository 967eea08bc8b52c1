"""The chapters' inline numbers, written so that the book and Jupyter Lab both show them.

A chapter's prose writes a computed number as the MyST inline expression {eval}`name`, where the
chapter's code glued ``name`` with ``nnlib.book.glue`` (which is ``myst_nb.glue`` that also binds
``name`` to the glued value in the kernel's namespace). Two readers of the same markdown:

- the book (Jupyter Book 1, myst-nb 1.4): myst-nb's own ``eval`` role needs a live kernel during
  the build (``nb_execution_mode: inline``) and reads nothing stored; this extension replaces it
  by myst-nb's ``glue:text`` role, so {eval}`name` shows the text glued under ``name``, exactly as
  {glue:text}`name` would (or as {glue:md}`name` for a glued Markdown object); the glued outputs
  are what nbval checks;
- Jupyter Lab with jupyterlab-myst (the ``book`` extra, ``make lab``): the markdown cell shows the
  results stored in its ``user_expressions`` metadata (jupyterlab-myst's format) and, when the
  reader runs the cell, evaluates ``name`` in the kernel, which holds the glued value.

``tools/lab_expressions.py`` stores those results from the glued outputs; tests/test_lab_expressions.py
checks that every {eval} of a chapter names a glued value and that the stored results are the
glued text (so Lab shows what the book shows), and tests/browser/check_lab.py opens a chapter in
Jupyter Lab and reads the numbers in its rendered prose.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from myst_nb.core.variables import RetrievalError, create_warning
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteTextRole
from myst_nb.ext.glue.utils import retrieve_glue_data


class GluedExpressionRole(PasteTextRole):
    """{eval}`name`: what is glued under ``name`` (a Python identifier, nothing else): its
    Markdown, inline, when the glued value has a Markdown form (as {glue:md}), else its text."""

    def run(self):
        if not self.text.isidentifier():
            return [], [
                create_warning(
                    f"{{eval}}`{self.text}`: the book only shows glued names here (a Python "
                    "identifier glued with nnlib.book.glue), not expressions",
                    self.document,
                    self.line,
                    "eval",
                )
            ]
        try:
            data = retrieve_glue_data(self.document, self.text).data
        except RetrievalError:
            data = {}   # PasteTextRole reports the missing key
        if "text/markdown" in data:
            return PasteMarkdownRole.run(self)
        return super().run()


def _override_eval(app: Sphinx) -> None:
    # myst-nb registers its own `eval` role in its setup(); replacing it once every extension is
    # set up does not depend on the order of the extension list.
    app.add_role("eval", GluedExpressionRole(), override=True)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _override_eval)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
