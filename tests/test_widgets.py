"""nnlib.widgets: the gradient-descent explorer (sliders) and its callback (a figure).

nnlib's messages start with the name of the offending argument ("seed must ..."), so the patterns
are anchored: a message about ``rng`` that happens to contain the word "seed" does not count.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib.fitting import gradient_descent
from nnlib.network import Architecture
from nnlib.paper import theorem1_architecture, theorem1_data
from nnlib.widgets import fit_explorer, fit_history_figure

S, T = theorem1_data()
ARCH = theorem1_architecture()


def _sliders(box):
    """All sliders inside a widget tree, by description."""
    found, stack = {}, [box]
    while stack:
        widget = stack.pop()
        if isinstance(widget, (w.IntSlider, w.FloatLogSlider, w.FloatSlider)):
            found[widget.description] = widget
        stack.extend(getattr(widget, "children", ()))
    return found


# --------------------------------------------------------------------------- fit_history_figure


def test_fit_history_figure_draws_the_run_of_gradient_descent_for_the_seed():
    fig = fit_history_figure(ARCH, S, T, step=1e-2, n_steps=30, seed=4)
    assert isinstance(fig, Figure)
    res = gradient_descent(ARCH, S, T, step=1e-2, n_steps=30, rng=4)
    loss_ax = next(ax for ax in fig.axes if "loss" in ax.get_ylabel())
    (line,) = loss_ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), res.loss_history, rtol=1e-14)
    title = fig._suptitle.get_text()
    assert "seed 4" in title and "step 0.01" in title and "diverged" not in title
    assert f"{res.final_loss:.3g}" in title


def test_fit_history_figure_records_at_most_about_400_points():
    fig = fit_history_figure(ARCH, S, T, step=1e-3, n_steps=1200, seed=0)
    (line,) = fig.axes[0].get_lines()
    assert len(line.get_xdata()) == 1200 // 3 + 1  # record_every = 1200 // 400 = 3


def test_fit_history_figure_says_when_the_run_diverged():
    fig = fit_history_figure(ARCH, S, T, step=10.0, n_steps=20, seed=0)
    assert "(diverged)" in fig._suptitle.get_text()


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(step=0.0), ValueError, r"^step\b"),
        (dict(step=-1e-2), ValueError, r"^step\b"),
        (dict(n_steps=-1), ValueError, r"^n_steps\b"),
        (dict(n_steps=2.5), TypeError, r"^n_steps\b"),
        (dict(seed=-1), ValueError, r"^seed\b"),
        (dict(seed=1.5), TypeError, r"^seed\b"),
        (dict(seed="zero"), TypeError, r"^seed\b"),
    ],
)
def test_fit_history_figure_refuses_bad_arguments_naming_them(kwargs, exc, pattern):
    args = dict(step=1e-2, n_steps=5, seed=0)
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        fit_history_figure(ARCH, S, T, **args)


def test_fit_history_figure_refuses_a_bad_sample_or_response():
    with pytest.raises(ValueError, match=r"\bS\b"):
        fit_history_figure(ARCH, np.ones((6, 3)), T, step=1e-2, n_steps=5, seed=0)
    with pytest.raises(ValueError, match=r"\bT\b"):
        fit_history_figure(ARCH, S, np.ones((5, 2)), step=1e-2, n_steps=5, seed=0)


# --------------------------------------------------------------------------------- fit_explorer


def test_fit_explorer_returns_a_vbox_with_step_steps_and_seed_sliders():
    box = fit_explorer(ARCH, S, T, step=1e-2, n_steps=20, seed=3, max_steps=1000, max_seed=9)
    assert isinstance(box, w.VBox)
    sliders = _sliders(box)
    assert set(sliders) == {"step size", "number of steps", "seed"}
    assert isinstance(sliders["step size"], w.FloatLogSlider)
    assert sliders["step size"].value == pytest.approx(1e-2, rel=1e-12)
    assert (sliders["number of steps"].value, sliders["number of steps"].max) == (20, 1000)
    assert (sliders["seed"].value, sliders["seed"].min, sliders["seed"].max) == (3, 0, 9)


@pytest.mark.parametrize("step", [1.0, 1e-6])
def test_fit_explorer_shows_exactly_the_step_it_was_given_or_refuses_it(step):
    # The step slider spans 1e-4 .. 10^-0.5; a value outside must not be silently clamped.
    try:
        box = fit_explorer(ARCH, S, T, step=step, n_steps=5, max_steps=100)
    except ValueError as err:
        assert "step" in str(err)
    else:
        assert _sliders(box)["step size"].value == pytest.approx(step, rel=1e-12)


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(n_steps=2000, max_steps=1000), ValueError, r"^n_steps\b"),
        (dict(n_steps=-1), ValueError, r"^n_steps\b"),
        (dict(seed=10, max_seed=9), ValueError, r"^seed\b"),
        (dict(seed=-1), ValueError, r"^seed\b"),
        (dict(step=0.0), ValueError, r"^step\b"),
        (dict(step=-0.5), ValueError, r"^step\b"),
        (dict(max_steps=-5), ValueError, r"^max_steps\b"),
        (dict(max_seed=-1), ValueError, r"^max_seed\b"),
    ],
)
def test_fit_explorer_refuses_bad_arguments_naming_them(kwargs, exc, pattern):
    args = dict(step=1e-2, n_steps=5, seed=0, max_steps=100)
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        fit_explorer(ARCH, S, T, **args)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [(dict(seed=1.5), r"^seed\b"), (dict(seed=True), r"^seed\b"), (dict(n_steps=2.5), r"^n_steps\b"),
     (dict(n_steps=True), r"^n_steps\b"), (dict(max_seed=2.5), r"^max_seed\b")],
)
def test_fit_explorer_refuses_non_integer_slider_values_instead_of_truncating_them(kwargs, pattern):
    args = dict(step=1e-2, n_steps=5, seed=0, max_steps=100)
    args.update(kwargs)
    with pytest.raises(TypeError, match=pattern):
        fit_explorer(ARCH, S, T, **args)


def test_fit_explorer_refuses_bad_data_and_architecture():
    with pytest.raises(TypeError, match="arch"):
        fit_explorer((2, 2, 2), S, T)
    with pytest.raises(ValueError, match=r"\bS\b"):
        fit_explorer(ARCH, S[:, :1], T)
    with pytest.raises(ValueError, match=r"\bT\b"):
        fit_explorer(ARCH, S, T[:4])
    with pytest.raises(ValueError, match=r"\bS\b"):
        fit_explorer(Architecture((2, 2, 2)), np.full((6, 2), np.nan), T)
