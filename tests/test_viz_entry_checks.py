"""The figure and widget builders of nnlib.viz refuse bad start values at entry, naming the argument (issue 15).

A slider silently clamps a value outside its range and ipywidgets reports a wrong type as a
traitlets error about "the 'value' trait": both are refused before any widget is built.  Valid
values give the same pictures as before (the chapters' stored outputs are checked by nbval).
"""

import numpy as np
import pytest

from nnlib import illposed
from nnlib.paper import theorem1_architecture, theorem1_data
from nnlib.viz import escape as viz_escape
from nnlib.viz import generic as viz_generic
from nnlib.viz import illposed as viz_illposed
from nnlib.viz.explorer import live_renderer
from nnlib.viz.live import LiveFigure, encode_png, nice_limits


def test_architecture_explorer_rejects_depth_0_naming_depth():
    with pytest.raises(ValueError, match=r"^depth must be an integer between 1 and 5; got 0"):
        viz_generic.architecture_explorer(depth=0)


@pytest.mark.parametrize("name, bad, error", [
    ("depth", 6, ValueError), ("width", 9, ValueError), ("p", 1.9, TypeError), ("q", True, TypeError),
    ("n", 1, ValueError), ("n", 10**400, ValueError), ("width", float("nan"), TypeError), ("p", "2", TypeError),
])
def test_architecture_explorer_rejects_start_values_its_sliders_cannot_show_naming_them(name, bad, error):
    with pytest.raises(error, match=rf"^{name} must be an integer"):
        viz_generic.architecture_explorer(**{name: bad})


def test_architecture_explorer_rejects_an_activation_not_in_its_menu_naming_activation():
    with pytest.raises(ValueError, match=r"^activation must be one of 'relu', 'tanh'"):
        viz_generic.architecture_explorer(activation="softplus")


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"eps": 5.0}, ValueError, r"^eps must be a perturbation size in \[0.01, 1.0\]; got 5.0"),
    ({"eps": float("inf")}, ValueError, r"^eps must be a perturbation size, finite"),
    ({"eps": "0.2"}, TypeError, r"^eps must be a perturbation size"),
    ({"n_starts": 1.9}, TypeError, r"^n_starts must be an integer"),
    ({"n_starts": 1}, ValueError, r"^n_starts must be an integer between 2 and 40"),
    ({"seed": True}, TypeError, r"^seed must be an integer"),
    ({"seed": 100}, ValueError, r"^seed must be an integer between 0 and 99"),
    ({"target": "nowhere"}, ValueError, r"^target must be one of 'near theorem 1', 'random'"),
])
def test_escape_detector_rejects_start_values_its_controls_cannot_show_naming_them(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        viz_escape.escape_detector(**kwargs)


def test_escape_detector_figure_rejects_a_bool_or_negative_seed_naming_seed():
    with pytest.raises(TypeError, match=r"^seed must be a non-negative integer"):
        viz_escape.escape_detector_figure("random", n_starts=2, seed=True)
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer"):
        viz_escape.escape_detector_figure("random", n_starts=2, seed=-1)


def test_escape_detector_figure_checks_eps_even_for_a_random_target_which_ignores_it():
    with pytest.raises(ValueError, match=r"^eps must be a finite positive real number"):
        viz_escape.escape_detector_figure("random", eps=float("nan"), n_starts=2)


@pytest.fixture(scope="module")
def decay_path():
    S, T = theorem1_data()
    return illposed.weight_decay_path(theorem1_architecture(), S, T, [1e-3, 1e-4], n_seeds=1, max_nfev=10)


@pytest.mark.parametrize("bad", [float("nan"), -1.0, 0.0, "1e-3", True, 10**400])
def test_weight_decay_figure_and_explorer_reject_a_lambda_that_is_not_positive_and_finite_naming_lam(decay_path, bad):
    with pytest.raises((TypeError, ValueError), match=r"^lam must be a (finite )?positive real number"):
        viz_illposed.weight_decay_figure(decay_path, bad)
    with pytest.raises((TypeError, ValueError), match=r"^lam must be a (finite )?positive real number"):
        viz_illposed.weight_decay_explorer(decay_path, bad)


def _panels():
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=20)
    (line,) = fig.add_subplot().plot([0.0, 1.0], [0.0, 1.0])
    return SimpleNamespace(fig=fig, moving=[line])


@pytest.mark.parametrize("bad, error", [(True, TypeError), (0, ValueError), (10**400, ValueError), (2.0, TypeError)])
def test_live_renderer_rejects_max_backgrounds_that_is_not_a_positive_integer_naming_it(bad, error):
    with pytest.raises(error, match=r"^max_backgrounds must be a positive integer"):
        live_renderer(_panels(), lambda: None, max_backgrounds=bad)


def test_live_renderer_rejects_panels_without_a_figure_naming_panels():
    with pytest.raises(TypeError, match=r"^panels must have a figure \.fig"):
        live_renderer(None, lambda: None)


def test_live_figure_accepts_a_numpy_integer_cache_size_and_rejects_a_bool():
    panels = _panels()
    assert LiveFigure(panels.fig, panels.moving, max_backgrounds=np.int64(4)).max_backgrounds == 4
    with pytest.raises(TypeError, match=r"^compress_level must be an integer zlib level"):
        LiveFigure(panels.fig, panels.moving, compress_level=True)


@pytest.mark.parametrize("bad, error", [(True, TypeError), (10, ValueError), (-1, ValueError), (1.0, TypeError)])
def test_encode_png_rejects_a_level_that_is_not_a_zlib_level_naming_level(bad, error):
    with pytest.raises(error, match=r"^level must be an integer zlib level"):
        encode_png(np.zeros((2, 2, 3), dtype=np.uint8), level=bad)


@pytest.mark.parametrize("bad, error", [(float("inf"), ValueError), (-0.1, ValueError), ("0.1", TypeError),
                                        (10**400, ValueError)])
def test_nice_limits_rejects_a_margin_that_is_negative_or_not_finite_naming_margin(bad, error):
    with pytest.raises(error, match=r"^margin must be a real number"):
        nice_limits([0.0, 2.0], margin=bad)


@pytest.mark.parametrize("bad, error", [(True, TypeError), (0, ValueError), (10**400, ValueError), (8.0, TypeError)])
def test_nice_limits_rejects_steps_that_is_not_a_positive_integer_naming_steps(bad, error):
    with pytest.raises(error, match=r"^steps must be a positive integer"):
        nice_limits([0.0, 2.0], steps=bad)


def test_nice_limits_rejects_complex_values_and_limits_beyond_float64_but_ignores_nan():
    with pytest.raises(TypeError, match=r"^values must be real numbers"):
        nice_limits(np.array([0.0, 2.0 + 1j]))
    with pytest.raises(ValueError, match=r"^values and margin must leave limits within float64"):
        nice_limits([-1e308, 1e308])
    assert nice_limits([0.0, np.nan, 2.0]) == nice_limits([0.0, 2.0]) == (-0.5, 2.5)
