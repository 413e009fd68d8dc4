#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's main job: three "VMs" (network namespaces) behind fexpath,
# fexpath's uplink cabled to the software fabric interconnect (fex-fabric),
# and what a port extender does, shown and checked step by step.
#
#   bash tools/fex-demo.sh              tools/fex-setup.sh, then the demo
#   bash tools/fex-demo.sh --no-setup   the demo on an existing ./build
#
# Sourced (". tools/fex-demo.sh" after tests/lib/fex-lib.sh) it only defines
# the demo_* steps; tests/e2e runs them with its own names (DEMO_P).
#
# Needs root. Runs about a minute, exits 0 when every check passed, and
# removes what it created (also on Ctrl-C).
#
#   vm1 eth0 ---- fexvm1 -+                       VIF 1  profile web   VLAN 10
#   vm2 eth0 ---- fexvm2 -+- fexpath -l 0 -- fexup0 ==== fexfab0 -- fex-fabric -l 1
#   vm3 eth0.20 - fexvm3 -+                       VIF 3  profile guest VLAN 30 only
#
# The host ends of the VM veths and fexup0 are fexpath ports (af_packet);
# every VM frame leaves through fexup0 with a VN-Tag and only comes back
# down if the fabric sends it: fexpath never switches locally.

# Names: DEMO_P prefixes every namespace and interface (tests use their own).
DEMO_P=${DEMO_P-}
DEMO_UP=${DEMO_P}fexup0		# fexpath's uplink
DEMO_FAB=${DEMO_P}fexfab0	# the fabric's end of the uplink cable
DEMO_NS=("${DEMO_P}vm1" "${DEMO_P}vm2" "${DEMO_P}vm3")
DEMO_RATE1_KBPS=50000
DEMO_RATE2_KBPS=150000
# The rate is shaped (rate_mode shape, the default): frames over it wait
# in the VIF's queue instead of being dropped, so TCP sees a slower path,
# not losses, and a small burst does: 50 ms at the first rate (312.5 kB).
# A policer (rate_mode police) needs a burst of about 200 ms for TCP to
# average 94-96 % of the rate here; with 50 ms it got 53 %.
DEMO_BURST_BYTES=$((DEMO_RATE1_KBPS * 125 / 20))
DEMO_UUID1=4a9c6b1e-0d3f-4c55-8a21-9e0b7f6d1a01
DEMO_UUID2=4a9c6b1e-0d3f-4c55-8a21-9e0b7f6d1a02
DEMO_UUID3=4a9c6b1e-0d3f-4c55-8a21-9e0b7f6d1a03

# VM n: namespace, host veth, MAC, address.
demo_ns() { echo "${DEMO_NS[$1 - 1]}"; }
demo_hostif() { echo "${DEMO_P}fexvm$1"; }
demo_mac() { echo "02:fe:00:00:00:0$1"; }
demo_ip() { echo "10.0.10.$1"; }

demo_heading() {
	echo
	echo "=== $* ==="
}

# Print a command the way a user would type it, then run it.
demo_show() {
	echo "# ${*/#$FEXCTL/fexctl}"
	"$@"
}

demo_not() { ! "$@"; }

# A check the rest depends on: counted like any other, and its status returned.
demo_must() {
	local what=$1
	shift
	if "$@"; then
		check "$what" true
	else
		check "$what" false
		return 1
	fi
}

in_ns() {	# in_ns N cmd...: run cmd inside VM N's namespace (not for &: $! would be a subshell)
	local ns
	ns=$(demo_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# EAL memory: hugepages when enough are free, else plain memory (af_packet
# works either way). --huge-unlink leaves no hugepage file behind.
demo_eal_mem() {
	local free
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "${free:-0}" -ge 160 ] && grep -qs ' hugetlbfs ' /proc/mounts; then
		echo "-m 128 --huge-unlink"
	else
		echo "--no-huge -m 1024"
	fi
}

demo_refuse_existing() {
	local n
	for n in "${DEMO_NS[@]}"; do
		if [ -e "/run/netns/$n" ]; then
			echo "fex-demo: network namespace $n exists (a demo still running, or left over: ip netns del $n)" >&2
			return 1
		fi
	done
	for n in "$DEMO_UP" "$DEMO_FAB" $(demo_hostif 1) $(demo_hostif 2) $(demo_hostif 3); do
		if ip link show "$n" >/dev/null 2>&1; then
			echo "fex-demo: interface $n exists (a demo still running, or left over: ip link del $n)" >&2
			return 1
		fi
	done
}

no_ipv6() {	# no_ipv6 [netns] IFACE: no router solicitations in the captures
	if [ $# -eq 2 ]; then
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	else
		sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	fi
}

# A VLAN sub-interface eth0.VLAN in VM n. A kernel without 802.1Q support
# (no 8021q module) gets the same thing from a tap named eth0.VLAN and a
# small tagger: frames the VM sends there leave eth0 with the 802.1Q tag,
# frames of that VLAN arriving on eth0 come back untagged.
demo_vlan_dev() {
	local n=$1 vlan=$2 dev=eth0.$2 log=$T/tagger-$1.log pid
	if in_ns "$n" ip link add link eth0 name "$dev" type vlan id "$vlan" 2>/dev/null; then
		in_ns "$n" ethtool -K "$dev" tx off >/dev/null 2>&1
	else
		echo "(this kernel has no 802.1Q VLAN devices: $dev is a tap with a tagger in front of eth0)"
		in_ns "$n" ip tuntap add mode tap name "$dev" || return 1
		ip netns exec "$(demo_ns "$n")" python3 -c "$DEMO_TAGGER" "$dev" eth0 "$vlan" >"$log" 2>&1 &
		pid=$!
		fex_pids+=("$pid")
		wait_until 10 grep -q ready "$log" || { cat "$log"; return 1; }
	fi
	in_ns "$n" ip link set "$dev" address "$(demo_mac "$n")" up
}

# The tagger: tap TAP <-> af_packet on PHYS, pushing / popping VLAN VID.
# The kernel hands a received 802.1Q tag over as packet metadata
# (PACKET_AUXDATA), or in the frame when it did not strip it.
DEMO_TAGGER='
import fcntl, os, select, socket, struct, sys
tap_name, phys, vid = sys.argv[1], sys.argv[2], int(sys.argv[3])
SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10
tap = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tap, 0x400454ca, struct.pack("16sH", tap_name.encode(), 0x0002 | 0x1000))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
s.bind((phys, 0))
tag = struct.pack("!HH", 0x8100, vid)
print("ready", flush=True)
while True:
    r = select.select([tap, s], [], [])[0]
    if tap in r:
        f = os.read(tap, 65536)
        s.send(f[:12] + tag + f[12:])
    if s in r:
        f, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(32))
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        got = None
        for level, kind, data in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                st, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", data[:20])
                if st & TP_STATUS_VLAN_VALID:
                    got = tci & 0xfff
        if got is None and f[12:14] == b"\x81\x00":
            got = int.from_bytes(f[14:16], "big") & 0xfff
            f = f[:12] + f[16:]
        if got == vid:
            os.write(tap, f)
'

# VM n: namespace with eth0 (MTU 1500, no tx checksum offload: af_packet
# hands frames over as they are, a partial checksum would reach the peer
# unfinished); the host end is left to fexpath. VLAN: a sub-interface.
demo_vm_add() {
	local n=$1 vlan=${2:-} ns hif dev=eth0
	ns=$(demo_ns "$n")
	hif=$(demo_hostif "$n")
	ip netns add "$ns" || return 1
	on_exit "ip netns del '$ns'"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link add "$hif" mtu 1500 type veth peer name eth0 mtu 1500 netns "$ns" || return 1
	on_exit "ip link del '$hif'"	# at once; a deleted netns frees its veths later
	no_ipv6 "$hif"
	no_ipv6 "$ns" eth0
	ip link set "$hif" up
	in_ns "$n" ip link set lo up
	in_ns "$n" ip link set eth0 address "$(demo_mac "$n")" up
	in_ns "$n" ethtool -K eth0 tx off >/dev/null
	if [ -n "$vlan" ]; then
		dev=eth0.$vlan
		demo_vlan_dev "$n" "$vlan" || return 1
	fi
	in_ns "$n" ip addr add "$(demo_ip "$n")/24" dev "$dev"
}

# demo_cable HOST_END FABRIC_END: an uplink cable, a veth pair, up, no
# IPv6. The tags add bytes: fexpath sets its end to MTU 9000
# (--uplink-mtu), the fabric's end is set here.
demo_cable() {
	ip link add "$1" type veth peer name "$2" mtu 9000 || return 1
	on_exit "ip link del '$1'"
	no_ipv6 "$1"
	no_ipv6 "$2"
	ip link set "$1" up && ip link set "$2" up
}

# The three VMs and the uplink cable.
demo_net_up() {
	demo_refuse_existing || return 1
	demo_vm_add 1 || return 1
	demo_vm_add 2 || return 1
	demo_vm_add 3 20 || return 1
	demo_cable "$DEMO_UP" "$DEMO_FAB" || return 1
	echo "vm1 $(demo_ip 1) eth0, vm2 $(demo_ip 2) eth0, vm3 $(demo_ip 3) eth0.20 (VLAN 20);" \
		"uplink $DEMO_UP <-> $DEMO_FAB"
}

# fex-fabric on core 1, on the fabric end of the uplink; $DEMO_FAB_PID.
DEMO_FAB_PID=
DEMO_FAB_RUNS=0
DEMO_FAB_CORE=$(($(nproc) > 1 ? 1 : 0))
demo_fabric_start() {
	local prefix=fexfab$$ log
	DEMO_FAB_RUNS=$((DEMO_FAB_RUNS + 1))
	DEMO_FAB_LOG=$T/fabric-$DEMO_FAB_RUNS.log
	log=$DEMO_FAB_LOG
	on_exit "rm -rf /var/run/dpdk/$prefix"
	# shellcheck disable=SC2046
	"$FABRIC" -l "$DEMO_FAB_CORE" --no-pci --file-prefix "$prefix" $(demo_eal_mem) \
		--log-level=lib.eal:error --vdev "net_af_packet0,iface=$DEMO_FAB" -- \
		--tag vntag --idle-sleep-us 50 >"$log" 2>&1 &
	DEMO_FAB_PID=$!
	fex_pids+=("$DEMO_FAB_PID")
	if ! wait_until 30 grep -q "fex-fabric: ready" "$log" ||
	   ! kill -0 "$DEMO_FAB_PID" 2>/dev/null; then
		echo "fex-fabric did not come up; its log:"
		cat "$log"
		return 1
	fi
	grep "fex-fabric: ready" "$log"
}

demo_fabric_stop() {
	local pid=$DEMO_FAB_PID rc p keep=()
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	for p in "${fex_pids[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	fex_pids=("${keep[@]}")
	DEMO_FAB_PID=
	grep "stats final" "$DEMO_FAB_LOG"
	return $rc
}

# fexpath on core 0: the shipped config, the uplink pointed at the fabric.
demo_fexpath_start() {
	# shellcheck disable=SC2046
	fex_start fp -l 0 --no-pci $(demo_eal_mem) --log-level=lib.eal:error -- \
		--config "$FEX_SRC/config/fexpath.ini" --uplink "af_packet:$DEMO_UP" \
		--uplink-mtu 9000 --tag vntag --no-state --idle-sleep-us 50 || return 1
	export FEXCTL_SOCKET=$T/fp.sock
	echo "fexpath up (pid $(fex_pid fp)), control socket $FEXCTL_SOCKET"
}

# Profiles, VIFs and the VIF lists the fabric floods VLANs to (VLAN v ->
# VIF-list v by default), all through fexctl.
demo_configure() {
	demo_show "$FEXCTL" profile set web --description "web tier" --vlans 10 \
		--native-vlan 10 --cos 0 --rate-kbps $DEMO_RATE1_KBPS \
		--burst-bytes $DEMO_BURST_BYTES >/dev/null || return 1
	demo_show "$FEXCTL" profile set guest --description "guests: VLAN 30 only" \
		--vlans 30 --native-vlan 30 >/dev/null || return 1
	# The VIF lists first: a VM's first multicast (IPv6 DAD, ARP) comes
	# back flooded to its VLAN's list as soon as its VIF is associated.
	demo_show "$FEXCTL" viflist set 10 --vifs 1,2 >/dev/null || return 1
	demo_show "$FEXCTL" viflist set 30 --vifs 3 >/dev/null || return 1
	demo_show "$FEXCTL" vif associate 1 --port "af_packet:$(demo_hostif 1)" \
		--mac "$(demo_mac 1)" --profile web --uuid $DEMO_UUID1 >/dev/null || return 1
	demo_show "$FEXCTL" vif associate 2 --port "af_packet:$(demo_hostif 2)" \
		--mac "$(demo_mac 2)" --profile web --uuid $DEMO_UUID2 >/dev/null || return 1
	demo_show "$FEXCTL" vif associate 3 --port "af_packet:$(demo_hostif 3)" \
		--mac "$(demo_mac 3)" --profile guest --uuid $DEMO_UUID3 >/dev/null || return 1
	"$FEXCTL" profile list
	"$FEXCTL" vif list
}

# Everything up to a configured fexpath, the fabric running.
demo_setup() {
	demo_heading "Setup: 3 VMs (namespaces), uplink cable, fex-fabric, fexpath"
	demo_must "namespaces and veths created" demo_net_up || return 1
	demo_must "fex-fabric running on core $DEMO_FAB_CORE" demo_fabric_start || return 1
	demo_must "fexpath running on core 0" demo_fexpath_start || return 1
	demo_heading "Port profiles, VIFs and VIF lists (fexctl)"
	demo_must "profiles web and guest, VIFs 1-3, VIF lists 10 and 30" demo_configure
}

demo_ping_ok() {	# demo_ping_ok FROM TO
	in_ns "$1" ping -c 1 -W 1 "$(demo_ip "$2")" >/dev/null 2>&1
}

demo_ping_fails() {	# demo_ping_fails FROM TO: 3 tries, none answered
	! in_ns "$1" ping -c 3 -i 0.2 -W 1 "$(demo_ip "$2")" >/dev/null 2>&1
}

demo_ping() {
	local out
	demo_heading "1. ping vm1 -> vm2 across the fabric"
	check "vm1 reaches vm2 (first ARP flooded by the fabric to VIF list 10)" \
		wait_until 20 demo_ping_ok 1 2
	out=$(in_ns 1 ping -c 5 -i 0.2 -W 1 "$(demo_ip 2)")
	echo "$out" | tail -n 2
	check "ping vm1 -> vm2: 5 of 5 answered" grep -q " 5 received" <<<"$out"
}

demo_tcp_ok() {	# a 1 s iperf3 run vm2 <- vm1
	in_ns 2 iperf3 -c "$(demo_ip 1)" -R -t 1 --connect-timeout 1000 >/dev/null 2>&1
}

iperf_listening() {
	in_ns 1 ss -ltnH | grep -q ':5201'
}

demo_iperf_server() {
	local log=$T/iperf3-server.log
	ip netns exec "$(demo_ns 1)" iperf3 -s -B "$(demo_ip 1)" >"$log" 2>&1 &
	fex_pids+=($!)
	wait_until 10 iperf_listening
}

# The only path between the VMs is fexpath -> uplink -> fex-fabric: stop the
# fabric and ping and TCP stop; start it again and both come back.
demo_fabric_proof() {
	demo_heading "2. The only path is through the fabric: stop fex-fabric, then restart it"
	check "TCP vm1 -> vm2 works (iperf3, 1 s)" demo_tcp_ok
	echo "# kill -TERM $DEMO_FAB_PID   (fex-fabric)"
	check "fex-fabric stopped (exit 0)" demo_fabric_stop
	check "ping vm1 -> vm2 fails without the fabric" demo_ping_fails 1 2
	check "TCP vm1 -> vm2 fails without the fabric" demo_not demo_tcp_ok
	check "fex-fabric started again" demo_fabric_start
	check "ping vm1 -> vm2 works again" wait_until 20 demo_ping_ok 1 2
	check "TCP vm1 -> vm2 works again" demo_tcp_ok
}

# Receiver-side per-second figures (Mbit/s) of an iperf3 -f m text log,
# one per line, the end-of-test summary lines left out.
iperf_intervals() {
	awk '/^\[ *[0-9]+\] +[0-9.]+-[0-9.]+ +sec/ && !/sender|receiver/ {
		for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' "$1"
}

intervals_at_least() {	# intervals_at_least LOG N
	[ "$(iperf_intervals "$1" | wc -l)" -ge "$2" ]
}

# mean of lines FIRST..LAST of a list of figures
mean_of() {
	awk -v a="$2" -v b="$3" 'NR >= a && NR <= b { s += $1; n++ }
		END { if (n) printf "%.1f\n", s / n; else print 0 }' "$1"
}

# within_pct VALUE TARGET PCT
within_pct() {
	awk -v v="$1" -v t="$2" -v p="$3" 'BEGIN { exit !(v >= t * (1 - p / 100) && v <= t * (1 + p / 100)) }'
}

# One iperf3 stream vm1 -> vm2 (run from vm2 with -R so the per-second
# figures are what vm2 received), printed as it runs; log in $1.
demo_iperf_start() {
	local log=$1 secs=$2
	: >"$log"
	ip netns exec "$(demo_ns 2)" iperf3 -c "$(demo_ip 1)" -R -t "$secs" -i 1 -f m --forceflush >"$log" 2>&1 &
	DEMO_IPERF_PID=$!
	fex_pids+=("$DEMO_IPERF_PID")
	tail -n +1 -f --pid="$DEMO_IPERF_PID" "$log" &
	DEMO_TAIL_PID=$!
	fex_pids+=("$DEMO_TAIL_PID")
}

demo_iperf_wait() {
	wait "$DEMO_IPERF_PID"
	local rc=$?
	wait "$DEMO_TAIL_PID" 2>/dev/null
	return $rc
}

demo_rate() {
	local log=$T/iperf-rate.log n mean
	demo_heading "3. iperf3 vm1 -> vm2, profile web holds it to $((DEMO_RATE1_KBPS / 1000)) Mbit/s"
	demo_iperf_start "$log" 10
	check "iperf3 ran" demo_iperf_wait
	iperf_intervals "$log" >"$T/rate1"
	n=$(wc -l <"$T/rate1")
	mean=$(mean_of "$T/rate1" 2 "$n")
	echo "mean of seconds 2-$n: $mean Mbit/s (profile rate $((DEMO_RATE1_KBPS / 1000)) Mbit/s)"
	check "throughput $mean Mbit/s within 10 % of $((DEMO_RATE1_KBPS / 1000)) Mbit/s" \
		within_pct "$mean" $((DEMO_RATE1_KBPS / 1000)) 10
	DEMO_MEAN1=$mean
}

demo_live_change() {
	local log=$T/iperf-live.log k1 k2 n before after first
	demo_heading "4. Live change: rate $((DEMO_RATE1_KBPS / 1000)) -> $((DEMO_RATE2_KBPS / 1000)) Mbit/s while iperf3 runs"
	demo_iperf_start "$log" 14
	wait_until 20 intervals_at_least "$log" 6
	k1=$(iperf_intervals "$log" | wc -l)
	echo "# fexctl profile set web --rate-kbps $DEMO_RATE2_KBPS   (after second $k1)"
	"$FEXCTL" profile set web --rate-kbps $DEMO_RATE2_KBPS >/dev/null
	check "profile web changed live" test $? -eq 0
	k2=$(iperf_intervals "$log" | wc -l)
	check "iperf3 ran through the change, no restart" demo_iperf_wait
	iperf_intervals "$log" >"$T/rate2"
	n=$(wc -l <"$T/rate2")
	# before: seconds 2..k1 (the first is slow start); after: skip the
	# second the change fell in and the one after it.
	before=$(mean_of "$T/rate2" 2 "$k1")
	after=$(mean_of "$T/rate2" $((k2 + 3)) "$n")
	first=$(sed -n "$((k2 + 2))p" "$T/rate2")
	echo "before the change (seconds 2-$k1): $before Mbit/s;" \
		"first full second after it: $first Mbit/s;" \
		"seconds $((k2 + 3))-$n: $after Mbit/s"
	check "before: $before Mbit/s within 10 % of $((DEMO_RATE1_KBPS / 1000))" \
		within_pct "$before" $((DEMO_RATE1_KBPS / 1000)) 10
	check "first full second after the change already above $((DEMO_RATE1_KBPS * 3 / 2000)) Mbit/s ($first)" \
		awk -v v="${first:-0}" -v t=$((DEMO_RATE1_KBPS * 3 / 2000)) 'BEGIN { exit !(v > t) }'
	check "after: $after Mbit/s within 10 % of $((DEMO_RATE2_KBPS / 1000))" \
		within_pct "$after" $((DEMO_RATE2_KBPS / 1000)) 10
	DEMO_MEAN2=$after
}

demo_vlan_guard() {
	local d0 d1
	demo_heading "5. vm3 sends on VLAN 20; its profile (guest) allows VLAN 30 only"
	d0=$(vif_counter fp 3 drop_vlan)
	check "vm3 cannot reach vm1" demo_ping_fails 3 1
	check "vm3 cannot reach vm2" demo_ping_fails 3 2
	check "vm1 cannot reach vm3" demo_ping_fails 1 3
	d1=$(vif_counter fp 3 drop_vlan)
	echo "# fexctl vif stats 3"
	"$FEXCTL" vif stats 3
	check "VIF 3 drop_vlan rose: $d0 -> $d1 (vm3's ARP requests on VLAN 20)" \
		test "$d1" -ge $((d0 + 6))
	check "vm1 and vm2 still talk" demo_ping_ok 1 2
}

tshark_capturing() {
	grep -q "Capturing on" "$1"
}

# Both ends of the cable: a frame fexpath sends is received on $DEMO_FAB
# (upstream, d=0), one the fabric sends is received on $DEMO_UP (downstream,
# d=1). A sender's own end does not show it: both use af_packet with
# qdisc bypass, which skips the kernel's capture taps.
demo_capture() {
	local cap=$T/uplink.txt tshark_pid
	local fields=(-e frame.interface_name -e vntag.dir -e vntag.ptr -e vntag.dst
		      -e vntag.looped -e vntag.src -e vlan.id -e ip.src -e ip.dst -e icmp.type)
	demo_heading "6. The uplink on the wire: VN-Tags seen by tshark, ping vm1 -> vm2"
	echo "# tshark -i $DEMO_FAB -i $DEMO_UP -c 12 -T fields ${fields[*]}"
	timeout 30 tshark -i "$DEMO_FAB" -i "$DEMO_UP" -c 12 -f "ether proto 0x8926" \
		-T fields "${fields[@]}" >"$cap" 2>"$T/tshark.log" &
	tshark_pid=$!
	fex_pids+=("$tshark_pid")
	wait_until 20 tshark_capturing "$T/tshark.log"
	in_ns 1 ping -c 10 -i 0.1 "$(demo_ip 2)" >/dev/null 2>&1
	wait "$tshark_pid"
	printf 'iface\tdir\tptr\tdst\tlooped\tsrc\tvlan\tip.src\t\tip.dst\t\ticmp.type\n'
	cat "$cap"
	check "12 VN-Tagged frames captured on the uplink" test "$(grep -c . "$cap")" -eq 12
	check "upstream: d=0, svif 1 (vm1), VLAN 10, echo request to vm2" \
		grep -qP "^$DEMO_FAB\t(0|False)\t(0|False)\t0\t(0|False)\t1\t10\t$(demo_ip 1)\t$(demo_ip 2)\t8$" "$cap"
	check "downstream: d=1, dvif 2 (vm2), from svif 1, VLAN 10" \
		grep -qP "^$DEMO_UP\t(1|True)\t(0|False)\t2\t(0|False)\t1\t10\t$(demo_ip 1)\t$(demo_ip 2)\t8$" "$cap"
}

demo_summary() {
	demo_heading "Summary"
	echo "iperf3 vm1 -> vm2: ${DEMO_MEAN1:-?} Mbit/s at a $((DEMO_RATE1_KBPS / 1000)) Mbit/s profile," \
		"${DEMO_MEAN2:-?} Mbit/s after the live change to $((DEMO_RATE2_KBPS / 1000)) Mbit/s"
	"$FEXCTL" vif stats
}

demo_all() {
	demo_setup || return 1
	demo_must "iperf3 server listening in vm1" demo_iperf_server || return 1
	demo_ping
	demo_fabric_proof
	demo_rate
	demo_live_change
	demo_vlan_guard
	demo_capture
	demo_summary
}

demo_main() {
	local setup=1 arg top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	for arg in "$@"; do
		case "$arg" in
		--no-setup) setup=0 ;;
		-h|--help) sed -n '3,22s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
		*) echo "fex-demo: unknown option '$arg'; see --help" >&2; exit 2 ;;
		esac
	done
	if [ "$(id -u)" -ne 0 ]; then
		echo "fex-demo: needs root (network namespaces, veths, DPDK)" >&2
		exit 1
	fi
	if [ "$setup" = 1 ]; then
		bash "$top/tools/fex-setup.sh" || exit 1
	fi
	FEX_SRC=$top
	# shellcheck source-path=SCRIPTDIR source=../tests/lib/fex-lib.sh
	. "$top/tests/lib/fex-lib.sh"
	fex_tmpdir
	demo_all
	echo
	fex_done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	demo_main "$@"
fi
