#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A running fexpath seen from outside with stock DPDK tools:
# dpdk-telemetry.py reads its counters, dpdk-dumpcap captures its uplink.
# Both attach through DPDK's multi-process files, so this run needs
# hugepages (tools/fex-setup.sh reserves them).
. "$(dirname "$0")/../lib/fex-lib.sh"
command -v dpdk-telemetry.py >/dev/null || skip_all "dpdk-telemetry.py missing (package dpdk-dev)"
command -v dpdk-dumpcap >/dev/null || skip_all "dpdk-dumpcap missing (package dpdk-dev)"
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
[ "${free:-0}" -ge 128 ] || skip_all "needs 128 free 2 MiB hugepages (have ${free:-0}); run tools/fex-setup.sh"
fex_tmpdir

prefix=fexobs$$
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 5 --svif 9 --vlan 10 --count 32 >/dev/null
on_exit "rm -rf /var/run/dpdk/$prefix /dev/hugepages/${prefix}map_*"

"$FEXPATH" -l 0 -m 256 --file-prefix $prefix --log-level=lib.eal:error -- \
	--uplink "pcap:rx=$T/down.pcap,infinite" --tag vntag --no-state \
	--control "$T/obs.sock" >"$T/obs.log" 2>&1 &
fex_pids+=($!)
FEX_PID_obs=$!
check "fexpath up with hugepages" wait_until 30 "$FEXCTL" --socket "$T/obs.sock" cluster list
rpc obs profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
rpc obs vif.associate "{\"vif\": 5, \"port\": \"null\", \"mac\": \"02:00:00:00:00:05\",
	\"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" >/dev/null

tel() {
	echo "$1" | timeout 20 dpdk-telemetry.py -f $prefix 2>/dev/null | tail -1
}
out=$(tel /fexpath/stats)
echo "telemetry /fexpath/stats: $out"
check "dpdk-telemetry.py /fexpath/stats shows uplink rx_packets" \
	python3 -c "import json,sys; assert json.loads(sys.argv[1])['/fexpath/stats']['rx_packets'] > 0" "$out"
out=$(tel /fexpath/vif/list)
check_eq "dpdk-telemetry.py /fexpath/vif/list" '{"/fexpath/vif/list": [5]}' "$out"
out=$(tel /fexpath/vif/stats,5)
echo "telemetry /fexpath/vif/stats,5: $out"
check "dpdk-telemetry.py /fexpath/vif/stats,5 shows frames to the VM" \
	python3 -c "import json,sys; assert json.loads(sys.argv[1])['/fexpath/vif/stats']['tx_packets'] > 0" "$out"
out=$(tel /ethdev/list)
check "dpdk-telemetry.py /ethdev/list shows both ports" \
	python3 -c "import json,sys; assert json.loads(sys.argv[1])['/ethdev/list'] == [0, 1]" "$out"

timeout 60 dpdk-dumpcap --file-prefix $prefix -i 0 -c 20 -w "$T/uplink.pcapng" >"$T/dumpcap.log" 2>&1
check_eq "dpdk-dumpcap on the uplink: exit status" 0 $?
n=$(tshark -r "$T/uplink.pcapng" 2>/dev/null | wc -l)
check "dpdk-dumpcap captured at least 20 frames ($n)" test "$n" -ge 20
check_eq "... all VN-Tagged to VIF 5 from VIF 9" "$n 5 9" \
	"$(tshark_fields "$T/uplink.pcapng" vntag.dst vntag.src | sort | uniq -c | awk '{print $1, $2, $3}')"
check "fexpath still forwards after the capture" bash -c \
	"a=\$(\"$FEXCTL\" --socket $T/obs.sock --json call vif.stats '{\"vif\": 5}' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tx_packets\"])');
	 sleep 0.2;
	 b=\$(\"$FEXCTL\" --socket $T/obs.sock --json call vif.stats '{\"vif\": 5}' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tx_packets\"])');
	 [ \$b -gt \$a ]"
fex_stop obs
check_eq "fexpath exit status" 0 $?
fex_done
