"""Part 3: the Jacobian of psi_k and the dimension estimate, against autodiff and the SVD floor.

For each rung of a ladder of architectures (depth k = 2..4, widths up to 300, n up to 10^4,
tanh and ReLU) this times

* ``nnlib.network.jacobian`` against PyTorch's ``torch.func`` (``vmap(jacrev)`` and
  ``vmap(jacfwd)`` over the samples, float64, CPU), both producing the same (n q) x m matrix,
  and checks that they agree to 1e-10 relative (max |difference| / max |entry|);
* ``nnlib.dimension.image_dimension`` against its floor, one SVD of the same Jacobian
  (``numpy.linalg.svd(J, compute_uv=False)``): per random point (``n_points=1``: weights,
  Jacobian, rank decision) and as called by default (as many points as its policy uses, stopping
  at the proven ceiling min(nq, m - unit rescalings), recorded as ``ceiling``).

    .venv/bin/python -m bench.autodiff [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse

import numpy as np

from .common import load, log, repeat, stats, write
from .peers import torch_jacobians

TOL = 1e-10
#: Forward mode needs one pass per weight: above this m it is far slower than reverse mode (58 s against
#: 0.23 s at m = 321, n = 10^4) and memory-hungry, so it is skipped.
FWD_MAX_M = 128
TARGET_JAC_RATIO = 1.0  # nnlib time / best torch.func time
TARGET_DIM_RATIO = 2.0  # image_dimension time / one SVD

# (widths, activation, n): p = widths[0], q = widths[-1], k = len(widths) - 1
LADDER = [
    ((2, 2, 2), "relu", 6),
    ((3, 16, 1), "tanh", 1000),
    ((3, 64, 1), "relu", 10000),
    ((2, 200, 1), "tanh", 2000),
    ((5, 32, 32, 2), "tanh", 1000),
    ((5, 32, 32, 2), "relu", 1000),
    ((4, 64, 64, 64, 1), "relu", 300),
    ((4, 64, 64, 64, 1), "tanh", 300),
    ((3, 300, 300, 1), "tanh", 30),
]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="first four rungs only")
    args = ap.parse_args(argv)

    import torch

    import nnlib as nn

    # One thread for both: PyTorch's OpenMP threads keep spinning after a call and slow the next
    # OpenBLAS call down (an SVD of 1000 x 81 took 1.2 s instead of ~10 ms); on a shared 2-core
    # machine single-threaded timings are also the stable ones.  bench.run sets OMP_NUM_THREADS=1.
    torch.set_num_threads(1)
    from nnlib.dimension import image_dimension

    torch.set_default_dtype(torch.float64)
    load_before = load()
    rungs, rows = [], []
    for widths, act, n in LADDER[:4] if args.quick else LADDER:
        arch = nn.Architecture(widths, act)
        rng = np.random.default_rng(0)
        S = rng.standard_normal((n, arch.p))
        theta = arch.random_theta(rng)
        nq, m = n * arch.q, arch.m
        J = nn.jacobian(arch, S, theta)
        rev, fwd = torch_jacobians(arch, S, theta)
        use_fwd = m <= FWD_MAX_M
        Jr = rev().numpy()
        scale = float(np.abs(Jr).max())
        err = float(np.abs(J - Jr).max()) / scale
        if use_fwd:
            err = max(err, float(np.abs(J - fwd().numpy()).max()) / scale)
        if not err <= TOL:
            raise AssertionError(f"{arch}: nnlib and torch.func Jacobians differ by {err:.2e} relative (> {TOL:g})")
        reps = args.repeats
        small = nq * m < 1e5
        t_nn = stats(repeat(lambda: nn.jacobian(arch, S, theta), repeats=reps, min_time=0.05 if small else 0))
        t_rev = stats(repeat(rev, repeats=reps, min_time=0.05 if small else 0))
        t_fwd = stats(repeat(fwd, repeats=reps, min_time=0.05 if small else 0)) if use_fwd else None
        t_svd = stats(repeat(lambda: np.linalg.svd(J, compute_uv=False), repeats=reps, min_time=0.05 if small else 0))
        t_dim1 = stats(repeat(lambda: image_dimension(arch, S, n_points=1, rng=1), repeats=reps,
                              min_time=0.05 if small else 0))
        rep = image_dimension(arch, S, rng=1)
        t_dim = stats(repeat(lambda: image_dimension(arch, S, rng=1), repeats=1 if nq * m > 1e5 else reps, warmup=0))
        # ReLU is positively homogeneous: rescaling a hidden unit's incoming weights by c > 0 and its
        # outgoing ones by 1/c leaves psi_k unchanged, so dim <= m - (number of hidden units), a proven
        # bound.  image_dimension stops there by default (rep.ceiling); the call with
        # upper_bound=... passes the same bound explicitly.
        bound = min(nq, m - sum(widths[1:-1])) if act == "relu" else min(nq, m)
        t_bound = stats(repeat(lambda: image_dimension(arch, S, rng=1, upper_bound=bound), repeats=1 if nq * m > 1e5 else reps, warmup=0))
        rep_b = image_dimension(arch, S, rng=1, upper_bound=bound)
        best_torch = min(t_rev["median"], t_fwd["median"]) if use_fwd else t_rev["median"]
        rung = {
            "arch": arch.describe(), "widths": widths, "activation": act, "n": n, "nq": nq, "m": m,
            "entries": nq * m, "max_rel_diff": err,
            "nnlib_jacobian": t_nn, "torch_jacrev": t_rev, "torch_jacfwd": t_fwd, "svd_floor": t_svd,
            "dimension_one_point": t_dim1, "dimension_default": t_dim,
            "dimension": rep.dimension, "points_used": len(rep.ranks), "svd_rank": nn.numerical_rank(J).rank,
            "upper_bound": bound, "dimension_with_bound": t_bound, "dimension_bound_result": rep_b.dimension,
            "points_used_with_bound": len(rep_b.ranks), "ceiling": rep.ceiling,
            "dim_bound_ratio": t_bound["median"] / t_svd["median"],
            "jac_ratio": t_nn["median"] / best_torch,
            "dim_point_ratio": t_dim1["median"] / t_svd["median"],
            "dim_default_ratio": t_dim["median"] / t_svd["median"],
        }
        rungs.append(rung)
        rows.append({k: (v["median"] if isinstance(v, dict) else v) for k, v in rung.items() if k != "widths"})
        log(f"[autodiff] {arch.describe()} n={n}: nnlib {1e3 * t_nn['median']:.2f} ms, jacrev "
            f"{1e3 * t_rev['median']:.2f} ms, jacfwd {1e3 * t_fwd['median'] if use_fwd else float('nan'):.2f} ms, svd {1e3 * t_svd['median']:.1f} ms, "
            f"dim/pt {1e3 * t_dim1['median']:.1f} ms, dim {1e3 * t_dim['median']:.1f} ms ({len(rep.ranks)} pts), "
            f"with bound {1e3 * t_bound['median']:.1f} ms ({len(rep_b.ranks)} pts), "
            f"diff {err:.1e}  load {load()[0]}")
    write("autodiff", {"load_before": load_before, "load_after": load(), "tolerance": TOL,
                       "torch_threads": torch.get_num_threads(), "rungs": rungs,
                       "target_jac_ratio": TARGET_JAC_RATIO, "target_dim_ratio": TARGET_DIM_RATIO}, rows)


if __name__ == "__main__":
    main()
