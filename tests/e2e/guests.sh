#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real guests: Linux VMs (Debian's 6.1 kernel, busybox, iperf3;
# tools/guest/) under QEMU/TCG, each with a virtio-net vNIC: g1 and g2 on
# vhost: ports of fexpath (fexpath the vhost-user client, QEMU the
# server), g3 on a vhost-server: port (the other way round); all three
# VIFs in VLAN 10; fexpath's uplink (af_packet on a veth) cabled to
# fex-fabric.
#
#   (a) the guests ping each other both ways, and only through the
#       fabric: with fex-fabric stopped none reaches another;
#   (b) iperf3 TCP g1 -> g2 for 10 s with the guests' default offloads,
#       the uplink captured (dumpcap) and decoded by tshark: every frame
#       VN-Tagged, 0 bad TCP/IP checksums, none longer than the uplink
#       MTU allows; throughput and retransmits printed;
#   (c) fexpath stopped (SIGTERM) and started again with its state file
#       while the guests run, then the same with kill -9: the VIFs come
#       back, traffic resumes (time printed; g3's QEMU reconnects by
#       itself), the guests are never restarted;
#   (d) QEMU's announce-self (as at the end of a migration): g1's
#       gratuitous ARPs and the RARP the vhost library injects for g3
#       (guest_announce=off) reach the uplink tagged with their VIF;
#   (e) iperf3 g1 -> g2 shaped and policed at 20, 50, 200 Mbit/s (burst
#       50 ms): shaped, nothing dropped (the guest waits in its ring).
#
# Only port spec strings and fexctl are used: the test means the same
# whatever implements the vhost ports underneath.
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (veths, QEMU, hugepages)"
for tool in ip tshark dumpcap; do
	command -v "$tool" >/dev/null || skip_all "$tool missing; run tools/fex-setup.sh"
done
# shellcheck source=../lib/fex-guest.sh
. "$FEX_SRC/tests/lib/fex-guest.sh"
guest_requirements
need_hugepages 160
need_cores "fexpath busy-polls one, the guests run on the other"

DEMO_P=gu-
# shellcheck source=../../tools/fex-demo.sh
. "$FEX_SRC/tools/fex-demo.sh"
# The fabric shares fexpath's core (both sleep when idle): the other core
# is the guests', whose CPUs are emulated (TCG) and the bottleneck.
DEMO_FAB_CORE=0
fex_tmpdir

UP=$DEMO_UP FAB=$DEMO_FAB
# The uplink carries a guest's 1500-byte frame with its VN-Tag and 802.1Q
# tag: MTU 1510, so no frame on the wire is longer than 1524 bytes. The
# fabric's end takes anything (9000), so a longer frame would be seen on
# the capture rather than dropped by the veth unseen.
UPLINK_MTU=1510
MAX_FRAME=$((UPLINK_MTU + 14))
STATE=$T/state.json
g_ip() { echo "10.0.10.$1"; }
g_mac() { echo "02:fe:00:00:01:0$1"; }
g_sock() { echo "$T/g$1.vhost"; }
g_uuid() { echo "5d0f8c2a-1b7e-4e3a-9c6d-2f4e6a8b0c0$1"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

FP_N=0
FP=
fp_start() {	# a fexpath (fp1, fp2, ...) on the same state file
	FP_N=$((FP_N + 1))
	FP=fp$FP_N
	fex_start "$FP" -l 0 --no-pci -m 256 --huge-unlink --log-level=lib.eal:error -- \
		--config "$FEX_SRC/config/fexpath.ini" --uplink "af_packet:$UP" \
		--uplink-mtu $UPLINK_MTU --tag vntag --state "$STATE" --idle-sleep-us 50 \
		--stats-json "$T/$FP.stats.json"
}


ping_ok() {	# ping_ok FROM TO: one echo answered within 1 s
	guest_exec "$1" "ping -c 1 -W 1 $(g_ip "$2")" >/dev/null 2>&1
}
ping_fails() {	# ping_fails FROM TO: 3 tries, none answered
	! guest_exec "$1" "ping -c 3 -i 0.2 -W 1 $(g_ip "$2")" >/dev/null 2>&1
}
ping5() {	# ping5 FROM TO: 5 echoes, all answered (summary printed)
	local out
	out=$(guest_exec "$1" "ping -c 5 -i 0.2 -W 1 $(g_ip "$2")")
	echo "$out" | tail -n 2
	grep -q " 5 packets received" <<<"$out"
}

# FEX_GUEST_OFFLOADS=full|csum|none: what the vNICs offer the guests
# (the port option offloads=; default: the port's default, full).
OFFLOADS=${FEX_GUEST_OFFLOADS:+,offloads=$FEX_GUEST_OFFLOADS}

echo "=== Setup: guest image, uplink cable, fex-fabric, fexpath, three guests ==="
demo_must "guest image (Debian packages only) in $GUEST_IMAGE" guest_image || { fex_done; exit 1; }
demo_must "uplink veth $UP <-> $FAB" demo_cable "$UP" "$FAB" || { fex_done; exit 1; }
demo_must "fex-fabric running" demo_fabric_start || { fex_done; exit 1; }
demo_must "fexpath running (-l 0)" fp_start || { fex_done; exit 1; }
rpc "$FP" profile.set '{"name": "vm", "vlans": [10], "native_vlan": 10}' >/dev/null
check "VIF list 10 -> VIFs 1-3 (the fabric floods VLAN 10 there)" \
	bash -c "\"$FEXCTL\" --socket $T/$FP.sock viflist set 10 --vifs 1,2,3 >/dev/null"
for n in 1 2; do
	demo_must "QEMU for guest $n listening on $(g_sock $n)" \
		guest_start $n "$(g_sock $n)" "$(g_mac $n)" "$(g_ip $n)/24" server || { fex_done; exit 1; }
done
# QEMU runs the guest once its vhost-user client (fexpath) connects.
t0=$(date +%s%N)
for n in 1 2; do
	check "VIF $n associated on vhost:$(g_sock $n)" bash -c "\"$FEXCTL\" --socket $T/$FP.sock \
		vif associate $n --port vhost:$(g_sock $n)$OFFLOADS --mac $(g_mac $n) --profile vm \
		--uuid $(g_uuid $n) >/dev/null"
done
# g3 the other way round: fexpath listens, QEMU connects (and reconnects).
check "VIF 3 associated on vhost-server:$(g_sock 3)" bash -c "\"$FEXCTL\" --socket $T/$FP.sock \
	vif associate 3 --port vhost-server:$(g_sock 3)$OFFLOADS --mac $(g_mac 3) --profile vm \
	--uuid $(g_uuid 3) >/dev/null"
demo_must "QEMU for guest 3 connecting to $(g_sock 3)" \
	guest_start 3 "$(g_sock 3)" "$(g_mac 3)" "$(g_ip 3)/24" client guest_announce=off ||
	{ fex_done; exit 1; }
for n in 1 2 3; do
	demo_must "guest $n booted, eth0 up" guest_wait_ready $n 120 || { fex_done; exit 1; }
done
echo "# the three guests booted $(ms_since "$t0") ms after fexpath connected to the first two (TCG, one vCPU each, one host core for all)"

echo
echo "=== (a) ping both ways, and only through the fabric ==="
check "g1 reaches g2 (first ARP flooded by the fabric)" wait_until 30 ping_ok 1 2
check "ping g1 -> g2: 5 of 5" ping5 1 2
check "ping g2 -> g1: 5 of 5" ping5 2 1
check "g3 (vhost-server:) reaches g1" wait_until 30 ping_ok 3 1
check "ping g3 -> g1: 5 of 5" ping5 3 1
check "ping g1 -> g3: 5 of 5" ping5 1 3
check "fex-fabric stopped" demo_fabric_stop
check "without the fabric: g1 does not reach g2" ping_fails 1 2
check "without the fabric: g2 does not reach g1" ping_fails 2 1
check "without the fabric: g3 does not reach g1" ping_fails 3 1
check "fex-fabric started again" demo_fabric_start
check "ping g1 -> g2 works again" wait_until 20 ping_ok 1 2
check "ping g2 -> g1 works again" wait_until 20 ping_ok 2 1
check "ping g3 -> g1 works again" wait_until 20 ping_ok 3 1

echo
echo "=== (b) iperf3 TCP g1 -> g2, 10 s, default offloads; the uplink captured ==="
# What the guest's virtio-net negotiated: its "default offloads" here.
features=$(guest_exec 1 "cat /sys/bus/virtio/devices/*/features" | head -n 1)
echo "# g1 virtio-net features: $(python3 -c '
import sys
names = {0: "CSUM", 1: "GUEST_CSUM", 7: "GUEST_TSO4", 8: "GUEST_TSO6", 10: "GUEST_UFO",
         11: "HOST_TSO4", 12: "HOST_TSO6", 14: "HOST_UFO", 15: "MRG_RXBUF", 22: "MQ",
         32: "VERSION_1"}
bits = sys.argv[1].strip()
print(" ".join(n for b, n in sorted(names.items()) if b < len(bits) and bits[b] == "1") or "?")
' "$features")"
check "iperf3 server in g2" guest_exec 2 "iperf3 -s -D -B $(g_ip 2) --logfile /tmp/iperf3-s.log"
CAP=$T/uplink.pcapng
CAP_FRAMES=40000
# The fabric's end sees what fexpath sends (upstream); fexpath's end what
# the fabric sends back down. A sender's own end shows nothing: af_packet
# with qdisc bypass skips the capture taps. The first $CAP_FRAMES frames
# (about a second of the stream: decoding all of it would take longer
# than the test); the counters below cover the whole run.
dumpcap -q -i "$FAB" -i "$UP" -c $CAP_FRAMES -a duration:30 -w "$CAP" >"$T/dumpcap.log" 2>&1 &
cap_pid=$!
fex_pids+=("$cap_pid")
wait_until 20 grep -q "Capturing on" "$T/dumpcap.log" || cat "$T/dumpcap.log"
ov0=$(($(vif_counter "$FP" 1 drop_oversize) + $(vif_counter "$FP" 2 drop_oversize)))
guest_exec 1 --timeout 60 "iperf3 -c $(g_ip 2) -t 10 -J" >"$T/iperf3.json"
check "iperf3 g1 -> g2 ran 10 s" test $? -eq 0
kill -INT "$cap_pid" 2>/dev/null	# fewer frames than asked for: stop it now
wait "$cap_pid"
iperf_fig() {
	python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print("%.1f %d %.1f" % (e["sum_sent"]["bits_per_second"] / 1e6,
      e["sum_sent"].get("retransmits", -1), e["sum_received"]["bits_per_second"] / 1e6))' "$1"
}
read -r mbps_sent retr mbps_rcvd < <(iperf_fig "$T/iperf3.json" 2>/dev/null || echo "0 -1 0")
echo "# iperf3 TCP g1 -> g2: $mbps_rcvd Mbit/s received ($mbps_sent sent), $retr retransmits"
check "TCP throughput above 10 Mbit/s ($mbps_rcvd)" test "${mbps_rcvd%.*}" -gt 10
tshark -r "$CAP" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -E separator=/t \
	-e frame.interface_name -e frame.len -e vntag.dst -e vntag.src -e vlan.id \
	-e tcp.checksum.status -e ip.checksum.status -e tcp.len >"$T/uplink.txt" 2>"$T/tshark.log"
# Checksum status: 0 bad, 1 good, 2 unverified.
awk -F'\t' -v fab="$FAB" -v max="$MAX_FRAME" '
	{ n++; if ($2 > big) big = $2; if ($3 == "") untagged++
	  if ($1 == fab) up++; else down++
	  if ($6 != "") tcp++; if ($6 == "0") badtcp++; if ($6 == "1") goodtcp++
	  if ($7 == "0") badip++; if ($8 > 0) data++; if ($2 > max) over++ }
	END { printf "frames=%d upstream=%d downstream=%d untagged=%d tcp=%d tcp_data=%d " \
		"tcp_good=%d tcp_bad=%d ip_bad=%d largest=%d over=%d\n", n, up, down, untagged,
		tcp, data, goodtcp, badtcp, badip, big, over }' "$T/uplink.txt" >"$T/uplink.sum"
echo "# uplink capture: $(cat "$T/uplink.sum")"
sumof() { tr ' ' '\n' <"$T/uplink.sum" | sed -n "s/^$1=//p"; }
check "capture: TCP data frames seen both ways on the uplink ($(sumof upstream) up, $(sumof downstream) down)" \
	test "$(sumof tcp_data)" -gt 1000 -a "$(sumof upstream)" -gt 0 -a "$(sumof downstream)" -gt 0
check_eq "capture: frames without a VN-Tag" 0 "$(sumof untagged)"
check "capture: TCP checksums verified by tshark ($(sumof tcp_good) good)" test "$(sumof tcp_good)" -gt 1000
check_eq "capture: bad TCP checksums" 0 "$(sumof tcp_bad)"
check_eq "capture: bad IP checksums" 0 "$(sumof ip_bad)"
check "capture: largest frame $(sumof largest) B <= $MAX_FRAME B (uplink MTU $UPLINK_MTU + Ethernet header)" \
	test "$(sumof largest)" -le $MAX_FRAME
ov1=$(($(vif_counter "$FP" 1 drop_oversize) + $(vif_counter "$FP" 2 drop_oversize)))
check_eq "whole run: frames dropped as longer than the uplink MTU (drop_oversize)" 0 $((ov1 - ov0))
for n in 1 2; do
	echo "# VIF $n: $(rpc "$FP" vif.stats "{\"vif\": $n}" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(" ".join("%s=%s" % (k, v) for k, v in s.items() if k.startswith(("rx_", "tx_", "drop_")) and v))')"
done

echo
echo "=== (e) shaped vs policed on a vhost vNIC: iperf3 g1 -> g2, burst 50 ms at the rate ==="
# A shaped vhost guest is held back in its own ring: nothing dropped.
vm_profile() {	# vm_profile RATE_KBPS MODE
	rpc "$FP" profile.set "{\"name\": \"vm\", \"vlans\": [10], \"native_vlan\": 10,
		\"rate_kbps\": $1, \"burst_bytes\": $(($1 * 125 / 20)), \"rate_mode\": \"$2\"}" >/dev/null
}
printf '%-6s %-7s %8s %6s %8s %11s %12s %9s\n' rate mode Mbit/s "%" retrans drop_shaper drop_policer "rtt ms"
for rate in 20000 50000 200000; do
	for mode in shape police; do
		vm_profile $rate $mode
		s0=$(vif_counter "$FP" 1 drop_shaper) p0=$(vif_counter "$FP" 1 drop_policer)
		guest_exec 3 --timeout 30 "ping -i 0.2 -c 20 -q $(g_ip 2)" >"$T/sh-ping.log" 2>&1 &
		pp=$!
		guest_exec 1 --timeout 60 "iperf3 -c $(g_ip 2) -t 5 -O 1 -J" >"$T/sh-$rate-$mode.json"
		wait $pp
		read -r _ retr mbps < <(iperf_fig "$T/sh-$rate-$mode.json" 2>/dev/null || echo "0 -1 0")
		pct=$(python3 -c "print('%.1f' % (100 * $mbps / ($rate / 1000)))")
		ds=$(($(vif_counter "$FP" 1 drop_shaper) - s0))
		printf '%-6s %-7s %8s %6s %8s %11s %12s %9s\n' "$((rate / 1000))M" $mode "$mbps" "$pct" "$retr" \
			"$ds" $(($(vif_counter "$FP" 1 drop_policer) - p0)) \
			"$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$T/sh-ping.log")"
		if [ $mode = shape ]; then
			check_eq "vhost, shaped at $((rate / 1000)) Mbit/s: drop_shaper" 0 "$ds"
			# ceiling 95.6 % (TCP payload of a 1514 B frame); measured 95-96
			[ $rate -le 50000 ] && check "vhost, shaped at $((rate / 1000)) Mbit/s: TCP >= 93 % ($pct %)" \
				python3 -c "import sys; sys.exit(0 if $pct >= 93 else 1)"
		fi
	done
done
echo "(200 Mbit/s is about what these TCG guests reach unshaped: reported, not checked; rtt: g3 -> g2 pings, a guest beside the stream)"
vm_profile 0 shape

echo
echo "=== (d) guests announce themselves (what a migration ends with): QEMU announce-self ==="
# g1 negotiated GUEST_ANNOUNCE: QEMU asks the guest, which sends gratuitous
# ARPs itself. g3's device has guest_announce=off: QEMU sends
# VHOST_USER_SEND_RARP and the vhost library makes a RARP in fexpath's next
# dequeue. Both must reach the uplink, tagged with the guest's VIF.
ANN=$T/announce.pcapng
dumpcap -q -i "$FAB" -a duration:20 -w "$ANN" >"$T/dumpcap-ann.log" 2>&1 &
ann_pid=$!
fex_pids+=("$ann_pid")
wait_until 20 grep -q "Capturing on" "$T/dumpcap-ann.log" || cat "$T/dumpcap-ann.log"
announce='{"execute": "announce-self", "arguments": {"initial": 50, "max": 550, "rounds": 3, "step": 50}}'
check "announce-self on g1's QEMU" guest_qmp 1 "$announce"
check "announce-self on g3's QEMU" guest_qmp 3 "$announce"
announced() {	# announced VIF MAC OPCODE: such a frame from VIF on the uplink
	tshark -r "$ANN" -Y "vntag.src == $1 && arp.src.hw_mac == $2 && arp.opcode == $3" \
		-T fields -e frame.number 2>/dev/null | grep -q .
}
check "g1's gratuitous ARP on the uplink, VN-Tag source VIF 1" \
	wait_until 20 announced 1 "$(g_mac 1)" 1
check "g3's RARP (injected by the vhost library) on the uplink, VN-Tag source VIF 3" \
	wait_until 20 announced 3 "$(g_mac 3)" 3
kill -INT "$ann_pid" 2>/dev/null
wait "$ann_pid"

echo
echo "=== (c) fexpath restarted under the running guests: SIGTERM, then kill -9 ==="
gpid1=$(guest_pid 1) gpid2=$(guest_pid 2) gpid3=$(guest_pid 3)
# g1 pings g2 every 100 ms all through both restarts; the log's gaps
# are the outages as the guest saw them.
check "g1 pings g2 every 100 ms in the background" \
	guest_exec 1 "ping -i 0.1 $(g_ip 2) >/tmp/ping.log 2>&1 & echo \$! >/tmp/ping.pid"
replies() { guest_exec 1 "grep -c 'bytes from' /tmp/ping.log" 2>/dev/null || echo 0; }
replies_above() { [ "$(replies)" -gt "$1" ]; }
check "background ping answered" wait_until 10 replies_above 3

restart() {	# restart term|kill
	local how=$1 t0 r0 ms
	if [ "$how" = term ]; then
		fex_stop "$FP"
		check_eq "$FP stopped by SIGTERM: exit status" 0 $?
	else
		kill -KILL "$(fex_pid "$FP")"
		wait "$(fex_pid "$FP")" 2>/dev/null
		rm -f "$T/$FP.sock"
		echo "# $FP killed (kill -9)"
	fi
	check "guests outlive fexpath" bash -c "kill -0 $gpid1 && kill -0 $gpid2 && kill -0 $gpid3"
	# A window to watch (not a synchronisation): the first reading may
	# still take a reply that was under way.
	sleep 0.3
	r0=$(replies)
	sleep 0.7
	check_eq "without fexpath, g1's pings go unanswered (replies in 0.7 s)" 0 $(($(replies) - r0))
	r0=$(replies)
	t0=$(date +%s%N)
	if [ "$how" = kill ] && [ -S "$(g_sock 3)" ]; then
		# The killed fexpath could not remove its vhost-server: socket.
		# A supervisor restarting fexpath does not know about it either:
		# fexpath must cope with it (a socket nobody listens on) itself.
		if ! demo_must "fexpath started again on its state file, its vhost-server: socket left behind by the kill" fp_start; then
			echo "# (a stale vhost-server: socket stops the whole restart; the test removes it and carries on)"
			rm -f "$(g_sock 3)"
			t0=$(date +%s%N)
			demo_must "fexpath started again once the stale socket was removed" fp_start || return 1
		fi
	else
		demo_must "fexpath started again on its state file" fp_start || return 1
	fi
	for n in 1 2 3; do
		check_eq "$FP: VIF $n restored from the state file" associated \
			"$(vif_counter "$FP" $n state)"
	done
	check "traffic back: g1's pings answered again" wait_until 60 replies_above "$r0"
	ms=$(ms_since "$t0")
	echo "# after $how: traffic back $ms ms after fexpath was started again"
	RESTART_MS+=("$how=${ms}ms")
	check "ping g2 -> g1 after the restart" wait_until 20 ping_ok 2 1
	t0=$(date +%s%N)
	check "g3's QEMU reconnected to the vhost-server: port, g3 -> g1 answered" wait_until 30 ping_ok 3 1
	echo "# after $how: g3 (vhost-server:, QEMU reconnects every 1 s) answered $(ms_since "$t0") ms later"
	check "TCP g1 -> g2 after the restart (iperf3, 2 s)" \
		guest_exec 1 --timeout 30 "iperf3 -c $(g_ip 2) -t 2 >/dev/null"
}
RESTART_MS=()
restart term || { fex_done; exit 1; }
restart kill || { fex_done; exit 1; }
guest_exec 1 "kill \$(cat /tmp/ping.pid)" >/dev/null
guest_exec 1 "cat /tmp/ping.log" >"$T/ping.log"
# Outages as the guest saw them: the silences between two replies (a
# reply arrives at seq * 100 ms + its round trip; requests sent while
# fexpath was down may still be answered late, from the vNIC's ring).
gaps=$(awk -F'seq=' '/bytes from/ && NF > 1 { split($2, a, " "); t = a[1] * 100
	if (match($2, /time=[0-9.]+/)) t += substr($2, RSTART + 5, RLENGTH - 5)
	print t }' "$T/ping.log" | sort -n | awk 'NR > 1 && $1 - last > 300 { printf "%d ", $1 - last - 100 }
	{ last = $1 }')
last_seq=$(grep -o 'seq=[0-9]*' "$T/ping.log" | tail -n 1 | cut -d= -f2)
echo "# g1's background ping: $(grep -c 'bytes from' "$T/ping.log") of about $((${last_seq:-0} + 1)) answered;" \
	"outages seen by the guest (ms, SIGTERM then kill -9): ${gaps:-none}"
check "the guests were never restarted (same QEMU pids, alive)" \
	bash -c "[ $gpid1 = $(guest_pid 1) ] && [ $gpid2 = $(guest_pid 2) ] && [ $gpid3 = $(guest_pid 3) ] &&
		kill -0 $gpid1 && kill -0 $gpid2 && kill -0 $gpid3"
for c in drop_malformed drop_direction drop_unknown_vif; do
	check_eq "fexpath uplink $c" 0 "$(uplink_counter "$FP" "$c")"
done
fex_stop "$FP"
check_eq "fexpath exit status" 0 $?
guest_stop 1
guest_stop 2
guest_stop 3

echo
echo "# summary: boot $(grep -ho 'uptime=[0-9.]*' "$T"/g[123].console | tr '\n' ' ')(guest clock);" \
	"iperf3 $mbps_rcvd Mbit/s, $retr retransmits; capture: $(sumof tcp_bad) bad TCP checksums," \
	"largest frame $(sumof largest) B; restarts: ${RESTART_MS[*]}"
fex_done
