"""Write bench/RESULTS.md from bench/raw/*.json (called by bench.run; can be re-run alone).

    .venv/bin/python -m bench.report
"""

from __future__ import annotations

import time

from .common import ROOT, load, machine, read


def _ms(x: float) -> str:
    if x != x:  # nan
        return "n/a"
    if x < 1e-3:
        return f"{1e6 * x:.0f} µs"
    return f"{1e3 * x:.1f} ms" if x < 1 else f"{x:.2f} s"


def _s(x: float) -> str:
    return f"{x:.1f} s"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _spread(st: dict, fmt=_s) -> str:
    return f"{fmt(st['median'])} ({fmt(st['min'])}-{fmt(st['max'])}, n={st['n']})"


def main(total_seconds: float | None = None) -> None:
    ch, wd, ad, sc = read("chapters"), read("widgets"), read("autodiff"), read("scaling")
    sp = read("speed")
    info = machine()
    out = ["# Benchmark results", "",
           "Written by `make bench` (`.venv/bin/python -m bench.run`); raw numbers in `bench/raw/` "
           "(JSON and CSV). Medians over repeated runs, spread as min-max; ratios are measured / target "
           "(at most 1 meets the target) or, for the Jacobian, nnlib / torch.func.", "",
           f"- date (UTC): {time.strftime('%Y-%m-%d %H:%M', time.gmtime())}; commit {info['commit']}"
           + (f"; whole suite {total_seconds / 60:.1f} min" if total_seconds else ""),
           f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, {info['os']}",
           f"- software: Python {info['python']}, numpy {info['numpy']} ({info['blas']}), scipy {info['scipy']}, "
           f"matplotlib {info['matplotlib']}, torch {info['torch']}",
           "- load average (1 min) before/after each part: "
           + "; ".join(f"{name} {d['load_before'][0]}/{d['load_after'][0]}" for name, d in
                       (("chapters", ch), ("widgets", wd), ("autodiff", ad), ("scaling", sc), ("speed", sp)) if d)
           + f"; now {load()[0]}. The machine is shared (2 cores): timings above a load of 2 are inflated.",
           "", "## Targets", "", "| target | measured | ratio | verdict |", "| --- | --- | --- | --- |"]
    if ch:
        tot = ch["total"]
        out.append(f"| all chapters together ≤ {ch['target_total']:.0f} s | {_spread(tot)} | "
                   f"{tot['median'] / ch['target_total']:.2f} | {_verdict(tot['median'] <= ch['target_total'])} |")
        for name, c in ch["chapters"].items():
            st = c["wall"]
            bad = [x for x in c.get("status", ["ok"]) if x != "ok"]
            out.append(f"| chapter {name} ≤ {c['target']:.0f} s | {_spread(st)}"
                       f"{' (FAILED: ' + '; '.join(bad) + ', time is a lower bound)' if bad else ''} | "
                       f"{st['median'] / c['target']:.2f} | {_verdict(st['median'] <= c['target'] and not bad)} |")
        if ch.get("book"):
            b = ch["book"]["no_change"]
            failed = any(ch["book"].get("exit_codes", []))
            out.append(f"| no-change `{ch['book']['command']}` ≤ {ch['book']['target']:.0f} s | {_spread(b)}"
                       f"{' (a build FAILED: exit codes ' + str(ch['book']['exit_codes']) + ')' if failed else ''} | "
                       f"{b['median'] / ch['book']['target']:.2f} | {_verdict(b['median'] <= ch['book']['target'] and not failed)} |")
    if wd:
        tm, tp = wd["target_median_s"], wd["target_p95_s"]
        for name, w in wd["widgets"].items():
            lat = w["latency"]
            ok = lat["median"] <= tm and lat["p95"] <= tp
            first = w.get("first_pass")
            first = (f"; first pass alone: median {_ms(first['median'])}, p95 {_ms(first['p95'])}"
                     if w.get("live") and first and first["n"] < lat["n"] else "")
            if w.get("scattered") and w.get("one_control"):
                sc_, oc = w["scattered"], w["one_control"]
                first += (f"; scattered settings: median {_ms(sc_['median'])}, p95 {_ms(sc_['p95'])} "
                          f"({sc_['n']} moves); one control at a time: median {_ms(oc['median'])}, "
                          f"p95 {_ms(oc['p95'])} ({oc['n']} moves)")
            out.append(f"| widget `{name}` (ch. {w['chapter'][:2]}): median ≤ {1e3 * tm:.0f} ms, p95 ≤ {1e3 * tp:.0f} ms | "
                       f"median {_ms(lat['median'])}, p95 {_ms(lat['p95'])} ({lat['n']} moves{first}) | "
                       f"{lat['median'] / tm:.2f} / {lat['p95'] / tp:.2f} | {_verdict(ok)} |")
    if ad:
        for r in ad["rungs"]:
            tt = min(r["torch_jacrev"]["median"], r["torch_jacfwd"]["median"]) if r["torch_jacfwd"] else r["torch_jacrev"]["median"]
            out.append(f"| Jacobian {r['arch'].split(':')[0]}, n = {r['n']}: nnlib ≤ torch.func | "
                       f"{_ms(r['nnlib_jacobian']['median'])} vs {_ms(tt)} | {r['jac_ratio']:.3f} | "
                       f"{_verdict(r['jac_ratio'] <= ad['target_jac_ratio'])} |")
        for r in ad["rungs"]:
            out.append(f"| dimension estimate {r['arch'].split(':')[0]}, n = {r['n']}: default call ≤ 2 × one SVD "
                       f"({_ms(r['svd_floor']['median'])}) | default call {_ms(r['dimension_default']['median'])} "
                       f"({r['points_used']} points, rank {r['dimension']}); for comparison: one random point "
                       f"{_ms(r['dimension_one_point']['median'])}, with the bound passed explicitly "
                       f"{_ms(r['dimension_with_bound']['median'])} ({r['points_used_with_bound']} points) | "
                       f"{r['dim_default_ratio'] / ad['target_dim_ratio']:.2f} | "
                       f"{_verdict(r['dim_default_ratio'] <= ad['target_dim_ratio'])} |")
    if sc:
        cap = sc["memory_capped"]
        runs = cap["runs"]
        ok = runs["qr"]["status"] == "ok"
        out.append(f"| estimator works where the Jacobian does not fit ({cap['jacobian_mib']:.0f} MiB Jacobian, "
                   f"{cap['cap_mib_above_startup']} MiB allowed) | whole Jacobian: {runs['whole']['status']}; "
                   f"streamed QR: rank {runs['qr']['rank']} in {runs['qr']['seconds']:.1f} s, peak +{runs['qr']['peak_increase_mib']:.0f} MiB | "
                   f"- | {_verdict(ok)} |")
    if sp:
        out += speed_targets(sp)
    out += ["", "Widget ratios are median/50 ms and p95/150 ms. Dimension ratios are (default call / one SVD) / 2. "
            "The default call stops at the proven ceiling min(nq, m - unit rescalings) (for ReLU, whose positive "
            "rescalings of hidden units leave psi_k unchanged, and x^r; min(nq, m) for tanh); the comparison "
            "columns give one random point alone and a call passed the same bound as `upper_bound`."]
    why = []
    if wd:
        for name, w in wd["widgets"].items():
            lat = w["latency"]
            if lat["median"] > wd["target_median_s"] or lat["p95"] > wd["target_p95_s"]:
                if w.get("live"):
                    why.append(f"- widget `{name}` (live figure): median {_ms(lat['median'])}, p95 {_ms(lat['p95'])}; "
                               f"{w['full_draws']} of {w['full_draws'] + w['blits']} moves drew the figure in full "
                               f"(new axes limits); slowest at `{w['slowest_values']}`.")
                    continue
                cb = w.get("callback_median_s", float("nan"))
                why.append(f"- widget `{name}`: median {_ms(lat['median'])}, of which the callback (computation and "
                           f"building the figure) {_ms(cb)} and the PNG rendering the rest; slowest at `{w['slowest_values']}`.")
    if ad:
        for r in ad["rungs"]:
            if r["dim_default_ratio"] > ad["target_dim_ratio"]:
                ceiling = r.get("ceiling", min(r["m"], r["nq"]))
                if r["dimension"] < ceiling:
                    reason = (f"its rank {r['dimension']} stays below the ceiling it may stop at, {ceiling} "
                              f"(min(nq, m - unit rescalings); min(m, nq) = {min(r['m'], r['nq'])}), so it tries all "
                              f"{r['points_used']} points, each costing about one SVD")
                else:
                    reason = (f"it reached its ceiling {ceiling} after {r['points_used']} point(s), but one point "
                              f"(weights, Jacobian, rank decision) already costs {r['dim_point_ratio']:.1f} SVDs "
                              f"at this size")
                why.append(f"- dimension estimate, {r['arch'].split(':')[0]}, n = {r['n']}: default call "
                           f"{r['dim_default_ratio']:.1f} × one SVD: {reason}.")
    if sp:
        why += speed_why(sp)
    if why:
        out += ["", "## Why the misses", ""] + why
    if ch:
        out += ["", "## 1. Chapters: where the time goes", "",
                "Fresh kernel per chapter (nbclient), medians over the passes.", "",
                "| chapter | wall | kernel start | first cell (imports) | other cells | slowest cells |",
                "| --- | --- | --- | --- | --- | --- |"]
        for name, c in ch["chapters"].items():
            slow = "; ".join(f"#{x['cell']} {x['seconds']:.1f} s `{x['source'][:40].replace('|', '/')}`" for x in c["slowest_cells"])
            out.append(f"| {name} | {c['wall']['median']:.1f} s | {c['kernel_start']:.1f} s | {c['first_cell']:.1f} s | "
                       f"{c['other_cells']:.1f} s | {slow} |")
        if ch.get("book"):
            out.append(f"\nBook: priming build {ch['book']['priming_build_s']:.1f} s, then "
                       f"{ch['book']['no_change']['n']} no-change builds (`{ch['book']['command']}`).")
    if wd:
        out += ["", "## 2. Widgets", "",
                "A live widget (`nnlib.viz.live.LiveFigure`) keeps one figure: each move calls its render function "
                "(new values -> PNG bytes in memory), which redraws only the moving artists on the cached still "
                "parts (*blit*), or the whole figure when the axes limits change to ones not seen before (*full*). "
                "The first pass over the sweep meets every setting for the first time; later passes may reuse "
                "still parts cached on the way. Another widget: the figure callback builds a new figure, rendered "
                "as IPython's `display(fig)` does (`print_figure` with `nnlib.viz.plotting.PRINT_FIGURE_KWARGS`), "
                "then `plt.close`.", "",
                "| widget | renderer / callback | median | p95 | max | first pass median / p95 | full / blit moves | "
                "callback part (median) | setup (untimed) | slowest values |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name, w in wd["widgets"].items():
            lat, first = w["latency"], w.get("first_pass")
            fp = f"{_ms(first['median'])} / {_ms(first['p95'])}" if first else "-"
            modes = f"{w['full_draws']} / {w['blits']}" if w.get("live") else "-"
            cb = "-" if w.get("live") else _ms(w.get("callback_median_s", float("nan")))
            out.append(f"| `{name}` | `{w['callback']}` | {_ms(lat['median'])} | {_ms(lat['p95'])} | {_ms(lat['max'])} | "
                       f"{fp} | {modes} | {cb} | {w['setup_s']:.1f} s | `{w['slowest_values']}` |")
    if ad:
        out += ["", "## 3. Jacobian and dimension estimate", "",
                f"`python -m bench.autodiff`, {ad.get('date_utc', '?')} UTC, load {ad['load_before'][0]} before "
                f"(its nnlib timings are those of the code at that date; section 6 times the current code against JAX too). "
                f"float64, CPU, one thread for numpy and torch ({ad['torch_threads']} torch thread). "
                f"nnlib and torch.func agree to {ad['tolerance']:g} relative on every rung (checked before timing).", "",
                "| architecture | n | nq × m | max rel. diff | nnlib | jacrev | jacfwd | one SVD | dim, 1 point | dim, default (points) | dim, with bound (points) | dim |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in ad["rungs"]:
            fwd = _ms(r["torch_jacfwd"]["median"]) if r["torch_jacfwd"] else "skipped"
            out.append(f"| {r['arch'].split(':')[0]} | {r['n']} | {r['nq']} × {r['m']} | {r['max_rel_diff']:.1e} | "
                       f"{_ms(r['nnlib_jacobian']['median'])} | {_ms(r['torch_jacrev']['median'])} | {fwd} | "
                       f"{_ms(r['svd_floor']['median'])} | {_ms(r['dimension_one_point']['median'])} | "
                       f"{_ms(r['dimension_default']['median'])} ({r['points_used']}) | "
                       f"{_ms(r['dimension_with_bound']['median'])} ({r['points_used_with_bound']}) | {r['dimension']} |")
    if sc:
        out += ["", "## 4. Scaling", "", f"One rank decision for a {'-'.join(map(str, sc['widths']))} {sc['activation']} "
                f"network (m = {sc['m']}), each in its own process (OMP_NUM_THREADS=1); memory = growth of peak RSS "
                "during the call.", "", "![scaling](scaling.png)", "",
                "| method | fitted exponent (time ~ (nq m)^a) | " + " | ".join(f"nq m = {p['nq_m']:.1e}" for p in sc["series"]["whole"]["points"]) + " |",
                "| --- | --- | " + " | ".join("---" for _ in sc["series"]["whole"]["points"]) + " |"]
        for method, s in sc["series"].items():
            out.append(f"| {method} | {s['exponent']:.2f} | " + " | ".join(
                f"{_ms(p['time']['median'])}, +{p['peak_increase_mib']:.0f} MiB, rank {p['rank']}" for p in s["points"]) + " |")
        out.append(f"\nBlock size {sc['block_size']} samples. The Gram path's ranks fall short of the SVD's where the "
                   "network saturates (squaring J squares its condition number); the streamed QR keeps the SVD's ranks.")
    cf = read("certify")
    if cf:
        out += certify_section(cf)
    if sp:
        out += speed_section(sp)
    pw = read("page_weights")
    if pw:
        out += page_weights_section(pw)
    path = ROOT / "bench" / "RESULTS.md"
    text = "\n".join(out) + "\n"
    path.write_text(text + (_hand_written(path.read_text(), text) if path.exists() else ""))
    print("wrote bench/RESULTS.md")


def _hand_written(old: str, new: str) -> str:
    """The ``## `` sections of the old RESULTS.md that the report does not write (added by hand, e.g. the
    browser copy's timings), to be kept at the end of the new one."""
    generated = {line for line in new.splitlines() if line.startswith("## ")}
    keep, current = [], None
    for line in old.splitlines():
        if line.startswith("## "):
            current = [] if line not in generated and not line.startswith("## 6. ") else None
            if current is not None:
                keep.append(current)
        if current is not None:
            current.append(line)
    return "".join("\n" + "\n".join(sec).rstrip("\n") + "\n" for sec in keep)


def certify_section(cf: dict) -> list[str]:
    """## 5: certified dimensions (bench/certify.py): the two targets, growth with nq m and with the precision."""
    out = ["", "## 5. Certified dimensions", "",
           f"`nnlib.certified_dimension(arch, S, rng=1)` (bench/certify.py, {cf['repeats']} repeat(s), "
           f"OMP_NUM_THREADS=1, load {cf['load_before'][0]} before, {cf['load_after'][0]} after, {cf['date_utc']} UTC). "
           "Wall time of the whole call; CPU time of the process beside it (what the call takes on an idle machine).", "",
           "| target | certified | float64 rank | wall | CPU | verify() | verdict |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for t in cf["targets"]:
        prec = f", {t['precision']} bits" if t.get("precision") else ""
        out.append(f"| {t['case']}: {t['want']} in ≤ {t['limit_s']:.0f} s | {t['lower']} of {t['upper']}{prec} | "
                   f"{t['float_rank']} | {_spread(t['time'], _ms)} | {_ms(t['cpu']['median'])} | "
                   f"{_ms(t['verify']['median'])} ({'ok' if t['verified'] else 'FAILED'}) | {_verdict(t['met'])} |")
    out += ["", f"Growth with nq m (two-layer ReLU (n, 10, d, 5), n = 40 d): time ~ (nq m)^{cf['nq_m_exponent']:.2f}.", "",
            "| d | n | nq × m | certified | wall | CPU | verify() |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in cf["nq_m_series"]:
        cpu = r.get("cpu", {}).get("median", r.get("cpu_seconds", float("nan")))
        out.append(f"| {r['d']} | {r['n']} | {r['nq_m']:.1e} | {r['lower']} of {r['upper']} | {_ms(r['time']['median'])} | "
                   f"{_ms(cpu)} | {_ms(r['verify_seconds'])} |")
    out += ["", "Growth with the precision (2-30-1 tanh, n = 180, the 121 × 121 minor in ball arithmetic):", "",
            "| bits | certified | wall | CPU | verify() |", "| --- | --- | --- | --- | --- |"]
    for r in cf["precision_series"]:
        cpu = r.get("cpu", {}).get("median", float("nan"))
        out.append(f"| {r['bits']} | {r['lower']} of {r['upper']} | {_ms(r['time']['median'])} | {_ms(cpu)} | "
                   f"{_ms(r['verify']['median'])} |")
    return out


def _two_layer(r: dict) -> bool:
    return r["k"] == 2


def speed_targets(sp: dict) -> list[str]:
    """Target rows of bench/speed.py: nnlib <= best peer, the memory-write floor, the dimension estimate <= 2 QRs."""
    out = []
    for r in sp["rungs"]:
        t = r["times"]
        if r["best_peer"]:
            out.append(f"| Jacobian {r['label']}, n = {r['n']}: nnlib ≤ best of JAX jit / torch.func | "
                       f"{_ms(t['nnlib']['median'])} vs {_ms(t[r['best_peer']]['median'])} ({r['best_peer']}); "
                       f"CPU-time ratio {r['jac_ratio_cpu']:.2f} | {r['jac_ratio']:.2f} | "
                       f"{_verdict(r['jac_ratio'] <= sp['target_jac_ratio'])} |")
    for r in sp["rungs"]:
        t = r["times"]
        if _two_layer(r):
            out.append(f"| Jacobian {r['label']}, n = {r['n']}: nnlib ≤ 2 × memory-write floor "
                       f"({r['result_mib']:.1f} MiB at {r['copy_bandwidth_gbs']:.1f} GB/s = {_ms(r['memory_floor_s'])}) | "
                       f"{_ms(t['nnlib']['median'])}; CPU-time ratio {r['floor_ratio_cpu']:.1f} | "
                       f"{r['floor_ratio'] / sp['target_floor_ratio']:.2f} | "
                       f"{_verdict(r['floor_ratio'] <= sp['target_floor_ratio'])} |")
    for r in sp["rungs"]:
        if "dim_times" not in r:
            continue
        d = r["dim_times"]
        out.append(f"| dimension estimate {r['label']}, n = {r['n']}: default call ≤ 2 × one QR ({_ms(d['qr']['median'])}) | "
                   f"{_ms(d['dimension_default']['median'])} ({r['points_used']} points, rank {r['dimension']}); "
                   f"one SVD {_ms(d['svd']['median'])}; QR flop floor {_ms(r['qr_flop_floor_s'])} | "
                   f"{r['dim_qr_ratio'] / sp['target_dim_qr_ratio']:.2f} | "
                   f"{_verdict(r['dim_qr_ratio'] <= sp['target_dim_qr_ratio'])} |")
    return out


def speed_why(sp: dict) -> list[str]:
    """One line per missed target of bench/speed.py, with the measured cause."""
    why = []
    for r in sp["rungs"]:
        t = r["times"]
        nn_t = t["nnlib"]["median"]
        act = r.get("activations_s", float("nan"))
        miss_peer = r["best_peer"] and r["jac_ratio"] > sp["target_jac_ratio"]
        miss_floor = _two_layer(r) and r["floor_ratio"] > sp["target_floor_ratio"]
        if not (miss_peer or miss_floor):
            continue
        parts = []
        if r["m"] * r["nq"] < 1e4:
            parts.append(f"the result has {r['nq'] * r['m']} entries: nnlib's {_ms(nn_t)} is the Python/numpy "
                         f"dispatch of its ~{4 + 6 * r['k']} array operations (about 1-2 µs each), against one call "
                         "of a compiled XLA program")
        if r["activation"] != "relu" and act == act and act > 0.2 * nn_t:
            parts.append(f"evaluating {r['activation']} and its derivative on the hidden pre-activations alone takes "
                         f"{_ms(act)} ({act / nn_t:.0%} of nnlib's time; {act / r['memory_floor_s']:.1f} × the memory "
                         "floor): nnlib takes both from one e = exp(-2|z|) (nnlib._kernel.activation_value_and_derivative), "
                         "but numpy's float64 exp is a scalar libm call per entry on this AVX2 CPU, and the quotients "
                         "(1 - e)/(1 + e), 4e/(1 + e)^2 and the small-|z| branch are about ten more passes over the "
                         "array (XLA fuses a vectorised approximation into the same loop)"
                         + (f"; without them nnlib would take {_ms(nn_t - act)}" if act < nn_t else
                            " (timed apart in the same rounds, as long as nnlib's whole call)"))
        ru = r.get("nnlib_rusage")
        if ru and ru["sys_s"] > 0.2 * (ru["user_s"] + ru["sys_s"]):
            parts.append(f"{ru['sys_s'] / (ru['user_s'] + ru['sys_s']):.0%} of nnlib's CPU time is system time "
                         f"({ru['minflt']:.0f} page faults per call, resource.getrusage over {ru['calls']} calls): the "
                         f"kernel mapping and zeroing the pages of the fresh {r['result_mib']:.1f} MiB result and of "
                         "fresh temporaries, which the memory floor (a copy into memory already mapped) does not pay")
        if r["result_mib"] > 100:
            parts.append(f"the result is {r['result_mib']:.0f} MiB, a fresh array at every call: its pages are first "
                         "touched (faulted in and zeroed by the kernel) inside the call, and between two nnlib calls the "
                         "peers' equally large arrays are allocated and freed (measured alone, not interleaved, at load "
                         "~9: 907 ms CPU for the first call, 62-65 ms CPU and ~195 ms wall for the next ones; np.empty + "
                         "fill of the same size 34 ms CPU, refilling warm memory 18 ms); a kernel that returns a new "
                         "array cannot avoid this")
        if miss_floor and not parts:
            parts.append(f"nnlib writes the result once, but computes each entry as a product of two factors read "
                         f"from D_i^T and h^T; its time is {r['floor_ratio']:.1f} × the floor in wall time, "
                         f"{r['floor_ratio_cpu']:.1f} × in CPU time")
        what = []
        if miss_peer:
            what.append(f"{r['jac_ratio']:.2f} × {r['best_peer']} (CPU time {r['jac_ratio_cpu']:.2f} ×)")
        if miss_floor:
            what.append(f"{r['floor_ratio']:.1f} × the memory-write floor")
        why.append(f"- Jacobian {r['label']}, n = {r['n']}: " + " and ".join(what) + ": " + "; ".join(parts) + ".")
    for r in sp["rungs"]:
        if "dim_times" in r and r["dim_qr_ratio"] > sp["target_dim_qr_ratio"]:
            d = r["dim_times"]
            if r["dimension"] < r["ceiling"]:
                cause = (f"its float64 rank {r['dimension']} stays below the ceiling {r['ceiling']}, so it tries all "
                         f"{r['points_used']} points (the rank decision needs every one; see image_dimension's notes)")
            elif r["nq"] * r["m"] < 1e4:
                cause = "the matrix is tiny: the time is the Python overhead of drawing weights, the Jacobian and the decision"
            elif r["points_used"] > 1:
                cause = (f"it reached the ceiling {r['ceiling']} only at point {r['points_used']} (the earlier points' "
                         "float64 ranks were lower), each point costing weights, a Jacobian and a QR + SVD of the "
                         f"{min(r['nq'], r['m'])} × {min(r['nq'], r['m'])} factor")
            else:
                cause = (f"one point: the singular values need the SVD of the {min(r['nq'], r['m'])} × "
                         f"{min(r['nq'], r['m'])} triangular factor after the QR, and for a nearly square Jacobian "
                         f"that costs more than the QR itself (one SVD of J: {d['svd']['median'] / d['qr']['median']:.1f} QRs)")
            why.append(f"- dimension estimate {r['label']}, n = {r['n']}: {r['dim_qr_ratio']:.1f} × one QR: {cause}.")
    return why


def speed_section(sp: dict) -> list[str]:
    """## 6: nnlib's Jacobian against jit-compiled JAX and torch.func, and against the hardware floors (bench/speed.py)."""
    v = sp["versions"]
    out = ["", "## 6. Jacobian against jit-compiled JAX, and the hardware floors", "",
           f"`python -m bench.speed` ({sp['date_utc']} UTC; load {sp['load_before'][0]} before, {sp['load_after'][0]} after; "
           f"{sp['repeats']} interleaved rounds, medians of wall time). float64, one thread: numpy/OpenBLAS "
           f"(OMP_NUM_THREADS=1), torch {v['torch']} (1 thread), JAX {v['jax']} with `XLA_FLAGS={sp['xla_flags']}`. "
           "JAX: `jax.jit(jax.vmap(jax.jacrev(nu), in_axes=(None, 0)))`, compiled before timing (compile time "
           "apart). Every peer agrees with nnlib to "
           f"{sp['tolerance']:g} relative (checked before timing). Memory-write floor: bytes of the (n q) × m result "
           f"over the copy bandwidth measured in the same rounds (`np.copyto` of {sp['copy_bytes'] // 2**20} MiB). "
           f"QR flop floor: 2 M N² − ⅔ N³ flops (M = max(nq, m), N = min(nq, m)) at the dgemm rate measured in "
           f"the same rounds ({sp['gemm_n']} × {sp['gemm_n']} product). Ratios: nnlib / best peer and nnlib / floor, "
           "wall time (CPU time in brackets).", "",
           "| network | n | nq × m | nnlib | JAX jit (compile) | torch jacrev | torch jacfwd | nnlib / best peer | "
           "memory floor | nnlib / floor | σ and σ′ alone |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in sp["rungs"]:
        t = r["times"]
        g = lambda k: _ms(t[k]["median"]) if k in t else "n/a"  # noqa: E731
        jx = f"{g('jax')} ({r['jax_compile_s']:.2f} s)" if "jax" in t else "not installed"
        out.append(f"| {r['label']} | {r['n']} | {r['nq']} × {r['m']} | {g('nnlib')} | {jx} | {g('torch_jacrev')} | "
                   f"{g('torch_jacfwd') if 'torch_jacfwd' in t else 'skipped'} | "
                   f"{r['jac_ratio']:.2f} ({r['jac_ratio_cpu']:.2f}) | {_ms(r['memory_floor_s'])} | "
                   f"{r['floor_ratio']:.1f} ({r['floor_ratio_cpu']:.1f}) | {_ms(r.get('activations_s', float('nan')))} |")
    if any("dim_times" in r for r in sp["rungs"]):
        out += ["", "Dimension estimate (`image_dimension(arch, S, rng=1)`, default call) against one QR "
                "(`scipy.linalg.qr(J, mode='r')`), one SVD and the QR's flop floor, interleaved in the same rounds:", "",
                "| network | n | nq × m | dgemm GF/s | QR flop floor | one QR | one SVD | default call (points) | "
                "call / QR | call / flop floor | QR / floor | SVD / floor | rank |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in sp["rungs"]:
            if "dim_times" not in r:
                continue
            d = r["dim_times"]
            out.append(f"| {r['label']} | {r['n']} | {r['nq']} × {r['m']} | {r['dgemm_gflops']:.1f} | "
                       f"{_ms(r['qr_flop_floor_s'])} | {_ms(d['qr']['median'])} | {_ms(d['svd']['median'])} | "
                       f"{_ms(d['dimension_default']['median'])} ({r['points_used']}) | {r['dim_qr_ratio']:.2f} | "
                       f"{r['dim_floor_ratio']:.1f} | {r['qr_floor_ratio']:.1f} | {r['svd_floor_ratio']:.1f} | "
                       f"{r['dimension']} of {r['ceiling']} |")
    return out


def page_weights_section(pw: dict) -> list[str]:
    """The book's page weights before and after issue 18's cuts (bench/raw/page_weights.json).

    The numbers come from the browser test's measure (tests/browser/check_book.py,
    test_page_weight_per_page_within_budget: bytes of every response body of a page's first load at
    1280 px, no scrolling, and the number of requests), run on the two builds named in the file.
    """
    out = ["", "## 7. Page weight", "", pw["method"], "",
           "| page | before: MB | requests | after: MB | requests | after, widgets woken: MB | requests |"
           + (" now: MB | requests |" if "now" in pw else ""),
           "| --- | --- | --- | --- | --- | --- | --- |" + (" --- | --- |" if "now" in pw else "")]
    after_woken = pw.get("after_woken", {})
    now = pw.get("now", {})
    for page in dict.fromkeys([*pw["before"], *now]):
        before, after, woken = pw["before"].get(page), pw["after"].get(page), after_woken.get(page)
        cells = [f"{before['bytes'] / 1e6:.2f}", str(before["requests"])] if before else ["n/a", "n/a"]
        cells += [f"{after['bytes'] / 1e6:.2f}", str(after["requests"])] if after else ["n/a", "n/a"]
        cells += [f"{woken['bytes'] / 1e6:.2f}", str(woken["requests"])] if woken else ["=", "="]
        if "now" in pw:
            cells += [f"{now[page]['bytes'] / 1e6:.2f}", str(now[page]["requests"])] if page in now else ["n/a", "n/a"]
        out.append(f"| {page} | " + " | ".join(cells) + " |")
    if "now" in pw:
        out += ["", f"*Now*: {pw['now_label']}."]
    out += ["", pw["notes"]]
    return out


if __name__ == "__main__":
    main()
