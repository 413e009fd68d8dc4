#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Disk full while saving the state (a tiny tmpfs holds the state file):
# every change is refused with a JSON-RPC error naming the problem, is
# rolled back (profile, VIF and its port), the state file keeps the old
# contents byte for byte, and forwarding goes on. Once there is room
# again, changes are saved, and a restart restores them.
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (mounts a tmpfs)"
fex_tmpdir

mkdir -p "$T/st"
mount -t tmpfs -o size=64k,mode=0755 fexstate "$T/st" || skip_all "cannot mount a tmpfs"
on_exit "umount '$T/st'"
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
STATE=$T/st/state.json
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1 --svif 7 --vlan 10 --count 64 >/dev/null
EAL=(--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error)
quiet() { "$@" >/dev/null; }
ARGS=(--uplink "pcap:rx=$T/down.pcap,infinite" --tag vntag --state "$STATE")

fex_start df "${EAL[@]}" -- "${ARGS[@]}" --stats-json "$T/final.json" || { fex_done; exit 1; }
check "profile p saved" quiet rpc df profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}'
check "VIF 1 associated and saved" quiet rpc df vif.associate "{\"vif\": 1, \"port\": \"null:rx\",
	\"mac\": \"02:00:00:00:00:01\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}"
tx() { vif_counter df 1 tx_packets; }
grows() {
	local a
	a=$(tx)
	wait_until 3 bash -c "[ \$(\"$FEXCTL\" --socket $T/df.sock --json call vif.stats '{\"vif\": 1}' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tx_packets\"])') -gt $a ]"
}
check "VIF 1 forwards" grows

# Fill the file system: the next save cannot write its temp file.
dd if=/dev/zero of="$T/st/fill" bs=4k 2>/dev/null
cp "$STATE" "$T/state.before"
ports_before=$(rpc df port.list | json_get "" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

out=$(rpc df profile.set '{"name": "q", "vlans": [20]}' 2>&1)
check "disk full: profile.set refused" test $? -ne 0
check "... with the save error code and the reason" bash -c "grep -q -- '-32006' <<<'$out' && grep -qi 'space' <<<'$out'"
echo "# $out"
check "... and rolled back: profile q does not exist" bash -c "! \"$FEXCTL\" --socket $T/df.sock --json call profile.get '{\"name\": \"q\"}' >/dev/null 2>&1"
out=$(rpc df profile.set '{"name": "p", "vlans": [10, 30]}' 2>&1)
check "disk full: a change to profile p refused" test $? -ne 0
check_eq "... p keeps its VLANs" "[10]" "$(rpc df profile.get '{"name": "p"}' | json_get vlans | tr -d ' ')"
out=$(rpc df vif.associate "{\"vif\": 2, \"port\": \"null\", \"mac\": \"02:00:00:00:00:02\",
	\"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" 2>&1)
check "disk full: vif.associate refused" test $? -ne 0
check "... VIF 2 does not exist" bash -c "! \"$FEXCTL\" --socket $T/df.sock --json call vif.stats '{\"vif\": 2}' >/dev/null 2>&1"
check_eq "... its port was closed again" "$ports_before" \
	"$(rpc df port.list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
out=$(rpc df vif.disassociate '{"vif": 1}' 2>&1)
check "disk full: vif.disassociate refused" test $? -ne 0
check_eq "... VIF 1 still associated" associated "$(vif_counter df 1 state)"
check "the state file is unchanged, byte for byte" cmp -s "$STATE" "$T/state.before"
check "no temp file left behind" bash -c "[ \$(ls -A '$T/st' | wc -l) = 2 ]"
check "forwarding went on while the disk was full" grows

rm -f "$T/st/fill"
check "room again: profile q saved" quiet rpc df profile.set '{"name": "q", "vlans": [20]}'
check "the state file now holds q" grep -q '"q"' "$STATE"
check "forwarding still on" grows
fex_stop df
check_eq "fexpath exit status" 0 $?

fex_start df2 "${EAL[@]}" -- "${ARGS[@]}" || { fex_done; exit 1; }
check_eq "restart: profiles restored" "p q" \
	"$(rpc df2 profile.list | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)))')"
check_eq "restart: VIF 1 restored, associated" associated "$(vif_counter df2 1 state)"
fex_stop df2
check_eq "fexpath exit status after restart" 0 $?
fex_done
