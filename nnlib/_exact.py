"""Exact arithmetic without python-flint: the few FLINT calls of nnlib.certify's modular method.

:mod:`nnlib.certify` proves lower bounds of dim psi_k(Theta) by exact computation.  With
python-flint installed it uses FLINT; without it (a plain ``pip install nnlib``, or Python in the
browser, where the book's JupyterLite copy has no python-flint) :func:`nnlib.certify._flint`
returns this module, which answers the same calls exactly in pure Python (integers and
:class:`fractions.Fraction`), so the modular method (relu, identity, x^r) proves the same bounds:

- ``fmpz(n).is_prime()``: deterministic Miller-Rabin (the first twelve primes as bases decide
  every n below 3.3 * 10^24; nnlib's primes are below 2^63);
- ``fmpq(p, q)``: the rational p/q (:class:`fractions.Fraction`);
- ``nmod_mat(rows, p)``: a matrix over the prime field F_p with ``rank()``, ``det()``, ``rref()``,
  ``transpose()`` and ``tolist()``, by Gaussian elimination on numpy int64 residues (p < 2^31, so a
  product of two residues fits) or on Python integers (larger p);
- ``fmpz_mat(rows)``: an integer matrix with its exact rank over Q (elimination over Fraction).

The rank, determinant and reduced row echelon form of a matrix are determined by the matrix, so
both back ends give the same numbers (tests/test_exact.py compares them).  Ball arithmetic
(Arb: ``arb``, ``arb_mat``, ``ctx``), which the ball method for tanh and sigmoid needs, has no
stand-in here: asking for it raises :class:`ImportError` saying how to install python-flint.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np

#: The message of the ImportError for what only python-flint has (Arb's ball arithmetic).
BALL_INSTALL = ("nnlib.certify's ball method (tanh, sigmoid) needs python-flint (Arb's ball arithmetic): "
                "pip install 'nnlib[certify]' or pip install python-flint. The modular method (relu, "
                "identity, x^r) runs without it, in pure Python.")

#: Miller-Rabin with these bases decides every n < 3.3 * 10^24 (Sorenson and Webster, 2015).
_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
_MR_LIMIT = 3_317_044_064_679_887_385_961_981

BACKEND = "pure Python (nnlib._exact)"


def __getattr__(name: str):
    if name in ("arb", "arb_mat", "acb", "acb_mat", "ctx"):
        raise ImportError(BALL_INSTALL)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class fmpz:
    """An integer with the one FLINT method nnlib asks of it, ``is_prime()``.

    Examples
    --------
    >>> fmpz(2**61 - 1).is_prime(), fmpz(3215031751).is_prime()  # a prime; a strong pseudoprime
    (True, False)
    """

    def __init__(self, n):
        if not isinstance(n, numbers.Integral):
            raise TypeError(f"fmpz: expected an integer, got {type(n).__name__}")
        self.n = int(n)

    def __int__(self) -> int:
        return self.n

    def is_prime(self) -> bool:
        n = self.n
        if n < 2:
            return False
        for b in _MR_BASES:
            if n % b == 0:
                return n == b
        if n >= _MR_LIMIT:
            raise ValueError(f"fmpz.is_prime: decided here only below {_MR_LIMIT}; got {n}")
        d, s = n - 1, 0
        while d % 2 == 0:
            d, s = d // 2, s + 1
        for a in _MR_BASES:
            x = pow(a, d, n)
            if x in (1, n - 1):
                continue
            for _ in range(s - 1):
                x = x * x % n
                if x == n - 1:
                    break
            else:
                return False
        return True


def fmpq(p, q=1) -> Fraction:
    """The rational p/q, exactly (p, q integers, or p already a rational and q = 1)."""
    if isinstance(p, Fraction) and q == 1:
        return p
    if not isinstance(p, numbers.Integral) or not isinstance(q, numbers.Integral):
        raise TypeError(f"fmpq: expected integers, got {type(p).__name__} and {type(q).__name__}")
    return Fraction(int(p), int(q))  # int(): numpy integers would keep fixed-width arithmetic


def _echelon(A: np.ndarray, p: int, reduced: bool):
    """Row echelon form of A over F_p (a copy): (form, pivot columns, determinant factor).

    The factor is the product of the pivots times the sign of the row swaps, so for a square
    matrix of full rank it is the determinant mod p.  ``reduced``: pivots 1 and zeros above them too.
    """
    A = A.copy()
    n_rows, n_cols = A.shape
    r, pivots, factor = 0, [], 1
    for c in range(n_cols):
        if r == n_rows:
            break
        nz = np.flatnonzero(A[r:, c])
        if nz.size == 0:
            continue
        i = r + int(nz[0])
        if i != r:
            A[[r, i]] = A[[i, r]]
            factor = -factor
        pivot = int(A[r, c])
        factor = factor * pivot % p
        A[r, c:] = A[r, c:] * pow(pivot, -1, p) % p
        others = np.arange(n_rows) != r if reduced else np.arange(n_rows) > r
        f = A[others, c].copy()
        A[np.ix_(others, np.arange(c, n_cols))] = (A[others, c:] - f[:, None] * A[r, c:][None, :]) % p
        pivots.append(c)
        r += 1
    return A, pivots, factor % p


class nmod_mat:
    """A matrix over the prime field F_p (p prime; entries reduced mod p).

    Examples
    --------
    [[1, 2], [3, 4]] has determinant -2: invertible mod 7 (det 5), singular mod 2.

    >>> M = nmod_mat([[1, 2], [3, 4]], 7)
    >>> M.rank(), M.det()
    (2, 5)
    >>> nmod_mat([[1, 2], [3, 4]], 2).rank()
    1
    """

    def __init__(self, rows, p: int):
        p = int(p)
        rows = [[int(x) % p for x in row] for row in rows]
        width = len(rows[0]) if rows else 0
        if any(len(row) != width for row in rows):
            raise ValueError("nmod_mat: rows of different lengths")
        A = np.empty((len(rows), width), dtype=object)
        for i, row in enumerate(rows):
            A[i, :] = row
        self.p = p
        self.a = A.astype(np.int64) if p < 2**31 else A  # residues < 2^31: products fit in int64

    def nrows(self) -> int:
        return self.a.shape[0]

    def ncols(self) -> int:
        return self.a.shape[1]

    def tolist(self) -> list:
        return [[int(x) for x in row] for row in self.a]

    def transpose(self) -> nmod_mat:
        return nmod_mat(self.a.T.tolist(), self.p)

    def rank(self) -> int:
        return len(_echelon(self.a, self.p, reduced=False)[1])

    def det(self) -> int:
        n, m = self.a.shape
        if n != m:
            raise ValueError(f"nmod_mat.det: the matrix must be square; got {n} x {m}")
        _, pivots, factor = _echelon(self.a, self.p, reduced=False)
        return factor if len(pivots) == n else 0

    def rref(self) -> tuple[nmod_mat, int]:
        R, pivots, _ = _echelon(self.a, self.p, reduced=True)
        return nmod_mat(R.tolist(), self.p), len(pivots)


class fmpz_mat:
    """An integer matrix; ``rank()`` is its exact rank over Q.

    Examples
    --------
    >>> fmpz_mat([[1, 2, 3], [2, 4, 6], [1, 0, 1]]).rank()
    2
    """

    def __init__(self, rows):
        self.rows = [[int(x) for x in row] for row in rows]

    def rank(self) -> int:
        M = [[Fraction(x) for x in row] for row in self.rows]
        r = 0
        for c in range(len(M[0]) if M else 0):
            i = next((i for i in range(r, len(M)) if M[i][c] != 0), None)
            if i is None:
                continue
            M[r], M[i] = M[i], M[r]
            for k in range(r + 1, len(M)):
                if M[k][c] != 0:
                    f = M[k][c] / M[r][c]
                    M[k] = [a - f * b for a, b in zip(M[k], M[r])]
            r += 1
        return r
