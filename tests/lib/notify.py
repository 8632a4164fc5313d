#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A service manager's notify socket, for tests of sd_notify readiness.

    notify.py SOCKET LOG [IDLE_S]

Binds an AF_UNIX datagram socket at SOCKET and appends each assignment of
every datagram it gets (READY=1, STATUS=...) to LOG, one a line, until no
datagram came for IDLE_S seconds (default 250).
"""
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
sock.settimeout(float(sys.argv[3]) if len(sys.argv) > 3 else 250)
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        try:
            data = sock.recv(4096)
        except socket.timeout:
            break
        for line in data.decode(errors="replace").split("\n"):
            if line:
                log.write(line + "\n")
