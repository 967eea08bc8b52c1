"""The numeric configurations under which the chapters' stored outputs must reproduce.

A stored output is a claim that every correct machine reproduces. One machine can stand for
others by changing, through environment variables, what decides the last bits of a floating-point
result: which OpenBLAS kernel runs (``OPENBLAS_CORETYPE``), which SIMD paths numpy's dispatch
takes (``NPY_DISABLE_CPU_FEATURES``) and how many BLAS threads split a product. Each
:class:`Config` below is one such setting; ``tools/portable.py`` runs nbval under each and
``tools/stability.py`` shows which outputs move.

Every configuration starts from the caller's environment with the knobs of the matrix reset
(``OPENBLAS_CORETYPE``, ``OPENBLAS_L2_SIZE`` and ``NPY_DISABLE_CPU_FEATURES`` unset, one thread
for OpenMP, OpenBLAS and MKL), then sets its own.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import subprocess
import sys
from pathlib import Path

# Reset in every configuration before it sets its own values.
RESET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "NPY_DISABLE_CPU_FEATURES")
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# numpy's dispatch targets above its x86-64 baseline (X86_V2); disabling them all leaves the
# baseline code paths, as on a CPU without AVX2, and turns AVX-512 off on a CPU that has it.
NUMPY_ABOVE_BASELINE = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"


@dataclasses.dataclass(frozen=True)
class Config:
    """One numeric configuration: environment variables and what they stand for.

    Parameters
    ----------
    name : str
        Short name used on the command line and in reports.
    env : dict
        Variables set on top of the reset environment.
    stands_for : str
        The machines this configuration imitates (printed in reports, documented in the README).
    threads : int
        BLAS threads the configuration uses (the harness gives it that many cores).
    needs : tuple of str
        CPU flags (as in /proc/cpuinfo) without which the configuration cannot run here: a forced
        OpenBLAS kernel that uses missing instructions dies of SIGILL.
    x86_only : bool
        The variables only mean something on an x86-64 CPU.
    """

    name: str
    env: dict
    stands_for: str
    threads: int = 1
    needs: tuple = ()
    x86_only: bool = False


MATRIX = (
    Config("auto", {}, "this machine as it is: OpenBLAS picks its kernel for this CPU"),
    Config(
        "haswell",
        {"OPENBLAS_CORETYPE": "Haswell"},
        "an AVX2 CPU (Intel 2013-2020, most laptops and cloud machines without AVX-512); also "
        "machines that set OPENBLAS_CORETYPE=Haswell in their environment",
        needs=("avx2", "fma"),
        x86_only=True,
    ),
    Config(
        "zen",
        {"OPENBLAS_CORETYPE": "Zen"},
        "an AMD Zen CPU (Ryzen, EPYC)",
        needs=("avx2", "fma"),
        x86_only=True,
    ),
    Config(
        "sandybridge",
        {"OPENBLAS_CORETYPE": "Sandybridge"},
        "an older AVX-only CPU (no FMA: products and sums rounded separately), and by its "
        "different kernel one more BLAS, such as an ARM Mac's",
        needs=("avx",),
        x86_only=True,
    ),
    Config(
        "skylakex",
        {"OPENBLAS_CORETYPE": "SkylakeX"},
        "an AVX-512 CPU (Intel Xeon since 2017, many CI runners); the stored outputs were "
        "computed on one",
        needs=("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"),
        x86_only=True,
    ),
    Config(
        "numpy-baseline",
        {"NPY_DISABLE_CPU_FEATURES": NUMPY_ABOVE_BASELINE},
        "numpy's own loops (sums, exp, tanh, sorting) without AVX2/AVX-512, as on a CPU without "
        "them; on an AVX-512 machine this is also 'AVX-512 off'",
        x86_only=True,
    ),
    Config(
        "threads2",
        {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"},
        "two BLAS threads, as in a reader's own Jupyter, Binder or Colab, which do not set one "
        "thread (a product split between threads adds its parts in another order)",
        threads=2,
    ),
    # Not in the default matrix (slow, and rarely met): SSE3-era kernels as extra stress.
    Config(
        "prescott",
        {"OPENBLAS_CORETYPE": "Prescott"},
        "a pre-AVX CPU (SSE3 kernels); extra stress, run only when named",
        needs=("pni",),
        x86_only=True,
    ),
)
DEFAULT = ("auto", "haswell", "zen", "sandybridge", "skylakex", "numpy-baseline", "threads2")
BY_NAME = {c.name: c for c in MATRIX}


def select(names=None, skip=()):
    """The configurations named (all of :data:`DEFAULT` when ``names`` is empty), minus ``skip``."""
    names = list(names or DEFAULT)
    unknown = [n for n in list(names) + list(skip) if n not in BY_NAME]
    if unknown:
        raise SystemExit(
            f"unknown configuration(s) {', '.join(unknown)}: expected some of {', '.join(BY_NAME)}"
        )
    return [BY_NAME[n] for n in names if n not in set(skip)]


def environment(config, base=None, reset=True):
    """The full environment of a configuration, built on ``base`` (default: ``os.environ``).

    With ``reset=False`` the matrix's variables of ``base`` are kept where the configuration does
    not set them: the environment a plain ``make test`` ran in.
    """
    env = dict(os.environ if base is None else base)
    if reset:
        for key in RESET:
            env.pop(key, None)
        env.update(ONE_THREAD)
    env.update(config.env)
    return env


def cpu_flags():
    """The CPU's feature flags in /proc/cpuinfo spelling, or None where they cannot be read."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = None
    if text is not None:
        for line in text.splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
        return None
    if sys.platform == "darwin":  # an Intel Mac: sysctl spells them AVX2, FMA, AVX1.0, AVX512F
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.features", "machdep.cpu.leaf7_features"],
                capture_output=True, text=True, check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        flags = {f.lower() for f in out.split()}
        if "avx1.0" in flags:
            flags.add("avx")
        if "sse3" in flags:
            flags.add("pni")
        return flags
    return None


def unavailable(config, flags=None, machine=None):
    """Why ``config`` cannot run on this machine, or None when it can."""
    machine = (machine or platform.machine()).lower()
    if config.x86_only and machine not in ("x86_64", "amd64"):
        return f"needs an x86-64 CPU, this one is {machine}"
    if config.needs:
        flags = cpu_flags() if flags is None else flags
        if flags is None:
            return "cannot read the CPU's flags to check for " + ", ".join(config.needs)
        missing = [f for f in config.needs if f not in flags]
        if missing:
            return "the CPU lacks " + ", ".join(missing)
    return None


_PROBE = r"""
import ctypes, glob, os
import numpy as np
try:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    simd = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
except ImportError:
    simd = ["?"]
core = "?"
for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")):
    try:
        dll = ctypes.CDLL(lib)
        for sym in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            fn = getattr(dll, sym, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                core = fn().decode()
                break
    except OSError:
        pass
print(f"OpenBLAS core {core}, numpy SIMD above baseline: {' '.join(simd) or 'none'}, "
      f"BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS', '?')}")
"""


def describe(config, python=sys.executable, base=None, reset=True):
    """One line saying what a configuration really runs here (OpenBLAS core, numpy SIMD, threads)."""
    try:
        out = subprocess.run(
            [python, "-c", _PROBE], env=environment(config, base, reset), capture_output=True,
            text=True, timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"probe failed: {exc}"
    if out.returncode != 0:
        return "probe failed: " + (out.stderr.strip().splitlines() or ["?"])[-1]
    return out.stdout.strip()


def assignments(config):
    """The configuration's own variables as shell assignments (for reports and the README)."""
    if not config.env:
        return "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE (OpenBLAS's automatic kernel)"
    return " ".join(f'{k}="{v}"' if " " in v else f"{k}={v}" for k, v in config.env.items())
