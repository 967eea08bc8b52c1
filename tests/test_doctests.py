"""The examples in nnlib's docstrings run and give the printed results.

Every module of the package is found by ``pkgutil``, so a new module is tested without editing
this file; it must carry docstring examples unless it is listed in ``WITHOUT_EXAMPLES``.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import nnlib

MODULES = ["nnlib"] + sorted(info.name for info in pkgutil.walk_packages(nnlib.__path__, "nnlib."))

# Modules whose work is drawing, solving or validating, where an example would only restate a test.
WITHOUT_EXAMPLES = {"nnlib", "nnlib._checks", "nnlib._kernel", "nnlib.fitting", "nnlib.illposed", "nnlib.viz", "nnlib.viz.plotting",
                    "nnlib.viz.fitting", "nnlib.viz.geometry", "nnlib.viz.illposed", "nnlib.viz.generic",
                    "nnlib.viz.escape", "nnlib.viz.smooth"}


def test_module_discovery_finds_the_package():
    assert {"nnlib.network", "nnlib.dimension", "nnlib.paper"} <= set(MODULES)
    assert WITHOUT_EXAMPLES <= set(MODULES), "WITHOUT_EXAMPLES names a module that no longer exists"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
    if name not in WITHOUT_EXAMPLES:
        assert result.attempted > 0, f"{name} has no docstring examples (add some, or list it in WITHOUT_EXAMPLES)"
