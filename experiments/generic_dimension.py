"""Chapter 7, part 1: generic dimension of psi_k(Theta) for k = 3, 4 over a grid of widths.

For each architecture p-w-...-w-q (k - 1 hidden layers of width w) and each activation
(relu, tanh, sigmoid) the dimension of the image of weights is computed on a Gaussian sample
with n = ceil(m / q) + 10 points (so that nq > m) as the largest Jacobian rank over 400 random
weight points (nnlib.generic.generic_dimension), and set beside m, m - symmetries and nq.

Regenerate (about 15 s):
    OMP_NUM_THREADS=1 .venv/bin/python experiments/generic_dimension.py
Writes experiments/data/generic_dimension.csv.
"""

import itertools
import math
import time

from _data import DATA, write_rows  # experiments/_data.py (the script's folder is on sys.path)
from nnlib.generic import generic_dimension
from nnlib.network import Architecture

OUT = DATA / "generic_dimension.csv"


def main():
    rows = []
    t0 = time.perf_counter()
    for seed, (k, p, w, q, act) in enumerate(itertools.product((3, 4), (1, 2, 3), (1, 2, 3, 4), (1, 2),
                                                               ("relu", "tanh", "sigmoid"))):
        arch = Architecture((p,) + (w,) * (k - 1) + (q,), act)
        n = math.ceil(arch.m / q) + 10
        r = generic_dimension(arch, n, rng=seed, n_points=400)
        rows.append(dict(k=k, p=p, width=w, q=q, activation=act, n=n, m=r.m, symmetries=r.symmetries,
                         symmetry_bound=r.symmetry_bound, nq=r.nq, dimension=r.dimension, shortfall=r.shortfall,
                         gap=f"{r.gap:.3g}", ambiguous=r.ambiguous))
    write_rows(OUT, rows)
    print(f"{len(rows)} architectures in {time.perf_counter() - t0:.1f} s -> {OUT}")


if __name__ == "__main__":
    main()
