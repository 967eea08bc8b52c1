"""Widget builders for the chapters (ipywidgets).

Each builder separates the *callback* (a plain function from slider values to a matplotlib
figure, testable and benchmarkable without a browser) from the *controls* (the ipywidgets
that call it).  In a live kernel moving a slider re-runs the callback; on the static web page
the widget is drawn in its initial state but cannot recompute (no kernel runs there).
"""

from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import display
import numpy as np

from ._checks import as_matrix, check_nonnegative_int, check_positive_float, check_positive_int
from .fitting import FitResult, gradient_descent
from .network import _check_arch, _check_sample
from .plotting import plot_fit_history

__all__ = ["fit_history_figure", "fit_result_figure", "fit_explorer", "STEP_RANGE"]

#: The range of the step-size slider of :func:`fit_explorer` (a log-scale slider).
STEP_RANGE = (1e-4, 10**-0.5)


def fit_history_figure(arch, S, T, *, step: float, n_steps: int, seed: int, init_scale: float = 1.0):
    """The callback of :func:`fit_explorer`: run gradient descent and draw loss and ||theta||.

    Returns the matplotlib figure (the caller shows or closes it).
    """
    n_steps = check_nonnegative_int("n_steps", n_steps)
    seed = check_nonnegative_int("seed", seed)
    record_every = max(1, n_steps // 400)
    res = gradient_descent(arch, S, T, step=step, n_steps=n_steps, rng=seed, init_scale=init_scale, record_every=record_every)
    return fit_result_figure(res, seed=seed, step=step)


def fit_result_figure(result: FitResult, *, seed: int, step: float):
    """The drawing half of :func:`fit_history_figure`, for a run that is already computed.

    ``result`` is the gradient-descent run started from ``arch.random_theta(seed)`` with this
    ``step`` (e.g. one run of a multistart survey); the figure is the one the widget draws for it.
    """
    if not isinstance(result, FitResult):
        raise TypeError(f"result must be a FitResult; got {type(result).__name__}")
    seed = check_nonnegative_int("seed", seed)
    step = check_positive_float("step", step)
    title = (
        f"seed {seed}, step {step:.3g}: final loss {result.final_loss:.3g}, final $\\|\\theta\\|$ = {result.final_norm:.3g}"
        + (" (diverged)" if result.status == "diverged" else "")
    )
    return plot_fit_history(result, labels=[f"seed {seed}"], title=title)


def fit_explorer(
    arch,
    S,
    T,
    *,
    step: float = 1e-2,
    n_steps: int = 5000,
    seed: int = 0,
    max_steps: int = 50000,
    max_seed: int = 99,
):
    """Sliders for the step size, the number of steps and the seed of gradient descent.

    Moving a slider re-runs :func:`fit_history_figure` and redraws the two curves (loss and
    ||theta||).  Returns an ``ipywidgets.VBox`` to display.
    """
    arch = _check_arch(arch)
    S = _check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    step = check_positive_float("step", step)
    if not STEP_RANGE[0] <= step <= STEP_RANGE[1]:
        raise ValueError(f"step must lie in the slider's range [{STEP_RANGE[0]:g}, {STEP_RANGE[1]:.3g}]; got {step:g}")
    max_steps = check_positive_int("max_steps", max_steps)
    max_seed = check_nonnegative_int("max_seed", max_seed)
    n_steps = check_nonnegative_int("n_steps", n_steps)
    seed = check_nonnegative_int("seed", seed)
    if n_steps > max_steps:
        raise ValueError(f"n_steps must lie in [0, max_steps = {max_steps}]; got {n_steps}")
    if seed > max_seed:
        raise ValueError(f"seed must lie in [0, max_seed = {max_seed}]; got {seed}")
    style = {"description_width": "initial"}
    layout = w.Layout(width="420px")
    step_slider = w.FloatLogSlider(value=step, base=10, min=np.log10(STEP_RANGE[0]), max=np.log10(STEP_RANGE[1]),
                                   step=0.1, description="step size",
                                   readout_format=".1e", style=style, layout=layout)
    steps_slider = w.IntSlider(value=n_steps, min=0, max=max_steps, step=max(1, max_steps // 100),
                               description="number of steps", style=style, layout=layout)
    seed_slider = w.IntSlider(value=seed, min=0, max=max_seed, description="seed", style=style, layout=layout)
    def redraw(step, n_steps, seed):
        fig = fit_history_figure(arch, S, T, step=step, n_steps=n_steps, seed=seed)
        display(fig)  # into the Output widget that interactive_output routes this call to
        plt.close(fig)

    out = w.interactive_output(redraw, {"step": step_slider, "n_steps": steps_slider, "seed": seed_slider})
    return w.VBox([w.HBox([step_slider, steps_slider]), seed_slider, out])
