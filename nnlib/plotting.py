"""One figure style for the whole book, and the plots several chapters share.

Every plot has a title, labelled axes and a legend (the book's standard).  Functions draw on
an ``ax`` they are given (or make a new figure) and return the figure, so that a chapter can
end a cell with ``plt.show()``.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from ._checks import as_matrix
from .fitting import FitResult

__all__ = ["BOOK_STYLE", "PRINT_FIGURE_KWARGS", "use_book_style", "new_figure", "plot_fit_history", "plot_sample_and_response"]

#: matplotlib rc settings used by every chapter.
BOOK_STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "font.size": 10,
    "figure.constrained_layout.use": True,
}

#: Colours for the two quantities every fit reports.
LOSS_COLOUR = "tab:blue"
NORM_COLOUR = "tab:red"


#: How a notebook renders a figure to PNG (IPython's inline backend, for ``plt.show()`` and for
#: ``display(fig)`` in widget callbacks). The inline backend's default, ``bbox_inches="tight"``,
#: draws every figure twice (once to measure the ink, once to render it). With constrained layout
#: the figure already fits its canvas: on 2026-11-23 no figure of chapters 1-7 had ink outside
#: its canvas. One draw is enough, which halves the time per figure (the theta_k widget figure:
#: 0.49 s -> 0.25 s), and so per widget redraw.
PRINT_FIGURE_KWARGS = {"bbox_inches": None}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib (call once at the top of a chapter).

    Inside a Jupyter kernel with the inline backend, also render figures with
    ``PRINT_FIGURE_KWARGS`` (one draw per figure instead of two).
    """
    plt.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with matplotlib-inline in the book's venv
        return
    if get_ipython() is not None and "inline" in matplotlib.get_backend():
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png", **PRINT_FIGURE_KWARGS)


def new_figure(ncols: int = 1, *, width: float | None = None, height: float | None = None):
    """A figure with ``ncols`` axes side by side, in the book's style; returns (fig, axes)."""
    w, h = BOOK_STYLE["figure.figsize"]
    with plt.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=(width or w * (1 if ncols == 1 else 0.7 * ncols), height or h))
    return fig, axes


def plot_fit_history(results: FitResult | Sequence[FitResult], *, labels: Sequence[str] | None = None, title: str = ""):
    """Two panels against the iteration number, on log-log axes: the loss and ||theta||.

    Parameters
    ----------
    results : FitResult or list of FitResult
    labels : list of str, optional
        Legend labels, one per result.
    title : str
        Figure title.
    """
    if isinstance(results, FitResult):
        results = [results]
    if not isinstance(results, (list, tuple)) or not all(isinstance(r, FitResult) for r in results):
        raise TypeError(f"results must be a FitResult or a list of FitResult; got {results!r:.80}")
    if len(results) == 0:
        raise ValueError("results must hold at least one FitResult; got an empty list")
    if labels is None:
        labels = [f"run {i + 1}" for i in range(len(results))] if len(results) > 1 else ["gradient descent"]
    if len(labels) != len(results):
        raise ValueError(f"labels must have one entry per result ({len(results)}); got {len(labels)}")
    fig, (ax_loss, ax_norm) = new_figure(2)
    for res, label in zip(results, labels):
        it = res.steps + 1  # iteration 0 cannot sit on a log axis: plot against 1 + step
        ax_loss.loglog(it, res.loss_history, label=label)
        ax_norm.loglog(it, res.norm_history, label=label)
    ax_loss.set(xlabel="1 + gradient step", ylabel=r"loss $\|T-\psi_k(\theta)\|_F^2$", title="the loss goes down")
    ax_norm.set(xlabel="1 + gradient step", ylabel=r"weight norm $\|\theta\|$", title="the weights grow")
    ax_loss.legend(loc="best")
    ax_norm.legend(loc="best")
    if title:
        fig.suptitle(title)
    return fig


def plot_sample_and_response(S, T, *, title: str = "the sample S and the responses T"):
    """Side-by-side scatter of the points s_i (inputs, in R^2) and t_i (responses, in R^2), labelled by i."""
    S = as_matrix("S", S, cols=2)
    T = as_matrix("T", T, rows=S.shape[0], cols=2)
    fig, (ax_s, ax_t) = new_figure(2, height=3.0)
    for ax, P, name, marker in ((ax_s, S, "s", "o"), (ax_t, T, "t", "s")):
        ax.scatter(P[:, 0], P[:, 1], marker=marker, s=40, label=f"${name}_i$", zorder=3)
        for i, (x, y) in enumerate(P, start=1):
            ax.annotate(f"${name}_{i}$", (x, y), textcoords="offset points", xytext=(5, 5))
        ax.set(xlabel="first coordinate", ylabel="second coordinate")
        ax.margins(0.15, 0.3)
        ax.legend(loc="lower left")
    ax_s.set_title(r"inputs $s_i \in \mathbb{R}^2$")
    ax_t.set_title(r"responses $t_i \in \mathbb{R}^2$")
    fig.suptitle(title)
    return fig
