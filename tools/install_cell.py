"""Write, as every chapter's first code cell, the cell that installs nnlib where it is missing.

A chapter opened outside the book's repository (in Colab from a launch button, or downloaded with
the page's download button and opened elsewhere) has no ``nnlib``. Its first code cell installs
it from the repository that ``_config.yml`` names (``repository.url``) with pip, and does nothing
where nnlib is importable (``make lab``, ``make book``, nbval, the JupyterLite copy, whose own
setup cell installs nnlib first). While that setting is still the ``OWNER/REPO`` placeholder there
is nothing to install from: the cell then stops with an error saying how to run the book locally,
rather than the bare ``No module named 'nnlib'`` of the next cell.

The cell is tagged ``remove-cell`` (the book's pages do not show it; the downloaded notebook and a
launched one have it) and ``nnlib-install`` (lite/build.py drops it from the browser copy).

Run it after changing ``repository.url``::

    .venv/bin/python tools/install_cell.py            # rewrite the cell in every chapter
    .venv/bin/python tools/install_cell.py --check    # exit 1 where a chapter's cell is stale

tests/test_install_cell.py runs the check and executes the cell's code in its three cases.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TAG = "nnlib-install"
TAGS = ["remove-cell", TAG]
PLACEHOLDER = "OWNER/REPO"

TEMPLATE = '''\
# Outside the book's repository (Colab, a downloaded notebook) nnlib may be
# missing: install it from the book's repository (tools/install_cell.py
# writes the address here from the book's _config.yml).
import importlib.util
import subprocess
import sys

NNLIB_REPOSITORY = "{url}"
if importlib.util.find_spec("nnlib") is None:
    if "{placeholder}" in NNLIB_REPOSITORY:
        raise ModuleNotFoundError(
            "nnlib is not installed, and this copy of the book names no "
            "published repository to install it from. Run the book locally "
            "instead: in a copy of the book's repository, `make lab` (or "
            "`pip install -e .` there), as its README says."
        )
    spec = f"nnlib @ git+{{NNLIB_REPOSITORY}}"
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", spec])'''


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """``repository.url`` of the book's configuration ('' when unset)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    url = str((data.get("repository") or {}).get("url") or "").strip().rstrip("/")
    if any(c in url for c in "\"\\\n"):
        raise ValueError(f"_config.yml: repository.url {url!r} has a quote, backslash or newline")
    return url


def cell_source(url: str) -> str:
    """The install cell's code for a repository url (the placeholder, or '' for unset, builds the
    cell that explains instead of installing)."""
    if not isinstance(url, str):
        raise TypeError(f"url: expected a str, got {type(url).__name__}")
    return TEMPLATE.format(url=url or f"https://github.com/{PLACEHOLDER}", placeholder=PLACEHOLDER)


def chapters() -> list[Path]:
    return sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def install_cell_index(nb) -> int | None:
    """Index of the notebook's install cell (tagged nnlib-install), or None."""
    for i, cell in enumerate(nb.cells):
        if TAG in cell.get("metadata", {}).get("tags", []):
            return i
    return None


def first_code_index(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")


def problems(path: Path, source: str) -> list[str]:
    """What is wrong with a chapter's install cell ([] when it is the first code cell, as generated)."""
    nb = nbformat.read(path, as_version=4)
    i = install_cell_index(nb)
    if i is None:
        return [f"{path.name}: no install cell (tagged {TAG})"]
    out = []
    cell = nb.cells[i]
    if i != first_code_index(nb):
        out.append(f"{path.name}: the install cell is not the first code cell")
    if cell.source != source:
        out.append(f"{path.name}: the install cell differs from tools/install_cell.py's for _config.yml")
    if cell.metadata.get("tags") != TAGS:
        out.append(f"{path.name}: the install cell's tags are {cell.metadata.get('tags')}, not {TAGS}")
    if cell.get("outputs"):
        out.append(f"{path.name}: the install cell has stored outputs")
    return out


def write(path: Path, source: str) -> bool:
    """Put the install cell first among the code cells of a chapter; True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    i = install_cell_index(nb)
    if i is not None:
        del nb.cells[i]
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
    cell["id"] = TAG  # a fixed id: rewriting the cell leaves the file as it was
    nb.cells.insert(first_code_index(nb), cell)
    if nbformat.writes(nb) != before:
        nbformat.write(nb, path)
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report stale cells, change nothing")
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    args = ap.parse_args(argv)
    source = cell_source(repository_url())
    paths = args.notebooks or chapters()
    if args.check:
        found = [p for path in paths for p in problems(path, source)]
        print("\n".join(found) or f"install cells up to date in {len(paths)} notebooks")
        return 1 if found else 0
    for path in paths:
        print(f"{path}: {'written' if write(path, source) else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
