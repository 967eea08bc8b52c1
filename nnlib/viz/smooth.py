"""Chapter 6's picture: a target T' for the tanh 1-1-1 network on s = (0, 1, 2), the nearest
point(s) of the closure of its image, and the best fits with ||theta|| <= R; the target explorer.

The numbers come from :mod:`nnlib.smooth` (:func:`~nnlib.smooth.target_state`,
:func:`~nnlib.smooth.excess_over_infimum`); this module draws them.
"""

from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_vector, check_positive_float
from .live import nice_limits
from ..network import Architecture
from ..smooth import ClosureVerdict, FitPath, excess_over_infimum, target_radii, target_state
from .explorer import explorer, live_renderer
from .plotting import new_figure

__all__ = ["target_figure", "target_live", "target_explorer"]

#: The sample points s of the widget.
_WIDGET_S = np.array([0.0, 1.0, 2.0])
#: Figure size (inches) and axes rectangles (figure fractions) of the widget: a fixed layout, so
#: that the picture does not depend on the target drawn first (a live figure keeps its layout).
_TARGET_SIZE = (9.5, 5.2)
_TARGET_AXES = ((0.85 / 9.5, 1.65 / 5.2, 3.65 / 9.5, 2.65 / 5.2), (5.65 / 9.5, 1.65 / 5.2, 3.65 / 9.5, 2.65 / 5.2))
#: new_figure's scale of the widget (a fixed layout: the axes rectangles above are laid out for it).
_TARGET_SCALE = 0.86
#: The right panel's window: every excess loss (floored at 1e-17) and weight norm of the sliders' range.
_TARGET_LOG_WINDOW = (1e-18, 1e3)


class _TargetPanels:
    """The figure of the chapter-6 widget, built once.

    Left: the target, the nearest point(s) of the closure and the best fits with ``‖θ‖ <= R`` for
    three R, under a title with the target and the verdict; right: the best loss above the infimum
    and ``‖θ‖`` of those weights against R.  The legends sit under the panels, where no data go.
    :meth:`show` moves the data and the left title (one line of plain text: mathtext would be
    parsed again on every move); the windows are fixed (the values -limit - 1/2 .. limit + 1/2 of the
    sliders, widened by :func:`nnlib.viz.live.nice_limits` only for a target beyond them; the right
    panel 1e-18 .. 1e3), so that a :class:`~nnlib.viz.live.LiveFigure` blits every move.  The legend
    of the left panel says which R have no fit at all (:attr:`static_key`).
    """

    def __init__(self, radii, limit: float):
        fig, (ax1, ax2) = new_figure(2, width=_TARGET_SIZE[0], height=_TARGET_SIZE[1], scale=_TARGET_SCALE)
        fig.set_layout_engine("none")
        ax1.set_position(_TARGET_AXES[0])
        ax2.set_position(_TARGET_AXES[1])
        self.radii, self.limit = radii, limit
        self.ks = (len(radii) // 4, len(radii) // 2, len(radii) - 1)
        self.ss = np.linspace(-0.1, 2.1, 300)
        self.fits = [ax1.plot(self.ss, np.zeros_like(self.ss), lw=1.2, label=self._fit_label(k, True))[0]
                     for k in self.ks]
        self.target = ax1.scatter(_WIDGET_S, np.zeros(3), marker="*", s=160, color="tab:red", zorder=5,
                                  label="target T'")
        self.nearest = ax1.scatter(_WIDGET_S, np.zeros(3), s=80, facecolors="none", edgecolors="black", zorder=6,
                                   label="nearest point(s) of the closure")
        ax1.set(xlabel="sample point s", ylabel="value", xlim=(-0.2, 2.2))
        self.left_title = ax1.set_title(" ")
        self.legend = ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
        (self.excess,) = ax2.semilogy(radii, np.ones_like(radii), "o-", ms=3, label="best loss − infimum, ‖θ‖ ≤ R")
        (self.norm,) = ax2.semilogy(radii, np.ones_like(radii), "s--", ms=3, label="‖θ‖ of those weights")
        (self.unresolved,) = ax2.semilogy([], [], "v", ms=5, color="tab:gray",
                                          label="excess not resolved in float64 (drawn at its bound)")
        ax2.set(xlabel="norm bound R", ylabel="excess loss / weight norm", title="excess loss and weight norm against R",
                xlim=(0.0, float(np.max(radii)) + 1.0), ylim=_TARGET_LOG_WINDOW)
        # one column: in two, the last label ran past the right edge of the picture
        ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, fontsize=8)
        fig.suptitle("tanh 1-1-1 network on s = (0, 1, 2): best fits to a target T'")
        self.fig, self.ax1, self.ax2 = fig, ax1, ax2
        self.static_key = (True, True, True)

    def _fit_label(self, k: int, found: bool) -> str:
        R = f"{self.radii[k]:.3g}"
        return f"best fit, ‖θ‖ ≤ {R}" if found else f"no weights with ‖θ‖ ≤ {R}"

    @property
    def moving(self) -> list:
        return [*self.fits, self.target, self.nearest, self.left_title, self.excess, self.norm, self.unresolved]

    def show(self, t, verdict: ClosureVerdict, path: FitPath) -> "_TargetPanels":
        sigma = Architecture((1, 1, 1), "tanh").activation.function
        found = tuple(bool(np.isfinite(path.loss[k])) for k in self.ks)
        for line, k, ok, text, handle in zip(self.fits, self.ks, found, self.legend.get_texts(),
                                             self.legend.legend_handles):
            if ok:
                a, b, c, d = path.theta[k]
                line.set_ydata(c * sigma(a * self.ss + b) + d)
            line.set_visible(ok)
            text.set_text(self._fit_label(k, ok))  # still artists: covered by static_key
            handle.set_visible(ok)
        self.static_key = found
        self.target.set_offsets(np.column_stack([_WIDGET_S, t]))
        self.nearest.set_offsets(np.vstack([np.column_stack([_WIDGET_S, p]) for p in verdict.nearest]))
        word = "attained" if verdict.attained else "NOT attained"
        self.left_title.set_text(f"T' = ({t[0]:.2f}, {t[1]:.2f}, {t[2]:.2f}): infimum {verdict.infimum:.4g}, {word}")
        values = np.concatenate([t, *verdict.nearest])
        window = (-self.limit - 0.5, self.limit + 0.5)
        if values.min() < window[0] or values.max() > window[1]:
            window = nice_limits(np.concatenate([values, window]))
        self.ax1.set_ylim(window)
        # only what double precision resolves, rounded to its surviving digits (a sub-pixel shift
        # of a rounding-level excess would change the picture from machine to machine)
        radii, excess, resolved, bound = excess_over_infimum(t, verdict, path)
        self.excess.set_data(radii[resolved], np.maximum(excess[resolved], 1e-17))
        self.unresolved.set_data(radii[~resolved], np.maximum(bound[~resolved], 1e-17))
        ok = np.isfinite(path.loss)
        self.norm.set_data(path.radii[ok], path.norm[ok])
        return self


def target_figure(t1: float, t2: float, t3: float, *, radii=None, limit: float = 3.0):
    r"""The widget's picture for the target T' = (t1, t2, t3) on s = (0, 1, 2), tanh 1-1-1 network.

    Left: the target, the nearest point(s) of the closure (isotonic regression) and the best
    fits with ``‖θ‖ <= R`` for three R.  Right: the best loss above the exact infimum and the
    norm of those weights against R along :func:`~nnlib.smooth.best_fit_path`.  The value axis spans the
    sliders' range ``[-limit, limit]`` (and more for a target beyond it).  Returns the figure
    (the one the widget redraws, see :func:`target_live`).
    """
    radii = target_radii(radii)
    limit = check_positive_float("limit", limit)
    fig = _TargetPanels(radii, limit).show(*target_state(t1, t2, t3, radii)).fig
    plt.close(fig)
    return fig


def target_live(*, radii=None, limit: float = 3.0):
    """The live renderer of :func:`target_explorer`: ``render(t1, t2, t3)`` returns the PNG of :func:`target_figure`.

    One figure is kept and only what moves is redrawn (:class:`~nnlib.viz.live.LiveFigure`, available
    as ``render.live``); the search grid of :func:`~nnlib.smooth.best_fit_path` is built once.
    """
    radii = target_radii(radii)
    limit = check_positive_float("limit", limit)
    panels = _TargetPanels(radii, limit)
    return live_renderer(panels, lambda t1, t2, t3: panels.show(*target_state(t1, t2, t3, radii)))


def target_explorer(t=(0.0, 2.0, 1.0), *, limit: float = 3.0):
    """Three sliders for T' = (t'_1, t'_2, t'_3) driving :func:`target_live`; returns the widget box to display."""
    t = as_vector("t", t, length=3)
    limit = check_positive_float("limit", limit)
    if np.any(np.abs(t) > limit):
        raise ValueError(f"t must lie in the sliders' range [-{limit:g}, {limit:g}]; got {t.tolist()}")
    sliders = [w.FloatSlider(value=float(v), min=-limit, max=limit, step=0.05, description=f"t'_{i + 1}",
                                   continuous_update=False) for i, v in enumerate(t)]
    return explorer(target_live(limit=limit), {"t1": sliders[0], "t2": sliders[1], "t3": sliders[2]},
                       rows=[["t1", "t2", "t3"]])
