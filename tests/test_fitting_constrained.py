"""nnlib.fitting: the constrained solver (||theta|| <= R) and the weight-decay solver (loss + lambda ||theta||^2)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.fitting import FitResult, constrained_fit, least_squares_fit, weight_decay_fit
from nnlib.network import Architecture, loss, loss_gradient
from nnlib.paper import theorem1_architecture, theorem1_data, theta_k


def _linear_problem(seed=0):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((20, 3)), rng.standard_normal((20, 2))
    return Architecture((3, 2), "identity"), X, Y


@pytest.mark.parametrize("R", [0.5, 2.0, 7.0, 40.0])
def test_constrained_solver_respects_the_norm_bound(R):
    arch = theorem1_architecture()
    S, T = theorem1_data()
    for seed in range(3):
        res = constrained_fit(arch, S, T, R, rng=seed)
        assert isinstance(res, FitResult)
        assert np.linalg.norm(res.theta) <= R
        assert res.final_norm <= R
        assert res.final_loss == pytest.approx(loss(arch, S, T, res.theta), rel=1e-12, abs=1e-15)


def test_constrained_solver_with_a_large_radius_finds_the_unconstrained_least_squares_solution():
    arch, X, Y = _linear_problem()
    free = least_squares_fit(arch, X, Y, rng=0)
    res = constrained_fit(arch, X, Y, 10 * np.linalg.norm(free.theta), rng=0)
    assert res.final_loss == pytest.approx(free.final_loss, rel=1e-8)
    assert res.grad_norm_history[-1] < 1e-6


def test_constrained_solver_on_a_linear_problem_matches_ridge_on_the_sphere():
    # For a linear model the minimiser over a ball that excludes the free minimiser is a ridge
    # solution with ||theta|| = R; check the KKT condition grad L = -mu theta, mu > 0.
    arch, X, Y = _linear_problem(1)
    free = least_squares_fit(arch, X, Y, rng=0)
    R = 0.3 * np.linalg.norm(free.theta)
    res = constrained_fit(arch, X, Y, R, rng=0)
    assert np.linalg.norm(res.theta) == pytest.approx(R, rel=1e-9)
    _, g = loss_gradient(arch, X, Y, res.theta)
    mu = -g @ res.theta / R**2
    assert mu > 0
    np.testing.assert_allclose(g, -mu * res.theta, atol=1e-7 * np.linalg.norm(g))
    assert res.grad_norm_history[-1] < 1e-7 * np.linalg.norm(g)


def test_constrained_solver_beats_theta_k_of_the_same_norm_from_its_start():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    th = theta_k(5)
    R = float(np.linalg.norm(th))
    res = constrained_fit(arch, S, T, R, th)
    assert res.final_loss < loss(arch, S, T, th)


def test_constrained_solver_from_a_start_far_outside_the_ball_returns_a_point_inside_it():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    res = constrained_fit(arch, S, T, 1.0, theta_k(50), max_iter=1)
    assert res.final_norm <= 1.0 and np.isfinite(res.final_loss)
    assert res.norm_history[0] == pytest.approx(1.0)  # the first run starts on the sphere


def test_weight_decay_objective_does_not_exceed_its_value_at_the_start():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    lam = 1e-3
    th0 = theta_k(3)
    res = weight_decay_fit(arch, S, T, lam, th0)
    assert isinstance(res, FitResult) and res.method == "weight decay (trust region)"
    assert res.final_loss + lam * res.final_norm**2 <= loss(arch, S, T, th0) + lam * th0 @ th0
    assert res.final_loss == pytest.approx(loss(arch, S, T, res.theta), rel=1e-12)


def test_weight_decay_on_a_linear_model_is_ridge_regression():
    arch, X, Y = _linear_problem(2)
    lam = 0.7
    res = weight_decay_fit(arch, X, Y, lam, rng=0)
    Xa = np.column_stack([X, np.ones(len(X))])
    W = np.linalg.solve(Xa.T @ Xa + lam * np.eye(4), Xa.T @ Y)  # (4, 2): rows of A^T then b
    (A, b), = arch.unpack(res.theta)
    np.testing.assert_allclose(A.T, W[:3], atol=1e-8)
    np.testing.assert_allclose(b, W[3], atol=1e-8)


def test_weight_decay_norm_decreases_as_lambda_increases_on_a_linear_model():
    arch, X, Y = _linear_problem(3)
    norms = [weight_decay_fit(arch, X, Y, lam, rng=0).final_norm for lam in [1e-3, 1e-1, 10.0, 1e3]]
    assert np.all(np.diff(norms) < 0)


def test_constrained_fit_rejects_a_nonpositive_radius_naming_R():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(ValueError, match=r"^R must be a finite positive"):
        constrained_fit(arch, S, T, 0.0)


def test_constrained_fit_rejects_a_start_of_wrong_length_naming_theta0():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(ValueError, match=r"^theta0 must have length 12"):
        constrained_fit(arch, S, T, 1.0, np.zeros(3))


def test_weight_decay_fit_rejects_a_negative_lambda_naming_lam():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(ValueError, match=r"^lam must be a finite positive"):
        weight_decay_fit(arch, S, T, -1.0)


def test_weight_decay_fit_rejects_a_boolean_max_nfev_naming_it():
    arch = theorem1_architecture()
    S, T = theorem1_data()
    with pytest.raises(TypeError, match=r"^max_nfev must be a positive integer"):
        weight_decay_fit(arch, S, T, 1.0, max_nfev=True)
