"""Which outputs of a chapter change across the numeric matrix: a tool for authors.

Executes a notebook (nbclient, in a fresh kernel) under each configuration of
``tools/numeric_matrix.py`` and prints, per code cell, the printed lines that differ between the
configurations and the stored output, side by side, and then the glued values (myst-nb ``glue``:
outputs with ``{"scrapbook": {"name": ...}}`` metadata) that differ. What differs is not a result
every machine reproduces: print fewer digits (measured), summarise, or restructure (see the
README, "Outputs every machine reproduces").

Lines are compared after the sanitizers of ``tests/nbval_sanitize.cfg`` (memory addresses, widget
ids), as nbval compares them; images are not compared.

Usage::

    python tools/stability.py 04                         # chapters/04_*.ipynb, default matrix
    python tools/stability.py chapters/01_introduction.ipynb --config auto --config sandybridge
    make stability CHAPTER=04

The exit status is 1 when some printed line or glued value differs, 0 when none does.
"""

from __future__ import annotations

import argparse
import asyncio
import configparser
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import numeric_matrix as nm  # noqa: E402

SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
STORED = "stored"


def sanitizers(path=SANITIZE):
    """(compiled regex, replacement) pairs of an nbval sanitize file (none if it is missing)."""
    if not Path(path).exists():
        return []
    cfg = configparser.ConfigParser()
    cfg.read(path)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _text(value):
    return "".join(value) if isinstance(value, list) else str(value)


def outputs_of(nb, subs=()):
    """Per code cell, its printed lines; and the notebook's glued values by name.

    Returns ``(cells, glued)``: ``cells`` is a list (one entry per code cell, in nbval's
    numbering) of lists of lines: streams, ``text/plain`` of results and displays, errors;
    ``glued`` maps each glue name to the ``text/plain`` of its value.
    """

    def clean(text):
        for rx, rep in subs:
            text = rx.sub(rep, text)
        return text

    cells, glued = [], {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                lines += clean(_text(out.get("text", ""))).splitlines()
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                scrap = out.get("metadata", {}).get("scrapbook", {})
                name = scrap.get("name")
                if name is not None:  # glue stores its bundle under mime_prefix + the type
                    key = scrap.get("mime_prefix", "") + "text/plain"
                    glued[name] = clean(_text(data.get(key, data.get("text/plain", "<no text/plain>"))))
                elif "text/plain" in data:
                    lines += clean(_text(data["text/plain"])).splitlines()
            elif kind == "error":
                lines.append(f"ERROR {out.get('ename')}: {clean(str(out.get('evalue')))}")
        cells.append(lines)
    return cells, glued


def compare(runs):
    """What differs between runs: ``{name: (cells, glued)}`` -> (cell differences, glue differences).

    A cell difference is ``(cell index, {run: lines})`` with only the differing lines when every
    run printed as many lines (as ``(line number, {run: line})``), else the whole output; a glue
    difference is ``(name, {run: value})``.
    """
    names = list(runs)
    ncells = max(len(cells) for cells, _ in runs.values())
    cell_diffs = []
    for i in range(ncells):
        per = {n: runs[n][0][i] if i < len(runs[n][0]) else ["<cell missing>"] for n in names}
        if len({tuple(v) for v in per.values()}) == 1:
            continue
        lengths = {len(v) for v in per.values()}
        if len(lengths) == 1:
            rows = [(j, {n: per[n][j] for n in names}) for j in range(lengths.pop())
                    if len({per[n][j] for n in names}) > 1]
            cell_diffs.append((i, rows))
        else:
            cell_diffs.append((i, per))
    glue_names = sorted(set().union(*(set(g) for _, g in runs.values())))
    glue_diffs = []
    for g in glue_names:
        values = {n: runs[n][1].get(g, "<not glued>") for n in names}
        if len(set(values.values())) > 1:
            glue_diffs.append((g, values))
    return cell_diffs, glue_diffs


def report(path, nb, runs, out=sys.stdout):
    """Print the differences side by side; return how many cells and glued values differ."""
    cell_diffs, glue_diffs = compare(runs)
    width = max(len(n) for n in runs)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    ncells = len(sources)
    nglue = len(set().union(*(set(g) for _, g in runs.values())))
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"== {path}: {len(cell_diffs)} of {ncells} code cells print differently, "
      f"{len(glue_diffs)} of {nglue} glued values differ ({', '.join(runs)})")
    for i, rows in cell_diffs:
        first = next((ln for ln in sources[i].splitlines() if ln.strip()), "") if i < ncells else ""
        p(f"-- code cell {i} (nbval 'Cell {i}'): {first[:90]}")
        if isinstance(rows, dict):  # different numbers of lines: the whole outputs
            for n, lines in rows.items():
                p(f"   {n:<{width}} | ({len(lines)} lines)")
                for ln in lines:
                    p(f"   {'':<{width}} | {ln}")
        else:
            for j, line_by_run in rows:
                p(f"   line {j + 1}:")
                for n, ln in line_by_run.items():
                    p(f"   {n:<{width}} | {ln}")
    if glue_diffs:
        p("-- glued values")
        for g, values in glue_diffs:
            p(f"   {g}:")
            for n, v in values.items():
                p(f"   {n:<{width}} | {v}")
    return len(cell_diffs), len(glue_diffs)


async def _execute(nb_path, config, timeout, sem):
    import nbformat
    from nbclient import NotebookClient

    async with sem:
        nb = nbformat.read(nb_path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, allow_errors=True,
                                resources={"metadata": {"path": str(Path(nb_path).parent)}})
        t0 = time.monotonic()
        await client.async_execute(env=nm.environment(config))
        return nb, time.monotonic() - t0


def run(nb_path, configs, jobs=2, timeout=1800, stored=True, subs=None, log=print):
    """Execute ``nb_path`` under each configuration; ``{run name: (cells, glued)}`` and the notebook."""
    import nbformat

    subs = sanitizers() if subs is None else subs
    original = nbformat.read(nb_path, as_version=4)
    runs = {STORED: outputs_of(original, subs)} if stored else {}

    async def all_configs():
        sem = asyncio.Semaphore(max(1, jobs))
        return await asyncio.gather(*(_execute(nb_path, c, timeout, sem) for c in configs))

    for c, (nb, seconds) in zip(configs, asyncio.run(all_configs())):
        runs[c.name] = outputs_of(nb, subs)
        log(f"   {c.name}: executed in {seconds:.0f} s ({nm.assignments(c)})")
    return original, runs


def chapter_path(arg):
    p = Path(arg)
    if p.exists():
        return p
    hits = sorted((ROOT / "chapters").glob(f"{arg}_*.ipynb")) + sorted((ROOT / "chapters").glob(f"{arg}*.ipynb"))
    if not hits:
        raise SystemExit(f"no notebook {arg!r}: expected a path or a chapter number such as 04")
    return hits[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="+", help="notebook paths or chapter numbers (04)")
    parser.add_argument("--config", action="append", default=[], metavar="NAME",
                        help="configurations to run (repeatable; default: " + ", ".join(nm.DEFAULT) + ")")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME")
    parser.add_argument("--no-stored", action="store_true", help="do not compare with the stored outputs")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="kernels at once (default 2; threads2 shares the cores then)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args(argv)

    configs = []
    for c in nm.select(args.config, skip=args.skip):
        why = nm.unavailable(c)
        if why:
            print(f"[{c.name}] SKIPPED: {why}")
        else:
            configs.append(c)
    unstable = 0
    for arg in args.chapters:
        path = chapter_path(arg)
        print(f"== {path}: executing under {', '.join(c.name for c in configs)}", flush=True)
        nb, runs = run(path, configs, jobs=args.jobs, timeout=args.timeout, stored=not args.no_stored,
                       log=lambda s: print(s, flush=True))
        ncells, nglue = report(path, nb, runs)
        unstable += ncells + nglue
    return 1 if unstable else 0


if __name__ == "__main__":
    sys.exit(main())
