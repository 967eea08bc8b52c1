"""nnlib.network.jacobian: the (nq) x m Jacobian of psi_k, checked against finite differences.

Tolerance.  Central differences with step h = 1e-6 have truncation error h^2 |psi'''| / 6 ~ 1e-12
(third derivatives of these small networks are O(1)-O(100)) and rounding error about
eps |psi| / h ~ 2e-10 |psi|; with |psi| of order 1-10 both are far below the bound used,
1e-6 relative to the largest Jacobian entry (plus 1e-6 entrywise relative).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.network import Architecture, jacobian, weights_map

H = 1e-6
TOL = 1e-6

ARCHITECTURES = [(3, 2), (2, 4, 3), (3, 3, 2, 2), (2, 3, 3, 2, 2)]  # k = 1, 2, 3, 4
ACTIVATIONS = ["relu", "tanh", "sigmoid", "identity", "poly2", "poly3"]


def _point_away_from_kinks(widths, activation, reference, n=6, min_gap=1e-3):
    """The first seed whose pre-activations all have |z| > min_gap (only matters for ReLU).

    A coordinate step of h = 1e-6 moves a pre-activation by at most ~1e-5 here, so a gap of 1e-3
    keeps every finite-difference stencil on one linear piece of psi_k."""
    arch = Architecture(widths, activation)
    for seed in range(100):
        rng = np.random.default_rng(seed)
        S = rng.standard_normal((n, widths[0]))
        theta = arch.random_theta(rng)
        _, pre = reference.forward(widths, activation, S, theta)
        if activation != "relu" or not pre or min(np.abs(z).min() for z in pre) > min_gap:
            return arch, S, theta
    raise AssertionError("no seed in 0..99 keeps the ReLU pre-activations away from 0")


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("widths", ARCHITECTURES, ids=lambda w: "-".join(map(str, w)))
def test_jacobian_matches_central_finite_differences(widths, activation, reference):
    arch, S, theta = _point_away_from_kinks(widths, activation, reference)
    J = jacobian(arch, S, theta)
    assert J.shape == (S.shape[0] * arch.q, arch.m)
    J_fd = reference.fd_jacobian(widths, activation, S, theta, h=H)
    np.testing.assert_allclose(J, J_fd, rtol=TOL, atol=TOL * np.abs(J_fd).max())


def test_jacobian_row_i_times_q_plus_j_is_the_gradient_of_entry_i_j():
    # For k = 1 and identity, psi[i, j] = sum_c A[j, c] S[i, c] + b[j]: the derivative of entry (i, j)
    # is S[i, c] in the slot of A[j, c] (index j*p + c) and 1 in the slot of b[j] (index q*p + j).
    p, q, n = 3, 2, 4
    arch = Architecture((p, q), "identity")
    S = np.arange(1.0, n * p + 1).reshape(n, p)
    J = jacobian(arch, S, np.zeros(arch.m))
    expected = np.zeros((n * q, arch.m))
    for i in range(n):
        for j in range(q):
            expected[i * q + j, j * p : (j + 1) * p] = S[i]
            expected[i * q + j, q * p + j] = 1.0
    np.testing.assert_array_equal(J, expected)


def test_one_layer_psi_is_linear_in_theta_so_psi_equals_J_theta():
    # k = 1: psi(theta) = [S, 1] [A, b]^T is linear in theta, whatever the activation (none is applied).
    arch = Architecture((3, 2), "relu")
    rng = np.random.default_rng(0)
    S, theta = rng.standard_normal((5, 3)), rng.standard_normal(arch.m)
    J = jacobian(arch, S, rng.standard_normal(arch.m))  # the Jacobian does not depend on theta
    np.testing.assert_allclose(J @ theta, weights_map(arch, S, theta).ravel(), rtol=1e-13, atol=1e-13)


def test_relu_two_layer_psi_satisfies_eulers_identity_for_its_degree_2_homogeneity():
    # relu(t z) = t relu(z) for t > 0, so psi(t A_1, t b_1, t A_2, t^2 b_2) = t^2 psi(theta);
    # differentiating at t = 1: J (A_1, b_1, A_2, 2 b_2) = 2 psi(theta).
    arch = Architecture((2, 4, 3), "relu")
    theta = arch.random_theta(2)
    S = np.random.default_rng(2).standard_normal((7, 2))
    (A1, b1), (A2, b2) = arch.unpack(theta)
    direction = arch.pack([(A1, b1), (A2, 2.0 * b2)])
    np.testing.assert_allclose(
        jacobian(arch, S, theta) @ direction, 2.0 * weights_map(arch, S, theta).ravel(), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("unit", [0, 1, 2])
def test_the_relu_rescaling_direction_is_in_the_kernel_of_the_jacobian(unit):
    # Scaling unit j's incoming weights and bias by c and its outgoing column by 1/c leaves psi fixed;
    # the tangent of that curve at c = 1 is (+row j of A_1, +b_1[j], -column j of A_2): J v = 0.
    arch = Architecture((2, 3, 2), "relu")
    S = np.random.default_rng(5).standard_normal((8, 2))
    # A weight point at which every hidden unit is active on some observations (a dead unit would
    # make the check below vacuous: all of its columns of J vanish).
    theta = next(
        t for t in (arch.random_theta(seed) for seed in range(100))
        if np.all((S @ arch.unpack(t)[0][0].T + arch.unpack(t)[0][1] > 0).sum(axis=0) >= 2)
    )
    v = np.zeros(arch.m)
    (vA1, vb1), (vA2, _) = arch.unpack(v)
    (A1, b1), (A2, _) = arch.unpack(theta)
    vA1[unit], vb1[unit], vA2[:, unit] = A1[unit], b1[unit], -A2[:, unit]
    J = jacobian(arch, S, theta)
    assert np.linalg.norm(J @ v) <= 1e-13 * np.linalg.norm(J, 2) * np.linalg.norm(v)
    # Scaling the outgoing column by c instead of 1/c does change psi: that direction is not in the kernel.
    w = v.copy()
    (_, _), (wA2, _) = arch.unpack(w)
    wA2[:, unit] = A2[:, unit]
    assert np.linalg.norm(J @ w) > 1e-3 * np.linalg.norm(J, 2) * np.linalg.norm(w)


@settings(max_examples=30)
@given(
    widths=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    activation=st.sampled_from(["tanh", "sigmoid", "poly2", "identity"]),
    seed=st.integers(0, 2**16),
)
def test_jacobian_times_a_direction_matches_the_directional_finite_difference(widths, activation, seed, reference):
    arch = Architecture(widths, activation)
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((5, widths[0]))
    theta = arch.random_theta(rng)
    v = rng.standard_normal(arch.m)
    v /= np.linalg.norm(v)
    fd = (reference.psi(widths, activation, S, theta + H * v) - reference.psi(widths, activation, S, theta - H * v)) / (
        2 * H
    )
    Jv = jacobian(arch, S, theta) @ v
    scale = max(1.0, np.abs(weights_map(arch, S, theta)).max())
    np.testing.assert_allclose(Jv, fd.ravel(), rtol=TOL, atol=TOL * scale)


def test_a_dead_relu_unit_gives_zero_jacobian_columns_for_its_weights():
    arch = Architecture((2, 3, 1), "relu")
    theta = arch.random_theta(1)
    (A1, b1), (A2, _) = arch.unpack(theta)
    A1[0], b1[0] = 0.0, -1.0  # unit 0 outputs relu(-1) = 0 on every input
    S = np.random.default_rng(1).standard_normal((10, 2))
    J = jacobian(arch, S, theta)
    dead_columns = [0, 1, 6, 9]  # A_1[0, 0], A_1[0, 1], b_1[0], A_2[0, 0]
    np.testing.assert_array_equal(J[:, dead_columns], 0.0)
    live = [c for c in range(arch.m) if c not in dead_columns]
    assert np.all(np.abs(J[:, live]).max(axis=0) > 0)
