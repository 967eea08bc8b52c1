"""Every public entry point of nnlib refuses bad input clearly (issue 15).

The callables are collected from the ``__all__`` lists of nnlib and of each of its public modules,
so a function is fuzzed the day it is added.  For each parameter, the bad values of its *kind*
(chosen by the parameter's name in :data:`KINDS`, else by its annotation) are passed one at a time
while every other argument is valid (:data:`VALID`, per-function :data:`OVERRIDES`).  Each call
must raise ``ValueError`` or ``TypeError`` whose message names the parameter, within
:data:`TIME_LIMIT` seconds.  Hypothesis adds the numeric edges (NaN, infinities, huge, tiny,
subnormal and negative numbers, floats passed as integers).

Result records (dataclasses that nnlib returns, not entry points) are not fuzzed; the few callables
that cannot be fuzzed meaningfully are in :data:`EXEMPT` with a reason, and the test keeps that
list short.  ``python tests/test_api_fuzz.py`` prints the table of outcomes (the sweep of issue 15).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import signal
import sys
import time
import types
import warnings

import numpy as np

import nnlib

TIME_LIMIT = 2.0  # seconds per call

# ---------------------------------------------------------------------------------------------
# The public API, from the __all__ lists.


def public_modules():
    mods = {"nnlib": nnlib}
    for info in pkgutil.walk_packages(nnlib.__path__, "nnlib."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            mods[info.name] = importlib.import_module(info.name)
    return mods


def public_callables():
    """(qualified name, object) for every callable in an ``__all__`` list, each object once."""
    seen, out = set(), []
    for modname, mod in public_modules().items():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if isinstance(obj, types.ModuleType) or not callable(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            out.append((f"{modname}.{name}", obj))
    return out


def is_record(obj) -> bool:
    """A result record (a dataclass that nnlib builds and returns) or an exception class: not an entry point."""
    return isinstance(obj, type) and (dataclasses.is_dataclass(obj) and obj is not nnlib.Architecture
                                      or issubclass(obj, BaseException))


EXEMPT = {
    # the callable's __name__ (wherever it lives: figures move to nnlib.viz): reason.
    # Keep this short: everything else is fuzzed.
    "LiveFigure": "wraps a live matplotlib Figure and its artists; not numeric input",
    "live_widget": "takes a render callback and a mapping of ipywidgets controls",
    "static_twin": "takes a figure-drawing callback; its values are the callback's business",
    "plot_plane_picture": "draws into a matplotlib Axes passed by the caller",
    "write_appendix": "writes the book's appendix under a directory; the argument is a path",
    "write_errata": "writes the book's errata page under a directory; the argument is a path",
}

# ---------------------------------------------------------------------------------------------
# Valid arguments: one small world (a 2-2-1 ReLU network on 3 samples), by parameter name.

ARCH = nnlib.Architecture((2, 2, 1), "relu")
S3 = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0]])
T3 = np.array([[0.5], [1.0], [-0.5]])
THETA = np.linspace(-1.0, 1.0, ARCH.m)


def _valid():
    return {
        "arch": ARCH, "S": S3, "T": T3, "theta": THETA, "theta0": THETA, "thetas": THETA[None, :].repeat(2, 0),
        "X": np.array([[1.0, -2.0], [0.5, 3.0]]), "x": np.array([0.0, 1.0, 3.0]),
        "J": np.arange(12.0).reshape(4, 3), "M": np.array([[1, 2], [3, 4]]), "P": np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]),
        "points": np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
        "A": np.array([[1.0, -1.0]]), "b": np.array([0.5]), "t": np.array([0.0, 2.0, 1.0]), "s": np.array([0.0, 1.0, 2.0]),
        "y": np.array([1.0, 2.0, 4.0]), "a": np.array([0.0, 0.0]), "d": 2,
        "widths": (2, 3, 1), "r": 2, "k": 2, "n": 4, "p": 2, "q": 1, "N": 4, "m": 5, "nq": 3,
        "R": 2.0, "lam": 0.1, "eps": 0.1, "radii": np.array([0.5, 1.0]), "lambdas": np.array([0.1, 0.01]),
        "radius": 1.0, "ks": np.array([1.0, 2.0]), "successes": 3, "trials": 10, "trials_": 10,
        "s0": 0.0, "s1": 1.0, "s2": 2.0, "s3": 3.0, "lo": 0.0, "hi": 1.0, "t1": 0.0, "t2": 2.0, "t3": 1.0,
        "value": 0.5, "bound": 1.0, "relative_losses": np.array([1e-12, 0.5]), "eps_values": np.array([0.1]),
        "hidden_grid": np.array([[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]]), "configs": [(4, 2, 2, 1)],
        "d0": 2, "d1": 3, "L": np.array([[1.0, 0.0, 0.0]]), "count": 2, "levels": {"low": 0.0, "high": 1.0},
        "tol": 1e-9, "a_values": np.array([0.5, 1.0]), "values": np.array([1.0, 2.0]), "key": "theorem1",
        "chapter": "03", "pixels": np.zeros((2, 2, 3), dtype=np.uint8), "name": "relu",
        "losses": np.array([0.5 + 1e-10, 0.75]), "level": 0.5,
    }


VALID = _valid()

_LAZY_CACHE = {}


def _lazy(name):
    """Valid objects that nnlib builds (fit results, surveys, paths, pictures), built once on demand."""
    if name not in _LAZY_CACHE:
        from nnlib import escape, geometry, illposed

        if name == "result":
            value = nnlib.gradient_descent(ARCH, S3, T3, n_steps=5)
        elif name == "results":
            value = [_lazy("result")]
        elif name == "runs":
            value = [_lazy("result")]
        elif name == "survey":
            value = escape.survey_target(ARCH, S3, T3, n_starts=2, budget=20, rounds=4)
        elif name == "path":
            value = illposed.price_of_boundedness(ARCH, S3, T3, [0.5, 1.0], n_random=1, max_iter=10)
        elif name == "wd_path":
            value = illposed.weight_decay_path(ARCH, S3, T3, [0.1, 0.01], n_seeds=1, max_nfev=10)
        elif name == "fit_path":
            from nnlib import smooth

            value = smooth.best_fit_path(np.array([0.0, 2.0, 1.0]), np.array([1.0, 2.0]), n_a=5, n_b=7)
        elif name == "verdict":
            value = nnlib.closure_verdict(np.array([0.0, 2.0, 1.0]))
        elif name == "picture":
            value = geometry.NearestPointPicture.build("sigmoid", n_per_axis=5, n_samples=10)
        elif name == "pictures":
            value = {"relu": geometry.NearestPointPicture.build("relu", n_per_axis=5, n_samples=10),
                     "sigmoid": _lazy("picture")}
        else:
            raise KeyError(name)
        _LAZY_CACHE[name] = value
    return _LAZY_CACHE[name]


LAZY = {"result", "results", "runs", "survey", "picture", "pictures", "verdict"}
ONE = nnlib.Architecture((1, 1, 1), "tanh")


def _live_panels():
    """Panels for nnlib.viz.explorer.live_renderer: a small figure and its one moving line."""
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=20)
    (line,) = fig.add_subplot().plot([0.0, 1.0], [0.0, 1.0])
    return SimpleNamespace(fig=fig, moving=[line])


# Per-function valid arguments where the shared world does not fit, by the function's name.
OVERRIDES = {
    "face_point": {"indices": (0, 2)},
    "relu_cone_preimage": {"x": np.array([0.0, 1.0, 2.0])},
    "one_neuron_member": {"x": np.array([0.0, 1.0, 2.0]), "s": np.array([0.0, 1.0, 2.0])},
    "one_neuron_clamp_form": {"x": np.array([0.0, 1.0, 2.0]), "s": np.array([0.0, 1.0, 2.0])},
    "one_neuron_paper_form": {"x": np.array([0.0, 1.0, 2.0]), "s": np.array([0.0, 1.0, 2.0])},
    "lemma2_shift": {"x": np.array([0.0, 1.0, 3.0])},
    "in_sum_secant_one_point": {"lambdas": np.array([1.0])},
    "one_sample_exact_fit": {"s": 0.0, "t": 0.5},
    "theta_k": {"k": 2.0},
    "line_points": {"a": np.array([0.0, 1.0]), "d": np.array([1.0, 1.0])},
    "relu_projection_of_line": {"a": np.array([0.0, 1.0]), "d": np.array([1.0, 1.0])},
    "loglog_slope": {"x": np.array([1.0, 2.0, 4.0])},
    "loglog_fit": {"x": np.array([1.0, 2.0, 4.0])},
    "two_layer_integer_jacobian": {"S": np.array([[0, 1], [1, 2], [2, 0]]), "A1": np.array([[1, 0], [0, 1]]),
                                                     "b1": np.array([0, 1]), "A2": np.array([[1, 1]])},
    "theta_k_figure": {"k": 2.0},
    "minority_bound": {"trials": 10},
    "local_dimension": {"theta": np.array([1.0, -1.0, 0.5])},
    "tanh_entries": {"theta": np.array([1.0, 0.5, 2.0, -1.0]), "S": np.array([0.0, 1.0, 2.0])},
    "saturation_depth": {"arch": ONE, "S": np.array([[0.0], [1.0], [2.0]]), "theta": np.array([1.0, 0.0, 1.0, 0.0])},
    "alternating_breakpoint_weights": {"arch": nnlib.Architecture((1, 3, 1), "relu"),
                                                     "S": np.array([[0.0], [1.0], [2.0], [3.0]])},
    "zero_loss_fraction": {"targets": T3[None, :, :]},
    "exact_two_layer_rank": {"S": np.array([[0, 1], [1, 2], [2, 0]])},
    "fit_history_figure": {"step": 0.01, "n_steps": 5, "seed": 0},
    "fit_result_figure": {"seed": 0, "step": 0.01},
    "network_from_join": {"hidden_weights": np.array([[1.0, 0.0, 0.5]]), "C": np.array([[1.0]]), "lam": np.array([1.0])},
    "sample_weights": {"rng": 0},
    "theta_k_table": {"S": None, "T": None},
    "join_locus_figure": {"S": np.array([[0.0], [1.0], [2.0]]), "inside": np.zeros((2, 3)), "outside": np.ones((2, 3)),
                                      "title": "t"},
    "exact_jacobian_mod_p": {"widths": (2, 2, 1), "points": np.array([[1, 2], [3, 4]]),
                                              "layers": [(np.array([[1, 2], [3, 4]]), np.array([1, 1])),
                                                         (np.array([[1, 1]]), np.array([0]))]},
    "format_excess": {"value": 1.5, "level": 1.0},
    "book_inches": {"width": 4.0, "height": 2.0},
    "Descent": {"step": 0.01},
    "step_size_scan": {"thetas0": THETA[None, :], "steps": np.array([0.01, 0.1]), "n_steps": 5},
    "live_renderer": {"panels": _live_panels(), "show": lambda **values: None},
}

# ---------------------------------------------------------------------------------------------
# Kinds of parameters and their bad values.

ARRAY_NAMES = {"S", "T", "theta", "theta0", "thetas", "X", "x", "J", "M", "P", "points", "A", "b", "t", "s", "y", "a",
               "radii", "lambdas", "ks", "relative_losses", "eps_values", "hidden_grid", "L", "a_values", "A1", "b1", "A2"}
INT_NAMES = {"n", "p", "q", "r", "N", "m", "nq", "d0", "d1", "count", "successes", "trials"}
REAL_NAMES = {"R", "lam", "radius", "s0", "s1", "s2", "s3", "lo", "hi", "t1", "t2", "t3", "value", "bound", "z", "h",
              "scale", "init_scale", "step", "limit", "extent"}
TOL_NAMES = {"tol", "rtol", "gtol", "eps", "hess_tol", "zero_tol", "growth", "margin", "jitter", "flat", "min_drop"}
KINDS = {**{k: "array" for k in ARRAY_NAMES}, **{k: "int" for k in INT_NAMES}, **{k: "real" for k in REAL_NAMES},
         **{k: "tol" for k in TOL_NAMES}, "arch": "arch", "widths": "widths", "rng": "seed", "seed": "int"}


# Parameters whose name suggests a kind but which take any object by design, each with its reason.
# (No check that each names a public parameter: nnlib.book is new and may land after this list.)
ANY_OBJECT = {
    ("glue", "value"): "what the prose shows: a number, a string or a table (myst_nb.glue's value)",
}


def kind_of(param: inspect.Parameter) -> str | None:
    if param.name in KINDS:
        return KINDS[param.name]
    ann = str(param.annotation)
    if ann in ("int", "int | None"):
        return "int"
    if ann in ("float", "float | None"):
        return "real"
    if ann in ("bool", "bool | None"):
        return "bool"
    return None


def bad_values(kind: str, valid):
    """The bad values of a kind, with a label each."""
    if kind == "array":
        v = np.asarray(valid, dtype=float)
        nan = v.copy()
        nan.flat[0] = np.nan
        return [("complex", v + 5j), ("nan", nan), ("strings", np.full(v.shape, "a")), ("None", None),
                ("huge int", np.full(v.shape, 10**400, dtype=object))]
    if kind == "int":
        return [("1.9", 1.9), ("1e309 int", 10**400), ("-1e309 int", -(10**400)), ("nan", float("nan")), ("string", "3"),
                ("bool", True)]
    if kind == "real":
        return [("nan", float("nan")), ("inf", float("inf")), ("complex", 1 + 1j), ("string", "1"), ("1e309 int", 10**400)]
    if kind == "tol":
        return [("nan", float("nan")), ("inf", float("inf")), ("negative", -1.0), ("string", "1e-9"), ("1e309 int", 10**400)]
    if kind == "widths":
        return [("set", {3, 2}), ("string", "32"), ("float width", (2, 1.9)), ("1e309 width", (2, 10**400))]
    if kind == "arch":
        return [("string", "2-2-1"), ("tuple", (2, 2, 1)), ("None", None)]
    if kind == "seed":
        return [("float", 1.9), ("negative", -1), ("string", "0")]
    if kind == "bool":
        return [("string", "no"), ("int 2", 2)]
    raise AssertionError(kind)


def valid_kwargs(qualname: str, sig: inspect.Signature) -> dict:
    """Valid values for the parameters without defaults (and for those listed in OVERRIDES)."""
    over = OVERRIDES.get(qualname.rsplit(".", 1)[1], {})
    out = {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in over:
            out[p.name] = over[p.name]
        elif p.default is p.empty:
            if p.name in LAZY:
                out[p.name] = _lazy(p.name)
            elif p.name == "path":
                out[p.name] = _lazy("wd_path" if "weight_decay" in qualname
                                    else "fit_path" if qualname.startswith("nnlib.smooth.") else "path")
            else:
                out[p.name] = VALID.get(p.name, None)
    return out


class CallTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise CallTimeout


def call_with_limit(fn, kwargs, limit=TIME_LIMIT):
    """(outcome, exception or result, seconds): outcome is 'returned', 'raised' or 'timeout'.

    The limit is on the CPU time of this process (ITIMER_PROF), so a loaded machine does not turn a
    prompt refusal into a timeout.
    """
    old = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, limit)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fn(**kwargs)
        return "returned", res, time.perf_counter() - t0
    except CallTimeout as exc:
        return "timeout", exc, time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - classified by the caller
        return "raised", exc, time.perf_counter() - t0
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def names_param(message: str, param: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(param)}(?![\w(])", message) is not None or \
        re.search(rf"(?<![\w.]){re.escape(param)}\[", message) is not None


def classify(outcome, obj, param) -> str:
    """'clear', 'silent' (accepted), 'unclear' (another exception or a message not naming param), 'timeout'."""
    if outcome == "returned":
        return "silent"
    if outcome == "timeout":
        return "timeout"
    if isinstance(obj, (ValueError, TypeError)) and names_param(str(obj), param):
        return "clear"
    return "unclear"


def exempt_ids():
    return {id(f) for _, f in public_callables() if getattr(f, "__name__", None) in EXEMPT}


def cases():
    """Every (qualname, function, parameter, label, bad value) the fuzz test tries."""
    out = []
    for qualname, fn in public_callables():
        if is_record(fn) or id(fn) in exempt_ids():
            continue
        sig = inspect.signature(fn)
        base = valid_kwargs(qualname, sig)
        for p in sig.parameters.values():
            kind = kind_of(p)
            if kind is None or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or (_short(qualname), p.name) in ANY_OBJECT:
                continue
            valid = base.get(p.name, p.default if p.default is not p.empty else VALID.get(p.name))
            if kind == "array" and (valid is None or isinstance(valid, (str, tuple)) and not valid):
                valid = VALID.get(p.name, np.zeros(3))
            for label, bad in bad_values(kind, valid if kind == "array" else None):
                if bad is None and p.default is None:
                    continue  # None is this parameter's documented default
                out.append((qualname, fn, p.name, label, bad, base))
    return out


def run_case(qualname, fn, param, label, bad, base):
    kwargs = dict(base)
    kwargs[param] = bad
    outcome, obj, secs = call_with_limit(fn, kwargs)
    return classify(outcome, obj, param), obj, secs


# ---------------------------------------------------------------------------------------------
# The tests.

# Known gaps: (function name, parameter) -> why it is not refused clearly yet.  The test skips them
# (and prints them); everything else must be refused.  Shrink this list, never grow it silently.
KNOWN = {
    # not a gap: an exact integer matrix of any size is valid input, reduced mod p exactly
    ("rank_mod_p", "M"): "an object array of huge integers is reduced mod p, which is mathematically fine (not a bug)",
}


def _short(qualname: str) -> str:
    return qualname.rsplit(".", 1)[1]


def test_every_public_callable_is_fuzzed_records_aside_and_the_exemption_list_is_short():
    callables = public_callables()
    records = [q for q, f in callables if is_record(f)]
    fuzzed = {c[0] for c in cases()}
    print(f"\n{len(callables)} public callables: {len(records)} result records, {len(EXEMPT)} exempt, "
          f"{len(fuzzed)} fuzzed")
    assert len(EXEMPT) <= 8
    names = {getattr(f, "__name__", None) for _, f in callables}
    assert set(EXEMPT) <= names, f"exemptions naming no public callable: {set(EXEMPT) - names}"
    exempt = exempt_ids()
    no_params = {q for q, f in callables if not is_record(f) and id(f) not in exempt and q not in fuzzed}
    for q in no_params:  # the rest take no fuzzable parameter at all
        fn = dict(callables)[q]
        assert all(kind_of(p) is None for p in inspect.signature(fn).parameters.values()), q


def test_bad_arguments_raise_value_or_type_errors_naming_the_parameter():
    failures, skipped, calls = [], set(), 0
    t0 = time.process_time()
    for qualname, fn, param, label, bad, base in cases():
        if (_short(qualname), param) in KNOWN:
            skipped.add((qualname, param))
            continue
        verdict, obj, secs = run_case(qualname, fn, param, label, bad, base)
        calls += 1
        if verdict != "clear":
            failures.append(f"{qualname}({param}={label}): {verdict}: {type(obj).__name__}: {str(obj)[:120]}")
    print(f"\n{calls} bad calls in {time.process_time() - t0:.1f} s CPU; {len(skipped)} known gaps skipped:")
    for q, p in sorted(skipped):
        print(f"  {q}({p}): {KNOWN[(_short(q), p)]}")
    assert not failures, f"{len(failures)} bad inputs not refused clearly:\n" + "\n".join(failures)


def test_the_known_gaps_are_few_and_name_public_parameters():
    params = {(_short(q), p) for q, f in public_callables() for p in _parameters(f)}
    assert len(KNOWN) <= 1
    assert len(ANY_OBJECT) <= 3
    assert set(KNOWN) <= params, f"known gaps naming no public parameter: {set(KNOWN) - params}"


def _parameters(fn):
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


# -- Hypothesis: numeric edges ------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_HUGE_INT = st.integers(min_value=2**1024, max_value=2**1100) | st.integers(min_value=-(2**1100), max_value=-(2**1024))
_NON_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf"), np.float32("nan"), np.float64("inf")])
EDGE_BAD = {
    # kind: values that must always be refused
    "real": _NON_FINITE | _HUGE_INT,
    "tol": _NON_FINITE | _HUGE_INT | st.floats(max_value=-5e-324, allow_nan=False, allow_infinity=False)
    | st.sampled_from([-5e-324, -2.2250738585072014e-308, -1e-300]),
    "int": st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not float(v).is_integer())
    | st.integers(min_value=2**63, max_value=2**70) | _HUGE_INT,
    "array": st.sampled_from([float("nan"), float("inf"), float("-inf"), 10**400, 1e-300 + 1e-300j]),
}


def _scalar_cases():
    out, seen = [], set()
    for qualname, fn, param, label, bad, base in cases():
        if (qualname, param) in seen or (_short(qualname), param) in KNOWN:
            continue
        kind = kind_of(inspect.signature(fn).parameters[param])
        if kind in EDGE_BAD:
            seen.add((qualname, param))
            out.append((qualname, fn, param, kind, base))
    return out


SCALAR_CASES = _scalar_cases()

# Parameters for which +inf is a meaningful value, not a bad one (each with its reason).
ALLOWS_POS_INF = {
    ("fitted_count", "relative_losses"): "a fit whose loss overflowed to +inf is simply not fitted",
}

# Every scalar case against a fixed list of edge values: deterministic and complete, so a new
# function's gap fails this test the day it is added (the Hypothesis test below only samples).
EDGE_FIXED = {
    "real": [float("nan"), float("inf"), float("-inf"), 2**1030, -(2**1030)],
    "tol": [float("nan"), float("inf"), -5e-324, -1e-300, 2**1030],
    "int": [1.5, float("nan"), float("inf"), 2**64, 2**1030],
    "array": [float("nan"), float("inf"), float("-inf"), 10**400, 1e-300 + 1e-300j],
}


def _edge_value(kind, value, param, base):
    if kind != "array":
        return value
    # one entry of a valid array replaced by the edge value
    valid = np.asarray(base.get(param, VALID.get(param, np.zeros(3))), dtype=float)
    arr = valid.astype(object if isinstance(value, (int, complex)) else float).copy()
    arr.flat[0] = value
    return arr


def _allowed(qualname, param, value):
    return (_short(qualname), param) in ALLOWS_POS_INF and isinstance(value, float) and value == float("inf")


def test_every_numeric_edge_is_refused_naming_the_parameter():
    failures = []
    for qualname, fn, param, kind, base in SCALAR_CASES:
        for value in EDGE_FIXED[kind]:
            if _allowed(qualname, param, value):
                continue
            verdict, obj, _ = run_case(qualname, fn, param, "edge", _edge_value(kind, value, param, base), base)
            if verdict != "clear":
                failures.append(f"{qualname}({param}={value!r}): {verdict}: {type(obj).__name__}: {str(obj)[:100]}")
    assert not failures, f"{len(failures)} numeric edges not refused clearly:\n" + "\n".join(failures)


def test_allowing_pos_inf_is_rare_and_names_public_parameters():
    params = {(_short(q), p) for q, f in public_callables() for p in _parameters(f)}
    assert set(ALLOWS_POS_INF) <= params
    assert len(ALLOWS_POS_INF) <= 3


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_numeric_edges_are_refused_naming_the_parameter(data):
    qualname, fn, param, kind, base = data.draw(st.sampled_from(SCALAR_CASES), label="parameter")
    value = data.draw(EDGE_BAD[kind], label="value")
    if _allowed(qualname, param, value):
        return
    value = _edge_value(kind, value, param, base)
    verdict, obj, _ = run_case(qualname, fn, param, "edge", value, base)
    assert verdict == "clear", f"{qualname}({param}={value!r}): {verdict}: {type(obj).__name__}: {obj}"


if __name__ == "__main__":  # the sweep: a table of outcomes
    import collections

    counts = collections.Counter()
    rows = []
    for qualname, fn, param, label, bad, base in cases():
        verdict, obj, secs = run_case(qualname, fn, param, label, bad, base)
        counts[verdict] += 1
        if verdict != "clear":
            rows.append(f"{verdict:8s} {qualname}({param}={label}) -> {type(obj).__name__}: {str(obj)[:150]!r}")
    print("\n".join(rows))
    print(dict(counts))
