r"""Generic dimension and generic rank of networks (paper §7), with the symmetry counts behind the bounds.

§7 of the paper asks two questions it leaves open: the *generic dimension* of the image of
weights psi_k(Theta) for a general sample with n large, and the *generic rank*, the smallest
size of network whose image fills R^{n x q}.  This module supplies the computations that
chapter 7 uses to bring evidence to both:

* the continuous symmetries of a network (directions in weight space along which the network
  function does not change): one positive rescaling per hidden unit for ReLU, one scaling per
  hidden unit for the powers x^r, none for tanh and sigmoid (:func:`continuous_symmetries`,
  :func:`symmetry_directions`), and the bound m - (number of symmetries) they give
  (:func:`symmetry_bound`; both live in :mod:`nnlib.dimension`, whose rank search stops at
  that bound, and are re-exported here);
* the kernel of the Jacobian of psi_k compared with the symmetry directions
  (:func:`jacobian_kernel`);
* dimension rows beside their bounds m, m - symmetries and nq (:func:`generic_dimension`);
* the smallest hidden width at which a two-layer network fills R^{n x q}
  (:func:`smallest_filling_width`) against the parameter count (:func:`parameter_count_width`),
  and the fraction of random targets fitted to zero loss with a Wilson interval
  (:func:`zero_loss_fraction`, :func:`wilson_interval`);
* polynomial networks without biases, the setting of Kileel, Trager and Bruna (2019): the
  dimension of the set of polynomial maps (:func:`polynomial_functional_dimension`) and the
  expected dimension (:func:`ktb_expected_dimension`);

The architecture explorer is in :mod:`nnlib.viz.generic`.

Every dimension here is a *numerical* rank (the largest Jacobian rank over random weights,
:func:`nnlib.image_dimension`): evidence, not proof.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_matrix, as_rng, check_arch, check_nonnegative_int, check_positive_int, check_real, check_tolerance, check_widths
from .dimension import DimensionReport, RankReport, continuous_symmetries, polynomial_degree, image_dimension, numerical_rank, sample_weights, symmetry_bound
from .fitting import least_squares_fit
from .network import Architecture, jacobian

#: The search behind chapter 7's dimension rows and its CSVs (experiments/): no early stop at the
#: symmetry bound (the rows test that count), no "balanced" points: the search the CSVs were made with.
_FULL_SEARCH = dict(use_symmetries=False, balanced=False)

__all__ = [
    "continuous_symmetries",
    "symmetry_bound",
    "symmetry_directions",
    "KernelReport",
    "jacobian_kernel",
    "max_rank_weights",
    "GenericRow",
    "generic_dimension",
    "gap_text",
    "parameter_count_width",
    "smallest_filling_width",
    "alternating_breakpoint_weights",
    "wilson_interval",
    "minority_bound",
    "zero_loss_fraction",
    "FittedCount",
    "fitted_count",
    "monomial_count",
    "polynomial_space_bound",
    "ktb_expected_dimension",
    "polynomial_functional_dimension",
]


def symmetry_directions(arch, theta) -> np.ndarray:
    """Tangent vectors (rows) at theta of the one-parameter rescalings of each hidden unit.

    For the unit j of hidden layer i: the row j of A_i and the entry j of b_i are multiplied
    by t, the column j of A_{i+1} by t^(-c) (c = 1 for ReLU, c = r for x^r); the row is the
    derivative at t = 1.  The network function is constant along each curve, so every row lies
    in the kernel of the Jacobian of psi_k (exactly for ReLU away from kinks, and for x^r).
    Returns an array of shape (number of hidden units, m); it has no rows for tanh, sigmoid
    and identity (whose continuous symmetries are not rescalings of single units).

    >>> arch = Architecture((1, 2, 1))
    >>> symmetry_directions(arch, np.arange(7.0)).shape
    (2, 7)
    """
    arch = check_arch(arch)
    layers = arch.unpack(theta)
    if arch.activation.name == "relu":
        c = 1.0
    elif (polynomial_degree(arch) or 1) >= 2:
        c = float(polynomial_degree(arch))
    else:
        return np.zeros((0, arch.m))
    rows = []
    for i in range(arch.k - 1):
        A, b = layers[i]
        A_next = layers[i + 1][0]
        for j in range(A.shape[0]):
            delta = [(np.zeros_like(Ai), np.zeros_like(bi)) for Ai, bi in layers]
            delta[i][0][j] = A[j]
            delta[i][1][j] = b[j]
            delta[i + 1][0][:, j] = -c * A_next[:, j]
            rows.append(arch.pack(delta))
    return np.array(rows).reshape(len(rows), arch.m)


@dataclass(frozen=True)
class KernelReport:
    """The kernel of the Jacobian of psi_k at one weight point, compared with the symmetries.

    Attributes
    ----------
    rank : int
        Numerical rank of the Jacobian.
    kernel_dimension : int
        m - rank.
    symmetries : int
        :func:`continuous_symmetries` of the architecture.
    symmetry_rank : int
        Rank of the symmetry directions at this point (they can be dependent at special points).
    symmetry_residual : float
        Largest relative distance of a unit symmetry direction from the kernel (0 up to
        rounding when every symmetry direction lies in the kernel).
    unexplained : int
        kernel_dimension - symmetry_rank: kernel directions that no rescaling accounts for.
    """

    rank: int
    kernel_dimension: int
    symmetries: int
    symmetry_rank: int
    symmetry_residual: float
    unexplained: int


def jacobian_kernel(arch, S, theta, rtol: float | None = None) -> KernelReport:
    """Compare the kernel of the Jacobian at theta with the rescaling directions.

    >>> from nnlib.paper import theorem1_data
    >>> S, _ = theorem1_data()
    >>> arch = Architecture((2, 2, 2))
    >>> rep = jacobian_kernel(arch, S, arch.random_theta(3))
    >>> rep.kernel_dimension >= rep.symmetry_rank == 2
    True
    """
    arch = check_arch(arch)
    J = jacobian(arch, S, theta)
    rep = numerical_rank(J, rtol)
    _, _, Vt = np.linalg.svd(J)
    kernel = Vt[rep.rank:]  # orthonormal rows spanning the numerical kernel
    D = symmetry_directions(arch, theta)
    if D.shape[0]:
        sym_rank = numerical_rank(D).rank
        Dn = D / np.linalg.norm(D, axis=1, keepdims=True)
        resid = Dn - (Dn @ kernel.T) @ kernel
        residual = float(np.linalg.norm(resid, axis=1).max())
    else:
        sym_rank, residual = 0, 0.0
    kdim = arch.m - rep.rank
    return KernelReport(rep.rank, kdim, continuous_symmetries(arch), sym_rank, residual, kdim - sym_rank)


def max_rank_weights(arch, S, rng=0, n_points: int = 20) -> np.ndarray:
    """The weights of highest Jacobian rank among ``n_points`` random draws (recipes alternating as in
    :func:`nnlib.image_dimension`): a stand-in for a *generic* point, away from dead or always-active units.

    >>> arch = Architecture((2, 3, 1))
    >>> S = np.random.default_rng(0).standard_normal((20, 2))
    >>> numerical_rank(jacobian(arch, S, max_rank_weights(arch, S))).rank   # m - 3 rescalings
    10
    """
    arch = check_arch(arch)
    S = as_matrix("S", S, cols=arch.p)
    rng = as_rng("rng", rng)
    best, best_rank = None, -1
    for j in range(check_positive_int("n_points", n_points)):
        theta = sample_weights(arch, S, rng, recipe="centred" if j % 2 else "gaussian")
        r = numerical_rank(jacobian(arch, S, theta)).rank
        if r > best_rank:
            best, best_rank = theta, r
    return best


@dataclass(frozen=True)
class GenericRow:
    """One architecture's computed dimension beside its bounds.

    ``shortfall`` is min(m - symmetries, nq) - dimension (0: the dimension is as large as the
    symmetry count allows); ``gap`` and ``ambiguous`` come from the rank decision at the best point,
    ``best`` (its singular values; print the gap with :func:`gap_text`: ``gap`` divides by a value
    that is often rounding noise).
    """

    widths: tuple
    activation: str
    n: int
    m: int
    symmetries: int
    symmetry_bound: int
    nq: int
    dimension: int
    shortfall: int
    gap: float
    ambiguous: bool
    n_points: int
    best: RankReport | None = field(default=None, repr=False, compare=False)


def gap_text(report) -> str:
    """The gap s_r / s_(r+1) of a rank decision, printed with only the digits rounding cannot change.

    ``report`` is a :class:`nnlib.dimension.RankReport`, a :class:`nnlib.dimension.DimensionReport`
    or a :class:`GenericRow` (its ``best``).  Three cases:

    * nothing was dropped (full rank): ``"none dropped"``;
    * s_(r+1) is rounding noise (at most ``noise_rtol * s_1``): ``"≥ 1e10"``, the lower bound
      10^e of :meth:`~nnlib.dimension.RankReport.gap_exponent`.  The gap itself divides by that
      noise: its digits change with the BLAS kernel (2.0e13 on one machine, 2.4e13 on another);
      e depends only on s_r / s_1;
    * s_(r+1) is signal: the gap to two significant digits when s_(r+1) is at least 10^6 times
      the rounding level (rounding then moves it by about 10^-6 relative), else to one.

    >>> from nnlib.dimension import numerical_rank
    >>> gap_text(numerical_rank(np.diag([1.0, 1e-3, 1e-20])))   # 1e-3 / (3 eps) = 1.5e12
    '≥ 1e12'
    >>> gap_text(numerical_rank(np.diag([1.0, 1e-3])))
    'none dropped'
    >>> gap_text(numerical_rank(np.diag([1.0, 0.5, 1e-9]), rtol=1e-6))
    '5.0e+08'
    """
    if isinstance(report, GenericRow):
        if report.best is None:
            raise ValueError("report is a GenericRow without its rank report (best); build it with generic_dimension")
        report = report.best
    if isinstance(report, DimensionReport):
        report = report.best
    if not isinstance(report, RankReport):
        raise TypeError(f"report must be a RankReport, DimensionReport or GenericRow; got {type(report).__name__}")
    s = report.singular_values
    if report.rank == len(s) or report.rank == 0:
        return "none dropped" if report.rank == len(s) else "inf"
    if report.noise_rtol is None:
        raise ValueError("report has no noise_rtol (built by hand): the rounding level is unknown")
    noise = report.noise_rtol * float(s[0])
    if s[report.rank] <= noise:
        return f"≥ 1e{report.gap_exponent()}"
    digits = 2 if s[report.rank] >= 1e6 * noise else 1
    return f"{report.gap:.{digits - 1}e}"


def generic_dimension(arch, n: int, *, rng=0, n_points: int | None = None, scale: float = 1.0,
                      balanced: bool = False) -> GenericRow:
    """dim psi_k(Theta) for a Gaussian sample of size n, beside m, m - symmetries and nq.

    The sample and the weights come from ``rng``.  No bound is passed to the rank search, not
    even the symmetry bound :func:`nnlib.image_dimension` stops at by default, so a dimension
    above a wrong bound would be seen; the points alternate the ``"gaussian"`` and ``"centred"``
    recipes, the search that experiments/generic_dimension.py's CSV was made with.  With
    ``balanced=True`` the search also tries a ``"balanced"`` point before each of them (as
    :func:`nnlib.image_dimension` does for ReLU by default); the sample and the other points
    stay the same, so the dimension can only go up.

    >>> row = generic_dimension(Architecture((2, 3, 3, 1)), 40)
    >>> row.m, row.symmetry_bound, row.dimension
    (25, 19, 19)
    """
    arch = check_arch(arch)
    n = check_positive_int("n", n)
    rng = as_rng("rng", rng)
    S = rng.standard_normal((n, arch.p))
    if not isinstance(balanced, bool):
        raise TypeError(f"balanced must be True or False; got {balanced!r}")
    rep = image_dimension(arch, S, rng=rng, n_points=n_points, scale=scale, **dict(_FULL_SEARCH, balanced=balanced))
    sb = symmetry_bound(arch)
    nq = n * arch.q
    return GenericRow(arch.widths, arch.activation.name, n, arch.m, continuous_symmetries(arch), sb, nq,
                      rep.dimension, min(sb, nq) - rep.dimension, rep.gap, rep.ambiguous, len(rep.ranks), rep.best)


def parameter_count_width(n: int, p: int, q: int, activation: str = "relu") -> int:
    """Smallest hidden width d with m - symmetries >= nq for the two-layer network p-d-q.

    m - symmetries is (p + q) d + q for ReLU (m = (p + 1) d + (d + 1) q, minus d rescalings) and
    (p + q + 1) d + q for tanh and sigmoid.

    >>> parameter_count_width(10, 2, 1, "relu"), parameter_count_width(10, 2, 1, "tanh")
    (3, 3)
    """
    n, p, q = (check_positive_int(k, v, high=10**9) for k, v in (("n", n), ("p", p), ("q", q)))

    def bound(d):
        return symmetry_bound(Architecture((p, d, q), activation))

    d = 1
    while bound(d) < n * q:
        d += 1
        if d == 64:  # beyond the small widths: bisection (the bound grows with d), never an endless loop
            hi = 10**6
            if bound(hi) < n * q:
                raise ValueError(f"n * q = {n * q} needs a hidden width above {hi} for p = {p}; n or q is too large")
            lo = d - 1  # bound(lo) < n q <= bound(hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if bound(mid) >= n * q else (mid, hi)
            return hi
    return d


def smallest_filling_width(n: int, p: int, q: int, activation: str = "relu", *, rng=0, d_max: int = 60,
                           n_points: int = 40) -> tuple[int, list]:
    """Smallest hidden width d for which dim psi_2(Theta) = nq on a Gaussian sample (n x p).

    Widths d = 1, 2, ... are tried until the computed dimension reaches nq (or d_max), each with
    the full search of :func:`generic_dimension` (no stop at the symmetry bound; ``"gaussian"``
    and ``"centred"`` points), as experiments/generic_rank.py's CSV was made.  Returns
    (d, list of (d, dimension) pairs tried); d is -1 when d_max was not enough.

    >>> smallest_filling_width(8, 2, 1)[0]
    3
    """
    n, p, q = (check_positive_int(k, v) for k, v in (("n", n), ("p", p), ("q", q)))
    d_max = check_positive_int("d_max", d_max)
    rng = as_rng("rng", rng)
    S = rng.standard_normal((n, p))
    tried = []
    for d in range(1, d_max + 1):
        rep = image_dimension(Architecture((p, d, q), activation), S, rng=rng, n_points=n_points, **_FULL_SEARCH)
        tried.append((d, rep.dimension))
        if rep.dimension >= n * q:
            return d, tried
    return -1, tried


def alternating_breakpoint_weights(arch, S, rng=0) -> np.ndarray:
    """Weights of a one-input two-layer ReLU network whose breakpoints sit in every other gap of the sample.

    Unit j has its breakpoint in the gap after the (2j+1)-th smallest sample point (0-based
    gap index 2j + 1, wrapping around) and faces right for even j, left for odd j; the output
    layer is Gaussian.  On n sorted points the network is then linear on runs of two points
    each, so the Jacobian can reach rank min(n, 2d + 1) for q = 1: a constructed point where
    random weights rarely land (each breakpoint must fall in a prescribed gap).

    >>> arch = Architecture((1, 8, 1))
    >>> S = np.random.default_rng(0).standard_normal((16, 1))
    >>> numerical_rank(jacobian(arch, S, alternating_breakpoint_weights(arch, S))).rank
    16
    """
    arch = check_arch(arch)
    if arch.k != 2 or arch.p != 1 or arch.activation.name != "relu":
        raise ValueError(f"arch must be a two-layer ReLU network with one input (1-d-q); got {arch!r}")
    S = as_matrix("S", S, cols=1)
    if S.shape[0] < 2:
        raise ValueError(f"S must have at least two points; got {S.shape[0]}")
    rng = as_rng("rng", rng)
    s = np.sort(S[:, 0])
    mids = (s[:-1] + s[1:]) / 2
    d = arch.widths[1]
    idx = (2 * np.arange(d) + 1) % mids.size
    sign = np.where(np.arange(d) % 2 == 0, 1.0, -1.0)
    A1 = (sign * rng.uniform(0.5, 2.0, d))[:, None]
    b1 = -A1[:, 0] * mids[idx]
    return arch.pack([(A1, b1), (rng.standard_normal((arch.q, d)), rng.standard_normal(arch.q))])


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (default: 95 %).

    >>> lo, hi = wilson_interval(0, 20)
    >>> lo, round(hi, 3)
    (0.0, 0.161)
    """
    trials = check_positive_int("trials", trials)
    successes = check_nonnegative_int("successes", successes)
    z = check_real("z", z, low=0.0, low_open=True, what="a positive number of standard deviations")
    if successes > trials:
        raise ValueError(f"successes must be at most trials = {trials}; got {successes}")
    p = successes / trials
    den = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / den
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def minority_bound(trials: int, share: float = 0.5, z: float = 1.96) -> int:
    """The largest count k whose Wilson upper bound (:func:`wilson_interval`) is below ``share``.

    A count of successes at most this k says, at the interval's confidence, that successes are
    a minority (fewer than ``share`` of all cases).  Returns -1 when even k = 0 is not enough.

    >>> minority_bound(20)            # 5 of 20: Wilson interval [0.11, 0.47]
    5
    """
    trials = check_positive_int("trials", trials)
    share = check_real("share", share, low=0.0, high=1.0, low_open=True, what="a share")
    z = check_real("z", z, low=0.0, low_open=True, what="a positive number of standard deviations")
    k = -1
    while k + 1 <= trials and wilson_interval(k + 1, trials, z)[1] < share:
        k += 1
    return k


@dataclass(frozen=True)
class FittedCount:
    """How many targets a set of fits reached zero loss for, and whether any fit is borderline.

    ``fitted`` counts relative losses at most ``rtol``; ``borderline`` counts those strictly
    inside ``band`` = (low, high), the range where a longer run or another BLAS kernel could move
    a fit across ``rtol``.  With ``borderline == 0`` the class of every fit has a margin: fitted
    ones end below ``low``, the others above ``high``.
    """

    fitted: int
    total: int
    borderline: int
    rtol: float
    band: tuple

    def wilson(self, z: float = 1.96) -> tuple[float, float]:
        """The Wilson interval of ``fitted / total`` (:func:`wilson_interval`)."""
        return wilson_interval(self.fitted, self.total, z)


def fitted_count(relative_losses, *, rtol: float = 1e-10, band=(1e-15, 1e-5)) -> FittedCount:
    """Count the relative losses (e.g. of :func:`zero_loss_fraction`) at most ``rtol``, and those inside ``band``.

    >>> fc = fitted_count([1e-25, 0.3, 2e-3, 1e-12])
    >>> fc.fitted, fc.total, fc.borderline
    (2, 4, 1)
    """
    if isinstance(relative_losses, (str, bytes)) or np.asarray(relative_losses).dtype.kind not in "iuf":
        # complex, strings, objects refused (+inf is allowed: a fit whose loss overflowed is not fitted)
        raise TypeError(f"relative_losses must be an array of real numbers; got {relative_losses!r}")
    rel = np.asarray(relative_losses, dtype=float)
    rtol = check_tolerance("rtol", rtol)
    if rel.ndim != 1 or rel.size == 0 or np.any(np.isnan(rel)) or np.any(rel < 0):
        raise ValueError(f"relative_losses must be a non-empty 1-d array of non-negative numbers; got {relative_losses!r}")
    lo, hi = (float(b) for b in band)
    if not 0.0 <= lo < rtol < hi:
        raise ValueError(f"band must be (low, high) with low < rtol = {rtol} < high; got {band!r}")
    return FittedCount(int(np.sum(rel <= rtol)), int(rel.size), int(np.sum((rel > lo) & (rel < hi))), float(rtol),
                       (lo, hi))


def zero_loss_fraction(arch, S, targets, *, n_starts: int = 4, rng=0, rtol: float = 1e-10,
                       max_nfev: int = 400) -> np.ndarray:
    """For each target, the best relative loss ||T - psi(theta)||^2 / ||T||^2 over trust-region fits.

    ``targets`` has shape (N, n, q).  A target counts as fitted to zero loss when the returned
    value is at most ``rtol``; the caller applies the threshold (and :func:`wilson_interval`).
    Returns an array of N relative losses.
    """
    arch = check_arch(arch)
    S = as_matrix("S", S, cols=arch.p)
    targets = np.asarray(targets, dtype=float)
    if targets.ndim != 3 or targets.shape[1:] != (S.shape[0], arch.q):
        raise ValueError(f"targets must have shape (N, {S.shape[0]}, {arch.q}); got {targets.shape}")
    n_starts = check_positive_int("n_starts", n_starts)
    rtol = check_tolerance("rtol", rtol)
    gen = as_rng("rng", rng)
    out = []
    for T in targets:
        scale = float(np.sum(T * T)) or 1.0
        best = np.inf
        for _ in range(n_starts):
            fit = least_squares_fit(arch, S, T, arch.random_theta(gen), max_nfev=max_nfev)
            best = min(best, fit.final_loss / scale)
            if best <= rtol:
                break
        out.append(best)
    return np.array(out)


# ----------------------------------------------------------------------------------------------
# Polynomial networks without biases (Kileel, Trager, Bruna 2019)
# ----------------------------------------------------------------------------------------------
def monomial_count(p: int, degree: int) -> int:
    """Number of monomials of degree exactly ``degree`` in p variables, binom(p + degree - 1, degree).

    >>> monomial_count(3, 2)
    6
    """
    p = check_positive_int("p", p)
    degree = check_nonnegative_int("degree", degree)
    return math.comb(p + degree - 1, degree)


def polynomial_space_bound(arch) -> int:
    """q binom(p + D, D), D = r^(k-1): the dimension of the space of q-tuples of polynomials of degree <= D in p variables.

    A network with activation x^r (and biases) computes such a tuple, so this bounds
    dim psi_k(Theta) for every sample, beside m - symmetries and nq.

    >>> polynomial_space_bound(Architecture((2, 5, 1), "poly2"))   # quadratics in 2 variables
    6
    """
    arch = check_arch(arch)
    r = polynomial_degree(arch)
    if r is None:
        raise ValueError(f"arch must have a polynomial activation x^r; got {arch.activation.name!r}")
    D = r ** (arch.k - 1)
    return arch.q * math.comb(arch.p + D, D)


def ktb_expected_dimension(widths, r: int) -> int:
    """min(d_h + sum_{i=1}^h (d_{i-1} - 1) d_i, d_h binom(d_0 + r^(h-1) - 1, r^(h-1))) for widths (d_0, ..., d_h).

    The first term is the number of entries of A_1, ..., A_h (a bias-free network with activation
    x^r) less one scaling per hidden unit: sum d_{i-1} d_i - (d_1 + ... + d_{h-1}).  The second is
    the dimension of the space of d_h-tuples of homogeneous polynomials of degree r^(h-1) in
    d_0 variables, where the network's polynomial maps live.

    >>> ktb_expected_dimension((2, 3, 1), 2)   # sums of three squares of linear forms in 2 variables
    3
    """
    widths = check_widths("widths", widths, min_length=1)  # an ordered sequence: a set is refused
    r = check_positive_int("r", r)
    h = len(widths) - 1
    if h < 1:
        raise ValueError(f"widths must list at least two widths; got {widths}")
    params = widths[-1] + sum((widths[i - 1] - 1) * widths[i] for i in range(1, h + 1))
    return min(params, widths[-1] * monomial_count(widths[0], r ** (h - 1)))


def polynomial_functional_dimension(widths, r: int, *, rng=0, n_points: int = 3, oversample: int = 2):
    """Dimension of the set of polynomial maps of a bias-free network with activation x^r.

    The network x -> A_h (A_{h-1} ... (A_1 x)^r ...)^r is a d_h-tuple of homogeneous
    polynomials of degree r^(h-1) in d_0 variables.  Evaluated on a Gaussian sample of
    n = oversample * (number of monomials) points, evaluation is injective on such tuples, so
    the rank of the Jacobian with respect to the matrices A_i alone (the biases fixed at 0) is
    the dimension of the functional variety.  Returns (dimension, RankReport at the best point).

    >>> polynomial_functional_dimension((2, 3, 1), 2)[0]
    3
    """
    widths = check_widths("widths", widths, min_length=1)  # an ordered sequence: a set is refused
    r = check_positive_int("r", r)
    if r < 2:
        raise ValueError(f"r must be at least 2 (r = 1 is a linear network); got {r}")
    rng = as_rng("rng", rng)
    arch = Architecture(widths, "polynomial", degree=r)
    D = r ** (arch.k - 1)
    n = check_positive_int("oversample", oversample) * monomial_count(arch.p, D)
    S = rng.standard_normal((n, arch.p)) / np.sqrt(arch.p)
    # columns of the Jacobian that belong to the matrices A_i (not to the biases)
    mask = np.zeros(arch.m, dtype=bool)
    off = 0
    for rows, cols in arch.layer_shapes:
        mask[off: off + rows * cols] = True
        off += rows * cols + rows
    best = None
    for _ in range(check_positive_int("n_points", n_points)):
        theta = arch.random_theta(rng)
        for _, b in arch.unpack(theta):
            b[:] = 0.0
        rep = numerical_rank(jacobian(arch, S, theta)[:, mask])
        if best is None or rep.rank > best.rank:
            best = rep
    return best.rank, best

