"""Print pip constraints pinning nnlib's dependencies at the lower bounds of pyproject.toml.

``make test-oldest`` installs nnlib with these constraints into ``.venv-oldest`` and runs the unit
tests there, so the oldest versions the project claims to support (numpy 2.0, matplotlib 3.8.4:
what Pyodide 0.27 ships, for the browser copy of the book) are tested, not just claimed. Every
dependency must have a ``>=`` lower bound; one without fails here, naming it.

Usage: ``python tests/oldest_constraints.py [pyproject.toml] > constraints.txt``
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

# Transitive dependencies pinned to what Pyodide 0.27 ships with matplotlib 3.8.4: matplotlib 3.8
# calls pyparsing APIs that pyparsing 3.3 deprecates, and the tests turn warnings into errors.
TRANSITIVE = ["pyparsing==3.1.2"]


def lower_bounds(pyproject: Path) -> list[str]:
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for dep in deps:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(.*)$", dep)
        name, spec = m.group(1), m.group(2)
        low = re.search(r">=\s*([0-9][^,;\s]*)", spec)
        if low is None:
            raise SystemExit(f"{pyproject}: dependency {dep!r} has no '>=' lower bound to test")
        pins.append(f"{name}=={low.group(1)}")
    return pins + TRANSITIVE


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "pyproject.toml"
    print("\n".join(lower_bounds(path)))
