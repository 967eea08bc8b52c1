"""Activation functions sigma, by name, with their derivatives.

The paper (§1-§2, (11)) uses the ReLU sigma_max(x) = max(0, x), the hyperbolic tangent
sigma_tanh and the sigmoid sigma_exp(x) = 1 / (1 + exp(-x)); §7 suggests polynomial
("algebraic") activations x^r.  Every activation acts coordinatewise on arrays.

>>> from nnlib.activations import get_activation
>>> relu = get_activation("relu")
>>> relu(np.array([-1.0, 0.0, 2.0])).tolist()
[0.0, 0.0, 2.0]
>>> get_activation("polynomial", degree=3).name
'poly3'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._checks import check_positive_int

__all__ = ["Activation", "get_activation", "ACTIVATION_NAMES"]


@dataclass(frozen=True)
class Activation:
    """A coordinatewise activation sigma with its derivative.

    Attributes
    ----------
    name : str
        Canonical name: ``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"identity"`` or ``"poly<r>"``.
    function : callable
        sigma, applied coordinatewise to a numpy array.
    derivative : callable
        sigma', applied coordinatewise.  For ReLU the derivative at 0 is taken to be 0 (ReLU is
        not differentiable there; the choice only matters on a set of weights of measure zero).
    latex : str
        How the book typesets it.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    derivative: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    latex: str = field(default="", compare=False)

    def __call__(self, x):
        return self.function(np.asarray(x, dtype=float))

    @property
    def is_relu(self) -> bool:
        return self.name == "relu"


def _relu(x):
    return np.maximum(x, 0.0)


def _relu_prime(x):
    return (x > 0).astype(float)


def _tanh_prime(x):
    # tanh'(x) = sech^2 x = 4 e^{-2|x|} / (1 + e^{-2|x|})^2: no cancellation, so full relative
    # accuracy in both tails (1 - tanh^2 x keeps none for |x| >~ 15 and is exactly 0 from 19.1 on);
    # it underflows to 0 only where sech^2 x itself is below the smallest double (|x| > ~373).
    e = np.abs(x)
    if not isinstance(e, np.ndarray) or e.dtype != np.float64:  # scalars and other dtypes
        e = np.exp(-2.0 * e)
        return 4.0 * e / ((1.0 + e) * (1.0 + e))
    # The same operations in place on one new array (the same bits, three temporaries fewer; the
    # Jacobian of a tanh network spends most of its time here).
    e *= -2.0
    np.exp(e, out=e)
    d = e + 1.0
    d *= d
    e *= 4.0
    return np.divide(e, d, out=e)


def _sigmoid(x):
    # Numerically stable logistic function: never evaluates exp of a large positive number.
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def _sigmoid_prime(x):
    # sigma'(x) = sigma(x) (1 - sigma(x)) = sigma(x) sigma(-x); the second form keeps full
    # relative accuracy in both tails (1 - sigma(x) cancels catastrophically for large x).
    return _sigmoid(x) * _sigmoid(-x)


def _polynomial(r: int) -> Activation:
    def f(x):
        return x**r

    def df(x):
        return r * x ** (r - 1)

    return Activation(f"poly{r}", f, df, rf"x^{{{r}}}")


_FIXED = {
    "relu": Activation("relu", _relu, _relu_prime, r"\sigma_{\max}"),
    "tanh": Activation("tanh", np.tanh, _tanh_prime, r"\sigma_{\tanh}"),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_prime, r"\sigma_{\exp}"),
    "identity": Activation("identity", lambda x: np.array(x, dtype=float), np.ones_like, r"\mathrm{id}"),
}

_ALIASES = {"max": "relu", "sigma_max": "relu", "exp": "sigmoid", "sigma_exp": "sigmoid", "logistic": "sigmoid",
            "sigma_tanh": "tanh", "linear": "identity"}

#: The names ``get_activation`` accepts (``"poly<r>"``, e.g. ``"poly2"``, also works).
ACTIVATION_NAMES = ("relu", "tanh", "sigmoid", "identity", "polynomial")


def get_activation(name, *, degree: int | None = None) -> Activation:
    """Return the activation called ``name``.

    Parameters
    ----------
    name : str or Activation
        ``"relu"`` (sigma_max of (11)), ``"tanh"`` (sigma_tanh), ``"sigmoid"`` (sigma_exp),
        ``"identity"``, ``"polynomial"`` (needs ``degree``) or ``"poly<r>"`` such as ``"poly2"``.
        An :class:`Activation` is returned unchanged.
    degree : int, optional
        The exponent r >= 1 of the polynomial activation x^r.

    Raises
    ------
    ValueError
        For an unknown name, or a polynomial without a positive degree.
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name (str) or an Activation; got {name!r}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key in _FIXED:
        if degree is not None:
            raise ValueError(f"degree is only used with the polynomial activation, not with {name!r}")
        return _FIXED[key]
    if key == "polynomial":
        if degree is None:
            raise ValueError("activation 'polynomial' needs degree=r (a positive integer)")
        return _polynomial(check_positive_int("degree", degree))
    if key.startswith("poly") and key[4:].isdigit():
        r = check_positive_int("degree", int(key[4:]))
        if degree is not None and degree != r:
            raise ValueError(f"degree={degree!r} contradicts the activation name {name!r} (degree {r})")
        return _polynomial(r)
    raise ValueError(
        f"unknown activation {name!r}; expected one of {', '.join(ACTIVATION_NAMES)} (or 'poly<r>', e.g. 'poly2')"
    )
