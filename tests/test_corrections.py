"""The exact corrected statements of §5-§6 (nnlib.corrections) and the errata's checks.

Dimensions here are certified: a lower bound by an exact Jacobian rank at integer weights
(``exact_two_layer_rank``), an upper bound by the proven count ``two_layer_dimension_bound``.
Each test that checks a correction also checks that the paper's printed claim (or the book's
own earlier, wider claim) fails, so that it cannot come back unnoticed.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from nnlib import Architecture, corrections, joins, weights_map
from nnlib.cones import distinct_rows, psi_1, rank_S1
from nnlib.literature import rank_mod_p

DRAWS = 60


def _sample(kind: str, n: int, p: int, rng) -> np.ndarray:
    """Integer samples of every degenerate kind the corrected counts must survive."""
    if kind == "general":
        return rng.integers(-30, 31, (n, p))
    if kind == "collinear":  # rank[S, 1] = 2
        return np.outer(rng.integers(-10, 11, n), rng.integers(1, 4, p)) + rng.integers(-3, 4, p)
    if kind == "repeated":  # half the rows are one point
        S = rng.integers(-30, 31, (n, p))
        S[n // 2:] = S[0]
        return S
    if kind == "pairs":  # every point twice
        S = rng.integers(-30, 31, (n, p))
        S[1::2] = S[0::2][: n // 2]
        return S
    if kind == "all equal":  # rank[S, 1] = 1
        return np.tile(rng.integers(-5, 6, p), (n, 1))
    raise ValueError(kind)


def _lower(S, d, q):
    return corrections.exact_two_layer_rank(S, d, q, draws=DRAWS, rng=7)


# ------------------------------------------------------------------ the corrected Corollary 4 count
CASES = [(kind, n, p, d, q) for kind in ("general", "collinear", "repeated", "pairs", "all equal")
         for (n, p, d, q) in [(12, 2, 2, 2), (12, 1, 3, 2), (9, 2, 1, 3), (5, 2, 2, 2), (3, 1, 1, 1), (10, 3, 2, 1)]
         if not (kind == "collinear" and p == 1)]


@pytest.mark.parametrize("kind, n, p, d, q", CASES)
def test_the_corrected_count_with_distinct_rows_is_an_upper_bound_on_every_kind_of_sample(kind, n, p, d, q):
    S = _sample(kind, n, p, np.random.default_rng(n * 31 + p * 7 + d))
    assert _lower(S, d, q) <= corrections.two_layer_dimension_bound(S, d, q)


@pytest.mark.parametrize("kind, n, p, d, q", [
    ("general", 12, 2, 2, 2), ("general", 13, 3, 3, 1), ("collinear", 12, 3, 3, 2),
    ("repeated", 16, 1, 3, 2), ("pairs", 14, 2, 2, 3), ("general", 5, 2, 2, 2),
])
def test_the_corrected_count_is_attained_when_there_are_enough_independent_faces_or_it_is_capped(kind, n, p, d, q):
    S = _sample(kind, n, p, np.random.default_rng(n + p + d + q))
    assert distinct_rows(S) > rank_S1(S)  # affinely dependent points
    assert _lower(S, d, q) == corrections.two_layer_dimension_bound(S, d, q)  # certified


@pytest.mark.parametrize("n, d, q", [(4, 1, 2), (6, 3, 3), (9, 2, 2)])
def test_when_all_rows_are_equal_the_dimension_is_q_not_the_count_with_n_rows(n, d, q):
    S = _sample("all equal", n, 2, np.random.default_rng(n))
    assert rank_S1(S) == 1 and distinct_rows(S) == 1
    assert _lower(S, d, q) == corrections.two_layer_dimension_bound(S, d, q) == q
    assert corrections.corollary4_printed_cap(S, d, q) > q  # the book's first cap n q: wrong


def test_with_repeated_rows_the_cap_is_the_number_of_distinct_rows_times_q_not_n_q():
    S = np.array([[0], [1], [2], [3], [0], [0], [0], [0]])  # 4 distinct points, 8 rows
    d, q = 3, 2
    N = distinct_rows(S)
    assert N == 4 and rank_S1(S) == 2
    assert _lower(S, d, q) == N * q == corrections.two_layer_dimension_bound(S, d, q)
    assert corrections.corollary4_printed_cap(S, d, q) == 11 > N * q


@pytest.mark.parametrize("N, p, d, q", [(3, 2, 1, 2), (3, 2, 1, 3), (4, 3, 2, 3), (4, 3, 1, 2), (3, 3, 2, 2)])
def test_affinely_independent_points_give_the_rank_d_count_below_the_corrected_count(N, p, d, q):
    rng = np.random.default_rng(N * p)
    simplex = np.vstack([np.zeros(p, int), 3 * np.eye(p, dtype=int)])[:N]
    S = np.vstack([simplex, simplex[rng.integers(0, N, 3)]])  # with repeated copies
    assert rank_S1(S) == distinct_rows(S) == N
    exact = corrections.affinely_independent_dimension(N, d, q)
    assert _lower(S, d, q) == exact
    if d < min(N - 1, q) or (d == 1 and N > 2 and q > 1):
        assert exact < corrections.two_layer_dimension_bound(S, d, q)


@pytest.mark.parametrize("N, d, q, expected", [(3, 1, 2, 5), (4, 2, 3, 11), (5, 1, 1, 5), (4, 3, 2, 8)])
def test_affinely_independent_dimension_values(N, d, q, expected):
    assert corrections.affinely_independent_dimension(N, d, q) == expected


@pytest.mark.parametrize("n, d, q, expected", [(10, 2, 1, 6), (10, 3, 1, 8), (13, 3, 2, 13)])
def test_a_line_of_points_plus_one_point_off_it_stays_below_the_corrected_count(n, d, q, expected):
    # Theorem 1's kind of sample: every face of dimension 3 contains the off-line point's coordinate.
    S = np.zeros((n, 2), int)
    S[:, 0] = np.arange(n) - 2
    S[-1] = [1, 1]
    assert rank_S1(S) == 3 and distinct_rows(S) == n
    found = corrections.exact_two_layer_rank(S, d, q, draws=300, rng=7)
    assert found == expected < corrections.two_layer_dimension_bound(S, d, q)


@pytest.mark.parametrize("kind, n, p, d, q", CASES[::3])
def test_the_printed_corollary4_count_exceeds_the_proven_bound_on_every_sample(kind, n, p, d, q):
    S = _sample(kind, n, p, np.random.default_rng(1))
    printed, general = joins.corollary4_formulas(S, d, q)
    assert printed > corrections.two_layer_dimension_bound(S, d, q)
    assert general > corrections.two_layer_dimension_bound(S, d, q)


# ------------------------------------------------------------------ Corollary 2, Theorem 3
def test_corollary2_first_bound_is_not_always_attained_even_capped_by_the_distinct_rows():
    S = np.zeros((10, 2), int)
    S[:, 0] = np.arange(10) - 2
    S[-1] = [1, 1]
    b1, _ = joins.corollary2_bounds(S, 2)
    assert corrections.exact_two_layer_rank(S, 2, 1, draws=300, rng=7) == 6 < min(b1, 10) == 7


@pytest.mark.parametrize("p, d", [(1, 2), (2, 2), (2, 3), (3, 2)])
def test_theorem3_is_certified_at_the_threshold_on_integer_samples_with_increasing_columns(p, d):
    n = d * (p + 1) + 1
    S = np.cumsum(np.random.default_rng(p * d).integers(1, 6, (n, p)), axis=0)  # in U of (26)
    assert _lower(S, d, 1) == joins.theorem3_dimension(p, d) == corrections.two_layer_dimension_bound(S, d, 1)


def test_theorem3_needs_general_samples_of_U_not_every_sample_of_U():
    v = np.arange(1, 8)
    S = np.column_stack([v, 2 * v])  # both columns increasing, but the points are collinear
    assert rank_S1(S) == 2
    assert _lower(S, 2, 1) == 5 < joins.theorem3_dimension(2, 2) == 7


@pytest.mark.parametrize("p, d", [(1, 2), (2, 2), (3, 2)])
def test_theorem3_proof_left_side_the_secant_locus_alone_has_dimension_d_p_plus_1_not_plus_1(p, d):
    # The proof's display "dim Sigma_d(C_max(S)) = ... = d rank[S, 1] + 1" is the dimension of
    # psi_2 = Join(Sigma_d, span 1); Sigma_d itself (no output bias) has dimension d (p + 1).
    n = d * (p + 1) + 1
    S = np.cumsum(np.random.default_rng(p + d).integers(1, 6, (n, p)), axis=0)
    rng, best = np.random.default_rng(0), 0
    for _ in range(DRAWS):
        A1 = 2 * rng.integers(-9, 10, (d, p))
        b1 = np.array([-(2 * int(rng.integers(*sorted((int(z.min()) // 2, int(z.max()) // 2)))) + 1)
                       if np.ptp(z := S @ A1[j]) else 1 for j in range(d)])
        J = corrections.two_layer_integer_jacobian(S, A1, b1, rng.integers(-9, 10, (1, d)))
        best = max(best, rank_mod_p(J[:, :-1]))  # drop the output bias: the secant locus alone
    assert best == d * (p + 1)  # and d (p + 1) is the parameter count d r minus nothing: certified
    assert best + 1 == joins.theorem3_dimension(p, d)


# ------------------------------------------------------------------ Theorem 4, (12), (3)
def test_theorem4_constraint_on_only_d_of_the_q_columns_would_admit_non_outputs():
    # With q > d, the printed "x_i in span{1, y_1..y_d}, i = 1..d" leaves the last columns free.
    rng = np.random.default_rng(0)
    S = rng.standard_normal((8, 1))
    arch = Architecture((1, 1, 3))
    X = weights_map(arch, S, arch.random_theta(rng))
    X[:, 2] = rng.standard_normal(8)  # a column outside span{1, y_1}
    Y = np.column_stack([np.ones(8), X[:, 0]])  # span{1, y_1} from the first column
    resid = X[:, 2] - Y @ np.linalg.lstsq(Y, X[:, 2], rcond=None)[0]
    assert np.linalg.norm(resid) > 1e-3  # so X is no output, though its first d = 1 column is


def test_psi_1_of_12_is_an_n_by_q_matrix_whose_rows_are_the_transposed_outputs():
    S = np.array([[0.0, 1.0], [2.0, -1.0], [1.0, 1.0]])
    A, b = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 2.0]]), np.array([0.0, 1.0, -1.0, 0.5])
    out = psi_1(S, A, b)
    assert out.shape == (3, 4)  # n x q, not a stacked column of length n q
    np.testing.assert_array_equal(out[1], np.maximum(A @ S[1] + b, 0))


@pytest.mark.parametrize("p, d, q", [(2, 2, 2), (3, 4, 1), (1, 5, 3)])
def test_dim_theta_is_the_count_m_of_3_which_the_text_cites_as_13(p, d, q):
    arch = Architecture((p, d, q))
    assert arch.m == (p + 1) * d + (d + 1) * q == sum((a + 1) * b for a, b in zip(arch.widths, arch.widths[1:]))
    A2 = arch.unpack(arch.random_theta(np.random.default_rng(0)))[1][0]
    assert A2.shape == (q, d)  # alpha_2(x) = A x + b needs A in R^{q x d} (Theorem 4's proof prints d x q)


# ------------------------------------------------------------------ Theorem 1's closure, exactly
@pytest.mark.parametrize("k", [1, 2, 7, 50])
def test_theorem1_psi2_of_theta_k_minus_T_is_exactly_1_over_k_and_2_over_k(k):
    S = [(i - 3, 0) for i in range(1, 6)] + [(1, 1)]
    T = [(2, 0), (1, 0), (0, 0), (-2, 0), (-4, 0), (0, 1)]
    A1 = [[Fraction(-1), Fraction(2 * k + 1)], [Fraction(1), Fraction(k - 1)]]
    A2 = [[Fraction(1), Fraction(-2)], [Fraction(0), Fraction(1, k)]]
    for i, (s, t) in enumerate(zip(S, T)):
        h = [max(A1[r][0] * s[0] + A1[r][1] * s[1], Fraction(0)) for r in range(2)]
        out = [A2[r][0] * h[0] + A2[r][1] * h[1] for r in range(2)]
        expected = [Fraction(t[0]), Fraction(t[1]) + (Fraction(i - 2, k) if i in (3, 4) else 0)]
        assert out == expected


# ------------------------------------------------------------------ §6: U(eps) is closed
def test_U_eps_as_printed_contains_its_boundary_so_it_is_closed_not_open():
    t, eps = np.array([0.0, 2.0, 1.0]), 0.25

    def in_U(x):  # the paper's definition: |t_i - t'_i| <= eps
        return bool(np.all(np.abs(t - x) <= eps))

    corner = t + eps
    assert in_U(corner)
    assert all(not in_U(corner + 10.0 ** -j) for j in range(1, 12))  # points outside converge to it


# ------------------------------------------------------------------ one neuron per layer
def test_a_vector_fitting_the_paper_description_is_in_no_one_neuron_image():
    s, x = np.arange(4.0), np.array([0.0, 2.0, 3.0, 4.0])
    assert corrections.one_neuron_paper_form(x, s, 3) and corrections.one_neuron_paper_form(x, s, 2)
    for k in (1, 2, 3, 4, 5):
        assert not joins.one_neuron_member(x, s, k)
        assert not corrections.one_neuron_clamp_form(x, s, k)


def test_one_neuron_membership_and_the_clamp_enumeration_agree_and_the_paper_form_is_wider():
    rng = np.random.default_rng(0)
    wider = 0
    for trial in range(600):
        n = int(rng.integers(1, 8))
        s = np.sort(rng.integers(-3, 4, n).astype(float))
        if trial % 3 == 0:
            x = rng.integers(-2, 3, n).astype(float)
        elif trial % 3 == 1:
            arch = Architecture((1,) * (int(rng.integers(1, 5)) + 1))
            x = weights_map(arch, s[:, None], arch.random_theta(rng, scale=1.5)).ravel()
        else:
            x = np.sort(rng.integers(-3, 4, n)).astype(float) * rng.choice([-1, 1])
        for v in np.unique(s):
            x[s == v] = x[s == v][0]
        for k in (1, 2, 3):
            member = joins.one_neuron_member(x, s, k)
            assert member == corrections.one_neuron_clamp_form(x, s, k), (s, x, k)
            assert not member or corrections.one_neuron_paper_form(x, s, k)  # "only if" holds
            wider += corrections.one_neuron_paper_form(x, s, k) and not member
    assert wider > 0  # "if" fails


@pytest.mark.parametrize("k", [2, 3, 4])
def test_every_output_of_a_one_neuron_network_is_a_clamp(k):
    rng = np.random.default_rng(k)
    arch = Architecture((1,) * (k + 1))
    s = np.sort(rng.standard_normal(9))
    for _ in range(200):
        x = weights_map(arch, s[:, None], arch.random_theta(rng, scale=2.0)).ravel()
        assert corrections.one_neuron_clamp_form(x, s, min(k, 3), tol=1e-7)


def test_the_one_neuron_image_is_closed_a_limit_of_steepening_clamps_is_a_clamp():
    s = np.arange(6.0)
    limit = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])  # the step: slopes of g_j = j (s - 2.5) diverge
    for j in (1, 4, 16, 256):
        xj = np.clip(j * (s - 2.5), 0.0, 1.0)
        assert corrections.one_neuron_clamp_form(xj, s, 3)
    assert corrections.one_neuron_clamp_form(limit, s, 3) and joins.one_neuron_member(limit, s, 3)


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: corrections.exact_two_layer_rank(np.zeros((3, 1)), 1, 1), TypeError, "^S: "),
    (lambda: corrections.two_layer_dimension_bound(np.zeros((3, 1)), 0, 1), ValueError, "d"),
    (lambda: corrections.two_layer_integer_jacobian(np.zeros((3, 1), int), np.zeros((1, 1), int),
                                                    np.zeros(1, int), np.ones((1, 1), int)), ValueError, "^b1: "),
    (lambda: corrections.one_neuron_clamp_form([0, 1], [0, 1, 2], 3), ValueError, "x"),
])
def test_bad_arguments_are_refused_naming_them(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()
