"""The one widget pattern of the book: a figure built once, a function that moves it, controls.

Every widget of the book is three things:

* *panels*: an object built once with the figure (``panels.fig``), the list of artists a move
  redraws (``panels.moving``) and, where a few still artists take a handful of states (a legend,
  a line of text), a hashable ``panels.static_key`` naming the current one;
* *show*: ``show(**values)`` moves the panels' artists for one setting of the controls;
* *controls*: ipywidgets value widgets, by the names ``show`` takes.

:func:`live_renderer` turns panels and show into ``render(**values) -> PNG bytes`` on a
:class:`nnlib.viz.live.LiveFigure` (still parts drawn once, moving artists blitted: this is what
keeps a move within the latency targets of ``bench/widgets.py``); :func:`explorer` wires such a
render function to its controls and an image.  A chapter's static twin (:mod:`nnlib.viz.twins`)
calls the same render function, so the twin's frames are the widget's pictures.
"""

from __future__ import annotations

import io
from typing import Callable, Mapping, Sequence

from .._checks import check_positive_int
from .live import LiveFigure, live_widget

__all__ = ["live_renderer", "figure_png", "explorer"]


def live_renderer(panels, show: Callable[..., object], *, max_backgrounds: int = 16) -> Callable[..., bytes]:
    """``render(*args, **values) -> PNG bytes``: ``show(*args, **values)`` then a live render of ``panels``.

    ``panels`` has ``fig`` and ``moving`` (and optionally ``static_key``, read after each
    ``show``); the :class:`~nnlib.viz.live.LiveFigure` (keeping at most ``max_backgrounds`` still backgrounds) is
    available as ``render.live``.

    >>> from types import SimpleNamespace
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(3, 2), dpi=50)
    >>> ax = fig.add_subplot()
    >>> _ = ax.set(xlim=(0, 1), ylim=(0, 1), title="a moving point")
    >>> (point,) = ax.plot([0.5], [0.5], "o")
    >>> panels = SimpleNamespace(fig=fig, moving=[point])
    >>> render = live_renderer(panels, lambda x: point.set_data([x], [x]))
    >>> render(x=0.2)[:4], render(x=0.7)[:4], render.live.last_mode
    (b'\\x89PNG', b'\\x89PNG', 'blit')

    Raises
    ------
    TypeError
        If ``panels`` has no ``fig`` or ``moving``, ``show`` is not callable, or
        ``max_backgrounds`` is not an integer (bools included).
    ValueError
        If ``max_backgrounds`` is below 1.
    """
    if not (hasattr(panels, "fig") and hasattr(panels, "moving")):
        raise TypeError(f"panels must have a figure .fig and a list of moving artists .moving; "
                        f"got {type(panels).__name__}")
    if not callable(show):
        raise TypeError(f"show must be callable; got {type(show).__name__}")
    max_backgrounds = check_positive_int("max_backgrounds", max_backgrounds)
    live = LiveFigure(panels.fig, panels.moving, max_backgrounds=max_backgrounds)

    def render(*args, **values) -> bytes:
        show(*args, **values)
        return live.render(static_key=getattr(panels, "static_key", None))

    render.live = live
    return render


def figure_png(fig) -> bytes:
    """The PNG of a whole figure, drawn afresh (for a widget whose every move computes more than it draws)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def explorer(render: Callable[..., bytes], controls: Mapping[str, object], *,
             rows: Sequence[Sequence[str]] | None = None):
    """The widget: ``controls`` above the image ``render(**values)``, redrawn on every change.

    Returns an ``ipywidgets.VBox`` (see :func:`nnlib.viz.live.live_widget`: a setting ``render``
    rejects shows its error under the image and keeps the previous picture).
    """
    return live_widget(render, controls, rows=rows)
