"""nnlib.viz.plotting: the book's figure style, the fit-history figure and the sample/response scatter."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from nnlib.fitting import gradient_descent
from nnlib.paper import theorem1_architecture, theorem1_data
from nnlib.viz.plotting import BOOK_STYLE, book_inches, new_figure, plot_fit_history, plot_sample_and_response, use_book_style


@pytest.fixture(scope="module")
def runs():
    S, T = theorem1_data()
    arch = theorem1_architecture()
    return [gradient_descent(arch, S, T, step=1e-2, n_steps=60, rng=seed, record_every=5) for seed in (0, 1)]


def _assert_book_standard(ax):
    assert ax.get_title(), "every panel has a title"
    assert ax.get_xlabel() and ax.get_ylabel(), "every panel has labelled axes"
    legend = ax.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()], "every panel has a legend"


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


# ------------------------------------------------------------------------------ plot_fit_history


def test_plot_fit_history_draws_loss_and_weight_norm_panels_to_the_book_standard(runs):
    fig = plot_fit_history(runs[0])
    assert isinstance(fig, Figure)
    panels = _panels(fig)
    assert len(panels) == 2
    for ax in panels:
        _assert_book_standard(ax)
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["gradient descent"]


def test_plot_fit_history_plots_the_loss_and_the_norm_against_one_plus_the_step(runs):
    res = runs[0]
    fig = plot_fit_history(res)
    loss_ax = next(ax for ax in _panels(fig) if "loss" in ax.get_ylabel())
    norm_ax = next(ax for ax in _panels(fig) if "norm" in ax.get_ylabel())
    (loss_line,), (norm_line,) = loss_ax.get_lines(), norm_ax.get_lines()
    np.testing.assert_array_equal(loss_line.get_xdata(), res.steps + 1)
    np.testing.assert_array_equal(loss_line.get_ydata(), res.loss_history)
    np.testing.assert_array_equal(norm_line.get_xdata(), res.steps + 1)
    np.testing.assert_array_equal(norm_line.get_ydata(), res.norm_history)


def test_plot_fit_history_of_several_runs_labels_them_run_1_run_2_or_as_given(runs):
    fig = plot_fit_history(runs)
    for ax in _panels(fig):
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["run 1", "run 2"]
        assert len(ax.get_lines()) == 2
    fig = plot_fit_history(runs, labels=["seed 0", "seed 1"], title="two seeds")
    for ax in _panels(fig):
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["seed 0", "seed 1"]
    assert fig._suptitle is not None and fig._suptitle.get_text() == "two seeds"


def test_plot_fit_history_without_a_title_has_no_suptitle(runs):
    assert plot_fit_history(runs[0])._suptitle is None


def test_plot_fit_history_refuses_a_label_count_that_does_not_match(runs):
    with pytest.raises(ValueError, match=r"^labels\b"):
        plot_fit_history(runs, labels=["only one"])


def test_plot_fit_history_refuses_an_empty_list_naming_results():
    with pytest.raises(ValueError, match="results"):
        plot_fit_history([])


@pytest.mark.parametrize("results", [["not a result"], [None], 3.0], ids=["string", "None", "float"])
def test_plot_fit_history_refuses_things_that_are_not_fit_results(results):
    with pytest.raises(TypeError, match="results"):
        plot_fit_history(results)


# ---------------------------------------------------------------------- plot_sample_and_response


def test_plot_sample_and_response_scatters_S_and_T_labelled_by_i():
    S, T = theorem1_data()
    fig = plot_sample_and_response(S, T)
    assert isinstance(fig, Figure)
    panels = _panels(fig)
    assert len(panels) == 2
    for ax, P, name in zip(panels, (S, T), ("s", "t")):
        _assert_book_standard(ax)
        (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
        np.testing.assert_array_equal(points.get_offsets(), P)
        texts = [t.get_text() for t in ax.texts]
        assert texts == [f"${name}_{i}$" for i in range(1, 7)]
    assert fig._suptitle.get_text() == "the sample S and the responses T"


BAD_PAIRS = [
    pytest.param(np.ones((6, 3)), np.ones((6, 2)), r"\bS\b", id="S-with-3-columns"),
    pytest.param(np.ones(6), np.ones((6, 2)), r"\bS\b", id="S-1-D"),
    pytest.param(np.ones((6, 2)), np.ones((5, 2)), r"\bT\b", id="T-with-5-rows"),
    pytest.param(np.ones((6, 2)), np.ones((6, 1)), r"\bT\b", id="T-with-1-column"),
    pytest.param(np.ones((6, 2)), np.ones(12), r"\bT\b", id="T-1-D"),
    pytest.param(np.r_[[[np.nan, 0.0]], np.ones((5, 2))], np.ones((6, 2)), r"\bS\b", id="S-with-NaN"),
    pytest.param(np.ones((6, 2)), np.r_[[[np.inf, 0.0]], np.ones((5, 2))], r"\bT\b", id="T-with-inf"),
    pytest.param(np.zeros((0, 2)), np.zeros((0, 2)), r"\bS\b", id="empty"),
]


@pytest.mark.parametrize("S, T, pattern", BAD_PAIRS)
def test_plot_sample_and_response_refuses_bad_shapes_and_values_naming_the_argument(S, T, pattern):
    with pytest.raises(ValueError, match=pattern):
        plot_sample_and_response(S, T)


# --------------------------------------------------------------------------------- the style


def test_use_book_style_applies_the_book_rc_settings():
    with plt.rc_context():
        use_book_style()
        for key, value in BOOK_STYLE.items():
            current = plt.rcParams[key]
            assert (list(current) == list(value)) if isinstance(value, tuple) else current == value


def test_new_figure_makes_ncols_panels_side_by_side():
    fig, axes = new_figure(3)
    assert len(axes) == 3
    assert fig.get_layout_engine() is not None  # constrained layout, as in BOOK_STYLE
    xs = [ax.get_position().x0 for ax in axes]
    assert xs == sorted(xs)
    fig, ax = new_figure(width=4.0, height=2.0)
    assert tuple(fig.get_size_inches() * fig.dpi) == pytest.approx((400.0, 200.0))  # 100 px per unit
    assert tuple(fig.get_size_inches()) == pytest.approx(book_inches(4.0, 2.0))
    assert not isinstance(ax, np.ndarray)


def test_new_figure_does_not_change_the_global_style():
    before = plt.rcParams["axes.grid"]
    with plt.rc_context({"axes.grid": False}):
        new_figure(1)
        assert plt.rcParams["axes.grid"] is False
    assert plt.rcParams["axes.grid"] == before


def test_the_spectrum_panel_index_axis_ends_at_5_10_20_40_so_small_moves_keep_it():
    from nnlib.viz.plotting import _index_limit

    assert [_index_limit(x) for x in (1, 5, 6, 13, 20, 26, 161)] == [5, 5, 10, 20, 20, 40, 320]


def test_the_spectrum_panel_wants_one_rank_per_mark():
    from nnlib.viz.plotting import SpectrumPanel

    panel = SpectrumPanel([("computed rank", "k", "-")])
    panel.show([3.0, 1.0, 1e-17], 1e-15, (2,), "a title")
    assert panel.marks[0].get_xdata()[0] == 2.5 and panel.ax.get_xlim() == (0.0, 5.0)
    with pytest.raises(ValueError, match="^ranks must hold 1 entries"):
        panel.show([3.0, 1.0], 1e-15, (2, 2), "a title")
    plt.close(panel.fig)


def test_the_spectrum_panel_draws_values_below_the_rounding_level_at_it_so_noise_leaves_the_picture():
    from nnlib.viz.live import LiveFigure
    from nnlib.viz.plotting import SpectrumPanel

    pictures = []
    for tail in ([3e-17, 1e-18], [5e-17, 0.0]):   # two kernels' rounding noise
        panel = SpectrumPanel([("computed rank", "k", "-")], noise=True)
        panel.show([3.0, 1.0] + tail, 1e-15, (2,), "a title", noise_level=1e-15)
        assert panel.curve.get_xdata().tolist() == [1, 2] and panel.noise.get_xdata().tolist() == [3, 4]
        assert panel.noise.get_ydata().tolist() == [1e-15, 1e-15]
        pictures.append(LiveFigure(panel.fig, panel.moving).render())
        plt.close(panel.fig)
    assert pictures[0] == pictures[1]


def test_the_spectrum_panel_wants_a_positive_noise_level_and_a_panel_built_for_it():
    from nnlib.viz.plotting import SpectrumPanel

    plain = SpectrumPanel([("computed rank", "k", "-")])
    with pytest.raises(ValueError, match="^noise_level needs a panel built with noise=True"):
        plain.show([3.0, 1e-17], 1e-15, (1,), "t", noise_level=1e-15)
    noisy = SpectrumPanel([("computed rank", "k", "-")], noise=True)
    with pytest.raises(ValueError, match="^noise_level must be a positive number"):
        noisy.show([3.0, 1e-17], 1e-15, (1,), "t", noise_level=0.0)
    noisy.show([3.0, 1e-17], 1e-15, (1,), "t")       # without a level every value is drawn as it is
    assert noisy.curve.get_xdata().tolist() == [1, 2] and len(noisy.noise.get_xdata()) == 0
    plt.close(plain.fig), plt.close(noisy.fig)
