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


# -- issue 15: the vocabulary's new words ---------------------------------------------------------

from nnlib._checks import (  # noqa: E402
    INT_MAX,
    check_bool,
    check_choice,
    check_int,
    check_probability,
    check_real,
    check_tolerance,
    check_widths,
)


@pytest.mark.parametrize("value", [[1.0, 2.0 + 5j], np.ones(3) * 1j, np.array([1, 1j], dtype=object)])
def test_a_complex_array_is_refused_not_silently_cut_to_its_real_part(value):
    with pytest.raises(TypeError, match=r"^x must be real"):
        as_finite_array("x", value)


def test_booleans_are_refused_unless_they_are_meant():
    with pytest.raises(TypeError, match=r"^mask must be an array of real numbers; got booleans"):
        as_finite_array("mask", [True, False])
    np.testing.assert_array_equal(as_finite_array("mask", [True, False], allow_bool=True), [1.0, 0.0])


@pytest.mark.parametrize("value", [10**400, [1.0, 10**400], [[-(10**400)]]])
def test_a_python_integer_too_large_for_float64_is_a_value_error_not_an_overflow_error(value):
    with pytest.raises(ValueError, match=r"^x must contain only finite float64 numbers; it has a number too large"):
        as_finite_array("x", value)


def test_check_int_refuses_floats_even_whole_ones_and_bounds_the_value():
    assert check_int("n", np.int16(5), low=0, high=9) == 5
    for v in [1.9, 2.0, np.float64(3.0), True, np.bool_(False), "3", None]:
        with pytest.raises(TypeError, match=r"^n must be an integer"):
            check_int("n", v)
    with pytest.raises(ValueError, match=r"^n must be an integer between 0 and 9; got 10$"):
        check_int("n", 10, low=0, high=9)
    with pytest.raises(ValueError, match=r"^n must be a positive integer between 1 and \d+; got an integer of 401 digits$"):
        check_positive_int("n", 10**400)
    assert check_nonnegative_int("n", INT_MAX) == INT_MAX


def test_check_real_refuses_nan_infinity_complex_and_huge_integers_and_checks_the_interval():
    assert check_real("z", 2) == 2.0 and type(check_real("z", np.float32(0.5))) is float
    for v in [np.nan, np.inf, -np.inf, 10**400]:
        with pytest.raises(ValueError, match=r"^z must be a real number"):
            check_real("z", v)
    for v in [1j, "1", None, True]:
        with pytest.raises(TypeError, match=r"^z must be a real number"):
            check_real("z", v)
    with pytest.raises(ValueError, match=r"^z must be a real number > 0.0; got -1.0$"):
        check_real("z", -1, low=0.0, low_open=True)
    with pytest.raises(ValueError, match=r"^share must be a real number in \(0.0, 1.0\]; got 0.0$"):
        check_real("share", 0.0, low=0.0, high=1.0, low_open=True)


def test_tolerances_and_probabilities_are_finite_and_in_range():
    assert check_tolerance("tol", 1e-300) == 1e-300 and check_tolerance("tol", 0, allow_zero=True) == 0.0
    for v in [0.0, -1e-300, np.nan, np.inf]:
        with pytest.raises(ValueError, match=r"^tol must be a positive tolerance"):
            check_tolerance("tol", v)
    assert check_probability("p", 0) == 0.0 and check_probability("p", 1) == 1.0
    for v in [-0.1, 1.1, np.nan]:
        with pytest.raises(ValueError, match=r"^p must be a probability"):
            check_probability("p", v)
    with pytest.raises(ValueError, match=r"^p must be a probability in \(0.0, 1.0\)"):
        check_probability("p", 1.0, open_interval=True)


def test_widths_are_an_ordered_sequence_of_positive_integers():
    assert check_widths("widths", [2, np.int64(3), 1]) == (2, 3, 1)
    assert check_widths("widths", np.array([2, 3])) == (2, 3)
    for v in [{5, 1, 3}, frozenset({2, 1}), "32", {2: 1, 3: 1}, iter([2, 1]), 5]:
        with pytest.raises(TypeError, match=r"^widths must be an ordered sequence"):
            check_widths("widths", v)
    with pytest.raises(TypeError, match=r"^widths\[1\] must be a positive integer"):
        check_widths("widths", (2, 1.9))
    with pytest.raises(ValueError, match=r"^widths\[1\] must be a positive integer between 1 and 1000000"):
        check_widths("widths", (2, 10**400))
    with pytest.raises(ValueError, match=r"^widths must have at least 2 entries; got 1"):
        check_widths("widths", (2,))


def test_flags_and_choices():
    assert check_bool("refine", np.bool_(True)) is True
    for v in ["no", 0, 2, None]:
        with pytest.raises(TypeError, match=r"^refine must be True or False"):
            check_bool("refine", v)
    assert check_choice("method", "qr", ("svd", "qr")) == "qr"
    with pytest.raises(ValueError, match=r"^method must be one of 'svd', 'qr'; got 'lu'$"):
        check_choice("method", "lu", ("svd", "qr"))
