"""Part 2: widget responsiveness.

Every widget of :data:`bench.widget_registry.WIDGETS` is driven headless with a sweep of slider
values; one move's latency is the time from the new values to the PNG bytes in memory.

* A widget drawn on a :class:`nnlib.viz.live.LiveFigure` (registry field ``live``): its render
  function is built once (untimed, as when the chapter displays the widget, including the first
  full drawing), then each move calls ``render(**values)``, which updates the figure and returns
  the PNG the widget's image shows.  Each move is also labelled "full" (the still parts drawn
  again, because the axes limits changed to ones not seen before) or "blit".
* Any other widget: its figure callback builds a new figure, rendered the way the notebook
  displays it (IPython's ``print_figure``, as ``display(fig)`` does), then closed.

One untimed warm-up move per widget; the sweep is run ``--repeats`` times.  Medians and p95 are
over all moves; for live widgets the report also gives the first pass alone (every setting seen
for the first time, so nothing comes from a cache), and, for sweeps that add one-control moves
after their scattered settings (registry field ``scattered``), each kind alone.

    .venv/bin/python -m bench.widgets [--repeats 2] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from .common import load, log, stats, write  # noqa: E402
from .widget_registry import WIDGETS  # noqa: E402

TARGET_MEDIAN = 0.050
TARGET_P95 = 0.150


def live_move(render, values: dict) -> tuple[float, str, int, float]:
    """One slider move of a live widget: returns (seconds, "full" or "blit", PNG bytes, seconds to the
    final picture).

    A renderer that computes in chunks (``render.more``, e.g. fit_explorer's) returns its first
    picture at once: that is the move's latency; the widget then runs the remaining chunks in the
    kernel's event loop and redraws, which is done here before the next move (the last number).
    """
    t0 = time.perf_counter()
    png = render(**values)
    elapsed = time.perf_counter() - t0
    live = getattr(render, "live", None)
    mode = live.last_mode if live is not None else ""
    more = getattr(render, "more", None)
    if more is not None and more():
        while more():
            pass
        render.redraw()
    return elapsed, mode, len(png), time.perf_counter() - t0


def move(callback, fixed: dict, values: dict) -> tuple[float, float, int]:
    """One slider move: the callback, the PNG rendering, closing the figure.

    Returns (total seconds, seconds spent in the callback, PNG bytes); the rest is rendering.
    """
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    from nnlib.viz.plotting import PRINT_FIGURE_KWARGS

    t0 = time.perf_counter()
    fig = callback(**fixed, **values)
    t1 = time.perf_counter()
    png = print_figure(fig, "png", **PRINT_FIGURE_KWARGS)
    plt.close(fig)
    return time.perf_counter() - t0, t1 - t0, len(png)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args(argv)

    from nnlib.viz import plotting

    plotting.use_book_style()
    load_before = load()
    results, rows = {}, []
    for wdg in WIDGETS:
        if args.only and wdg.name not in args.only:
            continue
        t0 = time.perf_counter()
        fixed = wdg.setup()
        sweep = wdg.sweep()
        times, computes, first_pass, modes, scattered, one_control, finals = [], [], [], [], [], [], []
        if wdg.live:
            render = wdg.resolve(wdg.live)(**fixed)  # builds the figure and draws it once
            setup_s = time.perf_counter() - t0
            warm, _, _, _ = live_move(render, sweep[-1])  # warm-up: the slider's opening move
        else:
            setup_s = time.perf_counter() - t0
            callback = wdg.resolve()
            warm, _, _ = move(callback, fixed, sweep[0])  # warm-up (imports, caches, font loading)
        # A widget whose move takes seconds is far off its target either way: one pass is enough.
        for r in range(args.repeats if warm < 1.0 else 1):
            for i, values in enumerate(sweep):
                if wdg.live:
                    t, mode, size, done = live_move(render, values)
                    c = float("nan")
                    modes.append(mode)
                else:
                    t, c, size = move(callback, fixed, values)
                    mode, done = "", t
                times.append(t)
                finals.append(done)
                computes.append(c)
                if r == 0:
                    first_pass.append(t)
                (scattered if wdg.scattered is None or i < wdg.scattered else one_control).append(t)
                rows.append({"widget": wdg.name, "chapter": wdg.chapter, "repeat": r + 1, "move": i,
                             "values": repr(values), "seconds": round(t, 5), "final_seconds": round(done, 5),
                             "callback_seconds": round(c, 5),
                             "mode": mode, "png_bytes": size})
        st = stats(times)
        slowest = max(range(len(sweep)), key=lambda i: sum(rw["seconds"] for rw in rows
                                                              if rw["widget"] == wdg.name and rw["move"] == i))
        results[wdg.name] = {"chapter": wdg.chapter, "callback": wdg.live or wdg.callback, "live": bool(wdg.live),
                             "setup_s": setup_s, "latency": st, "first_pass": stats(first_pass),
                             "final_picture": stats(finals),
                             "full_draws": modes.count("full"), "blits": modes.count("blit"),
                             "scattered": stats(scattered) if one_control else None,
                             "one_control": stats(one_control) if one_control else None,
                             "callback_median_s": None if wdg.live else stats(computes)["median"],
                             "n_values": len(sweep), "slowest_values": sweep[slowest]}
        log(f"[widgets] {wdg.name}: median {1e3 * st['median']:.0f} ms, p95 {1e3 * st['p95']:.0f} ms "
            f"({st['n']} moves; final picture median {1e3 * stats(finals)['median']:.0f} ms, "
            f"p95 {1e3 * stats(finals)['p95']:.0f} ms) load {load()[0]}")
    write("widgets", {"load_before": load_before, "load_after": load(), "widgets": results,
                      "target_median_s": TARGET_MEDIAN, "target_p95_s": TARGET_P95}, rows)


if __name__ == "__main__":
    main()
