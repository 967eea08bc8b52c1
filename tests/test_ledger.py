"""The claims ledger (nnlib.ledger): complete, consistent with the chapters and the tests.

* every numbered result of the paper has a record (and the list of results matches the paper's
  text when that is available next to the repository);
* every record names unit tests that exist and a chapter section that carries its MyST label
  right above the heading of the stated section;
* the chapters call ``ledger.confirm`` for every record that has a verdict to confirm;
* the committed appendix page is exactly what the records render;
* ``confirm`` raises when a computation contradicts the recorded verdict.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from nnlib import ledger
from nnlib.ledger import PAPER_RESULTS, RECORDS, VERDICTS, LedgerMismatch, confirm, record

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "paper" / "best-k-layer-nn-approximations.md"
NUMBERED = re.compile(r"^\*\*(Definition|Lemma|Theorem|Corollary|Proposition) (\d+)\b", re.M)


def _notebook(chapter: str) -> dict:
    return json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))


def _cells(chapter: str, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in _notebook(chapter)["cells"] if c["cell_type"] == kind]


def _test_functions(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def _label_heading(chapter: str, label: str) -> str | None:
    """The heading line right after ``(label)=`` in the chapter's markdown (None if absent)."""
    for source in _cells(chapter, "markdown"):
        lines = source.splitlines()
        for i, line in enumerate(lines):
            if line.strip() == f"({label})=":
                following = [x for x in lines[i + 1:] if x.strip() and not re.fullmatch(r"\([\w-]+\)=", x.strip())]
                return following[0] if following else ""
    return None


# ------------------------------------------------------------------------- completeness
def test_every_result_of_the_paper_has_at_least_one_record():
    covered = {r.result for r in RECORDS}
    missing = [name for name in PAPER_RESULTS if name not in covered]
    assert not missing, f"results without a ledger record: {missing}"
    assert covered <= set(PAPER_RESULTS), f"records for unknown results: {covered - set(PAPER_RESULTS)}"


def test_the_numbered_results_listed_are_those_of_the_paper():
    if not PAPER.exists():
        pytest.skip(f"the paper's text is not at {PAPER}")
    in_paper = [f"{kind} {num}" for kind, num in NUMBERED.findall(PAPER.read_text(encoding="utf-8"))]
    assert len(in_paper) == len(set(in_paper)) == 16  # 3 definitions, 3 lemmas, 4 theorems, 4 corollaries, 2 propositions
    listed = [name for name in PAPER_RESULTS if NUMBERED.match(f"**{name}")]
    assert sorted(listed) == sorted(in_paper)


def test_keys_and_labels_are_unique_and_labels_are_myst_names():
    keys = [r.key for r in RECORDS]
    labels = [r.label for r in RECORDS]
    assert len(set(keys)) == len(keys)
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"ledger-[a-z0-9]+(-[a-z0-9]+)*", lab) for lab in labels)


def test_every_verdict_is_in_the_vocabulary_and_corrections_go_with_their_verdicts():
    for r in RECORDS:
        assert r.verdict in VERDICTS, r.key
        if r.verdict == "holds with a correction":
            assert r.correction, f"{r.key}: 'holds with a correction' needs the correction"
        if r.verdict in ("holds", "open", "definition"):
            assert not r.correction, f"{r.key}: a {r.verdict!r} record has nothing to correct"
        for text in (r.statement, r.evidence, r.correction):
            assert "|" not in text.replace("\\|", ""), f"{r.key}: '|' would break the table"


# ------------------------------------------------------------------------- unit tests named
@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r.label)
def test_every_record_names_unit_tests_that_exist(rec):
    assert rec.tests, f"{rec.key}: no unit test named"
    for node in rec.tests:
        path, _, name = node.partition("::")
        assert path.startswith("tests/test_") and (ROOT / path).exists(), f"{rec.key}: no file {path}"
        assert name in _test_functions(path), f"{rec.key}: {node} is not a test function"


# ------------------------------------------------------------------------- chapter locations
@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r.label)
def test_every_record_points_at_a_labelled_section_of_its_chapter(rec):
    assert (ROOT / "chapters" / f"{rec.chapter}.ipynb").exists(), f"{rec.key}: no chapter {rec.chapter}"
    heading = _label_heading(rec.chapter, rec.label)
    assert heading is not None, f"{rec.key}: ({rec.label})= is not in chapters/{rec.chapter}.ipynb"
    assert re.match(rf"#+ {re.escape(rec.section)} ", heading), (
        f"{rec.key}: ({rec.label})= stands above {heading!r}, not above section {rec.section}")


@pytest.mark.parametrize("rec", [r for r in RECORDS if r.verdict != "open"], ids=lambda r: r.label)
def test_every_verdict_is_confirmed_by_a_check_cell_of_its_chapter(rec):
    calls = [src for src in _cells(rec.chapter, "code") if f'ledger.confirm("{rec.key}"' in src]
    assert calls, f"{rec.key}: no cell of chapters/{rec.chapter}.ipynb calls ledger.confirm({rec.key!r}, ...)"


def test_every_ledger_label_in_the_chapters_belongs_to_a_record():
    labels = {r.label for r in RECORDS}
    for chapter in ledger._CHAPTER_TITLES:
        for source in _cells(chapter, "markdown"):
            for found in re.findall(r"^\((ledger-[\w-]+)\)=$", source, re.M):
                assert found in labels, f"chapters/{chapter}.ipynb has the label {found} that no record uses"


def test_every_confirm_call_in_the_chapters_names_a_record_of_that_chapter():
    for chapter in ledger._CHAPTER_TITLES:
        for source in _cells(chapter, "code"):
            for key in re.findall(r'ledger\.confirm\("([^"]+)"', source):
                assert record(key).chapter == chapter, f"{chapter} confirms {key!r}, recorded for {record(key).chapter}"


# ------------------------------------------------------------------------- the appendix
def test_the_committed_appendix_is_the_rendering_of_the_records():
    committed = (ROOT / ledger.APPENDIX_PATH).read_text(encoding="utf-8")
    assert committed == ledger.render_markdown(), (
        f"{ledger.APPENDIX_PATH} is out of date: run "
        "`.venv/bin/python -c 'from nnlib import ledger; ledger.write_appendix()'` and commit it")


def test_the_appendix_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "file: " + ledger.APPENDIX_PATH.removesuffix(".md") in toc


def test_the_appendix_links_every_record_to_its_label_and_lists_its_tests():
    page = ledger.render_markdown()
    for r in RECORDS:
        assert f"<{r.label}>`" in page
        for node in r.tests:
            assert f"`{node.split('::')[1]}`" in page


def test_write_appendix_writes_the_rendering_and_refuses_a_root_without_the_folder(tmp_path):
    (tmp_path / "chapters" / "appendix").mkdir(parents=True)
    path = ledger.write_appendix(tmp_path)
    assert path.read_text(encoding="utf-8") == ledger.render_markdown()
    with pytest.raises(ValueError, match="^root: "):
        ledger.write_appendix(tmp_path / "elsewhere")


def test_a_pipe_in_a_cell_is_refused_naming_the_text():
    with pytest.raises(ValueError, match="^text: "):
        ledger._cell("a | b")


# ------------------------------------------------------------------------- confirm
def test_confirm_accepts_evidence_that_agrees_with_each_verdict():
    assert confirm("Theorem 3", holds=True) is None
    assert confirm("Definition 1", holds=True) is None
    assert confirm("Corollary 4, general samples", holds=False, corrected=True) is None
    assert confirm("Theorem 4", corrected=True) is None
    assert confirm("§6 tanh example, formula for ψ2", holds=False, corrected=True) is None


@pytest.mark.parametrize("key, kwargs", [
    ("Theorem 3", {"holds": False}),
    ("Definition 2", {"holds": False}),
    ("Lemma 1 (i), dimension (13)", {"holds": True}),
    ("Lemma 1 (i), dimension (13)", {"holds": False, "corrected": False}),
    ("Theorem 2", {"holds": True}),
])
def test_confirm_raises_when_the_computation_contradicts_the_ledger(key, kwargs):
    with pytest.raises(LedgerMismatch, match=re.escape(key)):
        confirm(key, **kwargs)


def test_confirm_accepts_numpy_booleans():
    import numpy as np

    assert confirm("Theorem 3", holds=np.bool_(True)) is None
    with pytest.raises(LedgerMismatch):
        confirm("Theorem 3", holds=np.all(np.array([1.0, -1.0]) > 0))


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: confirm("Lemma 9", holds=True), ValueError, "^key: "),
    (lambda: confirm(3, holds=True), TypeError, "^key: "),
    (lambda: confirm("Theorem 3"), ValueError, "^holds: "),
    (lambda: confirm("Theorem 3", holds=1), TypeError, "^holds: "),
    (lambda: confirm("Theorem 3", corrected=True), ValueError, "^corrected: "),
    (lambda: confirm("Proposition 2 for ReLU", holds=True), ValueError, "^key: "),
    (lambda: ledger.records_for_chapter("07_open_questions"), ValueError, "^chapter: "),
])
def test_bad_arguments_are_refused_naming_them(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_records_for_chapter_covers_every_record_once():
    per_chapter = [r for chapter in ledger._CHAPTER_TITLES for r in ledger.records_for_chapter(chapter)]
    assert sorted(r.key for r in per_chapter) == sorted(r.key for r in RECORDS)


# ------------------------------------------------------------------------- evidence classes
def test_every_record_has_an_evidence_class_consistent_with_its_verdict():
    for r in RECORDS:
        assert r.evidence_class in ledger.EVIDENCE_CLASSES, r.key
        assert (r.verdict == "open") == (r.evidence_class == "open"), r.key
        assert (r.verdict == "definition") == (r.evidence_class == "definition"), r.key


def test_the_ledger_table_shows_claim_verdict_and_evidence_class_on_one_row():
    page = ledger.render_markdown()
    assert "| Result | Claim | Verdict (evidence class) | Evidence | Checked in |" in page
    for r in RECORDS:
        # the Result cell: the key, linked to the chapter's statement block where there is one
        (row,) = [line for line in page.splitlines() if line.startswith(f"| {ledger._statement(r.key)} (")]
        # the Verdict cell names the evidence class after the verdict (once, where they are the same word)
        shown = r.verdict if r.evidence_class == r.verdict else f"({r.evidence_class})"
        assert r.statement.replace("\n", " ") in row and f" {shown} |" in row and r.verdict in row


@pytest.mark.parametrize("rec", [r for r in RECORDS if r.evidence_class in ("sketch", "numerical evidence")],
                         ids=lambda r: r.label)
def test_records_below_proof_strength_do_not_word_their_evidence_as_a_proof(rec):
    text = rec.evidence.lower()
    for word in ("closed by", "proves", "proved", "certified"):
        assert word not in text.replace("not certified", "").replace("evidence for, not a proof", ""), (rec.key, word)


def test_the_theorem1_gap_is_called_a_sketch_and_the_r4_rate_solver_upper_bounds():
    assert record("Theorem 1, non-membership").evidence_class == "sketch"
    assert "sketch" in record("Theorem 1, non-membership").evidence
    assert "closed by" not in record("Theorem 1, non-membership").evidence
    assert "upper bounds" in record("Proposition 1").evidence and "not certified" in record("Proposition 1").evidence


def test_the_one_neuron_if_and_only_if_fails_and_the_old_wider_correction_is_gone():
    rec = record("§5 one-neuron networks, description")
    assert rec.verdict == "fails" and "clamps" in rec.correction and "closed" in rec.correction
    assert "(0, 2, 3, 4)" in rec.evidence


def test_the_corollary4_correction_caps_by_distinct_rows_and_names_its_exceptions():
    rec = record("Corollary 4, rank formula")
    assert "the smaller of $Nq$ and $(r + q - 1)d + q$ for every sample" in rec.correction and "distinct rows" in rec.correction
    assert "affinely independent" in rec.correction and "capped by $nq$" not in rec.correction


# ------------------------------------------------------------------------- errata
def test_the_committed_errata_page_is_the_rendering():
    committed = (ROOT / ledger.ERRATA_PATH).read_text(encoding="utf-8")
    assert committed == ledger.render_errata(), (
        f"{ledger.ERRATA_PATH} is out of date: run "
        "`.venv/bin/python -c 'from nnlib import ledger; ledger.write_appendix()'` and commit it")


def test_the_errata_page_follows_the_claims_ledger_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    ledger_at = toc.index("file: " + ledger.APPENDIX_PATH.removesuffix(".md"))
    errata_at = toc.index("file: " + ledger.ERRATA_PATH.removesuffix(".md"))
    assert ledger_at < errata_at


def test_every_correction_has_an_erratum_and_every_statement_erratum_a_correction():
    assert ledger.errata_problems() == []
    page = ledger.render_errata()
    for r in RECORDS:
        if r.correction:
            assert r.correction.replace("\n", " ") in page, r.key


def test_a_correction_without_an_erratum_fails():
    fixed = [e for e in ledger.ERRATA if e.record != "Theorem 4" or e.scope != "statement"]
    problems = ledger.errata_problems(errata=fixed)
    assert problems == ["Theorem 4: the record has a correction but no erratum on its statement"]


def test_an_erratum_on_a_statement_without_a_correction_fails():
    extra = ledger.Erratum("§5, Theorem 3", "(25)", "Theorem 3", "statement", "something", ("tests/x.py::y",))
    problems = ledger.errata_problems(errata=ledger.ERRATA + (extra,))
    assert problems == ["§5, Theorem 3: an erratum on a statement, but the record 'Theorem 3' has no correction"]


def test_an_erratum_naming_no_record_or_no_test_or_an_unknown_scope_fails():
    bad = (ledger.Erratum("x", "y", "Lemma 9", "text"), ledger.Erratum("z", "y", "Lemma 2", "proof"),
           ledger.Erratum("w", "y", "Lemma 2", "remark", tests=("a::b",)))
    problems = ledger.errata_problems(errata=ledger.ERRATA + bad)
    assert problems == ["x: no ledger record named 'Lemma 9'", "z: no test that fails if the printed text came back",
                        "w: scope 'remark' is not one of ('statement', 'proof', 'text')"]
    with pytest.raises(ValueError, match="^errata: "):
        import unittest.mock as mock
        with mock.patch.object(ledger, "ERRATA", ledger.ERRATA + bad):
            ledger.render_errata()


@pytest.mark.parametrize("erratum", ledger.ERRATA, ids=lambda e: e.location)
def test_every_erratum_names_tests_that_exist(erratum):
    for node in erratum.tests:
        path, _, name = node.partition("::")
        assert (ROOT / path).exists() and name in _test_functions(path), f"{erratum.location}: {node}"


def test_the_errata_page_records_what_was_read_section_by_section():
    page = ledger.render_errata()
    assert "## What was read" in page
    assert [s for s, _ in ledger.READ_LOG] == ["Abstract", "§1", "§2", "§3", "§4", "§5", "§6", "§7"]


def css_column_shares(css: str, table_class: str) -> list[int]:
    """The % widths book_assets/nnlib-book.css gives a table class's columns, in column order."""
    found = re.findall(rf"\.{table_class} th:nth-child\((\d+)\) \{{ width: (\d+)%; \}}", css)
    return [int(width) for _, width in sorted(found, key=lambda m: int(m[0]))]


@pytest.mark.parametrize(("table_class", "render"), [("nnlib-ledger-table", ledger.render_markdown),
                                                     ("nnlib-errata-table", ledger.render_errata)])
def test_the_pdf_column_widths_are_the_html_ones(table_class, render):
    """The ledger's and errata's :widths: (the PDF's columns) are the shares nnlib-book.css gives
    the same columns on the HTML pages: one layout, written twice, kept equal."""
    css = (ROOT / "book_assets" / "nnlib-book.css").read_text(encoding="utf-8")
    widths = re.search(rf":class: {table_class}\n:widths: ([\d ]+)\n", render())
    assert widths, f"{table_class}: no :widths: line after its :class:"
    assert [int(w) for w in widths.group(1).split()] == css_column_shares(css, table_class)
    assert sum(css_column_shares(css, table_class)) == 100


def test_the_width_check_reads_the_css_in_column_order():
    css = ".t th:nth-child(2) { width: 70%; }\n.t th:nth-child(1) { width: 30%; }\n.u th:nth-child(1) { width: 5%; }"
    assert css_column_shares(css, "t") == [30, 70]
