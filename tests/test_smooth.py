"""Tests of nnlib.smooth: the claims of §6 (smooth activations) as statements that can fail."""

from __future__ import annotations

import numpy as np
import pytest

import nnlib as nn
from nnlib import geometry, smooth
from nnlib.viz import smooth as viz_smooth
from _helpers import explorer_parts, pixels, same_picture

S, T = nn.tanh_example_data()
TANH = nn.Architecture((1, 1, 1), "tanh")
SIGMOID = nn.Architecture((1, 1, 1), "sigmoid")


# -- the n = 1 claim ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", [2.0, -5.0, 1.0, 0.0, 1e3])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_sigmoid_image_for_one_sample_is_all_of_R_under_definition_1(target, activation):
    th = smooth.one_sample_exact_fit(1.0, target, activation)
    out = nn.weights_map(nn.Architecture((1, 1, 1), activation), [[1.0]], th)[0, 0]
    assert out == pytest.approx(target, abs=1e-12)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_a_solver_fits_targets_outside_0_1_with_small_weights_for_every_depth(k):
    arch = nn.Architecture((1,) * (k + 1), "sigmoid")
    for target in (2.0, -5.0):
        fit = nn.least_squares_fit(arch, [[1.0]], [[target]], rng=k, init_scale=0.5)
        assert fit.final_loss < 1e-16
        assert fit.final_norm < 10.0


# -- the parameterisation of psi_2(Theta) for (30) ----------------------------------------------

def test_tanh_parameterisation_matches_weights_map():
    rng = np.random.default_rng(0)
    for _ in range(200):
        th = rng.normal(size=4) * 2
        assert np.allclose(smooth.tanh_entries(th), nn.weights_map(TANH, S, th).ravel(), rtol=0, atol=1e-13)


def test_printed_tanh_entries_two_and_three_collapse_to_the_first():
    rng = np.random.default_rng(1)
    misses = []
    for _ in range(200):
        th = rng.normal(size=4)
        printed = smooth.printed_tanh_entries(th)
        assert np.allclose(printed, printed[0], rtol=0, atol=1e-13)
        assert printed[0] == pytest.approx(th[2] * np.tanh(th[1]) + th[3], abs=1e-13)
        misses.append(np.abs(printed - nn.weights_map(TANH, S, th).ravel()).max())
    assert max(misses) > 0.5


def test_tanh_and_sigmoid_networks_have_the_same_outputs_under_the_weight_bijection():
    rng = np.random.default_rng(2)
    for _ in range(100):
        th = rng.normal(size=4) * 3
        assert np.allclose(nn.weights_map(TANH, S, th), nn.weights_map(SIGMOID, S, smooth.tanh_to_sigmoid_weights(th)),
                           rtol=0, atol=1e-12)


# -- the image and the closure -----------------------------------------------------------------

def test_random_tanh_weights_give_strictly_monotone_vectors_in_the_image():
    X = geometry.image_sample(TANH, S, 500, rng=3, scale=2.0)
    assert all(smooth.in_one_unit_image(x) for x in X)


@pytest.mark.parametrize("x, expected", [([0.0, 1.5, 1.5], False), ([1.0, 1.0, 0.0], False), ([0.0, 2.0, 1.0], False),
                                         ([0.0, 1.0, 2.0], True), ([3.0, 2.0, -1.0], True), ([4.0, 4.0, 4.0], True)])
def test_the_image_is_the_strictly_monotone_and_the_constant_vectors(x, expected):
    assert smooth.in_one_unit_image(x) is expected


def test_a_strictly_monotone_vector_is_fitted_exactly():
    x = np.array([0.0, 1.7, 1.9])
    fits = geometry.exact_one_unit_fits(x, np.geomspace(0.1, 10, 50), S=S, activation="sigmoid")
    a, b, c, d = fits[np.nanargmin(np.linalg.norm(fits, axis=1))]
    th = np.array([a / 2, b / 2, c / 2, d + c / 2])  # the inverse of tanh_to_sigmoid_weights
    assert np.allclose(smooth.tanh_to_sigmoid_weights(th), [a, b, c, d])
    assert np.allclose(nn.weights_map(TANH, S, th).ravel(), x, atol=1e-9)


# -- the example (0, 2, 1) ---------------------------------------------------------------------

def test_tanh_example_infimum_is_half_and_not_attained():
    v = smooth.closure_verdict(T)
    assert v.infimum == pytest.approx(0.5, abs=1e-15)
    assert len(v.nearest) == 1 and v.nearest[0].tolist() == [0.0, 1.5, 1.5]
    assert v.attained is False


def test_the_minimising_sequence_reaches_the_infimum_only_as_the_weights_grow():
    losses = [nn.loss(TANH, S, T, [a, -a / 2, 0.75, 0.75]) for a in (2.0, 4.0, 8.0, 16.0)]
    assert all(L > 0.5 for L in losses)
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] - 0.5 < 1e-5


def test_best_loss_with_bounded_weights_stays_above_half_and_uses_the_whole_ball():
    radii = np.array([2.0, 4.0, 8.0, 12.0])
    path = smooth.best_fit_path(T, radii)
    assert np.all(path.loss > 0.5)
    assert np.all(np.diff(path.loss) < 0)
    assert np.all(path.norm > 0.9 * radii)


def test_constrained_solver_stays_above_half_at_every_radius():
    for R in (2.0, 4.0, 8.0):
        res = nn.constrained_fit(TANH, S, T, R, rng=0)
        assert res.final_norm <= R
        assert res.final_loss > 0.5


# -- U(eps) and Proposition 2 ------------------------------------------------------------------

def test_targets_in_U_eps_have_no_best_fit_for_small_eps():
    survey = smooth.box_survey(T, [0.05, 0.2, 0.45, 0.5], 400, rng=5)
    assert np.all(survey.not_attained == 1.0)
    assert np.all(survey.paper_form == 1.0)


def test_targets_in_U_eps_beyond_one_half_can_be_fitted_exactly():
    eps = 0.6
    t_inc = T.ravel() + np.array([0.0, -eps, eps])  # (0, 1.4, 1.6): strictly increasing
    v = smooth.closure_verdict(t_inc)
    assert v.attained and v.infimum == 0.0
    survey = smooth.box_survey(T, [0.8], 1000, rng=6)
    assert 0.0 < survey.strictly_increasing[0] and survey.not_attained[0] < 1.0


@pytest.mark.parametrize("eps", [0.3, 0.6, 1.2, 3.0])
def test_the_vectorised_survey_decides_every_target_as_closure_verdict_does(eps):
    X = np.vstack([smooth.box_targets(T.ravel(), eps, 600, rng=8),
                   [[0, -1, 0], [1, 1, 1], [0, 1.5, 1.5], [0, 1, 2], [2, 1, 0], [1, 0, 1], [0, 0, 1]]])
    not_attained, paper = smooth._box_verdicts(X)
    for x, na, pf in zip(X, not_attained, paper):
        v = smooth.closure_verdict(x)
        y = 0.5 * (x[1] + x[2])
        assert na == (not v.attained)
        assert pf == (len(v.nearest) == 1 and x[2] <= y <= x[1]
                      and np.allclose(v.nearest[0], smooth.paper_closure_form(x), rtol=0, atol=1e-12))


def test_each_survey_fraction_comes_with_a_wilson_interval_that_contains_it():
    survey = smooth.box_survey(T, [0.5, 0.8], 2000, rng=3)
    for which in ("not_attained", "paper_form", "strictly_increasing"):
        ci = survey.interval(which)
        assert ci.shape == (2, 2)
        assert np.all(ci[:, 0] <= getattr(survey, which)) and np.all(getattr(survey, which) <= ci[:, 1])
    assert survey.interval("not_attained")[0, 1] == 1.0 and survey.interval("not_attained")[0, 0] > 0.99
    with pytest.raises(ValueError, match="which"):
        survey.interval("attained")


def test_the_widget_excess_keeps_only_digits_double_precision_resolves():
    R, excess, resolved = smooth.target_excess((0.0, 2.0, 1.0))
    assert resolved.all() and np.all(excess > 0)
    # rounded: the last excesses near R = 16.6 and 18 (about 5e-14 and 3e-14) keep one digit
    assert excess[-2:].tolist() == [5e-14, 3e-14]


def test_paper_closure_form_is_the_isotonic_answer_when_t1_is_below_the_pooled_mean():
    rng = np.random.default_rng(7)
    for _ in range(300):
        t = T.ravel() + rng.uniform(-0.49, 0.49, size=3)
        assert np.array_equal(smooth.paper_closure_form(t), geometry.monotone_projection(t))


def test_paper_closure_form_is_not_the_isotonic_answer_when_t1_exceeds_the_pooled_mean():
    t = np.array([3.0, 2.0, 1.0])
    assert not np.allclose(smooth.paper_closure_form(t), geometry.monotone_projection(t))


def test_sigmoid_bounded_fits_approach_the_same_infimum_from_above():
    path = smooth.best_fit_path(T, [4.0, 8.0, 16.0], activation="sigmoid")
    assert np.all(path.loss > 0.5) and np.all(np.diff(path.loss) < 0) and path.loss[-1] - 0.5 < 1e-5


def test_the_widget_callback_draws_a_figure_with_two_titled_panels():
    fig = viz_smooth.target_figure(0.0, 2.0, 1.0)
    assert len(fig.axes) == 2 and all(ax.get_title() for ax in fig.axes)
    assert "NOT attained" in fig.axes[0].get_title()


def test_the_widget_shows_the_live_picture_of_its_three_sliders_and_follows_each():
    box = viz_smooth.target_explorer((0.0, 2.0, 1.0))
    sliders, image = explorer_parts(box)
    assert [sl.value for sl in sliders] == [0.0, 2.0, 1.0] and box.children[-1].value == ""
    render = viz_smooth.target_live()  # the widget's pictures: the opening setting, then each move
    assert same_picture(image.value, render(0.0, 2.0, 1.0))
    setting = [0.0, 2.0, 1.0]
    for i, value in enumerate((0.5, 1.5, -1.0)):
        sliders[i].value = setting[i] = value
        assert same_picture(image.value, render(*setting)), setting


def _old_best_fit_path(t, radii, s=(0.0, 1.0, 2.0), activation="tanh", n_a=120, n_b=301):
    """best_fit_path as first written (every candidate through best_output_layer, a running-minimum loop)."""
    t, radii, s = np.asarray(t, float), np.asarray(radii, float), np.asarray(s, float)
    arch = nn.Architecture((1, 1, 1), activation)
    pos = np.geomspace(1e-2, max(float(radii.max()), 0.02), n_a)
    a = np.concatenate([-pos[::-1], pos])
    reach = np.abs(a) * float(np.max(np.abs(s))) + 6.0
    b = -reach[:, None] + 2 * reach[:, None] * np.linspace(0.0, 1.0, n_b)[None, :]
    hidden = np.stack([np.repeat(a, n_b), b.ravel()], axis=1)
    thetas, losses = geometry.best_output_layer(arch, s[:, None], t[:, None], hidden)
    norms = np.linalg.norm(thetas, axis=1)
    order = np.argsort(norms, kind="stable")
    norms, losses, thetas = norms[order], losses[order], thetas[order]
    best = np.zeros(losses.size, dtype=int)
    for i in range(1, losses.size):
        best[i] = i if losses[i] < losses[best[i - 1]] else best[i - 1]
    js = np.searchsorted(norms, radii, side="right") - 1
    return [(np.inf, None) if j < 0 else (losses[best[j]], thetas[best[j]]) for j in js]


@pytest.mark.parametrize("t", [(0.0, 2.0, 1.0), (2.1, -2.95, 2.85), (3.0, 3.0, 3.0), (0.0, 0.25, 1.0)])
def test_best_fit_path_gives_the_numbers_of_the_plain_search(t):
    # The widget keeps the candidate grid between moves and finds running minima without a
    # Python loop: the losses and weights must be those of the plain search, bit for bit.
    radii = np.geomspace(0.5, 18.0, 25)
    for n_a, n_b in ((120, 301), (60, 151)):
        path = smooth.best_fit_path(t, radii, n_a=n_a, n_b=n_b)
        for i, (loss, theta) in enumerate(_old_best_fit_path(t, radii, n_a=n_a, n_b=n_b)):
            assert path.loss[i] == loss
            assert theta is None and np.all(np.isnan(path.theta[i])) or np.array_equal(path.theta[i], theta)


def test_running_argmin_keeps_the_first_smallest_and_never_picks_nan():
    losses = np.array([3.0, 2.0, 2.0, 5.0, 1.0, 1.0])
    assert smooth._running_argmin(losses).tolist() == [0, 1, 1, 1, 4, 4]
    with_nan = np.array([3.0, np.nan, 2.0, np.nan, 1.0])
    assert smooth._running_argmin(with_nan).tolist() == [0, 0, 2, 2, 4]
    nan_first = np.array([np.nan, 2.0, np.nan, 1.0])
    assert smooth._running_argmin(nan_first).tolist() == [0, 1, 1, 3]
    with_inf = np.array([np.inf, 4.0, np.inf, 4.0])
    assert smooth._running_argmin(with_inf).tolist() == [0, 1, 1, 1]


def test_the_live_picture_after_other_moves_equals_a_fresh_live_picture():
    # (3, 3, 3) has no weights of norm <= 2.06 (|d| = 3 alone): the legend says so, a still
    # change covered by the static key; (9, 0, 0) is beyond the sliders: a wider window.
    render = viz_smooth.target_live()
    for t in [(0.0, 2.0, 1.0), (3.0, 3.0, 3.0), (2.1, -2.95, 2.85), (9.0, 0.0, 0.0), (-0.35, 0.25, 0.1)]:
        render(*t)
    for t in [(0.0, 2.0, 1.0), (3.0, 3.0, 3.0), (9.0, 0.0, 0.0)]:
        moved = render(*t)
        assert np.array_equal(pixels(moved), pixels(viz_smooth.target_live()(*t))), t


def test_the_live_picture_is_the_static_figure_but_where_a_curve_leaves_through_a_spine():
    # The live figure draws the moving curves over the still spines; the static figure draws the
    # spines over the curves.  Those few pixels at the frame are the only difference allowed.
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    png = viz_smooth.target_live()(0.0, 2.0, 1.0)
    fig = viz_smooth.target_figure(0.0, 2.0, 1.0)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    live, static = pixels(png)[..., :3], pixels(buf.getvalue())[..., :3]
    rows, cols = np.nonzero(np.any(live != static, axis=2))
    assert rows.size < 30
    y = live.shape[0] - rows  # display coordinates, from the bottom
    on_a_frame = np.zeros(rows.size, dtype=bool)
    for ax in fig.axes:
        x0, y0, x1, y1 = ax.get_window_extent().extents
        near = (cols >= x0 - 3) & (cols <= x1 + 3) & (y >= y0 - 3) & (y <= y1 + 3)
        edge = (np.abs(cols - x0) <= 3) | (np.abs(cols - x1) <= 3) | (np.abs(y - y0) <= 3) | (np.abs(y - y1) <= 3)
        on_a_frame |= near & edge
    assert np.all(on_a_frame), list(zip(rows[~on_a_frame], cols[~on_a_frame]))[:5]


def test_moves_within_the_sliders_range_are_blits():
    render = viz_smooth.target_live()
    render(0.0, 2.0, 1.0)
    for t in [(-3.0, 3.0, -3.0), (2.1, -2.95, 2.85), (0.0, 0.25, 1.0)]:
        render(*t)
        assert render.live.last_mode == "blit", t
    render(3.0, 3.0, 3.0)  # the legend changes: drawn in full once
    assert render.live.last_mode == "full"


def test_a_radius_without_weights_is_named_in_the_legend_and_not_drawn():
    fig = viz_smooth.target_figure(3.0, 3.0, 3.0)
    ax = fig.axes[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()][:3] == [
        "no weights with ‖θ‖ ≤ 2.06", "best fit, ‖θ‖ ≤ 4.24", "best fit, ‖θ‖ ≤ 18"]
    assert [line.get_visible() for line in ax.get_lines()] == [False, True, True]
    assert [handle.get_visible() for handle in ax.get_legend().legend_handles[:3]] == [False, True, True]
    assert "T' = (3.00, 3.00, 3.00): infimum 0, attained" in ax.get_title()


def test_the_live_renderer_names_bad_arguments():
    with pytest.raises(ValueError, match="^radii must be at least two increasing positive numbers"):
        viz_smooth.target_live(radii=[2.0, 1.0])
    with pytest.raises(ValueError, match="^limit must be"):
        viz_smooth.target_live(limit=0.0)
    render = viz_smooth.target_live()
    with pytest.raises(ValueError, match="^t2 must contain only finite numbers"):
        render(0.0, float("inf"), 1.0)
    with pytest.raises(ValueError, match="^t1 must be a single real number"):
        render([0.0, 1.0], 2.0, 1.0)
    with pytest.raises(ValueError, match="^t must lie in the sliders' range"):
        viz_smooth.target_explorer((0.0, 4.0, 1.0))


# -- bad input -----------------------------------------------------------------------------------

def test_one_sample_exact_fit_names_a_bad_activation():
    with pytest.raises(ValueError, match="^activation"):
        smooth.one_sample_exact_fit(1.0, 2.0, "relu")


def test_one_sample_exact_fit_names_a_non_scalar_sample():
    with pytest.raises(ValueError, match="^s "):
        smooth.one_sample_exact_fit([1.0, 2.0], 2.0)


def test_printed_tanh_entries_names_theta_of_the_wrong_length():
    with pytest.raises(ValueError, match="^theta"):
        smooth.printed_tanh_entries([1.0, 2.0, 3.0])


def test_closure_verdict_names_a_target_with_nan():
    with pytest.raises(ValueError, match="^t "):
        smooth.closure_verdict([0.0, np.nan, 1.0])


def test_box_targets_names_a_non_positive_eps():
    with pytest.raises(ValueError, match="^eps"):
        smooth.box_targets([0.0, 2.0, 1.0], 0.0, 10)


def test_box_survey_names_bad_eps_values():
    with pytest.raises(ValueError, match="^eps_values"):
        smooth.box_survey([0.0, 2.0, 1.0], [0.1, -0.2], 10)


def test_best_fit_path_names_a_sample_that_is_not_increasing():
    with pytest.raises(ValueError, match="^S "):
        smooth.best_fit_path([0.0, 2.0, 1.0], [1.0], S=(0.0, 2.0, 1.0))


def test_best_fit_path_names_bad_radii():
    with pytest.raises(ValueError, match="^radii"):
        smooth.best_fit_path([0.0, 2.0, 1.0], [])


def test_in_one_unit_image_names_x_of_the_wrong_length():
    with pytest.raises(ValueError, match="^x "):
        smooth.in_one_unit_image([0.0, 1.0])


def test_the_widget_figure_draws_the_target_the_closure_points_and_the_excess_of_target_state():
    """Not just a figure: the points and the curve drawn are the numbers of smooth.target_state."""
    t, verdict, path = smooth.target_state(0.0, 2.0, 1.0)
    fig = viz_smooth.target_figure(0.0, 2.0, 1.0)
    ax1, ax2 = fig.axes
    s = np.array([0.0, 1.0, 2.0])
    target, nearest = (c.get_offsets() for c in ax1.collections)
    np.testing.assert_array_equal(target, np.column_stack([s, t]))
    np.testing.assert_array_equal(nearest, np.vstack([np.column_stack([s, p]) for p in verdict.nearest]))
    radii, excess, resolved, _ = smooth.excess_over_infimum(t, verdict, path)
    (curve,) = [line for line in ax2.get_lines() if line.get_label().startswith("best loss")]
    np.testing.assert_array_equal(curve.get_xdata(), radii[resolved])
    np.testing.assert_array_equal(curve.get_ydata(), np.maximum(excess[resolved], 1e-17))
