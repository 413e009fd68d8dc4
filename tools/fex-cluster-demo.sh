#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A cluster of two hosts sharing their port profiles through etcd (SPEC §9),
# on one machine: one etcd member (private directory, free ports; never
# the system's etcd service) and two fexpath, hosta and hostb, each with
# one "VM" (a veth the demo sends a frame into every 10 ms) and its uplink
# written to a pcap.
#
#   bash tools/fex-cluster-demo.sh     (after tools/fex-setup.sh; needs root)
#
# What it shows: a profile set on hosta is on hostb too; the VIFs' owners
# in the store; the profile changed once, with etcdctl, and applied on
# both hosts' data paths (the VLAN and CoS of the frames on each uplink);
# fexctl cluster status. About 15 seconds; removes what it created (also
# on Ctrl-C) and exits 0 when every check passed.
top=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
-h|--help) sed -n '3,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
	echo "fex-cluster-demo: needs root (veths, DPDK)" >&2
	exit 1
fi
FEX_SRC=$top
. "$top/tests/lib/fex-lib.sh"
. "$top/tests/lib/fex-etcd.sh"
[ -x "$FEXPATH" ] || { echo "fex-cluster-demo: no $FEXPATH; run tools/fex-setup.sh" >&2; exit 1; }
command -v tshark >/dev/null || { echo "fex-cluster-demo: tshark missing; run tools/fex-setup.sh" >&2; exit 1; }
fex_tmpdir
P=/fexpath/clusters/default/profiles
UUID=4a9c6b1e-0d3f-4c55-8a21-9e0b7f6d1a01

heading() { echo; echo "=== $* ==="; }
exec 3>&1
show() {	# print a command as a user types it (on stdout), then run it
	local w=("$@")
	w=("${w[@]/#$FEXCTL/fexctl}")
	w=("${w[@]/#ectl/etcdctl --endpoints $ETCD_ENDPOINTS}")
	echo "# ${w[*]}" | sed "s|$T/||g" >&3
	"$@"
}
A=(--socket "$T/hosta.sock")
B=(--socket "$T/hostb.sock")
mac() { [ "$1" = a ] && echo 02:fe:00:00:00:01 || echo 02:fe:00:00:00:02; }
last_frame() {	# last_frame a|b -> "VLAN V, PCP P" of its VM's newest uplink frame
	tshark -r "$T/host$1.up.pcap" -Y "eth.src == $(mac "$1")" -T fields \
		-e vlan.id -e vlan.priority 2>/dev/null | tail -1 |
		awk '{ printf "VLAN %s, PCP %s", $1, $2 }'
}
frames_are() { [ "$(last_frame "$1")" = "$2" ]; }

heading "An etcd member and two hosts"
etcd_cluster 1 || exit 1
echo "etcd: $ETCD_ENDPOINTS (data in $T/etcd1)"
for h in a b; do
	ip link add "fexcd$$$h" type veth peer name "fexcd$$${h}vm" || exit 1
	on_exit "ip link del fexcd$$$h"
	for i in "fexcd$$$h" "fexcd$$${h}vm"; do
		sysctl -qw net.ipv6.conf.$i.disable_ipv6=1
		ip link set "$i" up
	done
	fex_start host$h --no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error -- \
		--uplink "pcap:tx=$T/host$h.up.pcap" --no-state --idle-sleep-us 200 \
		--cluster-store "$ETCD_ENDPOINTS" --host host$h || exit 1
	echo "host$h: fexpath ... --cluster-store $ETCD_ENDPOINTS --host host$h"
done

heading "A profile set on hosta is hostb's too"
show "$FEXCTL" "${A[@]}" profile set web --vlans 10,20 --native-vlan 10 --cos 1 >/dev/null
check "hostb has profile web" wait_until 5 "$FEXCTL" "${B[@]}" profile get web
show "$FEXCTL" "${B[@]}" profile get web
show ectl get $P/web --print-value-only

heading "A VM on each host; the store names each VIF's owner"
show "$FEXCTL" "${A[@]}" vif associate 1 --port "af_packet:fexcd$$a" --mac "$(mac a)" \
	--profile web --uuid $UUID >/dev/null
show "$FEXCTL" "${B[@]}" vif associate 2 --port "af_packet:fexcd$$b" --mac "$(mac b)" \
	--profile web --uuid ${UUID%1}2 >/dev/null
show ectl get --prefix /fexpath/vifs/
echo "(VIF 1 is hosta's: hostb may preassociate it, for a migration, not associate it)"
show "$FEXCTL" "${B[@]}" vif associate 1 --port ring:vm1 --mac "$(mac a)" \
	--profile web --uuid $UUID 2>&1
python3 "$top/tests/integration/cluster.py" send "fexcd$$avm=$(mac a)" \
	"fexcd$$bvm=$(mac b)" --interval-ms 10 &
fex_pids+=("$!")
for h in a b; do
	check "host$h: its VM's frames leave with VLAN 10, PCP 1" wait_until 5 \
		frames_are $h "VLAN 10, PCP 1"
done

heading "The profile changed once, with etcdctl"
show ectl put $P/web '{"name": "web", "vlans": [10, 20], "native_vlan": 20, "cos": 5}'
for h in a b; do
	check "host$h: applied: frames now leave with VLAN 20, PCP 5" wait_until 5 \
		frames_are $h "VLAN 20, PCP 5"
done
for h in a b; do
	echo "host$h: profile web: native_vlan $(rpc host$h profile.get '{"name": "web"}' | json_get native_vlan)," \
		"cos $(rpc host$h profile.get '{"name": "web"}' | json_get cos);" \
		"its VM's last frame on the uplink: $(last_frame $h)"
done

heading "fexctl cluster status"
show "$FEXCTL" "${A[@]}" cluster status
echo
fex_done
