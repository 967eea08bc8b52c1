"""What the whole-book PDF (``make pdf``, Sphinx's LaTeX writer) needs beyond the HTML pages.

1. **Proofs.** sphinx-proof 0.4.0 writes a {prf:proof} as an admonition without a title, and in
   LaTeX Sphinx opens every admonition as ``\\begin{sphinxadmonition}{note}{<title>}``: the proof's
   first token became the title, so each proof printed as an empty title bar over a box. In the
   LaTeX doctree the proof is plain text instead, as mathematics books set it: "*Proof.*" in
   italics, then the argument (the HTML pages keep sphinx-proof's box).
2. **Hidden code.** On the HTML pages a cell tagged ``hide-input`` (the bookkeeping: ``glue``,
   ``ledger.confirm``, figure code) shows its code only when the reader opens it. A PDF has no
   toggle, so its code is left out there and the cell's output stays (the ``remove-input`` tag
   already removes code from every format).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

HIDDEN_INPUT_TAG = "tag_hide-input"


class PdfFixes(SphinxPostTransform):
    """The two changes above, on the doctree the LaTeX builder writes."""

    default_priority = 200
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for admonition in list(self.document.findall(nodes.admonition)):
            if "proof" in admonition["classes"] and not any(isinstance(c, nodes.title) for c in admonition.children):
                admonition.replace_self(self._plain_proof(admonition))
        for cell in list(self.document.findall(nodes.container)):
            if HIDDEN_INPUT_TAG in cell["classes"]:
                for source in list(cell.findall(nodes.container)):
                    if "cell_input" in source["classes"]:
                        source.parent.remove(source)

    @staticmethod
    def _plain_proof(admonition: nodes.admonition) -> nodes.container:
        proof = nodes.container(classes=["proof"])
        proof.extend(admonition.children)
        first = proof.children[0] if proof.children else None
        if isinstance(first, nodes.paragraph) and first.children and isinstance(first[0], nodes.Text):
            text = first[0].astext()
            if text.startswith("Proof. "):
                first.replace(first[0], nodes.Text(text[len("Proof. "):]))
                first.insert(0, nodes.Text(" "))
                first.insert(0, nodes.emphasis(text="Proof."))
        return proof


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(PdfFixes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
