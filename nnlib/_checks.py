"""Argument validation shared by every public function of nnlib.

Every check raises a ``ValueError`` (or ``TypeError`` for the wrong kind of object) whose
message names the argument and says what was expected, so that bad input never produces a
silently wrong number or picture.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_finite_array",
    "as_matrix",
    "as_vector",
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive_float",
    "check_open_unit",
    "as_rng",
]


def as_finite_array(name: str, value) -> np.ndarray:
    """Return ``value`` as a float64 array, refusing NaN, infinities and non-numbers."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}") from exc
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must contain only finite numbers; it has {bad} NaN or infinite entries")
    return arr


def as_matrix(name: str, value, *, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite 2-D float array, checking its shape where given.

    ``rows``/``cols`` of ``None`` accept any size along that axis.
    """
    arr = as_finite_array(name, value)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix (n x p); got an array with shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be non-empty; got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows; got shape {arr.shape}")
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns; got shape {arr.shape}")
    return arr


def as_vector(name: str, value, *, length: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite 1-D float array, checking its length where given."""
    arr = as_finite_array(name, value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector; got an array with shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} must have length {length}; got length {arr.shape[0]}")
    return arr


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_int(name: str, value) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1."""
    if not _is_int(value):
        raise TypeError(f"{name} must be a positive integer; got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value}")
    return int(value)


def check_nonnegative_int(name: str, value) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 0."""
    if not _is_int(value):
        raise TypeError(f"{name} must be a non-negative integer; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value}")
    return int(value)


def check_positive_float(name: str, value) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number; got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite positive real number; got {value}")
    return float(value)


def check_open_unit(name: str, value) -> float:
    """Return ``value`` as a ``float`` if it lies in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number in (0, 1); got {value!r}")
    if not (0.0 < value < 1.0):
        raise ValueError(f"{name} must lie in the open interval (0, 1); got {value}")
    return float(value)


def as_rng(name: str, value) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a seed (int) or a Generator.

    nnlib never uses numpy's global random state: every random choice is driven by a
    generator that the caller passes in, so results are reproducible.
    """
    if isinstance(value, np.random.Generator):
        return value
    if _is_int(value):
        if value < 0:
            raise ValueError(f"{name} must be a non-negative integer seed or a numpy.random.Generator; got {value}")
        return np.random.default_rng(int(value))
    raise TypeError(f"{name} must be a non-negative integer seed or a numpy.random.Generator; got {value!r}")
