r"""The one-layer ReLU network, the ReLU cone C_max(S) and its faces F_I(S) (paper §3 and §5).

Objects (notation of the paper):

* the *ReLU projection* sigma_max applied coordinatewise (Definition 2, with (11));
* the *one-layer ReLU network* weights map psi_1(A, b) = sigma_max(S A^T + 1 b^T), an n x q
  matrix, with weights (A, b) in Theta = R^{q x (p+1)} (equation (12)).  This is *not*
  nnlib's k = 1 :class:`~nnlib.network.Architecture`, which has no activation after its
  (only) affine layer;
* the *ReLU cone* C_max(S) = {sigma_max([S, 1] theta) : theta in R^{p+1}} in R^n
  (Definition 3), i.e. psi_1(Theta) for q = 1;
* its *faces* F_I(S) = C_max(S) ∩ R^n_I, where R^n_I = {x : x_i > 0 for i in I, x_j = 0 for
  j not in I} (defined in §5 before Lemma 2).  C_max(S) is the disjoint union of its
  non-empty faces, equation (24).

Two different "dimensions" of a cone appear in the chapter, and they differ:

* the *span dimension* dim span C, the paper's definition in §3;
* the *set dimension* (dimension as a semialgebraic set): the largest dimension of a face,
  equivalently the largest local rank of psi_1.

Indices in this module are 0-based (the paper counts from 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import scipy.optimize
import scipy.spatial

from ._checks import (
    as_finite_array, as_matrix, as_rng, as_vector, check_bool, check_int, check_positive_float, check_positive_int,
    check_tolerance,
)
from .dimension import numerical_rank

__all__ = [
    "relu_projection",
    "augmented_sample",
    "rank_S1",
    "psi_1",
    "psi_1_jacobian",
    "relu_cone_points",
    "relu_cone_preimage",
    "in_relu_cone",
    "distinct_rows",
    "ConeDimensions",
    "relu_cone_dimensions",
    "local_dimension",
    "sample_for_subspace",
    "Face",
    "relu_cone_faces",
    "face_point",
    "cone_cross_section",
    "corollary1_check",
    "MAX_FACE_N",
    "DEGENERACY_RTOL",
]

#: relu_cone_faces tests all 2^n index sets; it refuses samples with more points than this.
MAX_FACE_N = 14

#: The affine rank of [S, 1] is decided once, with this relative tolerance, and every answer of
#: this module about faces and dimensions uses that one decision (:func:`rank_S1`,
#: :func:`relu_cone_faces`, :func:`relu_cone_dimensions`).  S is first moved and scaled (the
#: same factor on every axis, which changes no face) into [-1, 1]^p, giving S'; the decided rank
#: r is the number of singular values of [S', 1] above ``DEGENERACY_RTOL`` times the largest.
#: A sample with r below the number of columns (nearly collinear points, say) is *degenerate*:
#: it is replaced by the nearest matrix of rank r, whose face dimensions are ranks with a
#: relative threshold of 1e-12 (far above the rounding of that matrix).  The linear programs of
#: the face enumeration never see [S', 1] itself: they run on U_r, the r orthonormal left
#: singular vectors (the same column space, hence the same faces, with condition number 1), and
#: a solution counts only once verified (a separator violating its constraints is refused).
#: Example: for the sample (0, 0), (1, delta), (2, 0), (3, 0) the ratio s_min / s_max of
#: [S', 1] is about 0.28 delta, so delta <= 3.5e-8 gives
#: the collinear answer (8 faces, top dimension 2) and larger delta the generic one (12 faces,
#: top dimension 3).  (Not covered: a near-degenerate *subset* of a sample that is not
#: near-degenerate as a whole, e.g. two of five points 1e-11 apart; there the faces come from
#: the linear programs and the dimensions from float64 ranks.)
DEGENERACY_RTOL = 1e-8


@dataclass(frozen=True)
class _AffineDecision:
    """The one decision on [S, 1] (see ``DEGENERACY_RTOL``).

    ``rank``: the decided rank r; ``matrix``: [S', 1], or its nearest rank-r matrix when
    degenerate (the face dimensions are ranks of its rows); ``rtol``: the threshold of those
    ranks (None: numerical_rank's default; 1e-12 when degenerate); ``basis``: U_r, an n x r
    matrix with orthonormal columns spanning the column space of ``matrix`` (for the linear
    programs and the finite differences); ``scaled``: [S', 1] itself.
    """

    rank: int
    matrix: np.ndarray
    rtol: float | None
    basis: np.ndarray
    scaled: np.ndarray


def _affine_decision(S1: np.ndarray) -> _AffineDecision:
    """Decide the rank of [S, 1] (``S1``, already checked) once; see ``DEGENERACY_RTOL``.

    The faces and their dimensions of S and S' are the same (a similarity of R^p maps affine
    separators to affine separators), and [S', 1] is well scaled whatever the size of S.
    """
    P = S1[:, :-1]
    centre = (P.max(axis=0) + P.min(axis=0)) / 2
    size = float(np.abs(P - centre).max())
    A = np.column_stack([(P - centre) / (size if size > 0 else 1.0), np.ones(S1.shape[0])])
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    r = int(np.count_nonzero(s > DEGENERACY_RTOL * s[0]))  # s[0] >= sqrt(n) > 0 (the column of ones)
    if r == s.size:
        return _AffineDecision(r, A, None, U, A)
    return _AffineDecision(r, (U[:, :r] * s[:r]) @ Vt[:r], 1e-12, U[:, :r], A)


def relu_projection(X) -> np.ndarray:
    """The ReLU projection sigma_max (Definition 2): max(0, x) applied to every entry.

    Examples
    --------
    >>> relu_projection([[-1.0, 2.0], [0.5, -0.0]])
    array([[0. , 2. ],
           [0.5, 0. ]])
    """
    X = as_finite_array("X", X)
    return np.maximum(X, 0.0) + 0.0  # "+ 0.0" turns -0.0 into 0.0


def augmented_sample(S) -> np.ndarray:
    """The matrix [S, 1] of (13): the sample with a column of ones appended.

    >>> augmented_sample([[2.0], [3.0]])
    array([[2., 1.],
           [3., 1.]])
    """
    S = as_matrix("S", S)
    return np.hstack([S, np.ones((S.shape[0], 1))])


def rank_S1(S) -> int:
    """rank [S, 1], the right-hand side of (13), as decided once for the whole module.

    The rank of [S', 1] (S moved and scaled into [-1, 1]^p) with the relative threshold
    :data:`DEGENERACY_RTOL`: the same decision as the top face dimension of
    :func:`relu_cone_faces` and the ranks of :func:`relu_cone_dimensions`, so a nearly collinear
    sample has the same rank everywhere.

    >>> rank_S1([[0.0], [1.0], [2.0]]), rank_S1([[1.0], [1.0], [1.0]])
    (2, 1)
    >>> rank_S1([[0.0, 0.0], [1.0, 1e-9], [2.0, 0.0]]), rank_S1([[0.0, 0.0], [1.0, 1e-6], [2.0, 0.0]])
    (2, 3)
    """
    return _affine_decision(augmented_sample(S)).rank


def psi_1(S, A, b) -> np.ndarray:
    """The weights map (12) of the one-layer ReLU network: sigma_max(S A^T + 1 b^T), shape (n, q).

    Parameters
    ----------
    S : array (n, p)
        The sample, one point per row.
    A : array (q, p)
    b : array (q,)

    Examples
    --------
    >>> psi_1([[0.0], [1.0], [2.0]], [[1.0], [-1.0]], [-0.5, 0.5])
    array([[0. , 0.5],
           [0.5, 0. ],
           [1.5, 0. ]])
    """
    S = as_matrix("S", S)
    A = as_matrix("A", A, cols=S.shape[1])
    b = as_vector("b", b, length=A.shape[0])
    return relu_projection(S @ A.T + b)


def psi_1_jacobian(S, theta) -> np.ndarray:
    """Jacobian of theta = (a, b) -> sigma_max([S, 1] theta) (q = 1), an n x (p+1) matrix.

    Row i is [s_i^T, 1] where a^T s_i + b > 0 and zero where a^T s_i + b < 0 (at a kink,
    a^T s_i + b = 0, the one-sided derivative from the inactive side, 0, is returned).
    """
    S1 = augmented_sample(S)
    theta = as_vector("theta", theta, length=S1.shape[1])
    return S1 * (S1 @ theta > 0)[:, None]


def _thresholds(values: np.ndarray, rng: np.random.Generator) -> float:
    """A bias placing the threshold of a ReLU below, between two consecutive, or above the values."""
    v = np.unique(values)
    gaps = np.concatenate([[v[0] - 1.0], v, [v[-1] + 1.0]])
    j = rng.integers(0, gaps.size - 1)
    u = rng.uniform(0.1, 0.9)
    return (1 - u) * gaps[j] + u * gaps[j + 1]


def relu_cone_points(S, n_points: int = 200, rng=0, *, return_weights: bool = False):
    """Random points of the ReLU cone C_max(S) (Definition 3), one per row, shape (n_points, n).

    Each point is sigma_max(S a + b 1) with a Gaussian direction a and the bias b drawn so that
    the hyperplane a^T s + b = 0 falls below all, between two consecutive, or above all the
    projected values a^T s_i: every cut of the sample by that direction is equally likely, so
    small faces are hit as well as the big ones.  One point in eight uses a = 0 (the ray of 1).

    The thresholds below all and above all lie 1 beyond the extreme values, and the biases of
    the a = 0 points lie in [0.5, 2]: sizes meant for a sample of moderate size.  The cone is
    invariant under scaling of S, and so is the draw: when max|S| lies outside [2^-10, 2^10],
    the weights are drawn for S times a power of two 2^-e (exact) that brings max|S| into
    [0.5, 1), and the biases are multiplied by 2^e.  So the sample c S with c = 2^j gives
    exactly 2^j times the points of S (other c: the same faces hit, in the same order), and
    for max|S| in [2^-10, 2^10] nothing is rescaled.  (Without it, at scale 1e100 the
    offsets of 1 vanish in rounding and the end thresholds fall on sample points; at 1e-100
    the points are numerically multiples of 1.)

    With ``return_weights=True`` also returns the weights, an (n_points, p+1) array of (a, b).

    >>> X = relu_cone_points([[0.0], [1.0], [2.0]], 5, rng=1)
    >>> X.shape, bool((X >= 0).all())
    ((5, 3), True)
    """
    S = as_matrix("S", S)
    n_points = check_positive_int("n_points", n_points)
    rng = as_rng("rng", rng)
    return_weights = check_bool("return_weights", return_weights)
    n, p = S.shape
    size = float(np.abs(S).max()) if S.size else 0.0
    e = int(np.frexp(size)[1]) if size > 0 and not 2.0**-10 <= size <= 2.0**10 else 0
    P = np.ldexp(S, -e) if e else S  # (exact) the draw is made for max|P| in [0.5, 1) when rescaled
    thetas = np.empty((n_points, p + 1))
    for j in range(n_points):
        a = rng.standard_normal(p) if j % 8 != 7 else np.zeros(p)
        if not a.any():
            b = rng.uniform(0.5, 2.0)
        else:
            b = -_thresholds(P @ a, rng)
        thetas[j] = np.append(a, b)
    if e:
        thetas[:, -1] = np.ldexp(thetas[:, -1], e)  # weights for S: S a + 2^e b = 2^e (P a + b)
    X = relu_projection(thetas @ augmented_sample(S).T)
    return (X, thetas) if return_weights else X


def relu_cone_preimage(x, S, *, rtol: float = 1e-9):
    """Weights (a, b) with sigma_max(S a + b 1) = x, or ``None`` if x is not in C_max(S).

    Solves the linear feasibility problem  [s_i^T, 1] theta = x_i where x_i > 0 and
    [s_i^T, 1] theta <= 0 where x_i = 0 (entries below ``rtol * max|x|`` count as zero) with
    scipy's HiGHS, then verifies the answer: it is returned only if it reproduces x to
    ``1e-7 * (1 + ||x||)``.  A vector with a negative entry is never in the cone.

    The cone is invariant under scaling, so the answer must be too: when max|x| lies outside
    [2^-10, 2^10], x is first multiplied by a power of two (exactly) to bring max|x| into [0.5, 1),
    and theta is scaled back.  Without this the solver's absolute tolerances decide for tiny x
    (1e-7 (1, 0, 1) would pass as a member) and HiGHS reads entries of 1e20 as infinite.  The
    same holds for the sample (C_max(c S) = C_max(S)): when max|S| lies outside [2^-10, 2^10], the
    problem is solved for S times a power of two 2^-f bringing it into [0.5, 1), and the weights
    a are multiplied by 2^-f.  And for translations (C_max(S + 1 c^T) = C_max(S)): when the sample's
    centre c (the midpoint of its range in each coordinate) exceeds 2^10 times its spread in some
    coordinate, the problem is solved and verified for S - 1 c^T and the bias moved back,
    b = b' - a^T c; evaluating S a + b at the original S then loses about log10(max abs c / spread)
    digits to cancellation (the affine function itself is exact).

    >>> theta = relu_cone_preimage([0.0, 0.5, 1.5], [[0.0], [1.0], [2.0]])
    >>> np.round(theta, 6)
    array([ 1. , -0.5])
    >>> relu_cone_preimage([1.0, 0.0, 1.0], [[0.0], [1.0], [2.0]]) is None
    True
    """
    S1 = augmented_sample(S)
    x = as_vector("x", x, length=S1.shape[0])
    rtol = check_tolerance("rtol", rtol, high=0.5)
    scale = float(np.max(np.abs(x))) if x.size else 0.0
    if scale == 0.0:
        return np.zeros(S1.shape[1])
    if not 2.0**-10 <= scale <= 2.0**10:
        e = int(np.frexp(scale)[1])
        theta = relu_cone_preimage(np.ldexp(x, -e), S1[:, :-1], rtol=rtol)
        return None if theta is None else np.ldexp(theta, e)
    size = float(np.abs(S1[:, :-1]).max()) if S1.shape[1] > 1 else 0.0
    if size > 0 and not 2.0**-10 <= size <= 2.0**10:  # the same for S: (S 2^-f) a' = S (2^-f a')
        f = int(np.frexp(size)[1])
        theta = relu_cone_preimage(x, np.ldexp(S1[:, :-1], -f), rtol=rtol)
        if theta is not None:
            theta[:-1] = np.ldexp(theta[:-1], -f)
        return theta
    P = S1[:, :-1]
    if P.shape[1] and P.shape[0]:
        lo, hi = P.min(axis=0), P.max(axis=0)
        centre = lo + (hi - lo) / 2.0
        if np.any(np.abs(centre) > 2.0**10 * (hi - lo)):
            # Far from the origin for its spread, [s_i, 1] is nearly rank-deficient in floating point
            # and the solver's tolerances decide. The cone is invariant under translation
            # (a^T (s - c) + b' = a^T s + (b' - a^T c)): solve for S - c, verified there.
            theta = relu_cone_preimage(x, P - centre, rtol=rtol)
            if theta is not None:
                theta[-1] -= float(theta[:-1] @ centre)
            return theta
    if np.any(x < -rtol * scale):
        return None
    pos = x > rtol * scale
    res = scipy.optimize.linprog(
        np.zeros(S1.shape[1]),
        A_ub=S1[~pos] if (~pos).any() else None,
        b_ub=np.zeros(int((~pos).sum())) if (~pos).any() else None,
        A_eq=S1[pos], b_eq=x[pos], bounds=[(None, None)] * S1.shape[1], method="highs",
    )
    if res.status != 0:
        return None
    theta = res.x
    if np.linalg.norm(relu_projection(S1 @ theta) - x) > 1e-7 * (1 + np.linalg.norm(x)):
        return None
    return theta


def in_relu_cone(x, S) -> bool:
    """Whether x lies in C_max(S) (via :func:`relu_cone_preimage`).

    >>> in_relu_cone([1.0, 1.0, 1.0], [[0.0], [1.0], [2.0]]), in_relu_cone([0.0, 1.0, 0.0], [[0.0], [1.0], [2.0]])
    (True, False)
    """
    return relu_cone_preimage(x, S) is not None


def distinct_rows(S) -> int:
    """Number of distinct points among the rows of S (exact comparison).

    >>> distinct_rows([[0.0], [1.0], [1.0]])
    2
    """
    S = as_matrix("S", S)
    return int(np.unique(S, axis=0).shape[0])


@dataclass(frozen=True)
class ConeDimensions:
    """The dimensions of C_max(S), each computed its own way.

    Attributes
    ----------
    rank_S1 : int
        rank [S, 1], the paper's value (13), as :func:`rank_S1` decides it.
    span : int
        dim span C_max(S): numerical rank of a matrix of sampled cone points (the paper's
        definition of the dimension of a cone).
    set_dimension : int
        Largest dimension of a face, measured as the largest local rank of finite differences
        of psi_1 around sampled weights (no Jacobian formula used).
    jacobian_rank : int
        Largest rank of :func:`psi_1_jacobian` over the sampled weights: the rank of the rows
        of [S, 1] active there, with the module's one rank decision (:data:`DEGENERACY_RTOL`).
    distinct : int
        Number of distinct sample points.
    n_points : int
        Number of cone points sampled.
    """

    rank_S1: int
    span: int
    set_dimension: int
    jacobian_rank: int
    distinct: int
    n_points: int


def local_dimension(S, theta, *, eps: float = 1e-6, n_dirs: int | None = None, rng=0) -> int:
    """Dimension of psi_1(Theta) near psi_1(theta), from finite differences (q = 1).

    Takes the numerical rank of the differences psi_1(theta + eps delta_j) - psi_1(theta) for
    random unit directions delta_j (default 2(p+1) of them), with a relative threshold 1e-6.
    No derivative formula is used, so this is an independent check of the Jacobian rank.

    The answer depends only on the values [S, 1] theta and the column space of [S, 1], not on
    the size or position of S (the sample c S with weights (a / c, b) gives the same answer):
    the map is rewritten as y -> sigma_max(U_r y) with U_r the orthonormal basis of the
    column space decided once for the module (:data:`DEGENERACY_RTOL`, as
    :func:`relu_cone_dimensions` does) and y = U_r^T [S, 1] theta, and the step is
    ``eps * |[S, 1] theta|`` (``eps`` when that is 0), relative to the values.  (Differencing
    in theta itself, as this function did, takes steps of absolute size eps for a sample of
    size 1e-100, whose values then vanish under the bias.)

    >>> local_dimension([[0.0], [1.0], [2.0], [3.0]], [1.0, -0.5])   # 3 active points on a line
    2
    >>> local_dimension([[0.0], [1e-100], [2e-100], [3e-100]], [1e100, -0.5])
    2
    """
    S1 = augmented_sample(S)
    theta = as_vector("theta", theta, length=S1.shape[1])
    rng = as_rng("rng", rng)
    n_dirs = 2 * S1.shape[1] if n_dirs is None else check_positive_int("n_dirs", n_dirs, high=10**6)
    # eps = 0 would difference psi_1 with itself (dimension 0); eps must be a genuine step.
    eps = check_positive_float("eps", eps)
    U = _affine_decision(S1).basis
    with np.errstate(over="ignore", invalid="ignore"):
        values = S1 @ theta
    if not np.all(np.isfinite(values)):
        raise ValueError("theta is too large for S: the values [S, 1] theta overflow float64")
    return _local_rank(U, U.T @ values, eps, n_dirs, rng, relative=True)


def _local_rank(M: np.ndarray, theta: np.ndarray, eps: float, n_dirs: int, rng: np.random.Generator,
                *, relative: bool = False) -> int:
    """:func:`local_dimension` for the map theta -> sigma_max(M theta) (checked arguments).

    The step is ``eps * max(1, |theta|)``, or ``eps * |theta|`` when ``relative`` (for M with
    orthonormal columns, where |theta| = |M theta| carries the scale of the sample).
    """
    x0 = relu_projection(M @ theta)
    D = rng.standard_normal((n_dirs, M.shape[1]))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    size = float(np.linalg.norm(theta))
    h = eps * (size if relative and size > 0 else max(1.0, size))
    diffs = relu_projection((theta + h * D) @ M.T) - x0
    if not np.any(diffs):
        return 0
    return numerical_rank(diffs, 1e-6).rank


def relu_cone_dimensions(S, *, n_points: int = 400, rng=0) -> ConeDimensions:
    """All the dimensions of C_max(S) (see :class:`ConeDimensions`), from ``n_points`` sampled points.

    ``rank_S1``, ``jacobian_rank`` and ``set_dimension`` rest on the one rank decision of the
    module (:data:`DEGENERACY_RTOL`), as the faces of :func:`relu_cone_faces` do: rank_S1 is
    the decided rank; the Jacobian rank at a sampled theta is the rank of the rows of the
    decided [S', 1] active there (the dimension of that face); the set dimension is the largest
    finite-difference rank of y -> sigma_max(U_r y), U_r an orthonormal basis of the decided
    column space (the same cone), at the sampled points.  ``span`` is the numerical rank
    (threshold 1e-9) of the sampled cone points themselves.  The points are drawn by
    :func:`relu_cone_points` for S moved and scaled into [-1, 1]^p (the same cone), so the answers
    do not depend on the size or the position of S.

    >>> relu_cone_dimensions([[0.0], [1.0], [2.0]])
    ConeDimensions(rank_S1=2, span=3, set_dimension=2, jacobian_rank=2, distinct=3, n_points=400)
    """
    S = as_matrix("S", S)
    rng = as_rng("rng", rng)
    dec = _affine_decision(augmented_sample(S))
    # the points and weights are drawn for S' (the same cone, C_max(S') = C_max(S)), so that
    # the draw does not depend on the size or position of S (relu_cone_points' offsets are +-1)
    S1 = dec.scaled
    X, thetas = relu_cone_points(S1[:, :-1], n_points, rng, return_weights=True)
    span = numerical_rank(X, 1e-9).rank if np.any(X) else 0
    M = dec.matrix
    # the Jacobian rank at every sampled theta, with one batched SVD: the rows of the decided
    # [S', 1] that are active there, with the faces' threshold (numerical_rank's default for a
    # non-degenerate sample: the same LAPACK call per matrix as numerical_rank makes)
    J = M[None, :, :] * (thetas @ S1.T > 0)[:, :, None]
    s = np.linalg.svd(J, compute_uv=False)
    rtol = max(M.shape) * np.finfo(float).eps if dec.rtol is None else dec.rtol
    jac = int(np.count_nonzero(s > rtol * s[:, :1], axis=1).max())
    # the finite-difference check at a handful of the sampled weights, including the a = 0 ones
    # (where every point is active) and the first few others, each moved to the decided column
    # space: sigma_max(S1 theta) = sigma_max(U_r y) with y = U_r^T S1 theta
    picks = list(range(7, n_points, 8))[:3] + list(range(min(n_points, 5)))
    U = dec.basis
    local = max(_local_rank(U, U.T @ (S1 @ thetas[j]), 1e-6, 2 * S1.shape[1], rng, relative=True) for j in picks)
    return ConeDimensions(dec.rank, span, local, jac, distinct_rows(S), n_points)


def sample_for_subspace(L, *, tol: float = 1e-10) -> np.ndarray:
    """A sample S whose [S, 1] has column space L -- the converse direction of Lemma 1 (ii).

    Parameters
    ----------
    L : array (n, r)
        Columns spanning a subspace of R^n that must contain the all-ones vector 1.

    Returns
    -------
    S : array (n, max(r - 1, 1))
        The columns of L with their component along 1 removed, reduced to an orthonormal basis
        (a zero column when L = span{1}).  Then span [S, 1] = span L and C_max(S) = sigma_max(L).

    Examples
    --------
    >>> S = sample_for_subspace([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> S.shape, rank_S1(S)
    ((3, 1), 2)
    """
    L = as_matrix("L", L)
    tol = check_tolerance("tol", tol)
    n = L.shape[0]
    U, s, _ = np.linalg.svd(L, full_matrices=False)
    if s[0] == 0:
        raise ValueError("L must span a subspace containing the all-ones vector; it is the zero matrix")
    r = int(np.count_nonzero(s > max(L.shape) * np.finfo(float).eps * s[0]))
    U = U[:, :r]
    one = np.ones(n) / np.sqrt(n)
    resid = one - U @ (U.T @ one)
    if np.linalg.norm(resid) > tol ** 0.5:
        raise ValueError(
            f"L must span a subspace containing the all-ones vector 1; the distance of 1/sqrt(n) from span L is {np.linalg.norm(resid):.3g}"
        )
    if r == 1:
        return np.zeros((n, 1))
    # span L = span{1} + (the part of L orthogonal to 1), which has dimension exactly r - 1
    W = U - np.outer(one, one @ U)
    Uw = np.linalg.svd(W, full_matrices=False)[0]
    return Uw[:, : r - 1]


@dataclass(frozen=True)
class Face:
    """A non-empty face F_I(S) = C_max(S) ∩ R^n_I of the ReLU cone (§5, before Lemma 2).

    Attributes
    ----------
    indices : tuple of int
        The index set I (0-based): the coordinates that are positive on the face.
    dimension : int
        dim F_I(S) = rank [S_I, 1_I] (the rows of [S, 1] in I; 0 for I empty).
    """

    indices: tuple
    dimension: int


#: A linear program's separator x counts only if float64 arithmetic confirms it: the values
#: M x are >= 1 - ``_LP_SLACK`` on I and <= ``_LP_SLACK`` off I, and a bound on their rounding
#: error (4 d eps max_i sum_j |M_ij x_j|) is below ``_LP_SLACK / 10``.  Then M x - 2 _LP_SLACK 1
#: (1 is in the column space, up to DEGENERACY_RTOL when degenerate) is positive on I and negative off I, and the separation does not
#: rest on the last digits of the data: a separator of a point that lies on the segment of two
#: others up to rounding, found with |x| ~ 1e8, is refused.
_LP_SLACK = 1e-6

#: The HiGHS algorithms tried in turn: the second only when the first's answer is not a clean
#: "infeasible" and not a verified separator (status 0 with violated constraints, iteration
#: limit, numerical trouble).
_LP_METHODS = ("highs", "highs-ipm")


def _verified_separator(M: np.ndarray, mask: np.ndarray, x) -> bool:
    """Whether x satisfies M_I x >= 1 and M_{not I} x <= 0 (I = mask), checked in float64."""
    if x is None or not np.all(np.isfinite(x)):
        return False
    v = M @ x
    rounding = 4 * M.shape[1] * np.finfo(float).eps * float((np.abs(M) @ np.abs(x)).max())
    return bool(
        rounding < _LP_SLACK / 10
        and np.all(v[mask] >= 1 - _LP_SLACK)
        and np.all(v[~mask] <= _LP_SLACK)
    )


def _separating_weights(S1: np.ndarray, I) -> np.ndarray | None:
    """theta with [S1]_I theta >= 1 and [S1]_{not I} theta <= 0, or None if there is none.

    Solved by HiGHS; a returned theta is always verified (``_verified_separator``): a
    solution that violates its constraints (the solver can report success on near-singular
    data) is refused, the next method of ``_LP_METHODS`` is tried, and if none gives a verified
    separator the answer is None.  A clean "infeasible" (status 2) is final.
    """
    n, d = S1.shape
    mask = np.zeros(n, dtype=bool)
    mask[list(I)] = True
    A_ub = np.vstack([-S1[mask], S1[~mask]])
    b_ub = np.concatenate([-np.ones(mask.sum()), np.zeros((~mask).sum())])
    for method in _LP_METHODS:
        res = scipy.optimize.linprog(np.zeros(d), A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * d, method=method)
        if res.status == 2:
            return None
        if res.status == 0 and _verified_separator(S1, mask, res.x):
            return res.x
    return None


def relu_cone_faces(S) -> list[Face]:
    """The non-empty faces F_I(S) of C_max(S), with their dimensions; C_max(S) is their union (24).

    F_I(S) is non-empty exactly when some affine function is positive on the points s_i, i in I,
    and non-positive on the others (the index set I is cut off by an affine hyperplane).  Because
    that condition is homogeneous in (a, b), it is equivalent to the linear program
    a^T s_i + b >= 1 (i in I), a^T s_i + b <= 0 (i not in I), which is solved (HiGHS) for each of
    the 2^n subsets -- hence the limit n <= :data:`MAX_FACE_N`.  The dimension of a non-empty
    face is rank [S_I, 1_I]: a strict separator exists (lower b slightly), so F_I(S) contains an
    open piece of the coordinate projection of span [S, 1] onto R^I.

    Returns the faces sorted by size of I, then lexicographically.  Indices are 0-based.

    >>> [(f.indices, f.dimension) for f in relu_cone_faces([[0.0], [1.0], [2.0]])]
    [((), 0), ((0,), 1), ((2,), 1), ((0, 1), 2), ((1, 2), 2), ((0, 1, 2), 2)]
    """
    S1 = augmented_sample(S)
    n = S1.shape[0]
    if n > MAX_FACE_N:
        raise ValueError(f"S must have at most MAX_FACE_N = {MAX_FACE_N} rows for face enumeration (2^n linear programs); got {n}")
    dec = _affine_decision(S1)  # near-degeneracy decided once (DEGENERACY_RTOL)
    faces = [Face((), 0)]
    for size in range(1, n + 1):
        for I in combinations(range(n), size):
            # I = all points needs no linear program: theta = (0, ..., 0, 1) is positive on every point;
            # the others run on the orthonormal basis U_r of the decided column space (same faces)
            if size == n or _separating_weights(dec.basis, I) is not None:
                faces.append(Face(I, numerical_rank(dec.matrix[list(I)], dec.rtol).rank))
    return faces


def _three_point_faces(S) -> list[Face]:
    """:func:`relu_cone_faces` for n = 3 points, with a linear program only where needed.

    For three points, a proper index set I or its complement is a single index i, and both
    F_{{i}} and F_{other two} are non-empty exactly when s_i is not on the segment joining the
    other two points (disjoint convex hulls are strictly separated by an affine function; it,
    or its negative, is positive on exactly I).  So one distance decides two faces: a point
    farther than ``1e-6 * max(1, max|S|)`` from the segment is off it, a distance of exactly 0
    puts it on it, and anything in between is left to the linear programs of
    :func:`relu_cone_faces`.  I = {0, 1, 2} is never empty.  Same list, same order.
    """
    S1 = augmented_sample(S)
    if S1.shape[0] != 3:
        raise ValueError(f"S must have n = 3 rows; got {S1.shape[0]}")
    dec = _affine_decision(S1)  # the same near-degeneracy decision as relu_cone_faces
    S1, rtol = dec.matrix, dec.rtol
    P = S1[:, :-1]
    scale = max(1.0, float(np.abs(P).max()))
    nonempty = {(0, 1, 2): True}
    for i in range(3):
        j, k = (x for x in range(3) if x != i)
        seg = P[k] - P[j]
        length2 = float(seg @ seg)
        t = 0.0 if length2 == 0.0 else min(1.0, max(0.0, float((P[i] - P[j]) @ seg) / length2))
        dist = float(np.linalg.norm(P[i] - (P[j] + t * seg)))
        if dist > 1e-6 * scale:
            off = True
        elif dist == 0.0:
            off = False
        else:
            off = None
        nonempty[(i,)] = off if off is not None else _separating_weights(dec.basis, (i,)) is not None
        nonempty[(j, k)] = off if off is not None else _separating_weights(dec.basis, (j, k)) is not None
    faces = [Face((), 0)]
    for size in (1, 2, 3):
        for I in combinations(range(3), size):
            if nonempty[I]:
                faces.append(Face(I, numerical_rank(S1[list(I)], rtol).rank))
    return faces


def face_point(S, indices) -> np.ndarray | None:
    """A point of the face F_I(S) (I = ``indices``, 0-based), or ``None`` if the face is empty.

    Whether the face is empty is decided as in :func:`relu_cone_faces` (the linear program on
    the decided column space, :data:`DEGENERACY_RTOL`), so ``face_point(S, I)`` is ``None``
    exactly when I is missing from ``relu_cone_faces(S)``.  The point returned is
    sigma_max([S, 1] theta) for a verified separator theta of the raw sample when the linear
    program on [S, 1] itself finds one; otherwise (a sample of size 1e100, which HiGHS reads
    as infinite, or a degenerate sample whose raw linear program fails) it is sigma_max(U_r y)
    for the decided separator y: a point of the face at the scale of 1 and, for a
    degenerate sample, a point of the nearest rank-r cone the faces are decided for (within
    about ``DEGENERACY_RTOL`` of C_max(S), not necessarily in it).  A separator is verified only
    to within 1e-6 of its constraints; when its values are positive at a point outside I, they
    are lowered by 2e-6 so that the point returned is positive exactly on I.

    >>> face_point([[0.0], [1.0], [2.0]], (1, 2)).round(6)
    array([0., 1., 2.])
    """
    S1 = augmented_sample(S)
    n = S1.shape[0]
    if isinstance(indices, (str, bytes)) or not hasattr(indices, "__iter__"):
        raise TypeError(f"indices must be a sequence of distinct integers in [0, {n - 1}]; got {indices!r}")
    # check_int refuses floats: (1.9, 2.2) is an error, not the face (1, 2).
    idx = tuple(check_int("indices", i, low=0, high=n - 1, what="a row index") for i in indices)
    if any(i < 0 or i >= n for i in idx) or len(set(idx)) != len(idx):
        raise ValueError(f"indices must be distinct integers in [0, {n - 1}]; got {tuple(indices)!r}")
    if not idx:
        return np.zeros(n)
    U = _affine_decision(S1).basis
    y = None if len(idx) == n else _separating_weights(U, idx)  # the face list's decision
    if y is None and len(idx) < n:
        return None
    theta = _separating_weights(S1, idx)  # a point of F_I(S) of the raw sample, when its LP finds one
    values = S1 @ theta if theta is not None else U @ (U.T @ np.ones(n) if y is None else y)
    x = relu_projection(values)
    if np.count_nonzero(x) != len(idx):
        # a verified separator is only <= _LP_SLACK off I: lowered by 2 _LP_SLACK it is negative there
        x = relu_projection(values - 2 * _LP_SLACK)
    return x


# ---------------------------------------------------------------------------------------------
# Pictures for n = 3


def _critical_directions(U: np.ndarray) -> np.ndarray:
    """Unit directions c in R^r (r = columns of U) where the sign pattern of U c can change."""
    r = U.shape[1]
    if r == 1:
        return np.array([[1.0], [-1.0]])
    out = []
    if r == 2:
        for u in U:
            c = np.array([-u[1], u[0]])
            if np.linalg.norm(c) > 1e-12:
                out += [c, -c]
    else:
        for i, j in combinations(range(U.shape[0]), 2):
            c = np.cross(U[i], U[j])
            if np.linalg.norm(c) > 1e-12:
                out += [c, -c]
    if not out:
        return np.zeros((0, r))
    out = np.array(out)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _unique_rows(X: np.ndarray) -> np.ndarray:
    """The distinct rows of a real matrix without NaN, sorted lexicographically: ``np.unique(X, axis=0)``, faster."""
    X = X[np.lexsort(X.T[::-1])]
    keep = np.ones(len(X), dtype=bool)
    keep[1:] = np.any(X[1:] != X[:-1], axis=1)
    return X[keep]


def cone_cross_section(S, *, n_grid: int = 721):
    """The cross-section of C_max(S) (n = 3) by the plane x1 + x2 + x3 = 1, face by face.

    Every point of C_max(S) other than 0 is a positive multiple of one point of the triangle
    {x >= 0, x1 + x2 + x3 = 1}; this returns, for each non-empty face F_I with I non-empty, the
    closure of F_I ∩ {sum = 1} as an array of vertices (a point, the two ends of a segment, or a
    polygon in order).  Computed from weights on a fine grid of the unit circle/sphere of the
    coordinates of span [S, 1], plus the exact directions where the sign pattern changes, so the
    vertices are exact.  Returns a list of (Face, vertices (k, 3)).
    """
    S = as_matrix("S", S)
    if S.shape[0] != 3:
        raise ValueError(f"S must have n = 3 rows to be drawn in 3-space; got {S.shape[0]}")
    S1 = augmented_sample(S)
    n_grid = check_positive_int("n_grid", n_grid, high=10**6)
    U, s, _ = np.linalg.svd(S1, full_matrices=False)
    r = rank_S1(S)
    U = U[:, :r]
    if r == 1:
        C = np.array([[1.0], [-1.0]])
    elif r == 2:
        t = np.linspace(0, 2 * np.pi, n_grid, endpoint=False)
        C = np.column_stack([np.cos(t), np.sin(t)])
    else:
        m = n_grid * 6
        k = np.arange(m) + 0.5
        phi = np.arccos(1 - 2 * k / m)
        th = np.pi * (1 + 5 ** 0.5) * k
        C = np.column_stack([np.cos(th) * np.sin(phi), np.sin(th) * np.sin(phi), np.cos(phi)])
    C = np.vstack([C, _critical_directions(U)])
    Z = C @ U.T  # pre-activations, one row per weight direction
    tol = 1e-9
    out = []
    for face in _three_point_faces(S):  # = relu_cone_faces(S), faster
        I = list(face.indices)
        if not I:
            continue
        mask = np.zeros(3, dtype=bool)
        mask[I] = True
        sel = np.all(Z[:, mask] >= -tol, axis=1) & np.all(Z[:, ~mask] <= tol, axis=1)
        X = relu_projection(Z[sel])
        X = X[X.sum(axis=1) > 1e-9]
        X = X / X.sum(axis=1, keepdims=True)
        X = _unique_rows(np.round(X, 12))
        if face.dimension == 1 or len(X) == 1:
            V = X.mean(axis=0, keepdims=True)
        elif face.dimension == 2 or numerical_rank(X - X.mean(axis=0), 1e-9).rank < 2:
            direction = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][0]
            proj = X @ direction
            V = X[[int(np.argmin(proj)), int(np.argmax(proj))]]
        else:
            P = X[:, :2]  # the triangle is a graph over (x1, x2)
            hull = scipy.spatial.ConvexHull(P)
            V = X[hull.vertices]
        out.append((face, V))
    return out


def corollary1_check(S, q: int, rng) -> tuple[bool, bool, int, int]:
    """Check Corollary 1 for q outputs on the sample S: (14) both ways, and both dimensions.

    Returns ``(subset, superset, set_dim, span_dim)``:

    * ``subset``: every column of psi_1(A, b) (random weights) is a point of C_max(S);
    * ``superset``: q sampled cone points, given weights by :func:`relu_cone_preimage` and
      stacked, are reproduced by psi_1 -- together, the direct sum (14);
    * ``set_dim``: the dimension of psi_1(Theta) as a set, the rank of finite differences of
      psi_1 around weights where every unit is active (Corollary 1 claims q rank[S, 1]);
    * ``span_dim``: the dimension of the span of psi_1(Theta), from sampled matrices with one
      cone point in one column (q times the number of distinct sample points, see Lemma 1).

    ``rng`` is a ``numpy.random.Generator`` (it is advanced).
    """
    S = as_matrix("S", S)
    q = check_positive_int("q", q)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; got {rng!r}")
    n, p = S.shape
    P = psi_1(S, rng.standard_normal((q, p)), rng.standard_normal(q))
    subset = all(in_relu_cone(P[:, j], S) for j in range(q))
    V = np.column_stack([relu_cone_points(S, 9, rng=int(rng.integers(1000)))[4] for _ in range(q)])
    th = [relu_cone_preimage(V[:, j], S) for j in range(q)]
    superset = bool(np.allclose(psi_1(S, np.array([t[:-1] for t in th]), np.array([t[-1] for t in th])), V, atol=1e-8))
    A = rng.standard_normal((q, p))
    b = np.abs(S @ A.T).max() + 1.0 + rng.random(q)
    base, eps, D = psi_1(S, A, b).ravel(), 1e-6, []
    for k in range(q * (p + 1)):
        d = np.zeros(q * (p + 1))
        d[k] = eps
        D.append((psi_1(S, A + d[: q * p].reshape(q, p), b + d[q * p :]).ravel() - base) / eps)
    set_dim = numerical_rank(np.array(D), 1e-6).rank
    blocks = []
    for j in range(q):
        B = np.zeros((80, n, q))
        B[:, :, j] = relu_cone_points(S, 80, rng=j)
        blocks.append(B.reshape(80, -1))
    span_dim = numerical_rank(np.vstack(blocks), 1e-9).rank
    return subset, superset, set_dim, span_dim
