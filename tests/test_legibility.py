"""The book's figures are legible in its 688 px column (issue 18, item 6).

A text of s pt in a figure w inches wide is s * 688 / (72 w) px high when the page shows the figure
688 px wide, whatever the dpi.  Floors: tick labels 10 px, legends 9 px, titles and axis labels
11 px, other texts (annotations) 9 px.  Every figure builder of nnlib.viz is drawn here, and every
figure a chapter draws itself (``plotting.new_figure(...)`` in a code cell) is checked from its
size and the font sizes its cell asks for.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import nnlib as nn
from nnlib import escape, geometry, illposed
from nnlib.fitting import gradient_descent
from nnlib.paper import theorem1_architecture, theorem1_data, theta_k
from nnlib.viz import cones as viz_cones
from nnlib.viz import escape as viz_escape
from nnlib.viz import fitting as viz_fitting
from nnlib.viz import generic as viz_generic
from nnlib.viz import geometry as viz_geometry
from nnlib.viz import illposed as viz_illposed
from nnlib.viz import joins as viz_joins
from nnlib.viz import smooth as viz_smooth
from nnlib.viz.plotting import (
    BOOK_STYLE,
    COLUMN_PX,
    book_inches,
    new_figure,
    plot_fit_history,
    plot_sample_and_response,
    shown_text_sizes,
)

FLOORS_PX = {"ticks": 10.0, "legend": 9.0, "title": 11.0, "label": 11.0, "text": 9.0}
CHAPTERS = sorted((Path(__file__).resolve().parent.parent / "chapters").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(autouse=True)
def book_style():
    """The chapters' setting: use_book_style() applies BOOK_STYLE to the whole kernel."""
    with plt.rc_context(BOOK_STYLE):
        yield


def _assert_legible(fig):
    sizes = shown_text_sizes(fig)
    plt.close(fig)
    small = {kind: round(px, 2) for kind, px in sizes.items() if px < FLOORS_PX[kind]}
    assert not small, f"texts smaller than the floors {FLOORS_PX} at {COLUMN_PX} px: {small}"
    assert {"ticks", "title", "label"} <= set(sizes), f"a plot has tick labels, a title and axis labels; found {sizes}"


# ------------------------------------------------------------------------------ the measure itself


def test_shown_size_is_points_times_column_over_the_width_in_inches_whatever_the_dpi():
    for dpi in (50, 100, 200):
        fig = plt.figure(figsize=(9.0, 3.0), dpi=dpi)
        ax = fig.add_subplot()
        ax.set_title("title", fontsize=12)
        ax.set_xlabel("x", fontsize=11)
        ax.plot([0, 1], [0, 1], label="line")
        ax.legend(fontsize=6)
        ax.tick_params(labelsize=9)
        sizes = shown_text_sizes(fig)
        plt.close(fig)
        assert sizes["title"] == pytest.approx(12 * 688 / (72 * 9.0))
        assert sizes["label"] == pytest.approx(11 * 688 / (72 * 9.0))
        assert sizes["legend"] == pytest.approx(6 * 688 / (72 * 9.0))
        assert sizes["ticks"] == pytest.approx(9 * 688 / (72 * 9.0))


def test_a_figure_in_the_old_style_fails_the_floors():
    """100 dpi and the inches asked (the style before issue 18): 7 pt legends on a 9.5-inch figure."""
    fig = plt.figure(figsize=(9.5, 4.4), dpi=100)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="line")
    ax.set(title="t", xlabel="x", ylabel="y")
    ax.legend(fontsize=7)
    with pytest.raises(AssertionError, match="legend"):
        _assert_legible(fig)


def test_the_style_keeps_the_pixels_asked_and_draws_fewer_inches():
    fig, _ = new_figure(2, width=9.5, height=3.6)
    w, h = fig.get_size_inches() * fig.dpi
    plt.close(fig)
    assert (round(w), round(h)) == (950, 360)
    assert tuple(fig.get_size_inches()) == pytest.approx(book_inches(9.5, 3.6))
    assert book_inches(9.5, 3.6)[0] < 9.5  # fonts larger against the picture than at 100 dpi


# ------------------------------------------------------------------------------ nnlib.viz's builders


@pytest.fixture(scope="module")
def theorem1():
    return theorem1_architecture(), *theorem1_data()


def test_shared_plots_are_legible(theorem1):
    arch, S, T = theorem1
    runs = [gradient_descent(arch, S, T, step=1e-2, n_steps=40, rng=seed, record_every=5) for seed in (0, 1)]
    _assert_legible(plot_fit_history(runs))
    _assert_legible(plot_sample_and_response(S, T))
    _assert_legible(viz_fitting.fit_history_figure(arch, S, T, step=1e-2, n_steps=40, seed=0))


def test_cone_figures_are_legible():
    _assert_legible(viz_cones.cone_figure(np.array([[0.0, 0.0], [1.0, 0.0], [0.3, 1.0]]), title="a cone"))
    _assert_legible(viz_cones.cone_explorer_figure(0.0, 1.0, 2.0, 0.0))


def test_plane_pictures_and_the_nearest_point_widget_are_legible():
    fig, axes = new_figure(2, width=9.5, height=4.6)  # chapter 2's two plane pictures
    for ax, closed in zip(axes, (True, False)):
        viz_geometry.plot_plane_picture(ax, closed=closed, title="plane picture")
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=8)
    _assert_legible(fig)
    picture = geometry.NearestPointPicture.build("relu", n_per_axis=61, n_samples=100)
    _assert_legible(viz_geometry.nearest_point_figure(picture, 0.0, 0.0, 1.0))


def test_ill_posedness_widgets_are_legible(theorem1):
    arch, S, T = theorem1
    _assert_legible(viz_illposed.theta_k_figure(5))
    path = illposed.price_of_boundedness(arch, S, T, [1.0, 10.0], n_random=0, rng=0, warm_starts=[
        lambda R: illposed.rebalance_to_norm(arch, theta_k(2), R) if R > 5 else theta_k(0.1)])
    _assert_legible(viz_illposed.boundedness_figure(path, 9.0))
    wd = illposed.weight_decay_path(arch, S, T, [1e-2, 1e-4], seeds=path.thetas, rng=0)
    _assert_legible(viz_illposed.weight_decay_figure(wd, 2e-4))


def test_join_figures_and_the_dimension_widget_are_legible():
    S = np.random.default_rng(11).standard_normal((12, 2))
    archs = [nn.Architecture((2, 3, q)) for q in (1, 2)]
    reps = [nn.image_dimension(a, S, rng=12) for a in archs]
    _assert_legible(viz_joins.singular_value_figure(reps, ["q = 1", "q = 2"], title="singular values"))
    S3 = np.array([[0.0], [1.0], [2.0]])
    pts = np.random.default_rng(13).standard_normal((40, 3))
    _assert_legible(viz_joins.join_locus_figure(S3, pts[:20], pts[20:], title="monotone vectors"))
    _assert_legible(viz_joins.dimension_explorer_figure(10, 2, 2, 2))


def test_smooth_target_widget_is_legible():
    _assert_legible(viz_smooth.target_figure(0.0, 2.0, 1.0))


def test_escape_and_architecture_figures_are_legible(theorem1):
    arch, S, T = theorem1
    sv = escape.survey_target(arch, S, T, 2, rng=0, extra_starts=[theta_k(5.0)], rounds=4, budget=50)
    _assert_legible(viz_escape.escape_figure(sv, title="escape survey"))
    _assert_legible(viz_escape.escape_detector_figure("random", n_starts=2, seed=1))
    _assert_legible(viz_generic.architecture_figure((2, 3, 3, 1), "relu", 30, seed=1))


# ------------------------------------------------------------------------------ the chapters' own figures


_TICK_CALLS = {"set_xticks", "set_yticks", "set_xticklabels", "set_yticklabels", "tick_params"}


def _new_figure_calls(source: str):
    """(ncols, width, {kind: smallest font size set by hand}) of each plotting.new_figure call in a cell."""
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == "new_figure"]
    by_hand: dict[str, float] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            name = getattr(n.func, "attr", getattr(n.func, "id", ""))
            kind = "legend" if name == "legend" else "ticks" if name in _TICK_CALLS else "text"
            for kw in n.keywords:
                if kw.arg in ("fontsize", "labelsize") and isinstance(kw.value, ast.Constant):
                    by_hand[kind] = min(by_hand.get(kind, np.inf), kw.value.value)
    for call in calls:
        ncols = call.args[0].value if call.args else 1
        width = next((kw.value.value for kw in call.keywords if kw.arg == "width"), None)
        yield ncols, width, by_hand


def _chapter_figures():
    for path in CHAPTERS:
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "code" and "new_figure(" in "".join(cell["source"]):
                for ncols, width, by_hand in _new_figure_calls("".join(cell["source"])):
                    yield pytest.param(ncols, width, by_hand, id=f"{path.stem}-cell{i}")


@pytest.mark.parametrize("ncols, width, by_hand", list(_chapter_figures()))
def test_every_figure_a_chapter_draws_is_legible(ncols, width, by_hand):
    """The cell's figure, with the style's fonts and the font sizes the cell sets by hand (a legend's,
    tick labels' or a text's ``fontsize=``), at the width the cell asks for."""
    fig, axes = new_figure(ncols, width=width)
    ax = np.atleast_1d(axes)[0]
    ax.plot([0, 1], [0, 1], label="line")
    ax.set(title="title", xlabel="x", ylabel="y")
    ax.legend(fontsize=by_hand.get("legend", BOOK_STYLE["legend.fontsize"]))
    ax.tick_params(labelsize=by_hand.get("ticks", BOOK_STYLE["font.size"]))
    if "text" in by_hand:
        ax.text(0.5, 0.5, "text", fontsize=by_hand["text"])
    _assert_legible(fig)


def test_the_chapters_own_figures_are_found():
    assert len(list(_chapter_figures())) >= 10, "else the test above checks nothing"
