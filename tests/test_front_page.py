"""The front page's generated parts and the book-level files: findings, version, citation, glossary.

* the findings block of chapters/index.md is exactly what nnlib.ledger.render_findings() renders
  (counts by the ledger's verdicts, the corrections), so the front page cannot drift from the ledger;
* CITATION.cff carries the version of pyproject.toml, which the front page shows;
* the glossary page is in the table of contents and links every symbol to a section that exists.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from nnlib import ledger

ROOT = Path(__file__).resolve().parents[1]


def _front_page() -> str:
    return (ROOT / ledger.FRONT_PAGE_PATH).read_text(encoding="utf-8")


def test_the_front_page_findings_are_the_rendering_of_the_ledger():
    page = _front_page()
    begin, end = page.index(ledger.FINDINGS_BEGIN), page.index(ledger.FINDINGS_END) + len(ledger.FINDINGS_END)
    assert page[begin:end] == ledger.render_findings(), (
        "chapters/index.md's findings differ from the ledger: run "
        "`.venv/bin/python -c 'from nnlib import ledger; ledger.write_findings()'` and commit it")


def test_the_findings_open_the_front_page():
    page = _front_page()
    first_section = page.index("\n## ")
    assert page.index(ledger.FINDINGS_BEGIN) < first_section + 2, "the findings are not the first section"


def test_the_findings_count_every_verdict_in_the_ledgers_words():
    block = ledger.render_findings()
    for verdict in ("holds", "holds with a correction", "fails", "open"):
        k = sum(r.verdict == verdict for r in ledger.RECORDS)
        assert f"- **{verdict}**: {k}" in block
    claims = sum(r.verdict != "definition" for r in ledger.RECORDS)
    assert f"checks {claims} statements" in block


def test_every_correction_is_listed_and_linked_to_its_section():
    block = ledger.render_findings()
    corrected = [r for r in ledger.RECORDS if r.verdict in ("fails", "holds with a correction")]
    assert corrected, "the ledger has no correction: the findings would list nothing"
    for r in corrected:
        assert f"**{r.key}**" in block and f"<{r.label}>`" in block
    assert "{doc}`claims ledger <appendix/claims_ledger>`" in block and "{doc}`errata <appendix/errata>`" in block


def test_a_changed_verdict_changes_the_findings(monkeypatch):
    before = ledger.render_findings()
    rec = ledger.record("Theorem 3")
    changed = tuple(r if r is not rec else ledger.replace(r, verdict="open") for r in ledger.RECORDS)
    monkeypatch.setattr(ledger, "RECORDS", changed)
    after = ledger.render_findings()
    assert after != before and "- **open**: 2" in after


def test_a_long_correction_is_cut_at_a_clause_outside_math():
    text = "$\\min(a, (b + c))$ for every sample of the book (" + "x" * 400 + ")"
    short = ledger._short(text, limit=100)
    assert short == "$\\min(a, (b + c))$ for every sample of the book …"
    assert ledger._short("short", limit=100) == "short"


def test_write_findings_replaces_only_the_block(tmp_path):
    page = tmp_path / ledger.FRONT_PAGE_PATH
    page.parent.mkdir(parents=True)
    page.write_text(f"# Title\n\n{ledger.FINDINGS_BEGIN}\nold\n{ledger.FINDINGS_END}\n\nrest\n", encoding="utf-8")
    ledger.write_findings(tmp_path)
    assert page.read_text(encoding="utf-8") == f"# Title\n\n{ledger.render_findings()}\n\nrest\n"
    page.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="findings markers"):
        ledger.write_findings(tmp_path)


# ------------------------------------------------------------------ version and citation
def _version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def test_citation_cff_has_the_version_of_pyproject_and_the_required_fields():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors", "version"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert str(cff["version"]) == _version()
    assert any("1907.01507" in json.dumps(ref) for ref in cff.get("references", [])), "the paper is not referenced"


def test_the_front_page_shows_the_version_from_pyproject():
    assert "Version {{ book_version }}" in _front_page()
    spec = importlib.util.spec_from_file_location("reader_site", ROOT / "_ext" / "reader_site.py")
    reader_site = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("reader_site", reader_site)
    spec.loader.exec_module(reader_site)
    assert reader_site.book_version(ROOT) == _version()


def test_the_placeholder_repository_is_recognised():
    spec = importlib.util.spec_from_file_location("reader_site_", ROOT / "_ext" / "reader_site.py")
    reader_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader_site)
    assert reader_site.repository_is_placeholder("https://github.com/OWNER/REPO")
    assert reader_site.repository_is_placeholder("")
    assert not reader_site.repository_is_placeholder("https://github.com/someone/nnlib-book")


# ------------------------------------------------------------------ glossary
GLOSSARY = ROOT / "chapters" / "appendix" / "glossary.md"


def test_the_glossary_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "chapters/appendix/glossary" in files


@pytest.mark.parametrize("symbol", ["\\psi_k", "C_{\\max}(S)", "\\Sigma_r^\\circ", "\\operatorname{Join}",
                                    "\\operatorname{rank}[S, \\mathbb{1}]", "\\Theta", "$m$"])
def test_the_glossary_defines_the_papers_notation(symbol):
    assert symbol in GLOSSARY.read_text(encoding="utf-8")


def test_every_glossary_link_names_a_label_or_chapter_that_exists():
    text = GLOSSARY.read_text(encoding="utf-8")
    chapters = ROOT / "chapters"
    labels = set()
    for nb in chapters.glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            labels.update(re.findall(r"^\(([\w-]+)\)=", "".join(cell["source"]), re.M))
    refs = re.findall(r"\{ref\}`[^<`]*<([\w-]+)>`", text)
    docs = re.findall(r"\{doc\}`[^<`]*<([^>]+)>`", text)
    assert refs and docs
    assert [r for r in refs if r not in labels] == []
    assert [d for d in docs if not ((GLOSSARY.parent / f"{d}.ipynb").exists() or (GLOSSARY.parent / f"{d}.md").exists())] == []
    # every row spells its symbol in plain text too, so that search finds "ψ"
    assert "ψ" in text and "Σ" in text and "Θ" in text
