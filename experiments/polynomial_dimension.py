"""Chapter 7, part 4: networks with the activation x^r ("algebraic neural networks", paper §7).

(a) With biases (the paper's networks (1)): dim psi_k(Theta) on a Gaussian sample with more
    points than monomials of degree <= r^(k-1) (so the sample sees the whole polynomial map),
    beside m, m - (one scaling per hidden unit), the polynomial-space bound
    q binom(p + D, D), D = r^(k-1) (nnlib.generic.polynomial_space_bound), and nq.
(b) Without biases (the setting of Kileel, Trager and Bruna 2019): the dimension of the set of
    polynomial maps (nnlib.generic.polynomial_functional_dimension) beside their expected
    dimension (nnlib.generic.ktb_expected_dimension), for shallow cases covering the
    Alexander-Hirschowitz exceptions and a grid of deeper ones.

Regenerate (a few seconds), on Dask (see experiments/run.py) or alone:
    .venv/bin/python experiments/run.py polynomial_dimension
    OMP_NUM_THREADS=1 .venv/bin/python experiments/polynomial_dimension.py
Writes nnlib/data/polynomial_biased.csv and nnlib/data/polynomial_bias_free.csv.
"""

import itertools
import math

import numpy as np

from nnlib.dimension import image_dimension
from nnlib.generic import (continuous_symmetries, ktb_expected_dimension, polynomial_functional_dimension,
                           polynomial_space_bound)
from nnlib.network import Architecture


SHALLOW = [((2, 2, 1), 2), ((3, 2, 1), 2), ((4, 3, 1), 2), ((3, 3, 1), 2), ((3, 5, 1), 4), ((4, 9, 1), 4),
           ((5, 7, 1), 3), ((5, 14, 1), 4), ((3, 4, 1), 3), ((2, 3, 1), 3), ((3, 5, 1), 3)]
DEEP = [(w, r) for w in itertools.product((2, 3), (1, 2, 3), (1, 2, 3), (1, 2)) for r in (2, 3)]


def tasks() -> list[dict]:
    """(a) one task per (k, p, w, q, r), (b) one per (widths, r); the seed is the row index of each table."""
    biased = [dict(table="polynomial_biased.csv", key=f"a{seed}", seed=seed, k=k, p=p, w=w, q=q, r=r)
              for seed, (k, p, w, q, r) in enumerate(itertools.product((2, 3), (1, 2, 3), (1, 2, 3, 4), (1, 2), (2, 3)))]
    free = [dict(table="polynomial_bias_free.csv", key=f"b{seed}", seed=seed, widths=widths, r=r)
            for seed, (widths, r) in enumerate(SHALLOW + DEEP)]
    return biased + free


def compute(t: dict) -> dict:
    if t["table"] == "polynomial_bias_free.csv":
        widths, r = t["widths"], t["r"]
        dim, rep = polynomial_functional_dimension(widths, r, rng=t["seed"], n_points=3)
        exp = ktb_expected_dimension(widths, r)
        return dict(widths="-".join(map(str, widths)), r=r, expected=exp, dimension=dim, defect=exp - dim,
                    gap=f"{rep.gap:.3g}", ambiguous=rep.ambiguous)
    k, p, w, q, r = t["k"], t["p"], t["w"], t["q"], t["r"]
    arch = Architecture((p,) + (w,) * (k - 1) + (q,), "polynomial", degree=r)
    D = r ** (k - 1)
    n = math.comb(p + D, D) + arch.m + 5
    rng = np.random.default_rng(t["seed"])
    S = rng.standard_normal((n, p)) / np.sqrt(p)
    # all 20 points, as when the CSV was made (no early stop at the symmetry bound)
    rep = image_dimension(arch, S, rng=rng, n_points=20, use_symmetries=False)
    sym = arch.m - continuous_symmetries(arch)
    poly = polynomial_space_bound(arch)
    bound = min(sym, poly, n * q)
    return dict(k=k, p=p, width=w, q=q, r=r, n=n, m=arch.m, symmetry_bound=sym, polynomial_bound=poly,
                nq=n * q, dimension=rep.dimension, shortfall=bound - rep.dimension,
                gap=f"{rep.gap:.3g}", ambiguous=rep.ambiguous)


if __name__ == "__main__":
    import _data  # experiments/_data.py (the script's folder is on sys.path)

    _data.run_sequential(__import__(__name__))
