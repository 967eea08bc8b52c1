"""Shared helpers for the benchmarks: machine description, load, repeated timing, statistics.

Every benchmark writes its raw numbers to ``bench/raw/<name>.json`` (and a CSV); the report
(:mod:`bench.report`) reads them back.  Timings on a shared machine are noisy: each measurement
is repeated, the report shows medians with the spread (min-max or IQR), and the 1-minute load
average is recorded before and after each part.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "raw"  # committed with RESULTS.md (bench/results/ is git-ignored)


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages (os.getloadavg), rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        if match:
            return match.group(1).strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        text = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"^MemTotal:\s*(\d+)", text, re.M).group(1))
        return round(kib / 2**20, 1)
    except (OSError, AttributeError):
        return float("nan")


def _blas() -> str:
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '?')}"
    except Exception:  # pragma: no cover - depends on the numpy build
        return "unknown"


def machine() -> dict:
    """CPU model, cores, RAM, OS, Python, numpy, scipy, matplotlib, BLAS, torch (if installed)."""
    import matplotlib
    import scipy

    info = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "blas": _blas(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
    }
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = "not installed"
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = "unknown"
    return info


def stats(values) -> dict:
    """Median, quartiles, min, max, p95 and the count of a list of numbers."""
    v = np.asarray(values, dtype=float)
    return {
        "n": int(v.size),
        "median": float(np.median(v)),
        "q1": float(np.percentile(v, 25)),
        "q3": float(np.percentile(v, 75)),
        "min": float(v.min()),
        "max": float(v.max()),
        "p95": float(np.percentile(v, 95)),
    }


def repeat(fn, *, repeats: int, min_time: float = 0.0, warmup: int = 1) -> list[float]:
    """Wall times (s) of ``repeats`` calls of fn (after ``warmup`` untimed calls).

    With ``min_time`` > 0 each sample times enough back-to-back calls to last at least that long
    and reports the time per call (for calls far below a millisecond).
    """
    for _ in range(warmup):
        fn()
    inner = 1
    if min_time > 0:
        t0 = time.perf_counter()
        fn()
        one = time.perf_counter() - t0
        inner = max(1, int(min_time / max(one, 1e-9)))
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - t0) / inner)
    return out


def write(name: str, payload: dict, rows: list[dict] | None = None) -> Path:
    """Write ``raw/<name>.json`` (payload + machine + load) and, given rows, ``raw/<name>.csv``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"name": name, "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), **payload}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=1, default=float) + "\n")
    if rows:
        keys = list(dict.fromkeys(k for r in rows for k in r))
        with open(RESULTS / f"{name}.csv", "w", newline="") as fh:
            wr = csv.DictWriter(fh, fieldnames=keys)
            wr.writeheader()
            wr.writerows(rows)
    return path


def read(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)
