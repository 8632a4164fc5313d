#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Servers for the integration tests and the demo, which say whom they saw.

    serve.py http PORT DIR   serve DIR over HTTP; GET /peer answers "IP:PORT\\n",
                             the address the connection came from
    serve.py udp PORT        echo every datagram back unchanged
    serve.py udp0 ADDR PORT  client: send stdin as one datagram with UDP checksum
                             0 ("none", RFC 768) and print the echo (3 s at most)

Both log one line per request or datagram to stderr, starting with the peer's
address, so a test can also read who talked to the server from the log. The
point of the tests is whether NAT rewrote the source (hairpin: the router's
address) or kept it (port forwarding from the internet: the real client).
"""
import functools
import http.server
import socket
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    # HTTP/1.0: the server closes after each response, so every request is a
    # new TCP connection and a new NAT session.
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        # /peer?n=1, /peer?n=2, ...: the query only makes the URLs distinct.
        if self.path.split("?")[0] == "/peer":
            body = "%s:%d\n" % self.client_address
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()

    def log_message(self, fmt, *args):
        sys.stderr.write("%s:%d %s\n" % (*self.client_address, fmt % args))
        sys.stderr.flush()


def serve_http(port, directory):
    handler = functools.partial(Handler, directory=directory)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    with http.server.ThreadingHTTPServer(("0.0.0.0", port), handler) as srv:
        srv.serve_forever()


def serve_udp(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    while True:
        data, peer = sock.recvfrom(65535)
        sys.stderr.write("%s:%d udp %d bytes\n" % (*peer, len(data)))
        sys.stderr.flush()
        sock.sendto(data, peer)


# Linux's SO_NO_CHECK (asm-generic/socket.h): send IPv4 UDP without a checksum.
SO_NO_CHECK = 11


def send_udp0(addr, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1)
    sock.settimeout(3)
    # connect(): like socat, accept an answer only from ADDR:PORT.
    sock.connect((addr, port))
    sock.send(sys.stdin.buffer.read())
    try:
        sys.stdout.buffer.write(sock.recv(65535))
    except (socket.timeout, ConnectionRefusedError):
        sys.exit(1)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "http":
        serve_http(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "udp":
        serve_udp(int(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "udp0":
        send_udp0(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
