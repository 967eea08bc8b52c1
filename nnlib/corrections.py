r"""Exact statements behind the ledger's corrections to §5: the dimension counts and the one-neuron image.

Two groups of pure functions (numpy arrays in, numbers out), written for the claims ledger
(:mod:`nnlib.ledger`) and its errata page, and tested in ``tests/test_corrections.py``.

**Dimension of the two-layer ReLU image** (Corollaries 2-4, Theorem 3).  Write ``N`` for the
number of distinct rows of the sample ``S`` (n x p) and ``r = rank[S, 1]``.

* :func:`two_layer_dimension_bound`: ``min(N q, (r + q - 1) d + q)``, a *proven* upper bound on
  ``dim psi_2(Theta)`` for every sample.  Proof: equal rows give equal output rows, so the image
  lies in a linear space of dimension ``N q``; and ``psi_2 = 1 b^T + sum_j y_j c_j^T`` with each
  cone point ``y_j`` in ``C_max(S)``, a set of dimension ``r`` (Lemma 1 (i) read as a set), each
  ``c_j`` in ``R^q`` and ``b`` in ``R^q``, while the ``d`` rescalings ``y_j -> t y_j``,
  ``c_j -> c_j / t`` (``t > 0``) keep the output: ``d r + d q + q - d``.  For ``q = 1`` it is
  ``min(N, d r + 1)``, Corollary 2's first bound capped by ``N`` (the printed cap ``n`` is too
  large when rows repeat).
* Equality holds when ``C_max(S)`` has ``d`` faces ``F_I`` of dimension ``r`` whose spans,
  together with ``1``, form a direct sum (proof: at cone points inside those faces the tangent
  space of the image contains ``V_j (x) c_j + y_j (x) R^q`` for each unit, of dimension
  ``r + q - 1``, and ``1 (x) R^q``, and these sum directly).  Generic samples with
  ``N >= d r + 1`` and the samples of Theorem 3's proof have such faces.
* It fails in both other directions that occur:

  - the distinct points are affinely independent (``N = r``, e.g. ``n <= p + 1`` general
    points, or repeated copies of them): the cone is the whole orthant of the distinct
    coordinates, the image is an open part of ``{X : rank(P X) <= d}`` (``P`` the projection
    orthogonal to ``1``), and ``dim = min(N q, q + d (N - 1 + q - d))``
    (:func:`affinely_independent_dimension`), below the bound by ``d (d - 1) + d`` before the
    cap (at ``d = 1``: by one);
  - every face of dimension ``r`` shares a direction with another (a line of points plus one
    point off it, as in Theorem 1's sample: every face of dimension 3 contains the point's
    coordinate vector), or there are too few points for ``d`` independent faces: the exact
    Jacobian rank stays below the bound (e.g. ``2 d + 2`` instead of ``3 d + 1`` for ``q = 1``).

* :func:`exact_two_layer_rank`: a *certified lower bound* on the dimension, the exact rank (over
  the prime field F_p, hence a lower bound for the rational rank) of the integer Jacobian at
  integer weights, for an integer sample.  When it meets :func:`two_layer_dimension_bound`, the
  dimension is certified.

**One neuron per layer** (the end of §5).  For widths ``(1, ..., 1)`` (``k`` layers) and a
sample ``s`` of reals, the image of weights is

* ``k = 1``: the affine images ``alpha s + beta``;
* ``k = 2``: the one-sided clamps ``max(g(s), lo)`` and ``min(g(s), hi)``, ``g`` affine;
* ``k >= 3``: the clamps ``min(max(g(s), lo), hi)``, ``g`` affine, ``lo <= hi``
  (:func:`one_neuron_clamp_form`).

Each of these sets is *closed* (for each pattern of clamped points it is the projection of a
polyhedron, and there are finitely many patterns), so it is its own closure.  The paper's
description (:func:`one_neuron_paper_form`: monotone, constant on an initial and a final run,
affine in between) is necessary but not sufficient: it leaves out that the affine part, extended,
must not cross the constant levels before the runs end, i.e. the step into (and out of) a
constant run is no steeper than the affine part.  ``x = (0, 2, 3, 4)`` on ``s = (0, 1, 2, 3)``
fits the description (runs ``(0)`` and ``(4)``, middle ``2, 3``) and is in no ``psi_k(Theta)``.
"""

from __future__ import annotations

import itertools

import numpy as np

from ._checks import as_matrix, as_rng, as_vector, check_positive_int, check_tolerance
from .certify import exact_jacobian, jacobian_rank_mod_p
from .cones import distinct_rows, rank_S1
from .literature import PRIME
from .network import Architecture

__all__ = [
    "two_layer_dimension_bound",
    "affinely_independent_dimension",
    "corollary4_printed_cap",
    "two_layer_integer_jacobian",
    "exact_two_layer_rank",
    "one_neuron_clamp_form",
    "one_neuron_paper_form",
]


# ----------------------------------------------------------------------------------------------
# Two-layer ReLU dimension
# ----------------------------------------------------------------------------------------------
def two_layer_dimension_bound(S, d: int, q: int) -> int:
    """The proven upper bound min(N q, (r + q - 1) d + q) on dim psi_2(Theta), N distinct rows, r = rank[S, 1].

    >>> two_layer_dimension_bound(np.array([[0.0], [1.0], [2.0], [2.0]]), 1, 2)
    5
    """
    S = as_matrix("S", S)
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    return min(distinct_rows(S) * q, (rank_S1(S) + q - 1) * d + q)


def corollary4_printed_cap(S, d: int, q: int) -> int:
    """The corrected count as first stated in the book, min(n q, (r + q - 1) d + q), with n the number of rows.

    Kept to test that it does not come back: with repeated rows it exceeds the dimension.

    >>> corollary4_printed_cap(np.array([[0.0], [0.0], [0.0]]), 1, 2)
    4
    """
    S = as_matrix("S", S)
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    return min(S.shape[0] * q, (rank_S1(S) + q - 1) * d + q)


def affinely_independent_dimension(N: int, d: int, q: int) -> int:
    """dim psi_2(Theta) when the N distinct sample points are affinely independent (N = rank[S, 1]).

    Then C_max(S) is the non-negative orthant of the N distinct coordinates, and psi_2(Theta)
    is an open part of {X : rank(P X) <= d}, P the projection orthogonal to 1: of dimension
    q + d (N - 1 + q - d) if d < min(N - 1, q), else N q.

    >>> affinely_independent_dimension(3, 1, 2)
    5
    >>> affinely_independent_dimension(1, 3, 2)
    2
    """
    N = check_positive_int("N", N)
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    if d >= min(N - 1, q):
        return N * q
    return q + d * (N - 1 + q - d)


def two_layer_integer_jacobian(S, A1, b1, A2) -> np.ndarray:
    """The exact Jacobian (integers) of psi_2 for a p-d-q ReLU network at integer weights and sample.

    Computed by :func:`nnlib.certify.exact_jacobian` (exact rationals; python-flint
    when installed, else pure Python), in this layout:

    columns in the order A_1 (row by row, each row followed by its bias b_1), then for each
    output k the k-th row of A_2 and b_2[k]; rows: the n q outputs, output by output.  No
    pre-activation may be zero (the kink), which is checked.
    """
    S = np.asarray(S)
    A1, b1, A2 = np.asarray(A1), np.asarray(b1), np.asarray(A2)
    for name, arr in (("S", S), ("A1", A1), ("b1", b1), ("A2", A2)):
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name}: expected an integer array, got dtype {arr.dtype}")
    n, p = S.shape
    d, q = A1.shape[0], A2.shape[0]
    if A1.shape != (d, p) or b1.shape != (d,) or A2.shape != (q, d):
        raise ValueError(f"A1, b1, A2: expected shapes ({d}, {p}), ({d},), ({q}, {d}); got "
                         f"{A1.shape}, {b1.shape}, {A2.shape}")
    Z = S.astype(np.int64) @ A1.T.astype(np.int64) + b1
    if np.any(Z == 0):
        raise ValueError("b1: a pre-activation is zero at a sample point (a kink); choose other weights")
    J = exact_jacobian(Architecture((p, d, q)), S.astype(float), _packed(A1, b1, A2))
    J = np.array([[int(x) for x in row] for row in J], dtype=np.int64)  # integer data: integer entries
    # certify's layout (rows i q + k, columns A_1, b_1, A_2, b_2) -> this function's
    rows = (np.arange(n)[None, :] * q + np.arange(q)[:, None]).ravel()
    first = [j * p + c for j in range(d) for c in range(p)]
    cols = [c for j in range(d) for c in first[j * p:(j + 1) * p] + [d * p + j]]
    off = d * (p + 1)
    cols += [c for k in range(q) for c in list(range(off + k * d, off + (k + 1) * d)) + [off + q * d + k]]
    return J[np.ix_(rows, cols)]


def _packed(A1, b1, A2) -> np.ndarray:
    """theta of the p-d-q network (A_1, b_1, A_2, b_2 = 0) in nnlib's packing, as exact floats."""
    q = A2.shape[0]
    return np.concatenate([A1.ravel(), b1, A2.ravel(), np.zeros(q)]).astype(float)


def exact_two_layer_rank(S, d: int, q: int, *, draws: int = 40, rng=0) -> int:
    """A certified lower bound on dim psi_2(Theta): the largest exact Jacobian rank over integer weight draws.

    ``S`` must be an integer sample.  Each draw takes even first-layer weights and an odd bias
    (so no pre-activation is zero), mostly with the bias between two consecutive distinct values
    of the unit's pre-activation (so the unit splits the sample); the rank is computed over
    F_p (:func:`nnlib.certify.jacobian_rank_mod_p`, the prime :data:`nnlib.literature.PRIME`), at
    most the rational rank.  Inside the open region
    of weights with the same activation pattern psi_2 is polynomial, so its image has dimension
    at least that rank.

    >>> exact_two_layer_rank(np.array([[0], [1], [2], [3]]), 1, 1)
    3
    """
    S = np.asarray(S)
    if S.ndim != 2 or not np.issubdtype(S.dtype, np.integer):
        raise TypeError(f"S: expected a 2-D integer array, got dtype {S.dtype} and shape {S.shape}")
    d = check_positive_int("d", d)
    q = check_positive_int("q", q)
    draws = check_positive_int("draws", draws)
    rng = as_rng("rng", rng)
    S = S.astype(np.int64)
    p = S.shape[1]
    best = 0
    for t in range(draws):
        A1 = 2 * rng.integers(-9, 10, (d, p))
        b1 = np.empty(d, np.int64)
        for j in range(d):
            z = np.unique(S @ A1[j])
            if z.size >= 2 and t % 4:
                i = int(rng.integers(0, z.size - 1))
                lo, hi = int(z[i]), int(z[i + 1])  # both even: an odd point strictly between exists
                mid = int(rng.integers(lo // 2, hi // 2)) * 2 + 1
                b1[j] = -mid
            else:
                b1[j] = 2 * int(rng.integers(-40, 40)) + 1
        A2 = rng.integers(-9, 10, (q, d))
        best = max(best, jacobian_rank_mod_p(Architecture((p, d, q)), S.astype(float), _packed(A1, b1, A2),
                                             prime=PRIME))
    return best


# ----------------------------------------------------------------------------------------------
# One neuron per layer
# ----------------------------------------------------------------------------------------------
def _sorted_groups(s, x, tol):
    """Sort by s; check that equal s carry equal x; return distinct s and their x (or None)."""
    order = np.argsort(s, kind="stable")
    s, x = s[order], x[order]
    keep = np.concatenate([[True], np.diff(s) > 0])
    starts = np.flatnonzero(keep)
    for a, b in zip(starts, list(starts[1:]) + [s.size]):
        if np.ptp(x[a:b]) > tol:
            return None
    return s[keep], x[keep]


def _on_line(s, x, tol):
    if s.size <= 2:
        return True, (None if s.size < 2 else (x[1] - x[0]) / (s[1] - s[0]))
    slope = (x[-1] - x[0]) / (s[-1] - s[0])
    return bool(np.all(np.abs(x[0] + slope * (s - s[0]) - x) <= tol)), slope


def one_neuron_clamp_form(x, s, k: int, *, tol: float = 1e-9) -> bool:
    """Whether x = clamp(g(s)) for the one-neuron-per-layer ReLU network of depth k, by enumeration.

    An independent check of :func:`nnlib.joins.one_neuron_member` (no linear program): sort the
    distinct sample values, then try every pattern ``[0, i) clamped low, [i, j) affine,
    [j, N) clamped high`` (for ``k = 2`` only one of the two clamped runs, for ``k = 1`` none),
    for an increasing and a decreasing g.  A pattern fits when x is constant on each clamped run,
    the affine part lies on a line g, and g, extended, does not come back inside the clamped
    levels: at the last low point g <= lo, at the first high point g >= hi (for increasing g).
    With at most one point in the affine part, any slope steep enough works.

    >>> s = np.arange(4.0)
    >>> one_neuron_clamp_form([0, 2, 3, 4], s, 3), one_neuron_clamp_form([0, 1, 2, 2], s, 3)
    (False, True)
    """
    s = as_vector("s", s)
    x = as_vector("x", x, length=s.size)
    k = check_positive_int("k", k)
    tol = check_tolerance("tol", tol, allow_zero=True) * (1.0 + np.abs(x).max())
    grouped = _sorted_groups(s, x, tol)
    if grouped is None:
        return False
    s, x = grouped
    N = s.size
    for sign in (1.0, -1.0):
        y = sign * x  # a decreasing g for x is an increasing one for -x (with lo, hi swapped)
        for i in range(N + 1):
            for j in range(i, N + 1):
                if k == 1 and (i > 0 or j < N):
                    continue
                if k == 2 and i > 0 and j < N:
                    continue
                if i > 0 and np.ptp(y[:i]) > tol or j < N and np.ptp(y[j:]) > tol:
                    continue
                mid_s, mid_y = s[i:j], y[i:j]
                ok, slope = _on_line(mid_s, mid_y, tol)
                if not ok:
                    continue
                lo = y[0] if i > 0 else -np.inf
                hi = y[-1] if j < N else np.inf
                if lo > hi + tol or np.any(mid_y < lo - tol) or np.any(mid_y > hi + tol):
                    continue
                if mid_s.size >= 2:
                    if slope < -tol:
                        continue
                    g = lambda t: mid_y[0] + slope * (t - mid_s[0])  # noqa: E731
                    if i > 0 and g(s[i - 1]) > lo + tol:
                        continue
                    if j < N and g(s[j]) < hi - tol:
                        continue
                return True
    return False


def one_neuron_paper_form(x, s, k: int, *, tol: float = 1e-9) -> bool:
    """Whether x fits the paper's description of the one-neuron image, read as generously as possible.

    Monotone (either way, the book's first correction) in the sorted sample, constant on an
    initial and a final run (for ``k = 2`` on one of them only, the book's second correction),
    and affine in s on the indices in between.  The ``if`` direction of the paper's "if and only
    if" would make every such x an output; :func:`one_neuron_clamp_form` shows it is not.

    >>> one_neuron_paper_form([0, 2, 3, 4], np.arange(4.0), 3)
    True
    """
    s = as_vector("s", s)
    x = as_vector("x", x, length=s.size)
    k = check_positive_int("k", k)
    tol = check_tolerance("tol", tol, allow_zero=True) * (1.0 + np.abs(x).max())
    grouped = _sorted_groups(s, x, tol)
    if grouped is None:
        return False
    s, x = grouped
    N = s.size
    steps = np.diff(x)
    if not (np.all(steps >= -tol) or np.all(steps <= tol)):
        return False
    for i, j in itertools.product(range(N + 1), repeat=2):
        if j < i or (k == 1 and (i > 0 or j < N)) or (k == 2 and i > 0 and j < N):
            continue
        if i > 0 and np.ptp(x[:i]) > tol or j < N and np.ptp(x[j:]) > tol:
            continue
        if _on_line(s[i:j], x[i:j], tol)[0]:
            return True
    return False
