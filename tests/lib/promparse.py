#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Parse a Prometheus text exposition (0.0.4) with prometheus_client's
parser (Debian: python3-prometheus-client), then check what that parser
lets pass but the format and the naming conventions want: each family once,
its # HELP and # TYPE before its samples, counters named *_total, every
name with the hairpin_xdp_ prefix.

    promparse.py FILE    JSON on stdout: {family: {"type", "help", "samples":
                         [[name, labels, value], ...]}}; exit 1 and one line
                         on stderr when FILE is not a valid exposition
"""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

NAME = re.compile(r"^hairpin_xdp_[a-z0-9_]+$")


def fail(msg):
    print("promparse: " + msg, file=sys.stderr)
    sys.exit(1)


def check_layout(text):
    """HELP then TYPE then the samples, for each family, each family once."""
    seen, current = set(), None
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        m = re.match(r"^# (HELP|TYPE) (\S+) ?(.*)$", line)
        if m:
            kind, name, rest = m.groups()
            if kind == "HELP":
                if name in seen:
                    fail("line %d: family %s again" % (n, name))
                if not rest:
                    fail("line %d: empty HELP" % n)
                seen.add(name)
                current = (name, "help")
            elif current != (name, "help"):
                fail("line %d: TYPE of %s not right after its HELP" % (n, name))
            else:
                current = (name, rest)
            continue
        if line.startswith("#"):
            fail("line %d: a comment that is neither HELP nor TYPE" % n)
        sample = re.split(r"[{ ]", line, maxsplit=1)[0]
        if current is None or sample != current[0]:
            fail("line %d: sample %s outside its family %s" % (n, sample, current and current[0]))
    if not text.endswith("\n"):
        fail("no newline at the end")


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser's own verdict
        fail("parser: %s: %s" % (type(e).__name__, e))
    check_layout(text)
    out = {}
    for f in families:
        full = f.name + "_total" if f.type == "counter" else f.name
        if full in out:
            fail("family %s split in two" % full)
        if f.type not in ("counter", "gauge"):
            fail("family %s has type %s" % (full, f.type))
        if not NAME.match(full):
            fail("family %s: not a hairpin_xdp_ name" % full)
        for s in f.samples:
            if f.type == "counter" and not s.name.endswith("_total"):
                fail("counter sample %s does not end in _total" % s.name)
        out[full] = {"type": f.type, "help": f.documentation,
                     "samples": [[s.name, s.labels, s.value] for s in f.samples]}
    if not out:
        fail("no metrics at all")
    json.dump(out, sys.stdout, sort_keys=True)


main()
