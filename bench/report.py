"""The table `make bench` prints, from the "key value" lines bench/run.sh recorded.

Usage: python3 report.py RESULTS --sizes "10000 1000000" --seconds 10 --connections 16
"""

import argparse
import datetime
import os


def load(path):
    values, spa = {}, []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "spa":
                spa.append((parts[1], int(parts[2]), int(parts[3])))
            else:
                values[parts[0]] = float(parts[1])
    return values, spa


def human(n):
    return f"{n / 1000:.0f}k" if n < 1_000_000 else f"{n / 1_000_000:g}M"


def ratio(a, b):
    return None if a is None or not b else a / b


def fmt(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--sizes", required=True)
    p.add_argument("--seconds", required=True)
    p.add_argument("--connections", required=True)
    a = p.parse_args()
    v, spa = load(a.results)
    sizes = [int(s) for s in a.sizes.split()]
    small, big = sizes[0], sizes[-1]
    get = lambda key: v.get(key)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load1 = os.getloadavg()[0]
    out = []
    w = out.append
    w(f"Credence bench — {when} — {os.cpu_count()} CPUs, load average {load1:.1f} at the end;")
    w(f"{a.connections} connections (wrk, pgbench and the server's pool), {a.seconds} s per run, PostgreSQL on the same host")
    w("")
    cols = " ".join(f"{human(s):>10}" for s in sizes)
    w(f"{'measure':<52}{cols}   target")

    def row(label, values, target="", digits=2):
        cells = " ".join(f"{fmt(x, digits):>10}" for x in values)
        w(f"{label:<52}{cells}   {target}")

    for name, label in [("reseller_list", "reseller GET /candidates?limit=50"),
                        ("reseller_search", "reseller GET /candidates?limit=50&q="),
                        ("client_list", "client GET /candidates?limit=50"),
                        ("results", "client GET /projects/{id}/results?limit=50")]:
        row(f"{label}: API req/s", [get(f"{s}.{name}.rps") for s in sizes], digits=0)
        row("  pgbench tps, the same SQL", [get(f"{s}.{name}.tps") for s in sizes], digits=0)
        row("  API ÷ pgbench", [ratio(get(f"{s}.{name}.rps"), get(f"{s}.{name}.tps")) for s in sizes])
        row("  p50 ms", [get(f"{s}.{name}.p50") for s in sizes])
    row("invites POST /candidates: API req/s", [get(f"{s}.invite.rps") for s in sizes], digits=0)
    row("  pgbench tps, hot-row balance UPDATE + ledger INSERT", [get(f"{s}.ledger.tps") for s in sizes], digits=0)
    row("  invites ÷ pgbench", [ratio(get(f"{s}.invite.rps"), get(f"{s}.ledger.tps")) for s in sizes], "≥ 0.4")
    row("/api/v1/me req/s", [get(f"{s}.me.rps") for s in sizes], digits=0)
    row("/healthz req/s", [get(f"{s}.healthz.rps") for s in sizes], digits=0)
    row("/me ÷ /healthz", [ratio(get(f"{s}.me.rps"), get(f"{s}.healthz.rps")) for s in sizes], "≥ 0.5")
    row("RSS idle, MiB", [ratio(get(f"{s}.rss_idle_kib"), 1024) for s in sizes], "≤ 30", digits=1)
    row("RSS after the runs, MiB", [ratio(get(f"{s}.rss_loaded_kib"), 1024) for s in sizes], digits=1)
    errors = sum(x for k, x in v.items() if k.endswith(".errors"))
    w(f"{'non-2xx answers and socket errors, all runs':<52}{errors:>10.0f}")
    w("")
    if len(sizes) > 1:
        w(f"p50 {human(big)} ÷ p50 {human(small)} (target ≤ 1.3):")
        for name, label in [("reseller_list", "reseller list"), ("client_list", "client list"),
                            ("results", "a project's results"), ("reseller_search", "search (?q=)")]:
            w(f"  {label:<50}{fmt(ratio(get(f'{big}.{name}.p50'), get(f'{small}.{name}.p50'))):>10}")
        w("")
    for name, label in [("export", "results.csv"), ("candidates_export", "candidates/export.csv")]:
        if get(f"{name}.rows") is None:
            continue
        growth = (get(f"{name}.rss_peak_kib") - get(f"{name}.rss_before_kib")) / 1024
        w(f"{label}, {get(f'{name}.rows'):.0f} rows ({get(f'{name}.bytes') / 1e6:.1f} MB): "
          f"first byte after {get(f'{name}.ttfb_s') * 1000:.0f} ms, all after {get(f'{name}.total_s'):.1f} s, "
          f"RSS {get(f'{name}.rss_before_kib') / 1024:.1f} → peak {get(f'{name}.rss_peak_kib') / 1024:.1f} MiB "
          f"(growth {growth:.1f} MiB)")
    if get("export.rows") is not None or get("candidates_export.rows") is not None:
        w("")
    if spa:
        w("SPA (dist/): file, bytes, brotli bytes")
        for name, size, br in spa:
            w(f"  {name:<50}{size:>10}{br:>10}")
        # One bundle per area (pkg/<bundle>.<hash>.js and .wasm): what a first visit downloads.
        bundles = {}
        for name, size, br in spa:
            bundle = name.split("/")[-1].split(".")[0]
            s, b = bundles.get(bundle, (0, 0))
            bundles[bundle] = (s + size, b + br)
        for bundle, (size, br) in sorted(bundles.items()):
            w(f"  {'bundle ' + bundle + ' (js + wasm)':<50}{size:>10}{br:>10}")
    else:
        w("SPA: dist/ not built (make web), no sizes")
    print("\n".join(out))


if __name__ == "__main__":
    main()
