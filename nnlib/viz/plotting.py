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

from .._checks import as_matrix, check_positive_float, check_positive_int
from ..fitting import FitResult
from .live import nice_limits

__all__ = ["BOOK_STYLE", "FIGURE_SCALE", "COLUMN_PX", "book_inches", "shown_text_sizes", "PRINT_FIGURE_KWARGS", "use_book_style", "new_figure", "plot_fit_history", "plot_sample_and_response"]

#: Figures are drawn FIGURE_SCALE times as large in inches as asked, at 1/FIGURE_SCALE times the dpi:
#: the same pixels (``PIXELS_PER_INCH`` per inch asked), with every text (sized in points)
#: 1/FIGURE_SCALE times as large against the picture.  Sizes given to :func:`new_figure` are so in
#: units of 100 px.  With 0.8, a 9.5-inch two-panel figure (950 px) shown in the book's 688 px column
#: has 10 pt tick labels about 12.6 px high and 8 pt legends about 10 px (at scale 1: 10 and 8 px);
#: tests/test_legibility.py checks every chapter's figure builder against those floors.
FIGURE_SCALE = 0.8
#: Pixels per inch asked of :func:`new_figure` (the figure's own dpi is this over FIGURE_SCALE).
PIXELS_PER_INCH = 100
#: Width and height (in units of 100 px) of a one-panel figure made by :func:`new_figure`.
DEFAULT_SIZE = (7.0, 3.6)

#: matplotlib rc settings used by every chapter.
BOOK_STYLE = {
    "figure.figsize": (DEFAULT_SIZE[0] * FIGURE_SCALE, DEFAULT_SIZE[1] * FIGURE_SCALE),
    "figure.dpi": PIXELS_PER_INCH / FIGURE_SCALE,
    "savefig.dpi": PIXELS_PER_INCH / FIGURE_SCALE,
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
#: the figure already fits its canvas, so one draw is enough, which halves the time per figure and
#: per widget redraw (measurements: bench/NOTES.md).
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


def new_figure(ncols: int = 1, *, width: float | None = None, height: float | None = None,
               scale: float = FIGURE_SCALE):
    """A figure with ``ncols`` axes side by side, in the book's style; returns (fig, axes).

    ``width`` and ``height`` are in units of 100 px (default ``DEFAULT_SIZE``, and 0.7 of its
    width per panel for several panels); the figure is :data:`FIGURE_SCALE` times that in inches
    at ``100 / FIGURE_SCALE`` dpi, so its fonts read larger than at 100 dpi (see FIGURE_SCALE).
    A widget whose axes sit at fixed figure fractions passes the ``scale`` its layout was made
    for: 1 (the inches asked, at 100 dpi) for the 7- and 8-unit-wide spectrum and plane pictures,
    legible at that scale; the fit panels 0.85, the chapter-6 target panels 0.86.
    """
    ncols = check_positive_int("ncols", ncols, high=100)
    width = None if width is None else check_positive_float("width", width)
    height = None if height is None else check_positive_float("height", height)
    w, h = DEFAULT_SIZE
    scale = check_positive_float("scale", scale)
    size = (width or w * (1 if ncols == 1 else 0.7 * ncols), height or h)
    with plt.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=book_inches(*size, scale=scale), dpi=PIXELS_PER_INCH / scale)
    return fig, axes


def book_inches(width: float, height: float, *, scale: float = FIGURE_SCALE) -> tuple[float, float]:
    """The size in inches, in the book's style, of a figure ``width`` x ``height`` hundred pixels
    (drawn at ``100 / scale`` dpi).

    Raises
    ------
    TypeError, ValueError
        If ``width``, ``height`` or ``scale`` is not a finite real number > 0.
    """
    width = check_positive_float("width", width)
    height = check_positive_float("height", height)
    scale = check_positive_float("scale", scale)
    return (width * scale, height * scale)


def _log_limits(values) -> tuple[float, float]:
    """Limits for a log axis around the positive finite ``values``: :func:`nnlib.viz.live.nice_limits`
    of their log10 (6 steps), so that they stay put while a live figure's curve moves a little."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        v = np.array([1.0])
    lo, hi = nice_limits(np.log10(v), steps=6)
    return float(10.0**lo), float(10.0**hi)


def _index_limit(x: float) -> float:
    """The right end of an index axis holding indices up to ``x``: the smallest of 5, 10, 20, 40, 80, ...
    that is at least ``x`` (few distinct limits, so that a live figure redraws its axes rarely)."""
    limit = 5.0
    while limit < x:
        limit *= 2
    return limit


class SpectrumPanel:
    """The singular values of a Jacobian (log scale), built once: the values, the rank threshold,
    vertical marks between s_r and s_(r+1) for given ranks r, and a title.

    ``marks`` lists (label, colour, line style) of the vertical marks; the legend, to the right
    of the axes, has fixed entries.  :meth:`show` moves the values, the threshold, the marks and
    the title, and sets limits that change in coarse steps: the index axis ends at 5, 10, 20,
    40, ... (:func:`_index_limit`), the value axis runs between multiples of three decades
    (down to 1e-18 at most), so that a :class:`nnlib.viz.live.LiveFigure` of ``fig`` blits
    ``moving`` while the limits stay.  The axes have fixed positions (room for three title
    lines): the layout does not depend on the first setting drawn.  Used by the dimension
    explorer of chapter 5 and the architecture explorer of chapter 7.

    With ``noise=True`` the legend has one more entry, and :meth:`show` given a ``noise_level``
    draws the values below it as down-pointing triangles *at* that level: an upper bound, since
    their digits are rounding noise (they change with the BLAS kernel), so the picture does not.
    """

    def __init__(self, marks, *, noise: bool = False):
        from matplotlib.ticker import MaxNLocator

        fig, ax = new_figure(1, width=7.0, height=3.8, scale=1.0)  # fixed layout, see new_figure
        fig.set_layout_engine("none")
        ax.set_position([0.115, 0.13, 0.575, 0.68])
        ax.set_yscale("log")
        (self.curve,) = ax.plot([1], [1], "o-", ms=3, label="singular values $s_i$")
        self.noise = None
        if noise:
            (self.noise,) = ax.plot([], [], "v", ms=4, mfc="none", color=self.curve.get_color(),
                                    label="$s_i$ below rounding level\n(drawn at it: digits are noise)")
        self.threshold = ax.axhline(1, color="gray", ls="--", lw=1, label="rank threshold")
        self.marks = [ax.axvline(0, color=colour, ls=style, lw=1, label=label) for label, colour, style in marks]
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # indices
        ax.set_xlabel("index i of the singular value")
        ax.set_ylabel("singular value $s_i$ of the Jacobian")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        self.title = ax.set_title(" ", fontsize=9)
        self.fig, self.ax = fig, ax

    @property
    def moving(self) -> list:
        return [self.curve, *([self.noise] if self.noise is not None else []), self.threshold, *self.marks, self.title]

    def show(self, singular_values, tolerance: float, ranks, title: str, *, noise_level: float | None = None) -> "SpectrumPanel":
        """Draw ``singular_values`` with the threshold ``tolerance`` and a mark after each of ``ranks``
        (values below ``noise_level``, if given, at that level: see the class)."""
        sv = np.maximum(np.asarray(singular_values, dtype=float), 1e-300)
        if len(ranks) != len(self.marks):
            raise ValueError(f"ranks must hold {len(self.marks)} entries, one per mark; got {len(ranks)}")
        idx = np.arange(1, sv.size + 1)
        below = np.zeros(sv.size, dtype=bool)
        if noise_level is not None:
            if self.noise is None:
                raise ValueError("noise_level needs a panel built with noise=True")
            if not (np.isfinite(noise_level) and noise_level > 0):
                raise ValueError(f"noise_level must be a positive number; got {noise_level!r}")
            below = sv < noise_level
            sv = np.where(below, float(noise_level), sv)  # as drawn (and for the limits)
        if self.noise is not None:
            self.noise.set_data(idx[below], sv[below])
        self.curve.set_data(idx[~below], sv[~below])
        self.threshold.set_ydata([tolerance] * 2)
        for mark, r in zip(self.marks, ranks):
            mark.set_xdata([r + 0.5] * 2)
        self.title.set_text(title)
        top = int(np.ceil(np.log10(max(float(sv.max()), tolerance)) + 0.1))
        top = 3 * -(-top // 3)  # up to the next multiple of three decades
        bottom = max(-18, int(np.floor(np.log10(min(float(sv.min()), tolerance)))) - 1)
        self.ax.set(xlim=(0, _index_limit(max(sv.size, *ranks) + 1)), ylim=(10.0 ** (3 * (bottom // 3)), 10.0 ** top))
        return self


class FitHistoryPanels:
    """The fit-history figure, built once: the loss and ||theta|| against 1 + step, log-log.

    ``show(results, labels, title)`` puts the runs on the lines, the labels in the legends and
    sets the limits: x from 1 to 1 + ``max_steps`` (the widget's slider range, so that the steps
    slider never moves them; by default the longest run), with a margin of 0.1 decade; y rounded outward
    on the log scale to whole decades (``_log_limits``).  The lines, the legends (drawn over the lines, as in
    a fresh drawing, and relabelled when the seed changes) and the title are the ``moving``
    artists of a :class:`nnlib.viz.live.LiveFigure` of ``fig``.
    """

    def __init__(self, n_lines: int = 1, *, title: bool = True):
        fig, (ax_loss, ax_norm) = new_figure(2, scale=0.85)
        # Fixed margins instead of constrained layout: a live figure keeps the layout of its first
        # drawing, so the layout must not depend on the first run's tick labels.
        fig.set_layout_engine("none")
        ax_loss.set_position([0.088, 0.165, 0.39, 0.665])
        ax_norm.set_position([0.59, 0.165, 0.39, 0.665])
        self.loss_lines = [ax_loss.plot([], [], label=f"run {i + 1}")[0] for i in range(n_lines)]
        self.norm_lines = [ax_norm.plot([], [], label=f"run {i + 1}")[0] for i in range(n_lines)]
        for ax in (ax_loss, ax_norm):
            ax.set_xscale("log")
            ax.set_yscale("log")
        ax_loss.set(xlabel="1 + gradient step", ylabel=r"loss $\|T-\psi_k(\theta)\|_F^2$", title="the loss along the run")
        ax_norm.set(xlabel="1 + gradient step", ylabel=r"weight norm $\|\theta\|$", title="the weight norm along the run")
        for ax in (ax_loss, ax_norm):
            # y-limits at whole decades (show) and no minor tick labels: a range below a decade
            # brought wide minor labels (6x10^1) that pushed the y-label out of the fixed margins.
            ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.yaxis.set_label_coords(-0.12, 0.5)
        self.legends = [ax_loss.legend(loc="best"), ax_norm.legend(loc="best")]
        self.title = fig.suptitle(" ") if title else None
        self.fig, self.ax_loss, self.ax_norm = fig, ax_loss, ax_norm

    @property
    def moving(self) -> list:
        return [*self.loss_lines, *self.norm_lines, *self.legends] + ([self.title] if self.title else [])

    def show(self, results, labels, title: str = "", *, max_steps: int | None = None) -> "FitHistoryPanels":
        if len(results) != len(self.loss_lines) or len(labels) != len(results):
            raise ValueError(f"results and labels must hold {len(self.loss_lines)} entries each")
        for res, label, l_line, n_line in zip(results, labels, self.loss_lines, self.norm_lines):
            it = res.steps + 1  # iteration 0 cannot sit on a log axis: plot against 1 + step
            l_line.set_data(it, res.loss_history)
            n_line.set_data(it, res.norm_history)
            l_line.set_label(label)
            n_line.set_label(label)
        for legend in self.legends:
            for text, label in zip(legend.get_texts(), labels):
                text.set_text(label)
        if self.title is not None:
            self.title.set_text(title)
        last = max(int(res.steps[-1]) for res in results) if max_steps is None else max_steps
        xlim = (10**-0.1, (last + 1) * 10**0.1)
        for ax, key in ((self.ax_loss, "loss_history"), (self.ax_norm, "norm_history")):
            lo, hi = np.log10(_log_limits(np.concatenate([getattr(res, key) for res in results])))
            ax.set(xlim=xlim, ylim=(10.0 ** np.floor(lo + 1e-9), 10.0 ** np.ceil(hi - 1e-9)))
        return self


def plot_fit_history(results: FitResult | Sequence[FitResult], *, labels: Sequence[str] | None = None, title: str = ""):
    """Two panels against the iteration number, on log-log axes: the loss and ||theta||.

    Parameters
    ----------
    results : FitResult or list of FitResult
    labels : list of str, optional
        Legend labels, one per result.
    title : str
        Figure title.

    The drawing is the one the chapter-1 widget keeps alive (``FitHistoryPanels``).
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
    return FitHistoryPanels(len(results), title=bool(title)).show(list(results), list(labels), title).fig


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
        ax.legend(loc="upper left")  # empty there for the data (16); lower left covered s_1 and t_5
    ax_s.set_title(r"inputs $s_i \in \mathbb{R}^2$")
    ax_t.set_title(r"responses $t_i \in \mathbb{R}^2$")
    fig.suptitle(title)
    return fig


#: The book's text column (px) at desktop widths.
COLUMN_PX = 688


def shown_text_sizes(fig, column_px: float = COLUMN_PX) -> dict[str, float]:
    """The smallest visible text of each kind in ``fig``, in px as the page shows it ``column_px`` wide.

    A text of ``s`` pt in a figure ``w`` inches wide at ``dpi`` is ``s * dpi / 72`` px in the PNG
    of ``w * dpi`` px, shown ``column_px`` wide: ``s * column_px / (72 * w)`` px (the dpi cancels).
    Kinds: ``"ticks"`` (tick labels), ``"legend"`` (legend entries and titles), ``"title"``
    (axes titles and the figure's suptitle), ``"label"`` (axis labels), ``"text"`` (any other
    text: annotations, figure texts).  Empty or invisible texts are skipped; a kind with none is
    left out.
    """
    from matplotlib.legend import Legend

    column_px = check_positive_float("column_px", column_px)
    per_pt = column_px / (72.0 * fig.get_size_inches()[0])
    found: dict[str, list] = {"ticks": [], "legend": [], "title": [], "label": [], "text": []}

    def add(kind, text):
        if text is not None and text.get_visible() and text.get_text().strip():
            found[kind].append(text.get_fontsize())

    if fig.canvas is None or not hasattr(fig.canvas, "draw"):  # pragma: no cover - every Figure has a canvas
        raise TypeError("fig must be a matplotlib Figure")
    fig.canvas.draw()  # tick labels get their text when drawn
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        axes = [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else [])
        for axis in axes:
            for t in axis.get_ticklabels(which="both"):
                add("ticks", t)
            add("label", axis.label)
        for t in (ax.title, ax._left_title, ax._right_title):
            add("title", t)
        for legend in {id(a): a for a in ax.get_children() if isinstance(a, Legend)}.values():
            if legend.get_visible():
                for t in [*legend.get_texts(), legend.get_title()]:
                    add("legend", t)
        for t in ax.texts:
            add("text", t)
    for legend in fig.legends:
        for t in [*legend.get_texts(), legend.get_title()]:
            add("legend", t)
    if fig._suptitle is not None:
        add("title", fig._suptitle)
    for t in fig.texts:
        if t is not fig._suptitle:
            add("text", t)
    return {kind: min(sizes) * per_pt for kind, sizes in found.items() if sizes}
