#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pcap in -> pcap out through fexpath, both directions, both tag formats,
# checked frame by frame with tshark: tags, VLANs, CoS, native VLAN,
# looped-source pruning, flood to a VIF list, VM-to-VM only via the
# uplink, and every drop reason visible in the counters.
. "$(dirname "$0")/../lib/fex-lib.sh"
command -v tshark >/dev/null || skip_all "tshark missing (tools/fex-setup.sh installs it)"
fex_tmpdir

EAL=(--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error)
MAC10=02:00:00:00:00:0a
MAC11=02:00:00:00:00:0b
MAC12=02:00:00:00:00:0c
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
gen() { "$PCAPGEN" "$@" >/dev/null || echo "pcapgen failed: $*"; }

run_mode() {
	local mode=$1 d=$T/$1
	mkdir -p "$d"

	# VM 10 (profile web: VLANs 10,20, native 10, CoS 3, MAC forging deny)
	gen --out "$d/vm10.pcap" --count 5 --src-mac $MAC10 --dst-mac $MAC11
	gen --out "$d/vm10.pcap" --append --count 3 --src-mac $MAC10 --dst-mac $MAC11 --vlan 20 --pcp 1
	gen --out "$d/vm10.pcap" --append --count 2 --src-mac $MAC10 --vlan 30
	gen --out "$d/vm10.pcap" --append --count 1 --src-mac $MAC12
	gen --out "$d/vm10.pcap" --append --count 1 --src-mac $MAC10 --vlan 0 --pcp 5
	# VM 11 (web): nothing to send; VM 12 (open: VLAN 30 only, no native)
	gen --out "$d/vm11.pcap" --count 1 --src-mac $MAC11 --dst-mac $MAC10 --vlan 10
	gen --out "$d/vm12.pcap" --count 2 --src-mac $MAC12 --dst-mac $MAC10
	gen --out "$d/vm12.pcap" --append --count 1 --src-mac $MAC12 --vlan 30 --pcp 6

	# The fabric's frames (downstream)
	local t=(--tag "$mode" --dir down --src-mac $MAC11)
	gen --out "$d/down.pcap" "${t[@]}" --count 4 --dst-mac $MAC10 --dvif 10 --svif 11 --vlan 10
	gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dst-mac $MAC10 --dvif 10 --svif 11 --vlan 20 --pcp 2
	gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dst-mac $MAC10 --dvif 10 --vlan 40
	gen --out "$d/down.pcap" --append "${t[@]}" --count 2 --dvif 99 --vlan 10
	gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dvif 12 --vlan 10
	local looped=--looped
	[ "$mode" = etag ] && looped=	# E-Tag: a list frame with an ingress E-CID is looped
	gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dst-mac ff:ff:ff:ff:ff:ff \
		--ptr --dvif 100 $looped --svif 10 --vlan 10
	gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --ptr --dvif 101 --vlan 10
	gen --out "$d/down.pcap" --append --tag "$mode" --dir up --count 1 --svif 10
	if [ "$mode" = vntag ]; then
		gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dvif 10 --raw-tag 800a4000
		gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dvif 10 --raw-tag 800a1000
	else
		gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dvif 10 --raw-tag 0000000a0100
		gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dvif 10 --raw-tag 0000c00a0000
	fi
	gen --out "$d/down.pcap" --append "${t[@]}" --count 1 --dvif 10 --truncate 15
	gen --out "$d/down.pcap" --append --count 1 --dst-mac $MAC10

	cat >"$d/fex.ini" <<-INI
	[fexpath]
	uplink = pcap:rx=$d/down.pcap,tx=$d/up.pcap
	tag = $mode
	[profile web]
	vlans = 10,20
	native_vlan = 10
	cos = 3
	mac_forging = deny
	[profile open]
	vlans = 30
	[vif 10]
	port = pcap:rx=$d/vm10.pcap,tx=$d/vm10_out.pcap
	mac = $MAC10
	profile = web
	instance_uuid = $UUID
	[vif 11]
	port = pcap:rx=$d/vm11.pcap,tx=$d/vm11_out.pcap
	mac = $MAC11
	profile = web
	instance_uuid = $UUID
	[vif 12]
	port = pcap:rx=$d/vm12.pcap,tx=$d/vm12_out.pcap
	mac = $MAC12
	profile = open
	instance_uuid = $UUID
	[viflist 100]
	vifs = 10,11,12
	INI

	fex_start $mode "${EAL[@]}" -- --config "$d/fex.ini" --no-state \
		--stats-json "$d/final.json" || return
	local n_down n_vm10
	n_down=$(tshark -r "$d/down.pcap" 2>/dev/null | wc -l)
	n_vm10=$(tshark -r "$d/vm10.pcap" 2>/dev/null | wc -l)
	check "$mode: every frame taken in" wait_until 20 bash -c "
		[ \"\$(\"$FEXCTL\" --socket $T/$mode.sock --json call stats |
		      python3 -c 'import json,sys; print(json.load(sys.stdin)[\"uplinks\"][0][\"rx_packets\"])')\" = $n_down ] &&
		[ \"\$(\"$FEXCTL\" --socket $T/$mode.sock --json call vif.stats '{\"vif\": 12}' |
		      python3 -c 'import json,sys; print(json.load(sys.stdin)[\"rx_packets\"])')\" = 3 ] &&
		[ \"\$(\"$FEXCTL\" --socket $T/$mode.sock --json call vif.stats '{\"vif\": 10}' |
		      python3 -c 'import json,sys; print(json.load(sys.stdin)[\"rx_packets\"])')\" = $n_vm10 ]"

	# Counters, before stopping.
	check_eq "$mode: VIF 10 rx_packets" 12 "$(vif_counter $mode 10 rx_packets)"
	check_eq "$mode: VIF 10 drop_vlan (VLAN 30 up, VLAN 40 down)" 3 "$(vif_counter $mode 10 drop_vlan)"
	check_eq "$mode: VIF 10 drop_mac_forged" 1 "$(vif_counter $mode 10 drop_mac_forged)"
	# E-Tag has no direction bit: an upstream-looking E-Tag (GRP 0,
	# E-CID 10) is a frame for VIF 10; VN-Tag's d=0 is a drop.
	local to10=5 ndir=1
	[ "$mode" = etag ] && to10=6 ndir=0
	check_eq "$mode: VIF 10 tx_packets (to the VM)" $to10 "$(vif_counter $mode 10 tx_packets)"
	check_eq "$mode: VIF 11 tx_packets (one flood copy)" 1 "$(vif_counter $mode 11 tx_packets)"
	check_eq "$mode: VIF 12 drop_vlan (untagged up, no native; VLAN 10 down x2)" 4 \
		"$(vif_counter $mode 12 drop_vlan)"
	check_eq "$mode: uplink drop_unknown_vif (dvif 99 x2, list 101)" 3 \
		"$(uplink_counter $mode drop_unknown_vif)"
	check_eq "$mode: uplink drop_direction" $ndir "$(uplink_counter $mode drop_direction)"
	check_eq "$mode: uplink drop_malformed (reserved, version/ext, truncated, untagged)" 4 \
		"$(uplink_counter $mode drop_malformed)"
	check_eq "$mode: uplink tx_packets" 11 "$(uplink_counter $mode tx_packets)"
	fex_stop $mode
	check_eq "$mode: fexpath exit status" 0 $?

	# Upstream: every frame tagged with its source VIF, VLAN and CoS.
	local f=(eth.src vlan.id vlan.priority)
	if [ "$mode" = vntag ]; then
		f=(vntag.dir vntag.ptr vntag.dst vntag.looped vntag.src "${f[@]}")
	else
		f=(etag.pcp etag.group etag.ecid_base etag.iecid_base "${f[@]}")
	fi
	tshark_fields "$d/up.pcap" "${f[@]}" >"$d/up.txt"
	local up10 up11 up12
	if [ "$mode" = vntag ]; then
		up10="0	0	0	0	10	$MAC10	10	3"
		up10b="0	0	0	0	10	$MAC10	20	3"
		up11="0	0	0	0	11	$MAC11	10	3"
		up12="0	0	0	0	12	$MAC12	30	6"
	else
		# tshark prints E-CIDs in hex
		up10="3	0	0x000a	0x0000	$MAC10	10	3"
		up10b="3	0	0x000a	0x0000	$MAC10	20	3"
		up11="3	0	0x000b	0x0000	$MAC11	10	3"
		up12="6	0	0x000c	0x0000	$MAC12	30	6"
	fi
	check_eq "$mode: upstream untagged -> native VLAN 10, CoS 3, svif 10" 6 \
		"$(grep -cxF "$up10" "$d/up.txt")"
	check_eq "$mode: upstream VLAN 20 keeps VID, PCP rewritten to CoS 3" 3 \
		"$(grep -cxF "$up10b" "$d/up.txt")"
	check_eq "$mode: VM 11 -> VM 10 leaves by the uplink, svif 11" 1 \
		"$(grep -cxF "$up11" "$d/up.txt")"
	check_eq "$mode: open profile keeps PCP (no CoS), svif 12" 1 \
		"$(grep -cxF "$up12" "$d/up.txt")"
	check_eq "$mode: nothing else upstream" 11 "$(wc -l <"$d/up.txt")"

	# Downstream: tag gone, native VLAN stripped, other VLANs kept.
	check_eq "$mode: VM 10 got $to10 frames" $to10 "$(tshark -r "$d/vm10_out.pcap" 2>/dev/null | wc -l)"
	check_eq "$mode: VM 10: native VLAN 10 stripped ($((to10 - 1)) untagged)" $((to10 - 1)) \
		"$(tshark_fields "$d/vm10_out.pcap" eth.type | grep -cx 0x0800)"
	check_eq "$mode: VM 10: VLAN 20 kept with its PCP" "20	2" \
		"$(tshark_fields "$d/vm10_out.pcap" vlan.id vlan.priority | grep -v '^	*$')"
	check_eq "$mode: no VIF tag reaches a VM" "" \
		"$(tshark_fields "$d/vm10_out.pcap" vntag.src etag.ecid_base | tr -d '\t\n')"
	check_eq "$mode: flood copy to VM 11 (VM 10 pruned as looped source)" \
		"ff:ff:ff:ff:ff:ff	0x0800" "$(tshark_fields "$d/vm11_out.pcap" eth.dst eth.type)"
	check_eq "$mode: VM 12 got nothing" 0 "$(tshark -r "$d/vm12_out.pcap" 2>/dev/null | wc -l)"
	# VM 10 sent 3 frames to VM 11's MAC: none arrived there directly.
	check_eq "$mode: VM-to-VM frames never delivered inside the host" 0 \
		"$(tshark_fields "$d/vm11_out.pcap" eth.src | grep -c "$MAC10")"
}

run_mode vntag
run_mode etag
fex_done
