"""nbval over the chapters under every configuration of the numeric matrix (``make test-portable``).

Each configuration of ``tools/numeric_matrix.py`` (another OpenBLAS kernel, numpy's SIMD dispatch
reduced to its baseline, two BLAS threads, ...) re-executes every notebook with nbval and compares
its outputs with the stored ones, exactly as ``make test`` does under the machine's own settings.
A configuration the CPU cannot run (a forced kernel using instructions it lacks) is skipped with a
line saying why; one that runs the very same kernel, SIMD paths and threads as another here (say
``zen`` and ``haswell`` where OpenBLAS maps both to one kernel) is not run twice.

Configurations of one thread run two at a time on two cores (``--jobs``); each writes its nbval
output to ``<log-dir>/<name>.log`` and prints its summary line when done; a failing
configuration's log is printed whole, under its name. The exit status is 1 when any configuration
fails, errors or collects no test (pytest's exit status 5).

Usage::

    python tools/portable.py                       # the default matrix over chapters/
    python tools/portable.py --config haswell chapters/03_relu_cone.ipynb
    python tools/portable.py --already-run auto     # after `make test`, which ran nbval as is
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import numeric_matrix as nm  # noqa: E402

SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def nbval_command(paths, python=sys.executable):
    cmd = [python, "-m", "pytest", "--nbval", *paths, "-p", "no:cacheprovider", "-q", "-rfE"]
    if SANITIZE.exists():
        cmd[4:4] = ["--nbval-sanitize-with", str(SANITIZE)]
    return cmd


def summary_of(log_text):
    """pytest's closing summary line ("123 passed in 95.2s") and its counts."""
    lines = [ln.strip("= ").strip() for ln in log_text.splitlines() if ln.strip()]
    line = lines[-1] if lines else ""
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)", line)}
    if "error" in counts:
        counts["errors"] = counts.pop("error") + counts.get("errors", 0)
    return line, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["chapters"], help="notebooks or folders (default: chapters)")
    parser.add_argument("--config", action="append", default=[], metavar="NAME",
                        help="run only these configurations (repeatable; default: " + ", ".join(nm.DEFAULT) + ")")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME", help="leave a configuration out")
    parser.add_argument("--already-run", action="append", default=[], metavar="NAME",
                        help="a configuration already run by `make test`, in this environment as it is "
                             "(e.g. auto): not run again, nor any configuration identical to it here")
    parser.add_argument("--no-dedupe", action="store_true", help="run configurations identical on this machine too")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="cores to use (default 2)")
    parser.add_argument("--log-dir", default=str(ROOT / "_build" / "portable"))
    args = parser.parse_args(argv)

    configs = nm.select(args.config, skip=args.skip)
    already = nm.select(args.already_run) if args.already_run else []
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)

    print(f"== numeric matrix: nbval over {' '.join(args.paths)} ({args.jobs} cores)", flush=True)
    seen = {}  # probe line -> configuration name that covers it
    for c in already:  # as it ran there: `make test` does not reset the machine's own variables
        seen.setdefault(nm.describe(c, reset=False), f"{c.name} (already run by make test)")
    jobs, skipped = [], []
    for c in configs:
        if c in already:
            continue
        why = nm.unavailable(c)
        if why:
            print(f"[{c.name}] SKIPPED: {why} ({nm.assignments(c)} cannot run on this CPU)", flush=True)
            skipped.append(c.name)
            continue
        probe = nm.describe(c)
        if not args.no_dedupe and probe in seen:
            print(f"[{c.name}] not run: the same as {seen[probe]} on this machine ({probe})", flush=True)
            continue
        seen[probe] = c.name
        jobs.append((c, probe))

    results = {}
    running = []  # (config, probe, process, log file, start time)
    queue = list(jobs)

    def free_cores():
        return args.jobs - sum(min(c.threads, args.jobs) for c, *_ in running)

    while queue or running:
        started = True
        while queue and started:
            started = False
            c, probe = queue[0]
            if not running or free_cores() >= min(c.threads, args.jobs):
                queue.pop(0)
                log = log_dir / f"{c.name}.log"
                fh = open(log, "w")
                fh.write(f"# {c.name}: {nm.assignments(c)}\n# {probe}\n")
                fh.flush()
                proc = subprocess.Popen(nbval_command(args.paths), cwd=ROOT, env=nm.environment(c),
                                        stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                print(f"[{c.name}] started: {nm.assignments(c)}; {probe}", flush=True)
                running.append((c, probe, proc, fh, log, time.monotonic()))
                started = True
        time.sleep(0.5)
        for item in list(running):
            c, probe, proc, fh, log, t0 = item
            if proc.poll() is None:
                continue
            running.remove(item)
            fh.close()
            wall = time.monotonic() - t0
            text = log.read_text(errors="replace")
            line, counts = summary_of(text)
            rc = proc.returncode
            ok = rc == 0 and counts.get("passed", 0) > 0
            results[c.name] = (ok, counts, wall)
            if ok:
                print(f"[{c.name}] {line} (wall {wall:.0f} s)", flush=True)
            else:
                why = "no test collected (pytest exit status 5)" if rc == 5 else f"pytest exit status {rc}"
                print(f"[{c.name}] FAILED ({why}): {line} (wall {wall:.0f} s)", flush=True)
                print(f"---- nbval output under {c.name} ({nm.assignments(c)}), {log}:")
                print(text.rstrip())
                print(f"---- end of {c.name}", flush=True)

    failed = [n for n, (ok, *_ ) in results.items() if not ok]
    passed = sum(r[1].get("passed", 0) for r in results.values())
    # failing cells, plus one for each configuration that failed without a failing cell (no test
    # collected, a crash), so that the closing line never reads "0 failed" for a failed matrix
    cells_failed = sum(max(r[1].get("failed", 0) + r[1].get("errors", 0), 0 if r[0] else 1)
                       for r in results.values())
    print(f"== numeric matrix: {len(results) - len(failed)} configuration(s) passed"
          + (f", FAILED: {', '.join(failed)}" if failed else "")
          + (f"; skipped (CPU): {', '.join(skipped)}" if skipped else ""))
    if not results:
        print("no configuration ran", flush=True)
        return 1
    print(f"matrix: {passed} passed, {cells_failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
