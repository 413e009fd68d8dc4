#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Uplink link down and up (a tap uplink whose interface is set down):
# VIFs of a link-down profile go to `down` and their frames count as
# drop_inactive; VIFs of a warning profile stay associated and forward.
# Link up brings everything back. Stats show the link and its changes;
# at exit every frame each VM sent is accounted for.
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (tap interface)"
[ -e /dev/net/tun ] || skip_all "no /dev/net/tun"
fex_tmpdir

TAP=fxlnk$$
TAP=${TAP:0:15}
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a

fex_start lf --no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error -- \
	--uplink "tap:$TAP" --tag vntag --no-state --stats-json "$T/final.json" ||
	{ fex_done; exit 1; }
rpc lf profile.set '{"name": "ld", "vlans": [10], "native_vlan": 10, "uplink_fail_action": "link-down"}' >/dev/null
rpc lf profile.set '{"name": "wr", "vlans": [10], "native_vlan": 10, "uplink_fail_action": "warning"}' >/dev/null
"$PCAPGEN" --out "$T/vm2.pcap" --src-mac 02:00:00:00:00:02 --count 64 >/dev/null
check "VIF 1 (link-down profile) associated on a generating null port" \
	rpc lf vif.associate "{\"vif\": 1, \"port\": \"null:rx\", \"mac\": \"02:00:00:00:00:01\",
		\"profile\": \"ld\", \"instance_uuid\": \"$UUID\"}"
check "VIF 2 (warning profile) associated on an endless pcap port" \
	rpc lf vif.associate "{\"vif\": 2, \"port\": \"pcap:rx=$T/vm2.pcap,infinite\",
		\"mac\": \"02:00:00:00:00:02\", \"profile\": \"wr\", \"instance_uuid\": \"$UUID\"}"

st() {	# st VIF -> state
	rpc lf vif.list | python3 -c "import json,sys; print(next(v['state'] for v in json.load(sys.stdin) if v['vif'] == $1))"
}
cnt() { vif_counter lf "$1" "$2"; }
up() { uplink_counter lf "$1"; }
grows() {	# grows VIF COUNTER: counter rises within 2 s
	local a
	a=$(cnt "$1" "$2")
	wait_until 2 bash -c "[ \$(\"$FEXCTL\" --socket $T/lf.sock --json call vif.stats '{\"vif\": $1}' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[\"$2\"])') -gt $a ]"
}
still() {	# still VIF COUNTER: unchanged over 0.5 s
	local a b
	a=$(cnt "$1" "$2")
	sleep 0.5
	b=$(cnt "$1" "$2")
	[ "$a" = "$b" ]
}

check "uplink link up at start" test "$(up link)" = up
check "VIF 1 forwards to the uplink (link up)" grows 1 rx_packets
check "VIF 1: no drop_inactive while the link is up" test "$(cnt 1 drop_inactive)" = 0

for round in 1 2; do
	t0=$(date +%s%N)
	ip link set "$TAP" down
	check "round $round: link down seen: VIF 1 (link-down) goes down" wait_until 5 bash -c "[ \"\$(
		\"$FEXCTL\" --socket $T/lf.sock --json call vif.list | python3 -c 'import json,sys; print(next(v[\"state\"] for v in json.load(sys.stdin) if v[\"vif\"] == 1))')\" = down ]"
	t1=$(date +%s%N)
	echo "# link down -> VIF down in $(((t1 - t0) / 1000000)) ms"
	check_eq "round $round: VIF 2 (warning) stays associated" associated "$(st 2)"
	check_eq "round $round: stats: uplink link" down "$(up link)"
	check "round $round: VIF 1's frames count as drop_inactive" grows 1 drop_inactive
	check "round $round: VIF 2 keeps forwarding, nothing inactive" still 2 drop_inactive

	t0=$(date +%s%N)
	ip link set "$TAP" up
	check "round $round: link up seen: VIF 1 associated again" wait_until 5 bash -c "[ \"\$(
		\"$FEXCTL\" --socket $T/lf.sock --json call vif.list | python3 -c 'import json,sys; print(next(v[\"state\"] for v in json.load(sys.stdin) if v[\"vif\"] == 1))')\" = associated ]"
	t1=$(date +%s%N)
	echo "# link up -> VIF associated in $(((t1 - t0) / 1000000)) ms"
	check_eq "round $round: stats: uplink link" up "$(up link)"
	check "round $round: VIF 1 no longer drops (drop_inactive still)" still 1 drop_inactive
	check_eq "round $round: link changes counted" $((round * 2)) "$(up link_changes)"
done
grep -q "link down" "$T/lf.log" && grep -q "link up" "$T/lf.log"
check "link changes logged" test $? -eq 0

fex_stop lf
check_eq "fexpath exit status" 0 $?
python3 - "$T/final.json" <<'PY' >"$T/verdict"
import json, sys
s = json.load(open(sys.argv[1]))
vifs = s["vif.stats"]
vifs = vifs["vifs"] if isinstance(vifs, dict) else vifs
by = {v["vif"]: v for v in vifs}
up = s["stats"]["uplinks"][0]
rx = sum(v["rx_packets"] for v in vifs)
drops = sum(c for v in vifs for k, c in v.items() if k.startswith("drop_"))
print(rx, up["tx_packets"] + drops, by[1]["drop_inactive"], by[2]["drop_inactive"])
PY
read -r rx acc inact1 inact2 <"$T/verdict"
echo "# frames from the VMs $rx = to the uplink + drops $acc; VIF 1 drop_inactive $inact1"
check_eq "every frame from the VMs accounted for (uplink tx + drops)" "$rx" "$acc"
check "VIF 1 dropped frames while down ($inact1), VIF 2 none ($inact2)" \
	test "$inact1" -gt 0 -a "$inact2" = 0
fex_done
