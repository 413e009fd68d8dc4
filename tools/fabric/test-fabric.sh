#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# fex-fabric on net_pcap, fed upstream frames made by fex-pcapgen, for both
# tag formats: every frame it sends is checked with tshark (d=1, dvif,
# p/GRP, l, svif, E-PCP, VLAN, MACs) and its counters with the drops
# expected by reason. Run 1 ends by --exit-on-idle-ms once the input is
# consumed; run 2 is stopped by SIGTERM once its periodic stats show every
# frame received and must exit 0 with the same output. Then two host
# ports (host A, host B) with a VIF moving from A to B, each port's frames
# checked the same way, and the move's counters.
# Needs FEX_BUILD (meson test_env); exits 77 (skip) without tshark.
set -u

GEN=${FEX_BUILD:?FEX_BUILD not set}/tools/fabric/fex-pcapgen
FAB=$FEX_BUILD/tools/fabric/fex-fabric
command -v tshark >/dev/null || { echo "SKIP: tshark not installed"; exit 77; }
for b in "$GEN" "$FAB"; do
	[ -x "$b" ] || { echo "FAIL: $b not built"; exit 1; }
done

TMP=$(mktemp -d --suffix=.fex-fabric-test)
PREFIX=fabtest$$
FAB_PID=
cleanup() {
	if [ -n "$FAB_PID" ]; then
		kill -KILL "$FAB_PID" 2>/dev/null
		wait "$FAB_PID" 2>/dev/null
	fi
	rm -rf "$TMP" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT
fails=0
checks=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

EAL=(--no-huge -m 512 --no-pci --file-prefix "$PREFIX" --log-level 'pmd.*:error')
A=02:00:00:00:00:0a
B=02:00:00:00:00:0b
C=02:00:00:00:00:0c
D=02:00:00:00:00:0d
BC=ff:ff:ff:ff:ff:ff
MC=01:00:5e:00:00:01

# up IN TAG SVIF SRC DST [pcapgen options...]: one upstream frame
up() {
	local in=$1 tag=$2 svif=$3 src=$4 dst=$5
	shift 5
	"$GEN" --out "$in" --append --tag "$tag" --svif "$svif" --src-mac "$src" \
		--dst-mac "$dst" "$@" || fail "fex-pcapgen failed: $*"
}

# make_input IN TAG: the scenario; the comments say what must come out.
make_input() {
	local in=$1 tag=$2 other epcp=()

	[ "$tag" = vntag ] && other=etag || other=vntag
	[ "$tag" = etag ] && epcp=(--epcp 5)
	rm -f "$in"
	up "$in" "$tag" 1 $A $BC --vlan 10	# 1 flood list 10, l=1, svif 1
	up "$in" "$tag" 2 $B $A --vlan 10 "${epcp[@]}" # 2 unicast to VIF 1
	up "$in" "$tag" 1 $A $B --vlan 10	# 3 unicast to VIF 2
	up "$in" "$tag" 1 $A $C --vlan 10	# 4 unknown: flood list 10
	up "$in" "$tag" 1 $A $BC --vlan 20	# 5 flood list 300 (--flood)
	up "$in" "$tag" 2 $B $A --vlan 20	# 6 unicast to VIF 1 (VLAN 20)
	up "$in" "$tag" 2 $B $A			# 7 untagged, A unknown: list 100
	up "$in" "$tag" 1 $D $A --vlan 10	# 8 drop same_vif (A is on VIF 1)
	up "$in" "$tag" 2 $B $MC --vlan 10	# 9 multicast: flood list 10
	# 10 a downstream frame: VN-Tag d=1 / E-Tag with Ingress_E-CID
	up "$in" "$tag" 5 $A $B --dir down --dvif 3
	# 11 reserved bits: VN-Tag r / E-Tag resv
	if [ "$tag" = vntag ]; then
		up "$in" "$tag" 1 $A $B --raw-tag 00004001
	else
		up "$in" "$tag" 1 $A $B --raw-tag 0000c0010000
	fi
	up "$in" "$tag" 1 $A $B --truncate 15	# 12 drop truncated
	up "$in" "$other" 1 $A $B		# 13 drop bad_ethertype
	up "$in" "$tag" 3 $A $B --vlan 10	# 14 A moved to VIF 3: to VIF 2
	up "$in" "$tag" 2 $B $A --vlan 10	# 15 unicast to VIF 3
}

# Expected output: src dst p dvif l svif vlan [E-PCP]
expected() {
	local tag=$1 p2=0
	[ "$tag" = etag ] && p2=5
	cat <<EOF
$A $BC 1 10 1 1 10 0
$B $A 0 1 0 2 10 $p2
$A $B 0 2 0 1 10 0
$A $C 1 10 1 1 10 0
$A $BC 1 300 1 1 20 0
$B $A 0 1 0 2 20 0
$B $A 1 100 1 2 - 0
$B $MC 1 10 1 2 10 0
$A $B 0 2 0 3 10 0
$B $A 0 3 0 2 10 0
EOF
}

# The output decoded by tshark into the same shape as expected().
decoded() {
	local tag=$1 out=$2
	if [ "$tag" = vntag ]; then
		tshark -n -r "$out" -T fields -E occurrence=f -E separator=, -e eth.src -e eth.dst \
			-e vntag.dir -e vntag.ptr -e vntag.dst -e vntag.looped \
			-e vntag.src -e vlan.id -e vntag.r -e vntag.version \
			2>"$TMP/tshark.err" |
		while IFS=, read -r src dst d p dvif l svif vid r ver; do
			[ "$d" = 1 ] && [ "$r" = 0 ] && [ "$ver" = 0 ] ||
				echo "BAD-HDR d=$d r=$r ver=$ver"
			echo "$src $dst $p $dvif $l $svif ${vid:--} 0"
		done
	else
		tshark -n -r "$out" -T fields -E occurrence=f -E separator=, -e eth.src -e eth.dst \
			-e etag.group -e etag.ecid_base -e etag.iecid_base -e vlan.id \
			-e etag.pcp -e etag.resv -e etag.iecid_ext -e etag.ecid_ext \
			2>"$TMP/tshark.err" |
		while IFS=, read -r src dst grp ecid iecid vid pcp resv iext ext; do
			[ "$resv" = 0 ] && [ "$iext" = 0x00 ] && [ "$ext" = 0x00 ] ||
				echo "BAD-HDR resv=$resv ext=$iext/$ext"
			# GRP 0: Ingress_E-CID is the source VIF, "looped" only on GRP!=0
			local p=0 l=0
			[ "$grp" != 0 ] && p=1 && l=1
			[ "$grp" = 0 ] || [ "$grp" = 1 ] || echo "BAD-GRP $grp"
			echo "$src $dst $p $((ecid)) $l $((iecid)) ${vid:--} $pcp"
		done
	fi
}

# counter LOGFILE NAME: the value in the final stats line
counter() {
	grep '^fex-fabric: stats final ' "$1" | tail -1 | tr ' ' '\n' |
		sed -n "s/^$2=//p"
}

check_counters() {
	local tag=$1 log=$2 name want got dir_drop
	[ "$tag" = vntag ] && dir_drop=drop_bad_direction ||
		dir_drop=drop_upstream_fields
	for kv in rx=15 tx=10 unicast=5 flooded=5 learned=6 moved=1 macs=6 \
		drop_same_vif=1 drop_reserved_bits=1 drop_truncated=1 \
		drop_bad_ethertype=1 "$dir_drop=1" drop_tx_full=0 drop_tag_op=0 \
		drop_src_multicast=0; do
		name=${kv%%=*}
		want=${kv#*=}
		got=$(counter "$log" "$name")
		checks=$((checks + 1))
		[ "$got" = "$want" ] || fail "$tag: counter $name = '$got', want $want"
	done
}

check_output() {
	local tag=$1 out=$2 what=$3 got
	checks=$((checks + 1))
	got=$(decoded "$tag" "$out")
	if [ "$got" != "$(expected "$tag")" ]; then
		fail "$tag $what: downstream frames differ (src dst p dvif l svif vlan epcp)"
		diff <(expected "$tag") <(echo "$got") | sed 's/^/    /'
		sed 's/^/    tshark: /' "$TMP/tshark.err"
	fi
}

# wait_for FILE REGEX SECONDS: poll until FILE matches, the process lives
wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		kill -0 "$FAB_PID" 2>/dev/null || { grep -qE "$2" "$1"; return; }
		sleep 0.05
	done
	return 1
}

FLOOD=(--flood "20=300" --flood-untagged 100)
for tag in vntag etag; do
	in=$TMP/in-$tag.pcap
	make_input "$in" "$tag"

	# run 1: ends by itself once the input is consumed
	out=$TMP/out1-$tag.pcap
	timeout 120 "$FAB" "${EAL[@]}" --vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" \
		-- --tag "$tag" "${FLOOD[@]}" --exit-on-idle-ms 500 \
		>"$TMP/run1-$tag.log" 2>&1
	rc=$?
	checks=$((checks + 1))
	if [ $rc -ne 0 ]; then
		fail "$tag run 1: exit $rc"
		sed 's/^/    /' "$TMP/run1-$tag.log"
	fi
	checks=$((checks + 1))
	grep -q "^fex-fabric: ready port 0 (net_pcap) tag $tag$" "$TMP/run1-$tag.log" ||
		fail "$tag run 1: no ready line"
	check_counters "$tag" "$TMP/run1-$tag.log"
	check_output "$tag" "$out" "run 1"

	# run 2: periodic stats, idle sleep, stopped by SIGTERM
	out=$TMP/out2-$tag.pcap
	log=$TMP/run2-$tag.log
	"$FAB" "${EAL[@]}" --vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" \
		-- --tag "$tag" "${FLOOD[@]}" --stats-period 1 --idle-sleep-us 200 \
		>"$log" 2>&1 &
	FAB_PID=$!
	checks=$((checks + 1))
	if ! wait_for "$log" '^fex-fabric: ready ' 60 ||
	   ! wait_for "$log" '^fex-fabric: stats rx=15 ' 60; then
		fail "$tag run 2: no stats line with rx=15"
		sed 's/^/    /' "$log"
	fi
	kill -TERM "$FAB_PID" 2>/dev/null
	wait "$FAB_PID"
	rc=$?
	FAB_PID=
	checks=$((checks + 1))
	[ $rc -eq 0 ] || fail "$tag run 2: exit $rc after SIGTERM"
	check_counters "$tag" "$log"
	check_output "$tag" "$out" "run 2"
done

# Two host ports (a fabric interconnect with one port per host): host A on
# port 0, host B on port 1. --burst 1 takes one frame from each port in
# turn, so the order is A0 B0 A1 B1 ... VIF 1 starts on host A and moves
# to host B (a live migration), VIF 2 lives on B, VIF 3 on A.
make_input2() {
	local a=$1 b=$2 tag=$3
	rm -f "$a" "$b"
	up "$a" "$tag" 1 $A $BC --vlan 10	# A0 flood to both hosts
	up "$b" "$tag" 2 $B $A --vlan 10	# B0 unicast to VIF 1 on A
	up "$a" "$tag" 1 $A $B --vlan 10	# A1 unicast to VIF 2 on B
	up "$b" "$tag" 2 $B $C --vlan 10	# B1 unknown: flood to both
	up "$a" "$tag" 3 $C $B --vlan 10	# A2 unicast to VIF 2 on B
	up "$b" "$tag" 1 $A $B --vlan 10	# B2 VIF 1 now on B: to VIF 2 on B
	up "$a" "$tag" 3 $C $A --vlan 10	# A3 to VIF 1, now on B
	up "$b" "$tag" 2 $B $A --vlan 10	# B3 to VIF 1 on B
	up "$a" "$tag" 3 $C $MC --vlan 10	# A4 multicast: flood to both
	up "$b" "$tag" 1 $D $A --vlan 10	# B4 D learned on VIF 1; drop same_vif
	up "$a" "$tag" 3 $C $D --vlan 10	# A5 to VIF 1 (MAC D) on B
}

# expected2 TAG PORT: src dst p dvif l svif vlan epcp, in the order sent.
# A flood's l is 1 only on the source's own host port (VN-Tag); an E-Tag
# GRP 1 frame always names its Ingress_E-CID, which decoded() shows as l=1.
expected2() {
	local lo=0
	[ "$1" = etag ] && lo=1
	if [ "$2" = 0 ]; then
		cat <<EOF
$A $BC 1 10 1 1 10 0
$B $A 0 1 0 2 10 0
$B $C 1 10 $lo 2 10 0
$C $MC 1 10 1 3 10 0
EOF
	else
		cat <<EOF
$A $BC 1 10 $lo 1 10 0
$A $B 0 2 0 1 10 0
$B $C 1 10 1 2 10 0
$C $B 0 2 0 3 10 0
$A $B 0 2 0 1 10 0
$C $A 0 1 0 3 10 0
$B $A 0 1 0 2 10 0
$C $MC 1 10 $lo 3 10 0
$C $D 0 1 0 3 10 0
EOF
	fi
}

for tag in vntag etag; do
	ina=$TMP/in2a-$tag.pcap inb=$TMP/in2b-$tag.pcap
	outa=$TMP/out2a-$tag.pcap outb=$TMP/out2b-$tag.pcap
	log=$TMP/two-$tag.log
	make_input2 "$ina" "$inb" "$tag"
	timeout 120 "$FAB" "${EAL[@]}" --vdev "net_pcap0,rx_pcap=$ina,tx_pcap=$outa" \
		--vdev "net_pcap1,rx_pcap=$inb,tx_pcap=$outb" \
		-- --port net_pcap0 --port net_pcap1 --tag "$tag" --burst 1 \
		--exit-on-idle-ms 500 >"$log" 2>&1
	rc=$?
	checks=$((checks + 1))
	if [ $rc -ne 0 ]; then
		fail "$tag two ports: exit $rc"
		sed 's/^/    /' "$log"
	fi
	checks=$((checks + 1))
	grep -q "^fex-fabric: ready port 0 (net_pcap) port 1 (net_pcap) tag $tag$" "$log" ||
		fail "$tag two ports: no ready line naming both ports"
	checks=$((checks + 1))
	grep -q "^fex-fabric: vif 1 moved from port 0 to port 1$" "$log" ||
		fail "$tag two ports: no line saying VIF 1 moved to port 1"
	for kv in rx=11 tx=13 unicast=7 flooded=3 learned=4 moved=0 vif_moved=1 \
		macs=4 port0_rx=6 port1_rx=5 port0_tx=4 port1_tx=9 drop_same_vif=1 \
		drop_tx_full=0 drop_no_mbuf=0 drop_tag_op=0; do
		got=$(counter "$log" "${kv%%=*}")
		checks=$((checks + 1))
		[ "$got" = "${kv#*=}" ] ||
			fail "$tag two ports: counter ${kv%%=*} = '$got', want ${kv#*=}"
	done
	for hp in 0 1; do
		[ $hp = 0 ] && out=$outa || out=$outb
		checks=$((checks + 1))
		got=$(decoded "$tag" "$out")
		if [ "$got" != "$(expected2 "$tag" $hp)" ]; then
			fail "$tag two ports: frames sent to host port $hp differ (src dst p dvif l svif vlan epcp)"
			diff <(expected2 "$tag" $hp) <(echo "$got") | sed 's/^/    /'
			sed 's/^/    tshark: /' "$TMP/tshark.err"
		fi
	done
done

# bad options: exit 2 and a message that names the problem
bad() {
	local want=$1 out rc
	shift
	checks=$((checks + 1))
	out=$(timeout 60 "$FAB" "${EAL[@]}" --vdev net_null0 -- "$@" 2>&1)
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q -- "$want" <<<"$out"; then
		fail "fex-fabric $* : exit $rc, '$out' (want 2 and '$want')"
	fi
}
bad "--tag: 'none' is not vntag or etag" --tag none
bad "--flood: 'x' is not VLAN=LIST" --flood x
bad "--flood: '4096'" --flood 4096=1
bad "--flood: VIF-list 5000 is out of range 1..4095 for etag" --tag etag --flood 10=5000
bad "--flood-untagged: '0'" --flood-untagged 0
bad "--port 'net_nothere0'" --port net_nothere0
bad "unknown option '--bogus'" --bogus
bad "--burst: '0' is not a number in 1..32" --burst 0
bad "--port 'net_null0': port 0 is already host port 0" --port net_null0 --port net_null0
nine=()
for i in $(seq 9); do
	nine+=(--port "$i")
done
bad "--port: more than 8 host ports" "${nine[@]}"
checks=$((checks + 1))
help=$(timeout 60 "$FAB" "${EAL[@]}" -- --help 2>/dev/null)
grep -q -- '--exit-on-idle-ms' <<<"$help" || fail "--help does not list --exit-on-idle-ms"
checks=$((checks + 1))
grep -q -- '--burst N' <<<"$help" && grep -q 'repeatable, one per host' <<<"$help" ||
	fail "--help does not tell --burst and several --port"

echo "fex-fabric: $checks checks, $fails failed"
[ $fails -eq 0 ]
