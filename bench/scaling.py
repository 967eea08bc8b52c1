"""Part 4: time and peak memory of the dimension estimate as nq * m grows.

One random weight point (``image_dimension(..., n_points=1)``: weights, Jacobian, rank decision)
for a tanh network 3-32-1 (m = 161) on n = 600 ... 60 000 samples (nq m from 10^5 to 10^7), by
three methods: the whole Jacobian and its SVD (the default), the streamed QR
(``block_size=``, :func:`nnlib.dimension.streamed_rank`) and the streamed Gram matrix.  Each
measurement runs in its own subprocess, which reports its wall time and the growth of its peak
resident memory (``resource.getrusage(...).ru_maxrss`` after the call minus before it).  A final
case takes a Jacobian larger than the memory the subprocess is allowed (an address-space limit
``RLIMIT_AS`` set 150 MiB above what it uses after start-up): the whole-Jacobian path fails with
MemoryError and the streamed QR path still returns the rank.  Writes bench/scaling.png.

    .venv/bin/python -m bench.scaling [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

from .common import ROOT, load, log, stats, write

WIDTHS = (3, 32, 1)
ACT = "tanh"
NS = [600, 1900, 6000, 19000, 60000]
BLOCK = 2000
BIG_N = 200_000
CAP_MIB = 150

CHILD = r"""
import json, resource, sys, time
import numpy as np
import nnlib as nn
from nnlib.dimension import image_dimension, streamed_rank
n, method, cap = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
arch = nn.Architecture(WIDTHS, ACT)
S = np.random.default_rng(0).standard_normal((n, arch.p))
image_dimension(arch, S[:50], n_points=1, rng=1)            # warm-up: imports, LAPACK workspaces
image_dimension(arch, S[:50], n_points=1, rng=1, block_size=10)
kw = {"whole": {}, "qr": {"block_size": BLOCK}}.get(method)
if cap:
    vm = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm + cap * 2**20, resource.RLIM_INFINITY))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
try:
    if method == "gram":
        theta = nn.sample_weights(arch, S, 1)
        rank = streamed_rank(arch, S, theta, block_size=BLOCK, method="gram").rank
    else:
        rank = image_dimension(arch, S, n_points=1, rng=1, **kw).dimension
    status = "ok"
except MemoryError:
    rank, status = None, "MemoryError"
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"n": n, "method": method, "seconds": seconds, "rank": rank, "status": status,
                  "peak_increase_mib": (after - before) / 1024, "baseline_mib": before / 1024}))
""".replace("WIDTHS", repr(WIDTHS)).replace("ACT", repr(ACT)).replace("BLOCK", str(BLOCK))


def child(n: int, method: str, cap: int = 0) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), method, str(cap)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    from nnlib.network import num_weights

    m = num_weights(WIDTHS)
    load_before = load()
    series, rows = {}, []
    for method in ("whole", "qr", "gram"):
        pts = []
        for n in NS:
            runs = [child(n, method) for _ in range(args.repeats if n < 20000 else max(1, args.repeats - 1))]
            for r in runs:
                rows.append({**r, "nq_m": n * m})
            st = stats([r["seconds"] for r in runs])
            pts.append({"n": n, "nq_m": n * m, "time": st, "peak_increase_mib": float(np.median([r["peak_increase_mib"] for r in runs])),
                        "rank": runs[0]["rank"]})
            log(f"[scaling] {method} n={n} nq*m={n * m:.1e}: {st['median']:.3f} s, +{pts[-1]['peak_increase_mib']:.0f} MiB, "
                f"rank {runs[0]['rank']}  load {load()[0]}")
        x = np.log([p["nq_m"] for p in pts])
        y = np.log([p["time"]["median"] for p in pts])
        exponent = float(np.polyfit(x[1:], y[1:], 1)[0])  # the smallest size is dominated by fixed costs
        series[method] = {"points": pts, "exponent": exponent}
    big = {method: child(BIG_N, method, CAP_MIB) for method in ("whole", "qr")}
    for r in big.values():
        rows.append({**r, "nq_m": BIG_N * m, "cap_mib": CAP_MIB})
        log(f"[scaling] capped {r['method']} n={BIG_N}: {r['status']}, rank {r['rank']}, {r['seconds']:.1f} s, "
            f"+{r['peak_increase_mib']:.0f} MiB")
    plot(series, m)
    write("scaling", {"load_before": load_before, "load_after": load(), "widths": WIDTHS, "activation": ACT, "m": m,
                      "block_size": BLOCK, "series": series,
                      "memory_capped": {"n": BIG_N, "nq_m": BIG_N * m, "jacobian_mib": 8 * BIG_N * m / 2**20,
                                        "cap_mib_above_startup": CAP_MIB, "runs": big}}, rows)


def plot(series: dict, m: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {"whole": "whole Jacobian + SVD (default)", "qr": "streamed QR (block_size=2000)",
              "gram": "streamed Gram $J^TJ$ (block_size=2000)"}
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    for method, s in series.items():
        x = [p["nq_m"] for p in s["points"]]
        ax1.loglog(x, [p["time"]["median"] for p in s["points"]], "o-", label=f"{labels[method]}: slope {s['exponent']:.2f}")
        ax2.loglog(x, [max(p["peak_increase_mib"], 0.1) for p in s["points"]], "s-", label=labels[method])
    x = np.array([series["whole"]["points"][0]["nq_m"], series["whole"]["points"][-1]["nq_m"]])
    ax2.loglog(x, 8 * x / 2**20, "k:", label="size of the Jacobian (8 nq m bytes)")
    ax1.set(xlabel="Jacobian entries nq·m", ylabel="seconds (median)",
            title=f"time of one rank decision, {'-'.join(map(str, WIDTHS))} {ACT} (m = {m})")
    ax2.set(xlabel="Jacobian entries nq·m", ylabel="peak memory increase (MiB)", title="peak resident memory growth")
    ax1.legend(fontsize=8)
    ax2.legend(fontsize=8)
    fig.savefig(ROOT / "bench" / "scaling.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
