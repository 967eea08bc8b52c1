"""Chapter 3's pictures: the ReLU cone C_max(S) of three points in 3-D and in its cross-section
by x1 + x2 + x3 = 1, and the cone explorer.

The faces, their dimensions and the cross-sections are computed by :mod:`nnlib.cones`
(:func:`~nnlib.cones.cone_cross_section`, :func:`~nnlib.cones.relu_cone_dimensions`); this
module draws them.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from .._checks import as_matrix, as_vector
from ..cones import cone_cross_section, relu_cone_dimensions
from .explorer import explorer, live_renderer
from .plotting import BOOK_STYLE, book_inches

__all__ = ["cone_figure", "cone_explorer_figure", "cone_explorer_live", "cone_explorer"]


def _bary(V: np.ndarray) -> np.ndarray:
    """Plane coordinates of points of the triangle x1 + x2 + x3 = 1 (vertices e1, e2, e3)."""
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    return V @ corners


_DIM_COLOURS = {1: "tab:red", 2: "tab:blue", 3: "tab:green"}

#: The non-empty index sets I of three points, in the order of :func:`relu_cone_faces`.
_THREE_POINT_SETS = [I for size in (1, 2, 3) for I in combinations(range(3), size)]

#: Every non-empty set of face dimensions a legend can list.
_DIMENSION_SETS = [D for size in (1, 2, 3) for D in combinations((1, 2, 3), size)]


def _face_name(I) -> str:
    return "$F_{\\{" + ",".join(str(i + 1) for i in I) + "\\}}$"


@lru_cache(maxsize=None)
def _self_projecting_poly3d():
    """A Poly3DCollection that projects itself when drawn.

    ``Axes3D.draw`` projects every collection before drawing it; a blitted frame
    (:class:`~nnlib.viz.live.LiveFigure`) draws the moving polygons without it, so they project
    themselves (with the axes' current view, which the figure never changes).
    """
    class _Poly3D(Poly3DCollection):
        def draw(self, renderer):
            self.do_3d_projection()
            super().draw(renderer)

    return _Poly3D


#: new_figure's scale of the cone figure (a fixed layout, laid out for it; see nnlib.viz.plotting).
_SCALE = 0.93


class _ConePanels:
    """The figure of :func:`cone_figure`, built once: a 3-D view of C_max(S) for n = 3 (left)
    and its cross-section by x1 + x2 + x3 = 1 (right).

    The still parts (axes, the triangle, the corner labels e_i) are drawn at construction.  For
    each of the seven possible faces F_I there is one set of artists (a ray or an edge, a sector
    or polygon, its spokes in 3-D; a point, a segment or a polygon, and its name, in the plane),
    and a legend for every set of face dimensions; :meth:`show` fills in the faces of a sample,
    hides the others, shows the legend listing the dimensions present and writes the title
    (the caller's line, and a line with rank [S, 1], the largest face dimension and the span
    dimension).  The limits are fixed; the legends and the dimensions line are still artists
    that take a handful of values, named by :attr:`static_key`, so a
    :class:`~nnlib.viz.live.LiveFigure` of ``fig`` (``render(static_key=...)``) blits nearly every
    move.
    """

    def __init__(self):
        with plt.rc_context(BOOK_STYLE):
            fig = plt.figure(figsize=book_inches(9.0, 5.0, scale=_SCALE), dpi=100 / _SCALE, layout="none")
            ax3 = fig.add_subplot(1, 2, 1, projection="3d")
            ax2 = fig.add_subplot(1, 2, 2)
        # the triangle outline in both panels
        tri = np.eye(3)
        (outline3,) = ax3.plot(*np.vstack([tri, tri[:1]]).T, color="0.6", lw=0.8, ls="--")
        T2 = _bary(np.vstack([tri, tri[:1]]))
        (outline2,) = ax2.plot(T2[:, 0], T2[:, 1], color="0.6", lw=0.8, ls="--")
        # one set of artists per possible face (created in the order of the faces, so that a
        # figure drawn the ordinary way stacks them as a face-by-face drawing would)
        Poly3D = _self_projecting_poly3d()
        zero = ([0.0, 0.0], [0.0, 0.0], [0.0, 0.0])
        self.lines3, self.spokes3, self.polys3 = {}, {}, {}
        self.points2, self.segments2, self.fills2, self.names = {}, {}, {}, {}
        for I in _THREE_POINT_SETS:
            (self.lines3[I],) = ax3.plot(*zero, lw=2.5)
            (self.spokes3[I],) = ax3.plot(*zero, lw=0.8)
            self.polys3[I] = Poly3D([np.zeros((3, 3))])
            ax3.add_collection3d(self.polys3[I])
            (self.fills2[I],) = ax2.fill([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], alpha=0.35, zorder=2)
            (self.segments2[I],) = ax2.plot([], [], "-", lw=3, zorder=3)
            self.names[I] = ax2.annotate(_face_name(I), (0.0, 0.0), textcoords="offset points", xytext=(0.0, 0.0),
                                         fontsize=8.5, ha="center", va="center")
            (self.points2[I],) = ax2.plot([], [], "o", ms=8, zorder=4)
        self.centre = _bary(np.full((1, 3), 1 / 3))[0]
        for i, xy in enumerate(_bary(tri)):
            outward = xy - self.centre
            outward = 14 * outward / np.linalg.norm(outward)
            ax2.annotate(f"$e_{i + 1}$", xy, textcoords="offset points", xytext=tuple(outward), ha="center", va="center")
        ax3.set(xlim=(0, 1), ylim=(0, 1), zlim=(0, 1), xlabel="$x_1$", ylabel="$x_2$", zlabel="$x_3$")
        ax3.set(xticks=[0, 0.5, 1], yticks=[0, 0.5, 1], zticks=[0, 0.5, 1])
        ax3.zaxis.set_rotate_label(False)
        ax3.view_init(elev=22, azim=40)
        ax3.set_box_aspect(None, zoom=0.82)
        ax3.set_title("3-D view, cut at $x_1+x_2+x_3 \\leq 1$")
        ax2.set(xlim=(-0.15, 1.15), ylim=(-0.12, 1.0), aspect="equal",
                xlabel="$x_2 + x_3/2$", ylabel="$(\\sqrt{3}/2)\\,x_3$")
        ax2.set_title("cross-section by $x_1+x_2+x_3=1$")
        # the legends: the triangle and one entry per dimension of face present (the entries
        # look like the faces drawn in each panel), placed under the panels, clear of the data
        in_3d = {1: lambda c: Line2D([], [], color=c, lw=2.5), 2: lambda c: Line2D([], [], color=c, lw=2.5),
                 3: lambda c: Patch(facecolor=to_rgba(c, 0.35), edgecolor=c)}
        in_2d = {1: lambda c: Line2D([], [], ls="None", marker="o", color=c, ms=8),
                 2: lambda c: Line2D([], [], color=c, lw=3), 3: lambda c: Patch(color=c, alpha=0.35)}
        self.legends3, self.legends2 = {}, {}
        for D in _DIMENSION_SETS:
            labels = [f"faces of dimension {d}" for d in D]
            self.legends3[D] = Legend(ax3, [outline3] + [in_3d[d](_DIM_COLOURS[d]) for d in D],
                                      ["plane $x_1+x_2+x_3=1$"] + labels, loc="upper center", fontsize=8,
                                      bbox_to_anchor=(0.5, -0.04), ncols=2)
            self.legends2[D] = Legend(ax2, [outline2] + [in_2d[d](_DIM_COLOURS[d]) for d in D],
                                      ["triangle $x\\geq 0$, $\\sum x_i = 1$"] + labels, loc="upper center", fontsize=8,
                                      bbox_to_anchor=(0.5, -0.16), ncols=2)
        fig.subplots_adjust(left=0.0, right=0.98, bottom=0.27, top=0.83, wspace=0.05)
        # the title: the caller's line, and below it the dimensions (a line of its own, still
        # in a live figure: it takes few values, see static_key)
        self.title = fig.suptitle(" ", fontsize=10)
        below = fig.transFigure + ScaledTranslation(0.0, -0.2, fig.dpi_scale_trans)
        self.dims_line = fig.text(0.5, 0.98, " ", fontsize=10, ha="center", va="top", transform=below)
        self.static_key = None
        self.fig, self.ax3, self.ax2 = fig, ax3, ax2

    @property
    def moving(self) -> list:
        """The artists :meth:`show` moves, in the order a blitted frame draws them.

        The legends and the dimensions line change too, but take few values: they are still
        artists, and :attr:`static_key` names their state.
        """
        sets = _THREE_POINT_SETS
        return ([a for I in sets for a in (self.lines3[I], self.spokes3[I])] + [self.polys3[I] for I in sets]
                + [self.fills2[I] for I in sets] + [a for I in sets for a in (self.segments2[I], self.names[I])]
                + [self.points2[I] for I in sets] + [self.title])

    def show(self, S, title: str | None = None) -> "_ConePanels":
        """Draw C_max(S) (S has n = 3 rows) with the given first title line."""
        S = as_matrix("S", S)
        sections = cone_cross_section(S)
        dims = relu_cone_dimensions(S, n_points=120)
        for I in _THREE_POINT_SETS:
            for a in (self.lines3[I], self.spokes3[I], self.polys3[I], self.points2[I], self.segments2[I],
                      self.fills2[I], self.names[I]):
                a.set_visible(False)
        present = set()
        for face, V in sections:
            I, col = face.indices, _DIM_COLOURS[face.dimension]
            present.add(face.dimension)
            P2 = _bary(V)
            if len(V) == 1:
                shown = [self.lines3[I], self.points2[I]]
                self.lines3[I].set_data_3d([0, V[0, 0]], [0, V[0, 1]], [0, V[0, 2]])
                self.points2[I].set_data(P2[:, 0], P2[:, 1])
            elif len(V) == 2:
                shown = [self.polys3[I], self.lines3[I], self.segments2[I]]
                self.polys3[I].set_verts([np.vstack([np.zeros(3), V])])
                self.lines3[I].set_data_3d(*V.T)
                self.segments2[I].set_data(P2[:, 0], P2[:, 1])
            else:
                shown = [self.polys3[I], self.spokes3[I], self.fills2[I]]
                self.polys3[I].set_verts([V])
                spokes = np.full((3 * len(V), 3), np.nan)  # 0 -> v for every vertex v, NaN-separated
                spokes[0::3] = 0.0
                spokes[1::3] = V
                self.spokes3[I].set_data_3d(*spokes.T)
                self.fills2[I].set_xy(P2)
            for a in shown:
                if a is self.polys3[I]:  # translucent, with an opaque edge (as Poly3DCollection(color, alpha) draws)
                    a.set_facecolor(to_rgba(col, 0.35))
                    a.set_edgecolor(col)
                else:
                    a.set_color(col)
                a.set_visible(True)
            c = P2.mean(axis=0)
            inward = self.centre - c
            if np.linalg.norm(inward) > 1e-9:
                inward = inward / np.linalg.norm(inward)
            # vertices and edges are labelled on the inside of the triangle, the big face at its centre
            shift = inward * 16 if face.dimension < 3 else np.zeros(2)
            name = self.names[I]
            name.xy = (float(c[0]), float(c[1]))
            name.xyann = (float(shift[0]), float(shift[1]))
            name.set_visible(True)
        key = tuple(sorted(present))
        for legends, ax in ((self.legends3, self.ax3), (self.legends2, self.ax2)):
            for D, legend in legends.items():
                legend.set_visible(D == key)
            ax.legend_ = legends[key]
        rows = "; ".join("(" + ", ".join(f"{v:g}" for v in row) + ")" for row in S)
        self.title.set_text(title if title is not None else f"$C_{{\\max}}(S)$ for the points {rows}")
        self.dims_line.set_text(f"rank [S, 1] = {dims.rank_S1}, largest face dimension = {dims.set_dimension}, "
                                f"dim span = {dims.span}")
        self.static_key = (key, self.dims_line.get_text())
        return self


def cone_figure(S, *, title: str | None = None):
    """C_max(S) for n = 3: a 3-D view (truncated at x1 + x2 + x3 <= 1) beside its cross-section.

    Left: each face F_I(S) drawn as the part of the cone below the plane x1 + x2 + x3 = 1 -- rays
    (dimension-1 faces) in red, planar sectors (dimension 2) in blue, solid pieces (dimension 3)
    in green.  Right: the cross-section by that plane, drawn in the triangle with corners e1, e2,
    e3 (a ray becomes a point, a 2-dimensional face a segment, a 3-dimensional face a polygon).
    The title's second line gives rank [S, 1], the largest face dimension and dim span C_max(S)
    (:func:`relu_cone_dimensions`).  Returns the figure.
    """
    return _ConePanels().show(S, title).fig


def _explorer_state(s1: float, s2: float, s3: float, h: float) -> tuple[np.ndarray, str]:
    """The sample and the title line of :func:`cone_explorer_figure` (arguments checked)."""
    vals = [float(as_vector(name, [v])[0]) for name, v in (("s1", s1), ("s2", s2), ("s3", s3), ("h", h))]
    S = _explorer_sample(*vals)
    kind = "on the line" if vals[3] == 0 else "in the plane"
    rows = "; ".join("(" + ", ".join(f"{v:g}" for v in row) + ")" for row in S)
    return S, f"three points {kind}: {rows}"


def _explorer_sample(s1: float, s2: float, s3: float, h: float) -> np.ndarray:
    if h == 0:
        return np.array([[s1], [s2], [s3]], dtype=float)
    return np.array([[s1, 0.0], [s2, 0.0], [s3, h]], dtype=float)


def cone_explorer_figure(s1: float, s2: float, s3: float, h: float = 0.0):
    """The figure of :func:`cone_explorer`: the cone of three points, drawn as by :func:`cone_figure`.

    With h = 0 the sample is the three numbers s1, s2, s3 on the line (p = 1); otherwise it is the
    three points (s1, 0), (s2, 0), (s3, h) of the plane (p = 2).
    """
    return _ConePanels().show(*_explorer_state(s1, s2, s3, h)).fig


def cone_explorer_live():
    """The live renderer of :func:`cone_explorer`: ``render(s1, s2, s3, h)`` returns the PNG of
    :func:`cone_explorer_figure`.

    One figure is kept and only the faces, their names and the title line are redrawn
    (:class:`~nnlib.viz.live.LiveFigure`, available as ``render.live``).  The limits never change;
    the legends and the dimensions line take a handful of values, each drawn once
    (``static_key``), so nearly every move is a blit.

    >>> render = cone_explorer_live()
    >>> render(0.0, 1.0, 2.0, 0.0)[:4], render(0.0, 1.5, 2.0, 0.0)[:4], render.live.last_mode
    (b'\\x89PNG', b'\\x89PNG', 'blit')
    """
    panels = _ConePanels()
    return live_renderer(panels, lambda s1, s2, s3, h=0.0: panels.show(*_explorer_state(s1, s2, s3, h)))


def cone_explorer(s1: float = 0.0, s2: float = 1.0, s3: float = 2.0, h: float = 0.0):
    """Sliders for three sample points; shows :func:`cone_explorer_figure` (drawn live by
    :func:`cone_explorer_live`).  Returns an ipywidgets.VBox."""
    init = {}
    for name, v in (("s1", s1), ("s2", s2), ("s3", s3), ("h", h)):
        x = float(as_vector(name, [v])[0])
        if not -2.0 <= x <= 2.0:
            raise ValueError(f"{name} must lie in the slider range [-2, 2]; got {x:g}")
        init[name] = x
    style = {"description_width": "initial"}
    layout = w.Layout(width="300px")
    sliders = {
        name: w.FloatSlider(value=init[name], min=-2.0, max=2.0, step=0.25, description=desc, style=style, layout=layout)
        for name, desc in (("s1", "$s_1$ (first coordinate)"), ("s2", "$s_2$ (first coordinate)"),
                           ("s3", "$s_3$ (first coordinate)"), ("h", "height of $s_3$ (0: all on a line)"))
    }
    return explorer(cone_explorer_live(), sliders, rows=[["s1", "s2"], ["s3", "h"]])
