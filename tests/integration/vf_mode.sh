#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# VF-per-vNIC (io_performance: high): a VIF gets a VF of its own and its
# frames pass between the vNIC and the VF without a software tag, with
# every other policy applied. pcap ports play the VFs (on a real host:
# pci:BDF of VFs bound with tools/vic/fex-vic-setup).
. "$(dirname "$0")/../lib/fex-lib.sh"
command -v tshark >/dev/null || skip_all "tshark missing (tools/fex-setup.sh installs it)"
fex_tmpdir
EAL=(--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error)
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
MAC1=02:00:00:00:00:01
MAC2=02:00:00:00:00:02
gen() { "$PCAPGEN" "$@" >/dev/null || echo "pcapgen failed: $*"; }
count() { tshark -r "$1" 2>/dev/null | wc -l; }

for mode in none vntag; do
	d=$T/$mode
	mkdir -p "$d"
	# VM 1 (profile fast, io_performance high): 4 untagged, 2 on VLAN 99 (not allowed)
	gen --out "$d/vm1.pcap" --count 4 --src-mac $MAC1 --dst-mac $MAC2
	gen --out "$d/vm1.pcap" --append --count 2 --src-mac $MAC1 --vlan 99
	# What the adapter delivers on VF 1: 3 native VLAN 10, 1 VLAN 20, 1 VLAN 30 (dropped)
	gen --out "$d/vf1.pcap" --count 3 --dst-mac $MAC1 --vlan 10
	gen --out "$d/vf1.pcap" --append --count 1 --dst-mac $MAC1 --vlan 20 --pcp 4
	gen --out "$d/vf1.pcap" --append --count 1 --dst-mac $MAC1 --vlan 30
	# VM 2 (profile slow, software-tagged on the PF)
	gen --out "$d/vm2.pcap" --count 2 --src-mac $MAC2 --dst-mac $MAC1
	cat >"$d/fex.ini" <<-INI
	[fexpath]
	uplink = pcap:tx=$d/pf.pcap
	tag = $mode
	vf_ports = pcap:rx=$d/vf1.pcap,tx=$d/vf1_out.pcap; pcap:tx=$d/vf2_out.pcap
	[profile fast]
	vlans = 10,20
	native_vlan = 10
	cos = 2
	io_performance = high
	[profile slow]
	vlans = 10
	native_vlan = 10
	[vif 1]
	port = pcap:rx=$d/vm1.pcap,tx=$d/vm1_out.pcap
	mac = $MAC1
	profile = fast
	instance_uuid = $UUID
	[vif 2]
	port = pcap:rx=$d/vm2.pcap,tx=$d/vm2_out.pcap
	mac = $MAC2
	profile = slow
	instance_uuid = $UUID
	INI
	fex_start $mode "${EAL[@]}" -- --config "$d/fex.ini" --no-state || continue
	check "$mode: VIF 1 took VM 1's 6 frames and the VF's 5" wait_until 20 bash -c "
		\"$FEXCTL\" --socket $T/$mode.sock --json call vif.stats '{\"vif\": 1}' |
		python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(not (s[\"rx_packets\"] == 6 and s[\"tx_packets\"] + s[\"drop_vlan\"] == 7))'"
	check "$mode: VIF 2 took VM 2's 2 frames" wait_until 20 bash -c "
		\"$FEXCTL\" --socket $T/$mode.sock --json call vif.stats '{\"vif\": 2}' |
		python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"rx_packets\"] != 2)'"
	roles=$(rpc $mode port.list | python3 -c 'import json,sys; print(" ".join(sorted(p["role"] for p in json.load(sys.stdin))))')
	check_eq "$mode: ports: uplink, 2 vNICs, 1 VF (the second VF is not needed)" "uplink vf vnic vnic" "$roles"
	check_eq "$mode: VIF 1 drop_vlan (2 up on VLAN 99, 1 down on VLAN 30)" 3 "$(vif_counter $mode 1 drop_vlan)"
	fex_stop $mode
	check_eq "$mode: exit status" 0 $?

	check_eq "$mode: VM 1 -> its VF: 4 frames" 4 "$(count "$d/vf1_out.pcap")"
	check_eq "$mode: ... on the native VLAN with CoS 2, no VIF tag" "4 10 2 0x0800" \
		"$(tshark_fields "$d/vf1_out.pcap" vlan.id vlan.priority vlan.etype vntag.src etag.ecid_base |
		   sort | uniq -c | awk '{print $1, $2, $3, $4}')"
	check_eq "$mode: VF 1 -> VM 1: 4 frames" 4 "$(count "$d/vm1_out.pcap")"
	check_eq "$mode: ... native VLAN stripped, VLAN 20 kept" "3 - 1 20" \
		"$(tshark_fields "$d/vm1_out.pcap" vlan.id | sed 's/^$/-/' | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$mode: the second VF stayed unused" 0 "$(count "$d/vf2_out.pcap")"
	if [ $mode = none ]; then
		check_eq "none: VM 2 -> PF: 2 frames with only the 802.1Q tag" "2 10" \
			"$(tshark_fields "$d/pf.pcap" vlan.id vntag.src | sort | uniq -c | awk '{$1 = $1; print}')"
	else
		check_eq "vntag: VM 2 -> PF: 2 frames VN-Tagged svif 2 (only VIF 2 uses the PF)" "2 2 10" \
			"$(tshark_fields "$d/pf.pcap" vntag.src vlan.id | sort | uniq -c | awk '{print $1, $2, $3}')"
	fi
done
fex_done
