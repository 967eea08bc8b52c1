"""Part 1: whole-book execution.

Each chapter notebook (every ``chapters/*.ipynb`` present at run time) is executed in a fresh
kernel with nbclient, as the book build does; the wall time is split into kernel start-up, the
first code cell (imports) and the rest, and the slowest cells are listed.  Then the no-change
rebuild of the book (``make book`` when nothing changed, after one build) is timed.

    .venv/bin/python -m bench.chapters [--repeats 2] [--book-cmd "make book"] [--book-repeats 3]
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import time

import nbformat
from nbclient import NotebookClient

from .common import ROOT, load, log, stats, write

TARGET_TOTAL = 90.0
TARGET_CHAPTER = 20.0
TARGET_CHAPTER_7 = 60.0
TARGET_BOOK = 20.0


def chapter_target(name: str) -> float:
    return TARGET_CHAPTER_7 if name.startswith("07_") else TARGET_CHAPTER


def run_chapter(path) -> dict:
    """Execute one notebook in a fresh kernel; return wall, kernel start and per-cell times (s)."""
    nb = nbformat.read(path, as_version=4)
    # 120 s per cell, as the book build's execute.timeout; an error or a timeout is recorded (the
    # chapter's time is then a lower bound) and the suite goes on.
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    cells, status = [], "ok"
    with client.setup_kernel():
        t_kernel = time.perf_counter() - t0
        for idx, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            c0 = time.perf_counter()
            try:
                client.execute_cell(cell, idx)
            except Exception as exc:  # CellExecutionError, CellTimeoutError, DeadKernelError
                status = f"{type(exc).__name__} in cell {idx}"
            install = "nnlib-install" in cell.metadata.get("tags", [])  # tools/install_cell.py's, a no-op here
            source = cell.source.splitlines()[0][:70] if cell.source else ""
            cells.append((idx, time.perf_counter() - c0, source, install))
            if status != "ok":
                break
        t_cells = time.perf_counter() - t0 - t_kernel
    wall = time.perf_counter() - t0
    # The first cell after the install cell: the chapter's imports.
    first = next((c[1] for c in cells if not c[3]), 0.0)
    slow = sorted(cells, key=lambda c: -c[1])[:3]
    return {
        "wall": wall,
        "kernel_start": t_kernel,
        "first_cell": first,
        "other_cells": t_cells - first,
        "shutdown": wall - t_kernel - t_cells,
        "slowest_cells": [{"cell": i, "seconds": round(s, 3), "source": src} for i, s, src, _ in slow],
        "status": status,
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2, help="passes over all chapters (default 2)")
    ap.add_argument("--book-cmd", default="make book", help="the no-change book build to time (default 'make book')")
    ap.add_argument("--book-repeats", type=int, default=3, help="timed no-change builds (default 3)")
    ap.add_argument("--skip-book", action="store_true")
    args = ap.parse_args(argv)

    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    load_before = load()
    runs = {nb.stem: [] for nb in notebooks}
    passes = []
    for r in range(args.repeats):
        total = 0.0
        for nb in notebooks:
            res = run_chapter(nb)
            runs[nb.stem].append(res)
            total += res["wall"]
            log(f"[chapters] pass {r + 1}: {nb.stem} {res['wall']:.1f} s (kernel {res['kernel_start']:.1f} s, "
                f"first cell {res['first_cell']:.1f} s) {res['status']}  load {load()[0]}")
        passes.append(total)
    chapters, rows = {}, []
    for name, rs in runs.items():
        st = stats([x["wall"] for x in rs])
        fastest = min(rs, key=lambda x: x["wall"])
        chapters[name] = {
            "wall": st,
            "kernel_start": stats([x["kernel_start"] for x in rs])["median"],
            "first_cell": stats([x["first_cell"] for x in rs])["median"],
            "other_cells": stats([x["other_cells"] for x in rs])["median"],
            "slowest_cells": fastest["slowest_cells"],
            "target": chapter_target(name),
            "status": sorted({x["status"] for x in rs}),
        }
        for i, x in enumerate(rs):
            rows.append({"chapter": name, "pass": i + 1, "wall_s": round(x["wall"], 3),
                         "kernel_start_s": round(x["kernel_start"], 3), "first_cell_s": round(x["first_cell"], 3),
                         "other_cells_s": round(x["other_cells"], 3)})
    book = None
    if not args.skip_book:
        cmd = shlex.split(args.book_cmd)
        log(f"[book] priming build: {args.book_cmd}")
        t0 = time.perf_counter()
        # A failing build is reported (and its times still recorded), not a reason to lose the rest.
        codes = [subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode]
        prime = time.perf_counter() - t0
        times = []
        for r in range(args.book_repeats):
            t0 = time.perf_counter()
            codes.append(subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode)
            times.append(time.perf_counter() - t0)
            log(f"[book] no-change build {r + 1}: {times[-1]:.1f} s (exit {codes[-1]})")
        book = {"command": args.book_cmd, "priming_build_s": prime, "no_change": stats(times), "target": TARGET_BOOK,
                "exit_codes": codes}
        for i, t in enumerate(times):
            rows.append({"chapter": "(no-change book build)", "pass": i + 1, "wall_s": round(t, 3)})
    write("chapters", {
        "load_before": load_before, "load_after": load(),
        "chapters": chapters, "total": stats(passes), "target_total": TARGET_TOTAL, "book": book,
    }, rows)


if __name__ == "__main__":
    main()
