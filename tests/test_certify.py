"""nnlib.certify: proven bounds on dim psi_k(Theta), certificates that re-verify, and that tampering breaks."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("flint", reason="nnlib.certify needs python-flint (pip install nnlib[certify])")

from nnlib import Activation, Architecture, certified_dimension  # noqa: E402
from nnlib.certify import DEFAULT_PRIME, upper_bounds  # noqa: E402
from nnlib.joins import increasing_sample, rescaled_dimension, theorem3_dimension  # noqa: E402
from nnlib.paper import theorem1_data  # noqa: E402


@pytest.fixture(scope="module")
def theorem1_report():
    S, _ = theorem1_data()
    return certified_dimension(Architecture((2, 2, 2)), S)


@pytest.fixture(scope="module")
def tanh_report():
    S = np.random.default_rng(3).standard_normal((40, 2))
    return certified_dimension(Architecture((2, 6, 1), "tanh"), S)


# ------------------------------------------------------------------------------ proofs


def test_theorem1_network_on_its_sample_has_dimension_m_minus_2_proved(theorem1_report):
    rep = theorem1_report
    assert (rep.lower, rep.upper, rep.exact) == (10, 10, True)
    assert rep.upper_method == "m - rescalings"
    assert rep.certificate.method == "modular" and rep.certificate.prime == DEFAULT_PRIME
    assert rep.verify()


@pytest.mark.parametrize("p, d", [(1, 2), (2, 2), (2, 3), (3, 2)])
def test_corollary3_dimension_d_p_plus_1_plus_1_proved_on_a_general_sample(p, d):
    S = np.random.default_rng(100 + 10 * p + d).standard_normal((3 * d * (p + 1), p))
    rep = certified_dimension(Architecture((p, d, 1)), S, rng=0)
    assert rep.exact and rep.lower == theorem3_dimension(p, d)
    assert rep.verify()


@pytest.mark.parametrize("p, d, extra", [(1, 2, 0), (1, 3, 0), (2, 2, 0), (2, 2, 5), (3, 2, 5)])
def test_theorem3_dimension_d_p_plus_1_plus_1_proved_on_increasing_samples_from_the_threshold(p, d, extra):
    n = theorem3_dimension(p, d) + extra
    S = increasing_sample(n, p, rng=p + d + extra)
    rep = certified_dimension(Architecture((p, d, 1)), S, rng=1, n_points=2000)
    assert rep.exact and rep.lower == theorem3_dimension(p, d)
    assert rep.verify()


@pytest.mark.parametrize("p, d, q", [(2, 2, 2), (1, 3, 2), (2, 3, 3)])
def test_corrected_corollary4_m_minus_d_proved_on_a_general_sample(p, d, q):
    arch = Architecture((p, d, q))
    S = np.random.default_rng(7 * p + 3 * d + q).standard_normal((4 * arch.m, p))
    rep = certified_dimension(arch, S, rng=0)
    assert rep.exact and rep.lower == (p + q) * d + q == arch.m - d
    # the printed value (p + q + 1) d + q = m is above a proven upper bound
    assert rep.upper < (p + q + 1) * d + q
    assert rep.verify()


@pytest.mark.parametrize("p, d, q", [(2, 2, 2), (3, 3, 2), (3, 2, 3)])
def test_corrected_corollary4_rank_formula_proved_on_points_on_a_line(p, d, q):
    # Exactly on a line: dyadic t times integer v plus integer c (every product and sum exact in
    # float64; a float line t v + c with general floats is off the line by rounding, rank[S, 1] = 3).
    rng = np.random.default_rng(10 + p + d + q)
    t = np.rint(rng.standard_normal(40) * 2**10) / 2**10
    S = np.outer(t, rng.integers(1, 4, p)) + rng.integers(-3, 4, p)
    rep = certified_dimension(Architecture((p, d, q)), S, rng=0)
    assert rep.upper_bounds["m - (p + 1 - rank[S, 1]) d_2"] == (2 + q) * d + q     # rank[S, 1] = 2
    assert rep.exact and rep.lower == rescaled_dimension(2, d, q, 40)
    assert rep.upper_method == "m - (p + 1 - rank[S, 1]) d_2 - rescalings"
    assert rep.verify()


def test_tanh_network_reaches_m_proved_in_ball_arithmetic(tanh_report):
    rep = tanh_report
    assert rep.exact and rep.lower == Architecture((2, 6, 1)).m
    assert rep.certificate.method == "ball" and rep.certificate.precision >= 64
    assert rep.verify()


def test_ball_arithmetic_proves_the_rank_that_float64_cannot_see():
    # 2-40-1 tanh on 250 points: the float64 (pivoted-QR) rank falls short of m = 161, rounding hides
    # the smallest singular values; the minor of size m is proven non-zero in ball arithmetic.
    S = np.random.default_rng(0).standard_normal((250, 2))
    rep = certified_dimension(Architecture((2, 40, 1), "tanh"), S, rng=1)
    assert rep.exact and rep.lower == 161
    assert rep.float_ranks[0] < 161
    assert rep.verify()


def test_sigmoid_and_deep_networks_are_certified():
    S = np.random.default_rng(1).standard_normal((30, 2))
    for act in ("sigmoid", "relu", "poly3"):
        rep = certified_dimension(Architecture((2, 3, 3, 1), act), S, rng=2)
        assert rep.verify()
        assert rep.lower <= rep.upper
    assert certified_dimension(Architecture((2, 3, 3, 1), "sigmoid"), S, rng=2).exact


def test_a_quadratic_network_on_a_plane_is_proved_to_span_the_six_quadratics():
    S = np.random.default_rng(4).standard_normal((30, 2))
    rep = certified_dimension(Architecture((2, 5, 1), "poly2"), S)
    assert rep.exact and rep.lower == 6 and rep.upper_method.startswith("q binom")


def test_upper_bounds_are_nq_m_and_m_minus_rescalings():
    S = np.random.default_rng(0).standard_normal((4, 2))
    b = upper_bounds(Architecture((2, 3, 2)), S)
    assert b["nq"] == 8 and b["m"] == 17 and b["m - rescalings"] == 14
    assert upper_bounds(Architecture((2, 3, 2), "tanh"), S).get("m - rescalings") is None


def test_a_sample_with_few_points_is_capped_by_nq():
    S = np.random.default_rng(2).standard_normal((5, 2))
    rep = certified_dimension(Architecture((2, 4, 1)), S, rng=0, n_points=200)
    assert rep.upper == 5 and rep.exact and rep.verify()


# ------------------------------------------------------------------------------ tampering


def _tampered(rep, **changes):
    return dataclasses.replace(rep.certificate, **changes)


def test_an_untouched_certificate_verifies_and_a_changed_block_entry_does_not(theorem1_report):
    c = theorem1_report.certificate
    assert c.verify()
    block = c.block.copy()
    block[0, 0] = (block[0, 0] + 1) % c.prime
    assert not _tampered(theorem1_report, block=block).verify()


def test_a_changed_row_or_column_fails_verify(theorem1_report):
    c = theorem1_report.certificate
    unused_row = next(i for i in range(12) if i not in c.rows)
    assert not _tampered(theorem1_report, rows=(unused_row,) + c.rows[1:]).verify()
    unused_col = next(j for j in range(12) if j not in c.columns)
    assert not _tampered(theorem1_report, columns=(unused_col,) + c.columns[1:]).verify()
    assert not _tampered(theorem1_report, rows=c.rows[:-1]).verify()


def test_a_changed_prime_fails_verify(theorem1_report):
    assert not _tampered(theorem1_report, prime=16777199).verify()   # another prime: other residues
    assert not _tampered(theorem1_report, prime=16777215).verify()   # not a prime
    assert not _tampered(theorem1_report, prime=2).verify()


def test_a_changed_point_or_sample_fails_verify(theorem1_report):
    c = theorem1_report.certificate
    nums = list(c.theta_numerators)
    nums[0] += 1
    assert not _tampered(theorem1_report, theta_numerators=tuple(nums)).verify()
    assert not _tampered(theorem1_report, theta_exponent=c.theta_exponent + 1).verify()
    S = c.sample.copy()
    S[0, 0] += 0.5
    assert not _tampered(theorem1_report, sample=S).verify()


def test_a_report_claiming_more_than_its_certificate_fails_verify(theorem1_report):
    assert not dataclasses.replace(theorem1_report, lower=11).verify()
    assert not dataclasses.replace(theorem1_report, upper=12).verify()


def test_a_tampered_ball_certificate_fails_verify(tanh_report):
    c = tanh_report.certificate
    block = c.block.copy()
    block[1, 2] *= 1.0 + 1e-6
    assert not _tampered(tanh_report, block=block).verify()
    assert c.theta_exponent == 20   # the point: integers over 2^20
    nums = list(c.theta_numerators)
    nums[3] += 1   # 2^-20 in one weight moves block entries by far more than 1e-12 relative
    assert not _tampered(tanh_report, theta_numerators=tuple(nums)).verify()
    assert not _tampered(tanh_report, rows=c.rows[:-1] + (max(set(range(40)) - set(c.rows)),)).verify()


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_sample_is_refused_naming_S(bad):
    S = np.random.default_rng(0).standard_normal((6, 2))
    S[2, 1] = bad
    with pytest.raises(ValueError, match=r"^S must contain only finite"):
        certified_dimension(Architecture((2, 2, 1)), S)


def test_an_activation_without_a_certificate_method_is_refused_naming_arch():
    softplus = Activation("softplus", lambda x: np.log1p(np.exp(x)), lambda x: 1 / (1 + np.exp(-x)))
    S = np.random.default_rng(0).standard_normal((6, 2))
    with pytest.raises(ValueError, match=r"^arch: the activation 'softplus' has no certificate method"):
        certified_dimension(Architecture((2, 2, 1), softplus), S)


def test_a_point_on_a_relu_kink_is_refused_naming_theta():
    S = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25], [-2.0, 1.0]])
    arch = Architecture((2, 2, 1))
    A1 = np.array([[1.0, -1.0], [0.5, 2.0]])
    b1 = -A1 @ S[1] * np.array([1.0, 0.0]) + np.array([0.0, 0.125])   # unit 1 is exactly 0 at s_2
    theta = arch.pack([(A1, b1), (np.array([[1.0, -2.0]]), np.array([0.5]))])
    with pytest.raises(ValueError, match=r"^theta puts a hidden pre-activation of layer 1 exactly at 0"):
        certified_dimension(arch, S, theta=theta)
    theta[4] += 2.0**-10   # off the kink: accepted, and certified at that point
    assert certified_dimension(arch, S, theta=theta).verify()


@pytest.mark.parametrize("prime", [2, 15, 2**31 - 1])
def test_a_bad_prime_is_refused_naming_prime(prime):
    with pytest.raises(ValueError, match=r"^prime must be an odd prime below 2\^24"):
        certified_dimension(Architecture((1, 1, 1)), np.ones((3, 1)), prime=prime)


def test_nnlib_imports_without_python_flint_and_the_ball_method_says_how_to_install_it():
    # the modular method runs without python-flint (nnlib._exact, tests/test_exact.py); Arb has no stand-in
    code = ("import sys; sys.modules['flint'] = None\n"
            "import nnlib, numpy as np\n"
            "try:\n"
            "    nnlib.certified_dimension(nnlib.Architecture((1, 1, 1), 'tanh'), np.arange(3.0)[:, None])\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'nnlib[certify]'" in out and "pip install python-flint" in out


# ------------------------------------------------------------------------------ jacobian_rank_mod_p


def test_the_rank_mod_p_of_the_whole_jacobian_matches_a_clear_float64_rank():
    from nnlib import jacobian, numerical_rank
    from nnlib.certify import jacobian_rank_mod_p

    S = np.random.default_rng(6).standard_normal((30, 2))
    arch = Architecture((2, 3, 3, 1))
    for seed in range(5):
        theta = np.ldexp(np.rint(np.ldexp(arch.random_theta(seed), 20)), -20)
        rep = numerical_rank(jacobian(arch, S, theta))
        assert not rep.ambiguous
        assert jacobian_rank_mod_p(arch, S, theta) == rep.rank


def test_jacobian_rank_mod_p_refuses_a_smooth_activation_naming_arch_and_a_kink_naming_theta():
    from nnlib.certify import jacobian_rank_mod_p

    with pytest.raises(ValueError, match=r"^arch: jacobian_rank_mod_p needs an exact"):
        jacobian_rank_mod_p(Architecture((1, 2, 1), "tanh"), np.ones((3, 1)), np.zeros(7))
    arch = Architecture((1, 1, 1))
    with pytest.raises(ValueError, match=r"^theta puts a hidden pre-activation"):
        jacobian_rank_mod_p(arch, np.array([[1.0], [2.0]]), np.array([1.0, -1.0, 1.0, 0.0]))   # s = 1 on the kink


# ------------------------------------------------------------------ the one exact kernel of nnlib
@pytest.mark.parametrize("widths, act", [((2, 3, 2), "relu"), ((2, 2, 3, 1), "relu"), ((2, 3, 3, 1), "poly2"),
                                         ((1, 2, 2), "identity")])
def test_the_exact_jacobian_is_the_float_jacobian_at_a_coarse_dyadic_point_and_reduces_to_jacobian_mod_p(widths, act):
    from nnlib import jacobian
    from nnlib.certify import exact_jacobian, jacobian_mod_p

    rng = np.random.default_rng(5)
    arch = Architecture(widths, act)
    S = np.round(rng.standard_normal((6, widths[0])) * 8) / 8  # few bits: float64 is exact here
    theta = np.round(arch.random_theta(rng) * 16) / 16
    E = exact_jacobian(arch, S, theta)
    assert np.array_equal(np.array([[float(x) for x in row] for row in E]), jacobian(arch, S, theta))
    residues = np.array([[int(x.p) * pow(int(x.q), -1, DEFAULT_PRIME) % DEFAULT_PRIME for x in row] for row in E])
    assert np.array_equal(jacobian_mod_p(arch, S, theta), residues)


def test_rank_mod_p_is_the_rational_rank_or_lower():
    from nnlib.certify import rank_mod_p

    assert rank_mod_p([[1, 2], [2, 4]]) == 1
    assert rank_mod_p([[1, 0], [0, 7]]) == 2 and rank_mod_p([[1, 0], [0, 7]], prime=7) == 1
    assert rank_mod_p(np.array([[-1, 2**70], [3, 1]], dtype=object)) == 2
    with pytest.raises(TypeError, match="^M: "):
        rank_mod_p([[0.5, 1.0]])


def test_literature_and_corrections_compute_their_exact_ranks_with_certify():
    from nnlib import corrections, literature
    from nnlib.certify import jacobian_mod_p

    rng = np.random.default_rng(2)
    X, layers = rng.integers(0, 50, (7, 2)), [(rng.integers(-9, 10, (3, 2)), None), (rng.integers(-9, 10, (1, 3)), None)]
    J = literature.exact_jacobian_mod_p((2, 3, 1), 2, X, layers)       # bias-free: the weight columns only
    theta = np.concatenate([layers[0][0].ravel(), np.zeros(3), layers[1][0].ravel(), np.zeros(1)])
    full = jacobian_mod_p(Architecture((2, 3, 1), "poly2"), X.astype(float), theta, prime=literature.PRIME)
    assert np.array_equal(J, full[:, [0, 1, 2, 3, 4, 5, 9, 10, 11]])
    S, A1, b1, A2 = np.array([[0], [1], [2], [3]]), np.array([[2]]), np.array([-3]), np.array([[5], [-1]])
    Jc = corrections.two_layer_integer_jacobian(S, A1, b1, A2)   # rows output by output, b_1 after its row
    assert Jc.dtype == np.int64 and Jc[:, 0].tolist() == [0, 0, 10, 15, 0, 0, -2, -3]


def test_a_certified_grid_proves_theorem3_corollary3_and_the_corrected_corollary4():
    from nnlib.certify import certified_grid

    U = certified_grid([(5, 1, 2, 1), (10, 2, 3, 1)], sample="increasing", rng=1)
    assert [(r.lower, r.exact, r.verified) for r in U] == [(5, True, True), (10, True, True)]   # d(p+1)+1
    G = certified_grid([(60, 2, 4, 3)], rng=2)
    assert G[0].cell() == f"= {rescaled_dimension(3, 4, 3, 60)}" == "= 23"                    # m - d, not m
    L = certified_grid([(40, 3, 2, 2)], sample="line", rng=3)
    assert L[0].exact and L[0].lower == rescaled_dimension(2, 2, 2, 40) == 8                   # rank[S, 1] = 2
    with pytest.raises(ValueError, match="^sample must be"):
        certified_grid([(5, 1, 1, 1)], sample="random")


def test_repeated_rows_cap_the_dimension_at_N_q_and_it_is_proved():
    S = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0], [0.0, 1.0], [0.0, 1.0]])   # 3 distinct points
    rep = certified_dimension(Architecture((2, 3, 2)), S)
    assert rep.upper_bounds["Nq, N distinct rows"] == 6 < rep.upper_bounds["nq"] == 10
    assert rep.exact and rep.lower == 6 and rep.verify()
