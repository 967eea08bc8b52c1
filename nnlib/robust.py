"""Robust summaries of computations whose last bits depend on the machine.

A stored output is a claim that every correct machine reproduces.  Another BLAS kernel, numpy's
SIMD paths or the thread count change the last bits of floating-point results, and a long descent
from a random start (a chaotic computation) amplifies them until the end point, the number of
runs that reach a given basin, or a tiny final loss differ from machine to machine.  The helpers
here print what survives such changes:

* :func:`format_below` -- a value at the level of rounding, printed as the bound it is below;
* :func:`floor_to` -- a lower bound with a margin, printed without the digits that move;
* :func:`format_excess` -- a small difference ``value - level`` of two nearly equal numbers, printed
  with only the significant digits that the cancellation leaves;
* :func:`resolved_excess` -- the same for a plot: excesses of a computed loss over its level, rounded
  to the digits that survive, with a mask of those double precision does not resolve;
* :func:`classify` -- each run's outcome class, decided with a tolerance against known levels.

Chapters check every printed claim with an assertion; these functions only format and classify.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_finite_array, check_positive_float, check_positive_int, check_real


def _real(name: str, value) -> float:
    """A finite real number (a Python or numpy scalar, or a 0-d real array) as a float, else a clear error."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    return check_real(name, value)


def _losses(losses) -> np.ndarray:
    """``losses`` as a 1-D array of finite floats, else a clear error naming it."""
    losses = as_finite_array("losses", losses)
    if losses.ndim != 1:
        raise ValueError(f"losses must be a one-dimensional array of finite numbers; got shape {losses.shape}")
    return losses

__all__ = ["format_below", "floor_to", "format_excess", "resolved_excess", "resolved_excess_bound", "classify"]


def format_below(value: float, bound: float, fmt: str = ".3g") -> str:
    """``"< bound"`` when ``value < bound``, else ``value`` formatted with ``fmt``.

    For values at the level of rounding (a final loss of 1e-24, say), whose digits depend on
    the machine: only the bound is printed, so the printed text is the same on every machine
    on which the value stays below it.

    >>> format_below(3.2e-25, 1e-20)
    '< 1e-20'
    >>> format_below(0.25, 1e-20)
    '0.25'
    """
    bound = check_positive_float("bound", bound)
    value = _real("value", value)
    return f"< {bound:.0e}" if value < bound else format(value, fmt)


def floor_to(value: float, step: float = 1.0) -> float:
    """The largest multiple of ``step`` that is at most ``value`` (a lower bound to print).

    The printed bound only changes when ``value`` crosses a multiple of ``step``; the caller
    chooses ``step`` so that the spread measured across machines stays well inside one step.

    >>> floor_to(33.41), floor_to(13.29, 5.0), floor_to(-0.5)
    (33.0, 10.0, -1.0)
    """
    step = check_positive_float("step", step)
    value = _real("value", value)
    return float(math.floor(value / step) * step)


def format_excess(value: float, level: float, *, max_digits: int = 4, ulps: float = 8.0) -> str:
    """``value - level`` in exponent notation, with only the digits its cancellation leaves.

    A loss computed near a level (0.5 + 1e-13, say) carries an absolute rounding error of a few
    units in the last place, which becomes a relative error of the difference:
    ``ulps * eps * max(|value|, |level|) / |value - level|``.  The difference is printed with
    ``floor(log10(1 / that relative error))`` significant digits, at least 1 and at most
    ``max_digits``; a difference below the error itself is printed as ``"< error"``.

    >>> format_excess(0.5 + 1.608e-13, 0.5), format_excess(0.5 + 1.611e-10, 0.5), format_excess(0.5, 0.5)
    ('1.6e-13', '1.611e-10', '< 9e-16')
    """
    value = _real("value", value)
    level = _real("level", level)
    max_digits = check_positive_int("max_digits", max_digits)
    ulps = check_positive_float("ulps", ulps)
    excess = value - level
    error = ulps * np.finfo(float).eps * max(abs(value), abs(level))
    if abs(excess) <= error:
        return f"< {error:.0e}"
    digits = int(min(max_digits, max(1, math.floor(math.log10(abs(excess) / error)))))
    return f"{excess:.{digits - 1}e}"


def resolved_excess(losses, level: float, *, scale: float = 1.0, ulps: float = 4.0, max_digits: int = 3):
    r"""Excesses ``loss - level`` of computed squared-residual losses, rounded to the digits they keep.

    A loss ``L = sum_i r_i^2`` of residuals of size ``scale`` carries an absolute rounding error of
    about ``ulps * eps * (max(L, |level|) + sqrt(L) * scale)``: the cancellation ``L - level``
    (as in :func:`format_excess`) plus the rounding of the residuals themselves, ``2 r . dr``.
    An excess at least ten times that error is *resolved*; it is rounded to
    ``floor(log10(excess / error))`` significant digits (at most ``max_digits``), so that a figure
    drawn from it does not move with the last bits of the losses.  The others (including excesses
    <= 0) are not resolved by double precision: their entry is NaN and the mask says so.

    Parameters
    ----------
    losses : array_like of float
        Computed losses (finite).
    level : float
        The level they approach (an infimum), finite.
    scale : float
        The size of the fitted values (e.g. ``max(1, max|t|)``).
    ulps, max_digits
        Units in the last place assumed per operation; the most significant digits kept.

    Returns
    -------
    excess : ndarray of float
        The rounded excesses, NaN where not resolved.
    resolved : ndarray of bool

    Examples
    --------
    >>> ex, ok = resolved_excess([0.5 + 5.107e-14, 0.5 + 1.6113e-10, 0.5 + 2e-15], 0.5, scale=2.0)
    >>> ex[:2].tolist(), ok.tolist()
    ([5e-14, 1.61e-10], [True, True, False])
    """
    losses = _losses(losses)
    level = _real("level", level)
    scale = check_positive_float("scale", scale)
    ulps = check_positive_float("ulps", ulps)
    max_digits = check_positive_int("max_digits", max_digits)
    excess = losses - level
    error = _excess_error(losses, level, scale, ulps)
    resolved = (excess > 0) & (excess >= 10.0 * error)
    out = np.full(losses.shape, np.nan)
    for i in np.flatnonzero(resolved):
        digits = int(min(max_digits, math.floor(math.log10(excess[i] / error[i]))))
        out[i] = float(f"{excess[i]:.{digits - 1}e}")
    return out, resolved


def _excess_error(losses, level, scale, ulps):
    return ulps * np.finfo(float).eps * (np.maximum(np.abs(losses), abs(level)) + np.sqrt(np.abs(losses)) * scale)


def resolved_excess_bound(losses, level: float, *, scale: float = 1.0, ulps: float = 4.0) -> np.ndarray:
    """The power of ten at or above ten times the rounding error of ``loss - level`` (see :func:`resolved_excess`).

    An excess that :func:`resolved_excess` does not resolve is below this bound; a figure draws it
    there, with its own marker.  Rounded up to a power of ten, it does not move with the last bits.

    >>> resolved_excess_bound([0.5 + 2e-15, 0.5], 0.5, scale=2.0).tolist()
    [1e-13, 1e-13]
    """
    losses = _losses(losses)
    level = _real("level", level)
    scale = check_positive_float("scale", scale)
    ulps = check_positive_float("ulps", ulps)
    error = _excess_error(losses, level, scale, ulps)
    return 10.0 ** np.ceil(np.log10(np.maximum(10.0 * error, np.finfo(float).tiny)))


def classify(values, levels: dict, tol: float) -> np.ndarray:
    """The name of the level each value is within ``tol`` of, or ``"other"``.

    Parameters
    ----------
    values : array_like of float
        For example the final losses of many runs.
    levels : dict
        Names and values of the known outcomes (e.g. ``{"minimum": 0.5, "constant fit": 2/3}``);
        the levels must lie more than ``2 * tol`` apart, so no value is within ``tol`` of two.
    tol : float
        Absolute tolerance.

    Returns
    -------
    ndarray of str, one name per value.

    Examples
    --------
    >>> classify([0.5 + 1e-13, 0.6667, 2 / 3], {"1/2": 0.5, "2/3": 2 / 3}, 1e-9).tolist()
    ['1/2', 'other', '2/3']
    """
    tol = check_positive_float("tol", tol)
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"values must be one-dimensional; got shape {values.shape}")
    if not isinstance(levels, dict) or not levels:
        raise ValueError("levels must be a non-empty dict of name -> value")
    names = list(levels)
    where = np.array([float(levels[k]) for k in names])
    if len(where) > 1 and np.min(np.diff(np.sort(where))) <= 2 * tol:
        raise ValueError(f"levels must be more than 2 * tol = {2 * tol:g} apart; got {levels}")
    out = np.full(values.shape, "other", dtype=object)
    for name, level in zip(names, where):
        out[np.abs(values - level) <= tol] = name
    return out
