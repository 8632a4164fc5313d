# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Accepted differences: where hairpin-xdp must NOT do what nftables does.

A case may declare, per twin and origin, that hairpin-xdp differs from the
reference on purpose (tests/diff/README.md lists them with their reasons).
The declaration stays a real test: it states the exact outcome expected
from each side, built from the reference run (and the frames the script
sent), and both are compared with the same field-by-field comparison as
any case:

  nft       what nftables must still do (the difference exists and is the
            one documented); when Linux changes, the case fails.
  xdp       what hairpin-xdp must do instead, packet for packet.
  counters  hairpin-xdp counters (`hairpin-xdp stats --json`) and by how
            much each must rise during the case, exactly.

An expectation is a function of the reference run returning the run the
side must have produced; it raises Mismatch when the reference does not
have the shape it was written for.
"""

import copy

from . import packet as P
from .packet import Mismatch

HAIRPIN_XDP_TWINS = ("xdp", "xdps")


class Accepted:
    def __init__(self, reason, origins, nft, xdp, counters=None, twins=HAIRPIN_XDP_TWINS):
        self.reason = reason
        self.origins = origins
        self.twins = twins
        self.nft = nft
        self.xdp = xdp
        self.counters = counters or {}

    def applies(self, twin, origin):
        return twin in self.twins and origin in self.origins


def step(run, label):
    """The step of run with this label (labels are unique within a case)."""
    found = [s for s in run.steps if s.label == label]
    if len(found) != 1:
        raise Mismatch("%d steps labelled %r in the reference" % (len(found), label))
    return found[0]


def replace_out(label, out_fn):
    """Expectation: the reference run with the output of step `label`
    replaced by out_fn(run, step), a list of (side, receiver, frame)."""
    def expect(ref):
        run = copy.copy(ref)
        run.steps = [copy.copy(s) for s in ref.steps]
        s = step(run, label)
        s.out = out_fn(run, s)
        return run
    expect.label = label
    return expect


def nothing(run, s):
    """Output: nothing leaves the router at this step."""
    return []


def routed_untouched(side, receiver, eth_dst, eth_src):
    """Output: the one frame sent at this step, routed (MACs, TTL - 1) and
    otherwise as sent."""
    def out(run, s):
        if len(s.frames) != 1:
            raise Mismatch("step %r sent %d frames, not 1" % (s.label, len(s.frames)))
        return [(side, receiver, P.rewrite(s.frames[0], eth_dst, eth_src))]
    return out


def frag_offset(frame):
    return (int.from_bytes(frame[20:22], "big") & 0x1FFF) * 8


def fragments_like_first(run, s):
    """Output: every fragment sent at this step, in offset order, translated
    as the reference translated the first one (offset 0)."""
    firsts = [d for _, _, d in s.out if frag_offset(d) == 0]
    sent0 = [f for f in s.frames if frag_offset(f) == 0]
    if len(firsts) != 1 or len(sent0) != 1:
        raise Mismatch("step %r: %d first fragments out, %d sent" % (s.label, len(firsts), len(sent0)))
    side, rcv = next((sd, r) for sd, r, d in s.out if d is firsts[0])
    return [(side, rcv, P.translate_like(f, sent0[0], firsts[0]))
            for f in sorted(s.frames, key=frag_offset)]


def without_first_sent(run, s):
    """Output: the reference's, less the fragment with the offset of the one
    sent first (it overtook the first fragment)."""
    lost = frag_offset(s.frames[0])
    if not lost:
        raise Mismatch("step %r: the first fragment was sent first" % s.label)
    return [(sd, r, d) for sd, r, d in s.out if frag_offset(d) != lost]


def translated_like(example_label):
    """Output: the frame sent at this step translated as the reference
    translated the one of step `example_label` (same flow and direction),
    checksums updated incrementally, so a wrong one stays exactly as wrong."""
    def out(run, s):
        ex = step(run, example_label)
        if len(ex.frames) != 1 or len(ex.out) != 1 or len(s.frames) != 1:
            raise Mismatch("step %r: not one frame in, one out" % example_label)
        side, rcv, after = ex.out[0]
        return [(side, rcv, P.translate_like(s.frames[0], ex.frames[0], after))]
    return out
