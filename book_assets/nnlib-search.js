/* Search snippets that read as prose (issue 18 item 9); loaded on search.html only (_ext/reader_site.py).

Sphinx 7.4's searchtools.js shows, under each hit, 240 characters of the hit page: it fetches the
page and takes the text of its whole [role="main"] element around the first occurrence of the last
search word. On this book's pages that text starts with the theme's header and the printed table of
contents, holds the hidden code cells and their printouts, and writes math as raw TeX
("\(\psi_k\)", "\[\begin{split} ..."): a search for "join" showed the page's contents list or a
line of Python, one for "psi" a TeX source. Here the summary is taken from the article's text only
(.bd-article, without code cells, outputs, header links or the print-only contents), math is read
as text ("\psi_k" -> "ψ_k", "\mathbb{R}" -> "ℝ", "\to" -> "→"), whitespace is collapsed, and the
snippet is centred on the query as typed when the page has it (in its case first: "Σ" before "σ",
which Sphinx's index does not tell apart), else on the earliest search word. The index finds the
symbols in math because _ext/math_search.py indexes "\psi" as "ψ" and "psi" too.
tests/browser/check_book.py (test_search_finds_the_notation) checks the snippets.
*/
(function () {
  "use strict";
  if (typeof Search === "undefined") { return; }

  var SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", eta: "η",
    theta: "θ", Theta: "Θ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ",
    sigma: "σ", Sigma: "Σ", tau: "τ", phi: "φ", varphi: "φ", psi: "ψ", Psi: "Ψ", omega: "ω",
    Omega: "Ω", Delta: "Δ", Gamma: "Γ", Lambda: "Λ", Phi: "Φ", zeta: "ζ", iota: "ι", kappa: "κ",
    upsilon: "υ", chi: "χ", Xi: "Ξ", Pi: "Π", Upsilon: "Υ", vartheta: "θ", varrho: "ρ", ell: "ℓ",
    times: "×", cdot: "·", circ: "∘", to: "→", mapsto: "↦", rightarrow: "→", infty: "∞",
    le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", in: "∈", notin: "∉",
    subset: "⊂", subseteq: "⊆", cup: "∪", cap: "∩", top: "⊤", partial: "∂", nabla: "∇",
    dots: "…", ldots: "…", cdots: "⋯", vdots: "⋮", ddots: "⋱", sum: "Σ", prod: "Π",
    lVert: "‖", rVert: "‖", Vert: "‖", lvert: "|", rvert: "|", mid: "|", pm: "±", cong: "≅",
    langle: "⟨", rangle: "⟩", emptyset: "∅", forall: "∀", exists: "∃", setminus: "∖"
  };
  var BLACKBOARD = { R: "ℝ", N: "ℕ", Z: "ℤ", Q: "ℚ", C: "ℂ", "1": "𝟙" };

  /* Readable text for the TeX source of one math element. */
  function texToText(tex) {
    return tex
      .replace(/^\s*(\\\(|\\\[|\$\$?)/, "").replace(/(\\\)|\\\]|\$\$?)\s*$/, "")
      .replace(/\\(begin|end)\{[^}]*\}/g, " ")
      .replace(/\\tag\*?\{([^{}]*)\}/g, " ($1)")
      .replace(/\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
      .replace(/\\binom\{([^{}]*)\}\{([^{}]*)\}/g, "($1 choose $2)")
      .replace(/\\sqrt\{([^{}]*)\}/g, "√($1)")
      .replace(/\\mathbb\{(\w)\}/g, function (m, c) { return BLACKBOARD[c] || c; })
      .replace(/\\(operatorname|mathrm|mathbf|mathit|mathcal|text|textrm|textit|boldsymbol)\{([^{}]*)\}/g, "$2")
      .replace(/\\\\/g, "; ")
      .replace(/\\\|/g, "‖").replace(/\\\{/g, "\u0001").replace(/\\\}/g, "\u0002")
      .replace(/\\(left|right|[bB]igg?[lrm]?|displaystyle|limits|nolimits)(?![A-Za-z])/g, "")
      .replace(/\\(qquad|quad)(?![A-Za-z])|\\[,;:! ]/g, " ")
      .replace(/\\([A-Za-z]+)(?=\\[A-Za-z])/g, "\\$1 ")
      .replace(/\\([A-Za-z]+)/g, function (m, name) { return SYMBOLS[name] !== undefined ? SYMBOLS[name] : name; })
      .replace(/[{}]/g, "").replace(/&/g, " ")
      .replace(/\u0001/g, "{").replace(/\u0002/g, "}")
      .replace(/\s+/g, " ")
      .trim();
  }

  /* The text a reader sees in the article of a fetched page (its prose, statements, tables). */
  function articleText(htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    var drop = ".headerlink, script, style, .onlyprint, .cell_input, .cell_output, div.highlight, details.hide > summary";
    doc.querySelectorAll(drop).forEach(function (el) { el.remove(); });
    doc.querySelectorAll(".math").forEach(function (el) { el.textContent = " " + texToText(el.textContent) + " "; });
    var root = doc.querySelector(".bd-article") || doc.querySelector('[role="main"]');
    if (!root) { return ""; }
    if (anchor) {
      var target = root.querySelector(anchor);
      if (target) { root = target; }
    }
    return root.textContent.replace(/\s+/g, " ").trim();
  }

  function typedQuery() {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    return q.replace(/\s+/g, " ").trim();
  }

  Search.htmlToText = articleText;
  Search.makeSearchSummary = function (htmlText, keywords, anchor) {
    var text = articleText(htmlText, anchor);
    if (text === "") { return null; }
    var lower = text.toLowerCase();
    var typed = typedQuery();
    // the query as typed first ("Σ" the set, not σ the activation: the index lowercases both),
    // then in any case
    var at = typed ? text.indexOf(typed) : -1;
    if (at < 0 && typed) { at = lower.indexOf(typed.toLowerCase()); }
    if (at < 0) {
      // each search word, and the symbol it names ("psi" -> "ψ"), as math is shown as text
      var words = [];
      Array.from(keywords).forEach(function (k) {
        k = String(k).toLowerCase();
        words.push(k);
        if (SYMBOLS[k] !== undefined && k.length > 1) { words.push(SYMBOLS[k]); }
      });
      var found = words.map(function (k) { return lower.indexOf(k); }).filter(function (i) { return i > -1; });
      at = found.length ? Math.min.apply(null, found) : 0;
    }
    var start = Math.max(at - 100, 0);
    var summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start > 0 ? "..." : "") + text.substr(start, 240).trim() + (start + 240 < text.length ? "..." : "");
    return summary;
  };
})();
