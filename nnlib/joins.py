r"""The geometry of two-layer ReLU networks (paper §5): joins, secants and dimension formulas.

A two-layer ReLU network with d hidden units sends a sample S (n x p) to

    psi_2(theta) = sum_j y_j c_j^T + 1 b^T,    y_j = sigma_max(S a_j + b_j 1) in C_max(S),

equations (22)-(23) (and the proof of Theorem 4 for q outputs): d points of the ReLU cone,
combined with *arbitrary real* coefficients c_j (rows of A_2^T), plus a constant column per
output.  This module

* splits a network output into that form (:func:`join_decomposition`) and, conversely, builds
  weights realising a given combination (:func:`network_from_join`);
* makes Lemmas 2 and 3 constructive (:func:`lemma2_shift`, :func:`lemma3_vectors`) and
  computes the face spans of the proof of Theorem 3 (:func:`theorem3_face_spans`);
* states the dimension formulas of §5 as functions (``corollary2_bounds``,
  ``theorem3_dimension``, ``corollary4_formulas``, ``rescaled_dimension``) and evaluates
  them against :func:`nnlib.image_dimension` on grids (:func:`dimension_grid`);
* exhibits the positive rescaling symmetry of each hidden unit in the Jacobian's null space
  (:func:`rescaling_directions`);
* tests membership in the image of a deep network with one neuron per layer
  (:func:`one_neuron_member`, :func:`one_neuron_clamp_weights`);

The chapter's figures and the dimension explorer are in :mod:`nnlib.viz.joins`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.optimize

from ._checks import as_matrix, as_rng, as_vector, check_arch, check_bool, check_nonnegative_int, check_positive_int, check_real, check_tolerance
from .cones import augmented_sample, in_relu_cone, rank_S1, relu_projection
from .dimension import image_dimension, numerical_rank
from .network import Architecture, jacobian, weights_map  # noqa: F401 (used by the docstring examples)

__all__ = [
    "JoinDecomposition",
    "join_decomposition",
    "network_from_join",
    "in_sum_secant_one_point",
    "increasing_sample",
    "lemma2_shift",
    "lemma3_vectors",
    "theorem3_face_spans",
    "corollary2_bounds",
    "theorem3_dimension",
    "corollary4_formulas",
    "rescaled_dimension",
    "rescaling_directions",
    "GridRow",
    "dimension_grid",
    "one_neuron_member",
    "one_neuron_clamp_weights",
]


def _two_layer_relu(arch) -> Architecture:
    arch = check_arch(arch)
    if arch.k != 2 or arch.activation.name != "relu":
        raise ValueError(f"arch must be a two-layer ReLU network (widths (p, d, q)); got {arch!r}")
    return arch


# ----------------------------------------------------------------------------------------------
# Theorem 2 / Theorem 4: the join decomposition and its converse
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class JoinDecomposition:
    """psi_2(theta) = Y^T C + 1 lam^T, with the cone points as the rows of Y (eq. (23)).

    Attributes
    ----------
    Y : ndarray, shape (d, n)
        The cone points y_j = sigma_max(S a_j + b_j 1), one per row.
    hidden_weights : ndarray, shape (d, p + 1)
        The (a_j, b_j) producing them.
    C : ndarray, shape (d, q)
        The coefficients c_ij (A_2 transposed); real, of either sign.
    lam : ndarray, shape (q,)
        The constant added to each output column.
    """

    Y: np.ndarray
    hidden_weights: np.ndarray
    C: np.ndarray
    lam: np.ndarray

    def combination(self) -> np.ndarray:
        """The n x q matrix Y^T C + 1 lam^T."""
        return self.Y.T @ self.C + self.lam[None, :]


def join_decomposition(arch, S, theta) -> JoinDecomposition:
    """Split psi_2(theta) into d ReLU cone points, their coefficients and a constant, (22)-(23).

    >>> arch = Architecture((1, 2, 1))
    >>> S = np.array([[0.0], [1.0], [2.0]])
    >>> theta = np.array([1.0, -1.0, -0.5, 0.0, 2.0, -3.0, 0.5])
    >>> dec = join_decomposition(arch, S, theta)
    >>> bool(np.allclose(dec.combination(), weights_map(arch, S, theta)))
    True
    """
    arch = _two_layer_relu(arch)
    S = as_matrix("S", S, cols=arch.p)
    (A1, b1), (A2, b2) = arch.unpack(theta)
    W = np.column_stack([A1, b1])  # (d, p+1)
    Y = relu_projection(augmented_sample(S) @ W.T).T  # (d, n)
    return JoinDecomposition(Y, W.copy(), A2.T.copy(), b2.copy())


def network_from_join(hidden_weights, C, lam) -> np.ndarray:
    """Weights theta of a (p, d, q) ReLU network whose output is sum_j y_j c_j^T + 1 lam^T.

    ``hidden_weights`` (d x (p+1)) are the (a_j, b_j) of the cone points y_j (e.g. from
    :func:`nnlib.cones.relu_cone_points` with ``return_weights=True`` or from
    :func:`nnlib.cones.relu_cone_preimage`); ``C`` is d x q (a length-d vector means q = 1);
    ``lam`` has length q.  This is the converse inclusion of Theorems 2 and 4.

    >>> network_from_join([[1.0, 0.0]], [2.0], [3.0]).tolist()
    [1.0, 0.0, 2.0, 3.0]
    """
    W = as_matrix("hidden_weights", hidden_weights)
    d = W.shape[0]
    C = np.asarray(C, dtype=float)
    C = as_matrix("C", C.reshape(-1, 1) if C.ndim == 1 else C, rows=d)
    lam = as_vector("lam", lam, length=C.shape[1])
    return np.concatenate([W[:, :-1].ravel(), W[:, -1], C.T.ravel(), lam])


def in_sum_secant_one_point(x, S, lambdas) -> bool:
    """Whether x - lam 1 lies in C_max(S) for some lam in ``lambdas`` (a grid search).

    This tests membership in Join(C_max(S), span{1}) with the *sum* reading of the secant
    locus (a cone point with coefficient +1) for d = 1, on a grid of constants.
    """
    x = as_vector("x", x)
    lambdas = as_vector("lambdas", lambdas)
    return any(in_relu_cone(x - lam, S) for lam in lambdas)


# ----------------------------------------------------------------------------------------------
# Lemmas 2 and 3, the proof of Theorem 3
# ----------------------------------------------------------------------------------------------
def increasing_sample(n: int, p: int, rng=0) -> np.ndarray:
    """A random sample in the open set U of (26): every column strictly increasing.

    >>> S = increasing_sample(5, 2, rng=0)
    >>> bool(np.all(np.diff(S, axis=0) > 0))
    True
    """
    n = check_positive_int("n", n)
    p = check_positive_int("p", p)
    rng = as_rng("rng", rng)
    return np.cumsum(rng.uniform(0.2, 1.8, size=(n, p)), axis=0) + rng.standard_normal(p)


def lemma2_shift(x, k: int) -> tuple[float, np.ndarray]:
    """Lemma 2, made constructive: lam and I with sigma_max(lam 1 + x) in R^n_I and ``|I| = k``.

    Returns ``(lam, I)`` with I the (0-based, sorted) indices of the k largest coordinates of x.
    Requires the k-th and (k+1)-th largest coordinates to differ (x "general").

    >>> lam, I = lemma2_shift([3.0, 1.0, 2.0], 2)
    >>> lam, I.tolist()
    (-1.5, [0, 2])
    """
    x = as_vector("x", x)
    n = x.size
    k = check_positive_int("k", k)
    if k > n:
        raise ValueError(f"k must be at most n = {n}; got {k}")
    v = np.sort(x)  # ascending: v[n-k] is the k-th largest
    hi = v[n - k]
    if k < n:
        lo = v[n - k - 1]
        if not lo < hi:
            raise ValueError(f"x must have distinct k-th and (k+1)-th largest coordinates (x general); got ties at {hi:g}")
        lam = -0.5 * (lo + hi)
    else:
        lam = 1.0 - hi
    I = np.flatnonzero(x + lam > 0)
    return float(lam), I


def lemma3_vectors(S, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Lemma 3, made constructive, for S with columns v_1, ..., v_p (S in U of (26)).

    Returns ``(V, I)``: the p + 1 vectors sigma(lam_i 1 + v_i), i = 1..p, and sigma(mu 1 + v_1)
    as rows of V, all in R^n_I with I the top-k index set; mu is a second shift of v_1 in the
    same gap as lam_1.  Their independence is then a rank computation.

    >>> V, I = lemma3_vectors(increasing_sample(6, 2, rng=1), 4)
    >>> V.shape, I.tolist()
    ((3, 6), [2, 3, 4, 5])
    """
    S = as_matrix("S", S)
    n, p = S.shape
    k = check_positive_int("k", k)
    if not p + 1 <= k <= n:
        raise ValueError(f"k must satisfy p + 1 <= k <= n, i.e. {p + 1} <= k <= {n}; got {k}")
    rows, I0 = [], None
    for i in range(p):
        lam, I = lemma2_shift(S[:, i], k)
        if I0 is not None and not np.array_equal(I, I0):
            raise ValueError("S must have the same top-k index set in every column (e.g. S in U of (26))")
        I0 = I
        rows.append(relu_projection(S[:, i] + lam))
    v = np.sort(S[:, 0])
    lam1, _ = lemma2_shift(S[:, 0], k)
    # mu: another point of the same gap (v_(n-k), v_(n-k+1)), or further below when k = n
    mu = -(0.25 * v[n - k - 1] + 0.75 * v[n - k]) if k < n else lam1 + 1.0
    rows.append(relu_projection(S[:, 0] + mu))
    return np.array(rows), I0


def theorem3_face_spans(S, d: int) -> dict:
    """The index sets J_i and face spans of the proof of Theorem 3, and the dimension of their sum.

    J_i = {n - i(p+1) + 1, ..., n} (0-based here: the last i(p+1) indices).  span F_{J_i}(S)
    is the set of vectors supported on J_i whose J_i-part lies in the column space of
    [S_{J_i}, 1]; its dimension is rank [S_{J_i}, 1].  Returns the sets, the dimension of each
    span, whether the sets are nested/disjoint, and the dimension of the sum of the spans and
    of span{1} (the lower bound the proof derives).
    """
    S = as_matrix("S", S)
    n, p = S.shape
    d = check_positive_int("d", d)
    if d * (p + 1) > n:
        raise ValueError(f"d must satisfy d (p + 1) <= n = {n}; got d = {d}, p = {p}")
    S1 = augmented_sample(S)
    J = [np.arange(n - i * (p + 1), n) for i in range(1, d + 1)]
    bases, dims = [], []
    for Ji in J:
        B = np.zeros((n, p + 1))
        B[Ji] = S1[Ji]
        bases.append(B)
        dims.append(numerical_rank(B).rank)
    total = np.column_stack(bases)
    with_one = np.column_stack([total, np.ones(n)])
    nested = all(set(J[i]).issubset(J[i + 1]) for i in range(d - 1))
    disjoint = all(not set(J[i]) & set(J[j]) for i in range(d) for j in range(i + 1, d))
    return {
        "J": J,
        "span_dims": dims,
        "nested": nested,
        "disjoint": disjoint,
        "sum_dim": numerical_rank(total).rank,
        "sum_dim_with_one": numerical_rank(with_one).rank,
    }


# ----------------------------------------------------------------------------------------------
# The dimension formulas of §5
# ----------------------------------------------------------------------------------------------
def corollary2_bounds(S, d: int) -> tuple[int, int]:
    """The two upper bounds of Corollary 2 (q = 1): d rank[S, 1] + 1 and min(d(min(p, n) + 1) + 1, pn).

    >>> corollary2_bounds(np.eye(3), 2)
    (7, 9)
    """
    S = as_matrix("S", S)
    d = check_positive_int("d", d)
    n, p = S.shape
    return d * rank_S1(S) + 1, min(d * (min(p, n) + 1) + 1, p * n)


def theorem3_dimension(p: int, d: int) -> int:
    """The value d(p + 1) + 1 of (25) (Theorem 3, Corollary 3).

    >>> theorem3_dimension(2, 3)
    10
    """
    return check_positive_int("d", d) * (check_positive_int("p", p) + 1) + 1


def corollary4_formulas(S, d: int, q: int) -> tuple[int, int]:
    """The two printed values of Corollary 4: (q + rank[S, 1]) d + q and (p + q + 1) d + q (= m).

    >>> corollary4_formulas(np.eye(3), 2, 2)
    (12, 14)
    """
    S = as_matrix("S", S)
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    p = S.shape[1]
    return (q + rank_S1(S)) * d + q, (p + q + 1) * d + q


def rescaled_dimension(r: int, d: int, q: int, n: int) -> int:
    """The corrected count min(nq, (r + q - 1) d + q), r = rank[S, 1]: one weight per hidden unit is lost to rescaling.

    For general samples r = p + 1 and this is (p + q) d + q = m - d (capped by nq); for q = 1
    it is d r + 1, the first bound of Corollary 2, and d (p + 1) + 1 of Corollary 3.

    >>> rescaled_dimension(3, 4, 2, 100)
    18
    """
    r = check_nonnegative_int("r", r)
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    n = check_positive_int("n", n)
    return min(n * q, (r + q - 1) * d + q)


def rescaling_directions(arch, theta) -> np.ndarray:
    """The d tangent directions of the rescalings (a_j, b_j) -> t (a_j, b_j), column j of A_2 -> / t.

    Returns a d x m array; each row is d/dt at t = 1 of the rescaled theta.  For ReLU,
    psi_2 is constant along each curve, so every row is in the Jacobian's null space.

    >>> arch = Architecture((1, 2, 1))
    >>> rescaling_directions(arch, np.arange(7.0)).shape
    (2, 7)
    """
    arch = _two_layer_relu(arch)
    (A1, b1), (A2, b2) = arch.unpack(theta)
    d = A1.shape[0]
    out = []
    for j in range(d):
        dA1, db1 = np.zeros_like(A1), np.zeros_like(b1)
        dA2, db2 = np.zeros_like(A2), np.zeros_like(b2)
        dA1[j], db1[j] = A1[j], b1[j]
        dA2[:, j] = -A2[:, j]
        out.append(arch.pack([(dA1, db1), (dA2, db2)]))
    return np.array(out)


@dataclass(frozen=True)
class GridRow:
    """One architecture of a dimension grid: sizes, computed dimension, formulas and time."""

    n: int
    p: int
    d: int
    q: int
    m: int
    rank_S1: int
    dimension: int
    rescaled: int
    paper: int
    n_points: int
    seconds: float


def dimension_grid(
    configs, *, sample: str = "general", rng=0, use_bound: bool = True, n_points: int | None = None
) -> list[GridRow]:
    """Compute dim psi_2(Theta) for two-layer ReLU networks over a list of (n, p, d, q).

    ``sample`` is ``"general"`` (Gaussian) or ``"increasing"`` (in U of (26)).  With
    ``use_bound`` the search stops at the proven bound :func:`rescaled_dimension` (see
    :func:`nnlib.image_dimension`'s ``upper_bound``).  ``paper`` is the printed value:
    d(p+1)+1 for q = 1 (Theorem 3), (p+q+1)d+q for q > 1 (Corollary 4).  ``n_points`` is
    passed to :func:`nnlib.image_dimension` (near n = d(p+1)+1 the top rank is rare: use
    thousands of points there; with ``use_bound`` the search still stops at the bound).
    """
    if sample not in ("general", "increasing"):
        raise ValueError(f"sample must be 'general' or 'increasing'; got {sample!r}")
    rng = as_rng("rng", rng)
    use_bound = check_bool("use_bound", use_bound)
    rows = []
    for cfg in configs:
        n, p, d, q = (check_positive_int(name, v) for name, v in zip(("n", "p", "d", "q"), cfg))
        S = increasing_sample(n, p, rng) if sample == "increasing" else rng.standard_normal((n, p))
        arch = Architecture((p, d, q))
        r = rank_S1(S)
        bound = rescaled_dimension(r, d, q, n)
        t0 = time.perf_counter()
        rep = image_dimension(arch, S, rng=rng, n_points=n_points, upper_bound=bound if use_bound else None,
                              use_symmetries=use_bound, balanced=use_bound)  # without: no stop, the plain search
        dt = time.perf_counter() - t0
        paper = theorem3_dimension(p, d) if q == 1 else (p + q + 1) * d + q
        rows.append(GridRow(n, p, d, q, arch.m, r, rep.dimension, bound, paper, len(rep.ranks), dt))
    return rows


# ----------------------------------------------------------------------------------------------
# Deep networks with one neuron per layer
# ----------------------------------------------------------------------------------------------
def _affine_feasible(s, x, lo_idx, hi_idx, mid_idx, slope_sign: int, tol: float) -> bool:
    """Is there g(s) = alpha s + beta (sign of alpha given, 0 = free) with g = x on mid, g <= x on lo, g >= x on hi?"""
    A_eq = np.column_stack([s[mid_idx], np.ones(len(mid_idx))]) if len(mid_idx) else None
    b_eq = x[mid_idx] if len(mid_idx) else None
    A_ub, b_ub = [], []
    for i in lo_idx:
        A_ub.append([s[i], 1.0])
        b_ub.append(x[i])
    for i in hi_idx:
        A_ub.append([-s[i], -1.0])
        b_ub.append(-x[i])
    bounds = [(0, None) if slope_sign > 0 else (None, 0) if slope_sign < 0 else (None, None), (None, None)]
    if A_eq is not None:
        # least squares on the middle first: equality up to tol
        coef, *_ = np.linalg.lstsq(A_eq, b_eq, rcond=None)
        if np.abs(A_eq @ coef - b_eq).max() > tol:
            return False
        if len(mid_idx) >= 2 and np.ptp(s[mid_idx]) > 0:
            alpha, beta = coef
            if slope_sign * alpha < -tol:
                return False
            g = alpha * s + beta
            return bool(np.all(g[lo_idx] <= x[lo_idx] + tol) and np.all(g[hi_idx] >= x[hi_idx] - tol))
    res = scipy.optimize.linprog(
        np.zeros(2), A_ub=np.array(A_ub) if A_ub else None, b_ub=np.array(b_ub) if b_ub else None,
        A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs",
    )
    return res.status == 0


def one_neuron_member(x, s, k: int, *, tol: float = 1e-9) -> bool:
    """Whether x is in psi_k(Theta) for the ReLU network with one neuron in every layer, widths (1,)*(k+1).

    k = 1: x affine in s.  k = 2: x = lam + c sigma(a s + b), i.e. x = max(g(s), lo) or
    min(g(s), hi) for an affine g (a constant run at one end).  k >= 3: x = clamp(g(s), lo, hi)
    for an affine g (constant runs at both ends, affine in between, monotone in s).  The k >= 3
    description is exact because a clamp composed with an affine map and a ReLU is a clamp,
    and every clamp is reached at k = 3 (see :func:`one_neuron_clamp_weights`).

    >>> s = np.arange(6.0)
    >>> one_neuron_member([0, 0, 1, 2, 2, 2], s, 2), one_neuron_member([0, 0, 1, 2, 2, 2], s, 3)
    (False, True)
    """
    s = as_vector("s", s)
    x = as_vector("x", x, length=s.size)
    k = check_positive_int("k", k)
    tol = check_tolerance("tol", tol, allow_zero=True)
    scale = 1.0 + np.abs(x).max()
    tol = tol * scale
    lo, hi = x.min(), x.max()
    at_lo = np.flatnonzero(x <= lo + tol)
    at_hi = np.flatnonzero(x >= hi - tol)
    if hi - lo <= tol:
        return True
    mid = np.flatnonzero((x > lo + tol) & (x < hi - tol))
    if k == 1:
        return _affine_feasible(s, x, [], [], np.arange(s.size), 0, tol)
    if k == 2:
        # max(g, lo): equality where x > lo, g <= lo where x == lo
        above = np.flatnonzero(x > lo + tol)
        below = np.flatnonzero(x < hi - tol)
        return _affine_feasible(s, x, at_lo, [], above, 0, tol) or _affine_feasible(s, x, [], at_hi, below, 0, tol)
    # k >= 3: clamp(g, lo, hi) with g increasing, or with g decreasing
    return _affine_feasible(s, x, at_lo, at_hi, mid, 1, tol) or _affine_feasible(s, x, at_lo, at_hi, mid, -1, tol)


def one_neuron_clamp_weights(s0: float, s1: float, lo: float, hi: float, k: int = 3) -> np.ndarray:
    """Weights of the one-neuron-per-layer ReLU network (widths (1,)*(k+1), k >= 3) computing a clamp.

    The network is s -> hi - (hi - lo) sigma(1 - sigma((s - s0)/(s1 - s0))): lo for s <= s0,
    hi for s >= s1, affine in between (s0 > s1 gives a decreasing clamp).  Layers beyond the
    third pass the non-negative hidden value through unchanged (weight 1, bias 0).

    >>> arch = Architecture((1, 1, 1, 1))
    >>> theta = one_neuron_clamp_weights(1.0, 3.0, -1.0, 2.0)
    >>> weights_map(arch, np.arange(5.0)[:, None], theta).ravel().tolist()
    [-1.0, -1.0, 0.5, 2.0, 2.0]
    """
    k = check_positive_int("k", k)
    if k < 3:
        raise ValueError(f"k must be at least 3 (a clamp needs two hidden layers); got {k}")
    s0, s1, lo, hi = (check_real(name, v) for name, v in (("s0", s0), ("s1", s1), ("lo", lo), ("hi", hi)))
    if s0 == s1:
        raise ValueError(f"s1 must differ from s0; got s0 = s1 = {s0:g}")
    a = 1.0 / (s1 - s0)
    layers = [(np.array([[a]]), np.array([-s0 * a])), (np.array([[-1.0]]), np.array([1.0]))]
    layers += [(np.array([[1.0]]), np.array([0.0])) for _ in range(k - 3)]
    layers.append((np.array([[-(hi - lo)]]), np.array([hi])))
    return Architecture((1,) * (k + 1)).pack(layers)

