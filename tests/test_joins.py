"""nnlib.joins: the join description of two-layer ReLU networks and the dimension formulas of §5."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import cones, joins
from nnlib.viz import joins as viz_joins
from nnlib.dimension import image_dimension, numerical_rank
from nnlib.network import Architecture, jacobian, weights_map
from _helpers import explorer_parts, pixels, same_picture


# ----------------------------------------------------------------------------- Theorems 2 and 4
@pytest.mark.parametrize("seed", range(6))
def test_theorem2_network_output_is_join_of_d_cone_points_and_a_constant(seed):
    rng = np.random.default_rng(seed)
    n, p, d = 8, 2, 3
    S = rng.standard_normal((n, p))
    arch = Architecture((p, d, 1))
    theta = arch.random_theta(rng)
    dec = joins.join_decomposition(arch, S, theta)
    assert dec.Y.shape == (d, n)
    assert all(cones.in_relu_cone(y, S) for y in dec.Y)
    np.testing.assert_allclose(dec.Y.T @ dec.C[:, 0] + dec.lam[0], weights_map(arch, S, theta)[:, 0], atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_theorem2_any_real_combination_of_d_cone_points_plus_a_constant_is_a_network_output(seed):
    rng = np.random.default_rng(seed)
    n, p, d = 7, 2, 3
    S = rng.standard_normal((n, p))
    Y, W = cones.relu_cone_points(S, d, rng=rng, return_weights=True)
    c = rng.standard_normal(d) * 3 - 1.0  # negative coefficients included
    theta = joins.network_from_join(W, c, [0.7])
    np.testing.assert_allclose(weights_map(Architecture((p, d, 1)), S, theta)[:, 0], Y.T @ c + 0.7, atol=1e-12)


def test_the_sum_reading_of_the_secant_locus_misses_a_network_output_with_a_negative_coefficient():
    S = np.arange(4.0)[:, None]
    x = -cones.relu_projection(S[:, 0] - 1.0)  # output of relu network with c_1 = -1
    theta = joins.network_from_join([[1.0, -1.0]], [-1.0], [0.0])
    np.testing.assert_allclose(weights_map(Architecture((1, 1, 1)), S, theta)[:, 0], x)
    assert not joins.in_sum_secant_one_point(x, S, np.linspace(-10, 10, 201))
    assert joins.in_sum_secant_one_point(-x, S, np.linspace(-10, 10, 201))


@pytest.mark.parametrize("seed", range(4))
def test_theorem4_every_output_column_combines_the_same_d_cone_points(seed):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((6, 2))
    arch = Architecture((2, 3, 4))
    theta = arch.random_theta(rng)
    dec = joins.join_decomposition(arch, S, theta)
    assert dec.C.shape == (3, 4) and dec.lam.shape == (4,)
    np.testing.assert_allclose(dec.combination(), weights_map(arch, S, theta), atol=1e-12)
    theta2 = joins.network_from_join(dec.hidden_weights, dec.C, dec.lam)
    np.testing.assert_allclose(theta2, theta)


# ----------------------------------------------------------------------------- Corollary 2
@pytest.mark.parametrize("seed", range(8))
def test_corollary2_both_upper_bounds_hold_for_random_and_degenerate_samples(seed):
    rng = np.random.default_rng(seed)
    n, p, d = int(rng.integers(3, 10)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    S = rng.standard_normal((n, p)) if seed % 2 else np.outer(rng.standard_normal(n), rng.standard_normal(p))
    dim = image_dimension(Architecture((p, d, 1)), S, rng=seed).dimension
    b1, b2 = joins.corollary2_bounds(S, d)
    assert dim <= b1 and dim <= b2 and dim <= n


def test_corollary2_second_bound_caps_at_pn_which_exceeds_the_trivial_bound_n_when_p_exceeds_1():
    S = np.random.default_rng(0).standard_normal((4, 3))
    _, b2 = joins.corollary2_bounds(S, 5)
    assert b2 == 12 and b2 > S.shape[0]


# ----------------------------------------------------------------------------- Lemmas 2 and 3
@pytest.mark.parametrize("k", range(1, 7))
def test_lemma2_a_shift_of_a_general_vector_is_positive_on_exactly_its_k_largest_coordinates(k):
    x = np.random.default_rng(k).standard_normal(6)
    lam, I = joins.lemma2_shift(x, k)
    z = cones.relu_projection(lam + x)
    assert np.array_equal(np.flatnonzero(z > 0), I)
    assert set(I) == set(np.argsort(x)[-k:])


def test_lemma2_refuses_a_tie_between_the_kth_and_next_coordinate_naming_x():
    with pytest.raises(ValueError, match="^x must"):
        joins.lemma2_shift([0.0, 1.0, 1.0, 2.0], 2)


@pytest.mark.parametrize("k", [3, 4, 6, 8])
def test_lemma3_the_p_plus_1_shifted_columns_are_independent_in_R_n_I(k):
    S = joins.increasing_sample(8, 2, rng=k)
    V, I = joins.lemma3_vectors(S, k)
    assert V.shape == (3, 8) and len(I) == k
    assert all(np.array_equal(np.flatnonzero(v > 0), I) for v in V)
    assert numerical_rank(V).rank == 3


def test_lemma3_refuses_k_below_p_plus_1_naming_k():
    with pytest.raises(ValueError, match="^k must"):
        joins.lemma3_vectors(joins.increasing_sample(6, 3, rng=0), 3)


# ----------------------------------------------------------------------------- Theorem 3, Corollary 3
@pytest.mark.parametrize("p, d", [(1, 2), (2, 3), (3, 2)])
def test_theorem3_face_spans_on_nested_index_sets_form_a_direct_sum(p, d):
    n = d * (p + 1) + 1
    info = joins.theorem3_face_spans(joins.increasing_sample(n, p, rng=p + d), d)
    assert info["nested"] and not info["disjoint"]
    assert info["span_dims"] == [p + 1] * d
    assert info["sum_dim"] == d * (p + 1) and info["sum_dim_with_one"] == d * (p + 1) + 1


@pytest.mark.parametrize("p, d, extra", [(1, 2, 0), (2, 2, 3), (3, 1, 5), (1, 3, 4)])
def test_corollary3_dimension_d_p_plus_1_plus_1_on_increasing_samples(p, d, extra):
    (row,) = joins.dimension_grid([(d * (p + 1) + 1 + extra, p, d, 1)], sample="increasing", rng=p, n_points=3000)
    assert row.dimension == joins.theorem3_dimension(p, d) == row.paper


@pytest.mark.parametrize("n, p, d", [(4, 1, 3), (5, 2, 2), (3, 2, 3)])
def test_below_the_threshold_the_dimension_is_n(n, p, d):
    (row,) = joins.dimension_grid([(n, p, d, 1)], rng=n, n_points=3000, use_bound=False)
    assert row.dimension == n < joins.theorem3_dimension(p, d)


# ----------------------------------------------------------------------------- Corollary 4
@pytest.mark.parametrize("p, d, q", [(1, 2, 2), (2, 3, 2), (3, 2, 3)])
def test_corollary4_computed_dimension_is_m_minus_d_because_of_rescaling(p, d, q):
    rng = np.random.default_rng(p * d * q)
    S = rng.standard_normal((40, p))
    arch = Architecture((p, d, q))
    dim = image_dimension(arch, S, rng=1).dimension  # no upper bound: m would be found if reachable
    assert dim == arch.m - d == (p + q) * d + q
    assert dim < joins.corollary4_formulas(S, d, q)[1] == arch.m
    theta = arch.random_theta(rng)
    R = joins.rescaling_directions(arch, theta)
    assert numerical_rank(R).rank == d
    J = jacobian(arch, S, theta)
    assert np.abs(J @ R.T).max() <= 1e-12 * np.abs(J).max() * np.abs(R).max()


def test_rescaling_a_hidden_unit_leaves_the_output_unchanged():
    rng = np.random.default_rng(3)
    arch = Architecture((2, 3, 2))
    S, theta = rng.standard_normal((5, 2)), arch.random_theta(rng)
    (A1, b1), (A2, b2) = arch.unpack(theta.copy())
    A1[1] *= 4.0
    b1[1] *= 4.0
    A2[:, 1] /= 4.0
    np.testing.assert_allclose(weights_map(arch, S, arch.pack([(A1, b1), (A2, b2)])), weights_map(arch, S, theta), atol=1e-12)


def test_corollary4_rank_formula_corrected_to_rank_plus_q_minus_1_on_a_degenerate_sample():
    rng = np.random.default_rng(5)
    S = np.outer(rng.standard_normal(30), rng.standard_normal(3)) + 1.0
    r = cones.rank_S1(S)
    dim = image_dimension(Architecture((3, 3, 2)), S, rng=0).dimension
    assert r == 2
    assert dim == joins.rescaled_dimension(r, 3, 2, 30) == (r + 1) * 3 + 2
    assert dim < joins.corollary4_formulas(S, 3, 2)[0]


def test_image_dimension_upper_bound_stops_the_search_without_changing_the_dimension():
    S = np.random.default_rng(0).standard_normal((200, 3))
    arch = Architecture((3, 6, 2))
    free = image_dimension(arch, S, rng=1)
    bounded = image_dimension(arch, S, rng=1, upper_bound=arch.m - 6)
    assert bounded.dimension == free.dimension == arch.m - 6
    assert len(bounded.ranks) <= len(free.ranks)


def test_image_dimension_refuses_a_negative_upper_bound_naming_it():
    with pytest.raises(ValueError, match="^upper_bound must"):
        image_dimension(Architecture((1, 2, 1)), np.zeros((3, 1)), upper_bound=-1)


# ----------------------------------------------------------------------------- one neuron per layer
def test_one_neuron_image_for_k_2_has_one_constant_run_and_for_k_3_two():
    s = np.arange(6.0)
    two_runs = [0.0, 0.0, 1.0, 2.0, 2.0, 2.0]
    assert not joins.one_neuron_member(two_runs, s, 2)
    assert joins.one_neuron_member(two_runs, s, 3)
    assert joins.one_neuron_member([0.0, 0.0, 0.0, 1.0, 2.0, 3.0], s, 2)
    assert not joins.one_neuron_member([0.0, 1.0, 0.0, 1.0, 2.0, 3.0], s, 5)  # not monotone


def test_one_neuron_outputs_can_decrease():
    s = np.arange(6.0)
    assert joins.one_neuron_member([2.0, 2.0, 1.0, 0.0, 0.0, 0.0], s, 3)


@pytest.mark.parametrize("k", [3, 4, 5])
def test_one_neuron_image_is_the_same_clamps_for_every_k_from_3(k):
    rng = np.random.default_rng(k)
    s = np.sort(rng.standard_normal(7))
    arch = Architecture((1,) * (k + 1))
    for _ in range(40):
        x = weights_map(arch, s[:, None], arch.random_theta(rng, scale=1.5))[:, 0]
        assert joins.one_neuron_member(x, s, 3)
    theta = joins.one_neuron_clamp_weights(s[1] - 0.01, s[4] + 0.01, -1.0, 2.0, k=k)
    x = weights_map(arch, s[:, None], theta)[:, 0]
    assert x[0] == -1.0 and x[-1] == 2.0 and not joins.one_neuron_member(x, s, 2)


def test_one_neuron_dimension_is_3_for_k_2_and_4_for_k_3_to_5_already_for_n_4():
    S = np.array([[0.0], [1.0], [2.5], [4.0]])
    dims = [image_dimension(Architecture((1,) * (k + 1)), S, rng=k).dimension for k in (2, 3, 4, 5)]
    assert dims == [3, 4, 4, 4]


def test_one_neuron_clamp_weights_refuses_k_below_3_naming_k():
    with pytest.raises(ValueError, match="^k must"):
        joins.one_neuron_clamp_weights(0.0, 1.0, 0.0, 1.0, k=2)


# ----------------------------------------------------------------------------- bad input, formulas, widget
def test_join_decomposition_refuses_a_network_that_is_not_two_layer_relu_naming_arch():
    with pytest.raises(ValueError, match="^arch must"):
        joins.join_decomposition(Architecture((1, 2, 1), "tanh"), np.zeros((3, 1)), np.zeros(7))


def test_network_from_join_refuses_coefficients_of_the_wrong_length_naming_C():
    with pytest.raises(ValueError, match="^C must"):
        joins.network_from_join(np.zeros((3, 2)), np.zeros(2), [0.0])


def test_dimension_grid_refuses_an_unknown_sample_kind_naming_sample():
    with pytest.raises(ValueError, match="^sample must"):
        joins.dimension_grid([(5, 1, 1, 1)], sample="sorted")


def test_corollary4_at_q_1_contradicts_corollary3_by_d_while_the_corrected_count_agrees():
    assert joins.theorem3_dimension(2, 3) == joins.rescaled_dimension(3, 3, 1, 100) == 10
    assert joins.corollary4_formulas(np.random.default_rng(0).standard_normal((20, 2)), 3, 1) == (13, 13)


def test_the_dimension_explorer_draws_a_figure_with_the_formulas_in_the_title():
    import matplotlib.pyplot as plt

    fig = viz_joins.dimension_explorer_figure(10, 2, 2, 2)
    try:
        title = fig.axes[0].get_title()
        assert "computed dim = 10" in title and "m = 12 weights" in title
        assert "(p+q+1)d+q = 12" in title
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
        (spectrum,) = [line for line in ax.get_lines() if line.get_marker() == "o"]
        (noise,) = [line for line in ax.get_lines() if line.get_marker() == "v"]
        assert len(spectrum.get_xdata()) == 10  # the kept singular values: the rank,
        assert len(noise.get_xdata()) == 2      # and the rest of min(nq, m), drawn at the rounding level
    finally:
        plt.close(fig)


def test_the_live_spectrum_after_other_moves_equals_a_fresh_rendering_pixel_for_pixel():
    target = dict(n=12, p=2, d=3, q=2, k=2, activation="relu")
    render = viz_joins.dimension_explorer_live()
    render(**target)
    render(n=20, p=3, d=8, q=4, k=5, activation="identity")  # 80 singular values: other limits
    render(n=13, p=2, d=2, q=2, k=1, activation="tanh")      # one title line instead of three
    render(n=12, p=2, d=3, q=2, k=2, activation="tanh")
    again = render(**target)
    assert render.live.last_mode == "blit"
    fresh = viz_joins.dimension_explorer_live()(**target)
    assert np.array_equal(pixels(again), pixels(fresh))


def test_a_dimension_move_that_keeps_the_limits_is_a_blit_and_one_that_needs_more_indices_is_not():
    render = viz_joins.dimension_explorer_live()
    first = render(12, 2, 3, 2, 2, "relu")     # 17 singular values: index axis to 20
    assert render.live.last_mode == "full"
    second = render(12, 2, 2, 2, 2, "relu")    # 12 singular values: the same axes
    assert render.live.last_mode == "blit"
    assert not np.array_equal(pixels(first), pixels(second))
    render(12, 2, 8, 2, 2, "relu")             # 24 singular values: index axis to 40
    assert render.live.last_mode == "full"
    assert render.live.fig.axes[0].get_xlim()[1] > 24


def test_the_dimension_explorer_functions_name_their_bad_arguments():
    render = viz_joins.dimension_explorer_live()
    with pytest.raises(ValueError, match="^n must be a positive integer"):
        render(0, 2, 3, 2)
    with pytest.raises(ValueError, match="^activation must name an activation"):
        render(12, 2, 3, 2, 2, "softplus")
    with pytest.raises(ValueError, match="^seed must be a non-negative integer"):
        viz_joins.dimension_explorer_live(seed=-1)
    with pytest.raises(ValueError, match="^d must be a positive integer"):
        viz_joins.dimension_explorer_figure(12, 2, 0, 2)


def test_the_dimension_explorer_shows_the_spectrum_of_its_six_controls_and_follows_them():
    box = viz_joins.dimension_explorer(n=12, p=2, d=3, q=2, k=2, activation="relu")
    controls, image = explorer_parts(box)
    assert [c.value for c in controls] == [12, 2, 3, 2, 2, "relu"]
    render = viz_joins.dimension_explorer_live()  # the widget's pictures: opening setting, then each move
    assert same_picture(image.value, render(12, 2, 3, 2, 2, "relu"))
    controls[2].value = 2
    assert same_picture(image.value, render(12, 2, 2, 2, 2, "relu"))
    controls[5].value = "tanh"
    assert same_picture(image.value, render(12, 2, 2, 2, 2, "tanh"))
