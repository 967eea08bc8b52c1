r"""Search that finds the paper's symbols (issue 18 item 9): "ψ" as well as "psi".

The chapters write their symbols as TeX: ``$\psi_k$``, ``$\Sigma_d^\circ$``, ``$\mathbb{R}^n$``.
Sphinx's search index (``sphinx.search.IndexBuilder.feed``) takes the words of every text node of
a page's doctree, math included, cut by the search language's ``split`` (``\w+``). The text of a
math node is its TeX source, so the index held "psi_k", "sigma", "mathbb", never "ψ", "σ" or
"ℝ": a reader's query "ψ" found only the glossary, which writes the symbol in plain text, and
"psi" found only the pages that also have the bare word "psi" (the JavaScript search tries
partial matches only for a word missing from the index altogether, so "psi_k" was never reached).

Here the search language is Sphinx's English one (``SearchEnglish``, registered again for "en"
with ``app.add_search_language``) with one change: ``split`` of a text holding TeX control words
also returns, for each symbol of ``SYMBOLS``, its Unicode letter and its name (``\psi_k`` gives
"psi_k" as before, and "ψ" and "psi"; ``\mathbb{R}`` gives "ℝ"; ``\varepsilon`` "ε" and
"epsilon"). In this book such text is math (and code cells that write TeX for a plot label).
Only letters are read: the query box keeps only letters, digits and "_" of what a reader types
(``splitQuery`` of searchtools.js), so "→" or "≤" could never be searched for.

What this changes is ``searchindex.js`` alone: no doctree node is touched, so the HTML pages, their
accessibility tree (MathJax's speech of the TeX) and the PDF are as before. The snippets under
the results are made in the reader's browser from the fetched page, with math read as text by
``book_assets/nnlib-search.js``, whose table reads the same symbols.

Sphinx lowercases every indexed word and every query word, so a capital and its small letter are
one word of the index: "Σ" finds the pages with σ as well (and "Θ" those with θ). The snippet is
centred on the symbol as typed, where the page has it (nnlib-search.js).
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.search import languages
from sphinx.search.en import SearchEnglish
from sphinx.util import logging

logger = logging.getLogger(__name__)

# TeX control word -> (Unicode letter, the word a reader would type for it). The letter is the
# one a keyboard types (ε, φ, θ), also for the variants MathJax draws differently (\varepsilon).
SYMBOLS: dict[str, tuple[str, str]] = {
    **{name: (letter, name) for name, letter in {
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
        "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ",
    }.items()},
    "varepsilon": ("ε", "epsilon"), "vartheta": ("θ", "theta"), "varphi": ("φ", "phi"),
    "varrho": ("ρ", "rho"),
}
# \mathbb{X} -> the double-struck letter (ℝ^n, ℕ, ...); the name "mathbb" stays as before.
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}

CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")
DOUBLE_STRUCK = re.compile(r"\\mathbb\s*\{\s*([A-Za-z])\s*\}|\\mathbb\s*([A-Za-z])")


def symbol_words(tex: str) -> list[str]:
    r"""The Unicode letters and their names that the TeX source ``tex`` writes, in order.

    >>> symbol_words(r"\psi_k : \Theta \to \mathbb{R}^{n}, \varepsilon")
    ['ψ', 'psi', 'Θ', 'Theta', 'ℝ', 'ε', 'epsilon']
    >>> symbol_words("no TeX here")
    []
    """
    found: list[tuple[int, list[str]]] = []
    for m in CONTROL_WORD.finditer(tex):
        if m.group(1) in SYMBOLS:
            found.append((m.start(), list(SYMBOLS[m.group(1)])))
    for m in DOUBLE_STRUCK.finditer(tex):
        letter = BLACKBOARD.get(m.group(1) or m.group(2))
        if letter:
            found.append((m.start(), [letter]))
    return [word for _, words in sorted(found, key=lambda f: f[0]) for word in words]


class MathSearchEnglish(SearchEnglish):
    """Sphinx's English search language; math's symbols are indexed as letters and names too."""

    def split(self, input: str) -> list[str]:  # noqa: A002 - the base class's name
        words = super().split(input)
        if "\\" in input:
            words.extend(symbol_words(input))
        return words


def _check_search_language(app: Sphinx) -> None:
    # The html builder's IndexBuilder takes its language class from html_search_language or
    # language (sphinx.search.languages, "en_GB" falling back to "en"); another language would
    # silently leave the symbols out of the index: say so (the book builds with -W).
    if not getattr(app.builder, "search", False):
        return
    lang = app.config.html_search_language or app.config.language or "en"
    cls = languages.get(lang) or languages.get(lang.split("_")[0])
    if cls is not MathSearchEnglish:
        logger.warning("math_search: the search language is %r, not English: ψ, Σ, ℝ are not indexed as symbols", lang)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(MathSearchEnglish)
    app.connect("builder-inited", _check_search_language)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
