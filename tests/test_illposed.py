"""nnlib.illposed: the quadrant argument of Theorem 1, rates along theta_k, the price of boundedness, weight decay."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import illposed as ip
from nnlib.viz import illposed as viz_ip
from nnlib.network import Architecture, hidden_layers, loss, weights_map
from nnlib.paper import theorem1_architecture, theorem1_data, theta_k
from _helpers import explorer_parts, same_picture


# ------------------------------------------------------------------------------ theta_k of (17)


@pytest.mark.parametrize("k", [1, 2, 7, 100, 1e4])
def test_theorem1_theta_k_error_is_sqrt5_over_k(k):
    tab = ip.theta_k_table([k])
    np.testing.assert_allclose(tab["error"], np.sqrt(5) / k, rtol=1e-12)


def test_theta_k_norm_is_sqrt_of_5k2_plus_2k_plus_9_plus_1_over_k2():
    ks = np.array([1.0, 3.0, 50.0])
    tab = ip.theta_k_table(ks)
    np.testing.assert_allclose(tab["norm"], np.sqrt(5 * ks**2 + 2 * ks + 9 + 1 / ks**2), rtol=1e-13)


@pytest.mark.parametrize("k", [1, 4, 33])
def test_first_affine_map_of_theta_k_is_alpha_1_k_as_printed_in_the_proof(k):
    S, _ = theorem1_data()
    (A1, b1), _ = theorem1_architecture().unpack(theta_k(k))
    pre = S @ A1.T + b1
    expected = np.array([[-(i - 3), i - 3] for i in range(1, 6)] + [[2 * k, k]], dtype=float)
    np.testing.assert_array_equal(pre, expected)


def test_loglog_slope_of_theta_k_error_and_norm_is_minus_one_and_plus_one():
    ks = np.logspace(1, 4, 7)
    tab = ip.theta_k_table(ks)
    a_err, C_err = ip.loglog_slope(ks, tab["error"])
    a_norm, C_norm = ip.loglog_slope(ks, tab["norm"])
    assert a_err == pytest.approx(-1, abs=1e-9) and C_err == pytest.approx(np.sqrt(5), rel=1e-9)
    # the 2k + 9 of ||theta_k||^2 bends the curve slightly at small k: the slope is 1 only in the limit
    assert a_norm == pytest.approx(1, abs=5e-3) and C_norm == pytest.approx(np.sqrt(5), rel=3e-2)


def test_loglog_slope_recovers_an_exact_power_law():
    x = np.array([0.5, 2.0, 8.0, 30.0])
    a, C = ip.loglog_slope(x, 7.0 * x**-2.5)
    assert a == pytest.approx(-2.5, abs=1e-12) and C == pytest.approx(7.0, rel=1e-12)


# ------------------------------------------------------------------------ the quadrant argument


def test_the_target_points_t1_to_t5_have_pattern_defect_zero_and_reversed_or_equal_spacing_do_not():
    _, T = theorem1_data()
    assert ip.pattern_defect(T[:5]) == pytest.approx(0, abs=1e-12)
    assert ip.pattern_defect(-T[:5]) == pytest.approx(0, abs=1e-12)  # the line may point either way
    assert ip.pattern_defect(T[4::-1]) > 0.1  # but the order of the spacings (1, 1, 2, 2) is part of the pattern
    assert ip.pattern_defect(ip.line_points([0, 0], [1, 1])) > 0.1


def test_pattern_defect_is_zero_after_any_affine_isomorphism_of_the_target():
    _, T = theorem1_data()
    rng = np.random.default_rng(3)
    for _ in range(20):
        A = rng.standard_normal((2, 2))
        P = T[:5] @ A.T + rng.standard_normal(2)
        assert ip.pattern_defect(P) < 1e-10


def test_pattern_defect_of_coincident_points_is_one():
    assert ip.pattern_defect(np.zeros((5, 2))) == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_quadrant_argument_equal_spacing_preserved_within_an_orthant(seed):
    # Lines whose five points lie in one closed quadrant: sigma_max acts there as a coordinate
    # projection, so the images are collinear and equally spaced (possibly all at the origin).
    rng = np.random.default_rng(seed)
    for signs in [(1, 1), (-1, 1), (-1, -1), (1, -1)]:
        s = np.array(signs, dtype=float)
        for _ in range(50):
            a = s * (2.5 + rng.random(2))
            d = rng.uniform(-1, 1, 2)
            X = ip.line_points(a, d)
            assert ip.closed_orthants(X)  # the points stay in the quadrant of a
            P = np.maximum(X, 0)
            dist = ip.successive_distances(P)
            assert ip.is_collinear(P)
            np.testing.assert_allclose(dist, dist[0], atol=1e-12)
            if signs == (-1, -1):
                assert np.all(P == 0)


def test_collinear_distinct_images_of_a_straddling_line_exist_so_collinearity_alone_does_not_force_one_quadrant():
    # x = 1, y = -0.5 + (t + 2) for t = -2..2: the lowest point is in the open fourth quadrant.
    X = ip.line_points([1.0, 1.5], [0.0, 1.0])
    P = np.maximum(X, 0)
    assert not ip.closed_orthants(X)
    assert ip.is_collinear(P)
    dist = ip.successive_distances(P)
    assert np.all(dist > 0)
    np.testing.assert_allclose(dist, [0.5, 1, 1, 1])


def test_quadrant_survey_never_produces_the_target_spacing_and_middle_spacings_of_collinear_images_agree():
    sv = ip.quadrant_survey(400, n_adversarial=5, rng=1)
    assert sv.defect.min() > 0.05
    same = sv.same_orthant
    assert same.any() and (~same).any()
    assert np.all(sv.equal_spacing[same]) and np.all(sv.collinear[same])
    m = sv.collinear & sv.distinct
    assert (m & ~same).any()  # collinear distinct images from straddling lines do occur ...
    np.testing.assert_allclose(sv.middle_ratio[m], 1.0, atol=1e-9)  # ... but never with d3 = 2 d2
    assert set(sv.kind) == {"random", "kink at s_3", "through the origin", "axis-parallel", "adversarial"}


def test_a_line_through_the_origin_from_the_fourth_to_the_second_quadrant_maps_to_an_L_not_a_line():
    P = ip.relu_projection_of_line([0, 0], [-1, 1])
    np.testing.assert_array_equal(P, [[2, 0], [1, 0], [0, 0], [0, 1], [0, 2]])
    assert not ip.is_collinear(P)


def test_t1_t3_t6_are_affinely_independent_so_beta2_must_be_an_affine_isomorphism():
    _, T = theorem1_data()
    assert ip.affine_rank(T[[0, 2, 5]]) == 2
    # an affine map of rank <= 1 has an image of affine rank <= 1, whatever its input
    rng = np.random.default_rng(0)
    for _ in range(10):
        A = np.outer(rng.standard_normal(2), rng.standard_normal(2))
        assert ip.affine_rank(rng.standard_normal((6, 2)) @ A.T + rng.standard_normal(2)) <= 1


def test_closed_orthants_of_points_on_an_axis_are_both_neighbours():
    assert ip.closed_orthants([[0.0, 0.0]]) == [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    assert ip.closed_orthants([[0.0, 2.0], [0.0, 1.0]]) == [(1, 1), (-1, 1)]


# ---------------------------------------------------------------------- the price of boundedness


def test_rebalance_to_norm_keeps_the_network_and_reaches_the_norm():
    arch = theorem1_architecture()
    S, _ = theorem1_data()
    th = theta_k(3)
    for R in [20.0, 100.0]:
        out = ip.rebalance_to_norm(arch, th, R)
        assert np.linalg.norm(out) == pytest.approx(R, rel=1e-12)
        np.testing.assert_allclose(weights_map(arch, S, out), weights_map(arch, S, th), rtol=1e-12, atol=1e-12)


def test_rebalance_to_norm_returns_none_below_reach():
    assert ip.rebalance_to_norm(theorem1_architecture(), theta_k(3), 0.5) is None


def test_price_of_boundedness_never_increases_with_R_and_respects_the_bound():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    radii = np.array([1.0, 3.0, 10.0, 30.0])
    path = ip.price_of_boundedness(arch, S, T, radii, n_random=1, rng=0)
    assert np.all(np.diff(path.best_loss) <= 0)
    assert np.all(np.linalg.norm(path.thetas, axis=1) <= radii)
    for th, L in zip(path.thetas, path.best_loss):
        assert loss(arch, S, T, th) == pytest.approx(L, rel=1e-9, abs=1e-15)
    # the constrained optimum beats theta_k of the same norm (loss 5/k^2)
    k30 = 30 / np.sqrt(5)
    assert path.best_loss[-1] < 0.01 * 5 / k30**2


def test_price_of_boundedness_decays_like_R_to_the_minus_4_on_the_theorem1_data():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    radii = np.logspace(1, 2, 5)
    path = ip.price_of_boundedness(arch, S, T, radii, n_random=0, rng=0, warm_starts=[
        lambda R: ip.rebalance_to_norm(arch, theta_k(max(R / 10, 1.0)), R)])
    a, C = ip.loglog_slope(radii, path.best_loss)
    assert a == pytest.approx(-4, abs=0.3)


def test_weight_decay_minimiser_norm_grows_as_lambda_decreases():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    radii = np.logspace(0, 2, 9)
    path = ip.price_of_boundedness(arch, S, T, radii, n_random=1, rng=0)
    wd = ip.weight_decay_path(arch, S, T, [1e-2, 1e-4, 1e-6, 1e-8], seeds=path.thetas, rng=0)
    assert np.all(np.diff(wd.norm) > 0)
    assert np.all(np.diff(wd.loss) < 0)
    np.testing.assert_allclose(wd.objective, wd.loss + wd.lambdas * wd.norm**2, rtol=1e-12)


# ------------------------------------------------------------------------------ figures, widgets


def test_theta_k_figure_has_two_titled_panels_with_legends():
    fig = viz_ip.theta_k_figure(5)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None


def test_theta_k_figure_draws_the_fit_and_hidden_images_of_theta_k():
    """The points drawn are psi_2(theta_k) and sigma(alpha_1(s_i)), not just some points."""
    arch, (S, _) = theorem1_architecture(), theorem1_data()
    fig = viz_ip.theta_k_figure(5)
    ax_out, ax_hid = fig.axes
    drawn_fit = ax_out.collections[1].get_offsets()
    np.testing.assert_allclose(drawn_fit, weights_map(arch, S, theta_k(5)), rtol=1e-12)
    H = hidden_layers(arch, S, theta_k(5))[0]
    np.testing.assert_allclose(np.vstack([c.get_offsets() for c in ax_hid.collections]), H, rtol=1e-12)
    assert "k = 5" in fig._suptitle.get_text()


def test_boundedness_and_weight_decay_figures_pick_the_nearest_precomputed_value():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    path = ip.price_of_boundedness(arch, S, T, [1.0, 10.0], n_random=0, rng=0,
                                   warm_starts=[lambda R: ip.rebalance_to_norm(arch, theta_k(2), R) if R > 5 else theta_k(0.1)])
    fig = viz_ip.boundedness_figure(path, 9.0)
    assert "10" in fig._suptitle.get_text()
    _assert_draws_the_fit_and_hidden_images_of(fig, path.thetas[1])  # the fit with ||theta|| <= 10
    wd = ip.weight_decay_path(arch, S, T, [1e-2, 1e-4], seeds=path.thetas, rng=0)
    fig = viz_ip.weight_decay_figure(wd, 2e-4)
    assert "0.0001" in fig._suptitle.get_text()
    _assert_draws_the_fit_and_hidden_images_of(fig, wd.thetas[1])  # the minimiser at lambda = 1e-4


def _assert_draws_the_fit_and_hidden_images_of(fig, theta):
    arch, (S, T) = theorem1_architecture(), theorem1_data()
    ax_out, ax_hid = fig.axes
    target, fit = (c.get_offsets() for c in ax_out.collections)
    np.testing.assert_array_equal(target, T)
    np.testing.assert_allclose(fit, weights_map(arch, S, theta), rtol=1e-12)
    H = hidden_layers(arch, S, theta)[0]
    np.testing.assert_allclose(np.vstack([c.get_offsets() for c in ax_hid.collections]), H, rtol=1e-12)


def test_the_theta_k_explorer_shows_theta_k_for_the_k_on_its_slider_and_follows_it():
    slider, image = explorer_parts(viz_ip.theta_k_explorer(3))
    (slider,) = slider
    assert slider.value == 3.0 and slider.description == "k"
    render = viz_ip.theta_k_live()  # (the layout is fixed at the first picture: k = 3 first, as the widget)
    assert same_picture(image.value, render(3.0))
    slider.value = 30.0
    assert same_picture(image.value, render(30.0))
    assert not same_picture(image.value, render(3.0))


def test_the_chapter_4_renderers_take_their_value_by_position_or_by_the_sliders_name():
    """A static twin calls render(k); a widget and bench/widget_registry.py call render(k=...)."""
    render = viz_ip.theta_k_live()
    assert same_picture(render(k=5.0), viz_ip.theta_k_live()(5.0))
    arch, (S, T) = theorem1_architecture(), theorem1_data()
    path = ip.price_of_boundedness(arch, S, T, [1.0, 10.0], n_random=0, rng=0,
                                   warm_starts=[lambda R: ip.rebalance_to_norm(arch, theta_k(2), R) if R > 5 else theta_k(0.1)])
    assert same_picture(viz_ip.boundedness_live(path)(R=9.0), viz_ip.boundedness_live(path)(9.0))
    wd = ip.weight_decay_path(arch, S, T, [1e-2, 1e-4], seeds=path.thetas, rng=0)
    assert same_picture(viz_ip.weight_decay_live(wd)(lam=2e-4), viz_ip.weight_decay_live(wd)(2e-4))


# ------------------------------------------------------------------------------------- bad input


def test_loglog_slope_rejects_nonpositive_y_naming_it():
    with pytest.raises(ValueError, match=r"^y must be positive"):
        ip.loglog_slope([1, 2], [1, 0])


def test_loglog_slope_rejects_a_single_point_naming_x():
    with pytest.raises(ValueError, match=r"^x must hold at least 2"):
        ip.loglog_slope([1], [1])


def test_line_points_rejects_direction_of_wrong_length_naming_d():
    with pytest.raises(ValueError, match=r"^d must have length 2"):
        ip.line_points([0, 0], [1, 2, 3])


def test_pattern_defect_rejects_positions_of_wrong_length_naming_positions():
    with pytest.raises(ValueError, match=r"^positions must have length 5"):
        ip.pattern_defect(np.ones((5, 2)), positions=[0, 1, 2])


def test_price_of_boundedness_rejects_decreasing_radii_naming_radii():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(ValueError, match=r"^radii must be positive and strictly increasing"):
        ip.price_of_boundedness(arch, S, T, [3.0, 1.0])


def test_price_of_boundedness_rejects_a_non_relu_network_naming_arch():
    S, T = theorem1_data()
    with pytest.raises(ValueError, match=r"^arch must be a two-layer ReLU network"):
        ip.price_of_boundedness(Architecture((2, 2, 2), "tanh"), S, T, [1.0])


def test_weight_decay_path_rejects_negative_lambda_naming_lambdas():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(ValueError, match=r"^lambdas must be positive"):
        ip.weight_decay_path(arch, S, T, [1e-2, -1.0])


def test_figures_reject_a_wrong_path_type_naming_path():
    with pytest.raises(TypeError, match=r"^path must be a BoundednessPath"):
        viz_ip.boundedness_figure(None, 1.0)
    with pytest.raises(TypeError, match=r"^path must be a WeightDecayPath"):
        viz_ip.weight_decay_figure(None, 1.0)


def test_theta_k_figure_rejects_k_zero_naming_k():
    with pytest.raises(ValueError, match=r"^k must be a finite positive"):
        viz_ip.theta_k_figure(0.0)


def test_balance_keeps_the_network_and_gives_theta_k_the_norm_sqrt_8k_asymptotically():
    arch = theorem1_architecture()
    S, _ = theorem1_data()
    for k in [10.0, 1000.0]:
        th = ip.balance(arch, theta_k(k))
        np.testing.assert_allclose(weights_map(arch, S, th), weights_map(arch, S, theta_k(k)), atol=1e-10 * k)
        assert np.linalg.norm(th) < np.linalg.norm(theta_k(k))
    assert np.linalg.norm(ip.balance(arch, theta_k(1e6))) / np.sqrt(8e6) == pytest.approx(1, rel=1e-3)


def test_affine_rank_of_the_image_of_a_rank_one_affine_map_is_at_most_one_in_floating_point():
    rng = np.random.default_rng(5)
    worst = 0
    for _ in range(2000):
        A = np.outer(rng.standard_normal(2), rng.standard_normal(2))
        worst = max(worst, ip.affine_rank(rng.standard_normal((6, 2)) @ A.T + rng.standard_normal(2)))
    assert worst == 1


def test_affine_rank_rejects_a_zero_tolerance_naming_rtol():
    with pytest.raises(ValueError, match=r"^rtol must be a finite positive"):
        ip.affine_rank([[0, 0], [1, 0]], rtol=0.0)


def test_balanced_theta_k_warm_start_has_norm_R_and_beats_theta_k_of_the_same_norm():
    from nnlib import illposed as ip
    from nnlib.paper import theorem1_architecture, theorem1_data, theta_k

    arch = theorem1_architecture()
    S, T = theorem1_data()
    for R in (5.0, 30.0):
        th = ip.balanced_theta_k(arch, R)
        assert np.linalg.norm(th) == pytest.approx(R, rel=1e-9)
        k = R / np.sqrt(5.0)  # theta_k has norm about sqrt(5) k
        assert loss(arch, S, T, th) < loss(arch, S, T, theta_k(k))
    with pytest.raises(ValueError, match="^R"):
        ip.balanced_theta_k(arch, -1.0)


# ------------------------------------------------------------- stable summaries (issue 12: portability)


def test_loglog_fit_gives_a_zero_standard_error_for_an_exact_power_law_and_a_positive_one_otherwise():
    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    a, C, se = ip.loglog_fit(x, 5.0 * x**-4)
    assert a == pytest.approx(-4, abs=1e-12) and C == pytest.approx(5, rel=1e-12) and se == pytest.approx(0, abs=1e-12)
    a, C, se = ip.loglog_fit(x, 5.0 * x**-4 * np.array([1.0, 1.1, 0.9, 1.05, 1.0]))
    assert 0 < se < 0.1 and abs(a + 4) < 3 * se + 0.05
    assert (a, C) == ip.loglog_slope(x, 5.0 * x**-4 * np.array([1.0, 1.1, 0.9, 1.05, 1.0]))


def test_loglog_fit_needs_three_points_for_a_standard_error_naming_x():
    with pytest.raises(ValueError, match="x must hold at least 3"):
        ip.loglog_fit([1, 2], [1, 2])


def test_survey_counts_images_collinear_to_a_search_precision_as_collinear_and_others_not():
    P = np.maximum(ip.line_points([1.0, 1.5], [0.0, 1.0]), 0)
    near = P + np.array([[0, 0], [1e-9, 0], [0, 0], [-1e-9, 0], [0, 0]])  # what a Nelder-Mead minimum looks like
    assert ip.is_collinear(near, rtol=ip.SURVEY_COLLINEAR_RTOL)
    assert not ip.is_collinear(near, rtol=1e-12)
    bent = P + np.array([[0, 0], [1e-3, 0], [0, 0], [0, 0], [0, 0]])
    assert not ip.is_collinear(bent, rtol=ip.SURVEY_COLLINEAR_RTOL)


def test_backward_sweeps_never_raise_the_price_and_keep_it_non_increasing():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    radii = np.logspace(0, 1.5, 5)
    kw = dict(n_random=0, warm_starts=[lambda R: ip.balanced_theta_k(arch, R)], max_iter=100)
    fwd = ip.price_of_boundedness(arch, S, T, radii, **kw)
    both = ip.price_of_boundedness(arch, S, T, radii, backward_sweeps=1, **kw)
    assert np.all(both.best_loss <= fwd.best_loss)
    assert np.all(np.diff(both.best_loss) <= 0)
    assert np.all(both.best_norm <= radii * (1 + 1e-12))
    np.testing.assert_allclose(both.best_loss, [loss(arch, S, T, th) for th in both.thetas], rtol=1e-9)


def test_weight_decay_from_price_picks_the_grid_point_with_the_lowest_regularised_objective():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    radii = np.logspace(0, 1.5, 5)
    path = ip.price_of_boundedness(arch, S, T, radii, n_random=0, max_iter=100,
                                   warm_starts=[lambda R: ip.balanced_theta_k(arch, R)])
    lambdas = np.array([1e-2, 1e-4, 1e-6])
    wd = ip.weight_decay_from_price(arch, S, T, path, lambdas)
    np.testing.assert_allclose(wd.objective, wd.loss + lambdas * wd.norm**2, rtol=1e-12)
    for lam, F in zip(lambdas, wd.objective):
        every = [loss(arch, S, T, th) + lam * th @ th for th in path.thetas]
        assert F == pytest.approx(min(every), rel=1e-12)
    assert np.all(np.diff(wd.norm) >= 0)  # less decay, larger (or equal) norm


def test_weight_decay_from_price_rejects_something_that_is_not_a_price_naming_path():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(TypeError, match="path must be a BoundednessPath"):
        ip.weight_decay_from_price(arch, S, T, [theta_k(1)], [1e-2])


def _fake_run(loss_value, norm_value, status):
    from nnlib.fitting import FitResult

    return FitResult(np.zeros(12), np.arange(2), np.array([1.0, loss_value]), np.array([1.0, norm_value]),
                     np.full(2, np.nan), "fake", status)


def test_fit_survey_summary_reports_bounds_and_a_wilson_interval_not_single_runs():
    runs = [_fake_run(2e-8, 120.0, "finished"), _fake_run(0.0038, 7.0, "finished"),
            _fake_run(0.223, 5.3, "converged"), _fake_run(0.5, 4.0, "converged"), _fake_run(0.27, 400.0, "finished")]
    fs = ip.fit_survey_summary(runs, small_loss=1e-6, bounded_norm=20)
    assert fs["n"] == 5 and fs["n_small"] == 1 and fs["min_norm_small"] == 120.0
    lo, hi = fs["small_ci"]
    assert 0 < lo < 0.2 < hi < 1
    # the run still descending at norm 7 (budget ran out) is not a critical point: it does not count
    assert fs["min_loss_converged_bounded"] == 0.223
    assert fs["min_loss_norm4"] == pytest.approx(2e-8 * 120.0**4)


def test_fit_survey_summary_rejects_an_empty_survey_naming_runs():
    with pytest.raises(ValueError, match="runs must hold"):
        ip.fit_survey_summary([])
