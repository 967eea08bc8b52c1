"""nnlib.viz.fitting: the gradient-descent explorer (sliders) and its callback (a figure).

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
from nnlib.viz.fitting import fit_explorer, fit_history_figure, fit_result_figure
from _helpers import pixels, same_picture

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
    title = fig._suptitle.get_text()
    last = int(gradient_descent(ARCH, S, T, step=10.0, n_steps=20, rng=0).steps[-1])
    assert f"diverged (step {last + 1} blows up; at step {last}:" in title
    # The curves show the run up to its blow-up, not one point on empty axes.
    assert all(len(line.get_xdata()) == last + 1 for ax in fig.axes for line in ax.get_lines())


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


def test_fit_explorer_recomputes_a_new_run_only_when_the_seed_or_step_slider_is_released():
    # A new seed or step size is a new run of sequential steps (~0.5 s for 20 000): updating on
    # every notch of a drag would queue one run per notch.  The steps slider is served from the
    # kept run and answers while dragged.
    sliders = _sliders(fit_explorer(ARCH, S, T, step=1e-2, n_steps=20, seed=3, max_steps=1000, max_seed=9))
    assert sliders["seed"].continuous_update is False
    assert sliders["step size"].continuous_update is False
    assert sliders["number of steps"].continuous_update is True


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


# ------------------------------------------------------------------- the live widget (fit_live)


def _same_result(a, b):
    return a.status == b.status and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in
                                        ("theta", "steps", "loss_history", "norm_history", "grad_norm_history"))


def test_the_run_cache_serves_what_gradient_descent_returns_bit_for_bit_in_any_order():
    from nnlib.viz.fitting import _RunCache

    runs = _RunCache(ARCH, S, T)
    for seed, step, n in [(9, 5e-3, 1200), (9, 5e-3, 400), (9, 5e-3, 2000), (3, 1e-2, 900), (9, 5e-3, 1999),
                          (0, 3.0, 2)]:
        expected = gradient_descent(ARCH, S, T, step=step, n_steps=n, rng=seed, record_every=max(1, n // 400))
        assert _same_result(runs.result(seed, step, n), expected), (seed, step, n)


def test_a_run_that_blows_up_is_served_up_to_its_last_finite_iterate():
    from nnlib.viz.fitting import _RunCache

    arch, (S1, T1) = theorem1_architecture(), theorem1_data()  # step 0.2 blows up after a few dozen steps
    res = _RunCache(arch, S1, T1).result(0, 0.2, 500)
    every_step = gradient_descent(arch, S1, T1, step=0.2, n_steps=500, rng=0, record_every=1)
    assert res.status == every_step.status == "diverged" and 2 <= res.steps[-1] == every_step.steps[-1] < 500
    assert np.array_equal(res.theta, every_step.theta)
    np.testing.assert_array_equal(res.loss_history, every_step.loss_history[res.steps])
    np.testing.assert_array_equal(res.norm_history, every_step.norm_history[res.steps])


def test_moving_the_steps_slider_back_takes_no_new_step_and_forward_only_the_missing_ones():
    from nnlib.viz.fitting import _RunCache

    runs = _RunCache(ARCH, S, T)
    runs.result(4, 1e-2, 3000)
    assert runs.steps_taken == 3000
    runs.result(4, 1e-2, 1000)
    runs.result(4, 1e-2, 3000)
    assert runs.steps_taken == 3000
    runs.result(4, 1e-2, 3500)
    assert runs.steps_taken == 3500
    runs.result(5, 1e-2, 100)  # another seed: a run of its own
    assert runs.steps_taken == 3600


def test_the_run_cache_keeps_only_the_latest_runs():
    from nnlib.viz.fitting import _RunCache

    runs = _RunCache(ARCH, S, T, max_runs=2)
    for seed in (1, 2, 3):
        runs.result(seed, 1e-2, 100)
    runs.result(1, 1e-2, 100)  # forgotten: computed again
    assert runs.steps_taken == 400
    runs.result(3, 1e-2, 100)  # still kept
    assert runs.steps_taken == 400


def test_the_live_figure_after_other_moves_equals_a_fresh_renderer_pixel_for_pixel():
    from nnlib.viz.fitting import fit_live

    target = dict(step=5e-3, n_steps=1500, seed=9)
    render = fit_live(ARCH, S, T, max_steps=3000)
    for values in [dict(step=5e-3, n_steps=3000, seed=9), dict(step=1e-2, n_steps=700, seed=2),
                   dict(step=5e-3, n_steps=1400, seed=9), dict(step=0.3, n_steps=300, seed=0)]:
        render(**values)
    moved = render(**target)
    fresh = fit_live(ARCH, S, T, max_steps=3000)(**target)
    assert np.array_equal(pixels(moved), pixels(fresh))


def test_a_steps_move_that_keeps_the_limits_is_a_blit_and_really_changes_the_picture():
    from nnlib.viz.fitting import fit_live

    render = fit_live(ARCH, S, T, max_steps=3000)
    first = render(step=5e-3, n_steps=3000, seed=9)
    assert render.live.last_mode == "full"
    second = render(step=5e-3, n_steps=2900, seed=9)
    assert render.live.last_mode == "blit"
    assert not np.array_equal(pixels(first), pixels(second))


def test_the_live_picture_shows_the_static_figures_curves_and_title():
    from nnlib.viz.fitting import fit_live

    render = fit_live(ARCH, S, T, max_steps=3000)
    render(step=1e-2, n_steps=800, seed=4)
    fig = fit_history_figure(ARCH, S, T, step=1e-2, n_steps=800, seed=4, max_steps=3000)
    live_fig = render.live.fig
    assert live_fig._suptitle.get_text() == fig._suptitle.get_text()
    for live_ax, ax in zip(live_fig.axes, fig.axes):
        (live_line,), (line,) = live_ax.get_lines(), ax.get_lines()
        np.testing.assert_array_equal(live_line.get_xydata(), line.get_xydata())
        assert live_ax.get_xlim() == ax.get_xlim() and live_ax.get_ylim() == ax.get_ylim()
        assert [t.get_text() for t in live_ax.get_legend().get_texts()] == ["seed 4"]


def test_the_widget_figure_spans_the_steps_slider_on_the_x_axis():
    fig = fit_history_figure(ARCH, S, T, step=1e-2, n_steps=30, seed=4, max_steps=50_000)
    lo, hi = fig.axes[0].get_xlim()
    assert lo < 1 and 50_001 < hi < 2 * 50_001


@pytest.mark.parametrize(
    "values, exc, pattern",
    [
        (dict(step=0.0), ValueError, r"^step\b"),
        (dict(n_steps=3001), ValueError, r"^n_steps\b"),
        (dict(n_steps=1.5), TypeError, r"^n_steps\b"),
        (dict(seed=-2), ValueError, r"^seed\b"),
    ],
)
def test_the_live_renderer_refuses_bad_slider_values_naming_them(values, exc, pattern):
    from nnlib.viz.fitting import fit_live

    render = fit_live(ARCH, S, T, max_steps=3000)
    args = dict(step=1e-2, n_steps=10, seed=0)
    args.update(values)
    with pytest.raises(exc, match=pattern):
        render(**args)


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [(dict(max_steps=0), ValueError, r"^max_steps\b"), (dict(init_scale=-1.0), ValueError, r"^init_scale\b"),
     (dict(max_runs=0), ValueError, r"^max_runs\b")],
)
def test_fit_live_refuses_bad_arguments_naming_them(kwargs, exc, pattern):
    from nnlib.viz.fitting import fit_live

    with pytest.raises(exc, match=pattern):
        fit_live(ARCH, S, T, **kwargs)


def test_fit_explorer_shows_the_live_picture_and_redraws_it_when_a_slider_moves():
    from nnlib.viz.fitting import fit_live

    box = fit_explorer(ARCH, S, T, step=1e-2, n_steps=200, seed=3, max_steps=1000, max_seed=9)
    (image,) = [c for c in box.children if isinstance(c, w.Image)]
    render = fit_live(ARCH, S, T, max_steps=1000)  # the widget's pictures: the opening setting, then each move
    assert same_picture(image.value, render(step=1e-2, n_steps=200, seed=3))
    _sliders(box)["number of steps"].value = 100
    assert same_picture(image.value, render(step=1e-2, n_steps=100, seed=3))
    _sliders(box)["seed"].value = 4
    assert same_picture(image.value, render(step=1e-2, n_steps=100, seed=4))


def test_fit_result_live_draws_what_fit_result_figure_draws():
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from nnlib.viz.fitting import fit_result_live

    runs = [gradient_descent(ARCH, S, T, step=1e-2, n_steps=n, rng=seed) for n, seed in ((30, 1), (60, 2))]
    render = fit_result_live()
    render(runs[1], seed=2, step=1e-2)  # another run first: the frame must not depend on it
    live = np.asarray(Image.open(io.BytesIO(render(runs[0], seed=1, step=1e-2))).convert("RGB"))
    fig = fit_result_figure(runs[0], seed=1, step=1e-2)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    plain = np.asarray(canvas.buffer_rgba())[:, :, :3]
    assert live.shape == plain.shape
    assert np.mean(np.any(live != plain, axis=2)) < 0.002  # the same picture (a few edge pixels may differ)
    with pytest.raises(TypeError, match="^result must be a FitResult"):
        render("run", seed=1, step=1e-2)


# ------------------------------------------------ fit_live in chunks (the explorer's first picture)
def test_fit_live_in_chunks_draws_the_first_chunk_first_and_the_whole_run_when_done():
    from nnlib.viz.fitting import fit_live

    target = {"step": 1e-2, "n_steps": 2500, "seed": 4}
    render = fit_live(ARCH, S, T, max_steps=3000, chunk_steps=1000)
    first = render(**target)
    run = render.runs._runs[(4, 1e-2)]
    assert render.runs.steps_taken == 1000 and run.it == 1000 and render.runs.todo(4, 1e-2, 2500) == 1500
    assert render.more() and render.more() and run.it == 2500  # two more chunks: 1000, then 500
    assert not render.more() and render.runs.steps_taken == 2500  # nothing left: no more steps
    final = render.redraw()
    assert first != final
    # the first picture is the one of the run stopped after its first chunk ...
    first_only = fit_live(ARCH, S, T, max_steps=3000, chunk_steps=1000)
    assert first_only(**target) == first
    # ... and the final picture is the whole run's, drawn at once without chunks
    assert final == fit_live(ARCH, S, T, max_steps=3000)(**target)


def test_fit_live_in_chunks_takes_the_same_steps_as_the_whole_run_bit_for_bit():
    from nnlib.viz.fitting import _RunCache

    whole = _RunCache(ARCH, S, T).result(7, 1e-2, 2345)
    runs = _RunCache(ARCH, S, T)
    partial = runs.result(7, 1e-2, 2345, budget=500)
    assert runs.todo(7, 1e-2, 2345) == 1845 and partial.steps[-1] == 500
    # the partial curves are the first points of the whole run's curves (recorded as often)
    k = len(partial.steps) - 1
    np.testing.assert_array_equal(partial.steps[:k], whole.steps[:k])
    np.testing.assert_array_equal(partial.loss_history[:k], whole.loss_history[:k])
    while runs.todo(7, 1e-2, 2345):
        runs.advance(7, 1e-2, 2345, budget=333)
    res = runs.result(7, 1e-2, 2345)
    for name in ("theta", "steps", "loss_history", "norm_history", "grad_norm_history"):
        np.testing.assert_array_equal(getattr(res, name), getattr(whole, name))
    assert res.status == whole.status


def test_fit_live_in_chunks_says_that_the_first_picture_is_still_computing():
    from nnlib.viz.fitting import fit_live

    render = fit_live(ARCH, S, T, max_steps=3000, chunk_steps=100)
    render(step=1e-2, n_steps=2000, seed=1)
    panels_title = render.live.fig.texts[0].get_text()
    assert panels_title.endswith("computing … 100 of 2000 steps so far")
    render.redraw()
    while render.more():
        pass
    render.redraw()
    assert render.live.fig.texts[0].get_text().startswith("seed 1, step 0.01: final loss")


def test_fit_live_refuses_a_bad_chunk_size_naming_it():
    from nnlib.viz.fitting import fit_live

    with pytest.raises(ValueError, match="chunk_steps"):
        fit_live(ARCH, S, T, chunk_steps=0)


def test_fit_explorer_finishes_the_run_of_a_move_without_an_event_loop():
    from nnlib.viz.fitting import EXPLORER_CHUNK_STEPS, fit_live

    n = 3 * EXPLORER_CHUNK_STEPS + 17
    box = fit_explorer(ARCH, S, T, step=1e-2, n_steps=n, seed=3, max_steps=4 * EXPLORER_CHUNK_STEPS, max_seed=9)
    (image,) = [c for c in box.children if isinstance(c, w.Image)]
    assert bytes(image.value) == fit_live(ARCH, S, T, max_steps=4 * EXPLORER_CHUNK_STEPS)(step=1e-2, n_steps=n, seed=3)
    _sliders(box)["seed"].value = 5  # no running event loop here: the run is finished at once
    assert bytes(image.value) == fit_live(ARCH, S, T, max_steps=4 * EXPLORER_CHUNK_STEPS)(step=1e-2, n_steps=n, seed=5)


def test_the_live_widget_runs_the_rest_of_a_move_in_the_event_loop_and_a_new_move_stops_it():
    import asyncio

    from nnlib.viz.fitting import fit_live
    from nnlib.viz.live import live_widget

    render = fit_live(ARCH, S, T, max_steps=3000, chunk_steps=200)
    seed = w.IntSlider(value=3, min=0, max=9)
    render_seed = lambda s: fit_live(ARCH, S, T, max_steps=3000)(step=1e-2, n_steps=2000, seed=s)  # noqa: E731
    chunked = live_widget(render, {"step": w.FloatText(value=1e-2), "n_steps": w.IntText(value=2000), "seed": seed})
    image = chunked.children[-2]
    assert bytes(image.value) == render_seed(3)  # the first picture is finished at once
    first_chunk = fit_live(ARCH, S, T, max_steps=3000, chunk_steps=200)

    async def move_then_wait():
        seed.value = 5
        assert bytes(image.value) == first_chunk(step=1e-2, n_steps=2000, seed=5)  # the first chunk, drawn at once
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        seed.value = 6  # a new move before seed 5 is done: seed 5's chunks stop
        for _ in range(30):
            await asyncio.sleep(0)

    asyncio.run(move_then_wait())
    assert bytes(image.value) == render_seed(6)  # the rest of seed 6 followed, and its picture is the whole run's
    assert 200 <= render.runs._runs[(5, 1e-2)].it <= 600  # seed 5 stopped after a chunk or two
