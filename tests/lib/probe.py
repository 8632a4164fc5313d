#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Clients and servers for the protocol tests (ICMP errors, fragments, TCP
states, port ranges). Standard library only; every wait is bounded.

    probe.py udp ADDR PORT SIZE
        connected UDP socket: send SIZE random bytes as one datagram, wait 2 s
        for the answer; print one word:
          identical  the echo came back byte for byte
          differs    an answer came back, not the same bytes
          refused    recv raised ECONNREFUSED (an ICMP port unreachable that
                     the kernel matched to this socket)
          timeout    nothing
    probe.py frags ADDR PORT SIZE ORDER
        as `udp`, but the datagram is fragmented here (1480-byte pieces) and
        the fragments are sent through a raw socket in ORDER, a permutation
        of 1..N such as 3,1,2 (the last fragment before the first)
    probe.py vlan-syn IFACE DST_MAC SRC:SPORT DST:DPORT VID[,VID]
        send one TCP SYN out of IFACE (AF_PACKET) in a frame tagged with
        VID (802.1Q), or with two tags (802.1ad outer, 802.1Q inner)
    probe.py port-server PORT...
        TCP servers on each PORT: every connection gets "PORT\\n", then EOF
    probe.py read ADDR PORT
        connect, print what arrives until EOF (3 s at most); exit 1 on failure
    probe.py tcp-server PORT
        TCP server for `tcp`; logs "PEER_IP:PEER_PORT MODE result" per connection
    probe.py tcp ADDR PORT MODE SIZE [SPORT [SYNC_DIR]]
        one TCP connection (from source port SPORT unless 0) in MODE:
          server-closes  the server sends SIZE bytes (the second half once
                         the client sends "g"), then closes first
          client-closes  the client sends SIZE bytes, then shuts down first;
                         the server answers the sha256 of what it received
          rst            as client-closes without the shutdown: once the
                         hash is back the client closes with SO_LINGER 0 (RST)
        With SYNC_DIR the client writes SYNC_DIR/established once half the
        data has passed and waits (10 s at most) for SYNC_DIR/go before it
        moves the rest, so a test can look at the NAT session mid-transfer.
        Prints "ok" when the data arrived byte for byte, exit 1 otherwise.
    probe.py udp-stream ADDR PORT COUNT RATE [STOP_FILE]
        a stream of COUNT numbered datagrams (RATE per second) from one
        connected socket to an echo server, until COUNT are sent or
        STOP_FILE exists; then 2 s for the last echoes. Prints
        "sent N echoed M identical K" (the echoes that carry the bytes sent
        under their number); exit 1 unless every datagram came back whole

The data is pseudo-random from a seed both ends know (the mode and size),
so the receiver checks every byte without a side channel.
"""
import hashlib
import os
import random
import socket
import struct
import sys
import threading
import time

TIMEOUT = 10


def pattern(mode, size):
    return random.Random("%s/%d" % (mode, size)).randbytes(size)


def udp(addr, port, size):
    data = os.urandom(size)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2)
    sock.connect((addr, port))
    sock.send(data)
    return echo_outcome(sock, data)


def echo_outcome(sock, data):
    """What came back on the connected UDP socket for the DATA sent."""
    try:
        reply = sock.recv(65535)
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    return "identical" if reply == data else "differs"


def udp_stream(addr, port, count, rate, stop_file):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.connect((addr, port))
    sent = {}
    echoed = set()
    identical = 0

    def receive():
        nonlocal identical
        sock.settimeout(0.2)
        while True:
            try:
                reply = sock.recv(65535)
            except socket.timeout:
                if done.is_set():
                    return
                continue
            except OSError:
                continue
            seq = struct.unpack("!I", reply[:4])[0] if len(reply) >= 4 else -1
            if seq in sent and seq not in echoed:
                echoed.add(seq)
                identical += reply == sent[seq]

    done = threading.Event()
    receiver = threading.Thread(target=receive)
    receiver.start()
    start = time.monotonic()
    for seq in range(count):
        if stop_file and os.path.exists(stop_file):
            break
        data = struct.pack("!I", seq) + os.urandom(96)
        sent[seq] = data
        try:
            sock.send(data)
        except OSError:
            pass
        delay = start + (seq + 1) / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    time.sleep(2)
    done.set()
    receiver.join(5)
    print("sent %d echoed %d identical %d" % (len(sent), len(echoed), identical))
    return 0 if sent and identical == len(sent) else 1


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frags(addr, port, size, order):
    data = os.urandom(size)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2)
    sock.connect((addr, port))
    src, sport = sock.getsockname()
    saddr, daddr = socket.inet_aton(src), socket.inet_aton(addr)
    length = 8 + size
    pseudo = saddr + daddr + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    udph = struct.pack("!HHHH", sport, port, length, 0)
    check = csum(pseudo + udph + data) or 0xFFFF
    payload = struct.pack("!HHHH", sport, port, length, check) + data
    ident = random.randrange(1, 65536)
    pieces = [payload[i:i + 1480] for i in range(0, len(payload), 1480)]
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for n in order:
        piece = pieces[n - 1]
        off = (n - 1) * 1480 // 8
        more = 0x2000 if n < len(pieces) else 0
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(piece), ident, more | off,
                          64, socket.IPPROTO_UDP, 0, saddr, daddr)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        raw.sendto(hdr + piece, (addr, 0))
    return echo_outcome(sock, data)


def vlan_syn(iface, dst_mac, src, dst, vids):
    (saddr, sport), (daddr, dport) = [(socket.inet_aton(a), int(p))
                                      for a, p in (x.split(":") for x in (src, dst))]
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = saddr + daddr + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randrange(65536),
                     0x4000, 64, socket.IPPROTO_TCP, 0, saddr, daddr)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    raw.bind((iface, 0))
    src_mac = raw.getsockname()[4]
    tags = b""
    tpids = [0x8100] if len(vids) == 1 else [0x88A8, 0x8100]
    for tpid, vid in zip(tpids, vids):
        tags += struct.pack("!HH", tpid, vid)
    frame = bytes.fromhex(dst_mac.replace(":", "")) + src_mac + tags + b"\x08\x00" + ip + tcp
    raw.send(frame)
    return "sent"


def tcp_listener(port):
    """A TCP socket listening on every address at PORT."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    return srv


def port_server(ports):
    def serve(port):
        srv = tcp_listener(port)
        while True:
            conn, peer = srv.accept()
            sys.stderr.write("%s:%d port %d\n" % (*peer, port))
            sys.stderr.flush()
            with conn:
                conn.sendall(b"%d\n" % port)

    threads = [threading.Thread(target=serve, args=(p,), daemon=True) for p in ports]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


def read(addr, port):
    deadline = time.monotonic() + 3
    sock = socket.create_connection((addr, port), timeout=3)
    out = b""
    while time.monotonic() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            sys.stdout.buffer.write(out)
            return 0
        out += chunk
    return 1


def recv_exact(sock, size):
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(min(65536, size - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def recv_eof(sock, limit):
    buf = bytearray()
    while len(buf) <= limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def handle(conn, peer):
    result = "?"
    mode = "?"
    try:
        conn.settimeout(TIMEOUT + 5)
        head = recv_exact(conn, 32).decode(errors="replace").split()
        mode, size = head[0], int(head[1])
        if mode == "server-closes":
            data = pattern(mode, size)
            conn.sendall(data[:size // 2])
            # The rest (and our FIN) only once the client says so.
            if recv_exact(conn, 1) != b"g":
                raise ValueError("no go from the client")
            conn.sendall(data[size // 2:])
            conn.shutdown(socket.SHUT_WR)
            # The client's FIN (after ours) ends it.
            rest = recv_eof(conn, 0)
            result = "done" if not rest else "unexpected data"
        elif mode in ("client-closes", "rst"):
            got = recv_exact(conn, size)
            conn.sendall(hashlib.sha256(got).digest())
            try:
                rest = recv_eof(conn, 0)
                result = "eof" if not rest else "unexpected data"
            except ConnectionResetError:
                result = "reset"
        else:
            result = "bad mode"
    except (OSError, ValueError, IndexError) as err:
        result = "error %s" % err
    finally:
        conn.close()
    sys.stderr.write("%s:%d %s %s\n" % (*peer, mode, result))
    sys.stderr.flush()


def tcp_server(port):
    srv = tcp_listener(port)
    while True:
        conn, peer = srv.accept()
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()


def sync(sync_dir):
    if not sync_dir:
        return
    with open(os.path.join(sync_dir, "established"), "w") as f:
        f.write("%d\n" % os.getpid())
    go = os.path.join(sync_dir, "go")
    deadline = time.monotonic() + TIMEOUT
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.05)


def tcp_client(addr, port, mode, size, sport, sync_dir):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport:
        sock.bind(("0.0.0.0", sport))
    sock.settimeout(3)
    sock.connect((addr, port))
    sock.settimeout(TIMEOUT)
    sock.sendall(("%s %d" % (mode, size)).encode().ljust(32))
    data = pattern(mode, size)
    half = size // 2
    if mode == "server-closes":
        got = recv_exact(sock, half)
        sync(sync_dir)
        sock.sendall(b"g")
        got += recv_eof(sock, size)
        ok = got == data
        sock.close()
    elif mode in ("client-closes", "rst"):
        sock.sendall(data[:half])
        sync(sync_dir)
        sock.sendall(data[half:])
        if mode == "client-closes":
            sock.shutdown(socket.SHUT_WR)
        digest = recv_exact(sock, 32)
        ok = digest == hashlib.sha256(data).digest()
        if mode == "rst":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            ok = ok and recv_eof(sock, 0) == b""
        sock.close()
    else:
        sys.exit("probe.py: unknown mode %s" % mode)
    print("ok" if ok else "data differs")
    return 0 if ok else 1


def main():
    args = sys.argv[1:]
    try:
        if len(args) == 4 and args[0] == "udp":
            print(udp(args[1], int(args[2]), int(args[3])))
            return 0
        if len(args) == 5 and args[0] == "frags":
            order = [int(n) for n in args[4].split(",")]
            print(frags(args[1], int(args[2]), int(args[3]), order))
            return 0
        if len(args) == 6 and args[0] == "vlan-syn":
            vids = [int(v) for v in args[5].split(",")]
            print(vlan_syn(args[1], args[2], args[3], args[4], vids))
            return 0
        if len(args) >= 2 and args[0] == "port-server":
            port_server([int(p) for p in args[1:]])
            return 0
        if len(args) == 3 and args[0] == "read":
            return read(args[1], int(args[2]))
        if len(args) == 2 and args[0] == "tcp-server":
            tcp_server(int(args[1]))
            return 0
        if 5 <= len(args) <= 6 and args[0] == "udp-stream":
            stop = args[5] if len(args) > 5 else None
            return udp_stream(args[1], int(args[2]), int(args[3]), float(args[4]), stop)
        if 5 <= len(args) <= 7 and args[0] == "tcp":
            sport = int(args[5]) if len(args) > 5 else 0
            sync_dir = args[6] if len(args) > 6 else None
            return tcp_client(args[1], int(args[2]), args[3], int(args[4]), sport, sync_dir)
    except OSError as err:
        print("error: %s" % err)
        return 1
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
