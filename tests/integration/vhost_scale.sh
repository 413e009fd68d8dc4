#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# 256 vhost-user vNICs on one fexpath (SPEC §4): they are not ethdevs, so
# RTE_MAX_ETHPORTS (32) does not bound them. The guests are dpdk-testpmd
# processes with 32 net_virtio_user server ports each (32 being that
# process's own limit), echoing what they get (macswap on the same port).
# The fabric side is a pcap replayed forever with a frame for every VIF;
# each VIF must carry traffic both ways, and the figures are printed.
#   FEX_SCALE_VNICS=N (a multiple of 32, default 256) to try another count.
. "$(dirname "$0")/../lib/fex-lib.sh"
command -v dpdk-testpmd >/dev/null || skip_all "dpdk-testpmd missing (package dpdk)"
[ "$(nproc)" -ge 2 ] || skip_all "needs 2 cores (fexpath and the guests busy-poll)"
N=${FEX_SCALE_VNICS:-256}
PER=32
NP=$((N / PER))
GUEST_MB=64
need=$((NP * GUEST_MB / 2 + 16))
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
if [ "${free:-0}" -lt "$need" ] && [ -w "$hp" ]; then
	# the guests' memory: raise the pool for this test, give it back after
	old=$(cat "$hp")
	echo $((old + need - free)) >"$hp"
	on_exit "echo $old > $hp"
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
fi
[ "${free:-0}" -ge "$need" ] || skip_all "needs $need free 2 MiB hugepages for $NP guests (have ${free:-0})"
fex_tmpdir

UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
mac_of() { printf '02:00:00:00:%02x:%02x' $((($1 - 1) / 256 + 1)) $((($1 - 1) % 256)); }
# frame i goes to VIF i+1, whose MAC is mac_of(i+1)
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif "1-$N" \
	--dst-mac 02:00:00:00:01:00 --dst-mac-step 1 --vlan 10 --count "$N" >/dev/null

fex_start s --no-huge -m 2048 --no-pci -l 0 --log-level=lib.eal:error -- \
	--uplink "pcap:rx=$T/down.pcap,infinite" --tag vntag --no-state --mbufs 65535 \
	--stats-json "$T/stats.json" || { fex_done; exit 1; }
rpc s profile.set "{\"name\": \"p\", \"vlans\": [10], \"native_vlan\": 10, \"max_ports\": $N}" >/dev/null

guest_pids=()
guest_start() {	# guest_start P: VIFs P*32+1 .. P*32+32
	local p=$1 k v vdevs=()
	for k in $(seq 0 $((PER - 1))); do
		v=$((p * PER + k + 1))
		vdevs+=(--vdev "net_virtio_user$k,path=$T/vm$v.sock,server=1,queues=1,queue_size=64,mac=$(mac_of $v)")
	done
	on_exit "rm -rf /var/run/dpdk/fexsc$$g$p /dev/hugepages/fexsc$$g${p}map_*"
	dpdk-testpmd --lcores '0@1,1@1' -m $GUEST_MB --single-file-segments --no-pci \
		--file-prefix "fexsc$$g$p" --log-level=lib.eal:error "${vdevs[@]}" -- \
		--forward-mode=macswap --port-topology=loop --nb-cores=1 --rxd=64 --txd=64 \
		--total-num-mbufs=8192 --stats-period 30 >"$T/guest$p.log" 2>&1 &
	guest_pids+=($!)
	fex_pids+=($!)
}
# A net_virtio_user server port waits at probe for its client: a guest
# makes its sockets one by one, each once fexpath connected to the one
# before. So each VIF is associated as its socket appears.
associate() {	# associate VIF
	local v=$1 out
	wait_until 30 test -S "$T/vm$v.sock" || { echo "VIF $v: no socket $T/vm$v.sock"; return 1; }
	out=$(rpc s vif.associate "{\"vif\": $v, \"port\": \"vhost:$T/vm$v.sock\",
		\"mac\": \"$(mac_of $v)\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" 2>&1) ||
		{ echo "VIF $v refused: $out"; return 1; }
}

t0=$(date +%s%N)
refused=0
for p in $(seq 0 $((NP - 1))); do
	guest_start "$p"
	for k in $(seq 1 $PER); do
		associate $((p * PER + k)) || refused=$((refused + 1))
	done
done
t1=$(date +%s%N)
echo "associated $((N - refused)) vhost VIFs in $(((t1 - t0) / 1000000)) ms ($NP guests started as we went)"
check_eq "every associate accepted" 0 "$refused"

# every VIF: delivered to its guest (tx) and echoed back (rx)
both_ways() {
	rpc s vif.stats | python3 -c '
import json, sys
v = json.load(sys.stdin)
n = sum(1 for x in v if x["tx_packets"] > 0 and x["rx_packets"] > 0)
print(n)
sys.exit(0 if n >= int(sys.argv[1]) else 1)' "$N" >"$T/both"
}
check "all $N VIFs carry traffic both ways" wait_until 120 both_ways
echo "VIFs with traffic both ways: $(cat "$T/both") of $N"

links_up() {
	rpc s port.list | python3 -c '
import json, sys
p = json.load(sys.stdin)
print(sum(1 for x in p if x.get("kind") == "vhost" and x.get("link") == "up"))' 
}
check_eq "port.list: $N vhost ports, link up" "$N" "$(links_up)"

# figures over 5 s: what the fabric sent the guests, what they echoed
snap() { rpc s stats; }
a=$(snap)
t_a=$(date +%s%N)
sleep 5	# a measurement window (the rates below), not a wait for anything
b=$(snap)
t_b=$(date +%s%N)
python3 - "$a" "$b" $(((t_b - t_a) / 1000)) "$N" <<'EOF'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
us, n = int(sys.argv[3]), int(sys.argv[4])
up_a, up_b = a["uplinks"][0], b["uplinks"][0]
rx = up_b["rx_packets"] - up_a["rx_packets"]
tx = up_b["tx_packets"] - up_a["tx_packets"]
print(f"{n} vNICs over {us/1e6:.1f} s: fabric->guests {rx/us:.3f} Mpps taken from the uplink, "
      f"guests->fabric {tx/us:.3f} Mpps sent on the uplink")
EOF

# the data path keeps every frame it takes accounted: nothing leaks at stop
for p in "${guest_pids[@]}"; do
	kill -TERM "$p" 2>/dev/null
done
check "fexpath stops cleanly" fex_stop s
fex_done
