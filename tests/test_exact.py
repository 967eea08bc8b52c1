"""nnlib._exact, the pure-Python exact arithmetic nnlib.certify uses without python-flint.

Its answers are determined by the matrices (rank, determinant, reduced echelon form, primality), so
they must equal FLINT's; without python-flint the certificates must prove the same bounds.
"""

import numpy as np
import pytest

from nnlib import Architecture, _exact, certify, literature

try:
    import flint
except ImportError:  # the tests of nnlib._exact alone still run
    flint = None
needs_flint = pytest.mark.skipif(flint is None, reason="the comparison with FLINT needs python-flint")

P_SMALL, P_LIT, P_BIG = 16777213, 134217689, 2**61 - 1  # certify's, literature's, and one above 2^31


def test_known_ranks_determinants_and_echelon_forms():
    assert _exact.nmod_mat([[1, 2], [2, 4]], 7).rank() == 1
    assert _exact.nmod_mat([[1, 0], [0, 7]], 7).rank() == 1  # 7 = 0 mod 7
    assert _exact.nmod_mat([[1, 2], [3, 4]], 7).det() == 5  # -2 mod 7
    assert _exact.nmod_mat([[0, 1], [1, 0]], P_BIG).det() == P_BIG - 1  # a row swap changes the sign
    R, r = _exact.nmod_mat([[2, 4, 1], [1, 2, 0]], 5).rref()
    assert (R.tolist(), r) == ([[1, 2, 0], [0, 0, 1]], 2)
    assert _exact.nmod_mat([[1, 2, 3]], 5).transpose().tolist() == [[1], [2], [3]]
    assert _exact.fmpz_mat([[1, 2], [2, 4], [3, 6]]).rank() == 1
    assert _exact.fmpz_mat([[1, 0], [0, 7]]).rank() == 2  # over Q, unlike mod 7


def test_primality_agrees_with_a_sieve_and_known_large_primes():
    sieve = np.ones(5000, bool)
    sieve[:2] = False
    for i in range(2, 71):
        sieve[i * i::i] = False
    assert [n for n in range(5000) if _exact.fmpz(n).is_prime()] == list(np.flatnonzero(sieve))
    assert all(_exact.fmpz(p).is_prime() for p in (P_SMALL, P_LIT, P_BIG, 2**31 - 1, 2**63 - 25))
    # strong pseudoprimes to small bases (and a Carmichael number) are composite
    assert not any(_exact.fmpz(n).is_prime() for n in (561, 2047, 3215031751, 3825123056546413051, 2**63 - 1))


def test_refusals_name_what_was_expected():
    with pytest.raises(ImportError, match="pip install python-flint"):
        _exact.arb  # noqa: B018
    with pytest.raises(ValueError, match="square"):
        _exact.nmod_mat([[1, 2]], 7).det()
    with pytest.raises(TypeError, match="integers"):
        _exact.fmpq(0.5)


@needs_flint
@pytest.mark.parametrize("p", [3, 7, P_SMALL, P_LIT, P_BIG])
def test_rank_det_rref_and_integer_rank_equal_flints(p):
    rng = np.random.default_rng(p % 1000)
    for _ in range(150):
        n, m = (int(x) for x in rng.integers(1, 9, 2))
        k = int(rng.integers(1, 4))
        if rng.random() < 0.5:  # low rank over Q
            A = rng.integers(-3, 4, (n, k)) @ rng.integers(-3, 4, (k, m))
        else:
            A = rng.integers(-10**6, 10**6, (n, m))
        rows = A.tolist()
        F, X = flint.nmod_mat([[x % p for x in row] for row in rows], p), _exact.nmod_mat(rows, p)
        assert X.rank() == F.rank()
        (RF, rF), (RX, rX) = F.rref(), X.rref()
        assert (RX.tolist(), rX) == ([[int(x) for x in row] for row in RF.tolist()], rF)
        if n == m:
            assert X.det() == int(F.det())
        assert _exact.fmpz_mat(rows).rank() == flint.fmpz_mat(rows).rank()


@pytest.fixture
def without_flint(monkeypatch):
    monkeypatch.setattr(certify, "_flint", lambda: _exact)
    assert certify.exact_backend() == _exact.BACKEND


def _cases():
    rng = np.random.default_rng(5)
    line = np.outer(np.round(rng.standard_normal(12) * 64) / 64, [1.0, 2.0])  # rank[S, 1] = 2 < 3
    return [(Architecture((2, 3, 2)), rng.standard_normal((12, 2))), (Architecture((2, 3, 2)), line),
            (Architecture((1, 2, 2, 1)), rng.standard_normal((15, 1))),
            (Architecture((2, 2, 1), "poly2"), rng.standard_normal((8, 2)))]


@needs_flint
def test_certificates_without_python_flint_prove_the_same_bounds(without_flint):
    assert certify.exact_backend() != "python-flint"
    for arch, S in _cases():
        got = certify.certified_dimension(arch, S, rng=3)
        assert got.verify()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(certify, "_flint", lambda: flint)
            ref = certify.certified_dimension(arch, S, rng=3)
            assert got.certificate.verify()  # FLINT re-verifies the pure-Python certificate
        assert (got.lower, got.upper, got.exact) == (ref.lower, ref.upper, ref.exact)
        assert (got.certificate.rows, got.certificate.columns) == (ref.certificate.rows, ref.certificate.columns)
        assert np.array_equal(got.certificate.block, ref.certificate.block)


def test_a_tampered_certificate_fails_without_python_flint(without_flint):
    arch, S = _cases()[0]
    c = certify.certified_dimension(arch, S, rng=3).certificate
    block = np.array(c.block, copy=True)
    block[0, 0] = (block[0, 0] + 1) % c.prime
    assert c.verify() and not type(c)(**{**c.__dict__, "block": block}).verify()


def test_the_ball_method_without_python_flint_says_how_to_install_it(without_flint):
    with pytest.raises(ImportError, match=r"pip install 'nnlib\[certify\]' or pip install python-flint"):
        certify.certified_dimension(Architecture((1, 2, 1), "tanh"), np.arange(4.0)[:, None])


def test_literature_ranks_without_python_flint_equal_flints(without_flint):
    got = literature.certify_polynomial_dimension((1, 3, 3, 2), 3, bias=True)
    assert (got.lower, got.upper, got.dimension) == (17, 17, 17)  # chapter 7's case worked by hand
    assert certify.rank_mod_p([[1, 2], [2, 4]]) == 1 and certify.rank_mod_p([[1, 0], [0, 7]], prime=7) == 1
