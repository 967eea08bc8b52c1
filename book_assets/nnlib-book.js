/* The book's own script (loaded on every page by _ext/reader_site.py; issue 18 items 4, 5 and 8).
 *
 * 1. Every embedded ipywidget (a <script type="application/vnd.jupyter.widget-view+json">) is put
 *    in a wrapper marked inert: on a static page no kernel stands behind it, so its controls can
 *    show their stored state but not change anything. One line above each says where they work.
 *    The static twins (.nnlib-static-twin) are plain HTML and stay live.
 * 2. The widget manager (embed.js, ~1.9 MB) is written into the page as an inert
 *    <script type="text/plain" data-nnlib-lazy> and fetched only when a widget comes within a
 *    screen of the viewport; its window "load" handler (which renders the widgets) is then run.
 * 3. On phones, tables become stacked rows: each cell gets its column's name (data-label).
 * 4. Long inline formulas in table cells get a line of their own (boxWideMath).
 * 5. Pictures the page draws itself get their alt text from the caption of their figure
 *    (issue 18 item 6): the frames of a static twin (whose stored alt names only the frame:
 *    "frame 3 of 8: k = 3") and the widgets' pictures, drawn by the widget manager without one.
 */
(function () {
  "use strict";
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

  function note() {
    var p = document.createElement("p");
    p.className = "nnlib-static-note";
    var live = document.querySelector('a[href*="lite/notebooks/index.html"]');
    p.innerHTML = "Static copy, no Python kernel: these controls are disabled. Live: " +
      (live ? "<b>Run live</b> at the top of the page, or " : "") + "<code>make lab</code> (see the front page).";
    return p;
  }

  function wrapWidgets() {
    var wrappers = [];
    document.querySelectorAll(VIEW).forEach(function (script) {
      var parent = script.parentElement;
      if (parent.classList.contains("nnlib-static-widget")) { return; }
      var wrapper = document.createElement("div");
      wrapper.className = "nnlib-static-widget";
      wrapper.setAttribute("inert", "");
      wrapper.setAttribute("aria-disabled", "true");
      wrapper.title = "Static copy: no Python kernel behind this page";
      parent.insertBefore(wrapper, script);
      wrapper.appendChild(script);
      // One note per cell output, above its first widget.
      var output = wrapper.closest(".cell_output") || parent;
      if (!output.querySelector(".nnlib-static-note")) { output.insertBefore(note(), output.firstChild); }
      wrappers.push(wrapper);
    });
    return wrappers;
  }

  // The caption of the figure around `el` as plain text (typeset math read from MathJax's
  // assistive MathML, untypeset math without its \( \) delimiters); "" without a caption.
  function captionText(el) {
    var fig = el.closest("figure");
    var cap = fig && fig.querySelector("figcaption .caption-text");
    if (!cap) { return ""; }
    var copy = cap.cloneNode(true);
    copy.querySelectorAll("mjx-container").forEach(function (m) {
      var mml = m.querySelector("mjx-assistive-mml");
      m.replaceWith(document.createTextNode(mml ? mml.textContent : ""));
    });
    return copy.textContent.replace(/\\[()]/g, "").replace(/\s+/g, " ").trim();
  }

  function describeTwins() {
    document.querySelectorAll(".nnlib-static-twin").forEach(function (twin) {
      var text = captionText(twin);
      if (!text) { return; }
      twin.querySelectorAll("img.nnlib-static-twin-frame").forEach(function (img) {
        if (img.hasAttribute("data-nnlib-alt")) { return; }
        img.setAttribute("data-nnlib-alt", img.getAttribute("alt") || "");
        img.alt = text + " Shown: " + (img.getAttribute("data-nnlib-alt") || img.getAttribute("data-label") || "") + ".";
      });
    });
  }

  function describeWidgetPictures(root) {
    root.querySelectorAll("img.widget-image:not([alt])").forEach(function (img) {
      var text = captionText(root);
      if (text) { img.alt = "The widget's picture in its stored state. " + text; }
    });
  }

  function disableControls(root) {
    root.querySelectorAll("input, select, button, textarea").forEach(function (el) { el.disabled = true; });
    root.querySelectorAll(".noUi-target").forEach(function (el) { el.setAttribute("disabled", ""); });
    root.querySelectorAll("[contenteditable]").forEach(function (el) { el.setAttribute("contenteditable", "false"); });
  }

  var loading = false;
  function loadWidgetManager() {
    if (loading) { return; }
    loading = true;
    var lazy = document.querySelector('script[data-nnlib-lazy="widget-manager"]');
    if (!lazy) { return; }
    var script = document.createElement("script");
    var original = window.addEventListener;
    var onLoad = [];
    // embed.js renders the widgets in a window "load" handler; the page has loaded already,
    // so keep the handlers it registers and run them once it has been evaluated.
    window.addEventListener = function (type, listener, options) {
      if (type === "load") { onLoad.push(listener); } else { original.call(window, type, listener, options); }
    };
    script.onload = script.onerror = function () {
      window.addEventListener = original;
      onLoad.forEach(function (listener) { listener.call(window, new Event("load")); });
      document.documentElement.setAttribute("data-nnlib-widgets", "loaded");
    };
    script.src = lazy.getAttribute("src");
    document.head.appendChild(script);
  }

  function labelTableCells() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      var heads = Array.from(table.querySelectorAll("thead th")).map(function (th) { return th.textContent.trim(); });
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.from(tr.children).forEach(function (td, i) { if (heads[i]) { td.setAttribute("data-label", heads[i]); } });
      });
    });
  }

  // MathJax 3 does not break inline formulas across lines: a long one in a table cell would
  // force the whole table wider than the column. Such a formula gets a line of its own that
  // scrolls sideways inside the cell if it must (class nnlib-wide-math, see nnlib-book.css).
  function boxWideMath() {
    document.querySelectorAll(".bd-article table mjx-container").forEach(function (m) {
      if (m.getBoundingClientRect().width > 180) { m.classList.add("nnlib-wide-math"); }
    });
  }

  function start() {
    labelTableCells();
    describeTwins();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(boxWideMath);
    }
    var wrappers = wrapWidgets();
    wrappers.forEach(function (w) {
      new MutationObserver(function () { disableControls(w); describeWidgetPictures(w); }).observe(w, { childList: true, subtree: true });
    });
    if (!wrappers.length) { return; }
    if (!("IntersectionObserver" in window)) { loadWidgetManager(); return; }
    var io = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); loadWidgetManager(); }
    }, { rootMargin: "100% 0px 100% 0px" });
    wrappers.forEach(function (w) { io.observe(w); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
