#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Turn bench/run's raw samples into the table, the ratios line,
results.json (every raw sample and the machine) and the gnuplot plots.

Exit status 1 when a configuration counted no packets (what the quick mode
checks)."""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys

CONFIG_ORDER = ["ceiling", "forward", "nft", "nft-flowtable", "hpx-fast", "hpx-slow", "hpx-before"]
CONFIG_TITLE = {
    "ceiling": "XDP ceiling",
    "forward": "kernel forwarding",
    "nft": "nftables NAT",
    "nft-flowtable": "nftables + flowtable",
    "hpx-fast": "hairpin-xdp",
    "hpx-slow": "hairpin-xdp slow path",
    "hpx-before": "hairpin-xdp before",
}
# metric -> (title, unit, how to get value and router cost from a sample)
LIVE_METRICS = ["udp_pps_hairpin", "udp_pps_inet", "new_flows", "new_flows_inet", "tcp_hs",
                "new_flows_2gen", "tcp_crr", "iperf3"]
LIVE_TITLE = {
    "udp_pps_hairpin": ("UDP hairpin", "kpps", "ns/pkt"),
    "udp_pps_inet": ("UDP from inet", "kpps", "ns/pkt"),
    "new_flows": ("new flows hairpin", "k/s", "ns/flow"),
    "new_flows_inet": ("new flows inet", "k/s", "ns/flow"),
    "tcp_hs": ("TCP handshakes", "k/s", "ns/conn"),
    "new_flows_2gen": ("new flows 2 gens", "k/s", "ns/flow"),
    "tcp_crr": ("TCP conn/s", "conn/s", "us/conn"),
    "iperf3": ("iperf3", "Gbit/s", "ns/KB"),
}
LAYOUTS = ["split", "onecore", "twocpu"]
LAYOUT_TITLE = {
    "split": "split layout: the router on its own core (router = its time per unit)",
    "onecore": "one core: generator, switch, router, hosts, receiver all on CPU 0 (the whole system)",
    "twocpu": "two CPUs: each generator with its router port on its own CPU",
}


def live_value(s):
    """(rate in the table's unit, router cost in the table's unit, packets)."""
    m = s["metric"]
    if m in ("udp_pps_hairpin", "udp_pps_inet", "new_flows", "new_flows_inet", "tcp_hs", "new_flows_2gen"):
        rx = s["rx"]
        n = rx["packets"]
        span = (rx["last_ns"] - rx["first_ns"]) / 1e9
        rate = (n - 1) / span if n > 1 and span > 0 else 0.0
        return rate / 1e3, (s["router_ns"] / n if n else None), n
    if m == "tcp_crr":
        c = s["crr"]["connections"]
        return s["crr"]["cps"], (s["router_ns"] / c / 1e3 if c else None), c
    if m == "iperf3":
        b = s["bytes"]
        return s["bps"] / 1e9, (s["router_ns"] / (b / 1e3) if b else None), b
    raise ValueError(m)


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def machine(args):
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "kernel": platform.release(),
        "cpu_model": model,
        "cores": os.cpu_count(),
        "cpu_layout": {
            "router_cpu": args.router_cpu,
            "bed_cpu": args.bed_cpu,
            "description": (
                f"CPU {args.router_cpu}: the router's work only (threaded NAPI of lan0 and wan0, "
                f"pinned; XDP, stack, nftables, XDP_TX). CPU {args.bed_cpu}: generator, "
                "switch (XDP MAC forwarder; the port towards the router as a pinned NAPI "
                "thread), client, server, receiver counter, iperf3 and tcpcrr. Cost "
                f"measurements (BPF_PROG_TEST_RUN) run on CPU {args.router_cpu}."
            ),
        },
    }


def _label_max(label):
    """max_sessions=N in an older run's memory label, or None."""
    for w in label.replace("(", " ").split():
        if w.startswith("max_sessions="):
            try:
                return int(w.split("=", 1)[1])
            except ValueError:
                return None
    return None


def fmt(v, digits=1):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.{digits}f}"


def cell(s, digits=1):
    if not s:
        return "-"
    return f"{fmt(s['median'], digits)} ({fmt(s['min'], digits)}-{fmt(s['max'], digits)})"


def ratio(a, b):
    if not a or not b or not b["median"]:
        return None
    return a["median"] / b["median"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", type=int, default=0)
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--router-cpu", type=int, default=1)
    ap.add_argument("--bed-cpu", type=int, default=0)
    args = ap.parse_args()

    samples = [json.loads(line) for line in open(args.raw) if line.strip()]
    unavailable = {s["config"]: s["reason"] for s in samples if s["kind"] == "unavailable"}
    live = [s for s in samples if s["kind"] == "live"]
    for s in live:
        s.setdefault("layout", "split")
    configs = [c for c in CONFIG_ORDER if c in unavailable or any(s["config"] == c for s in live)]
    layouts = [l for l in LAYOUTS if any(s["layout"] == l for s in live)]

    # ---- live metrics, per layout ----
    by_layout = {}
    problems = []
    for lay in layouts:
        res = by_layout[lay] = {}
        for m in LIVE_METRICS:
            res[m] = {}
            for c in configs:
                ss = [s for s in live if s["layout"] == lay and s["config"] == c and s["metric"] == m]
                if not ss:
                    continue
                vals = [live_value(s) for s in ss]
                res[m][c] = {"rate": summary([v[0] for v in vals]), "router": summary([v[1] for v in vals]),
                             "per_round": [v[0] for v in vals]}
                if any(v[2] == 0 for v in vals):
                    problems.append(f"{lay} {c} {m}: counted nothing")
    res_live = by_layout.get("split", {m: {} for m in LIVE_METRICS})
    for c in configs:
        if c not in unavailable and c not in res_live.get("udp_pps_hairpin", {}):
            problems.append(f"{c}: no samples")

    # ---- cost ----
    cost = [s for s in samples if s["kind"] == "cost"]
    harness = {}
    for hook in ("xdp", "tc"):
        h = [v for s in cost if s["name"] == "harness" and s["hook"] == hook for v in s["result"]["ns"]]
        harness[hook] = statistics.median(h) if h else 0
    res_cost = {}
    for s in cost:
        if s["name"].endswith("harness"):
            continue
        key = s["name"] if not s["sessions"] else f"{s['name']}@{s['sessions']}"
        # direct_*: run without the harness, nothing to subtract
        off = 0 if s["name"].split(":")[-1].startswith("direct_") else harness[s["hook"]]
        net = [v - off for v in s["result"]["ns"]]
        e = res_cost.setdefault(key, {"name": s["name"], "hook": s["hook"], "sessions": s["sessions"], "ns": [], "retval": s["result"]["retval"]})
        e["ns"] += net
    for e in res_cost.values():
        e["summary"] = summary(e["ns"])
    memory = [s for s in samples if s["kind"] == "memory"]
    for mm in memory:
        mm["bytes_per_session"] = mm["bytes_memlock"] / mm["sessions"] if mm["sessions"] else None

    # ---- targets ----
    L = res_live
    hp = "hpx-fast"

    def live_sum(m, c, k="rate", lay="split"):
        return by_layout.get(lay, {}).get(m, {}).get(c, {}).get(k)

    def cost_med(key):
        e = res_cost.get(key)
        return e["summary"]["median"] if e and e["summary"] else None

    targets = []

    def target(name, value, goal, ok_if, note=""):
        met = None if value is None else ok_if(value)
        targets.append({"target": name, "value": value, "goal": goal, "met": met, "note": note})

    r = ratio(live_sum("udp_pps_hairpin", hp), live_sum("udp_pps_hairpin", "ceiling"))
    target("hairpin 64B pps vs ceiling", r, ">= 0.90", lambda v: v >= 0.9)
    r = ratio(live_sum("udp_pps_hairpin", "nft", "router"), live_sum("udp_pps_hairpin", hp, "router"))
    target("hairpin router time per packet, nftables / hairpin-xdp", r, ">= 3", lambda v: v >= 3)
    if "nft-flowtable" in unavailable:
        target("hairpin pps vs nftables flowtable", None, ">= 1.5", None, "unavailable: " + unavailable["nft-flowtable"])
    else:
        r = ratio(live_sum("udp_pps_hairpin", hp), live_sum("udp_pps_hairpin", "nft-flowtable"))
        target("hairpin pps vs nftables flowtable", r, ">= 1.5", lambda v: v >= 1.5)
    for lay in layouts:
        for m, what in (("new_flows", "hairpin"), ("new_flows_inet", "from the internet")):
            r = ratio(live_sum(m, hp, lay=lay), live_sum(m, "nft", lay=lay))
            if r is not None:
                target(f"new sessions/s {what} vs nftables ({lay}, at the receiver)", r, ">= 3", lambda v: v >= 3)
            if lay == "split":
                r = ratio(live_sum(m, "nft", "router"), live_sum(m, hp, "router"))
                target(f"new session {what}, router time nftables / hairpin-xdp", r, ">= 3", lambda v: v >= 3, "the same in the router's own time")
        for m in ("tcp_crr", "tcp_hs"):
            r = ratio(live_sum(m, hp, lay=lay), live_sum(m, "nft", lay=lay))
            if r is not None:
                target(f"TCP connections/s ({m}) vs nftables ({lay})", r, ">= 1.5", lambda v: v >= 1.5)
    for c in (hp, "nft", "ceiling"):
        r = ratio(live_sum("new_flows_2gen", c, lay="twocpu"), live_sum("new_flows_2gen", c, lay="onecore"))
        if r is not None:
            target(f"new flows from two generators, two CPUs / one CPU ({CONFIG_TITLE[c]})", r, "information", lambda v: None)
    for path, new in (("established", "new_flow"), ("hairpin", "new_hairpin")):
        a, b = cost_med(new), cost_med(path)
        target(f"BPF_PROG_TEST_RUN {new} / {path} packet", b and a and a / b, "<= 5", lambda v: v <= 5,
               f"{a:.0f} ns vs {b:.0f} ns" if a and b else "")
    # Like for like: a program run on its own costs the test-run overhead
    # (direct_nop) plus its work; the floor is the parse-only program run so.
    # Beside it, the "parse + one session lookup" reference: what any
    # stateful NAT pays at least.
    fl, nop, lk = cost_med("direct_floor"), cost_med("direct_nop"), cost_med("direct_lookup")
    for path in ("established", "hairpin"):
        v = cost_med(path)
        note = f"work only: {v:.1f} ns vs {cost_med('floor') or 0:.1f} ns" if v else ""
        if v and lk and nop is not None:
            note += f"; {(v + nop) / lk:.2f}x parse + one lookup ({lk:.0f} ns, itself {lk / fl:.2f}x the floor)"
        target(f"{path} cost vs parse-only floor (each as a program run on its own)",
               (v + nop) / fl if v and fl and nop is not None else None, "<= 2", lambda v: v <= 2, note)
    pre = sorted({e["sessions"] for e in res_cost.values() if e["sessions"]})
    if len(pre) >= 2:
        for path in ("established", "hairpin"):
            a, b = cost_med(f"{path}@{pre[0]}"), cost_med(f"{path}@{pre[-1]}")
            target(f"{path} cost growth {pre[0]} -> {pre[-1]} sessions", b / a if a and b else None, "<= 1.2", lambda v: v <= 1.2)
    # The memory target is for a full table ("at the default size and at 1M
    # sessions, divided by the sessions"): a partly filled table's bucket
    # arrays are divided by few sessions, reported as information only.
    for mm in memory:
        if not mm["sessions"]:
            continue
        cap = mm.get("max_sessions") or _label_max(mm["label"])
        mm["full"] = bool(cap) and mm["sessions"] >= 0.9 * cap
        if mm["full"]:
            target(f"map memory per session ({mm['label']}, {mm['sessions']} sessions)", mm["bytes_per_session"], "<= 256 B", lambda v: v <= 256)

    # ---- where the established cost goes: harness, floor, lookup, our work ----
    # Each as a program run on its own (direct_*: test-run overhead included).
    breakdown = {}
    dn, df, dl = cost_med("direct_nop"), cost_med("direct_floor"), cost_med("direct_lookup")
    if None not in (dn, df, dl):
        for path in ("established", "hairpin"):
            v = cost_med(path)
            if v is None:
                continue
            total = v + dn
            breakdown[path] = {
                "total_ns": total,
                "test_run_overhead_ns": dn,
                "parse_ns": df - dn,
                "one_lookup_ns": dl - df,
                "rest_ns": total - dl,
                "vs_floor": total / df,
                "vs_lookup_reference": total / dl,
            }
        breakdown["lookup_reference_vs_floor"] = dl / df
    per_size = {}
    for n in [0] + pre:
        suffix = f"@{n}" if n else ""
        lk = cost_med("lookup" + suffix)
        if lk is None:
            continue
        per_size[n] = {"lookup_work_ns": lk}
        for path in ("established", "hairpin"):
            v = cost_med(path + suffix)
            if v is not None:
                per_size[n][path + "_work_ns"] = v
                per_size[n][path + "_over_lookup_ns"] = v - lk
    breakdown["by_sessions"] = per_size

    # ---- profiles: each symbol's share as ns per packet ----
    profiles = {}
    for s in samples:
        if s["kind"] != "profile":
            continue
        n = s["rx"]["packets"]
        ns_pkt = s["router_ns"] / n if n else None
        profiles[s["config"]] = {
            "router_ns_per_pkt": ns_pkt,
            "packets_per_wakeup": n / s["wakeups"] if s.get("wakeups") else None,
            "top": [{"pct": p, "sym": sym, "ns_per_pkt": (p / 100 * ns_pkt if ns_pkt else None)} for p, sym in s["top"]],
        }
    in_place = {}
    for s in samples:
        if s["kind"] != "bpf_stats":
            continue
        a, b = s["after"], s.get("before") or {}
        cnt = a.get("run_cnt", 0) - b.get("run_cnt", 0)
        t = a.get("run_time_ns", 0) - b.get("run_time_ns", 0)
        in_place[s["config"]] = {"prog": s["prog"], "run_cnt": cnt, "ns_per_run": t / cnt if cnt else None}

    # ---- output: JSON ----
    result = {
        "machine": machine(args),
        "quick": bool(args.quick),
        "wall_seconds": args.seconds,
        "configs": configs,
        "unavailable": unavailable,
        "live": res_live,
        "live_by_layout": by_layout,
        "cost_ns": {k: {kk: vv for kk, vv in e.items()} for k, e in res_cost.items()},
        "cost_harness_ns": harness,
        "memory": memory,
        "cost_breakdown": breakdown,
        "profiles": profiles,
        "bpf_in_place": in_place,
        "targets": targets,
        "problems": problems,
        "samples": samples,
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(result, f, indent=1)

    # ---- output: table ----
    mi = result["machine"]
    print(f"hairpin-xdp benchmark: kernel {mi['kernel']}, {mi['cpu_model']}, {mi['cores']} cores")
    print(f"cpu layout: {mi['cpu_layout']['description']}")
    print("median (min-max) of %d round(s); router = the router core's time per unit\n" % max(
        [x["rate"]["n"] for m in L.values() for x in m.values() if x.get("rate")] or [0]))
    for lay in layouts:
        Ly = by_layout[lay]
        ms = [m for m in LIVE_METRICS if Ly.get(m)]
        print(f"\n{LAYOUT_TITLE[lay]}")
        print(f"{'configuration':24}" + "".join(f"{LIVE_TITLE[m][0] + ' ' + LIVE_TITLE[m][1]:>24}" for m in ms))
        for c in configs:
            if c in unavailable:
                if lay == "split":
                    print(f"{CONFIG_TITLE[c]:24}  unavailable: {unavailable[c]}")
                continue
            if not any(Ly[m].get(c) for m in ms):
                continue
            row = f"{CONFIG_TITLE[c]:24}"
            row2 = f"{'  router':24}"
            for m in ms:
                x = Ly[m].get(c)
                row += f"{cell(x['rate'] if x else None):>24}"
                rr = x["router"] if x else None
                row2 += f"{(fmt(rr['median']) + ' ' + LIVE_TITLE[m][2]) if rr else '-':>24}"
            print(row)
            if lay == "split":
                print(row2)
    print(f"\nper-packet cost, BPF_PROG_TEST_RUN, ns (harness {harness['xdp']:.1f} xdp / {harness['tc']:.1f} tc subtracted)")
    for k, e in sorted(res_cost.items(), key=lambda kv: (kv[1]["sessions"], kv[0])):
        print(f"  {e['hook']:4} {k:28} {cell(e['summary'])}")
    for mm in memory:
        bps = mm["bytes_per_session"]
        info = "" if not mm["sessions"] or mm.get("full") else "  (table partly filled: information, not the target)"
        print(f"  memory {mm['label']:32} sessions {mm['sessions']:>8}  memlock {mm['bytes_memlock']:>11} B" + (f"  {bps:.0f} B/session" if bps else "") + info)
    if any(k in breakdown for k in ("established", "hairpin")):
        print("\nestablished cost, each part as a program run on its own (ns): test-run overhead + parse + one lookup + the rest")
        for path in ("established", "hairpin"):
            b = breakdown.get(path)
            if b:
                print(f"  {path:12} {b['total_ns']:.0f} = {b['test_run_overhead_ns']:.0f} + {b['parse_ns']:.0f} + {b['one_lookup_ns']:.0f} + {b['rest_ns']:.0f}"
                      f"   {b['vs_floor']:.2f}x the parse-only floor, {b['vs_lookup_reference']:.2f}x parse + one lookup")
        print(f"  parse + one lookup alone is {breakdown['lookup_reference_vs_floor']:.2f}x the parse-only floor")
    for n, r in sorted(per_size.items()):
        print(f"  sessions {n:>8}: lookup reference {r['lookup_work_ns']:.0f} ns of work; " +
              ", ".join(f"{p} {r[p + '_work_ns']:.0f} (+{r[p + '_over_lookup_ns']:.0f})" for p in ("established", "hairpin") if p + "_work_ns" in r))
    if profiles:
        print("\nwhere the router's time goes, hairpin stream (perf cpu-clock on the router's NAPI threads):")
        for c, pr in profiles.items():
            ppw = pr["packets_per_wakeup"]
            print(f"  {CONFIG_TITLE.get(c, c)}: {fmt(pr['router_ns_per_pkt'])} ns/pkt, {fmt(ppw)} packets per thread wakeup")
            for t in pr["top"][:8]:
                print(f"    {t['pct']:5.1f}% {fmt(t['ns_per_pkt']):>6} ns  {t['sym']}")
    for c, ip in in_place.items():
        print(f"  in place (BPF_ENABLE_STATS) {ip['prog']} on {c}: {fmt(ip['ns_per_run'])} ns/run over {ip['run_cnt']} runs")
    print("\ntargets:")
    for t in targets:
        st = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        v = "-" if t["value"] is None else f"{t['value']:.2f}"
        print(f"  [{st:6}] {t['target']}: {v} (goal {t['goal']}) {t['note']}")
    for p in problems:
        print(f"problem: {p}")

    # ---- ratios line ----
    parts = []
    for lay in layouts:
        for m in LIVE_METRICS:
            a = ratio(live_sum(m, hp, lay=lay), live_sum(m, "nft", lay=lay))
            if a:
                parts.append(f"{m}{'' if lay == 'split' else '@' + lay} {a:.2f}x")
    rn = ratio(live_sum("udp_pps_hairpin", "nft", "router"), live_sum("udp_pps_hairpin", hp, "router"))
    if rn:
        parts.append(f"router ns/pkt nft/hpx {rn:.2f}x")
    ceil = []
    for m in ("udp_pps_hairpin", "udp_pps_inet", "new_flows", "new_flows_inet", "tcp_hs"):
        a = ratio(live_sum(m, hp), live_sum(m, "ceiling"))
        if a:
            ceil.append(f"{m} {100 * a:.0f}%")
    rc = ratio(live_sum("udp_pps_hairpin", hp, "router"), live_sum("udp_pps_hairpin", "ceiling", "router"))
    if rc:
        ceil.append(f"router ns/pkt hpx/ceiling {rc:.2f}x")
    print(f"\nratios: hairpin-xdp vs nftables: {', '.join(parts) or '-'}; vs ceiling: {', '.join(ceil) or '-'}")

    if not args.quick:
        plots(args.out, configs, unavailable, L, res_cost, pre)
    return 1 if problems else 0


def plots(out, configs, unavailable, L, res_cost, pre):
    if not shutil.which("gnuplot"):
        print("no gnuplot: no plots", file=sys.stderr)
        return
    d = os.path.join(out, "plot")
    os.makedirs(d, exist_ok=True)
    cs = [c for c in configs if c not in unavailable]
    # configuration, then median/min/max of each direction
    for name, key in (("pps.dat", "rate"), ("router.dat", "router")):
        with open(os.path.join(d, name), "w") as f:
            for c in cs:
                vals = []
                for m in ("udp_pps_hairpin", "udp_pps_inet"):
                    r = L[m].get(c, {}).get(key) or {"median": 0, "min": 0, "max": 0}
                    vals += [r["median"], r["min"], r["max"]]
                f.write(f"\"{CONFIG_TITLE[c]}\" " + " ".join(f"{v:.1f}" for v in vals) + "\n")
    with open(os.path.join(d, "cost.dat"), "w") as f:
        fl = res_cost.get("floor", {}).get("summary") or {"median": 0}
        for n in pre:
            row = [n]
            for p in ("established", "hairpin"):
                s = res_cost.get(f"{p}@{n}", {}).get("summary") or {"median": 0, "min": 0, "max": 0}
                row += [s["median"], s["min"], s["max"]]
            row.append(fl["median"])
            f.write(" ".join(f"{v}" for v in row) + "\n")
    script = f"""
set terminal pngcairo size 1000,560 noenhanced font ",10"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set xtics rotate by -20
set grid ytics
set key top right
set output "{out}/pps.png"
set title "64-byte UDP, one flow, packets/s at the receiver (median, min-max)"
set ylabel "kpps"
plot "{d}/pps.dat" using 2:3:4:xtic(1) title "hairpin (LAN client -> public address)", "" using 5:6:7 title "from the internet"
set output "{out}/router_ns.png"
set title "Router core time per packet (lower is better)"
set ylabel "ns per packet"
plot "{d}/router.dat" using 2:3:4:xtic(1) title "hairpin", "" using 5:6:7 title "from the internet"
unset style
set style data linespoints
set logscale x
set xtics norotate
set output "{out}/cost_vs_sessions.png"
set title "XDP ingress cost per packet vs sessions in the table (BPF_PROG_TEST_RUN)"
set xlabel "live sessions"
set ylabel "ns per packet"
set yrange [0:*]
plot "{d}/cost.dat" using 1:2:3:4 with yerrorlines title "established (internet -> server)", "" using 1:5:6:7 with yerrorlines title "hairpin (LAN client)", "" using 1:8 with lines dt 2 title "parse-only floor"
"""
    with open(os.path.join(d, "plots.gp"), "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", os.path.join(d, "plots.gp")], check=False)


if __name__ == "__main__":
    sys.exit(main())
