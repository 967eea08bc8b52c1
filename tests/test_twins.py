"""nnlib.viz.twins: the static twin of a widget (precomputed frames and an HTML slider).

nnlib's messages start with the name of the offending argument, so the patterns are anchored.
"""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib.viz.twins import MAX_FRAMES, TWIN_CLASS, StaticTwin, static_twin


def line_figure(slope):
    """A small figure whose picture depends on ``slope``."""
    fig, ax = plt.subplots(figsize=(2.0, 1.5))
    x = np.linspace(0.0, 1.0, 5)
    ax.plot(x, slope * x, label=f"slope {slope}")
    ax.set(xlabel="x", ylabel="y", title=f"slope {slope}", ylim=(-3, 3))
    ax.legend()
    return fig


def constant_figure(_value):
    """A figure that ignores its argument."""
    fig, ax = plt.subplots(figsize=(2.0, 1.5))
    ax.plot([0, 1], [0, 1], label="always the same")
    ax.set(xlabel="x", ylabel="y", title="the same picture")
    ax.legend()
    return fig


def build(values=(-2, 0, 2), **kw):
    kw.setdefault("name", "a")
    kw.setdefault("dpi", 30)
    return static_twin(line_figure, list(values), **kw)


# --------------------------------------------------------------------------- bad input


def test_empty_values_are_refused_naming_values():
    with pytest.raises(ValueError, match=r"^values must hold at least one"):
        static_twin(line_figure, [], name="a")


def test_too_many_values_are_refused_naming_values():
    with pytest.raises(ValueError, match=r"^values must hold at most"):
        static_twin(line_figure, list(range(MAX_FRAMES + 1)), name="a")


@pytest.mark.parametrize("values", ["abc", 3, None])
def test_values_that_are_not_a_sequence_are_refused(values):
    with pytest.raises(TypeError, match=r"^values must be a sequence"):
        static_twin(line_figure, values, name="a")


@pytest.mark.parametrize("function", [None, 3, "line_figure"])
def test_a_function_that_is_not_callable_is_refused_naming_function(function):
    with pytest.raises(TypeError, match=r"^function must be callable"):
        static_twin(function, [1, 2], name="a")


def test_a_function_returning_no_figure_is_refused_naming_function_and_the_value():
    with pytest.raises(TypeError, match=r"^function must return a matplotlib Figure or PNG bytes; for values\[1\] = 2 it returned int"):
        static_twin(lambda v: 1 if v == 2 else line_figure(v), [1, 2], name="a")


def test_bytes_that_are_not_a_png_are_refused():
    with pytest.raises(TypeError, match=r"^function must return a matplotlib Figure or PNG bytes.*returned bytes"):
        static_twin(lambda v: b"GIF89a", [1], name="a")


def test_a_live_renderer_gives_the_frames_the_widget_shows():
    from matplotlib.figure import Figure

    from nnlib.viz.live import LiveFigure

    fig = Figure(figsize=(2, 2), dpi=40)
    ax = fig.add_subplot()
    ax.set(xlim=(0, 4), ylim=(0, 4), title="a live point")
    (pt,) = ax.plot([0], [0], "o", label="point")
    live = LiveFigure(fig, [pt])

    def render(v):
        pt.set_data([v], [v])
        return live.render()

    twin = static_twin(render, [1, 2, 3], name="v")
    assert twin.frames == tuple(render(v) for v in (1, 2, 3))
    assert len(set(twin.frames)) == 3


def test_a_function_returning_axes_is_refused():
    def axes_only(v):
        fig, ax = plt.subplots()
        return ax

    with pytest.raises(TypeError, match=r"^function must return a matplotlib Figure.*returned Axes"):
        static_twin(axes_only, [1], name="a")


@pytest.mark.parametrize("name", ["", "  ", None, 3])
def test_a_missing_name_is_refused(name):
    with pytest.raises(TypeError, match=r"^name must be a non-empty str"):
        static_twin(line_figure, [1], name=name)


@pytest.mark.parametrize("initial, error", [(3, ValueError), (-1, ValueError), (1.0, TypeError)])
def test_initial_must_index_the_values(initial, error):
    with pytest.raises(error, match=r"^initial must"):
        build(initial=initial)


@pytest.mark.parametrize("dpi", [0, 5, 1000, "80", True])
def test_dpi_out_of_range_is_refused(dpi):
    with pytest.raises(ValueError, match=r"^dpi must be a number between"):
        build(dpi=dpi)


def test_fmt_of_the_wrong_kind_is_refused():
    with pytest.raises(TypeError, match=r"^fmt must be a format spec"):
        build(fmt=3)
    with pytest.raises(TypeError, match=r"^fmt must return a str"):
        build(fmt=lambda v: v)


# --------------------------------------------------------------------------- frames and labels


def test_the_twin_holds_one_png_frame_per_value():
    twin = build(values=(-2, -1, 0, 1, 2))
    assert isinstance(twin, StaticTwin)
    assert len(twin.frames) == len(twin.values) == len(twin.labels) == 5
    assert all(f.startswith(b"\x89PNG\r\n\x1a\n") for f in twin.frames)


def test_frames_differ_when_the_figures_differ():
    twin = build(values=(-2, 0, 2))
    assert len(set(twin.frames)) == 3


def test_frames_are_equal_when_the_figures_are_equal():
    twin = static_twin(constant_figure, [1, 2, 3], name="c", dpi=30)
    assert len(set(twin.frames)) == 1


def test_every_figure_is_closed_after_rendering():
    before = set(plt.get_fignums())
    build(values=(1, 2, 3, 4))
    assert set(plt.get_fignums()) == before


def test_frames_keep_the_figure_size_at_the_given_dpi():
    twin = build(values=(1,), dpi=40)
    png = twin.frames[0]
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (80, 60)  # 2.0 x 1.5 inches at 40 dpi


def test_labels_name_the_parameter_and_its_value():
    assert build(values=(0.5, 2, 100)).labels == ("a = 0.5", "a = 2", "a = 100")
    assert build(values=(0.5, 2), fmt=".2f").labels == ("a = 0.50", "a = 2.00")
    assert build(values=(1, 2), fmt=lambda v: f"{v} units").labels == ("a = 1 units", "a = 2 units")
    assert static_twin(lambda s: line_figure(len(s)), ["x", "yy"], name="word", dpi=30).labels == ("word = x", "word = yy")


def test_numpy_values_are_labelled_like_python_numbers():
    twin = build(values=np.array([0.25, 1.0]))
    assert twin.values == (0.25, 1.0) and twin.labels == ("a = 0.25", "a = 1")


# --------------------------------------------------------------------------- the HTML player


def _frames_in_html(page):
    return re.findall(r'<img class="nnlib-static-twin-frame" data-index="(\d+)" data-label="([^"]*)"[^>]*'
                      r'src="data:image/png;base64,([^"]+)"[^>]*?( hidden)?>', page)


def test_the_html_carries_the_dom_contract():
    twin = build(values=(-2, 0, 2), initial=1)
    page = twin._repr_html_()
    assert page.startswith(f'<div class="{TWIN_CLASS}" data-frames="3" data-index="1">')
    assert TWIN_CLASS == "nnlib-static-twin"
    assert page.count('<input type="range"') == 1
    assert re.search(r'<input type="range" min="0" max="2" step="1" value="1"', page)
    assert '<output class="nnlib-static-twin-label" style="font-family: monospace;">a = 0</output>' in page
    assert "data-nnlib-ready" in page and 'addEventListener("input"' in page


def test_the_html_holds_every_frame_in_order_and_shows_only_the_initial_one():
    twin = build(values=(-2, 0, 2), initial=2)
    frames = _frames_in_html(twin._repr_html_())
    assert [int(i) for i, *_ in frames] == [0, 1, 2]
    assert [label for _, label, *_ in frames] == list(twin.labels)
    assert [base64.b64decode(src) for _, _, src, _ in frames] == list(twin.frames)
    assert [hidden for *_, hidden in frames] == [" hidden", " hidden", ""]


def test_labels_are_escaped_in_the_html():
    twin = static_twin(line_figure, [1], name="a<b", fmt=lambda v: '"1"', dpi=30)
    page = twin._repr_html_()
    assert "a<b" not in page and "a&lt;b = &quot;1&quot;" in page


def test_the_text_output_is_a_short_summary():
    twin = build(values=(0.5, 2, 100), initial=1)
    assert repr(twin) == "StaticTwin of a: 3 frames, a = 0.5 ... a = 100 (shown: a = 2)"
    assert repr(build(values=(7,))) == "StaticTwin of a: 1 frame, a = 7 (shown: a = 7)"


def test_the_same_inputs_give_the_same_bytes():
    first, second = build(values=(-1, 1)), build(values=(-1, 1))
    assert first.frames == second.frames
    assert first._repr_html_() == second._repr_html_()
    assert repr(first) == repr(second)


def test_the_frames_carry_no_matplotlib_version_stamp():
    twin = build(values=(1,))
    assert b"Software" not in twin.frames[0] and b"atplotlib" not in twin.frames[0]


# --------------------------------------------------------------------------- callbacks split for twins


def test_fit_result_figure_draws_what_fit_history_figure_draws_for_the_same_run():
    from nnlib.fitting import gradient_descent
    from nnlib.paper import theorem1_architecture, theorem1_data
    from nnlib.viz.fitting import fit_history_figure, fit_result_figure

    S, T = theorem1_data()
    arch = theorem1_architecture()
    live = fit_history_figure(arch, S, T, step=1e-2, n_steps=400, seed=3)
    run = gradient_descent(arch, S, T, step=1e-2, n_steps=400, rng=3, record_every=1)
    frame = fit_result_figure(run, seed=3, step=1e-2)
    assert frame._suptitle.get_text() == live._suptitle.get_text()
    for ax_live, ax_frame in zip(live.axes, frame.axes):
        assert ax_live.get_title() == ax_frame.get_title() and ax_live.get_ylabel() == ax_frame.get_ylabel()
        np.testing.assert_array_equal(ax_live.get_lines()[0].get_ydata(), ax_frame.get_lines()[0].get_ydata())


def test_fit_result_figure_refuses_what_is_not_a_run():
    from nnlib.viz.fitting import fit_result_figure

    with pytest.raises(TypeError, match=r"^result must be a FitResult"):
        fit_result_figure([1.0, 2.0], seed=0, step=1e-2)


def test_frames_have_the_pixels_savefig_would_write():
    import io

    from PIL import Image

    twin = build(values=(2,), dpi=50)
    fig = line_figure(2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    saved = np.asarray(Image.open(buf).convert("RGB"))
    framed = np.asarray(Image.open(io.BytesIO(twin.frames[0])))
    assert framed.shape == saved.shape and framed.dtype == np.uint8
    np.testing.assert_array_equal(framed, saved)
