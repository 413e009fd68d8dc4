#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# SPEC §4's MTU rules on a real veth uplink: at MTU 1500 a 1500-byte VM
# frame does not fit once tagged (1524 B with VN-Tag and 802.1Q): fexpath
# warns at start and counts it as drop_oversize instead of letting the
# kernel lose it; with --uplink-mtu 9000 it goes out.
. "$(dirname "$0")/../lib/fex-lib.sh"
fex_tmpdir
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
MAC1=02:00:00:00:00:01
up=fexmt$$a
fab=fexmt$$b
ip link add "$up" mtu 1500 type veth peer name "$fab" mtu 9000 ||
	skip_all "cannot create a veth pair"
on_exit "ip link del $up"
for i in "$up" "$fab"; do
	sysctl -qw net.ipv6.conf.$i.disable_ipv6=1
	ip link set "$i" up
done
BIG=20
SMALL=5
"$PCAPGEN" --out "$T/vm1.pcap" --src-mac $MAC1 --size 1514 --count $BIG >/dev/null
"$PCAPGEN" --out "$T/vm1.pcap" --append --src-mac $MAC1 --count $SMALL >/dev/null
fab_rx() { cat "/sys/class/net/$fab/statistics/rx_packets"; }
fab_rx_bytes() { cat "/sys/class/net/$fab/statistics/rx_bytes"; }

run() {	# run NAME [fexpath args]
	local name=$1
	shift
	fex_start "$name" --no-huge -m 1024 --no-pci -l 0 --log-level=lib.eal:error -- \
		--uplink "af_packet:$up" --tag vntag --no-state "$@" || return 1
	rpc "$name" profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
	rpc "$name" vif.associate "{\"vif\": 1, \"port\": \"pcap:rx=$T/vm1.pcap\",
		\"mac\": \"$MAC1\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" >/dev/null
	wait_until 20 test "$(vif_counter "$name" 1 rx_packets 2>/dev/null)" = $((BIG + SMALL))
}

# 1. MTU 1500: the warning, drop_oversize, only the small frames sent.
rx0=$(fab_rx)
check "fexpath on a 1500-MTU uplink takes the VM's frames" run m1500
check "start-up warning names the MTU and the fix" \
	grep -q "has MTU 1500: a 1500-byte VM frame needs 1510 once tagged.*--uplink-mtu 1510" "$T/m1500.log"
check_eq "drop_oversize" $BIG "$(vif_counter m1500 1 drop_oversize)"
check_eq "uplink tx_packets: the small frames" $SMALL "$(uplink_counter m1500 tx_packets)"
check_eq "port.list shows the MTU" 1500 "$(rpc m1500 port.list | json_get 0.mtu)"
check "the fabric side got the small frames" wait_until 10 test $(($(fab_rx) - rx0)) -ge $SMALL
fex_stop m1500

# 2. --uplink-mtu 9000: set on the interface, no warning, every frame out.
rx0=$(fab_rx)
by0=$(fab_rx_bytes)
check "fexpath with --uplink-mtu 9000 takes the VM's frames" run m9000 --uplink-mtu 9000
check_eq "interface MTU set" 9000 "$(cat /sys/class/net/$up/mtu)"
check "no MTU warning" bash -c "! grep -q 'once tagged' '$T/m9000.log'"
check_eq "drop_oversize" 0 "$(vif_counter m9000 1 drop_oversize)"
check_eq "uplink tx_packets: every frame" $((BIG + SMALL)) "$(uplink_counter m9000 tx_packets)"
check "the fabric side got them all" wait_until 10 test $(($(fab_rx) - rx0)) -ge $((BIG + SMALL))
check "... the 1524-byte ones included (rx_bytes)" \
	test $(($(fab_rx_bytes) - by0)) -ge $((BIG * 1524 + SMALL * 70))
fex_stop m9000

# 3. A port that cannot take the MTU: a clear error at start, exit non-zero.
out=$("$FEXPATH" --file-prefix "fex$$bad" --no-huge -m 512 --no-pci -l 0 \
	--log-level=lib.eal:error -- --uplink "af_packet:$up" --uplink-mtu 70000 \
	--no-state --control "$T/bad.sock" 2>&1)
check "--uplink-mtu 70000 refused" test $? -ne 0
check "... naming the range" grep -q "uplink-mtu must be an integer in 68..16000" <<<"$out"
fex_done
