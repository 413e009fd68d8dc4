#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bad input on vhost-user vNICs (issue 15): each is a clear error or a
# counted drop, the other VIFs keep forwarding, no mbuf leaks (the audit
# at exit stays 0).
#   1. a socket path that is not a socket: refused, saying so;
#   2. a front-end that answers the handshake with garbage and wrong sizes
#      (vhost_garbage_peer.py stands in for QEMU): fexpath survives every
#      case, the vNIC stays down;
#   3. a guest (dpdk-testpmd, virtio-user) sending 10 000-byte frames
#      (over the 9000 MTU) and never reading its ring: drop_oversize and
#      drop_tx_full count them;
#   4. that guest vanishes mid-burst (kill -9).
. "$(dirname "$0")/../lib/fex-lib.sh"
need_testpmd_guest
fex_tmpdir

UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1 --vlan 10 \
	--dst-mac 02:00:00:00:00:01 --count 64 >/dev/null
fex_start a --no-huge -m 1024 --no-pci -l 0 --log-level=lib.eal:error -- \
	--uplink "pcap:rx=$T/down.pcap,infinite" --uplink-mtu 9000 --tag vntag \
	--no-state --stats-json "$T/final.json" || { fex_done; exit 1; }
rpc a profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
assoc() {	# assoc VIF SPEC
	rpc a vif.associate "{\"vif\": $1, \"port\": \"$2\", \"mac\": \"02:00:00:00:00:0$1\",
		\"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" 2>&1
}
cnt() { vif_counter a "$1" "$2"; }
grows() {	# grows VIF COUNTER SECONDS
	local b
	b=$(cnt "$1" "$2") || b=0
	wait_until "$3" bash -c "[ \$(\"$FEXCTL\" --socket $T/a.sock --json call vif.stats '{\"vif\": $1}' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[\"$2\"])') -gt $b ]"
}
alive() { kill -0 "$(fex_pid a)" 2>/dev/null; }
check "VIF 2 on a generating null port" assoc 2 null:rx
check "VIF 2 forwards" grows 2 rx_packets 10

# 1. not a socket
echo "not a socket" >"$T/file"
out=$(assoc 3 "vhost:$T/file")
echo "$out" | tail -3
check "vhost:FILE refused" bash -c "! grep -q '\"response\": *\"success\"' <<<'$out'"
check "the error says it is not a socket" grep -q "is not a socket" <<<"$out"
out=$(assoc 3 "vhost-server:$T/file")
check "vhost-server:FILE refused, saying so" grep -q "is not a socket" <<<"$out"
check "the file is left as it was" grep -q "not a socket" "$T/file"

# 2. a lying front-end, one case per connection (the client reconnects)
python3 "$(dirname "$0")/vhost_garbage_peer.py" "$T/bad.sock" >"$T/peer.log" 2>&1 &
peer=$!
fex_pids+=("$peer")
wait_until 10 test -S "$T/bad.sock"
check "VIF 4 associated on the lying front-end's socket" assoc 4 "vhost:$T/bad.sock"
check "every garbage case played (the peer is done)" wait_until 120 bash -c "! kill -0 $peer 2>/dev/null"
wait "$peer"
check_eq "the peer exited cleanly" 0 $?
cat "$T/peer.log"
check_eq "garbage cases fexpath answered" 9 "$(grep -c '^case ' "$T/peer.log")"
check "fexpath survived every case" alive
check_eq "VIF 4's vNIC never came up" down "$(rpc a port.list | python3 -c '
import json, sys
print(next(p["link"] for p in json.load(sys.stdin) if p["spec"].endswith("bad.sock")))')"
check "VIF 2 kept forwarding" grows 2 rx_packets 10
rpc a vif.disassociate '{"vif": 4}' >/dev/null

# 3. a guest sending 10 000-byte frames and never reading what it gets
GP=fexbad$$
on_exit "rm -rf /var/run/dpdk/$GP /dev/hugepages/${GP}map_*"
dpdk-testpmd --lcores '0@1,1@1' -m 256 --single-file-segments --no-pci --file-prefix $GP \
	--log-level=lib.eal:error \
	--vdev "net_virtio_user0,path=$T/vm1.sock,server=1,queues=1,queue_size=256,mac=02:00:00:00:00:01" -- \
	--forward-mode=txonly --txpkts=2000,2000,2000,2000,2000 --stats-period 1 --nb-cores=1 \
	>"$T/guest.log" 2>&1 &
guest=$!
fex_pids+=("$guest")
wait_until 20 test -S "$T/vm1.sock"
check "VIF 1 associated on the guest" assoc 1 "vhost:$T/vm1.sock"
check "10 000-byte frames counted drop_oversize" grows 1 drop_oversize 20
check "a ring the guest never reads: drop_tx_full counts" grows 1 drop_tx_full 20
# one snapshot: every frame it sent is an oversize drop (rx is counted at
# the start of a burst, the drop at its end: at most a burst apart)
v1=$(rpc a vif.stats '{"vif": 1}')
rx=$(json_get rx_packets <<<"$v1")
ov=$(json_get drop_oversize <<<"$v1")
echo "VIF 1: rx_packets $rx, drop_oversize $ov"
check "every frame of the guest dropped as oversize" \
	test "$rx" -gt 0 -a $((rx - ov)) -ge 0 -a $((rx - ov)) -le 64
check "VIF 2 kept forwarding" grows 2 rx_packets 10

# 4. the guest vanishes mid-burst
kill -KILL "$guest"
wait "$guest" 2>/dev/null
check "fexpath survived the guest's death" alive
check "its vNIC goes down" wait_until 10 bash -c "[ \"\$(\"$FEXCTL\" --socket $T/a.sock --json call port.list |
	python3 -c 'import json,sys; print(next(p[\"link\"] for p in json.load(sys.stdin) if p[\"spec\"].endswith(\"vm1.sock\")))')\" = down ]"
check "VIF 2 kept forwarding" grows 2 rx_packets 10
fex_stop a
check_eq "fexpath exit status" 0 $?
fex_done
