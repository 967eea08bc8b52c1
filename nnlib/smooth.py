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
* :func:`target_figure`, :func:`target_explorer` -- the chapter's widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._checks import as_finite_array, as_rng, as_vector, check_positive_float, check_positive_int
from .geometry import best_output_layer, nearest_monotone_vectors
from .network import Architecture

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
    "target_figure",
    "target_explorer",
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


def box_survey(t, eps_values, n: int = 2000, rng=0) -> BoxSurvey:
    r"""For each eps, draw n targets from U(eps) and decide attainment exactly (:func:`closure_verdict`).

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
        verdicts = [closure_verdict(x) for x in X]
        na.append(np.mean([not v.attained for v in verdicts]))
        form = []
        for x, v in zip(X, verdicts):
            y = 0.5 * (x[1] + x[2])
            form.append(len(v.nearest) == 1 and x[2] <= y <= x[1] and np.allclose(v.nearest[0], paper_closure_form(x),
                                                                               rtol=0, atol=1e-12))
        pf.append(np.mean(form))
        inc.append(np.mean((X[:, 0] < X[:, 1]) & (X[:, 1] < X[:, 2])))
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
    arch = Architecture((1, 1, 1), activation)
    top = max(float(radii.max()), 0.02)
    pos = np.geomspace(1e-2, top, n_a)
    a = np.concatenate([-pos[::-1], pos])
    reach = np.abs(a) * float(np.max(np.abs(s))) + 6.0
    b = -reach[:, None] + 2 * reach[:, None] * np.linspace(0.0, 1.0, n_b)[None, :]
    hidden = np.stack([np.repeat(a, n_b), b.ravel()], axis=1)
    thetas, losses = best_output_layer(arch, s[:, None], t[:, None], hidden)
    norms = np.linalg.norm(thetas, axis=1)
    order = np.argsort(norms, kind="stable")
    norms, losses, thetas = norms[order], losses[order], thetas[order]
    best_idx = np.zeros(losses.size, dtype=int)
    for i in range(1, losses.size):
        best_idx[i] = i if losses[i] < losses[best_idx[i - 1]] else best_idx[i - 1]
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


# -- the widget ---------------------------------------------------------------------------------

_WIDGET_RADII = np.geomspace(1.0, 18.0, 25)


def target_figure(t1: float, t2: float, t3: float, *, radii=None):
    r"""The widget's picture for the target T' = (t1, t2, t3) on s = (0, 1, 2), tanh 1-1-1 network.

    Left: the target, the nearest point(s) of the closure (isotonic regression) and the best
    fits with ``|a| <= A`` for three A.  Right: the best loss against ||theta|| along
    :func:`best_fit_path`, with the exact infimum.  Returns the figure.
    """
    import matplotlib.pyplot as plt

    from .plotting import new_figure

    t = as_vector("t", [t1, t2, t3])
    radii = _WIDGET_RADII if radii is None else as_vector("radii", radii)
    verdict = closure_verdict(t)
    path = best_fit_path(t, radii, n_a=60, n_b=151)
    s = np.array([0.0, 1.0, 2.0])
    fig, (ax1, ax2) = new_figure(2, width=9.5, height=3.8)
    ss = np.linspace(-0.1, 2.1, 300)
    sigma = Architecture((1, 1, 1), "tanh").activation.function
    for k in (len(path.radii) // 4, len(path.radii) // 2, len(path.radii) - 1):
        if not np.isfinite(path.loss[k]):
            continue
        a, b, c, d = path.theta[k]
        ax1.plot(ss, c * sigma(a * ss + b) + d, lw=1.2, label=f"best fit, ‖θ‖ ≤ {path.radii[k]:.3g}")
    ax1.scatter(s, t, marker="*", s=160, color="tab:red", zorder=5, label="target T'")
    for j, p in enumerate(verdict.nearest):
        ax1.scatter(s, p, s=80, facecolors="none", edgecolors="black", zorder=6,
                    label="nearest point(s) of the closure" if j == 0 else None)
    word = "attained" if verdict.attained else "NOT attained"
    ax1.set(xlabel="sample point s", ylabel="value", title=f"infimum {verdict.infimum:.4g}: {word}")
    lo, hi = float(min(t.min(), *(p.min() for p in verdict.nearest))), float(max(t.max(), *(p.max() for p in verdict.nearest)))
    pad = 0.25 * max(hi - lo, 1.0)
    ax1.set_ylim(lo - pad, hi + pad)
    ax1.legend(loc="best", fontsize=7)
    ok = np.isfinite(path.loss)
    excess = np.maximum(path.loss[ok] - verdict.infimum, 1e-17)
    ax2.semilogy(path.radii[ok], excess, "o-", ms=3, label="best loss − infimum, ‖θ‖ ≤ R")
    ax2.semilogy(path.radii[ok], path.norm[ok], "s--", ms=3, label="‖θ‖ of those weights")
    ax2.set(xlabel="norm bound R", ylabel="excess loss / weight norm",
            title="excess loss and weight norm against R")
    ax2.legend(loc="best", fontsize=7)
    fig.suptitle(f"tanh 1-1-1 network on s = (0, 1, 2), target T' = ({t1:.2f}, {t2:.2f}, {t3:.2f})")
    plt.close(fig)
    return fig


def target_explorer(t=(0.0, 2.0, 1.0), *, limit: float = 3.0):
    """Three sliders for T' = (t'_1, t'_2, t'_3) driving :func:`target_figure`; returns the widget box to display."""
    import ipywidgets as widgets
    from IPython.display import display

    t = as_vector("t", t, length=3)
    limit = check_positive_float("limit", limit)
    sliders = [widgets.FloatSlider(value=float(v), min=-limit, max=limit, step=0.05, description=f"t'_{i + 1}",
                                   continuous_update=False) for i, v in enumerate(t)]
    out = widgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            display(target_figure(*(sl.value for sl in sliders)))

    for sl in sliders:
        sl.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(sliders), out])
