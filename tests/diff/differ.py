#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Differential test: nftables NAT versus hairpin-xdp, packet by packet.

Replays every case of hpdiff/cases.py in each twin that tests/diff/twins.sh
built (namespaces PREFIX-TWIN-HOST), captures what leaves each router, and
compares every other twin with the reference (nft) field by field, after
mapping each implementation's hairpin SNAT ports to per-flow symbols.

    differ.py --prefix P [--twins nft,xdp,xdps] [--case TEXT] [--report FILE]
    differ.py --list

Result lines (`ok - ...`, `not ok - ...: reason`) go to stdout for
tests/run; the packets of every difference, side by side, go to stderr and
to --report. Normally run by tests/integration/differential.sh, which builds
and removes the twins.
"""

import argparse
import copy
import struct
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hpdiff import accepted as A  # noqa: E402
from hpdiff import cases as C  # noqa: E402
from hpdiff import packet as P  # noqa: E402

REF = "nft"
FULL_TABLES = 4  # per case and twin; after that only the differing rows


def case_ids():
    """(case index, case, origin index, origin) for every case and origin;
    ports and IP ids derive from the indexes, so they do not depend on
    --case."""
    for ci, c in enumerate(C.CASES):
        for oi, origin in enumerate(c.origins):
            yield ci, c, oi, origin


def title(c, origin):
    return "%s, %s" % (c.name, C.ORIGIN_TEXT[origin])


def run_case(twin, c, ci, oi, origin, counters=()):
    """One case in one twin; run.counters: how much each of `counters`
    (hairpin-xdp counter names) rose meanwhile."""
    before = twin.counters() if counters else {}
    run = C.Run(twin, ci * 4 + oi)
    try:
        c.fn(run, origin, 40000 + ci * 16 + oi * 4)
    except C.Abort as e:
        run.abort = "after step %d: %s" % (len(run.steps), e)
    after = twin.counters() if counters else {}
    run.counters = {k: after[k] - before[k] if k in after and k in before else None for k in counters}
    return run


def _group(step):
    """The step's output per (side, receiver), in arrival order."""
    g = {}
    for side, rcv, data in step.out:
        g.setdefault("%s->%s" % (side, rcv), []).append(data)
    return g


def compare_runs(a, b, bname, bad_input=False, aname=REF):
    """Differences between the reference run a (named aname) and run b, as
    text blocks."""
    na, nb = P.Normalizer(), P.Normalizer()
    diffs = []
    tables = 0
    for i, sa in enumerate(a.steps):
        where = "step %d (%s, sent by %s)" % (i + 1, sa.label, sa.host)
        if i >= len(b.steps):
            diffs.append("%s: %s stopped before it: %s" % (where, bname, b.abort))
            break
        sb = b.steps[i]
        ga, gb = _group(sa), _group(sb)
        for key in list(ga) + [k for k in gb if k not in ga]:
            la, lb = ga.get(key, []), gb.get(key, [])
            for j in range(max(len(la), len(lb))):
                fa = na.fields(la[j], sa.flow, sa.router_origin) if j < len(la) else []
                fb = nb.fields(lb[j], sb.flow, sb.router_origin) if j < len(lb) else []
                rows = P.compare(fa, fb)
                bad = [r for r in rows if r[3]]
                inv = [] if bad_input else P.invalid_checksums(fb)
                if not bad and not inv:
                    continue
                head = "%s, packet %d %s" % (where, j + 1, key)
                if not fa:
                    head += ": only %s sent it" % bname
                elif not fb:
                    head += ": %s did not send it" % bname
                if inv:
                    head += " [%s invalid: %s]" % (bname, ", ".join(inv))
                tables += 1
                diffs.append(head + "\n" + P.side_by_side(rows, aname, bname, only_diff=tables > FULL_TABLES))
        if sa.router_origin != sb.router_origin:
            diffs.append("%s: internal: steps disagree on router_origin" % where)
    if len(b.steps) > len(a.steps):
        diffs.append("%s ran %d steps, %s %d" % (bname, len(b.steps), aname, len(a.steps)))
    return diffs


def check_accepted(acc, ref, run, bname, bad_input):
    """What is wrong with an accepted difference, as text blocks (none: both
    sides did what the case declares). ref: the nftables run; run: the
    hairpin-xdp twin's."""
    try:
        want_nft, want = acc.nft(ref), acc.xdp(ref)
    except A.Mismatch as e:
        return ["nftables' outcome is not the one declared: %s" % e]
    d = compare_runs(want_nft, ref, REF, bad_input, aname="declared")
    if d:
        return ["nftables' outcome changed, %s" % x for x in d]
    d = compare_runs(want, run, bname, bad_input, aname="declared")
    if d and not compare_runs(ref, run, bname, bad_input):
        d.insert(0, "%s now does what nftables does: the difference is gone" % bname)
    for name, rise in sorted(acc.counters.items()):
        got = run.counters.get(name)
        if got != rise:
            d.append("counter %s rose by %s, declared %d" % (name, "?" if got is None else got, rise))
    return d


def show_runs(a, b, bname):
    """Every step and packet of two runs, side by side."""
    na, nb = P.Normalizer(), P.Normalizer()
    text = []
    for i in range(max(len(a.steps), len(b.steps))):
        sa = a.steps[i] if i < len(a.steps) else None
        sb = b.steps[i] if i < len(b.steps) else None
        s = sa or sb
        text.append("-- step %d: %s (sent by %s)" % (i + 1, s.label, s.host))
        ga, gb = _group(sa) if sa else {}, _group(sb) if sb else {}
        for key in list(ga) + [k for k in gb if k not in ga]:
            la, lb = ga.get(key, []), gb.get(key, [])
            for j in range(max(len(la), len(lb))):
                fa = na.fields(la[j], sa.flow, sa.router_origin) if j < len(la) else []
                fb = nb.fields(lb[j], sb.flow, sb.router_origin) if j < len(lb) else []
                text.append("packet %d %s\n%s" % (j + 1, key, P.side_by_side(P.compare(fa, fb), REF, bname)))
        if not ga and not gb:
            text.append("(nothing left either router)")
    return "\n".join(text)


def reference_problems(a, bad_input=False):
    """A reference run that cannot be compared against."""
    if a.abort:
        return "nftables reference stopped %s" % a.abort
    if bad_input:
        return None
    n = P.Normalizer()
    for i, s in enumerate(a.steps):
        for _, _, d in s.out:
            inv = P.invalid_checksums(n.fields(d, s.flow, s.router_origin))
            if inv:
                return "nftables reference sent invalid %s at step %d" % (", ".join(inv), i + 1)
    return None


# -- self-checks of the comparison itself --------------------------------

def _mutate(run, fn, every=False):
    """A copy of run whose first forwarded packet (every packet) is changed
    by fn(bytearray)."""
    r = copy.copy(run)
    r.steps = [copy.copy(s) for s in run.steps]
    changed = False
    for s in r.steps:
        if not s.out or s.router_origin or (changed and not every):
            continue
        out = []
        for k, (side, rcv, data) in enumerate(s.out):
            b = bytearray(data)
            if every or k == 0:
                fn(b)
            out.append((side, rcv, bytes(b)))
        s.out = out
        changed = True
    return r if changed else None


def _ttl_minus_one(b):
    b[14 + 8] -= 1
    struct.pack_into("!H", b, 14 + 10, P.csum_adjust(struct.unpack_from("!H", b, 14 + 10)[0],
                                                     (b[14 + 8] + 1) << 8 | b[14 + 9], b[14 + 8] << 8 | b[14 + 9]))


def _l4_csum_flip(b):
    ihl = (b[14] & 15) * 4
    off = 14 + ihl + (16 if b[14 + 9] == 6 else 6)
    b[off] ^= 0x01


def _snat_port_moved(b):
    """The hairpin SNAT source port moved by 7, checksum updated: what a
    different but correct port allocation looks like."""
    p = P.parse(bytes(b))
    for word, which in p.ports:
        if which == "sport":
            old = struct.unpack_from("!H", b, word.off)[0]
            P._patch(b, word, (old + 7) & 0xFFFF)


def self_checks(ref_lan):
    """The comparison must see a changed TTL and a broken checksum, and must
    not see a different SNAT port. ref_lan: the reference run of a hairpin
    TCP case."""
    out = []
    for name, fn, want in (("a TTL one lower is flagged", _ttl_minus_one, "ip.ttl"),
                           ("a flipped transport checksum bit is flagged", _l4_csum_flip, "chksum_ok"),
                           ("another hairpin SNAT port is not flagged", _snat_port_moved, None)):
        m = _mutate(ref_lan, fn, every=want is None)
        if m is None:
            out.append(("not ok", name, "no forwarded packet to alter"))
            continue
        d = compare_runs(ref_lan, m, "altered")
        if want is None:
            out.append(("ok", name, "") if not d else ("not ok", name, "normalization missed it:\n" + "\n".join(d)))
        elif any(want in x for x in d):
            out.append(("ok", name, ""))
        else:
            out.append(("not ok", name, "comparison did not notice (%s)" % ("; ".join(d) or "no difference")))
    return out


def judge(c, origin, ref, run, n):
    """(stdout result line, text for the report or None) of twin n."""
    label = "%s [%s]" % (title(c, origin), n)
    acc = c.accepted_for(n, origin)
    if acc:
        d = check_accepted(acc, ref, run, n, c.bad_input)
        if not d:
            return "ok - %s (accepted difference: %s)" % (label, acc.reason), None
        return ("not ok - %s: accepted difference not as declared (%s), first: %s"
                % (label, acc.reason, d[0].split("\n")[0]), d)
    d = compare_runs(ref, run, n, c.bad_input)
    if c.must_differ:
        if d:
            return "ok - %s (differs, as it must)" % label, None
        return "not ok - %s: no difference found where one must be" % label, None
    if not d:
        return "ok - %s" % label, None
    pend = " (%s)" % c.pending if c.pending else ""
    return "not ok - %s: %d difference(s)%s, first: %s" % (label, len(d), pend, d[0].split("\n")[0]), d


def _copy_run(run, **attrs):
    r = copy.copy(run)
    r.steps = [copy.copy(s) for s in run.steps]
    r.__dict__.update(attrs)
    return r


def _flipped(frame):
    """The frame with one bit of its transport checksum (of a later
    fragment: of its data) flipped."""
    b = bytearray(frame)
    _l4_csum_flip(b)
    return bytes(b)


def accepted_self_checks(acc, ref, run, n):
    """An accepted difference must stay a test: check_accepted must flag
    hairpin-xdp doing what nftables does, nftables doing what hairpin-xdp
    does, an altered packet at the declared step, a counter that did not
    rise. ref, run: real runs that passed."""
    altered = _copy_run(run)
    s = A.step(altered, acc.xdp.label)
    s.out = [(sd, r, _flipped(d)) for sd, r, d in s.out]
    checks = [("%s doing what nftables does" % n, ref, _copy_run(ref, counters=run.counters)),
              ("nftables doing what %s does" % n, run, run)]
    if s.out:
        checks.append(("a bit flipped in what %s sent at %r" % (n, s.label), ref, altered))
    if acc.counters:
        checks.append(("%s's counters not rising" % n, ref, _copy_run(run, counters=dict.fromkeys(run.counters, 0))))
    out = []
    for name, r, x in checks:
        d = check_accepted(acc, r, x, n, True)
        out.append(("ok", "accepted difference, %s, is flagged" % name, "") if d else
                   ("not ok", "accepted difference, %s, is flagged" % name, "check_accepted found nothing"))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prefix", help="namespace prefix of the twins (twins.sh's DIFF_PFX)")
    ap.add_argument("--twins", default="nft,xdp,xdps", help="twins to use, the reference (nft) first")
    ap.add_argument("--case", default="", help="only cases whose title contains TEXT")
    ap.add_argument("--report", help="also write every difference to FILE")
    ap.add_argument("--hairpin-xdp", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                          "..", "..", "build", "hairpin-xdp"),
                    help="the binary, for counters (accepted differences)")
    ap.add_argument("--pin-root", help="twins.sh's DIFF_PIN_ROOT (default /sys/fs/bpf/PREFIX)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--show", action="store_true",
                    help="print every packet of every case side by side, not only differences")
    args = ap.parse_args()

    if args.list:
        for ci, c, oi, origin in case_ids():
            acc = [n for n in A.HAIRPIN_XDP_TWINS if c.accepted_for(n, origin)]
            print(title(c, origin) + ("  [accepted difference: %s]" % ",".join(acc) if acc else ""))
        return 0
    if not args.prefix:
        ap.error("--prefix is required")
    args.pin_root = args.pin_root or "/sys/fs/bpf/" + args.prefix

    from hpdiff.net import Twin  # needs root: only when running
    names = args.twins.split(",")
    if names[0] != REF:
        ap.error("the first twin must be %s" % REF)
    twins = {n: Twin(n, args.prefix, args.hairpin_xdp, "%s/%s/pins" % (args.pin_root, n)) for n in names}
    report = open(args.report, "w") if args.report else None

    def say(text):
        print(text, file=sys.stderr)
        if report:
            print(text, file=report)

    selfchecked = False
    acc_checked = set()
    for ci, c, oi, origin in case_ids():
        t = title(c, origin)
        if args.case not in t:
            continue
        runs = {}
        for n, tw in twins.items():
            acc = c.accepted_for(n, origin)
            runs[n] = run_case(tw, c, ci, oi, origin, acc.counters if acc else ())
        ref = runs[REF]
        why = reference_problems(ref, c.bad_input)
        say("## %s: reference %d steps, %d packets out" %
            (t, len(ref.steps), sum(len(s.out) for s in ref.steps)))
        if why:
            print("not ok - %s: %s" % (t, why))
            continue
        for n in names[1:]:
            if args.show:
                say(show_runs(ref, runs[n], n))
            line, d = judge(c, origin, ref, runs[n], n)
            print(line)
            if d:
                say("### %s vs %s: %s\n" % (REF, n, t) + "\n\n".join(d) + "\n")
            acc = c.accepted_for(n, origin)
            if acc and not d and id(acc) not in acc_checked:
                acc_checked.add(id(acc))
                for verdict, name, why in accepted_self_checks(acc, ref, runs[n], n):
                    print("%s - self-check: %s: %s%s" % (verdict, t, name, ": " + why if why else ""))
        if not selfchecked and origin == "lan" and c.fn is C.tcp_client_close:
            selfchecked = True
            for verdict, name, why in self_checks(ref):
                line = "%s - self-check: %s" % (verdict, name)
                print(line + (": " + why.split("\n")[0] if why else ""))
                if why:
                    say(why)
    for tw in twins.values():
        tw.close()
    if report:
        report.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
