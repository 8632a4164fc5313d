#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""ICMP errors of any length (issue 10, item 8c).

  icmpbig.py send SRC DST QSRC QSPORT QDST QDPORT N [bad]
      Send port unreachable from SRC to DST quoting a UDP datagram QSRC:QSPORT
      -> QDST:QDPORT with N payload bytes, the whole datagram quoted (as an
      RFC 4884 host may on a jumbo link); "bad": a wrong ICMP checksum.
  icmpbig.py udp DST DPORT SPORT
      One small UDP datagram from SPORT, to open a session.
  icmpbig.py seen PCAP SRC QDST QDPORT
      Print the quoted payload length of each error from SRC in PCAP whose
      quote goes to QDST:QDPORT (one per line).
"""
import socket
import sys

from scapy.all import ICMP, IP, UDP, IPerror, Raw, UDPerror, conf, rdpcap, send

conf.verb = 0


def main(a):
    if a[1:2] == ["send"] and len(a) in (9, 10):
        quote = IP(src=a[4], dst=a[6]) / UDP(sport=int(a[5]), dport=int(a[7])) / Raw(b"q" * int(a[8]))
        err = IP(src=a[2], dst=a[3]) / ICMP(type=3, code=3) / Raw(bytes(quote))
        if len(a) == 10 and a[9] == "bad":
            err = IP(bytes(err))
            err[ICMP].chksum ^= 0x5555
        send(err)
        return 0
    if a[1:2] == ["udp"] and len(a) == 5:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", int(a[4])))
        s.sendto(b"open", (a[2], int(a[3])))
        return 0
    if a[1:2] == ["seen"] and len(a) == 6:
        for p in rdpcap(a[2]):
            if ICMP in p and p[IP].src == a[3] and IPerror in p and UDPerror in p:
                if p[IPerror].dst == a[4] and p[UDPerror].dport == int(a[5]):
                    print(len(bytes(p[UDPerror].payload)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
