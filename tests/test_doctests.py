"""The examples in nnlib's docstrings run and give the printed results.

Every module of the package is found by ``pkgutil``, so a new module is tested without editing
this file; it must carry docstring examples unless it is listed in ``WITHOUT_EXAMPLES``.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import pkgutil
import re

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


SECTION = re.compile(r"^\s*(Parameters|Returns|Yields|Raises|Warns|Attributes|Methods|Other Parameters|See Also|References|Notes|Examples)\s*\n\s*-{3,}\s*$", re.M)


def examples_outside_their_section(doc: str) -> str | None:
    """The numpy-style section a docstring's first example falls in, when that section is not
    Examples or Notes: napoleon then renders the example as part of it (in the API reference,
    ``>>>`` lines became bullet points of Returns)."""
    if ">>>" not in doc:
        return None
    heads = [m.group(1) for m in SECTION.finditer(doc[: doc.index(">>>")])]
    return heads[-1] if heads and heads[-1] not in ("Examples", "Notes") else None


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_sit_in_an_examples_section(name):
    module = importlib.import_module(name)
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            section = examples_outside_their_section(ast.get_docstring(node) or "")
            if section:
                found.append(f"{getattr(node, 'name', name)} (in {section})")
    assert found == [], f"{name}: docstring examples without an 'Examples' header: {found}"


def test_the_section_check_finds_an_example_under_returns():
    under_returns = "Do it.\n\nReturns\n-------\nint\n    A number.\n\n>>> f()\n1\n"
    assert examples_outside_their_section(under_returns) == "Returns"
    fixed = under_returns.replace(">>> f()", "Examples\n--------\n>>> f()")
    assert examples_outside_their_section(fixed) is None
    assert examples_outside_their_section("No sections.\n\n>>> f()\n1\n") is None
