"""The ``nnlib-modules`` directive: one API section per public module of nnlib.

``chapters/appendix/api.md`` calls it inside an ``{eval-rst}`` block (docstrings are
reStructuredText, read by autodoc + napoleon, not MyST)::

    .. nnlib-modules::

It finds the modules the way ``tests/test_doctests.py`` does (``pkgutil`` over the package and its
subpackages, so ``nnlib.viz.*`` too), so a new module gets its section without anyone editing the page. Private modules (a leading
underscore, e.g. ``nnlib._checks``) are left out. For each module it writes::

    nnlib.NAME
    ----------

    .. automodule:: nnlib.NAME
       :members:

It also resolves cross-references to nnlib's public names the way a reader writes them: a
docstring may say :func:`nnlib.image_dimension` (the name re-exported by the package) or, inside
a module, :class:`Architecture`; both lead to where the object is documented
(``nnlib.dimension.image_dimension``, ``nnlib.network.Architecture``). References that still do
not resolve are reported as usual (the book builds with --nitpick --warningiserror).

Finally it turns the ``nitpick_ignore`` entries of _config.yml, which YAML can only give as lists,
into the (type, target) tuples Sphinx compares them with.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

PACKAGE = "nnlib"


def public_modules(package: str = PACKAGE) -> list[str]:
    """Sorted dotted names of the package's public modules (no leading underscore)."""
    pkg = importlib.import_module(package)
    names = [info.name for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}.")]
    return sorted(n for n in names if not any(part.startswith("_") for part in n.split(".")))


class NnlibModules(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        lines: list[str] = []
        for name in public_modules():
            title = f"``{name}``"
            lines += [title, "-" * len(title), "", f".. automodule:: {name}", "   :members:", ""]
        source = self.get_source_info()[0]
        content = StringList(lines, source=source)
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, content, node)
        # Sphinx records the module files as dependencies via autodoc; the package folder itself
        # too, so that a new module triggers a re-read of this page.
        self.env.note_dependency(importlib.import_module(PACKAGE).__file__)
        return node.children


def _documented_name(target: str) -> str | None:
    """``nnlib.NAME.rest`` or ``NAME.rest`` (NAME exported by nnlib) -> the name autodoc used."""
    parts = target.split(".")
    if parts[0] == PACKAGE:
        parts = parts[1:]
    if not parts:
        return None
    pkg = importlib.import_module(PACKAGE)
    head = getattr(pkg, parts[0], None)
    if head is None:
        return None
    if isinstance(head, type(pkg)):  # a module: nnlib.dimension.x
        base = head.__name__
    else:
        module, qualname = getattr(head, "__module__", None), getattr(head, "__qualname__", None)
        if not (module and qualname and module.startswith(PACKAGE)):
            return None
        base = f"{module}.{qualname}"
    name = ".".join([base, *parts[1:]])
    return None if name == target else name


def _resolve_public_name(app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element):
    if node.get("refdomain") != "py":
        return None
    name = _documented_name(node["reftarget"])
    if name is None:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name, node, contnode)


def _nitpick_ignore_as_tuples(app: Sphinx, config) -> None:
    config.nitpick_ignore = [tuple(entry) for entry in config.nitpick_ignore]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("nnlib-modules", NnlibModules)
    app.connect("config-inited", _nitpick_ignore_as_tuples)
    app.connect("missing-reference", _resolve_public_name)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
