#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Writes the seed corpus of lib/dp/fuzz_dp.c (input format described
# there): normal and malformed bursts in both directions and tag formats.
#   tests/hardening/gen_dp_seeds.py lib/dp/fuzz_corpus
import os
import struct
import sys

VNTAG, ETAG, NONE = 0, 1, 2
EGRESS, CHAINED, UPLINK_DOWN = 4, 0x40, 0x80


def mac(n):
    return bytes([2, 0, 0, 0, 0, n])


def ip_payload(size):
    body = bytes(range(256)) * (size // 256 + 1)
    return b"\x08\x00" + body[:max(0, size - 14)]


def vlan(vid, pcp=0):
    return struct.pack(">HH", 0x8100, (pcp << 13) | vid)


def vntag(dvif=0, svif=0, d=1, p=0, l=0, raw=None):
    if raw is None:
        raw = (d << 31) | (p << 30) | (dvif << 16) | (l << 15) | svif
    return struct.pack(">HI", 0x8926, raw)


def etag(ecid=0, iecid=0, grp=0, pcp=0):
    return struct.pack(">HHHBB", 0x893F, (pcp << 13) | iecid, (grp << 12) | ecid, 0, 0)


def frame(dst, src, *hdrs, size=60):
    return mac(dst) + mac(src) + b"".join(hdrs) + ip_payload(size)


def burst(b0, frames, b1=0, b2=0, b3=1):
    out = bytes([b0, b1, b2, b3])
    for f in frames:
        out += struct.pack(">H", len(f)) + f
    return out


def down(mode, **kw):
    if mode == VNTAG:
        return vntag(**kw)
    grp = 1 if kw.get("p") else 0
    return etag(ecid=kw.get("dvif", 0), iecid=kw.get("svif", 0) if kw.get("l") or grp else 0, grp=grp)


seeds = {}
for name, mode in (("vntag", VNTAG), ("etag", ETAG)):
    seeds[f"in-{name}-mixed"] = burst(mode, [
        frame(1, 9, down(mode, dvif=1, svif=9), vlan(10)),
        frame(1, 9, down(mode, dvif=1, svif=9), vlan(20, 2)),
        frame(2, 9, down(mode, dvif=2), vlan(30)),
        frame(2, 9, down(mode, dvif=2), vlan(10)),
        frame(3, 9, down(mode, dvif=3), vlan(20)),
        frame(4, 9, down(mode, dvif=4), vlan(10)),
        frame(5, 9, down(mode, dvif=5), vlan(10)),
        frame(9, 9, down(mode, dvif=99), vlan(10)),
        frame(0xff, 1, down(mode, dvif=100, p=1, l=1, svif=1), vlan(10)),
        frame(0xff, 1, down(mode, dvif=101, p=1), vlan(30)),
        frame(0xff, 1, down(mode, dvif=7, p=1), vlan(30)),
    ])
    seeds[f"in-{name}-uplink-down"] = burst(mode | UPLINK_DOWN, [
        frame(1, 9, down(mode, dvif=1), vlan(10)),
        frame(2, 9, down(mode, dvif=2), vlan(30)),
    ])
    seeds[f"in-{name}-jumbo-chained"] = burst(mode | CHAINED, [
        frame(1, 9, down(mode, dvif=1), vlan(10), size=9000),
        frame(2, 9, down(mode, dvif=2), vlan(30), size=1500),
    ], b2=255)
    seeds[f"in-{name}-nested"] = burst(mode, [
        frame(1, 9, down(mode, dvif=1), down(mode, dvif=2), vlan(10)),
        frame(1, 9, down(mode, dvif=1), vlan(10), vlan(20)),
    ])
seeds["in-vntag-malformed"] = burst(VNTAG, [
    frame(1, 9, vntag(dvif=1, d=0), vlan(10)),             # direction
    frame(1, 9, vntag(raw=0x800a4000), vlan(10)),          # reserved bit
    frame(1, 9, vntag(raw=0x800a1000), vlan(10)),          # version
    frame(1, 9, vlan(10)),                                  # untagged
    (mac(1) + mac(9) + vntag(dvif=1))[:15],                 # truncated tag
    b"",                                                    # zero length
    mac(1)[:5],                                             # runt
    frame(1, 9, vntag(dvif=1), struct.pack(">HH", 0x8100, 0xfff)),  # VID 4095
    frame(1, 9, vntag(dvif=0)),                             # dvif 0
])
seeds["in-etag-malformed"] = burst(ETAG, [
    frame(1, 9, struct.pack(">HHHBB", 0x893F, 0, 0x1001, 1, 0), vlan(10)),
    frame(1, 9, struct.pack(">HHHBB", 0x893F, 0, 0xc00a, 0, 0), vlan(10)),
    (mac(1) + mac(9) + etag(ecid=1))[:17],
    frame(1, 9, etag(ecid=0)),
])
seeds["in-none"] = burst(NONE, [frame(1, 9, vlan(10)), frame(2, 9)])
seeds["in-shared-headroom0"] = burst(VNTAG, [
    frame(0xff, 1, vntag(dvif=100, p=1), vlan(20)),
], b1=0x80)

# Egress: vNIC index in bits 3-5 (0: VIF 1 web, 1: VIF 2 open, 2: VIF 3
# slow (policer), 3: VIF 4 disabled, 4: VIF 5 preassociated, 5: no VIF).
for name, mode in (("vntag", VNTAG), ("etag", ETAG), ("none", NONE)):
    seeds[f"out-{name}-web"] = burst(mode | EGRESS | (0 << 3), [
        frame(2, 1),
        frame(2, 1, vlan(20, 1)),
        frame(2, 1, vlan(30)),
        frame(2, 7),
        frame(2, 1, vlan(0, 5)),
        mac(2) + mac(1)[:3],
        b"",
    ])
seeds["out-vntag-open"] = burst(EGRESS | (1 << 3), [frame(1, 2), frame(1, 2, vlan(30, 6))])
seeds["out-vntag-policer"] = burst(EGRESS | (2 << 3), [frame(1, 3, size=1000)] * 6, b3=0)
for i in (3, 4, 5):
    seeds[f"out-vntag-port{i}"] = burst(EGRESS | (i << 3), [frame(1, 1 + i)] * 3)
seeds["out-etag-jumbo-chained"] = burst(ETAG | EGRESS | CHAINED, [
    frame(2, 1, vlan(10), size=9000), frame(2, 1, size=200)], b2=63)
seeds["out-vntag-headroom0"] = burst(EGRESS, [frame(2, 1), frame(2, 1, vlan(20))], b1=0x80)
seeds["out-vntag-headroom4-chained"] = burst(EGRESS | CHAINED, [frame(2, 1), frame(2, 1, vlan(20))],
                                             b1=0x84, b2=9)

os.makedirs(sys.argv[1], exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(data)
print(len(seeds), "seeds")
