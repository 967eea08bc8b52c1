r"""Escape to infinity versus convergence to a bounded minimiser: a classifier of fits (chapter 7).

Proposition 2 of the paper shows that for tanh and sigmoid the best-approximation problem (9)
fails on a set of targets of positive measure; for ReLU this is left open (end of §6).  A
numerical search for such a set needs to tell, for each fit, whether the solver is running off
to infinity (the weights grow while the loss keeps falling: Proposition 1 says this is what a
minimising sequence does when the infimum is not attained) or has settled at a bounded
minimiser.  This module makes that call explicit.

**The decision rule** (:func:`classify_fit`).  From a starting point the trust-region solver
:func:`nnlib.least_squares_fit` runs ``rounds`` rounds of ``budget`` evaluations, each round
starting where the last one stopped.  The loss L and ||theta|| N after each round form a short
history; the *tail* is its second half.  Then

* ``"zero loss"``: the final loss is at most zero_tol * ||T||^2 -- the target is fitted (infimum
  0, attained).
* ``"bounded minimiser"``: the final gradient is below ``gtol`` (relative to max(1, sqrt(L))),
  N changed by at most 1 % over the tail, and the Hessian of the loss (central differences of
  the analytic gradient) has no eigenvalue below ``-hess_tol`` times its largest: the first- and
  second-order necessary conditions hold, and more work does not move the point.
* ``"escape"``: over the tail the loss fell in every round and N grew in every round, by at
  least ``growth`` (relative) in total, and the gradient is not small -- the signature of a
  minimising sequence leaving every bounded set (Proposition 1).  This is a statement about the
  run within its budget: a slow run could still turn and settle later.
* ``"kink"``: loss and N unchanged over the tail (relative change below 1e-9) with a gradient that
  is not small: the solver is stuck at a point where the ReLU is not differentiable (such a
  point can be a non-smooth local minimum; the tests above do not apply there).
* ``"undecided"``: anything else (e.g. a saddle, or a run still moving without a clear trend).

For a *target* (:func:`survey_target`) the runs from many starts are compared: if some
escaping run ends below the final loss of every run that did not escape (by ``margin``) --
bounded minimisers, kinks and undecided runs alike, all of them values attained at finite
weights -- the best loss found is approached only at infinity: numerical evidence that the
infimum is not attained.  It is not a
proof: a better bounded minimiser may exist that no start found, and an escaping run's limit is
only bounded above by its last loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_matrix, as_rng, as_vector, check_arch, check_open_unit, check_positive_float, check_positive_int, check_real, check_sample
from .fitting import least_squares_fit
from .network import loss_gradient

__all__ = [
    "VERDICTS",
    "loss_hessian",
    "FitVerdict",
    "classify_fit",
    "TargetSurvey",
    "survey_target",
    "robust_reading",
    "perturbed_targets",
]

#: The verdicts of :func:`classify_fit`, in the order the book lists them.
VERDICTS = ("escape", "bounded minimiser", "zero loss", "kink", "undecided")


def loss_hessian(arch, S, T, theta, h: float = 1e-5) -> np.ndarray:
    """Hessian of the squared loss at theta by central differences of the analytic gradient (m x m, symmetrised).

    For ReLU the loss is piecewise polynomial in theta; away from kinks (every pre-activation at
    least h away from 0 on every sample point) the differences are exact up to rounding.

    >>> from nnlib.network import Architecture
    >>> arch = Architecture((1, 1), "identity")            # psi(theta) = a s + b
    >>> H = loss_hessian(arch, [[1.0], [2.0]], [[0.0], [0.0]], [0.5, 0.5])
    >>> np.round(H, 6).tolist()                           # 2 [[sum s^2, sum s], [sum s, n]]
    [[10.0, 6.0], [6.0, 4.0]]
    """
    arch = check_arch(arch)
    theta = as_vector("theta", theta, length=arch.m)
    h = check_positive_float("h", h)
    H = np.empty((arch.m, arch.m))
    for j in range(arch.m):
        e = np.zeros(arch.m)
        e[j] = h * max(1.0, abs(theta[j]))
        gp = loss_gradient(arch, S, T, theta + e)[1]
        gm = loss_gradient(arch, S, T, theta - e)[1]
        H[:, j] = (gp - gm) / (2 * e[j])
    return 0.5 * (H + H.T)


@dataclass(frozen=True)
class FitVerdict:
    """One fit, classified (see the module docstring for the rule).

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    loss, norm : float
        Loss and ||theta|| at the end of the run.
    loss_first, norm_first : float
        Loss and ||theta|| after the first round.
    grad_norm : float
        Norm of the gradient of the loss at the end.
    min_eig : float
        Smallest Hessian eigenvalue over the largest in absolute value (``nan`` if not computed).
    theta : ndarray
        The final weights.
    """

    verdict: str
    loss: float
    norm: float
    loss_first: float
    norm_first: float
    grad_norm: float
    min_eig: float
    theta: np.ndarray


def classify_fit(arch, S, T, theta0, *, rounds: int = 8, budget: int = 200, growth: float = 0.005,
                 gtol: float = 1e-6, hess_tol: float = 1e-6, zero_tol: float = 1e-12) -> FitVerdict:
    """Run ``rounds`` rounds of the trust-region fit from theta0 and classify the run (module docstring).

    >>> from nnlib.paper import theorem1_data, theorem1_architecture, theta_k
    >>> S, T = theorem1_data()
    >>> classify_fit(theorem1_architecture(), S, T, theta_k(5.0)).verdict   # start on the escape path (17)
    'escape'
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    theta = as_vector("theta0", theta0, length=arch.m)
    rounds = check_positive_int("rounds", rounds)
    if rounds < 4:
        raise ValueError(f"rounds must be at least 4 (the tail is the second half of the rounds); got {rounds}")
    budget = check_positive_int("budget", budget)
    growth = check_open_unit("growth", growth)
    gtol = check_open_unit("gtol", gtol)
    hess_tol = check_open_unit("hess_tol", hess_tol)
    zero_tol = check_open_unit("zero_tol", zero_tol)
    L, N = [], []
    for _ in range(rounds):
        res = least_squares_fit(arch, S, T, theta, max_nfev=budget)
        if L and res.final_loss > L[-1]:
            break  # the solver's best point is where the last round ended
        theta = res.theta
        L.append(res.final_loss)
        N.append(res.final_norm)
    L, N = np.array(L), np.array(N)
    tail = slice(len(L) // 2 - 1 if len(L) >= 2 else 0, None)
    Lt, Nt = L[tail], N[tail]
    grad = loss_gradient(arch, S, T, theta)[1]
    gnorm = float(np.linalg.norm(grad))
    small_grad = gnorm <= gtol * max(1.0, float(np.sqrt(L[-1])))
    scale = float(np.sum(T * T)) or 1.0
    norm_change = float((Nt[-1] - Nt[0]) / Nt[0])
    loss_change = float((Lt[0] - Lt[-1]) / Lt[0]) if Lt[0] > 0 else 0.0
    min_eig = float("nan")
    if L[-1] <= zero_tol * scale:
        verdict = "zero loss"
    elif small_grad and abs(norm_change) <= 0.01:
        ev = np.linalg.eigvalsh(loss_hessian(arch, S, T, theta))
        min_eig = float(ev[0] / max(abs(ev).max(), 1e-300))
        verdict = "bounded minimiser" if min_eig >= -hess_tol else "undecided"
    elif (not small_grad and len(Lt) >= 3 and np.all(np.diff(Lt) < 0) and np.all(np.diff(Nt) > 0)
          and norm_change >= growth):
        verdict = "escape"
    elif not small_grad and abs(norm_change) < 1e-9 and abs(loss_change) < 1e-9:
        verdict = "kink"
    else:
        verdict = "undecided"
    return FitVerdict(verdict, float(L[-1]), float(N[-1]), float(L[0]), float(N[0]), gnorm, min_eig, theta.copy())


@dataclass(frozen=True)
class TargetSurvey:
    """All fits of one target and the target-level reading.

    Attributes
    ----------
    fits : tuple of FitVerdict
    best_bounded : float
        Lowest final loss among the fits that did *not* escape (``inf`` if none): bounded
        minimisers, zero-loss fits, kinks (possibly non-smooth local minima) and undecided runs.
        Each ends at a finite weight vector, so its loss is a value the network attains.
    best_escape : float
        Lowest final loss among escaping fits (``inf`` if none): an upper bound on the limit of
        that run.
    reading : str
        ``"escape below every other fit"`` (best_escape < (1 - margin) best_bounded),
        ``"a non-escaping fit is best"`` (best_bounded < (1 - margin) best_escape, which includes
        the case of no escaping run), or ``"undecided"`` (neither: the two within the margin of
        each other, or every fit escaped).
    """

    fits: tuple
    best_bounded: float
    best_escape: float
    reading: str

    def count(self, verdict: str) -> int:
        return sum(f.verdict == verdict for f in self.fits)


def survey_target(arch, S, T, n_starts: int = 16, *, rng=0, init_scale: float = 1.0, extra_starts=None,
                  margin: float = 0.01, **kwargs) -> TargetSurvey:
    """Classify fits of one target from ``n_starts`` random starts (plus optional ``extra_starts``).

    ``kwargs`` go to :func:`classify_fit`.  ``margin`` is a relative difference of losses.

    >>> from nnlib.paper import theorem1_data, theorem1_architecture, theta_k
    >>> S, T = theorem1_data()
    >>> sv = survey_target(theorem1_architecture(), S, T, 4, extra_starts=[theta_k(5.0)])
    >>> sv.reading
    'escape below every other fit'
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    n_starts = check_positive_int("n_starts", n_starts)
    gen = as_rng("rng", rng)
    init_scale = check_positive_float("init_scale", init_scale)
    margin = check_real("margin", margin, low=0.0, high=1.0, high_open=True, what="a relative margin")
    starts = [arch.random_theta(gen, scale=init_scale) for _ in range(n_starts)]
    if extra_starts is not None:
        starts += list(as_matrix("extra_starts", extra_starts, cols=arch.m))
    fits = tuple(classify_fit(arch, S, T, th, **kwargs) for th in starts)
    bounded = [f.loss for f in fits if f.verdict != "escape"]
    escapes = [f.loss for f in fits if f.verdict == "escape"]
    b = min(bounded) if bounded else np.inf
    e = min(escapes) if escapes else np.inf
    tol = 1e-9 * max(1.0, float(np.sum(T * T)))
    if e < min(b * (1 - margin), b - tol):
        reading = "escape below every other fit"
    elif bounded and b < e * (1 - margin):
        reading = "a non-escaping fit is best"
    else:
        reading = "undecided"
    return TargetSurvey(fits, float(b), float(e), reading)


def robust_reading(survey: TargetSurvey, factor: float = 10.0) -> str:
    """The reading of a survey in terms that survive a change in the last bits of the arithmetic.

    Which start ends where, and so the counts of verdicts and the best losses, change with the BLAS
    kernel: the runs are long and pass near kinks, and single trajectories from random starts are
    not reproducible across machines.  What is stable is the reading with a wide margin.  So:

    * ``"escape below every other fit, by a factor > 10"`` when the best escaping loss is below
      1/``factor`` of every other fit's (``"... < 10"`` when the reading holds by less);
    * ``"a non-escaping fit is best"`` and ``"undecided"`` as :func:`survey_target` reads them
      (without losses: whether any run escapes at all is such a last-bit matter).

    >>> from nnlib.paper import theorem1_data, theorem1_architecture, theta_k
    >>> S, T = theorem1_data()
    >>> robust_reading(survey_target(theorem1_architecture(), S, T, 4, extra_starts=[theta_k(5.0)]))
    'escape below every other fit, by a factor > 10'
    """
    if not isinstance(survey, TargetSurvey):
        raise TypeError(f"survey must be a TargetSurvey (from survey_target); got {type(survey).__name__}")
    factor = check_positive_float("factor", factor)
    if factor < 1:
        raise ValueError(f"factor must be at least 1; got {factor}")
    if survey.reading != "escape below every other fit":
        return survey.reading
    side = ">" if survey.best_escape * factor < survey.best_bounded else "<"
    return f"{survey.reading}, by a factor {side} {factor:g}"


def perturbed_targets(T, eps: float, count: int, rng=0) -> np.ndarray:
    """``count`` targets T + eps * U with U uniform in [-1, 1]^{n x q} (a box around T), shape (count, n, q).

    >>> perturbed_targets(np.zeros((2, 1)), 0.1, 3).shape
    (3, 2, 1)
    """
    T = as_matrix("T", T)
    eps = check_positive_float("eps", eps)
    count = check_positive_int("count", count)
    gen = as_rng("rng", rng)
    return T[None] + eps * gen.uniform(-1.0, 1.0, size=(count,) + T.shape)

