#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# More lcores than uplink queues (the -l 0,1 every DPDK user types): a
# pcap uplink has one queue pair, so one lcore forwards, the other stays
# idle with one log line saying so, and frames go both ways.
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(nproc)" -ge 2 ] || skip_all "needs 2 cores"
fex_tmpdir
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
MAC1=02:00:00:00:00:01
"$PCAPGEN" --out "$T/vm1.pcap" --src-mac $MAC1 --count 100 >/dev/null
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1 --vlan 10 --count 50 >/dev/null

fex_start lc --no-huge -m 1024 --no-pci -l 0,1 --log-level=lib.eal:error -- \
	--uplink "pcap:rx=$T/down.pcap,tx=$T/up.pcap" --tag vntag --no-state \
	--stats-json "$T/final.json" || { fex_done; exit 1; }
check "it says the second lcore stays idle" \
	grep -q "1 of the 2 lcores forward, the others stay idle" "$T/lc.log"
check_eq "one worker" 1 "$(rpc lc stats | json_get workers | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
rpc lc profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
rpc lc vif.associate "{\"vif\": 1, \"port\": \"pcap:rx=$T/vm1.pcap,tx=$T/vm1.out.pcap\",
	\"mac\": \"$MAC1\", \"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" >/dev/null
check "VM -> fabric: 100 frames to the uplink" \
	wait_until 20 test "$(uplink_counter lc tx_packets 2>/dev/null)" = 100
check_eq "VIF 1 rx_packets" 100 "$(vif_counter lc 1 rx_packets)"
# The fabric's 50 frames are read once, at start: those before VIF 1
# existed are drop_unknown_vif, any after it are delivered; none is lost.
check_eq "fabric -> VM: uplink rx_packets" 50 "$(uplink_counter lc rx_packets)"
check_eq "fabric -> VM: every frame unknown-VIF or delivered" 50 \
	$(( $(uplink_counter lc drop_unknown_vif) + $(vif_counter lc 1 tx_packets) ))
check "fexpath -l 0,1 stops cleanly" fex_stop lc
fex_done
