r"""Chapter 7's tables: the experiments' data files read and summarised (paper §7 and the end of §6).

The experiment scripts of ``experiments/`` write CSV files that ship with nnlib as package data
(``nnlib/data/``, read with ``importlib.resources``), so the chapter runs wherever nnlib is
installed.  Each function here turns one file (a list of rows, as :func:`read_table` returns them)
into a small frozen dataclass holding the counts and rows the chapter's prose states; the chapter
prints and glues them, it computes nothing else from the files.

Pure maths on lists of dicts: nothing here imports a picture.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._checks import as_vector, check_nonnegative_int, check_positive_int
from .dimension import image_dimension
from .generic import symmetry_bound, wilson_interval
from .literature import certify_polynomial_dimension, recursive_dimension_bound
from .network import Architecture

__all__ = [
    "table_names",
    "read_table",
    "network_widths",
    "GenericDimensionTable",
    "generic_dimension_table",
    "one_input_shortfalls",
    "CertifiedRow",
    "CertifiedTable",
    "certified_table",
    "GenericRankTable",
    "generic_rank_table",
    "ZeroLossTable",
    "zero_loss_table",
    "EscapeGroup",
    "EscapeSurveyTable",
    "escape_survey_table",
    "ESCAPE",
    "BiasFreeTable",
    "bias_free_table",
    "BiasedTable",
    "biased_table",
    "PolynomialCertificates",
    "certify_polynomial_tables",
    "ArchitectureState",
    "architecture_state",
]

#: The reading of a target whose best fit is an escaping run (:func:`nnlib.escape.survey_target`).
ESCAPE = "escape below every other fit"


# ----------------------------------------------------------------------------------------------
# the data files
# ----------------------------------------------------------------------------------------------
def _data_dir():
    return resources.files("nnlib").joinpath("data")


def table_names() -> list[str]:
    """The CSV files shipped in ``nnlib/data/`` (written by ``make data``), sorted.

    >>> "generic_dimension.csv" in table_names()
    True
    """
    return sorted(p.name for p in _data_dir().iterdir() if p.name.endswith(".csv"))


def read_table(name: str) -> list[dict]:
    """The rows of the data file ``name`` (e.g. ``"generic_dimension.csv"``) as dicts of strings.

    >>> read_table("generic_rank.csv")[0]["filling_width"]
    '3'
    """
    if not isinstance(name, str) or name not in table_names():
        raise ValueError(f"name must be one of the data files {table_names()}; got {name!r}")
    text = _data_dir().joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def network_widths(row: dict) -> tuple[int, ...]:
    """Widths (p, w, ..., w, q) of a row with columns k, p, width, q (k - 1 hidden layers of width w).

    >>> network_widths({"k": "4", "p": "1", "width": "4", "q": "1"})
    (1, 4, 4, 4, 1)
    """
    k, p, w, q = (int(row[c]) for c in ("k", "p", "width", "q"))
    return (p,) + (w,) * (k - 1) + (q,)


def _true(value: str) -> bool:
    return value == "True"


# ----------------------------------------------------------------------------------------------
# 7.2 generic dimension
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GenericDimensionTable:
    """Summary of ``generic_dimension.csv``: which networks fall short of min(m - symmetries, nq).

    ``relu_gap_log10`` is the exponent e with every ReLU shortfall's gap above 10^e;
    ``smooth_gap_max`` the largest gap among the tanh/sigmoid shortfalls (to two digits).
    """

    total: int
    shortfalls: tuple
    relu_total: int
    relu_short: int
    relu_width_one: int
    relu_one_input: int
    relu_all_clear: bool
    relu_gap_log10: int
    smooth_total: int
    smooth_short: int
    smooth_all_ambiguous: bool
    smooth_gap_max: float


def generic_dimension_table(rows: list[dict]) -> GenericDimensionTable:
    """Count the shortfalls of the generic-dimension grid by kind (width-1 layer, one input, smooth)."""
    short = [r for r in rows if int(r["shortfall"]) != 0]
    relu = [r for r in rows if r["activation"] == "relu"]
    relu_short = [r for r in short if r["activation"] == "relu"]
    smooth_short = [r for r in short if r["activation"] != "relu"]
    return GenericDimensionTable(
        total=len(rows), shortfalls=tuple(short), relu_total=len(relu), relu_short=len(relu_short),
        relu_width_one=sum(r["width"] == "1" for r in relu_short),
        relu_one_input=sum(r["width"] != "1" and r["p"] == "1" for r in relu_short),
        relu_all_clear=all(not _true(r["ambiguous"]) for r in relu_short),
        relu_gap_log10=int(np.floor(np.log10(min(float(r["gap"]) for r in relu_short)))) if relu_short else 0,
        smooth_total=len(rows) - len(relu), smooth_short=len(smooth_short),
        smooth_all_ambiguous=all(_true(r["ambiguous"]) for r in smooth_short),
        smooth_gap_max=float(f"{max(float(r['gap']) for r in smooth_short):.2g}") if smooth_short else 0.0)


def one_input_shortfalls(rows: list[dict]) -> list[tuple[int, dict]]:
    """(seed, row) of the one-input ReLU rows with hidden width above 1 and a shortfall.

    The row index of ``generic_dimension.csv`` is the seed its experiment used.
    """
    return [(seed, r) for seed, r in enumerate(rows)
            if r["activation"] == "relu" and r["p"] == "1" and r["width"] != "1" and int(r["shortfall"]) != 0]


# ----------------------------------------------------------------------------------------------
# 7.2 certified
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertifiedRow:
    """One network of the grid with its float dimension and proven bounds lower <= dim <= upper.

    ``ranks_mod_p`` maps a rank to how many random dyadic weight points had that exact rank
    (mod p) of the whole Jacobian; empty unless the bounds did not meet.
    """

    widths: tuple
    activation: str
    n: int
    float_dimension: int
    lower: int
    upper: int
    exact: bool
    method: str
    ranks_mod_p: dict

    @property
    def evidence_points(self) -> int:
        """Number of exact ranks at random points."""
        return sum(self.ranks_mod_p.values())

    @property
    def best_random_rank(self) -> int | None:
        """The largest exact rank at the random points (None if there were none)."""
        return max(self.ranks_mod_p) if self.ranks_mod_p else None

    @property
    def label(self) -> str:
        return "-".join(map(str, self.widths))


@dataclass(frozen=True)
class CertifiedTable:
    """``certified_dimension.csv`` joined to ``generic_dimension.csv`` row by row."""

    rows: tuple
    proved: int
    lower_equals_float: int
    lower_above_float: int

    def of(self, widths, activation: str = "relu") -> CertifiedRow:
        """The row of the network with these widths and activation."""
        widths = tuple(widths)
        for r in self.rows:
            if r.widths == widths and r.activation == activation:
                return r
        raise ValueError(f"widths must name a network of the grid; got {widths} with {activation!r}")

    def shortfall_rows(self, generic_rows: list[dict]) -> list[CertifiedRow]:
        """The certified rows of the networks with a float shortfall, in the grid's order."""
        return [c for c, r in zip(self.rows, generic_rows) if int(r["shortfall"]) != 0]


def _histogram(text: str) -> dict:
    return {int(a): int(b) for a, b in (item.split(":") for item in text.split())}


def certified_table(generic_rows: list[dict], certified_rows: list[dict]) -> CertifiedTable:
    """Join the certified bounds to the float table (same networks, same order, same samples)."""
    if len(generic_rows) != len(certified_rows):
        raise ValueError(f"certified_rows must have one row per generic row ({len(generic_rows)}); "
                         f"got {len(certified_rows)}")
    out = []
    for g, c in zip(generic_rows, certified_rows):
        if network_widths(g) != network_widths(c) or g["activation"] != c["activation"] or g["n"] != c["n"]:
            raise ValueError(f"certified_rows does not match generic_rows at {network_widths(g)} {g['activation']}")
        out.append(CertifiedRow(network_widths(c), c["activation"], int(c["n"]), int(g["dimension"]),
                                int(c["lower"]), int(c["upper"]), _true(c["exact"]), c["method"],
                                _histogram(c["ranks_mod_p"])))
    return CertifiedTable(tuple(out), proved=sum(r.exact for r in out),
                          lower_equals_float=sum(r.lower == r.float_dimension for r in out),
                          lower_above_float=sum(r.lower > r.float_dimension for r in out))


# ----------------------------------------------------------------------------------------------
# 7.3 generic rank and zero-loss fractions
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GenericRankTable:
    """``generic_rank.csv``: where the random search's filling width agrees with the parameter count."""

    total: int
    agree: int
    disagree: tuple
    disagree_all_one_input: bool


def generic_rank_table(rows: list[dict]) -> GenericRankTable:
    """Split the generic-rank grid into agreements and disagreements with the prediction."""
    dis = tuple(r for r in rows if r["filling_width"] != r["parameter_count_width"])
    return GenericRankTable(len(rows), len(rows) - len(dis), dis, all(r["p"] == "1" for r in dis))


@dataclass(frozen=True)
class ZeroLossTable:
    """``zero_loss_fraction.csv``: the largest upper Wilson bound for ReLU, the smallest lower one for tanh."""

    rows: tuple
    relu_high: float
    tanh_low: float


def zero_loss_table(rows: list[dict]) -> ZeroLossTable:
    """The two bounds the chapter quotes, to two decimals."""
    hi = max(float(r["wilson_high"]) for r in rows if r["activation"] == "relu")
    lo = min(float(r["wilson_low"]) for r in rows if r["activation"] == "tanh")
    return ZeroLossTable(tuple(rows), float(f"{hi:.2f}"), float(f"{lo:.2f}"))


# ----------------------------------------------------------------------------------------------
# 7.4 escape survey
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EscapeGroup:
    """One group of targets: how many read 'escape below every other fit', with a 95 % Wilson interval."""

    name: str
    count: int
    escape: int
    other_best: int
    still: int
    low: float
    high: float

    @property
    def undecided(self) -> int:
        return self.count - self.escape - self.other_best


@dataclass(frozen=True)
class EscapeSurveyTable:
    """``escape_survey.csv`` summarised: groups and the margins of the escapes that survived the recheck."""

    groups: tuple
    near_total: int
    near_escape: int
    near_still: int
    small_still: int
    small_ratio_median: float
    small_ratio_max: float
    random_still: int
    random_ratio_min: float
    random_ratio_max: float
    flipped: int
    escape_total: int

    def group(self, name: str) -> EscapeGroup:
        for g in self.groups:
            if g.name == name:
                return g
        raise ValueError(f"name must be one of {[g.name for g in self.groups]}; got {name!r}")


def _two(x: float) -> float:
    return float(f"{x:.2g}")


def escape_survey_table(rows: list[dict], eps=(0.05, 0.1, 0.2, 0.4)) -> EscapeSurveyTable:
    """Group the survey by target kind and box size; ratios best escape / best other fit to two digits."""
    eps_values = as_vector("eps", eps)
    if eps_values.size == 0 or np.any(eps_values <= 0):
        raise ValueError(f"eps must be a non-empty sequence of positive box sizes; got {eps!r}")
    eps = tuple(float(e) for e in eps_values)
    parts = [(f"near, eps = {e}", [r for r in rows if r["kind"] == "near" and float(r["eps"]) == e]) for e in eps]
    parts.append(("random", [r for r in rows if r["kind"] == "random"]))
    groups = []
    for name, rs in parts:
        k = sum(r["reading"] == ESCAPE for r in rs)
        lo, hi = wilson_interval(k, len(rs))
        groups.append(EscapeGroup(name, len(rs), k, sum(r["reading"] == "a non-escaping fit is best" for r in rs),
                                  sum(r["recheck"] == "escape still best" for r in rs), lo, hi))
    near = [r for r in rows if r["kind"] == "near"]
    ratio = [float(r["best_escape"]) / float(r["best_bounded"]) for r in near
             if float(r["eps"]) <= 0.1 and r["recheck"] == "escape still best"]
    rand = [float(r["best_escape"]) / float(r["best_bounded"]) for r in rows
            if r["kind"] == "random" and r["recheck"] == "escape still best"]
    return EscapeSurveyTable(
        tuple(groups), len(near), sum(r["reading"] == ESCAPE for r in near),
        sum(r["recheck"] == "escape still best" for r in near), len(ratio), _two(float(np.median(ratio))),
        _two(max(ratio)), len(rand), _two(min(rand)), _two(max(rand)),
        sum(r["recheck"] == "non-escaping fit below escape" for r in rows), sum(r["reading"] == ESCAPE for r in rows))


# ----------------------------------------------------------------------------------------------
# 7.5 polynomial networks
# ----------------------------------------------------------------------------------------------
def _bf_widths(row: dict) -> tuple[int, ...]:
    return tuple(int(x) for x in row["widths"].split("-"))


def _orthogonal(widths: tuple, r: int) -> int:
    """r = 2, one output: x^T A^T C A x is unchanged by A -> O A with O^T C O = C (d(d-1)/2, d the last hidden width)."""
    return widths[-2] * (widths[-2] - 1) // 2 if r == 2 and widths[-1] == 1 else 0


@dataclass(frozen=True)
class BiasFreeTable:
    """``polynomial_bias_free.csv`` (Kileel-Trager-Bruna's setting): the deep defects and what explains them.

    ``orthogonal``: defective rows without a width-1 layer whose dimension is the scaling count less
    the r = 2 orthogonal directions.  ``recursive``: the other defective rows whose dimension equals
    the recursive bound (:func:`nnlib.literature.recursive_dimension_bound`).  ``left``: neither.
    """

    deep: int
    bottleneck: int
    bottleneck_defective: int
    other: int
    defective: int
    orthogonal: tuple
    recursive: tuple
    left: tuple
    all_clear: bool


def bias_free_table(rows: list[dict]) -> BiasFreeTable:
    """Sort the deep bias-free networks: width-1 bottlenecks, r = 2 orthogonal symmetry, recursive bound."""
    deep = [r for r in rows if r["widths"].count("-") >= 3]
    neck = [r for r in deep if 1 in _bf_widths(r)[1:-1]]
    other = [r for r in deep if 1 not in _bf_widths(r)[1:-1]]
    defective = [r for r in other if int(r["defect"]) > 0]
    orth, rec, left = [], [], []
    for r in defective:
        w, deg, dim = _bf_widths(r), int(r["r"]), int(r["dimension"])
        count = sum(a * b for a, b in zip(w, w[1:])) - sum(w[1:-1]) - _orthogonal(w, deg)
        if min(int(r["expected"]), count) == dim:
            orth.append(r)
        elif recursive_dimension_bound(w, deg) == dim:
            rec.append(r)
        else:
            left.append(r)
    return BiasFreeTable(len(deep), len(neck), sum(int(r["defect"]) > 0 for r in neck), len(other), len(defective),
                         tuple(orth), tuple(rec), tuple(left), all(not _true(r["ambiguous"]) for r in rows))


@dataclass(frozen=True)
class BiasedTable:
    """``polynomial_biased.csv`` (the paper's networks, with biases): shortfalls and their explanations."""

    total: int
    shortfalls: tuple
    orthogonal: tuple
    rest: tuple
    all_clear: bool


def biased_table(rows: list[dict]) -> BiasedTable:
    """Shortfalls below min(m - sym, polynomial space, nq); those equal to the r = 2 orthogonal count."""
    short = [r for r in rows if int(r["shortfall"]) != 0]
    orth = [r for r in short if r["r"] == "2" and r["q"] == "1"
            and int(r["shortfall"]) == int(r["width"]) * (int(r["width"]) - 1) // 2]
    return BiasedTable(len(rows), tuple(short), tuple(orth), tuple(r for r in short if r not in orth),
                       all(not _true(r["ambiguous"]) for r in short))


@dataclass(frozen=True)
class PolynomialCertificates:
    """Exact lower and proven upper bounds (:func:`nnlib.literature.certify_polynomial_dimension`) for both grids.

    ``agree``: rows whose exact lower bound equals the float dimension of the CSV.
    """

    bias_free_total: int
    bias_free_certified: int
    biased_total: int
    biased_certified: int
    agree: int
    not_certified: tuple


def certify_polynomial_tables(bias_free_rows: list[dict], biased_rows: list[dict]) -> PolynomialCertificates:
    """Certify every row of the two polynomial grids; the widths of rows the bounds do not settle are listed.

    Uses python-flint when installed, else exact arithmetic in pure Python
    (:func:`nnlib.certify.exact_backend`).
    """
    jobs = [(_bf_widths(r), int(r["r"]), False, int(r["dimension"])) for r in bias_free_rows]
    jobs += [(network_widths(r), int(r["r"]), True, int(r["dimension"])) for r in biased_rows]
    certs = [(certify_polynomial_dimension(w, deg, bias=b, rng=i), d) for i, (w, deg, b, d) in enumerate(jobs)]
    nb = len(bias_free_rows)
    return PolynomialCertificates(
        nb, sum(c.certified for c, _ in certs[:nb]), len(biased_rows), sum(c.certified for c, _ in certs[nb:]),
        sum(c.lower == d for c, d in certs), tuple(c for c, _ in certs if not c.certified))


# ----------------------------------------------------------------------------------------------
# 7.6 the explorer's frames
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchitectureState:
    """What the architecture explorer shows for one setting: the computed dimension and its bounds."""

    widths: tuple
    n: int
    dimension: int
    symmetry_bound: int
    nq: int

    @property
    def cap(self) -> int:
        """min(m - symmetries, nq), a proven upper bound."""
        return min(self.symmetry_bound, self.nq)


def architecture_state(widths, activation: str = "relu", n: int = 30, *, seed: int = 0,
                       n_points: int = 60) -> ArchitectureState:
    """The computation of :func:`nnlib.viz.generic.architecture_figure` (same sample, seed and search), without the figure."""
    arch = Architecture(widths, activation)
    n = check_positive_int("n", n, high=10**6)
    seed = check_nonnegative_int("seed", seed)
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((n, arch.p))
    sb, nq = symmetry_bound(arch), n * arch.q
    rep = image_dimension(arch, S, rng=rng, n_points=n_points, upper_bound=min(sb, nq))
    return ArchitectureState(tuple(arch.widths), n, rep.dimension, sb, nq)
