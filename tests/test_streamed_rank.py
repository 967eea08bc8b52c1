"""nnlib.dimension.streamed_rank and image_dimension(block_size=...): the rank of the Jacobian
without forming it, checked against the SVD of the whole Jacobian on the book's architectures."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.dimension import AMBIGUITY_BAND, image_dimension, numerical_rank, sample_weights, streamed_rank
from nnlib.network import Architecture, jacobian
from nnlib.paper import theorem1_data


def _book_cases():
    """Architectures and samples of the chapters: Theorem 1, one-neuron deep nets, two-layer ReLU/tanh grids, q > 1."""
    S16, _ = theorem1_data()
    rng = np.random.default_rng(7)
    s = np.sort(rng.standard_normal(8))[:, None]
    cases = [("theorem1", (2, 2, 2), "relu", S16)]
    cases += [(f"one-neuron-k{k}", (1,) * (k + 1), "relu", s) for k in (2, 3, 4, 5)]
    for n, p, d, q in [(12, 2, 3, 1), (12, 2, 3, 2), (60, 3, 4, 2), (40, 1, 4, 1), (30, 5, 8, 4)]:
        S = rng.standard_normal((n, p))
        cases.append((f"relu-{n}x{p}-d{d}-q{q}", (p, d, q), "relu", S))
        cases.append((f"tanh-{n}x{p}-d{d}-q{q}", (p, d, q), "tanh", S))
    cases.append(("deep-relu", (3, 6, 5, 4, 2), "relu", rng.standard_normal((25, 3))))
    cases.append(("deep-identity", (2, 4, 4, 1), "identity", rng.standard_normal((20, 2))))
    return cases


CASES = _book_cases()


@pytest.mark.parametrize("name, widths, act, S", CASES, ids=[c[0] for c in CASES])
def test_streamed_qr_rank_equals_the_svd_rank_of_the_whole_jacobian(name, widths, act, S):
    arch = Architecture(widths, act)
    for seed in range(6):
        theta = sample_weights(arch, S, seed, recipe="centred" if seed % 2 else "gaussian")
        svd = numerical_rank(jacobian(arch, S, theta))
        for block in (1, 3, S.shape[0]):
            rep = streamed_rank(arch, S, theta, block_size=block)
            assert rep.rank == svd.rank, (name, seed, block)
            assert rep.ambiguous == svd.ambiguous, (name, seed, block)
            assert rep.method == "streamed-qr"
            assert rep.singular_values.shape == svd.singular_values.shape


@pytest.mark.parametrize("name, widths, act, S", CASES, ids=[c[0] for c in CASES])
def test_streamed_gram_rank_equals_the_svd_rank_or_flags_its_decision_as_ambiguous(name, widths, act, S):
    # The Gram path squares the condition number: on the book's tanh grids it can miss singular
    # values between eps * s_max and ~1e-6 s_max (e.g. rank 8 instead of 12 for tanh 40x1, d = 4).
    # It must then say that its decision is in doubt.
    arch = Architecture(widths, act)
    for seed in range(6):
        theta = sample_weights(arch, S, seed, recipe="centred" if seed % 2 else "gaussian")
        svd = numerical_rank(jacobian(arch, S, theta))
        rep = streamed_rank(arch, S, theta, block_size=3, method="gram")
        assert rep.method == "streamed-gram"
        assert rep.rank == svd.rank or rep.ambiguous, (name, seed, rep.rank, svd.rank)
        # ... and the flag is earned, not a blanket excuse: it is raised exactly when a value of
        # the report's own spectrum lies within AMBIGUITY_BAND of its threshold (above the noise).
        s, tol = rep.singular_values, rep.tolerance
        near = (s > tol / AMBIGUITY_BAND) & (s < tol * AMBIGUITY_BAND) & (s > rep.noise_rtol * s[0])
        assert rep.ambiguous == bool(near.any()), (name, seed, rep.rank, svd.rank)


def test_the_gram_path_is_decisive_and_right_on_most_of_the_book_cases():
    """Ambiguity is the exception: most decisions are clear and agree with the SVD of the whole Jacobian."""
    clear_and_right = total = 0
    for name, widths, act, S in CASES:
        arch = Architecture(widths, act)
        for seed in range(6):
            theta = sample_weights(arch, S, seed, recipe="centred" if seed % 2 else "gaussian")
            svd = numerical_rank(jacobian(arch, S, theta))
            rep = streamed_rank(arch, S, theta, block_size=3, method="gram")
            clear_and_right += (not rep.ambiguous) and rep.rank == svd.rank
            total += 1
    assert clear_and_right >= 0.6 * total, (clear_and_right, total)


def test_the_gram_path_gets_a_tanh_grid_rank_wrong_where_the_streamed_qr_does_not():
    name, widths, act, S = next(c for c in CASES if c[0] == "tanh-40x1-d4-q1")
    arch = Architecture(widths, act)
    wrong = 0
    for seed in range(6):
        theta = sample_weights(arch, S, seed, recipe="centred" if seed % 2 else "gaussian")
        svd = numerical_rank(jacobian(arch, S, theta)).rank
        wrong += streamed_rank(arch, S, theta, method="gram").rank != svd
        assert streamed_rank(arch, S, theta).rank == svd
    assert wrong >= 1


@pytest.mark.parametrize("name, widths, act, S", CASES[:8], ids=[c[0] for c in CASES[:8]])
def test_streamed_qr_keeps_the_singular_values_and_the_threshold_of_the_svd(name, widths, act, S):
    arch = Architecture(widths, act)
    theta = sample_weights(arch, S, 1, recipe="centred")
    svd = numerical_rank(jacobian(arch, S, theta))
    rep = streamed_rank(arch, S, theta, block_size=2)
    s0 = svd.singular_values[0]
    np.testing.assert_allclose(rep.singular_values, svd.singular_values, rtol=0, atol=1e-12 * s0)
    assert rep.rtol == svd.rtol and rep.tolerance == pytest.approx(svd.tolerance, rel=1e-12)


def test_the_gram_path_loses_half_the_digits_and_says_so_by_its_threshold():
    # J with singular values 1 and 1e-9 (a genuine rank 2): the SVD and the streamed QR see rank 2;
    # through J^T J the 1e-9 drowns in rounding noise (~1e-8), so the Gram path counts it as zero.
    arch = Architecture((1, 1), "identity")  # psi(theta) = a s + b: J = [s, 1]
    s = np.array([[1.0], [1.0 + 2e-9], [1.0 - 2e-9]])
    theta = np.array([1.0, 0.0])
    assert numerical_rank(jacobian(arch, s, theta)).rank == 2
    assert streamed_rank(arch, s, theta, block_size=1).rank == 2
    gram = streamed_rank(arch, s, theta, method="gram")
    assert gram.rank == 1 and gram.rtol > 1e-8


def test_image_dimension_streamed_gives_the_same_report_as_the_whole_jacobian():
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2))
    whole = image_dimension(arch, S, rng=0)
    streamed = image_dimension(arch, S, rng=0, block_size=2)
    assert whole.dimension == streamed.dimension == 10
    assert whole.ranks == streamed.ranks
    assert streamed.best.method == "streamed-qr"


def test_the_streamed_search_stops_at_the_symmetry_bound_like_the_whole_one():
    S = np.random.default_rng(0).standard_normal((20, 2))
    arch = Architecture((2, 3, 1))   # m = 13, 3 rescalings: the bound 10 < min(m, nq) = 13
    whole = image_dimension(arch, S, rng=4, n_points=30)
    streamed = image_dimension(arch, S, rng=4, n_points=30, block_size=5)
    assert streamed.ranks == whole.ranks and streamed.dimension == streamed.ceiling == arch.m - 3
    assert len(image_dimension(arch, S, rng=4, n_points=30, block_size=5, use_symmetries=False).ranks) == 60


def test_image_dimension_streams_by_itself_when_the_jacobian_is_too_big(monkeypatch):
    import nnlib.dimension as dimension

    S = np.random.default_rng(0).standard_normal((50, 2))
    arch = Architecture((2, 3, 1), "tanh")
    monkeypatch.setattr(dimension, "MAX_JACOBIAN_BYTES", 8 * 50 * arch.m - 1)
    rep = dimension.image_dimension(arch, S, rng=0)
    assert rep.best.method == "streamed-qr" and rep.dimension == arch.m


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"block_size": 0}, ValueError, "block_size"),
        ({"block_size": 2.5}, TypeError, "block_size"),
        ({"method": "svd"}, ValueError, "method"),
        ({"rtol": 2.0}, ValueError, "rtol"),
    ],
)
def test_streamed_rank_refuses_bad_arguments_naming_them(kwargs, error, message):
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2))
    theta = arch.random_theta(0)
    with pytest.raises(error, match=f"^{message}"):
        streamed_rank(arch, S, theta, **kwargs)


def test_streamed_rank_checks_theta_and_the_sample():
    S, _ = theorem1_data()
    arch = Architecture((2, 2, 2))
    with pytest.raises(ValueError, match="^theta"):
        streamed_rank(arch, S, np.zeros(5))
    with pytest.raises(ValueError, match="^S"):
        streamed_rank(arch, S[:, :1], arch.random_theta(0))
    with pytest.raises(ValueError, match="^block_size"):
        image_dimension(arch, S, block_size=0)
