#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Crafted IPv4 fragments through the router (issue 10, item 3).

  fragattack.py send DST UDP_PORT TCP_PORT ID_BASE OUT.json
      Send every scenario below to DST (one datagram each, its own IP id
      and source port) and describe what was sent in OUT.json.
  fragattack.py check PCAP SENT.json SERVER
      Judge what reached SERVER (a capture on its link): one line per
      scenario, "NAME ok" or "NAME <why>".
  fragattack.py whole SRC DST SPORT DPORT SIZE ID
      One whole UDP datagram of SIZE payload bytes with DF clear, from SRC
      (an address of this host) to DST, for the router to fragment.
  fragattack.py sources PCAP ID
      The source address and fragment offset of each packet with IP id ID.
  fragattack.py selftest
      The judge on made-up captures: it must flag an overlap, a changed
      byte and a missing piece (a checker that cannot fail is no test).

A datagram is 64 bytes of transport (UDP header or TCP header and payload),
cut at [0, 24), [24, 48), [48, 64). A hostile piece carries other bytes
than the original at its place, so an overlap that got through would make
the receiver's reassembly depend on its overlap policy (RFC 1858, 3128).
What reaches the server must never hold two fragments that overlap; a
legitimate datagram (and one with a mere duplicate, which the router drops
while keeping the datagram) must arrive whole and identical past the ports;
a datagram with a hostile overlap must not arrive whole.
"""
import json
import os
import sys
import time

from scapy.all import IP, TCP, UDP, Raw, conf, rdpcap, send  # noqa: E402

conf.verb = 0
LEN = 64

# name: (protocol, pieces as (start, end, hostile), whole expected)
SCENARIOS = {
    "in_order": ("udp", [(0, 24, 0), (24, 48, 0), (48, 64, 0)], True),
    "out_of_order": ("udp", [(0, 24, 0), (48, 64, 0), (24, 48, 0)], True),
    "duplicate_first": ("udp", [(0, 24, 0), (0, 24, 0), (24, 48, 0), (48, 64, 0)], True),
    "duplicate_middle": ("udp", [(0, 24, 0), (24, 48, 0), (24, 48, 0), (48, 64, 0)], True),
    "tail_overlap": ("udp", [(0, 24, 0), (24, 48, 0), (40, 64, 1), (48, 64, 0)], False),
    # another first fragment, other ports (the hostile bytes start at 0)
    "second_first": ("udp", [(0, 24, 0), (0, 32, 1), (24, 48, 0), (48, 64, 0)], False),
    # RFC 1858: offset 1 rewrites the TCP header from byte 8 (flags, window)
    "tcp_offset_1": ("tcp", [(0, 24, 0), (8, 24, 1), (24, 48, 0), (48, 64, 0)], False),
    "tcp_in_order": ("tcp", [(0, 24, 0), (24, 48, 0), (48, 64, 0)], True),
}


def transport(proto, dst, sport, dport, payload):
    """The whole transport segment with its checksum, as the sender sums it."""
    l4 = UDP(sport=sport, dport=dport) if proto == "udp" else TCP(sport=sport, dport=dport, flags="S", seq=1000)
    pkt = IP(dst=dst) / l4 / Raw(payload)
    return bytes(IP(bytes(pkt)).payload)[:LEN]


def cmd_send(dst, udp_port, tcp_port, id_base, out):
    sent = {}
    for k, (name, (proto, pieces, whole)) in enumerate(SCENARIOS.items()):
        ip_id = id_base + k
        sport = 41000 + (id_base % 1000) + k
        hdr = 8 if proto == "udp" else 20
        seg = transport(proto, dst, sport, udp_port if proto == "udp" else tcp_port, os.urandom(LEN - hdr))
        # Other bytes everywhere but the destination port, so that a hostile
        # first fragment still matches the forward (another source port).
        evil = bytes(b ^ 0x5A for b in seg[:2]) + seg[2:4] + bytes(b ^ 0x5A for b in seg[4:])
        for start, end, hostile in pieces:
            data = (evil if hostile else seg)[start:end]
            mf = 0 if end == LEN else 1
            send(IP(dst=dst, id=ip_id, proto=17 if proto == "udp" else 6, flags=mf, frag=start // 8) / Raw(data))
            time.sleep(0.02)
        sent[name] = {"id": ip_id, "proto": proto, "seg": seg.hex(), "whole": whole, "sport": sport}
    with open(out, "w") as f:
        json.dump(sent, f)


def pieces_of(packets, ip_id, server):
    """(start, end, mf, bytes) of each fragment of @ip_id that reached @server."""
    got = []
    for p in packets:
        if IP not in p or p[IP].dst != server or p[IP].id != ip_id:
            continue
        ip = p[IP]
        data = bytes(ip.payload)[: ip.len - ip.ihl * 4]
        start = ip.frag * 8
        got.append((start, start + len(data), bool(ip.flags & 1), data))
    return got


def judge(s, got):
    """Why what arrived for one scenario is wrong, or None."""
    seg = bytes.fromhex(s["seg"])
    hdr = 8 if s["proto"] == "udp" else 20
    for i, a in enumerate(got):
        for b in got[i + 1:]:
            if a[0] < b[1] and b[0] < a[1]:
                return "fragments [%d,%d) and [%d,%d) overlap at the server" % (a[0], a[1], b[0], b[1])
    buf = bytearray(LEN)
    have = [False] * LEN
    for start, end, _, data in got:
        if end > LEN:
            return "a fragment ends at %d, past the datagram" % end
        buf[start:end] = data
        have[start:end] = [True] * (end - start)
    whole = all(have) and any(not mf and end == LEN for _, end, mf, _ in got)
    if whole and bytes(buf[hdr:]) != seg[hdr:]:
        return "reassembles into bytes never sent (from %d)" % next(i for i in range(hdr, LEN) if buf[i] != seg[i])
    if whole and buf[2:4] != seg[2:4]:
        return "destination port changed"
    if s["whole"] and not whole:
        return "a legitimate datagram did not arrive whole (%d fragments)" % len(got)
    if not s["whole"] and whole:
        return "a datagram with a hostile overlap arrived whole"
    return None


def cmd_check(pcap, sent_json, server):
    packets = rdpcap(pcap)
    with open(sent_json) as f:
        sent = json.load(f)
    for name, s in sent.items():
        why = judge(s, pieces_of(packets, s["id"], server))
        print(name, why or "ok")


def cmd_selftest():
    seg = bytes(range(LEN))
    s = {"seg": seg.hex(), "proto": "udp", "whole": True}
    cut = [(0, 24, True, seg[0:24]), (24, 48, True, seg[24:48]), (48, 64, False, seg[48:64])]
    bad = {
        "overlap": cut + [(40, 64, False, seg[40:64])],
        "changed": cut[:2] + [(48, 64, False, b"\0" * 16)],
        "missing": cut[:2],
    }
    if judge(s, cut) is not None:
        print("selftest: the legitimate cut is judged wrong:", judge(s, cut))
        return 1
    for name, got in bad.items():
        if judge(s, got) is None:
            print("selftest: %s not detected" % name)
            return 1
    print("selftest ok")
    return 0


def main(argv):
    if argv[1:2] == ["send"] and len(argv) == 7:
        return cmd_send(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), argv[6])
    if argv[1:2] == ["check"] and len(argv) == 5:
        return cmd_check(argv[2], argv[3], argv[4])
    if argv[1:2] == ["whole"] and len(argv) == 8:
        send(IP(src=argv[2], dst=argv[3], id=int(argv[7]), flags=0)
             / UDP(sport=int(argv[4]), dport=int(argv[5])) / Raw(os.urandom(int(argv[6]))))
        return 0
    if argv[1:2] == ["sources"] and len(argv) == 4:
        for p in rdpcap(argv[2]):
            if IP in p and p[IP].id == int(argv[3]):
                print(p[IP].src, p[IP].frag * 8)
        return 0
    if argv[1:2] == ["selftest"]:
        return cmd_selftest()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv) or 0)
