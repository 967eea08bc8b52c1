"""Chapter 7, part 2: generic rank -- the smallest hidden width d at which psi_2(Theta) fills R^{n x q}.

(a) For a grid of (n, p, q) and the activations relu and tanh: the smallest d with
    dim psi_2(Theta) = nq on a Gaussian sample (nnlib.generic.smallest_filling_width), beside the
    parameter-count prediction (nnlib.generic.parameter_count_width).
(b) Full dimension is not density: for a few (n, p, q, d) with full dimension, 100 Gaussian
    targets are fitted by the trust-region solver (best of 4 starts) and the fraction fitted to
    relative loss <= 1e-10 is reported with its 95 % Wilson interval.

Regenerate (about 5 minutes on one core of a busy machine), on Dask (see experiments/run.py) or alone:
    .venv/bin/python experiments/run.py generic_rank
    OMP_NUM_THREADS=1 .venv/bin/python experiments/generic_rank.py
Writes nnlib/data/generic_rank.csv and nnlib/data/zero_loss_fraction.csv.
"""

import numpy as np

from nnlib.generic import parameter_count_width, smallest_filling_width, wilson_interval, zero_loss_fraction
from nnlib.network import Architecture


RANK_GRID = [(n, p, q) for n in (6, 10, 16, 24) for p in (1, 2, 3) for q in (1, 2)]
FRACTION_CASES = [(6, 1, 1, 3, "relu"), (6, 2, 1, 2, "relu"), (6, 2, 2, 4, "relu"), (10, 2, 1, 3, "relu"),
                  (6, 1, 1, 3, "tanh"), (6, 2, 1, 2, "tanh"), (10, 2, 1, 3, "tanh")]
N_TARGETS = 100
RTOL = 1e-10


def tasks() -> list[dict]:
    """(a) one task per (n, p, q, activation), seed = index of (n, p, q); (b) one per fraction case."""
    rank = [dict(table="generic_rank.csv", key=f"rank-{seed}-{act}", seed=seed, n=n, p=p, q=q, act=act)
            for seed, (n, p, q) in enumerate(RANK_GRID) for act in ("relu", "tanh")]
    fraction = [dict(table="zero_loss_fraction.csv", key=f"fraction-{seed}", seed=seed, n=n, p=p, q=q, d=d, act=act)
                for seed, (n, p, q, d, act) in enumerate(FRACTION_CASES)]
    return rank + fraction


def compute(t: dict) -> dict:
    n, p, q, act = t["n"], t["p"], t["q"], t["act"]
    if t["table"] == "generic_rank.csv":
        d, tried = smallest_filling_width(n, p, q, act, rng=t["seed"], n_points=400)
        return dict(n=n, p=p, q=q, activation=act, nq=n * q, filling_width=d,
                    parameter_count_width=parameter_count_width(n, p, q, act),
                    dimensions=" ".join(f"{dd}:{dim}" for dd, dim in tried))
    d = t["d"]
    rng = np.random.default_rng(100 + t["seed"])
    S = rng.standard_normal((n, p))
    arch = Architecture((p, d, q), act)
    targets = rng.standard_normal((N_TARGETS, n, q))
    rel = zero_loss_fraction(arch, S, targets, n_starts=4, rng=rng)
    k = int(np.sum(rel <= RTOL))
    lo, hi = wilson_interval(k, N_TARGETS)
    return dict(n=n, p=p, q=q, d=d, activation=act, m=arch.m, nq=n * q, targets=N_TARGETS, fitted=k,
                fraction=k / N_TARGETS, wilson_low=f"{lo:.3f}", wilson_high=f"{hi:.3f}",
                median_rel_loss=f"{np.median(rel):.3g}")


if __name__ == "__main__":
    import _data  # experiments/_data.py (the script's folder is on sys.path)

    _data.run_sequential(__import__(__name__))
