r"""Ill-posedness of the best two-layer approximation (paper §4: Theorem 1, Proposition 1).

Three groups of helpers:

* **the quadrant argument** of the proof of Theorem 1, as computations: the ReLU projection
  sigma_max of five equally spaced collinear points (the points (19) -> (18)), their successive
  distances, and :func:`pattern_defect`, which measures how far five points are from being
  collinear with successive distances delta, delta, 2 delta, 2 delta (the shape of t_1, ..., t_5
  of (16)); :func:`quadrant_survey` runs this over many lines, random and adversarial;
* **rates**: :func:`loglog_slope` (least-squares exponent of a power law) and
  :func:`theta_k_table` (error and norm along the sequence (17));
* **the price of boundedness**: :func:`price_of_boundedness` (the smallest loss found with
  ||theta|| <= R, over a list of radii) and :func:`weight_decay_path` (minimisers of
  loss + lambda ||theta||^2 over a list of lambdas), with :func:`rebalance_to_norm`, the
  function-preserving ReLU rescaling used to warm-start one radius from the previous one;

The chapter's figures and widgets are in :mod:`nnlib.viz.illposed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from ._checks import as_matrix, as_rng, as_vector, check_arch, check_nonnegative_int, check_positive_float, check_positive_int, check_sample
from .fitting import constrained_fit, weight_decay_fit
from .generic import wilson_interval
from .network import Architecture, weights_map
from .paper import theorem1_architecture, theorem1_data, theta_k

__all__ = [
    "TARGET_POSITIONS",
    "balanced_theta_k",
    "line_points",
    "relu_projection_of_line",
    "successive_distances",
    "is_collinear",
    "pattern_defect",
    "closed_orthants",
    "QuadrantSurvey",
    "quadrant_survey",
    "affine_rank",
    "loglog_slope",
    "loglog_fit",
    "theta_k_table",
    "rebalance_to_norm",
    "balance",
    "BoundednessPath",
    "price_of_boundedness",
    "WeightDecayPath",
    "weight_decay_path",
    "weight_decay_from_price",
    "fit_survey_summary",
]

#: Positions of t_1, ..., t_5 of (16) along their line (first coordinates 2, 1, 0, -2, -4, read
#: from t_1): successive distances 1, 1, 2, 2.
TARGET_POSITIONS = np.array([0.0, 1.0, 2.0, 4.0, 6.0])


# ------------------------------------------------------------------------------- the quadrant argument


def line_points(a, d, n: int = 5) -> np.ndarray:
    """The n equally spaced collinear points a + t d, t = -(n-1)/2, ..., (n-1)/2 (rows).

    For the Theorem-1 sample, beta_1(s_i) = b + (i - 3) A[:, 0] for i = 1, ..., 5, so the points
    (19) are ``line_points(b, A[:, 0])``.

    >>> line_points([0, 0], [1, 2], 3)
    array([[-1., -2.],
           [ 0.,  0.],
           [ 1.,  2.]])
    """
    a = as_vector("a", a)
    d = as_vector("d", d, length=a.shape[0])
    n = check_positive_int("n", n)
    t = np.arange(n) - (n - 1) / 2
    return a[None, :] + t[:, None] * d[None, :]


def relu_projection_of_line(a, d, n: int = 5) -> np.ndarray:
    """sigma_max (Definition 2) of the points :func:`line_points` (a, d, n): the points (18).

    >>> relu_projection_of_line([0, 0], [1, -1], 3)
    array([[0., 1.],
           [0., 0.],
           [1., 0.]])
    """
    return np.maximum(line_points(a, d, n), 0.0)


def successive_distances(P) -> np.ndarray:
    """Euclidean distances between consecutive rows of P (n - 1 numbers).

    >>> successive_distances([[0, 0], [3, 4], [3, 5]])
    array([5., 1.])
    """
    P = as_matrix("P", P)
    return np.linalg.norm(np.diff(P, axis=0), axis=1)


def is_collinear(P, *, rtol: float = 1e-9) -> bool:
    """True when the rows of P lie on one line (or coincide): the centred points have rank <= 1.

    The second singular value of the centred points is compared with ``rtol`` times the first
    (with an absolute floor of ``rtol`` for points that all coincide up to round-off).

    >>> is_collinear([[0, 0], [1, 1], [3, 3]]), is_collinear([[0, 0], [1, 0], [0, 1]])
    (True, False)
    """
    P = as_matrix("P", P)
    rtol = check_positive_float("rtol", rtol)
    sv = np.linalg.svd(P - P.mean(axis=0), compute_uv=False)
    if sv.size < 2:
        return True
    return bool(sv[1] <= rtol * max(sv[0], 1.0))


def pattern_defect(P, positions=TARGET_POSITIONS) -> float:
    r"""How far the rows of P are from c + tau_i w, tau = ``positions`` (relative residual in [0, 1]).

    Fits P_i ~ c + tau_i w by linear least squares over c, w in R^d and returns
    ||residual||_F / ||P - mean(P)||_F.  It is 0 exactly when the points are collinear, in order,
    with successive distances proportional to diff(tau) -- for the default tau = (0, 1, 2, 4, 6)
    that is delta, delta, 2 delta, 2 delta in the order of the rows (the line may point either
    way, since w may have any sign, but 2 delta, 2 delta, delta, delta is a different pattern) -- and it
    is 1 when the positions explain nothing.  Points that all coincide (no spread) get defect 1:
    they cannot have delta > 0.  The value is invariant under translations, rotations and scalings
    of P, and whether it is 0 is invariant under every affine isomorphism (such as beta_2 in the
    proof), which preserves collinearity and ratios of distances along a line.

    >>> T5 = [[2, 0], [1, 0], [0, 0], [-2, 0], [-4, 0]]
    >>> round(pattern_defect(T5), 12)
    0.0
    >>> round(pattern_defect([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]]), 3)
    0.174
    """
    P = as_matrix("P", P)
    tau = as_vector("positions", positions, length=P.shape[0])
    centred = P - P.mean(axis=0)
    spread = float(np.linalg.norm(centred))
    if spread <= 1e-12 * max(1.0, float(np.abs(P).max())):
        return 1.0
    X = np.column_stack([np.ones_like(tau), tau])
    coef, *_ = np.linalg.lstsq(X, P, rcond=None)
    return float(np.linalg.norm(P - X @ coef) / spread)


def closed_orthants(X) -> list[tuple[int, ...]]:
    """The closed orthants (sign vectors in {+1, -1}^d) that contain every row of X.

    Empty when the points straddle orthants.  A point on a coordinate hyperplane lies in
    several closed orthants.

    >>> closed_orthants([[1, 0], [2, 0]])
    [(1, 1), (1, -1)]
    >>> closed_orthants([[1, 1], [-1, 1]])
    []
    """
    X = as_matrix("X", X)
    d = X.shape[1]
    out = []
    for code in range(2**d):
        signs = tuple(1 if (code >> (d - 1 - j)) & 1 == 0 else -1 for j in range(d))
        if np.all(X * np.array(signs) >= 0):
            out.append(signs)
    return out


def affine_rank(points, *, rtol: float = 1e-10) -> int:
    """Dimension of the affine hull of the rows of ``points`` (rank of the differences to the first).

    Singular values of the differences below ``rtol`` times the largest (or times 1, whichever is
    larger) count as zero.

    >>> affine_rank([[2, 0], [0, 0], [0, 1]])
    2
    """
    P = as_matrix("points", points)
    rtol = check_positive_float("rtol", rtol)
    if P.shape[0] == 1:
        return 0
    sv = np.linalg.svd(P[1:] - P[0], compute_uv=False)
    return int(np.sum(sv > rtol * max(float(sv[0]), 1.0)))


@dataclass(frozen=True)
class QuadrantSurvey:
    """The result of :func:`quadrant_survey`: one row per line a + t d, t = -2..2.

    Attributes
    ----------
    kind : ndarray of str
        How the line was drawn ("random", "kink at s_3", "through the origin", "axis-parallel",
        "adversarial").
    same_orthant : ndarray of bool
        The five points (19) lie in one closed quadrant.
    collinear : ndarray of bool
        The five image points (18) lie on one line (:func:`is_collinear` with relative tolerance
        ``SURVEY_COLLINEAR_RTOL``).
    equal_spacing : ndarray of bool
        The image points have equal successive distances (relative tolerance 1e-9) -- including
        the degenerate case where they all coincide.
    all_zero : ndarray of bool
        Every image point is the origin.
    distinct : ndarray of bool
        The five image points are pairwise distinct (every successive distance > ``SURVEY_COLLINEAR_RTOL``
        times the size of the points): necessary for the pattern delta, delta, 2 delta, 2 delta with delta > 0.
    middle_ratio : ndarray
        The ratio d_3 / d_2 of the two middle successive distances of the image (NaN when d_2 = 0);
        the pattern of t_1, ..., t_5 needs 2 (the distances 1, 1, 2, 2; read backwards, 2, 2, 1, 1,
        the ratio is 1/2).
    defect : ndarray
        :func:`pattern_defect` of the image points (0 would be the pattern of T).
    lines : ndarray, shape (N, 2, 2)
        (a, d) of each line.
    """

    kind: np.ndarray
    same_orthant: np.ndarray
    collinear: np.ndarray
    equal_spacing: np.ndarray
    all_zero: np.ndarray
    distinct: np.ndarray
    middle_ratio: np.ndarray
    defect: np.ndarray
    lines: np.ndarray = field(repr=False)


#: Relative tolerance of the survey's collinearity and distinctness tests.  The adversarial lines
#: are Nelder-Mead minima whose images are collinear, or have two points coinciding, only to the
#: search's precision (a second singular value, or a distance, about 1e-9 of the size, varying with
#: the last bits of the arithmetic), while every other image measured is either exactly collinear
#: (0) or off a line by more than 1e-4, with distances 0 or above 1e-3: 1e-6 decides both groups
#: with orders of magnitude to spare.
SURVEY_COLLINEAR_RTOL = 1e-6


def _line_record(a, d):
    X = line_points(a, d)
    P = np.maximum(X, 0.0)
    dist = successive_distances(P)
    scale = max(float(np.abs(X).max()), 1e-300)
    equal = bool(np.ptp(dist) <= 1e-9 * scale)
    return (
        len(closed_orthants(X)) > 0,
        is_collinear(P, rtol=SURVEY_COLLINEAR_RTOL),
        equal,
        bool(np.all(np.abs(P) <= 1e-12 * scale)),
        bool(np.all(dist > SURVEY_COLLINEAR_RTOL * scale)),
        float(dist[2] / dist[1]) if dist[1] > 1e-12 * scale else np.nan,
        pattern_defect(P),
    )


def _adversarial_min(a, d, *, maxiter: int = 400):
    """Nelder-Mead on the unit sphere of (a, d) in R^4, minimising the pattern defect from (a, d)."""
    def f(v):
        n = np.linalg.norm(v)
        if n == 0:
            return 1.0
        v = v / n
        return pattern_defect(np.maximum(line_points(v[:2], v[2:]), 0.0))

    v0 = np.concatenate([a, d])
    sol = scipy.optimize.minimize(f, v0 / np.linalg.norm(v0), method="Nelder-Mead",
                                  options={"maxiter": maxiter, "xatol": 1e-10, "fatol": 1e-12})
    v = sol.x / np.linalg.norm(sol.x)
    return v[:2], v[2:]


def quadrant_survey(n_random: int = 2000, *, n_adversarial: int = 40, rng=0) -> QuadrantSurvey:
    """Test the quadrant argument on many lines a + t d (the points (19) of affine maps beta_1).

    For each line the five points t = -2, ..., 2 are mapped by sigma_max and the image is
    checked: same closed quadrant or not, collinear or not, equally spaced or not, and its
    :func:`pattern_defect` against the spacing delta, delta, 2 delta, 2 delta of t_1, ..., t_5.

    The lines are: ``n_random`` with a, d standard normal ("random"); lines whose middle point
    a sits on a coordinate axis, so that the image has a kink exactly at the middle point, as
    the target does ("kink at s_3"); lines through the origin; axis-parallel lines; and
    ``n_adversarial`` local minima of the defect found by Nelder-Mead from random starts
    ("adversarial": the closest the ReLU projection of a line gets to the target pattern).

    Returns
    -------
    QuadrantSurvey
    """
    n_random = check_positive_int("n_random", n_random)
    n_adversarial = check_nonnegative_int("n_adversarial", n_adversarial)
    gen = as_rng("rng", rng)
    lines, kinds = [], []
    for _ in range(n_random):
        lines.append(gen.standard_normal((2, 2)))
        kinds.append("random")
    for _ in range(max(1, n_random // 10)):
        a, d = gen.standard_normal(2), gen.standard_normal(2)
        a[gen.integers(2)] = 0.0  # middle point on an axis: the kink falls on s_3
        lines.append(np.array([a, d]))
        kinds.append("kink at s_3")
        lines.append(np.array([np.zeros(2), gen.standard_normal(2)]))
        kinds.append("through the origin")
        d = gen.standard_normal(2)
        d[gen.integers(2)] = 0.0
        lines.append(np.array([gen.standard_normal(2), d]))
        kinds.append("axis-parallel")
    for _ in range(n_adversarial):
        a, d = _adversarial_min(gen.standard_normal(2), gen.standard_normal(2))
        lines.append(np.array([a, d]))
        kinds.append("adversarial")
    records = [_line_record(a, d) for a, d in lines]
    cols = list(zip(*records))
    return QuadrantSurvey(
        np.array(kinds), np.array(cols[0]), np.array(cols[1]), np.array(cols[2]), np.array(cols[3]),
        np.array(cols[4]), np.array(cols[5], dtype=float), np.array(cols[6], dtype=float), np.array(lines),
    )


# -------------------------------------------------------------------------------------------- rates


def loglog_slope(x, y) -> tuple[float, float]:
    """Least-squares fit of log y = a log x + log C; returns (a, C), i.e. y ~ C x^a.

    >>> a, C = loglog_slope([1, 2, 4], [3, 12, 48])
    >>> round(a, 12), round(C, 12)
    (2.0, 3.0)
    """
    x = as_vector("x", x)
    y = as_vector("y", y, length=x.shape[0])
    if x.shape[0] < 2:
        raise ValueError(f"x must hold at least 2 points to fit a slope; got {x.shape[0]}")
    if np.any(x <= 0):
        raise ValueError("x must be positive (it is put on a log scale)")
    if np.any(y <= 0):
        raise ValueError("y must be positive (it is put on a log scale)")
    a, logC = np.polyfit(np.log(x), np.log(y), 1)
    return float(a), float(np.exp(logC))


def loglog_fit(x, y) -> tuple[float, float, float]:
    """:func:`loglog_slope` with the standard error of the exponent: (a, C, se_a), y ~ C x^a.

    se_a is the usual least-squares standard error of the slope of log y against log x (residual
    variance with n - 2 degrees of freedom); it is 0 for an exact power law and needs at least 3
    points.

    >>> a, C, se = loglog_fit([1, 2, 4, 8], [3, 12, 48, 192])
    >>> round(a, 12), round(C, 12), round(se, 12)
    (2.0, 3.0, 0.0)
    """
    a, C = loglog_slope(x, y)
    lx, ly = np.log(as_vector("x", x)), np.log(as_vector("y", y))
    if lx.shape[0] < 3:
        raise ValueError(f"x must hold at least 3 points for a standard error; got {lx.shape[0]}")
    res = ly - (a * lx + np.log(C))
    se = float(np.sqrt(res @ res / (lx.shape[0] - 2) / np.sum((lx - lx.mean()) ** 2)))
    return a, C, se


def theta_k_table(ks, S=None, T=None) -> dict:
    """Error and norm along the sequence theta_k of (17) on the data (16).

    Returns a dict of arrays: ``k``, ``error`` = ||T - psi_2(theta_k)||_F, ``norm`` = ||theta_k||,
    ``exact_error`` = sqrt(5)/k and ``exact_norm`` = sqrt(5 k^2 + 2 k + 9 + 1/k^2) (the value of
    ||theta_k|| read off (17)).

    >>> tab = theta_k_table([1, 10])
    >>> np.allclose(tab["error"], tab["exact_error"]), np.allclose(tab["norm"], tab["exact_norm"])
    (True, True)
    """
    ks = as_vector("ks", ks)
    if np.any(ks <= 0):
        raise ValueError("ks must be positive")
    S0, T0 = theorem1_data()
    arch = theorem1_architecture()
    S = check_sample(arch, S0 if S is None else S)
    T = as_matrix("T", T0 if T is None else T, rows=S.shape[0], cols=arch.q)
    err = np.array([np.linalg.norm(T - weights_map(arch, S, theta_k(float(k)))) for k in ks])
    nrm = np.array([np.linalg.norm(theta_k(float(k))) for k in ks])
    return {
        "k": ks,
        "error": err,
        "norm": nrm,
        "exact_error": np.sqrt(5.0) / ks,
        "exact_norm": np.sqrt(5 * ks**2 + 2 * ks + 9 + 1 / ks**2),
    }


# ------------------------------------------------------------------------ the price of boundedness


def _check_two_layer_relu(arch) -> Architecture:
    arch = check_arch(arch)
    if arch.k != 2 or arch.activation.name != "relu":
        raise ValueError(f"arch must be a two-layer ReLU network; got {arch!r}")
    return arch


def rebalance_to_norm(arch, theta, R: float) -> np.ndarray | None:
    r"""Weights with the same psi_2 as ``theta`` and norm exactly R, or None if R is out of reach.

    ReLU is positively homogeneous, so scaling hidden unit j's incoming weights (row j of A_1
    and b_1[j]) by c > 0 and its outgoing weights (column j of A_2) by 1/c leaves the network
    unchanged.  The unit with the largest incoming weights is rescaled to reach ||theta|| = R
    (growing c raises the norm without bound); None when R is below the smallest norm that
    rescaling that unit can reach.

    >>> from nnlib.paper import theorem1_architecture, theta_k
    >>> arch = theorem1_architecture()
    >>> th = rebalance_to_norm(arch, theta_k(2), 50.0)
    >>> round(float(np.linalg.norm(th)), 9)
    50.0
    """
    arch = _check_two_layer_relu(arch)
    theta = as_vector("theta", theta, length=arch.m)
    R = check_positive_float("R", R)
    (A1, b1), (A2, b2) = arch.unpack(theta)
    inc = A1**2
    inc = inc.sum(axis=1) + b1**2
    out = (A2**2).sum(axis=0)
    j = int(np.argmax(inc))
    if inc[j] == 0:
        return None
    rest = float(theta @ theta) - inc[j] - out[j]
    # inc_j x + out_j / x + rest = R^2, x = c^2 > 0  <=>  inc_j x^2 - (R^2 - rest) x + out_j = 0
    B = R * R - rest
    disc = B * B - 4 * inc[j] * out[j]
    if B <= 0 or disc < 0:
        return None
    x = (B + np.sqrt(disc)) / (2 * inc[j])
    c = np.sqrt(x)
    A1, b1, A2 = A1.copy(), b1.copy(), A2.copy()
    A1[j] *= c
    b1[j] *= c
    A2[:, j] /= c
    return arch.pack([(A1, b1), (A2, b2)])


def balance(arch, theta) -> np.ndarray:
    """The smallest-norm weights with the same psi_2 reachable by the per-unit ReLU rescaling.

    Unit j's incoming weights (row j of A_1, b_1[j]) are scaled by c_j and its outgoing weights
    (column j of A_2) by 1/c_j with c_j^2 = ||out_j|| / ||in_j||, which makes the two norms equal
    and minimises ||in_j||^2 c_j^2 + ||out_j||^2 / c_j^2 (to 2 ||in_j|| ||out_j||).  Dead units
    (zero incoming or outgoing weights) are left alone.

    >>> from nnlib.paper import theorem1_architecture, theta_k
    >>> round(float(np.linalg.norm(balance(theorem1_architecture(), theta_k(1)))), 6) < round(float(np.linalg.norm(theta_k(1))), 6)
    True
    """
    arch = _check_two_layer_relu(arch)
    theta = as_vector("theta", theta, length=arch.m)
    (A1, b1), (A2, b2) = arch.unpack(theta)
    A1, b1, A2 = A1.copy(), b1.copy(), A2.copy()
    inc = np.sqrt((A1**2).sum(axis=1) + b1**2)
    out = np.sqrt((A2**2).sum(axis=0))
    for j in range(len(inc)):
        if inc[j] > 0 and out[j] > 0:
            c = np.sqrt(out[j] / inc[j])
            A1[j] *= c
            b1[j] *= c
            A2[:, j] /= c
    return arch.pack([(A1, b1), (A2, b2)])


@dataclass(frozen=True)
class BoundednessPath:
    """The price of boundedness: the best loss found with ||theta|| <= R, for each R in ``radii``.

    Attributes
    ----------
    radii, best_loss, best_norm : ndarray
    thetas : ndarray, shape (len(radii), m)
        The best weights found at each radius.
    all_losses : ndarray, shape (len(radii), n_starts)
        The final loss of every start (NaN where a start was not available, e.g. no warm start
        at the first radius).
    start_names : tuple of str
        What each column of ``all_losses`` started from.  ``best_loss`` can be lower than every
        entry of its row: the previous radius's best is kept when no start beats it.
    """

    radii: np.ndarray
    best_loss: np.ndarray
    best_norm: np.ndarray
    thetas: np.ndarray = field(repr=False)
    all_losses: np.ndarray = field(repr=False)
    start_names: tuple


def price_of_boundedness(
    arch, S, T, radii, *, n_random: int = 3, rng=0, warm_starts=(), max_iter: int = 500, backward_sweeps: int = 0
) -> BoundednessPath:
    """The smallest loss :func:`nnlib.fitting.constrained_fit` finds with ||theta|| <= R, for each R.

    At each radius (in increasing order) the starts are: the previous radius's best weights
    ("continuation"; :func:`~nnlib.fitting.constrained_fit` moves them radially onto the new
    sphere for its Gauss-Newton run, and SLSQP starts from them inside the ball); the same
    weights rebalanced to norm R by :func:`rebalance_to_norm` (same loss, on the sphere); each of
    ``warm_starts`` (functions R -> theta, e.g. theta_k of (17) rebalanced to norm R); and
    ``n_random`` random weights (``arch.random_theta``, scale 1).  Decision rule: the lowest final
    loss wins, the previous radius's best included (it is feasible for the larger ball, so the
    reported price never increases with R).  The best loss found is an upper bound on the true
    minimum over the ball (it is attained by a feasible point), not a certified minimum.

    ``backward_sweeps`` > 0 adds that many passes from the largest radius down: at each radius
    the best weights of the next larger radius (moved radially into the ball by
    :func:`~nnlib.fitting.constrained_fit`) and those weights rebalanced to norm R are tried too,
    and the lower loss is kept.  A start that the forward pass left at a poor local minimum (or
    where the solver stopped early) is then repaired from its neighbour, so the reported price
    depends much less on where single solver runs stop (the last bits of the arithmetic).
    """
    arch = _check_two_layer_relu(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    radii = as_vector("radii", radii)
    if np.any(radii <= 0) or np.any(np.diff(radii) <= 0):
        raise ValueError("radii must be positive and strictly increasing")
    n_random = check_nonnegative_int("n_random", n_random)
    backward_sweeps = check_nonnegative_int("backward_sweeps", backward_sweeps)
    gen = as_rng("rng", rng)
    warm_starts = tuple(warm_starts)
    if not all(callable(f) for f in warm_starts):
        raise TypeError("warm_starts must be functions R -> theta")
    names = ("continuation", "continuation, rebalanced") + tuple(f"warm start {i + 1}" for i in range(len(warm_starts))) + tuple(
        f"random {i + 1}" for i in range(n_random)
    )
    best_loss, best_norm, thetas, all_losses = [], [], [], []
    prev, prev_loss = None, np.inf
    for R in radii:
        starts = [prev, None if prev is None else rebalance_to_norm(arch, prev, float(R))]
        starts += [as_vector("warm_starts(R)", f(float(R)), length=arch.m) for f in warm_starts]
        starts += [arch.random_theta(gen) for _ in range(n_random)]
        row = np.full(len(starts), np.nan)
        best = None
        for i, th0 in enumerate(starts):
            if th0 is None:
                continue
            res = constrained_fit(arch, S, T, float(R), th0, max_iter=max_iter)
            row[i] = res.final_loss
            if best is None or res.final_loss < best[1]:
                best = (res.theta, res.final_loss)
        if prev is not None and prev_loss < best[1]:  # the previous best is feasible for the larger ball
            best = (prev, prev_loss)
        prev, prev_loss = best
        best_loss.append(prev_loss)
        best_norm.append(float(np.linalg.norm(prev)))
        thetas.append(prev)
        all_losses.append(row)
    for _ in range(backward_sweeps):
        for j in range(len(radii) - 2, -1, -1):
            R = float(radii[j])
            for th0 in (thetas[j + 1], rebalance_to_norm(arch, thetas[j + 1], R)):
                if th0 is None:
                    continue
                res = constrained_fit(arch, S, T, R, th0, max_iter=max_iter)
                if res.final_loss < best_loss[j]:
                    thetas[j], best_loss[j], best_norm[j] = res.theta, res.final_loss, res.final_norm
        for j in range(1, len(radii)):  # keep the price non-increasing: a smaller ball's best is feasible
            if best_loss[j - 1] < best_loss[j]:
                thetas[j], best_loss[j], best_norm[j] = thetas[j - 1], best_loss[j - 1], best_norm[j - 1]
    return BoundednessPath(radii, np.array(best_loss), np.array(best_norm), np.array(thetas), np.array(all_losses), names)


@dataclass(frozen=True)
class WeightDecayPath:
    """Minimisers found for loss + lambda ||theta||^2, one per lambda.

    Attributes
    ----------
    lambdas, loss, norm : ndarray
        lambda, the data loss ||T - psi(theta)||_F^2 and ||theta|| at the best minimiser found.
    objective : ndarray
        loss + lambda * norm^2.
    thetas : ndarray, shape (len(lambdas), m)
    """

    lambdas: np.ndarray
    loss: np.ndarray
    norm: np.ndarray
    objective: np.ndarray
    thetas: np.ndarray = field(repr=False)


def weight_decay_path(
    arch, S, T, lambdas, *, seeds=(), n_seeds: int = 2, n_random: int = 0, jitter: float = 1e-2, rng=0, max_nfev: int = 2000
) -> WeightDecayPath:
    r"""Minimise loss + lambda ||theta||^2 (:func:`nnlib.fitting.weight_decay_fit`) for each lambda.

    The seeds are meant to be the solutions of :func:`price_of_boundedness` on a fine grid of
    radii: since min_theta L(theta) + lambda ||theta||^2 = min_R [min_{||theta|| <= R} L(theta)
    + lambda R^2], the seed with the lowest regularised objective is already close to a global
    minimiser.  For each lambda the candidates are: the ``n_seeds`` seeds with the lowest regularised
    objective, as they are (no solve) and polished by :func:`~nnlib.fitting.weight_decay_fit`
    from the seed and from the seed slightly perturbed (relative size ``jitter``); the previous
    lambda's minimiser, polished; and ``n_random`` random starts.  The perturbation moves a start
    off the ReLU kinks: a minimiser on a sphere often has a hidden pre-activation exactly 0 at a
    sample point, where the loss is not differentiable and a Gauss-Newton run can stop at once.
    Decision rule: the lowest regularised objective wins.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    lambdas = as_vector("lambdas", lambdas)
    if np.any(lambdas <= 0):
        raise ValueError("lambdas must be positive")
    seeds = np.zeros((0, arch.m)) if len(seeds) == 0 else as_matrix("seeds", seeds, cols=arch.m)
    n_random = check_nonnegative_int("n_random", n_random)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    max_nfev = check_positive_int("max_nfev", max_nfev)
    jitter = check_positive_float("jitter", jitter)
    gen = as_rng("rng", rng)

    def loss_of(th):
        return float(np.sum((weights_map(arch, S, th) - T) ** 2))

    prev = None
    losses, norms, objs, thetas = [], [], [], []
    for lam in lambdas:
        candidates = []  # (theta, data loss)
        starts = [] if prev is None else [prev]
        if len(seeds):
            order = np.argsort([loss_of(th) + lam * th @ th for th in seeds])[:n_seeds]
            for i in order:
                candidates.append((seeds[i], loss_of(seeds[i])))
                starts += [seeds[i], seeds[i] + jitter * np.linalg.norm(seeds[i]) / np.sqrt(arch.m) * gen.standard_normal(arch.m)]
        starts += [arch.random_theta(gen) for _ in range(n_random)]
        if not starts:
            starts.append(arch.random_theta(gen))
        for th0 in starts:
            res = weight_decay_fit(arch, S, T, float(lam), th0, max_nfev=max_nfev)
            candidates.append((res.theta, res.final_loss))
        best, best_loss = min(candidates, key=lambda c: c[1] + lam * c[0] @ c[0])
        prev = best
        losses.append(best_loss)
        norms.append(float(np.linalg.norm(best)))
        objs.append(best_loss + lam * float(best @ best))
        thetas.append(best.copy())
    return WeightDecayPath(lambdas, np.array(losses), np.array(norms), np.array(objs), np.array(thetas))


def weight_decay_from_price(arch, S, T, path: BoundednessPath, lambdas) -> WeightDecayPath:
    r"""Upper bounds on min_theta loss + lambda ||theta||^2 read off a computed price of boundedness.

    min_theta [L(theta) + lambda ||theta||^2] = min_R [p(R) + lambda R^2] (split theta by its
    norm), so for each lambda the weights of ``path`` (a :class:`BoundednessPath`) with the lowest
    L + lambda ||theta||^2 give an upper bound on the minimum, attained by actual weights.  Unlike
    a Gauss-Newton polish (:func:`weight_decay_path`), which stops at ReLU kinks at places that
    depend on the last bits of the arithmetic, this is a deterministic function of the price: it
    is as stable as the price, and its norms are those of the radius grid (quantised to it).
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    lambdas = as_vector("lambdas", lambdas)
    if np.any(lambdas <= 0):
        raise ValueError("lambdas must be positive")
    if not isinstance(path, BoundednessPath):
        raise TypeError(f"path must be a BoundednessPath (from price_of_boundedness); got {type(path).__name__}")
    loss = np.array([float(np.sum((weights_map(arch, S, th) - T) ** 2)) for th in path.thetas])
    sq = np.array([float(th @ th) for th in path.thetas])
    pick = [int(np.argmin(loss + lam * sq)) for lam in lambdas]
    return WeightDecayPath(lambdas, loss[pick], np.sqrt(sq[pick]), loss[pick] + lambdas * sq[pick], path.thetas[pick].copy())


def fit_survey_summary(runs, *, small_loss: float = 1e-6, bounded_norm: float = 20.0) -> dict:
    """Robust summaries of many fits from random starts (end points of :class:`~nnlib.fitting.FitResult`).

    Single trajectories of such a survey are chaotic: which start ends where changes with the last
    bits of the arithmetic.  What is reported here is meant to survive that:

    ``n``; ``n_small`` (final loss < ``small_loss``) with its 95 % Wilson interval ``small_ci``;
    ``min_norm_small`` (smallest final norm among those; NaN if none); ``min_loss_converged_bounded``
    (smallest final loss among runs that met their solver's tolerance, status "converged", with
    final norm < ``bounded_norm``: these stopped at critical points; NaN if none);
    ``min_loss_norm4`` (smallest final loss * norm^4 over all runs).
    """
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one fit result")
    loss = np.array([r.final_loss for r in runs])
    norm = np.array([r.final_norm for r in runs])
    conv = np.array([r.status == "converged" for r in runs])
    small = loss < check_positive_float("small_loss", small_loss)
    bounded = conv & (norm < check_positive_float("bounded_norm", bounded_norm))
    return {
        "n": len(runs),
        "n_small": int(small.sum()),
        "small_ci": wilson_interval(int(small.sum()), len(runs)),
        "min_norm_small": float(norm[small].min()) if small.any() else float("nan"),
        "min_loss_converged_bounded": float(loss[bounded].min()) if bounded.any() else float("nan"),
        "min_loss_norm4": float(np.min(loss * norm**4)),
    }


def balanced_theta_k(arch, R: float) -> np.ndarray:
    """A warm start of norm R for :func:`price_of_boundedness`: theta_k of (17), balanced, then rescaled.

    k is chosen so that the balanced theta_k (:func:`balance`) has norm below R; it is then
    moved to norm R by :func:`rebalance_to_norm` (or plainly scaled when that is impossible).
    """
    arch = _check_two_layer_relu(arch)
    R = check_positive_float("R", R)
    k = max((R / 2.9) ** 2, 0.05)
    th = balance(arch, theta_k(k))
    out = rebalance_to_norm(arch, th, R)
    return th * (R / np.linalg.norm(th)) if out is None else out
