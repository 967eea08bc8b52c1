"""Run the whole benchmark suite and write bench/RESULTS.md (what ``make bench`` calls).

Each part runs in its own Python process: chapters and widgets with the machine's default
threading (what a reader gets), the Jacobian/dimension parts with OMP_NUM_THREADS=1 (see
bench/autodiff.py; bench/speed.py adds JAX and the hardware floors).  Raw numbers: bench/raw/*.json and *.csv.

    .venv/bin/python -m bench.run [--book-cmd "make book"] [--skip PART ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from .common import ROOT, log


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--book-cmd", default="make book", help="the no-change book build to time")
    ap.add_argument("--skip", nargs="*", default=[], choices=["chapters", "widgets", "autodiff", "scaling", "certify", "speed"])
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    single = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    parts = [
        ("chapters", ["--repeats", "2", "--book-cmd", args.book_cmd], os.environ),
        ("widgets", ["--repeats", "2"], os.environ),
        ("autodiff", ["--repeats", "3"], single),
        ("scaling", ["--repeats", "3"], single),
        ("certify", ["--repeats", "3"], single),
        # nnlib against jit-compiled JAX and torch.func, interleaved, and against the memory/flop floors
        ("speed", ["--repeats", "5"], single),
    ]
    for name, extra, env in parts:
        if name in args.skip:
            continue
        log(f"== bench.{name}")
        subprocess.run([sys.executable, "-m", f"bench.{name}", *extra], cwd=ROOT, env=env, check=True)
    from . import report

    report.main(total_seconds=time.perf_counter() - t0)


if __name__ == "__main__":
    main()
