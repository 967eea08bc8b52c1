"""The examples in nnlib's docstrings run and give the printed results."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import nnlib

MODULES = ["nnlib", "nnlib._checks", "nnlib.activations", "nnlib.network", "nnlib.dimension", "nnlib.paper",
           "nnlib.fitting", "nnlib.plotting", "nnlib.widgets", "nnlib.geometry", "nnlib.cones", "nnlib.illposed", "nnlib.smooth", "nnlib.joins"]

# Modules whose docstrings carry examples: if one of them loses its examples, the test says so.
WITH_EXAMPLES = {"nnlib.activations", "nnlib.network", "nnlib.dimension", "nnlib.paper", "nnlib.geometry", "nnlib.cones", "nnlib.smooth", "nnlib.joins"}


def test_every_nnlib_module_is_listed():
    found = {"nnlib"} | {f"nnlib.{info.name}" for info in pkgutil.iter_modules(nnlib.__path__)}
    assert found == set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
    if name in WITH_EXAMPLES:
        assert result.attempted > 0, f"{name} has lost its docstring examples"
