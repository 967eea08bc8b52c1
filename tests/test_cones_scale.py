"""The cone's sampling, local dimensions and face points do not depend on the size of the sample.

C_max(c S) = C_max(S) for every c > 0 (the column space of [c S, 1] is that of [S, 1]), so
every answer about it must be the same at scales 1e-100, 1 and 1e100 (issue 15: scale-aware
decisions).  Before: relu_cone_points' offsets of +-1 gave a span of 1 at scale 1e-100;
local_dimension's absolute step gave 1 instead of 2 at 1e-100 and 1e100; face_point solved on
the raw [S, 1] (empty faces reported non-empty at both extremes) and disagreed with
relu_cone_faces on samples that module decides to be degenerate.
"""

from itertools import combinations

import numpy as np
import pytest

from nnlib import cones
from nnlib.dimension import numerical_rank

SCALES = [1e-100, 1.0, 1e100]
LINE4 = np.array([[0.0], [1.0], [2.0], [3.0]])
PLANE5 = np.array([[0.0, 0.0], [1.0, 0.3], [2.0, -0.4], [0.5, 2.0], [1.5, 1.0]])


def _patterns(X):
    return [tuple(np.flatnonzero(x > 0)) for x in X]


@pytest.mark.parametrize("S", [LINE4, PLANE5], ids=["line4", "plane5"])
@pytest.mark.parametrize("scale", SCALES)
def test_relu_cone_points_hit_the_same_faces_and_span_the_same_space_at_every_scale(S, scale):
    X1 = cones.relu_cone_points(S, 400, rng=0)
    X = cones.relu_cone_points(scale * S, 400, rng=0)
    assert _patterns(X) == _patterns(X1)  # the same cut of the sample, point for point
    assert numerical_rank(X, 1e-9).rank == numerical_rank(X1, 1e-9).rank == S.shape[0]
    assert np.all(X >= 0) and 0.1 < np.abs(X).max() / (scale * np.abs(S).max()) < 100  # at the sample's scale


@pytest.mark.parametrize("j", [-400, -12, 11, 300])  # max|S| = 2^(j+1), outside [2^-10, 2^10]
def test_relu_cone_points_of_a_sample_times_a_power_of_two_are_exactly_that_multiple(j):
    X, W = cones.relu_cone_points(np.ldexp(PLANE5, j), 200, rng=3, return_weights=True)
    X0 = cones.relu_cone_points(np.ldexp(PLANE5, -2), 200, rng=3)  # max|S| = 0.5: what the draw is made for
    assert np.array_equal(X, np.ldexp(X0, j + 2))
    np.testing.assert_allclose(cones.relu_projection(W @ cones.augmented_sample(np.ldexp(PLANE5, j)).T), X, rtol=1e-12)


def test_relu_cone_points_of_a_moderate_sample_are_not_rescaled():
    # max|S| in [2^-10, 2^10]: the draw is the one the chapters stored (b = -threshold, offsets 1)
    S = np.array([[0.0], [1.0], [2.0]])
    X, W = cones.relu_cone_points(S, 16, rng=1, return_weights=True)
    rng = np.random.default_rng(1)
    a = rng.standard_normal(1)
    v = np.unique(S @ a)
    gaps = np.concatenate([[v[0] - 1.0], v, [v[-1] + 1.0]])
    j, u = rng.integers(0, gaps.size - 1), rng.uniform(0.1, 0.9)
    assert np.array_equal(W[0], np.append(a, -((1 - u) * gaps[j] + u * gaps[j + 1])))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(
    "S, a, b, expected",
    [
        (LINE4, [1.0], -0.5, 2),  # three active points on a line: a 2-dimensional face
        (LINE4, [1.0], -3.5, 0),  # no active point
        (LINE4, [0.0], 1.0, 2),  # every point active
        (PLANE5, [1.0, 0.0], -0.25, 3),
        (PLANE5, [0.0, 1.0], -1.5, 1),  # only (0.5, 2) active
    ],
)
def test_local_dimension_is_the_same_at_every_scale(scale, S, a, b, expected):
    theta = np.append(np.array(a) / scale, b)  # the same values [c S, 1] theta at every scale c
    assert cones.local_dimension(S, np.append(a, b)) == expected
    assert cones.local_dimension(scale * S, theta) == expected


def test_local_dimension_refuses_weights_whose_values_overflow():
    with pytest.raises(ValueError, match=r"^theta is too large for S"):
        cones.local_dimension(1e200 * LINE4, [1e200, 0.0])


def _sample(d, scale):
    return scale * np.array([[0.0, 0.0], [1.0, d], [2.0, 0.0], [3.0, 0.0]])


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("d", [0.0, 1e-9, 1e-8, 2e-8, 1e-7, 1.0])
def test_face_point_agrees_with_the_face_list_and_lies_on_its_face(d, scale):
    # d <= 3.5e-8 is decided collinear (DEGENERACY_RTOL): 8 faces; the raw [S, 1] has rank 3 for
    # every d > 0, and the old face_point found points of the 4 faces the list omits at d = 1e-8.
    S = _sample(d, scale)
    faces = {f.indices for f in cones.relu_cone_faces(S)}
    assert len(faces) == (8 if d <= 2e-8 else 12)
    for size in range(1, 5):
        for I in combinations(range(4), size):
            x = cones.face_point(S, I)
            assert (x is not None) == (I in faces), I
            if x is not None:
                assert tuple(np.flatnonzero(x > 0)) == I  # positive exactly on I: a point of F_I
                assert cones.in_relu_cone(x, S)


def test_face_point_of_a_non_degenerate_sample_is_the_raw_linear_programs_point():
    # unchanged for the chapters' samples: sigma_max([S, 1] theta) of the raw LP's separator
    S = [[0.0], [1.0], [2.0]]
    np.testing.assert_allclose(cones.face_point(S, (1, 2)), [0.0, 1.0, 2.0], atol=1e-9)
    theta = cones._separating_weights(cones.augmented_sample(S), (1, 2))
    assert np.array_equal(cones.face_point(S, (1, 2)), cones.relu_projection(cones.augmented_sample(S) @ theta))


@pytest.mark.parametrize("scale", [1e-100, 1e-5, 1e5, 1e100])
def test_membership_and_preimages_do_not_depend_on_the_size_of_the_sample(scale):
    # (relu_cone_preimage rescaled x but not S: at 1e100 HiGHS read the sample as infinite)
    members = [[0.0, 0.5, 1.5, 2.5], [1.0, 0.0, 0.0, 0.0], [3.0, 2.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]
    others = [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0], [1.0, 2.0, 1.0, 0.0]]
    for x in members:
        assert cones.in_relu_cone(x, LINE4) and cones.in_relu_cone(x, scale * LINE4), x
        theta = cones.relu_cone_preimage(x, scale * LINE4)
        np.testing.assert_allclose(cones.relu_projection(cones.augmented_sample(scale * LINE4) @ theta), x, atol=1e-9)
    for x in others:
        assert not cones.in_relu_cone(x, LINE4) and not cones.in_relu_cone(x, scale * LINE4), x
