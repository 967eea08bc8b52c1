"""The one way the experiment scripts write their results: a CSV file in experiments/data/.

Chapter 7 reads these files with ``csv.DictReader``; every value is written as ``str(value)``.
"""

import csv
import pathlib

DATA = pathlib.Path(__file__).parent / "data"


def write_rows(path: pathlib.Path, rows: list[dict]) -> None:
    """Write ``rows`` (dicts with the same keys, in column order) to the CSV file ``path``."""
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
