"""Tests of nnlib.geometry: the image of weights as a point set, nearest points, and the pictures of chapter 2."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import nnlib as nn
from nnlib import _kernel
from nnlib import geometry as g
from nnlib.viz import geometry as viz_g
from _helpers import explorer_parts, pixels, same_picture

S3 = g.three_point_sample()
RELU = nn.Architecture((1, 1, 1), "relu")
SIGMOID = nn.Architecture((1, 1, 1), "sigmoid")


@pytest.fixture(scope="module")
def grid():
    return g.hidden_weight_grid(RELU, 40.0, 241)


def _is_monotone(x, tol=1e-12):
    d = np.diff(x)
    return bool(np.all(d >= -tol) or np.all(d <= tol))


# -- the objects ---------------------------------------------------------------------------------

def test_docstring_examples_of_geometry_pass():
    result = doctest.testmod(g, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_batch_weights_map_agrees_with_weights_map_one_theta_at_a_time():
    arch = nn.Architecture((2, 3, 2), "tanh")
    S = np.random.default_rng(1).standard_normal((5, 2))
    thetas = np.stack([arch.random_theta(s) for s in range(4)])
    batch = g.batch_weights_map(arch, S, thetas)
    for th, P in zip(thetas, batch):
        np.testing.assert_allclose(P, nn.weights_map(arch, S, th), rtol=1e-13, atol=1e-13)


def test_image_sample_rows_are_flattened_response_matrices():
    arch = nn.Architecture((1, 2, 2), "relu")
    X = g.image_sample(arch, S3, 7, rng=3)
    gen = np.random.default_rng(3)
    first = nn.weights_map(arch, S3, arch.random_theta(gen))
    assert X.shape == (7, 6)
    np.testing.assert_allclose(X[0], first.ravel())


def test_plane_coordinates_preserve_distances_between_points_of_the_hyperplane():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 4))
    X -= X.mean(axis=1, keepdims=True)
    P = g.plane_coordinates(X)
    D = np.linalg.norm(X[:, None] - X[None], axis=2)
    DP = np.linalg.norm(P[:, None] - P[None], axis=2)
    np.testing.assert_allclose(DP, D, atol=1e-12)


def test_plane_coordinates_ignore_constant_shifts():
    x = np.array([0.3, -1.0, 2.0])
    np.testing.assert_allclose(g.plane_coordinates(x + 7.5), g.plane_coordinates(x), atol=1e-12)


def test_best_output_layer_returns_weights_whose_loss_it_reports():
    arch = nn.Architecture((2, 3, 1), "sigmoid")
    rng = np.random.default_rng(2)
    S, T = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    hidden = rng.standard_normal((5, 9))
    thetas, losses = g.best_output_layer(arch, S, T, hidden)
    for th, L in zip(thetas, losses):
        assert nn.loss(arch, S, T, th) == pytest.approx(L, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_one_unit_last_layer_in_closed_form_matches_a_least_squares_solve(activation):
    arch = nn.Architecture((1, 1, 2), activation)
    rng = np.random.default_rng(9)
    S, T = rng.standard_normal((5, 1)), rng.standard_normal((5, 2))
    hidden = np.vstack([rng.standard_normal((20, 2)) * 3, [[0.0, 1.0], [0.0, -2.0]]])  # with two flat units
    _, losses = g.best_output_layer(arch, S, T, hidden)
    for (a, b), L in zip(hidden, losses):
        M = np.column_stack([arch.activation.function(a * S[:, 0] + b), np.ones(5)])
        X = np.linalg.lstsq(M, T, rcond=None)[0]
        assert L == pytest.approx(float(np.sum((M @ X - T) ** 2)), rel=1e-9, abs=1e-12)


def test_best_output_layer_beats_any_other_last_layer():
    rng = np.random.default_rng(4)
    T = rng.standard_normal((3, 1))
    thetas, losses = g.best_output_layer(SIGMOID, S3, T, [[1.3, -0.2]])
    for _ in range(50):
        other = np.concatenate([[1.3, -0.2], rng.standard_normal(2) * 3])
        assert nn.loss(SIGMOID, S3, T, other) >= losses[0] - 1e-12


# -- small images ----------------------------------------------------------------------------------

@pytest.mark.parametrize("t", [-5.0, 0.0, 0.5, 1.0, 2.0, 40.0])
def test_sigmoid_image_for_one_sample_is_the_whole_line(t):
    # With the bias of the last affine layer, c sigma(a s + b) + d takes every real value:
    # the image for n = 1 is R, not the interval (0, 1) that section 6 states.
    res = g.nearest_point(SIGMOID, [[1.0]], [[t]], g.hidden_weight_grid(SIGMOID, 2.0, 5))
    assert res.loss < 1e-20
    assert res.norm < abs(t) + 10


def test_sigmoid_image_for_two_samples_is_the_whole_plane():
    rng = np.random.default_rng(5)
    grid = g.hidden_weight_grid(SIGMOID, 5.0, 21)
    for T in rng.standard_normal((10, 2, 1)) * 3:
        res = g.nearest_point(SIGMOID, [[0.0], [1.0]], T, grid)
        assert res.loss < 1e-18


def test_relu_image_on_three_points_is_the_set_of_monotone_vectors(grid):
    X = g.image_sample(RELU, S3, 5000, rng=0, scale=3.0)
    assert all(_is_monotone(x, 1e-9) for x in X)
    rng = np.random.default_rng(6)
    for _ in range(10):  # monotone targets, including the step (0, 0, 1), are fitted exactly
        x = np.sort(rng.standard_normal(3)) * rng.choice([-1, 1])
        assert g.nearest_point(RELU, S3, x[:, None], grid).loss < 1e-18
    assert g.nearest_point(RELU, S3, [[0.0], [0.0], [1.0]], grid).loss < 1e-20


def test_relu_loss_infimum_is_the_squared_distance_to_the_monotone_vectors(grid):
    rng = np.random.default_rng(7)
    for _ in range(10):
        x = rng.standard_normal(3) * 2
        d2, _ = g.nearest_monotone_vectors(x)
        assert g.nearest_point(RELU, S3, x[:, None], grid).loss == pytest.approx(d2, rel=1e-9, abs=1e-12)


def test_sigmoid_image_on_three_points_holds_only_strictly_monotone_or_constant_vectors():
    X = g.image_sample(SIGMOID, S3, 5000, rng=0, scale=3.0)
    d = np.diff(X, axis=1)
    constant = np.all(d == 0, axis=1)
    strict = np.all(d > 0, axis=1) | np.all(d < 0, axis=1)
    assert np.all(constant | strict)


def test_step_target_is_in_the_relu_image_but_not_in_the_sigmoid_image():
    # (0, 0, 1) = 1 * relu(s) + 0 exactly; for the sigmoid, x_1 = x_2 forces c = 0 or a = 0.
    np.testing.assert_allclose(nn.weights_map(RELU, S3, [1.0, 0.0, 1.0, 0.0]).ravel(), [0, 0, 1])
    assert not g._in_sigmoid_image([0.0, 0.0, 1.0])
    assert g._in_sigmoid_image([0.0, 1e-3, 1.0]) and g._in_sigmoid_image([2.0, 2.0, 2.0])


def test_target_outside_image_is_approached_only_with_growing_weights():
    radii = [2, 4, 8, 16]
    losses, norms = g.best_loss_within_radius(SIGMOID, S3, [[0.0], [0.0], [1.0]], radii, n_per_axis=161)
    assert np.all(losses > 0)  # no bounded set of weights reaches the infimum 0 ...
    assert np.all(np.diff(losses) < 0)  # ... but larger ones come closer
    assert np.all(np.diff(norms) > 0)
    assert losses[-1] < 1e-5 * losses[0]


def test_explicit_sequence_reaches_the_step_only_in_the_limit():
    T = np.array([[0.0], [0.0], [1.0]])
    losses = [nn.loss(SIGMOID, S3, T, [a, -a / 2, 1.0, 0.0]) for a in (2.0, 4.0, 8.0, 16.0, 32.0)]
    assert all(L > 0 for L in losses)
    assert all(l2 < l1 for l1, l2 in zip(losses, losses[1:]))
    a = 16.0
    assert losses[3] == pytest.approx(2 * (1 / (1 + np.exp(a / 2))) ** 2 + (1 / (1 + np.exp(1.5 * a))) ** 2, rel=1e-9)


def test_symmetric_target_has_two_nearest_points():
    T = np.array([[0.0], [-1.0], [0.0]])
    d2, pts = g.nearest_monotone_vectors(T.ravel())
    assert d2 == pytest.approx(0.5) and len(pts) == 2
    best, runs = nn.best_of_starts(RELU, S3, T, 30, rng=0)
    found = [nn.weights_map(RELU, S3, r.theta).ravel() for r in runs if r.final_loss < 0.5 + 1e-9]
    assert best.final_loss == pytest.approx(0.5, abs=1e-9)
    for p in pts:  # each exact nearest point is reached by some start
        assert any(np.allclose(f, p, atol=1e-6) for f in found)


def test_monotone_projection_is_monotone_and_no_farther_than_random_monotone_vectors():
    rng = np.random.default_rng(8)
    for _ in range(20):
        x = rng.standard_normal(6)
        y = g.monotone_projection(x)
        assert np.all(np.diff(y) >= -1e-12)
        for _ in range(200):
            z = np.sort(rng.standard_normal(6) * 2)
            assert np.sum((x - y) ** 2) <= np.sum((x - z) ** 2) + 1e-12


def test_a_monotone_vector_is_its_own_projection_and_has_one_nearest_point():
    x = np.array([-1.0, 0.5, 2.0])
    d2, pts = g.nearest_monotone_vectors(x)
    assert d2 == 0 and len(pts) == 1
    np.testing.assert_array_equal(pts[0], x)


# -- ill-conditioning -----------------------------------------------------------------------------

def test_exact_one_unit_fits_reproduce_the_target():
    x = np.array([0.0, 0.01, 1.0])
    a = np.geomspace(0.1, 50, 200)
    th = g.exact_one_unit_fits(x, a)
    ok = ~np.isnan(th[:, 0])
    assert not ok[a < 4].any()  # the shape (x2 - x1)/(x3 - x1) = 0.01 needs a steep enough unit
    assert ok[a > 6].all()
    for t in th[ok][::10]:
        assert nn.loss(SIGMOID, S3, x[:, None], t) < 1e-18


def test_smallest_exact_weights_grow_as_the_target_nears_the_step():
    a = np.geomspace(0.05, 100, 3000)
    norms = []
    for eps in (1e-1, 1e-2, 1e-3, 1e-4):
        th = g.exact_one_unit_fits(np.array([0.0, eps, 1.0]), a)
        norms.append(np.nanmin(np.linalg.norm(th, axis=1)))
    assert np.all(np.diff(norms) > 2.0)


# -- bad input ------------------------------------------------------------------------------------

def test_bad_input_is_refused_naming_the_argument(grid):
    with pytest.raises(ValueError, match=r"^arch must be a two-layer"):
        g.best_output_layer(nn.Architecture((1, 1, 1, 1)), S3, np.zeros((3, 1)), [[1.0, 0.0]])
    with pytest.raises(ValueError, match=r"^hidden_thetas must have 2 columns"):
        g.best_output_layer(SIGMOID, S3, np.zeros((3, 1)), [[1.0, 0.0, 3.0]])
    with pytest.raises(ValueError, match=r"^radius must be"):
        g.hidden_weight_grid(SIGMOID, -1.0)
    with pytest.raises(ValueError, match=r"^n_per_axis gives"):
        g.hidden_weight_grid(nn.Architecture((2, 3, 1)), 1.0, 11)
    with pytest.raises(ValueError, match=r"^n must be at least 2"):
        g.plane_basis(1)
    with pytest.raises(ValueError, match=r"^x must be strictly increasing"):
        g.exact_one_unit_fits([0.0, 0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match=r"^a_values must be"):
        g.exact_one_unit_fits([0.0, 0.5, 1.0], [-1.0])
    with pytest.raises(ValueError, match=r"^activation must be 'sigmoid' or 'tanh'"):
        g.exact_one_unit_fits([0.0, 0.5, 1.0], [1.0], activation="relu")
    with pytest.raises(ValueError, match=r"^radii must be"):
        g.best_loss_within_radius(SIGMOID, S3, np.zeros((3, 1)), [0.0])
    with pytest.raises(TypeError, match=r"^refine must be"):
        g.nearest_point(SIGMOID, S3, np.zeros((3, 1)), grid, refine="yes")
    with pytest.raises(ValueError, match=r"^T must have 3 rows"):
        g.nearest_point(SIGMOID, S3, np.zeros((2, 1)), grid)
    with pytest.raises(ValueError, match=r"^x must contain only finite"):
        g.monotone_projection([0.0, np.nan])
    with pytest.raises(TypeError, match=r"^picture must be"):
        viz_g.nearest_point_figure("sigmoid", 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^t must lie in the sliders' range"):
        viz_g.nearest_point_explorer((0.0, 0.0, 9.0), pictures={})
    with pytest.raises(ValueError, match=r"^activation must be 'relu' or 'sigmoid'"):
        viz_g.nearest_point_explorer((0.0, 0.0, 1.0), activation="tanh", pictures={})
    with pytest.raises(ValueError, match=r"^n_samples must be a positive"):
        g.image_sample(SIGMOID, S3, 0)


# -- the widget ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pictures():
    return {name: g.NearestPointPicture.build(name, n_per_axis=121, n_samples=200) for name in ("relu", "sigmoid")}


def test_widget_callback_says_the_step_has_no_nearest_point_for_the_sigmoid(pictures):
    fig = viz_g.nearest_point_figure(pictures["sigmoid"], 0.0, 0.0, 1.0)
    title = fig.axes[0].get_title()
    assert "NO nearest point" in title
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_legend() is not None


def test_widget_callback_says_the_step_is_fitted_by_the_relu_network(pictures):
    title = viz_g.nearest_point_figure(pictures["relu"], 0.0, 0.0, 1.0).axes[0].get_title()
    assert "attained (1 nearest point)" in title


def test_widget_callback_reports_two_nearest_points_for_the_symmetric_target(pictures):
    title = viz_g.nearest_point_figure(pictures["relu"], 0.0, -1.0, 0.0).axes[0].get_title()
    assert "attained (2 nearest points)" in title


def test_widget_callback_draws_the_target_the_closures_nearest_point_and_the_solvers_point_off_the_grid():
    # Speed is measured in bench/, never asserted in tests; here what the callback draws: T, the
    # nearest point of the closure (monotone vectors) and the point nearest_point finds, in the plane.
    picture = g.NearestPointPicture.build("sigmoid")
    T = np.array([[0.5], [-1.0], [0.3]])
    fig = viz_g.nearest_point_figure(picture, *T.ravel())
    (ax,) = [ax for ax in fig.axes if ax.get_visible()]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    target, nearest, best = (c.get_offsets() for c in ax.collections[-3:])
    np.testing.assert_allclose(target, g.plane_coordinates(T.ravel())[None, :], rtol=1e-12)
    _, points = g.nearest_monotone_vectors(T.ravel())
    np.testing.assert_allclose(nearest, g.plane_coordinates(np.array(points)), rtol=1e-12)
    res = g.nearest_point(picture.arch, picture.S, T, picture.grid, max_nfev=200)
    np.testing.assert_allclose(best, g.plane_coordinates(res.point.ravel())[None, :], rtol=1e-9, atol=1e-12)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[-3:] == ["target T", "nearest point(s) of the closure", "solver's best point"]


def test_widget_builds_sliders_for_the_three_responses_and_shows_the_live_picture_of_each_move(pictures):
    box = viz_g.nearest_point_explorer((0.0, 0.0, 1.0), pictures=pictures)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["t1", "t2", "t3"]
    assert [s.value for s in sliders] == [0.0, 0.0, 1.0]
    assert box.children[1].children[0].value == "sigmoid"
    controls, image = explorer_parts(box)
    render = viz_g.nearest_point_live(pictures)  # the picture of the opening setting, then of each move
    assert same_picture(image.value, render(0.0, 0.0, 1.0, "sigmoid"))
    controls[1].value = -1.0
    assert same_picture(image.value, render(0.0, -1.0, 1.0, "sigmoid"))
    controls[3].value = "relu"
    assert same_picture(image.value, render(0.0, -1.0, 1.0, "relu"))


def test_the_widget_search_gives_the_numbers_of_nearest_point(pictures):
    # The widget reuses the grid's hidden outputs between moves; the search must still be
    # nearest_point's, to the last digit shown.
    for name, t in (("sigmoid", (0.0, 0.25, 1.0)), ("sigmoid", (0.5, -1.0, 0.3)), ("relu", (0.0, -1.0, 0.0))):
        picture = pictures[name]
        res = g.nearest_point(picture.arch, picture.S, np.array(t)[:, None], picture.grid, max_nfev=200)
        ax = viz_g.nearest_point_figure(picture, *t).axes[0]
        title = ax.get_title()
        assert f"‖θ‖ = {res.norm:.3g}, gradient norm {res.grad_norm:.2g}" in title
        assert f"{res.loss:.3g} (inf" in title or "0 (in floating point only)" in title


def test_cached_grid_features_give_the_last_layers_of_best_output_layer(pictures):
    picture = pictures["sigmoid"]
    T = np.array([[0.3], [-1.2], [2.0]])
    thetas, losses = g.best_output_layer(picture.arch, picture.S, T, picture.grid)
    c, d, cached_losses = _kernel.one_unit_last_layer(picture.grid_features(), T)
    assert np.array_equal(thetas[:, 2:3], c) and np.array_equal(thetas[:, 3:4], d)
    assert np.array_equal(losses, cached_losses)


def test_live_picture_after_other_moves_equals_a_fresh_live_picture(pictures):
    # Moves across both activations and several windows (full redraws) and back: a stale
    # background would change pixels.
    render = viz_g.nearest_point_live(pictures)
    render(0.0, 0.0, 1.0, "sigmoid")
    for t1, t2, t3, act in [(2.0, -1.5, -2.3, "sigmoid"), (0.5, 0.0, 1.0, "relu"), (3.0, -3.0, 3.0, "relu"),
                            (0.0, 0.05, 1.0, "sigmoid"), (-2.0, 2.0, -2.0, "sigmoid"), (0.0, 0.0, 1.0, "relu")]:
        render(t1, t2, t3, act)
    for setting in [(0.0, -1.0, 0.0, "relu"), (0.0, 0.0, 1.0, "sigmoid"), (2.5, -2.5, 0.5, "sigmoid")]:
        moved = render(*setting)
        fresh = viz_g.nearest_point_live(pictures)(*setting)
        assert np.array_equal(pixels(moved), pixels(fresh)), setting


def test_live_picture_is_the_static_figure(pictures):
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    png = viz_g.nearest_point_live(pictures)(0.0, 0.5, 1.0, "sigmoid")
    fig = viz_g.nearest_point_figure(pictures["sigmoid"], 0.0, 0.5, 1.0)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert np.array_equal(pixels(png)[..., :3], pixels(buf.getvalue())[..., :3])


def test_the_title_holds_the_verdict_and_the_numbers_on_two_drawn_lines(pictures):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = viz_g.nearest_point_figure(pictures["sigmoid"], 0.0, 0.0, 1.0)
    ax = fig.axes[0]
    lines = ax.get_title().split("\n")
    assert [line[:18] for line in lines] == ["sigmoid: NO neares", "loss 0 (in floatin"]
    renderer = FigureCanvasAgg(fig).get_renderer()
    one_line = ax.text(0, 0, lines[0], fontsize=9).get_window_extent(renderer).height
    assert ax.title.get_window_extent(renderer).height > 1.8 * one_line  # both lines are laid out


def test_a_small_move_keeps_the_window_and_is_a_blit(pictures):
    render = viz_g.nearest_point_live(pictures)
    render(0.0, 0.0, 1.0, "sigmoid")
    window = render.live.fig.axes[0].get_xlim()
    render(0.0, 0.05, 1.0, "sigmoid")
    assert render.live.last_mode == "blit" and render.live.fig.axes[0].get_xlim() == window
    render(0.0, 0.05, 1.0, "relu")  # another picture: drawn in full once
    assert render.live.last_mode == "full"
    render(3.0, -3.0, 3.0, "relu")  # far away: a larger window
    assert render.live.last_mode == "full" and render.live.fig.axes[0].get_xlim()[1] > window[1]
    render(0.0, 0.0, 1.0, "sigmoid")  # back to a window seen before
    assert render.live.last_mode == "blit"


def test_the_window_follows_the_target_in_rounded_steps(pictures):
    ax = viz_g.nearest_point_figure(pictures["relu"], 0.0, 0.0, 1.0).axes[0]
    assert ax.get_xlim() == (-2.0, 2.0) == ax.get_ylim()
    far = viz_g.nearest_point_figure(pictures["relu"], 30.0, -30.0, 0.0).axes[0]  # |plane coordinates| = 42.4
    half = far.get_xlim()[1]
    assert half >= 1.3 * 42.4 and half in (60.0, 80.0, 100.0)
    reach = np.linalg.norm(far.patches[0].get_path().vertices, axis=1).max()
    assert reach >= np.sqrt(2) * half  # the sectors reach the corners of the window


def test_live_renderer_names_bad_arguments(pictures):
    with pytest.raises(ValueError, match="^pictures must be a dict"):
        viz_g.nearest_point_live({"relu": pictures["relu"]})
    with pytest.raises(ValueError, match=r"^pictures\['relu'\] must be a picture of a relu network"):
        viz_g.nearest_point_live({"relu": pictures["sigmoid"], "sigmoid": pictures["sigmoid"]})
    with pytest.raises(TypeError, match=r"^pictures\['sigmoid'\] must be a NearestPointPicture"):
        viz_g.nearest_point_live({"relu": pictures["relu"], "sigmoid": "sigmoid"})
    with pytest.raises(ValueError, match="^max_nfev must be"):
        viz_g.nearest_point_live(pictures, max_nfev=0)
    render = viz_g.nearest_point_live(pictures)
    with pytest.raises(ValueError, match="^t2 must be a real number, finite"):
        render(0.0, float("nan"), 1.0, "relu")
    with pytest.raises(TypeError, match="^t3 must be a real number"):
        render(0.0, 0.0, "1", "relu")
    with pytest.raises(ValueError, match="^activation must be 'relu' or 'sigmoid'"):
        render(0.0, 0.0, 1.0, "tanh")
    with pytest.raises(TypeError, match="^t1 must be a real number"):
        viz_g.nearest_point_figure(pictures["relu"], None, 0.0, 1.0)
    with pytest.raises(ValueError, match="^max_nfev must be"):
        viz_g.nearest_point_figure(pictures["relu"], 0.0, 0.0, 1.0, max_nfev=-1)


def test_exact_one_unit_fits_with_tanh_fit_the_target_exactly():
    # tanh saturates to exactly +-1 in floating point; the fits must still come out (via sigmoid).
    S = np.array([[0.0], [1.0], [2.0]])
    x = np.array([0.0, 1.5, 1.9])
    fits = g.exact_one_unit_fits(x, [1.0, 2.0], S=S, activation="tanh")
    arch = nn.Architecture((1, 1, 1), "tanh")
    assert np.all(np.isfinite(fits))
    for theta in fits:
        assert np.abs(nn.weights_map(arch, S, theta).ravel() - x).max() < 1e-9


def test_saturation_depth_is_the_smaller_pre_activation_of_the_nearly_tied_pair():
    sig = nn.Architecture((1, 1, 1), "sigmoid")
    S = g.three_point_sample()
    # z = (-84, -42, 0): the first two outputs nearly tie, both far on the negative side
    assert g.saturation_depth(sig, S, [42.0, -42.0, 1.0, 0.0]) == pytest.approx(42.0)
    # a unit in its linear range has no deep tie
    assert g.saturation_depth(sig, S, [1.0, 0.0, 1.0, 0.0]) == 0.0


def test_saturation_depth_reads_the_samples_in_increasing_order():
    tanh = nn.Architecture((1, 1, 1), "tanh")
    S = np.array([[2.0], [0.0], [1.0]])
    assert g.saturation_depth(tanh, S, [20.0, -1.0, 1.0, 0.0]) == pytest.approx(19.0)


def test_saturation_depth_rejects_wider_networks():
    with pytest.raises(ValueError, match="1-1-1"):
        g.saturation_depth(nn.Architecture((1, 2, 1), "tanh"), g.three_point_sample(), np.zeros(7))
