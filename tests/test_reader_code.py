"""Issue 18 item 7: the code a reader sees is the chapter's argument, not its bookkeeping.

(And item 6, checked here without a browser: a picture a chapter's cell stores carries its
figure's caption, name and alt text on the same cell, so that splitting a cell cannot leave a
picture outside its numbered figure; the browser test checks the built pages.)

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


PICTURES = ("image/png", "image/svg+xml")
DRAWN = PICTURES + ("application/vnd.jupyter.widget-view+json", "text/html")


def figure_metadata_problems(cells: list[dict]) -> list[str]:
    """Cells whose stored picture has no figure metadata (caption, name, alt), or whose figure
    metadata sits on a cell that draws nothing (no picture, widget or twin)."""
    problems = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or HIDDEN & set(cell["metadata"].get("tags", [])) - {"hide-input"}:
            continue
        kinds = {k for out in cell.get("outputs", []) for k in out.get("data", {})}
        mystnb = cell["metadata"].get("mystnb", {})
        has_figure = bool(mystnb.get("figure", {}).get("caption") and mystnb["figure"].get("name"))
        if kinds & set(PICTURES) and not (has_figure and mystnb.get("image", {}).get("alt")):
            problems.append(f"cell {i}: a picture without its figure's caption, name and alt text")
        if "figure" in mystnb and not kinds & set(DRAWN):
            problems.append(f"cell {i}: figure metadata on a cell that draws nothing")
    return problems


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_stored_picture_carries_its_figure_caption_name_and_alt_text(path):
    found = figure_metadata_problems(nbformat.read(path, as_version=4).cells)
    assert found == [], f"{path.name}:\n" + "\n".join(found)


def test_the_figure_check_finds_a_picture_split_from_its_figure():
    figure = {"figure": {"caption": "c", "name": "fig-x"}, "image": {"alt": "a"}}
    png = [{"output_type": "display_data", "data": {"image/png": "..."}}]
    cells = [
        {"cell_type": "code", "metadata": {"mystnb": figure}, "outputs": []},  # the figure's old cell
        {"cell_type": "code", "metadata": {}, "outputs": png},  # the picture, after a split
        {"cell_type": "code", "metadata": {"mystnb": figure}, "outputs": png},  # as it should be
    ]
    assert figure_metadata_problems(cells) == [
        "cell 0: figure metadata on a cell that draws nothing",
        "cell 1: a picture without its figure's caption, name and alt text",
    ]
