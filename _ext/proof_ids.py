"""Unique HTML ids for sphinx-proof's blocks (the paper's statements in the chapters).

sphinx-proof 0.4.0 writes every statement's body as ``<section ... id="proof-content">``, every
{prf:proof} as ``<div class="proof admonition" id="proof">``, and a ``:nonumber:`` statement's
label as the id of both the block and its title (its HTML writer finds the title by that id, so
the doctree must keep it): a chapter with several statements repeats ids, and ``#paper-lemma-2``
names two elements; sphinx-exercise 1.2.1 repeats ``exercise-content`` and ``solution-content``
the same way. Once a page's body is written, this drops those copies; the
label stays on the block, where links point.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

# the title's copy of the label, right after the block that carries it
TITLE_ID = re.compile(r'(<div class="proof [a-z]+ admonition" id="([^"]+)">\s*<p class="admonition-title") id="\2"')
BODY_ID = re.compile(r'(<section class="[a-z]+-content") id="proof-content"')
PROOF_ID = re.compile(r'(<div class="proof admonition") id="proof"')
# sphinx-exercise 1.2.1 likewise: <section id="exercise-content">, <section id="solution-content">
EXERCISE_ID = re.compile(r'<section id="(?:exercise|solution)-content">')


def dedupe_ids(body: str) -> str:
    """The page body without sphinx-proof's repeated ids."""
    body = TITLE_ID.sub(r"\1", body)
    body = BODY_ID.sub(r"\1", body)
    body = PROOF_ID.sub(r"\1", body)
    return EXERCISE_ID.sub("<section>", body)


def _page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = dedupe_ids(context["body"])


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
