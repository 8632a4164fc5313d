# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""One twin's wires: AF_PACKET sockets opened inside its namespaces.

A socket belongs to the network namespace it was created in, so one
process can hold sockets in every twin: setns(2) into the namespace, open
and bind, setns back. Frames are sent from the hosts (client, server, inet)
and captured where they leave the router: on the switch's port facing the
router (p-router, the whole LAN side) and on the internet host's eth0 (the
WAN side), keeping only frames whose source MAC is the router's.
"""

import ctypes
import json
import os
import select
import socket
import subprocess
import time

# tests/diff/twins.sh sets these MACs in every twin.
MAC = {
    "router-lan": "02:00:00:00:00:01",
    "router-wan": "02:00:00:00:00:04",
    "server": "02:00:00:00:00:12",
    "client": "02:00:00:00:00:13",
    "inet": "02:00:00:00:00:22",
}
RECEIVER_BY_MAC = {MAC["server"]: "server", MAC["client"]: "client", MAC["inet"]: "inet"}

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


def packet_socket(ns_path, ifname):
    """An AF_PACKET socket bound to ifname inside the namespace ns_path."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(ns_path, os.O_RDONLY)
    try:
        _setns(target)
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.bind((ifname, ETH_P_ALL))
            s.setblocking(False)
        finally:
            _setns(home)
    finally:
        os.close(target)
        os.close(home)
    return s


def _mac(b):
    return ":".join("%02x" % x for x in b)


class Twin:
    """The hosts' send sockets and the two capture points of one twin."""

    def __init__(self, name, prefix, hairpin_xdp=None, pins=None):
        self.name = name
        ns = lambda h: "/run/netns/%s-%s-%s" % (prefix, name, h)
        self.router_ns = ns("router")
        self.hairpin_xdp = hairpin_xdp
        self.pins = pins
        self.tx = {
            "client": packet_socket(ns("client"), "eth0"),
            "server": packet_socket(ns("server"), "eth0"),
            "inet": packet_socket(ns("inet"), "eth0"),
        }
        # (socket, router MAC on that side)
        self.rx = {
            "lan": (packet_socket(ns("switch"), "p-router"), MAC["router-lan"]),
            "wan": (self.tx["inet"], MAC["router-wan"]),
        }

    def counters(self):
        """hairpin-xdp's counters in this twin, {name: value}."""
        cmd = ["nsenter", "--net=" + self.router_ns, "--", self.hairpin_xdp, "--bpffs", self.pins,
               "stats", "--json"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=True)
        return json.loads(r.stdout)["counters"]

    def close(self):
        for s in self.tx.values():
            s.close()
        self.rx["lan"][0].close()

    def _read(self, out):
        """Move every pending frame from the router into out."""
        for side, (s, rmac) in self.rx.items():
            for _ in range(10000):
                try:
                    data, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING or _mac(data[6:12]) != rmac:
                    continue
                out.append((side, RECEIVER_BY_MAC.get(_mac(data[0:6]), _mac(data[0:6])), data))

    def drain(self):
        junk = []
        self._read(junk)
        return junk

    def exchange(self, host, frames, expect, wait=1.0, settle=0.03, quiet=0.15):
        """Send frames from host; collect what the router sends until expect
        ({receiver: count}) is met plus a settle time, or wait seconds pass.
        With nothing expected, listen for quiet seconds. Bounded in time."""
        out = []
        for f in frames:
            self.tx[host].send(f)
        start = time.monotonic()
        deadline = start + (wait if expect else quiet)
        met_at = None
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            r, _, _ = select.select([s for s, _ in self.rx.values()], [], [], deadline - now)
            if r:
                self._read(out)
            if expect and met_at is None:
                got = {}
                for _, rcv, _ in out:
                    got[rcv] = got.get(rcv, 0) + 1
                if all(got.get(k, 0) >= n for k, n in expect.items()):
                    met_at = time.monotonic()
                    deadline = min(deadline, met_at + settle)
        return out
