"""Tests of nnlib.smooth: the claims of §6 (smooth activations) as statements that can fail."""

from __future__ import annotations

import numpy as np
import pytest

import nnlib as nn
from nnlib import geometry, smooth

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
    fig = smooth.target_figure(0.0, 2.0, 1.0)
    assert len(fig.axes) == 2 and all(ax.get_title() for ax in fig.axes)
    assert "NOT attained" in fig.axes[0].get_title()


def test_the_widget_builds():
    box = smooth.target_explorer((0.0, 2.0, 1.0))
    assert len(box.children) == 2


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
