"""Robust summaries: bounds and classes that do not move with the last bits of a computation."""

import numpy as np
import pytest

from nnlib import robust


def test_a_value_at_rounding_level_is_printed_as_the_bound_it_is_below():
    assert robust.format_below(1.5e-24, 1e-20) == "< 1e-20"
    assert robust.format_below(6.3e-25, 1e-20) == robust.format_below(1.2e-22, 1e-20)


def test_a_value_above_the_bound_is_printed_itself():
    assert robust.format_below(2.5e-3, 1e-20) == "0.0025"
    assert robust.format_below(1e-20, 1e-20, ".1e") == "1.0e-20"


def test_format_below_rejects_nan_and_a_non_positive_bound():
    with pytest.raises(ValueError, match="value must be a real number, finite"):
        robust.format_below(float("nan"), 1e-20)
    with pytest.raises(ValueError, match="value must be a real number, finite"):
        robust.format_below(float("inf"), 1e-20)
    with pytest.raises(TypeError, match="value must be a real number"):
        robust.format_below("1", 1e-20)
    with pytest.raises(ValueError, match="bound"):
        robust.format_below(1.0, 0.0)


def test_floor_to_is_a_lower_bound_that_ignores_digits_within_a_step():
    assert robust.floor_to(33.407) == robust.floor_to(33.405) == 33.0
    assert robust.floor_to(13.29, 5.0) == 10.0
    assert robust.floor_to(20.0, 5.0) == 20.0
    assert robust.floor_to(-0.1) == -1.0


def test_floor_to_rejects_non_finite_values_and_bad_steps():
    with pytest.raises(ValueError, match="finite"):
        robust.floor_to(float("inf"))
    with pytest.raises(ValueError, match="step"):
        robust.floor_to(1.0, -1.0)


def test_classify_names_the_level_within_tolerance_and_others_otherwise():
    losses = [0.5, 0.5 + 3e-13, 2 / 3 - 1e-12, 0.5095, 0.4]
    got = robust.classify(losses, {"1/2": 0.5, "2/3": 2 / 3}, 1e-9)
    assert got.tolist() == ["1/2", "1/2", "2/3", "other", "other"]


def test_classify_refuses_levels_closer_than_twice_the_tolerance():
    with pytest.raises(ValueError, match="apart"):
        robust.classify([0.5], {"a": 0.5, "b": 0.5 + 1e-9}, 1e-9)
    with pytest.raises(ValueError, match="dict"):
        robust.classify([0.5], {}, 1e-9)
    with pytest.raises(ValueError, match="one-dimensional"):
        robust.classify(np.zeros((2, 2)), {"a": 0.0}, 1e-9)


def test_an_excess_over_a_level_keeps_only_the_digits_its_cancellation_leaves():
    # 0.5 + 1.2e-13 is known to about 1e-15: two digits survive, whatever the last bits
    assert robust.format_excess(0.5 + 1.186e-13, 0.5) == robust.format_excess(0.5 + 1.188e-13, 0.5) == "1.2e-13"
    assert robust.format_excess(0.5 + 1.858e-1, 0.5) == "1.858e-01"
    assert robust.format_excess(0.5 + 2e-16, 0.5) == "< 9e-16"


def test_format_excess_rejects_bad_arguments():
    with pytest.raises(ValueError, match="finite"):
        robust.format_excess(float("nan"), 0.5)
    with pytest.raises(ValueError, match="max_digits"):
        robust.format_excess(0.6, 0.5, max_digits=0)


def test_a_resolved_excess_keeps_only_the_digits_its_rounding_error_leaves():
    # 0.5 + 5.107e-14 and 0.5 + 5.063e-14 (two machines) are known to about 2e-15: both give 5e-14
    a, ok_a = robust.resolved_excess([0.5 + 5.107e-14], 0.5, scale=2.0)
    b, ok_b = robust.resolved_excess([0.5 + 5.063e-14], 0.5, scale=2.0)
    assert a.tolist() == b.tolist() == [5e-14] and ok_a.all() and ok_b.all()
    big, _ = robust.resolved_excess([0.5 + 0.1858], 0.5, max_digits=2)
    assert big.tolist() == [0.19]


def test_an_excess_within_ten_rounding_errors_is_not_resolved_and_lies_below_its_bound():
    losses = np.array([0.5 + 2e-15, 0.5, 0.5 - 1e-15])
    ex, ok = robust.resolved_excess(losses, 0.5, scale=2.0)
    assert not ok.any() and np.all(np.isnan(ex))
    bound = robust.resolved_excess_bound(losses, 0.5, scale=2.0)
    assert np.all(losses - 0.5 < bound) and np.all(np.log10(bound) == np.round(np.log10(bound)))


def test_resolved_excess_names_bad_arguments():
    with pytest.raises(ValueError, match="losses"):
        robust.resolved_excess([[0.5]], 0.5)
    with pytest.raises(ValueError, match="level"):
        robust.resolved_excess([0.5], float("nan"))
    with pytest.raises(ValueError, match="scale"):
        robust.resolved_excess([0.5], 0.5, scale=0.0)
    with pytest.raises(ValueError, match="max_digits"):
        robust.resolved_excess([0.5], 0.5, max_digits=0)
