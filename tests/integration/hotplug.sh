#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vNIC ports added and removed (VIF associate / disassociate) while another
# VIF forwards in both directions at full speed: zero loss on that VIF,
# shown by exact conservation of its frames once fexpath has stopped.
. "$(dirname "$0")/../lib/fex-lib.sh"
fex_tmpdir

UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1 --svif 7 --vlan 10 --count 64 >/dev/null
"$PCAPGEN" --out "$T/vm2.pcap" --src-mac 02:00:00:00:00:02 --vlan 99 --count 64 >/dev/null

fex_start hp --no-huge -m 1024 --no-pci -l 0 --log-level=lib.eal:error -- \
	--uplink "pcap:rx=$T/down.pcap,infinite" --tag vntag --no-state \
	--stats-json "$T/final.json" || { fex_done; exit 1; }
rpc hp profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
check "VIF 1 associated on a generating null port" \
	rpc hp vif.associate "{\"vif\": 1, \"port\": \"null:rx\", \"mac\": \"02:00:00:00:00:01\",
		\"profile\": \"p\", \"instance_uuid\": \"$UUID\"}"
check "VIF 1 forwards" wait_until 10 bash -c \
	"[ \$(\"$FEXCTL\" --socket $T/hp.sock --json call vif.stats '{\"vif\": 1}' |
	      python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tx_packets\"])') -gt 1000 ]"

for i in 1 2 3 4 5; do
	out=$(rpc hp vif.associate "{\"vif\": 2, \"port\": \"pcap:rx=$T/vm2.pcap,infinite\",
		\"mac\": \"02:00:00:00:00:02\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}")
	check "round $i: VIF 2 associated" test $? -eq 0
	check "round $i: VIF 2's frames arrive (and are dropped: VLAN 99)" wait_until 10 bash -c \
		"[ \$(\"$FEXCTL\" --socket $T/hp.sock --json call vif.stats '{\"vif\": 2}' |
		      python3 -c 'import json,sys; print(json.load(sys.stdin)[\"drop_vlan\"])') -gt 100 ]"
	check "round $i: VIF 2 disassociated" rpc hp vif.disassociate '{"vif": 2}'
	check "round $i: its port is gone" bash -c \
		"! \"$FEXCTL\" --socket $T/hp.sock --json call port.list | grep -q vm2.pcap"
done
before=$(vif_counter hp 1 tx_packets)
check "VIF 1 kept forwarding" wait_until 10 bash -c \
	"[ \$(\"$FEXCTL\" --socket $T/hp.sock --json call vif.stats '{\"vif\": 1}' |
	      python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tx_packets\"])') -gt $before ]"
fex_stop hp
check_eq "fexpath exit status" 0 $?

python3 - "$T/final.json" <<'PY' >"$T/verdict"
import json, sys
s = json.load(open(sys.argv[1]))
vif = next(v for v in s["vif.stats"]["vifs"] if v["vif"] == 1) if isinstance(s["vif.stats"], dict) else next(v for v in s["vif.stats"] if v["vif"] == 1)
up = s["stats"]["uplinks"][0]
ports = {p["port_id"]: p for p in s["port.list"]}
uplink = ports[up["port_id"]]
vnic = next(p for p in s["port.list"] if p.get("vif") == 1)
drops = {k: v for k, v in vif.items() if k.startswith("drop_") and v}
updrops = {k: v for k, v in up.items() if k.startswith("drop_") and v}
updrops.pop("drop_unknown_vif", None)
print("vif1_drops", drops or "none")
print("uplink_drops", updrops or "none")
print("egress", vif["rx_packets"], vnic["rx_packets"], up["tx_packets"], uplink["tx_packets"])
# Frames for VIF 1 that came before it was associated are unknown-VIF drops.
print("ingress", uplink["rx_packets"], up["rx_packets"],
      vif["tx_packets"] + up["drop_unknown_vif"], vnic["tx_packets"] + up["drop_unknown_vif"])
print("frames", vif["rx_packets"], vif["tx_packets"])
PY
cat "$T/verdict"
read -r _ d1 <<<"$(grep vif1_drops "$T/verdict")"
read -r _ d2 <<<"$(grep uplink_drops "$T/verdict")"
read -r _ e1 e2 e3 e4 <<<"$(grep egress "$T/verdict")"
read -r _ i1 i2 i3 i4 <<<"$(grep ingress "$T/verdict")"
check_eq "VIF 1: no drop of any kind" none "$d1"
check_eq "uplink: no drop but unknown VIF before association" none "$d2"
check "egress conserved: vNIC port rx = VIF rx = fexpath uplink tx = uplink port tx" \
	test "$e1" = "$e2" -a "$e2" = "$e3" -a "$e3" = "$e4"
check "ingress conserved: uplink port rx = fexpath uplink rx = VIF tx (+ frames before it existed) = vNIC port tx" \
	test "$i1" = "$i2" -a "$i2" = "$i3" -a "$i3" = "$i4"
check "millions of frames went through" test "$e1" -gt 1000000 -a "$i1" -gt 1000000
fex_done
