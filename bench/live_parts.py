"""What each part of the live-figure machinery buys: one widget's slider moves with a part on and off.

:class:`nnlib.viz.live.LiveFigure` has three parts beyond keeping one figure alive: the blit
(still parts drawn once, kept as a background; only the moving artists drawn on each move), the
cache of backgrounds (``max_backgrounds``: coming back to axes limits seen before is a blit
again), and its own PNG encoder (:func:`nnlib.viz.live.encode_png`: unfiltered rows, zlib level
1, RGB when the figure is opaque).  Each variant below is one render function of the widget
(built the way the chapter builds it) with one part changed:

* ``as_is``: the widget as the book runs it;
* ``pil_png``: the PNG written by Pillow from the same pixels, as matplotlib's ``savefig`` /
  ``print_png`` writes it (``matplotlib.image.imsave``: RGBA, Pillow's default compression);
* ``pil_png_fast``: Pillow with ``compress_level=1`` on the RGB pixels (the encoder's own settings);
* ``rgba``: ``encode_png`` of the RGBA pixels (no RGB drop);
* ``no_blit``: every move a full draw (the background cache emptied before each move);
* ``one_background``: ``max_backgrounds=1`` (only the last limits are remembered).

The moves are the sweep of :mod:`bench.widget_registry`; the variants are interleaved move by
move (each variant its own renderer, fed the same sequence), so that the machine's load falls on
all of them alike.  Wall and CPU (``process_time``) seconds per move, and PNG bytes.

    .venv/bin/python -m bench.live_parts [--repeats 2] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import io
import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from .common import load, log, stats, write  # noqa: E402
from .widget_registry import WIDGETS  # noqa: E402

VARIANTS = ("as_is", "pil_png", "pil_png_fast", "rgba", "no_blit", "one_background")


def _pil_png(live, *, fast: bool) -> bytes:
    from PIL import Image

    pixels = np.asarray(live.canvas.buffer_rgba())
    buf = io.BytesIO()
    if fast:
        Image.fromarray(np.ascontiguousarray(pixels[:, :, :3])).save(
            buf, format="png", compress_level=1
        )
    else:  # what matplotlib.image.imsave does with format="png"
        Image.fromarray(pixels).save(buf, format="png")
    return buf.getvalue()


def _rgba_png(live) -> bytes:
    from nnlib.viz.live import encode_png

    return encode_png(np.asarray(live.canvas.buffer_rgba()), level=live.compress_level)


def variant(render, name: str):
    """``render`` with one part of its LiveFigure changed (see the module docstring); a move function."""
    live = render.live
    if name == "pil_png":
        live.png = lambda: _pil_png(live, fast=False)
    elif name == "pil_png_fast":
        live.png = lambda: _pil_png(live, fast=True)
    elif name == "rgba":
        live.png = lambda: _rgba_png(live)
    elif name == "one_background":
        live.max_backgrounds = 1
    elif name not in ("as_is", "no_blit"):
        raise ValueError(f"name must be one of {VARIANTS}; got {name!r}")

    def move(values):
        if name == "no_blit":
            live._backgrounds.clear()
        w0, c0 = time.perf_counter(), time.process_time()
        png = render(**values)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        more = getattr(render, "more", None)  # fit_explorer: the rest of the run, untimed
        if more is not None and more():
            while more():
                pass
            render.redraw()
        return wall, cpu, live.last_mode, len(png)

    return move


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=VARIANTS)
    args = ap.parse_args(argv)

    from nnlib.viz import plotting

    plotting.use_book_style()
    load_before = load()
    rows, results = [], {}
    for wdg in WIDGETS:
        if args.only and wdg.name not in args.only or not wdg.live:
            continue
        fixed, sweep = wdg.setup(), wdg.sweep()
        factory = wdg.resolve(wdg.live)
        moves = {}
        for name in args.variants:
            moves[name] = variant(factory(**fixed), name)
            moves[name](sweep[-1])  # warm-up: the widget's opening picture
        for r in range(args.repeats):
            for i, values in enumerate(sweep):
                names = (
                    args.variants[i % len(args.variants) :]
                    + args.variants[: i % len(args.variants)]
                )
                for name in names:  # a rotating order: no variant always runs first
                    wall, cpu, mode, size = moves[name](values)
                    rows.append(
                        {
                            "widget": wdg.name,
                            "variant": name,
                            "repeat": r + 1,
                            "move": i,
                            "wall_s": wall,
                            "cpu_s": cpu,
                            "mode": mode,
                            "png_bytes": size,
                        }
                    )
        out = {}
        for name in args.variants:
            mine = [rw for rw in rows if rw["widget"] == wdg.name and rw["variant"] == name]
            out[name] = {
                "wall": stats([rw["wall_s"] for rw in mine]),
                "cpu": stats([rw["cpu_s"] for rw in mine]),
                "png_bytes_median": float(np.median([rw["png_bytes"] for rw in mine])),
                "full_draws": sum(rw["mode"] == "full" for rw in mine),
                "moves": len(mine),
            }
            log(
                f"[live_parts] {wdg.name:24s} {name:15s} wall median {1e3 * out[name]['wall']['median']:6.1f} ms "
                f"p95 {1e3 * out[name]['wall']['p95']:6.1f} | cpu median {1e3 * out[name]['cpu']['median']:6.1f} ms "
                f"p95 {1e3 * out[name]['cpu']['p95']:6.1f} | png {out[name]['png_bytes_median'] / 1e3:5.0f} kB "
                f"| full {out[name]['full_draws']}/{out[name]['moves']} | load {load()[0]}"
            )
        results[wdg.name] = out
    write(
        "live_parts", {"load_before": load_before, "load_after": load(), "widgets": results}, rows
    )


if __name__ == "__main__":
    main()
