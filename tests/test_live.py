"""nnlib.viz.live: a live figure redrawn by blitting gives the same picture as drawing it afresh."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from nnlib.viz.live import LiveFigure, encode_png, live_widget, nice_limits
from _helpers import pixels


def two_panel(x0: float, y0: float):
    """A still curve, a legend and a title in each panel; a moving point and a moving title."""
    fig = Figure(figsize=(4, 2), dpi=60, layout="constrained")
    axes = fig.subplots(1, 2)
    moving = []
    for ax in axes:
        ax.plot([0, 1], [0, 1], color="0.6", zorder=1, label="still line")
        ax.set(xlim=(-1, 2), ylim=(-1, 2), xlabel="x", ylabel="y", title="panel")
        (pt,) = ax.plot([x0], [y0], "o", color="tab:red", zorder=3, label="moving point")
        ax.legend(loc="upper left")
        moving.append(pt)
    moving.append(fig.suptitle(f"point at ({x0:g}, {y0:g})"))
    return fig, moving


def move(fig, moving, x, y):
    for pt in moving[:-1]:
        pt.set_data([x], [y])
    moving[-1].set_text(f"point at ({x:g}, {y:g})")


def test_a_blitted_frame_equals_the_figure_drawn_afresh():
    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving)
    live.render()
    move(fig, moving, 1.5, 0.25)
    blitted = live.render()
    assert live.last_mode == "blit"
    fresh_fig, fresh_moving = two_panel(1.5, 0.25)
    fresh = LiveFigure(fresh_fig, fresh_moving).render()
    assert np.array_equal(pixels(blitted), pixels(fresh))


def test_the_live_picture_equals_the_ordinary_rendering_when_moving_artists_lie_on_top():
    # (1.5, 0) is clear of the legends, which lie above the points in z-order: a point moved
    # under a legend would be drawn over it by the live figure, the one difference allowed.
    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving)
    live.render()  # the first draw fixes the layout
    move(fig, moving, 1.5, 0.0)
    png = live.render()
    plain, _ = two_panel(1.5, 0.0)  # drawn the usual way, no artist animated
    FigureCanvasAgg(plain).draw()  # lays it out as the live figure's first draw did
    plain.set_layout_engine("none")
    buf = io.BytesIO()
    plain.savefig(buf, format="png", dpi=60)
    assert np.array_equal(pixels(png), pixels(buf.getvalue()))


def test_the_moving_point_really_moves():
    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving)
    a = pixels(live.render())
    move(fig, moving, 1.5, 1.5)
    b = pixels(live.render())
    assert not np.array_equal(a, b)


def test_new_limits_draw_in_full_and_known_limits_reuse_their_background():
    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving)
    live.render()
    ax = fig.axes[0]
    ax.set_xlim(-5, 5)
    live.render()
    assert live.last_mode == "full"
    ax.set_xlim(-1, 2)
    live.render()
    assert live.last_mode == "blit"
    assert (live.full_draws, live.blits) == (2, 1)


def test_a_new_static_key_draws_in_full():
    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving)
    live.render(static_key="relu")
    live.render(static_key="sigmoid")
    assert live.last_mode == "full"
    live.render(static_key="relu")
    assert live.last_mode == "blit"


def test_backgrounds_beyond_the_cache_size_are_forgotten():
    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving, max_backgrounds=2)
    for key in ("a", "b", "c", "a"):
        live.render(static_key=key)
    assert live.last_mode == "full"  # "a" was evicted by "c"


def test_bad_arguments_are_named():
    fig, moving = two_panel(0.0, 0.0)
    other, other_moving = two_panel(0.0, 0.0)
    with pytest.raises(TypeError, match="^fig must be a matplotlib Figure"):
        LiveFigure("figure", moving)
    with pytest.raises(ValueError, match=r"^moving\[0\] \(Line2D\) does not belong to fig"):
        LiveFigure(fig, other_moving)
    with pytest.raises(TypeError, match=r"^moving\[1\] must be a matplotlib artist"):
        LiveFigure(fig, [moving[0], "title"])
    with pytest.raises(ValueError, match="^compress_level must be an integer zlib level between 0 and 9"):
        LiveFigure(fig, moving, compress_level=11)
    with pytest.raises(ValueError, match="^max_backgrounds must be a positive integer"):
        LiveFigure(fig, moving, max_backgrounds=0)


def test_an_artist_of_a_subfigure_belongs_to_the_root_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 2))
    (line,) = fig.subfigures(1, 2)[1].add_subplot().plot([0, 1], [0, 1])
    LiveFigure(fig, [line])  # accepted: the subfigure's artist is drawn on fig
    with pytest.raises(ValueError, match=r"^moving\[0\] \(Line2D\) does not belong to fig"):
        LiveFigure(Figure(), [line])


def test_live_widget_redraws_on_a_change_and_reports_rejected_values():
    import ipywidgets as w

    fig, moving = two_panel(0.0, 0.0)
    live = LiveFigure(fig, moving)

    def render(x, y):
        if x > 1.9:
            raise ValueError(f"x must be at most 1.9; got {x}")
        move(fig, moving, x, y)
        return live.render()

    sx, sy = w.FloatSlider(value=0.0, min=-1, max=2), w.FloatSlider(value=0.0, min=-1, max=2)
    box = live_widget(render, {"x": sx, "y": sy}, rows=[["x", "y"]])
    image, message = box.children[-2], box.children[-1]
    first = image.value
    sx.value = 1.0
    assert image.value != first and message.value == ""
    moved = image.value
    sx.value = 2.0
    assert image.value == moved  # the previous picture stays
    assert "x must be at most 1.9" in message.value
    sx.value = 0.5
    assert message.value == ""


def test_live_widget_checks_its_arguments():
    import ipywidgets as w

    s = w.FloatSlider()
    with pytest.raises(TypeError, match="^render must be callable"):
        live_widget(None, {"x": s})
    with pytest.raises(ValueError, match="^controls must be a non-empty mapping"):
        live_widget(lambda: b"", {})
    with pytest.raises(TypeError, match=r"^controls\['x'\] must be an ipywidgets value widget"):
        live_widget(lambda x: b"", {"x": 3})
    with pytest.raises(ValueError, match="^rows must place every control exactly once"):
        live_widget(lambda x: b"", {"x": s}, rows=[["x", "x"]])


@pytest.mark.parametrize("channels", [3, 4])
def test_encode_png_is_lossless(channels):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(37, 53, channels), dtype=np.uint8)
    back = np.asarray(Image.open(io.BytesIO(encode_png(img))))
    assert back.shape == img.shape and np.array_equal(back, img)


def test_encode_png_of_a_figure_equals_pillows_picture():
    fig, moving = two_panel(0.3, 0.7)
    png = LiveFigure(fig, moving).render()
    rgb = pixels(png)[:, :, :3]
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="png")
    assert np.array_equal(pixels(buf.getvalue()), pixels(png))


def test_encode_png_rejects_what_is_not_an_image():
    with pytest.raises(ValueError, match="^pixels must be a uint8 array"):
        encode_png(np.zeros((4, 4, 3)))  # float
    with pytest.raises(ValueError, match="^pixels must be a uint8 array"):
        encode_png(np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(ValueError, match="^level must be an integer zlib level between 0 and 9"):
        encode_png(np.zeros((4, 4, 3), dtype=np.uint8), level=10)


def test_nice_limits_hold_the_data_and_stay_put_under_small_moves():
    lo, hi = nice_limits([0.13, 4.2])
    assert lo <= 0.13 and hi >= 4.2
    assert nice_limits([0.13, 4.25]) == (lo, hi)
    assert nice_limits([0.13, 40.0])[1] > hi
    with pytest.raises(ValueError, match="^values must contain at least one finite number"):
        nice_limits([np.nan])
