# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Field-by-field view of a captured frame, port normalization, comparison.

A frame is turned into an ordered list of (field, value): every Ethernet,
IPv4, TCP, UDP and ICMP field including checksums, and for ICMP errors the
embedded IP header and transport header as far as the error carries them.
Checksums are shown as sent plus a `..._ok` field saying whether each is
valid for its own packet (computed from scratch here).

The parser is our own, over raw bytes, rather than scapy's dissectors: an
ICMP error embeds a truncated transport header, and a comparison must not
depend on how a dissector guesses at truncated layers.
"""

import hashlib
import struct
from ipaddress import IPv4Address

ROUTER_LAN = "192.168.0.1"

TCP_FLAGS = "FSRPAUEC"
ICMP_ERRORS = (3, 4, 5, 11, 12)


def csum(data, start=0):
    """Internet checksum (RFC 1071) of data, folded, not inverted yet."""
    if len(data) % 2:
        data = data + b"\0"
    s = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def csum_ok(data, pseudo=b""):
    """True when data (with its checksum field in place) verifies."""
    return csum(pseudo + data) == 0xFFFF


def pseudo_header(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def csum_adjust(old_csum, old, new):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word."""
    s = (~old_csum & 0xFFFF) + (~old & 0xFFFF) + new
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _hexdata(b):
    """Payload value: short ones whole, long ones by length and digest."""
    if len(b) <= 24:
        return b.hex() or "(none)"
    return "%d bytes %s.. sha1 %s" % (len(b), b[:8].hex(), hashlib.sha1(b).hexdigest()[:12])


def _mac(b):
    return ":".join("%02x" % x for x in b)


def _tcpflags(v):
    return "".join(c for i, c in enumerate(TCP_FLAGS) if v & (1 << i)) or "."


class Word:
    """A 16-bit field that port normalization may rewrite, with the
    checksums covering it (each itself a Word, so a chain - port, inner
    transport checksum, ICMP checksum - is updated in order)."""

    def __init__(self, off, covers=(), zero_means_none=False):
        self.off = off
        self.covers = list(covers)
        self.zero_means_none = zero_means_none


class Parsed:
    """fields: list of [name, value]; ports: [(Word, addr)] for the
    transport ports whose address is the router's LAN address (the hairpin
    SNAT side), which the comparison maps to symbolic ports."""

    def __init__(self):
        self.fields = []
        self.ports = []

    def add(self, name, value):
        self.fields.append([name, value])


def _parse_ip(p, raw, off, pre):
    """IPv4 header at raw[off:]; returns (next offset, proto, info) or None.
    pre: field prefix ("ip." or "inner.ip.")."""
    if len(raw) < off + 20:
        p.add(pre + "truncated", raw[off:].hex())
        return None
    vihl, tos, tot, ident, frag, ttl, proto, ck = struct.unpack_from("!BBHHHBBH", raw, off)
    src, dst = raw[off + 12:off + 16], raw[off + 16:off + 20]
    ihl = (vihl & 15) * 4
    p.add(pre + "version", vihl >> 4)
    p.add(pre + "ihl", vihl & 15)
    p.add(pre + "tos", "0x%02x" % tos)
    p.add(pre + "len", tot)
    p.add(pre + "id", ident)
    p.add(pre + "flags", "".join(n for b, n in ((0x8000, "RES "), (0x4000, "DF "), (0x2000, "MF")) if frag & b).strip() or "-")
    p.add(pre + "frag", (frag & 0x1FFF) * 8)
    p.add(pre + "ttl", ttl)
    p.add(pre + "proto", proto)
    p.add(pre + "chksum", "0x%04x" % ck)
    hdr = raw[off:off + ihl]
    p.add(pre + "chksum_ok", len(hdr) == ihl and csum_ok(hdr))
    p.add(pre + "src", str(IPv4Address(src)))
    p.add(pre + "dst", str(IPv4Address(dst)))
    if ihl > 20:
        p.add(pre + "options", raw[off + 20:off + ihl].hex())
    return off + ihl, proto, dict(src=src, dst=dst, tot=tot, ihl=ihl, frag=frag, off=off)


def _ports(p, raw, l4, info, csum_word, inner):
    """Register the ports whose address is the router's LAN address."""
    lan = IPv4Address(ROUTER_LAN).packed
    for which, addr, poff in (("sport", info["src"], 0), ("dport", info["dst"], 2)):
        if addr == lan and len(raw) >= l4 + poff + 2:
            covers = [csum_word] if csum_word else []
            p.ports.append((Word(l4 + poff, covers + inner), which))


def _parse_l4(p, raw, l4, proto, info, pre, inner_covers=()):
    """Transport header at raw[l4:]. For an embedded packet (pre "inner.")
    only what is present is shown; checksums of embedded packets are not
    verified (they are truncated), only compared."""
    end = info["off"] + info["tot"]
    seg = raw[l4:min(end, len(raw))]
    complete = not (info["frag"] & 0x2000) and len(raw) >= end and not pre.startswith("inner")
    pseudo = pseudo_header(info["src"], info["dst"], proto, info["tot"] - info["ihl"])
    icover = list(inner_covers)
    if proto == 6:
        for n, fmt, o in (("sport", "!H", 0), ("dport", "!H", 2), ("seq", "!I", 4), ("ack", "!I", 8)):
            if len(seg) >= o + struct.calcsize(fmt):
                p.add(pre + "tcp." + n, struct.unpack_from(fmt, seg, o)[0])
        if len(seg) >= 20:
            doff = seg[12] >> 4
            p.add(pre + "tcp.dataofs", doff)
            p.add(pre + "tcp.reserved", seg[12] & 15)
            p.add(pre + "tcp.flags", _tcpflags(seg[13]))
            p.add(pre + "tcp.window", struct.unpack_from("!H", seg, 14)[0])
            p.add(pre + "tcp.chksum", "0x%04x" % struct.unpack_from("!H", seg, 16)[0])
            if complete:
                p.add(pre + "tcp.chksum_ok", csum_ok(seg, pseudo))
            p.add(pre + "tcp.urgptr", struct.unpack_from("!H", seg, 18)[0])
            p.add(pre + "tcp.options", seg[20:doff * 4].hex() or "-")
            p.add(pre + "tcp.payload", _hexdata(seg[doff * 4:]))
        cw = Word(l4 + 16, icover) if len(seg) >= 18 else None
        _ports(p, raw, l4, info, cw, icover)
    elif proto == 17:
        for n, o in (("sport", 0), ("dport", 2), ("len", 4)):
            if len(seg) >= o + 2:
                p.add(pre + "udp." + n, struct.unpack_from("!H", seg, o)[0])
        cw = None
        if len(seg) >= 8:
            ck = struct.unpack_from("!H", seg, 6)[0]
            p.add(pre + "udp.chksum", "0x%04x" % ck)
            if complete:
                p.add(pre + "udp.chksum_ok", "none (0)" if ck == 0 else csum_ok(seg, pseudo))
            p.add(pre + "udp.payload", _hexdata(seg[8:]))
            cw = Word(l4 + 6, icover, zero_means_none=True)
        _ports(p, raw, l4, info, cw, icover)
    elif proto == 1:
        _parse_icmp(p, raw, l4, seg, complete, pre)
    else:
        p.add(pre + "payload", _hexdata(seg))


def _parse_icmp(p, raw, l4, seg, complete, pre):
    if len(seg) < 8:
        p.add(pre + "icmp.truncated", seg.hex())
        return
    typ, code, ck = struct.unpack_from("!BBH", seg, 0)
    p.add(pre + "icmp.type", typ)
    p.add(pre + "icmp.code", code)
    p.add(pre + "icmp.chksum", "0x%04x" % ck)
    if complete:
        p.add(pre + "icmp.chksum_ok", csum_ok(seg))
    if typ in ICMP_ERRORS and not pre:
        if typ == 3 and code == 4:
            p.add("icmp.unused", struct.unpack_from("!H", seg, 4)[0])
            p.add("icmp.nexthopmtu", struct.unpack_from("!H", seg, 6)[0])
        else:
            p.add("icmp.rest", seg[4:8].hex())
        icmp_word = Word(l4 + 2)
        r = _parse_ip(p, raw, l4 + 8, "inner.ip.")
        if r:
            il4, iproto, iinfo = r
            # The embedded packet is cut where the error ends, not where its
            # own length says.
            if iinfo["frag"] & 0x1FFF:
                p.add("inner.payload", _hexdata(raw[il4:]))
            else:
                _parse_l4(p, raw, il4, iproto, iinfo, "inner.", inner_covers=[icmp_word])
    else:
        p.add(pre + "icmp.rest", seg[4:8].hex())
        p.add(pre + "icmp.payload", _hexdata(seg[8:]))


def parse(raw):
    """Parse one Ethernet frame."""
    p = Parsed()
    if len(raw) < 14:
        p.add("eth.truncated", raw.hex())
        return p
    p.add("eth.dst", _mac(raw[0:6]))
    p.add("eth.src", _mac(raw[6:12]))
    etype = struct.unpack_from("!H", raw, 12)[0]
    off = 14
    if etype == 0x8100 and len(raw) >= 18:
        p.add("vlan.tci", "0x%04x" % struct.unpack_from("!H", raw, 14)[0])
        etype = struct.unpack_from("!H", raw, 16)[0]
        off = 18
    p.add("eth.type", "0x%04x" % etype)
    if etype != 0x0800:
        p.add("eth.payload", _hexdata(raw[off:]))
        return p
    r = _parse_ip(p, raw, off, "ip.")
    if not r:
        return p
    l4, proto, info = r
    if info["frag"] & 0x1FFF:
        p.add("ip.payload", _hexdata(raw[l4:off + info["tot"]]))
    else:
        _parse_l4(p, raw, l4, proto, info, "")
    if len(raw) > off + info["tot"]:
        p.add("eth.trailer", raw[off + info["tot"]:].hex())
    return p


def _patch(buf, word, new):
    """Set the 16-bit word and update every checksum covering it."""
    old = struct.unpack_from("!H", buf, word.off)[0]
    struct.pack_into("!H", buf, word.off, new)
    for c in word.covers:
        ck = struct.unpack_from("!H", buf, c.off)[0]
        if c.zero_means_none and ck == 0:
            continue
        nck = csum_adjust(ck, old, new)
        if c.zero_means_none and nck == 0:
            nck = 0xFFFF
        _patch(buf, c, nck)


class Normalizer:
    """Maps the hairpin SNAT ports of one implementation to symbols, per
    flow, in order of appearance: the first SNAT port of flow F is "F.s1".
    The packet is rewritten to a canonical port number for that symbol with
    its checksums updated incrementally (RFC 1624), so that after
    normalization the checksums of two implementations must be equal when
    everything else is, and a wrong checksum stays exactly as wrong."""

    def __init__(self):
        self.maps = {}
        self.canon = {}

    def symbol(self, flow, port):
        m = self.maps.setdefault(flow, {})
        if port not in m:
            m[port] = "%s.s%d" % (flow, len(m) + 1)
        sym = m[port]
        if sym not in self.canon:
            self.canon[sym] = 20000 + len(self.canon)
        return sym

    def fields(self, raw, flow, router_origin=False):
        """Normalized [name, value, note] list of one frame."""
        p = parse(raw)
        buf = bytearray(raw)
        notes = {}
        for word, which in p.ports:
            port = struct.unpack_from("!H", raw, word.off)[0]
            sym = self.symbol(flow, port)
            _patch(buf, word, self.canon[sym])
            notes[word.off] = (sym, port)
        q = parse(bytes(buf)) if p.ports else p
        out = []
        # The values shown are the normalized packet's; ports carry their
        # symbol and the real number.
        syms = {}
        for word, which in p.ports:
            syms.setdefault(which, []).append(notes[word.off])
        for name, value in q.fields:
            note = ""
            for (sym, port) in syms.get(name.rsplit(".", 1)[-1], []):
                if value == self.canon[sym]:
                    value, note = sym, "port %d" % port
            if router_origin and name in ("ip.id", "ip.chksum"):
                # The router's own packets (echo replies, its ICMP errors)
                # carry IP ids from a per-namespace random hash.
                note = "router's own: %s, not compared" % value
                value = "*"
            out.append([name, value, note])
        return out


def invalid_checksums(fields):
    return [n for n, v, _ in fields if n.endswith("chksum_ok") and v is False]


def compare(a, b):
    """Rows (field, a value, b value, differs) over the union of fields."""
    da = {n: (v, note) for n, v, note in a}
    db = {n: (v, note) for n, v, note in b}
    names = [n for n, _, _ in a] + [n for n, _, _ in b if n not in da]
    rows = []
    for n in names:
        va, vb = da.get(n, ("-", "")), db.get(n, ("-", ""))
        rows.append((n, va, vb, va[0] != vb[0]))
    return rows


def side_by_side(rows, left="nft", right="xdp", only_diff=False):
    """Text table: field, left value, right value, '<>' on differences."""
    def fmt(v):
        return "%s%s" % (v[0], " (%s)" % v[1] if v[1] else "")
    w0 = max([len(r[0]) for r in rows] + [5])
    w1 = max([len(fmt(r[1])) for r in rows] + [len(left)])
    lines = ["  %-*s  %-*s  %s" % (w0, "field", w1, left, right)]
    for n, va, vb, d in rows:
        if only_diff and not d:
            continue
        lines.append("%s %-*s  %-*s  %s" % ("!" if d else " ", w0, n, w1, fmt(va), fmt(vb)))
    return "\n".join(lines)


def _macbytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


class Mismatch(Exception):
    """A frame is not what an expected outcome was built for."""


def _nat_view(raw):
    """(ip offset, ihl, proto, fragment offset, src, dst, ports or None) of
    an IPv4 frame; ports only where the frame carries a TCP/UDP header."""
    if len(raw) < 34 or raw[12:14] != b"\x08\x00":
        raise Mismatch("not an untagged IPv4 frame")
    ihl = (raw[14] & 15) * 4
    proto = raw[23]
    frag = struct.unpack_from("!H", raw, 20)[0] & 0x1FFF
    ports = None
    if proto in (6, 17) and not frag and len(raw) >= 14 + ihl + 4:
        ports = struct.unpack_from("!HH", raw, 14 + ihl)
    return 14, ihl, proto, frag, raw[26:30], raw[30:34], ports


def rewrite(frame, eth_dst, eth_src, src=None, dst=None, ports=None, ttl_dec=1):
    """frame as a router sends it after setting these fields (addresses as
    4 bytes, ports as (sport, dport)) and lowering the TTL, every checksum
    covering a changed word updated incrementally (RFC 1624): a right
    checksum stays right and a wrong one exactly as wrong. What a NAT does,
    computed independently of both routers."""
    ip, ihl, proto, frag, osrc, odst, oports = _nat_view(frame)
    b = bytearray(frame)
    b[0:6], b[6:12] = _macbytes(eth_dst), _macbytes(eth_src)
    ipck = Word(ip + 10)
    l4ck = []
    if oports is not None:
        l4ck = [Word(ip + ihl + (16 if proto == 6 else 6), zero_means_none=proto == 17)]
    ttlproto = struct.unpack_from("!H", b, ip + 8)[0]
    _patch(b, Word(ip + 8, [ipck]), ttlproto - (ttl_dec << 8))
    for off, new in ((ip + 12, src), (ip + 16, dst)):
        for k in (0, 2):
            if new is not None:
                _patch(b, Word(off + k, [ipck] + l4ck), struct.unpack_from("!H", new, k)[0])
    if ports is not None and oports is not None:
        for k in (0, 1):
            _patch(b, Word(ip + ihl + 2 * k, l4ck), ports[k])
    return bytes(b)


def translate_like(frame, before, after):
    """frame translated the way a router translated `before` into `after`
    (the same flow and direction): MACs, addresses, ports and TTL as there."""
    v, w, x = _nat_view(frame), _nat_view(before), _nat_view(after)
    if v[4:6] != w[4:6] or (v[6] is not None and w[6] is not None and v[6] != w[6]):
        raise Mismatch("the frame is not of the flow and direction of the example")
    return rewrite(frame, _mac(after[0:6]), _mac(after[6:12]), x[4], x[5],
                   x[6] if w[6] is not None else None, before[22] - after[22])
