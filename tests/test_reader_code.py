"""Issue 18 item 7: the code a reader sees is the chapter's argument, not its bookkeeping.

A chapter's shown code cells (not tagged remove-cell, remove-input or hide-input) hold no
``glue(`` (handing values to the prose) and no ``ledger.confirm`` (checking a claim): those live in
hidden cells.  Their lines fit the book's code column (80 characters; the page's code font shows
about that many before a horizontal scrollbar cuts them off; the browser test measures the pages).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
HIDDEN = {"remove-cell", "remove-input", "hide-input"}
WIDTH = 80
BOOKKEEPING = re.compile(r"\bglue\(|\bconfirm\(")


def shown_code(path: Path) -> list[tuple[int, str]]:
    """(cell index, line) of every line of the chapter's shown code cells."""
    nb = nbformat.read(path, as_version=4)
    return [
        (i, line)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and not HIDDEN & set(cell.metadata.get("tags", []))
        for line in cell.source.splitlines()
    ]


def bookkeeping(lines: list[tuple[int, str]]) -> list[str]:
    return [f"cell {i}: {line.strip()}" for i, line in lines if BOOKKEEPING.search(line.split("#")[0])]


def too_wide(lines: list[tuple[int, str]]) -> list[str]:
    return [f"cell {i} ({len(line)} characters): {line.strip()[:60]}" for i, line in lines if len(line) > WIDTH]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_shown_code_holds_no_glue_or_confirm(path):
    found = bookkeeping(shown_code(path))
    assert found == [], f"{path.name}: bookkeeping in shown code:\n" + "\n".join(found)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_shown_code_fits_the_column(path):
    found = too_wide(shown_code(path))
    assert found == [], f"{path.name}: shown code lines over {WIDTH} characters:\n" + "\n".join(found)


def test_the_checks_find_what_they_look_for():
    lines = [(3, "x = 1"), (4, 'glue("n", n, display=False)'), (5, "ledger.confirm('lemma-1')"),
             (6, "y = 2  # glue( in a comment"), (7, "z" * 81), (8, "w" * 80)]
    assert bookkeeping(lines) == ['cell 4: glue("n", n, display=False)', "cell 5: ledger.confirm('lemma-1')"]
    assert len(too_wide(lines)) == 1 and too_wide(lines)[0].startswith("cell 7 (81 characters)")
