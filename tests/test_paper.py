"""nnlib.paper: the data (16), the weights theta_k of (17), the 2-2-2 network, the tanh example of section 6."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlib.network import Architecture, weight_norm, weights_map
from nnlib.paper import tanh_example_data, theorem1_architecture, theorem1_data, theta_k


def test_theorem1_sample_is_s_i_equal_i_minus_3_0_and_s_6_equal_1_1():
    S, _ = theorem1_data()
    expected = np.array([[i - 3, 0] for i in range(1, 6)] + [[1, 1]], dtype=float)
    np.testing.assert_array_equal(S, expected)
    assert S.dtype == np.float64


def test_theorem1_response_is_T_of_equation_16():
    _, T = theorem1_data()
    np.testing.assert_array_equal(T, [[2, 0], [1, 0], [0, 0], [-2, 0], [-4, 0], [0, 1]])


def test_theorem1_data_returns_fresh_arrays():
    S, T = theorem1_data()
    S[0, 0], T[0, 0] = 99.0, 99.0
    S2, T2 = theorem1_data()
    assert S2[0, 0] == -2.0 and T2[0, 0] == 2.0


def test_theorem1_architecture_is_the_2_2_2_relu_network_with_m_12():
    arch = theorem1_architecture()
    assert isinstance(arch, Architecture)
    assert arch.widths == (2, 2, 2) and arch.activation.name == "relu"
    assert (arch.k, arch.m) == (2, 12)


@pytest.mark.parametrize("k", [1, 2, 3, 10, 1000])
def test_theta_k_packs_the_matrices_of_equation_17(k):
    (A1, b1), (A2, b2) = theorem1_architecture().unpack(theta_k(k))
    np.testing.assert_array_equal(A1, [[-1, 2 * k + 1], [1, k - 1]])
    np.testing.assert_array_equal(A2, [[1, -2], [0, 1 / k]])
    np.testing.assert_array_equal(b1, [0, 0])
    np.testing.assert_array_equal(b2, [0, 0])


@pytest.mark.parametrize("k", [1, 2, 10, 1000])
def test_psi2_of_theta_k_is_T_except_for_1_over_k_and_2_over_k_in_rows_4_and_5(k):
    # By hand: alpha_1(s_i) = (i - 3)(-1, 1) for i <= 5 and alpha_1(s_6) = (2k, k); after the ReLU and
    # alpha_2(x, y) = (x - 2y, y / k) the rows are (2,0), (1,0), (0,0), (-2, 1/k), (-4, 2/k), (0, 1).
    S, T = theorem1_data()
    psi = weights_map(theorem1_architecture(), S, theta_k(k))
    expected = T.copy()
    expected[3, 1], expected[4, 1] = 1 / k, 2 / k
    np.testing.assert_allclose(psi, expected, rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("k", [1, 2, 10, 1000])
def test_theorem1_theta_k_drives_psi2_to_T_at_rate_sqrt5_over_k(k):
    S, T = theorem1_data()
    distance = np.linalg.norm(weights_map(theorem1_architecture(), S, theta_k(k)) - T, "fro")
    assert distance == pytest.approx(math.sqrt(5) / k, rel=1e-14)


@pytest.mark.parametrize("k", [1, 2, 10, 1000, 1e6])
def test_the_norm_of_theta_k_grows_linearly_like_sqrt5_k(k):
    # ||theta_k||^2 = 1 + (2k+1)^2 + 1 + (k-1)^2 + 1 + 4 + 1/k^2 = 5k^2 + 2k + 9 + 1/k^2.
    norm = weight_norm(theta_k(k))
    assert norm == pytest.approx(math.sqrt(5 * k**2 + 2 * k + 9 + 1 / k**2), rel=1e-14)
    if k >= 1000:
        assert norm / k == pytest.approx(math.sqrt(5), rel=1e-3)


def test_theta_k_accepts_real_k_for_smooth_sweeps():
    (A1, _), (A2, _) = theorem1_architecture().unpack(theta_k(2.5))
    np.testing.assert_array_equal(A1, [[-1, 6], [1, 1.5]])
    assert A2[1, 1] == 0.4


@pytest.mark.parametrize("k, exc", [(0, ValueError), (-1, ValueError), (np.inf, ValueError), (np.nan, ValueError),
                                    (True, TypeError), ("3", TypeError)])
def test_theta_k_refuses_k_that_is_not_a_positive_real_naming_k(k, exc):
    with pytest.raises(exc, match=r"^k\b"):
        theta_k(k)


def test_tanh_example_data_is_s_0_1_2_and_t_0_2_1():
    S, T = tanh_example_data()
    assert S.shape == (3, 1) and T.shape == (3, 1)
    np.testing.assert_array_equal(S.ravel(), [0, 1, 2])
    np.testing.assert_array_equal(T.ravel(), [0, 2, 1])


def test_tanh_example_weights_map_is_c_tanh_a_s_plus_b_plus_d():
    # Section 6: theta = (a, b, c, d) and psi_2(theta) = (c tanh(b) + d, c tanh(a + b) + d, c tanh(2a + b) + d).
    S, _ = tanh_example_data()
    a, b, c, d = 0.7, -0.3, 2.0, 0.5
    psi = weights_map(Architecture((1, 1, 1), "tanh"), S, [a, b, c, d]).ravel()
    np.testing.assert_allclose(psi, [c * math.tanh(b) + d, c * math.tanh(a + b) + d, c * math.tanh(2 * a + b) + d],
                               rtol=1e-15)
