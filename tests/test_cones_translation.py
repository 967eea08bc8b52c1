"""Membership in the ReLU cone does not depend on where the sample sits.

C_max(S + 1 c^T) = C_max(S) for every shift c (a^T (s + c) + b = a^T s + (b + a^T c)), so
``in_relu_cone`` must answer alike for S and S shifted far from the origin.  Before (issue 15's
leftover), [s_i, 1] for s_i = 1e9 + (0, 1, 2, 3) was nearly rank-deficient in floating point and
the preimage LP's verification failed: members of the cone were reported outside it.
"""

import numpy as np
import pytest

from nnlib import cones

LINE4 = np.array([[0.0], [1.0], [2.0], [3.0]])
PLANE5 = np.array([[0.0, 0.0], [1.0, 0.3], [2.0, -0.4], [0.5, 2.0], [1.5, 1.0]])
SHIFTS = [0.0, 1e3, 1e6, 1e9, 1e12, 1e15]  # S + shift is exact in float64 for these samples


def member_of(S, a, b):
    return np.maximum(S @ np.atleast_1d(a) + b, 0.0)


@pytest.mark.parametrize("shift", SHIFTS)
def test_a_member_of_the_cone_stays_a_member_when_the_sample_is_shifted(shift):
    x = member_of(LINE4, [1.0], -1.5)  # (0, 0, 0.5, 1.5)
    assert cones.in_relu_cone(x, LINE4 + shift)
    # PLANE5 + shift rounds its coordinates: the member is made from the sample as stored (its
    # offsets from the shift are exact by Sterbenz's lemma)
    c = shift * np.array([1.0, -2.0])
    S = PLANE5 + c
    assert cones.in_relu_cone(member_of(S - c, [0.7, -1.1], 0.2), S)


@pytest.mark.parametrize("shift", SHIFTS)
def test_a_non_member_stays_outside_when_the_sample_is_shifted(shift):
    # positive at the second point only, of four on a line: no affine function does that
    assert not cones.in_relu_cone([0.0, 1.0, 0.0, 0.0], LINE4 + shift)
    # positive at two opposite corners of a square only: not linearly separable
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    assert not cones.in_relu_cone([1.0, 0.0, 1.0, 0.0], square + shift)


@pytest.mark.parametrize("shift", SHIFTS)
def test_the_preimage_of_a_shifted_sample_is_the_same_affine_function(shift):
    """theta = (a, b) reproduces x at the centred sample, up to the cancellation |a| |c| eps that
    evaluating a^T s + b at s ~ c costs."""
    x = member_of(LINE4, [1.0], -1.5)
    theta = cones.relu_cone_preimage(x, LINE4 + shift)
    assert theta is not None
    a, b = theta[:-1], theta[-1]
    # a^T (s + shift) + b = a^T s + (b + a shift): evaluated with the shift taken out first
    again = np.maximum(LINE4 @ a + (b + a[0] * shift), 0.0)
    tol = 1e-7 * (1 + np.linalg.norm(x)) + 8 * abs(a[0]) * max(shift, 1.0) * np.finfo(float).eps
    assert np.max(np.abs(again - x)) <= tol
