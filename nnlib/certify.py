r"""Certified dimensions of the image of weights psi_k(Theta): proofs by exact and ball arithmetic.

:func:`nnlib.image_dimension` decides a floating-point Jacobian rank by a singular-value gap:
evidence, not proof.  :func:`certified_dimension` turns it into a computer-assisted proof with
integer bounds ``lower <= dim psi_k(Theta) <= upper``.

**Lower bound.**  At a weight point theta where psi_k is differentiable (smooth near theta), the
rank of the Jacobian d psi_k / d theta is a lower bound of dim psi_k(Theta) (Definition 1): by
lower semicontinuity the rank is >= r on a neighbourhood, where it is constant on an open subset,
and the constant-rank theorem puts an r-dimensional manifold inside the image.  The same holds
for any set of rows of the Jacobian (a projection of the image has no larger dimension), so an
r x r block with non-zero determinant proves ``dim >= r``.  Two ways to prove the determinant
non-zero:

* ``"modular"`` (ReLU, polynomial x^r, identity): the sample is taken as the exact binary
  rationals its floating-point entries are, theta as a dyadic rational (integer numerators over
  a power of two).  For ReLU every hidden pre-activation on the sample is checked exactly (integer
  arithmetic) to be non-zero, so psi_k is polynomial near theta and the Jacobian is a matrix of
  dyadic rationals.  Its block, reduced modulo an odd word-size prime P (2 is invertible mod P),
  has a determinant that is non-zero mod P only if it is non-zero over Q: the rank mod P is a
  proven lower bound of the exact rank.
* ``"ball"`` (tanh, sigmoid): the block is evaluated in Arb's ball arithmetic (every ball
  contains the exact value) at a working precision of ``precision`` bits; a determinant ball
  that excludes 0 proves the minor non-zero.  The precision is raised until it does.

The block is chosen by floating point (float64): columns by a column-pivoted QR
(``scipy.linalg.qr(..., pivoting=True)``) of the triangular factor of the Jacobian, rows by
partial pivoting (LU) on those columns, so the exact step works on a square r x r block.  A wrong
choice can only cost a lower bound (the exact step decides), never make one false.

**Upper bound.**  Proven for every sample: nq (the image lies in R^{n x q}); m (a smooth image
of R^m, Definition 1 and (3)); m - (p + 1 - rank[S, 1]) d_2 (the first layer only sees
S A_1^T + 1 b_1^T, whose columns lie in the column space of [S, 1], so psi_k factors through
a space of that dimension); minus one rescaling per hidden unit for ReLU and x^r (r >= 2)
(:func:`nnlib.dimension.rescaling_symmetries`).  rank[S, 1] is computed exactly (FLINT).
When ``lower == upper`` the dimension is proved.

**Certificates.**  The report's :class:`Certificate` holds the exact point, the sample, the
chosen rows and columns, the prime or precision and the block itself; :meth:`Certificate.verify`
recomputes the block from that data with separate, per-row scalar code (exact rationals
``fmpq`` for ``"modular"``, Arb balls for ``"ball"``), compares it with the stored block and
re-proves the determinant non-zero.  A changed entry, row, column, prime or point fails.

**Arithmetic.**  python-flint (``pip install nnlib[certify]`` or ``pip install python-flint``)
when it is installed.  Without it (a plain install, or Python in the browser) the modular method
runs on ``nnlib._exact``, exact integer and rational arithmetic in pure Python, and proves the
same bounds (:func:`exact_backend` says which is in use); the ball method raises
``ImportError`` saying how to install python-flint.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
import scipy.sparse

from . import _kernel
from ._checks import as_matrix, as_rng, as_vector, check_positive_int
from .dimension import default_n_points, rescaling_symmetries, sample_weights
from .generic import polynomial_space_bound
from .joins import increasing_sample
from .network import Architecture, jacobian

__all__ = [
    "Certificate",
    "CertifiedDimension",
    "certified_dimension",
    "upper_bounds",
    "jacobian_rank_mod_p",
    "jacobian_mod_p",
    "exact_jacobian",
    "rank_mod_p",
    "DEFAULT_PRIME",
    "CERTIFIABLE",
    "CertifiedRow",
    "certified_grid",
    "exact_backend",
]

#: The largest prime below 2^24, so that residues multiply within int64 (< 2^48) and sums of up to 2^15
#: such products do not overflow, so the modular Jacobian is computed with numpy int64.
DEFAULT_PRIME = 16777213

#: The activations with a certificate method, exact (modular) or in ball arithmetic.
CERTIFIABLE = {"relu": "modular", "identity": "modular", "tanh": "ball", "sigmoid": "ball"}

#: Working precisions (bits) tried in turn by the ball method when none is given.
PRECISIONS = (64, 128, 256, 512, 1024, 2048)


def _flint():
    """python-flint, or without it nnlib's pure-Python stand-in (:mod:`nnlib._exact`: no ball arithmetic)."""
    try:
        import flint
    except ImportError:
        from . import _exact
        return _exact
    return flint


def exact_backend() -> str:
    """Which exact arithmetic the certificates use: ``"python-flint"`` or ``"pure Python (nnlib._exact)"``.

    Both prove the same bounds by the modular method (relu, identity, x^r); the ball method
    (tanh, sigmoid) needs python-flint.
    """
    return "python-flint" if _flint().__name__ == "flint" else _flint().BACKEND


def _method(arch: Architecture) -> str:
    name = arch.activation.name
    if name in CERTIFIABLE:
        return CERTIFIABLE[name]
    if name.startswith("poly") and name[4:].isdigit():
        return "modular"
    raise ValueError(
        f"arch: the activation {name!r} has no certificate method; certified_dimension supports "
        f"relu, polynomial x^r, identity (exact arithmetic) and tanh, sigmoid (ball arithmetic)"
    )


# ----------------------------------------------------------------------------------------------
# Exact binary rationals
# ----------------------------------------------------------------------------------------------
def _dyadic(values: np.ndarray) -> tuple[list, int]:
    """Exact integer numerators N and a common exponent E with values == N / 2**E (floats are dyadic)."""
    v = np.asarray(values, dtype=float).ravel()
    mant, expo = np.frexp(v)  # v = mant * 2**expo, 0.5 <= |mant| < 1
    M = (mant * 2.0**53).astype(np.int64)  # exact: 53-bit integers
    e = expo.astype(np.int64) - 53  # v = M * 2**e
    nz = M != 0
    E = int(max(0, -e[nz].min())) if nz.any() else 0
    # N = M * 2**(e + E), e + E >= 0 for non-zero entries
    N = [int(m) << int(s + E) if m else 0 for m, s in zip(M.tolist(), e.tolist())]
    # the smallest exponent: divide out the common power of two (theta = k / 2^20 gets E = 20)
    tz = min(((x & -x).bit_length() - 1 for x in N if x), default=0)
    tz = min(tz, E)
    return ([x >> tz for x in N], E - tz) if tz else (N, E)


def _residues(values: np.ndarray, P: int) -> np.ndarray:
    """The residues mod P of the exact binary rationals of a float array (vectorised)."""
    v = np.asarray(values, dtype=float)
    mant, expo = np.frexp(v)
    M = (mant * 2.0**53).astype(np.int64)
    e = expo.astype(np.int64) - 53
    uniq, inv = np.unique(e, return_inverse=True)
    pow2 = np.array([pow(2, int(k), P) for k in uniq], dtype=np.int64)  # negative k: inverse of 2
    return (np.mod(M, P) * pow2[inv.reshape(e.shape)]) % P


def _matmul_mod(X: np.ndarray, Y: np.ndarray, P: int) -> np.ndarray:
    """X @ Y mod P for int64 residues below P < 2^31, in chunks of the inner dimension (no overflow).

    A chunk sums at most 2^62 / (P - 1)^2 products (2^14 for primes below 2^24).
    """
    step = max(1, 2**62 // (P - 1) ** 2)
    out = np.zeros(X.shape[:-1] + (Y.shape[-1],), dtype=np.int64)
    for k in range(0, X.shape[-1], step):
        out = (out + (X[..., k:k + step] @ Y[k:k + step]) % P) % P
    return out


# ----------------------------------------------------------------------------------------------
# The certificate and the report
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Certificate:
    """An r x r block of the Jacobian of psi_k at an exact point, with the proof that it is invertible.

    Attributes
    ----------
    method : str
        ``"modular"`` (block of exact dyadic rationals, reduced mod ``prime``) or ``"ball"``
        (block evaluated in Arb ball arithmetic at ``precision`` bits).
    widths, activation : tuple, str
        The architecture.
    sample : ndarray, shape (n, p)
        The sample, read as the exact binary rationals of its float64 entries.
    theta_numerators : tuple of int
        The point: theta = theta_numerators / 2**theta_exponent, exactly.
    theta_exponent : int
    rows : tuple of int
        Jacobian rows i*q + j (sample i, output j), r of them.
    columns : tuple of int
        Weight indices (the packing of :mod:`nnlib.network`), r of them.
    prime : int or None
        The odd prime P of ``"modular"``.
    precision : int or None
        The working precision in bits of ``"ball"``.
    block : ndarray, shape (r, r)
        The block: residues mod P (int64) for ``"modular"``, float64 midpoints for ``"ball"``.
    """

    method: str
    widths: tuple
    activation: str
    sample: np.ndarray = field(repr=False)
    theta_numerators: tuple = field(repr=False)
    theta_exponent: int
    rows: tuple = field(repr=False)
    columns: tuple = field(repr=False)
    prime: int | None
    precision: int | None
    block: np.ndarray = field(repr=False)

    @property
    def rank(self) -> int:
        """The size r of the block, which is the proven lower bound."""
        return len(self.rows)

    @property
    def theta(self) -> np.ndarray:
        """The point as float64 (exact when the numerators fit in 53 bits, as for every point drawn here)."""
        return np.array([math.ldexp(float(N), -self.theta_exponent) for N in self.theta_numerators])

    def verify(self) -> bool:
        """Re-prove the lower bound from this data alone, with code separate from the search's.

        Recomputes every entry of the block from the exact sample and point (one sample at a time,
        scalar exact rationals or Arb balls), checks it equals the stored block, that no hidden
        ReLU pre-activation of the samples used is zero, and that the determinant is non-zero
        (mod the prime, which must be an odd prime; or as a ball excluding 0).  True or False.
        """
        try:
            return _verify(self)
        except (ValueError, TypeError, IndexError, ZeroDivisionError, OverflowError):
            return False


@dataclass(frozen=True, eq=False)
class CertifiedDimension:
    """Proven bounds ``lower <= dim psi_k(Theta) <= upper`` and the certificate of the lower one.

    Attributes
    ----------
    lower : int
        The size of a Jacobian block proven invertible (0 if none was found).
    upper : int
        The smallest of the proven upper bounds ``upper_bounds``.
    lower_method : str
        How ``lower`` is proven.
    upper_method : str
        Which bound gives ``upper`` (a key of ``upper_bounds``).
    upper_bounds : dict
        Every proven upper bound, by name (:func:`upper_bounds`).
    certificate : Certificate or None
    points : int
        Weight points tried.
    float_ranks : tuple of int
        The float64 numerical rank at each point tried (evidence only).
    """

    lower: int
    upper: int
    lower_method: str
    upper_method: str
    upper_bounds: dict = field(repr=False)
    certificate: Certificate | None = field(repr=False)
    points: int = 0
    float_ranks: tuple = field(default=(), repr=False)

    @property
    def exact(self) -> bool:
        """Whether the dimension is proved (``lower == upper``)."""
        return self.lower == self.upper

    def verify(self) -> bool:
        """Re-check the certificate (:meth:`Certificate.verify`) and that it proves ``lower``."""
        if self.certificate is None:
            return self.lower == 0
        c = self.certificate
        try:
            bounds = upper_bounds(Architecture(c.widths, c.activation), c.sample)
        except (ValueError, TypeError):
            return False
        return (bounds.get(self.upper_method) == self.upper == min(bounds.values())
                and c.rank == self.lower <= self.upper and c.verify())

    def summary(self) -> str:
        """One line: the bounds, how each is proven, and whether the dimension is proved."""
        how = (f"mod the prime {self.certificate.prime}" if self.certificate is not None and self.certificate.prime
               else f"in ball arithmetic at {self.certificate.precision} bits" if self.certificate is not None else "")
        state = f"dim = {self.lower} proved" if self.exact else f"{self.lower} <= dim <= {self.upper}"
        return (f"{state}: lower bound by an invertible {self.lower} x {self.lower} Jacobian block {how}; "
                f"upper bound {self.upper_method} = {self.upper}")


# ----------------------------------------------------------------------------------------------
# Upper bounds
# ----------------------------------------------------------------------------------------------
def _exact_rank_S1(S: np.ndarray) -> int:
    """rank[S, 1] exactly: integer matrix (sample scaled by a common power of two), FLINT rank."""
    flint = _flint()
    n, p = S.shape
    # Cheap exact lower bound first: a full rank mod P is the exact rank (it cannot exceed p + 1).
    res = np.concatenate([_residues(S, DEFAULT_PRIME), np.ones((n, 1), dtype=np.int64)], axis=1)
    r = flint.nmod_mat(res.tolist(), DEFAULT_PRIME).rank()
    if r == min(n, p + 1):
        return r
    N, E = _dyadic(S)
    one = 1 << E
    rows = [N[i * p:(i + 1) * p] + [one] for i in range(n)]
    return int(flint.fmpz_mat(rows).rank())


def upper_bounds(arch, S) -> dict:
    """Every proven upper bound of dim psi_k(Theta) that nnlib knows, by name.

    ``"nq"``; with repeated rows ``"Nq, N distinct rows"`` (equal sample points give equal
    output rows); ``"m"`` (3); ``"m - (p + 1 - rank[S, 1]) d_2"`` (the first layer sees the sample
    only through the column space of [S, 1]); and for ReLU and x^r (r >= 2) each of the last two
    minus :func:`nnlib.dimension.rescaling_symmetries`, one per hidden unit; for x^r the dimension
    of the polynomials of degree <= r^(k-1) (:func:`nnlib.generic.polynomial_space_bound`); for
    the identity q rank[S, 1] (psi_k(theta) = [S, 1] W).  rank[S, 1] is exact.

    >>> b = upper_bounds(Architecture((2, 2, 2)), np.eye(3)[:, :2] * 2.0 + 1.0)   # 3 points in the plane
    >>> b["nq"], b["m"], b["m - rescalings"]
    (6, 12, 10)
    """
    arch = _check_arch_public(arch)
    S = as_matrix("S", S, cols=arch.p)
    n, p = S.shape
    r = _exact_rank_S1(S)
    first = arch.m - (p + 1 - r) * arch.widths[1]
    out = {"nq": n * arch.q, "m": arch.m, "m - (p + 1 - rank[S, 1]) d_2": first}
    N = len(np.unique(S, axis=0))  # equal floats are equal rationals: equal rows give equal output rows
    if N < n:
        out["Nq, N distinct rows"] = N * arch.q
    name = arch.activation.name
    if name.startswith("poly") and name[4:].isdigit():
        out["q binom(p + D, D), D = r^(k-1)"] = polynomial_space_bound(arch)
    if name == "identity":
        out["q rank[S, 1]"] = arch.q * r
    sym = rescaling_symmetries(arch)
    if sym:
        out["m - rescalings"] = arch.m - sym
        out["m - (p + 1 - rank[S, 1]) d_2 - rescalings"] = first - sym
    return out


def _check_arch_public(arch) -> Architecture:
    if not isinstance(arch, Architecture):
        raise TypeError(f"arch must be an nnlib Architecture, e.g. Architecture((2, 2, 2), 'relu'); got {arch!r}")
    return arch


# ----------------------------------------------------------------------------------------------
# The search: float64 block choice, then the exact step
# ----------------------------------------------------------------------------------------------
def _column_map(arch: Architecture):
    """For each weight index: (layer i, unit a, input b), b = -1 for a bias."""
    layer, unit, inp = [], [], []
    for i, (rows, cols) in enumerate(arch.layer_shapes):
        for a in range(rows):
            for b in range(cols):
                layer.append(i)
                unit.append(a)
                inp.append(b)
        for a in range(rows):
            layer.append(i)
            unit.append(a)
            inp.append(-1)
    return np.array(layer), np.array(unit), np.array(inp)


_SIGN = np.frompyfunc(lambda z: (z > 0) - (z < 0), 1, 1)


def _exact_signs(arch: Architecture, S: np.ndarray, N: list, E: int):
    """Signs of every hidden pre-activation on the sample, exactly (object arrays of Python ints)."""
    SN, ES = _dyadic(S)
    H = np.array(SN, dtype=object).reshape(S.shape)
    T = np.array(N, dtype=object)
    scale = ES  # H = integers / 2**scale
    signs = []
    for i, (A, b) in enumerate(_kernel.unpack(arch, T)[:-1]):
        Z = H.dot(A.T) + (b * (1 << scale))[None, :]  # over 2**(scale + E)
        scale += E
        sg = _SIGN(Z).astype(np.int8)
        signs.append(sg)
        H = np.where(sg > 0, Z, 0)
    return signs


def _modular_block(arch, S, theta_float, signs, rows, cols, P) -> np.ndarray:
    """The block J[rows, cols] mod P (int64 residues), or exactly (``P=None``: fmpq object array).

    Vectorised: forward values, back-propagated derivatives, gather.  The float64 sample and
    point are read as the exact binary rationals they are; ``signs`` are the exact signs of the
    hidden ReLU pre-activations (:func:`_exact_signs`), unused for other activations.
    """
    q = arch.q
    samples, outs = np.divmod(np.asarray(rows, dtype=np.int64), q)
    used = np.unique(samples)
    pos = np.searchsorted(used, samples)
    name = arch.activation.name
    r = int(name[4:]) if name.startswith("poly") else None
    if P is None:  # exact rationals: object arrays of fmpq, no reduction
        fq = _flint().fmpq
        conv = np.frompyfunc(lambda x: fq(*float(x).as_integer_ratio()), 1, 1)
        red = lambda X: X  # noqa: E731
        matmul = lambda X, Y: X @ Y  # noqa: E731
        dtype = object
    else:
        conv = lambda X: _residues(X, P)  # noqa: E731
        red = lambda X: X % P  # noqa: E731
        matmul = lambda X, Y: _matmul_mod(X, Y, P)  # noqa: E731
        dtype = np.int64
    layers = [(conv(A), conv(b)) for A, b in _kernel.unpack(arch, theta_float)]
    H = conv(S[used])
    hs, dsig = [H], []
    for i, (A, b) in enumerate(layers[:-1]):
        Z = red(matmul(H, A.T.copy()) + b[None, :])
        if name == "relu":
            mask = (signs[i][used] > 0).astype(np.int64)
            H, dz = Z * mask, mask
        elif name == "identity":
            H, dz = Z, np.ones(Z.shape, dtype=np.int64)
        else:  # x^r: H = Z^r, sigma' = r Z^(r-1)
            pw = np.ones(Z.shape, dtype=np.int64)
            for _ in range(r - 1):
                pw = red(pw * Z)
            H, dz = red(pw * Z), red(r * pw)
        hs.append(H)
        dsig.append(dz)
    li, ui, bi = _column_map(arch)
    li, ui, bi = li[cols], ui[cols], bi[cols]
    B = np.zeros((len(rows), len(cols)), dtype=dtype)
    D = np.broadcast_to(np.eye(q, dtype=np.int64), (len(used), q, q))
    for i in range(arch.k - 1, -1, -1):
        sel = np.nonzero(li == i)[0]
        if sel.size:
            Dr = D[pos, outs][:, ui[sel]]  # (r, len(sel))
            Hx = np.concatenate([hs[i], np.ones((hs[i].shape[0], 1), dtype=np.int64)], axis=1)[pos][:, bi[sel]]
            B[:, sel] = red(Dr * Hx)
        if i > 0:
            D = red(matmul(D, layers[i][0]) * dsig[i - 1][:, None, :])
    if P is None:  # plain 0 and 1 (no weight involved) become fmpq as well
        B = np.frompyfunc(fq, 1, 1)(B).astype(object)
    return B


def _kink_free_signs(arch: Architecture, S: np.ndarray, theta: np.ndarray):
    """Exact signs of the hidden ReLU pre-activations (None for other activations); a zero is refused."""
    if not arch.activation.is_relu:
        return None
    N, E = _dyadic(theta)
    signs = _exact_signs(arch, S, N, E)
    for i, sg in enumerate(signs):
        if (sg == 0).any():
            raise ValueError(f"theta puts a hidden pre-activation of layer {i + 1} exactly at 0 on the "
                             f"sample (a kink of the ReLU, where psi_k is not differentiable); move theta")
    return signs


def _check_exact_arch(arch, caller: str) -> Architecture:
    arch = _check_arch_public(arch)
    if _method(arch) != "modular":
        raise ValueError(f"arch: {caller} needs an exact (relu, polynomial, identity) activation; "
                         f"got {arch.activation.name!r}")
    return arch


def _check_prime(prime, limit: int = 2**31) -> int:
    prime = check_positive_int("prime", prime)
    if prime == 2 or prime >= limit or not _flint().fmpz(prime).is_prime():
        raise ValueError(f"prime must be an odd prime below 2^{limit.bit_length() - 1}; got {prime}")
    return prime


def rank_mod_p(M, prime: int = DEFAULT_PRIME) -> int:
    """Rank of an integer matrix over the prime field F_prime (FLINT ``nmod_mat``).

    A non-zero minor mod ``prime`` is a non-zero integer minor, so this is a proven lower bound
    of the rank over Q (equal to it unless ``prime`` divides every non-zero maximal minor).
    The one exact rank kernel of nnlib: :mod:`nnlib.literature` and :mod:`nnlib.corrections`
    call it.

    >>> rank_mod_p([[1, 2], [2, 4]]), rank_mod_p([[1, 0], [0, 7]], prime=7)
    (1, 1)
    """
    prime = _check_prime(prime, 2**63)
    A = np.asarray(M)
    if A.dtype == object or not np.issubdtype(A.dtype, np.integer):
        A = np.asarray(M, dtype=object)
        if not all(isinstance(x, (int, np.integer)) for x in A.flat):
            raise TypeError("M: expected a matrix of integers")
    if A.ndim != 2:
        raise ValueError(f"M must be a 2-D integer matrix; got shape {A.shape}")
    if A.size == 0:
        return 0
    return int(_flint().nmod_mat(np.mod(A, prime).tolist(), prime).rank())


def jacobian_mod_p(arch, S, theta, *, prime: int = DEFAULT_PRIME) -> np.ndarray:
    """The whole Jacobian of psi_k at the exact point theta, reduced mod ``prime`` (relu, x^r, identity).

    The float64 sample and point are read as the exact binary rationals they are (2 is invertible
    mod an odd prime).  Rows i*q + j (sample i, output j), columns in the packing of
    :meth:`nnlib.Architecture.pack`.  For ReLU, a hidden pre-activation exactly 0 on the sample
    (a kink) is refused.  int64 residues in [0, prime); ``prime`` an odd prime below 2^31.

    >>> jacobian_mod_p(Architecture((1, 1, 1)), np.array([[1.0], [2.0]]), np.array([1.0, 1.0, 3.0, 0.0]))
    array([[3, 3, 2, 1],
           [6, 3, 3, 1]])
    >>> int(jacobian_mod_p(Architecture((1, 1, 1)), np.array([[1.0]]), np.array([1.0, 0.5, 3.0, 0.0]))[0, 2] * 2 % DEFAULT_PRIME)
    3
    """
    arch = _check_exact_arch(arch, "jacobian_mod_p")
    S = as_matrix("S", S, cols=arch.p)
    theta = as_vector("theta", theta, length=arch.m)
    prime = _check_prime(prime)
    signs = _kink_free_signs(arch, S, theta)
    return _modular_block(arch, S, theta, signs, np.arange(S.shape[0] * arch.q), np.arange(arch.m), prime)


def exact_jacobian(arch, S, theta) -> np.ndarray:
    """The whole Jacobian of psi_k at theta in exact rational arithmetic (relu, x^r, identity).

    The float64 sample and point are read exactly; entries are FLINT ``fmpq`` (an object array),
    rows and columns as in :func:`jacobian_mod_p`.  A ReLU kink on the sample is refused.

    >>> exact_jacobian(Architecture((1, 1, 1)), np.array([[1.0], [2.0]]), np.array([1.0, 0.5, 3.0, 0.0]))[1].tolist()
    [6, 3, 5/2, 1]
    """
    arch = _check_exact_arch(arch, "exact_jacobian")
    S = as_matrix("S", S, cols=arch.p)
    theta = as_vector("theta", theta, length=arch.m)
    signs = _kink_free_signs(arch, S, theta)
    return _modular_block(arch, S, theta, signs, np.arange(S.shape[0] * arch.q), np.arange(arch.m), None)


def _ball_block(arch, S, theta_float, rows, cols, prec):
    """The block J[rows, cols] as Arb balls (object arrays), vectorised over the samples used."""
    flint = _flint()
    arb = flint.arb
    q = arch.q
    samples, outs = np.divmod(np.asarray(rows), q)
    used = np.unique(samples)
    pos = np.searchsorted(used, samples)
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        to_arb = np.frompyfunc(lambda x: arb(float(x)), 1, 1)  # floats are exact in arb
        if arch.activation.name == "tanh":
            sig = np.frompyfunc(lambda z: z.tanh(), 1, 1)
            dsig_of = np.frompyfunc(lambda h: 1 - h * h, 1, 1)
        else:
            sig = np.frompyfunc(lambda z: 1 / (1 + (-z).exp()), 1, 1)
            dsig_of = np.frompyfunc(lambda h: h * (1 - h), 1, 1)
        layers = [(to_arb(A), to_arb(b)) for A, b in _kernel.unpack(arch, theta_float)]
        H = to_arb(S[used])
        hs, dsig = [H], []
        for A, b in layers[:-1]:
            H = sig(H.dot(A.T) + b[None, :])
            hs.append(H)
            dsig.append(dsig_of(H))
        li, ui, bi = _column_map(arch)
        li, ui, bi = li[cols], ui[cols], bi[cols]
        B = np.empty((len(rows), len(cols)), dtype=object)
        eye = np.array([[arb(1) if a == b else arb(0) for b in range(q)] for a in range(q)], dtype=object)
        D = np.empty((len(used), q, q), dtype=object)
        D[:] = eye
        for i in range(arch.k - 1, -1, -1):
            sel = np.nonzero(li == i)[0]
            if sel.size:
                ones = np.empty((hs[i].shape[0], 1), dtype=object)
                ones[:] = arb(1)
                Hx = np.concatenate([hs[i], ones], axis=1)[pos][:, bi[sel]]
                B[:, sel] = D[pos, outs][:, ui[sel]] * Hx
            if i > 0:
                D = (D @ layers[i][0]) * dsig[i - 1][:, None, :]
        return B
    finally:
        flint.ctx.prec = old


def _det_excludes_zero(B, prec) -> bool:
    flint = _flint()
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        d = flint.arb_mat(B.tolist()).det()
        return bool(d > 0 or d < 0)
    finally:
        flint.ctx.prec = old


def _choose_block(J: np.ndarray, target: int):
    """Rows and columns of a well-conditioned square block of J of size <= target (float64 pivoting).

    Columns: column-pivoted QR of J, or for tall J (nq > 3 m) of a CountSketch of it (2m rows).
    Rows: partial pivoting (LU) on the chosen columns, taken in pivot order, so the leading
    r_float x r_float block is the float64-independent part.  The size is min(target, number of
    non-zero |R_ii|), beyond the float64 rank (|R_ii| > max(shape) eps |R_11|): the exact step can
    see a rank that rounding hides; where the block is singular, the modular method keeps an
    invertible sub-block.
    Returns (rows, cols, float rank).
    """
    nq, m = J.shape
    if nq > 3 * m:
        # A CountSketch C J (2m rows: each row of J added, with a random sign, to one of 2m rows)
        # has the column space structure of J at O(nq m) cost, instead of the O(nq m^2) of a QR.
        g = np.random.default_rng(0x5EED)
        C = scipy.sparse.csr_matrix((g.choice((-1.0, 1.0), nq), (g.integers(0, 2 * m, nq), np.arange(nq))),
                                    shape=(2 * m, nq))
        R = np.asarray(C @ J)
    else:
        R = J
    R2, piv = scipy.linalg.qr(R, mode="r", pivoting=True, check_finite=False)
    d = np.abs(np.diag(R2))
    r_float = int(np.count_nonzero(d > max(J.shape) * np.finfo(float).eps * (d[0] if d.size else 0.0)))
    usable = int(np.count_nonzero(d > 0))
    r = min(target, usable)
    cols = piv[:r]  # pivot order: the leading columns are the float64-independent ones
    with warnings.catch_warnings():  # an exactly zero pivot only means the trailing columns are dependent
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        pr = scipy.linalg.lu_factor(J[:, cols], check_finite=False)[1] if r else np.zeros(0, int)
    perm = np.arange(J.shape[0])
    for i, p_ in enumerate(pr):
        perm[i], perm[p_] = perm[p_], perm[i]
    rows = perm[:r]
    return rows, cols, r_float


def _rref_pivots(M, r):
    """Pivot columns of the reduced row echelon form of an nmod_mat (first non-zero of each row)."""
    R, rank = M.rref()
    piv, rows = [], R.tolist()
    for row in rows[:rank]:
        for j, x in enumerate(row):
            if int(x) != 0:
                piv.append(j)
                break
    return piv


def certified_dimension(
    arch,
    S,
    *,
    theta=None,
    n_points: int | None = None,
    rng=0,
    prime: int = DEFAULT_PRIME,
    precision: int | None = None,
    scale: float = 1.0,
    dyadic_bits: int = 20,
) -> CertifiedDimension:
    """Prove integer bounds ``lower <= dim psi_k(Theta) <= upper`` (Definition 1) with a certificate.

    Parameters
    ----------
    arch : Architecture
        Activation relu, polynomial x^r or identity (exact arithmetic mod ``prime``), tanh or
        sigmoid (ball arithmetic).
    S : array, shape (n, p)
        The sample; its float64 entries are read as the exact binary rationals they are.
    theta : array, shape (m,), optional
        Certify at this point only (its float64 entries exactly).  For ReLU it must not put any
        hidden pre-activation on the sample exactly at 0 (a kink of psi_k).  Default: random
        points (:func:`nnlib.dimension.sample_weights`, recipes ``"balanced"``, ``"centred"``,
        ``"gaussian"`` in turn for ReLU, ``"gaussian"`` and ``"centred"`` otherwise), rounded to
        multiples of 2^-dyadic_bits, until the lower bound reaches the upper one.
    n_points : int, optional
        Most random points to try (default :func:`nnlib.dimension.default_n_points`).
    rng : int or numpy.random.Generator
    prime : int
        An odd prime below 2^24 for the modular method (default :data:`DEFAULT_PRIME`).
    precision : int, optional
        Working precision in bits for the ball method; default: 64, 128, ... 2048 until the
        determinant ball excludes 0.
    scale : float
        Scale of the random weights.
    dyadic_bits : int
        Random points are rounded to integers over 2^dyadic_bits.

    Returns
    -------
    CertifiedDimension

    Examples
    --------
    >>> from nnlib.paper import theorem1_data
    >>> S, _ = theorem1_data()
    >>> rep = certified_dimension(Architecture((2, 2, 2)), S)
    >>> rep.lower, rep.upper, rep.exact, rep.verify()
    (10, 10, True, True)
    """
    arch = _check_arch_public(arch)
    method = _method(arch)
    S = as_matrix("S", S, cols=arch.p)
    flint = _flint()
    prime = _check_prime(prime, 2**24)
    if precision is not None:
        precision = check_positive_int("precision", precision)
    dyadic_bits = check_positive_int("dyadic_bits", dyadic_bits)
    rng = as_rng("rng", rng)
    bounds = upper_bounds(arch, S)
    upper_method = min(bounds, key=lambda k: (bounds[k], len(k)))
    upper = bounds[upper_method]
    n, q, m = S.shape[0], arch.q, arch.m
    if theta is not None:
        given = [as_vector("theta", theta, length=m)]
        n_points = 1
    else:
        given = None
        n_points = default_n_points(n * q, m) if n_points is None else check_positive_int("n_points", n_points)
    recipes = ("balanced", "centred", "gaussian") if arch.activation.is_relu else ("gaussian", "centred")
    best, float_ranks, tried = None, [], 0
    for j in range(n_points):
        if given is not None:
            th = given[0]
        else:
            th = sample_weights(arch, S, rng, recipe=recipes[j % len(recipes)], scale=scale)
            th = np.ldexp(np.rint(np.ldexp(th, dyadic_bits)), -dyadic_bits)
        tried += 1
        N, E = _dyadic(th)
        signs = None
        if arch.activation.is_relu:
            signs = _exact_signs(arch, S, N, E)
            if any((s == 0).any() for s in signs):
                if given is not None:
                    i, = [i for i, s in enumerate(signs) if (s == 0).any()][:1]
                    raise ValueError(f"theta puts a hidden pre-activation of layer {i + 1} exactly at 0 on the "
                                     f"sample (a kink of the ReLU, where psi_k is not differentiable); move theta")
                continue
        J = jacobian(arch, S, th)
        rows, cols, r_float = _choose_block(J, upper)
        float_ranks.append(r_float)
        have = best.rank if best is not None else 0
        if method == "modular":
            if len(rows) <= have:
                continue
            B = _modular_block(arch, S, th, signs, rows, cols, prime)
            M = flint.nmod_mat(B.tolist(), prime)
            rk = M.rank()
            if rk < len(rows):  # keep an invertible rk x rk sub-block
                pc = _rref_pivots(M, rk)
                pr = _rref_pivots(M.transpose(), rk)
                rows, cols, B = rows[pr], cols[pc], B[np.ix_(pr, pc)]
            if rk > have:
                best = Certificate("modular", arch.widths, arch.activation.name, S.copy(), tuple(N), E,
                                   tuple(int(x) for x in rows), tuple(int(x) for x in cols), prime, None, B)
        else:
            cert = _ball_certificate(arch, S, th, N, E, rows, cols, precision, have)
            if cert is not None:
                best = cert
        if best is not None and best.rank >= upper:
            break
    lower = best.rank if best is not None else 0
    how = ("invertible Jacobian block mod a prime (exact dyadic point)" if method == "modular"
           else "Jacobian minor non-zero in ball arithmetic")
    return CertifiedDimension(lower, upper, how, upper_method, bounds, best, tried, tuple(float_ranks))


def jacobian_rank_mod_p(arch, S, theta, *, prime: int = DEFAULT_PRIME) -> int:
    """Rank modulo ``prime`` of the whole Jacobian of psi_k at the exact point theta (ReLU, x^r, identity).

    A proven lower bound of the rank over Q (hence of dim psi_k(Theta)); it equals the rank over
    Q unless ``prime`` divides every non-zero maximal minor, which for a random point and a prime
    near 2^24 is rare.  Many such ranks at random points, all below an upper bound, are
    evidence (not proof) that the dimension is below it.  theta (float64) is read exactly; a
    ReLU pre-activation exactly 0 on the sample is refused.

    >>> from nnlib.paper import theorem1_data
    >>> S, _ = theorem1_data()
    >>> arch = Architecture((2, 2, 2))
    >>> theta = arch.pack([(np.array([[1.0, 0.5], [-1.0, 0.25]]), np.array([0.5, -0.25])),
    ...                    (np.array([[1.0, 2.0], [-1.0, 0.5]]), np.zeros(2))])
    >>> jacobian_rank_mod_p(arch, S, theta)   # at this point; 10 at the best points
    9
    """
    arch = _check_exact_arch(arch, "jacobian_rank_mod_p")
    prime = _check_prime(prime)
    return rank_mod_p(jacobian_mod_p(arch, S, theta, prime=prime), prime)


def _ball_certificate(arch, S, th, N, E, rows, cols, precision, have):
    """A ball certificate of the chosen block (size > have) at the first precision whose determinant ball excludes 0."""
    precs = (precision,) if precision is not None else PRECISIONS
    r = len(rows)
    if r <= have:
        return None
    for prec in precs:
        B = _ball_block(arch, S, th, rows, cols, prec)
        if _det_excludes_zero(B, prec):
            mid = np.array([[float(x.mid()) for x in row] for row in B])
            return Certificate("ball", arch.widths, arch.activation.name, S.copy(), tuple(N), E,
                               tuple(int(x) for x in rows), tuple(int(x) for x in cols), None, prec, mid)
    return None


# ----------------------------------------------------------------------------------------------
# Verification: separate, scalar code, one sample at a time
# ----------------------------------------------------------------------------------------------
def _verify(c: Certificate) -> bool:
    flint = _flint()
    widths = tuple(int(w) for w in c.widths)
    arch = Architecture(widths, c.activation)
    m, q, p = arch.m, widths[-1], widths[0]
    S = np.asarray(c.sample, dtype=float)
    if S.ndim != 2 or S.shape[1] != p or not np.all(np.isfinite(S)):
        return False
    r = len(c.rows)
    if len(c.columns) != r or len(set(c.rows)) != r or len(set(c.columns)) != r or len(c.theta_numerators) != m:
        return False
    if not all(0 <= i < S.shape[0] * q for i in c.rows) or not all(0 <= j < m for j in c.columns):
        return False
    block = np.asarray(c.block)
    if block.shape != (r, r):
        return False
    if r == 0:
        return True
    if c.method == "modular":
        P = c.prime
        if not isinstance(P, int) or P <= 2 or P >= 2**63 or not flint.fmpz(P).is_prime():
            return False
        fq = flint.fmpq
        theta = [fq(int(x), 1 << c.theta_exponent) for x in c.theta_numerators]
        entries = _scalar_rows(arch, S, theta, c.rows, c.columns, lambda x: fq(*float(x).as_integer_ratio()), "exact")
        if entries is None:
            return False
        inv = {}
        got = []
        for row in entries:
            out = []
            for x in row:
                den = int(x.denominator)
                if den not in inv:
                    inv[den] = pow(den, -1, P)
                out.append(int(x.numerator) % P * inv[den] % P)
            got.append(out)
        if not np.array_equal(np.array(got, dtype=np.int64), block.astype(np.int64)):
            return False
        return int(flint.nmod_mat(got, P).det()) != 0
    if c.method == "ball":
        prec = c.precision
        if not isinstance(prec, int) or prec < 2:
            return False
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            theta = [flint.arb(flint.fmpq(int(x), 1 << c.theta_exponent)) for x in c.theta_numerators]
            entries = _scalar_rows(arch, S, theta, c.rows, c.columns, lambda x: flint.arb(float(x)), "ball")
            mids = np.array([[float(x.mid()) for x in row] for row in entries])
            if not np.allclose(mids, block.astype(float), rtol=1e-12, atol=1e-12 * np.abs(mids).max()):
                return False
            d = flint.arb_mat(entries).det()
            return bool(d > 0 or d < 0)
        finally:
            flint.ctx.prec = old
    return False


def _scalar_rows(arch, S, theta, rows, cols, number, kind):
    """Jacobian entries J[rows, cols] by a plain per-sample forward pass and chain rule (lists, no numpy).

    Returns None if a ReLU pre-activation of a sample used is exactly 0 (no derivative there).
    """
    name = arch.activation.name
    widths = arch.widths
    k, q = len(widths) - 1, widths[-1]
    # unpack theta into nested lists
    Ws, bs, off = [], [], 0
    for a, b in zip(widths[:-1], widths[1:]):
        Ws.append([[theta[off + u * a + v] for v in range(a)] for u in range(b)])
        off += a * b
        bs.append([theta[off + u] for u in range(b)])
        off += b
    # weight index -> (layer, unit, input or -1 for the bias)
    where, off = {}, 0
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        for u in range(b):
            for v in range(a):
                where[off + u * a + v] = (i, u, v)
        off += a * b
        for u in range(b):
            where[off + u] = (i, u, -1)
        off += b
    cache = {}
    out = []
    zero = number(0.0)
    for row in rows:
        s, j = divmod(int(row), q)
        if s not in cache:
            h = [number(x) for x in S[s]]
            hs, ds = [h], []
            for i in range(k):
                z = [sum((Ws[i][u][v] * h[v] for v in range(len(h))), bs[i][u]) for u in range(widths[i + 1])]
                if i == k - 1:
                    break
                if name == "relu":
                    if any(zz == 0 for zz in z):
                        return None
                    h = [zz if zz > 0 else 0 * zz for zz in z]
                    d = [1 if zz > 0 else 0 for zz in z]
                elif name == "identity":
                    h, d = z, [1] * len(z)
                elif name.startswith("poly"):
                    rr = int(name[4:])
                    h, d = [zz ** rr for zz in z], [rr * zz ** (rr - 1) for zz in z]
                elif name == "tanh":
                    h = [zz.tanh() for zz in z]
                    d = [1 - t * t for t in h]
                else:  # sigmoid
                    h = [1 / (1 + (-zz).exp()) for zz in z]
                    d = [t * (1 - t) for t in h]
                hs.append(h)
                ds.append(d)
            # g[i][o][u] = d psi[s, o] / d z_i[u], from the output layer down
            g = [None] * k
            g[k - 1] = [[1 if u == o else 0 for u in range(q)] for o in range(q)]
            for i in range(k - 2, -1, -1):
                g[i] = [[sum(g[i + 1][o][w] * Ws[i + 1][w][u] for w in range(widths[i + 2])) * ds[i][u]
                         for u in range(widths[i + 1])] for o in range(q)]
            cache[s] = (hs, g)
        hs, g = cache[s]
        line = []
        for c in cols:
            i, u, v = where[int(c)]
            x = g[i][j][u] if v < 0 else g[i][j][u] * hs[i][v]
            line.append(zero + x)  # plain 0/1 become numbers of the kind
        out.append(line)
    return out


# ----------------------------------------------------------------------------------------------
# Grids of two-layer ReLU networks (the dimension tables of chapter 5)
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertifiedRow:
    """One two-layer ReLU architecture of a certified grid: proven ``lower <= dim <= upper``.

    Attributes
    ----------
    n, p, d, q : int
        Sample size, input size, hidden width, output size.
    lower, upper : int
        The proven bounds of :func:`certified_dimension`.
    verified : bool
        Whether the certificate re-verified (:meth:`CertifiedDimension.verify`).
    """

    n: int
    p: int
    d: int
    q: int
    lower: int
    upper: int
    verified: bool

    @property
    def exact(self) -> bool:
        """Whether the dimension is proved (``lower == upper``)."""
        return self.lower == self.upper

    def cell(self) -> str:
        """``"= 7"`` when proved, ``"5..7"`` otherwise: a table cell."""
        return f"= {self.lower}" if self.exact else f"{self.lower}..{self.upper}"


def certified_grid(configs, *, sample: str = "general", rng=0, n_points: int | None = None) -> list[CertifiedRow]:
    """Certify dim psi_2(Theta) of two-layer ReLU networks over a list of (n, p, d, q).

    Samples are drawn as in :func:`nnlib.joins.dimension_grid` (``"general"``: Gaussian;
    ``"increasing"``: in U of (26), :func:`nnlib.joins.increasing_sample`; ``"line"``: points
    exactly on a line in R^p, rank[S, 1] = 2), from ``rng``; each is certified by
    :func:`certified_dimension` (``n_points`` weight points at most) and its certificate
    re-verified.

    >>> [r.cell() for r in certified_grid([(5, 1, 2, 1), (12, 2, 2, 2)])]
    ['= 5', '= 10']
    """
    if sample not in ("general", "increasing", "line"):
        raise ValueError(f"sample must be 'general', 'increasing' or 'line'; got {sample!r}")
    rng = as_rng("rng", rng)
    rows = []
    for cfg in configs:
        n, p, d, q = (check_positive_int(name, v) for name, v in zip(("n", "p", "d", "q"), cfg))
        if sample == "increasing":
            S = increasing_sample(n, p, rng)
        elif sample == "line":  # factors on a grid of 2^-10: the float products are exact, the points collinear
            t, v, c = (np.round(rng.standard_normal(k) * 1024) / 1024 for k in (n, p, p))
            S = np.outer(t, v) + c
        else:
            S = rng.standard_normal((n, p))
        rep = certified_dimension(Architecture((p, d, q)), S, rng=rng, n_points=n_points)
        rows.append(CertifiedRow(n, p, d, q, rep.lower, rep.upper, rep.verify()))
    return rows
