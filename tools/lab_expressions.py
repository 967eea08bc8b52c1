"""Store, in a chapter's markdown cells, the results Jupyter Lab shows for the prose's {eval}`name`.

jupyterlab-myst renders a markdown cell's inline expression {eval}`name` from the cell's
``user_expressions`` metadata (a list of ``{"expression": ..., "result": {"status": "ok", "data":
{mime: text}, "metadata": {}}}``, the kernel's reply to an execute request) until the reader runs
the cell, when it evaluates ``name`` in the kernel. A chapter binds ``name`` by gluing it
(``nnlib.book.glue``), so the result is the glued value's display data, which the notebook stores
in its glue output; this tool copies it into the metadata of every markdown cell that uses it.

Run it after re-executing a chapter (the book shows the glued text, so Lab then shows the same)::

    .venv/bin/python tools/lab_expressions.py chapters/02_geometry_of_erm.ipynb
    .venv/bin/python tools/lab_expressions.py --check chapters/*.ipynb   # exit 1 on any mismatch

tests/test_lab_expressions.py runs the check over every chapter.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")
GLUE_PREFIX = "application/papermill.record/"


def glued_values(nb) -> dict[str, dict]:
    """name -> the display data (mime type -> text) of the notebook's glue output for it."""
    values: dict[str, dict] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            record = out.get("metadata", {}).get("scrapbook")
            if out.get("output_type") != "display_data" or not record:
                continue
            prefix = record.get("mime_prefix", GLUE_PREFIX)
            data = {k[len(prefix):]: v for k, v in out.get("data", {}).items() if k.startswith(prefix)}
            values[record["name"]] = data
    return values


def expressions(source: str) -> list[str]:
    """The {eval} expressions of a markdown source, each once, in order."""
    return list(dict.fromkeys(EVAL_ROLE.findall(source)))


def expected_metadata(source: str, glued: dict[str, dict], where: str = "") -> list[dict]:
    """What ``user_expressions`` must hold for a markdown cell with this source.

    Raises ValueError for an expression that is not a glued name (the book could not show it).
    """
    out = []
    for expr in expressions(source):
        if not expr.isidentifier():
            raise ValueError(f"{where}{{eval}}`{expr}`: only a glued name (a Python identifier) is allowed")
        if expr not in glued:
            raise ValueError(f"{where}{{eval}}`{expr}`: no glue output named {expr!r} in this notebook")
        out.append({"expression": expr, "result": {"status": "ok", "data": dict(glued[expr]), "metadata": {}}})
    return out


def problems(nb, name: str = "") -> list[str]:
    """Every markdown cell whose stored ``user_expressions`` differ from the glued values."""
    glued = glued_values(nb)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        where = f"{name} cell {i}: "
        try:
            want = expected_metadata(cell.source, glued, where)
        except ValueError as exc:
            found.append(str(exc))
            continue
        have = cell.metadata.get("user_expressions", [])
        if have != want:
            shown = {e.get("expression"): e.get("result", {}).get("data", {}).get("text/plain") for e in have}
            wanted = {e["expression"]: e["result"]["data"].get("text/plain") for e in want}
            found.append(f"{where}stored user_expressions {shown} != glued {wanted}")
    return found


def fill(nb) -> int:
    """Write every markdown cell's ``user_expressions`` from the glued values; the number changed."""
    glued = glued_values(nb)
    changed = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        want = expected_metadata(cell.source, glued, f"cell {i}: ")
        if cell.metadata.get("user_expressions", []) != want:
            changed += 1
            if want:
                cell.metadata["user_expressions"] = want
            else:
                cell.metadata.pop("user_expressions", None)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report mismatches (exit 1 on any)")
    args = parser.parse_args(argv)
    bad = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            for line in problems(nb, str(path)):
                print(line)
                bad += 1
        else:
            n = fill(nb)
            if n:
                nbformat.write(nb, path)
            print(f"{path}: {n} markdown cell(s) updated")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
