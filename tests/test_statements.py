"""The paper's statements as sphinx-proof blocks in the chapters, and the ledger's links to them.

Each numbered statement the chapters discuss is set out once as a {prf:definition}/{prf:lemma}/
{prf:theorem}/{prf:corollary}/{prf:proposition} block labelled ``paper-<kind>-<n>``; the claims
ledger's Result column links its records to those labels (``nnlib.ledger.STATEMENT_LABELS``).
A label the ledger links to that no chapter defines would be a broken reference (the book build
fails on it too, later and slower); a block the ledger does not know is a statement left unlinked.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from nnlib import ledger

ROOT = Path(__file__).resolve().parents[1]
LABEL = re.compile(r"^:::\{prf:(definition|lemma|theorem|corollary|proposition)\}.*\n:label: (\S+)", re.M)


def chapter_labels() -> list[str]:
    labels = []
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                labels += [label for _, label in LABEL.findall(cell.source)]
    return labels


def test_every_statement_block_is_labelled_once_and_known_to_the_ledger():
    labels = chapter_labels()
    assert len(labels) == len(set(labels)), f"duplicate labels: {sorted(labels)}"
    assert set(labels) == ledger.STATEMENT_LABELS


def test_the_ledger_links_each_numbered_result_to_its_statement():
    page = ledger.render_markdown()
    linked = set(re.findall(r"\{prf:ref\}`[^`<]*<([^>]+)>`", page))
    assert linked == ledger.STATEMENT_LABELS
    assert "{prf:ref}`Theorem 1, closure <paper-theorem-1>`" in page


def test_a_record_that_is_no_numbered_statement_stays_plain_text():
    assert ledger._statement("§1 example") == "§1 example"
    assert ledger._statement("Theorem 9") == "Theorem 9"
