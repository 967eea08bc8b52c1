"""nnlib._checks: the argument validation every public function relies on.

The contract (module docstring): every check raises ValueError -- or TypeError for the wrong kind
of object -- with a message that names the argument.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlib._checks import (
    as_finite_array,
    as_matrix,
    as_rng,
    as_vector,
    check_nonnegative_int,
    check_open_unit,
    check_positive_float,
    check_positive_int,
)
from nnlib.network import Architecture, weights_map


def test_as_finite_array_returns_float64_without_copying_float64_input():
    x = np.arange(6.0).reshape(2, 3)
    out = as_finite_array("x", x)
    assert out is x or np.shares_memory(out, x)
    assert as_finite_array("x", [1, 2]).dtype == np.float64


@pytest.mark.parametrize("value", [[1.0, np.nan], [[np.inf]], -np.inf])
def test_as_finite_array_refuses_nan_and_infinity_counting_them(value):
    with pytest.raises(ValueError, match=r"^x must contain only finite numbers; it has 1 NaN or infinite"):
        as_finite_array("x", value)


@pytest.mark.parametrize("value", ["abc", [1.0, "a"], {"a": 1}, [[1.0], [1.0, 2.0]]])
def test_as_finite_array_refuses_non_numbers_with_type_error(value):
    with pytest.raises(TypeError, match=r"^x must be an array of real numbers"):
        as_finite_array("x", value)


def test_none_is_the_wrong_kind_of_object_not_an_array_with_a_nan():
    # np.asarray(None, dtype=float) is array(nan): without a check for None the message claims that
    # the argument "has 1 NaN or infinite entries", which is not what went wrong.
    with pytest.raises(TypeError, match=r"^x\b"):
        as_finite_array("x", None)
    arch = Architecture((2, 2, 2))
    with pytest.raises(TypeError, match=r"^theta\b"):
        weights_map(arch, np.zeros((3, 2)), None)


def test_as_matrix_checks_dimension_emptiness_and_shape():
    np.testing.assert_array_equal(as_matrix("M", [[1, 2], [3, 4]], rows=2, cols=2), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"^M must be a 2-D matrix"):
        as_matrix("M", [1, 2])
    with pytest.raises(ValueError, match=r"^M must be non-empty"):
        as_matrix("M", np.zeros((2, 0)))
    with pytest.raises(ValueError, match=r"^M must have 3 rows"):
        as_matrix("M", np.zeros((2, 2)), rows=3)
    with pytest.raises(ValueError, match=r"^M must have 1 columns"):
        as_matrix("M", np.zeros((2, 2)), cols=1)


def test_as_vector_checks_dimension_and_length():
    np.testing.assert_array_equal(as_vector("v", (1, 2, 3), length=3), [1, 2, 3])
    with pytest.raises(ValueError, match=r"^v must be a 1-D vector"):
        as_vector("v", [[1.0]])
    with pytest.raises(ValueError, match=r"^v must have length 2; got length 3"):
        as_vector("v", [1, 2, 3], length=2)


@pytest.mark.parametrize("check, good, bad_value, bad_type", [
    (check_positive_int, [1, 7, np.int64(3)], [0, -4], [1.0, 2.5, True, "1", None]),
    (check_nonnegative_int, [0, 5, np.int32(2)], [-1], [0.0, False, "0"]),
])
def test_integer_checks_accept_integers_and_refuse_bools_floats_and_bad_values(check, good, bad_value, bad_type):
    for v in good:
        assert check("n", v) == int(v) and type(check("n", v)) is int
    for v in bad_value:
        with pytest.raises(ValueError, match=r"^n\b"):
            check("n", v)
    for v in bad_type:
        with pytest.raises(TypeError, match=r"^n\b"):
            check("n", v)


def test_check_positive_float_accepts_finite_positive_reals_only():
    assert check_positive_float("s", 2) == 2.0 and check_positive_float("s", np.float32(0.5)) == 0.5
    for v in [0, -1e-300, np.inf, np.nan]:
        with pytest.raises(ValueError, match=r"^s\b"):
            check_positive_float("s", v)
    for v in [True, "1", None, 1j]:
        with pytest.raises(TypeError, match=r"^s\b"):
            check_positive_float("s", v)


def test_check_open_unit_accepts_exactly_the_open_interval():
    assert check_open_unit("r", 0.5) == 0.5 and check_open_unit("r", 1e-300) == 1e-300
    for v in [0, 0.0, 1, 1.0, -0.1, 1.5, np.nan, np.inf]:
        with pytest.raises(ValueError, match=r"^r must lie in the open interval \(0, 1\)"):
            check_open_unit("r", v)
    for v in [True, "0.5", None]:
        with pytest.raises(TypeError, match=r"^r\b"):
            check_open_unit("r", v)


def test_as_rng_turns_a_seed_into_a_generator_and_passes_generators_through():
    gen = np.random.default_rng(1)
    assert as_rng("rng", gen) is gen
    assert as_rng("rng", 5).integers(10**9) == np.random.default_rng(5).integers(10**9)
    assert isinstance(as_rng("rng", np.int64(3)), np.random.Generator)


@pytest.mark.parametrize("value", [1.5, "0", None, True, np.random.RandomState(0)])
def test_as_rng_refuses_things_that_are_not_seeds_with_type_error(value):
    with pytest.raises(TypeError, match=r"^rng\b"):
        as_rng("rng", value)


def test_a_negative_seed_is_a_value_error():
    # -1 is the right kind of object (an integer) with a wrong value: ValueError, by the module's contract.
    with pytest.raises(ValueError, match=r"^rng\b"):
        as_rng("rng", -1)
