"""The unchecked kernel of nnlib: the fast paths the solvers share.

Public functions of nnlib check their arguments (``nnlib._checks``) and then call these; solvers'
inner loops call them directly, on arguments already checked once.  Nothing here validates
anything: ``arch`` is an :class:`nnlib.network.Architecture`, ``S`` an n x p float array,
``T`` n x q, ``theta`` a float vector of length m, ``layers`` the list of (A_i, b_i) of
:func:`unpack`.  This module and ``nnlib._checks`` are the only modules whose private-by-
convention contents other nnlib modules import (see CONTRIBUTING.md); the kernel reads the
architecture's cached layer shapes (``arch._layer_shapes``) for speed.

* :func:`unpack`, :func:`batch_unpack`, :func:`random_theta` -- weights <-> layers, random weights;
* :func:`forward`, :func:`loss_gradient`, :func:`batch_loss_gradient`,
  :func:`two_layer_loss_gradient` -- the network, the loss (9) and its gradient;
* :func:`activation_value_and_derivative`, :func:`jacobian` -- the Jacobian of psi_k;
* :func:`one_unit_features`, :func:`one_unit_last_layer` -- the last layer of a one-unit network
  solved exactly over a grid of first layers (chapters 2 and 6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .network import Architecture

def unpack(arch, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The layers [(A_1, b_1), ..., (A_k, b_k)] of theta (views), as :meth:`Architecture.unpack` without its checks."""
    layers, off = [], 0
    for rows, cols in arch._layer_shapes:
        A = theta[off : off + rows * cols].reshape(rows, cols)
        off += rows * cols
        layers.append((A, theta[off : off + rows]))
        off += rows
    return layers

def batch_unpack(arch: Architecture, thetas: np.ndarray):
    layers, off = [], 0
    B = thetas.shape[0]
    for rows, cols in arch.layer_shapes:
        A = thetas[:, off : off + rows * cols].reshape(B, rows, cols)
        off += rows * cols
        layers.append((A, thetas[:, off : off + rows]))
        off += rows
    return layers

def random_theta(arch, rng: np.random.Generator, scale: float) -> np.ndarray:
    """:meth:`Architecture.random_theta` without argument checks (inner loops); the same draws in the same order."""
    parts = []
    for rows, cols in arch._layer_shapes:
        parts.append((rng.standard_normal((rows, cols)) * scale / np.sqrt(cols)).ravel())
        parts.append(rng.standard_normal(rows) * scale)
    return np.concatenate(parts)

def forward(arch: Architecture, S: np.ndarray, layers):
    """Pre-activations z_i and activations h_i of every layer (h_0 = S, output = z_k)."""
    sigma = arch.activation
    hs, zs = [S], []
    h = S
    for i, (A, b) in enumerate(layers):
        z = h @ A.T + b
        zs.append(z)
        if i < len(layers) - 1:
            h = sigma.function(z)
            hs.append(h)
    return hs, zs

def loss_gradient(arch: Architecture, S: np.ndarray, T: np.ndarray, layers) -> tuple[float, np.ndarray]:
    """:func:`nnlib.network.loss_gradient` without argument checks, for solvers' inner loops."""
    hs, zs = forward(arch, S, layers)
    R = zs[-1] - T
    value = float(np.sum(R * R))
    grads = [None] * arch.k
    G = 2.0 * R  # dL/dz_k, shape (n, d_{k+1})
    dsigma = arch.activation.derivative
    for i in range(arch.k - 1, -1, -1):
        A, _ = layers[i]
        grads[i] = (G.T @ hs[i], G.sum(axis=0))
        if i > 0:
            G = (G @ A) * dsigma(zs[i - 1])
    return value, np.concatenate([np.concatenate([gA.ravel(), gb]) for gA, gb in grads])

def batch_loss_gradient(arch: Architecture, S: np.ndarray, T: np.ndarray, thetas: np.ndarray):
    """Batched loss and gradient without argument checks (the inner loop of multi-start solvers)."""
    layers = batch_unpack(arch, thetas)
    sigma, dsigma = arch.activation.function, arch.activation.derivative
    hs, zs = [np.broadcast_to(S, (thetas.shape[0],) + S.shape)], []
    for i, (A, b) in enumerate(layers):
        z = hs[-1] @ A.transpose(0, 2, 1) + b[:, None, :]
        zs.append(z)
        if i < arch.k - 1:
            hs.append(sigma(z))
    R = zs[-1] - T
    values = np.einsum("bij,bij->b", R, R)
    grad = np.empty_like(thetas)
    offsets, off = [], 0
    for rows, cols in arch.layer_shapes:
        offsets.append(off)
        off += rows * cols + rows
    G = 2.0 * R
    for i in range(arch.k - 1, -1, -1):
        rows, cols = arch.layer_shapes[i]
        o = offsets[i]
        grad[:, o : o + rows * cols] = (G.transpose(0, 2, 1) @ hs[i]).reshape(-1, rows * cols)
        grad[:, o + rows * cols : o + rows * cols + rows] = G.sum(axis=1)
        if i > 0:
            G = (G @ layers[i][0]) * dsigma(zs[i - 1])
    return values, grad

def two_layer_loss_gradient(arch, S, T):
    """``theta -> (loss, gradient)`` for a two-layer network: the arithmetic of
    :func:`loss_gradient`, operation for operation (the same values to the last
    bit), in fewer numpy calls (no per-layer lists, in-place additions, the gradient written into
    its slots)."""
    (r1, c1), (r2, c2) = arch._layer_shapes
    a1, b1 = r1 * c1, r1 * c1 + r1
    a2, b2 = b1 + r2 * c2, b1 + r2 * c2 + r2
    m, relu = arch.m, arch.activation.name == "relu"
    sigma, dsigma = arch.activation.function, arch.activation.derivative
    matmul = np.matmul

    def loss_gradient(theta):
        A1, A2 = theta[:a1].reshape(r1, c1), theta[b1:a2].reshape(r2, c2)
        z1 = matmul(S, A1.T)
        z1 += theta[a1:b1]
        h1 = np.maximum(z1, 0.0) if relu else sigma(z1)
        R = matmul(h1, A2.T)  # psi_2(theta) - T, built in place
        R += theta[a2:b2]
        R -= T
        value = float(np.sum(R * R))
        R *= 2.0  # dL/dz_2
        grad = np.empty(m)
        matmul(R.T, h1, out=grad[b1:a2].reshape(r2, c2))
        np.sum(R, axis=0, out=grad[a2:b2])
        G = matmul(R, A2)
        G *= (z1 > 0) if relu else dsigma(z1)  # dL/dz_1
        matmul(G.T, S, out=grad[:a1].reshape(r1, c1))
        np.sum(G, axis=0, out=grad[a1:b1])
        return value, grad

    return loss_gradient

#: Below this |z| the fused tanh of :func:`activation_value_and_derivative` is a continued fraction;
#: from it on (1 - e) / (1 + e) with e = exp(-2|z|) <= exp(-1), where the rounding of e moves the
#: quotient by under 0.6 eps.  Both have relative error below 1.5 eps (np.tanh's: about 0.8 eps).
TANH_SPLIT = 0.5

#: Depth of the continued fraction tanh z = z / (1 + z^2 / (3 + z^2 / (5 + ...))) used below
#: TANH_SPLIT: truncated after the term 2 N + 1 its error there is below 1e-19 relative (its
#: rounding, about 1 eps, dominates; all its terms are positive, so the backward evaluation is
#: stable).
TANH_CF_DEPTH = 8

def _tanh_and_prime(z: np.ndarray, out=None, overwrite_z: bool = False):
    z = np.ascontiguousarray(z)
    e = np.abs(z)
    small = np.flatnonzero(e < TANH_SPLIT)  # 1 - e would cancel there (flat indices into z)
    zs = z.reshape(-1).take(small) if small.size else None
    e *= -2.0
    np.exp(e, out=e)
    t = np.subtract(1.0, e, out=out)
    np.copysign(t, z, out=t)  # tanh is odd (the division below by 1 + e > 0 keeps the sign exactly)
    d = np.add(e, 1.0, out=z if overwrite_z else None)
    t /= d  # +-inf gives +-1, NaN stays NaN
    if zs is not None:
        z2 = zs * zs
        w = np.full_like(z2, 2.0 * TANH_CF_DEPTH + 1.0)
        for j in range(TANH_CF_DEPTH - 1, -1, -1):
            np.divide(z2, w, out=w)
            w += 2.0 * j + 1.0
        np.divide(zs, w, out=zs)  # z / w: tiny z gives z (and -0.0 stays -0.0)
        t.reshape(-1)[small] = zs  # t is C-contiguous (a view)
    # tanh' = 4 e / (1 + e)^2: activations._tanh_prime's operations in its order (the same bits)
    d *= d
    e *= 4.0
    return t, np.divide(e, d, out=e)

def activation_value_and_derivative(activation, z: np.ndarray, out=None, overwrite_z: bool = False):
    """sigma(z) and sigma'(z) of a float64 array z (an :class:`~nnlib.activations.Activation`'s
    ``function`` and ``derivative``), computed together where that saves work.

    tanh: both from one exponential e = exp(-2|z|): tanh z = sign(z) (1 - e) / (1 + e) for
    |z| >= ``TANH_SPLIT`` (a continued fraction below it, where 1 - e cancels), relative error
    below 1.5 eps (np.tanh's: about 0.8 eps); tanh' z = 4 e / (1 + e)^2, the same bits as
    ``derivative``.  ReLU: max(z, 0) and the 0/1 step (0 at the kink), as ``function`` and
    ``derivative``.  Others: ``function`` and ``derivative``.
    ``out`` (float64, C-contiguous, z's shape, not z itself) receives sigma(z) if given; with
    ``overwrite_z`` (tanh, ReLU) z's memory is used as scratch and holds no useful value after.
    """
    name = activation.name
    if name == "tanh":
        return _tanh_and_prime(z, out, overwrite_z)
    if name == "relu":
        h = np.maximum(z, 0.0, out=out)
        return h, np.greater(z, 0.0, out=z if overwrite_z else np.empty_like(z))
    h = activation.function(z)
    if out is not None:
        out[...] = h
        h = out
    return h, activation.derivative(z)

def jacobian(arch: Architecture, S: np.ndarray, layers) -> np.ndarray:
    """:func:`nnlib.network.jacobian` without argument checks (inner loops of the dimension estimate).

    Works on transposes throughout, so that every write is a long contiguous run over the
    samples: the forward pass as z_i^T = A_i h_(i-1)^T + b_i (one BLAS call per hidden layer; the
    output layer's values are not needed), the back-propagated D_i^T (rows: units of layer i,
    columns: the n q outputs) by one BLAS call per layer, and the result J^T (m x n q, C order),
    returned as its transpose J (an (n q) x m array in column-major order: each column, the
    derivative along one weight, is contiguous).  The block of A_i is rows x cols runs of n q
    products D_i^T[a] * h_(i-1)^T[b]; D_i^T is computed in place in the rows of b_i, and for
    q = 1 the last hidden layer's values in the rows of A_k, so each entry of J is written once.
    """
    activation = arch.activation
    k = arch.k
    n, q, m = S.shape[0], arch.q, arch.m
    nq = n * q
    shapes = arch._layer_shapes
    offsets, off = [], 0
    for rows, cols in shapes:
        offsets.append(off)
        off += rows * cols + rows
    Jt = np.empty((m, nq))  # row c of Jt: d psi[s, j] / d theta_c for all (s, j), s major
    rows, cols = shapes[-1]
    o = offsets[-1]
    hts, dss = [np.ascontiguousarray(S.T)], []
    for i in range(k - 1):
        A, b = layers[i]
        zt = A @ hts[-1]
        zt += b[:, None]
        # for q = 1 the last hidden layer's values are the rows of A_k in Jt: written there at once
        h, ds = activation_value_and_derivative(activation, zt, Jt[o : o + cols] if q == 1 and i == k - 2 else None,
                                                overwrite_z=True)
        hts.append(h)
        dss.append(ds)
    # Last layer: d psi[s, j] / d z_k[s, a] = delta_ja.
    if q == 1:
        if k == 1:
            Jt[o : o + cols] = hts[-1]
        Jt[o + cols] = 1.0
    else:
        Jt[o : o + rows * cols + rows] = 0.0
        blockA = Jt[o : o + rows * cols].reshape(rows, cols, n, q)
        blockb = Jt[o + rows * cols : o + rows * cols + rows].reshape(rows, n, q)
        for j in range(q):
            blockA[j, :, :, j] = hts[-1]
            blockb[j, :, j] = 1.0
    Dt = None  # D_i^T[a, s q + j] = d psi[s, j] / d z_i[s, a], kept in the rows of b_i
    for i in range(k - 2, -1, -1):
        rows, cols = shapes[i]
        o = offsets[i]
        ds = dss[i]  # (rows, n)
        A = layers[i + 1][0]
        Dv = Jt[o + rows * cols : o + rows * cols + rows]
        if Dt is None:
            if q == 1:
                np.multiply(A[0][:, None], ds, out=Dv)
            else:
                np.multiply(A.T[:, None, :], ds[:, :, None], out=Dv.reshape(rows, n, q))
        else:
            np.matmul(A.T, Dt, out=Dv)
            if q == 1:
                Dv *= ds
            else:
                Dv.reshape(rows, n, q)[...] *= ds[:, :, None]
        Dt = Dv
        ht = hts[i] if q == 1 else np.repeat(hts[i], q, axis=1)  # (cols, n q)
        np.multiply(Dt[:, None, :], ht[None, :, :], out=Jt[o : o + rows * cols].reshape(rows, cols, nq))
    return Jt.T

def one_unit_features(arch, S, hidden):
    """What :func:`_best_output_layer_one_unit` computes from the first layer alone (not from T).

    The hidden outputs h = sigma(a s_i + b) of every grid row, their means and centred values,
    sum of squares, and which rows are constant: a widget that searches the same grid for many
    targets computes these once (:class:`NearestPointPicture`, the chapter-6 widget).
    """
    p = arch.p
    with np.errstate(over="ignore"):
        h = arch.activation.function(hidden[:, :p] @ S.T + hidden[:, p:])  # (B, n)
    mean = h.mean(axis=1, keepdims=True)
    hc = h - mean
    ss = np.einsum("bi,bi->b", hc, hc)
    flat = ss <= 1e-28 * (1.0 + np.einsum("bi,bi->b", h, h))  # h constant: only the bias can fit
    return h, mean, hc, np.where(flat, 1.0, ss)[:, None], flat[:, None]

def one_unit_last_layer(features, T):
    """The best (c, d) for each grid row and its loss, from :func:`_one_unit_features`; shapes (B, q), (B, q), (B,)."""
    h, mean, hc, denominator, flat = features
    Tc = T - T.mean(axis=0)  # (n, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(flat, 0.0, (hc @ Tc) / denominator)  # (B, q)
    d = T.mean(axis=0)[None, :] - c * mean
    R = h[:, :, None] * c[:, None, :] + d[:, None, :] - T[None, :, :]
    return c, d, np.einsum("bij,bij->b", R, R)
