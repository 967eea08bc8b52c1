"""Argument validation shared by every public function of nnlib.

Every check raises a ``ValueError`` (or ``TypeError`` for the wrong kind of object) whose
message names the argument and says what was expected, so that bad input never produces a
silently wrong number or picture.  The vocabulary follows scikit-learn's ``utils.validation``:

- arrays: :func:`as_finite_array`, :func:`as_matrix`, :func:`as_vector` (real, finite float64;
  complex, object, string and boolean arrays refused unless booleans are meant);
- integers: :func:`check_int`, :func:`check_positive_int`, :func:`check_nonnegative_int`
  (Python or numpy integers only, never a float such as 1.9 or a bool; bounded, by default to
  what fits in an int64, so that a huge Python integer is a clear error, not an ``OverflowError``);
- widths: :func:`check_widths` (a sequence of positive integers, not a set, a string or a mapping);
- reals: :func:`check_real` (finite, optionally in a range), :func:`check_positive_float`,
  :func:`check_tolerance` (finite, >= 0 or > 0), :func:`check_probability`, :func:`check_open_unit`;
- flags and choices: :func:`check_bool`, :func:`check_choice`;
- seeds: :func:`as_rng`.

The ``name`` passed to each check is the name of the argument as the caller wrote it.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Set

import numpy as np

__all__ = [
    "as_finite_array",
    "as_matrix",
    "as_vector",
    "check_int",
    "check_positive_int",
    "check_nonnegative_int",
    "check_real",
    "check_positive_float",
    "check_tolerance",
    "check_probability",
    "check_open_unit",
    "check_widths",
    "check_bool",
    "check_choice",
    "as_rng",
    "check_arch",
    "check_sample",
]

#: The largest integer the integer checks accept by default: what fits in an int64 (numpy's
#: sizes and counts), so that a Python integer such as 10**400 is refused with a message.
INT_MAX = 2**63 - 1


def _wrong_kind(name: str, value, what: str = "an array of real numbers"):
    return TypeError(f"{name} must be {what}; got {type(value).__name__}")


def as_finite_array(name: str, value, *, allow_bool: bool = False) -> np.ndarray:
    """Return ``value`` as a float64 array, refusing NaN, infinities and non-numbers.

    Complex, string and object arrays that are not real numbers are a ``TypeError`` (numpy
    would silently drop an imaginary part); so are booleans unless ``allow_bool``.  A number too
    large for float64 (a Python integer >= 2**1024) is a ``ValueError``.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise _wrong_kind(name, value)
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        arr = value
    else:
        try:
            raw = np.asarray(value)
        except OverflowError as exc:
            raise ValueError(f"{name} must contain only finite float64 numbers; it has a number too large "
                             "for float64") from exc
        except (TypeError, ValueError) as exc:
            raise _wrong_kind(name, value) from exc
        kind = raw.dtype.kind
        if kind == "c":
            raise TypeError(f"{name} must be real; got a complex array (pass its .real if that is meant)")
        if kind == "b" and not allow_bool:
            raise TypeError(f"{name} must be an array of real numbers; got booleans")
        if kind not in "biufO":
            raise _wrong_kind(name, value)
        if kind == "O" and any(isinstance(v, (complex, np.complexfloating)) for v in raw.flat):
            raise TypeError(f"{name} must be real; got complex entries")
        try:
            arr = np.asarray(value, dtype=float)
        except OverflowError as exc:
            raise ValueError(f"{name} must contain only finite float64 numbers; it has a number too large "
                             "for float64") from exc
        except (TypeError, ValueError) as exc:
            raise _wrong_kind(name, value) from exc
    if not np.isfinite(arr).all():  # (the method: np.all's dispatch costs more than the test on small arrays)
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
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_int(name: str, value, *, low: int | None = None, high: int | None = INT_MAX, what: str = "an integer") -> int:
    """Return ``value`` as an ``int`` if it is a Python or numpy integer in ``[low, high]``.

    Floats are refused even when whole (no silent truncation of 1.9 to 1), and so are bools.
    ``high`` defaults to :data:`INT_MAX`; pass ``None`` for no upper bound.
    """
    if not _is_int(value):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        shown = str(v) if v.bit_length() < 200 else f"an integer of {len(str(abs(v)))} digits"
        rng = (f"between {low} and {high}" if low is not None and high is not None
               else f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{name} must be {what} {rng}; got {shown}")
    return v


def check_positive_int(name: str, value, *, high: int | None = INT_MAX) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1 (and <= ``high``)."""
    return check_int(name, value, low=1, high=high, what="a positive integer")


def check_nonnegative_int(name: str, value, *, high: int | None = INT_MAX) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 0 (and <= ``high``)."""
    return check_int(name, value, low=0, high=high, what="a non-negative integer")


def check_real(name: str, value, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False, what: str = "a real number") -> float:
    """Return ``value`` as a finite ``float``, optionally in the interval from ``low`` to ``high``.

    NaN, infinities, complex numbers, bools, strings and integers too large for float64 are refused.
    ``low_open``/``high_open`` exclude the end points.
    """
    if not _is_real(value):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    try:
        v = float(value)
    except OverflowError as exc:
        raise ValueError(f"{name} must be {what}, a finite float64; got an integer too large for float64") from exc
    if not np.isfinite(v):
        raise ValueError(f"{name} must be {what}, finite; got {v}")
    lo_bad = low is not None and (v <= low if low_open else v < low)
    hi_bad = high is not None and (v >= high if high_open else v > high)
    if lo_bad or hi_bad:
        left = "" if low is None else ("(" if low_open else "[") + f"{low}, "
        right = "" if high is None else f"{high}" + (")" if high_open else "]")
        interval = (f"in {left}{right}" if low is not None and high is not None
                    else f"{'>' if low_open else '>='} {low}" if low is not None
                    else f"{'<' if high_open else '<='} {high}")
        raise ValueError(f"{name} must be {what} {interval}; got {v}")
    return v


def check_positive_float(name: str, value) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number > 0."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a positive real number; got {value!r}")
    try:
        v = float(value)
    except OverflowError as exc:
        raise ValueError(f"{name} must be a finite positive real number; got an integer too large for float64") from exc
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite positive real number; got {value}")
    return v


def check_tolerance(name: str, value, *, allow_zero: bool = False, high: float | None = None) -> float:
    """Return a tolerance as a ``float``: finite, > 0 (or >= 0 with ``allow_zero``), at most ``high``."""
    return check_real(name, value, low=0.0, low_open=not allow_zero, high=high,
                      what="a non-negative tolerance" if allow_zero else "a positive tolerance")


def check_probability(name: str, value, *, open_interval: bool = False) -> float:
    """Return ``value`` as a ``float`` if it is a probability in [0, 1] (or (0, 1) with ``open_interval``)."""
    return check_real(name, value, low=0.0, high=1.0, low_open=open_interval, high_open=open_interval,
                      what="a probability")


def check_open_unit(name: str, value) -> float:
    """Return ``value`` as a ``float`` if it lies in the open interval (0, 1)."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number in (0, 1); got {value!r}")
    if not (0.0 < value < 1.0):
        raise ValueError(f"{name} must lie in the open interval (0, 1); got {value}")
    return float(value)


def check_widths(name: str, value, *, min_length: int = 2, high: int | None = 10**6) -> tuple:
    """Return layer widths as a tuple of ``int``: an ordered sequence of positive integers.

    Sets (whose order is not the caller's), strings, mappings and iterators are refused: the order
    of the widths is the architecture.  Each width is at most ``high`` (a width of 10**12 would
    only exhaust memory later, with a less clear message).
    """
    if (isinstance(value, (str, bytes, Set, Mapping)) or not hasattr(value, "__len__")
            or not hasattr(value, "__getitem__")):
        raise TypeError(f"{name} must be an ordered sequence of positive integers (a tuple or list); "
                        f"got {type(value).__name__}")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of positive integers; got an array with shape {value.shape}")
    if len(value) < min_length:
        raise ValueError(f"{name} must have at least {min_length} entries; got {len(value)}")
    return tuple(check_int(f"{name}[{i}]", w, low=1, high=high, what="a positive integer")
                 for i, w in enumerate(value))


def check_bool(name: str, value) -> bool:
    """Return ``value`` as a ``bool`` if it is ``True`` or ``False`` (a Python or numpy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


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


_Architecture = None


def check_arch(arch):
    """``arch`` if it is an :class:`nnlib.network.Architecture`, else a TypeError naming it."""
    global _Architecture
    if _Architecture is None:  # network imports this module: the class is looked up on the first call
        from .network import Architecture as _Architecture
    if not isinstance(arch, _Architecture):
        raise TypeError(f"arch must be an nnlib Architecture, e.g. Architecture((2, 2, 2), 'relu'); got {arch!r}")
    return arch


def check_sample(arch, S) -> np.ndarray:
    """The sample ``S`` as a finite float n x p matrix for the (checked) architecture ``arch``."""
    return as_matrix("S", S, cols=arch.p)
