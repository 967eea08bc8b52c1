"""Chapter 5's pictures: Jacobian spectra, the join locus of three points, the dimension explorer.

The numbers come from :mod:`nnlib.joins` and :mod:`nnlib.dimension` (the rank of the Jacobian,
the formulas of §5); this module draws them.
"""

from __future__ import annotations

import textwrap

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_finite_array, check_int, check_nonnegative_int, check_positive_int
from ..cones import rank_S1
from ..dimension import image_dimension
from ..geometry import plane_coordinates
from ..joins import corollary2_bounds, corollary4_formulas, rescaled_dimension, theorem3_dimension
from ..network import Architecture
from .explorer import explorer, live_renderer
from .plotting import SpectrumPanel, new_figure

__all__ = ["singular_value_figure", "join_locus_figure", "dimension_explorer_figure", "dimension_explorer_live",
           "dimension_explorer"]


def singular_value_figure(reports, labels, *, title: str):
    """Singular values of the Jacobian at the best point of each DimensionReport, log scale, with thresholds.

    Values below the rounding level (``noise_rtol * s_1`` of the report) are drawn as
    down-pointing triangles at that level: their digits are noise, which the picture does not show.
    """
    fig, ax = new_figure(1, width=7.0, height=4.0)
    for rep, label, color in zip(reports, labels, plt.rcParams["axes.prop_cycle"].by_key()["color"]):
        sv = np.maximum(rep.best.singular_values, 1e-300)
        idx = np.arange(1, sv.size + 1)
        noise = rep.best.noise_rtol * sv[0]
        below = sv < noise
        ax.semilogy(idx[~below], sv[~below], "o-", ms=3, color=color, label=f"{label}: rank {rep.dimension} of {sv.size}")
        if below.any():
            ax.semilogy(idx[below], np.full(int(below.sum()), noise), "v", ms=4, mfc="none", color=color,
                        label=f"{label}: below rounding level (drawn at it)")
        ax.axhline(rep.best.tolerance, color=color, ls="--", lw=1, label=f"{label}: rank threshold")
        ax.axvline(rep.dimension + 0.5, color=color, ls=":", lw=1)
    ax.set_ylim(bottom=1e-18)
    ax.set_xlabel("index i of the singular value")
    ax.set_ylabel("singular value $s_i$ of the Jacobian")
    ax.set_title(textwrap.fill(title, 52))  # a long title wraps instead of running past the picture
    # Centre left: between the spectra above and the rounding-level marks below, clear of both.
    ax.legend(fontsize=8, loc="center left")
    return fig


def join_locus_figure(S, inside, outside, *, title: str):
    """Points of R^3 projected to the plane orthogonal to 1: network outputs (inside) and other vectors tested (outside)."""
    as_finite_array("S", S)
    fig, ax = new_figure()
    for X, style, label in ((inside, dict(s=6, color="C0"), "in $\\psi_2(\\Theta)$"),
                            (outside, dict(s=6, color="C3", marker="x"), "not in $\\psi_2(\\Theta)$")):
        X = np.asarray(X, dtype=float)
        if X.size:
            P = plane_coordinates(X)
            r = np.linalg.norm(P, axis=1, keepdims=True)
            P = P * np.minimum(1.0, 2.0 / np.where(r > 0, r, 1.0))  # pull far points onto the circle of radius 2
            ax.scatter(P[:, 0], P[:, 1], label=label, **style)
    ax.set_aspect("equal")
    ax.set_xlabel("first coordinate in the plane $\\perp \\mathbb{1}$")
    ax.set_ylabel("second coordinate\nin the plane $\\perp \\mathbb{1}$")  # one line was taller than the disc
    ax.set_title(title)
    # Outside the disc of points, in the margin the equal aspect leaves on the right.
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return fig


#: The vertical mark of the dimension explorer's spectrum: label, colour, line style.
_DIMENSION_MARKS = (("computed rank\n(between $s_r$ and $s_{r+1}$)", "k", "-"),)


def _dimension_state(n: int, p: int, d: int, q: int, k: int, activation: str, seed: int):
    """The report and title of :func:`dimension_explorer_figure` (arguments checked)."""
    n = check_positive_int("n", n)
    p = check_positive_int("p", p)
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    k = check_positive_int("k", k)
    try:
        arch = Architecture((p,) + (d,) * (k - 1) + (q,), activation)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"activation must name an activation of nnlib; got {activation!r} ({exc})") from None
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((n, p))
    rep = image_dimension(arch, S, n_points=12, rng=rng)
    r = rank_S1(S)
    lines = [f"{arch.describe()}, nq = {n * q}: computed dim = {rep.dimension}"]
    if k == 2:
        lines.append(f"m - d (rescaling) = {arch.m - d};  corrected min(nq, (r+q-1)d+q) = {rescaled_dimension(r, d, q, n)}")
        if q == 1:
            b1, b2 = corollary2_bounds(S, d)
            lines.append(f"Thm 3 / Cor 3: d(p+1)+1 = {theorem3_dimension(p, d)};  Cor 2 bounds: {b1}, {b2}")
        else:
            f1, f2 = corollary4_formulas(S, d, q)
            lines.append(f"Cor 4 printed: (q+rank)d+q = {f1}, (p+q+1)d+q = {f2}")
    return rep, "\n".join(lines)


def _show_dimension(panel, rep, title: str):
    s = rep.best.singular_values
    noise = rep.best.noise_rtol * float(s[0]) if s.size and s[0] > 0 else None
    return panel.show(s, rep.best.tolerance, (rep.dimension,), title, noise_level=noise)


def dimension_explorer_figure(n: int, p: int, d: int, q: int, k: int = 2, activation: str = "relu", *, seed: int = 0):
    """The widget's figure: Jacobian spectrum, computed dimension and the formulas of §5 side by side
    (the spectrum panel of :mod:`nnlib.viz.plotting`, which the live widget keeps)."""
    seed = check_nonnegative_int("seed", seed)
    return _show_dimension(SpectrumPanel(_DIMENSION_MARKS, noise=True), *_dimension_state(n, p, d, q, k, activation, seed)).fig


def dimension_explorer_live(*, seed: int = 0):
    """The live renderer of :func:`dimension_explorer`: ``render(n, p, d, q, k, activation)``
    returns the PNG of :func:`dimension_explorer_figure`.

    One figure is kept; a move redraws the spectrum, the two lines and the title, and
    draws the axes again only when their limits change (:class:`~nnlib.viz.live.LiveFigure`,
    available as ``render.live``).

    >>> render = dimension_explorer_live()
    >>> render(12, 2, 3, 2)[:4], render(12, 2, 2, 2)[:4], render.live.last_mode
    (b'\\x89PNG', b'\\x89PNG', 'blit')
    """
    seed = check_nonnegative_int("seed", seed)
    panel = SpectrumPanel(_DIMENSION_MARKS, noise=True)

    def show(n: int, p: int, d: int, q: int, k: int = 2, activation: str = "relu"):
        _show_dimension(panel, *_dimension_state(n, p, d, q, k, activation, seed))

    return live_renderer(panel, show)


def dimension_explorer(n: int = 12, p: int = 2, d: int = 3, q: int = 1, k: int = 2, activation: str = "relu"):
    """Sliders for n, p, d, q, k and the activation, showing :func:`dimension_explorer_figure`
    (drawn live by :func:`dimension_explorer_live`)."""
    for name, value, low, high in (("n", n, 2, 40), ("p", p, 1, 5), ("d", d, 1, 8), ("q", q, 1, 4), ("k", k, 1, 5)):
        check_int(name, value, low=low, high=high, what="an integer (the slider's range)")
    style = {"description_width": "initial"}
    controls = {
        "n": w.IntSlider(value=n, min=2, max=40, description="sample size n", style=style),
        "p": w.IntSlider(value=p, min=1, max=5, description="inputs p", style=style),
        "d": w.IntSlider(value=d, min=1, max=8, description="hidden width d", style=style),
        "q": w.IntSlider(value=q, min=1, max=4, description="outputs q", style=style),
        "k": w.IntSlider(value=k, min=1, max=5, description="layers k", style=style),
        "activation": w.Dropdown(value=activation, options=["relu", "tanh", "identity"], description="activation"),
    }
    return explorer(dimension_explorer_live(), controls, rows=[["n", "p", "d"], ["q", "k", "activation"]])
