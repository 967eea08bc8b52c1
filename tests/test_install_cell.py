"""Issue 18 item 1: every chapter runs outside the repository: its first code cell installs nnlib
where it is missing (from the repository _config.yml names), and explains what to do while that
setting is the OWNER/REPO placeholder."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools import install_cell  # noqa: E402

REAL = "https://github.com/someone/nnlib-book"


def run_cell(source: str, monkeypatch, *, nnlib_present: bool) -> list[list[str]]:
    """Execute the cell's code; return the commands it handed to subprocess.check_call."""
    calls: list[list[str]] = []
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "nnlib" and not nnlib_present:
            return None
        return real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(subprocess, "check_call", lambda cmd, *a, **k: calls.append(list(cmd)) or 0)
    exec(compile(source, "<install cell>", "exec"), {})
    return calls


def test_every_chapter_opens_with_the_install_cell_for_the_configured_repository():
    assert install_cell.main(["--check"]) == 0


def test_where_nnlib_is_installed_the_cell_does_nothing(monkeypatch):
    for url in ("", "https://github.com/OWNER/REPO", REAL):
        assert run_cell(install_cell.cell_source(url), monkeypatch, nnlib_present=True) == []


def test_with_the_placeholder_the_cell_says_how_to_run_the_book_locally(monkeypatch):
    for url in ("", "https://github.com/OWNER/REPO"):
        with pytest.raises(ModuleNotFoundError, match=r"no published repository.*make lab"):
            run_cell(install_cell.cell_source(url), monkeypatch, nnlib_present=False)


def test_with_a_real_repository_the_cell_pip_installs_nnlib_from_it(monkeypatch):
    calls = run_cell(install_cell.cell_source(REAL), monkeypatch, nnlib_present=False)
    assert calls == [[sys.executable, "-m", "pip", "install", "-q", f"nnlib @ git+{REAL}"]]


def test_the_check_fails_on_a_missing_stale_or_misplaced_cell(tmp_path):
    source = install_cell.cell_source(install_cell.repository_url())
    chapter = tmp_path / "01.ipynb"
    shutil.copy(install_cell.chapters()[0], chapter)
    assert install_cell.problems(chapter, source) == []
    assert install_cell.problems(chapter, install_cell.cell_source(REAL)) != []  # another repository

    nb = nbformat.read(chapter, as_version=4)
    i = install_cell.install_cell_index(nb)
    cell = nb.cells.pop(i)
    nbformat.write(nb, chapter)
    assert any("no install cell" in p for p in install_cell.problems(chapter, source))

    nb.cells.insert(i + 1, cell)  # after the chapter's imports
    nbformat.write(nb, chapter)
    assert any("not the first code cell" in p for p in install_cell.problems(chapter, source))

    assert install_cell.write(chapter, source) is True  # put back in place
    assert install_cell.problems(chapter, source) == []
    assert install_cell.write(chapter, source) is False  # and writing again changes nothing


def test_the_cell_is_left_out_of_the_book_pages_and_the_browser_copy():
    nb = nbformat.read(install_cell.chapters()[0], as_version=4)
    cell = nb.cells[install_cell.install_cell_index(nb)]
    assert "remove-cell" in cell.metadata["tags"]
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "lite" / "build.py")
    lite_build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lite_build)

    lite = lite_build.lite_notebook(install_cell.chapters()[0])
    assert not any("nnlib-install" in c.get("metadata", {}).get("tags", []) for c in lite["cells"])
    assert "%pip install -q nnlib" in "".join(lite["cells"][1]["source"])


def test_a_bad_url_is_refused():
    with pytest.raises(TypeError, match="url"):
        install_cell.cell_source(None)
