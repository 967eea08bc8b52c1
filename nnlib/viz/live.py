"""Figures that answer a slider at once: draw the still parts once, redraw only what moves.

Rebuilding and re-rendering a whole matplotlib figure on every slider move costs several
times a blitted move (most of it laying out and rasterising tick labels, legends and titles,
which do not change when a slider moves; what each part below buys is measured by
``bench/live_parts.py``, see bench/NOTES.md).  A :class:`LiveFigure` keeps one figure alive:

* the first :meth:`~LiveFigure.render` draws everything, freezes the layout, and keeps the
  pixels of the *still* artists (axes, ticks, labels, legends, fixed data) as a background;
* each later render restores that background and draws only the *moving* artists on top
  (matplotlib's "blitting"), then encodes the canvas as PNG;
* when the axes limits change (or the caller's ``static_key`` changes) the still parts are
  different, so the figure is drawn in full again; backgrounds are cached per key, so coming
  back to limits seen before is a blit again.

The picture is the same as drawing the figure afresh as long as the moving artists lie on top
of the still ones (``tests/test_live.py`` checks this pixel for pixel).  :func:`live_widget`
wires a render function to ipywidgets controls and an ``ipywidgets.Image``.

Examples
--------
>>> import matplotlib
>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(3, 2), dpi=50)
>>> ax = fig.add_subplot()
>>> _ = ax.set(xlim=(0, 1), ylim=(0, 1), title="a moving point")
>>> (point,) = ax.plot([0.5], [0.5], "o", label="point")
>>> live = LiveFigure(fig, [point])
>>> live.render()[:8] == b"\\x89PNG\\r\\n\\x1a\\n", live.last_mode
(True, 'full')
>>> point.set_data([0.2], [0.7])
>>> _ = live.render(); live.last_mode          # same limits: only the point is redrawn
'blit'
"""

from __future__ import annotations

import asyncio
import html
import struct
import time
import zlib
from collections import OrderedDict
from typing import Callable, Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._checks import check_int, check_positive_int, check_real

__all__ = ["LiveFigure", "encode_png", "live_widget", "nice_limits"]


def nice_limits(values, *, margin: float = 0.06, steps: int = 8) -> tuple[float, float]:
    """Axis limits around ``values``, rounded outward to a 1-2-5 step: stable under small moves.

    A live figure is blitted only while its limits stay put; limits that follow the data
    exactly would change on every slider move.  Rounding outward to one of about ``steps``
    ticks of a 1, 2, 5 x 10^j grid keeps them fixed until the data leave the window.

    >>> nice_limits([0.0, 2.0])
    (-0.5, 2.5)
    >>> nice_limits([0.0, 2.01])        # a small move keeps the limits
    (-0.5, 2.5)
    >>> nice_limits([3.0])              # a single value gets a window of its own size
    (1.0, 5.0)

    Non-finite entries of ``values`` are ignored (a diverged point is simply not framed).

    Raises
    ------
    TypeError
        If ``values`` are not real numbers (complex included), ``margin`` is not a real number
        or ``steps`` not an integer (bools included).
    ValueError
        If ``values`` has no finite entry, ``margin`` is negative or not finite, ``steps`` is
        below 1, or the limits would overflow float64.
    """
    margin = check_real("margin", margin, low=0.0)
    steps = check_positive_int("steps", steps)
    try:
        kind = np.asarray(values).dtype.kind
        v = np.asarray(values, dtype=float).ravel() if kind in "iufO" else None
    except (TypeError, ValueError, OverflowError):
        v = None
    if v is None:
        raise TypeError(f"values must be real numbers (NaN and infinities are ignored); got {values!r:.80}")
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError("values must contain at least one finite number")
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        half = max(1.0, abs(lo) / 2)
        lo, hi, span = lo - half, hi + half, 2 * half
    lo, hi = lo - margin * span, hi + margin * span
    with np.errstate(over="ignore", invalid="ignore"):  # (limits beyond float64 are refused below)
        raw = (hi - lo) / steps
        exp = np.floor(np.log10(raw))
        step = next((m * 10**exp for m in (1, 2, 5, 10) if m * 10**exp >= raw * (1 - 1e-12)), np.inf)
        lo, hi = float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"values and margin must leave limits within float64; got a span of {span:g} "
                         f"and margin {margin:g}")
    return lo, hi


def _root_figure(artist):
    """The top-level Figure an artist belongs to (None if it has none), on every supported matplotlib.

    ``artist.get_figure(root=True)`` exists from matplotlib 3.10; before it, ``get_figure()`` returns the
    (sub)figure that holds the artist, and a SubFigure's ``.figure`` is the root Figure (a Figure's is itself).
    """
    try:
        return artist.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10: get_figure() takes no argument
        fig = artist.get_figure()
        return None if fig is None else fig.figure


class LiveFigure:
    """A figure kept alive between slider moves, re-rendered by blitting its moving artists.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, fully built (a pyplot figure is detached from pyplot, so that a notebook
        does not also show it at the end of the cell).
    moving : sequence of matplotlib artists
        The artists an update changes (lines, scatter collections, texts, the title...).
        Everything else must stay the same unless the axes limits or ``static_key`` change.
    max_backgrounds : int
        How many backgrounds (one per set of limits and static key) to keep.
    compress_level : int in 0..9
        zlib level of the PNG encoder (:func:`encode_png`; 1 is the fastest that still compresses).

    Attributes
    ----------
    last_mode : str
        ``"full"`` or ``"blit"``: how the last render was drawn.
    full_draws, blits : int
        Counts of each kind of render so far.
    """

    def __init__(self, fig, moving: Sequence, *, max_backgrounds: int = 16, compress_level: int = 1):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
        moving = list(moving)
        for i, a in enumerate(moving):
            if not isinstance(a, Artist):
                raise TypeError(f"moving[{i}] must be a matplotlib artist; got {type(a).__name__}")
            if _root_figure(a) is not fig:
                raise ValueError(f"moving[{i}] ({type(a).__name__}) does not belong to fig")
        max_backgrounds = check_positive_int("max_backgrounds", max_backgrounds)
        compress_level = check_int("compress_level", compress_level, low=0, high=9, what="an integer zlib level")
        import matplotlib.pyplot as plt

        plt.close(fig)  # no-op for a figure pyplot does not manage
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.moving = moving
        for a in moving:
            a.set_animated(True)  # skipped by canvas.draw(): drawn by hand on top of the background
        self.max_backgrounds = max_backgrounds
        self.compress_level = compress_level
        self._backgrounds: OrderedDict = OrderedDict()
        self._laid_out = False
        self.last_mode = ""
        self.full_draws = 0
        self.blits = 0

    def _key(self, static_key):
        limits = tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_visible())
                       for ax in self.fig.axes)
        return (limits, static_key)

    def render(self, static_key=None) -> bytes:
        """Draw the figure as it is now and return it as PNG bytes.

        ``static_key`` (any hashable) names the state of the still artists beyond the axes
        limits: pass a new value whenever the update changed a still artist (e.g. the picture
        drawn for another activation), so that its background is drawn afresh.
        """
        key = self._key(static_key)
        background = self._backgrounds.get(key)
        if background is None:
            self.canvas.draw()  # the still artists (the layout engine runs on the first draw only)
            if not self._laid_out:
                self.fig.set_layout_engine("none")  # freeze the positions found by the first draw
                self._laid_out = True
                key = self._key(static_key)  # (the layout cannot move limits, but stay exact)
            background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._backgrounds[key] = background
            if len(self._backgrounds) > self.max_backgrounds:
                self._backgrounds.popitem(last=False)
            self.last_mode = "full"
            self.full_draws += 1
        else:
            self._backgrounds.move_to_end(key)
            self.canvas.restore_region(background)
            self.last_mode = "blit"
            self.blits += 1
        for a in self.moving:
            if a.get_visible():
                self.fig.draw_artist(a)
        return self.png()

    def png(self) -> bytes:
        """The canvas as it was last drawn, encoded as PNG (:func:`encode_png`).

        RGB when the figure's background is opaque (a quarter less to compress than RGBA, the
        same picture), RGBA otherwise.
        """
        from matplotlib.colors import to_rgba

        pixels = np.asarray(self.canvas.buffer_rgba())
        if to_rgba(self.fig.get_facecolor())[3] == 1.0:
            pixels = pixels[:, :, :3]
        return encode_png(pixels, level=self.compress_level)


def encode_png(pixels, *, level: int = 1) -> bytes:
    """Lossless PNG of an 8-bit RGB or RGBA image (rows of pixels), in a few milliseconds.

    Rows are stored unfiltered and compressed by zlib.  Pillow tries the five PNG filters on
    every row, which makes files of plots a little smaller but takes several times as long
    (bench/NOTES.md); for a widget redrawn on every slider move the time matters more.

    >>> import io
    >>> from PIL import Image
    >>> rgb = np.zeros((2, 3, 3), dtype=np.uint8); rgb[0, 1] = (255, 128, 0)
    >>> back = np.asarray(Image.open(io.BytesIO(encode_png(rgb))))
    >>> np.array_equal(back, rgb)
    True
    """
    a = np.asarray(pixels)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] not in (3, 4) or a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(f"pixels must be a uint8 array of shape (height, width, 3 or 4); got {a.dtype} {a.shape}")
    level = check_int("level", level, low=0, high=9, what="an integer zlib level")
    h, w, c = a.shape
    raw = np.empty((h, 1 + w * c), dtype=np.uint8)
    raw[:, 0] = 0  # filter type "None" for every row
    raw[:, 1:] = a.reshape(h, w * c)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 6, 0, 0, 0)  # 8 bits, RGB(A), no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + chunk(b"IEND", b""))


def _finish(more) -> bool:
    """Call ``more()`` until it returns False (no work left); True if any call did work."""
    worked = False
    while more():
        worked = True
    return worked


def live_widget(render: Callable[..., bytes], controls: Mapping[str, object], *,
                rows: Sequence[Sequence[str]] | None = None, progress_seconds: float = 1.0):
    """An ipywidgets box: the controls, and an image showing ``render(**values)``.

    Parameters
    ----------
    render : callable
        Takes the controls' values as keyword arguments (by the names of ``controls``) and
        returns PNG bytes (e.g. a function that updates a :class:`LiveFigure` and returns its
        :meth:`~LiveFigure.render`).
    controls : mapping of str to ipywidgets value widgets
        The sliders, menus, ... whose ``value`` feeds ``render``.
    rows : list of lists of names, optional
        How to arrange the controls (default: one row each).

    Returns
    -------
    ipywidgets.VBox
        The controls, the image, and a message line that shows the error when ``render``
        rejects a combination of values (the previous picture then stays).

    Notes
    -----
    A ``render`` that computes in chunks (``nnlib.viz.fitting.fit_live(chunk_steps=...)``) has
    ``render.more()`` (one more chunk of the last setting; False when none was left) and
    ``render.redraw()`` (its PNG so far).  The first picture is completed at once; after a move,
    the image shows ``render``'s first picture and the remaining chunks run one at a time in the
    kernel's event loop, so that a new move is handled between two chunks (and stops them); the
    image is redrawn when the work is done (and about every ``progress_seconds`` meanwhile).
    Without a running event loop (a script, a test) the work is finished before ``redraw`` returns.
    """
    import ipywidgets as w

    if not callable(render):
        raise TypeError(f"render must be callable; got {type(render).__name__}")
    if not isinstance(controls, Mapping) or not controls:
        raise ValueError("controls must be a non-empty mapping of names to ipywidgets")
    for name, c in controls.items():
        if not hasattr(c, "value") or not hasattr(c, "observe"):
            raise TypeError(f"controls[{name!r}] must be an ipywidgets value widget; got {type(c).__name__}")
    if rows is None:
        rows = [[name] for name in controls]
    placed = [name for row in rows for name in row]
    if sorted(placed) != sorted(controls):
        raise ValueError(f"rows must place every control exactly once; got {placed}, controls {list(controls)}")

    def values():
        return {name: c.value for name, c in controls.items()}

    if not (isinstance(progress_seconds, (int, float)) and progress_seconds > 0):
        raise ValueError(f"progress_seconds must be a positive number of seconds; got {progress_seconds!r}")
    more = getattr(render, "more", None)
    first = render(**values())
    if more is not None and _finish(more):
        first = render.redraw()
    image = w.Image(value=first, format="png", layout=w.Layout(max_width="100%", height="auto"))
    message = w.HTML(value="")
    moves = [0]  # the number of moves so far: a chunk left over from an older move stops

    def follow(move, last_drawn, worked=False):
        """One chunk of the work of ``move``, then the next one scheduled (or the final picture)."""
        if move != moves[0]:
            return
        try:
            if not more():  # nothing left: the final picture (if anything was computed)
                if worked:
                    image.value = render.redraw()
                return
            if time.monotonic() - last_drawn > progress_seconds:
                image.value = render.redraw()
                last_drawn = time.monotonic()
        except (ValueError, TypeError) as exc:
            message.value = f"<b>cannot draw this setting</b>: {html.escape(str(exc))}"
            return
        asyncio.get_running_loop().call_soon(follow, move, last_drawn, True)

    def redraw(_change=None):
        try:
            image.value = render(**values())
            moves[0] += 1  # (a rejected setting leaves the previous move's work going)
            if more is not None:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no event loop: finish now
                    if _finish(more):
                        image.value = render.redraw()
                else:
                    loop.call_soon(follow, moves[0], time.monotonic())
        except (ValueError, TypeError) as exc:
            message.value = f"<b>cannot draw this setting</b>: {html.escape(str(exc))}"
        else:
            message.value = ""

    for c in controls.values():
        c.observe(redraw, names="value")
    boxes = [w.HBox([controls[name] for name in row]) for row in rows]
    return w.VBox(boxes + [image, message])
