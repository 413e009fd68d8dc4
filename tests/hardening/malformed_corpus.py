#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# The malformed-traffic corpus of tests/hardening/malformed.sh: pcap files
# for the uplink (fabric -> VM, VN-Tag) and two vNICs (VM -> fabric), each
# frame labelled with the one counter it must end in. Writes DIR/down.pcap,
# DIR/vm10.pcap, DIR/vm11.pcap and DIR/expect.json ({counter: frames}).
#   malformed_corpus.py DIR
# Set-up it assumes (malformed.sh): VIF 10 and 11 associated with profile
# web (VLANs 10,20, native 10, mac_forging deny), VIF 12 associated with a
# disabled profile, VIF list 100 = {10, 11}.
import collections
import json
import os
import struct
import sys

out = sys.argv[1]
expect = collections.Counter()


def mac(n):
    return bytes([2, 0, 0, 0, 0, n])


def payload(size):
    return b"\x08\x00" + (bytes(range(256)) * 40)[:max(0, size - 14)]


def vlan(vid, pcp=0):
    return struct.pack(">HH", 0x8100, (pcp << 13) | vid)


def vntag(dvif=0, svif=0, d=1, p=0, l=0, raw=None):
    if raw is None:
        raw = (d << 31) | (p << 30) | (dvif << 16) | (l << 15) | svif
    return struct.pack(">HI", 0x8926, raw)


def frame(dst, src, *hdrs, size=60):
    return mac(dst) + mac(src) + b"".join(hdrs) + payload(size)


class Pcap:
    def __init__(self, name):
        self.f = open(os.path.join(out, name), "wb")
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.n = 0

    def add(self, data, label, count=1):
        for _ in range(count):
            self.f.write(struct.pack("<IIII", 0, self.n, len(data), len(data)) + data)
            self.n += 1
            expect[label] += 1


os.makedirs(out, exist_ok=True)
down = Pcap("down.pcap")
# Deliverable frames, normal and giant (9000 B: chained mbufs in fexpath).
down.add(frame(10, 9, vntag(dvif=10, svif=9), vlan(10)), "vif10.tx_packets", 8)
down.add(frame(11, 9, vntag(dvif=11), vlan(20, 3)), "vif11.tx_packets", 4)
down.add(frame(10, 9, vntag(dvif=10), vlan(10), size=9000), "vif10.tx_packets", 3)
down.add(frame(11, 9, vntag(dvif=11), vlan(20), size=9000), "vif11.tx_packets", 2)
# Nested tag: the outer one is the VIF tag; what follows it (another tag)
# is payload of an untagged frame, which takes the native VLAN.
down.add(frame(10, 9, vntag(dvif=10), vntag(dvif=11)), "vif10.tx_packets", 2)
# Flood to list 100 = {10, 11}: one frame in, one frame out per member.
down.add(frame(0xff, 9, vntag(dvif=100, p=1), vlan(10)), "vif10.tx_packets", 2)
expect["vif11.tx_packets"] += 2
expect["flood_copies"] += 2
# Looped flood from VIF 10: VIF 10 pruned (not a drop), VIF 11 gets it.
down.add(frame(0xff, 10, vntag(dvif=100, p=1, l=1, svif=10), vlan(10)), "vif11.tx_packets", 2)
# Bad VLANs for the VIF's profile.
down.add(frame(10, 9, vntag(dvif=10), vlan(30)), "vif10.drop_vlan", 3)
down.add(frame(10, 9, vntag(dvif=10), vlan(4095)), "vif10.drop_vlan", 1)
down.add(frame(11, 9, vntag(dvif=11), vlan(30), size=9000), "vif11.drop_vlan", 1)
# Unknown VIFs and VIF lists, an inactive VIF.
down.add(frame(99, 9, vntag(dvif=99), vlan(10)), "drop_unknown_vif", 3)
down.add(frame(99, 9, vntag(dvif=4095), vlan(10)), "drop_unknown_vif", 1)
down.add(frame(0xff, 9, vntag(dvif=7, p=1), vlan(10)), "drop_unknown_vif", 2)
down.add(frame(12, 9, vntag(dvif=12), vlan(10)), "vif12.drop_inactive", 2)
# Malformed: each with the reason fex_tag_parse gives.
down.add(b"", "malformed_truncated", 2)                                   # zero length
down.add(mac(10)[:5], "malformed_truncated", 2)                           # 5-byte runt
down.add((mac(10) + mac(9) + vntag(dvif=10))[:15], "malformed_truncated", 2)  # cut in the tag
down.add(mac(10) + mac(9) + vntag(dvif=10), "malformed_truncated", 1)     # tag, no inner type
down.add(frame(10, 9, vlan(10)), "malformed_bad_ethertype", 3)            # no VIF tag
down.add(frame(10, 9, vlan(10), vntag(dvif=10)), "malformed_bad_ethertype", 1)  # 802.1Q first
down.add(frame(10, 9, vntag(dvif=10, d=0), vlan(10)), "drop_direction", 2)
down.add(frame(10, 9, vntag(raw=0x800a4000), vlan(10)), "malformed_reserved_bits", 1)
down.add(frame(10, 9, vntag(raw=0x800a1000), vlan(10)), "malformed_bad_version", 1)
down.add(frame(10, 9, vntag(dvif=0)), "malformed_vif_zero", 1)
down.add(frame(10, 9, vntag(dvif=0x1000)), "malformed_vif_range", 1)      # unicast dvif > 4095

vm10 = Pcap("vm10.pcap")
vm10.add(frame(11, 10), "uplink.tx_packets", 6)
vm10.add(frame(11, 10, vlan(20, 1)), "uplink.tx_packets", 2)
vm10.add(frame(11, 10, size=9000), "uplink.tx_packets", 3)
vm10.add(frame(11, 10, vlan(30)), "vif10.drop_vlan", 2)
vm10.add(frame(11, 10, vlan(4095)), "vif10.drop_vlan", 1)
vm10.add(frame(11, 77), "vif10.drop_mac_forged", 2)
vm10.add(frame(11, 77, size=9000), "vif10.drop_mac_forged", 1)
vm10.add(b"", "vif10.drop_mac_forged", 1)          # no source MAC: not the VIF's
vm10.add(mac(11) + mac(10)[:2], "vif10.drop_mac_forged", 1)

vm11 = Pcap("vm11.pcap")
# A VM cannot forge a VIF tag: its "tag" is payload of an untagged frame,
# which gets the native VLAN and the real VIF tag in front.
vm11.add(frame(10, 11, vntag(dvif=10)), "uplink.tx_packets", 1)
vm11.add(frame(10, 11), "uplink.tx_packets", 3)
vm11.add(frame(10, 11, vlan(0, 5)), "uplink.tx_packets", 1)     # priority tag: native VLAN
for p in (down, vm10, vm11):
    p.f.close()
json.dump({"frames": {"down": down.n, "vm10": vm10.n, "vm11": vm11.n},
           "expect": dict(expect)}, open(os.path.join(out, "expect.json"), "w"), indent=1)
print(down.n, vm10.n, vm11.n)
