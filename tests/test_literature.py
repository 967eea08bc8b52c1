"""nnlib.literature: exact ranks over F_p, proven bounds, and published data points (chapter 7 vs later work)."""

from __future__ import annotations

import csv
import pathlib

import numpy as np
import pytest

from nnlib import literature as L
from nnlib.dimension import image_dimension
from nnlib.generic import ktb_expected_dimension, polynomial_functional_dimension, symmetry_bound
from nnlib.network import Architecture, jacobian

DATA = pathlib.Path(__file__).resolve().parents[1] / "nnlib" / "data"


# ----------------------------------------------------------------------------- exact machinery
def test_the_prime_is_prime_and_small_enough_for_int64_products():
    assert L._check_prime(L.PRIME) == L.PRIME and L.PRIME < 2**27


def test_rank_mod_p_agrees_with_the_rational_rank_of_small_integer_matrices():
    rng = np.random.default_rng(0)
    for rank in (1, 3, 5):
        M = rng.integers(-5, 6, (7, rank)) @ rng.integers(-5, 6, (rank, 6))
        assert L.rank_mod_p(M) == np.linalg.matrix_rank(M.astype(float))


def test_rank_mod_p_sees_a_rank_drop_that_only_exists_modulo_p():
    assert L.rank_mod_p([[1, 0], [0, 7]], p=7) == 1   # the rank over F_p can only be lower


def test_exact_jacobian_matches_the_float_jacobian_of_nnlib_at_small_integer_points():
    arch = Architecture((2, 3, 2), "polynomial", degree=2)
    rng = np.random.default_rng(1)
    layers = [(rng.integers(-3, 4, (3, 2)), rng.integers(-3, 4, 3)), (rng.integers(-3, 4, (2, 3)), rng.integers(-3, 4, 2))]
    X = rng.integers(-3, 4, (5, 2))
    theta = arch.pack([(A.astype(float), b.astype(float)) for A, b in layers])
    J_float = jacobian(arch, X.astype(float), theta)
    J_exact = L.exact_jacobian_mod_p((2, 3, 2), 2, X, layers)
    assert np.array_equal(np.rint(J_float).astype(np.int64) % L.PRIME, J_exact)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="r must be at least 2"):
        L.recursive_dimension_bound((2, 3, 1), 1)
    with pytest.raises(ValueError, match="p must be a prime"):
        L.rank_mod_p([[1]], p=10)
    with pytest.raises(ValueError, match="points must be an integer array"):
        L.exact_jacobian_mod_p((2, 2, 1), 2, np.zeros((3, 3), int), [(np.eye(2, dtype=int), None), (np.ones((1, 2), int), None)])


# ----------------------------------------------------------------------------- chapter 7's own grids, certified
@pytest.mark.parametrize("name, bias", [("polynomial_bias_free.csv", False), ("polynomial_biased.csv", True)])
def test_every_chapter7_polynomial_row_has_its_float_rank_equal_to_the_exact_rank(name, bias):
    with open(DATA / name, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for seed, r in enumerate(rows):
        if bias:
            k, p, w, q = (int(r[x]) for x in ("k", "p", "width", "q"))
            widths = (p,) + (w,) * (k - 1) + (q,)
        else:
            widths = tuple(int(x) for x in r["widths"].split("-"))
        cert = L.certify_polynomial_dimension(widths, int(r["r"]), bias=bias, rng=seed)
        assert cert.lower == int(r["dimension"]), (widths, r)


def test_the_nine_unexplained_deep_bias_free_defects_of_chapter7_equal_the_recursive_bound():
    unexplained = {((2, 2, 3, 1), 3): 6, ((2, 2, 3, 2), 2): 8, ((2, 2, 3, 2), 3): 10, ((2, 3, 2, 1), 3): 8,
                   ((2, 3, 2, 2), 2): 8, ((2, 3, 2, 2), 3): 10, ((3, 2, 3, 1), 3): 8, ((3, 2, 3, 2), 2): 10,
                   ((3, 2, 3, 2), 3): 12}
    for (widths, r), computed in unexplained.items():
        cert = L.certify_polynomial_dimension(widths, r)
        assert cert.certified and cert.dimension == computed < cert.expected


def test_chapter7_biased_1_3_3_2_with_cubes_has_dimension_17_certified():
    cert = L.certify_polynomial_dimension((1, 3, 3, 2), 3, bias=True)
    assert (cert.lower, cert.upper, cert.expected) == (17, 17, 20)


# ----------------------------------------------------------------------------- published data points
@pytest.mark.parametrize("d0, d1, r", [(3, 2, 2), (4, 3, 2), (3, 5, 4), (4, 9, 4), (5, 7, 3), (5, 14, 4), (3, 4, 3), (2, 3, 3)])
def test_alexander_hirschowitz_shallow_single_output_dimensions_are_reproduced(d0, d1, r):
    exact = L.exact_rank_lower_bound((d0, d1, 1), r)
    assert exact == L.alexander_hirschowitz_dimension(d0, d1, r)
    assert polynomial_functional_dimension((d0, d1, 1), r, rng=0)[0] == exact


def test_dao_rodriguez_counterexample_fills_and_is_not_unimodal():
    widths, r = L.DAO_RODRIGUEZ_COUNTEREXAMPLE
    cert = L.certify_polynomial_dimension(widths, r)
    assert cert.filling is True and cert.dimension == 65 and not L.is_unimodal(widths)


def test_dao_rodriguez_counterexample_is_minimal_every_predecessor_provably_not_filling():
    widths, r = L.DAO_RODRIGUEZ_COUNTEREXAMPLE
    preds = L.hidden_predecessors(widths)
    assert len(preds) == 6
    for v in preds:
        assert L.recursive_dimension_bound(v, r) < L.ambient_dimension(v, r)
    assert L.certify_polynomial_dimension(preds[0], r).defect == 30   # a sub-architecture with a large defect


@pytest.mark.parametrize("widths, r", [((2, 2, 2), 2), ((3, 3, 3), 2), ((2, 2, 2, 2), 3), ((3, 3, 3, 3), 2), ((4, 4, 4), 3)])
def test_finkel_rodriguez_wu_yahl_equi_width_attains_expected_dimension(widths, r):
    cert = L.certify_polynomial_dimension(widths, r)
    assert cert.dimension == cert.expected == ktb_expected_dimension(widths, r)


@pytest.mark.parametrize("widths, r", [((3, 3, 2, 2), 2), ((3, 3, 2, 2), 3), ((4, 3, 2), 2), ((4, 3, 3, 2), 2), ((3, 2, 2, 2), 3)])
def test_kubjas_li_wiesmann_conjecture_holds_on_non_increasing_multi_output_cases(widths, r):
    assert L.certify_polynomial_dimension(widths, r).defect == 0


def test_recursive_bound_falls_below_expected_only_when_a_part_fills():
    assert L.recursive_dimension_bound((2, 2, 2, 2), 3) == L.expected_dimension((2, 2, 2, 2), 3)
    assert L.recursive_dimension_bound((2, 2, 3, 1), 3) < L.expected_dimension((2, 2, 3, 1), 3)


# ----------------------------------------------------------------------------- ReLU
@pytest.mark.parametrize("widths", [(2, 2, 2, 1), (2, 3, 3, 1), (3, 2, 2, 2)])
def test_grillo_montufar_relu_functional_dimension_is_attained_numerically(widths):
    arch = Architecture(widths, "relu")
    S = np.random.default_rng(3).standard_normal((arch.m + 10, widths[0]))
    rep = image_dimension(arch, S, rng=4, n_points=40)
    assert rep.dimension == L.relu_functional_dimension_prediction(widths) == symmetry_bound(arch)


def test_a_chain_of_one_unit_relu_layers_falls_short_of_the_scaling_bound():
    # 1-1-1-1-1 computes a clamp (4 parameters), below m - hidden = 5; outside Grillo-Montufar's hypotheses
    arch = Architecture((1, 1, 1, 1, 1), "relu")
    S = np.random.default_rng(5).standard_normal((30, 1))
    assert L.relu_functional_dimension_prediction((1, 1, 1, 1, 1)) is None
    assert image_dimension(arch, S, rng=6, n_points=200).dimension == 4 == symmetry_bound(arch) - 1
