#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost-user faults with a real guest driver: dpdk-testpmd with a
# net_virtio_user port in server mode plays the VM, fexpath is the vhost
# client (SPEC §4).
#   1. the guest dies (kill -9) and comes back: traffic resumes on its VIF,
#      another VIF forwards all along;
#   2. fexpath is killed (kill -9) under the running guest and restarted
#      with its state file: the VIF and its port are restored, the guest's
#      link comes back and traffic resumes; the guest is never restarted.
. "$(dirname "$0")/../lib/fex-lib.sh"
need_testpmd_guest
fex_tmpdir

UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
SOCK=$T/vm1.sock
STATE=$T/state.json
GP=fexvm$$
on_exit "rm -rf /var/run/dpdk/$GP /dev/hugepages/${GP}map_*"
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1 --svif 7 --vlan 10 --count 64 >/dev/null

guest_pid=
# The guest echoes what the fabric sends it (io forwarding on its one
# port), so frames flow both ways: a txonly guest never takes a frame,
# and "delivers to the guest" was only ever seen through a transient
# count (tx counted before the send, taken back after).
guest_start() {
	dpdk-testpmd --lcores '0@1,1@1' -m 256 --single-file-segments --no-pci --file-prefix $GP \
		--log-level=lib.eal:error \
		--vdev "net_virtio_user0,path=$SOCK,server=1,queues=1,queue_size=256" -- \
		--forward-mode=io --port-topology=loop --stats-period 1 --nb-cores=1 \
		>>"$T/guest.log" 2>&1 &
	guest_pid=$!
	fex_pids+=("$guest_pid")
	wait_until 20 test -S "$SOCK"
}
guest_alive() { kill -0 "$guest_pid" 2>/dev/null; }

cnt() { vif_counter "$1" "$2" "$3"; }
grows() {	# grows NAME VIF COUNTER SECONDS
	local a
	a=$(cnt "$1" "$2" "$3") || a=0
	wait_until "$4" bash -c "[ \$(\"$FEXCTL\" --socket $T/$1.sock --json call vif.stats '{\"vif\": $2}' 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[\"$3\"])') -gt $a ]"
}
resumes() { grows "$1" 1 rx_packets 30 && grows "$1" 1 tx_packets 10; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
FEX_EAL=(--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error)
FEX_ARGS=(--uplink "pcap:rx=$T/down.pcap,infinite" --tag vntag --state "$STATE")

check "guest (testpmd, virtio-user server) up" guest_start
fex_start a "${FEX_EAL[@]}" -- "${FEX_ARGS[@]}" || { fex_done; exit 1; }
rpc a profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
check "VIF 1 associated on vhost:$SOCK" bash -c "\"$FEXCTL\" --socket $T/a.sock --json call vif.associate \
	'{\"vif\": 1, \"port\": \"vhost:$SOCK\", \"mac\": \"02:00:00:00:00:01\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}' >/dev/null"
check "VIF 2 associated on a generating null port" bash -c "\"$FEXCTL\" --socket $T/a.sock --json call vif.associate \
	'{\"vif\": 2, \"port\": \"null:rx\", \"mac\": \"02:00:00:00:00:02\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}' >/dev/null"
check "guest -> fabric: VIF 1 takes the guest's frames" grows a 1 rx_packets 20
check "fabric -> guest: VIF 1 delivers to the guest" grows a 1 tx_packets 10

# 1. The guest dies and comes back.
check "the guest ran until now" guest_alive
kill -KILL "$guest_pid"
wait "$guest_pid" 2>/dev/null
# A killed guest leaves its socket file; the VM manager removes it before
# starting the VM again (bind() would fail: address in use).
rm -rf "/var/run/dpdk/$GP" "$SOCK"
check "guest gone: VIF 2 keeps forwarding" grows a 2 rx_packets 5
check "guest gone: its vNIC link is down" wait_until 10 bash -c \
	"\"$FEXCTL\" --socket $T/a.sock --json call port.list | python3 -c '
import json, sys
sys.exit(0 if any(p[\"link\"] == \"down\" for p in json.load(sys.stdin) if p.get(\"vif\") == 1) else 1)'"
t0=$(date +%s%N)
check "guest restarted" guest_start
check "guest back: traffic resumes on VIF 1 (both ways)" resumes a
echo "# guest restart -> VIF 1 forwarding again in $(ms_since $t0) ms"
check "VIF 2 forwarded all along" grows a 2 rx_packets 5
check_eq "VIF 1 still associated" associated "$(cnt a 1 state)"

# 2. fexpath dies under the running guest and is restarted from its state.
guest_before=$guest_pid
kill -KILL "$FEX_PID_a"
wait "$FEX_PID_a" 2>/dev/null
rm -f "$T/a.sock"
check "the guest outlives fexpath" guest_alive
t0=$(date +%s%N)
fex_start b "${FEX_EAL[@]}" -- "${FEX_ARGS[@]}" --stats-json "$T/final.json" || { fex_done; exit 1; }
check_eq "restart: VIF 1 restored from the state file" associated "$(cnt b 1 state)"
check "restart: the guest's link is back, traffic resumes on VIF 1" resumes b
echo "# fexpath restart -> VIF 1 forwarding again in $(ms_since $t0) ms"
check "restart: VIF 2 (null port) forwards again" grows b 2 rx_packets 10
check "the guest was never restarted (same pid, alive)" \
	bash -c "[ $guest_pid = $guest_before ] && kill -0 $guest_pid"
fex_stop b
check_eq "fexpath exit status" 0 $?
kill -TERM "$guest_pid"
wait "$guest_pid" 2>/dev/null
fex_done
