"""Chapter 7, part 3: does ReLU fail on a set of positive measure?  An escape survey.

The 2-2-2 ReLU network and the sample S of Theorem 1.  Targets:
  * near: T of (16) plus eps * U, U uniform in [-1, 1]^{6 x 2}, for eps in EPS (N_NEAR each);
  * random: Gaussian 6 x 2 targets (N_RANDOM).
Each target is fitted from N_STARTS random starts (plus, for the near targets, one start on the
path theta_k of (17) with k = 5), every fit classified by nnlib.escape.classify_fit, and the
target read by nnlib.escape.survey_target ("escape below every other fit", "a non-escaping
fit is best" or "undecided").  Second look: every target read "escape below every other fit"
is surveyed again with RECHECK_STARTS fresh random starts; the row records whether a fit that
does not escape, with a loss below the old best escape, then turns up.

Regenerate (3 to 12 minutes on one core, depending on the load of the shared machine), on Dask
(see experiments/run.py) or alone:
    .venv/bin/python experiments/run.py escape_survey
    OMP_NUM_THREADS=1 .venv/bin/python experiments/escape_survey.py
Writes nnlib/data/escape_survey.csv (one row per target).
"""

import numpy as np

from nnlib.escape import perturbed_targets, survey_target
from nnlib.paper import theorem1_architecture, theorem1_data, theta_k

EPS = (0.05, 0.1, 0.2, 0.4)
N_NEAR = 25
N_RANDOM = 40
N_STARTS = 16
RECHECK_STARTS = 48


def tasks() -> list[dict]:
    """One task per target (near targets by eps, then random ones); its index j sets the starts' seeds."""
    _, T0 = theorem1_data()
    cases = [("near", eps, i, T) for eps in EPS for i, T in enumerate(perturbed_targets(T0, eps, N_NEAR, rng=int(eps * 1000)))]
    cases += [("random", 0.0, i, T) for i, T in enumerate(np.random.default_rng(7).standard_normal((N_RANDOM, 6, 2)))]
    return [dict(table="escape_survey.csv", key=f"{j}", j=j, kind=kind, eps=eps, index=i, T=T)
            for j, (kind, eps, i, T) in enumerate(cases)]


def compute(t: dict) -> dict:
    S, _ = theorem1_data()
    arch = theorem1_architecture()
    kind, eps, i, T, j = t["kind"], t["eps"], t["index"], t["T"], t["j"]
    extra = [theta_k(5.0)] if kind == "near" else None
    sv = survey_target(arch, S, T, N_STARTS, rng=1000 + j, extra_starts=extra)
    recheck = ""
    if sv.reading == "escape below every other fit":
        sv2 = survey_target(arch, S, T, RECHECK_STARTS, rng=5000 + j)
        recheck = "non-escaping fit below escape" if sv2.best_bounded < sv.best_escape else "escape still best"
    return dict(kind=kind, eps=eps, index=i, rng=1000 + j, reading=sv.reading,
                best_bounded=f"{sv.best_bounded:.6g}", best_escape=f"{sv.best_escape:.6g}",
                escape=sv.count("escape"), bounded=sv.count("bounded minimiser"),
                zero=sv.count("zero loss"), kink=sv.count("kink"), undecided=sv.count("undecided"),
                recheck=recheck, target=" ".join(f"{x:.6f}" for x in T.ravel()))


if __name__ == "__main__":
    import _data  # experiments/_data.py (the script's folder is on sys.path)

    _data.run_sequential(__import__(__name__))
