"""nnlib.escape: the escape-versus-bounded-minimiser classifier of fits (chapter 7, the ReLU question of §6)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import escape
from nnlib.viz import escape as viz_escape
from nnlib.network import Architecture, loss_gradient, weights_map
from nnlib.paper import theorem1_architecture, theorem1_data, theta_k
from _helpers import explorer_parts, same_picture

S1, T1 = theorem1_data()
LINE = Architecture((1, 1), "identity")      # psi(theta) = a s + b: least squares with a unique minimiser
S3 = np.array([[0.0], [1.0], [2.0]])
T3 = np.array([[0.0], [2.0], [1.0]])         # not affine in s: positive loss, attained


def test_loss_hessian_of_linear_least_squares_is_twice_the_gram_matrix():
    H = escape.loss_hessian(LINE, S3, T3, [0.3, -0.2])
    X = np.column_stack([S3[:, 0], np.ones(3)])
    np.testing.assert_allclose(H, 2 * X.T @ X, atol=1e-6)


def test_loss_hessian_is_symmetric_and_matches_differences_of_the_gradient():
    arch = Architecture((2, 3, 2), "tanh")
    rng = np.random.default_rng(0)
    theta = arch.random_theta(rng)
    H = escape.loss_hessian(arch, S1, T1, theta)
    np.testing.assert_allclose(H, H.T)
    v = rng.standard_normal(arch.m) * 1e-6
    dg = loss_gradient(arch, S1, T1, theta + v)[1] - loss_gradient(arch, S1, T1, theta - v)[1]
    np.testing.assert_allclose(H @ (2 * v), dg, rtol=1e-4, atol=1e-10)


def test_a_run_started_on_the_path_of_17_escapes():
    fit = escape.classify_fit(theorem1_architecture(), S1, T1, theta_k(5.0))
    assert fit.verdict == "escape"
    assert fit.loss < fit.loss_first and fit.norm > fit.norm_first


def test_the_unique_least_squares_line_is_a_bounded_minimiser_with_a_positive_definite_hessian():
    fit = escape.classify_fit(LINE, S3, T3, [5.0, -3.0])
    assert fit.verdict == "bounded minimiser"
    np.testing.assert_allclose(fit.theta, [0.5, 0.5], atol=1e-8)   # the regression line of (0, 2, 1) on (0, 1, 2)
    assert fit.min_eig > 0


def test_a_target_in_the_image_is_fitted_to_zero_loss():
    arch = theorem1_architecture()
    theta = arch.random_theta(4)
    T = weights_map(arch, S1, theta)
    assert escape.classify_fit(arch, S1, T, theta + 1e-3).verdict == "zero loss"


def test_kinks_are_points_where_the_solver_stops_with_a_gradient_that_is_not_small():
    arch = theorem1_architecture()
    gen = np.random.default_rng(0)
    fits = [escape.classify_fit(arch, S1, T1, arch.random_theta(gen)) for _ in range(16)]
    kinks = [f for f in fits if f.verdict == "kink"]
    assert kinks, "expected some runs to stop at a ReLU kink"
    for f in kinks:
        assert f.grad_norm > 1e-3
        assert f.loss == pytest.approx(f.loss_first, rel=1e-6) and f.norm == pytest.approx(f.norm_first, rel=1e-6)


def test_classify_fit_needs_a_tail_of_rounds():
    with pytest.raises(ValueError, match="^rounds"):
        escape.classify_fit(LINE, S3, T3, [0.0, 0.0], rounds=3)


def test_survey_of_the_theorem1_target_reads_escape_below_every_bounded_minimiser():
    sv = escape.survey_target(theorem1_architecture(), S1, T1, 4, rng=0, extra_starts=[theta_k(5.0)])
    assert sv.reading == "escape below every other fit"
    assert sv.best_escape < 0.01 < sv.best_bounded
    assert len(sv.fits) == 5 and sv.count("escape") >= 1


def test_survey_of_a_least_squares_problem_reads_bounded_minimiser_is_best():
    sv = escape.survey_target(LINE, S3, T3, 3, rng=1)
    assert sv.reading == "a non-escaping fit is best" and sv.count("escape") == 0
    assert sv.best_bounded == pytest.approx(1.5)      # line 0.5 s + 0.5: residuals (-0.5, 1, -0.5)


def test_perturbed_targets_stay_in_the_box():
    P = escape.perturbed_targets(T1, 0.1, 50, rng=2)
    assert P.shape == (50, 6, 2)
    assert np.abs(P - T1).max() <= 0.1 and np.abs(P - T1).max() > 0.09


def test_perturbed_targets_name_a_bad_eps():
    with pytest.raises(ValueError, match="^eps"):
        escape.perturbed_targets(T1, -1.0, 3)


def test_escape_figures_have_titles_labels_and_a_legend_by_verdict():
    sv = escape.survey_target(theorem1_architecture(), S1, T1, 2, rng=0, extra_starts=[theta_k(5.0)], rounds=4, budget=50)
    fig = viz_escape.escape_figure(sv, title="test")
    ax = fig.axes[0]
    assert ax.get_title() == "test" and ax.get_xlabel() and ax.get_ylabel()
    assert any(t.get_text().startswith("escape") for t in ax.get_legend().get_texts())
    plt.close(fig)
    fig = viz_escape.escape_detector_figure("random", n_starts=2, seed=1)
    assert "reading" in fig.axes[0].get_title()
    plt.close(fig)


def test_the_escape_figure_draws_every_fit_at_its_norm_and_loss_in_its_verdicts_colour():
    sv = escape.survey_target(theorem1_architecture(), S1, T1, 3, rng=0, extra_starts=[theta_k(5.0)], rounds=4, budget=50)
    ax = viz_escape.escape_figure(sv, title="test").axes[0]
    drawn = {line.get_label().rsplit(" (", 1)[0]: line.get_xydata() for line in ax.get_lines()}
    for v in escape.VERDICTS:
        fits = [f for f in sv.fits if f.verdict == v]
        if not fits:
            assert v not in drawn
            continue
        expected = np.array([[f.norm, max(f.loss, 1e-16)] for f in fits])
        np.testing.assert_array_equal(drawn[v], expected)
    assert sum(len(xy) for xy in drawn.values()) == len(sv.fits)


def test_the_escape_detector_is_an_explorer_showing_the_figure_of_its_controls():
    box = viz_escape.escape_detector("random", n_starts=2, seed=1)
    controls, image = explorer_parts(box)
    assert [c.value for c in controls] == ["random", 0.2, 2, 1]
    render = viz_escape.escape_detector_live()
    assert same_picture(image.value, render("random", 0.2, 2, 1))
    controls[2].value = 3  # one more start: a new survey
    assert same_picture(image.value, render("random", 0.2, 3, 1))
    assert not same_picture(image.value, render("random", 0.2, 2, 1))


def test_escape_detector_names_an_unknown_target_kind():
    with pytest.raises(ValueError, match="^target"):
        viz_escape.escape_detector_figure("nowhere")


def test_robust_reading_states_the_margin_of_an_escape_reading_and_nothing_else():
    def survey(reading, b, e):
        return escape.TargetSurvey((), b, e, reading)

    esc = "escape below every other fit"
    assert escape.robust_reading(survey(esc, 0.5, 1e-3)) == f"{esc}, by a factor > 10"
    assert escape.robust_reading(survey(esc, 0.5, 0.1)) == f"{esc}, by a factor < 10"
    # which runs escape, and how low, is a last-bit matter when a non-escaping fit is best
    assert escape.robust_reading(survey("a non-escaping fit is best", 1.7, 5.76)) == "a non-escaping fit is best"
    assert escape.robust_reading(survey("a non-escaping fit is best", 1.7, np.inf)) == "a non-escaping fit is best"


def test_robust_reading_rejects_what_is_not_a_survey_and_factors_below_one():
    with pytest.raises(TypeError, match="^survey must be"):
        escape.robust_reading("escape")
    with pytest.raises(ValueError, match="^factor"):
        escape.robust_reading(escape.TargetSurvey((), 1.0, 0.1, "undecided"), factor=0.5)
