r"""Chapter 7's dimension questions held against later work: exact ranks, proven bounds, published cases.

The paper (§7) asks for the generic dimension of the image of weights and suggests polynomial
activations.  Work since 2019 answers parts of both; this module reproduces some of its
published numbers with nnlib and adds the two tools that turn chapter 7's floating-point ranks
into certified statements:

* **an exact lower bound** (:func:`exact_rank_lower_bound`): the rank, over the prime field
  F_p, of the Jacobian of a network with activation x^r at *integer* weights and *integer* sample
  points.  Every entry of that Jacobian is an integer, so a nonzero r x r minor modulo p is a
  nonzero integer minor: the rank over the rationals, hence the dimension of the image, is at
  least the rank found.  No rounding is involved; an unlucky draw can only make the bound smaller.
* **a proven upper bound** (:func:`recursive_dimension_bound`): the parameter count less the
  scalings, the dimension of the space the polynomial maps live in, and, recursively, the bound
  obtained by cutting the network at a hidden layer of width d_i.  Writing the network as
  h o sigma o g, with g the layers up to the cut and h the rest, the d_i scalings
  g_j -> t_j g_j, (column j of h's first matrix) -> t_j^{-r} (column j) leave the network
  unchanged, so dim <= dim(g-part) + dim(h-part) - d_i.  The bound is smaller than the
  parameter count exactly when one of the two parts *fills* its own space (every tuple of
  polynomials it could output is reached): the extra weights of that part are then wasted.

When the two bounds meet, the dimension is certified: exact computation for the lower bound, a
proof (the scaling count) for the upper.  :func:`certify_polynomial_dimension` returns both.

The published cases reproduced (see the tests and chapter 7):

* Alexander and Hirschowitz (1995), the shallow single-output case of every later
  classification: :func:`alexander_hirschowitz_dimension`.
* Finkel, Rodriguez, Wu and Yahl (2025): equi-width architectures attain the expected dimension
  for every activation degree.
* Kubjas, Li and Wiesmann (2024): the conjecture that non-increasing widths with more than one
  output are never defective.
* Dao and Rodriguez (2026): (2, 3, 4, 5, 4, 6, 4, 1) with r = 2, a minimal filling architecture
  whose widths are not unimodal (:data:`DAO_RODRIGUEZ_COUNTEREXAMPLE`, :func:`hidden_predecessors`).
* ReLU: Grillo and Montúfar (2026) prove that the functional dimension equals m minus the number
  of hidden units when the input and every hidden layer have width at least 2
  (:func:`relu_functional_dimension_prediction`).

Everything here is pure maths on integer or float arrays; nothing imports a picture.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import certify
from ._checks import as_rng, check_bool, check_nonnegative_int, check_positive_int
from .network import Architecture

__all__ = [
    "PRIME",
    "DAO_RODRIGUEZ_COUNTEREXAMPLE",
    "ambient_dimension",
    "expected_dimension",
    "recursive_dimension_bound",
    "rank_mod_p",
    "exact_jacobian_mod_p",
    "exact_rank_lower_bound",
    "DimensionCertificate",
    "certify_polynomial_dimension",
    "hidden_predecessors",
    "is_unimodal",
    "alexander_hirschowitz_dimension",
    "relu_functional_dimension_prediction",
]

#: The prime of the exact computations, 2^27 - 39, so that a product of two residues is below
#: 2^54 (nnlib.certify's kernel sums 256 of them at a time within a signed 64-bit integer).
PRIME = 134217689

#: The first counterexample of Dao and Rodriguez (2026) to the unimodal minimal filling
#: conjecture of Kileel, Trager and Bruna (2019): widths and activation degree r.
DAO_RODRIGUEZ_COUNTEREXAMPLE = ((2, 3, 4, 5, 4, 6, 4, 1), 2)


# ----------------------------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------------------------
def _check_widths(widths) -> tuple[int, ...]:
    if (isinstance(widths, (str, bytes, Set, Mapping)) or not hasattr(widths, "__len__")
            or not hasattr(widths, "__getitem__")):  # a set has no order: the widths' order is the network
        raise TypeError(f"widths must be an ordered sequence of positive integers; got {type(widths).__name__}")
    widths = tuple(check_positive_int(f"widths[{i}]", w, high=10**6) for i, w in enumerate(widths))
    if len(widths) < 2:
        raise ValueError(f"widths must list at least an input and an output width; got {widths}")
    return widths


def _check_degree(r) -> int:
    r = check_positive_int("r", r)
    if r < 2:
        raise ValueError(f"r must be at least 2 (r = 1 is a linear network); got {r}")
    return r


def _check_prime(p) -> int:
    p = check_positive_int("p", p)
    if p < 3 or p > 2**27 or any(p % d == 0 for d in range(2, math.isqrt(p) + 1)):
        raise ValueError(f"p must be a prime between 3 and 2^27 (products must fit in 64 bits); got {p}")
    return p


# ----------------------------------------------------------------------------------------------
# bounds (proved)
# ----------------------------------------------------------------------------------------------
def ambient_dimension(widths, r: int, *, bias: bool = False) -> int:
    """Dimension of the space of d_L-tuples of polynomials a network with activation x^r computes.

    Without biases (Kileel, Trager and Bruna's setting) these are homogeneous polynomials of
    degree D = r^(L-1) in d_0 variables: d_L binom(d_0 + D - 1, D).  With biases (the paper's
    networks (1)) they are polynomials of degree at most D: d_L binom(d_0 + D, D), as in
    :func:`nnlib.generic.polynomial_space_bound`.

    >>> ambient_dimension((2, 3, 4, 5, 4, 6, 4, 1), 2)   # binary forms of degree 2^6
    65
    """
    widths = _check_widths(widths)
    r = _check_degree(r)
    bias = check_bool("bias", bias)
    D = r ** (len(widths) - 2)
    d0, dL = widths[0], widths[-1]
    return dL * (math.comb(d0 + D, D) if bias else math.comb(d0 + D - 1, D))


def _parameter_bound(widths, bias: bool) -> int:
    """Number of weights (and biases) less one scaling per hidden unit."""
    m = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    if bias:
        m += sum(widths[1:])
    return m - sum(widths[1:-1])


def expected_dimension(widths, r: int, *, bias: bool = False) -> int:
    """min(parameters - hidden units, ambient dimension): the "expected" dimension of the literature.

    Without biases this is Kileel, Trager and Bruna's expected dimension (the same number as
    :func:`nnlib.generic.ktb_expected_dimension`); with biases it is chapter 7's
    min(m - symmetries, q binom(p + D, D)).  Both terms are proven upper bounds.

    >>> expected_dimension((2, 2, 3, 1), 3)
    8
    """
    widths = _check_widths(widths)
    r = _check_degree(r)
    bias = check_bool("bias", bias)
    if len(widths) == 2:   # a linear (affine) map: no activation, nothing to scale
        return widths[0] * widths[1] + (widths[1] if bias else 0)
    return min(_parameter_bound(widths, bias), ambient_dimension(widths, r, bias=bias))


@lru_cache(maxsize=4096)
def _recursive(widths: tuple[int, ...], r: int, bias: bool) -> int:
    best = expected_dimension(widths, r, bias=bias)
    if len(widths) == 3 and widths[-1] == 1 and not bias:   # shallow, one output: a theorem gives it
        best = min(best, alexander_hirschowitz_dimension(widths[0], widths[1], r))
    for i in range(1, len(widths) - 1):
        left = _recursive(widths[: i + 1], r, bias)
        right = _recursive(widths[i:], r, bias)
        best = min(best, left + right - widths[i])
    return best


def recursive_dimension_bound(widths, r: int, *, bias: bool = False) -> int:
    r"""Proven upper bound on the dimension of the polynomial maps of a network with activation x^r.

    u(d_0, ..., d_L) = min( expected dimension,
                            min_{0 < i < L} u(d_0, ..., d_i) + u(d_i, ..., d_L) - d_i ).

    Proof of the recursive term: the network is h o sigma o g with g the first i layers (ending
    with a linear or affine map into R^{d_i}) and h the last L - i.  The map (g, h) -> network
    factors through the product of the two sets of polynomial maps, of dimension at most
    u(left) + u(right), and each fibre contains the d_i-dimensional orbit of the scalings
    g_j -> t_j g_j, h_{.j} -> t_j^{-r} h_{.j}.  Holds with and without biases.  A bias-free
    shallow single-output piece (d_0, d_1, 1) enters with its exact dimension from the
    Alexander-Hirschowitz theorem (:func:`alexander_hirschowitz_dimension`).

    >>> recursive_dimension_bound((2, 2, 3, 1), 3)      # 2 + 4 - 2: the 2-3-1 part fills binary cubics
    6
    >>> recursive_dimension_bound((1, 3, 3, 2), 3, bias=True)
    17
    """
    widths = _check_widths(widths)
    r = _check_degree(r)
    return _recursive(widths, r, check_bool("bias", bias))


# ----------------------------------------------------------------------------------------------
# exact ranks over F_p (certified lower bounds)
# ----------------------------------------------------------------------------------------------
def rank_mod_p(M, p: int = PRIME) -> int:
    """Rank of an integer matrix over the prime field F_p (:func:`nnlib.certify.rank_mod_p`).

    The rank over F_p is at most the rank over the rationals (a nonzero minor modulo p is a
    nonzero integer minor), so it is a certified lower bound on the rational rank.  Uses
    python-flint when installed, else exact arithmetic in pure Python
    (:func:`nnlib.certify.exact_backend`).

    >>> rank_mod_p([[1, 2], [2, 4]])
    1
    """
    p = _check_prime(p)
    if np.ndim(M) != 2:
        raise ValueError(f"M must be a 2-D integer matrix; got shape {np.shape(M)}")
    return certify.rank_mod_p(M, prime=p)


def exact_jacobian_mod_p(widths, r: int, points, layers, p: int = PRIME) -> np.ndarray:
    """Jacobian of the network's values on ``points`` with respect to its weights, modulo p.

    ``points`` is an integer array (n, d_0); ``layers`` a list of (A_i, b_i) integer arrays with
    A_i of shape (d_i, d_{i-1}) and b_i of shape (d_i,) or ``None`` (no bias in that layer).
    The network is x -> A_L s(A_{L-1} s(... s(A_1 x + b_1) ...) + b_{L-1}) + b_L with
    s(z) = z^r.  Rows are (point, output) pairs, point-major; columns are the entries of A_1
    (row-major), then b_1 if present, then A_2, ... -- the order of
    :meth:`nnlib.Architecture.pack`.  Computed by :func:`nnlib.certify.jacobian_mod_p` (every
    operation modulo p) at the residues of the integers, with a zero bias in the layers without
    one, whose columns are then dropped.  Uses python-flint when
    installed, else exact arithmetic in pure Python (:func:`nnlib.certify.exact_backend`).
    """
    widths = _check_widths(widths)
    r = _check_degree(r)
    p = _check_prime(p)
    if points is None or isinstance(points, (str, bytes)):
        raise TypeError(f"points must be an integer array of shape (n, {widths[0]}); got {type(points).__name__}")
    raw = np.asarray(points)
    if raw.dtype.kind not in "iu" and not (raw.dtype.kind == "f" and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw))):
        # numpy would cast NaN, 1.5 or complex entries to some integer without a word
        raise TypeError(f"points must be an integer array of shape (n, {widths[0]}); got {raw.dtype} entries")
    try:
        X = np.asarray(points, dtype=np.int64) % p
    except OverflowError as exc:
        raise ValueError("points must be an integer array with entries that fit in int64") from exc
    if X.ndim != 2 or X.shape[1] != widths[0]:
        raise ValueError(f"points must be an integer array of shape (n, {widths[0]}); got {X.shape}")
    if len(layers) != len(widths) - 1:
        raise ValueError(f"layers must hold {len(widths) - 1} (A, b) pairs; got {len(layers)}")
    theta, keep = [], []
    for i, (A, b) in enumerate(layers):
        A = np.asarray(A, dtype=np.int64) % p
        if A.shape != (widths[i + 1], widths[i]):
            raise ValueError(f"layers[{i}][0] must have shape {(widths[i + 1], widths[i])}; got {A.shape}")
        if b is not None:
            b = np.asarray(b, dtype=np.int64) % p
            if b.shape != (widths[i + 1],):
                raise ValueError(f"layers[{i}][1] must have shape {(widths[i + 1],)} or be None; got {b.shape}")
        theta += [A.ravel(), np.zeros(widths[i + 1], np.int64) if b is None else b]
        keep += [np.ones(A.size, bool), np.full(widths[i + 1], b is not None)]
    arch = Architecture(widths, f"poly{r}")
    # residues below p < 2^27 are exact float64 integers
    J = certify.jacobian_mod_p(arch, X.astype(float), np.concatenate(theta).astype(float), prime=p)
    return np.ascontiguousarray(J[:, np.concatenate(keep)])


def _random_layers(widths, bias: bool, rng: np.random.Generator, p: int):
    return [(rng.integers(0, p, size=(b, a)), rng.integers(0, p, size=b) if bias else None)
            for a, b in zip(widths[:-1], widths[1:])]


def exact_rank_lower_bound(widths, r: int, *, bias: bool = False, rng=0, n_points: int = 2,
                           extra_points: int = 5, p: int = PRIME) -> int:
    """Certified lower bound on the dimension of the polynomial maps of a network with activation x^r.

    The largest rank over F_p of :func:`exact_jacobian_mod_p` over ``n_points`` random integer
    weight points, on (number of monomials) + ``extra_points`` random integer sample points.  The Jacobian of
    the values is the Jacobian of the coefficients times the evaluation map, so its rank over the
    rationals is at most the dimension; over F_p it is at most that.  Hence

        returned rank <= dim (of the neurovariety, or of chapter 7's image on that sample).

    No floating point is involved: the bound holds on every machine, bit for bit.

    >>> exact_rank_lower_bound((2, 2, 3, 1), 3)
    6
    """
    widths = _check_widths(widths)
    r = _check_degree(r)
    p = _check_prime(p)
    rng = as_rng("rng", rng)
    n = ambient_dimension(widths, r, bias=bias) // widths[-1] + check_nonnegative_int("extra_points", extra_points)
    cap = min(n * widths[-1], sum(a * b + (b if bias else 0) for a, b in zip(widths[:-1], widths[1:])))
    best = 0
    for _ in range(check_positive_int("n_points", n_points)):
        points = rng.integers(0, p, size=(n, widths[0]))
        J = exact_jacobian_mod_p(widths, r, points, _random_layers(widths, bias, rng, p), p)
        best = max(best, rank_mod_p(J, p))
        if best >= min(cap, recursive_dimension_bound(widths, r, bias=bias)):
            break
    return best


@dataclass(frozen=True)
class DimensionCertificate:
    """Two-sided bounds on the dimension of a polynomial network's maps (with activation x^r).

    ``lower`` is exact (rank over F_p at integer points); ``upper`` is proven
    (:func:`recursive_dimension_bound`).  When they meet the dimension is certified.
    """

    widths: tuple
    r: int
    bias: bool
    lower: int
    upper: int
    expected: int
    ambient: int
    prime: int

    @property
    def certified(self) -> bool:
        """Whether the two bounds meet (then the dimension is ``lower``)."""
        return self.lower == self.upper

    @property
    def dimension(self) -> int | None:
        """The certified dimension, or ``None`` when the bounds do not meet."""
        return self.lower if self.certified else None

    @property
    def defect(self) -> int | None:
        """The defect ``expected - dimension`` when certified (0 when the architecture attains its expected dimension), else None."""
        return self.expected - self.lower if self.certified else None

    @property
    def filling(self) -> bool | None:
        """Whether the maps fill their ambient space (True or False when settled, None when not)."""
        if self.lower == self.ambient:
            return True
        if self.upper < self.ambient:
            return False
        return None

    def summary(self) -> str:
        w = "-".join(map(str, self.widths))
        kind = "with biases" if self.bias else "bias-free"
        if self.certified:
            return (f"{w}, r = {self.r} ({kind}): dimension {self.lower} (certified), expected {self.expected}, "
                    f"ambient {self.ambient}")
        return (f"{w}, r = {self.r} ({kind}): {self.lower} <= dimension <= {self.upper}, expected {self.expected}, "
                f"ambient {self.ambient}")


def certify_polynomial_dimension(widths, r: int, *, bias: bool = False, rng=0, n_points: int = 2,
                                 p: int = PRIME) -> DimensionCertificate:
    """Exact lower bound and proven upper bound on the dimension, side by side.

    >>> certify_polynomial_dimension((1, 3, 3, 2), 3, bias=True).dimension   # chapter 7's 1-3-3-2, r = 3
    17
    """
    widths = _check_widths(widths)
    r = _check_degree(r)
    lower = exact_rank_lower_bound(widths, r, bias=bias, rng=rng, n_points=n_points, p=p)
    return DimensionCertificate(widths=widths, r=r, bias=bool(bias), lower=lower,
                                upper=recursive_dimension_bound(widths, r, bias=bias),
                                expected=expected_dimension(widths, r, bias=bias),
                                ambient=ambient_dimension(widths, r, bias=bias), prime=p)


# ----------------------------------------------------------------------------------------------
# architectures: predecessors, unimodality
# ----------------------------------------------------------------------------------------------
def hidden_predecessors(widths) -> list[tuple[int, ...]]:
    """The architectures with one hidden width decreased by 1 (widths of 1 stay, a layer never vanishes).

    An architecture is *minimal filling* when it fills and none of these does.

    >>> hidden_predecessors((2, 3, 1))
    [(2, 2, 1)]
    """
    widths = _check_widths(widths)
    return [widths[:i] + (widths[i] - 1,) + widths[i + 1:] for i in range(1, len(widths) - 1) if widths[i] > 1]


def is_unimodal(widths) -> bool:
    """True when the widths weakly increase, then weakly decrease.

    >>> is_unimodal((2, 3, 4, 5, 4, 6, 4, 1))
    False
    """
    widths = _check_widths(widths)
    i = 0
    while i + 1 < len(widths) and widths[i + 1] >= widths[i]:
        i += 1
    return all(widths[j + 1] <= widths[j] for j in range(i, len(widths) - 1))


# ----------------------------------------------------------------------------------------------
# classical and ReLU predictions
# ----------------------------------------------------------------------------------------------
#: The exceptional (d_0, degree, number of powers) of the Alexander-Hirschowitz theorem, each of defect 1.
_AH_EXCEPTIONS = {(3, 4, 5), (4, 4, 9), (5, 3, 7), (5, 4, 14)}


def alexander_hirschowitz_dimension(d0: int, d1: int, r: int) -> int:
    """Dimension of the sums of d1 r-th powers of linear forms in d0 variables (the network (d0, d1, 1)).

    Alexander-Hirschowitz (1995): the expected min(d0 d1, binom(d0 + r - 1, r)) except for
    quadrics (r = 2, 2 <= d1 < d0: symmetric matrices of rank d1, dimension d0 d1 - d1(d1-1)/2)
    and (d0, r, d1) in {(3,4,5), (4,4,9), (5,3,7), (5,4,14)} (one less).  This is the shallow,
    single-output case that Massarenti and Mella's classification extends to deep networks.

    >>> alexander_hirschowitz_dimension(5, 7, 3)
    34
    """
    d0, d1, r = (check_positive_int(k, v) for k, v in (("d0", d0), ("d1", d1), ("r", r)))
    expected = min(d0 * d1, math.comb(d0 + r - 1, r))
    if r == 2 and d1 < d0:
        return d0 * d1 - d1 * (d1 - 1) // 2
    if (d0, r, d1) in _AH_EXCEPTIONS:
        return expected - 1
    return expected


def relu_functional_dimension_prediction(widths) -> int | None:
    """m - (hidden units) when Grillo and Montúfar's theorem applies to this ReLU architecture, else None.

    Their theorem (arXiv:2605.03601): if the input and every hidden layer have width at least 2,
    an open set of parameters is identifiable up to permutation and scaling, so the functional
    dimension (the largest rank of the Jacobian of psi_k over all finite samples) is m minus one
    scaling per hidden unit.  For a sample of n points it is further capped by nq.

    >>> relu_functional_dimension_prediction((2, 3, 3, 1))
    19
    >>> relu_functional_dimension_prediction((1, 4, 4, 1)) is None
    True
    """
    widths = _check_widths(widths)
    if min(widths[:-1]) < 2:
        return None
    return _parameter_bound(widths, True)
