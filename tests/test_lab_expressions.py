"""The chapters' inline numbers read the same in the book and in Jupyter Lab (issue 18, item 2).

A chapter writes a computed number as {eval}`name` (``_ext/lab_eval.py`` shows the text glued
under ``name`` in the book; jupyterlab-myst shows the result stored in the markdown cell's
``user_expressions``, or evaluates ``name`` in the kernel). These tests hold the three together:
every {eval} names a glued value, the stored results are the glued text, a chapter that uses
{eval} glues with ``nnlib.book.glue`` (which binds the name in the kernel), and that function
binds, refuses a clash, and checks its arguments. tests/browser/check_lab.py reads the numbers
in Lab itself.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools import lab_expressions  # noqa: E402

import nnlib.book as book  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_lab_shows_the_glued_text_of_every_inline_expression(path):
    assert lab_expressions.problems(read(path), path.name) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_with_inline_expressions_glues_with_nnlib_book(path):
    nb = read(path)
    uses_eval = any(lab_expressions.expressions(c.source) for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if uses_eval:
        assert "from nnlib.book import glue" in code and "from myst_nb import glue" not in code, (
            f"{path.name}: its prose evaluates glued names in Lab, so it must glue with nnlib.book.glue"
        )


def test_at_least_one_chapter_reads_its_numbers_in_lab():
    assert any(
        lab_expressions.expressions(c.source) for p in CHAPTERS for c in read(p).cells if c.cell_type == "markdown"
    )


def _converted_chapter():
    for path in CHAPTERS:
        nb = read(path)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown" and lab_expressions.expressions(cell.source):
                return nb, i
    pytest.skip("no chapter uses {eval} yet")


def test_a_changed_glued_value_is_caught():
    nb, i = _converted_chapter()
    nb = copy.deepcopy(nb)
    name = lab_expressions.expressions(nb.cells[i].source)[0]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get("scrapbook", {}).get("name") == name:
                out["data"] = {k: "12345" for k in out["data"]}
    assert any(name in line for line in lab_expressions.problems(nb))


def test_missing_stored_results_are_caught_and_fill_restores_them():
    nb, i = _converted_chapter()
    nb = copy.deepcopy(nb)
    del nb.cells[i].metadata["user_expressions"]
    assert lab_expressions.problems(nb)
    assert lab_expressions.fill(nb) == 1
    assert lab_expressions.problems(nb) == []


def test_an_expression_that_is_not_a_glued_name_is_caught():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("the value {eval}`x + 1` and {eval}`y`")]
    found = lab_expressions.problems(nb)
    assert len(found) == 1 and "x + 1" in found[0]


class _Shell:
    def __init__(self):
        self.user_ns = {}


@pytest.fixture
def shell(monkeypatch):
    import IPython

    fake = _Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: fake)
    monkeypatch.setattr(book, "_BOUND", {})
    return fake


def test_glue_binds_the_name_to_the_glued_value(shell, capsys):
    value = 0.25
    book.glue("ratio", value, display=False)
    assert shell.user_ns["ratio"] is value


def test_glue_may_rebind_a_name_it_bound_itself(shell, capsys):
    book.glue("ratio", 0.25, display=False)
    book.glue("ratio", 0.5, display=False)   # the cell run again with another value
    assert shell.user_ns["ratio"] == 0.5


def test_glue_refuses_to_overwrite_a_variable_of_the_chapter(shell, capsys):
    shell.user_ns["n"] = 40
    with pytest.raises(ValueError, match="'n' is already a variable"):
        book.glue("n", 41, display=False)
    assert shell.user_ns["n"] == 40
    book.glue("n", shell.user_ns["n"], display=False)   # gluing the variable itself is fine


@pytest.mark.parametrize("bad", ["two words", "1st", "", None, 3])
def test_glue_needs_an_identifier(shell, bad):
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        book.glue(bad, 1.0, display=False)


def test_glue_display_must_be_a_bool(shell):
    with pytest.raises(TypeError, match="display must be True or False"):
        book.glue("x", 1.0, display="no")


def test_without_myst_nb_glue_still_binds_and_shows_the_value(shell, monkeypatch):
    """Colab after the install cell has nnlib but not myst-nb: the chapter still runs."""
    import sys

    import IPython.display

    shown = []
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb -> ImportError
    monkeypatch.setattr(IPython.display, "display", lambda value: shown.append(value))
    book.glue("hidden", 0.25, display=False)
    book.glue("shown", 0.5)
    assert shell.user_ns["hidden"] == 0.25 and shell.user_ns["shown"] == 0.5
    assert shown == [0.5]
