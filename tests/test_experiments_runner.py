"""experiments/run.py: the Dask runner of the experiment scripts, on a 2-worker LocalCluster and a tiny grid."""

from __future__ import annotations

import csv
import importlib.util
import io
import pathlib
import sys

import pytest

pytest.importorskip("distributed", reason="the runner needs the experiments extra (dask, distributed, pyarrow)")
pytest.importorskip("pyarrow")

from distributed import Client, LocalCluster  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "experiments"

TINY = '''
"""A tiny experiment: two tables, rows with ints, floats, text, booleans and an empty field."""
import os, pathlib

MARKS = pathlib.Path(os.environ["RUNNER_TEST_MARKS"])


def tasks():
    return ([dict(table="squares.csv", key=f"s{i}", i=i) for i in range(5)]
            + [dict(table="halves.csv", key=f"h{i}", i=i) for i in range(3)])


def compute(t):
    (MARKS / f"{t['key']}-{os.getpid()}").touch()   # one mark per execution
    if t["table"] == "squares.csv":
        return dict(i=t["i"], square=t["i"] ** 2, even=t["i"] % 2 == 0, note=None if t["i"] else "zero")
    return dict(i=t["i"], half=t["i"] / 2, text=f"{t['i'] / 3:.3g}")
'''


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runner():
    if str(EXPERIMENTS) not in sys.path:
        sys.path.insert(0, str(EXPERIMENTS))
    return _load("experiments_run", EXPERIMENTS / "run.py")


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture
def tiny(tmp_path, monkeypatch, runner):
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("RUNNER_TEST_MARKS", str(marks))  # read when the module is loaded, pickled by value
    (tmp_path / "tiny.py").write_text(TINY)
    return runner.load_script(tmp_path / "tiny.py"), tmp_path, marks


def test_the_runner_writes_the_same_csv_as_the_sequential_script_on_a_2_worker_cluster(runner, client, tiny):
    import _data

    module, tmp, _ = tiny
    out = runner.run_script(client, module, "tiny", tmp / "results", tmp / "data", stream=io.StringIO())
    assert out["computed"] == 8 and out["skipped"] == 0 and len(out["written"]) == 2
    tasks = module.tasks()
    _data.write_tables(tasks, [module.compute(t) for t in tasks], tmp / "sequential")
    for table in ("squares.csv", "halves.csv"):
        assert (tmp / "data" / table).read_bytes() == (tmp / "sequential" / table).read_bytes()
    rows = list(csv.DictReader(io.StringIO((tmp / "data" / "squares.csv").read_text())))
    assert rows[0] == {"i": "0", "square": "0", "even": "True", "note": "zero"} and rows[1]["note"] == ""


def test_a_rerun_skips_finished_rows_and_an_interrupted_run_resumes(runner, client, tiny):
    module, tmp, marks = tiny
    first = runner.run_script(client, module, "tiny", tmp / "results", tmp / "data", max_tasks=3, stream=io.StringIO())
    assert first["computed"] == 3 and first["written"] == []          # tables incomplete: no CSV yet
    assert not (tmp / "data" / "squares.csv").exists()
    assert len(runner.read_done(tmp / "results" / "tiny" / "squares")) == 3
    second = runner.run_script(client, module, "tiny", tmp / "results", tmp / "data", stream=io.StringIO())
    assert (second["skipped"], second["computed"]) == (3, 5) and len(second["written"]) == 2
    third = runner.run_script(client, module, "tiny", tmp / "results", tmp / "data", stream=io.StringIO())
    assert (third["skipped"], third["computed"]) == (8, 0)
    keys = sorted(p.name.split("-")[0] for p in marks.iterdir())
    assert keys == sorted(t["key"] for t in module.tasks())              # every task ran exactly once
    assert len({p.name.split("-")[1] for p in marks.iterdir()}) <= 2     # on the cluster's two worker processes


def test_the_progress_bar_counts_finished_tasks(runner, client, tiny):
    module, tmp, _ = tiny
    stream = io.StringIO()
    runner.run_script(client, module, "tiny", tmp / "results", tmp / "data", stream=stream)
    assert "8/8" in stream.getvalue() and "0/8" in stream.getvalue()


def test_a_real_script_gives_the_committed_csv_columns_and_values(runner, client, tmp_path):
    # The first two rows of chapter 7's generic-dimension table, through the runner: same columns
    # in the same order, same values except the gap, a ratio at rounding level that differs
    # between machines (BLAS kernels) in its digits.
    module = runner.load_script(EXPERIMENTS / "generic_dimension.py")
    out = runner.run_script(client, module, "generic_dimension", tmp_path / "results", tmp_path / "data",
                            max_tasks=2, stream=io.StringIO())
    assert out["computed"] == 2
    got = runner.read_done(tmp_path / "results" / "generic_dimension" / "generic_dimension")
    committed = list(csv.DictReader(io.StringIO((EXPERIMENTS.parent / "nnlib" / "data" / "generic_dimension.csv").read_text())))
    for key in ("0", "1"):
        row, want = got[key], committed[int(key)]
        assert list(row) == list(want)
        assert {k: v for k, v in row.items() if k != "gap"} == {k: v for k, v in want.items() if k != "gap"}
