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

The book's structure, read from the contents pages: the front page is front matter (one unnumbered
"About this book" chapter holding its sections, not a chapter per section), the chapters carry the
numbers of their HTML titles ("1. Introduction ..." is chapter 1), the appendices of _toc.yml are
lettered A, B, ... in order, the bibliography is listed once, and no "Proof Index" of statement
labels follows.

The layout, read from pdftotext's word boxes: no page's text runs into its footer or below it (a
table that cannot break across pages does; _ext/pdf_fixes.py makes the book's tables longtables),
and no word runs into the right margin (inline code without a break point did: the ledger's test
names; pdf_fixes lets it break after underscores).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "book.pdf"))
ON_CI = os.environ.get("CI", "").lower() == "true"
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
FRONT_MATTER = "About this book"  # _ext/pdf_fixes.py's FRONT_MATTER_TITLE
EVAL = re.compile(r"((?:[A-Za-z,;()]+ ){3})\{eval\}`([A-Za-z_][A-Za-z0-9_]*)`")


def _skip_or_fail(message: str):
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


def pdftotext(*options: str) -> str:
    """pdftotext's output for the PDF (skipped, or failed on CI, without the PDF or pdftotext)."""
    if not PDF.is_file():
        _skip_or_fail(f"{PDF} not found: run make pdf")
    if shutil.which("pdftotext") is None:
        _skip_or_fail("pdftotext not found (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", *options, str(PDF), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pages() -> list[str]:
    """The PDF's pages as text (pdftotext ends each with a form feed), whitespace collapsed."""
    raw = pdftotext()
    return [re.sub(r"\s+", " ", page) for page in raw.split("\f")]


@pytest.fixture(scope="module")
def whole(pages) -> str:
    return " ".join(pages)


@pytest.fixture(scope="module")
def text(whole) -> str:
    """The PDF's text up to the API reference chapter."""
    flat = whole
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


@pytest.fixture(scope="module")
def contents_and_body(pages) -> tuple[str, str]:
    """The contents pages (from the one headed CONTENTS, every page with dotted leaders) and the
    pages after them."""
    start = next((i for i, page in enumerate(pages) if "CONTENTS" in page), None)
    assert start is not None, "no contents page"
    end = start
    while end < len(pages) and ". . . ." in pages[end]:
        end += 1
    return " ".join(pages[start:end]), " ".join(pages[end:])


@pytest.fixture(scope="module")
def contents(contents_and_body) -> str:
    return contents_and_body[0]


@pytest.fixture(scope="module")
def body(contents_and_body) -> str:
    return contents_and_body[1]


def markdown_title(text: str) -> str:
    return re.sub(r"[`*]", "", text).strip()


def chapter_titles() -> list[tuple[str, str]]:
    """(number, title) of each chapter notebook's heading '# N. Title'."""
    titles = []
    for notebook in CHAPTERS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        heading = next(line for c in cells if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines() if line.startswith("# "))
        match = re.match(r"# (\d+)\. (.+)", heading)
        assert match, f"{notebook.name}: heading {heading!r} is not '# N. Title'"
        titles.append((match.group(1), markdown_title(match.group(2))))
    return titles


def appendix_titles() -> list[str]:
    """The headings of the pages of _toc.yml's "Appendices" part, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p.get("caption") == "Appendices")
    titles = []
    for entry in part["chapters"]:
        page = (ROOT / entry["file"]).with_suffix(".md")
        heading = next(line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("# "))
        titles.append(markdown_title(heading[2:]))
    return titles


def test_front_page_is_front_matter(contents, body):
    """One unnumbered chapter holds the front page's sections, listed under it before chapter 1."""
    index = (ROOT / "chapters" / "index.md").read_text(encoding="utf-8")
    sections = [markdown_title(line[3:]) for line in index.splitlines() if line.startswith("## ")]
    assert sections, "chapters/index.md has no '## ' sections"
    first_chapter = contents.find(f"1 {chapter_titles()[0][1]}")
    positions = [contents.find(FRONT_MATTER)] + [contents.find(s) for s in sections] + [first_chapter]
    assert -1 not in positions and positions == sorted(positions), (
        f"contents: expected {FRONT_MATTER!r}, then its sections {sections}, then chapter 1, in this order; found at {positions}"
    )
    # a chapter's heading is set in capitals (as WHAT THE BOOK FOUND was, a chapter of its own)
    as_chapters = [s for s in sections if s.upper() in body]
    assert as_chapters == [], f"front-page sections set as chapter headings: {as_chapters}"


def test_chapters_carry_their_html_numbers(contents):
    """The contents list 'N Title' for the HTML's '# N. Title', chapters 1, 2, ... in order."""
    titles = chapter_titles()
    assert [n for n, _ in titles] == [str(i) for i in range(1, len(titles) + 1)], f"chapter files not numbered 1..N: {titles}"
    positions = []
    for number, title in titles:
        line = re.search(rf"(?<![\d.]){number} {re.escape(title)}", contents)
        assert line, f"contents: no line '{number} {title}' (chapter {number} with LaTeX's number)"
        positions.append(line.start())
    assert positions == sorted(positions), "chapters out of order in the contents"


def test_appendices_are_lettered(contents):
    """The appendices come after the chapters as Appendix A, B, ...; the bibliography once; no Proof Index."""
    last_chapter = contents.find(f"{len(CHAPTERS)} {chapter_titles()[-1][1]}")
    positions = []
    for letter, title in zip("ABCDEFGHIJ", appendix_titles()):
        line = re.search(rf"\b{letter} {re.escape(title)}", contents)
        assert line, f"contents: no line '{letter} {title}' (appendix {letter})"
        positions.append(line.start())
    assert positions == sorted(positions) and positions[0] > last_chapter, "appendices out of order or before the chapters"
    assert contents.count("Bibliography") == 1, "the bibliography is listed more than once (an empty second chapter)"
    assert "Proof Index" not in contents, "sphinx-proof's Proof Index (statement labels by file name) is in the PDF"


def test_blackboard_one(text):
    assert "⊮" not in text, "\\mathbb{1} printed as amssymb's ⊮ (the preamble of _config.yml defines it)"
    assert "𝟙" in text


WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def overflowing_words(pages_words: list[list[tuple]], gap: float = 12.0) -> dict[int, list[str]]:
    """Words (by page number) in the gap above the footer line or below it.

    ``pages_words`` holds each page's words as (top, bottom, text, ...), y growing downwards. The footer
    line's top is the most common lowest word top of the pages; a word on that line (or a sub- or
    superscript of it: top within 6 pt below) is the footer. Body text ends more than ``gap`` pt above
    it on a page that fits."""
    tops = [max(w[0] for w in words) for words in pages_words if words]
    footer = max(set(tops), key=tops.count)
    found = {}
    for number, words in enumerate(pages_words, 1):
        bad = [w[2] for w in words if (w[0] < footer - 1.5 and w[1] > footer - gap) or w[0] > footer + 6]
        if bad:
            found[number] = bad[:8]
    return found


@pytest.fixture(scope="module")
def word_boxes() -> list[list[tuple[float, float, str, float]]]:
    """Each page's words as (top, bottom, text, right edge), in pt."""
    html = pdftotext("-bbox")
    return [[(float(t), float(b), w, float(r)) for _, t, r, b, w in WORD_BOX.findall(page)] for page in html.split("<page ")[1:]]


def test_no_page_runs_into_its_footer(word_boxes):
    found = overflowing_words(word_boxes)
    assert found == {}, f"text in or below the footer (a table that does not break across pages?): {found}"


def test_the_footer_check_finds_a_table_run_past_the_foot():
    footer = [(742.0, 752.0, "37")]  # the footer line: a page number
    fits = [(700.0, 710.0, "body")] + footer
    subscript = fits + [(746.5, 752.7, "I")]  # a section title's F_I(S) in the footer
    runs_over = [(735.0, 746.0, "row"), (752.0, 762.0, "more")] + footer
    assert overflowing_words([fits, fits, subscript, runs_over]) == {4: ["row", "more"]}


def words_in_the_right_margin(pages_words: list[list[tuple]], slack: float = 6.0) -> dict[int, list[str]]:
    """Words (by page number) whose right edge passes the text block's by more than ``slack`` pt.

    The text block's right edge is the most common rightmost word edge of the pages (justified
    lines end there); a word ends past it only on an overfull line."""
    rights = [round(max(w[3] for w in words)) for words in pages_words if words]
    edge = max(set(rights), key=rights.count)
    found = {}
    for number, words in enumerate(pages_words, 1):
        bad = [w[2] for w in words if w[3] > edge + slack]
        if bad:
            found[number] = bad[:4]
    return found


def test_no_word_runs_into_the_right_margin(word_boxes):
    found = words_in_the_right_margin(word_boxes)
    assert found == {}, f"text in the right margin (an unbreakable name?): {found}"


def test_the_margin_check_finds_an_overfull_line():
    page = [(100.0, 110.0, "justified", 540.0), (112.0, 122.0, "line", 540.2)]
    overfull = page + [(124.0, 134.0, "test_a_very_long_name", 618.0)]
    assert words_in_the_right_margin([page, page, overfull]) == {3: ["test_a_very_long_name"]}
