"""The kernel-free "static twin" of a chapter's widget: precomputed frames and a working slider.

On the static web page of the book an ipywidgets slider is drawn but does nothing, because no
Python kernel runs behind the page.  A static twin precomputes the figures of a one-parameter
sweep (``k`` for the sequence (17), the radius ``R`` of the price of boundedness, ...) by calling
the *same* figure function the live widget uses, once per parameter value, and shows them with an
HTML range slider and a few lines of JavaScript that switch between the stored PNG images.  It
needs no kernel, no ipywidgets manager and no network; the page carries the frames.

:func:`static_twin` is the one way to build a twin::

    twin = static_twin(lambda k: theta_k_figure(k), [1, 2, 3, 5, 10], name="k")
    twin        # last line of a notebook cell: displays the player

Its HTML output (``text/html``) is the player; its ``text/plain`` output is a short, deterministic
summary (the frame count and the first and last labels), which is what nbval compares.  The PNG
frames are written without metadata (no version stamp), so the same figures give the same bytes.

Driving a twin from a browser test
----------------------------------
The DOM contract (stable; the browser test relies on it):

- the twin's outer element is ``div.nnlib-static-twin``; it has ``data-frames`` (the number of
  frames) and ``data-index`` (the index of the frame shown, kept up to date by the script);
- the script marks the element with the attribute ``data-nnlib-ready`` once it has bound the
  control; wait for ``.nnlib-static-twin[data-nnlib-ready]`` before moving it;
- the control is the only ``input[type=range]`` inside it (``min=0``, ``max=frames-1``,
  ``step=1``).  Move it either way:

  * set the value and dispatch an ``input`` event::

        page.locator(".nnlib-static-twin input[type=range]").first.evaluate(
            "el => { el.value = 3; el.dispatchEvent(new Event('input', {bubbles: true})); }")

  * or focus it and press a key (the browser's own range behaviour fires ``input``)::

        slider = page.locator(".nnlib-static-twin input[type=range]").first
        slider.focus(); slider.press("ArrowRight")      # also End, Home, PageUp ...

  The first frame shown is the one ``initial`` chose, not necessarily index 0, and at the last
  frame ``ArrowRight`` does nothing: read ``data-index`` before moving;

- the current parameter value is the text of the ``output.nnlib-static-twin-label`` element next
  to the control (e.g. ``k = 3``), also in the input's ``aria-valuetext``;
- the frames are the ``img.nnlib-static-twin-frame`` elements (``data:image/png`` sources), one
  per value, in order, each with ``data-index`` and ``data-label``; exactly one of them is
  visible: the one *without* the ``hidden`` attribute (hidden ones also have ``display: none``),
  i.e. ``.nnlib-static-twin img.nnlib-static-twin-frame:not([hidden])``, whose ``data-index``
  equals the input's value and the root's ``data-index``.  Frames of different figures have
  different ``src``.

Without JavaScript (e.g. untrusted output in Jupyter) the initial frame and its label show and the
slider does nothing.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> def parabola(a):
...     fig, ax = plt.subplots(figsize=(3, 2))
...     x = [0, 1, 2, 3]
...     ax.plot(x, [a * v * v for v in x], label=f"y = {a} x^2")
...     ax.set(xlabel="x", ylabel="y", title=f"a = {a}")
...     ax.legend()
...     return fig
>>> twin = static_twin(parabola, [1, 2, 3], name="a", dpi=40)
>>> twin.labels
('a = 1', 'a = 2', 'a = 3')
>>> len(twin.frames), twin.frames[0][:8] == b"\\x89PNG\\r\\n\\x1a\\n"
(3, True)
>>> twin
StaticTwin of a: 3 frames, a = 1 ... a = 3 (shown: a = 1)
>>> 'class="nnlib-static-twin"' in twin._repr_html_()
True
"""

from __future__ import annotations

import base64
import html
import io
import numbers
from dataclasses import dataclass
from typing import Callable, Sequence

from .._checks import check_nonnegative_int

__all__ = ["StaticTwin", "static_twin", "MAX_FRAMES", "TWIN_CLASS"]

#: The CSS class of a twin's outer element (part of the browser-test contract).
TWIN_CLASS = "nnlib-static-twin"

#: At most this many frames (every frame is stored in the page).
MAX_FRAMES = 40

# Binds every twin on the page that is not bound yet; emitted after each twin, so it runs once
# the twin's elements exist.  Idempotent: several twins on one page each run it, harmlessly.
_SCRIPT = """<script>
(function () {
  var roots = document.querySelectorAll(".nnlib-static-twin:not([data-nnlib-ready])");
  Array.prototype.forEach.call(roots, function (root) {
    var input = root.querySelector("input[type=range]");
    var label = root.querySelector("output.nnlib-static-twin-label");
    var frames = root.querySelectorAll("img.nnlib-static-twin-frame");
    if (!input || !label || frames.length === 0) { return; }
    function show() {
      var i = Math.max(0, Math.min(frames.length - 1, Math.round(Number(input.value))));
      for (var j = 0; j < frames.length; j++) {
        frames[j].hidden = (j !== i);
        frames[j].style.display = (j === i) ? "block" : "none";
      }
      var text = frames[i].getAttribute("data-label");
      label.textContent = text;
      input.setAttribute("aria-valuetext", text);
      root.setAttribute("data-index", String(i));
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
    root.setAttribute("data-nnlib-ready", "");
  });
})();
</script>"""


@dataclass(frozen=True)
class StaticTwin:
    """Precomputed frames of a one-parameter sweep, shown with an HTML slider (see the module).

    Attributes
    ----------
    name : str
        The parameter's name, as the label shows it (``"k"``, ``"R"``).
    values : tuple
        The parameter values, one per frame.
    labels : tuple of str
        ``"name = value"`` for each frame.
    frames : tuple of bytes
        The PNG images, one per value.
    initial : int
        Index of the frame shown first.
    """

    name: str
    values: tuple
    labels: tuple
    frames: tuple
    initial: int = 0

    def __repr__(self) -> str:
        n = len(self.frames)
        span = self.labels[0] if n == 1 else f"{self.labels[0]} ... {self.labels[-1]}"
        return f"StaticTwin of {self.name}: {n} frame{'s' if n != 1 else ''}, {span} (shown: {self.labels[self.initial]})"

    def _repr_html_(self) -> str:
        n = len(self.frames)
        first = self.labels[self.initial]
        parts = [
            f'<div class="{TWIN_CLASS}" data-frames="{n}" data-index="{self.initial}">',
            '<div class="nnlib-static-twin-control" '
            'style="display: flex; align-items: center; gap: 0.8em; margin: 0.3em 0 0.5em 0;">',
            f'<input type="range" min="0" max="{n - 1}" step="1" value="{self.initial}" '
            f'aria-label="{html.escape(self.name)}" aria-valuetext="{html.escape(first)}" '
            'style="width: 22em; max-width: 70%;">',
            f'<output class="nnlib-static-twin-label" style="font-family: monospace;">{html.escape(first)}</output>',
            "</div>",
        ]
        for i, (label, png) in enumerate(zip(self.labels, self.frames)):
            shown = i == self.initial
            src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            parts.append(
                f'<img class="nnlib-static-twin-frame" data-index="{i}" data-label="{html.escape(label)}" '
                f'alt="{html.escape(f"frame {i + 1} of {n}: {label}")}" src="{src}" '
                f'style="display: {"block" if shown else "none"}; max-width: 100%; height: auto;"'
                + ("" if shown else " hidden")
                + ">"
            )
        parts.append("</div>")
        parts.append(_SCRIPT)
        return "\n".join(parts)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png(fig, dpi: float) -> bytes:
    """The figure as PNG bytes (RGB) at ``dpi``, drawn once on an Agg canvas.

    The same pixels as ``fig.savefig(format="png", dpi=dpi)``, in less time (savefig lays out
    the figure in a separate pass before drawing it; bench/NOTES.md).  No metadata is written, so the
    bytes depend on the picture only, not on the library versions.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB").save(buf, format="png")
    return buf.getvalue()


def _label(name: str, value, fmt) -> str:
    if callable(fmt):
        text = fmt(value)
        if not isinstance(text, str):
            raise TypeError(f"fmt must return a str; for {value!r} it returned {type(text).__name__}")
    elif fmt is not None:
        text = format(value, fmt)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        text = f"{value:g}"
    else:
        text = str(value)
    return f"{name} = {text}"


def static_twin(
    function: Callable,
    values: Sequence,
    *,
    name: str,
    fmt: str | Callable | None = None,
    initial: int = 0,
    dpi: float = 80,
) -> StaticTwin:
    """Build the static twin of a widget: ``function(value)`` drawn for every value.

    Parameters
    ----------
    function : callable
        ``function(value)`` returns a ``matplotlib.figure.Figure``: the live widget's own figure
        function with the other arguments fixed.  Each figure is rendered to PNG and closed.
        Or it returns PNG bytes: the live widget's render function (:mod:`nnlib.viz.live`), whose
        frames are then exactly the pictures the widget shows, at the figure's own resolution
        (``dpi`` does not apply), and come faster (one figure, mostly blitted).
    values : sequence
        The parameter values of the sweep, one frame each (1 to :data:`MAX_FRAMES`).
    name : str
        The parameter's name for the label shown next to the slider (``"k = 3"``).
    fmt : str or callable, optional
        How a value is written in the label: a format spec (``".3g"``) or a function returning a
        str.  Default: ``:g`` for real numbers, ``str`` otherwise.
    initial : int
        Index into ``values`` of the frame shown first (and without JavaScript).
    dpi : float
        Resolution of the frames (the figure's size in inches is kept).

    Returns
    -------
    StaticTwin
        Display it (last line of a cell) to show the player.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def dot(x):
    ...     fig, ax = plt.subplots(figsize=(2, 2))
    ...     ax.plot([x], [x], "o", label="the point")
    ...     ax.set(xlabel="x", ylabel="y", title=f"x = {x}")
    ...     ax.legend()
    ...     return fig
    >>> static_twin(dot, [0.5, 1.25], name="x", fmt=".2f", initial=1, dpi=30).labels
    ('x = 0.50', 'x = 1.25')
    >>> static_twin(dot, [], name="x")
    Traceback (most recent call last):
    ...
    ValueError: values must hold at least one parameter value; got an empty sequence
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not callable(function):
        raise TypeError(f"function must be callable (a parameter value -> a matplotlib Figure); got {type(function).__name__}")
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) and not hasattr(values, "__array__"):
        raise TypeError(f"values must be a sequence of parameter values; got {type(values).__name__}")
    values = tuple(v.item() if hasattr(v, "item") and getattr(v, "ndim", 1) == 0 else v for v in values)
    if len(values) == 0:
        raise ValueError("values must hold at least one parameter value; got an empty sequence")
    if len(values) > MAX_FRAMES:
        raise ValueError(f"values must hold at most {MAX_FRAMES} parameter values (each is a frame in the page); got {len(values)}")
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty str; got {name!r}")
    if fmt is not None and not isinstance(fmt, str) and not callable(fmt):
        raise TypeError(f"fmt must be a format spec (str) or a callable; got {type(fmt).__name__}")
    initial = check_nonnegative_int("initial", initial)
    if initial >= len(values):
        raise ValueError(f"initial must be an index into values (0 to {len(values) - 1}); got {initial}")
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not 10 <= dpi <= 300:
        raise ValueError(f"dpi must be a number between 10 and 300; got {dpi!r}")
    labels = tuple(_label(name, v, fmt) for v in values)
    frames = []
    for i, v in enumerate(values):
        fig = function(v)
        if isinstance(fig, bytes) and fig.startswith(_PNG_SIGNATURE):
            frames.append(fig)  # a live renderer's frame
            continue
        if not isinstance(fig, Figure):
            raise TypeError(f"function must return a matplotlib Figure or PNG bytes; for values[{i}] = {v!r} "
                            f"it returned {type(fig).__name__}")
        plt.close(fig)  # out of pyplot's care, so the notebook does not show it as well
        frames.append(_png(fig, dpi))
    return StaticTwin(name=name, values=values, labels=labels, frames=tuple(frames), initial=initial)
