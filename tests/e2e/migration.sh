#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Live migration of a real guest between two hosts (SPEC.md sections 2 and
# 8): two fexpath instances, "host A" and "host B", each with its own EAL
# file prefix, control socket, state file and uplink; both uplinks cabled
# to one fex-fabric with two host ports (a fabric interconnect, one port per
# host).
#
#   vm1 (QEMU, TCG) -- vhost: -- fexpath A -- mi-upA ==== mi-fabA --+
#                                                                   fex-fabric
#   peer (netns) -- af_packet -- fexpath B -- mi-upB ==== mi-fabB --+
#   vm1' (QEMU -incoming) -- vhost: --+
#
# vm1 (VIF 1, tools/guest) pings the peer (VIF 2, a network namespace
# behind host B: a second TCG guest would share the one guest core with
# both of vm1's QEMUs) every 100 ms while it is migrated with QEMU's own
# migration from A to B and back to A, each time in the order libvirt
# drives it (SPEC section 8):
#   1. the destination QEMU starts with the same guest config and
#      -incoming tcp:127.0.0.1:PORT; the destination host preassociates
#      VIF 1 on its socket (same id, MAC, instance UUID, profile): fexpath
#      connects, so QEMU goes on to listen for the migration;
#   2. `migrate` on the source's QMP monitor, query-migrate polled until
#      completed;
#   3. on the destination QEMU's RESUME event (QMP) the destination host
#      associates VIF 1;
#   4. the source QEMU quits: the source host disassociates VIF 1.
# Checked: while preassociated the destination delivers nothing to the
# VIF (a flood from the peer, 3 frames sent down its cable for VIF 1:
# drop_inactive) and takes nothing from it, and the fabric has not moved
# VIF 1; after the move the ping goes on via the destination (the fabric
# moved VIF 1 to its host port), VIF 1 is the same VIF (MAC, UUID) there
# and is gone from the source, its port closed. Printed: frames lost (the
# guest's ping) and the downtime of each move (last reply the fabric sent
# down to the old host, first to the new one, on a capture of both
# uplinks), with QEMU's own figures.
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces, veths, QEMU)"
for tool in ip ethtool tshark dumpcap ping; do
	command -v "$tool" >/dev/null || skip_all "$tool missing; run tools/fex-setup.sh"
done
# shellcheck source=../lib/fex-guest.sh
. "$FEX_SRC/tests/lib/fex-guest.sh"
DEMO_P=mi-
# shellcheck source=../../tools/fex-demo.sh
. "$FEX_SRC/tools/fex-demo.sh"	# demo_must, demo_cable, no_ipv6
guest_requirements
need_hugepages 128
need_cores "the DPDK processes on one, the guests on the other"
fex_tmpdir

P=mi-
NS=${P}peer PEER_IF=${P}peerh
VM_IP=10.0.10.1 PEER_IP=10.0.10.2
VM_MAC=02:fe:00:00:02:01 PEER_MAC=02:fe:00:00:02:02
VM_UUID=7c1e5a90-3b2d-4f6e-8a1c-0d9e8f7a6b01
PEER_UUID=7c1e5a90-3b2d-4f6e-8a1c-0d9e8f7a6b02
SRC_SOCK=$T/A-vm1-1.vhost
# vm1's QEMUs in fex-guest.sh's numbering (files $T/gN.*): 1 on host A
# (booted there), 2 on B (the first migration's destination), 3 on A
# again (the second's).
# The three DPDK processes share core 0 and sleep when idle; the guests
# (TCG) have core 1.
DPDK_CORE=0
IDLE=(--idle-sleep-us 100)
[ -e "/run/netns/$NS" ] && skip_all "network namespace $NS exists (a test still running, or left over)"
for n in ${P}upA ${P}upB $PEER_IF; do
	ip link show "$n" >/dev/null 2>&1 && skip_all "interface $n exists (a test still running, or left over)"
done

must() {	# must "what" cmd...: a check the rest depends on
	demo_must "$@" || { fex_done; exit 1; }
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

cable() {	# cable HOST: the uplink veth of host A or B
	demo_cable "${P}up$1" "${P}fab$1"
}

peer_up() {	# the peer: a namespace with eth0, its host end for fexpath B
	ip netns add "$NS" || return 1
	on_exit "ip netns del '$NS'"
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link add "$PEER_IF" mtu 1500 type veth peer name eth0 netns "$NS" || return 1
	on_exit "ip link del '$PEER_IF'"
	no_ipv6 "$PEER_IF"
	ip link set "$PEER_IF" up
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" ip link set eth0 address "$PEER_MAC" up
	# af_packet hands frames over as they are: no partial checksums
	ip netns exec "$NS" ethtool -K eth0 tx off >/dev/null
	ip netns exec "$NS" ip addr add "$PEER_IP/24" dev eth0
}

FAB_LOG=$T/fabric.log
fabric_start() { fanout_retry "$FAB_LOG" fabric_start_once; }
fabric_ready_or_gone() {
	grep -q "^fex-fabric: ready" "$FAB_LOG" || ! kill -0 "$FAB_PID" 2>/dev/null
}
fabric_start_once() {
	"$FABRIC" -l $DPDK_CORE --no-pci --file-prefix "fex$$fab" --no-huge -m 256 \
		--log-level=lib.eal:error --vdev "net_af_packet0,iface=${P}fabA" \
		--vdev "net_af_packet1,iface=${P}fabB" -- --port net_af_packet0 \
		--port net_af_packet1 --tag vntag "${IDLE[@]}" >"$FAB_LOG" 2>&1 &
	FAB_PID=$!
	fex_pids+=("$FAB_PID")
	on_exit "rm -rf /var/run/dpdk/fex$$fab"
	wait_until 30 fabric_ready_or_gone
	if ! grep -q "^fex-fabric: ready" "$FAB_LOG" || ! kill -0 "$FAB_PID" 2>/dev/null; then
		cat "$FAB_LOG"
		return 1
	fi
	grep "^fex-fabric: ready" "$FAB_LOG"
}

# DPDK 22.11's af_packet PMD names its PACKET_FANOUT group (pid ^ ifindex)
# & 0xffff, and groups are per network namespace: two processes started
# one after the other on two veths of a pair can draw the same group and
# the second is refused (EINVAL). Another pid draws another group.
fanout_retry() {	# fanout_retry LOG CMD...: CMD again (3 tries) on that refusal
	local log=$1 i
	shift
	for i in 1 2 3; do
		"$@" && return 0
		grep -q "could not set PACKET_FANOUT" "$log" || return 1
		echo "(af_packet PACKET_FANOUT group taken by another process's socket: starting again)"
	done
	return 1
}

host_start() {	# host_start A|B: fexpath "host A" / "host B"
	fanout_retry "$T/fp$1.log" host_start_once "$1"
}
host_start_once() {
	fex_start "fp$1" -l $DPDK_CORE --no-pci -m 128 --huge-unlink --log-level=lib.eal:error -- \
		--config "$FEX_SRC/config/fexpath.ini" --uplink "af_packet:${P}up$1" \
		--uplink-mtu 9000 --tag vntag --state "$T/state-$1.json" "${IDLE[@]}" || return 1
	rpc "fp$1" profile.set '{"name": "vm", "vlans": [10], "native_vlan": 10}' >/dev/null &&
		rpc "fp$1" viflist.set '{"id": 10, "vifs": [1, 2]}' >/dev/null
}

vif_params() {	# vif_params VIF PORT MAC UUID: vif.associate / preassociate params
	echo "{\"vif\": $1, \"port\": \"$2\", \"mac\": \"$3\", \"profile\": \"vm\", \"instance_uuid\": \"$4\"}"
}
vif_field() {	# vif_field HOST VIF FIELD: from vif.list
	rpc "fp$1" vif.list | python3 -c '
import json, sys
r = json.load(sys.stdin)
vifs = r["vifs"] if isinstance(r, dict) else r
for v in vifs:
    if v["vif"] == int(sys.argv[1]):
        print(v.get(sys.argv[2], ""))
        sys.exit(0)
print("absent")' "$2" "$3"
}
qmp_get() {	# qmp_get N CMD KEY...: one field of a QMP command's return
	guest_qmp "$1" "{\"execute\": \"$2\"}" | python3 -c '
import json, sys
v = json.load(sys.stdin)["return"]
for k in sys.argv[1:]:
    v = v.get(k, "") if isinstance(v, dict) else ""
print(v)' "${@:3}"
}
status_is() { [ "$(qmp_get "$1" query-status status 2>/dev/null)" = "$2" ]; }
ping5() {	# ping5 N: guest N's vm1 pings the peer 5 times, all answered
	guest_exec "$1" "ping -c 5 -i 0.2 -W 1 $PEER_IP" | grep -q " 5 packets received"
}
replies() { guest_exec "$1" "grep -c 'bytes from' /tmp/ping.log" 2>/dev/null || echo 0; }
replies_above() { [ "$(replies "$1")" -gt "$2" ]; }
fabric_moved() { grep -q "^fex-fabric: vif 1 moved from port 0 to port 1$" "$FAB_LOG"; }

echo "=== Setup: guest image, two hosts (fexpath A, B) cabled to one fex-fabric, a peer behind B ==="
must "guest image (Debian packages only) in $GUEST_IMAGE" guest_image
must "uplink cable host A: ${P}upA <-> ${P}fabA" cable A
must "uplink cable host B: ${P}upB <-> ${P}fabB" cable B
must "peer namespace $NS ($PEER_IP) on $PEER_IF" peer_up
must "fex-fabric with two host ports (port 0: host A, port 1: host B)" fabric_start
must "fexpath host A (core $DPDK_CORE)" host_start A
must "fexpath host B (core $DPDK_CORE)" host_start B
must "host B: VIF 2 (the peer) associated on af_packet:$PEER_IF" \
	rpc fpB vif.associate "$(vif_params 2 "af_packet:$PEER_IF" $PEER_MAC $PEER_UUID)" >/dev/null
must "QEMU for vm1 on host A listening on $SRC_SOCK" \
	guest_start 1 "$SRC_SOCK" $VM_MAC "$VM_IP/24" server
must "host A: VIF 1 (vm1) associated on vhost:$SRC_SOCK" \
	rpc fpA vif.associate "$(vif_params 1 "vhost:$SRC_SOCK" $VM_MAC $VM_UUID)" >/dev/null
must "vm1 booted on host A" guest_wait_ready 1 120
must "vm1 reaches the peer through A, the fabric and B" \
	wait_until 30 guest_exec 1 "ping -c 1 -W 1 $PEER_IP"

# Frames the fabric sends down to either host, as fexpath receives them
# (a sender's own af_packet end shows nothing: qdisc bypass).
CAP=$T/uplinks.pcapng
dumpcap -q -i ${P}upA -i ${P}upB -s 128 -w "$CAP" >"$T/dumpcap.log" 2>&1 &
cap_pid=$!
fex_pids+=("$cap_pid")
must "uplinks A and B captured" wait_until 20 grep -q "Capturing on" "$T/dumpcap.log"
must "vm1 pings the peer every 100 ms in the background" \
	guest_exec 1 "ping -i 0.1 $PEER_IP >/tmp/ping.log 2>&1 & echo \$! >/tmp/ping.pid"
must "background ping answered via host A" wait_until 20 replies_above 1 5

hp_of() { [ "$1" = A ] && echo 0 || echo 1; }	# host -> fabric host port

# The watcher that plays libvirt on the destination (RESUMED, detail
# MIGRATED: SPEC section 8): on the destination QEMU's RESUME event it
# reads the destination host's counters for VIF 1 (still preassociated)
# and whether the fabric has moved VIF 1 yet, then associates VIF 1 there.
on_resume_associate() {	# on_resume_associate QMP SOCK PARAMS PRE_JSON MOVED_LINE
	python3 - "$@" "$FEXCTL" "$FAB_LOG" <<'EOF_PY'
import json, socket, subprocess, sys, time
qmp, sock, params, pre, moved_line, fexctl, fablog = sys.argv[1:]
s = socket.socket(socket.AF_UNIX)
s.connect(qmp)
f = s.makefile("rw")
json.loads(f.readline())
f.write('{"execute": "qmp_capabilities"}\n')
f.flush()
print("watching", flush=True)
while True:
    line = f.readline()
    if not line:
        sys.exit("QMP closed before RESUME")
    if json.loads(line).get("event") == "RESUME":
        break
t0 = time.time()
with open(pre, "w") as out:
    subprocess.run([fexctl, "--socket", sock, "--json", "call", "vif.stats", '{"vif": 1}'],
                   stdout=out, check=True)
moved = moved_line in open(fablog).read()
subprocess.run([fexctl, "--socket", sock, "--json", "call", "vif.associate", params],
               stdout=subprocess.DEVNULL, check=True)
print("associated %d ms after RESUME, fabric_moved_before=%d" %
      ((time.time() - t0) * 1000, moved), flush=True)
EOF_PY
}

to_vif1() {	# to_vif1 HOST: 3 downstream frames for VIF 1 on HOST's uplink cable
	"$PCAPGEN" --out "$T/to-vif1.pcap" --tag vntag --dir down --dvif 1 --svif 2 \
		--vlan 10 --src-mac $PEER_MAC --dst-mac $VM_MAC --count 3 >/dev/null &&
	python3 - "$T/to-vif1.pcap" "${P}fab$1" <<'EOF_PY'
import socket, struct, sys
data = open(sys.argv[1], "rb").read()
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[2], 0))
off = 24                                      # pcap file header
while off < len(data):
    incl = struct.unpack_from("<I", data, off + 8)[0]
    s.send(data[off + 16:off + 16 + incl])
    off += 16 + incl
EOF_PY
}

MIG_FIGS=()
# migrate_vm SRC DST SG DG: vm1 from host SRC (guest SG's QEMU) to host
# DST (a new QEMU, guest DG), every step as libvirt would take it.
migrate_vm() {
	local src=$1 dst=$2 sg=$3 dg=$4 sock port t0 ms moved rc
	sock=$T/$dst-vm1-$dg.vhost
	moved="fex-fabric: vif 1 moved from port $(hp_of "$src") to port $(hp_of "$dst")"
	echo
	echo "=== Migration $src -> $dst, 1. destination: QEMU -incoming, VIF 1 preassociated on host $dst ==="
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	must "destination QEMU (same guest config, -incoming tcp:127.0.0.1:$port) listening on $sock" \
		guest_start "$dg" "$sock" $VM_MAC "$VM_IP/24" server "" "tcp:127.0.0.1:$port"
	must "host $dst: VIF 1 preassociated on vhost:$sock (same id, MAC, UUID, profile)" \
		rpc "fp$dst" vif.preassociate "$(vif_params 1 "vhost:$sock" $VM_MAC $VM_UUID)" >/dev/null
	check_eq "host $dst: VIF 1 state" preassociated "$(vif_field "$dst" 1 state)"
	check "destination QEMU waits for the migration once fexpath $dst connected (status inmigrate)" \
		wait_until 30 status_is "$dg" inmigrate
	# Host DST must forward nothing to or from a preassociated VIF: a
	# flood from the peer (a broadcast ping: VIF-list 10 is {1, 2} on
	# both hosts) reaches vm1 only through SRC, and 3 frames sent straight
	# down DST's uplink cable to VIF 1 are dropped there as drop_inactive
	# (fex-fabric's own socket on that cable sees them go by and refuses
	# them too: downstream frames, drop_bad_direction).
	local tx0 di0 rx0
	tx0=$(vif_counter "fp$dst" 1 tx_packets)
	di0=$(vif_counter "fp$dst" 1 drop_inactive)
	rx0=$(vif_counter "fp$dst" 1 rx_packets)
	ip netns exec "$NS" ping -b -c 3 -i 0.2 -W 1 10.0.10.255 >/dev/null 2>&1
	must "3 frames for VIF 1 sent down host $dst's uplink cable" to_vif1 "$dst"
	inactive3() { [ "$(vif_counter "fp$dst" 1 drop_inactive)" = $((di0 + 3)) ]; }
	check "host $dst: the 3 frames for preassociated VIF 1 dropped (drop_inactive +3)" \
		wait_until 10 inactive3
	check_eq "host $dst delivered nothing to preassociated VIF 1 (tx_packets +0)" 0 \
		$(($(vif_counter "fp$dst" 1 tx_packets) - tx0))

	echo "=== Migration $src -> $dst, 2. migrate on the source's monitor; RESUME associates VIF 1 on $dst ==="
	on_resume_associate "$T/g$dg.qmp" "$T/fp$dst.sock" \
		"$(vif_params 1 "vhost:$sock" $VM_MAC $VM_UUID)" "$T/pre$dg.json" "$moved" \
		>"$T/resume$dg.log" 2>&1 &
	local resume_pid=$!
	fex_pids+=("$resume_pid")
	must "watcher on the destination's QMP for RESUME" wait_until 20 grep -q watching "$T/resume$dg.log"
	t0=$(date +%s%N)
	must "migrate tcp:127.0.0.1:$port (QMP)" \
		guest_qmp "$sg" "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:127.0.0.1:$port\"}}" >/dev/null
	mig_done() { case "$(qmp_get "$sg" query-migrate status)" in completed|failed|cancelled) return 0 ;; esac; return 1; }
	wait_until 120 mig_done
	check_eq "migration status (query-migrate)" completed "$(qmp_get "$sg" query-migrate status)"
	ms=$(ms_since "$t0")
	guest_qmp "$sg" '{"execute": "query-migrate"}' >"$T/migrate$dg.json"
	local q_total q_down q_mb
	read -r q_total q_down q_mb < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["return"]
print(r.get("total-time", "?"), r.get("downtime", "?"), r.get("ram", {}).get("transferred", 0) // 1048576)' "$T/migrate$dg.json")
	echo "# migration $src -> $dst: $ms ms by the test's clock; QEMU: total-time $q_total ms, downtime $q_down ms, $q_mb MiB sent"

	echo "=== Migration $src -> $dst, 3. destination runs: VIF 1 associated on host $dst ==="
	check "destination QEMU running (query-status)" wait_until 30 status_is "$dg" running
	wait "$resume_pid"
	rc=$?
	cat "$T/resume$dg.log"
	check_eq "watcher: VIF 1 associated on host $dst on the destination's RESUME event" 0 $rc
	pre() { json_get "$1" <"$T/pre$dg.json"; }
	# The destination's guest only runs from RESUME on: what host DST took
	# from it before the associate (a few ms) is dropped as drop_inactive.
	check_eq "until associated, host $dst sent vm1 nothing (tx_packets +0)" 0 $(($(pre tx_packets) - tx0))
	check_eq "until associated, every frame host $dst took from vm1 was dropped (drop_inactive = rx_packets)" \
		$(($(pre rx_packets) - rx0)) $(($(pre drop_inactive) - di0 - 3))
	echo "# host $dst, VIF 1 preassociated: rx_packets +$(($(pre rx_packets) - rx0)), drop_inactive +$(($(pre drop_inactive) - di0)), tx_packets +$(($(pre tx_packets) - tx0))"
	check "until associated, the fabric did not move VIF 1" grep -q "fabric_moved_before=0" "$T/resume$dg.log"
	check_eq "host $dst: VIF 1 state" associated "$(vif_field "$dst" 1 state)"
	moved_now() { grep -qx "$moved" "$FAB_LOG"; }
	check "the fabric moved VIF 1: '$moved'" wait_until 20 moved_now

	echo "=== Migration $src -> $dst, 4. source QEMU stops: VIF 1 disassociated on host $src ==="
	check_eq "source QEMU after the migration (query-status)" postmigrate "$(qmp_get "$sg" query-status status)"
	local gpid
	gpid=$(guest_pid "$sg")
	guest_qmp "$sg" '{"execute": "quit"}' >/dev/null
	check "source QEMU exited" wait_until 30 bash -c "! kill -0 $gpid 2>/dev/null"
	guest_stop "$sg"
	check "host $src: VIF 1 disassociated" rpc "fp$src" vif.disassociate '{"vif": 1}' >/dev/null
	check_eq "host $src: VIF 1 gone" absent "$(vif_field "$src" 1 state)"
	check_eq "host $src: its vhost port closed (ports left: uplink$([ "$src" = B ] && echo ", peer"))" \
		"$([ "$src" = B ] && echo 2 || echo 1)" \
		"$(rpc "fp$src" port.list | python3 -c 'import json, sys; r = json.load(sys.stdin); print(len(r["ports"] if isinstance(r, dict) else r))')"
	check_eq "host $dst: VIF 1 associated" associated "$(vif_field "$dst" 1 state)"
	check_eq "host $dst: VIF 1 is vm1's (MAC)" $VM_MAC "$(vif_field "$dst" 1 mac)"
	check_eq "host $dst: VIF 1 is vm1's (instance UUID)" $VM_UUID "$(vif_field "$dst" 1 instance_uuid)"

	local r0 t1
	r0=$(replies "$dg")
	check "vm1's ping answered via host $dst (replies $r0 and counting)" wait_until 30 replies_above "$dg" $((r0 + 10))
	t1=$(vif_counter "fp$dst" 1 tx_packets)
	check "host $dst sends vm1 frames now (tx_packets $t1)" test "$t1" -gt "$tx0"
	check "vm1 -> peer: 5 of 5 via host $dst" ping5 "$dg"
	MIG_FIGS+=("$src->$dst: QEMU total ${q_total} ms, QEMU downtime ${q_down} ms, $(sed -n 's/^associated \([0-9]*\) ms.*/associated \1 ms after RESUME/p' "$T/resume$dg.log")")
}

migrate_vm A B 1 2
migrate_vm B A 2 3

echo
echo "=== The ping went on all along: A, then B, then A again ==="
guest_exec 3 "kill -INT \$(cat /tmp/ping.pid)" >/dev/null
wait_until 10 guest_exec 3 "grep -q 'packets transmitted' /tmp/ping.log"
guest_exec 3 "cat /tmp/ping.log" >"$T/ping.log"
kill -INT "$cap_pid" 2>/dev/null
wait "$cap_pid"
tail -n 2 "$T/ping.log"
read -r sent got < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p' "$T/ping.log")
missing=$(grep -o 'seq=[0-9]*' "$T/ping.log" | cut -d= -f2 | sort -n | awk -v n="${sent:-0}" '
	{ got[$1] = 1 } END { for (i = 0; i < n; i++) if (!(i in got)) printf "%d ", i }')
check "vm1's ping: most echoes answered ($got of $sent)" test "${got:-0}" -gt $((${sent:-0} / 2))
# The replies the fabric sent down to vm1, in time order, by host: the
# runs of one host and the silences where it changed host.
tshark -r "$CAP" -Y "icmp.type == 0 && ip.dst == $VM_IP" -T fields -E separator=/t \
	-e frame.time_epoch -e frame.interface_name -e vntag.dst 2>"$T/tshark.log" |
	sort -n >"$T/replies.txt"
read -r runs switches < <(awk -F'\t' -v p="$P" '
	{ h = substr($2, length(p) + 3) }
	h != last { if (last != "") sw = sw sprintf("%s->%s:%d ", last, h, ($1 - t) * 1000 + 0.5)
		    runs = runs h; last = h }
	{ t = $1 }
	END { printf "%s %s\n", runs, sw }' "$T/replies.txt")
check_eq "replies to vm1 came down to host A, then B, then A (runs of replies by host)" ABA "$runs"
check_eq "replies to vm1 tagged for VIF 1 (VN-Tag dvif) on both hosts" 1 \
	"$(cut -f3 "$T/replies.txt" | sort -u | tr '\n' ' ' | xargs)"
bcast() {	# bcast IFACE: the peer's broadcast pings the fabric sent down IFACE
	tshark -r "$CAP" -Y "icmp.type == 8 && ip.dst == 10.0.10.255 && frame.interface_name == \"$1\"" \
		-T fields -e frame.number 2>/dev/null | wc -l
}
check "the peer's broadcast pings (3 per migration) flooded to host A ($(bcast ${P}upA)) and host B ($(bcast ${P}upB))" \
	test "$(bcast ${P}upA)" -ge 6 -a "$(bcast ${P}upB)" -ge 6
for h in A B; do
	for c in drop_malformed drop_direction; do
		check_eq "host $h: uplink $c" 0 "$(uplink_counter fp$h $c)"
	done
done

for h in A B; do
	fex_stop "fp$h"
	check_eq "fexpath host $h exit status" 0 $?
done
guest_stop 3
kill -TERM "$FAB_PID"
wait "$FAB_PID"
check_eq "fex-fabric exit status" 0 $?
grep "stats final" "$FAB_LOG"
fab_counter() { grep '^fex-fabric: stats final' "$FAB_LOG" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
check_eq "fex-fabric: VIF 1 moved twice (vif_moved)" 2 "$(fab_counter vif_moved)"
check_eq "fex-fabric: refused the 6 downstream frames injected on the cables (drop_bad_direction)" 6 \
	"$(fab_counter drop_bad_direction)"
check_eq "fex-fabric: no other drop" "" "$(grep '^fex-fabric: stats final' "$FAB_LOG" | tr ' ' '\n' |
	grep '^drop_' | grep -v -e '=0$' -e '^drop_bad_direction=' | tr '\n' ' ')"
echo
echo "# summary: vm1's ping every 100 ms: $((${sent:-0} - ${got:-0})) of ${sent:-0} echoes lost" \
	"(seq ${missing:-none}); downtime by the fabric's replies (last to the old host -> first" \
	"to the new one, the ping's 100 ms spacing included): ${switches:-?}"
for f in "${MIG_FIGS[@]}"; do
	echo "# $f"
done
fex_done
