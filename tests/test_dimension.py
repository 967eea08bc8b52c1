"""nnlib.dimension: numerical ranks with evidence, and dim psi_k(Theta) as the largest Jacobian rank."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from nnlib.dimension import (
    AMBIGUITY_BAND,
    DimensionReport,
    RankReport,
    continuous_symmetries,
    default_n_points,
    image_dimension,
    numerical_rank,
    rescaling_symmetries,
    sample_weights,
)
from nnlib.network import Architecture, jacobian
from nnlib.paper import theorem1_data

EPS = np.finfo(float).eps


def _with_singular_values(s, shape, seed):
    """U diag(s) V^T with Haar-random orthogonal U, V: a matrix whose singular values are s."""
    rng = np.random.default_rng(seed)
    M, N = shape
    U = np.linalg.qr(rng.standard_normal((M, M)))[0]
    V = np.linalg.qr(rng.standard_normal((N, N)))[0]
    D = np.zeros((M, N))
    D[: len(s), : len(s)] = np.diag(s)
    return U @ D @ V.T


# ----------------------------------------------------------------------------- numerical_rank


@pytest.mark.parametrize("n, m, r", [(10, 8, 3), (20, 20, 7), (6, 12, 1), (15, 5, 5), (30, 40, 12)])
def test_numerical_rank_of_a_product_of_n_by_r_and_r_by_m_factors_is_r(n, m, r):
    rng = np.random.default_rng(n * m + r)
    X = rng.standard_normal((n, r)) @ rng.standard_normal((r, m))
    rep = numerical_rank(X)
    assert isinstance(rep, RankReport)
    assert rep.rank == r and rep.method == "svd"
    assert not rep.ambiguous
    s = np.linalg.svd(X, compute_uv=False)
    np.testing.assert_allclose(rep.singular_values, s, rtol=1e-12, atol=1e-14 * s[0])
    assert rep.rtol == max(n, m) * EPS and rep.tolerance == pytest.approx(max(n, m) * EPS * s[0], rel=1e-12)
    if r < min(n, m):
        assert rep.gap == pytest.approx(s[r - 1] / s[r], rel=1e-6)
        assert rep.gap > 1e10
        assert rep.last_kept == pytest.approx(s[r - 1], rel=1e-12)
        assert rep.first_dropped < rep.tolerance
    else:
        assert rep.gap == np.inf and np.isnan(rep.first_dropped)
    assert numerical_rank(X, method="qr").rank == r


@pytest.mark.parametrize(
    "matrix",
    [
        _with_singular_values(np.logspace(0, -10, 8), (12, 8), 0),  # condition number 1e10
        _with_singular_values(np.logspace(0, -12, 6), (6, 6), 1),  # 1e12
        scipy.linalg.hilbert(8),  # condition number about 1.5e10
        np.vander(np.linspace(0, 1, 7)),  # a Vandermonde matrix, condition number about 1e5
    ],
    ids=["cond-1e10", "cond-1e12", "hilbert-8", "vandermonde-7"],
)
def test_ill_conditioned_full_rank_matrices_get_full_rank_by_svd_and_by_qr(matrix):
    full = min(matrix.shape)
    assert numerical_rank(matrix).rank == full
    assert numerical_rank(matrix, method="qr").rank == full


def test_qr_values_are_the_decreasing_diagonal_of_a_pivoted_qr():
    X = np.random.default_rng(3).standard_normal((7, 5))
    rep = numerical_rank(X, method="qr")
    assert rep.method == "qr"
    assert np.all(np.diff(rep.singular_values) <= 0)
    # |R_11| is the largest column norm (the first pivot); prod |R_ii| = sqrt(det(X^T X)).
    assert rep.singular_values[0] == pytest.approx(np.linalg.norm(X, axis=0).max(), rel=1e-12)
    assert np.prod(rep.singular_values) == pytest.approx(np.sqrt(np.linalg.det(X.T @ X)), rel=1e-10)


def test_rtol_sets_the_threshold_relative_to_the_largest_singular_value():
    X = _with_singular_values([2.0, 2e-3, 2e-6], (5, 4), 2)
    rep = numerical_rank(X, rtol=1e-4)
    assert rep.rank == 2 and rep.rtol == 1e-4
    assert rep.tolerance == pytest.approx(2e-4, rel=1e-12)
    assert rep.last_kept == pytest.approx(2e-3, rel=1e-9) and rep.first_dropped == pytest.approx(2e-6, rel=1e-6)
    assert rep.gap == pytest.approx(1e3, rel=1e-6)
    assert numerical_rank(X, rtol=1e-2).rank == 1
    assert numerical_rank(X, rtol=1e-7).rank == 3


def test_a_singular_value_1e_13_relative_next_to_the_threshold_is_flagged_ambiguous():
    # 10 x 10: the default threshold is 10 eps ~ 2.2e-15; 1e-13 is kept but within AMBIGUITY_BAND of it.
    X = _with_singular_values([1.0, 0.5, 0.2, 1e-13], (10, 10), 4)
    rep = numerical_rank(X)
    assert rep.rank == 4
    assert rep.last_kept < AMBIGUITY_BAND * rep.tolerance
    assert rep.ambiguous
    # The same matrix with a clearly non-zero fourth value is decided without doubt.
    clear = numerical_rank(_with_singular_values([1.0, 0.5, 0.2, 1e-6], (10, 10), 4))
    assert clear.rank == 4 and not clear.ambiguous
    assert clear.gap > 1e8


def test_a_dropped_singular_value_just_under_a_user_rtol_is_flagged_ambiguous():
    # AMBIGUITY_BAND: "A singular value within this factor of the threshold (either side) makes a rank
    # decision ambiguous."  With rtol = 1e-8, a singular value of 5e-9 (relative) is dropped although it
    # is ten million times larger than rounding noise and only a factor 2 below the threshold: the rank
    # (2) is in doubt, yet the gap s_2/s_3 = 1e8 looks decisive -- only `ambiguous` can say so.
    X = _with_singular_values([1.0, 1.0, 5e-9], (6, 6), 5)
    rep = numerical_rank(X, rtol=1e-8)
    assert rep.rank == 2
    assert rep.first_dropped > rep.tolerance / AMBIGUITY_BAND
    assert rep.ambiguous


def test_the_zero_matrix_has_rank_0_with_infinite_gap():
    rep = numerical_rank(np.zeros((3, 4)))
    assert rep.rank == 0 and rep.gap == np.inf and not rep.ambiguous and rep.tolerance == 0.0
    assert np.isnan(rep.last_kept)


def test_a_rank_one_matrix_with_an_exactly_zero_second_singular_value_has_infinite_gap():
    rep = numerical_rank(np.array([[3.0, 0.0], [0.0, 0.0]]))
    assert rep.rank == 1 and rep.gap == np.inf


@pytest.mark.parametrize("rtol", [0, 0.0, 1, 1.0, -0.1, 1.5, np.inf, np.nan])
def test_numerical_rank_refuses_rtol_outside_the_open_unit_interval(rtol):
    with pytest.raises(ValueError, match=r"^rtol\b"):
        numerical_rank(np.eye(3), rtol=rtol)


@pytest.mark.parametrize("rtol", [True, "1e-8", [1e-8]])
def test_numerical_rank_refuses_an_rtol_that_is_not_a_number(rtol):
    with pytest.raises(TypeError, match=r"^rtol\b"):
        numerical_rank(np.eye(3), rtol=rtol)


def test_numerical_rank_refuses_an_unknown_method():
    with pytest.raises(ValueError, match=r"^method\b"):
        numerical_rank(np.eye(3), method="lu")


@pytest.mark.parametrize(
    "J, exc",
    [(np.ones(3), ValueError), (np.ones((2, 2, 2)), ValueError), (np.zeros((0, 3)), ValueError),
     (np.array([[1.0, np.nan]]), ValueError), (np.array([[np.inf]]), ValueError), ([["a"]], TypeError)],
    ids=["1-D", "3-D", "empty", "NaN", "inf", "strings"],
)
def test_numerical_rank_refuses_a_bad_matrix_naming_J(J, exc):
    with pytest.raises(exc, match=r"^J\b"):
        numerical_rank(J)


# ------------------------------------------------- image_dimension: two-layer ReLU, Corollary 3


@pytest.mark.parametrize("p, d", [(1, 1), (1, 3), (2, 1), (2, 2), (2, 3), (3, 2)])
def test_corollary3_relu_two_layer_q1_network_on_a_general_large_sample_has_dimension_d_p_plus_1_plus_1(p, d):
    n = 3 * d * (p + 1)
    S = np.random.default_rng(100 + 10 * p + d).standard_normal((n, p))
    rep = image_dimension(Architecture((p, d, 1), "relu"), S, rng=0)
    assert rep.dimension == d * (p + 1) + 1
    # m = d(p + 2) + 1: the d rescalings of the hidden units are the only lost directions.
    assert rep.m - rep.dimension == d
    assert not rep.ambiguous and rep.gap > 1e8


@pytest.mark.parametrize("p, d, q", [(2, 2, 2), (1, 3, 2), (2, 3, 3)])
def test_relu_two_layer_vector_output_on_a_large_sample_has_dimension_m_minus_d(p, d, q):
    # Computed: (p + q) d + q = m - d.  (Corollary 4 of the paper states (p + q + 1) d + q = m, but the
    # rescaling symmetry of each of the d hidden units makes every fibre of psi_2 at least d-dimensional,
    # so dim psi_2(Theta) <= m - d; the kernel test in test_jacobian.py shows those d directions.)
    arch = Architecture((p, d, q), "relu")
    n = 4 * arch.m
    S = np.random.default_rng(7 * p + 3 * d + q).standard_normal((n, p))
    rep = image_dimension(arch, S, rng=0)
    assert rep.dimension == (p + q) * d + q == arch.m - d


def test_theorem1_sample_with_the_2_2_2_relu_network_gives_the_same_dimension_for_seeds_0_to_9():
    # As computed by nnlib (not a claim of the paper): 10 in R^{6x2}, i.e. m - d = 12 - 2; the largest rank
    # is reached at only a fraction of the random weight points, so this checks the search is thorough.
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2), "relu")
    dims = [image_dimension(arch, S, rng=seed).dimension for seed in range(10)]
    assert dims == [10] * 10


def test_a_dead_relu_unit_lowers_the_jacobian_rank_but_not_the_image_dimension():
    p, d, n = 2, 3, 30
    arch = Architecture((p, d, 1), "relu")
    S = np.random.default_rng(5).standard_normal((n, p))
    theta = arch.random_theta(1)
    (A1, b1), _ = arch.unpack(theta)
    assert np.all(((S @ A1.T + b1) > 0).sum(axis=0) >= 3), "every unit alive at the generic point"
    generic = numerical_rank(jacobian(arch, S, theta)).rank
    assert generic == d * (p + 1) + 1 == 10
    A1[0], b1[0] = 0.0, -1.0  # unit 0 now outputs relu(-1) = 0 on every observation
    dead = numerical_rank(jacobian(arch, S, theta)).rank
    # With one unit dead the network is a (d - 1)-unit network: (d - 1)(p + 1) + 1 = 7.
    assert dead == (d - 1) * (p + 1) + 1 == 7
    assert image_dimension(arch, S, rng=0).dimension == generic


# ------------------------------------------------------------- image_dimension: linear networks


def _affine_rank(S):
    return np.linalg.matrix_rank(np.hstack([S, np.ones((S.shape[0], 1))]))


@pytest.mark.parametrize(
    "widths, n",
    [((3, 5, 2), 10), ((3, 3, 2), 10), ((2, 4, 3), 9), ((2, 3, 3, 2), 8), ((3, 4, 2), 3), ((4, 2), 12)],
)
def test_identity_network_wide_enough_has_the_dimension_of_all_affine_maps(widths, n):
    # The hidden widths are >= min(p, q), so A_k ... A_1 can be any q x p matrix and psi is
    # {[S, 1] W : W in R^{(p+1) x q}}, a linear space of dimension q rank[S, 1] (<= nq as rank <= n).
    p, q = widths[0], widths[-1]
    assert min(widths[1:-1], default=q) >= min(p, q)
    S = np.random.default_rng(n + p).standard_normal((n, p))
    rep = image_dimension(Architecture(widths, "identity"), S, rng=0)
    assert rep.dimension == q * _affine_rank(S) == q * min(n, p + 1)


def test_identity_network_on_a_degenerate_sample_has_dimension_q_rank_S_1():
    # Ten collinear points in R^3: rank [S, 1] = 2, so the affine images form a 2q-dimensional space.
    t = np.linspace(-1, 1, 10)[:, None]
    S = np.hstack([t, 2 * t + 1, -t])
    assert _affine_rank(S) == 2
    assert image_dimension(Architecture((3, 4, 2), "identity"), S, rng=0).dimension == 4
    # k = 1 (a single affine layer) has no activation at all: the same answer for ReLU.
    assert image_dimension(Architecture((3, 2), "relu"), S, rng=0).dimension == 4


@pytest.mark.parametrize("p, h, q", [(3, 1, 3), (3, 2, 4), (4, 2, 3), (4, 1, 1)])
def test_identity_network_with_a_narrow_hidden_layer_has_the_dimension_of_rank_limited_affine_maps(p, h, q):
    # psi = {S M + 1 c^T : M p x q of rank <= h, c in R^q}.  For a general S with n >= p + 1 the map
    # (M, c) -> S M + 1 c^T is injective, so the dimension is that of the determinantal variety of
    # p x q matrices of rank <= h, namely h (p + q - h), plus q for c.
    n = 3 * (p + 1)
    S = np.random.default_rng(p * h * q).standard_normal((n, p))
    expected = min(h, p, q) * (p + q - min(h, p, q)) + q
    assert image_dimension(Architecture((p, h, q), "identity"), S, rng=0).dimension == expected


# ----------------------------------------------------------- image_dimension: other activations


def test_quadratic_activation_on_a_line_spans_the_polynomials_of_degree_at_most_2():
    S = np.linspace(-1.0, 1.0, 7)[:, None]  # n = 7 >= 3 distinct points
    for width in (2, 3, 5):
        assert image_dimension(Architecture((1, width, 1), "poly2"), S, rng=0).dimension == 3
    # n = 3 points already determine a quadratic; n = 2 caps the dimension at nq = 2.
    assert image_dimension(Architecture((1, 3, 1), "poly2"), S[:3], rng=0).dimension == 3
    assert image_dimension(Architecture((1, 3, 1), "poly2"), S[:2], rng=0).dimension == 2


def test_quadratic_activation_on_a_plane_spans_the_six_quadratic_polynomials_in_two_variables():
    # 1, x, y, x^2, xy, y^2; ten general points of R^2 do not lie on a conic, so evaluation is injective.
    S = np.random.default_rng(12).standard_normal((10, 2))
    for width in (3, 4, 6):
        assert image_dimension(Architecture((2, width, 1), "poly2"), S, rng=0).dimension == 6


@pytest.mark.parametrize(
    "widths, activation, n",
    [
        ((2, 3, 1), "tanh", 40),
        ((2, 3, 2), "sigmoid", 40),
        ((2, 5, 2), "tanh", 4),
        ((1, 2, 2, 1), "relu", 12),
        ((2, 2, 2), "relu", 6),
        ((3, 4, 2), "poly3", 5),
        ((1, 1, 1), "sigmoid", 1),
    ],
)
def test_the_estimate_never_exceeds_min_m_nq(widths, activation, n):
    arch = Architecture(widths, activation)
    S = np.random.default_rng(n).standard_normal((n, widths[0]))
    rep = image_dimension(arch, S, rng=0)
    assert isinstance(rep, DimensionReport)
    assert rep.m == arch.m and rep.nq == n * arch.q
    assert 0 < rep.dimension <= min(arch.m, n * arch.q)
    assert rep.deficiency == min(arch.m, n * arch.q) - rep.dimension >= 0


def test_tanh_networks_reach_the_parameter_count_and_the_search_stops_at_the_ceiling():
    arch = Architecture((2, 3, 1), "tanh")  # m = 13; no rescaling symmetry for tanh
    S = np.random.default_rng(0).standard_normal((40, 2))
    rep = image_dimension(arch, S, rng=0)
    assert rep.dimension == 13 and rep.deficiency == 0
    assert rep.ranks == (13,), "the first point already reaches min(m, nq): no further points are tried"
    assert rep.gap == np.inf


# ------------------------------------------------------------------ image_dimension: the report


def test_the_report_lists_every_rank_tried_and_its_best_point():
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2), "relu")
    rep = image_dimension(arch, S, rng=0, n_points=40)
    assert len(rep.ranks) <= 40 and max(rep.ranks) == rep.dimension == rep.best.rank
    assert rep.gap == rep.best.gap and rep.ambiguous == rep.best.ambiguous
    assert rep.m == 12 and rep.nq == 12 and rep.deficiency == 12 - rep.dimension
    summary = rep.summary()
    assert summary.startswith(f"dim = {rep.dimension} (bounds: m = 12, nq = 12)")
    assert f"at {rep.ranks.count(rep.dimension)} of {len(rep.ranks)} random points" in summary


def test_image_dimension_is_reproducible_for_a_seed_and_accepts_a_generator():
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2), "relu")
    a = image_dimension(arch, S, rng=3, n_points=30)
    b = image_dimension(arch, S, rng=3, n_points=30)
    c = image_dimension(arch, S, rng=np.random.default_rng(3), n_points=30)
    assert a.ranks == b.ranks == c.ranks


def test_n_points_bounds_the_number_of_weight_points_tried():
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2), "relu")
    assert len(image_dimension(arch, S, rng=0, n_points=1, balanced=False).ranks) == 1
    # ReLU by default: each main point is preceded by a "balanced" one
    assert len(image_dimension(arch, S, rng=1, n_points=3, use_symmetries=False).ranks) == 6


# --------------------------------------------------- image_dimension: where the search stops
@pytest.mark.parametrize("widths, act", [((2, 3, 1), "relu"), ((2, 3, 2, 2), "relu"), ((1, 2, 2, 2, 1), "relu"),
                                         ((2, 3, 1), "poly2"), ((2, 2, 2, 1), "poly3")])
def test_no_rank_found_exceeds_m_minus_the_unit_rescalings(widths, act):
    arch = Architecture(widths, act)
    S = np.random.default_rng(len(widths)).standard_normal((3 * arch.m, arch.p))
    rep = image_dimension(arch, S, rng=2, n_points=30, use_symmetries=False)   # no stop at that bound
    assert max(rep.ranks) <= arch.m - rescaling_symmetries(arch) == arch.m - sum(widths[1:-1])
    if act == "relu":   # and the bound is reached: it is the dimension (x^r: the polynomials of degree r^(k-1) bind first)
        assert rep.dimension == arch.m - sum(widths[1:-1])


def test_the_default_search_stops_at_the_symmetry_bound_and_finds_the_same_dimension():
    arch = Architecture((2, 3, 1), "relu")
    S = np.random.default_rng(0).standard_normal((20, 2))
    fast = image_dimension(arch, S, rng=4, n_points=30)
    full = image_dimension(arch, S, rng=4, n_points=30, use_symmetries=False)
    assert fast.ceiling == arch.m - 3 == fast.dimension == full.dimension == fast.ranks[-1]
    assert full.ceiling == min(arch.m, 20) and len(full.ranks) == 60
    assert fast.ranks == full.ranks[: len(fast.ranks)] and len(fast.ranks) < len(full.ranks)


def test_the_ceiling_takes_the_smallest_of_nq_the_symmetry_bound_and_upper_bound():
    arch = Architecture((2, 3, 1), "relu")   # m = 13, 3 rescalings
    S = np.random.default_rng(0).standard_normal((20, 2))
    assert image_dimension(arch, S, n_points=1).ceiling == 10
    assert image_dimension(arch, S[:8], n_points=1).ceiling == 8
    assert image_dimension(arch, S, n_points=1, upper_bound=7).ceiling == 7
    assert image_dimension(arch, S, n_points=1, use_symmetries=False).ceiling == 13


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "identity"])
def test_activations_without_unit_rescalings_keep_the_ceiling_min_m_nq(act):
    arch = Architecture((1, 5, 1), act)   # identity: m - 25 < 0, its d^2 symmetries are no bound here
    S = np.random.default_rng(0).standard_normal((40, 1))
    assert rescaling_symmetries(arch) == 0 and image_dimension(arch, S, n_points=1).ceiling == arch.m
    assert continuous_symmetries(arch) == (25 if act == "identity" else 0)


def test_balanced_points_leave_the_main_sequence_unchanged_so_the_rank_never_drops():
    arch = Architecture((1, 3, 3, 1), "relu")
    S = np.random.default_rng(3).standard_normal((32, 1))
    with_b = image_dimension(arch, S, rng=7, n_points=25, use_symmetries=False)
    without = image_dimension(arch, S, rng=7, n_points=25, use_symmetries=False, balanced=False)
    assert with_b.ranks[1::2] == without.ranks          # the same main points, in the same order
    assert with_b.dimension >= without.dimension


def test_a_given_generator_is_advanced_only_by_the_main_points():
    arch = Architecture((2, 3, 1), "relu")
    S = np.random.default_rng(0).standard_normal((20, 2))   # rank <= m - 3 = 10 < min(m, nq) = 13: no early stop
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    a = image_dimension(arch, S, rng=g1, n_points=4, use_symmetries=False)
    b = image_dimension(arch, S, rng=g2, n_points=4, use_symmetries=False, balanced=False)
    assert len(a.ranks) == 8 and len(b.ranks) == 4
    assert g1.random() == g2.random()


def test_balanced_weights_reach_the_bound_of_a_deep_relu_network_more_often_than_centred():
    arch = Architecture((3, 8, 8, 2), "relu")
    S = np.random.default_rng(3).standard_normal((150, 3))
    bound = arch.m - 16
    hits = {}
    for recipe in ("centred", "balanced"):
        g = np.random.default_rng(0)
        hits[recipe] = sum(numerical_rank(jacobian(arch, S, sample_weights(arch, S, g, recipe=recipe))).rank == bound
                           for _ in range(30))
    assert hits["balanced"] > 2 * hits["centred"]


def test_balanced_units_are_active_on_a_quarter_to_three_quarters_of_the_sample():
    arch = Architecture((1, 50, 1), "relu")
    S = np.arange(41.0).reshape(41, 1)   # 40 split positions, the middle half is 10..29
    A, b = arch.unpack(sample_weights(arch, S, 0, recipe="balanced"))[0]
    active = (S @ A.T + b > 0).sum(axis=0)
    assert active.min() >= 11 and active.max() <= 30
    A, b = arch.unpack(sample_weights(arch, S, 0, recipe="centred"))[0]
    active = (S @ A.T + b > 0).sum(axis=0)
    assert active.min() >= 1 and active.max() <= 40 and (active.min() < 11 or active.max() > 30)


def test_the_default_finds_the_full_searchs_dimension_on_the_books_two_layer_cases():
    S1, _ = theorem1_data()
    cases = [(Architecture((2, 2, 2)), S1)]
    g = np.random.default_rng(11)
    for p, d in ((1, 2), (2, 2), (3, 4)):   # samples at the threshold n = d(p+1)+1 of Theorem 3
        cases.append((Architecture((p, d, 1)), g.standard_normal((d * (p + 1) + 1, p))))
    for arch, S in cases:
        default = image_dimension(arch, S, rng=0)
        full = image_dimension(arch, S, rng=0, use_symmetries=False, balanced=False)
        assert default.dimension >= full.dimension
        assert len(default.ranks) <= 2 * len(full.ranks)   # one "balanced" point before each main point


def test_a_looser_rtol_never_raises_the_estimate():
    S = np.random.default_rng(0).standard_normal((8, 2))
    arch = Architecture((2, 3, 1), "sigmoid")
    tight = image_dimension(arch, S, rng=0, n_points=4)
    loose = image_dimension(arch, S, rng=0, n_points=4, rtol=0.5)
    assert loose.best.rtol == 0.5
    assert loose.dimension <= tight.dimension


def test_default_n_points_is_between_8_and_200_and_shrinks_with_the_work_per_point():
    assert default_n_points(12, 12) == 200
    assert default_n_points(10**4, 10**3) == 8
    counts = [default_n_points(nq, 100) for nq in (100, 300, 1000, 3000)]
    assert counts == sorted(counts, reverse=True) and all(8 <= c <= 200 for c in counts)


# ------------------------------------------------------------------------------ sample_weights


def test_gaussian_sample_weights_are_random_theta():
    arch = Architecture((2, 3, 2))
    S, _ = theorem1_data()
    np.testing.assert_array_equal(sample_weights(arch, S, 4, recipe="gaussian"), arch.random_theta(4))
    np.testing.assert_array_equal(sample_weights(arch, S, 4, scale=2.0), arch.random_theta(4, scale=2.0))


def test_centred_sample_weights_keep_the_gaussian_matrices_and_move_only_hidden_biases():
    arch = Architecture((2, 4, 3, 2), "relu")
    S = np.random.default_rng(0).standard_normal((9, 2))
    g = arch.unpack(sample_weights(arch, S, 5, recipe="gaussian"))
    c = arch.unpack(sample_weights(arch, S, 5, recipe="centred"))
    for (Ag, _), (Ac, _) in zip(g, c):
        np.testing.assert_array_equal(Ac, Ag)
    np.testing.assert_array_equal(c[-1][1], g[-1][1])  # the output bias is not a hidden bias
    assert not np.array_equal(c[0][1], g[0][1])


def test_centred_sample_weights_leave_no_hidden_relu_unit_dead_on_the_whole_sample():
    # The docstring: "every hidden hyperplane passes through the sample: no ReLU unit is dead on the
    # whole sample".
    S, _ = theorem1_data()
    arch = Architecture((2, 5, 1), "relu")
    dead = []
    for seed in range(50):
        (A1, b1), _ = arch.unpack(sample_weights(arch, S, seed, recipe="centred"))
        alive = ((S @ A1.T + b1) > 0).any(axis=0)
        dead += [(seed, unit) for unit in np.flatnonzero(~alive)]
    assert dead == [], f"(seed, unit) pairs with a dead hidden unit: {dead}"


# ---------------------------------------------------------------------------------- bad input

ARCH = Architecture((2, 2, 2), "relu")
S_GOOD, _ = theorem1_data()


@pytest.mark.parametrize("n_points, exc", [(0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError)])
def test_image_dimension_refuses_a_bad_n_points(n_points, exc):
    with pytest.raises(exc, match=r"^n_points\b"):
        image_dimension(ARCH, S_GOOD, n_points=n_points)


@pytest.mark.parametrize("rtol", [0, 1, -0.1, 1.5])
def test_image_dimension_refuses_rtol_outside_0_1(rtol):
    with pytest.raises(ValueError, match=r"^rtol\b"):
        image_dimension(ARCH, S_GOOD, rtol=rtol)


@pytest.mark.parametrize("rng", ["zero", 1.5, None, [0]])
def test_image_dimension_refuses_a_bad_rng(rng):
    with pytest.raises(TypeError, match=r"^rng\b"):
        image_dimension(ARCH, S_GOOD, rng=rng)


@pytest.mark.parametrize("scale, exc", [(0.0, ValueError), (-2.0, ValueError), (np.nan, ValueError), ("big", TypeError)])
def test_image_dimension_refuses_a_bad_scale(scale, exc):
    with pytest.raises(exc, match=r"^scale\b"):
        image_dimension(ARCH, S_GOOD, scale=scale)


@pytest.mark.parametrize("recipes", ["centred", (), ("gaussian", "sorted")])
def test_image_dimension_refuses_bad_recipes_naming_recipes(recipes):
    with pytest.raises(ValueError, match=r"^recipes\b"):
        image_dimension(ARCH, S_GOOD, recipes=recipes)


@pytest.mark.parametrize("name", ["use_symmetries", "balanced"])
def test_image_dimension_refuses_a_non_boolean_switch_naming_it(name):
    with pytest.raises(TypeError, match=rf"^{name}\b"):
        image_dimension(ARCH, S_GOOD, **{name: "yes"})


@pytest.mark.parametrize(
    "S, exc",
    [(np.ones((6, 3)), ValueError), (np.ones(6), ValueError), (np.full((6, 2), np.nan), ValueError),
     (np.zeros((0, 2)), ValueError)],
    ids=["wrong-columns", "1-D", "NaN", "empty"],
)
def test_image_dimension_and_sample_weights_refuse_a_bad_sample_naming_S(S, exc):
    with pytest.raises(exc, match=r"^S\b"):
        image_dimension(ARCH, S)
    with pytest.raises(exc, match=r"^S\b"):
        sample_weights(ARCH, S, 0)


def test_image_dimension_and_sample_weights_refuse_a_non_architecture():
    with pytest.raises(TypeError, match=r"^arch\b"):
        image_dimension((2, 2, 2), S_GOOD)
    with pytest.raises(TypeError, match=r"^arch\b"):
        sample_weights("relu", S_GOOD, 0)


def test_sample_weights_refuses_an_unknown_recipe():
    with pytest.raises(ValueError, match=r"^recipe\b"):
        sample_weights(ARCH, S_GOOD, 0, recipe="uniform")


@pytest.mark.parametrize("rng", ["zero", 1.5])
def test_sample_weights_refuses_a_bad_rng(rng):
    with pytest.raises(TypeError, match=r"^rng\b"):
        sample_weights(ARCH, S_GOOD, rng)


def _copies_a_few_ulps_apart():
    """Seven rows on three points in R^4, the copies of the first point moved by 1 to 3 ulps
    (as a BLAS kernel that treats rows differently may leave them): psi_2 of a 4-1-1 network
    lives on three points, so its dimension is at most 3."""
    S = np.random.default_rng(5).standard_normal((7, 4))
    S[3:] = S[0]
    S[3:] = S[3:] + np.arange(1, 5)[:, None] * np.spacing(S[3:]) * np.array([1, -1, 1, -1])
    return S


@pytest.mark.parametrize("recipe", ["centred", "balanced"])
def test_centred_and_balanced_kinks_never_fall_between_copies_of_one_point_a_few_ulps_apart(recipe):
    S = _copies_a_few_ulps_apart()
    arch = Architecture((4, 3, 1), "relu")
    for seed in range(200):
        (A, b), _ = arch.unpack(sample_weights(arch, S, seed, recipe=recipe))
        z = S @ A.T + b
        copies = z[[0, 3, 4, 5, 6]]
        same_side = (copies > 0).all(axis=0) | (copies <= 0).all(axis=0)
        assert same_side.all(), f"seed {seed}: a kink splits the copies of one point"
        # and the kink stays well away from the copies: 10% of a gap wider than rounding
        assert (np.abs(copies) > 1e3 * EPS * (np.abs(S[0]) @ np.abs(A.T))).all()


def test_the_dimension_on_copies_a_few_ulps_apart_is_that_of_the_distinct_points():
    # Splitting copies with a kink once gave rank 4 here, depending on the BLAS kernel.
    rep = image_dimension(Architecture((4, 1, 1)), _copies_a_few_ulps_apart(), rng=2, n_points=400)
    assert rep.dimension == 3 and max(rep.ranks) == 3


def test_gap_exponent_is_a_lower_bound_on_the_gap_that_noise_in_the_dropped_values_cannot_move():
    shape = (40, 12)
    noise_rtol = max(shape) * EPS
    exponents, gaps = set(), set()
    for tail in (1e-17, 3e-18, 2e-20, 0.0):   # what rounding leaves in s_(r+1) varies; e does not
        rep = numerical_rank(_with_singular_values([2.0, 1.0, 0.5, 3e-6] + [tail] * 8, shape, seed=3))
        assert rep.rank == 4 and rep.noise_rtol == noise_rtol
        e = rep.gap_exponent()
        assert rep.gap >= 10.0**e and rep.last_kept >= 10.0**e * noise_rtol * rep.singular_values[0]
        assert rep.last_kept < 10.0 ** (e + 1) * noise_rtol * rep.singular_values[0]
        exponents.add(e), gaps.add(rep.gap)
    assert exponents == {int(np.floor(np.log10(3e-6 / 2.0 / noise_rtol)))} and len(gaps) > 1


def test_gap_exponent_refuses_a_gap_it_cannot_bound():
    with pytest.raises(ValueError, match="no gap to bound"):
        numerical_rank(np.eye(3)).gap_exponent()                     # nothing dropped
    with pytest.raises(ValueError, match="above the rounding level"):
        numerical_rank(np.diag([1.0, 1e-13]), rtol=1e-10).gap_exponent()   # s_2 is signal
    with pytest.raises(ValueError, match="no gap to bound"):
        RankReport(1, np.array([1.0, 0.0]), 1e-15, 1e-15, np.inf, False).gap_exponent()  # no noise level


def test_a_dimension_report_gives_the_gap_exponent_of_its_best_point():
    S, _ = theorem1_data()
    rep = image_dimension(Architecture((2, 2, 2)), S)
    assert rep.gap_exponent() == rep.best.gap_exponent() and rep.gap >= 10.0 ** rep.gap_exponent()


# -- scale: the dimension does not depend on where the sample sits or how large it is ---------------

@pytest.mark.parametrize("factor", [1.0, 1e2, 1e4, 1e-8])
def test_the_2_2_2_tanh_dimension_on_theorem_1s_sample_is_12_at_every_scale(factor):
    # the first layer is affine: c S has the image of weights of S; unit-scale draws on 1e4 S
    # saturated every unit (8 was returned), on 1e-8 S the first-layer columns vanished (6)
    from nnlib.paper import theorem1_data

    S, _ = theorem1_data()
    rep = image_dimension(Architecture((2, 2, 2), "tanh"), factor * S)
    assert rep.dimension == 12 and not rep.ambiguous
    assert rep.standardised == (factor != 1.0)


def test_a_sample_far_from_unit_scale_is_standardised_and_one_at_unit_scale_is_not():
    from nnlib.dimension import sample_standardisation

    S = np.array([[-2.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    assert not sample_standardisation(S)[2]
    for shifted in (S + 1e3, 1e3 * S, 1e-3 * S):
        mu, sigma, far = sample_standardisation(shifted)
        assert far and np.allclose((shifted - mu) / sigma, (S - S.mean(0)) / S.std(0))


def test_a_saturated_or_ill_scaled_jacobian_below_the_ceiling_is_never_a_confident_rank():
    # weights drawn 100 times too large saturate the tanh units: the rank found is below 12
    from nnlib.paper import theorem1_data

    S, _ = theorem1_data()
    rep = image_dimension(Architecture((2, 2, 2), "tanh"), S, scale=100.0, n_points=20)
    assert rep.dimension < 12 and rep.flags and rep.ambiguous
    assert "flags:" in rep.summary()


def test_jacobian_flags_names_saturation_underflow_and_ill_scaling():
    from nnlib.dimension import jacobian_flags

    arch = Architecture((1, 2, 1), "tanh")
    S = np.array([[0.0], [1.0], [2.0]])
    A1, b1 = np.array([[1.0], [-1.0]]), np.array([0.0, 0.0])
    tidy = arch.pack([(A1, b1), (np.array([[1.0, 1.0]]), np.array([0.0]))])
    assert jacobian_flags(arch, S, tidy) == ()
    sat = arch.pack([(A1, np.array([0.0, 30.0])), (np.array([[1.0, 1.0]]), np.array([0.0]))])
    assert "saturated" in jacobian_flags(arch, S, sat)      # unit 2 sees z >= 28: sech^2 < 1e-24
    dead = arch.pack([(A1, np.array([0.0, 400.0])), (np.array([[1.0, 1.0]]), np.array([0.0]))])
    assert "underflow" in jacobian_flags(arch, S, dead)     # sech^2(398) underflows to 0
    relu = Architecture((1, 2, 1), "relu")
    assert jacobian_flags(relu, S, relu.pack([(A1, np.array([0.0, -10.0])), (np.array([[1.0, 1.0]]), np.array([0.0]))])) == ()
