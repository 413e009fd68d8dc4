#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A malformed-traffic corpus (tests/hardening/malformed_corpus.py: runts,
# zero-length frames, truncated and nested tags, 9000 B frames (chained
# mbufs), bad VLANs, unknown and inactive VIFs, bad tag fields, forged
# MACs) through fexpath on pcap ports, both directions. Every frame is
# accounted for, exactly: each counter equals the frames labelled for it,
# every other drop counter is 0, and frames in + flood copies = frames
# forwarded + drops. No mbuf leaks (fex_stop checks --stats-json).
. "$(dirname "$0")/../lib/fex-lib.sh"
fex_tmpdir

d=$T/corpus
read -r n_down n_vm10 n_vm11 < <(python3 "$(dirname "$0")/malformed_corpus.py" "$d")
echo "# corpus: $n_down frames from the fabric, $n_vm10 + $n_vm11 from the VMs"
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
cat >"$d/fex.ini" <<INI
[fexpath]
uplink = pcap:rx=$d/down.pcap,tx=$d/up.pcap
tag = vntag
[profile web]
vlans = 10,20
native_vlan = 10
mac_forging = deny
[profile off]
vlans = 10
native_vlan = 10
enabled = false
[vif 10]
port = pcap:rx=$d/vm10.pcap,tx=$d/vm10_out.pcap
mac = 02:00:00:00:00:0a
profile = web
instance_uuid = $UUID
[vif 11]
port = pcap:rx=$d/vm11.pcap,tx=$d/vm11_out.pcap
mac = 02:00:00:00:00:0b
profile = web
instance_uuid = $UUID
[vif 12]
port = null
mac = 02:00:00:00:00:0c
profile = off
instance_uuid = $UUID
[viflist 100]
vifs = 10,11
INI

# Small mbufs are not needed for chains: a 9000 B frame already spans
# several 2 KiB mbufs in net_pcap.
fex_start mf --no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error -- \
	--config "$d/fex.ini" --no-state --stats-json "$T/final.json" || { fex_done; exit 1; }
check "every frame read from the pcap files" wait_until 20 bash -c \
	"[ \"\$(\"$FEXCTL\" --socket $T/mf.sock --json call port.list | python3 -c 'import json,sys; print(sum(p[\"rx_packets\"] for p in json.load(sys.stdin)))')\" = $((n_down + n_vm10 + n_vm11)) ]"
sleep 0.3	# the last burst is handled after the port counted it
fex_stop mf
check_eq "fexpath exit status" 0 $?

python3 - "$T/final.json" "$d/expect.json" <<'PY' >"$T/verdict"
import json, sys
s = json.load(open(sys.argv[1]))
e = json.load(open(sys.argv[2]))
vifs = s["vif.stats"]
vifs = vifs["vifs"] if isinstance(vifs, dict) else vifs
by = {v["vif"]: v for v in vifs}
up = s["stats"]["uplinks"][0]
got = {}
for v in by.values():
    for k, c in v.items():
        if k.endswith("_packets") or k.startswith("drop_"):
            got["vif%d.%s" % (v["vif"], k)] = c
for k, c in up.items():
    if k.startswith(("drop_", "malformed_")) or k == "flood_copies":
        got[k] = c
got["uplink.tx_packets"] = up["tx_packets"]
exp = dict(e["expect"])
exp["drop_malformed"] = sum(c for k, c in exp.items() if k.startswith("malformed_"))
exp["malformed_bad_direction"] = exp.get("drop_direction", 0)	# detail of drop_direction
exp["vif10.rx_packets"] = e["frames"]["vm10"]
exp["vif11.rx_packets"] = e["frames"]["vm11"]
bad = ["%s=%d (expected %d)" % (k, got.get(k, -1), exp.get(k, 0))
       for k in sorted(set(got) | set(exp)) if got.get(k, -1 if k in exp else 0) != exp.get(k, 0)]
print("counters", "ok" if not bad else " ".join(bad))
frames_in = up["rx_packets"] + sum(v["rx_packets"] for v in by.values())
out = up["tx_packets"] + sum(v["tx_packets"] for v in by.values())
drops = sum(c for k, c in up.items() if k.startswith("drop_")) \
    + sum(c for v in by.values() for k, c in v.items() if k.startswith("drop_"))
print("conservation", frames_in, up["flood_copies"], out, drops, frames_in + up["flood_copies"] == out + drops)
print("files", up["rx_packets"], sum(e["frames"].values()) - e["frames"]["down"],
      sum(v["rx_packets"] for v in by.values()))
ports = {p["port_id"]: p for p in s["port.list"]}
print("ports", " ".join("%s:%d" % (p.get("vif", "up"), p["tx_packets"]) for p in s["port.list"]))
print("mbufs", s["mbufs"]["in_use_after_close"], s["mbufs"]["pool_size"])
PY
cat "$T/verdict"
read -r _ verdict <<<"$(grep ^counters "$T/verdict")"
check_eq "every counter = frames labelled for it, all others 0" ok "$verdict"
read -r _ fin fc fout fdrop ok <<<"$(grep ^conservation "$T/verdict")"
check_eq "frames in ($fin) + flood copies ($fc) = forwarded ($fout) + drops ($fdrop)" True "$ok"
check_eq "fabric frames taken = frames in the corpus" "$n_down" "$(awk '/^files/ {print $2}' "$T/verdict")"
check_eq "VM frames taken = frames in the corpus" "$(awk '/^files/ {print $3}' "$T/verdict")" \
	"$(awk '/^files/ {print $4}' "$T/verdict")"
check_eq "uplink pcap holds what fexpath sent" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["expect"]["uplink.tx_packets"])' "$d/expect.json")" \
	"$(tshark -r "$d/up.pcap" 2>/dev/null | wc -l)"
check_eq "VM 10 pcap holds what was delivered" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["expect"]["vif10.tx_packets"])' "$d/expect.json")" \
	"$(tshark -r "$d/vm10_out.pcap" 2>/dev/null | wc -l)"
check "9000 B frames left whole (3 up, 5 down)" bash -c \
	"[ \$(tshark -r '$d/up.pcap' -T fields -e frame.len 2>/dev/null | awk '\$1 > 9000' | wc -l) = 3 ] &&
	 [ \$(tshark -r '$d/vm10_out.pcap' -T fields -e frame.len 2>/dev/null | awk '\$1 >= 9000' | wc -l) = 3 ] &&
	 [ \$(tshark -r '$d/vm11_out.pcap' -T fields -e frame.len 2>/dev/null | awk '\$1 >= 9000' | wc -l) = 2 ]"
fex_done
