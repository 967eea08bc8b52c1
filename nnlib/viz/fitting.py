"""Widget builders for the chapters (ipywidgets).

Each builder separates the *drawing* (a plain function from slider values to a matplotlib
figure, testable and benchmarkable without a browser) from the *controls* (the ipywidgets that
call it).  The chapter-1 widget keeps one figure alive (:class:`nnlib.viz.live.LiveFigure`) and one
gradient-descent run per (seed, step): a run of n steps is the first n steps of any longer run
from the same start, so moving the steps slider costs only drawing (and the steps not yet
taken).  On the static web page the widget is drawn in its initial state but cannot recompute
(no kernel runs there).
"""

from __future__ import annotations

from collections import OrderedDict

import ipywidgets as w
import numpy as np

from .._checks import as_matrix, check_arch, check_nonnegative_int, check_positive_float, check_positive_int, check_sample
from ..fitting import FitResult, Descent
from .explorer import explorer, live_renderer
from .plotting import FitHistoryPanels

__all__ = ["fit_history_figure", "fit_result_figure", "fit_result_live", "fit_live", "fit_explorer", "STEP_RANGE",
           "EXPLORER_CHUNK_STEPS"]

#: The range of the step-size slider of :func:`fit_explorer` (a log-scale slider).
STEP_RANGE = (1e-4, 10**-0.5)


def _record_every(n_steps: int) -> int:
    """The widget records about 400 points of a run: every ``n_steps // 400`` steps."""
    return max(1, n_steps // 400)


def _check_max_steps(max_steps):
    return None if max_steps is None else check_positive_int("max_steps", max_steps)


def fit_history_figure(arch, S, T, *, step: float, n_steps: int, seed: int, init_scale: float = 1.0,
                       max_steps: int | None = None):
    """The figure of :func:`fit_explorer`: run gradient descent and draw loss and ||theta||.

    ``max_steps`` (the steps slider's end) fixes the x-limits as the widget does.  Returns the
    matplotlib figure (the caller shows or closes it).
    """
    n_steps = check_nonnegative_int("n_steps", n_steps)
    seed = check_nonnegative_int("seed", seed)
    max_steps = _check_max_steps(max_steps)
    step = check_positive_float("step", step)
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    res = _RunCache(arch, S, T, init_scale=init_scale, max_runs=1).result(seed, step, n_steps)
    return fit_result_figure(res, seed=seed, step=step, max_steps=max_steps)


def _title(result: FitResult, seed: int, step: float) -> str:
    # Plain Unicode (no mathtext): the title changes on every move, and parsing a new mathtext
    # string is slow (bench/NOTES.md).
    if result.status == "diverged":
        last = int(result.steps[-1])
        return (f"seed {seed}, step {step:.3g}: diverged (step {last + 1} blows up; at step {last}: "
                f"loss {result.final_loss:.3g}, ‖θ‖ = {result.final_norm:.3g})")
    return f"seed {seed}, step {step:.3g}: final loss {result.final_loss:.3g}, final ‖θ‖ = {result.final_norm:.3g}"


def fit_result_figure(result: FitResult, *, seed: int, step: float, max_steps: int | None = None):
    """The drawing half of :func:`fit_history_figure`, for a run that is already computed.

    ``result`` is the gradient-descent run started from ``arch.random_theta(seed)`` with this
    ``step`` (e.g. one run of a multistart survey); the figure is the one the widget draws for it.
    """
    if not isinstance(result, FitResult):
        raise TypeError(f"result must be a FitResult; got {type(result).__name__}")
    seed = check_nonnegative_int("seed", seed)
    step = check_positive_float("step", step)
    max_steps = _check_max_steps(max_steps)
    return FitHistoryPanels(1).show([result], [f"seed {seed}"], _title(result, seed, step), max_steps=max_steps).fig


def fit_result_live(*, max_steps: int | None = None):
    """The live counterpart of :func:`fit_result_figure`: ``render(result, seed=..., step=...)``
    returns the same picture as PNG bytes, drawn on one kept figure (:class:`nnlib.viz.live.LiveFigure`,
    available as ``render.live``), e.g. for the frames of a static twin over computed runs.
    """
    max_steps = _check_max_steps(max_steps)
    panels = FitHistoryPanels(1)

    def show(result, *, seed, step):
        if not isinstance(result, FitResult):
            raise TypeError(f"result must be a FitResult; got {type(result).__name__}")
        seed = check_nonnegative_int("seed", seed)
        step = check_positive_float("step", step)
        panels.show([result], [f"seed {seed}"], _title(result, seed, step), max_steps=max_steps)

    return live_renderer(panels, show)


class _RunCache:
    """The longest gradient-descent run computed so far per (seed, step), the ``max_runs`` latest kept.

    :meth:`result` returns what ``gradient_descent(arch, S, T, step=step, n_steps=n_steps,
    rng=seed, init_scale=init_scale, record_every=n_steps // 400 or 1)`` returns, bit for bit,
    advancing the stored run only by the steps it has not taken yet; except a run that blew up
    before ``n_steps``, which is recorded every ``it // 400`` steps up to its last finite
    iterate ``it`` (``_up_to_blow_up``), so that its curves show what ended it.  A run keeps its iterates
    (12 floats a step for the Theorem-1 network, 12 MB for 100 000 steps with the histories).
    """

    def __init__(self, arch, S, T, *, init_scale: float = 1.0, max_runs: int = 4):
        self.arch, self.S, self.T = arch, S, T
        self.init_scale = check_positive_float("init_scale", init_scale)
        self.max_runs = check_positive_int("max_runs", max_runs)
        self._runs: OrderedDict = OrderedDict()
        self.steps_taken = 0  # gradient steps computed by this cache (for tests and benchmarks)

    def _run(self, seed: int, step: float) -> Descent:
        key = (seed, step)
        run = self._runs.pop(key, None)
        if run is None:
            theta0 = self.arch.random_theta(seed, scale=self.init_scale)
            run = Descent(self.arch, self.S, self.T, theta0, step, keep_thetas=True)
        self._runs[key] = run
        while len(self._runs) > self.max_runs:
            self._runs.popitem(last=False)
        return run

    def advance(self, seed: int, step: float, n_steps: int, budget: int | None = None) -> Descent:
        """The run of (seed, step), advanced towards ``n_steps`` by at most ``budget`` steps (None: all)."""
        run = self._run(seed, step)
        if run.status == "finished" and run.it < n_steps:
            before = run.it
            run.advance(n_steps if budget is None else min(n_steps, run.it + budget))
            self.steps_taken += run.it - before
        return run

    def todo(self, seed: int, step: float, n_steps: int) -> int:
        """How many steps :meth:`result` still has to take for this setting (0: it only draws)."""
        run = self._runs.get((seed, step))
        if run is None:
            return n_steps
        return max(0, n_steps - run.it) if run.status == "finished" else 0

    def result(self, seed: int, step: float, n_steps: int, budget: int | None = None) -> FitResult:
        """The run of (seed, step) up to ``n_steps``; with a ``budget``, advanced by at most that
        many steps: if that falls short of ``n_steps`` (``todo`` > 0 afterwards) the result is
        the run so far, ``run.it`` steps recorded every ``n_steps // 400`` steps as the full run
        will be (so its curves are the first part of the full run's curves)."""
        run = self.advance(seed, step, n_steps, budget)
        if run.status == "finished" and run.it < n_steps:  # the budget ran out first
            return run.result(run.it, _record_every(n_steps))
        if run.status == "diverged" and run.it < n_steps:
            return _up_to_blow_up(run)
        return run.result(n_steps, _record_every(n_steps))


def _up_to_blow_up(run) -> FitResult:
    """A run that blew up after ``run.it`` steps, recorded every ``run.it // 400`` steps and at
    its last finite iterate: the curves then show the growth that ended it (recorded every
    ``n_steps // 400`` steps, a blow-up in the first steps would leave one point, an empty plot)."""
    res = run.result(run.it, _record_every(run.it))
    if res.steps[-1] != run.it:
        res = FitResult(res.theta, np.append(res.steps, run.it), np.append(res.loss_history, run.value),
                        np.append(res.norm_history, run.norm), np.append(res.grad_norm_history, run.gnorm),
                        res.method, "diverged")
    return FitResult(res.theta, res.steps, res.loss_history, res.norm_history, res.grad_norm_history,
                     res.method, "diverged")


def fit_live(arch, S, T, *, max_steps: int = 50000, init_scale: float = 1.0, max_runs: int = 4,
             chunk_steps: int | None = None):
    """The live renderer of :func:`fit_explorer`: ``render(step, n_steps, seed)`` returns PNG bytes.

    The picture is :func:`fit_history_figure` with this ``max_steps``; one figure is kept and
    only the curves, legends and title are redrawn (:class:`nnlib.viz.live.LiveFigure`, available
    as ``render.live``), and the runs come from a ``_RunCache`` (``render.runs``).

    With ``chunk_steps``, a call takes at most that many new gradient steps: if the run needs
    more, the picture is the run so far (titled "computing ...") and the rest follows by
    ``render.more()`` (one more chunk of the last setting; False, doing nothing, when no steps
    remain) and ``render.redraw()`` (the PNG of the last setting as computed so far).  Once
    ``more()`` returns False, ``redraw()`` is the picture of a call without ``chunk_steps`` (the same runs,
    bit for bit: a run advanced in chunks takes the same steps).  :func:`nnlib.viz.live.live_widget`
    runs these chunks in the kernel's event loop between slider moves.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
    T = as_matrix("T", T, rows=S.shape[0], cols=arch.q)
    max_steps = check_positive_int("max_steps", max_steps)
    if chunk_steps is not None:
        chunk_steps = check_positive_int("chunk_steps", chunk_steps)
    runs = _RunCache(arch, S, T, init_scale=init_scale, max_runs=max_runs)
    panels = FitHistoryPanels(1)
    last = {}  # the last setting drawn: step, n_steps, seed

    def show(step, n_steps, seed, *, budget=chunk_steps):
        step = check_positive_float("step", step)
        n_steps = check_nonnegative_int("n_steps", n_steps)
        seed = check_nonnegative_int("seed", seed)
        if n_steps > max_steps:
            raise ValueError(f"n_steps must lie in [0, max_steps = {max_steps}]; got {n_steps}")
        last.update(step=step, n_steps=n_steps, seed=seed)
        result = runs.result(seed, step, n_steps, budget)
        if runs.todo(seed, step, n_steps):
            title = f"seed {seed}, step {step:.3g}: computing … {int(result.steps[-1])} of {n_steps} steps so far"
        else:
            title = _title(result, seed, step)
        panels.show([result], [f"seed {seed}"], title, max_steps=max_steps)

    render = live_renderer(panels, show)
    render.runs = runs
    if chunk_steps is not None:
        def more() -> bool:
            """One more chunk of the last setting's run; False (and nothing done) when none is left."""
            if not last or not runs.todo(last["seed"], last["step"], last["n_steps"]):
                return False
            runs.advance(last["seed"], last["step"], last["n_steps"], chunk_steps)
            return True

        def redraw() -> bytes:
            """The PNG of the last setting, as far as its run is computed (no new steps)."""
            return render(**last, budget=0)

        render.more, render.redraw = more, redraw
    return render


#: The gradient steps :func:`fit_explorer` takes before it draws a new setting's first picture
#: (``fit_live(chunk_steps=...)``); the rest of the run follows in chunks of the same size.
EXPLORER_CHUNK_STEPS = 500


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

    Moving a slider redraws the two curves (loss and ||theta||) of :func:`fit_history_figure`
    on one live figure (:func:`fit_live`).  The number of steps answers while it is dragged
    (shorter runs are served from the longest one kept, longer ones extend it); the seed and the
    step size, each a new run of up to ``max_steps`` sequential steps, answer when released.  A move
    that needs more than ``EXPLORER_CHUNK_STEPS`` new steps first shows the run after that many
    (titled "computing ..."); the rest of the run follows in the kernel's event loop and the
    picture is redrawn when it is done, the same as drawing the whole run at once
    (:func:`fit_live` with ``chunk_steps``).  Returns an ``ipywidgets.VBox`` to display.
    """
    arch = check_arch(arch)
    S = check_sample(arch, S)
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
                                   readout_format=".1e", style=style, layout=layout,
                                   continuous_update=False)  # a new step size is a new run: on release only
    steps_slider = w.IntSlider(value=n_steps, min=0, max=max_steps, step=max(1, max_steps // 100),
                               description="number of steps", style=style, layout=layout)
    seed_slider = w.IntSlider(value=seed, min=0, max=max_seed, description="seed", style=style, layout=layout,
                              continuous_update=False)  # a new seed is a new run of n_steps steps
    render = fit_live(arch, S, T, max_steps=max_steps, chunk_steps=EXPLORER_CHUNK_STEPS)
    return explorer(render, {"step": step_slider, "n_steps": steps_slider, "seed": seed_slider},
                       rows=[["step", "n_steps"], ["seed"]])
