"""The autodiff peers of nnlib's Jacobian, one copy for :mod:`bench.autodiff` and :mod:`bench.speed`.

Both build the network (1) at one sample point from theta packed as nnlib packs it
(:func:`packed_network`) and differentiate it per sample: PyTorch's ``torch.func`` (``vmap`` of
``jacrev`` / ``jacfwd``) and JAX's ``jax.jit(jax.vmap(jax.jacrev(nu)))``, float64.  Each returns
the same (n q) x m matrix as ``nnlib.jacobian``.  Both libraries are optional
(``pip install -e ".[bench]"``); they are imported when a function here is called.
"""

from __future__ import annotations

import time

import numpy as np


def packed_network(arch, act):
    """nu(theta, s): the network (1) at one sample point s, theta packed as nnlib packs it.

    ``act`` is the activation in the peer's own array library; the slicing, reshape, ``@`` and
    ``+`` used here are common to torch tensors and JAX arrays.
    """
    shapes = arch.layer_shapes

    def nu(theta_t, s):
        off, h = 0, s
        for i, (rows, cols) in enumerate(shapes):
            A = theta_t[off:off + rows * cols].reshape(rows, cols)
            off += rows * cols
            b = theta_t[off:off + rows]
            off += rows
            h = A @ h + b
            if i < len(shapes) - 1:
                h = act(h)
        return h

    return nu


def torch_jacobians(arch, S, theta):
    """Functions computing the (n q) x m Jacobian of psi_k with torch.func (reverse and forward mode)."""
    import torch
    from torch.func import jacfwd, jacrev, vmap

    act = {"relu": torch.relu, "tanh": torch.tanh, "identity": lambda x: x}[arch.activation.name]
    nu = packed_network(arch, act)
    St = torch.from_numpy(S)
    th = torch.from_numpy(theta)
    n, m = S.shape[0], theta.size
    rev = vmap(jacrev(nu), in_dims=(None, 0))
    fwd = vmap(jacfwd(nu), in_dims=(None, 0))

    def run(f):
        with torch.no_grad():
            return f(th, St).reshape(n * arch.q, m)

    return (lambda: run(rev)), (lambda: run(fwd))


def jax_jacobian(arch, S, theta):
    """A function computing the (n q) x m Jacobian with jit(vmap(jacrev)) in JAX, its result as numpy, and its compile time (s)."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    act = {"relu": jax.nn.relu, "tanh": jnp.tanh, "identity": lambda x: x}[arch.activation.name]
    nu = packed_network(arch, act)
    f = jax.jit(jax.vmap(jax.jacrev(nu), in_axes=(None, 0)))
    th, Sj = jnp.asarray(theta), jnp.asarray(S)
    t0 = time.perf_counter()
    compiled = f.lower(th, Sj).compile()
    compile_s = time.perf_counter() - t0
    n, m = S.shape[0], theta.size

    def run():
        return compiled(th, Sj).block_until_ready()

    def result():
        return np.asarray(run()).reshape(n * arch.q, m)

    return run, result, compile_s
