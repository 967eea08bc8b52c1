"""The chapters' glue: computed values handed to the prose, in the book and in Jupyter Lab.

A chapter states a number in its prose as the MyST inline expression {eval}`name` after its code
called ``glue("name", value, display=False)``. :func:`glue` is ``myst_nb.glue`` (the book shows
the glued text; nbval checks the glued output against a fresh run) that also binds ``name`` to
``value`` in the notebook's namespace, so that Jupyter Lab with jupyterlab-myst, evaluating
``name`` when the reader runs the markdown cell, shows the same value. The book's side is
``_ext/lab_eval.py``; ``tools/lab_expressions.py`` stores the results Lab shows before the cell
is run (the cells' ``user_expressions`` metadata).

``myst_nb`` (the ``book`` extra) is imported when :func:`glue` is first called, not before.
Where it is not installed (a chapter run in Colab or another plain Jupyter after the chapter's
install cell, which installs nnlib alone), :func:`glue` still binds the name, and shows the value
when ``display`` is true; only the book's glue record, which nothing there reads, is not written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]

# name -> the object glue() last bound to it: re-running a chapter's cell in Lab rebinds the
# name freely, while a variable of the chapter's own with that name is never overwritten.
_BOUND: dict[str, Any] = {}


def glue(name: str, value: Any, display: bool = True) -> None:
    """Glue ``value`` under ``name`` for the prose (myst-nb) and bind ``name`` to it in the kernel.

    Parameters
    ----------
    name : str
        The key: a Python identifier, since the prose evaluates it ({eval}`name`).
    value : object
        What the prose shows (its text/plain representation, as in ``myst_nb.glue``).
    display : bool, optional
        Also show ``value`` in the cell's output (``myst_nb.glue``'s ``display``).

    Raises
    ------
    ValueError
        If ``name`` is not a Python identifier, or the notebook already has a variable ``name``
        holding another object that glue did not bind (the prose would then disagree with the code).
    TypeError
        If ``display`` is not a bool.

    Notes
    -----
    Outside an IPython kernel (a plain script) there is no notebook namespace: only
    ``myst_nb.glue`` is called.

    Examples
    --------
    The prose evaluates the key, so it must be a name:

    >>> glue("two words", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: name must be a Python identifier (the prose evaluates it), got 'two words'
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier (the prose evaluates it), got {name!r}")
    if not isinstance(display, bool):
        raise TypeError(f"display must be True or False, got {display!r}")
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        shell = None
    else:
        shell = get_ipython()
    namespace = shell.user_ns if shell is not None else None
    missing = object()
    if namespace is not None:
        current = namespace.get(name, missing)
        if current is not missing and current is not value and current is not _BOUND.get(name, missing):
            raise ValueError(
                f"name {name!r} is already a variable of this notebook holding another value: glue "
                f"that variable itself (glue({name!r}, {name}, ...)) or choose another name"
            )
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # no book build here: nothing reads the glue record
        if display:
            from IPython.display import display as show

            show(value)
    else:
        myst_glue(name, value, display=display)
    if namespace is not None:
        namespace[name] = value
        _BOUND[name] = value
