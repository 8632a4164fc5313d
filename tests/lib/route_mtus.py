#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""hp_route_mtus as `bpftool -j map dump` prints it (stdin) -> one
"PREFIX MTU" line per entry, e.g. "192.168.0.2/32 1400"."""
import json
import socket
import struct
import sys

for e in json.load(sys.stdin):
    k, v = e["formatted"]["key"], e["formatted"]["value"]
    # addr is a __be32: bpftool prints its bytes read as a native integer
    addr = socket.inet_ntoa(struct.pack("=I", k["addr"]))
    print("%s/%d %d" % (addr, k["prefixlen"], v["mtu"]))
