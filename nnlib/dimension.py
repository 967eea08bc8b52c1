r"""The dimension of the image of weights psi_k(Theta), from the rank of the Jacobian.

psi_k is smooth for tanh, sigmoid, polynomial and identity activations, and piecewise
polynomial for ReLU (polynomial on each region of weights where the sign pattern of every
hidden pre-activation on the sample is fixed).  In both cases the dimension of the image
psi_k(Theta) (Definition 1, (10)) equals the largest rank of the Jacobian d psi_k / d theta over
theta, and that largest rank is attained on an open dense set of weights.  A rank computed at
one random theta can fall short -- e.g. when a hidden ReLU unit is dead (inactive) on the
whole sample, so that its weights do not move the output -- so :func:`image_dimension` takes
the largest rank over several random points, drawn by two complementary recipes.

**The rank decision.**  A numerical rank needs a threshold: singular values below
``rtol * s_max`` are counted as zero.  The default ``rtol = max(nq, m) * eps`` is the standard
choice (numpy's ``matrix_rank``), the size of the rounding error of a backward-stable SVD.  A
decision is only trustworthy when the singular values kept and the ones dropped are far from
the threshold on both sides; the report gives the *gap* s_r / s_{r+1} between the last kept and
the first dropped singular value, and flags a decision as ``ambiguous`` when the smallest kept
singular value is within a factor ``AMBIGUITY_BAND`` (10^3) above the threshold, or the largest
dropped one within that factor below it -- unless the dropped value is at the level of rounding
error (below ``max(nq, m) * eps * s_max``), where it is noise whatever the threshold.

**How many points, drawn how.**  For ReLU and a small sample, the regions of weights on which the
Jacobian has full rank can be small: on the six-point sample of Theorem 1 only about one random
weight point in six (``"centred"``) or eight (``"balanced"``) reaches the largest rank.
:func:`image_dimension` therefore tries many points when the Jacobian is cheap (up to 200,
within a fixed budget of floating-point work) and stops early once the rank reaches its
*ceiling*: min(nq, m - (number of unit rescalings)), a bound proven for every sample
(:func:`rescaling_symmetries`), or a tighter bound the caller passes.  For ReLU every point of
the main sequence (``"gaussian"`` and ``"centred"`` alternately) is preceded by a
``"balanced"`` one from an independent generator, which reaches the top rank of deep networks
far more often; the main sequence is unchanged by it, so the largest rank can only go up.  The
report lists every rank seen, so the reader sees how often the maximum was reached.

**Scale.**  The first layer is affine, so replacing the sample S by ``(S - mu) / sigma`` (per
coordinate) maps psi_k(Theta) onto itself by a linear change of weights: the dimension does not
depend on where the sample sits or how large it is.  The random weights do: drawn at unit scale
for a sample of size 10^4, every tanh/sigmoid unit is saturated and the Jacobian loses rank in
float64 (a 2-2-2 tanh network on Theorem 1's sample gave 8 instead of 12; at 10^-8, the
first-layer columns fell below the threshold: 6).  :func:`image_dimension` therefore computes on
the standardised sample when a coordinate is far from unit scale (:func:`sample_standardisation`),
and checks the Jacobian at its best point: saturated units, derivatives that underflow and
columns of very different sizes are flagged (``DimensionReport.flags``), and a flagged rank
below the ceiling is reported as ambiguous, never as a confident value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg

from . import _kernel
from ._checks import (
    as_matrix,
    as_rng,
    check_arch,
    check_bool,
    check_nonnegative_int,
    check_open_unit,
    check_positive_float,
    check_positive_int,
    check_sample,
)
from .network import Architecture, jacobian  # noqa: F401 (jacobian: re-exported name)

__all__ = [
    "RankReport",
    "DimensionReport",
    "numerical_rank",
    "image_dimension",
    "sample_weights",
    "default_n_points",
    "rescaling_symmetries",
    "continuous_symmetries",
    "symmetry_bound",
    "RECIPES",
    "SCALE_BAND",
    "sample_standardisation",
    "jacobian_flags",
    "streamed_rank",
    "AMBIGUITY_BAND",
    "MAX_JACOBIAN_BYTES",
    "TIE_RTOL",
]

#: A singular value within this factor of the threshold (either side) makes a rank decision ambiguous.
AMBIGUITY_BAND = 1e3

#: The recipes of :func:`sample_weights`.
RECIPES = ("gaussian", "centred", "balanced")

#: :func:`sample_weights` counts two pre-activation values of a unit as one when they differ by
#: at most this fraction of the unit's largest term ``|h| |a|`` (2^-40, about 4000 ulps): rounding.
TIE_RTOL = 2.0**-40


# ----------------------------------------------------------------------------------------------
# Symmetry counts: the proven ceiling of the rank search (used by nnlib.generic for chapter 7)
# ----------------------------------------------------------------------------------------------
def polynomial_degree(arch: Architecture) -> int | None:
    """The exponent r of a polynomial activation x^r, or None for other activations."""
    name = arch.activation.name
    return int(name[4:]) if name.startswith("poly") else None


def rescaling_symmetries(arch) -> int:
    """Number of hidden units that can be rescaled without changing the network: a proven bound.

    For ReLU (sigma_max(t z) = t sigma_max(z), t > 0) and x^r with r >= 2 ((t z)^r = t^r z^r),
    multiplying a hidden unit's incoming row and bias by t and its outgoing column by t^(-1)
    (resp. t^(-r)) leaves psi_k unchanged: one curve through theta per hidden unit, d_2 + ... + d_k
    of them.  Their tangent vectors lie in the kernel of the Jacobian wherever psi_k is
    differentiable, and they are independent whenever every hidden bias is non-zero (each
    touches its own bias and no other).  The largest rank is attained on an open set of weights,
    which contains such points, so

        dim psi_k(Theta) <= m - rescaling_symmetries(arch)    for every sample.

    0 for tanh, sigmoid and identity (identity's symmetries are counted by
    :func:`continuous_symmetries`, but they are not a bound for every architecture).

    >>> rescaling_symmetries(Architecture((2, 3, 4, 1), "relu")), rescaling_symmetries(Architecture((2, 3, 4, 1), "tanh"))
    (7, 0)
    """
    arch = check_arch(arch)
    if arch.activation.name == "relu" or (polynomial_degree(arch) or 1) >= 2:
        return int(sum(arch.widths[1:-1]))
    return 0


def continuous_symmetries(arch) -> int:
    """Number of independent continuous symmetries of the network function, for generic weights.

    * ReLU: each hidden unit can be rescaled, (a_j, b_j) -> t (a_j, b_j) with the unit's
      outgoing column divided by t > 0 (sigma_max(t z) = t sigma_max(z)): one direction per
      hidden unit, sum of the hidden widths d_2 + ... + d_k
      (:func:`~nnlib.dimension.rescaling_symmetries`).
    * x^r (r >= 2): the same with the outgoing column divided by t^r: one per hidden unit.
    * identity: a hidden layer of width d can be changed by any invertible d x d matrix: d^2
      per hidden layer.  (These d^2 directions are independent only when the layer is narrow
      enough, e.g. d <= p + 1 for the first one: for 1-5-1, m - 25 < 0.  So for identity
      m - continuous_symmetries is *not* a bound in general, and :func:`image_dimension` does
      not use it.)
    * tanh, sigmoid: none.  Their symmetries (tanh(-z) = -tanh(z), sigma(-z) = 1 - sigma(z), and
      permutations of units) are discrete: finitely many weight points with the same function,
      which does not lower the dimension.

    >>> continuous_symmetries(Architecture((2, 3, 4, 1), "relu")), continuous_symmetries(Architecture((2, 3, 4, 1), "tanh"))
    (7, 0)
    """
    arch = check_arch(arch)
    if arch.activation.name == "identity" or polynomial_degree(arch) == 1:
        return int(sum(d * d for d in arch.widths[1:-1]))
    return rescaling_symmetries(arch)


def symmetry_bound(arch) -> int:
    """The count m - (number of continuous symmetries), a bound on dim psi_k(Theta) for ReLU and x^r.

    >>> symmetry_bound(Architecture((2, 2, 2), "relu"))   # Theorem 1's network: 12 - 2
    10
    """
    arch = check_arch(arch)
    return arch.m - continuous_symmetries(arch)


@dataclass(frozen=True)
class RankReport:
    """The evidence behind a numerical rank.

    Attributes
    ----------
    rank : int
        Number of singular values above ``tolerance``.
    singular_values : ndarray
        All singular values, in decreasing order (for ``method="qr"``: ``|R_ii|`` of a
        column-pivoted QR, also decreasing).
    tolerance : float
        The absolute threshold ``rtol * singular_values[0]``.
    rtol : float
        The relative threshold used.
    gap : float
        s_r / s_{r+1}: how many times larger the last kept value is than the first dropped one
        (``inf`` when nothing was dropped or the first dropped value is exactly 0).
    ambiguous : bool
        True when the smallest kept singular value lies within a factor AMBIGUITY_BAND above
        the threshold, or the largest dropped one (if above rounding level) within that factor
        below it: a modest change of ``rtol`` would then change the rank.
    method : str
        ``"svd"`` or ``"qr"`` (:func:`numerical_rank`), ``"streamed-qr"`` or ``"streamed-gram"``
        (:func:`streamed_rank`).
    noise_rtol : float or None
        The relative level of rounding noise: singular values below ``noise_rtol * s_1`` cannot
        be told from zero (``max(M, N) * eps``; for ``"streamed-gram"`` its square root).
        None in reports built by hand.
    """

    rank: int
    singular_values: np.ndarray = field(repr=False)
    tolerance: float
    rtol: float
    gap: float
    ambiguous: bool
    method: str = "svd"
    noise_rtol: float | None = None

    @property
    def last_kept(self) -> float:
        return float(self.singular_values[self.rank - 1]) if self.rank > 0 else float("nan")

    @property
    def first_dropped(self) -> float:
        return float(self.singular_values[self.rank]) if self.rank < len(self.singular_values) else float("nan")

    def gap_exponent(self) -> int:
        """A lower bound on the gap that rounding cannot move: the largest integer e with
        ``s_r >= 10^e * noise_rtol * s_1``.

        When s_(r+1) is rounding noise (at most ``noise_rtol * s_1``), the gap s_r / s_(r+1) is at
        least 10^e.  The gap itself divides by that noise, so its digits change with the BLAS
        kernel; e depends only on s_r / s_1, which is signal.

        Raises
        ------
        ValueError
            When there is no gap to bound (rank 0, nothing dropped, or no ``noise_rtol``), or when
            s_(r+1) is above the rounding level (then it is signal, and ``gap`` is a measurement).

        Examples
        --------
        >>> J = np.diag([1.0, 1e-3, 1e-20])
        >>> rep = numerical_rank(J)
        >>> rep.rank, rep.gap_exponent()   # 1e-3 is 1.5 10^12 times the rounding level 3 eps
        (2, 12)
        """
        s = self.singular_values
        if self.noise_rtol is None or self.rank == 0 or self.rank == len(s):
            raise ValueError(f"no gap to bound: rank {self.rank} of {len(s)} values, noise_rtol {self.noise_rtol}")
        noise = self.noise_rtol * float(s[0])
        if s[self.rank] > noise:
            raise ValueError(f"s_(r+1) = {s[self.rank]:.3e} is above the rounding level {noise:.3e}: "
                             "it is signal, use the gap itself")
        return int(np.floor(np.log10(float(s[self.rank - 1]) / noise)))


def numerical_rank(J, rtol: float | None = None, *, method: str = "svd") -> RankReport:
    """Numerical rank of a matrix, with the singular values and the gap as evidence.

    Parameters
    ----------
    J : array, shape (M, N)
    rtol : float in (0, 1), optional
        Relative threshold; default ``max(M, N) * machine epsilon``.
    method : {"svd", "qr"}
        ``"svd"`` (singular values; the reference) or ``"qr"`` (column-pivoted QR, an
        independent second opinion).

    Examples
    --------
    >>> numerical_rank(np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])).rank
    1
    """
    J = as_matrix("J", J)
    if rtol is None:
        rtol = max(J.shape) * np.finfo(float).eps
    rtol = check_open_unit("rtol", rtol)
    if method == "svd":
        s = np.linalg.svd(J, compute_uv=False)
    elif method == "qr":
        R = scipy.linalg.qr(J, mode="r", pivoting=True)[0]
        s = np.abs(np.diag(R))
    else:
        raise ValueError(f"method must be 'svd' or 'qr'; got {method!r}")
    return _rank_report(s, J.shape, rtol, method)


def _jacobian_rank(J: np.ndarray, rtol: float | None) -> RankReport:
    """:func:`numerical_rank` (``method="svd"``) of a Jacobian the caller no longer needs (J is overwritten).

    The singular values are those of the triangular factor R of a Householder QR of J (of J^T
    when J is wide), which are J's: one QR of the whole matrix, then an SVD of the N x N factor
    (N = min(M, N)).  For a tall or wide J this is what LAPACK's SVD does itself (the same
    values); for a nearly square one it skips bidiagonalising the whole of J.
    """
    if rtol is None:
        rtol = max(J.shape) * np.finfo(float).eps
    A = J if J.shape[0] >= J.shape[1] else J.T
    return _rank_report(np.linalg.svd(_r_factor(A), compute_uv=False), J.shape, rtol, "svd")


def _r_factor(A: np.ndarray) -> np.ndarray:
    """The N x N triangular factor R of a Householder QR of a float64 M x N matrix A, M >= N
    (A is overwritten when it is in Fortran order, as the Jacobian of ``_kernel.jacobian`` is).

    ``scipy.linalg.qr(A, mode="r")[0][:N]``: the same LAPACK calls (dgeqrf after its own workspace
    query), so the same bits, without the wrapper's checks and its triu of the whole M x N array.
    """
    A = np.asfortranarray(A)  # (a copy for a wide Jacobian's transpose, made once, not at each call below)
    geqrf = scipy.linalg.lapack.dgeqrf
    lwork = int(geqrf(A, lwork=-1, overwrite_a=True)[2][0])
    qr, _, _, info = geqrf(A, lwork=lwork, overwrite_a=True)
    if info < 0:  # pragma: no cover - an argument error inside LAPACK
        raise ValueError(f"illegal value in argument {-info} of LAPACK's dgeqrf")
    return np.triu(qr[: A.shape[1]])


def _rank_report(s: np.ndarray, shape: tuple, rtol: float, method: str, noise_rtol: float | None = None) -> RankReport:
    """The rank decision on decreasing values s of a matrix of the given shape (see :func:`numerical_rank`).

    ``noise_rtol`` (default ``max(shape) * eps``) is the relative level below which a dropped
    value is rounding noise and never makes the decision ambiguous.
    """
    smax = float(s[0]) if s.size else 0.0
    noise_rtol = float(max(shape) * np.finfo(float).eps if noise_rtol is None else noise_rtol)
    if smax == 0.0:
        return RankReport(0, s, 0.0, rtol, float("inf"), False, method, noise_rtol)
    tol = rtol * smax
    rank = int(np.count_nonzero(s > tol))
    if rank == len(s) or s[rank] == 0.0:
        gap = float("inf")
    else:
        gap = float(s[rank - 1] / s[rank])
    # A kept value that is not clearly above the threshold could be noise, and a dropped value
    # not clearly below it could be signal: either way the rank is in doubt.  Dropped values at
    # the level of rounding error (below max(M, N) * eps * s_max, the default threshold) are
    # noise whatever rtol is, so they never make a decision ambiguous.
    noise = noise_rtol * smax
    kept_close = rank > 0 and s[rank - 1] < AMBIGUITY_BAND * tol
    dropped_close = rank < len(s) and s[rank] > max(tol / AMBIGUITY_BAND, noise)
    ambiguous = kept_close or dropped_close
    return RankReport(rank, s, tol, rtol, gap, bool(ambiguous), method, noise_rtol)


def sample_weights(arch, S, rng, *, recipe: str = "gaussian", scale: float = 1.0) -> np.ndarray:
    """A random theta for rank computations, by one of three recipes.

    ``"gaussian"``: :meth:`Architecture.random_theta` (entries N(0, scale^2 / fan-in), biases
    N(0, scale^2)).  ``"centred"``: the same matrices, but each hidden unit's bias is chosen so
    that its pre-activation changes sign strictly between two consecutive (distinct) values it
    takes on the sample, picked at random: every hidden hyperplane cuts the sample, so no ReLU
    unit is dead on the whole sample and no tanh/sigmoid unit is saturated on all of it.  (A
    unit whose pre-activation takes a single value on the sample keeps its Gaussian bias.)
    ``"balanced"``: as ``"centred"``, but the two consecutive values are picked from the middle
    half of the sorted distinct values, so every unit is active on roughly a quarter to three
    quarters of the sample.  Values closer than rounding (``TIE_RTOL`` times the unit's largest
    term) count as one: copies of one sample point, computed a few ulps apart, are never split,
    so no kink sits on a sample point whatever the BLAS kernel.  On deep ReLU networks
    ``"centred"`` often leaves a unit active on a handful of points, and the rank falls short:
    on the 5-32-32-2 network with 1000 Gaussian
    points, ``"balanced"`` reached m - 64 = 1250 (gap above 10^8) at 2 of 3 points,
    ``"centred"`` at none (best 1231), ``"gaussian"`` at none (best 1018).  Near the smallest
    samples that fill a two-layer network's dimension ``"centred"`` can be the better one, which
    is why :func:`image_dimension` alternates the two for ReLU.

    >>> arch = Architecture((1, 3, 1))
    >>> S = np.arange(8.0).reshape(8, 1)
    >>> theta = sample_weights(arch, S, 0, recipe="balanced")
    >>> A, b = arch.unpack(theta)[0]
    >>> sorted((S @ A.T + b > 0).sum(axis=0).tolist())   # active points of each unit, of 8: 2 to 6
    [2, 4, 5]
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    rng = as_rng("rng", rng)
    scale = check_positive_float("scale", scale)
    if recipe not in RECIPES:
        _kernel.random_theta(arch, rng, scale)  # drawn before the error, as always
        raise ValueError(f"recipe must be one of {', '.join(map(repr, RECIPES))}; got {recipe!r}")
    return _sample_weights(arch, S, rng, recipe, scale)


def _sample_weights(arch: Architecture, S: np.ndarray, rng: np.random.Generator, recipe: str, scale: float) -> np.ndarray:
    """:func:`sample_weights` without argument checks (the inner loop of :func:`image_dimension`)."""
    theta = _kernel.random_theta(arch, rng, scale)
    if recipe == "gaussian":
        return theta
    layers = _kernel.unpack(arch, theta)  # views into theta, which is ours: edited in place
    h = S
    for A, b in layers[:-1]:
        z = h @ A.T
        size = np.abs(h) @ np.abs(A.T)  # the size of the terms of each pre-activation: its rounding scale
        for a in range(A.shape[0]):
            values = np.unique(z[:, a])  # sorted distinct values
            # Split positions: gaps wider than rounding.  Copies of one sample point can come out
            # of the product a few ulps apart (BLAS kernels treat rows differently); a threshold
            # between them would put the kink on the point itself, where the Jacobian is
            # rounding's choice of one-sided derivative (a spurious extra rank).
            splits = np.flatnonzero(np.diff(values) > TIE_RTOL * size[:, a].max())
            if splits.size == 0:
                continue  # the unit sees a single value: no threshold can split the sample
            # A threshold strictly between two consecutive distinct values, chosen at random:
            # the unit is active on at least one sample point and inactive on at least one.
            if recipe == "centred":
                r = splits[rng.integers(0, splits.size)]
            else:  # "balanced": a split position in the middle half of the positions
                lo = splits.size // 4
                r = splits[rng.integers(lo, max(lo + 1, splits.size - lo))]
            u = rng.uniform(0.1, 0.9)
            b[a] = -((1 - u) * values[r] + u * values[r + 1])
        h = arch.activation.function(z + b)
    return theta


@dataclass(frozen=True)
class DimensionReport:
    """The dimension of psi_k(Theta) with its evidence.

    Attributes
    ----------
    dimension : int
        The largest Jacobian rank found.
    ranks : tuple of int
        The rank at each random weight point tried.
    best : RankReport
        The rank report (singular values, threshold, gap) at a point attaining ``dimension``.
    m : int
        Number of weights, an upper bound.
    nq : int
        Size of the response space R^{n x q}, an upper bound.
    ceiling : int or None
        The rank at which the search would have stopped: min(m, nq), lowered by the proven
        symmetry bound and by the caller's ``upper_bound`` (None when not recorded).
    """

    dimension: int
    ranks: tuple
    best: RankReport = field(repr=False)
    m: int
    nq: int
    ceiling: int | None = None
    flags: tuple = ()
    standardised: bool = False

    @property
    def gap(self) -> float:
        return self.best.gap

    @property
    def ambiguous(self) -> bool:
        """The rank decision at the best point is in doubt, or the rank is below the ceiling at a
        point whose Jacobian is flagged (saturated, underflowed or ill-scaled: see ``flags``)."""
        flagged = bool(self.flags) and (self.ceiling is None or self.dimension < self.ceiling)
        return bool(self.best.ambiguous or flagged)

    def gap_exponent(self) -> int:
        """:meth:`RankReport.gap_exponent` at the best point: s_r / s_(r+1) >= 10^e, stable under rounding."""
        return self.best.gap_exponent()

    @property
    def deficiency(self) -> int:
        """``min(m, nq) - dimension``, how far the image falls short of the parameter-count bound."""
        return min(self.m, self.nq) - self.dimension

    def summary(self) -> str:
        """A one-line, rounding-stable description for printing in a chapter."""
        gap = "inf" if np.isinf(self.gap) else f"{self.gap:.1e}"
        return (
            f"dim = {self.dimension} (bounds: m = {self.m}, nq = {self.nq}); "
            f"largest rank reached at {self.ranks.count(self.dimension)} of {len(self.ranks)} random points; "
            f"gap s_r/s_(r+1) = {gap}; "
            f"ambiguous: {self.ambiguous}"
            + (f"; flags: {', '.join(self.flags)}" if self.flags else "")
            + ("; computed on the standardised sample" if self.standardised else "")
        )


#: Above this size (bytes of float64) :func:`image_dimension` does not form the whole Jacobian but
#: computes each rank with :func:`streamed_rank` over blocks of samples.
MAX_JACOBIAN_BYTES = 2**30

#: Entries of one block of Jacobian rows in :func:`streamed_rank` when no block size is given (64 MiB).
_BLOCK_ENTRIES = 2**23


def _default_block_size(q: int, m: int) -> int:
    return max(1, _BLOCK_ENTRIES // (q * m))


def streamed_rank(arch, S, theta, *, block_size: int | None = None, rtol: float | None = None,
                  method: str = "qr") -> RankReport:
    r"""Rank of the Jacobian of psi_k at theta without forming it: blocks of samples, one at a time.

    The (n q) x m Jacobian is never held in memory; only one block of rows (``block_size``
    samples, i.e. ``block_size * q`` rows) and an m x m matrix are.  Two ways to fold the blocks:

    ``"qr"`` (default): a streamed QR factorisation.  R starts empty; each block J_b is stacked
    under it and R is replaced by the triangular factor of [R; J_b].  At the end R^T R = J^T J,
    R has exactly the singular values of J (up to rounding of the order of eps * s_max, as for
    the SVD of J itself), and the rank decision is :func:`numerical_rank`'s, with the same
    default threshold ``max(nq, m) * eps``.  Peak memory O((block rows + m) m).

    ``"gram"``: accumulate the Gram matrix G = J^T J = sum_b J_b^T J_b and take s_i =
    sqrt(lambda_i(G)).  Cheaper per block, but squaring the matrix squares its condition number:
    eigenvalues below ~ m eps lambda_max are rounding noise, i.e. singular values below about
    sqrt(max(nq, m) eps) s_max ~ 1e-7 s_max cannot be told from zero.  The default threshold is
    therefore ``rtol = 10 sqrt(max(nq, m) eps)`` (a genuine singular value smaller than that
    is counted as zero: a *wrong* rank), and dropped values below the noise level
    ``sqrt(max(nq, m) eps)`` never make the decision ambiguous.  Use it only where the gap
    s_r / s_(r+1) is known to be wide; ``"qr"`` is the safe choice.

    Parameters
    ----------
    arch : Architecture
    S : array, shape (n, p)
    theta : array, shape (m,)
    block_size : int, optional
        Samples per block (default: as many as fit in 2^23 Jacobian entries, 64 MiB).
    rtol : float in (0, 1), optional
        Relative threshold (defaults above).
    method : {"qr", "gram"}

    Returns
    -------
    RankReport
        With ``method`` ``"streamed-qr"`` or ``"streamed-gram"``; ``singular_values`` are those of
        R (resp. the square roots of the eigenvalues of G), min(nq, m) of them.

    Examples
    --------
    >>> from nnlib.paper import theorem1_data
    >>> S, T = theorem1_data()
    >>> arch = Architecture((2, 2, 2))
    >>> theta = sample_weights(arch, S, 3, recipe="centred")
    >>> streamed_rank(arch, S, theta, block_size=2).rank == numerical_rank(jacobian(arch, S, theta)).rank
    True
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    layers = arch.unpack(theta)
    if method not in ("qr", "gram"):
        raise ValueError(f"method must be 'qr' or 'gram'; got {method!r}")
    n, q, m = S.shape[0], arch.q, arch.m
    b = _default_block_size(q, m) if block_size is None else check_positive_int("block_size", block_size)
    shape = (n * q, m)
    if method == "qr":
        rtol = max(shape) * np.finfo(float).eps if rtol is None else check_open_unit("rtol", rtol)
        R = None
        for start in range(0, n, b):
            Jb = _kernel.jacobian(arch, S[start : start + b], layers)
            R = np.linalg.qr(Jb if R is None else np.vstack([R, Jb]), mode="r")
        s = np.linalg.svd(R, compute_uv=False)
        return _rank_report(s, shape, rtol, "streamed-qr")
    noise = float(np.sqrt(max(shape) * np.finfo(float).eps))
    rtol = min(0.5, 10 * noise) if rtol is None else check_open_unit("rtol", rtol)
    G = np.zeros((m, m))
    for start in range(0, n, b):
        Jb = _kernel.jacobian(arch, S[start : start + b], layers)
        G += Jb.T @ Jb
    lam = np.linalg.eigvalsh(G)[::-1][: min(shape)]
    s = np.sqrt(np.clip(lam, 0.0, None))
    return _rank_report(s, shape, rtol, "streamed-gram", noise_rtol=noise)


#: Budget of floating-point work (roughly nq * m * min(nq, m) per point) for the default number of points.
POINT_BUDGET_FLOPS = 5e7


def default_n_points(nq: int, m: int) -> int:
    """Number of random points :func:`image_dimension` tries by default: 8 to 200, within a work budget."""
    nq = check_positive_int("nq", nq)
    m = check_positive_int("m", m)
    per_point = float(nq) * m * min(nq, m)
    return int(min(200, max(8, POINT_BUDGET_FLOPS // max(per_point, 1.0))))


#: A sample coordinate is at unit scale when its spread and its largest magnitude lie within
#: [1/SCALE_BAND, SCALE_BAND]; otherwise :func:`image_dimension` standardises the sample.
SCALE_BAND = 16.0

#: A tanh/sigmoid unit is *saturated* on the sample when sigma'(z) / max sigma' stays below this
#: on every sample point (tanh: |z| > 9.9 everywhere): its columns are then tiny.
SATURATION_LEVEL = 1e-8

#: The Jacobian is *ill-scaled* when its smallest non-zero column norm is below this fraction of
#: its largest (sqrt(eps)): its small singular values are then at the mercy of rounding.
ILL_SCALED_RATIO = float(np.sqrt(np.finfo(float).eps))


def sample_standardisation(S) -> tuple[np.ndarray, np.ndarray, bool]:
    """Centre mu and spread sigma per coordinate of a sample, and whether it is far from unit scale.

    ``sigma`` is the coordinate's standard deviation (1 where the coordinate is constant);
    the sample needs standardising when some coordinate's spread or largest magnitude lies
    outside ``[1/SCALE_BAND, SCALE_BAND]`` (a constant coordinate: its magnitude alone, 0 allowed).
    ``(S - mu) / sigma`` has the same image of weights as S (the first layer is affine).

    >>> S = np.array([[-2.0, 0.0], [0.0, 0.0], [2.0, 1.0]])
    >>> sample_standardisation(S)[2], sample_standardisation(1e4 * S)[2], sample_standardisation(1e-8 * S)[2]
    (False, True, True)
    """
    S = as_matrix("S", S)
    mu = S.mean(axis=0)
    sigma = S.std(axis=0)
    size = np.abs(S).max(axis=0)
    lo, hi = 1.0 / SCALE_BAND, SCALE_BAND
    constant = sigma == 0
    bad = np.where(constant, size > hi, (sigma < lo) | (sigma > hi) | (size < lo) | (size > hi))
    return mu, np.where(constant, 1.0, sigma), bool(np.any(bad))


def jacobian_flags(arch, S, theta, *, columns: bool = True) -> tuple:
    """What makes a Jacobian rank untrustworthy at theta: a tuple of ``"saturated"``,
    ``"underflow"``, ``"ill-scaled"`` (empty when none applies).

    ``"saturated"``: a tanh/sigmoid hidden unit with sigma'(z) below ``SATURATION_LEVEL`` times
    its largest value at every sample point; ``"underflow"``: a tanh/sigmoid derivative that is 0
    or subnormal at some sample point; ``"ill-scaled"``: non-zero Jacobian columns whose norms
    differ by more than ``1 / ILL_SCALED_RATIO`` (dead ReLU units give zero columns, which are
    rank, not rounding, and are not counted; checked only with ``columns``, which forms the
    whole Jacobian).

    >>> from nnlib.paper import theorem1_data
    >>> S, _ = theorem1_data()
    >>> arch = Architecture((2, 2, 2), "tanh")
    >>> theta = arch.random_theta(np.random.default_rng(0))
    >>> jacobian_flags(arch, S, theta), jacobian_flags(arch, 1e4 * S, theta)
    ((), ('underflow', 'ill-scaled'))
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    columns = check_bool("columns", columns)
    layers = arch.unpack(theta)
    flags = []
    if arch.activation.name in ("tanh", "sigmoid"):
        dsigma = arch.activation.derivative
        top = float(dsigma(np.zeros(1))[0])
        h, sat, under = S, False, False
        for A, b in layers[:-1]:
            z = h @ A.T + b
            d = dsigma(z) / top
            sat |= bool(np.any(np.max(d, axis=0) < SATURATION_LEVEL))
            under |= bool(np.any(d < np.finfo(float).tiny))
            h = arch.activation.function(z)
        if sat:
            flags.append("saturated")
        if under:
            flags.append("underflow")
    if columns:
        norms = np.linalg.norm(_kernel.jacobian(arch, S, layers), axis=0)
        nonzero = norms[norms > 0]
        if nonzero.size and nonzero.min() < ILL_SCALED_RATIO * nonzero.max():
            flags.append("ill-scaled")
    return tuple(flags)


def image_dimension(
    arch,
    S,
    *,
    n_points: int | None = None,
    rng=0,
    rtol: float | None = None,
    scale: float = 1.0,
    upper_bound: int | None = None,
    block_size: int | None = None,
    use_symmetries: bool = True,
    recipes=("gaussian", "centred"),
    balanced: bool | None = None,
) -> DimensionReport:
    """Estimate dim psi_k(Theta) (Definition 1) as the largest Jacobian rank over random weights.

    Parameters
    ----------
    arch : Architecture
    S : array, shape (n, p)
        The sample.
    n_points : int, optional
        How many random weight points of the main sequence (``recipes``) to try at most
        (default :func:`default_n_points`); with ``balanced`` each is preceded by one more
        point.  The search stops earlier at the first point whose rank reaches the ceiling (see
        ``use_symmetries`` and ``upper_bound``).
    rng : int or numpy.random.Generator
        Seed or generator.
    rtol : float in (0, 1), optional
        Relative rank threshold (see :func:`numerical_rank`).
    scale : float
        Scale of the random weights (moderate scales avoid tanh/sigmoid saturation, which would
        make genuinely non-zero singular values tiny).
    upper_bound : int, optional
        A *proven* upper bound on the dimension, known to the caller (e.g. d rank[S, 1] + 1 for a
        two-layer ReLU network with q = 1): the search stops as soon as a point reaches it,
        which saves most of the points on large problems.  Stopping there loses nothing when
        the bound is true; to *test* a conjectured value, do not pass it (a rank found above a
        wrong bound would stop the search early, but is still reported as found).
    block_size : int, optional
        Compute each rank with :func:`streamed_rank` (streamed QR) over blocks of this many
        samples, never forming the whole Jacobian.  This happens automatically (64 MiB blocks)
        when the Jacobian would take more than ``MAX_JACOBIAN_BYTES`` (1 GiB); below that the
        whole Jacobian and its SVD are used, as :func:`numerical_rank` does.
    use_symmetries : bool
        Stop at min(nq, m - :func:`rescaling_symmetries`) (default), a bound proven for every
        sample, instead of min(m, nq).  It only changes how many points are tried, never the
        dimension found at a given point: the points are drawn in the same order either way.
        Pass False to test a conjecture about the symmetries themselves, so that a rank above
        the bound (which would mean a numerical problem) would be seen.
    recipes : sequence of str
        The :func:`sample_weights` recipes the main sequence of points cycles through, all drawn
        from ``rng`` (default: ``"gaussian"`` and ``"centred"`` alternately).
    balanced : bool, optional
        Before each point of the main sequence, try a ``"balanced"`` point (:func:`sample_weights`)
        drawn from an independent generator spawned from ``rng`` (``Generator.spawn``, which
        does not advance ``rng``).  The main sequence's points are then exactly those of a search
        without them, so the dimension found is never lower than without them (for the same
        ``n_points``), only reached sooner.  Default: True for ReLU, whose deep units the other
        recipes often leave active on a handful of points (the 5-32-32-2 network on 1000
        Gaussian points: 1215 from 8 ``"gaussian"``/``"centred"`` points, the proven bound 1250
        from the first ``"balanced"`` one); False for the other activations.

    Notes
    -----
    For analytic activations (tanh, sigmoid, x^r) the Jacobian has the same exact rank at almost
    every point, so it is tempting to stop at the first point whose rank decision is
    unambiguous.  That is not safe: saturation can push genuine singular values below the
    rounding level, where :class:`RankReport` counts them as noise without calling the decision
    ambiguous.  On the 2-1-1-1-1 tanh network with 19 Gaussian points the first point gave rank
    7 (kept values down to 7.7e-12 s_1, then 8.4e-17 s_1), the next one rank 9 = m with every
    singular value above 7e-7 s_1.  So every point up to the ceiling is tried.

    Where the singular values decay smoothly through the threshold, the reported dimension is the
    float64 rank, below the exact one, and the report says so (``ambiguous``).  On the 2-50-1 tanh
    network with 221 Gaussian points one point has float64 rank 184 of m = 201 (ambiguous); the
    same Jacobian at 60 significant digits (mpmath) has all 201 singular values non-zero, the
    smallest 4.3e-18 s_1, and its leading 164 agree with float64's to 3e-7: the exact rank is m,
    but values below about max(nq, m) eps s_1 cannot be told from rounding in float64.  More
    points raise the float64 rank a little (2-200-1 tanh, 2000 points: 502 to 558 of 801 over
    8 points), never to the exact one.

    Examples
    --------
    >>> from nnlib.paper import theorem1_data
    >>> S, T = theorem1_data()
    >>> rep = image_dimension(Architecture((2, 2, 2)), S)   # inside R^{6 x 2}
    >>> rep.dimension, rep.ceiling                          # 12 weights less 2 rescalings
    (10, 10)
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    mu, sigma, standardise = sample_standardisation(S)
    if standardise:  # the same image of weights (the first layer is affine), weights drawn to fit it
        S = (S - mu) / sigma
    nq = S.shape[0] * arch.q
    ceiling = min(arch.m, nq)
    if not isinstance(use_symmetries, (bool, np.bool_)):
        raise TypeError(f"use_symmetries must be True or False; got {use_symmetries!r}")
    if balanced is None:
        balanced = arch.activation.is_relu
    elif not isinstance(balanced, (bool, np.bool_)):
        raise TypeError(f"balanced must be True, False or None; got {balanced!r}")
    if use_symmetries:
        ceiling = min(ceiling, arch.m - rescaling_symmetries(arch))
    if upper_bound is not None:
        ceiling = min(ceiling, check_nonnegative_int("upper_bound", upper_bound))
    n_points = default_n_points(nq, arch.m) if n_points is None else check_positive_int("n_points", n_points)
    if isinstance(recipes, str) or not hasattr(recipes, "__len__") or len(recipes) == 0:
        raise ValueError(f"recipes must be a non-empty sequence of recipe names; got {recipes!r}")
    recipes = tuple(recipes)
    for name in recipes:
        if name not in RECIPES:
            raise ValueError(f"recipes must name recipes among {', '.join(map(repr, RECIPES))}; got {name!r}")
    rng = as_rng("rng", rng)
    side = _independent(rng) if balanced else None
    if rtol is not None:
        rtol = check_open_unit("rtol", rtol)
    scale = check_positive_float("scale", scale)
    if block_size is not None:
        block_size = check_positive_int("block_size", block_size)
    elif 8 * nq * arch.m > MAX_JACOBIAN_BYTES:
        block_size = _default_block_size(arch.q, arch.m)
    ranks, best, best_theta = [], None, None
    for j in range(n_points):
        for g, recipe in ((side, "balanced"), (rng, recipes[j % len(recipes)])):
            if g is None:
                continue
            theta = _sample_weights(arch, S, g, recipe, scale)
            if block_size is None:
                rep = _jacobian_rank(_kernel.jacobian(arch, S, _kernel.unpack(arch, theta)), rtol)
            else:
                rep = streamed_rank(arch, S, theta, block_size=block_size, rtol=rtol)
            ranks.append(rep.rank)
            if best is None or rep.rank > best.rank:
                best, best_theta = rep, theta
            if best.rank >= ceiling:
                return DimensionReport(best.rank, tuple(ranks), best, arch.m, nq, ceiling, (), standardise)
    # below the ceiling: is the best point's Jacobian one whose rank float64 can be trusted?
    flags = jacobian_flags(arch, S, best_theta, columns=block_size is None)
    return DimensionReport(best.rank, tuple(ranks), best, arch.m, nq, ceiling, flags, standardise)


def _independent(rng: np.random.Generator) -> np.random.Generator:
    """A generator independent of rng that leaves rng's own stream untouched (spawned, else jumped)."""
    try:
        return rng.spawn(1)[0]
    except (TypeError, ValueError, AttributeError):  # a bit generator built without a SeedSequence
        jumped = getattr(rng.bit_generator, "jumped", None)
        if jumped is not None:
            return np.random.Generator(jumped())
        return np.random.default_rng(int(rng.integers(2**63)))  # last resort: advances rng
