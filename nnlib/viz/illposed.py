"""Chapter 4's pictures: the fit of theta_k of (17), of the best bounded fit and of weight decay.

One figure (``FitPanels``: the outputs and the hidden images of the network of Theorem 1)
serves three widgets, each a slider over one parameter: k of (17), a precomputed radius R of a
:class:`~nnlib.illposed.BoundednessPath`, a precomputed lambda of a
:class:`~nnlib.illposed.WeightDecayPath`.  Each widget is a render function
(:func:`theta_k_live`, ...) and its slider, wired by :func:`nnlib.viz.explorer.explorer`.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from .._checks import as_vector, check_positive_float
from ..illposed import BoundednessPath, WeightDecayPath
from .live import nice_limits
from ..network import hidden_layers, weights_map
from ..paper import theorem1_architecture, theorem1_data, theta_k
from .explorer import explorer, live_renderer
from .plotting import new_figure

__all__ = [
    "theta_k_figure",
    "boundedness_figure",
    "weight_decay_figure",
    "theta_k_live",
    "boundedness_live",
    "weight_decay_live",
    "theta_k_explorer",
    "boundedness_explorer",
    "weight_decay_explorer",
]


class _FitPanels:
    """The figure of the chapter-4 widgets, built once: the responses t_i and the fitted rows of
    psi_2(theta) (left), the hidden images sigma(alpha_1(s_i)) (right).

    :meth:`show` moves what depends on theta (the fit, the hidden images, their labels and the
    title) and sets limits rounded outward (:func:`nnlib.viz.live.nice_limits`), so that a
    :class:`~nnlib.viz.live.LiveFigure` of ``fig`` can blit ``moving`` until the points leave the
    window.
    """

    def __init__(self, arch, S, T):
        self.arch, self.S, self.T = arch, S, T
        fig, (ax_out, ax_hid) = new_figure(2, height=3.4)
        ax_out.plot(T[:5, 0], T[:5, 1], "-", color="0.7", zorder=1)
        ax_out.scatter(T[:, 0], T[:, 1], s=90, facecolors="none", edgecolors="k", label="target $t_i$", zorder=2)
        self.fit = ax_out.scatter(T[:, 0], T[:, 1], s=25, color="tab:red", label=r"fit $\nu_\theta(s_i)$", zorder=3)
        for i, (x, y) in enumerate(T, start=1):
            ax_out.annotate(f"{i}", (x, y), textcoords="offset points", xytext=(6, 4))
        ax_out.set(xlabel="first coordinate", ylabel="second coordinate", title="outputs")
        ax_out.legend(loc="upper right")
        (self.hid_line,) = ax_hid.plot(T[:5, 0], T[:5, 1], "-", color="tab:blue", alpha=0.4, zorder=1)
        self.hid_first = ax_hid.scatter(T[:5, 0], T[:5, 1], s=25, color="tab:blue",
                                        label=r"$\sigma(\alpha_1(s_i))$, $i \leq 5$", zorder=2)
        self.hid_last = ax_hid.scatter(T[5:, 0], T[5:, 1], s=40, marker="s", color="tab:green",
                                       label=r"$\sigma(\alpha_1(s_6))$", zorder=2)
        self.hid_labels = [ax_hid.annotate(f"{i}", (0.0, 0.0), textcoords="offset points", xytext=(6, 4))
                           for i in range(1, S.shape[0] + 1)]
        ax_hid.set(xlabel="hidden unit 1", ylabel="hidden unit 2", title="hidden layer (after ReLU)")
        ax_hid.legend(loc="upper left")
        self.title = fig.suptitle(" ")
        self.fig, self.ax_out, self.ax_hid = fig, ax_out, ax_hid

    @property
    def moving(self) -> list:
        return [self.fit, self.hid_line, self.hid_first, self.hid_last, *self.hid_labels, self.title]

    def show(self, theta, title: str) -> "_FitPanels":
        psi = weights_map(self.arch, self.S, theta)
        H = hidden_layers(self.arch, self.S, theta)[0]
        self.fit.set_offsets(psi)
        self.hid_line.set_data(H[:5, 0], H[:5, 1])
        self.hid_first.set_offsets(H[:5])
        self.hid_last.set_offsets(H[5:])
        for label, xy in zip(self.hid_labels, H):
            label.xy = (float(xy[0]), float(xy[1]))
        self.title.set_text(title)
        both = np.vstack([self.T, psi])
        self.ax_out.set(xlim=nice_limits(both[:, 0]), ylim=nice_limits(both[:, 1]))
        self.ax_hid.set(xlim=nice_limits(H[:, 0]), ylim=nice_limits(H[:, 1]))
        return self


def _fit_panels(arch, S, T, theta, title: str):
    """The chapter-4 widget figure for one theta (a new figure; see ``_FitPanels``)."""
    return _FitPanels(arch, S, T).show(theta, title).fig


def _theta_k_state(k: float):
    k = check_positive_float("k", k)
    th = theta_k(k)
    S, T = _theorem1()[:2]
    err = float(np.linalg.norm(T - weights_map(_theorem1()[2], S, th)))
    return th, f"θₖ of (17), k = {k:g}: error {err:.3g}, ‖θₖ‖ = {np.linalg.norm(th):.3g}"


def _theorem1():
    S, T = theorem1_data()
    return S, T, theorem1_architecture()


def theta_k_figure(k: float):
    """Callback of :func:`theta_k_explorer`: T, psi_2(theta_k) and the hidden images for theta_k of (17)."""
    S, T, arch = _theorem1()
    return _fit_panels(arch, S, T, *_theta_k_state(k))


def _nearest(values: np.ndarray, x: float, name: str) -> int:
    x = check_positive_float(name, x)
    return int(np.argmin(np.abs(np.log(values) - np.log(x))))


def _boundedness_state(path, R: float):
    if not isinstance(path, BoundednessPath):
        raise TypeError(f"path must be a BoundednessPath; got {type(path).__name__}")
    i = _nearest(path.radii, R, "R")
    return path.thetas[i], f"best fit with ‖θ‖ ≤ R = {path.radii[i]:.3g}: loss {path.best_loss[i]:.3g}"


def boundedness_figure(path: BoundednessPath, R: float):
    """Callback of :func:`boundedness_explorer`: the best constrained fit at the precomputed radius nearest R."""
    S, T, arch = _theorem1()
    return _fit_panels(arch, S, T, *_boundedness_state(path, R))


def _weight_decay_state(path, lam: float):
    if not isinstance(path, WeightDecayPath):
        raise TypeError(f"path must be a WeightDecayPath; got {type(path).__name__}")
    i = _nearest(path.lambdas, lam, "lam")
    return path.thetas[i], (f"weight decay λ = {path.lambdas[i]:.2g}: loss {path.loss[i]:.3g}, "
                            f"‖θ‖ = {path.norm[i]:.3g}")


def weight_decay_figure(path: WeightDecayPath, lam: float):
    """Callback of :func:`weight_decay_explorer`: the weight-decay minimiser at the precomputed lambda nearest lam."""
    S, T, arch = _theorem1()
    return _fit_panels(arch, S, T, *_weight_decay_state(path, lam))


def _fit_renderer(state):
    """``render(...) -> PNG``: ``state(...) = (theta, title)`` shown on one live ``FitPanels``.

    ``render`` takes ``state``'s parameter, by position (a static twin's frames) or by its name
    (the slider's, e.g. ``render(k=3)``).
    """
    S, T, arch = _theorem1()
    panels = _FitPanels(arch, S, T)

    def show(*args, **values):
        panels.show(*state(*args, **values))

    return live_renderer(panels, show)


def theta_k_live():
    """The live renderer of :func:`theta_k_explorer`: ``render(k)`` returns the PNG of :func:`theta_k_figure`."""
    return _fit_renderer(_theta_k_state)


def boundedness_live(path: BoundednessPath):
    """The live renderer of :func:`boundedness_explorer`: ``render(R)`` returns PNG bytes."""
    _boundedness_state(path, 1.0)  # check path now, not at the first move
    return _fit_renderer(lambda R: _boundedness_state(path, R))


def weight_decay_live(path: WeightDecayPath):
    """The live renderer of :func:`weight_decay_explorer`: ``render(lam)`` returns PNG bytes."""
    _weight_decay_state(path, 1.0)
    return _fit_renderer(lambda lam: _weight_decay_state(path, lam))


def _selection_explorer(render, name, values, value, description, fmt):
    options = [(fmt(v), float(v)) for v in values]
    slider = w.SelectionSlider(options=options, value=float(values[int(np.argmin(np.abs(np.log(values) - np.log(value))))]),
                               description=description, style={"description_width": "initial"},
                               layout=w.Layout(width="480px"), continuous_update=False)
    return explorer(render, {name: slider})


def theta_k_explorer(k: float = 2.0, *, ks=None):
    """A slider over k for the sequence theta_k of (17); calls :func:`theta_k_figure`."""
    ks = np.array([0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100], dtype=float) if ks is None else as_vector("ks", ks)
    if np.any(ks <= 0):
        raise ValueError("ks must be positive")
    k = check_positive_float("k", k)
    return _selection_explorer(theta_k_live(), "k", ks, k, "k", lambda v: f"{v:g}")


def boundedness_explorer(path: BoundednessPath, R: float | None = None):
    """A slider over the precomputed radii of ``path``; calls :func:`boundedness_figure`."""
    if not isinstance(path, BoundednessPath):
        raise TypeError(f"path must be a BoundednessPath; got {type(path).__name__}")
    R = float(path.radii[len(path.radii) // 2]) if R is None else check_positive_float("R", R)
    return _selection_explorer(boundedness_live(path), "R", path.radii, R, "radius R", lambda v: f"{v:.3g}")


def weight_decay_explorer(path: WeightDecayPath, lam: float | None = None):
    """A slider over the precomputed lambdas of ``path``; calls :func:`weight_decay_figure`."""
    if not isinstance(path, WeightDecayPath):
        raise TypeError(f"path must be a WeightDecayPath; got {type(path).__name__}")
    lam = float(path.lambdas[len(path.lambdas) // 2]) if lam is None else check_positive_float("lam", lam)
    return _selection_explorer(weight_decay_live(path), "lam", path.lambdas, lam, "weight decay λ", lambda v: f"{v:.1e}")
