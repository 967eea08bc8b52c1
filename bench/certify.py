"""Part 5: certified dimensions (nnlib.certify) -- the two targets and how the time grows.

Targets of issue 16, on this machine kind: the two-layer ReLU network (n, p, d, q) =
(2000, 10, 50, 5) certified at its proven bound 755 in at most 10 s, and a 2-50-1 tanh network on
300 Gaussian points certified at m = 201 in at most 60 s (float64 reaches about 189 there).  Each
call is ``certified_dimension(arch, S, rng=1)``, timed whole (float64 Jacobian and block choice,
exact step, upper bounds) in wall and CPU time of the process (on a loaded shared machine the CPU
time is what the call would take alone), and ``verify()`` is timed separately.  Then the growth:

* with nq * m: two-layer ReLU (n, 10, d, 5) for d = 10 ... 50 and n = 40 d (one point each:
  every case reaches its bound at the first point); a fitted exponent time ~ (nq m)^a;
* with the precision: the ball step of a 2-30-1 tanh network on 180 points (the 121 x 121 minor)
  at 64 ... 1024 bits (``precision=``), with whether the determinant ball excluded 0.

    .venv/bin/python -m bench.certify [--repeats 3] [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .common import load, log, stats, write

RELU_TARGET = ((2000, 10, 50, 5), 755, 10.0)
TANH_TARGET = ((300, 2, 50, 1), 201, 60.0)
RELU_SERIES = [(40 * d, 10, d, 5) for d in (10, 20, 30, 40, 50)]
PRECISIONS = (64, 128, 256, 512, 1024)


def _case(n, p, d, q, act, **kw):
    import nnlib as nn

    arch = nn.Architecture((p, d, q), act)
    S = np.random.default_rng(0).standard_normal((n, p))
    t0, c0 = time.perf_counter(), time.process_time()
    rep = nn.certified_dimension(arch, S, rng=1, **kw)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    ok = rep.verify()
    return {"n": n, "p": p, "d": d, "q": q, "activation": act, "m": arch.m, "nq_m": n * q * arch.m,
            "lower": rep.lower, "upper": rep.upper, "exact": rep.exact, "points": rep.points,
            "float_rank": max(rep.float_ranks) if rep.float_ranks else None,
            "precision": rep.certificate.precision if rep.certificate else None,
            "seconds": seconds, "cpu_seconds": cpu, "verify_seconds": time.perf_counter() - t0, "verified": ok, **kw}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one repeat, the series' two smallest cases")
    args = ap.parse_args(argv)
    reps = 1 if args.quick else args.repeats
    load_before = load()
    _case(50, 2, 3, 1, "relu")  # warm-up: imports, FLINT
    rows, targets = [], []
    for (n, p, d, q), want, limit in (RELU_TARGET, TANH_TARGET):
        act = "relu" if want == 755 else "tanh"
        runs = [_case(n, p, d, q, act) for _ in range(reps)]
        rows += [{**r, "part": "target"} for r in runs]
        st = stats([r["seconds"] for r in runs])
        targets.append({"case": f"{p}-{d}-{q} {act}, n = {n}", "want": want, "limit_s": limit, "time": st,
                        "cpu": stats([r["cpu_seconds"] for r in runs]),
                        "verify": stats([r["verify_seconds"] for r in runs]), "lower": runs[0]["lower"],
                        "upper": runs[0]["upper"], "float_rank": runs[0]["float_rank"],
                        "precision": runs[0]["precision"], "verified": all(r["verified"] for r in runs),
                        "met": bool(st["median"] <= limit and all(r["lower"] == want for r in runs))})
        log(f"[certify] target {targets[-1]['case']}: {st['median']:.2f} s (limit {limit:.0f} s), "
            f"lower {runs[0]['lower']} of {want}, verify {targets[-1]['verify']['median']:.2f} s  load {load()[0]}")
    series = []
    for n, p, d, q in RELU_SERIES[: 2 if args.quick else None]:
        runs = [_case(n, p, d, q, "relu") for _ in range(reps)]
        rows += [{**r, "part": "nq_m"} for r in runs]
        series.append({**runs[0], "time": stats([r["seconds"] for r in runs]), "cpu": stats([r["cpu_seconds"] for r in runs])})
        log(f"[certify] relu {p}-{d}-{q} n={n} nq*m={n * q * runs[0]['m']:.1e}: {series[-1]['time']['median']:.2f} s, "
            f"{runs[0]['lower']}/{runs[0]['upper']}")
    x = np.log([s["nq_m"] for s in series])
    y = np.log([s["time"]["median"] for s in series])
    exponent = float(np.polyfit(x, y, 1)[0]) if len(series) > 1 else float("nan")
    precision = []
    for bits in PRECISIONS[: 2 if args.quick else None]:
        runs = [_case(180, 2, 30, 1, "tanh", precision=bits) for _ in range(reps)]
        rows += [{**r, "part": "precision"} for r in runs]
        precision.append({"bits": bits, "time": stats([r["seconds"] for r in runs]),
                          "cpu": stats([r["cpu_seconds"] for r in runs]),
                          "verify": stats([r["verify_seconds"] for r in runs]), "lower": runs[0]["lower"],
                          "upper": runs[0]["upper"]})
        log(f"[certify] tanh 2-30-1 n=180 at {bits} bits: {precision[-1]['time']['median']:.2f} s, "
            f"lower {runs[0]['lower']}/{runs[0]['upper']}")
    write("certify", {"load_before": load_before, "load_after": load(), "repeats": reps, "targets": targets,
                      "nq_m_series": series, "nq_m_exponent": exponent, "precision_series": precision}, rows)


if __name__ == "__main__":
    main()
