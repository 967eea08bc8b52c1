"""tools/stability.py, the authors' report of outputs that change across numeric configurations,
on a tiny synthetic notebook: a cell printing an environment variable differs between two
configurations that set it differently, a glued value taken from it too; stable lines and glued
values are not reported, and two identical configurations report nothing."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import numeric_matrix as nm  # noqa: E402
from tools import stability  # noqa: E402

CELLS = [
    'print("stable line", 2 + 2)',
    'import os\nprint("a second stable line")\nprint("probe", os.environ.get("NNLIB_STABILITY_PROBE", "unset"))',
    'from myst_nb import glue\nglue("stable_value", 4, display=False)\n'
    'glue("probe_value", os.environ.get("NNLIB_STABILITY_PROBE", "unset"), display=False)',
    "print(object())",  # a memory address: sanitized, as nbval does
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("stability") / "tiny.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def configs(*values):
    return [nm.Config(f"probe-{v}", {"NNLIB_STABILITY_PROBE": v}, "test") for v in values]


@pytest.fixture(scope="module")
def differing_runs(notebook):
    return stability.run(notebook, configs("a", "b"), stored=False, log=lambda s: None)


def test_a_line_printing_a_differing_value_is_reported_side_by_side(notebook, differing_runs):
    nb, runs = differing_runs
    cell_diffs, glue_diffs = stability.compare(runs)
    assert cell_diffs == [(1, [(1, {"probe-a": "probe a", "probe-b": "probe b"})])]
    assert glue_diffs == [("probe_value", {"probe-a": "'a'", "probe-b": "'b'"})]
    out = io.StringIO()
    assert stability.report(notebook, nb, runs, out=out) == (1, 1)
    text = out.getvalue()
    assert "1 of 4 code cells print differently, 1 of 2 glued values differ" in text
    assert "probe-a | probe a" in text and "probe-b | probe b" in text
    assert "stable" not in text.replace("stable_value", "")  # no stable line is shown
    assert "stable_value" not in text


def test_identical_configurations_report_no_difference(notebook):
    nb, runs = stability.run(notebook, configs("a", "a"), stored=False, log=lambda s: None)
    assert runs["probe-a"][0][0] == ["stable line 4"]
    out = io.StringIO()
    assert stability.report(notebook, nb, runs, out=out) == (0, 0)
    assert "0 of 4 code cells print differently, 0 of 2 glued values differ" in out.getvalue()


def test_outputs_differing_in_length_are_shown_whole():
    runs = {"x": ([["one", "two"]], {}), "y": ([["one"]], {})}
    assert stability.compare(runs) == ([(0, {"x": ["one", "two"], "y": ["one"]})], [])


def test_a_configuration_this_cpu_lacks_is_named_as_unavailable():
    needy = nm.Config("future", {"OPENBLAS_CORETYPE": "Future"}, "test", needs=("avx1024",), x86_only=True)
    assert nm.unavailable(needy, flags={"avx2"}, machine="x86_64") == "the CPU lacks avx1024"
    assert "x86-64" in nm.unavailable(needy, flags={"avx1024"}, machine="arm64")
    assert nm.unavailable(needy, flags={"avx1024"}, machine="x86_64") is None


def test_every_configuration_resets_the_matrix_variables_then_sets_its_own():
    base = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1", "OMP_NUM_THREADS": "8", "HOME": "/h"}
    auto = nm.environment(nm.BY_NAME["auto"], base)
    assert "OPENBLAS_CORETYPE" not in auto and "OPENBLAS_L2_SIZE" not in auto
    assert auto["OMP_NUM_THREADS"] == auto["OPENBLAS_NUM_THREADS"] == "1" and auto["HOME"] == "/h"
    assert nm.environment(nm.BY_NAME["sandybridge"], base)["OPENBLAS_CORETYPE"] == "Sandybridge"
    assert nm.environment(nm.BY_NAME["threads2"], base)["OPENBLAS_NUM_THREADS"] == "2"
