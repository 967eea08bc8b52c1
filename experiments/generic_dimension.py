"""Chapter 7, part 1: generic dimension of psi_k(Theta) for k = 3, 4 over a grid of widths.

For each architecture p-w-...-w-q (k - 1 hidden layers of width w) and each activation
(relu, tanh, sigmoid) the dimension of the image of weights is computed on a Gaussian sample
with n = ceil(m / q) + 10 points (so that nq > m) as the largest Jacobian rank over 400 random
weight points (nnlib.generic.generic_dimension), and set beside m, m - symmetries and nq.

Regenerate (about 15 s on one core), on Dask (see experiments/run.py) or alone:
    .venv/bin/python experiments/run.py generic_dimension
    OMP_NUM_THREADS=1 .venv/bin/python experiments/generic_dimension.py
Writes nnlib/data/generic_dimension.csv.
"""

import itertools
import math

from nnlib.generic import generic_dimension
from nnlib.network import Architecture


def tasks() -> list[dict]:
    """One task per (k, p, w, q, activation); the seed is the row index."""
    grid = itertools.product((3, 4), (1, 2, 3), (1, 2, 3, 4), (1, 2), ("relu", "tanh", "sigmoid"))
    return [dict(table="generic_dimension.csv", key=f"{seed}", seed=seed, k=k, p=p, w=w, q=q, act=act)
            for seed, (k, p, w, q, act) in enumerate(grid)]


def compute(t: dict) -> dict:
    arch = Architecture((t["p"],) + (t["w"],) * (t["k"] - 1) + (t["q"],), t["act"])
    n = math.ceil(arch.m / t["q"]) + 10
    r = generic_dimension(arch, n, rng=t["seed"], n_points=400)
    return dict(k=t["k"], p=t["p"], width=t["w"], q=t["q"], activation=t["act"], n=n, m=r.m, symmetries=r.symmetries,
                symmetry_bound=r.symmetry_bound, nq=r.nq, dimension=r.dimension, shortfall=r.shortfall,
                gap=f"{r.gap:.3g}", ambiguous=r.ambiguous)


if __name__ == "__main__":
    import _data  # experiments/_data.py (the script's folder is on sys.path)

    _data.run_sequential(__import__(__name__))
