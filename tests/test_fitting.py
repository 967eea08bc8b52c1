"""nnlib.fitting: gradient descent on ||T - psi_k(theta)||_F^2, multi-start runs and trend verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.fitting import (
    FitResult,
    FitTrend,
    fit_trend,
    gradient_descent,
    multistart_gradient_descent,
    step_size_scan,
    verdict_margin,
)
from nnlib import _kernel
from nnlib.network import Architecture, loss, loss_gradient
from nnlib.paper import theorem1_architecture, theorem1_data, theta_k


def _smooth_problem(seed=0):
    arch = Architecture((2, 3, 1), "tanh")
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((12, 2))
    T = np.sin(S[:, :1]) + 0.5 * S[:, 1:]
    return arch, S, T


def _linear_least_squares(seed=0):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((20, 3)), rng.standard_normal((20, 2))
    return Architecture((3, 2), "identity"), X, Y


# ---------------------------------------------------------------------------- gradient_descent


def test_gradient_descent_with_a_small_step_decreases_the_loss_monotonically_on_a_smooth_problem():
    arch, S, T = _smooth_problem()
    res = gradient_descent(arch, S, T, step=1e-3, n_steps=300, rng=1)
    assert res.status == "finished" and res.method == "gradient descent"
    assert res.final_loss < 0.9 * res.loss_history[0]
    assert np.all(np.diff(res.loss_history) <= 1e-12 * res.loss_history[0])


def test_one_gradient_step_is_theta0_minus_step_times_the_gradient():
    arch, S, T = _smooth_problem()
    theta0 = arch.random_theta(2)
    _, grad = loss_gradient(arch, S, T, theta0)
    res = gradient_descent(arch, S, T, theta0, step=0.01, n_steps=1)
    np.testing.assert_allclose(res.theta, theta0 - 0.01 * grad, rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(res.steps, [0, 1])


def test_the_histories_record_loss_norm_and_gradient_norm_of_the_iterates():
    arch, S, T = _smooth_problem()
    theta0 = arch.random_theta(3)
    res = gradient_descent(arch, S, T, theta0, step=1e-3, n_steps=7)
    # Re-run 0, 1, ..., 7 steps and evaluate the recorded quantities independently.
    for i, n in enumerate(res.steps):
        theta_n = gradient_descent(arch, S, T, theta0, step=1e-3, n_steps=int(n)).theta
        value, grad = loss_gradient(arch, S, T, theta_n)
        assert res.loss_history[i] == pytest.approx(loss(arch, S, T, theta_n), rel=1e-14)
        assert res.norm_history[i] == pytest.approx(np.linalg.norm(theta_n), rel=1e-14)
        assert res.grad_norm_history[i] == pytest.approx(np.linalg.norm(grad), rel=1e-14)
    assert res.final_loss == res.loss_history[-1] and res.final_norm == res.norm_history[-1]


@pytest.mark.parametrize(
    "n_steps, record_every, steps",
    [(10, 3, [0, 3, 6, 9, 10]), (10, 5, [0, 5, 10]), (10, 1, list(range(11))), (7, 100, [0, 7]), (0, 4, [0])],
)
def test_record_every_records_every_r_steps_and_always_the_last(n_steps, record_every, steps):
    arch, S, T = _smooth_problem()
    res = gradient_descent(arch, S, T, step=1e-3, n_steps=n_steps, record_every=record_every)
    np.testing.assert_array_equal(res.steps, steps)
    assert len(res.loss_history) == len(res.norm_history) == len(res.grad_norm_history) == len(steps)
    assert res.final_loss == pytest.approx(loss(arch, S, T, res.theta), rel=1e-14)


def test_zero_steps_returns_the_starting_weights():
    arch, S, T = _smooth_problem()
    theta0 = arch.random_theta(4)
    res = gradient_descent(arch, S, T, theta0, n_steps=0)
    np.testing.assert_array_equal(res.theta, theta0)
    assert res.status == "finished"


def test_gradient_descent_does_not_modify_theta0():
    arch, S, T = _smooth_problem()
    theta0 = arch.random_theta(4)
    keep = theta0.copy()
    gradient_descent(arch, S, T, theta0, step=1e-2, n_steps=5)
    np.testing.assert_array_equal(theta0, keep)


def test_a_huge_step_on_the_theorem1_data_is_reported_as_diverged_with_finite_histories():
    S, T = theorem1_data()
    res = gradient_descent(theorem1_architecture(), S, T, step=10.0, n_steps=100, rng=0)
    assert res.status == "diverged"
    assert res.steps[-1] < 100
    for history in (res.loss_history, res.norm_history, res.grad_norm_history):
        assert np.all(np.isfinite(history))
    assert np.all(np.isfinite(res.theta))
    assert res.final_loss == pytest.approx(loss(theorem1_architecture(), S, T, res.theta), rel=1e-12)


@pytest.mark.parametrize("solver", ["gradient_descent", "multistart_gradient_descent"])
def test_a_start_whose_loss_overflows_is_refused_or_reported_diverged_without_warnings(solver):
    # The docstring: "diverged" when "the loss or the weights became non-finite or exceeded 1e12; the
    # histories stop at the last finite values".  Here the loss at the start itself overflows (x^3 of
    # ~1e60); the iterations guard against overflow with np.errstate, the starting point must too.
    arch, S, T = Architecture((2, 3, 1), "poly3"), S_GOOD, T_GOOD
    theta0 = np.full(arch.m, 1e30)
    try:
        if solver == "gradient_descent":
            res = gradient_descent(arch, S, T, theta0, step=1e-2, n_steps=5)
        else:
            (res,) = multistart_gradient_descent(arch, S, T, thetas0=theta0[None, :], step=1e-2, n_steps=5)
    except ValueError as err:
        assert str(err).startswith("theta0 " if solver == "gradient_descent" else "thetas0 ")
    else:
        assert res.status == "diverged"
        assert np.all(np.isfinite(res.loss_history)) and np.all(np.isfinite(res.grad_norm_history))


def test_gtol_stops_early_and_converges_to_the_linear_least_squares_solution():
    # k = 1, identity: psi(theta) = [X, 1] W, a convex quadratic; its minimiser is numpy's lstsq.
    arch, X, Y = _linear_least_squares()
    res = gradient_descent(arch, X, Y, step=0.01, n_steps=100_000, gtol=1e-10, rng=0)
    assert res.status == "converged"
    assert res.steps[-1] < 100_000
    assert res.grad_norm_history[-1] <= 1e-10
    assert np.linalg.norm(loss_gradient(arch, X, Y, res.theta)[1]) <= 1e-10
    W, *_ = np.linalg.lstsq(np.hstack([X, np.ones((20, 1))]), Y, rcond=None)
    (A, b), = arch.unpack(res.theta)
    # |theta - theta*| <= |grad| / (smallest Hessian eigenvalue 2 s_min([X,1])^2), far below 1e-8 here.
    np.testing.assert_allclose(A, W[:3].T, atol=1e-9)
    np.testing.assert_allclose(b, W[3], atol=1e-9)


def test_gtol_zero_never_stops_early():
    arch, X, Y = _linear_least_squares()
    res = gradient_descent(arch, X, Y, step=0.01, n_steps=400, gtol=0.0)
    assert res.status == "finished" and res.steps[-1] == 400


def test_gradient_descent_is_reproducible_for_a_seed():
    arch, S, T = _smooth_problem()
    a = gradient_descent(arch, S, T, step=1e-2, n_steps=20, rng=5)
    b = gradient_descent(arch, S, T, step=1e-2, n_steps=20, rng=5)
    c = gradient_descent(arch, S, T, step=1e-2, n_steps=20, rng=6)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.loss_history, b.loss_history)
    assert not np.array_equal(a.theta, c.theta)


def test_the_default_start_is_random_theta_with_init_scale():
    arch, S, T = _smooth_problem()
    res = gradient_descent(arch, S, T, n_steps=0, rng=8, init_scale=0.3)
    np.testing.assert_array_equal(res.theta, arch.random_theta(8, scale=0.3))


def test_gradient_descent_from_theta_k_keeps_lowering_the_loss_while_the_weights_grow():
    # Near theta_k the loss sqrt(5)/k can be lowered further only by moving towards larger weights
    # (Proposition 1): a small-step run from theta_5 shows both.
    S, T = theorem1_data()
    res = gradient_descent(theorem1_architecture(), S, T, theta_k(5), step=1e-3, n_steps=2000, record_every=100)
    assert res.final_loss < res.loss_history[0] == pytest.approx(5 / 25, rel=1e-12)
    assert res.final_norm > res.norm_history[0]


# ------------------------------------------------------------------ multistart_gradient_descent


def test_multistart_with_one_start_equals_gradient_descent_from_the_same_theta0():
    S, T = theorem1_data()
    arch = theorem1_architecture()
    theta0 = arch.random_theta(3)
    single = gradient_descent(arch, S, T, theta0, step=1e-2, n_steps=500, record_every=10)
    (multi,) = multistart_gradient_descent(arch, S, T, thetas0=theta0[None, :], step=1e-2, n_steps=500, record_every=10)
    np.testing.assert_allclose(multi.theta, single.theta, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(multi.steps, single.steps)
    np.testing.assert_allclose(multi.loss_history, single.loss_history, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(multi.norm_history, single.norm_history, rtol=1e-12)
    np.testing.assert_allclose(multi.grad_norm_history, single.grad_norm_history, rtol=1e-10, atol=1e-12)
    assert multi.status == single.status == "finished"


def test_multistart_draws_its_starts_like_random_theta_from_one_generator():
    arch, S, T = _smooth_problem()
    results = multistart_gradient_descent(arch, S, T, n_starts=3, rng=11, n_steps=0)
    gen = np.random.default_rng(11)
    for res in results:
        np.testing.assert_array_equal(res.theta, arch.random_theta(gen))


def test_each_start_of_a_multistart_run_equals_its_own_gradient_descent():
    arch, S, T = _smooth_problem()
    thetas0 = np.stack([arch.random_theta(s) for s in range(4)])
    results = multistart_gradient_descent(arch, S, T, thetas0=thetas0, step=5e-3, n_steps=200, record_every=50)
    assert len(results) == 4
    for theta0, res in zip(thetas0, results):
        single = gradient_descent(arch, S, T, theta0, step=5e-3, n_steps=200, record_every=50)
        np.testing.assert_allclose(res.theta, single.theta, atol=1e-12)
        np.testing.assert_allclose(res.loss_history, single.loss_history, rtol=1e-12)


def test_a_diverging_start_is_frozen_and_reported_while_the_others_continue():
    S, T = theorem1_data()
    arch = theorem1_architecture()
    thetas0 = np.stack([arch.random_theta(0), 30.0 * arch.random_theta(1)])
    good, bad = multistart_gradient_descent(arch, S, T, thetas0=thetas0, step=0.05, n_steps=50)
    assert good.status == "finished" and bad.status == "diverged"
    assert np.all(np.isfinite(bad.theta)) and np.all(np.isfinite(bad.loss_history))
    # Frozen at its last finite point: here the very first step blows up, so it stays at thetas0[1].
    np.testing.assert_array_equal(bad.theta, thetas0[1])
    assert np.all(bad.loss_history == bad.loss_history[0])
    assert bad.loss_history[0] == pytest.approx(loss(arch, S, T, thetas0[1]), rel=1e-12)
    single = gradient_descent(arch, S, T, thetas0[0], step=0.05, n_steps=50)
    np.testing.assert_allclose(good.theta, single.theta, atol=1e-12)


def test_multistart_is_reproducible_for_a_seed():
    arch, S, T = _smooth_problem()
    a = multistart_gradient_descent(arch, S, T, n_starts=3, rng=2, n_steps=10)
    b = multistart_gradient_descent(arch, S, T, n_starts=3, rng=2, n_steps=10)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.theta, y.theta)


def test_multistart_does_not_modify_thetas0():
    arch, S, T = _smooth_problem()
    thetas0 = np.stack([arch.random_theta(s) for s in range(2)])
    keep = thetas0.copy()
    multistart_gradient_descent(arch, S, T, thetas0=thetas0, n_steps=5)
    np.testing.assert_array_equal(thetas0, keep)


def test_multistart_refuses_a_number_of_starts_other_than_the_rows_of_thetas0():
    arch, S, T = _smooth_problem()
    thetas0 = np.stack([arch.random_theta(s) for s in range(2)])
    with pytest.raises(ValueError, match="n_starts is 5 but thetas0 has 2 rows"):
        multistart_gradient_descent(arch, S, T, 5, thetas0=thetas0, n_steps=5)
    assert len(multistart_gradient_descent(arch, S, T, 2, thetas0=thetas0, n_steps=5)) == 2
    assert len(multistart_gradient_descent(arch, S, T, n_steps=5)) == 20  # the default without thetas0


# ----------------------------------------------------------------------------------- fit_trend


def _result(loss_history, norm_history, status="finished"):
    steps = np.arange(len(loss_history))
    loss_history, norm_history = np.asarray(loss_history, float), np.asarray(norm_history, float)
    return FitResult(np.zeros(2), steps, loss_history, norm_history, np.zeros(len(steps)), "synthetic", status)


def test_fit_trend_calls_a_falling_loss_with_growing_weights_escaping_and_measures_the_exponents():
    it = np.arange(101) + 1.0
    trend = fit_trend(_result(10.0 / it, np.sqrt(it)))
    assert isinstance(trend, FitTrend) and trend.verdict == "escaping"
    # loss ~ (1 + step)^-1 and ||theta|| ~ (1 + step)^(1/2) exactly.
    assert trend.loss_slope == pytest.approx(-1.0, abs=1e-10)
    assert trend.norm_slope == pytest.approx(0.5, abs=1e-10)
    # The tail is the second half, steps 50..100: the loss falls from 10/51 to 10/101.
    assert trend.loss_drop == pytest.approx(1 - 51 / 101, rel=1e-12)
    assert trend.norm_growth == pytest.approx(np.sqrt(101) - np.sqrt(51), rel=1e-12)


def test_fit_trend_calls_a_flat_loss_stalled():
    assert fit_trend(_result(np.full(50, 3.0), np.linspace(1, 2, 50))).verdict == "stalled"


def test_fit_trend_calls_a_rising_loss_unsettled():
    assert fit_trend(_result(np.linspace(1, 2, 50), np.linspace(1, 2, 50))).verdict == "unsettled"


def test_fit_trend_calls_a_falling_loss_with_fixed_weights_unsettled():
    assert fit_trend(_result(np.linspace(2, 1, 50), np.full(50, 4.0))).verdict == "unsettled"


def test_fit_trend_calls_a_diverged_run_diverged():
    it = np.arange(20) + 1.0
    assert fit_trend(_result(1 / it, it, status="diverged")).verdict == "diverged"


@pytest.mark.parametrize("kwarg", ["tail", "min_drop", "flat"])
@pytest.mark.parametrize("value", [0.0, 1.0, -0.5, 2.0])
def test_fit_trend_refuses_fractions_outside_0_1(kwarg, value):
    with pytest.raises(ValueError, match=rf"^{kwarg}\b"):
        fit_trend(_result(np.linspace(2, 1, 10), np.linspace(1, 2, 10)), **{kwarg: value})


def test_fit_trend_refuses_something_other_than_a_fit_result():
    with pytest.raises(TypeError, match=r"^result\b"):
        fit_trend({"loss_history": [1, 2, 3]})


def test_fit_trend_needs_at_least_three_recorded_points():
    with pytest.raises(ValueError, match=r"^result\b"):
        fit_trend(_result([2.0, 1.0], [1.0, 2.0]))


# ------------------------------------------------------------------------------ verdict_margin


def test_verdict_margin_of_an_escaping_run_is_its_closest_test():
    it = np.arange(101) + 1.0
    res = _result(10.0 / it, np.sqrt(it))
    m = verdict_margin(res)
    # Tail 50..100: the smallest relative fall is the last one, (10/100 - 10/101) / (10/51).
    smallest_fall = (10 / 100 - 10 / 101) / (10 / 51)
    assert fit_trend(res).verdict == "escaping"
    assert m["escape"] == pytest.approx(smallest_fall, rel=1e-9) and m["verdict"] == m["escape"] > 0


def test_verdict_margin_says_how_far_a_rising_loss_is_from_escaping_and_from_stalled():
    loss = np.linspace(1.0, 1.1, 51)  # tail 25..50: the loss rises by 0.05 / 1.05
    res = _result(loss, np.linspace(1, 2, 51))
    m = verdict_margin(res)
    drop = (loss[25] - loss[-1]) / loss[25]
    assert fit_trend(res).verdict == "unsettled"
    assert drop - 0.01 < 0 and m["escape"] == pytest.approx(drop - 0.01)  # the failing test farthest from passing
    assert m["verdict"] == pytest.approx(abs(drop) - 1e-3)  # nearer: |drop| against flat


def test_verdict_margin_is_small_exactly_when_a_small_change_flips_the_verdict():
    # A run whose loss falls by 1.05 % over the tail: escaping, 0.0005 from the threshold.
    loss = np.array([1.2, 1.1, 1.0, 1.0 - 0.0105 / 2, 1.0 - 0.0105])  # tail: the last three points
    res = _result(loss, np.linspace(1, 2, 5))
    m = verdict_margin(res)
    assert fit_trend(res).verdict == "escaping" and m["verdict"] == pytest.approx(0.0005, rel=0.05)
    assert fit_trend(res, min_drop=0.0105 + 2 * m["verdict"]).verdict != "escaping"


def test_verdict_margin_of_a_diverged_run_is_infinite():
    it = np.arange(20) + 1.0
    assert verdict_margin(_result(1 / it, it, status="diverged"))["verdict"] == np.inf


def test_verdict_margin_refuses_bad_input_like_fit_trend():
    with pytest.raises(TypeError, match=r"^result\b"):
        verdict_margin([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^flat\b"):
        verdict_margin(_result(np.linspace(2, 1, 10), np.linspace(1, 2, 10)), flat=2.0)


# ------------------------------------------------------------------------------ step_size_scan


def test_step_size_scan_agrees_with_multistart_gradient_descent():
    arch, S, T = _smooth_problem()
    thetas0 = np.stack([arch.random_theta(s) for s in range(3)])
    scan = step_size_scan(arch, S, T, thetas0, [1e-3, 1e-2], n_steps=50)
    for i, step in enumerate([1e-3, 1e-2]):
        runs = multistart_gradient_descent(arch, S, T, thetas0=thetas0, step=step, n_steps=50)
        np.testing.assert_array_equal(scan.final_loss[i], [r.final_loss for r in runs])
    assert scan.n_diverged.tolist() == [0, 0] and np.all(scan.diverged_at == -1)


def test_step_size_scan_records_when_a_too_large_step_blows_up():
    # f(theta) = loss of a linear 1-1 network: a step above 2 / curvature makes the iterates grow geometrically.
    arch = Architecture((1, 1), "identity")
    S, T = np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]])
    scan = step_size_scan(arch, S, T, np.array([[0.5, 0.0]]), [0.01, 10.0], n_steps=200)
    assert scan.diverged_at[0, 0] == -1 and np.isfinite(scan.final_loss[0, 0])
    assert 1 <= scan.diverged_at[1, 0] <= 200 and np.isnan(scan.final_loss[1, 0])
    assert scan.n_diverged.tolist() == [0, 1]


def test_step_size_scan_refuses_bad_steps():
    arch, S, T = _smooth_problem()
    with pytest.raises(ValueError, match=r"^steps\b"):
        step_size_scan(arch, S, T, np.zeros((1, arch.m)), [0.1, -1.0])


# ------------------------------------------------------------------------------------ bad input

ARCH = Architecture((2, 3, 1), "tanh")
S_GOOD = np.random.default_rng(0).standard_normal((6, 2))
T_GOOD = np.random.default_rng(1).standard_normal((6, 1))


def _gd(**kwargs):
    args = dict(arch=ARCH, S=S_GOOD, T=T_GOOD, n_steps=2)
    args.update(kwargs)
    return gradient_descent(args.pop("arch"), args.pop("S"), args.pop("T"), **args)


def _ms(**kwargs):
    args = dict(arch=ARCH, S=S_GOOD, T=T_GOOD, n_steps=2, n_starts=2)
    args.update(kwargs)
    return multistart_gradient_descent(args.pop("arch"), args.pop("S"), args.pop("T"), **args)


SOLVERS = {"gradient_descent": _gd, "multistart_gradient_descent": _ms}

BAD_ARGUMENTS = [
    # (keyword, value, exception, pattern): nnlib's messages start with the argument's name
    # (anchored, so that "n_steps must ..." does not pass for a complaint about `step`).
    ("S", np.ones((6, 3)), ValueError, r"^S\b"),
    ("S", np.ones(6), ValueError, r"^S\b"),
    ("S", np.full((6, 2), np.nan), ValueError, r"^S\b"),
    ("T", np.ones((5, 1)), ValueError, r"^T\b"),
    ("T", np.ones((6, 2)), ValueError, r"^T\b"),
    ("T", np.ones(6), ValueError, r"^T\b"),
    ("T", np.full((6, 1), np.inf), ValueError, r"^T\b"),
    ("arch", (2, 3, 1), TypeError, r"^arch\b"),
    ("step", 0.0, ValueError, r"^step\b"),
    ("step", -0.1, ValueError, r"^step\b"),
    ("step", np.inf, ValueError, r"^step\b"),
    ("step", np.nan, ValueError, r"^step\b"),
    ("step", "0.1", TypeError, r"^step\b"),
    ("step", True, TypeError, r"^step\b"),
    ("n_steps", -1, ValueError, r"^n_steps\b"),
    ("n_steps", 2.5, TypeError, r"^n_steps\b"),
    ("n_steps", True, TypeError, r"^n_steps\b"),
    ("record_every", 0, ValueError, r"^record_every\b"),
    ("record_every", 1.5, TypeError, r"^record_every\b"),
    ("rng", "seed", TypeError, r"^rng\b"),
    ("rng", 1.5, TypeError, r"^rng\b"),
    ("rng", None, TypeError, r"^rng\b"),
    ("init_scale", 0.0, ValueError, r"^init_scale\b"),
    ("init_scale", -1.0, ValueError, r"^init_scale\b"),
]


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("keyword, value, exc, pattern", BAD_ARGUMENTS)
def test_solvers_refuse_bad_arguments_naming_them(solver, keyword, value, exc, pattern):
    with pytest.raises(exc, match=pattern):
        SOLVERS[solver](**{keyword: value})


@pytest.mark.parametrize(
    "theta0, exc",
    [(np.ones(ARCH.m - 1), ValueError), (np.ones((1, ARCH.m)), ValueError),
     (np.r_[np.nan, np.ones(ARCH.m - 1)], ValueError), (np.r_[np.inf, np.ones(ARCH.m - 1)], ValueError),
     ("theta", TypeError)],
    ids=["wrong-length", "2-D", "NaN", "inf", "string"],
)
def test_gradient_descent_refuses_a_bad_theta0(theta0, exc):
    with pytest.raises(exc, match=r"^theta0\b"):
        _gd(theta0=theta0)


@pytest.mark.parametrize("gtol", [-1.0, np.nan, np.inf])
def test_gradient_descent_refuses_a_bad_gtol(gtol):
    with pytest.raises(ValueError, match=r"^gtol\b"):
        _gd(gtol=gtol)


@pytest.mark.parametrize("n_starts, exc", [(0, ValueError), (-2, ValueError), (1.5, TypeError)])
def test_multistart_refuses_a_bad_number_of_starts(n_starts, exc):
    with pytest.raises(exc, match=r"^n_starts\b"):
        _ms(n_starts=n_starts)


@pytest.mark.parametrize(
    "thetas0",
    [np.ones((2, ARCH.m - 1)), np.ones(ARCH.m), np.full((2, ARCH.m), np.nan), np.ones((0, ARCH.m))],
    ids=["wrong-length", "1-D", "NaN", "no-rows"],
)
def test_multistart_refuses_bad_starting_points(thetas0):
    with pytest.raises(ValueError, match=r"^thetas0\b"):
        _ms(thetas0=thetas0)


def test_least_squares_fit_reaches_the_linear_least_squares_solution():
    # k = 1 with the identity: a linear least-squares problem whose minimiser numpy's lstsq gives.
    from nnlib.fitting import least_squares_fit

    arch, X, Y = _linear_least_squares()
    res = least_squares_fit(arch, X, Y, rng=0)
    W, *_ = np.linalg.lstsq(np.hstack([X, np.ones((X.shape[0], 1))]), Y, rcond=None)
    best = float(np.sum((np.hstack([X, np.ones((X.shape[0], 1))]) @ W - Y) ** 2))
    assert res.status == "converged"
    assert res.final_loss == pytest.approx(best, rel=1e-9, abs=1e-12)
    assert np.all(np.isfinite(res.loss_history)) and len(res.loss_history) == len(res.steps)


def test_best_of_starts_returns_the_lowest_final_loss_of_its_starts():
    from nnlib.fitting import best_of_starts

    S, T = theorem1_data()
    best, results = best_of_starts(theorem1_architecture(), S, T, 4, rng=3, max_nfev=200)
    assert len(results) == 4
    assert best.final_loss == min(r.final_loss for r in results)
    with pytest.raises(ValueError, match="^n_starts"):
        best_of_starts(theorem1_architecture(), S, T, 0)


# ------------------------------------------------------- gradient_descent: the same iterates as before
# gradient_descent runs on a resumable Descent with cheaper per-step checks (issue 7).  The loop
# below is the one it replaced (commit 7340851), kept as the reference: the new loop must give the
# same iterates, histories and status to the last bit.


def _reference_gradient_descent(arch, S, T, theta0=None, *, step, n_steps, rng=0, record_every=1, gtol=0.0):
    from nnlib.fitting import _BLOW_UP
    from nnlib._kernel import loss_gradient as _loss_gradient

    theta = arch.random_theta(rng) if theta0 is None else theta0.copy()
    steps, losses, norms, gnorms = [], [], [], []
    status = "finished"
    with np.errstate(over="ignore", invalid="ignore"):
        value, grad = _loss_gradient(arch, S, T, _kernel.unpack(arch, theta))
    for it in range(n_steps + 1):
        if it % record_every == 0 or it == n_steps:
            steps.append(it)
            losses.append(value)
            norms.append(float(np.linalg.norm(theta)))
            gnorms.append(float(np.linalg.norm(grad)))
        if it == n_steps:
            break
        if gtol > 0 and float(np.linalg.norm(grad)) <= gtol:
            status = "converged"
            if steps[-1] != it:
                steps.append(it)
                losses.append(value)
                norms.append(float(np.linalg.norm(theta)))
                gnorms.append(float(np.linalg.norm(grad)))
            break
        new_theta = theta - step * grad
        if not np.all(np.isfinite(new_theta)) or np.max(np.abs(new_theta)) > _BLOW_UP:
            status = "diverged"
            break
        with np.errstate(over="ignore", invalid="ignore"):
            new_value, new_grad = _loss_gradient(arch, S, T, _kernel.unpack(arch, new_theta))
        if not np.isfinite(new_value) or new_value > _BLOW_UP or not np.all(np.isfinite(new_grad)):
            status = "diverged"
            break
        theta, value, grad = new_theta, new_value, new_grad
    return FitResult(theta, np.array(steps), np.array(losses), np.array(norms), np.array(gnorms),
                     "gradient descent", status)


def _assert_identical(a: FitResult, b: FitResult):
    assert a.status == b.status
    for name in ("theta", "steps", "loss_history", "norm_history", "grad_norm_history"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


_CASES = [dict(step=s, n_steps=n, rng=seed, record_every=r)
          for s in (1e-3, 5e-3, 0.05, 0.3, 3.0) for n in (0, 1, 7, 300) for seed in (0, 9) for r in (1, 3, 50, 1000)]


@pytest.mark.parametrize("case", _CASES, ids=lambda c: "-".join(f"{k}{v}" for k, v in c.items()))
def test_gradient_descent_gives_the_reference_loops_iterates_bit_for_bit_on_the_theorem1_data(case):
    S, T = theorem1_data()
    arch = theorem1_architecture()
    _assert_identical(gradient_descent(arch, S, T, **case), _reference_gradient_descent(arch, S, T, **case))


def test_the_reference_comparison_covers_finished_and_diverged_runs():
    S, T = theorem1_data()
    arch = theorem1_architecture()
    statuses = {gradient_descent(arch, S, T, **c).status for c in _CASES}
    assert statuses == {"finished", "diverged"}


@pytest.mark.parametrize("gtol", [1e-8, 0.5, 5.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_descent_with_gtol_gives_the_reference_loops_iterates_bit_for_bit(seed, gtol):
    for arch, S, T in (_smooth_problem(seed), _linear_least_squares(seed)):
        case = dict(step=1e-2, n_steps=1500, rng=seed, record_every=7, gtol=gtol)
        _assert_identical(gradient_descent(arch, S, T, **case), _reference_gradient_descent(arch, S, T, **case))


def test_the_gtol_comparison_covers_converged_runs_at_and_between_recorded_steps():
    arch, X, Y = _linear_least_squares(0)
    ends = {gradient_descent(arch, X, Y, step=1e-2, n_steps=1500, rng=0, record_every=7, gtol=g).steps[-1] % 7 != 0
            for g in (1e-8, 0.5, 5.0)}
    statuses = {gradient_descent(arch, X, Y, step=1e-2, n_steps=1500, rng=0, record_every=7, gtol=g).status
                for g in (1e-8, 0.5, 5.0)}
    assert statuses == {"converged"} and True in ends


@pytest.mark.parametrize("widths, activation", [((3, 4, 4, 2), "tanh"), ((2, 3, 3, 1), "relu"), ((1, 4, 1), "sigmoid")])
def test_gradient_descent_gives_the_reference_loops_iterates_on_deeper_networks(widths, activation):
    arch = Architecture(widths, activation)
    rng = np.random.default_rng(3)
    S, T = rng.standard_normal((9, arch.p)), rng.standard_normal((9, arch.q))
    case = dict(step=2e-2, n_steps=400, rng=4, record_every=9)
    _assert_identical(gradient_descent(arch, S, T, **case), _reference_gradient_descent(arch, S, T, **case))


def test_a_descent_run_advanced_in_pieces_serves_every_shorter_run_bit_for_bit():
    from nnlib.fitting import Descent

    S, T = theorem1_data()
    arch = theorem1_architecture()
    run = Descent(arch, S, T, arch.random_theta(9), 5e-3, keep_thetas=True)
    for target in (100, 1000, 2500):
        run.advance(target)
        assert run.it == target
    for n, r in ((2500, 6), (1000, 2), (7, 1), (0, 1), (1234, 3)):
        _assert_identical(run.result(n, r), gradient_descent(arch, S, T, step=5e-3, n_steps=n, rng=9, record_every=r))
    with pytest.raises(ValueError, match=r"^n_steps\b"):
        run.result(2501, 1)  # not taken yet


def test_a_diverged_run_serves_the_diverged_result_for_every_longer_request():
    from nnlib.fitting import Descent

    S, T = theorem1_data()
    arch = theorem1_architecture()
    run = Descent(arch, S, T, arch.random_theta(0), 3.0, keep_thetas=True).advance(1000)
    assert run.status == "diverged" and run.it < 1000
    for n in (run.it - 1, run.it, run.it + 1, 1000, 5000):
        _assert_identical(run.result(n, 1), gradient_descent(arch, S, T, step=3.0, n_steps=n, rng=0))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity", "poly2", "poly3"])
def test_the_two_layer_loss_gradient_equals_the_general_one_bit_for_bit(activation):
    from nnlib._kernel import two_layer_loss_gradient as _two_layer_loss_gradient
    from nnlib._kernel import loss_gradient as _loss_gradient

    arch = Architecture((3, 4, 2), activation)
    rng = np.random.default_rng(1)
    S, T = rng.standard_normal((7, 3)), rng.standard_normal((7, 2))
    fast = _two_layer_loss_gradient(arch, S, T)
    for seed in range(20):
        theta = arch.random_theta(seed, scale=2.0)
        value, grad = _loss_gradient(arch, S, T, _kernel.unpack(arch, theta))
        fast_value, fast_grad = fast(theta)
        assert fast_value == value and np.array_equal(fast_grad, grad)


@pytest.mark.parametrize("big", [0.9e12, 1.05e12])
def test_weights_near_the_blow_up_bound_are_judged_like_the_reference_loop(big):
    # Dead ReLU units with huge weights: the loss stays small, so only the bound on the entries
    # (1e12) decides.  0.9e12: the norm passes 0.99e12 and the entries must be looked at (not
    # diverged); 1.05e12: one entry is too large, diverged at the first step.
    arch = Architecture((1, 2, 1), "relu")
    S = np.linspace(-1.0, 1.0, 5)[:, None]
    T = 0.1 * S + 0.3
    theta0 = np.array([0.5e12, 0.5e12, -big, -big, 0.9e12, 0.9e12, 0.0])
    assert np.linalg.norm(theta0) > 0.99e12
    result = gradient_descent(arch, S, T, theta0, step=1e-2, n_steps=50)
    reference = _reference_gradient_descent(arch, S, T, theta0, step=1e-2, n_steps=50)
    _assert_identical(result, reference)
    assert reference.status == ("finished" if big < 1e12 else "diverged")


# ------------------------------------------------------------------ starts at a ReLU kink (z = 0)


def _kink_start():
    """Theorem 1's network and data from a start with a dead hidden unit sitting on its kink: its
    pre-activation -s_2 is exactly 0 on five sample points and -1 on the sixth.  With
    sigma_max'(0) = 0 the unit gets no gradient and stays on the kink at every step, so every
    step of the descent (not only the first, computed by the general path) evaluates z = 0."""
    S, T = theorem1_data()
    arch = theorem1_architecture()
    A1, b1 = np.array([[1.0, 0.0], [0.0, -1.0]]), np.array([0.5, 0.0])
    A2, b2 = np.array([[0.5, -0.25], [0.75, 1.0]]), np.array([0.125, -0.5])
    theta0 = np.concatenate([A1.ravel(), b1, A2.ravel(), b2])
    Z = S @ A1.T + b1
    assert np.count_nonzero(Z[:, 1] == 0.0) == 5 and Z[:, 1].max() == 0.0  # dead, on the kink
    return arch, S, T, theta0


def test_the_two_layer_loss_gradient_equals_the_general_one_at_a_relu_kink():
    from nnlib._kernel import two_layer_loss_gradient as _two_layer_loss_gradient
    from nnlib._kernel import loss_gradient as _loss_gradient

    arch, S, T, theta0 = _kink_start()
    value, grad = _loss_gradient(arch, S, T, _kernel.unpack(arch, theta0))
    fast_value, fast_grad = _two_layer_loss_gradient(arch, S, T)(theta0)
    assert fast_value == value and np.array_equal(fast_grad, grad)


@pytest.mark.parametrize("step", [1e-3, 5e-2])
def test_gradient_descent_from_a_relu_kink_gives_the_reference_loops_iterates_bit_for_bit(step):
    arch, S, T, theta0 = _kink_start()
    case = dict(step=step, n_steps=50, record_every=1)
    result = gradient_descent(arch, S, T, theta0, **case)
    _assert_identical(result, _reference_gradient_descent(arch, S, T, theta0, **case))
    assert np.array_equal(result.theta[[2, 3, 5]], theta0[[2, 3, 5]])  # the dead unit never moved
