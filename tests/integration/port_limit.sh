#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Running out of ethdev ports, and of what bounds vhost ports (SPEC §4):
# vif.associate answers
# insufficient-resources naming the limit, changes nothing, and works
# again once a port is freed.
. "$(dirname "$0")/../lib/fex-lib.sh"
fex_tmpdir
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
fex_start pl --no-huge -m 1024 --no-pci -l 0 --log-level=lib.eal:error -- \
	--uplink null --tag vntag --no-state || { fex_done; exit 1; }
rpc pl profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
assoc() {
	rpc pl vif.associate "{\"vif\": $1, \"port\": \"ring:pl$1\",
		\"mac\": \"02:00:00:00:01:$(printf %02x "$1")\", \"profile\": \"p\",
		\"instance_uuid\": \"$UUID\"}" 2>&1
}
v=1
while out=$(assoc $v); do
	v=$((v + 1))
	[ $v -le 200 ] || break
done
limit=$(python3 -c 'import re,sys; m = re.search(r"all (\d+) of this DPDK build", sys.argv[1]); print(m.group(1) if m else "?")' "$out")
echo "associate of VIF $v refused: $out"
check "the refusal came before VIF 200" test $v -lt 200
check_eq "every ethdev port was used (uplink + VIFs)" "$limit" $v
check "response insufficient-resources" grep -q '"response": *"insufficient-resources"' <<<"$out"
check "message names RTE_MAX_ETHPORTS" grep -q "RTE_MAX_ETHPORTS" <<<"$out"
check "the refused VIF is not in the table" bash -c "! \"$FEXCTL\" --socket $T/pl.sock --json call vif.list | grep -q '\"vif\": *$v[,}]'"
check_eq "vif.list has the others" $((v - 1)) "$(rpc pl vif.list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
rpc pl vif.disassociate '{"vif": 1}' >/dev/null
check "after a port is freed, the same associate works" assoc $v
check "fexpath stops cleanly" fex_stop pl

# vhost ports are not ethdevs: past the 32 ethdevs they still open, and
# what does bound them here, file descriptors (a guest holds about 8),
# answers insufficient-resources with that reason (the limit lowered to
# 400 on the running fexpath, which raised its own to the hard limit).
fex_start vl --no-huge -m 1024 --no-pci -l 0 --log-level=lib.eal:error -- \
	--uplink null --tag vntag --no-state || { fex_done; exit 1; }
check "open-file limit of fexpath lowered to 400" prlimit --pid "$(fex_pid vl)" --nofile=400:400
rpc vl profile.set '{"name": "p", "vlans": [10], "native_vlan": 10, "max_ports": 4096}' >/dev/null
vassoc() {
	rpc vl vif.associate "{\"vif\": $1, \"port\": \"vhost:$T/vh$1.sock\",
		\"mac\": \"02:00:00:00:02:$(printf %02x "$1")\", \"profile\": \"p\",
		\"instance_uuid\": \"$UUID\"}" 2>&1
}
v=1
while out=$(vassoc $v); do
	v=$((v + 1))
	[ $v -le 200 ] || break
done
echo "vhost associate of VIF $v refused: $out"
check "more vhost VIFs than ethdevs before the refusal" test $v -gt 32
check "refused before VIF 200" test $v -lt 200
check "response insufficient-resources" grep -q '"response": *"insufficient-resources"' <<<"$out"
check "message says file descriptors" grep -q "out of file descriptors" <<<"$out"
rpc vl vif.disassociate '{"vif": 1}' >/dev/null
check "after a vhost port is freed, the same associate works" vassoc $v
check "fexpath stops cleanly" fex_stop vl
fex_done
