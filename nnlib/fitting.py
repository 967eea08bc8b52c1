r"""Solvers for the empirical risk minimisation problem (5)/(9).

Every solver returns a :class:`FitResult` with the same fields, so chapters can compare solvers
(gradient descent here; constrained, regularised and second-order solvers can be added with the
same return type).  The quantity minimised is the squared loss ||T - psi_k(theta)||_F^2.

When the infimum is not attained (Theorem 1), a minimising sequence must have unbounded
weights (Proposition 1): a solver that keeps lowering the loss then shows ||theta|| growing.
That is why every result records the history of ||theta|| beside the history of the loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from . import _kernel
from ._checks import as_matrix, as_rng, as_vector, check_arch, check_bool, check_choice, check_nonnegative_int, check_open_unit, check_positive_float, check_positive_int, check_sample, check_tolerance
from .network import jacobian

__all__ = [
    "FitResult",
    "FitTrend",
    "fit_trend",
    "verdict_margin",
    "StepScan",
    "step_size_scan",
    "gradient_descent",
    "Descent",
    "multistart_gradient_descent",
    "least_squares_fit",
    "best_of_starts",
    "constrained_fit",
    "weight_decay_fit",
]


@dataclass(frozen=True)
class FitResult:
    """The outcome of a fit.

    Attributes
    ----------
    theta : ndarray, shape (m,)
        The final weights.
    steps : ndarray of int
        The iteration numbers at which the histories were recorded (0 is the start).
    loss_history : ndarray
        ||T - psi_k(theta)||_F^2 at those iterations.
    norm_history : ndarray
        ||theta|| at those iterations.
    grad_norm_history : ndarray
        The norm of the gradient of the loss at those iterations (a stationary point has 0).
    method : str
        Name of the solver.
    status : str
        ``"finished"`` (ran all its steps), ``"converged"`` (gradient norm below the tolerance)
        or ``"diverged"`` (the loss or the weights became non-finite or exceeded 1e12; the
        histories stop at the last finite values).
    """

    theta: np.ndarray = field(repr=False)
    steps: np.ndarray = field(repr=False)
    loss_history: np.ndarray = field(repr=False)
    norm_history: np.ndarray = field(repr=False)
    grad_norm_history: np.ndarray = field(repr=False)
    method: str
    status: str

    @property
    def final_loss(self) -> float:
        return float(self.loss_history[-1])

    @property
    def final_norm(self) -> float:
        return float(self.norm_history[-1])


_BLOW_UP = 1e12
_SAFE_SQUARED_NORM = 0.99 * _BLOW_UP**2  # below it, no entry of theta can exceed _BLOW_UP


def _check_problem(arch, S, T):
    """Validate an (architecture, sample, responses) triple, as every solver does first."""
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    return arch, S, T


def _starting_point(arch, theta0, rng, init_scale) -> np.ndarray:
    """``theta0`` checked and copied, or random weights from ``rng`` when it is None."""
    if theta0 is None:
        with np.errstate(over="ignore", invalid="ignore"):
            theta = arch.random_theta(as_rng("rng", rng), scale=check_positive_float("init_scale", init_scale))
        if not np.all(np.isfinite(theta)):
            raise ValueError(f"init_scale is too large: the random starting weights overflow float64; got {init_scale!r}")
        return theta
    return as_vector("theta0", theta0, length=arch.m).copy()


def _start_fails(arch, S, T, thetas) -> bool:
    """Whether the loss, its gradient or ||theta||^2 overflows at some row of ``thetas``."""
    values, grads = _kernel.batch_loss_gradient(arch, S, T, thetas)
    return not (
        np.all(np.isfinite(values))
        and np.all(np.isfinite(np.einsum("ij,ij->i", grads, grads)))
        and np.all(np.isfinite(np.einsum("ij,ij->i", thetas, thetas)))
    )


def _residual_fails(arch, S, T, thetas) -> bool:
    """Whether the residual psi_k(theta) - T has a non-finite entry at some row of ``thetas``."""
    return not all(np.all(np.isfinite(_psi(arch, S, th) - T)) for th in thetas)


def _overflow_error(arch, S, T, thetas, start: str, fails=_start_fails, where: str = "at the starting weights") -> ValueError:
    """The error for starting weights ``thetas`` (rows) at which ``fails(arch, S, T, thetas)``.

    It names the caller's arguments whose size makes the numbers overflow, found by asking what
    removes the overflow: the network alone (T replaced by 0) overflowing points at S and/or
    the starting weights (named ``start``: ``theta0``, ``init_scale``, ...), S is named when
    shrinking it into [-1, 1] removes the overflow, the weights when shrinking each row into
    [-1, 1] does (both when only shrinking both does); T is named when the network alone is
    finite, or when ||T||_F^2 itself overflows.
    """
    thetas = np.atleast_2d(thetas)
    names = []
    with np.errstate(all="ignore"):
        zero = np.zeros_like(T)
        if not np.all(np.isfinite(thetas)):
            names.append(start)
        elif fails(arch, S, zero, thetas):  # the network overflows by itself, whatever T is
            shrink = np.maximum(1.0, np.abs(thetas).max(axis=1, keepdims=True))
            if not fails(arch, S, zero, thetas / shrink):
                names.append(start)
            if not fails(arch, S / max(1.0, float(np.abs(S).max())), zero, thetas):
                names.append("S")
            if not names:
                names = [start, "S"]
            if not np.isfinite(T.ravel() @ T.ravel()):
                names.append("T")
        else:
            names.append("T")
    sizes = ", ".join(f"max |{a}| = {float(np.abs(x).max()):.3g}" for a, x in (("S", S), ("T", T)) if a in names)
    plural = len(names) > 1 or names[0].startswith("thetas0 rows")
    return ValueError(
        f"{' and '.join(names)} {'are' if plural else 'is'} too large: the loss or its gradient overflows {where}"
        + (f" ({sizes})" if sizes else "")
    )


def gradient_descent(
    arch,
    S,
    T,
    theta0=None,
    *,
    step: float = 1e-2,
    n_steps: int = 1000,
    rng=0,
    init_scale: float = 1.0,
    record_every: int = 1,
    gtol: float = 0.0,
) -> FitResult:
    """Plain gradient descent theta <- theta - step * grad ||T - psi_k(theta)||_F^2.

    Parameters
    ----------
    arch : Architecture
    S : array, shape (n, p)
        The sample.
    T : array, shape (n, q)
        The responses.
    theta0 : array, shape (m,), optional
        Starting weights; by default ``arch.random_theta(rng, scale=init_scale)``.
    step : float
        The step size (learning rate), > 0.
    n_steps : int
        Number of iterations, >= 0.
    rng : int or numpy.random.Generator
        Seed for the starting weights (ignored when ``theta0`` is given).
    init_scale : float
        Scale of the random starting weights.
    record_every : int
        Record the loss and ||theta|| every this many steps (the last step is always recorded).
    gtol : float
        Stop when the gradient norm falls to ``gtol`` or below (default 0: never stop early).

    Returns
    -------
    FitResult
    """
    arch, S, T = _check_problem(arch, S, T)
    step = check_positive_float("step", step)
    n_steps = check_nonnegative_int("n_steps", n_steps)
    record_every = check_positive_int("record_every", record_every)
    gtol = check_tolerance("gtol", gtol, allow_zero=True)
    run = Descent(arch, S, T, _starting_point(arch, theta0, rng, init_scale), step, record_every=record_every,
                   start="theta0" if theta0 is not None else "init_scale")
    run.advance(n_steps, gtol=gtol)
    return run.result(n_steps, record_every)


class Descent:
    """A gradient-descent run that can be resumed: the iterate reached so far and its histories.

    :func:`gradient_descent` is one such run advanced ``n_steps`` times.  A run from a given
    start and step is a prefix of any longer run from the same start and step, so the widget of
    chapter 1 keeps one run per (seed, step) and serves every shorter ``n_steps`` from it
    (:meth:`result`), advancing it when more steps are asked (:meth:`advance`).

    The histories (loss, ||theta||, gradient norm and, with ``keep_thetas``, the iterates) are
    kept every ``record_every`` steps; the current iterate is always known.  The arithmetic is
    that of the original loop of :func:`gradient_descent`, operation for operation, so the
    iterates are the same to the last bit (``tests/test_fitting.py`` compares them with a copy
    of that loop; two-layer networks use ``_two_layer_loss_gradient``); the per-step checks are
    cheaper: ``theta . theta <= 0.99e24`` (which the history of ||theta|| needs anyway) already
    shows every entry finite and below 1e12, and otherwise ``not max|theta| <= 1e12`` is true exactly
    when an entry is non-finite or too large, and ``grad . grad`` is the squared gradient norm
    (``numpy.linalg.norm`` computes sqrt(x . x)), finite only when every entry is (if it overflows,
    the entries are checked one by one).
    """

    def __init__(self, arch, S, T, theta, step: float, *, record_every: int = 1, keep_thetas: bool = False,
                 start: str = "theta0"):
        arch, S, T = _check_problem(arch, S, T)
        theta = as_vector("theta", theta, length=arch.m)
        step = check_positive_float("step", step)
        record_every = check_positive_int("record_every", record_every)
        keep_thetas = check_bool("keep_thetas", keep_thetas)
        start = check_choice("start", start, ("theta0", "init_scale", "theta"))
        self.arch, self.S, self.T, self.step = arch, S, T, step
        self.record_every, self.keep_thetas = record_every, keep_thetas
        with np.errstate(over="ignore", invalid="ignore"):
            value, grad = _kernel.loss_gradient(arch, S, T, _kernel.unpack(arch, theta))
            gg = float(grad.dot(grad))
            tt = float(theta.dot(theta))
            finite = np.isfinite(value) and np.isfinite(gg) and np.isfinite(tt)
        if not finite:
            # name what overflows: S, T, or the caller's argument that made the starting weights (start)
            raise _overflow_error(arch, S, T, theta[None, :], start)
        self.theta, self.value, self.grad, self.gnorm = theta, value, grad, float(np.sqrt(gg))
        self.norm = float(np.sqrt(tt))
        self.it = 0
        self.status = "finished"  # or "diverged" (the step from self.it failed), "converged"
        # Row j of _hist holds loss, ||theta||, gradient norm at step j * record_every (rows 0.._rows-1);
        # the arrays grow by doubling.
        self._hist = np.empty((64, 3))
        self._hist[0] = value, self.norm, self.gnorm
        self._thetas = np.empty((64, arch.m)) if keep_thetas else None
        if keep_thetas:
            self._thetas[0] = theta
        self._rows = 1

    def advance(self, n_steps: int, gtol: float = 0.0) -> "Descent":
        """Take steps until ``n_steps`` iterations are done (or the run diverges / converges)."""
        arch, S, T, step, every = self.arch, self.S, self.T, self.step, self.record_every
        theta, value, grad, gnorm, it = self.theta, self.value, self.grad, self.gnorm, self.it
        hist, thetas, rows = self._hist, self._thetas, self._rows
        sqrt, isfinite = math.sqrt, math.isfinite  # (correctly rounded, as numpy's sqrt)
        if arch.k == 2:
            loss_gradient = _kernel.two_layer_loss_gradient(arch, S, T)
        else:
            def loss_gradient(theta, unpack=arch.unpack):
                return _kernel.loss_gradient(arch, S, T, unpack(theta))
        # One errstate for the whole loop (entering it costs a noticeable fraction of a step): the loss
        # and gradient of large weights may overflow, which the checks below catch; so may
        # theta - step * grad, where the old loop let numpy warn before reporting "diverged".
        with np.errstate(over="ignore", invalid="ignore"):
            while it < n_steps and self.status == "finished":
                if gtol > 0 and gnorm <= gtol:
                    self.status = "converged"
                    break
                new_theta = theta - step * grad
                tt = float(new_theta.dot(new_theta))
                # tt <= 0.99e24 puts every entry below 1e12 (|x_i| <= ||x||, the rounding of a sum
                # of m squares is far below 1 %); only otherwise are the entries looked at.
                if not tt <= _SAFE_SQUARED_NORM and not np.abs(new_theta).max() <= _BLOW_UP:  # (also for NaN)
                    self.status = "diverged"
                    break
                new_value, new_grad = loss_gradient(new_theta)
                gg = float(new_grad.dot(new_grad))
                if not new_value <= _BLOW_UP or not (isfinite(gg) or np.all(np.isfinite(new_grad))):
                    self.status = "diverged"
                    break
                theta, value, grad, gnorm = new_theta, new_value, new_grad, sqrt(gg)
                it += 1
                if it % every == 0:
                    if rows == hist.shape[0]:
                        hist = self._hist = np.concatenate([hist, np.empty_like(hist)])
                        if thetas is not None:
                            thetas = self._thetas = np.concatenate([thetas, np.empty_like(thetas)])
                    hist[rows] = value, sqrt(tt), gnorm  # tt = theta . theta, as numpy.linalg.norm computes it
                    if thetas is not None:
                        thetas[rows] = theta
                    rows += 1
        self._rows = rows
        self.theta, self.value, self.grad, self.gnorm, self.it = theta, value, grad, gnorm, it
        self.norm = float(np.sqrt(theta.dot(theta)))
        return self

    def result(self, n_steps: int, record_every: int) -> FitResult:
        """The :class:`FitResult` of :func:`gradient_descent` with these ``n_steps`` and ``record_every``.

        Needs ``n_steps <= self.it`` unless the run stopped (diverged or converged) before, and
        ``record_every`` a multiple of the run's own; a past iterate (``n_steps < self.it``)
        needs ``keep_thetas``.
        """
        if record_every % self.record_every:
            raise ValueError(f"record_every must be a multiple of {self.record_every}; got {record_every}")
        stopped = self.status != "finished"
        if n_steps > self.it and not stopped:
            raise ValueError(f"n_steps must be at most the {self.it} steps taken; got {n_steps}")
        end = min(n_steps, self.it) if not stopped or n_steps < self.it else self.it
        hop = record_every // self.record_every
        idx = np.arange(0, end // self.record_every + 1, hop)
        steps = idx * self.record_every
        losses, norms, gnorms = self._hist[idx].T.copy()
        if end == self.it:
            theta, last = self.theta, (self.value, self.norm, self.gnorm)
        elif self.keep_thetas and end % self.record_every == 0:
            j = end // self.record_every
            theta, last = self._thetas[j].copy(), tuple(self._hist[j])
        else:
            raise ValueError(f"n_steps = {n_steps} needs the iterates kept (keep_thetas)")
        status = "finished" if end == n_steps else self.status  # (the n_steps-th iterate is not checked)
        # gradient_descent records the last step when it ran all its steps or converged there.
        if status != "diverged" and steps[-1] != end:
            steps = np.append(steps, end)
            losses, norms, gnorms = (np.append(h, v) for h, v in zip((losses, norms, gnorms), last))
        return FitResult(theta, steps, losses, norms, gnorms, "gradient descent", status)


def multistart_gradient_descent(
    arch,
    S,
    T,
    n_starts: int | None = None,
    *,
    step: float = 1e-2,
    n_steps: int = 1000,
    rng=0,
    init_scale: float = 1.0,
    record_every: int = 1,
    thetas0=None,
) -> list[FitResult]:
    """Gradient descent from many starting points at once, vectorised over the starts.

    Start j uses the same step size and number of steps as :func:`gradient_descent`; the
    starting weights are ``arch.random_theta`` draws from one generator (or the rows of
    ``thetas0``).  A start whose iterates blow up is frozen at its last finite point and
    reported with status ``"diverged"``.  For one start the result is the same as
    :func:`gradient_descent` with the same starting point.

    ``n_starts`` defaults to 20 random starts; with ``thetas0`` it defaults to (and, if given,
    must equal) the number of its rows, and ``rng`` and ``init_scale`` are not used.

    Returns
    -------
    list of FitResult, one per start.

    Raises
    ------
    ValueError
        If ``n_starts`` is given with ``thetas0`` and differs from its number of rows (and for
        the other arguments' usual reasons).
    """
    arch, S, T = _check_problem(arch, S, T)
    step = check_positive_float("step", step)
    n_steps = check_nonnegative_int("n_steps", n_steps)
    record_every = check_positive_int("record_every", record_every)
    if thetas0 is None:
        n_starts = check_positive_int("n_starts", 20 if n_starts is None else n_starts)
        gen = as_rng("rng", rng)
        scale = check_positive_float("init_scale", init_scale)
        with np.errstate(over="ignore", invalid="ignore"):
            thetas = np.stack([arch.random_theta(gen, scale=scale) for _ in range(n_starts)])
    else:
        thetas = as_matrix("thetas0", thetas0, cols=arch.m).copy()
        if n_starts is not None and check_positive_int("n_starts", n_starts) != thetas.shape[0]:
            raise ValueError(
                f"n_starts is {n_starts} but thetas0 has {thetas.shape[0]} rows (starting points): "
                "give one of them, or the number of rows"
            )
        n_starts = thetas.shape[0]
    alive = np.ones(n_starts, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        values, grads = _kernel.batch_loss_gradient(arch, S, T, thetas)
        bad = ~(
            np.isfinite(values)
            & np.isfinite(np.linalg.norm(grads, axis=1))
            & np.isfinite(np.linalg.norm(thetas, axis=1))
        )
    if bad.any():
        rows = np.flatnonzero(bad).tolist()
        start = "init_scale" if thetas0 is None else f"thetas0 rows {rows}"
        raise _overflow_error(arch, S, T, thetas[bad], start, where=f"at starts {rows}")
    steps, losses, norms, gnorms = [], [], [], []
    for it in range(n_steps + 1):
        if it % record_every == 0 or it == n_steps:
            steps.append(it)
            losses.append(values.copy())
            norms.append(np.linalg.norm(thetas, axis=1))
            gnorms.append(np.linalg.norm(grads, axis=1))
        if it == n_steps or not alive.any():
            break
        idx = np.flatnonzero(alive)
        new = thetas[idx] - step * grads[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            ok = np.all(np.isfinite(new), axis=1) & (np.max(np.abs(new), axis=1) <= _BLOW_UP)
            new_values, new_grads = _kernel.batch_loss_gradient(arch, S, T, np.where(ok[:, None], new, thetas[idx]))
            ok &= np.isfinite(new_values) & (new_values <= _BLOW_UP) & np.all(np.isfinite(new_grads), axis=1)
        keep = idx[ok]
        thetas[keep], values[keep], grads[keep] = new[ok], new_values[ok], new_grads[ok]
        alive[idx[~ok]] = False
    steps = np.array(steps)
    losses, norms, gnorms = np.array(losses), np.array(norms), np.array(gnorms)
    results = []
    for j in range(n_starts):
        status = "finished" if alive[j] else "diverged"
        results.append(
            FitResult(
                thetas[j].copy(), steps, losses[:, j].copy(), norms[:, j].copy(), gnorms[:, j].copy(),
                "gradient descent", status,
            )
        )
    return results


@dataclass(frozen=True)
class FitTrend:
    """How a fit was behaving over the last part of its run (the *tail*).

    Attributes
    ----------
    verdict : str
        ``"escaping"``: the loss still fell by at least ``min_drop`` (relative) over the tail
        while ||theta|| grew -- the signature of a minimising sequence running off to infinity
        (Proposition 1).  ``"stalled"``: the loss changed by less than ``flat`` (relative) over
        the tail -- a local minimum or a plateau.  ``"unsettled"``: anything else (e.g. the loss
        went up, or it falls but the weights do not grow).  ``"diverged"``: the solver blew up.
    loss_drop : float
        Relative decrease of the loss over the tail, (L_start - L_end) / L_start.
    norm_growth : float
        Increase of ||theta|| over the tail.
    loss_slope, norm_slope : float
        Least-squares slopes of log(loss) and log(||theta||) against log(1 + step) over the tail:
        the exponents a, b in loss ~ step^a and ||theta|| ~ step^b.
    """

    verdict: str
    loss_drop: float
    norm_growth: float
    loss_slope: float
    norm_slope: float


def fit_trend(result: FitResult, *, tail: float = 0.5, min_drop: float = 0.01, flat: float = 1e-3) -> FitTrend:
    """Classify the end of a fit as escaping, stalled, unsettled or diverged (see :class:`FitTrend`).

    Parameters
    ----------
    result : FitResult
    tail : float in (0, 1)
        Fraction of the recorded history (by iteration count) that counts as the tail.
    min_drop : float in (0, 1)
        Smallest relative loss decrease over the tail for ``"escaping"``.
    flat : float in (0, 1)
        Largest relative loss change over the tail for ``"stalled"``.
    """
    tail, min_drop, flat = _check_trend_args(result, tail, min_drop, flat)
    steps = result.steps
    sel = _tail_selection(steps, tail)
    L, N, it = result.loss_history[sel], result.norm_history[sel], steps[sel] + 1.0
    loss_drop = float((L[0] - L[-1]) / L[0]) if L[0] > 0 else 0.0
    norm_growth = float(N[-1] - N[0])
    with np.errstate(divide="ignore"):
        x = np.log(it)
        loss_slope = float(np.polyfit(x, np.log(np.maximum(L, 1e-300)), 1)[0])
        norm_slope = float(np.polyfit(x, np.log(np.maximum(N, 1e-300)), 1)[0])
    if result.status == "diverged":
        verdict = "diverged"
    elif loss_drop >= min_drop and norm_growth > 0 and np.all(np.diff(L) <= 0):
        verdict = "escaping"
    elif abs(loss_drop) < flat:
        verdict = "stalled"
    else:
        verdict = "unsettled"
    return FitTrend(verdict, loss_drop, norm_growth, loss_slope, norm_slope)


def _check_trend_args(result, tail, min_drop, flat):
    if not isinstance(result, FitResult):
        raise TypeError(f"result must be a FitResult; got {type(result).__name__}")
    if len(result.steps) < 3:
        raise ValueError("result must have at least 3 recorded points to judge a trend (lower record_every)")
    return check_open_unit("tail", tail), check_open_unit("min_drop", min_drop), check_open_unit("flat", flat)


def _tail_selection(steps, tail: float) -> np.ndarray:
    """The recorded points of the last ``tail`` of a run (by iteration count), at least two."""
    start = steps[-1] - tail * (steps[-1] - steps[0])
    sel = steps >= start
    if sel.sum() < 2:
        sel[-2:] = True
    return sel


def verdict_margin(result: FitResult, *, tail: float = 0.5, min_drop: float = 0.01, flat: float = 1e-3) -> dict:
    """How far a run is from getting another :func:`fit_trend` verdict (same arguments).

    :func:`fit_trend` decides with three tests on the tail of the run: the loss fell by at least
    ``min_drop`` (relative), it never rose between recorded points, ``||theta||`` grew; and, for a
    run that is not escaping, whether the loss changed by less than ``flat``.  Each test compares a
    statistic with a threshold; its *margin* is the signed distance, relative to the tail's first
    loss or norm: ``loss_drop - min_drop``, the smallest relative fall ``-max(diff L) / L[0]``,
    ``norm_growth / N[0]``, ``flat - |loss_drop|``.  A change of the run's last bits (another BLAS
    kernel) that moves every statistic by less than the margin leaves the verdict as it is.

    Returns
    -------
    dict
        ``"escape"``: the signed margin of the escaping test.  For an escaping run, the smallest of
        its three margins (all >= 0); for another run, the most negative of the margins that fail
        (the test passes only if every failing margin turns positive).  ``"verdict"``: the unsigned
        margin of the verdict: ``escape`` for an escaping run; for another run the smaller of
        ``|escape|`` and ``|flat - |loss_drop||`` (stalled against unsettled); ``inf`` for a
        diverged run (decided by the solver, not by a threshold).
    """
    tail, min_drop, flat = _check_trend_args(result, tail, min_drop, flat)
    if result.status == "diverged":
        return {"escape": -math.inf, "verdict": math.inf}
    sel = _tail_selection(result.steps, tail)
    L, N = result.loss_history[sel], result.norm_history[sel]
    drop = float((L[0] - L[-1]) / L[0]) if L[0] > 0 else 0.0
    scale = L[0] if L[0] > 0 else 1.0
    tests = np.array([drop - min_drop, float(-np.max(np.diff(L))) / scale, float(N[-1] - N[0]) / N[0]])
    escape = float(tests.min()) if np.all(tests >= 0) else float(tests[tests < 0].min())
    if escape >= 0:
        return {"escape": escape, "verdict": escape}
    return {"escape": escape, "verdict": min(-escape, abs(flat - abs(drop)))}


@dataclass(frozen=True)
class StepScan:
    """What gradient descent does at each of several step sizes (:func:`step_size_scan`).

    Attributes
    ----------
    steps : ndarray, shape (s,)
        The step sizes.
    diverged_at : ndarray of int, shape (s, n)
        For step size i and start j, the iteration at which the run blew up (the loss or a
        weight became non-finite or exceeded 1e12), or -1 if it ran all ``n_steps``.
    final_loss : ndarray, shape (s, n)
        The loss at the end of the run (NaN for a run that blew up).
    n_steps : int
    """

    steps: np.ndarray
    diverged_at: np.ndarray
    final_loss: np.ndarray
    n_steps: int

    @property
    def n_diverged(self) -> np.ndarray:
        """Number of starts that blew up, per step size."""
        return (self.diverged_at >= 0).sum(axis=1)


def step_size_scan(arch, S, T, thetas0, steps, *, n_steps: int = 1000) -> StepScan:
    """Run gradient descent from the rows of ``thetas0`` with each step size in ``steps``.

    The same iteration as :func:`multistart_gradient_descent` (vectorised over the starts, a
    start that blows up is stopped), recording for each run only when it blew up and its final
    loss: a survey of the step-size range of a widget or a text.
    """
    arch, S, T = _check_problem(arch, S, T)
    thetas0 = as_matrix("thetas0", thetas0, cols=arch.m)
    n_steps = check_nonnegative_int("n_steps", n_steps)
    if np.ndim(steps) == 0:  # one step size (as_vector names steps for an int beyond float64, a string...)
        steps = np.atleast_1d(np.asarray(steps, dtype=object))
    steps = np.atleast_1d(as_vector("steps", steps))
    if steps.ndim != 1 or steps.size == 0 or not np.all(np.isfinite(steps) & (steps > 0)):
        raise ValueError(f"steps must be a non-empty 1-d array of positive step sizes; got {steps!r}")
    n = thetas0.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        values0, grads0 = _kernel.batch_loss_gradient(arch, S, T, thetas0)
        bad = ~(np.isfinite(values0) & np.isfinite(np.einsum("ij,ij->i", grads0, grads0))
                & np.isfinite(np.einsum("ij,ij->i", thetas0, thetas0)))
    if bad.any():  # a start that overflows cannot "blow up at step 1": it is refused, naming the culprit
        rows = np.flatnonzero(bad).tolist()
        raise _overflow_error(arch, S, T, thetas0[bad], f"thetas0 rows {rows}", where=f"at starts {rows}")
    diverged_at = np.full((steps.size, n), -1)
    final_loss = np.full((steps.size, n), np.nan)
    for i, step in enumerate(steps):
        thetas = thetas0.copy()
        with np.errstate(over="ignore", invalid="ignore"):
            values, grads = _kernel.batch_loss_gradient(arch, S, T, thetas)
        alive = np.ones(n, dtype=bool)
        for it in range(1, n_steps + 1):
            idx = np.flatnonzero(alive)
            if idx.size == 0:
                break
            new = thetas[idx] - step * grads[idx]
            with np.errstate(over="ignore", invalid="ignore"):
                ok = np.all(np.isfinite(new), axis=1) & (np.max(np.abs(new), axis=1) <= _BLOW_UP)
                new_values, new_grads = _kernel.batch_loss_gradient(arch, S, T, np.where(ok[:, None], new, thetas[idx]))
                ok &= np.isfinite(new_values) & (new_values <= _BLOW_UP) & np.all(np.isfinite(new_grads), axis=1)
            keep = idx[ok]
            thetas[keep], values[keep], grads[keep] = new[ok], new_values[ok], new_grads[ok]
            alive[idx[~ok]] = False
            diverged_at[i, idx[~ok]] = it
        final_loss[i, alive] = values[alive]
    return StepScan(steps, diverged_at, final_loss, n_steps)


def least_squares_fit(
    arch,
    S,
    T,
    theta0=None,
    *,
    rng=0,
    init_scale: float = 1.0,
    max_nfev: int = 2000,
    tol: float = 1e-12,
) -> FitResult:
    """Minimise ||T - psi_k(theta)||_F^2 by a trust-region Gauss-Newton method (scipy ``least_squares``).

    A second-order solver with the analytic Jacobian of psi_k: far faster and more accurate
    than gradient descent on small problems, so it is the reference solver for "what is the
    best loss reachable" questions.  The histories are recorded at every evaluation of the
    residual (``steps`` counts evaluations, not iterations).

    Parameters
    ----------
    theta0 : array, shape (m,), optional
        Starting weights; by default ``arch.random_theta(rng, scale=init_scale)``.
    max_nfev : int
        Largest number of residual evaluations.
    tol : float
        ``ftol``, ``xtol`` and ``gtol`` of ``scipy.optimize.least_squares``.

    Returns
    -------
    FitResult with ``status`` "converged" (a scipy tolerance was met) or "finished" (the
    evaluation budget ran out), or "diverged" when the loss or the weights overflowed to
    non-finite numbers.
    """
    arch, S, T = _check_problem(arch, S, T)
    max_nfev = check_positive_int("max_nfev", max_nfev)
    tol = check_positive_float("tol", tol)
    start = "init_scale" if theta0 is None else "theta0"
    theta0 = _starting_point(arch, theta0, rng, init_scale)
    _check_finite_residual(arch, S, T, theta0, start)
    losses, norms = [], []
    target = T.ravel()

    def residual(theta):
        _, zs = _kernel.forward(arch, S, _kernel.unpack(arch, theta))
        r = zs[-1].ravel() - target
        losses.append(float(r @ r))
        norms.append(float(np.linalg.norm(theta)))
        return r

    def jac(theta):
        return jacobian(arch, S, theta)

    # Once the residuals overflow, the trust-region step's own arithmetic divides by zero and
    # subtracts infinities (scipy's solve_lsq_trust_region): every floating-point warning is
    # silenced here, and the result's finiteness is checked below ("diverged", never "finished").
    with np.errstate(all="ignore"):
        sol = scipy.optimize.least_squares(
            residual, theta0, jac=jac, method="trf", ftol=tol, xtol=tol, gtol=tol, max_nfev=max_nfev
        )
    n = len(losses)
    grad_hist = np.full(n, np.nan)  # only the final gradient norm is known
    with np.errstate(over="ignore", invalid="ignore"):
        grad_hist[-1] = float(np.linalg.norm(2.0 * sol.jac.T @ sol.fun))
        final = float(sol.fun @ sol.fun)
    status = "converged" if sol.status > 0 else "finished"
    if not (np.isfinite(final) and np.isfinite(losses[-1]) and np.all(np.isfinite(sol.x))):
        status = "diverged"  # overflow: the loss or the weights are not finite numbers (never "finished")
    return FitResult(
        sol.x.copy(), np.arange(n), np.array(losses), np.array(norms), grad_hist, "least squares (trust region)", status
    )


def _check_finite_residual(arch, S, T, theta0, start: str) -> None:
    """Refuse a start where the residual psi_k(theta0) - T is not finite (scipy would refuse it
    with a message naming no argument), naming what overflows (``start``: the weights' origin)."""
    with np.errstate(all="ignore"):
        if _residual_fails(arch, S, T, theta0[None, :]):
            raise _overflow_error(arch, S, T, theta0[None, :], start, fails=_residual_fails)


def best_of_starts(arch, S, T, n_starts: int = 10, *, rng=0, init_scale: float = 1.0, **kwargs) -> tuple[FitResult, list]:
    """Run :func:`least_squares_fit` from ``n_starts`` random starts; return the best and all results.

    The starts are drawn from one generator seeded by ``rng``; ``kwargs`` go to
    :func:`least_squares_fit`.
    """
    n_starts = check_positive_int("n_starts", n_starts)
    gen = as_rng("rng", rng)
    scale = check_positive_float("init_scale", init_scale)
    arch, S, T = _check_problem(arch, S, T)
    results = []
    for _ in range(n_starts):
        theta0 = _starting_point(arch, None, gen, scale)  # (the caller passed init_scale, not theta0)
        _check_finite_residual(arch, S, T, theta0, "init_scale")
        results.append(least_squares_fit(arch, S, T, theta0, **kwargs))
    best = min(results, key=lambda r: r.final_loss)
    return best, results


def _kkt_residual(grad: np.ndarray, theta: np.ndarray, R: float) -> float:
    """Norm of the first-order optimality residual of min L over the ball ||theta|| <= R.

    Inside the ball it is ||grad L||; on the sphere the outward part of the gradient may be
    balanced by a multiplier mu >= 0, so it is ||grad L + mu theta|| with mu = max(0, -<g, theta>)/R^2.
    """
    nrm = float(np.linalg.norm(theta))
    if nrm < R * (1 - 1e-9):
        return float(np.linalg.norm(grad))
    mu = max(0.0, -float(grad @ theta)) / nrm**2
    return float(np.linalg.norm(grad + mu * theta))


def constrained_fit(
    arch,
    S,
    T,
    R: float,
    theta0=None,
    *,
    rng=0,
    init_scale: float = 1.0,
    max_iter: int = 500,
    tol: float = 1e-14,
) -> FitResult:
    r"""Minimise ||T - psi_k(theta)||_F^2 subject to ||theta|| <= R (the "price of boundedness").

    Up to three runs, the best result kept (decision rule: the lowest loss among the feasible
    end points):

    1. trust-region Gauss-Newton (scipy ``least_squares``) on the sphere ||theta|| = R, in the
       parametrisation theta = R u / ||u|| with the analytic Jacobian chained through that map,
       from ``theta0`` (so the start is ``theta0`` moved radially onto the sphere).  Gauss-Newton
       resolves residuals down to machine precision, which matters because for large R the
       constrained minimum of the Theorem-1 problem is tiny;
    2. SLSQP (``scipy.optimize.minimize``) on the ball ||theta||^2 <= R^2 with the analytic
       gradient, from ``theta0`` scaled into the ball: this one also finds minima *inside* the
       ball, but it stalls at about 1e-8 relative accuracy when the loss is tiny;
    3. when the SLSQP point lies on the sphere, run 1 again from it (a polish).

    The returned weights always satisfy ||theta|| <= R (a final rescaling removes round-off
    excess).  The result is an upper bound for min over the ball: a feasible point; from a
    single start it may be a local minimum, so use several starts.

    Parameters
    ----------
    R : float
        The radius of the ball, > 0.
    theta0 : array, shape (m,), optional
        Starting weights (scaled into the ball if outside); by default
        ``arch.random_theta(rng, scale=init_scale)``.
    max_iter : int
        Iteration cap of each run (SLSQP iterations; Gauss-Newton evaluations).
    tol : float
        Tolerance of every run.

    Returns
    -------
    FitResult
        ``method`` is "constrained (SLSQP + sphere Gauss-Newton)"; the histories are recorded at
        every loss evaluation of all runs, in order, and end with the returned point (SLSQP may
        evaluate points outside the ball between its iterates);
        ``grad_norm_history`` is NaN except its last entry, the norm of the first-order (KKT)
        residual at the returned point; ``status`` is "converged" when the run that produced the
        returned point met its tolerance, else "finished", or "diverged" when the loss or its
        gradient at the returned point overflowed to a non-finite number.

    Examples
    --------
    >>> from nnlib.paper import theorem1_architecture, theorem1_data, theta_k
    >>> S, T = theorem1_data()
    >>> res = constrained_fit(theorem1_architecture(), S, T, 3.0, theta_k(1))
    >>> bool(res.final_norm <= 3.0)
    True
    """
    arch, S, T = _check_problem(arch, S, T)
    R = check_positive_float("R", R)
    max_iter = check_positive_int("max_iter", max_iter)
    tol = check_positive_float("tol", tol)
    theta0 = _starting_point(arch, theta0, rng, init_scale)
    with np.errstate(over="ignore"):
        n0 = float(np.linalg.norm(theta0))
    if not np.isfinite(n0):  # ||theta0|| overflows float64: theta0 is far outside the ball, moved onto
        direction = theta0 / float(np.abs(theta0).max())  # the sphere along its direction, as below
        theta0 = direction * (R / float(np.linalg.norm(direction)))
        n0 = float(np.linalg.norm(theta0))
    if n0 > R:
        theta0 = theta0 * (R / n0)
    losses, norms = [], []
    target = T.ravel()

    def fun(theta):
        value, grad = _kernel.loss_gradient(arch, S, T, _kernel.unpack(arch, theta))
        losses.append(float(value))
        norms.append(float(np.linalg.norm(theta)))
        return value, grad

    eye = np.eye(arch.m)

    def residual(u):
        th = R * u / np.linalg.norm(u)
        _, zs = _kernel.forward(arch, S, _kernel.unpack(arch, th))
        r = zs[-1].ravel() - target
        losses.append(float(r @ r))
        norms.append(R)
        return r

    def jac(u):
        nu = np.linalg.norm(u)
        return jacobian(arch, S, R * u / nu) @ ((R / nu) * (eye - np.outer(u, u) / nu**2))

    def on_sphere(start):
        with np.errstate(all="ignore"):  # an overflowing loss: see the end (status "diverged")
            if not np.all(np.isfinite(_psi(arch, S, R * start / np.linalg.norm(start)) - T)):
                return None  # (a huge R) no sphere run: scipy refuses a start with non-finite residuals
            gn = scipy.optimize.least_squares(
                residual, start, jac=jac, method="trf", ftol=tol, xtol=tol, gtol=tol, max_nfev=max_iter
            )
            th = R * gn.x / np.linalg.norm(gn.x)
            return th, float(np.sum((_psi(arch, S, th) - T) ** 2)), gn.status > 0

    candidates = []
    if n0 > 0:
        candidates.append(on_sphere(theta0))
    constraint = {"type": "ineq", "fun": lambda x: R * R - x @ x, "jac": lambda x: -2.0 * x}
    with np.errstate(all="ignore"):
        sol = scipy.optimize.minimize(
            fun, theta0, jac=True, method="SLSQP", constraints=[constraint],
            options={"maxiter": max_iter, "ftol": tol},
        )
        theta = sol.x.copy()
        if np.linalg.norm(theta) > R:
            theta *= R / np.linalg.norm(theta)
        candidates.append((theta, float(np.sum((_psi(arch, S, theta) - T) ** 2)), bool(sol.success)))
    if np.linalg.norm(theta) >= R * (1 - 1e-6):
        candidates.append(on_sphere(theta))
    theta, best_val, converged = min((c for c in candidates if c is not None), key=lambda c: c[1])
    nrm = float(np.linalg.norm(theta))
    if nrm > R * (1 - 8 * np.finfo(float).eps):  # a margin of a few ulps: the bound holds however the norm is summed
        theta = theta * (R / nrm) * (1 - 16 * np.finfo(float).eps)
        nrm = float(np.linalg.norm(theta))
    with np.errstate(all="ignore"):
        best_val = float(np.sum((_psi(arch, S, theta) - T) ** 2))
        losses.append(best_val)
        norms.append(nrm)
        n = len(losses)
        grad_hist = np.full(n, np.nan)
        _, grad = _kernel.loss_gradient(arch, S, T, _kernel.unpack(arch, theta))
        grad_hist[-1] = _kkt_residual(grad, theta, R)
    status = "converged" if converged else "finished"
    if not (np.isfinite(best_val) and np.isfinite(grad_hist[-1]) and np.all(np.isfinite(theta))):
        status = "diverged"  # overflow: the loss or its gradient is not a finite number (never "finished")
    return FitResult(
        theta, np.arange(n), np.array(losses), np.array(norms), grad_hist,
        "constrained (SLSQP + sphere Gauss-Newton)", status,
    )


def _psi(arch, S, theta) -> np.ndarray:
    # psi_k(theta) without argument checks (internal)
    _, zs = _kernel.forward(arch, S, _kernel.unpack(arch, theta))
    return zs[-1]


def weight_decay_fit(
    arch,
    S,
    T,
    lam: float,
    theta0=None,
    *,
    rng=0,
    init_scale: float = 1.0,
    max_nfev: int = 2000,
    tol: float = 1e-14,
) -> FitResult:
    r"""Minimise the regularised loss ||T - psi_k(theta)||_F^2 + lam ||theta||^2 (weight decay).

    The objective is a sum of squares, ||r(theta)||^2 with r = (psi_k(theta) - T, sqrt(lam) theta),
    so the trust-region Gauss-Newton method of :func:`least_squares_fit` applies, with the
    Jacobian [J_psi; sqrt(lam) I].  For lam > 0 the objective is coercive (it is at least
    lam ||theta||^2), so a global minimiser exists, even when the unregularised infimum is not
    attained (Theorem 1); the solver finds a local one, so use several starts.

    Parameters
    ----------
    lam : float
        The weight-decay coefficient lambda, > 0.
    theta0 : array, shape (m,), optional
        Starting weights; by default ``arch.random_theta(rng, scale=init_scale)``.

    Returns
    -------
    FitResult
        ``loss_history`` holds the *data* loss ||T - psi_k(theta)||_F^2 (the objective is that
        plus lam * norm_history**2); ``grad_norm_history`` is NaN except its last entry, the norm
        of the gradient of the regularised objective; ``method`` is "weight decay (trust region)".

    Examples
    --------
    >>> from nnlib.paper import theorem1_architecture, theorem1_data, theta_k
    >>> S, T = theorem1_data()
    >>> res = weight_decay_fit(theorem1_architecture(), S, T, 1e-3, theta_k(2))
    >>> bool(res.final_loss + 1e-3 * res.final_norm**2 <= 5 / 4 + 1e-3 * float(theta_k(2) @ theta_k(2)))
    True
    """
    arch, S, T = _check_problem(arch, S, T)
    lam = check_positive_float("lam", lam)
    max_nfev = check_positive_int("max_nfev", max_nfev)
    tol = check_positive_float("tol", tol)
    start = "init_scale" if theta0 is None else "theta0"
    theta0 = _starting_point(arch, theta0, rng, init_scale)
    _check_finite_residual(arch, S, T, theta0, start)
    losses, norms = [], []
    target = T.ravel()
    root = np.sqrt(lam)
    eye = root * np.eye(arch.m)

    def residual(theta):
        _, zs = _kernel.forward(arch, S, _kernel.unpack(arch, theta))
        r = zs[-1].ravel() - target
        losses.append(float(r @ r))
        norms.append(float(np.linalg.norm(theta)))
        return np.concatenate([r, root * theta])

    def jac(theta):
        return np.vstack([jacobian(arch, S, theta), eye])

    with np.errstate(all="ignore"):  # as in least_squares_fit: an overflow ends as "diverged"
        sol = scipy.optimize.least_squares(
            residual, theta0, jac=jac, method="trf", ftol=tol, xtol=tol, gtol=tol, max_nfev=max_nfev
        )
        # the last evaluation need not be at the returned point: record the returned point last
        theta = sol.x.copy()
        r = sol.fun
        losses.append(float(r[: T.size] @ r[: T.size]))
        norms.append(float(np.linalg.norm(theta)))
        n = len(losses)
        grad_hist = np.full(n, np.nan)
        grad_hist[-1] = float(np.linalg.norm(2.0 * sol.jac.T @ sol.fun))
    status = "converged" if sol.status > 0 else "finished"
    if not (np.isfinite(losses[-1]) and np.isfinite(grad_hist[-1]) and np.all(np.isfinite(theta))):
        status = "diverged"  # overflow: the loss or the weights are not finite numbers (never "finished")
    return FitResult(theta, np.arange(n), np.array(losses), np.array(norms), grad_hist, "weight decay (trust region)", status)
