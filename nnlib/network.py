r"""The k-layer network nu_theta, its weights theta, and the weights map psi_k.

Notation follows the paper (§1-§2):

* an *architecture* is the list of widths (d_1, ..., d_{k+1}) with p = d_1 inputs and
  q = d_{k+1} outputs, together with an activation sigma;
* the network (1) is nu = alpha_k o sigma o alpha_{k-1} o ... o sigma o alpha_1, with affine
  layers alpha_i(x) = A_i x + b_i, A_i of shape d_{i+1} x d_i; there is no activation after the
  last layer;
* the weights theta = (A_1, b_1, ..., A_k, b_k) live in R^m with m = sum_i (d_i + 1) d_{i+1},
  equation (3);
* for a sample S (n x p, one observation per row, (6)) the weights map psi_k sends theta to the
  n x q matrix whose i-th row is nu_theta(s_i)^T (Definition 1); the empirical risk (9) is
  ||T - psi_k(theta)||_F.

**Packing order.**  A vector ``theta`` of length m lists the layers from the input side:
A_1 (row by row, i.e. C order), then b_1, then A_2, b_2, ..., A_k, b_k.  This is the order in
which the paper writes the weights of its example (17).  (Equation (2) lists the layers in the
opposite order; the norm ||theta|| of §1 does not depend on the order.)

**Jacobian rows.**  The Jacobian of psi_k is an (n q) x m matrix whose row ``i*q + j`` is the
gradient of the entry (i, j) of psi_k(theta) -- i.e. psi_k(theta) is flattened row by row.

All functions are vectorised over the sample: there is no Python loop over observations, only
over the k layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping, Set
from typing import Sequence

import numpy as np

from . import _kernel
from ._checks import as_matrix, as_rng, as_vector, check_arch, check_positive_float, check_positive_int, check_sample
from .activations import Activation, get_activation

__all__ = [
    "Architecture",
    "num_weights",
    "network",
    "hidden_layers",
    "weights_map",
    "loss",
    "loss_gradient",
    "batch_loss_gradient",
    "jacobian",
    "weight_norm",
]


def num_weights(widths: Sequence[int]) -> int:
    """Number of weights m = sum_{i=1}^k (d_i + 1) d_{i+1} of equation (3).

    >>> num_weights((2, 2, 2))   # the network of Theorem 1: m = 12
    12
    """
    widths = _check_widths(widths)
    return int(sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:])))


def _check_widths(widths) -> tuple[int, ...]:
    if (isinstance(widths, (str, bytes, Set, Mapping)) or not hasattr(widths, "__len__")
            or not hasattr(widths, "__getitem__")):
        # A set has no order (Architecture({5, 1, 3}) would silently become (1, 3, 5)).
        raise TypeError(f"widths must be an ordered sequence of positive integers (d_1, ..., d_(k+1)), "
                        f"a tuple or list; got {type(widths).__name__} {widths!r}")
    if len(widths) < 2:
        raise ValueError(
            f"widths must list at least two layer widths (d_1, ..., d_(k+1)) with k >= 1; got {tuple(widths)!r}"
        )
    return tuple(check_positive_int(f"widths[{i}]", w, high=10**6) for i, w in enumerate(widths))


@dataclass(frozen=True)
class Architecture:
    """A k-layer network shape: the widths (d_1, ..., d_{k+1}) and the activation sigma.

    Parameters
    ----------
    widths : sequence of int
        Layer widths d_1 = p (inputs), d_2, ..., d_k (hidden), d_{k+1} = q (outputs); k >= 1.
    activation : str or Activation
        Name understood by :func:`nnlib.activations.get_activation` (default ``"relu"``).

    Examples
    --------
    >>> arch = Architecture((2, 2, 2), "relu")     # the 2-2-2 ReLU network of Theorem 1
    >>> arch.k, arch.p, arch.q, arch.m
    (2, 2, 2, 12)
    """

    widths: tuple[int, ...]
    activation: Activation

    def __init__(self, widths: Sequence[int], activation="relu", *, degree: int | None = None):
        object.__setattr__(self, "widths", _check_widths(widths))
        object.__setattr__(self, "activation", get_activation(activation, degree=degree))
        # Sizes derived from the widths, computed once (they are read in every inner loop).
        shapes = tuple((b, a) for a, b in zip(self.widths[:-1], self.widths[1:]))
        object.__setattr__(self, "_layer_shapes", shapes)
        object.__setattr__(self, "_m", int(sum((a + 1) * b for b, a in shapes)))

    # -- sizes ---------------------------------------------------------------------------
    @property
    def k(self) -> int:
        """Number of affine layers (the paper's k)."""
        return len(self.widths) - 1

    @property
    def p(self) -> int:
        """Input dimension p = d_1."""
        return self.widths[0]

    @property
    def q(self) -> int:
        """Output dimension q = d_{k+1}."""
        return self.widths[-1]

    @property
    def m(self) -> int:
        """Number of weights m of equation (3)."""
        return self._m

    @property
    def layer_shapes(self) -> list[tuple[int, int]]:
        """Shapes (d_{i+1}, d_i) of A_1, ..., A_k."""
        return list(self._layer_shapes)

    def __repr__(self) -> str:
        return f"Architecture(widths={self.widths}, activation={self.activation.name!r})"

    def describe(self) -> str:
        """One line for the book: the widths as p-d_2-...-q, the activation, k and m."""
        return f"{'-'.join(map(str, self.widths))} {self.activation.name} network: k = {self.k} layers, m = {self.m} weights"

    # -- packing -------------------------------------------------------------------------
    def unpack(self, theta) -> list[tuple[np.ndarray, np.ndarray]]:
        """Split theta in R^m into the layers [(A_1, b_1), ..., (A_k, b_k)] (views, no copy)."""
        theta = as_vector("theta", theta)
        if theta.shape[0] != self.m:
            raise ValueError(
                f"theta must have length m = {self.m} for widths {self.widths}; got length {theta.shape[0]}"
            )
        return _kernel.unpack(self, theta)

    def pack(self, layers) -> np.ndarray:
        """Inverse of :meth:`unpack`: stack [(A_1, b_1), ..., (A_k, b_k)] into theta in R^m."""
        if len(layers) != self.k:
            raise ValueError(f"layers must hold k = {self.k} pairs (A_i, b_i); got {len(layers)}")
        parts = []
        for i, ((rows, cols), pair) in enumerate(zip(self.layer_shapes, layers), start=1):
            if len(pair) != 2:
                raise ValueError(f"layers[{i - 1}] must be a pair (A_{i}, b_{i})")
            A = as_matrix(f"A_{i}", pair[0], rows=rows, cols=cols)
            b = as_vector(f"b_{i}", pair[1], length=rows)
            parts += [A.ravel(), b]
        return np.concatenate(parts)

    def random_theta(self, rng, *, scale: float = 1.0) -> np.ndarray:
        """Random weights: every entry of A_i is N(0, scale^2 / d_i), every b_i entry N(0, scale^2).

        ``rng`` is a seed or a ``numpy.random.Generator`` (nnlib never uses global random state).
        """
        return _kernel.random_theta(self, as_rng("rng", rng), check_positive_float("scale", scale))


def network(arch, theta, X) -> np.ndarray:
    """Evaluate nu_theta of (1) at each row of ``X`` (shape N x p); returns N x q.

    Examples
    --------
    >>> arch = Architecture((1, 1, 1), "relu")
    >>> theta = np.array([2.0, -1.0, 3.0, 0.5])   # A_1 = [2], b_1 = [-1], A_2 = [3], b_2 = [0.5]
    >>> network(arch, theta, [[0.0], [1.0]]).ravel().tolist()   # 3 max(2x - 1, 0) + 0.5
    [0.5, 3.5]
    """
    arch = check_arch(arch)
    X = as_matrix("X", X, cols=arch.p)
    layers = arch.unpack(theta)
    _, zs = _kernel.forward(arch, X, layers)
    return zs[-1]


def weights_map(arch, S, theta) -> np.ndarray:
    """The weights map psi_k(theta) of Definition 1: the n x q matrix with rows nu_theta(s_i)^T.

    Parameters
    ----------
    arch : Architecture
    S : array, shape (n, p)
        The sample (design matrix (6)), one observation per row.
    theta : array, shape (m,)
        The weights, packed as described in the module docstring.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    _, zs = _kernel.forward(arch, S, arch.unpack(theta))
    return zs[-1]


def hidden_layers(arch, S, theta) -> list[np.ndarray]:
    """The images of the sample after each hidden layer: [sigma(alpha_1(S)), ...] (k - 1 arrays).

    Useful for pictures of what the hidden layers do to the sample (e.g. the ReLU projection of
    Definition 2 in the proof of Theorem 1).
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    hs, _ = _kernel.forward(arch, S, arch.unpack(theta))
    return hs[1:]


def loss(arch, S, T, theta) -> float:
    """The squared empirical risk ||T - psi_k(theta)||_F^2, the objective of (5) and (9) squared."""
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    R = weights_map(arch, S, theta) - T
    return float(np.sum(R * R))


def loss_gradient(arch, S, T, theta) -> tuple[float, np.ndarray]:
    """The loss ||T - psi_k(theta)||_F^2 and its gradient in R^m (back-propagation).

    Returns
    -------
    value : float
    gradient : ndarray, shape (m,), packed like theta.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    return _kernel.loss_gradient(arch, S, T, arch.unpack(theta))


def jacobian(arch, S, theta) -> np.ndarray:
    """The analytic Jacobian of psi_k at theta, an (n q) x m matrix.

    Row ``i*q + j`` is the gradient of psi_k(theta)[i, j] with respect to theta (packed as in
    the module docstring).  Its rank at a general theta is the dimension of the image of
    weights psi_k(Theta) near psi_k(theta); see :mod:`nnlib.dimension`.

    Computed by reverse-mode differentiation carried for all q outputs at once: for each
    layer, D_i[s, j, a] = d psi[s, j] / d z_i[s, a], and the block of A_i is the outer product
    D_i[s, j, a] h_{i-1}[s, b].  The array is in column-major (Fortran) order, each column
    contiguous (the layout LAPACK works in); its values do not depend on the layout.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    return _kernel.jacobian(arch, S, arch.unpack(theta))


def weight_norm(theta) -> float:
    """The Euclidean norm ||theta|| of §1: sqrt(sum_i ||A_i||_F^2 + ||b_i||_2^2)."""
    return float(np.linalg.norm(as_vector("theta", theta)))


def batch_loss_gradient(arch, S, T, thetas) -> tuple[np.ndarray, np.ndarray]:
    """:func:`loss_gradient` for a batch of weight vectors at once (multi-start solvers).

    Parameters
    ----------
    thetas : array, shape (B, m)
        B weight vectors, each packed as in the module docstring.

    Returns
    -------
    values : ndarray, shape (B,)
    gradients : ndarray, shape (B, m)
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    thetas = as_matrix("thetas", thetas, cols=arch.m)
    return _kernel.batch_loss_gradient(arch, S, T, thetas)


