"""Part 6: nnlib's Jacobian against jit-compiled JAX and torch.func, and against the hardware floors.

For each rung (the ladder of :mod:`bench.autodiff` plus networks a reader of chapters 5 and 7
runs) this times, *interleaved* (one sample of each in turn, repeated, medians; the order is
rotated every round so that a burst of load on the shared machine hits all of them alike):

* ``nnlib.jacobian`` (the (n q) x m matrix, a fresh array per call);
* JAX: ``jax.jit(jax.vmap(jax.jacrev(nu), in_axes=(None, 0)))`` in float64 (``jax_enable_x64``) on
  one thread (``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1``),
  compiled and warmed up before timing (the compile time is reported separately);
* torch.func ``vmap(jacrev)`` (and ``vmap(jacfwd)`` for m <= 128), float64, one thread;
* the memory-write floor: the bytes of the result over the machine's copy bandwidth, measured in
  the same rounds by ``np.copyto`` of a 128 MiB array (bytes written per second);
* for the dimension estimate: one SVD (``np.linalg.svd(J, compute_uv=False)``), one QR
  (``scipy.linalg.qr(J, mode="r")``, LAPACK dgeqrf), the default call
  ``image_dimension(arch, S, rng=1)``, and the QR's flop floor: 2 M N^2 - 2/3 N^3 flops
  (M = max(nq, m), N = min(nq, m)) at the dgemm rate measured in the same rounds (a 600 x 600
  product, 2 * 600^3 flops).

Wall-time medians are the headline; CPU-time medians (``time.process_time``) are recorded beside them,
since on a loaded machine wall time also counts the time other processes held the core.
All implementations are checked to agree to 1e-10 relative before timing.  JAX and PyTorch are
optional (``pip install -e ".[bench]"``); a peer that is not installed is reported as such.

    .venv/bin/python -m bench.speed [--repeats 5] [--quick] [--no-dimension]
"""

from __future__ import annotations

import argparse
import os
import time

# One thread for XLA too; must be set before jax is imported (bench.run also sets OMP_NUM_THREADS=1).
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402

from .common import load, log, stats, write  # noqa: E402
from .peers import jax_jacobian, torch_jacobians  # noqa: E402

TOL = 1e-10
FWD_MAX_M = 128
TARGET_JAC_RATIO = 1.0  # nnlib / best peer (JAX jit, torch.func)
TARGET_FLOOR_RATIO = 2.0  # nnlib / memory-write floor, two-layer rungs
TARGET_DIM_QR_RATIO = 2.0  # image_dimension default call / one QR
COPY_BYTES = 128 * 2**20
GEMM_N = 600
#: The dimension part is skipped above this many QR flops (8-128-128-4 on 500 points: 1.5e11, minutes per round).
MAX_DIM_FLOPS = 2e10

# (widths, activation, n, why): the ladder of bench.autodiff, then rungs of chapters 5 and 7.
RUNGS = [
    ((2, 2, 2), "relu", 6, "ladder; Theorem 1's network (ch. 2, 5)"),
    ((3, 16, 1), "tanh", 1000, "ladder"),
    ((3, 64, 1), "relu", 10000, "ladder"),
    ((2, 200, 1), "tanh", 2000, "ladder"),
    ((5, 32, 32, 2), "tanh", 1000, "ladder"),
    ((5, 32, 32, 2), "relu", 1000, "ladder"),
    ((4, 64, 64, 64, 1), "relu", 300, "ladder"),
    ((4, 64, 64, 64, 1), "tanh", 300, "ladder"),
    ((3, 300, 300, 1), "tanh", 30, "ladder"),
    ((10, 50, 5), "relu", 2000, "ch. 7 certified dimension (10-50-5 ReLU, 2000 points)"),
    ((1, 8, 8, 8, 8, 1), "relu", 4000, "ch. 7 one-input deep ReLU chains"),
    ((8, 128, 128, 4), "tanh", 500, "ch. 5/7 wider deep tanh"),
    ((2, 50, 1), "tanh", 300, "ch. 5 float64 vs exact rank (2-50-1 tanh)"),
]


def rusage_per_call(fn, *, min_calls: int = 5, min_time: float = 0.2) -> dict | None:
    """User and system CPU time and minor page faults per call of fn (``resource.getrusage``).

    The system part of nnlib's call is the kernel mapping (and zeroing) the pages of a fresh
    result and of fresh temporaries: part of a call that returns a new array, not of the
    memory floor (a copy into an array already in memory).  None where ``resource`` is missing.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return None
    fn()
    r0, t0, calls = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), 0
    while calls < min_calls or time.perf_counter() - t0 < min_time:
        fn()
        calls += 1
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return {"user_s": (r1.ru_utime - r0.ru_utime) / calls, "sys_s": (r1.ru_stime - r0.ru_stime) / calls,
            "minflt": (r1.ru_minflt - r0.ru_minflt) / calls, "calls": calls}


def _qr_flops(nq: int, m: int) -> float:
    M, N = max(nq, m), min(nq, m)
    return 2.0 * M * N * N - 2.0 / 3.0 * N ** 3


def interleaved(fns: dict, *, rounds: int, min_time: float) -> dict:
    """Median-ready samples: ``rounds`` rounds, each timing every function once (inner loop to min_time)."""
    inner = {}
    for name, fn in fns.items():
        fn()  # warm up
        t0 = time.perf_counter()
        fn()
        one = time.perf_counter() - t0
        inner[name] = max(1, int(min_time / max(one, 1e-9))) if min_time > 0 else 1
    samples = {name: [] for name in fns}
    cpu = {name: [] for name in fns}
    names = list(fns)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            fn, k = fns[name], inner[name]
            c0, t0 = time.process_time(), time.perf_counter()
            for _ in range(k):
                fn()
            samples[name].append((time.perf_counter() - t0) / k)
            cpu[name].append((time.process_time() - c0) / k)
    return {name: {**stats(v), "cpu_median": float(np.median(cpu[name]))} for name, v in samples.items()}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="first four rungs only")
    ap.add_argument("--no-dimension", action="store_true", help="Jacobians and the memory floor only")
    ap.add_argument("--only", nargs="*", default=None, help="rungs whose label contains one of these strings")
    args = ap.parse_args(argv)

    import scipy.linalg

    import nnlib as nn
    from nnlib._kernel import activation_value_and_derivative
    from nnlib.dimension import image_dimension

    try:
        import torch

        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float64)
    except ImportError:
        torch = None
    try:
        import jax  # noqa: F401

        have_jax = True
    except ImportError:
        have_jax = False

    src = np.random.default_rng(0).standard_normal(COPY_BYTES // 8)
    dst = np.empty_like(src)
    Ga = np.random.default_rng(1).standard_normal((GEMM_N, GEMM_N))
    Gb = np.random.default_rng(2).standard_normal((GEMM_N, GEMM_N))
    Gc = np.empty((GEMM_N, GEMM_N))

    def copy():
        np.copyto(dst, src)

    def gemm():
        np.matmul(Ga, Gb, out=Gc)

    load_before = load()
    rungs, rows = [], []
    todo = RUNGS[:4] if args.quick else RUNGS
    if args.only:
        todo = [r for r in todo if any(s in f"{'-'.join(map(str, r[0]))} {r[1]}" for s in args.only)]
    for widths, act, n, why in todo:
        arch = nn.Architecture(widths, act)
        rng = np.random.default_rng(0)
        S = rng.standard_normal((n, arch.p))
        theta = arch.random_theta(rng)
        nq, m = n * arch.q, arch.m
        J = nn.jacobian(arch, S, theta)
        scale = float(np.abs(J).max())
        fns = {"nnlib": lambda: nn.jacobian(arch, S, theta)}
        errs, compile_s = {}, None
        if have_jax:
            jrun, jres, compile_s = jax_jacobian(arch, S, theta)
            errs["jax"] = float(np.abs(J - jres()).max()) / scale
            fns["jax"] = jrun
        if torch is not None:
            rev, fwd = torch_jacobians(arch, S, theta)
            errs["torch_jacrev"] = float(np.abs(J - rev().numpy()).max()) / scale
            fns["torch_jacrev"] = rev
            if m <= FWD_MAX_M:
                errs["torch_jacfwd"] = float(np.abs(J - fwd().numpy()).max()) / scale
                fns["torch_jacfwd"] = fwd
        bad = {k: v for k, v in errs.items() if not v <= TOL}
        if bad:
            raise AssertionError(f"{arch}: Jacobians differ from nnlib's by {bad} relative (> {TOL:g})")
        fns["copy_probe"] = copy
        # The activations alone (sigma and sigma' of every hidden pre-activation, as nnlib's Jacobian
        # evaluates them, nnlib._kernel.activation_value_and_derivative): numpy's elementwise
        # functions, a part of nnlib's time no layout change removes.
        layers = arch.unpack(theta)
        hidden_z, h = [], S.T.copy()
        for A, b in layers[:-1]:
            hidden_z.append(A @ h + b[:, None])
            h = arch.activation.function(hidden_z[-1])
        fns["activation_probe"] = lambda: [activation_value_and_derivative(arch.activation, z) for z in hidden_z]
        small = nq * m < 2e5
        t = interleaved(fns, rounds=args.repeats, min_time=0.05 if small else 0.0)
        nnlib_rusage = rusage_per_call(fns["nnlib"])
        bandwidth = COPY_BYTES / t["copy_probe"]["median"]
        floor = 8.0 * nq * m / bandwidth
        peers = {k: t[k]["median"] for k in ("jax", "torch_jacrev", "torch_jacfwd") if k in t}
        best_peer = min(peers, key=peers.get) if peers else None
        rung = {
            "arch": arch.describe(), "label": f"{'-'.join(map(str, widths))} {act}", "widths": widths,
            "activation": act, "n": n, "why": why, "nq": nq, "m": m, "k": arch.k, "result_mib": 8.0 * nq * m / 2**20,
            "max_rel_diff": errs, "jax_compile_s": compile_s, "times": t,
            "copy_bandwidth_gbs": bandwidth / 1e9, "memory_floor_s": floor,
            "best_peer": best_peer, "jac_ratio": t["nnlib"]["median"] / peers[best_peer] if peers else None,
            "floor_ratio": t["nnlib"]["median"] / floor,
            # the same ratios from CPU time (process_time), less sensitive to the other processes' load
            "jac_ratio_cpu": (t["nnlib"]["cpu_median"] / min(t[k]["cpu_median"] for k in peers)) if peers else None,
            "floor_ratio_cpu": t["nnlib"]["cpu_median"] / (8.0 * nq * m / (COPY_BYTES / t["copy_probe"]["cpu_median"])),
            "activations_s": t["activation_probe"]["median"],
            "nnlib_rusage": nnlib_rusage,
            "load": load()[0],
        }
        msg = (f"[speed] {rung['label']} n={n}: nnlib {1e3 * t['nnlib']['median']:.3f} ms"
               + "".join(f", {k} {1e3 * v:.3f} ms" for k, v in peers.items())
               + f", floor {1e3 * floor:.3f} ms ({bandwidth / 1e9:.1f} GB/s)"
               + (f", jax compile {compile_s:.2f} s" if compile_s is not None else ""))
        if not args.no_dimension and _qr_flops(nq, m) <= MAX_DIM_FLOPS:
            dfns = {
                "svd": lambda: np.linalg.svd(J, compute_uv=False),
                "qr": lambda: scipy.linalg.qr(J, mode="r", check_finite=False),
                "dimension_default": lambda: image_dimension(arch, S, rng=1),
                "gemm_probe": gemm,
            }
            big = nq * m * min(nq, m) > 5e8
            td = interleaved(dfns, rounds=max(3, args.repeats - 2) if big else args.repeats,
                             min_time=0.05 if small else 0.0)
            rate = 2.0 * GEMM_N ** 3 / td["gemm_probe"]["median"]
            qr_floor = _qr_flops(nq, m) / rate
            rep = image_dimension(arch, S, rng=1)
            rung.update({
                "dim_times": td, "dgemm_gflops": rate / 1e9, "qr_flops": _qr_flops(nq, m), "qr_flop_floor_s": qr_floor,
                "dimension": rep.dimension, "points_used": len(rep.ranks), "ceiling": rep.ceiling,
                "method": rep.best.method,
                "dim_qr_ratio": td["dimension_default"]["median"] / td["qr"]["median"],
                "dim_svd_ratio": td["dimension_default"]["median"] / td["svd"]["median"],
                "dim_floor_ratio": td["dimension_default"]["median"] / qr_floor,
                "dim_qr_ratio_cpu": td["dimension_default"]["cpu_median"] / td["qr"]["cpu_median"],
                "qr_floor_ratio": td["qr"]["median"] / qr_floor,
                "svd_floor_ratio": td["svd"]["median"] / qr_floor,
            })
            msg += (f"; svd {1e3 * td['svd']['median']:.1f} ms, qr {1e3 * td['qr']['median']:.1f} ms, "
                    f"qr flop floor {1e3 * qr_floor:.1f} ms ({rate / 1e9:.1f} GF/s), dim {1e3 * td['dimension_default']['median']:.1f} ms "
                    f"({len(rep.ranks)} pts, rank {rep.dimension})")
        rung["load_after"] = load()[0]
        log(msg + f"  load {load()[0]}")
        rungs.append(rung)
        rows.append({"label": rung["label"], "n": n, "nq": nq, "m": m,
                     **{f"{k}_s": v["median"] for k, v in t.items()},
                     "memory_floor_s": floor, "jac_ratio": rung["jac_ratio"], "floor_ratio": rung["floor_ratio"],
                     "jax_compile_s": compile_s,
                     **({f"{k}_s": v["median"] for k, v in rung["dim_times"].items()} if "dim_times" in rung else {}),
                     **{k: rung[k] for k in ("qr_flop_floor_s", "dim_qr_ratio", "dim_floor_ratio", "dimension") if k in rung}})
    versions = {"jax": None, "torch": None}
    if have_jax:
        import jax
        import jaxlib

        versions["jax"] = f"{jax.__version__} (jaxlib {jaxlib.__version__})"
    if torch is not None:
        versions["torch"] = torch.__version__
    write("speed", {"load_before": load_before, "load_after": load(), "tolerance": TOL, "repeats": args.repeats,
                    "xla_flags": os.environ.get("XLA_FLAGS"), "versions": versions,
                    "target_jac_ratio": TARGET_JAC_RATIO, "target_floor_ratio": TARGET_FLOOR_RATIO,
                    "target_dim_qr_ratio": TARGET_DIM_QR_RATIO, "copy_bytes": COPY_BYTES, "gemm_n": GEMM_N,
                    "rungs": rungs}, rows)


if __name__ == "__main__":
    main()
