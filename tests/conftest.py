"""Shared set-up for the nnlib test suite.

* matplotlib draws with the non-interactive Agg backend, and every figure a test opens is
  closed after it;
* hypothesis runs derandomized (the same examples on every run), without deadlines and
  without writing an example database into the repository;
* ``reference`` is a deliberately naive re-implementation of the paper's definitions (a
  Python loop over observations, weights unpacked by explicit index arithmetic, activations
  written out), so that the tests compare nnlib against values computed by a different code
  path rather than against nnlib itself.
"""

from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"

import matplotlib  # noqa: E402

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

settings.register_profile("nnlib", derandomize=True, deadline=None, database=None, max_examples=25)
settings.load_profile("nnlib")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Reference:
    """The paper's definitions written out plainly (independent of nnlib's vectorised code)."""

    activations = {
        "relu": lambda x: np.where(x > 0, x, 0.0),
        "tanh": lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
        "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
        "identity": lambda x: x + 0.0,
        "poly1": lambda x: x + 0.0,
        "poly2": lambda x: x * x,
        "poly3": lambda x: x * x * x,
        "poly4": lambda x: (x * x) * (x * x),
    }

    @staticmethod
    def m(widths) -> int:
        """Equation (3), summed term by term."""
        total = 0
        for i in range(len(widths) - 1):
            total += (widths[i] + 1) * widths[i + 1]
        return total

    @staticmethod
    def unpack(widths, theta):
        """A_1 row by row, then b_1, then A_2, b_2, ... -- by explicit index arithmetic."""
        theta = np.asarray(theta, dtype=float)
        layers, off = [], 0
        for i in range(len(widths) - 1):
            d_in, d_out = widths[i], widths[i + 1]
            A = np.zeros((d_out, d_in))
            for r in range(d_out):
                for c in range(d_in):
                    A[r, c] = theta[off + r * d_in + c]
            off += d_out * d_in
            b = np.array([theta[off + r] for r in range(d_out)], dtype=float)
            off += d_out
            layers.append((A, b))
        assert off == theta.shape[0], "theta has the wrong length for these widths"
        return layers

    @classmethod
    def forward(cls, widths, activation, S, theta):
        """(psi, pre) where psi is the n x q matrix of nu_theta(s_i)^T and pre lists, for each
        hidden layer, the n x d pre-activations alpha_i(...) (what the kinks of ReLU depend on)."""
        sigma = cls.activations[activation]
        layers = cls.unpack(widths, theta)
        rows, pre = [], [[] for _ in range(len(layers) - 1)]
        for s in np.asarray(S, dtype=float):
            x = s.copy()
            for i, (A, b) in enumerate(layers):
                x = A @ x + b
                if i < len(layers) - 1:
                    pre[i].append(x.copy())
                    x = sigma(x)
            rows.append(x)
        return np.array(rows), [np.array(z) for z in pre]

    @classmethod
    def psi(cls, widths, activation, S, theta):
        return cls.forward(widths, activation, S, theta)[0]

    @classmethod
    def fd_jacobian(cls, widths, activation, S, theta, h=1e-6):
        """Central finite differences of vec(psi) (row by row) in every coordinate of theta."""
        theta = np.asarray(theta, dtype=float)
        cols = []
        for j in range(theta.shape[0]):
            e = np.zeros_like(theta)
            e[j] = h
            plus = cls.psi(widths, activation, S, theta + e)
            minus = cls.psi(widths, activation, S, theta - e)
            cols.append(((plus - minus) / (2 * h)).ravel())
        return np.column_stack(cols)


@pytest.fixture(scope="session")
def reference():
    return Reference
