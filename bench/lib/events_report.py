#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The table of bench/events from its samples (events.jsonl).

    events_report.py EVENTS.JSONL

Per path and configuration: the median of every sample (ns per packet),
their range and count, and against the build without hooks (noevents) the
difference of the medians and, per round, the median of the differences of
the round medians with their range: rounds run one after the other, so the
paired difference is what the rest of the machine disturbs least.
"""
import json
import statistics
import sys


def main():
    samples, rounds = {}, {}
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line)
            samples.setdefault((r["name"], r["config"]), []).extend(r["result"]["ns"])
            rounds.setdefault((r["name"], r["config"], r["round"]), []).extend(r["result"]["ns"])
    n_rounds = 1 + max(k[2] for k in rounds)
    print(f"{'path':<12} {'config':<10} {'median ns':>9} {'min':>6} {'max':>6} {'n':>3}"
          "  vs noevents: medians; per round: median (range)")
    for name in ("established", "new_flow"):
        base = statistics.median(samples[(name, "noevents")])
        for cfg in ("noevents", "events", "listening"):
            v = samples[(name, cfg)]
            m = statistics.median(v)
            d = [statistics.median(rounds[(name, cfg, i)]) -
                 statistics.median(rounds[(name, "noevents", i)]) for i in range(n_rounds)]
            print(f"{name:<12} {cfg:<10} {m:>9.1f} {min(v):>6} {max(v):>6} {len(v):>3}"
                  f"  {m - base:+.1f} ns ({(m - base) / base * 100:+.1f}%);"
                  f" {statistics.median(d):+.1f} ns ({min(d):+.0f}..{max(d):+.0f})")


main()
