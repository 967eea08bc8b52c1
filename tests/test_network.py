"""nnlib.network: m of (3), packing, nu_theta (1), psi_k (Definition 1), the loss (9) and its gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.network import (
    Architecture,
    batch_loss_gradient,
    hidden_layers,
    jacobian,
    loss,
    loss_gradient,
    network,
    num_weights,
    weight_norm,
    weights_map,
)

widths_strategy = st.lists(st.integers(1, 6), min_size=2, max_size=5)
finite_floats = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


# ------------------------------------------------------------------------ m of equation (3)


@pytest.mark.parametrize(
    "widths, m",
    [
        ((2, 2, 2), 12),  # Theorem 1: A_1, A_2 are 2x2 (8) and b_1, b_2 in R^2 (4)
        ((3, 5, 1), 26),  # A_1 5x3 (15) + b_1 (5) + A_2 1x5 (5) + b_2 (1)
        ((1, 1), 2),  # a single affine map x -> a x + b
        ((1, 1, 1), 4),  # the tanh example of section 6: theta = (a, b, c, d)
        ((4, 3), 15),  # 3x4 + 3
        ((2, 3, 4, 1), 30),  # (6 + 3) + (12 + 4) + (4 + 1)
        ((1, 1, 1, 1, 1), 8),  # four 1x1 layers with biases
        ((10, 1), 11),
    ],
)
def test_m_counts_weights_as_in_equation_3(widths, m):
    assert num_weights(widths) == m
    assert Architecture(widths).m == m


@given(widths=widths_strategy)
def test_m_equals_the_total_size_of_the_layers_A_i_and_b_i(widths):
    arch = Architecture(widths)
    shapes = arch.layer_shapes
    assert shapes == [(widths[i + 1], widths[i]) for i in range(len(widths) - 1)]
    assert arch.m == sum(r * c + r for r, c in shapes)


def test_architecture_reports_k_p_q_and_its_description():
    arch = Architecture([3, 5, 4, 2], "tanh")
    assert (arch.k, arch.p, arch.q, arch.m) == (3, 3, 2, 20 + 24 + 10)
    assert arch.widths == (3, 5, 4, 2)
    assert arch.activation.name == "tanh"
    assert arch.describe() == "3-5-4-2 tanh network: k = 3 layers, m = 54 weights"
    assert repr(arch) == "Architecture(widths=(3, 5, 4, 2), activation='tanh')"


def test_architecture_defaults_to_relu_and_accepts_a_polynomial_degree():
    assert Architecture((2, 2, 2)).activation.name == "relu"
    assert Architecture((1, 3, 1), "polynomial", degree=2).activation.name == "poly2"


def test_architectures_with_the_same_widths_and_activation_are_equal():
    assert Architecture((2, 2, 2), "relu") == Architecture([2, 2, 2], "max")
    assert Architecture((2, 2, 2), "relu") != Architecture((2, 2, 2), "tanh")
    assert Architecture((2, 2, 2)) != Architecture((2, 3, 2))


def test_numpy_integer_widths_are_accepted_and_stored_as_ints():
    arch = Architecture(np.array([2, 3, 1]))
    assert arch.widths == (2, 3, 1)
    assert all(type(w) is int for w in arch.widths)


# --------------------------------------------------------------------------------- packing


def test_unpack_order_is_A1_row_major_then_b1_then_A2_then_b2():
    arch = Architecture((3, 2, 2))
    theta = np.arange(arch.m, dtype=float)  # 0..13
    (A1, b1), (A2, b2) = arch.unpack(theta)
    np.testing.assert_array_equal(A1, [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(b1, [6, 7])
    np.testing.assert_array_equal(A2, [[8, 9], [10, 11]])
    np.testing.assert_array_equal(b2, [12, 13])


@given(widths=widths_strategy, data=st.data())
def test_unpack_agrees_with_explicit_index_arithmetic(widths, data, reference):
    arch = Architecture(widths)
    theta = data.draw(arrays(np.float64, arch.m, elements=finite_floats))
    for (A, b), (A_ref, b_ref) in zip(arch.unpack(theta), reference.unpack(widths, theta)):
        np.testing.assert_array_equal(A, A_ref)
        np.testing.assert_array_equal(b, b_ref)


@given(widths=widths_strategy, data=st.data())
def test_pack_after_unpack_returns_theta(widths, data):
    arch = Architecture(widths)
    theta = data.draw(arrays(np.float64, arch.m, elements=finite_floats))
    np.testing.assert_array_equal(arch.pack(arch.unpack(theta)), theta)


@given(widths=widths_strategy, data=st.data())
def test_unpack_after_pack_returns_the_layers(widths, data):
    arch = Architecture(widths)
    layers = [
        (
            data.draw(arrays(np.float64, (r, c), elements=finite_floats)),
            data.draw(arrays(np.float64, r, elements=finite_floats)),
        )
        for r, c in arch.layer_shapes
    ]
    theta = arch.pack(layers)
    assert theta.shape == (arch.m,)
    for (A, b), (A0, b0) in zip(arch.unpack(theta), layers):
        np.testing.assert_array_equal(A, A0)
        np.testing.assert_array_equal(b, b0)


def test_unpack_returns_views_into_theta():
    arch = Architecture((2, 3, 1))
    theta = np.zeros(arch.m)
    layers = arch.unpack(theta)
    for A, b in layers:
        assert np.shares_memory(A, theta) and np.shares_memory(b, theta)
    theta[0] = 5.0  # A_1[0, 0]
    theta[6] = 7.0  # b_1[0]
    theta[-1] = -1.0  # b_2[0]
    assert layers[0][0][0, 0] == 5.0 and layers[0][1][0] == 7.0 and layers[1][1][0] == -1.0


def test_pack_accepts_nested_lists():
    arch = Architecture((1, 2, 1))
    theta = arch.pack([([[1], [2]], [3, 4]), ([[5, 6]], [7])])
    np.testing.assert_array_equal(theta, [1, 2, 3, 4, 5, 6, 7])


def test_random_theta_is_reproducible_and_depends_on_the_seed():
    arch = Architecture((2, 4, 3, 1))
    np.testing.assert_array_equal(arch.random_theta(7), arch.random_theta(7))
    np.testing.assert_array_equal(arch.random_theta(7), arch.random_theta(np.random.default_rng(7)))
    assert not np.array_equal(arch.random_theta(7), arch.random_theta(8))


def test_random_theta_has_variance_scale_squared_over_fan_in_for_A_and_scale_squared_for_b():
    arch = Architecture((200, 300, 400))
    scale = 3.0
    (A1, b1), (A2, b2) = arch.unpack(arch.random_theta(0, scale=scale))
    # 60000 and 120000 Gaussian entries: the sample standard deviation is within ~0.5% of the truth;
    # 300 and 400 biases: within ~10%.
    assert A1.std() == pytest.approx(scale / np.sqrt(200), rel=0.02)
    assert A2.std() == pytest.approx(scale / np.sqrt(300), rel=0.02)
    assert np.concatenate([b1, b2]).std() == pytest.approx(scale, rel=0.1)
    assert abs(A1.mean()) < 0.02 * scale


# ----------------------------------------------------------------------- psi_k by hand


def test_one_one_one_relu_network_is_3_max_2x_minus_1_0_plus_half():
    arch = Architecture((1, 1, 1), "relu")
    theta = np.array([2.0, -1.0, 3.0, 0.5])  # A_1 = [2], b_1 = [-1], A_2 = [3], b_2 = [0.5]
    S = np.array([[-1.0], [0.0], [0.5], [1.0], [2.0]])
    np.testing.assert_array_equal(weights_map(arch, S, theta), [[0.5], [0.5], [0.5], [3.5], [9.5]])


def test_two_two_two_relu_network_by_hand():
    # A_1 = [[1, -1], [2, 1]], b_1 = (0, -1), A_2 = [[1, 2], [-1, 0]], b_2 = (1, 0).
    arch = Architecture((2, 2, 2), "relu")
    theta = np.array([1, -1, 2, 1, 0, -1, 1, 2, -1, 0, 1, 0], dtype=float)
    S = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [-1.0, -2.0]])
    # s = (1, 0):   alpha_1 = (1, 1)   -> relu (1, 1) -> (1 + 2 + 1, -1)  = (4, -1)
    # s = (0, 1):   alpha_1 = (-1, 0)  -> relu (0, 0) -> (1, 0)
    # s = (2, 1):   alpha_1 = (1, 4)   -> relu (1, 4) -> (1 + 8 + 1, -1)  = (10, -1)
    # s = (-1, -2): alpha_1 = (1, -5)  -> relu (1, 0) -> (1 + 1, -1)      = (2, -1)
    expected = np.array([[4.0, -1.0], [1.0, 0.0], [10.0, -1.0], [2.0, -1.0]])
    np.testing.assert_array_equal(weights_map(arch, S, theta), expected)
    np.testing.assert_array_equal(hidden_layers(arch, S, theta)[0], [[1, 1], [0, 0], [1, 4], [1, 0]])


@pytest.mark.parametrize("widths", [(3, 2), (3, 4, 2), (2, 3, 1, 4), (1, 2, 2, 2, 1)])
def test_identity_activation_gives_the_composed_affine_map(widths):
    arch = Architecture(widths, "identity")
    rng = np.random.default_rng(len(widths))
    theta = rng.standard_normal(arch.m)
    S = rng.standard_normal((7, widths[0]))
    # Compose the affine maps as (d+1) x (d+1) augmented matrices [[A, b], [0, 1]].
    M = np.eye(widths[0] + 1)
    for A, b in arch.unpack(theta):
        aug = np.zeros((A.shape[0] + 1, A.shape[1] + 1))
        aug[:-1, :-1], aug[:-1, -1], aug[-1, -1] = A, b, 1.0
        M = aug @ M
    expected = (np.hstack([S, np.ones((7, 1))]) @ M.T)[:, :-1]
    np.testing.assert_allclose(weights_map(arch, S, theta), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity", "poly2", "poly3"])
@pytest.mark.parametrize("widths", [(2, 3), (2, 3, 2), (3, 4, 3, 1), (1, 2, 3, 2, 2)])
def test_weights_map_agrees_with_a_loop_over_the_observations(widths, activation, reference):
    arch = Architecture(widths, activation)
    rng = np.random.default_rng(sum(widths))
    theta = arch.random_theta(rng)
    S = rng.standard_normal((9, widths[0]))
    np.testing.assert_allclose(
        weights_map(arch, S, theta), reference.psi(widths, activation, S, theta), rtol=1e-12, atol=1e-12
    )


def test_network_at_the_sample_equals_weights_map():
    arch = Architecture((2, 4, 3), "tanh")
    theta = arch.random_theta(3)
    S = np.random.default_rng(3).standard_normal((8, 2))
    np.testing.assert_array_equal(network(arch, theta, S), weights_map(arch, S, theta))
    # nu_theta evaluated one point at a time gives the rows of psi_k(theta).
    for i in range(8):
        np.testing.assert_allclose(network(arch, theta, S[i : i + 1])[0], weights_map(arch, S, theta)[i], rtol=1e-14)


def test_hidden_layers_returns_the_k_minus_1_hidden_images_of_the_sample(reference):
    widths = (2, 4, 3, 2)
    arch = Architecture(widths, "relu")
    theta = arch.random_theta(11)
    S = np.random.default_rng(11).standard_normal((6, 2))
    hs = hidden_layers(arch, S, theta)
    assert [h.shape for h in hs] == [(6, 4), (6, 3)]
    _, pre = reference.forward(widths, "relu", S, theta)
    for h, z in zip(hs, pre):
        np.testing.assert_allclose(h, np.maximum(z, 0.0), rtol=1e-13, atol=1e-14)
    assert hidden_layers(Architecture((2, 3), "relu"), S, Architecture((2, 3)).random_theta(0)) == []


# ------------------------------------------------------------------- ReLU rescaling symmetry


@settings(max_examples=30)
@given(
    widths=st.lists(st.integers(1, 4), min_size=3, max_size=4),
    seed=st.integers(0, 2**16),
    c=st.floats(0.05, 20.0),
    data=st.data(),
)
def test_rescaling_a_relu_unit_by_c_and_its_outgoing_weights_by_1_over_c_leaves_psi_unchanged(
    widths, seed, c, data
):
    arch = Architecture(widths, "relu")
    rng = np.random.default_rng(seed)
    theta = arch.random_theta(rng)
    S = rng.standard_normal((7, widths[0]))
    layer = data.draw(st.integers(0, arch.k - 2))  # a hidden layer: alpha_{layer+1} feeds sigma
    unit = data.draw(st.integers(0, widths[layer + 1] - 1))
    scaled = theta.copy()
    layers = arch.unpack(scaled)  # views: editing them edits `scaled`
    layers[layer][0][unit, :] *= c
    layers[layer][1][unit] *= c
    layers[layer + 1][0][:, unit] /= c
    before, after = weights_map(arch, S, theta), weights_map(arch, S, scaled)
    np.testing.assert_allclose(after, before, rtol=1e-12, atol=1e-12 * (1 + np.abs(before).max()))


def test_the_rescaling_symmetry_is_special_to_relu_tanh_is_not_positively_homogeneous():
    arch = Architecture((2, 3, 1), "tanh")
    theta = arch.random_theta(0)
    S = np.random.default_rng(0).standard_normal((5, 2))
    scaled = theta.copy()
    (A1, b1), (A2, _) = arch.unpack(scaled)
    A1[0, :] *= 3.0
    b1[0] *= 3.0
    A2[:, 0] /= 3.0
    assert np.abs(weights_map(arch, S, scaled) - weights_map(arch, S, theta)).max() > 1e-3


# --------------------------------------------------------------------- the loss and gradient


def test_loss_is_the_squared_frobenius_norm_of_the_residual(reference):
    widths = (3, 4, 2)
    arch = Architecture(widths, "sigmoid")
    rng = np.random.default_rng(1)
    theta, S, T = arch.random_theta(rng), rng.standard_normal((10, 3)), rng.standard_normal((10, 2))
    expected = np.linalg.norm(T - reference.psi(widths, "sigmoid", S, theta), "fro") ** 2
    assert loss(arch, S, T, theta) == pytest.approx(expected, rel=1e-13)
    value, _ = loss_gradient(arch, S, T, theta)
    assert value == pytest.approx(expected, rel=1e-13)


def test_loss_is_zero_exactly_when_T_is_psi_of_theta():
    arch = Architecture((2, 3, 2), "relu")
    theta = arch.random_theta(4)
    S = np.random.default_rng(4).standard_normal((6, 2))
    T = weights_map(arch, S, theta)
    assert loss(arch, S, T, theta) == 0.0
    T2 = T.copy()
    T2[2, 1] += 0.5
    assert loss(arch, S, T2, theta) == pytest.approx(0.25, rel=1e-12)


def _smooth_case(widths, activation, seed):
    arch = Architecture(widths, activation)
    rng = np.random.default_rng(seed)
    return arch, rng.standard_normal((8, widths[0])), rng.standard_normal((8, widths[-1])), arch.random_theta(rng)


@pytest.mark.parametrize(
    "widths, activation, seed",
    [((2, 3, 2), "tanh", 0), ((3, 4, 3, 1), "sigmoid", 1), ((1, 3, 2), "poly2", 2), ((2, 3, 3, 2), "relu", 3)],
)
def test_loss_gradient_matches_central_finite_differences(widths, activation, seed, reference):
    arch, S, T, theta = _smooth_case(widths, activation, seed)
    if activation == "relu":
        _, pre = reference.forward(widths, activation, S, theta)
        assert min(np.abs(z).min() for z in pre) > 1e-3, "choose a seed whose pre-activations avoid the kinks"

    def ref_loss(t):
        return np.sum((reference.psi(widths, activation, S, t) - T) ** 2)

    h = 1e-6
    fd = np.array([(ref_loss(theta + h * e) - ref_loss(theta - h * e)) / (2 * h) for e in np.eye(arch.m)])
    _, grad = loss_gradient(arch, S, T, theta)
    # rounding in the differences is ~ eps * loss / h ~ 1e-8 for losses of order 10-100.
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6 * np.abs(fd).max())


@pytest.mark.parametrize(
    "widths, activation, seed",
    [((2, 3, 2), "tanh", 0), ((3, 4, 3, 1), "sigmoid", 1), ((1, 3, 2), "poly3", 2), ((2, 2, 2), "relu", 5)],
)
def test_loss_gradient_is_twice_J_transpose_times_the_residual(widths, activation, seed):
    arch, S, T, theta = _smooth_case(widths, activation, seed)
    J = jacobian(arch, S, theta)
    residual = (weights_map(arch, S, theta) - T).ravel()  # row by row, as the Jacobian rows
    _, grad = loss_gradient(arch, S, T, theta)
    np.testing.assert_allclose(grad, 2.0 * J.T @ residual, rtol=1e-11, atol=1e-12 * np.abs(grad).max())


@pytest.mark.parametrize("widths, activation", [((2, 3, 2), "tanh"), ((3, 2, 2, 1), "relu"), ((2, 1), "identity")])
def test_batch_loss_gradient_equals_loss_gradient_row_by_row(widths, activation):
    arch = Architecture(widths, activation)
    rng = np.random.default_rng(9)
    S, T = rng.standard_normal((7, widths[0])), rng.standard_normal((7, widths[-1]))
    thetas = np.stack([arch.random_theta(rng) for _ in range(5)])
    values, grads = batch_loss_gradient(arch, S, T, thetas)
    assert values.shape == (5,) and grads.shape == (5, arch.m)
    for b in range(5):
        value, grad = loss_gradient(arch, S, T, thetas[b])
        assert values[b] == pytest.approx(value, rel=1e-13)
        np.testing.assert_allclose(grads[b], grad, rtol=1e-12, atol=1e-13 * np.abs(grad).max())


def test_weight_norm_is_the_euclidean_norm_of_all_weights():
    arch = Architecture((1, 2, 1))
    theta = arch.pack([([[3.0], [0.0]], [0.0, 4.0]), ([[0.0, 0.0]], [12.0])])
    assert weight_norm(theta) == 13.0  # sqrt(9 + 16 + 144)
    assert weight_norm([1.0, 1.0, 1.0, 1.0]) == 2.0


# -------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "widths, exc",
    [
        ((2, 0, 2), ValueError),
        ((2, -1, 2), ValueError),
        ((0, 2), ValueError),
        ((2, 2.5, 2), TypeError),
        ((2, True, 2), TypeError),
        ((2, "3", 2), TypeError),
        ((3,), ValueError),
        ((), ValueError),
        ("222", TypeError),
        (5, TypeError),
        (None, TypeError),
    ],
)
def test_bad_widths_are_refused_naming_widths(widths, exc):
    with pytest.raises(exc, match=r"^widths\b"):
        Architecture(widths)
    with pytest.raises(exc, match=r"^widths\b"):
        num_weights(widths)


@pytest.mark.parametrize("activation", ["softmax", "poly", ""])
def test_an_unknown_activation_name_is_refused_by_architecture(activation):
    with pytest.raises(ValueError, match="activation"):
        Architecture((2, 2, 2), activation)


def test_architecture_is_immutable():
    arch = Architecture((2, 2, 2))
    with pytest.raises(AttributeError):
        arch.widths = (3, 3, 3)


ARCH = Architecture((2, 3, 2), "tanh")
GOOD_S = np.random.default_rng(0).standard_normal((5, 2))
GOOD_T = np.random.default_rng(1).standard_normal((5, 2))
GOOD_THETA = ARCH.random_theta(0)

BAD_S = [
    pytest.param(np.ones((5, 3)), ValueError, id="wrong-number-of-columns"),
    pytest.param(np.ones(5), ValueError, id="1-D"),
    pytest.param(np.ones((5, 2, 1)), ValueError, id="3-D"),
    pytest.param(np.ones((0, 2)), ValueError, id="empty"),
    pytest.param(np.where(np.eye(5, 2) > 0, np.nan, 1.0), ValueError, id="NaN"),
    pytest.param(np.where(np.eye(5, 2) > 0, np.inf, 1.0), ValueError, id="inf"),
    pytest.param([["a", "b"]] * 5, TypeError, id="strings"),
]
BAD_T = [
    pytest.param(np.ones((4, 2)), ValueError, id="wrong-number-of-rows"),
    pytest.param(np.ones((5, 3)), ValueError, id="wrong-number-of-columns"),
    pytest.param(np.ones(10), ValueError, id="1-D"),
    pytest.param(np.full((5, 2), -np.inf), ValueError, id="inf"),
    pytest.param(np.full((5, 2), np.nan), ValueError, id="NaN"),
]
BAD_THETA = [
    pytest.param(np.ones(ARCH.m - 1), ValueError, id="too-short"),
    pytest.param(np.ones(ARCH.m + 1), ValueError, id="too-long"),
    pytest.param(np.ones((1, ARCH.m)), ValueError, id="2-D"),
    pytest.param(np.r_[np.nan, np.ones(ARCH.m - 1)], ValueError, id="NaN"),
    pytest.param(np.r_[np.inf, np.ones(ARCH.m - 1)], ValueError, id="inf"),
    pytest.param("abc", TypeError, id="string"),
]

# Each public function of nnlib.network that takes (arch, S, [T,] theta), called with keyword-free
# positional arguments in its own order.
CALLS_S_THETA = {
    "weights_map": lambda arch, S, theta: weights_map(arch, S, theta),
    "hidden_layers": lambda arch, S, theta: hidden_layers(arch, S, theta),
    "jacobian": lambda arch, S, theta: jacobian(arch, S, theta),
    "network": lambda arch, S, theta: network(arch, theta, S),
}
CALLS_S_T_THETA = {
    "loss": lambda arch, S, T, theta: loss(arch, S, T, theta),
    "loss_gradient": lambda arch, S, T, theta: loss_gradient(arch, S, T, theta),
    "batch_loss_gradient": lambda arch, S, T, theta: batch_loss_gradient(arch, S, T, np.atleast_2d(theta)),
}


@pytest.mark.parametrize("name", list(CALLS_S_THETA) + list(CALLS_S_T_THETA))
@pytest.mark.parametrize("S, exc", BAD_S)
def test_a_bad_sample_is_refused_naming_S(name, S, exc):
    # network() calls its sample X (the points at which nu_theta is evaluated).
    pattern = r"^X\b" if name == "network" else r"^S\b"
    with pytest.raises(exc, match=pattern):
        if name in CALLS_S_THETA:
            CALLS_S_THETA[name](ARCH, S, GOOD_THETA)
        else:
            CALLS_S_T_THETA[name](ARCH, S, GOOD_T, GOOD_THETA)


@pytest.mark.parametrize("name", list(CALLS_S_T_THETA))
@pytest.mark.parametrize("T, exc", BAD_T)
def test_a_bad_response_matrix_is_refused_naming_T(name, T, exc):
    with pytest.raises(exc, match=r"^T\b"):
        CALLS_S_T_THETA[name](ARCH, GOOD_S, T, GOOD_THETA)


@pytest.mark.parametrize("name", list(CALLS_S_THETA) + ["loss", "loss_gradient"])
@pytest.mark.parametrize("theta, exc", BAD_THETA)
def test_bad_weights_are_refused_naming_theta(name, theta, exc):
    with pytest.raises(exc, match=r"^theta\b"):
        if name in CALLS_S_THETA:
            CALLS_S_THETA[name](ARCH, GOOD_S, theta)
        else:
            CALLS_S_T_THETA[name](ARCH, GOOD_S, GOOD_T, theta)


@pytest.mark.parametrize(
    "thetas",
    [np.ones((3, ARCH.m - 1)), np.ones(ARCH.m), np.full((2, ARCH.m), np.nan), np.ones((0, ARCH.m))],
    ids=["wrong-length", "1-D", "NaN", "no-rows"],
)
def test_batch_loss_gradient_refuses_bad_thetas(thetas):
    with pytest.raises(ValueError, match=r"^thetas\b"):
        batch_loss_gradient(ARCH, GOOD_S, GOOD_T, thetas)


@pytest.mark.parametrize("name", list(CALLS_S_THETA) + list(CALLS_S_T_THETA))
@pytest.mark.parametrize("arch", [(2, 3, 2), "relu", None])
def test_something_other_than_an_architecture_is_refused_naming_arch(name, arch):
    with pytest.raises(TypeError, match=r"^arch\b"):
        if name in CALLS_S_THETA:
            CALLS_S_THETA[name](arch, GOOD_S, GOOD_THETA)
        else:
            CALLS_S_T_THETA[name](arch, GOOD_S, GOOD_T, np.atleast_2d(GOOD_THETA)[0])


def test_unpack_refuses_theta_of_the_wrong_length_naming_theta_and_m():
    with pytest.raises(ValueError, match=r"^theta must have length m = 12"):
        Architecture((2, 2, 2)).unpack(np.ones(11))


@pytest.mark.parametrize(
    "layers, pattern",
    [
        ([(np.ones((2, 2)), np.ones(2))], r"^layers\b"),  # one pair for k = 2
        ([(np.ones((2, 2)),), (np.ones((2, 2)), np.ones(2))], r"^layers\[0\]"),
        ([(np.ones((2, 3)), np.ones(2)), (np.ones((2, 2)), np.ones(2))], r"^A_1\b"),
        ([(np.ones((2, 2)), np.ones(3)), (np.ones((2, 2)), np.ones(2))], r"^b_1\b"),
        ([(np.ones((2, 2)), np.ones(2)), (np.full((2, 2), np.nan), np.ones(2))], r"^A_2\b"),
    ],
)
def test_pack_refuses_layers_of_the_wrong_shape_naming_the_layer(layers, pattern):
    with pytest.raises(ValueError, match=pattern):
        Architecture((2, 2, 2)).pack(layers)


@pytest.mark.parametrize("rng, exc", [("seed", TypeError), (1.5, TypeError), (None, TypeError)])
def test_random_theta_refuses_a_bad_rng_naming_rng(rng, exc):
    with pytest.raises(exc, match=r"^rng\b"):
        Architecture((2, 2, 2)).random_theta(rng)


@pytest.mark.parametrize("scale, exc", [(0.0, ValueError), (-1.0, ValueError), (np.inf, ValueError), ("1", TypeError)])
def test_random_theta_refuses_a_bad_scale_naming_scale(scale, exc):
    with pytest.raises(exc, match=r"^scale\b"):
        Architecture((2, 2, 2)).random_theta(0, scale=scale)


@pytest.mark.parametrize("theta, exc", [(np.ones((2, 2)), ValueError), ([np.nan, 1.0], ValueError), ("abc", TypeError)])
def test_weight_norm_refuses_bad_theta_naming_theta(theta, exc):
    with pytest.raises(exc, match=r"^theta\b"):
        weight_norm(theta)
