"""The widget benchmark (bench/widgets.py) covers every widget of the book.

bench/widget_registry.py lists each widget builder with the callback behind it; a widget cell
added to a chapter, or an ``*_explorer`` builder added to nnlib, must be listed there too, or
the benchmark would silently leave it out.  (This checks names, not speed: timings belong in
bench/, never in tests.)
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CALL = re.compile(r"\b([A-Za-z_]\w*_explorer)\s*\(")
INTERACT = re.compile(r"\b(interact|interactive|interactive_output)\s*\(")


def _registry():
    spec = importlib.util.spec_from_file_location("bench_widget_registry", ROOT / "bench" / "widget_registry.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


REGISTRY = _registry()


def _widget_cells():
    """(chapter, cell index, source) of every code cell that builds a widget."""
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and (CALL.search(cell.source) or INTERACT.search(cell.source)):
                yield path.stem, i, cell.source


WIDGET_CELLS = list(_widget_cells())


def test_the_chapters_have_widget_cells_to_check():
    assert len(WIDGET_CELLS) >= 8


@pytest.mark.parametrize("chapter, index, source", WIDGET_CELLS, ids=[f"{c}-cell{i}" for c, i, _ in WIDGET_CELLS])
def test_every_widget_cell_calls_a_builder_listed_in_the_benchmark_registry(chapter, index, source):
    names = CALL.findall(source)
    assert names, f"{chapter} cell {index} builds a widget without an nnlib *_explorer builder: register its callback"
    for name in names:
        assert name in REGISTRY.NAMES, f"{name} ({chapter} cell {index}) is missing from bench/widget_registry.py"
        assert any(w.name == name and w.chapter == chapter for w in REGISTRY.WIDGETS), (
            f"{name} is registered under another chapter than {chapter}")


def test_every_explorer_builder_of_nnlib_is_in_the_registry():
    defined = set()
    for path in (ROOT / "nnlib").rglob("*.py"):
        defined |= set(re.findall(r"^def ([A-Za-z]\w*_explorer)\(", path.read_text(), re.M))
    assert defined, "no *_explorer builders found in nnlib"
    assert defined <= REGISTRY.NAMES, f"not in bench/widget_registry.py: {sorted(defined - REGISTRY.NAMES)}"


@pytest.mark.parametrize("widget", REGISTRY.WIDGETS, ids=[w.name for w in REGISTRY.WIDGETS])
def test_every_registered_callback_exists_and_its_sweep_is_not_empty(widget):
    assert callable(widget.resolve())
    assert len(widget.sweep()) >= 5


# Their setup computes chapter 4's price-of-boundedness and weight-decay paths (minutes on a loaded
# machine); that their renderers take R= and lam= by name is tested in test_illposed.py.
_HEAVY_SETUP = {"boundedness_explorer", "weight_decay_explorer"}
_LIVE = [w for w in REGISTRY.WIDGETS if w.live and w.name not in _HEAVY_SETUP]


@pytest.mark.parametrize("widget", _LIVE, ids=[w.name for w in _LIVE])
def test_every_live_renderer_draws_its_sweeps_settings_passed_by_name(widget):
    """bench/widgets.py calls render(**values) with the sweep's names: a renderer must take them."""
    render = widget.resolve(widget.live)(**widget.setup())
    sweep = widget.sweep()
    for values in (sweep[0], sweep[-1]):
        assert render(**values)[:8] == b"\x89PNG\r\n\x1a\n", values
