r"""Smooth activations (paper §6): the sigmoid example with one sample, the tanh example (30), Proposition 2.

For the 1-1-1 network nu_theta(s) = c sigma(a s + b) + d, theta = (a, b, c, d), of (30) on a
sample of three increasing points, sigma = tanh or the sigmoid, the image of weights psi_2(Theta)
is known exactly:

* it consists of the *strictly* monotone vectors and the constant vectors (sigma is strictly
  increasing, so c sigma(a s + b) + d is strictly monotone in s unless a = 0 or c = 0; and every
  strictly monotone vector is reached, see chapter 2);
* its closure is the set of monotone vectors (non-decreasing or non-increasing);
* tanh(x) = 2 sigma(2x) - 1, so tanh and sigmoid give the *same* image
  (:func:`tanh_to_sigmoid_weights`).

Hence the infimum of (9) is the squared distance to the nearest monotone vector (isotonic
regression, exact: :func:`nnlib.geometry.nearest_monotone_vectors`), and it is attained exactly
when some nearest monotone vector is strictly monotone or constant (:func:`closure_verdict`).

This module provides

* :func:`one_sample_exact_fit` -- weights fitting any real response exactly with one sample (the
  n = 1 claim of §6);
* :func:`printed_tanh_entries`, :func:`tanh_entries` -- the entries of psi_2(theta) for (30) as
  printed in §6 and as they should read;
* :func:`in_one_unit_image`, :func:`closure_verdict`, :func:`paper_closure_form` -- the exact
  decision rule for attainment;
* :func:`box_targets`, :func:`box_survey` -- targets drawn uniformly from the box U(eps);
* :func:`best_fit_path` -- the best loss over weights with ||theta|| <= R (grid search, last layer exact);
* :func:`target_state`, :func:`excess_over_infimum`, :func:`target_excess` -- what the chapter's
  widget shows for one target (its picture and widget: :mod:`nnlib.viz.smooth`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from . import _kernel
from ._checks import as_finite_array, as_rng, as_vector, check_positive_float, check_positive_int
from .generic import wilson_interval
from .geometry import nearest_monotone_vectors
from .network import Architecture
from .robust import resolved_excess, resolved_excess_bound

__all__ = [
    "one_sample_exact_fit",
    "printed_tanh_entries",
    "tanh_entries",
    "tanh_to_sigmoid_weights",
    "in_one_unit_image",
    "ClosureVerdict",
    "closure_verdict",
    "paper_closure_form",
    "box_targets",
    "BoxSurvey",
    "box_survey",
    "FitPath",
    "best_fit_path",
    "TARGET_RADII",
    "target_radii",
    "target_state",
    "excess_over_infimum",
    "target_excess",
]

_SIGMOIDAL = ("tanh", "sigmoid")


def _check_activation(activation) -> str:
    if activation not in _SIGMOIDAL:
        raise ValueError(f"activation must be 'tanh' or 'sigmoid'; got {activation!r}")
    return activation


def _as_real(name: str, value) -> float:
    arr = as_finite_array(name, value)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single real number; got an array with shape {arr.shape}")
    return float(arr)


def _as_three(name: str, value) -> np.ndarray:
    """A vector of three numbers; an n x 1 column is accepted too."""
    arr = as_finite_array(name, value)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    return as_vector(name, arr, length=3)


def _check_three_points(name: str, value) -> np.ndarray:
    s = _as_three(name, value)
    if not (s[0] < s[1] < s[2]):
        raise ValueError(f"{name} must be three strictly increasing points; got {s.tolist()}")
    return s


def one_sample_exact_fit(s: float, t: float, activation: str = "sigmoid") -> np.ndarray:
    r"""Weights theta = (a, b, c, d) of the 1-1-1 network (1) with c sigma(a s + b) + d = t exactly.

    With one sample (n = 1) the last affine layer alone reaches any real t: take a = 1, b = 0,
    c = 1 and d = t - sigma(s).  So psi_2(Theta) = R for every activation, contrary to the
    printed claim psi_k(Theta) = (0, 1) of §6 (which describes a network whose output passes
    through sigma, with no final affine map).

    Examples
    --------
    >>> from nnlib import weights_map
    >>> th = one_sample_exact_fit(1.0, 2.0)
    >>> float(weights_map(Architecture((1, 1, 1), "sigmoid"), [[1.0]], th)[0, 0])
    2.0
    """
    s, t = _as_real("s", s), _as_real("t", t)
    activation = _check_activation(activation)
    sigma = Architecture((1, 1, 1), activation).activation.function
    return np.array([1.0, 0.0, 1.0, t - float(sigma(np.array(s)))])


def _fraction(u, v):
    """(e^u - e^v) / (e^u + e^v), evaluated literally as printed."""
    with np.errstate(over="ignore", invalid="ignore"):
        return (np.exp(u) - np.exp(v)) / (np.exp(u) + np.exp(v))


def printed_tanh_entries(theta) -> np.ndarray:
    r"""The three entries of psi_2(theta) for (30) exactly as printed in §6, for s = (0, 1, 2).

    The printed entries are c (e^b - e^-b)/(e^b + e^-b) + d,
    c (e^(a+b) - e^(a-b))/(e^(a+b) + e^(a-b)) + d and c (e^(2a+b) - e^(2a-b))/(e^(2a+b) + e^(2a-b)) + d.
    Dividing numerator and denominator of the last two by e^a (resp. e^(2a)) shows that all three
    equal c tanh(b) + d: as printed, the exponent of the second exponential is a - b instead of
    -(a + b).  Evaluated literally with exponentials (NaN where they overflow).

    Examples
    --------
    >>> np.round(printed_tanh_entries([1.0, 0.5, 2.0, 0.0]), 6).tolist()   # all three equal 2 tanh(0.5)
    [0.924234, 0.924234, 0.924234]
    """
    a, b, c, d = as_vector("theta", theta, length=4)
    return np.array([c * _fraction(b, -b) + d, c * _fraction(a + b, a - b) + d, c * _fraction(2 * a + b, 2 * a - b) + d])


def tanh_entries(theta, S=(0.0, 1.0, 2.0)) -> np.ndarray:
    r"""The entries c (e^x - e^-x)/(e^x + e^-x) + d, x = a s_i + b, of psi_2(theta) for (30): the corrected formula.

    Written with exponentials, as in the paper, so that the correction of the printed formula is
    visible: the second exponential has exponent -(a s_i + b).  NaN where the exponentials overflow.

    Examples
    --------
    >>> np.round(tanh_entries([1.0, 0.5, 2.0, 0.0]), 6).tolist()
    [0.924234, 1.810297, 1.973229]
    """
    a, b, c, d = as_vector("theta", theta, length=4)
    s = as_finite_array("S", S)
    s = as_vector("S", s[:, 0] if s.ndim == 2 and s.shape[1] == 1 else s)
    x = a * s + b
    return c * _fraction(x, -x) + d


def tanh_to_sigmoid_weights(theta) -> np.ndarray:
    r"""Weights of the sigmoid 1-1-1 network with the same outputs as the tanh network with weights theta.

    tanh(x) = 2 sigma(2x) - 1, so c tanh(a s + b) + d = 2c sigma(2a s + 2b) + (d - c) for every s:
    the map (a, b, c, d) -> (2a, 2b, 2c, d - c) is a bijection of R^4, and the two networks have
    the same image of weights on any sample.

    >>> tanh_to_sigmoid_weights([1.0, -0.5, 3.0, 1.0]).tolist()
    [2.0, -1.0, 6.0, -2.0]
    """
    a, b, c, d = as_vector("theta", theta, length=4)
    return np.array([2 * a, 2 * b, 2 * c, d - c])


def in_one_unit_image(x) -> bool:
    r"""Whether x (three values on three increasing points) lies in psi_2(Theta) of the tanh or sigmoid 1-1-1 network.

    Exactly the strictly monotone and the constant vectors belong to the image.  The test is
    exact (no tolerance): it is meant for points produced by isotonic regression, whose pooled
    entries are equal as floating-point numbers.

    >>> in_one_unit_image([0.0, 1.5, 1.5]), in_one_unit_image([0.0, 1.4, 1.5]), in_one_unit_image([2.0, 2.0, 2.0])
    (False, True, True)
    """
    x = as_vector("x", x, length=3)
    d1, d2 = x[1] - x[0], x[2] - x[1]
    return bool((d1 == 0 and d2 == 0) or d1 * d2 > 0)


@dataclass(frozen=True)
class ClosureVerdict:
    """The exact answer to (9) for one target and the tanh/sigmoid 1-1-1 network on three points.

    Attributes
    ----------
    infimum : float
        inf ||T - psi_2(theta)||^2, the squared distance to the monotone vectors.
    nearest : list of ndarray
        The nearest points of the closure (one or two).
    attained : bool
        True when some nearest point lies in psi_2(Theta) (strictly monotone or constant).
    """

    infimum: float
    nearest: list = field(repr=False)
    attained: bool


def closure_verdict(t) -> ClosureVerdict:
    r"""Infimum of (9), the nearest points of the closure, and whether the infimum is attained.

    The closure of psi_2(Theta) is the union of two closed convex cones (non-decreasing and
    non-increasing vectors), so isotonic regression gives its nearest points exactly
    (:func:`nnlib.geometry.nearest_monotone_vectors`); the infimum is attained iff one of them is in
    the image (:func:`in_one_unit_image`).

    >>> v = closure_verdict([0.0, 2.0, 1.0])
    >>> v.infimum, [p.tolist() for p in v.nearest], v.attained
    (0.5, [[0.0, 1.5, 1.5]], False)
    """
    t = _as_three("t", t)
    d2, pts = nearest_monotone_vectors(t)
    return ClosureVerdict(float(d2), pts, any(in_one_unit_image(p) for p in pts))


def paper_closure_form(t) -> np.ndarray:
    r"""The closure point (t'_1, y, y) that §6 asserts for targets near (0, 2, 1): y = (t'_2 + t'_3)/2.

    Pooling the violating pair (t'_2 > t'_3) in the pool-adjacent-violators algorithm gives
    y = (t'_2 + t'_3)/2, which lies in [t'_3, t'_2]; it is the nearest non-decreasing vector when
    t'_1 <= y.

    >>> paper_closure_form([0.0, 2.0, 1.0]).tolist()
    [0.0, 1.5, 1.5]
    """
    t = _as_three("t", t)
    y = 0.5 * (t[1] + t[2])
    return np.array([t[0], y, y])


def box_targets(t, eps: float, n: int, rng=0) -> np.ndarray:
    r"""n targets drawn uniformly from the box ``U(eps) = {t' : |t'_i - t_i| <= eps}`` around t; shape (n, len(t)).

    >>> box_targets([0.0, 2.0, 1.0], 0.1, 2, rng=0).shape
    (2, 3)
    """
    t = as_vector("t", t)
    eps = check_positive_float("eps", eps)
    n = check_positive_int("n", n)
    gen = as_rng("rng", rng)
    return t[None, :] + gen.uniform(-eps, eps, size=(n, t.size))


@dataclass(frozen=True)
class BoxSurvey:
    """The result of :func:`box_survey`, one entry per eps.

    Attributes
    ----------
    eps : ndarray
    n : int
        Targets drawn per eps.
    not_attained : ndarray
        Fraction of targets whose infimum is not attained.
    paper_form : ndarray
        Fraction whose unique nearest point of the closure is (t'_1, y, y), y = (t'_2 + t'_3)/2 in [t'_3, t'_2].
    strictly_increasing : ndarray
        Fraction of targets that are themselves strictly increasing (then attained with loss 0).
    """

    eps: np.ndarray
    n: int
    not_attained: np.ndarray
    paper_form: np.ndarray
    strictly_increasing: np.ndarray

    def interval(self, which: str, z: float = 1.96) -> np.ndarray:
        """Wilson intervals (:func:`nnlib.generic.wilson_interval`) of one fraction, shape (len(eps), 2).

        ``which`` is ``"not_attained"``, ``"paper_form"`` or ``"strictly_increasing"``.
        """
        if which not in ("not_attained", "paper_form", "strictly_increasing"):
            raise ValueError(f"which must be 'not_attained', 'paper_form' or 'strictly_increasing'; got {which!r}")
        counts = np.rint(getattr(self, which) * self.n).astype(int)
        return np.array([wilson_interval(int(k), self.n, z) for k in counts])


def _pav3(X: np.ndarray) -> np.ndarray:
    """Isotonic (non-decreasing) regression of each row of X (n, 3), by the min-max formula
    y_i = max_{j <= i} min_{k >= i} mean(x_j..x_k); a pooled block gets one and the same float."""
    a = {(j, k): X[:, j:k + 1].sum(axis=1) / (k - j + 1) for j in range(3) for k in range(j, 3)}
    out = np.empty_like(X)
    for i in range(3):
        out[:, i] = np.max([np.min([a[(j, k)] for k in range(i, 3)], axis=0) for j in range(i + 1)], axis=0)
    return out


def _box_verdicts(X: np.ndarray, rtol: float = 1e-12):
    """Vectorised :func:`closure_verdict` and the paper-form test for rows of X (n, 3): (not attained, paper form).

    Same rule as :func:`nnlib.geometry.nearest_monotone_vectors` (both cones' nearest points kept
    when their squared distances agree to ``rtol``) and :func:`in_one_unit_image` (exact ties)."""
    up, down = _pav3(X), -_pav3(-X)
    du, dd = np.sum((X - up) ** 2, axis=1), np.sum((X - down) ** 2, axis=1)
    best = np.minimum(du, dd)
    tol = rtol * np.maximum(1.0, np.sum(X * X, axis=1))
    use_up = du <= best + tol
    same = np.all(np.abs(down - up) <= 1e-12, axis=1)
    use_down = (dd <= best + tol) & ~(use_up & same)

    def in_image(P):
        d1, d2 = P[:, 1] - P[:, 0], P[:, 2] - P[:, 1]
        return ((d1 == 0) & (d2 == 0)) | (d1 * d2 > 0)

    attained = (use_up & in_image(up)) | (use_down & in_image(down))
    y = 0.5 * (X[:, 1] + X[:, 2])
    form = np.column_stack([X[:, 0], y, y])
    unique = use_up ^ use_down
    nearest = np.where(use_up[:, None], up, down)
    paper = unique & (X[:, 2] <= y) & (y <= X[:, 1]) & np.all(np.abs(nearest - form) <= 1e-12, axis=1)
    return ~attained, paper


def box_survey(t, eps_values, n: int = 2000, rng=0) -> BoxSurvey:
    r"""For each eps, draw n targets from U(eps) and decide attainment exactly (as :func:`closure_verdict`).

    Vectorised (isotonic regression of three values in closed form), so that 10^5 targets per eps
    take a fraction of a second; :meth:`BoxSurvey.interval` gives each fraction's Wilson interval.

    >>> sv = box_survey([0.0, 2.0, 1.0], [0.1], 50, rng=0)
    >>> float(sv.not_attained[0]), float(sv.paper_form[0])
    (1.0, 1.0)
    """
    t = _as_three("t", t)
    eps_values = as_vector("eps_values", eps_values)
    if eps_values.size == 0 or np.any(eps_values <= 0):
        raise ValueError("eps_values must be a non-empty list of positive numbers")
    n = check_positive_int("n", n)
    gen = as_rng("rng", rng)
    na, pf, inc = [], [], []
    for eps in eps_values:
        X = box_targets(t, float(eps), n, gen)
        not_attained, paper = _box_verdicts(X)
        na.append(np.count_nonzero(not_attained) / n)
        pf.append(np.count_nonzero(paper) / n)
        inc.append(np.count_nonzero((X[:, 0] < X[:, 1]) & (X[:, 1] < X[:, 2])) / n)
    return BoxSurvey(eps_values.copy(), n, np.array(na), np.array(pf), np.array(inc))


@dataclass(frozen=True)
class FitPath:
    """The result of :func:`best_fit_path`.

    Attributes
    ----------
    radii : ndarray
        The bounds R on the weight norm.
    loss : ndarray
        The best loss found among weights with ||theta|| <= R (non-increasing in R; inf if none).
    norm : ndarray
        ||theta|| of the weights attaining it.
    theta : ndarray, shape (len(radii), 4)
        Those weights.
    """

    radii: np.ndarray
    loss: np.ndarray
    norm: np.ndarray
    theta: np.ndarray = field(repr=False)


def best_fit_path(t, radii, *, S=(0.0, 1.0, 2.0), activation: str = "tanh", n_a: int = 120, n_b: int = 301) -> FitPath:
    r"""The best loss of (9) over weights with ||theta|| <= R, for each R in ``radii`` (a search, an upper bound).

    Candidate weights: a on a geometric grid of ``n_a`` values of each sign in
    [1e-2, max(radii)], b on a grid of ``n_b`` values over ``[-(|a| max|s_i| + 6), |a| max|s_i| + 6]``,
    and for each (a, b) the exact best last layer (c, d) (:func:`nnlib.geometry.best_output_layer`).
    For each R the smallest loss among candidates with ||theta|| <= R is returned.  Because the
    norm bound is applied to the whole of theta, fits that magnify tiny differences of a
    saturated unit by a huge c are excluded.  If the infimum is not attained, the loss stays
    above it for every R and the norm of the best weights grows with R -- but only as long as
    double precision resolves it: tanh(x) rounds to +-1 for ``|x| >~ 19``, and from R of about 18 on
    the computed loss can equal the infimum to the last bit (a fake attainment).

    Examples
    --------
    >>> path = best_fit_path([0.0, 2.0, 1.0], [2.0, 8.0, 16.0])
    >>> bool(np.all(path.loss > 0.5)), bool(path.loss[-1] < 0.5 + 1e-6)
    (True, True)
    >>> float(best_fit_path([0.0, 2.0, 1.0], [32.0]).loss[0])   # saturation: 1/2 to the last bit
    0.5
    """
    t = _as_three("t", t)
    radii = as_vector("radii", radii)
    if radii.size == 0 or np.any(radii <= 0):
        raise ValueError("radii must be a non-empty list of positive numbers")
    s = _check_three_points("S", S)
    activation = _check_activation(activation)
    n_a = check_positive_int("n_a", n_a)
    n_b = check_positive_int("n_b", n_b)
    if n_b < 3:
        raise ValueError(f"n_b must be at least 3; got {n_b}")
    top = max(float(radii.max()), 0.02)
    arch, hidden, features = _candidate_grid(tuple(s.tolist()), activation, top, n_a, n_b)
    c, d, losses = _kernel.one_unit_last_layer(features, t[:, None])
    thetas = np.concatenate([hidden, c, d], axis=1)
    norms = np.linalg.norm(thetas, axis=1)
    order = np.argsort(norms, kind="stable")
    norms, losses, thetas = norms[order], losses[order], thetas[order]
    best_idx = _running_argmin(losses)
    out_loss, out_norm, out_theta = [], [], []
    for R in radii:
        j = int(np.searchsorted(norms, R, side="right")) - 1
        if j < 0:
            out_loss.append(np.inf)
            out_norm.append(np.nan)
            out_theta.append(np.full(4, np.nan))
        else:
            k = best_idx[j]
            out_loss.append(float(losses[k]))
            out_norm.append(float(norms[k]))
            out_theta.append(thetas[k])
    return FitPath(radii.copy(), np.array(out_loss), np.array(out_norm), np.array(out_theta))


@functools.lru_cache(maxsize=4)
def _candidate_grid(s: tuple, activation: str, top: float, n_a: int, n_b: int):
    """The candidate first layers (a, b) of :func:`best_fit_path` and what they give before the
    target is known (:func:`nnlib.geometry._one_unit_features`): the same for every target, so
    kept for the widget, whose targets change on every move while the grid does not.  Read only."""
    arch = Architecture((1, 1, 1), activation)
    s = np.array(s)
    pos = np.geomspace(1e-2, top, n_a)
    a = np.concatenate([-pos[::-1], pos])
    reach = np.abs(a) * float(np.max(np.abs(s))) + 6.0
    b = -reach[:, None] + 2 * reach[:, None] * np.linspace(0.0, 1.0, n_b)[None, :]
    hidden = np.stack([np.repeat(a, n_b), b.ravel()], axis=1)
    features = _kernel.one_unit_features(arch, s[:, None], hidden)
    for arr in (hidden, *features):
        arr.setflags(write=False)
    return arch, hidden, features


def _running_argmin(losses: np.ndarray) -> np.ndarray:
    """best[i] = the first index of the smallest of losses[0..i] (NaN never wins after index 0)."""
    losses = np.where(np.isnan(losses), np.inf, losses)
    n = losses.size
    new = np.empty(n, dtype=bool)  # where a new running minimum starts
    new[0] = True
    new[1:] = losses[1:] < np.minimum.accumulate(losses)[:-1]
    return np.maximum.accumulate(np.where(new, np.arange(n), 0))


# -- the chapter-6 widget's computation (its picture: nnlib.viz.smooth) -----------------------

#: The norm bounds R of the chapter-6 widget's right panel.
TARGET_RADII = np.geomspace(1.0, 18.0, 25)


def target_state(t1, t2, t3, radii=None):
    """What the chapter-6 widget shows for T' = (t1, t2, t3) on s = (0, 1, 2), tanh 1-1-1 network:
    ``(t, verdict, path)``, the target, the exact :func:`closure_verdict` and the bounded-fit path
    :func:`best_fit_path` over ``radii`` (default :data:`TARGET_RADII`)."""
    radii = target_radii(radii)
    t = np.array([_as_real("t1", t1), _as_real("t2", t2), _as_real("t3", t3)])
    return t, closure_verdict(t), best_fit_path(t, radii, n_a=60, n_b=151)


def excess_over_infimum(t, verdict: ClosureVerdict, path: FitPath):
    """For a :func:`target_state` ``(t, verdict, path)``: the radii with a fit, their excess over the
    infimum rounded to the digits double precision resolves (NaN where it does not), the mask of
    resolved ones, and the bound of the others."""
    t = as_vector("t", t)
    ok = np.isfinite(path.loss)
    scale = max(1.0, float(np.max(np.abs(t))))
    excess, resolved = resolved_excess(path.loss[ok], verdict.infimum, scale=scale, max_digits=2)
    bound = resolved_excess_bound(path.loss[ok], verdict.infimum, scale=scale)
    return path.radii[ok], excess, resolved, bound


def target_excess(t, *, radii=None):
    r"""The right panel of :func:`nnlib.viz.smooth.target_figure` as numbers, for a target T' = t on s = (0, 1, 2).

    Returns ``(radii, excess, resolved)``: the bounds R with a candidate fit, the best loss over
    ``‖θ‖ <= R`` minus the exact infimum, rounded to the digits double precision resolves
    (:func:`nnlib.robust.resolved_excess`; NaN where it does not), and the mask of resolved ones.

    >>> R, ex, ok = target_excess((0.0, 2.0, 1.0))
    >>> bool(ok.all()), float(R[-1])
    (True, 18.0)
    """
    t = as_vector("t", t, length=3)
    R, excess, resolved, _ = excess_over_infimum(*target_state(*t, radii))
    return R, excess, resolved


def target_radii(radii=None) -> np.ndarray:
    """The norm bounds R of the chapter-6 widget: :data:`TARGET_RADII`, or ``radii`` checked
    (at least two increasing positive numbers)."""
    if radii is None:
        return TARGET_RADII
    radii = as_vector("radii", radii)
    if radii.size < 2 or np.any(radii <= 0) or np.any(np.diff(radii) <= 0):
        raise ValueError("radii must be at least two increasing positive numbers")
    return radii
