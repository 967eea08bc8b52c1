r"""The search index reads math's symbols (``_ext/math_search.py``, issue 18 item 9).

A chapter's ``$\psi_k$`` is indexed as "ψ" and "psi" besides the TeX's own words, so that a reader
finds it by typing either; the snippets' table (``book_assets/nnlib-search.js``) shows each
symbol as the same letter the index holds. The browser test (tests/browser/check_book.py,
``test_search_finds_the_symbol_in_the_chapters``) checks the built site.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("math_search", ROOT / "_ext" / "math_search.py")
math_search = importlib.util.module_from_spec(spec)
spec.loader.exec_module(math_search)


def test_a_symbol_in_tex_is_indexed_as_its_letter_and_its_name():
    words = math_search.MathSearchEnglish({}).split(r"\psi_k : \Theta \to \mathbb{R}^{n}, \varepsilon")
    assert {"ψ", "psi", "Θ", "ℝ", "ε", "epsilon"} <= set(words)


def test_the_words_indexed_before_are_kept():
    tex = r"\Sigma_d^\circ = \{\sigma(x) : x \in \mathbb{R}^d\}"
    plain = math_search.SearchEnglish({}).split(tex)
    assert math_search.MathSearchEnglish({}).split(tex)[: len(plain)] == plain


@pytest.mark.parametrize("text", ["the weights map of Lim et al.", "C_max(S) = 3", "ψ in plain text", ""])
def test_text_without_tex_is_split_as_by_sphinx(text):
    assert math_search.MathSearchEnglish({}).split(text) == math_search.SearchEnglish({}).split(text)


def test_only_letters_are_indexed():
    # The query box keeps letters, digits and "_" only (searchtools.js splitQuery): a symbol that
    # is not a letter could never be searched for.
    for letter, name in math_search.SYMBOLS.values():
        assert re.fullmatch(r"\w", letter) and re.fullmatch(r"[a-zA-Z]+", name), (letter, name)
    assert all(re.fullmatch(r"\w", letter) for letter in math_search.BLACKBOARD.values())


def test_the_snippets_show_the_letter_the_index_holds():
    js = (ROOT / "book_assets" / "nnlib-search.js").read_text(encoding="utf-8")
    table = dict(re.findall(r'(\w+): "([^"]+)"', js[js.index("var SYMBOLS"): js.index("var BLACKBOARD")]))
    blackboard = dict(re.findall(r'"?(\w)"?: "([^"]+)"', js[js.index("var BLACKBOARD"): js.index("function texToText")]))
    for name, (letter, _) in math_search.SYMBOLS.items():
        assert table.get(name) == letter, f"\\{name}: the index holds {letter!r}, the snippet shows {table.get(name)!r}"
    for x, letter in math_search.BLACKBOARD.items():
        assert blackboard.get(x) == letter, f"\\mathbb{{{x}}}"


def test_the_extension_registers_the_english_search_language():
    from sphinx.search import languages

    saved = languages.get("en")
    try:
        app = type("App", (), {"add_search_language": lambda self, cls: languages.__setitem__(cls.lang, cls),
                               "connect": lambda self, *a, **k: None})()
        math_search.setup(app)
        assert languages["en"] is math_search.MathSearchEnglish
    finally:
        languages["en"] = saved
