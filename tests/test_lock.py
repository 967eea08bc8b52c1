"""The pinned environment: requirements-lock.txt against pyproject.toml and the running .venv.

``make venv`` installs exactly the lock (``pip install --require-hashes -r requirements-lock.txt``,
then nnlib with ``--no-deps``); ``make lock`` makes it from pyproject.toml's ranges. These tests
check that the lock still covers every requirement of pyproject.toml that it is made from, that
every entry carries hashes, and that the environment running the tests has exactly the locked
versions when it is the repository's own .venv.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements-lock.txt"
LOCKED_EXTRAS = ("book", "test")  # what `make venv` installs (see the Makefile)


def read_lock(path=LOCK):
    """The lock's entries: canonical name -> (version, marker or None, number of hashes)."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    entries = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*(.*?))?\s*((?:--hash=\S+\s*)*)$", line)
        assert m, f"{path.name}: cannot read the line {line!r} (expected name==version [; marker] --hash=...)"
        name, version, marker, hashes = m.groups()
        entries[canonicalize_name(name)] = (version, marker, len(hashes.split()))
    return entries


def project_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in LOCKED_EXTRAS:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def test_every_requirement_of_pyproject_is_locked_at_a_version_it_allows():
    lock = read_lock()
    problems = []
    for req in project_requirements():
        name = canonicalize_name(req.name)
        if name not in lock:
            problems.append(f"{req} is not in the lock")
        elif not req.specifier.contains(lock[name][0], prereleases=True):
            problems.append(f"{req} does not allow the locked {name}=={lock[name][0]}")
    assert not problems, "requirements-lock.txt is out of date, run `make lock`:\n" + "\n".join(problems)


def test_every_locked_package_has_its_hashes():
    unhashed = [name for name, (_, _, n) in read_lock().items() if n == 0]
    assert not unhashed, f"entries without --hash (pip --require-hashes refuses them): {unhashed}"


def _in_repo_venv():
    venv = ROOT / ".venv"
    return venv.is_dir() and Path(sys.prefix).resolve() == venv.resolve()


@pytest.mark.skipif(
    not _in_repo_venv(),
    reason=f"not running from the repository's .venv (sys.prefix is {sys.prefix}): "
    "only the environment `make venv` makes from the lock must match it",
)
def test_the_running_venv_has_exactly_the_locked_versions():
    wrong = differences_from_environment(read_lock())
    assert not wrong, "the .venv differs from requirements-lock.txt (run `make venv`):\n" + "\n".join(wrong)


def differences_from_environment(lock):
    """Each locked package (for this platform) that is missing or at another version here."""
    wrong = []
    for name, (version, marker, _) in lock.items():
        if marker and not Marker(marker).evaluate():
            continue  # for another platform (e.g. appnope on macOS)
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name}: locked {version}, not installed")
            continue
        if installed != version:
            wrong.append(f"{name}: locked {version}, installed {installed}")
    return wrong


def test_a_version_other_than_the_locked_one_is_reported():
    lock = {
        "pytest": ("0.0.1", None, 1),
        "no-such-package-nnlib": ("1.0", None, 1),
        "appnope-elsewhere": ("1.0", "sys_platform == 'no-such-platform'", 1),
    }
    assert differences_from_environment(lock) == [
        f"pytest: locked 0.0.1, installed {importlib.metadata.version('pytest')}",
        "no-such-package-nnlib: locked 1.0, not installed",
    ]


def test_the_lock_reader_sees_a_wrong_line(tmp_path):
    bad = tmp_path / "lock.txt"
    bad.write_text("numpy>=2 \\\n    --hash=sha256:00\n")
    with pytest.raises(AssertionError, match="cannot read"):
        read_lock(bad)
