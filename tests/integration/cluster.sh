#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A cluster of hosts (SPEC §9): a 3-member etcd cluster and 3 fexpath
# hosts on 127.0.0.1, each with one VM (a veth the test sends a frame into
# every millisecond) and its uplink written to a pcap.
#   - a profile put with etcdctl reaches every data path (VLAN and CoS of
#     the frames on each uplink pcap, read with tshark);
#   - 200 changes: put -> profile.get on every host, and put -> first frame
#     with the new VLAN/CoS on every uplink, p50/p99 printed;
#   - one etcd member killed: changes still flow (its host fails over);
#   - a host stopped, 50 changes, started again: it converges;
#   - the whole store stopped: forwarding goes on, profile.set is refused
#     with "cluster store unreachable", the store back: it converges;
#   - 100 association races between two hosts: one owner every time;
#   - a host killed with kill -9: its VIFs are freed after the lease TTL
#     and another host can associate them.
# The etcd members are started here (private data directories, free
# ports) and stopped by pid, never the system's service.
. "$(dirname "$0")/../lib/fex-lib.sh"
. "$(dirname "$0")/../lib/fex-etcd.sh"
command -v tshark >/dev/null || skip_all "tshark missing (tools/fex-setup.sh installs it)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (veth pairs)"
fex_tmpdir
PY="python3 $FEX_SRC/tests/integration/cluster.py"
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
P=/fexpath/clusters/default/profiles
T0=$(date +%s)
quiet() {
	"$@" >/dev/null
}

etcd_cluster 3 || { fex_done; exit 1; }
healthy() {
	ectl endpoint health >/dev/null 2>&1
}
check "3 etcd members up" healthy

# One VM per host: a veth pair, fexpath on one end, the sender on the other.
for h in 1 2 3; do
	a=fexcl$$v${h}a b=fexcl$$v${h}b
	ip link add "$a" type veth peer name "$b" || skip_all "cannot create a veth pair"
	on_exit "ip link del $a"
	for i in "$a" "$b"; do
		sysctl -qw net.ipv6.conf.$i.disable_ipv6=1
		ip link set "$i" up
	done
done
vnic() { echo "fexcl$$v${1}a"; }
mac() { printf '02:00:00:00:00:%02x' $((10 + $1)); }

ectl put $P/web '{"name": "web", "vlans": [10, 20], "native_vlan": 10, "cos": 1}' >/dev/null

# Each host prefers another member (h1: m1, h2: m2, h3: m3), all listed.
store() {
	case $1 in
	1) echo "$(etcd_url 1),$(etcd_url 2),$(etcd_url 3)" ;;
	2) echo "$(etcd_url 2),$(etcd_url 3),$(etcd_url 1)" ;;
	3) echo "$(etcd_url 3),$(etcd_url 1),$(etcd_url 2)" ;;
	4) etcd_url 3 ;;		# h4: member 3 only (the compaction case)
	esac
}
# Three busy-polling hosts on two cores crawl: one lcore each (core 0,
# shared), idle workers sleep.
EAL=(--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error)
start_host() {	# start_host H UPLINK_PCAP
	local uplink=pcap:tx=$2
	[ "$2" = null ] && uplink=null
	fex_start h$1 "${EAL[@]}" -- --uplink "$uplink" --tag vntag \
		--state "$T/h$1.state.json" --idle-sleep-us 100 \
		--cluster-store "$(store "$1")" --host h$1
}
UP1=$T/h1.up.pcap UP2=$T/h2.up.pcap UP3=$T/h3.up.pcap	# each host's uplink
up() { eval "echo \$UP$1"; }
for h in 1 2 3; do
	start_host $h "$(up $h)" || { fex_done; exit 1; }
done
start_host 4 null || { fex_done; exit 1; }	# no VM, member 3 only
profile_field() {	# profile_field H FIELD
	rpc h$1 profile.get '{"name": "web"}' 2>/dev/null | json_get "$2" 2>/dev/null
}
profile_is() {	# profile_is H FIELD VALUE
	[ "$(profile_field "$1" "$2")" = "$3" ]
}
no_keys() {	# no_keys PREFIX: nothing in the store under it
	[ -z "$(ectl get --prefix "$1" --keys-only)" ]
}
for h in 1 2 3; do
	check "h$h: profile web from the store" wait_until 10 profile_is $h cos 1
	check "h$h: VIF $((10 + h)) associated" quiet \
		rpc h$h vif.associate "{\"vif\": $((10 + h)), \"port\": \"af_packet:$(vnic $h)\",
		\"mac\": \"$(mac $h)\", \"profile\": \"web\", \"instance_uuid\": \"$UUID\"}"
done
check_eq "h1: cluster status: reachable, watching" "True True" \
	"$(rpc h1 cluster.status | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["reachable"], s["watching"])')"
check_eq "the store names each VIF's host" "h1 h2 h3" \
	"$(for v in 11 12 13; do ectl get --print-value-only /fexpath/vifs/$v | json_get host; done | xargs)"

$PY send "fexcl$$v1b=$(mac 1)" "fexcl$$v2b=$(mac 2)" "fexcl$$v3b=$(mac 3)" --interval-ms 1 &
SENDER=$!
fex_pids+=("$SENDER")

# ---- a profile put with etcdctl reaches the three data paths
last_frame() {	# last_frame H -> "VLAN PCP" of H's newest frame on its uplink
	tshark -r "$(up "$1")" -Y "eth.src == $(mac "$1")" -T fields -e vlan.id \
		-e vlan.priority 2>/dev/null | tail -1 | tr '\t' ' '
}
frames_are() {	# frames_are H "VLAN PCP"
	[ "$(last_frame "$1")" = "$2" ]
}
for h in 1 2 3; do
	check "h$h: frames leave with native VLAN 10, CoS 1" wait_until 10 frames_are $h "10 1"
done
ectl put $P/web '{"name": "web", "vlans": [10, 20], "native_vlan": 20, "cos": 5}' >/dev/null
for h in 1 2 3; do
	check "h$h: etcdctl put -> frames on its uplink pcap now VLAN 20, CoS 5" \
		wait_until 5 frames_are $h "20 5"
done

# ---- 200 changes: put -> profile.get, and put -> data path
SOCKS=$T/h1.sock,$T/h2.sock,$T/h3.sock
uplinks() { echo "$UP1=$(mac 1),$UP2=$(mac 2),$UP3=$(mac 3)"; }
check "200 changes put into etcd reach every host's data path, p99 < 100 ms" \
	$PY changes --gateway "$ETCD_ENDPOINTS" --socks "$SOCKS" --uplinks "$(uplinks)" \
	--n 200 --tag "200 changes" --p99-max 100

# ---- one member killed: changes still flow (h3 was watching it). h4,
# which knows only member 3, is frozen meanwhile, the store compacted:
# back, its watch cannot resume from its revision and it resyncs.
kill -STOP "$(fex_pid h4)"
etcd_stop_member 3 KILL
E12="$(etcd_url 1),$(etcd_url 2)"
check "member 3 killed: the other two take writes (a leader elected)" \
	wait_until 10 ectl --endpoints "$E12" put /fex-test/probe 1
check "member 3 killed: 20 changes still reach every host's data path" $PY changes \
	--gateway "$E12" --socks "$SOCKS" --uplinks "$(uplinks)" --n 20 --first 200 \
	--tag "member 3 killed"
check_eq "h3 failed over to another member" True \
	"$(rpc h3 cluster.status | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["watching"] and not any(e["current"] and e["endpoint"].endswith(":'"$ETCD_CPORT_3"'") for e in s["store"]))')"
rev=$(ectl get /fex-test/probe -w json | json_get header.revision)
check "the store compacted at revision $rev" quiet ectl compact "$rev"
etcd_start_member 3
check "member 3 back" etcd_wait_member 3
t=$(date +%s%N)
kill -CONT "$(fex_pid h4)"
want=$(ectl get --print-value-only $P/web | json_get description)
check "h4 (member 3 only, frozen meanwhile) resyncs after the compaction: '$want'" \
	wait_until 10 profile_is 4 description "$want"
echo "     h4: in step $(( ($(date +%s%N) - t) / 1000000 )) ms after it was let go"
check_eq "h4: a second snapshot (the first at start)" 2 "$(rpc h4 cluster.status | json_get snapshots)"
check "h4's log says why" grep -q "was compacted.*resync of the whole prefix" "$T/h4.log"

# ---- a host stopped, 50 changes, started again: it converges
fex_stop h3
check_eq "h3 stopped cleanly" 0 $?
check "h3 stopped: 50 changes reach h1 and h2" quiet $PY changes \
	--gateway "$ETCD_ENDPOINTS" --socks "$T/h1.sock,$T/h2.sock" --n 50 --first 300 \
	--tag "h3 stopped"
want=$(ectl get --print-value-only $P/web | json_get description)
t=$(date +%s%N)
UP3=$T/h3.up2.pcap	# a new file: the old one was closed complete
start_host 3 "$UP3"
check "h3 restarted: converges to the last of the 50 changes ('$want')" wait_until 10 \
	profile_is 3 description "$want"
echo "     h3: up and converged $(( ($(date +%s%N) - t) / 1000000 )) ms after its start"
check "h3: its restored VIF forwards with the store's profile (VLAN 20, CoS 5)" \
	wait_until 5 frames_are 3 "20 5"

# ---- the whole store stopped
for i in 1 2 3; do etcd_stop_member $i; done
tx_before=$(for h in 1 2 3; do uplink_counter h$h tx_packets; done | xargs)
forwards() {	# every host's uplink sent 500 frames more than in tx_before
	local h=1 b
	for b in $tx_before; do
		[ "$(uplink_counter h$h tx_packets)" -gt $((b + 500)) ] || return 1
		h=$((h + 1))
	done
}
check "store down: every host still forwards (uplink tx 500 past $tx_before)" \
	wait_until 5 forwards
for h in 1 2 3; do
	check "store down: h$h forwards with the last known profile (VLAN 20, CoS 5)" \
		frames_are $h "20 5"
done
out=$("$FEXCTL" --socket "$T/h1.sock" profile set web --cos 2 2>&1)
check "store down: profile.set refused: cluster store unreachable" \
	grep -q "cluster store unreachable" <<<"$out"
echo "     $out" | cut -c1-200
check_eq "store down: nothing changed (CoS still 5)" 5 "$(profile_field 1 cos)"
check_eq "store down: cluster status says unreachable" False \
	"$(rpc h2 cluster.status | json_get reachable)"
for i in 1 2 3; do etcd_start_member $i; done
for i in 1 2 3; do check "member $i back" etcd_wait_member $i; done
t=$(date +%s%N)
check "store back: profile.set on h1 goes through" wait_until 15 \
	"$FEXCTL" --socket "$T/h1.sock" profile set web --cos 2 --native-vlan 10
for h in 2 3; do
	check "store back: h$h converges (CoS 2)" wait_until 10 profile_is $h cos 2
done
echo "     store back: the change made and on every host $(( ($(date +%s%N) - t) / 1000000 )) ms after the members started"
for h in 1 2 3; do
	check "store back: h$h's frames leave with VLAN 10, CoS 2" wait_until 5 \
		frames_are $h "10 2"
done
check_eq "store back: h1's VIF 11 still held by h1 in the store" h1 \
	"$(ectl get /fexpath/vifs/11 --print-value-only | json_get host)"

# ---- 100 association races between h1 and h2
check "100 association races: one owner every time" $PY race --socks "$T/h1.sock,$T/h2.sock" \
	--hosts h1,h2 --gateway "$(etcd_url 1)" --first 100 --n 100

# ---- a migration of VIF 11 from h1 to h2: preassociate, associate, disassociate
owner() {	# owner VIF -> "host state" in the store, or "none"
	local v
	v=$(ectl get --print-value-only /fexpath/vifs/$1)
	[ -n "$v" ] && echo "$(json_get host <<<"$v") $(json_get state <<<"$v")" || echo none
}
M11="{\"vif\": 11, \"port\": \"ring:m11\", \"mac\": \"$(mac 1)\", \"profile\": \"web\", \"instance_uuid\": \"$UUID\"}"
check "migration: h2 preassociates VIF 11 (associated on h1)" quiet rpc h2 vif.preassociate "$M11"
check_eq "migration: the key still names h1" "h1 associated" "$(owner 11)"
check "migration: h2 associates it: takes it over" quiet rpc h2 vif.associate "$M11"
check_eq "migration: the key names h2" "h2 associated" "$(owner 11)"
check "migration: h1 disassociates its copy" quiet rpc h1 vif.disassociate '{"vif": 11}'
check_eq "migration: the key still names h2" "h2 associated" "$(owner 11)"
check "h2 disassociates VIF 11" quiet rpc h2 vif.disassociate '{"vif": 11}'
check_eq "then nobody holds it" none "$(owner 11)"

# ---- the same without "vif" (SPEC §8): the id is the cluster's lowest
# free one, and a migration's destination takes the id the source holds
noid() {	# noid PORT MAC [VIF]: vif.[pre]associate params
	echo "{${3:+\"vif\": $3, }\"port\": \"ring:$1\", \"mac\": \"$2\", \"profile\": \"web\", \"instance_uuid\": \"$UUID\"}"
}
v2=$(rpc h2 vif.associate "$(noid a2 02:00:00:00:0a:02)" | json_get vif)
v3=$(rpc h1 vif.associate "$(noid a3 02:00:00:00:0a:03)" | json_get vif)
check "no id: h1 skips the id h2 took ($v2, $v3)" test -n "$v2" -a -n "$v3" -a "$v2" != "$v3"
rpc h1 vif.disassociate "{\"vif\": $v3}" >/dev/null
# h1's vNIC has an id no lowest-free pick gives: 50
check_eq "h1 associates its vNIC as VIF 50" 50 \
	"$(rpc h1 vif.associate "$(noid a1 02:00:00:00:0a:01 50)" | json_get vif)"
check_eq "no id: h2's preassociate of h1's vNIC takes h1's id" 50 \
	"$(rpc h2 vif.preassociate "$(noid a1b 02:00:00:00:0a:01)" | json_get vif)"
check_eq "no id: the store still names h1" "h1 associated" "$(owner 50)"
check_eq "no id: h2's associate of it too, taking it over" 50 \
	"$(rpc h2 vif.associate "$(noid a1b 02:00:00:00:0a:01)" | json_get vif)"
check_eq "no id: the store names h2 for VIF 50" "h2 associated" "$(owner 50)"
for h in 1 2; do rpc h$h vif.disassociate '{"vif": 50}' >/dev/null; done
rpc h2 vif.disassociate "{\"vif\": $v2}" >/dev/null
check_eq "no id: then nobody holds VIF 50" none "$(owner 50)"

# ---- kill -9 of a host: its VIFs are freed after the lease TTL
for v in 300 301 302 303 304; do
	rpc h3 vif.associate "{\"vif\": $v, \"port\": \"ring:k$v\", \"mac\": \"02:00:00:00:03:$((v - 300))0\",
		\"profile\": \"web\", \"instance_uuid\": \"$UUID\"}" >/dev/null
done
check_eq "h3 holds VIFs 300-304 in the store" "h3 h3 h3 h3 h3" \
	"$(for v in 300 301 302 303 304; do ectl get --print-value-only /fexpath/vifs/$v | json_get host; done | xargs)"
kill -KILL "$(fex_pid h3)"
wait "$(fex_pid h3)" 2>/dev/null
t=$(date +%s%N)
out=$("$FEXCTL" --socket "$T/h1.sock" vif associate 300 --port ring:j300 --mac 02:00:00:00:03:00 \
	--profile web --uuid $UUID 2>&1)
check "h3 killed: h1's associate of VIF 300 refused at first (associated on host h3)" \
	grep -q "VIF 300 is associated on host h3.*bad-state" <<<"$out"
check "h3's VIF keys vanish within the lease TTL (5 s) + 1 s" wait_until 6 \
	no_keys /fexpath/vifs/30
echo "     h3's VIFs freed $(( ($(date +%s%N) - t) / 1000000 )) ms after kill -9 (lease TTL 5 s, renewed every 1.67 s)"
ok=0
for v in 300 301 302 303 304; do
	rpc h1 vif.associate "{\"vif\": $v, \"port\": \"ring:j$v\", \"mac\": \"02:00:00:00:03:$((v - 300))0\",
		\"profile\": \"web\", \"instance_uuid\": \"$UUID\"}" >/dev/null && ok=$((ok + 1))
done
check_eq "then h1 associates them (5 of 5)" 5 $ok
check_eq "the store names h1" "h1 h1 h1 h1 h1" \
	"$(for v in 300 301 302 303 304; do ectl get --print-value-only /fexpath/vifs/$v | json_get host; done | xargs)"

# ---- the data-path figures over everything that ran, then stop
kill "$SENDER" 2>/dev/null
for h in 1 2 4; do
	fex_stop h$h
	check_eq "h$h: exit status" 0 $?
done
echo "     $(($(date +%s) - T0)) s in all"
fex_done
