# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The packet sequences, replayed identically in every twin.

Every packet is crafted with scapy and sent by the test from a host's
interface; the hosts themselves are silent (tests/diff/twins.sh). The
server's answers are crafted too, addressed to whatever the server saw the
client as (the router's LAN address and its allocated port for a hairpin
flow), so each twin's script adapts to its own router while everything the
script chooses - sequence numbers, IP ids, TTLs, timestamps, payloads - is
the same in all twins. Steps that need a packet the router did not deliver
end the case there (Abort); what was delivered up to that point is compared.

A case runs once per origin: "lan" (the LAN client through the public
address: the hairpin), "inet" (the internet client on the WAN link: the
forward), "far" (an internet client behind a gateway whose path MTU is 1300).
"""

import struct

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_NOP, IPOption_RR, fragment
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from . import accepted as A
from .net import MAC
from .packet import csum

PUB = "203.0.113.4"
ROUTER_LAN = "192.168.0.1"
SERVER = "192.168.0.2"
CLIENT = "192.168.0.3"
INET = "203.0.113.2"
FAR = "198.51.100.7"     # behind the inet host (twins.sh: route, mtu lock 1300)
LAN_HOP = "192.168.0.254"  # a router on the LAN side that sends ICMP errors
WAN_HOP = "203.0.113.9"    # one on the WAN side

ORIGINS = {"lan": ("client", CLIENT), "inet": ("inet", INET), "far": ("inet", FAR),
           "self": ("server", SERVER)}
ORIGIN_TEXT = {"lan": "from the LAN (hairpin)", "inet": "from the internet (forward)",
               "far": "from the internet behind a gateway (forward)",
               "self": "from the server to itself (hairpin)"}

# Linux's ICMP errors quote up to 576 bytes in all; classic routers quote the
# IP header and 8 bytes (RFC 792). Both kinds are sent.
QUOTE_LINUX = 576 - 20 - 8


class Abort(Exception):
    """The script needs a packet the router did not deliver."""


class Step:
    def __init__(self, label, host, flow, frames, out, router_origin):
        self.label = label
        self.host = host
        self.flow = flow
        self.frames = frames
        self.out = out
        self.router_origin = router_origin


class Run:
    """One case, one origin, one twin: the steps and what left the router."""

    def __init__(self, twin, seed):
        self.twin = twin
        self.steps = []
        self.ipid = (1000 + seed * 97) & 0xFFFF
        self.ts = 100000 + seed * 1000
        self.nflows = 0
        self.abort = None
        twin.drain()

    def next_id(self):
        self.ipid = (self.ipid + 1) & 0xFFFF
        return self.ipid

    def next_ts(self):
        self.ts += 1
        return self.ts

    def send(self, label, host, pkts, expect, flow="-", router_origin=False):
        frames = [bytes(p) for p in pkts]
        out = self.twin.exchange(host, frames, expect)
        self.steps.append(Step(label, host, flow, frames, out, router_origin))
        return out


def ether(host):
    """The frame header of a host sending to the router."""
    router = MAC["router-wan"] if host == "inet" else MAC["router-lan"]
    return Ether(src=MAC[host], dst=router)


def received(out, receiver):
    return [d for _, rcv, d in out if rcv == receiver]


def icmp_error(typ, code, about, rest=b"\0\0\0\0", quote=QUOTE_LINUX):
    """An ICMP error message (as bytes) quoting the IP packet `about`."""
    body = about[:quote]
    msg = bytearray(struct.pack("!BBH", typ, code, 0) + rest + body)
    struct.pack_into("!H", msg, 2, ~csum(bytes(msg)) & 0xFFFF)
    return bytes(msg)


def with_ttl(ip_pkt, ttl):
    """The IP packet with another TTL and its header checksum redone, as a
    router quotes a packet whose TTL ran out."""
    b = bytearray(ip_pkt)
    ihl = (b[0] & 15) * 4
    b[8] = ttl
    struct.pack_into("!H", b, 10, 0)
    struct.pack_into("!H", b, 10, ~csum(bytes(b[:ihl])) & 0xFFFF)
    return bytes(b)


class Flow:
    """A client (by origin) talking to PUB:dport; the server answers what it
    saw. Sequence numbers and timestamps advance as a real stack's would, so
    conntrack's TCP window tracking accepts every segment."""

    def __init__(self, run, origin, proto, dport, cport):
        run.nflows += 1
        self.run = run
        self.id = "f%d" % run.nflows
        self.origin = origin
        self.host, self.cip = ORIGINS[origin]
        self.proto = proto
        self.dport = dport
        self.cport = cport
        self.seen = None        # (address, port) the server sees the client as
        self.c_nxt, self.s_nxt = 1000000, 7000000
        self.c_ts = self.s_ts = 0
        self.last_c2s = None    # the last packet the server received
        self.last_s2c = None    # the last packet the client received

    # -- client side --------------------------------------------------
    def _c_ip(self, ttl=64, df=True, tos=0, options=None):
        return IP(src=self.cip, dst=PUB, id=self.run.next_id(), ttl=ttl, flags="DF" if df else 0,
                  tos=tos, options=options or [])

    def _deliver_c2s(self, label, pkts, n=1, router_origin=False, expect=None):
        out = self.run.send(label, self.host, pkts, {"server": n} if expect is None else expect,
                            self.id, router_origin)
        got = received(out, "server")
        if got:
            self.last_c2s = got[0][14:]
            if self.seen is None:
                ip = IP(got[0][14:])
                self.seen = (ip.src, ip[self.proto == "tcp" and TCP or UDP].sport)
        return out

    def tcp_c(self, flags, data=b"", ttl=64, label=None, expect=None, bad_csum=False, options=None):
        self.c_ts = self.run.next_ts()
        if "S" in flags:
            opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (self.c_ts, 0)),
                    ("NOP", None), ("WScale", 7)]
        else:
            opts = [("NOP", None), ("NOP", None), ("Timestamp", (self.c_ts, self.s_ts))]
        seg = TCP(sport=self.cport, dport=self.dport, seq=self.c_nxt,
                  ack=self.s_nxt if "A" in flags else 0, flags=flags,
                  window=64240 if "S" in flags else 502, options=opts)
        pkt = ether(self.host) / self._c_ip(ttl, options=options) / seg / Raw(data)
        if bad_csum:
            pkt = corrupt_l4_csum(pkt)
        self.c_nxt += len(data) + ("S" in flags) + ("F" in flags)
        return self._deliver_c2s(label or "client %s %dB" % (flags, len(data)), [pkt],
                                 expect=expect)

    def udp_c(self, data, zero_csum=False, frag=None, order=None, ttl=64, label=None, expect=None,
              tos=0, options=None):
        u = UDP(sport=self.cport, dport=self.dport, chksum=0 if zero_csum else None)
        ip = self._c_ip(ttl, df=False, tos=tos, options=options) / u / Raw(data)
        pkts = [ip]
        if frag:
            pkts = fragment(ip, fragsize=frag)
            if order:
                pkts = [pkts[i] for i in order]
        pkts = [ether(self.host) / p for p in pkts]
        return self._deliver_c2s(label or "client UDP %dB%s" % (len(data), " in %d fragments" % len(pkts) if frag else ""),
                                 pkts, n=len(pkts), expect=expect)

    # -- server side --------------------------------------------------
    def _need_seen(self):
        if self.seen is None:
            raise Abort("the server never received the client's first packet")

    def _deliver_s2c(self, label, pkts, n=1):
        out = self.run.send(label, "server", pkts, {self.host: n}, self.id)
        got = received(out, self.host)
        if got:
            self.last_s2c = got[0][14:]
        return out

    def tcp_s(self, flags, data=b"", ttl=64, label=None):
        self._need_seen()
        self.s_ts = self.run.next_ts()
        if "S" in flags:
            opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (self.s_ts, self.c_ts)),
                    ("NOP", None), ("WScale", 7)]
        else:
            opts = [("NOP", None), ("NOP", None), ("Timestamp", (self.s_ts, self.c_ts))]
        seg = TCP(sport=self.dport, dport=self.seen[1], seq=self.s_nxt,
                  ack=self.c_nxt if "A" in flags else 0, flags=flags,
                  window=65160 if "S" in flags else 509, options=opts)
        pkt = ether("server") / IP(src=SERVER, dst=self.seen[0], id=self.run.next_id(),
                                   ttl=ttl, flags="DF") / seg / Raw(data)
        self.s_nxt += len(data) + ("S" in flags) + ("F" in flags)
        return self._deliver_s2c(label or "server %s %dB" % (flags, len(data)), [pkt])

    def udp_s(self, data, zero_csum=False, frag=None, label=None, tos=0, options=None):
        self._need_seen()
        ip = IP(src=SERVER, dst=self.seen[0], id=self.run.next_id(), ttl=64, tos=tos,
                options=options or []) / \
            UDP(sport=self.dport, dport=self.seen[1], chksum=0 if zero_csum else None) / Raw(data)
        pkts = fragment(ip, fragsize=frag) if frag else [ip]
        return self._deliver_s2c(label or "server UDP %dB%s" % (len(data), " in %d fragments" % len(pkts) if frag else ""),
                                 [ether("server") / p for p in pkts], n=len(pkts))

    def handshake(self):
        self.tcp_c("S")
        self.tcp_s("SA")
        self.tcp_c("A")

    # -- ICMP errors about this flow ----------------------------------
    def error_from_server(self, typ, code, rest=b"\0\0\0\0", src=SERVER, quote=QUOTE_LINUX,
                          ttl_quoted=None, label=None):
        """The server (or a LAN hop, src) reports on the packet the server got."""
        if self.last_c2s is None:
            raise Abort("no packet reached the server to report on")
        self._need_seen()
        about = self.last_c2s if ttl_quoted is None else with_ttl(self.last_c2s, ttl_quoted)
        pkt = ether("server") / IP(src=src, dst=self.seen[0], id=self.run.next_id(), ttl=64, proto=1) / \
            Raw(icmp_error(typ, code, about, rest, quote))
        return self.run.send(label or "ICMP %d/%d from %s" % (typ, code, src), "server", [pkt],
                             {self.host: 1}, self.id)

    def error_from_client(self, typ, code, rest=b"\0\0\0\0", src=None, quote=QUOTE_LINUX,
                          ttl_quoted=None, label=None):
        """The client (or a hop on its side, src) reports on what it got."""
        if self.last_s2c is None:
            raise Abort("no packet reached the client to report on")
        about = self.last_s2c if ttl_quoted is None else with_ttl(self.last_s2c, ttl_quoted)
        src = src or self.cip
        pkt = ether(self.host) / IP(src=src, dst=PUB, id=self.run.next_id(), ttl=64, proto=1) / \
            Raw(icmp_error(typ, code, about, rest, quote))
        return self.run.send(label or "ICMP %d/%d from %s" % (typ, code, src), self.host, [pkt],
                             {"server": 1}, self.id)


def corrupt_l4_csum(pkt):
    """The frame as bytes with its transport checksum off by one."""
    b = bytearray(bytes(pkt))
    ihl = (b[14] & 15) * 4
    off = 14 + ihl + (16 if b[23] == 6 else 6 if b[23] == 17 else 2)
    b[off + 1] ^= 0x01
    return Raw(bytes(b))


def plain(run, label, host, ip, l4, expect, router_origin=False):
    """One packet that matches no forward, from host."""
    pkt = ether(host) / ip / l4
    return run.send(label, host, [pkt], expect, "plain", router_origin)


def payload(n, seed):
    """n deterministic bytes."""
    return bytes((seed * 31 + i * 7) & 0xFF for i in range(n))


# -- the cases ----------------------------------------------------------

class Case:
    def __init__(self, name, fn, origins, pending=None, must_differ=False, bad_input=False,
                 accepted=()):
        self.name = name
        # The case sends packets with wrong checksums on purpose: invalid
        # checksums out of a router are compared, not an error in themselves.
        self.bad_input = bad_input
        self.fn = fn
        self.origins = origins
        self.pending = pending
        self.must_differ = must_differ
        # Accepted differences (accepted.py): hairpin-xdp's declared outcome
        # where it differs from nftables on purpose.
        self.accepted = accepted

    def accepted_for(self, twin, origin):
        found = [a for a in self.accepted if a.applies(twin, origin)]
        return found[0] if found else None


CASES = []


def case(name, origins=("lan", "inet"), pending=None, must_differ=False, bad_input=False,
         accepted=()):
    """Register a case. pending: the feature it waits for, shown on its
    failures (none now). accepted: Accepted differences (accepted.py)."""
    def reg(fn):
        CASES.append(Case(name, fn, origins, pending, must_differ, bad_input, accepted))
        return fn
    return reg


@case("tcp handshake, data both ways, client closes first", origins=("lan", "inet", "self"))
def tcp_client_close(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_c("PA", payload(100, 1))
    f.tcp_s("A")
    f.tcp_s("PA", payload(300, 2))
    f.tcp_c("A")
    f.tcp_c("FA")
    f.tcp_s("FA")
    f.tcp_c("A")


@case("tcp server closes first")
def tcp_server_close(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_s("PA", payload(50, 3))
    f.tcp_c("A")
    f.tcp_s("FA")
    f.tcp_c("FA")
    f.tcp_s("A")


@case("tcp client sends RST")
def tcp_client_rst(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_c("PA", payload(10, 4))
    f.tcp_c("R")


@case("tcp server sends RST")
def tcp_server_rst(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_s("RA")


@case("tcp SYN to a closed port, RST+ACK back")
def tcp_closed_port(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.tcp_c("S")
    f.tcp_s("RA")


@case("tcp 4-tuple reused by a new SYN after RST")
def tcp_reuse(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_c("R")
    g = Flow(run, origin, "tcp", 80, port)
    g.c_nxt, g.s_nxt = f.c_nxt + 100000, f.s_nxt + 100000
    g.handshake()
    g.tcp_c("PA", payload(20, 5))


@case("udp request and reply, twice", origins=("lan", "inet", "self"))
def udp_exchange(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(100, 6))
    f.udp_s(payload(100, 6))
    f.udp_c(payload(200, 7))
    f.udp_s(payload(200, 7))


@case("udp with checksum 0 both ways")
def udp_zero_csum(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(64, 8), zero_csum=True)
    f.udp_s(payload(64, 8), zero_csum=True)


@case("icmp echo to the public address (the router answers, untouched)")
def icmp_echo(run, origin, port):
    host, ip = ORIGINS[origin]
    for seq in (1, 2):
        pkt = ether(host) / IP(src=ip, dst=PUB, id=run.next_id(), ttl=64) / \
            ICMP(type=8, id=port, seq=seq) / Raw(payload(56, seq))
        run.send("echo request %d" % seq, host, [pkt], {host: 1}, "echo", router_origin=True)


@case("icmp port unreachable from the server about a udp datagram")
def icmp_port_unreach(run, origin, port):
    f = Flow(run, origin, "udp", 53, port)
    f.udp_c(payload(40, 9))
    f.error_from_server(3, 3)


@case("icmp frag needed from the server about a tcp segment")
def icmp_frag_needed_server(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_c("PA", payload(1400, 10))
    f.error_from_server(3, 4, rest=struct.pack("!HH", 0, 1280))


@case("icmp frag needed from the client about a tcp segment")
def icmp_frag_needed_client(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_s("PA", payload(1400, 11))
    f.error_from_client(3, 4, rest=struct.pack("!HH", 0, 1280))


@case("icmp time exceeded from a hop on the server's side (header + 8 quoted)")
def icmp_time_exceeded_lan_hop(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(30, 12))
    f.error_from_server(11, 0, src=LAN_HOP, quote=28, ttl_quoted=1)


@case("icmp time exceeded from a hop on the client's side (header + 8 quoted)")
def icmp_time_exceeded_client_hop(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(30, 13))
    f.udp_s(payload(30, 13))
    hop = "192.168.0.253" if origin == "lan" else WAN_HOP
    f.error_from_client(11, 0, src=hop, quote=28, ttl_quoted=1)


@case("router's own time exceeded for TTL 1, both directions")
def router_ttl_exceeded(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    # The first SYN with TTL 1 never reaches the server: the router answers.
    f.tcp_c("S", ttl=1, label="client SYN with TTL 1", expect={f.host: 1})
    run.steps[-1].router_origin = True
    f.c_nxt -= 1
    f.handshake()
    f._need_seen()
    f.s_ts = run.next_ts()
    pkt = ether("server") / IP(src=SERVER, dst=f.seen[0], id=run.next_id(), ttl=1, flags="DF") / \
        TCP(sport=80, dport=f.seen[1], seq=f.s_nxt, ack=f.c_nxt, flags="PA", window=509,
            options=[("NOP", None), ("NOP", None), ("Timestamp", (f.s_ts, f.c_ts))]) / Raw(payload(20, 14))
    run.send("server data with TTL 1", "server", [pkt], {"server": 1}, f.id, router_origin=True)


@case("router's own frag needed (path MTU 1300 to a far client)", origins=("far",))
def router_frag_needed(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f._need_seen()
    f.s_ts = run.next_ts()
    pkt = ether("server") / IP(src=SERVER, dst=f.seen[0], id=run.next_id(), ttl=64, flags="DF") / \
        TCP(sport=80, dport=f.seen[1], seq=f.s_nxt, ack=f.c_nxt, flags="PA", window=509,
            options=[("NOP", None), ("NOP", None), ("Timestamp", (f.s_ts, f.c_ts))]) / Raw(payload(1400, 15))
    run.send("server 1400B DF data", "server", [pkt], {"server": 1}, f.id, router_origin=True)
    # Then what fits goes through.
    f.tcp_s("PA", payload(1200, 16))


@case("udp 4000B datagram in fragments, in order, both ways")
def udp_fragments(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(4000, 17), frag=1480)
    f.udp_s(payload(4000, 17), frag=1480)


REORDERED = "client UDP 4000B in 3 fragments, the last first"


@case("udp 4000B datagram, last fragment first", accepted=[A.Accepted(
    "a fragment ahead of its first goes to the stack untouched and the datagram is lost "
    "(issue 3 item 3); nftables reassembles",
    origins=("lan", "inet"),
    nft=A.replace_out(REORDERED, A.fragments_like_first),
    xdp=A.replace_out(REORDERED, A.without_first_sent),
    counters={"pass_fragment": 1})])
def udp_fragments_reordered(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(4000, 18), frag=1480, order=(2, 0, 1), label=REORDERED)
    f.udp_s(payload(100, 18))


@case("tcp SYN retransmitted", origins=("lan", "inet", "self"))
def tcp_syn_retransmit(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.tcp_c("S")
    f.c_nxt -= 1
    f.tcp_c("S", label="client SYN again")
    f.tcp_s("SA")
    f.tcp_c("A")


@case("udp with DSCP EF and ECN CE both ways")
def udp_tos(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    f.udp_c(payload(80, 19), tos=0xBB)
    f.udp_s(payload(80, 19), tos=0xBB)


@case("udp with IP options (NOP padding) both ways")
def udp_ip_nops(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    nops = [IPOption_NOP()] * 4
    f.udp_c(payload(80, 20), options=nops)
    f.udp_s(payload(80, 20), options=nops)


@case("udp with the record route IP option (routers add themselves)")
def udp_ip_record_route(run, origin, port):
    f = Flow(run, origin, "udp", 7, port)
    # Four empty slots; each router on the way fills the next (RFC 791).
    f.udp_c(payload(80, 21), options=[IPOption_RR(routers=["0.0.0.0"] * 4)])
    f.udp_s(payload(80, 21), options=[IPOption_RR(routers=["0.0.0.0"] * 4)])


@case("icmp frag needed quoting only 8 bytes of tcp (no tcp checksum quoted)")
def icmp_frag_needed_short(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_c("PA", payload(1400, 22))
    f.error_from_server(3, 4, rest=struct.pack("!HH", 0, 1280), quote=28)
    f.tcp_s("PA", payload(1400, 23))
    f.error_from_client(3, 4, rest=struct.pack("!HH", 0, 1280), quote=28)


BAD_ICMP = "port unreachable with a bad ICMP checksum"


@case("icmp error with a bad icmp checksum about a live flow", bad_input=True, accepted=[A.Accepted(
    "hairpin-xdp drops a corrupt ICMP error about a session; nftables forwards it "
    "untranslated, leaking the server's address",
    origins=("inet",),
    nft=A.replace_out(BAD_ICMP, A.routed_untouched("wan", "inet", MAC["inet"], MAC["router-wan"])),
    xdp=A.replace_out(BAD_ICMP, A.nothing),
    counters={"drop_icmp_bad_csum": 1})])
def icmp_bad_csum(run, origin, port):
    f = Flow(run, origin, "udp", 53, port)
    f.udp_c(payload(40, 24))
    f._need_seen()
    msg = bytearray(icmp_error(3, 3, f.last_c2s))
    msg[3] ^= 0x01
    pkt = ether("server") / IP(src=SERVER, dst=f.seen[0], id=run.next_id(), ttl=64, proto=1) / Raw(bytes(msg))
    run.send(BAD_ICMP, "server", [pkt], {}, f.id)


@case("icmp error about a flow the router never saw (untouched)")
def icmp_unrelated(run, origin, port):
    host, ip = ORIGINS[origin]
    about = bytes(IP(src=PUB, dst=ip, id=7, ttl=50) / UDP(sport=53, dport=port) / Raw(payload(8, 25)))
    pkt = IP(src=ip, dst=PUB, id=run.next_id(), ttl=64, proto=1) / Raw(icmp_error(3, 3, about))
    plain(run, "port unreachable about nothing known", host, pkt, Raw(b""), {})


BAD_TCP = "client PA 30B, bad checksum"
GOOD_TCP = "client PA 30B again, checksum right"


@case("tcp segment with a bad checksum in an established flow", bad_input=True, accepted=[A.Accepted(
    "TCP checksums are not verified: the segment is translated, its checksum exactly "
    "as wrong (RFC 1624), for the receiver to drop; conntrack drops it as invalid",
    origins=("lan", "inet"),
    nft=A.replace_out(BAD_TCP, A.nothing),
    xdp=A.replace_out(BAD_TCP, A.translated_like(GOOD_TCP)))])
def tcp_bad_csum(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.handshake()
    f.tcp_c("PA", payload(30, 26), bad_csum=True, expect={}, label=BAD_TCP)
    f.c_nxt -= 30
    f.tcp_c("PA", payload(30, 26), label=GOOD_TCP)


@case("no rule: tcp SYN to another public port (the router's own RST)")
def no_rule_public(run, origin, port):
    host, ip = ORIGINS[origin]
    plain(run, "SYN to %s:8080" % PUB, host, IP(src=ip, dst=PUB, id=run.next_id(), ttl=64, flags="DF"),
          TCP(sport=port, dport=8080, seq=1, flags="S", window=64240), {host: 1}, router_origin=True)


@case("no rule: routed traffic between LAN and internet hosts (untouched)", origins=("lan", "inet"))
def no_rule_routed(run, origin, port):
    host, ip = ORIGINS[origin]
    peers = [("server", SERVER), ("inet", INET)] if origin == "lan" else [("server", SERVER), ("client", CLIENT)]
    for k, (peer, pip) in enumerate(peers):
        plain(run, "UDP %s -> %s" % (ip, pip), host, IP(src=ip, dst=pip, id=run.next_id(), ttl=64),
              UDP(sport=port + k, dport=9999) / Raw(payload(30, k)), {peer: 1})
        plain(run, "UDP %s -> %s" % (pip, ip), peer, IP(src=pip, dst=ip, id=run.next_id(), ttl=64),
              UDP(sport=9999, dport=port + k) / Raw(payload(30, k + 1)), {host: 1})


@case("no rule: udp to another public port (the router's own port unreachable, quoting it untouched)")
def no_rule_public_udp(run, origin, port):
    host, ip = ORIGINS[origin]
    dgram = IP(src=ip, dst=PUB, id=run.next_id(), ttl=64) / UDP(sport=port, dport=5353) / Raw(payload(40, 27))
    out = plain(run, "UDP to %s:5353" % PUB, host, dgram, Raw(b""), {host: 1}, router_origin=True)
    # Untouched on the way in: the router's error quotes the datagram as sent.
    sent = bytes(dgram)
    for d in received(out, host):
        quoted = d[14 + 20 + 8:]
        if d[14 + 9] != 1 or d[14 + 20] != 3 or sent[:len(quoted)] != quoted:
            raise Abort("the router's answer is not a port unreachable quoting the datagram as sent")


@case("tcp hairpin flow whose SYN carries IP options (record route)", origins=("lan",))
def tcp_syn_ip_options(run, origin, port):
    f = Flow(run, origin, "tcp", 80, port)
    f.tcp_c("S", options=[IPOption_RR(routers=["0.0.0.0"] * 4)], label="client SYN with record route")
    f.tcp_s("SA")
    f.tcp_c("A")
    f.tcp_c("PA", payload(60, 28))
    f.tcp_s("PA", payload(90, 29))
    f.tcp_c("FA")
    f.tcp_s("FA")
    f.tcp_c("A")


@case("self-check: hairpin off in hairpin-xdp only (tcp 81) must differ",
      origins=("lan",), must_differ=True)
def selfcheck_hairpin_off(run, origin, port):
    f = Flow(run, origin, "tcp", 81, port)
    f.tcp_c("S")
