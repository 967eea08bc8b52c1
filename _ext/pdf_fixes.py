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
3. **The book's structure.** Sphinx's LaTeX writer makes every second-level heading of the front page
   a chapter (six short chapters with chapter headings before chapter 1) and numbers no chapter
   (the preamble of _config.yml turns LaTeX's numbering off, since the HTML titles carry their own
   numbers). Here the front page becomes front matter: its introduction and sections form one
   unnumbered chapter, "About this book", its pages numbered i, ii, ... after the contents. The
   other chapters of _toc.yml are LaTeX chapters numbered as on the HTML pages: the
   "N. " of a title "N. Title" becomes the chapter's number N (the title keeps the rest; sections
   keep their written "N.M"). The chapters of the part captioned "Appendices" follow
   ``\\appendix``: Appendix A, B, ... The macros these steps call are in ``PREAMBLE``.
   Sphinx's bibliography environment opened a second, empty "Bibliography" chapter after the
   Bibliography appendix's own heading: it now continues the appendix. The domain indices keep
   the Python module index; sphinx-proof's "Proof Index" (statement labels such as
   ``paper-theorem-2`` listed by file name) is left out.
4. **Tables.** A Markdown table gives no column widths, so Sphinx sets it with tabulary, whose rows
   cannot break across pages (chapter 7's table of open questions ran past the foot of its page)
   and whose width guesses squeezed a column of short words into one syllable a line. In LaTeX,
   every table that sits in a section (not inside a box: an exercise, a proof, an admonition) is a
   longtable (it breaks across pages, its header repeated); where the source gives no widths,
   each column gets a share of the line from :func:`column_shares` (about its mean cell length,
   with floors). A ``{table}`` with ``:widths:`` (the claims ledger, the errata) keeps its own.
5. **Long names in inline code.** Sphinx breaks inline code only at . , ; ? ! / and backslashes;
   the claims ledger's unit-test names (``test_the_sum_reading_of_the_secant_locus_misses_...``)
   ran far into the right margin. In the PDF a line may also break after an underscore of inline
   code (``PREAMBLE``), without a hyphen.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

HIDDEN_INPUT_TAG = "tag_hide-input"
FRONT_MATTER_TITLE = "About this book"
APPENDICES_CAPTION = "Appendices"
CHAPTER_NUMBER = re.compile(r"^(\d+)\.\s+")
COLUMN_FLOOR = 0.6  # a column's share is at least COLUMN_FLOOR / (number of columns)

# LaTeX for inline code (item 5): a line may break after an underscore in inline code (the ledger's
# test names are up to 90 characters with no other break point and ran up to 9 cm into the margin).
# LaTeX for the structure (item 3): the front matter unnumbered with roman page numbers (the
# contents page starts them: the "tableofcontents" element below), the main matter numbered by
# chapter from page 1, the appendices lettered. secnumdepth 0 numbers chapters only: section titles
# carry the book's own "N.M". The bibliography environment without its own chapter heading.
PREAMBLE = r"""
\makeatletter
\newcommand{\nnlibfrontmatter}{\setcounter{secnumdepth}{-1}}
\newcommand{\nnlibmainmatter}{\clearpage\pagenumbering{arabic}\setcounter{secnumdepth}{0}}
\newcommand{\nnlibchapter}[1]{\setcounter{chapter}{\numexpr#1-1\relax}}
\newcommand{\nnlibappendix}{\appendix\setcounter{secnumdepth}{0}}
\let\nnlib@sphinxcode\sphinxcode
\protected\def\sphinxcode#1{\nnlib@sphinxcode{\let\_\nnlib@underscore#1}}
\def\nnlib@underscore{\textunderscore\discretionary{}{}{}}
\renewenvironment{sphinxthebibliography}[1]{%
  \let\nnlib@chapter\chapter\def\chapter{\@ifstar\@gobble\@gobble}%
  \begin{thebibliography}{#1}\let\chapter\nnlib@chapter}{\end{thebibliography}}
\makeatother
"""
# Sphinx's \sphinxtableofcontents without its switch to arabic page numbers after the contents:
# the front matter that follows keeps roman numbers, \nnlibmainmatter starts arabic ones.
TABLE_OF_CONTENTS = r"""\pagenumbering{roman}
\begingroup\parskip 0pt\relax\sphinxtableofcontentshook\tableofcontents\endgroup
\clearpage
"""


class PdfFixes(SphinxPostTransform):
    """The changes above, on the doctree the LaTeX builder writes."""

    default_priority = 200
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        self._structure()
        for table in list(self.document.findall(nodes.table)):
            if all(isinstance(a, (nodes.section, nodes.document, addnodes.start_of_file, nodes.compound))
                   for a in ancestors(table)):
                breakable(table)
        for admonition in list(self.document.findall(nodes.admonition)):
            if "proof" in admonition["classes"] and not any(isinstance(c, nodes.title) for c in admonition.children):
                admonition.replace_self(self._plain_proof(admonition))
        for cell in list(self.document.findall(nodes.container)):
            if HIDDEN_INPUT_TAG in cell["classes"]:
                for source in list(cell.findall(nodes.container)):
                    if "cell_input" in source["classes"]:
                        source.parent.remove(source)

    def _structure(self) -> None:
        """Front matter, numbered chapters and appendices (item 3), on the whole book's doctree."""
        if not any(True for _ in self.document.findall(addnodes.start_of_file)):
            return  # not the assembled book (one page only)
        root = next(iter(self.document.findall(nodes.section)), None)
        if root is None:
            return
        wrappers = [c for c in root.children if isinstance(c, nodes.compound) and "toctree-wrapper" in c["classes"]]
        if not wrappers:
            return
        appendices = set()
        for toctree in self.env.get_doctree(self.config.root_doc).findall(addnodes.toctree):
            if toctree.get("caption") == APPENDICES_CAPTION:
                appendices.update(str(f) for f in toctree["includefiles"])
        # the front page's introduction and sections, one unnumbered chapter
        first = root.index(wrappers[0])
        front = [c for c in root.children[:first] if not isinstance(c, nodes.title)]
        if front:
            chapter = nodes.section("", nodes.title(text=FRONT_MATTER_TITLE), ids=["nnlib-about-this-book"])
            for child in front:
                root.remove(child)
                chapter.append(child)
            root.insert(root.index(wrappers[0]), [latex(r"\nnlibfrontmatter"), chapter])
        started = False
        in_appendix = False
        for wrapper in wrappers:
            for part in list(wrapper.children):
                if not isinstance(part, addnodes.start_of_file):
                    continue
                if part["docname"] in appendices:
                    if not in_appendix:
                        wrapper.insert(wrapper.index(part), latex(r"\nnlibappendix"))
                        in_appendix = True
                    continue
                if not started:
                    wrapper.insert(wrapper.index(part), latex(r"\nnlibmainmatter"))
                    started = True
                section = next(iter(part.findall(nodes.section)), None)
                title = section[0] if section is not None and section.children else None
                match = CHAPTER_NUMBER.match(title.astext()) if isinstance(title, nodes.title) else None
                if match is None or not isinstance(title[0], nodes.Text):
                    logger.warning("pdf_fixes: %s has no title 'N. ...': LaTeX numbers it", part["docname"])
                    continue
                title.replace(title[0], nodes.Text(title[0].astext()[match.end():]))
                wrapper.insert(wrapper.index(part), latex(rf"\nnlibchapter{{{match.group(1)}}}"))

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


def ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def column_shares(rows: list[list[str]]) -> list[float]:
    """Each column's share of the line (item 4): its mean cell length, at least 1.3 times its
    longest word; then at least COLUMN_FLOOR / (number of columns) of the whole,
    so that a column of short labels next to long prose keeps a dozen characters a line; the shares
    sum to 1."""
    columns = list(zip(*rows))
    demand = [
        max(sum(map(len, col)) / len(col), 1.3 * max((len(w) for c in col for w in c.split()), default=1), 1.0)
        for col in columns
    ]
    shares = [d / sum(demand) for d in demand]
    floored = [max(s, COLUMN_FLOOR / len(columns)) for s in shares]
    return [s / sum(floored) for s in floored]


def breakable(table: nodes.table) -> None:
    """Make ``table`` a longtable, with column widths from :func:`column_shares` unless given."""
    table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"] + ["longtable"]
    if "colwidths-given" in table["classes"]:
        return
    tgroup = next(iter(table.findall(nodes.tgroup)), None)
    if tgroup is None:
        return
    colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
    rows = [[entry.astext() for entry in row.children] for row in tgroup.findall(nodes.row)]
    rows = [r for r in rows if len(r) == len(colspecs)]  # no spanning cells in the book's tables
    if not colspecs or not rows:
        return
    for colspec, share in zip(colspecs, column_shares(rows)):
        colspec["colwidth"] = max(1, round(100 * share))
    table["classes"].append("colwidths-given")


def latex(code: str) -> nodes.raw:
    return nodes.raw("", code, format="latex")


def _latex_config(app: Sphinx, config: Config) -> None:
    """The macros of PREAMBLE after _config.yml's preamble, the contents page without its switch
    to arabic numbers, and the Python module index as the only domain index."""
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    elements["tableofcontents"] = TABLE_OF_CONTENTS
    config.latex_elements = elements
    config.latex_domain_indices = ["py-modindex"]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(PdfFixes)
    app.connect("config-inited", _latex_config)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
