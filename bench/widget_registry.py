"""Every widget of the book, with the callback behind it and a sweep of slider values.

A widget cell of a chapter calls an ``*_explorer`` builder of nnlib (``nn.fit_explorer(...)``,
``viz.cones.cone_explorer(...)``, ...); moving a slider re-runs the builder's *figure callback*.
:data:`WIDGETS` maps each builder's name to

* ``chapter``: the notebook whose widget cell calls it;
* ``callback``: the figure function the slider re-runs (what a reader waits for);
* ``setup``: a function returning the callback's fixed arguments (the chapter's data and the
  precomputed paths, built as the chapter builds them; not timed);
* ``sweep``: the slider values to try, a list of keyword dictionaries, drawn from the sliders'
  own ranges and steps;
* ``live`` (for widgets drawn on a :class:`nnlib.viz.live.LiveFigure`): the factory of the render
  function the widget calls on every move, ``render(**values) -> PNG bytes``.

``tests/test_bench_registry.py`` checks that every ``*_explorer`` called in a chapter's widget
cell (and every ``*_explorer`` function of nnlib) is listed here, so a new widget cannot be left
out of the benchmark silently.  This module only imports nnlib lazily (inside the setups), so
the test can read the names cheaply.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Widget:
    name: str  # the builder called in the chapter, e.g. "fit_explorer"
    chapter: str  # notebook stem
    callback: str  # dotted name of the figure function, e.g. "nnlib.viz.fitting.fit_history_figure"
    setup: Callable[[], dict]  # fixed keyword arguments of the callback
    sweep: Callable[[], list]  # list of dicts of slider values
    # dotted name of the live renderer factory the widget uses, e.g. "nnlib.viz.illposed.theta_k_live":
    # called once with the setup's arguments, it returns render(**values) -> PNG bytes.
    live: str | None = None
    # how many leading entries of the sweep are scattered settings (several controls jumping at
    # once, or far); the rest move one control at a time, as a reader drags a slider.  None: all.
    scattered: int | None = None

    def resolve(self, name: str | None = None):
        import importlib

        module, _, attr = (name or self.callback).rpartition(".")
        if module == "bench.widget_registry":  # an adapter defined here (also when loaded by path)
            return globals()[attr]
        return getattr(importlib.import_module(module), attr)


def _grid(values, n, seed):
    """n tuples drawn (seeded) from the product of slider grids."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [tuple(v[int(rng.integers(len(v)))] for v in values) for _ in range(n)]


# ---------------------------------------------------------------------------------- chapter 1
def _fit_setup():
    import nnlib as nn

    S, T = nn.theorem1_data()
    return {"arch": nn.theorem1_architecture(), "S": S, "T": T, "max_steps": 100_000}


def _fit_sweep():
    # The chapter opens the widget at step 5e-3, 20 000 steps; the steps slider runs 0..100 000
    # in steps of 1 000, the step-size slider over [1e-4, 10^-0.5] (log, 0.1 a notch), the seed 0..39.
    # First five scattered settings (each a new run but the last), then the steps slider dragged
    # notch by notch (forward: the run is extended; back: served from it), then the seed and the
    # step-size sliders moved one notch at a time (each a new run of 20 000 steps).
    steps = [1_000, 5_000, 20_000, 20_000, 50_000]
    out = [{"step": s, "n_steps": n, "seed": seed}
           for (s, seed), n in zip([(5e-3, 9), (1e-2, 3), (5e-3, 9), (1e-3, 0), (5e-3, 17)], steps)]
    out += [{"step": 5e-3, "n_steps": n, "seed": 9}
            for n in (21_000, 22_000, 23_000, 24_000, 25_000, 24_000, 22_000, 20_000, 15_000, 10_000)]
    out += [{"step": 5e-3, "n_steps": 20_000, "seed": s} for s in (10, 11)]
    out += [{"step": 10**e, "n_steps": 20_000, "seed": 9} for e in (-2.2, -2.4)]
    return out


def fit_explorer_live(**fixed):
    """The renderer fit_explorer builds: fit_live taking at most EXPLORER_CHUNK_STEPS steps before a picture."""
    from nnlib.viz.fitting import EXPLORER_CHUNK_STEPS, fit_live

    return fit_live(**fixed, chunk_steps=EXPLORER_CHUNK_STEPS)


# ---------------------------------------------------------------------------------- chapter 2
def _nearest_setup():
    from nnlib import geometry

    return {"pictures": {name: geometry.NearestPointPicture.build(name) for name in ("relu", "sigmoid")}}


def _nearest_sweep():
    ts = [round(-3.0 + 0.05 * i, 2) for i in range(121)]
    return [{"t1": a, "t2": b, "t3": c, "activation": act}
            for (a, b, c), act in zip(_grid([ts, ts, ts], 10, 2), itertools.cycle(["sigmoid", "relu"]))]


def nearest_point_callback(pictures, t1, t2, t3, activation):
    """What the chapter-2 widget's redraw does: the figure for the picture of the chosen activation."""
    from nnlib.viz.geometry import nearest_point_figure

    return nearest_point_figure(pictures[activation], t1, t2, t3)


# ---------------------------------------------------------------------------------- chapter 3
def _cone_sweep():
    xs = [-2.0 + 0.25 * i for i in range(17)]
    out = [{"s1": 0.0, "s2": 1.0, "s3": 2.0, "h": 0.0}]
    out += [dict(zip(("s1", "s2", "s3", "h"), v)) for v in _grid([xs, xs, xs, xs], 6, 3)]
    out += [dict(zip(("s1", "s2", "s3"), v), h=0.0) for v in _grid([xs, xs, xs], 3, 4)]
    return out


# ---------------------------------------------------------------------------------- chapter 4
_CH4 = {}


def _ch4_paths():
    """The chapter's price-of-boundedness and weight-decay paths (cells 'radii = ...', 'lambdas = ...')."""
    if not _CH4:
        import numpy as np

        import nnlib as nn
        from nnlib import illposed

        S, T = nn.theorem1_data()
        arch = nn.theorem1_architecture()
        radii = np.logspace(0, 2.5, 11)
        price = illposed.price_of_boundedness(arch, S, T, radii, n_random=0,
                                              warm_starts=[lambda R: illposed.balanced_theta_k(arch, R)], max_iter=200)
        lambdas = np.logspace(-2, -9, 8)
        decay = illposed.weight_decay_path(arch, S, T, lambdas, seeds=price.thetas, n_seeds=1, rng=0, max_nfev=500)
        _CH4.update(price=price, decay=decay)
    return _CH4


def _theta_k_sweep():
    return [{"k": k} for k in (0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100)]


def _boundedness_sweep():
    import numpy as np

    return [{"R": float(R)} for R in np.logspace(0, 2.5, 11)]


def _decay_sweep():
    import numpy as np

    return [{"lam": float(lam)} for lam in np.logspace(-2, -9, 8)]


# ---------------------------------------------------------------------------------- chapter 5
def _dimension_sweep():
    combos = _grid([list(range(2, 41)), [1, 2, 3, 4, 5], list(range(1, 9)), [1, 2, 3, 4], [1, 2, 3, 4, 5],
                    ["relu", "tanh", "identity"]], 11, 5)
    out = [{"n": 12, "p": 2, "d": 3, "q": 2, "k": 2, "activation": "relu"}]  # the chapter's opening state
    out += [dict(zip(("n", "p", "d", "q", "k", "activation"), c)) for c in combos]
    return out


# ---------------------------------------------------------------------------------- chapter 6
def _target_sweep():
    ts = [round(-3.0 + 0.05 * i, 2) for i in range(121)]
    out = [{"t1": 0.0, "t2": 2.0, "t3": 1.0}]
    out += [dict(zip(("t1", "t2", "t3"), v)) for v in _grid([ts, ts, ts], 9, 6)]
    return out


# ---------------------------------------------------------------------------------- chapter 7
def architecture_callback(depth, width, p, q, activation, n):
    """What the chapter-7 widget's redraw does: widths from the sliders, then the figure."""
    from nnlib.viz.generic import architecture_figure

    return architecture_figure((p,) + (width,) * (depth - 1) + (q,), activation, n)


def _architecture_sweep():
    combos = _grid([[1, 2, 3, 4, 5], list(range(1, 9)), [1, 2, 3, 4], [1, 2, 3],
                    ["relu", "tanh", "sigmoid", "poly2", "poly3"], list(range(2, 61))], 11, 7)
    opening = {"depth": 3, "width": 3, "p": 2, "q": 1, "activation": "relu", "n": 30}  # the chapter's opening state
    out = [opening]
    out += [dict(zip(("depth", "width", "p", "q", "activation", "n"), c)) for c in combos]
    # Then one control at a time from the opening state, as a reader moves them: the sample-size
    # slider dragged notch by notch, the width slider, the activation menu.
    out += [dict(opening, n=n) for n in (31, 32, 33, 34, 35, 34, 32, 30, 28, 26)]
    out += [dict(opening, width=w) for w in (4, 5, 4, 3, 2)]
    out += [dict(opening, activation=a) for a in ("tanh", "sigmoid", "relu")]
    return out


def _none():
    return {}


WIDGETS: list[Widget] = [
    Widget("fit_explorer", "01_introduction", "nnlib.viz.fitting.fit_history_figure", _fit_setup, _fit_sweep,
           live="bench.widget_registry.fit_explorer_live", scattered=5),
    Widget("nearest_point_explorer", "02_geometry_of_erm", "bench.widget_registry.nearest_point_callback",
           _nearest_setup, _nearest_sweep, live="nnlib.viz.geometry.nearest_point_live"),
    Widget("cone_explorer", "03_relu_cone", "nnlib.viz.cones.cone_explorer_figure", _none, _cone_sweep,
           live="nnlib.viz.cones.cone_explorer_live"),
    Widget("theta_k_explorer", "04_ill_posedness", "nnlib.viz.illposed.theta_k_figure", _none, _theta_k_sweep,
           live="nnlib.viz.illposed.theta_k_live"),
    Widget("boundedness_explorer", "04_ill_posedness", "nnlib.viz.illposed.boundedness_figure",
           lambda: {"path": _ch4_paths()["price"]}, _boundedness_sweep, live="nnlib.viz.illposed.boundedness_live"),
    Widget("weight_decay_explorer", "04_ill_posedness", "nnlib.viz.illposed.weight_decay_figure",
           lambda: {"path": _ch4_paths()["decay"]}, _decay_sweep, live="nnlib.viz.illposed.weight_decay_live"),
    Widget("dimension_explorer", "05_two_layer_geometry", "nnlib.viz.joins.dimension_explorer_figure", _none,
           _dimension_sweep, live="nnlib.viz.joins.dimension_explorer_live"),
    Widget("target_explorer", "06_smooth_activations", "nnlib.viz.smooth.target_figure", _none, _target_sweep,
           live="nnlib.viz.smooth.target_live"),
    Widget("architecture_explorer", "07_open_questions", "bench.widget_registry.architecture_callback", _none,
           _architecture_sweep, live="nnlib.viz.generic.architecture_live", scattered=12),
]

NAMES = {w.name for w in WIDGETS}
