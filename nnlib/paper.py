r"""The paper's concrete data, as functions returning fresh arrays.

* :func:`theorem1_data` -- the six observations s_1, ..., s_6 in R^2 and responses
  t_1, ..., t_6 in R^2 of §1, assembled as S (design matrix (6)) and T of (16);
* :func:`theorem1_architecture` -- the 2-2-2 ReLU network of Theorem 1 (m = 12);
* :func:`theta_k` -- the weight sequence theta_k of (17), along which psi_2(theta_k) -> T;
* :func:`tanh_example_data` -- the sample s = (0, 1, 2) and response t = (0, 2, 1) of §6.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_positive_float
from .network import Architecture

__all__ = ["theorem1_data", "theorem1_architecture", "theta_k", "tanh_example_data"]


def theorem1_data() -> tuple[np.ndarray, np.ndarray]:
    """The sample S in R^{6x2} and the response T in R^{6x2} of §1 and (16).

    s_i = (i - 3, 0) for i = 1, ..., 5 and s_6 = (1, 1); the first coordinates of t_1, ..., t_5
    are (2, 1, 0, -2, -4) (slopes -1 then -2 along the line), and t_6 = (0, 1).

    >>> S, T = theorem1_data()
    >>> S.shape, T.shape
    ((6, 2), (6, 2))
    """
    S = np.array([[-2, 0], [-1, 0], [0, 0], [1, 0], [2, 0], [1, 1]], dtype=float)
    T = np.array([[2, 0], [1, 0], [0, 0], [-2, 0], [-4, 0], [0, 1]], dtype=float)
    return S, T


def theorem1_architecture() -> Architecture:
    """The two-layer ReLU network R^2 -> R^2 -> R^2 of Theorem 1 (d_1 = d_2 = d_3 = 2, m = 12)."""
    return Architecture((2, 2, 2), "relu")


def theta_k(k: float) -> np.ndarray:
    """The weights theta_k of (17), packed as (A_1, b_1, A_2, b_2) in R^12.

    A_1 = [[-1, 2k + 1], [1, k - 1]], b_1 = 0, A_2 = [[1, -2], [0, 1/k]], b_2 = 0.  The paper
    uses k = 1, 2, ...; any real k > 0 is accepted so that the sequence can be swept smoothly.
    """
    k = check_positive_float("k", k)
    with np.errstate(over="ignore", divide="ignore"):
        if not (np.isfinite(1.0 / k) and np.isfinite(2 * k + 1)):
            raise ValueError(f"k must lie between about 1e-308 and 8e307 (theta_k has entries 1/k and 2k + 1, "
                             f"which must be finite float64 numbers); got {k!r}")
    A1 = np.array([[-1.0, 2 * k + 1], [1.0, k - 1]])
    A2 = np.array([[1.0, -2.0], [0.0, 1.0 / k]])
    zero = np.zeros(2)
    return theorem1_architecture().pack([(A1, zero), (A2, zero)])


def tanh_example_data() -> tuple[np.ndarray, np.ndarray]:
    """The sample S = (0, 1, 2)^T and response T = (0, 2, 1)^T (both 3 x 1) of the tanh example in §6."""
    return np.array([[0.0], [1.0], [2.0]]), np.array([[0.0], [2.0], [1.0]])
