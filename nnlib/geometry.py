r"""The geometry of empirical risk minimisation (paper §2): the image of weights as a point set.

For a fixed sample S the weights map psi_k sends theta to the n x q matrix psi_k(theta)
(Definition 1), and the ERM problem (9) asks for the point of the *image of weights*
psi_k(Theta) (10) nearest to the response matrix T in the Frobenius norm.  Its infimum is the
squared distance from T to the *closure* of psi_k(Theta); it is attained only if a nearest
point of the closure lies in psi_k(Theta) itself.

This module gives the tools chapter 2 uses to look at small cases (q = 1, n = 3, where the
image lives in R^3 and, being invariant under adding a constant vector, is drawn in the plane
orthogonal to (1, 1, 1)):

* :func:`batch_weights_map`, :func:`image_sample` -- points of psi_k(Theta) for many weights;
* :func:`best_output_layer` -- for a two-layer network and fixed first-layer weights, the best
  last layer is a linear least-squares problem (the image is a union of subspaces);
* :func:`hidden_weight_grid`, :func:`nearest_point` -- a dense grid search over first-layer
  weights followed by :func:`nnlib.least_squares_fit`;
* :func:`best_loss_within_radius` -- the smallest loss over bounded first-layer weights;
* :func:`monotone_projection`, :func:`nearest_monotone_vectors` -- exact nearest points in the
  set of monotone vectors, which is the image of the 1-1-1 ReLU network on three points and the
  closure of the image of the 1-1-1 sigmoid network there;
* :func:`exact_one_unit_fits` -- the weights of a 1-1-1 network reproducing a given response on
  three points exactly (used to follow the smallest such weights as the response moves);
* :func:`plane_basis`, :func:`plane_coordinates` -- coordinates in the plane orthogonal to (1, 1, 1);
* :class:`NearestPointPicture`, :func:`nearest_point_state` -- what the chapter's widget shows for
  one target (its picture and widget: :mod:`nnlib.viz.geometry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _kernel
from ._checks import as_finite_array, as_matrix, as_rng, as_vector, check_arch, check_positive_float, check_positive_int, check_real, check_sample
from .fitting import FitResult, least_squares_fit
from .network import Architecture, loss_gradient

__all__ = [
    "three_point_sample",
    "batch_weights_map",
    "image_sample",
    "plane_basis",
    "plane_coordinates",
    "best_output_layer",
    "hidden_weight_grid",
    "NearestPoint",
    "nearest_point",
    "best_loss_within_radius",
    "monotone_projection",
    "nearest_monotone_vectors",
    "exact_one_unit_fits",
    "saturation_depth",
    "NearestPointPicture",
    "NearestState",
    "nearest_point_state",
]

_GRID_LIMIT = 2_000_000


def three_point_sample() -> np.ndarray:
    """The sample of chapter 2: three equally spaced points s = (-1, 0, 1), as a 3 x 1 matrix S.

    >>> three_point_sample().ravel().tolist()
    [-1.0, 0.0, 1.0]
    """
    return np.array([[-1.0], [0.0], [1.0]])


def _check_two_layer(arch) -> Architecture:
    arch = check_arch(arch)
    if arch.k != 2:
        raise ValueError(f"arch must be a two-layer network (k = 2); got k = {arch.k} for widths {arch.widths}")
    return arch


def batch_weights_map(arch, S, thetas) -> np.ndarray:
    """psi_k(theta) of Definition 1 for a batch of weights: an array of shape (B, n, q).

    Parameters
    ----------
    arch : Architecture
    S : array, shape (n, p)
    thetas : array, shape (B, m)

    Examples
    --------
    >>> arch = Architecture((1, 1, 1), "relu")
    >>> batch_weights_map(arch, [[0.0], [1.0]], [[2.0, -1.0, 3.0, 0.5], [1.0, 0.0, 1.0, 0.0]])[:, :, 0].tolist()
    [[0.5, 3.5], [0.0, 1.0]]
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    thetas = as_matrix("thetas", thetas, cols=arch.m)
    return _batch_forward(arch, S, thetas)


def _batch_forward(arch: Architecture, S: np.ndarray, thetas: np.ndarray) -> np.ndarray:
    layers = _kernel.batch_unpack(arch, thetas)
    h = np.broadcast_to(S, (thetas.shape[0],) + S.shape)
    for i, (A, b) in enumerate(layers):
        h = h @ A.transpose(0, 2, 1) + b[:, None, :]
        if i < arch.k - 1:
            h = arch.activation.function(h)
    return h


def image_sample(arch, S, n_samples: int = 1000, *, rng=0, scale: float = 1.0) -> np.ndarray:
    """Points psi_k(theta) of the image of weights (10) for random weights theta.

    The weights are ``arch.random_theta(rng, scale=scale)`` draws from one generator.  Returns an
    array of shape (n_samples, n * q): each row is psi_k(theta) flattened row by row.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    n_samples = check_positive_int("n_samples", n_samples)
    gen = as_rng("rng", rng)
    scale = check_positive_float("scale", scale)
    thetas = np.stack([arch.random_theta(gen, scale=scale) for _ in range(n_samples)])
    with np.errstate(over="ignore"):
        return _batch_forward(arch, S, thetas).reshape(n_samples, -1)


def plane_basis(n: int) -> np.ndarray:
    """An orthonormal basis of the hyperplane orthogonal to (1, ..., 1) in R^n, as an (n - 1) x n matrix.

    Its rows are the normalised Helmert contrasts (1, -1, 0, ...), (1, 1, -2, 0, ...), ...  For a
    network whose last layer has a bias, psi_k(Theta) is invariant under adding multiples of
    (1, ..., 1) (when q = 1), so distances to it are distances in this hyperplane.

    >>> B = plane_basis(3)
    >>> np.allclose(B @ B.T, np.eye(2)), np.allclose(B @ np.ones(3), 0)
    (True, True)
    """
    n = check_positive_int("n", n)
    if n < 2:
        raise ValueError(f"n must be at least 2 (the hyperplane of R^1 is a point); got {n}")
    rows = []
    for j in range(1, n):
        r = np.zeros(n)
        r[:j] = 1.0
        r[j] = -float(j)
        rows.append(r / np.linalg.norm(r))
    return np.array(rows)


def plane_coordinates(X) -> np.ndarray:
    """Coordinates of points of R^n in the hyperplane orthogonal to (1, ..., 1) (basis :func:`plane_basis`).

    ``X`` is one point (shape (n,)) or a batch (shape (N, n)); the result has n - 1 coordinates
    per point.  Orthogonal projection followed by an isometry: distances between sets that are
    invariant under adding constant vectors are preserved.

    >>> plane_coordinates([5.0, 5.0, 5.0]).tolist()   # constant vectors go to the origin
    [0.0, 0.0]
    """
    X = _as_points("X", X)
    B = plane_basis(X.shape[-1])
    Y = X @ B.T
    return np.where(np.abs(Y) < 1e-15 * (1 + np.abs(X).max()), 0.0, Y)


def _as_points(name: str, value) -> np.ndarray:
    arr = as_finite_array(name, value)  # real and finite (complex, strings refused)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be a point (1-D) or a batch of points (2-D)")
    return as_matrix(name, arr, cols=None) if arr.ndim == 2 else as_vector(name, arr)


def best_output_layer(arch, S, T, hidden_thetas) -> tuple[np.ndarray, np.ndarray]:
    """For a two-layer network: the best last layer (A_2, b_2) for each given first layer (A_1, b_1).

    With the first layer fixed, psi_2(theta) = H A_2^T + 1 b_2^T is linear in (A_2, b_2), where
    H = sigma(S A_1^T + 1 b_1^T); the best (A_2, b_2) is a linear least-squares solution (the
    minimum-norm one, via the pseudo-inverse).  So psi_2(Theta) is a union of linear spaces
    indexed by the first layer, and the loss (9) can be minimised over the first layer alone.

    Parameters
    ----------
    arch : Architecture with k = 2
    S : array, shape (n, p)
    T : array, shape (n, q)
    hidden_thetas : array, shape (B, d_2 (p + 1))
        First-layer weights (A_1 row by row, then b_1), one set per row.

    Returns
    -------
    thetas : ndarray, shape (B, m)
        Full weights (first layer as given, best last layer).
    losses : ndarray, shape (B,)
        ||T - psi_2(theta)||_F^2 at those weights (computed from the weights, not from the
        least-squares residual).

    Examples
    --------
    >>> arch = Architecture((1, 1, 1), "relu")
    >>> th, L = best_output_layer(arch, [[-1.0], [0.0], [1.0]], [[0.0], [0.0], [1.0]], [[1.0, 0.0]])
    >>> (np.round(th, 6) + 0.0).tolist(), float(np.round(L[0], 12))
    ([[1.0, 0.0, 1.0, 0.0]], 0.0)
    """
    arch = _check_two_layer(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    d2, p = arch.widths[1], arch.p
    hidden = as_matrix("hidden_thetas", hidden_thetas, cols=d2 * (p + 1))
    return _best_output_layer(arch, S, T, hidden)


def _best_output_layer(arch, S, T, hidden):
    B = hidden.shape[0]
    d2, p, n = arch.widths[1], arch.p, S.shape[0]
    if d2 == 1:
        return _best_output_layer_one_unit(arch, S, T, hidden)
    A1 = hidden[:, : d2 * p].reshape(B, d2, p)
    b1 = hidden[:, d2 * p :]
    with np.errstate(over="ignore"):
        H = arch.activation.function(S @ A1.transpose(0, 2, 1) + b1[:, None, :])  # (B, n, d2)
    M = np.concatenate([H, np.ones((B, n, 1))], axis=2)  # (B, n, d2 + 1)
    X = np.linalg.pinv(M, rcond=1e-12) @ T  # (B, d2 + 1, q)
    A2 = X[:, :d2, :].transpose(0, 2, 1)  # (B, q, d2)
    b2 = X[:, d2, :]  # (B, q)
    thetas = np.concatenate([hidden, A2.reshape(B, -1), b2], axis=1)
    R = M @ X - T
    return thetas, np.einsum("bij,bij->b", R, R)


def _best_output_layer_one_unit(arch, S, T, hidden):
    """:func:`_best_output_layer` for one hidden unit, in closed form (simple linear regression of T on h)."""
    features = _kernel.one_unit_features(arch, S, hidden)
    c, d, losses = _kernel.one_unit_last_layer(features, T)
    return np.concatenate([hidden, c, d], axis=1), losses


def hidden_weight_grid(arch, radius: float, n_per_axis: int = 101) -> np.ndarray:
    """A regular grid over the first-layer weights of a two-layer network, each in [-radius, radius].

    Returns an array of shape (n_per_axis ** (d_2 (p + 1)), d_2 (p + 1)).  Refuses grids of more
    than two million points.

    >>> hidden_weight_grid(Architecture((1, 1, 1), "sigmoid"), 1.0, 3).shape
    (9, 2)
    """
    arch = _check_two_layer(arch)
    radius = check_positive_float("radius", radius)
    n_per_axis = check_positive_int("n_per_axis", n_per_axis)
    dim = arch.widths[1] * (arch.p + 1)
    if n_per_axis**dim > _GRID_LIMIT:
        raise ValueError(f"n_per_axis gives {n_per_axis}^{dim} grid points, more than {_GRID_LIMIT:,}; use fewer")
    axis = np.linspace(-radius, radius, n_per_axis)
    mesh = np.meshgrid(*([axis] * dim), indexing="ij")
    return np.stack([g.ravel() for g in mesh], axis=1)


@dataclass(frozen=True)
class NearestPoint:
    """The result of :func:`nearest_point`.

    Attributes
    ----------
    theta : ndarray, shape (m,)
        The best weights found.
    point : ndarray, shape (n, q)
        psi_k(theta), the candidate nearest point of the image of weights.
    loss : float
        ||T - psi_k(theta)||_F^2.
    norm : float
        ||theta||.
    grad_norm : float
        Norm of the gradient of the loss at theta (0 at a stationary point).
    grid_loss : float
        The smallest loss over the grid, before refinement.
    fit : FitResult or None
        The refinement run (None when ``refine=False``).
    """

    theta: np.ndarray = field(repr=False)
    point: np.ndarray = field(repr=False)
    loss: float
    norm: float
    grad_norm: float
    grid_loss: float
    fit: FitResult | None = field(default=None, repr=False)


def nearest_point(arch, S, T, hidden_grid, *, refine: bool = True, max_nfev: int = 2000) -> NearestPoint:
    """Search psi_2(Theta) for the point nearest to T: a grid over the first layer, then a refinement.

    Over each first layer of ``hidden_grid`` the best last layer is exact
    (:func:`best_output_layer`); the best grid point is then refined by
    :func:`nnlib.least_squares_fit` (unless ``refine=False``).  The refinement is kept only if it
    lowers the loss.

    Parameters
    ----------
    arch : Architecture with k = 2
    S, T : arrays, shapes (n, p) and (n, q)
    hidden_grid : array, shape (B, d_2 (p + 1))
        e.g. from :func:`hidden_weight_grid`.
    refine : bool
    max_nfev : int
        Evaluation budget of the refinement.
    """
    arch = _check_two_layer(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    d2, p = arch.widths[1], arch.p
    hidden = as_matrix("hidden_grid", hidden_grid, cols=d2 * (p + 1))
    if not isinstance(refine, bool):
        raise TypeError(f"refine must be True or False; got {refine!r}")
    max_nfev = check_positive_int("max_nfev", max_nfev)
    return _nearest_point(arch, S, T, hidden, refine, max_nfev)


def _nearest_point(arch, S, T, hidden, refine, max_nfev, features=None) -> NearestPoint:
    """:func:`nearest_point` on checked arguments; ``features`` (one hidden unit only) are
    :func:`_one_unit_features` of ``hidden``, computed once for a grid searched many times."""
    if features is None:
        thetas, losses = _best_output_layer(arch, S, T, hidden)
        j = int(np.argmin(losses))
        theta, grid_loss = thetas[j], float(losses[j])
    else:  # the same numbers, without assembling the weights of every grid row
        c, d, losses = _kernel.one_unit_last_layer(features, T)
        j = int(np.argmin(losses))
        theta, grid_loss = np.concatenate([hidden[j], c[j], d[j]]), float(losses[j])
    fit = None
    if refine:
        fit = least_squares_fit(arch, S, T, theta, max_nfev=max_nfev)
        if fit.final_loss < grid_loss:
            theta = fit.theta
    value, grad = loss_gradient(arch, S, T, theta)
    point = _batch_forward(arch, S, theta[None, :])[0]
    return NearestPoint(theta.copy(), point, float(value), float(np.linalg.norm(theta)),
                        float(np.linalg.norm(grad)), grid_loss, fit)


def best_loss_within_radius(arch, S, T, radii, *, n_per_axis: int = 201) -> tuple[np.ndarray, np.ndarray]:
    """The smallest loss over first-layer weights in [-R, R]^(d_2 (p+1)), for each radius R.

    The last layer is free (solved exactly by :func:`best_output_layer`).  If T has no nearest
    point in psi_2(Theta) but lies at distance delta from its closure, the loss over any bounded
    set of first-layer weights stays above delta^2 and creeps down to it only as R grows.

    Returns
    -------
    losses : ndarray, shape (len(radii),)
        The smallest grid loss for each radius.
    norms : ndarray, shape (len(radii),)
        ||theta|| of the grid point attaining it (last layer included).
    """
    arch = _check_two_layer(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    radii = as_vector("radii", radii)
    if radii.size == 0 or np.any(radii <= 0):
        raise ValueError("radii must be a non-empty list of positive numbers")
    n_per_axis = check_positive_int("n_per_axis", n_per_axis)
    losses, norms = [], []
    for R in radii:
        thetas, L = _best_output_layer(arch, S, T, hidden_weight_grid(arch, float(R), n_per_axis))
        j = int(np.argmin(L))
        losses.append(float(L[j]))
        norms.append(float(np.linalg.norm(thetas[j])))
    return np.array(losses), np.array(norms)


def monotone_projection(x, *, increasing: bool = True) -> np.ndarray:
    """The nearest monotone vector to x in the Euclidean norm (isotonic regression, pool-adjacent-violators).

    The non-decreasing vectors form a closed convex cone, so the nearest point exists and is
    unique; ``increasing=False`` projects on the non-increasing vectors instead.

    >>> monotone_projection([0.0, -1.0, 0.0]).tolist()
    [-0.5, -0.5, 0.0]
    >>> monotone_projection([0.0, -1.0, 0.0], increasing=False).tolist()
    [0.0, -0.5, -0.5]
    """
    x = as_vector("x", x)
    if x.size == 0:
        raise ValueError("x must be non-empty")
    if not isinstance(increasing, bool):
        raise TypeError(f"increasing must be True or False; got {increasing!r}")
    y = x if increasing else -x
    blocks: list[list[float]] = []  # [mean, weight]
    for v in y:
        blocks.append([float(v), 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    out = np.concatenate([np.full(int(w), m) for m, w in blocks])
    return out if increasing else -out


def nearest_monotone_vectors(x, *, rtol: float = 1e-12) -> tuple[float, list[np.ndarray]]:
    """Squared distance from x to the set of monotone vectors, and all its nearest points there.

    The set of monotone vectors (non-decreasing or non-increasing) is the union of two closed
    convex cones; each has one nearest point (:func:`monotone_projection`), so x has one or two
    nearest monotone vectors.  Two are returned when the distances agree to ``rtol`` and the
    points differ.

    >>> d2, pts = nearest_monotone_vectors([0.0, -1.0, 0.0])
    >>> d2, [p.tolist() for p in pts]
    (0.5, [[-0.5, -0.5, 0.0], [0.0, -0.5, -0.5]])
    """
    x = as_vector("x", x)
    rtol = check_positive_float("rtol", rtol)
    up, down = monotone_projection(x), monotone_projection(x, increasing=False)
    du, dd = float(np.sum((x - up) ** 2)), float(np.sum((x - down) ** 2))
    best = min(du, dd)
    tol = rtol * max(1.0, float(np.sum(x * x)))
    pts = []
    if du <= best + tol:
        pts.append(up)
    if dd <= best + tol and not (pts and np.allclose(down, up, rtol=0, atol=1e-12)):
        pts.append(down)
    return best, pts


def exact_one_unit_fits(x, a_values, *, S=None, activation="sigmoid", tol: float = 1e-10) -> np.ndarray:
    """Weights (a, b, c, d) of a 1-1-1 network with c sigma(a s_i + b) + d = x_i on a three-point sample.

    For each a in ``a_values`` (a > 0, sigma increasing), the shape condition
    (x_2 - x_1)/(x_3 - x_1) = (v_2 - v_1)/(v_3 - v_1), v = sigma(a s + b), is solved for b by
    bisection; then c and d follow.  Where no b in [-(a max|s_i| + 25), a max|s_i| + 25] works, or the result misses x by
    more than ``tol``, the row is NaN.  The exact fits of x form a curve in R^4 (the fibre of
    psi_2 over x); this samples it, so that e.g. the smallest ||theta|| on it can be found.

    Parameters
    ----------
    x : array, shape (3,)
        A strictly increasing response.
    a_values : array of positive numbers
    S : array, shape (3, 1), optional
        A sample with s_1 < s_2 < s_3 (default :func:`three_point_sample`).
    activation : str
        ``"sigmoid"`` or ``"tanh"``.

    Returns
    -------
    ndarray, shape (len(a_values), 4)
    """
    x = as_vector("x", x, length=3)
    if not (x[0] < x[1] < x[2]):
        raise ValueError(f"x must be strictly increasing; got {x.tolist()}")
    a = as_vector("a_values", a_values)
    if a.size == 0 or np.any(a <= 0):
        raise ValueError("a_values must be a non-empty list of positive numbers")
    S = three_point_sample() if S is None else as_matrix("S", S, rows=3, cols=1)
    s = S[:, 0]
    if not (s[0] < s[1] < s[2]):
        raise ValueError(f"S must have s_1 < s_2 < s_3; got {s.tolist()}")
    arch = Architecture((1, 1, 1), activation)
    if arch.activation.name not in ("sigmoid", "tanh"):
        raise ValueError(f"activation must be 'sigmoid' or 'tanh'; got {activation!r}")
    tol = check_positive_float("tol", tol)
    if arch.activation.name == "tanh":
        # tanh(z) = 2 sigma(2z) - 1, so c tanh(a s + b) + d = 2c sigma(2a s + 2b) + (d - c): solve
        # with the sigmoid (whose saturated ends stay distinct in floating point, unlike tanh's
        # +-1, which made every bisection bracket 0/0) and map the weights back.
        fits = exact_one_unit_fits(x, 2.0 * a, S=S, activation="sigmoid", tol=tol)
        A, B, C, D = fits.T
        return np.stack([A / 2.0, B / 2.0, C / 2.0, D + C / 2.0], axis=1)
    sig = arch.activation.function
    target = (x[1] - x[0]) / (x[2] - x[0])

    def shape(b):
        v = sig(a[:, None] * s[None, :] + b[:, None])
        with np.errstate(invalid="ignore", divide="ignore"):
            return (v[:, 1] - v[:, 0]) / (v[:, 2] - v[:, 0]) - target

    # Beyond |b| = a max|s_i| + 25 every sigma(a s_i + b) is within e^-25 of a limit: the shape
    # ratio is then at its limit to about 1e-11, and further out it would be lost to rounding.
    reach = a * float(np.max(np.abs(s))) + 25.0
    lo, hi = -reach, reach.copy()
    flo, fhi = shape(lo), shape(hi)
    ok = np.isfinite(flo) & np.isfinite(fhi) & (np.sign(flo) != np.sign(fhi))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        fm = shape(mid)
        left = np.sign(fm) == np.sign(flo)
        lo, flo = np.where(left, mid, lo), np.where(left, fm, flo)
        hi = np.where(left, hi, mid)
    b = 0.5 * (lo + hi)
    v = sig(a[:, None] * s[None, :] + b[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (x[2] - x[0]) / (v[:, 2] - v[:, 0])
    d = x[0] - c * v[:, 0]
    out = np.stack([a, b, c, d], axis=1)
    with np.errstate(invalid="ignore", over="ignore"):
        miss = np.max(np.abs(c[:, None] * v + d[:, None] - x[None, :]), axis=1)
    out[~(ok & np.isfinite(miss) & (miss <= tol * max(1.0, float(np.abs(x).max()))))] = np.nan
    return out


def saturation_depth(arch, S, theta) -> float:
    """How deep in its flat tail the unit of a 1-1-1 network is where two outputs nearly tie.

    Take the two samples whose outputs ``nu_theta(s_i)`` are closest (``psi_2(theta)`` at its
    nearest to a tie), and their pre-activations ``z_i = a s_i + b``.  If both lie on the same
    side of 0, the depth is ``min |z_i|``; otherwise 0.  For sigma and tanh the unit's two values
    then differ from its limit by at most about ``exp(-depth)`` (``2 exp(-2 depth)`` for tanh): a
    solver that ends with a large depth has not found a tie, only a unit saturated in floating
    point (chapters 2 and 6).

    Parameters
    ----------
    arch : Architecture
        A 1-1-1 network.
    S : array, shape (n, 1), n >= 2
    theta : array, shape (4,)

    Returns
    -------
    float, >= 0.

    Examples
    --------
    >>> from nnlib import Architecture
    >>> saturation_depth(Architecture((1, 1, 1), "sigmoid"), [[-1.0], [0.0], [1.0]], [30.0, -60.0, 1.0, 0.0])
    60.0

    (pre-activations -90, -60, -30: the first two outputs tie to within e^-60.)
    """
    arch = check_arch(arch)
    if arch.widths != (1, 1, 1):
        raise ValueError(f"arch must be a 1-1-1 network; got widths {arch.widths}")
    S = check_sample(arch, S)
    if S.shape[0] < 2:
        raise ValueError(f"S must have at least 2 samples; got {S.shape[0]}")
    theta = as_vector("theta", theta, length=arch.m)
    order = np.argsort(S[:, 0], kind="stable")
    z = theta[0] * S[order, 0] + theta[1]
    out = theta[2] * arch.activation.function(z) + theta[3]
    i = int(np.argmin(np.abs(np.diff(out))))
    return float(min(abs(z[i]), abs(z[i + 1]))) if z[i] * z[i + 1] > 0 else 0.0


# -- the chapter-2 widget's computation (its picture: nnlib.viz.geometry) ----------------------------


@dataclass(frozen=True)
class NearestPointPicture:
    """What the widget callback precomputes once per activation: a grid of first-layer weights and
    a sample of the image, for the 1-1-1 network on :func:`three_point_sample`.

    The hidden outputs of the grid (which do not depend on the target) are computed at the first
    search and kept, so that each slider move only solves for the last layer.
    """

    arch: Architecture
    S: np.ndarray = field(repr=False)
    grid: np.ndarray = field(repr=False)
    samples: np.ndarray = field(repr=False)
    _features: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, activation: str, *, radius: float = 40.0, n_per_axis: int = 241, n_samples: int = 600, rng=0):
        arch = Architecture((1, 1, 1), activation)
        S = three_point_sample()
        grid = hidden_weight_grid(arch, radius, n_per_axis)
        samples = image_sample(arch, S, n_samples, rng=rng, scale=3.0)
        return cls(arch, S, grid, samples)

    def grid_features(self):
        """The hidden outputs of the grid rows, centred, with their sums of squares (computed once).

        None unless the network has one hidden unit; the searches of the widget reuse them.
        """
        if self._features is None and self.arch.k == 2 and self.arch.widths[1] == 1:
            object.__setattr__(self, "_features", _kernel.one_unit_features(self.arch, self.S, self.grid))
        return self._features


@dataclass(frozen=True)
class NearestState:
    """One target of the chapter-2 widget: the search :func:`nearest_point` and the exact answer of the closure."""

    T: np.ndarray
    res: NearestPoint
    inf: float  # squared distance to the closure (monotone vectors)
    nearest: list  # its nearest point(s)
    attained: bool


def nearest_point_state(picture: NearestPointPicture, t1, t2, t3, *, max_nfev: int = 200) -> NearestState:
    """The search :func:`nearest_point` (the grid of ``picture``, then at most ``max_nfev`` evaluations of
    the refinement) and the exact description of the closure (monotone vectors,
    :func:`nearest_monotone_vectors`), for T = (t1, t2, t3).
    """
    if not isinstance(picture, NearestPointPicture):
        raise TypeError(f"picture must be a NearestPointPicture; got {type(picture).__name__}")
    max_nfev = check_positive_int("max_nfev", max_nfev)
    T = np.array([[check_real("t1", t1)], [check_real("t2", t2)], [check_real("t3", t3)]])
    res = _nearest_point(picture.arch, picture.S, T, picture.grid, True, max_nfev, picture.grid_features())
    d2, pts = nearest_monotone_vectors(T.ravel())
    attained = picture.arch.activation.name == "relu" or all(_in_sigmoid_image(p) for p in pts)
    return NearestState(T, res, d2, pts, attained)


def _in_sigmoid_image(x, tol: float = 1e-12) -> bool:
    """A vector of R^3 is in the 1-1-1 sigmoid image on three points iff strictly monotone or constant."""
    d = np.diff(np.asarray(x, dtype=float))
    if np.all(np.abs(d) <= tol):
        return True
    return bool(np.all(d > tol) or np.all(d < -tol))
