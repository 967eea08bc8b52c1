"""Widget latencies of two commits in one run: each widget's sweep, alternating between the trees.

On a shared machine a latency measured today cannot be compared with one measured at another
load; this runs the same widget sweeps (each tree's own ``bench/widget_registry.py``) on two
commits side by side, widget by widget, round after round, alternating which commit goes first,
so that the load falls on both alike.  Each commit is exported with ``git archive`` into a
temporary directory and run with its own nnlib first on ``sys.path``.  Per move: wall and CPU
seconds (``time.process_time``) of the first picture, of the final picture (a renderer that
computes in chunks, ``render.more``), and whether it was a blit or a full draw.

    .venv/bin/python -m bench.widgets_ab --base bc4c02e [--head HEAD] [--rounds 3] [--only NAME ...]

Writes ``bench/raw/widgets_ab.json`` (summary) and ``.csv`` (every move).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, load, log, stats, write

# Run inside a tree (cwd): that tree's nnlib and registry; one JSON line per move on stdout.
_DRIVER = r"""
import json, os, sys, time
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, os.getcwd())
import nnlib
assert nnlib.__file__.startswith(os.getcwd()), nnlib.__file__
try:
    from nnlib.viz import plotting
except ImportError:  # before nnlib.viz existed
    from nnlib import plotting
plotting.use_book_style()
from bench.widget_registry import WIDGETS

name, repeats = sys.argv[1], int(sys.argv[2])
wdg = next(w for w in WIDGETS if w.name == name)
fixed, sweep = wdg.setup(), wdg.sweep()
render = wdg.resolve(wdg.live)(**fixed)

def one(values):
    w0, c0 = time.perf_counter(), time.process_time()
    png = render(**values)
    w1, c1 = time.perf_counter(), time.process_time()
    more = getattr(render, "more", None)
    if more is not None and more():
        while more():
            pass
        render.redraw()
    w2, c2 = time.perf_counter(), time.process_time()
    return w1 - w0, c1 - c0, w2 - w0, c2 - c0, getattr(render.live, "last_mode", ""), len(png)

one(sweep[-1])
for r in range(repeats):
    for i, v in enumerate(sweep):
        wall, cpu, fwall, fcpu, mode, size = one(v)
        print(json.dumps({"repeat": r + 1, "move": i, "wall_s": wall, "cpu_s": cpu, "final_wall_s": fwall,
                          "final_cpu_s": fcpu, "mode": mode, "png_bytes": size, "load": os.getloadavg()[0]}))
"""


def export(commit: str, into: Path) -> Path:
    """``git archive`` of ``commit`` unpacked into ``into``; returns it."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--base", required=True, help="the commit to compare against (e.g. before a refactor)"
    )
    ap.add_argument("--head", default="HEAD")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=2, help="sweeps per widget per round")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args(argv)

    from .widget_registry import WIDGETS

    names = [w.name for w in WIDGETS if w.live and (not args.only or w.name in args.only)]
    env = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    rows, load_before = [], load()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {
            tag: export(commit, Path(tmp) / tag)
            for tag, commit in (("base", args.base), ("head", args.head))
        }
        (Path(tmp) / "driver.py").write_text(_DRIVER)
        for r in range(args.rounds):
            for j, name in enumerate(names):
                for tag in ("base", "head") if (r + j) % 2 == 0 else ("head", "base"):
                    t0 = time.perf_counter()
                    proc = subprocess.run(
                        [sys.executable, str(Path(tmp) / "driver.py"), name, str(args.repeats)],
                        cwd=trees[tag],
                        env=dict(env, PYTHONPATH=str(trees[tag])),
                        capture_output=True,
                        text=True,
                    )
                    if proc.returncode:
                        log(f"[widgets_ab] {name} on {tag} failed:\n{proc.stderr[-1500:]}")
                    for line in proc.stdout.splitlines():
                        rows.append(
                            {"widget": name, "tree": tag, "round": r + 1, **json.loads(line)}
                        )
                    log(
                        f"[widgets_ab] round {r + 1} {name} {tag}: {time.perf_counter() - t0:.1f} s, load {load()[0]}"
                    )
    results = {}
    for name in names:
        results[name] = {}
        for tag in ("base", "head"):
            mine = [rw for rw in rows if rw["widget"] == name and rw["tree"] == tag]
            if not mine:
                continue
            blit = [rw["cpu_s"] for rw in mine if rw["mode"] == "blit"]
            full = [rw["cpu_s"] for rw in mine if rw["mode"] == "full"]
            results[name][tag] = {
                "cpu": stats([rw["cpu_s"] for rw in mine]),
                "wall": stats([rw["wall_s"] for rw in mine]),
                "final_cpu": stats([rw["final_cpu_s"] for rw in mine]),
                "blit_cpu": stats(blit) if blit else None,
                "full_cpu": stats(full) if full else None,
            }
            c = results[name][tag]["cpu"]
            log(
                f"[widgets_ab] {name:24s} {tag}: CPU median {1e3 * c['median']:.1f} ms, p95 {1e3 * c['p95']:.1f} ms "
                f"({len(mine)} moves)"
            )
    write(
        "widgets_ab",
        {
            "base": args.base,
            "head": args.head,
            "load_before": load_before,
            "load_after": load(),
            "widgets": results,
        },
        rows,
    )


if __name__ == "__main__":
    main()
