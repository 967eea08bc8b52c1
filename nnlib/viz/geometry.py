"""Chapter 2's pictures: the image of the 1-1-1 network on three points, seen in the plane
orthogonal to (1, 1, 1), and the nearest-point widget.

The maths (the search, the exact description of the closure, the precomputed grid) is in
:mod:`nnlib.geometry`: :class:`~nnlib.geometry.NearestPointPicture` and
:func:`~nnlib.geometry.nearest_point_state`; this module draws them.
"""

from __future__ import annotations

from collections import OrderedDict

import ipywidgets as w
import numpy as np
from matplotlib.legend import Legend
from matplotlib.ticker import MaxNLocator

from .._checks import as_matrix, as_vector, check_positive_float, check_positive_int, check_real
from ..geometry import NearestPointPicture, NearestState, nearest_point_state, plane_coordinates
from .explorer import explorer, live_renderer
from .live import nice_limits
from .plotting import new_figure

__all__ = ["plot_plane_picture", "nearest_point_figure", "nearest_point_live", "nearest_point_explorer"]


def _monotone_rays() -> tuple[np.ndarray, np.ndarray]:
    """Plane coordinates of the two boundary directions (0, 0, 1) and (0, 1, 1) of the monotone cone."""
    return plane_coordinates(np.array([0.0, 0.0, 1.0])), plane_coordinates(np.array([0.0, 1.0, 1.0]))


def _sector_geometry(length: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The two shaded sectors (triangles reaching ``length`` from 0) and the four boundary rays (2 x 2 arrays)."""
    r1, r2 = _monotone_rays()
    u1, u2 = r1 / np.linalg.norm(r1), r2 / np.linalg.norm(r2)
    polys = [np.array([[0.0, 0.0], sign * length * u1, sign * length * u2]) for sign in (1, -1)]
    rays = [np.array([[0.0, 0.0], length * u]) for u in (u1, u2, -u1, -u2)]
    return polys, rays


def _plane_picture_artists(ax, length: float, closed: bool, samples, sample_label: str) -> list:
    """Draw the still parts of :func:`plot_plane_picture` (sectors, rays, samples); returns the artists.

    The sectors and rays reach ``length`` from the origin (anything beyond the axes is clipped).
    The list is [sector, sector, ray, ray, ray, ray] (+ [samples] when given): the first sector,
    the first ray and the samples carry the legend labels.
    """
    polys, rays = _sector_geometry(length)
    artists = []
    for k, poly in enumerate(polys):
        (patch,) = ax.fill(poly[:, 0], poly[:, 1], color="tab:blue", alpha=0.12, lw=0,
                           label="monotone vectors" if k == 0 else None)
        artists.append(patch)
    style = "-" if closed else "--"
    lab = "boundary: in the image" if closed else "boundary: NOT in the image"
    for k, ray in enumerate(rays):
        (line,) = ax.plot(ray[:, 0], ray[:, 1], style, color="tab:blue", lw=1.5, label=lab if k == 0 else None)
        artists.append(line)
    if samples is not None:
        P = plane_coordinates(as_matrix("samples", samples, cols=3))
        artists.append(ax.scatter(P[:, 0], P[:, 1], s=3, color="tab:gray", alpha=0.5,
                                  label=sample_label or "sampled image points"))
    return artists


def plot_plane_picture(ax, *, extent: float = 2.0, closed: bool = True, samples=None, sample_label: str = "",
                       title: str = ""):
    """Draw the set of monotone vectors of R^3 in the plane orthogonal to (1, 1, 1).

    The set of monotone vectors is two opposite 60-degree sectors (shaded).  With
    ``closed=True`` the boundary rays are drawn solid (they belong to the set: the ReLU image);
    with ``closed=False`` dashed (they are missing: the sigmoid image, whose closure is the
    shaded set).  ``samples`` (N x 3 points of R^3) are scattered on top.  Returns ``ax``.
    """
    extent = check_positive_float("extent", extent)
    if not isinstance(closed, bool):
        raise TypeError(f"closed must be True or False; got {closed!r}")
    _plane_picture_artists(ax, 3 * extent, closed, samples, sample_label)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    ax.set(xlabel=r"$(x_1 - x_2)/\sqrt{2}$", ylabel=r"$(x_1 + x_2 - 2x_3)/\sqrt{6}$")
    if title:
        ax.set_title(title)
    return ax


#: Figure size (inches) and axes rectangle (figure fractions) of the chapter-2 widget: a fixed layout,
#: so that the picture does not depend on which target was drawn first (a live figure keeps its layout).
_NEAREST_SIZE = (8.0, 4.6)
_NEAREST_AXES = (1.4 / 8.0, 0.55 / 4.6, 3.45 / 8.0, 3.45 / 4.6)


class _NearestPointPanel:
    """The figure of the chapter-2 widget, built once for one or more pictures (activations).

    Still: for each picture the sectors, boundary rays, sampled image points and a legend (only
    the shown picture's are visible); the axis labels.  Moving (:attr:`moving`): the target, the
    exact nearest point(s) of the closure, the solver's best point and its link to the target,
    and the title.  :meth:`show` moves them and sets the window, whose half-width (at least 2,
    1.3 times the target's distance from the origin) is rounded by :func:`~nnlib.viz.live.nice_limits`,
    so that small moves keep it and a :class:`~nnlib.viz.live.LiveFigure` can blit.
    """

    def __init__(self, pictures: dict):
        fig, ax = new_figure(1, width=_NEAREST_SIZE[0], height=_NEAREST_SIZE[1], scale=1.0)
        fig.set_layout_engine("none")
        ax.set_position(_NEAREST_AXES)
        self.length = 3 * 8.0  # the sectors reach the corners of every window the sliders (|t_i| <= 3) need
        self.groups, self.legends, self.names = {}, {}, {}
        for key, picture in pictures.items():
            self.names[key] = picture.arch.activation.name
            self.groups[key] = _plane_picture_artists(ax, self.length, self.names[key] == "relu", picture.samples, "")
        (self.link,) = ax.plot([0.0, 0.0], [0.0, 0.0], ":", color="tab:green", zorder=2)
        self.target = ax.scatter([0.0], [0.0], marker="*", s=160, color="tab:red", zorder=4)
        self.nearest = ax.scatter([0.0], [0.0], marker="o", s=70, facecolors="none", edgecolors="black", zorder=4)
        self.best = ax.scatter([0.0], [0.0], marker="x", s=70, color="tab:green", zorder=5)
        for key, artists in self.groups.items():
            handles = [artists[0], artists[2], artists[6], self.target, self.nearest, self.best]
            labels = [h.get_label() for h in handles[:3]] + ["target T", "nearest point(s) of the closure",
                                                             "solver's best point"]
            self.legends[key] = Legend(ax, handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
        ax.set_aspect("equal")
        ax.set(xlabel=r"$(x_1 - x_2)/\sqrt{2}$", ylabel=r"$(x_1 + x_2 - 2x_3)/\sqrt{6}$")
        for axis in (ax.xaxis, ax.yaxis):  # at most five short tick labels: a new window draws them all
            axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 3, 4, 5, 10]))
        self.title = ax.set_title(" ", fontsize=9.5)  # two lines: the verdict, then the numbers
        self.fig, self.ax = fig, ax
        self.shown = None
        self.static_key = None  # the activation shown: its sectors, samples and legend are still artists

    @property
    def moving(self) -> list:
        return [self.link, self.target, self.nearest, self.best, self.title]

    def _reach(self, length: float) -> None:
        """Lengthen the sectors and rays to ``length`` (a still change: the window grows with it)."""
        polys, rays = _sector_geometry(length)
        for artists in self.groups.values():
            for patch, poly in zip(artists[:2], polys):
                patch.set_xy(poly)
            for line, ray in zip(artists[2:6], rays):
                line.set_data(ray[:, 0], ray[:, 1])
        self.length = length

    def show(self, key, state: NearestState) -> "_NearestPointPanel":
        if key != self.shown:
            for k, artists in self.groups.items():
                for a in artists:
                    a.set_visible(k == key)
            self.ax.legend_ = self.legends[key]
            self.shown = self.static_key = key
        res, name = state.res, self.names[key]
        tp = plane_coordinates(state.T.ravel())
        bp = plane_coordinates(res.point.ravel())
        self.target.set_offsets([tp])
        self.nearest.set_offsets(plane_coordinates(np.array(state.nearest)))
        self.best.set_offsets([bp])
        self.link.set_data([tp[0], bp[0]], [tp[1], bp[1]])
        if state.attained:
            n = len(state.nearest)
            verdict = f"best fit attained ({n} nearest point{'s' if n > 1 else ''})"
        else:
            verdict = "NO nearest point: the best point drifts to a missing boundary ray"
        shown = "0 (in floating point only)" if res.loss == 0 and not state.attained else f"{res.loss:.3g}"
        self.title.set_text(f"{name}: {verdict}\nloss {shown} (inf = {state.inf:.3g}), ‖θ‖ = {res.norm:.3g}, "
                            f"gradient norm {res.grad_norm:.2g}")
        half = max(2.0, 1.3 * float(np.linalg.norm(tp)))
        extent = nice_limits([-half, half], margin=0.0)[1]
        if 3 * extent > self.length:
            self._reach(3 * extent)
        self.ax.set(xlim=(-extent, extent), ylim=(-extent, extent))
        return self


def _check_picture(picture) -> NearestPointPicture:
    if not isinstance(picture, NearestPointPicture):
        raise TypeError(f"picture must be a NearestPointPicture; got {type(picture).__name__}")
    return picture


def nearest_point_figure(picture: NearestPointPicture, t1: float, t2: float, t3: float, *, max_nfev: int = 200):
    """The figure of :func:`nearest_point_explorer`: draw T, the best point found and the evidence.

    The verdict in the title comes from the exact description of the closure (monotone vectors,
    :func:`~nnlib.geometry.nearest_monotone_vectors`); the numbers (loss, ||theta||, gradient norm) come from the
    search :func:`nearest_point` (the grid of ``picture``, then at most ``max_nfev`` evaluations of
    the refinement).  Returns the figure (the one the widget redraws, see :func:`nearest_point_live`).
    """
    picture = _check_picture(picture)
    max_nfev = check_positive_int("max_nfev", max_nfev)
    state = nearest_point_state(picture, t1, t2, t3, max_nfev=max_nfev)
    return _NearestPointPanel({"shown": picture}).show("shown", state).fig


_ACTIVATIONS = ("relu", "sigmoid")


def _check_pictures(pictures) -> dict:
    if not isinstance(pictures, dict) or set(pictures) != set(_ACTIVATIONS):
        raise ValueError("pictures must be a dict with keys 'relu' and 'sigmoid'")
    for name in _ACTIVATIONS:
        if not isinstance(pictures[name], NearestPointPicture):
            raise TypeError(f"pictures[{name!r}] must be a NearestPointPicture; got {type(pictures[name]).__name__}")
        if pictures[name].arch.activation.name != name:
            raise ValueError(f"pictures[{name!r}] must be a picture of a {name} network; "
                             f"got {pictures[name].arch.activation.name}")
    return pictures


def _check_choice(activation) -> str:
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be 'relu' or 'sigmoid'; got {activation!r}")
    return activation


def nearest_point_live(pictures, *, max_nfev: int = 200, cache_size: int = 256):
    """The live renderer of :func:`nearest_point_explorer`: ``render(t1, t2, t3, activation)`` returns PNG bytes.

    One figure holds both pictures (still: the sectors, rays, sampled points and legend of each);
    a move redraws only the target, the nearest points, the solver's point and the title
    (:class:`~nnlib.viz.live.LiveFigure`, available as ``render.live``; the activation is the
    ``static_key``).  The picture is the one
    :func:`nearest_point_figure` draws.  The last ``cache_size`` searches are kept, so that
    moving a slider back costs no new search.

    Parameters
    ----------
    pictures : dict
        ``"relu"`` and ``"sigmoid"`` mapped to :class:`~nnlib.geometry.NearestPointPicture` objects of those networks.
    max_nfev : int
        Evaluation budget of the refinement (as in :func:`nearest_point_figure`).
    cache_size : int
        How many searches to keep.
    """
    pictures = _check_pictures(pictures)
    max_nfev = check_positive_int("max_nfev", max_nfev)
    cache_size = check_positive_int("cache_size", cache_size)
    panel = _NearestPointPanel(pictures)
    cache: OrderedDict = OrderedDict()

    def show(t1, t2, t3, activation):
        activation = _check_choice(activation)
        t = (check_real("t1", t1), check_real("t2", t2), check_real("t3", t3))
        key = (activation, *t)
        state = cache.get(key)
        if state is None:
            state = cache[key] = nearest_point_state(pictures[activation], *t, max_nfev=max_nfev)
            if len(cache) > cache_size:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        panel.show(activation, state)

    return live_renderer(panel, show)


def nearest_point_explorer(t=(0.0, 0.0, 1.0), *, activation: str = "sigmoid", pictures=None, limit: float = 3.0):
    """Sliders for the three entries of T and a menu for the activation (ReLU or sigmoid).

    Moving a slider redraws the picture of :func:`nearest_point_figure` through
    :func:`nearest_point_live`.  ``pictures`` maps ``"relu"`` and ``"sigmoid"`` to precomputed
    :class:`~nnlib.geometry.NearestPointPicture` objects (built if omitted).  Returns an ``ipywidgets.VBox``.
    """
    t = as_vector("t", t, length=3)
    limit = check_positive_float("limit", limit)
    if np.any(np.abs(t) > limit):
        raise ValueError(f"t must lie in the sliders' range [-{limit:g}, {limit:g}]; got {t.tolist()}")
    activation = _check_choice(activation)
    if pictures is None:
        pictures = {name: NearestPointPicture.build(name) for name in _ACTIVATIONS}
    render = nearest_point_live(pictures)
    style = {"description_width": "initial"}
    layout = w.Layout(width="300px")
    sliders = [w.FloatSlider(value=float(v), min=-limit, max=limit, step=0.05, description=f"t{i + 1}",
                             style=style, layout=layout, continuous_update=False) for i, v in enumerate(t)]
    menu = w.Dropdown(options=["sigmoid", "relu"], value=activation, description="activation", style=style)
    controls = {"t1": sliders[0], "t2": sliders[1], "t3": sliders[2], "activation": menu}
    return explorer(render, controls, rows=[["t1", "t2", "t3"], ["activation"]])
