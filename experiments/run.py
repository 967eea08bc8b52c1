"""Run the experiment scripts of experiments/ on Dask and regenerate nnlib/data/ (``make data``).

Every script (generic_dimension, generic_rank, escape_survey, polynomial_dimension) lists
independent tasks (``tasks()``) and computes one CSV row per task (``compute(task)``); see
experiments/_data.py.  This runner sends the tasks of the scripts named (default: all) to a Dask
``distributed`` cluster -- a LocalCluster with one single-threaded worker process per core of
this machine, or the scheduler at ``--scheduler ADDRESS`` -- and, as results come back, appends
them to a Parquet dataset (``--results``, default experiments/results/<script>/<table>/, one
part file per batch of finished tasks; every value stored as the text the CSV will hold).  A
re-run reads the dataset first and skips the tasks already there, so an interrupted run resumes
where it stopped.  A progress bar on stderr counts finished tasks.  When every task of a table is
done, its CSV is written to nnlib/data/ (``--data``; package data) in task order, in exactly the format
the scripts wrote before (chapter 7 reads them).

    .venv/bin/python experiments/run.py [SCRIPT ...] [--scheduler ADDRESS] [--workers N]
                                        [--results DIR] [--data DIR] [--max-tasks N]

Needs the ``experiments`` extra (pip install -e '.[experiments]': dask, distributed, pyarrow).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
SCRIPTS = ("generic_dimension", "polynomial_dimension", "generic_rank", "escape_survey", "certified_dimension")
_INSTALL = "experiments/run.py needs the experiments extra: pip install -e '.[experiments]' (dask, distributed, pyarrow)"


def _deps():
    try:
        import cloudpickle
        import distributed
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise SystemExit(f"{_INSTALL}\n({exc})") from exc
    return cloudpickle, distributed, pyarrow


def load_script(path) -> object:
    """Import an experiment script by path; its functions are pickled by value (workers need no copy)."""
    path = pathlib.Path(path)
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))  # the scripts' shared _data module
    name = f"experiment_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    for attr in ("tasks", "compute"):
        if not callable(getattr(module, attr, None)):
            raise ValueError(f"script {path} must define {attr}(): see experiments/_data.py")
    cloudpickle, _, _ = _deps()
    cloudpickle.register_pickle_by_value(module)
    return module


def _as_text(row: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in row.items()}


def _compute_text(compute, task):
    """Run on a worker: the row as the text the CSV will hold."""
    return _as_text(compute(task))


def read_done(folder: pathlib.Path) -> dict:
    """The finished rows of one table's dataset: {task key: row (dict of text)}; empty if none yet."""
    _, _, pa = _deps()
    import pyarrow.parquet as pq

    parts = sorted(folder.glob("part-*.parquet")) if folder.exists() else []
    done = {}
    for part in parts:
        for rec in pq.read_table(part).to_pylist():
            key = rec.pop("_key")
            rec.pop("_order", None)
            done[key] = rec
    return done


def append_rows(folder: pathlib.Path, batch: list) -> pathlib.Path:
    """Append finished (order, key, row) triples as one new Parquet part file (all columns text)."""
    _, _, pa = _deps()
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    cols = ["_order", "_key"] + list(batch[0][2])
    table = pa.table({c: pa.array([(str(o) if c == "_order" else k if c == "_key" else row[c]) for o, k, row in batch],
                                  type=pa.string()) for c in cols})
    path = folder / f"part-{time.time_ns():020d}-{os.getpid()}.parquet"
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.rename(path)  # a part appears whole or not at all
    return path


class Progress:
    """A one-line text progress bar on stderr."""

    def __init__(self, label: str, total: int, done: int = 0, stream=None):
        self.label, self.total, self.done, self.t0 = label, total, done, time.perf_counter()
        self.stream = stream or sys.stderr
        self.draw()

    def advance(self, k: int = 1) -> None:
        self.done += k
        self.draw()

    def draw(self) -> None:
        width = 30
        frac = self.done / self.total if self.total else 1.0
        tty = getattr(self.stream, "isatty", lambda: False)()
        tenth = int(frac * 10)
        if not tty and self.done < self.total and tenth == getattr(self, "_tenth", None):
            return  # in a log file: one line per tenth, not one per task
        self._tenth = tenth
        bar = "#" * int(round(frac * width))
        self.stream.write(f"{chr(13) if tty else ''}{self.label:>22} [{bar:<{width}}] {self.done}/{self.total} "
                          f"{time.perf_counter() - self.t0:6.1f} s")
        if self.done >= self.total or not tty:
            self.stream.write("\n")
        self.stream.flush()


def run_script(client, module, name: str, results: pathlib.Path, data: pathlib.Path, max_tasks: int | None = None,
               stream=None) -> dict:
    """Run one script's unfinished tasks on ``client``; write each complete table's CSV.  Returns counts."""
    _, distributed, _ = _deps()
    from _data import write_rows  # noqa: E402 (experiments/_data.py, on sys.path via load_script)

    tasks = module.tasks()
    keys = [t["key"] for t in tasks]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{name}: task keys must be unique")
    folders = {t["table"]: results / name / pathlib.Path(t["table"]).stem for t in tasks}
    done = {table: read_done(folder) for table, folder in folders.items()}
    todo = [(i, t) for i, t in enumerate(tasks) if t["key"] not in done[t["table"]]]
    skipped = len(tasks) - len(todo)
    if max_tasks is not None:
        todo = todo[:max_tasks]
    bar = Progress(name, skipped + len(todo), skipped, stream)
    futures, index = [], {}
    for i, t in todo:
        fut = client.submit(_compute_text, module.compute, t, pure=False)
        futures.append(fut)
        index[fut.key] = (i, t)
    computed = 0
    if futures:
        for batch in distributed.as_completed(futures, with_results=True).batches():
            by_table: dict = {}
            for fut, row in batch:
                i, t = index[fut.key]
                by_table.setdefault(t["table"], []).append((i, t["key"], row))
                done[t["table"]][t["key"]] = row
            for table, rows in by_table.items():
                append_rows(folders[table], rows)
            computed += len(batch)
            bar.advance(len(batch))
    written = []
    for table in folders:
        table_tasks = [t for t in tasks if t["table"] == table]
        if all(t["key"] in done[table] for t in table_tasks):
            write_rows(data / table, [done[table][t["key"]] for t in table_tasks])
            written.append(str(data / table))
    return {"tasks": len(tasks), "skipped": skipped, "computed": computed, "written": written}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scripts", nargs="*", default=list(SCRIPTS), help=f"scripts to run (default: {' '.join(SCRIPTS)})")
    ap.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="LocalCluster worker processes, one thread each (default: the machine's cores)")
    ap.add_argument("--results", type=pathlib.Path, default=HERE / "results", help="Parquet datasets of finished rows")
    ap.add_argument("--data", type=pathlib.Path, default=HERE.parent / "nnlib" / "data", help="where the CSVs are written")
    ap.add_argument("--max-tasks", type=int, default=None, help="run at most this many unfinished tasks per script")
    args = ap.parse_args(argv)
    _, distributed, _ = _deps()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # inherited by LocalCluster's worker processes
    modules = {}
    for name in args.scripts:
        path = HERE / f"{name}.py"
        if not path.exists():
            raise SystemExit(f"scripts: no experiment script {path}; known: {', '.join(SCRIPTS)}")
        modules[name] = load_script(path)
    if args.scheduler:
        client = distributed.Client(args.scheduler)
        cluster = None
    else:
        cluster = distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        client = distributed.Client(cluster)
    try:
        for name, module in modules.items():
            out = run_script(client, module, name, args.results, args.data, args.max_tasks)
            print(f"{name}: {out['computed']} computed, {out['skipped']} already done, of {out['tasks']}; "
                  f"wrote {', '.join(out['written']) or 'nothing (tasks left)'}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
