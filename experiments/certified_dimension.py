"""Chapter 7, part 1 certified: proven bounds on every dimension of nnlib/data/generic_dimension.csv.

For each row of the generic-dimension table (its seed is the row index; the sample is the first
draw of numpy.random.default_rng(seed), as in nnlib.generic.generic_dimension) the dimension of
psi_k(Theta) is bounded by nnlib.certified_dimension: ``lower`` is the size of a Jacobian block
proven invertible (exactly mod a prime for ReLU, in ball arithmetic for tanh and sigmoid),
``upper`` the smallest proven upper bound (``upper_method``); ``exact`` when they meet.  ReLU rows
with one input or a non-zero table shortfall get 3000 weight points instead of 400 (and, if the
bounds do not meet, a second search of 3000 from another seed; the better certificate is kept)
and, as evidence where the bounds still do not meet, the histogram of the ranks mod p of the whole Jacobian at 600 random dyadic
points (nnlib.certify.jacobian_rank_mod_p), ``rank:count``.  Every certificate is re-verified.

The integers of proved rows are machine independent (lower = upper, a formula); where the bounds do
not meet, ``lower`` depends on the float64 block choice and may differ between machines.

Regenerate (about 6 minutes on one core), on Dask (see experiments/run.py) or alone:
    .venv/bin/python experiments/run.py certified_dimension
    OMP_NUM_THREADS=1 .venv/bin/python experiments/certified_dimension.py
Reads nnlib/data/generic_dimension.csv, writes nnlib/data/certified_dimension.csv.
"""

import csv
import pathlib

import numpy as np

import nnlib as nn
from nnlib.certify import jacobian_rank_mod_p
from nnlib.dimension import sample_weights

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "nnlib" / "data" / "generic_dimension.csv"


def tasks() -> list[dict]:
    """One task per row of generic_dimension.csv (run after generic_dimension: make data lists it last)."""
    with open(SOURCE, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [dict(table="certified_dimension.csv", key=f"{seed}", seed=seed, row=row) for seed, row in enumerate(rows)]


def compute(t: dict) -> dict:
    r, seed = t["row"], t["seed"]
    k, p, w, q, n = int(r["k"]), int(r["p"]), int(r["width"]), int(r["q"]), int(r["n"])
    arch = nn.Architecture((p,) + (w,) * (k - 1) + (q,), r["activation"])
    S = np.random.default_rng(seed).standard_normal((n, p))   # generic_dimension's sample
    hard = r["activation"] == "relu" and (int(r["shortfall"]) != 0 or p == 1)
    rep = nn.certified_dimension(arch, S, rng=seed, n_points=3000 if hard else 400)
    if hard and not rep.exact:  # a second search from another seed; the better certificate is kept
        again = nn.certified_dimension(arch, S, rng=1000 + seed, n_points=3000)
        rep = again if again.lower > rep.lower else rep
    if not rep.verify():
        raise RuntimeError(f"row {seed}: the certificate does not verify")
    evidence = ""
    if hard and not rep.exact:
        g = np.random.default_rng(10_000 + seed)
        ranks = []
        for j in range(600):
            th = sample_weights(arch, S, g, recipe=("balanced", "centred", "gaussian")[j % 3])
            th = np.ldexp(np.rint(np.ldexp(th, 20)), -20)
            try:
                ranks.append(jacobian_rank_mod_p(arch, S, th))
            except ValueError:  # a pre-activation exactly at a kink: skip the point
                pass
        vals, counts = np.unique(ranks, return_counts=True)
        evidence = " ".join(f"{v}:{c}" for v, c in zip(vals.tolist(), counts.tolist()))
    c = rep.certificate
    return dict(k=k, p=p, width=w, q=q, activation=r["activation"], n=n, m=arch.m, table_dimension=r["dimension"],
                lower=rep.lower, upper=rep.upper, exact=rep.exact, upper_method=rep.upper_method,
                method=c.method if c else "", prime=c.prime if c and c.prime else "",
                precision=c.precision if c and c.precision else "", points=rep.points, ranks_mod_p=evidence)


if __name__ == "__main__":
    import _data  # experiments/_data.py (the script's folder is on sys.path)

    _data.run_sequential(__import__(__name__))
