"""The whole-book PDF of ``make pdf`` (_build/latex/book.pdf), read back as text with pdftotext.

Run after ``make pdf`` (which runs it)::

    .venv/bin/pytest tests/pdf/check_pdf.py -p no:cacheprovider

Not called ``test_*.py``: ``pytest tests`` (the unit tests) must not collect it, since it needs the
built PDF. ``BOOK_PDF`` names another PDF. Without the PDF or pdftotext (Debian's poppler-utils,
which ``make pdf`` installs with TeX Live) the tests are skipped, except under ``CI=true``.

What is checked, in the chapters' pages (the API reference quotes markup on purpose and is left
out): every {eval}`name` of a chapter's prose shows its glued value after the words before it (the
numbers are there, not the roles), no MyST markup is left raw ({prf:...}, {exercise}, :::, $$), the
statement blocks, proofs, exercises with their solutions and numbered figure captions are there,
and no \\mathbb{1} came out as the glyph amssymb's font has in its place (⊮).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "book.pdf"))
ON_CI = os.environ.get("CI", "").lower() == "true"
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
EVAL = re.compile(r"((?:[A-Za-z,;()]+ ){3})\{eval\}`([A-Za-z_][A-Za-z0-9_]*)`")


def _skip_or_fail(message: str):
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def text() -> str:
    """The PDF's text with whitespace collapsed, up to the API reference chapter."""
    if not PDF.is_file():
        _skip_or_fail(f"{PDF} not found: run make pdf")
    if shutil.which("pdftotext") is None:
        _skip_or_fail("pdftotext not found (apt-get install poppler-utils)")
    raw = subprocess.run(["pdftotext", str(PDF), "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", raw)
    # its line in the contents comes first, then the chapter's heading (set in capitals)
    api = [m.start() for m in re.finditer(r"API reference: nnlib", flat, flags=re.IGNORECASE)]
    assert len(api) >= 2, "the API reference chapter is missing from the PDF"
    return flat[: api[1]]


def glued_text(notebook: Path) -> dict[str, str]:
    """What myst-nb pastes for each glued name of a notebook (its text/plain, quotes stripped)."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            book = output.get("metadata", {}).get("scrapbook")
            if book:
                plain = output["data"].get(book["mime_prefix"] + "text/plain")
                if plain is not None:
                    values[book["name"]] = plain.strip("'")
    return values


def eval_probes(notebook: Path) -> list[str]:
    """'<three words> <value>' for each {eval} role of the notebook's prose that follows three plain
    words on its line and names a plain glued value (not Markdown); table rows are left out (the
    text of a table's cells comes out of pdftotext interleaved)."""
    values = glued_text(notebook)
    probes = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.lstrip().startswith("|"):
                continue
            for words, name in EVAL.findall(line):
                if name in values and "\n" not in values[name] and not values[name].startswith(("*", "[")):
                    probes.append(f"{words}{values[name]}")
    return probes


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_prose_numbers_are_pasted(text, notebook):
    """The chapter's numbers stand in its prose where the {eval} roles were."""
    probes = eval_probes(notebook)
    if not probes:
        pytest.skip(f"{notebook.stem}: no {{eval}} after three plain words")
    missing = [p for p in probes if p not in text]
    # A probe can break across a hyphenated line end; a raw role breaks all of them.
    assert len(missing) <= len(probes) // 10, f"{len(missing)} of {len(probes)} not in the PDF: {missing[:8]}"


def test_no_raw_markup(text):
    raw = [m.group(0) for m in re.finditer(r"\{(?:eval|glue(?::\w+)?|prf:\w+|exercise|solution|numref|ref|doc|cite(?::\w+)?)\}`?|:::|\$\$", text)]
    assert raw == [], f"raw MyST markup in the PDF's chapters: {raw[:10]}"


def test_statements_proofs_exercises_figures(text):
    assert re.search(r"Theorem \(", text) and re.search(r"Lemma \(", text), "no statement block (Theorem/Lemma title)"
    assert "Proof. " in text, "no proof"
    assert re.search(r"Exercise 1 ", text) and "Solution to Exercise 1" in text, "no exercise or solution"
    captions = re.findall(r"Fig\. (\d+): \S", text)
    assert len(captions) >= 10, f"only {len(captions)} numbered figure captions"
    numbers = [int(n) for n in captions]
    assert numbers == list(range(1, len(numbers) + 1)), f"figures not numbered 1, 2, ... through the book: {numbers[:12]}"


def test_blackboard_one(text):
    assert "⊮" not in text, "\\mathbb{1} printed as amssymb's ⊮ (the preamble of _config.yml defines it)"
    assert "𝟙" in text
