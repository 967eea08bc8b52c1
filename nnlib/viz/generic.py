"""Chapter 7's architecture explorer: the Jacobian spectrum of a network with its bounds marked.

The numbers come from :mod:`nnlib.dimension` (the rank search) and :mod:`nnlib.generic`
(symmetry bounds, :func:`~nnlib.generic.gap_text`); this module draws them.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from .._checks import check_choice, check_int, check_nonnegative_int, check_positive_int
from ..dimension import image_dimension
from ..generic import gap_text, symmetry_bound
from ..network import Architecture
from .explorer import explorer, live_renderer
from .plotting import SpectrumPanel

__all__ = ["architecture_figure", "architecture_live", "architecture_explorer"]


def _architecture_state(widths, activation, n, seed, degree, n_points):
    """The computation behind :func:`architecture_figure`: (arch, n, dimension report, symmetry bound)."""
    n = check_positive_int("n", n)
    seed = check_nonnegative_int("seed", seed)
    arch = Architecture(widths, activation, degree=degree)
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((n, arch.p))
    sb, nq = symmetry_bound(arch), n * arch.q
    rep = image_dimension(arch, S, rng=rng, n_points=n_points, upper_bound=min(sb, nq))
    return arch, n, rep, sb


#: The architecture explorer's sliders (name: min, max, label) and its menu of activations.
_SLIDERS = {"depth": (1, 5, "layers k"), "width": (1, 8, "hidden width"), "p": (1, 4, "inputs p"),
            "q": (1, 3, "outputs q"), "n": (2, 60, "sample size n")}
_ACTIVATIONS = ("relu", "tanh", "sigmoid", "poly2", "poly3")

#: The vertical marks of the architecture explorer's spectrum: label, colour, line style.
_ARCHITECTURE_MARKS = (("computed dimension", "k", "-"), ("m - symmetries", "C3", ":"), ("min(m, nq)", "C3", "-."))


def _show_architecture(panel, arch, n: int, rep, sb: int):
    """Draw the state of :func:`_architecture_state` on a spectrum panel (``viz.plotting.SpectrumPanel``)."""
    nq = n * arch.q
    s = rep.best.singular_values
    # Plain Unicode (no mathtext): the title changes on every move.  The gap and the values below
    # the rounding level are shown as bounds (gap_text; the panel draws those values at that
    # level): their digits are rounding noise, which differs from one BLAS kernel to another.
    title = (f"{arch.describe()}, n = {n}\n"
             f"computed dim = {rep.dimension}, m - symmetries = {sb}, min(m, nq) = {min(arch.m, nq)}\n"
             f"gap sᵣ/sᵣ₊₁: {gap_text(rep)}, ambiguous: {rep.ambiguous}")
    noise = rep.best.noise_rtol * float(s[0]) if s.size and s[0] > 0 else None
    return panel.show(s, rep.best.tolerance, (rep.dimension, sb, min(arch.m, nq)), title, noise_level=noise)


def architecture_figure(widths, activation: str = "relu", n: int = 30, *, seed: int = 0, degree: int | None = None,
                        n_points: int = 60):
    """Callback of :func:`architecture_explorer`: singular values of the Jacobian with the bounds marked.

    ``activation`` "polynomial" uses ``degree``.  The rank search stops at min(m - symmetries, nq),
    a proven bound (every symmetry direction is in the Jacobian's kernel), or after ``n_points``
    random weight points.  Singular values below the rounding level are drawn at that level and
    the gap is printed by :func:`~nnlib.generic.gap_text`, so the picture is the same for every BLAS kernel.  Returns the matplotlib figure (the spectrum panel of
    :mod:`nnlib.viz.plotting` that the live widget keeps).
    """
    return _show_architecture(SpectrumPanel(_ARCHITECTURE_MARKS, noise=True),
                              *_architecture_state(widths, activation, n, seed, degree, n_points)).fig


def architecture_live(*, seed: int = 0, n_points: int = 60):
    """The live renderer of :func:`architecture_explorer`: ``render(depth, width, p, q, activation, n)``
    returns the PNG of :func:`architecture_figure` for widths (p, width, ..., width, q) with
    depth - 1 hidden layers.

    One figure is kept and only the curve, marks, legend and title are redrawn
    (:class:`~nnlib.viz.live.LiveFigure`, available as ``render.live``).
    """
    seed = check_nonnegative_int("seed", seed)
    n_points = check_positive_int("n_points", n_points)
    panel = SpectrumPanel(_ARCHITECTURE_MARKS, noise=True)

    def show(depth, width, p, q, activation, n):
        depth = check_positive_int("depth", depth)
        widths = (p,) + (width,) * (depth - 1) + (q,)
        _show_architecture(panel, *_architecture_state(widths, activation, n, seed, None, n_points))

    return live_renderer(panel, show, max_backgrounds=32)


def architecture_explorer(depth: int = 3, width: int = 3, p: int = 2, q: int = 1, activation: str = "relu",
                          n: int = 30):
    """Sliders for depth k, hidden width, p, q, activation and sample size; redraws :func:`architecture_figure`
    on one live figure (:func:`architecture_live`).

    Raises
    ------
    TypeError
        If a start value is not an integer (floats such as 1.9 and bools included).
    ValueError
        If a start value lies outside its slider's range (depth 1-5, width 1-8, p 1-4, q 1-3,
        n 2-60; a slider would silently clamp it) or ``activation`` is not one of the menu's.
    """
    starts = {"depth": depth, "width": width, "p": p, "q": q, "n": n}
    starts = {name: check_int(name, value, low=_SLIDERS[name][0], high=_SLIDERS[name][1])
              for name, value in starts.items()}
    activation = check_choice("activation", activation, _ACTIVATIONS)
    style = {"description_width": "initial"}
    controls = {name: w.IntSlider(value=value, min=_SLIDERS[name][0], max=_SLIDERS[name][1],
                                  description=_SLIDERS[name][2], style=style)
                for name, value in starts.items()}
    controls["activation"] = w.Dropdown(value=activation, options=list(_ACTIVATIONS), description="activation")
    return explorer(architecture_live(), controls, rows=[["depth", "width", "activation"], ["p", "q", "n"]])
