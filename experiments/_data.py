"""The one way the experiment scripts write their results: a CSV file in nnlib/data/ (package data).

Chapter 7 reads these files with ``nnlib.open_questions.read_table`` (importlib.resources, so
they travel with an installed nnlib); every value is written as ``str(value)`` (``None`` as an
empty field), as :mod:`csv` does.

Every script describes its work as independent *tasks* (``tasks()``: a list of dicts, each with
the CSV file it feeds, ``"table"``, and a unique ``"key"``) and computes one CSV row per task
(``compute(task)``).  ``experiments/run.py`` runs the tasks of every script on Dask;
:func:`run_sequential` runs one script's tasks in order in this process (``python
experiments/<script>.py``).  Both write the same files.
"""

import csv
import pathlib

# The package data of nnlib (pyproject.toml): the one copy of the results, read by the chapters.
DATA = pathlib.Path(__file__).resolve().parent.parent / "nnlib" / "data"


def write_rows(path: pathlib.Path, rows: list[dict]) -> None:
    """Write ``rows`` (dicts with the same keys, in column order) to the CSV file ``path``."""
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)


def as_text(row: dict) -> dict:
    """The row as the CSV writer would write it: ``str(value)``, ``None`` as ``""``."""
    return {k: "" if v is None else str(v) for k, v in row.items()}


def write_tables(tasks: list[dict], rows: list[dict], data: pathlib.Path = DATA) -> list[pathlib.Path]:
    """Write each table's rows, in task order, to ``data/<table>``; returns the paths written."""
    tables: dict[str, list] = {}
    for task, row in zip(tasks, rows):
        tables.setdefault(task["table"], []).append(row)
    for table, table_rows in tables.items():
        write_rows(data / table, table_rows)
    return [data / t for t in tables]


def run_sequential(module) -> None:
    """Compute every task of an experiment script in order, in this process, and write its tables."""
    tasks = module.tasks()
    rows = [module.compute(task) for task in tasks]
    for path in write_tables(tasks, rows):
        print(f"wrote {path}")
