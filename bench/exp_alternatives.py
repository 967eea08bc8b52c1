"""Can numpy arithmetic beat numpy's own float64 exp where that exp is a scalar libm call?

The tanh rungs of the Jacobian ladder miss JAX and the memory-write floor because tanh and tanh'
need e = exp(-2|z|) for every hidden pre-activation, and numpy's float64 exp has SIMD loops only
for AVX-512: on an AVX2 CPU it calls libm once per entry.  nnlib stays numpy (issue 19), so the
one way around that is an exp built from numpy's vectorised arithmetic: Cody-Waite reduction
x = k ln 2 + r, a degree-12 Taylor polynomial of exp(r) on |r| <= ln2 / 2 (Horner, one multiply and
one add per degree), and 2^k put into the exponent bits.  Timed here in the same rounds as np.exp,
on the pre-activations' size of the 2-200-1 rung (400 000 entries), over the whole array and in
blocks that stay in cache, and also nnlib's tanh-and-derivative kernel whole and in row blocks
(its ten-odd passes over the array fused into cache-sized pieces).

    .venv/bin/python -m bench.exp_alternatives [--rounds 9]

Writes bench/raw/exp_alternatives.json; the result is quoted in bench/NOTES.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

import numpy as np

from nnlib._kernel import activation_value_and_derivative
from nnlib.activations import get_activation

RAW = Path(__file__).resolve().parent / "raw" / "exp_alternatives.json"
LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
TAYLOR = [1.0 / math.factorial(i) for i in range(13)]


def numpy_arithmetic_exp(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """exp(x) for float64 x in [-708, 0] from numpy's vectorised arithmetic alone."""
    xc = np.maximum(x, -708.0)
    k = np.rint(xc * LOG2E)
    r = xc - k * LN2_HI
    r -= k * LN2_LO
    p = np.full_like(r, TAYLOR[12])
    for c in TAYLOR[11::-1]:
        p *= r
        p += c
    bits = k.astype(np.int64)
    bits += 1023
    bits <<= 52
    return np.multiply(p, bits.view(np.float64), out=out)


def blocked(f, x: np.ndarray, out: np.ndarray, block: int) -> np.ndarray:
    for i in range(0, x.size, block):
        f(x[i : i + block], out[i : i + block])
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(200, 2000)) * 2.0  # 2-200-1 rung: 200 hidden units, n = 2000
    x = (-2.0 * np.abs(Z)).reshape(-1)
    out = np.empty_like(x)
    ref = np.exp(x)
    err = float(np.max(np.abs(numpy_arithmetic_exp(x, out) - ref) / ref) / np.finfo(float).eps)
    tanh = get_activation("tanh")

    def kernel_whole():
        z = Z.copy()
        return activation_value_and_derivative(tanh, z, np.empty_like(z), overwrite_z=True)

    def kernel_rows(rows=16):
        z = Z.copy()
        h, d = np.empty_like(z), np.empty_like(z)
        for i in range(0, z.shape[0], rows):
            _, d[i : i + rows] = activation_value_and_derivative(tanh, z[i : i + rows], h[i : i + rows], overwrite_z=True)
        return h, d

    a, b = kernel_whole(), kernel_rows()
    same = bool(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]))
    variants = {
        "np.exp": lambda: np.exp(x, out=out),
        "numpy-arithmetic exp, whole array": lambda: numpy_arithmetic_exp(x, out),
        "numpy-arithmetic exp, blocks of 8192": lambda: blocked(numpy_arithmetic_exp, x, out, 8192),
        "nnlib tanh and tanh', whole array": kernel_whole,
        "nnlib tanh and tanh', blocks of 16 rows": kernel_rows,
        "copy of the array (reference)": lambda: Z.copy(),
    }
    times = {k: [] for k in variants}
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):  # interleaved: the load falls on every variant alike
        for name, f in variants.items():
            t0 = time.process_time()
            for _ in range(10):
                f()
            times[name].append((time.process_time() - t0) / 10)
    result = {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": platform.processor() or platform.machine(),
        "numpy": np.__version__,
        "load_before_after": [load_before, os.getloadavg()[0]],
        "entries": int(x.size),
        "numpy_arithmetic_exp_max_rel_err_eps": err,
        "kernel_blocked_same_bits": same,
        "cpu_seconds_median": {k: float(np.median(v)) for k, v in times.items()},
        "ns_per_entry_median": {k: float(np.median(v)) / x.size * 1e9 for k, v in times.items()},
    }
    RAW.write_text(json.dumps(result, indent=1) + "\n")
    print(f"load {load_before:.2f} -> {os.getloadavg()[0]:.2f}; numpy-arithmetic exp within {err:.2f} eps of np.exp")
    for k, v in result["ns_per_entry_median"].items():
        print(f"{k}: {v:.2f} ns/entry (CPU, median of {args.rounds})")
    print(f"blocked kernel gives the same bits: {same}")


if __name__ == "__main__":
    main()
