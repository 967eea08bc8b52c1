"""Near-degenerate samples: one rank decision for the faces and the dimensions (issue 15, item 5).

The sample (0, 0), (1, delta), (2, 0), (3, 0) is collinear for delta = 0 and in general position
(up to the three collinear points 0, 2, 3) for delta != 0.  nnlib.cones decides the rank of
[S, 1] once (DEGENERACY_RTOL on the moved and scaled sample); every answer must follow that
decision, whatever the size and position of the sample.
"""

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.optimize

from nnlib import cones

# the faces of four collinear points: the upper and lower sets of the order along the line
COLLINEAR = {(), (0,), (3,), (0, 1), (2, 3), (0, 1, 2), (1, 2, 3), (0, 1, 2, 3)}
# with s_1 off the line: also s_1 alone, its complement, and {1, 3} | {0, 2}; never {2}, {1, 2},
# {0, 3}, {0, 1, 3} (s_2 lies on the segment from s_0 to s_3)
GENERIC = COLLINEAR | {(1,), (0, 2, 3), (1, 3), (0, 2)}

DELTAS = [0.0] + [10.0**-e for e in range(15, 2, -1)] + [1.0]  # 0, 1e-15, ..., 1e-3, 1
ROTATION = np.array([[np.cos(0.7), -np.sin(0.7)], [np.sin(0.7), np.cos(0.7)]])


def smallest_relative_singular_value(S):
    """s_min / s_max of [S', 1], S' = S moved and scaled into [-1, 1]^p (the documented rule)."""
    centre = (S.max(axis=0) + S.min(axis=0)) / 2
    A = np.column_stack([(S - centre) / np.abs(S - centre).max(), np.ones(len(S))])
    s = np.linalg.svd(A, compute_uv=False)
    return s[-1] / s[0]


def expected_rank_of_S1(S):
    return 3 if smallest_relative_singular_value(S) > cones.DEGENERACY_RTOL else 2


def test_the_documented_threshold_lies_between_delta_1e_8_and_1e_7():
    # ratio ~ 0.28 delta: the sweep below sees both sides of the decision, neither close to it
    base = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    ratio = {d: smallest_relative_singular_value(base + [[0, 0], [0, d], [0, 0], [0, 0]]) for d in (1e-8, 1e-7)}
    assert ratio[1e-8] < cones.DEGENERACY_RTOL / 3
    assert ratio[1e-7] > 2 * cones.DEGENERACY_RTOL


@pytest.mark.parametrize("delta", DELTAS)
@pytest.mark.parametrize("frame", ["plain", "rotated, moved, scaled by 1e-100", "rotated, moved, scaled by 1e100"])
def test_faces_and_dimensions_of_a_nearly_collinear_sample_follow_one_decision(delta, frame):
    S = np.array([[0.0, 0.0], [1.0, delta], [2.0, 0.0], [3.0, 0.0]])
    if frame != "plain":
        scale = 1e-100 if "1e-100" in frame else 1e100
        S = scale * (S @ ROTATION.T + [5.0, -3.0])
    r = 2 if delta <= 1e-8 else 3
    assert expected_rank_of_S1(S) == r  # the documented rule, computed here independently

    faces = cones.relu_cone_faces(S)
    assert {f.indices for f in faces} == (COLLINEAR if r == 2 else GENERIC)
    assert len(faces) == (8 if r == 2 else 12)
    for f in faces:  # dim F_I = rank [S_I, 1_I]; only s_0, s_2, s_3 are collinear when r = 3
        collinear_subset = r == 2 or set(f.indices) <= {0, 2, 3}
        assert f.dimension == min(len(f.indices), 2 if collinear_subset else 3), f

    dims = cones.relu_cone_dimensions(S, n_points=120)
    top = max(f.dimension for f in faces)
    assert dims.rank_S1 == cones.rank_S1(S) == dims.jacobian_rank == dims.set_dimension == top == r


def test_a_separator_that_violates_its_constraints_is_refused_and_the_next_method_tried(monkeypatch):
    # the solver's answer on near-singular data: "success" with values (-0.75, -0.5, -0.25, 0)
    # where the separated point needed >= 1
    M = np.linalg.svd(np.column_stack([np.arange(4.0), np.ones(4)]), full_matrices=False)[0]
    bad = np.linalg.lstsq(M, np.array([-0.75, -0.5, -0.25, 0.0]), rcond=None)[0]
    calls = []

    def always_wrong(*args, method, **kwargs):
        calls.append(method)
        return SimpleNamespace(status=0, x=bad)

    monkeypatch.setattr(scipy.optimize, "linprog", always_wrong)
    assert cones._separating_weights(M, (3,)) is None
    assert calls == list(cones._LP_METHODS)  # retried with every method, then refused
    assert {f.indices for f in cones.relu_cone_faces(np.arange(4.0)[:, None])} == {(), (0, 1, 2, 3)}


def test_a_refused_answer_is_replaced_by_the_next_methods_verified_one(monkeypatch):
    real = scipy.optimize.linprog
    calls = []

    def wrong_first(*args, method, **kwargs):
        calls.append(method)
        if len(calls) == 1:
            return SimpleNamespace(status=0, x=np.zeros(2))
        return real(*args, method=method, **kwargs)

    monkeypatch.setattr(scipy.optimize, "linprog", wrong_first)
    S1 = cones.augmented_sample([[0.0], [1.0], [2.0], [3.0]])
    x = cones._separating_weights(S1, (3,))
    assert calls == list(cones._LP_METHODS[:2])
    v = S1 @ x
    assert v[3] >= 1 - 1e-6 and np.all(v[:3] <= 1e-6)


def test_a_separator_swamped_by_rounding_is_refused():
    # values (1, -1e9, 0) meet the constraints for I = {0}, but an error of one unit in the last
    # place of the data moves them by about 1e-7: that is not evidence of a separation
    M = np.eye(3)[:, :2]
    mask = np.array([True, False, False])
    assert cones._verified_separator(M, mask, np.array([1.0, -1.0]))
    assert not cones._verified_separator(M, mask, np.array([1.0, -1e9]))
    assert not cones._verified_separator(M, mask, np.array([0.5, -1.0]))  # 0.5 < 1: violated
    assert not cones._verified_separator(M, mask, np.array([np.nan, -1.0]))
