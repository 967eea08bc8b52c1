"""Chapter 7's escape pictures: loss against ||theta|| at the end of many fits, coloured by the
verdict of :func:`nnlib.escape.classify_fit`, and the escape detector widget."""

from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np

from .._checks import check_choice, check_int, check_nonnegative_int, check_positive_float, check_positive_int, check_real
from ..escape import VERDICTS, TargetSurvey, perturbed_targets, survey_target
from ..paper import theorem1_architecture, theorem1_data, theta_k
from .explorer import explorer, figure_png
from .plotting import new_figure

__all__ = ["escape_figure", "escape_detector_figure", "escape_detector_live", "escape_detector"]


#: The kinds of target of the escape detector.
_TARGETS = ("near theorem 1", "random")

_COLOURS = {"escape": "tab:red", "bounded minimiser": "tab:blue", "zero loss": "tab:green", "kink": "tab:orange",
            "undecided": "tab:gray"}


def escape_figure(surveys, *, title: str):
    """Loss against ||theta|| at the end of every fit of the given surveys, coloured by verdict."""
    if isinstance(surveys, TargetSurvey):
        surveys = [surveys]
    fig, ax = new_figure(1, width=7.0, height=3.8)
    fits = [f for sv in surveys for f in sv.fits]
    for v in VERDICTS:
        sel = [f for f in fits if f.verdict == v]
        if sel:
            ax.loglog([f.norm for f in sel], [max(f.loss, 1e-16) for f in sel], "o", ms=4, alpha=0.7,
                      color=_COLOURS[v], label=f"{v} ({len(sel)})")
    ax.set_xlabel(r"$\|\theta\|$ at the end of the fit")
    ax.set_ylabel(r"loss $\|T-\psi_2(\theta)\|_F^2$ (floored at $10^{-16}$)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc="best")
    return fig


def escape_detector_figure(target: str = "near theorem 1", eps: float = 0.2, n_starts: int = 12, seed: int = 0):
    """Callback of :func:`escape_detector`: fit one target from many starts and draw the verdicts.

    ``target`` is ``"near theorem 1"`` (T of (16) plus a uniform perturbation of size eps, with
    one extra start on the path theta_k of (17), k = 5) or ``"random"`` (Gaussian entries).

    Raises
    ------
    TypeError
        If ``eps`` is not a real number, or ``n_starts`` or ``seed`` not an integer (bools included).
    ValueError
        If ``target`` is not one of the two kinds, ``eps`` is not finite and positive, ``n_starts``
        is below 1 or ``seed`` is negative.
    """
    target = check_choice("target", target, _TARGETS)
    eps = check_positive_float("eps", eps)
    n_starts = check_positive_int("n_starts", n_starts)
    seed = check_nonnegative_int("seed", seed)
    S, T0 = theorem1_data()
    arch = theorem1_architecture()
    gen = np.random.default_rng(seed)
    if target == "near theorem 1":
        T = perturbed_targets(T0, eps, 1, gen)[0]
        extra = [theta_k(5.0)]
    else:  # "random"
        T = gen.standard_normal(T0.shape)
        extra = None
    sv = survey_target(arch, S, T, n_starts, rng=gen, extra_starts=extra, rounds=4, budget=100)
    b = "none" if not np.isfinite(sv.best_bounded) else f"{sv.best_bounded:.3g}"
    e = "none" if not np.isfinite(sv.best_escape) else f"{sv.best_escape:.3g}"
    what = f"T of (16) + {eps:g} U" if target == "near theorem 1" else "random Gaussian T"
    return escape_figure(sv, title=f"{what}, seed {seed}: best non-escaping loss {b}, best escaping loss {e}\n"
                                   f"reading: {sv.reading}")


def escape_detector_live():
    """The renderer of :func:`escape_detector`: ``render(target, eps, n_starts, seed)`` returns the PNG of
    :func:`escape_detector_figure` (a new figure each time: every move runs a new survey, which
    costs far more than drawing)."""

    def render(target, eps, n_starts, seed) -> bytes:
        fig = escape_detector_figure(target, eps, n_starts, seed)
        try:
            return figure_png(fig)
        finally:
            plt.close(fig)

    return render


def escape_detector(target: str = "near theorem 1", eps: float = 0.2, n_starts: int = 12, seed: int = 0):
    """Controls for the target kind, eps, the number of starts and the seed; shows :func:`escape_detector_figure`
    (through :func:`escape_detector_live`).  Returns an ipywidgets.VBox.

    Raises
    ------
    TypeError
        If ``eps`` is not a real number, or ``n_starts`` or ``seed`` not an integer (bools included).
    ValueError
        If ``target`` is not one of the menu's, or a start value lies outside its slider's range
        (eps 0.01-1, n_starts 2-40, seed 0-99; a slider would silently clamp it).
    """
    target = check_choice("target", target, _TARGETS)
    eps = check_real("eps", eps, low=0.01, high=1.0, what="a perturbation size")
    n_starts = check_int("n_starts", n_starts, low=2, high=40)
    seed = check_int("seed", seed, low=0, high=99)
    style = {"description_width": "initial"}
    controls = {
        "target": w.Dropdown(value=target, options=list(_TARGETS), description="target"),
        "eps": w.FloatSlider(value=eps, min=0.01, max=1.0, step=0.01, description="perturbation eps", style=style,
                             continuous_update=False),
        "n_starts": w.IntSlider(value=n_starts, min=2, max=40, description="random starts", style=style,
                                continuous_update=False),
        "seed": w.IntSlider(value=seed, min=0, max=99, description="seed", style=style, continuous_update=False),
    }
    return explorer(escape_detector_live(), controls, rows=[["target", "eps"], ["n_starts", "seed"]])
