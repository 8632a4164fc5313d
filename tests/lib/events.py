#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Questions about a `hairpin-xdp monitor --json` log (one object a line).

    events.py LOG count                       how many events
    events.py LOG flow PROTO SRC DST TYPES... the session whose original tuple
                                              is SRC -> DST (IP:PORT, or IP: for
                                              any port) has exactly the events
                                              TYPES (NEW, UPDATE:STATE,
                                              DESTROY:REASON) in this order;
                                              prints its first event
    events.py LOG drop REASON SRC DST DEV     a DROP of that reason and tuple
    events.py LOG rule PROTO SRC DST RULE HAIRPIN
                                              its NEW has that rule and hairpin
                                              (true/false)
    events.py LOG reply PROTO SRC DST RSRC RDST
                                              its NEW has that reply tuple

Exits 0 (yes) or 1 (no), with the evidence on stderr.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def match(addr, want):
    return addr.startswith(want) if want.endswith(":") else addr == want


def flow_events(events, proto, src, dst):
    """The events of one session: its original tuple, any port where asked."""
    out = []
    for e in events:
        if e["type"] == "DROP" or e["proto"] != proto:
            continue
        if match(e["orig"]["src"], src) and match(e["orig"]["dst"], dst):
            out.append(e)
    return out


def describe(e):
    if e["type"] == "UPDATE":
        return "UPDATE:" + e["state"]
    if e["type"] == "DESTROY":
        return "DESTROY:" + e["reason"]
    return e["type"]


def main():
    events = load(sys.argv[1])
    what, args = sys.argv[2], sys.argv[3:]
    if what == "count":
        print(len(events))
        return 0
    if what == "flow":
        proto, src, dst, want = args[0], args[1], args[2], args[3:]
        got = [describe(e) for e in flow_events(events, proto, src, dst)]
        print(f"{proto} {src} -> {dst}: {got}, expected {want}", file=sys.stderr)
        return 0 if got == want else 1
    if what == "rule":
        proto, src, dst, rule, hairpin = args
        new = [e for e in flow_events(events, proto, src, dst) if e["type"] == "NEW"]
        print(f"NEW of {proto} {src} -> {dst}: {new}, expected rule {rule} hairpin {hairpin}",
              file=sys.stderr)
        return 0 if len(new) == 1 and new[0]["rule"] == int(rule) and \
            str(new[0]["hairpin"]).lower() == hairpin else 1
    if what == "reply":
        proto, src, dst, rsrc, rdst = args
        new = [e for e in flow_events(events, proto, src, dst) if e["type"] == "NEW"]
        print(f"NEW of {proto} {src} -> {dst}: {new}, expected reply {rsrc} -> {rdst}",
              file=sys.stderr)
        return 0 if len(new) == 1 and match(new[0]["reply"]["src"], rsrc) and \
            match(new[0]["reply"]["dst"], rdst) else 1
    if what == "drop":
        reason, src, dst, dev = args
        drops = [e for e in events if e["type"] == "DROP"]
        print(f"drops: {drops}, expected {reason} {src} -> {dst} on {dev}", file=sys.stderr)
        return 0 if any(e["reason"] == reason and "tuple" in e and
                        match(e["tuple"]["src"], src) and match(e["tuple"]["dst"], dst) and
                        e.get("dev") == dev for e in drops) else 1
    print(f"events.py: unknown question {what}", file=sys.stderr)
    return 2


sys.exit(main())
