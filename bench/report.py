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
                       (("chapters", ch), ("widgets", wd), ("autodiff", ad), ("scaling", sc)) if d)
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
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(out) + "\n")
    print("wrote bench/RESULTS.md")


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


if __name__ == "__main__":
    main()
