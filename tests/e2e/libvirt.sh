#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# libvirt drives fexpath (SPEC §8), with real libvirtd, virsh and QEMU
# guests (tools/guest/, direct kernel boot under TCG): the test's own
# virtlogd and libvirtd in private namespaces (tests/lib/fex-libvirt.sh;
# the machine's libvirt is never touched), the integration installed by
# tools/libvirt/install.sh into them, the agent run directly.
#
#   (a) define + start two domains (one names vif='11', one lets fexpath
#       pick): preassociated by the hook before QEMU starts, associated
#       by the agent once the guest runs, with the metadata's profile and
#       the domain's UUID; they ping each other through fexpath and
#       fex-fabric (fabric stopped: they do not);
#   (b) virsh destroy: the VIF is disassociated and its port closed
#       (port.list); virsh start again: associated again;
#   (c) refused: a domain whose vNIC has no fex:vnic, one naming an
#       unknown profile, one with a mode='client' socket: virsh start
#       fails and prints why (the MAC, the profile); nothing is left in
#       fexpath;
#   (d) fexpath restarted (SIGTERM) while the domains run: their VIFs come
#       back from its state file, forwarding resumes; a domain destroyed
#       while fexpath was down leaves a VIF the agent disassociates when
#       fexpath is back;
#   (e) the agent stopped: a domain started meanwhile stays preassociated
#       (no forwarding), a VIF is left behind for a gone domain; the agent
#       started again reconciles both (a VIF on another port kind stays);
#       libvirtd restarted: the agent reconnects and follows events again;
#   (f) the domain XML of README.rst ("With libvirt") as it is there
#       (paths and ids aside) starts and forwards;
#   (g) live migration between two libvirt hosts (namespaces with their
#       own hostname, host UUID and vNIC directory at the same path, each
#       with its own fexpath and agent): the destination preassociated
#       when its QEMU starts, associated when the guest resumes there, the
#       source disassociated when its QEMU stops; the hooks' and events'
#       sequence as libvirt 9.0 ran them is printed and compared with
#       tests/e2e/libvirt-migration.seq (which tests/integration/
#       libvirt_migration.sh replays without libvirtd).
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (libvirtd, namespaces, veths)"
LVBIN=$FEX_BUILD/tools/libvirt/fex-libvirt
[ -x "$LVBIN" ] || skip_all "fex-libvirt not built (libvirt-dev, libxml2-dev missing; run tools/fex-setup.sh)"
for tool in ip python3; do
	command -v "$tool" >/dev/null || skip_all "$tool missing; run tools/fex-setup.sh"
done
# shellcheck source=../lib/fex-guest.sh
. "$FEX_SRC/tests/lib/fex-guest.sh"
# shellcheck source=../lib/fex-libvirt.sh
. "$FEX_SRC/tests/lib/fex-libvirt.sh"
guest_requirements
lv_requirements
need_hugepages 256 "two fexpaths"
need_cores "fexpath and the fabric on one, the guests on the other"

DEMO_P=lv-
# shellcheck source=../../tools/fex-demo.sh
. "$FEX_SRC/tools/fex-demo.sh"
DEMO_FAB_CORE=0
fex_tmpdir
chmod 0711 "$T"
UP=$DEMO_UP FAB=$DEMO_FAB
IMG=$T/img
VH=vhost		# the vNIC sockets: $LV_HOSTDIR/vhost on every host

# Domains: name, UUID, MAC, address.
d_uuid() { printf '2b0a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c%02d' "$1"; }
d_mac() { printf '52:54:00:66:00:%02x' "$1"; }
d_ip() { echo "10.0.10.$1"; }
d_sock() { echo "$LV_HOSTDIR/$VH/lv$1.sock"; }

# The domain XML of the README (tools/libvirt/README.rst), for domain N;
# META is what goes in <metadata> ("-": the usual fex:vnic).
d_xml() {	# d_xml N [META] [SOURCE-MODE]
	local n=$1 meta=${2:--} mode=${3:-server}
	[ "$meta" = - ] && meta="<fex:vnic xmlns:fex=\"urn:fexpath:vnic:1\" mac=\"$(d_mac "$n")\" profileid=\"web\"/>"
	lv_domain_xml "lv$n" "$(d_uuid "$n")" "$(d_mac "$n")" "$(d_ip "$n")/24" \
		"$(d_sock "$n")" "$mode" "$IMG" "$meta"
}

# Where domain N runs (a host: A or B), its console and command channel.
declare -A ON
d_console() { echo "$T/${ON[$1]:-A}/host/vm/lv$1.console"; }
d_exec() {	# d_exec N [--timeout S] CMD
	local n=$1
	shift
	python3 "$GUEST_TOOLS/fex-guest-exec" "${@:1:$#-1}" "$T/${ON[$n]:-A}/host/vm/lv$n.ctl" "${!#}"
}
d_wait_ready() { console_wait_ready "$(d_console "$1")" 120; }
d_define() {	# d_define H N [META] [MODE]
	local h=$1 n=$2
	shift 2
	d_xml "$n" "$@" >"$T/lv$n.xml"
	lv_virsh "$h" define "$T/lv$n.xml" >/dev/null
}
d_start() {	# d_start H N: virsh start; its output in $T/start-lvN.out
	local h=$1 n=$2 rc=0
	: >"$T/$h/host/vm/lv$n.console" 2>/dev/null
	ON[$n]=$h
	lv_virsh "$h" start "lv$n" >"$T/start-lv$n.out" 2>&1 || rc=$?
	if [ $rc -eq 124 ]; then	# hung: say where
		echo "virsh start lv$n did not return in $LV_VIRSH_TIMEOUT s"
		lv_diag "$h" "lv$n"
		echo "--- fexpath $h log (tail)"
		tail -n 15 "$T/fp$h.log"
		echo "--- agent $h log (tail)"
		tail -n 15 "$T/agent$h.log"
	fi
	return $rc
}
ping_ok() {	# ping_ok FROM TO
	d_exec "$1" "ping -c 1 -W 1 $(d_ip "$2")" >/dev/null 2>&1
}
ping_fails() {
	! d_exec "$1" "ping -c 3 -i 0.2 -W 1 $(d_ip "$2")" >/dev/null 2>&1
}

# fexpath of host H, in H's namespace (it reaches the vNIC sockets there).
declare -A FP_PID
fp_start() {	# fp_start H UPLINK
	local h=$1 up=$2 sock=$T/fp$1.sock
	on_exit "rm -rf /var/run/dpdk/fexlv$$$h"
	lv_bg "$h" "$T/fp$h.log" "$FEXPATH" --file-prefix "fexlv$$$h" -l 0 --no-pci -m 128 \
		--huge-unlink --log-level=lib.eal:error -- --config "$FEX_SRC/config/fexpath.ini" \
		--uplink "$up" --uplink-mtu 1510 --tag vntag --state "$T/fp$h.state" \
		--idle-sleep-us 50 --control "$sock"
	FP_PID[$h]=$!
	fex_pids+=("${FP_PID[$h]}")
	if ! wait_until 30 "$FEXCTL" --socket "$sock" cluster list; then
		echo "fexpath of host $h did not come up:"
		cat "$T/fp$h.log"
		return 1
	fi
}
fp_stop() {
	local pid=${FP_PID[$1]}
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
}
fx() {	# fx H ARGS: fexctl on host H's fexpath
	local h=$1
	shift
	"$FEXCTL" --socket "$T/fp$h.sock" "$@"
}
# VIF of domain N on host H (JSON of vif.list), field F; "" if none.
vif_of() {	# vif_of H N F
	fx "$1" --json vif list 2>/dev/null | python3 -c '
import json, sys
for v in json.load(sys.stdin):
    if v["instance_uuid"] == sys.argv[1]:
        print(v[sys.argv[2]])
        break' "$(d_uuid "$2")" "$3"
}
vif_state_is() { [ "$(vif_of "$1" "$2" state)" = "$3" ]; }
vif_gone() { [ -z "$(vif_of "$1" "$2" vif)" ]; }
vif_id_gone() { ! fx "$1" vif stats "$2" >/dev/null 2>&1; }
port_open() { fx "$1" --json port list | grep -q "\"vhost:$(d_sock "$2")\""; }
port_closed() { ! port_open "$@"; }

# The integration on host H: install.sh inside H's namespace, so the hook
# lands in H's /etc/libvirt/hooks/qemu.d; a recorder after it (qemu.d
# runs in name order) writes what libvirt called, for (g).
lv_install() {
	local h=$1
	lv_in "$h" bash "$FEX_SRC/tools/libvirt/install.sh" --root "$T/$h/inst" \
		--hook-dir /etc/libvirt/hooks/qemu.d --control "$T/fp$h.sock" \
		--vhost-dir "$LV_HOSTDIR/$VH" --uri "$(lv_uri "$h")" --build "$FEX_BUILD" || return 1
	cat >"$T/$h/etc/hooks/qemu.d/zz-record" <<EOF
#!/bin/sh
cat >/dev/null
echo "hook \$2 \$3" >>"$T/$h/hooks.seq"
EOF
	chmod 0755 "$T/$h/etc/hooks/qemu.d/zz-record"
	lv_in "$h" install -d -o libvirt-qemu -g kvm -m 0755 "$LV_HOSTDIR/vm"
	# reconcile_s 3: the periodic pass is part of what (e) checks
	sed -i 's/^reconcile_s = .*/reconcile_s = 3/' "$T/$h/inst/etc/fexpath/libvirt.conf"
}
declare -A AG_PID
agent_start() {
	local h=$1
	"$T/$h/inst/usr/local/libexec/fexpath/fex-libvirt" \
		--config "$T/$h/inst/etc/fexpath/libvirt.conf" agent >>"$T/agent$h.log" 2>&1 &
	AG_PID[$h]=$!
	fex_pids+=("${AG_PID[$h]}")
	wait_until 20 grep -q "reconciled" "$T/agent$h.log"
}
agent_stop() {
	kill -TERM "${AG_PID[$1]}" 2>/dev/null
	wait "${AG_PID[$1]}"
}
image_copy() {	# the guest image where QEMU (libvirt-qemu) reads it
	local k=$GUEST_IMAGE/vmlinux
	[ -f "$k" ] || k=$GUEST_IMAGE/vmlinuz
	install -d -m 0755 "$IMG" && install -m 0644 "$GUEST_IMAGE/initrd.cpio" "$IMG/" &&
		install -m 0644 "$k" "$IMG/vmlinux"
}

echo "=== Setup: guest image, uplink and fex-fabric, libvirt host A, fexpath, agent ==="
demo_must "guest image (Debian packages only) in $GUEST_IMAGE" guest_image || { fex_done; exit 1; }
demo_must "guest image copied to $IMG (readable by libvirt-qemu)" image_copy || { fex_done; exit 1; }
demo_must "uplink veth $UP <-> $FAB" demo_cable "$UP" "$FAB" || { fex_done; exit 1; }
demo_must "fex-fabric running" demo_fabric_start || { fex_done; exit 1; }
demo_must "host A: namespace with private libvirt dirs" lv_host_start A || { fex_done; exit 1; }
demo_must "host A: tools/libvirt/install.sh (hook, agent, config, vhost dir)" lv_install A ||
	{ fex_done; exit 1; }
check_eq "install.sh: the vhost dir belongs to QEMU's user" "libvirt-qemu:kvm 770" \
	"$(stat -c '%U:%G %a' "$T/A/host/$VH")"
check "install.sh: agent unit and tmpfiles conf written" \
	grep -q "libvirt-qemu kvm" "$T/A/inst/etc/tmpfiles.d/fexpath-libvirt.conf"
demo_must "host A: virtlogd and libvirtd running" lv_daemons_start A || { fex_done; exit 1; }
demo_must "host A: fexpath running (uplink af_packet:$UP)" fp_start A "af_packet:$UP" ||
	{ fex_done; exit 1; }
fx A profile set web --vlans 10 --native-vlan 10 >/dev/null
check "VIF list 10 -> VIFs 1, 11, 17 (the fabric floods VLAN 10 there)" \
	bash -c "\"$FEXCTL\" --socket $T/fpA.sock viflist set 10 --vifs 1,11,17 >/dev/null"
demo_must "host A: agent running" agent_start A || { cat "$T/agentA.log"; fex_done; exit 1; }

echo
echo "=== (a) define + start: preassociated before QEMU starts, associated once it runs ==="
vnic11="<fex:vnic xmlns:fex=\"urn:fexpath:vnic:1\" mac=\"$(d_mac 1)\" profileid=\"web\" vif=\"11\"/>"
check "virsh define lv1 (vif='11')" d_define A 1 "$vnic11"
check "virsh define lv2 (no vif: fexpath picks)" d_define A 2
check "virsh start lv1" d_start A 1
check "virsh start lv2" d_start A 2
check "lv1: VIF 11 associated" wait_until 20 vif_state_is A 1 associated
check "lv2: a VIF associated" wait_until 20 vif_state_is A 2 associated
check_eq "lv1: its VIF id is the metadata's" 11 "$(vif_of A 1 vif)"
check_eq "lv2: fexpath gave the lowest free VIF id" 1 "$(vif_of A 2 vif)"
check_eq "lv1: the metadata's profile" web "$(vif_of A 1 profile)"
check_eq "lv1: its port" "vhost:$(d_sock 1)" "$(vif_of A 1 port)"
check_eq "lv1: the domain's UUID" "$(d_uuid 1)" "$(vif_of A 1 instance_uuid)"
check "fexpath's log: VIF 11 preassociated (the hook), then associated (the agent)" \
	bash -c "grep -n 'vif 11 ' '$T/fpA.log' | head -n 2 | tr '\n' ' ' |
		grep -q 'vif 11 preassociated.*vif 11 associated'"
for n in 1 2; do
	demo_must "lv$n booted, eth0 up" d_wait_ready $n || { fex_done; exit 1; }
done
check "lv1 reaches lv2 (first ARP flooded by the fabric)" wait_until 30 ping_ok 1 2
check "lv2 reaches lv1" wait_until 10 ping_ok 2 1
check "fex-fabric stopped" demo_fabric_stop
check "without the fabric: lv1 does not reach lv2" ping_fails 1 2
check "fex-fabric started again" demo_fabric_start
check "lv1 reaches lv2 again" wait_until 20 ping_ok 1 2

echo
echo "=== (b) virsh destroy, a QEMU crash: disassociated, port closed; start again ==="
check "virsh destroy lv2" lv_virsh A destroy lv2
check "lv2: its VIF disassociated" wait_until 10 vif_gone A 2
check "lv2: its port closed (port.list)" wait_until 10 port_closed A 2
check "lv1 still associated" vif_state_is A 1 associated
check "virsh start lv2 again" d_start A 2
check "lv2: associated again" wait_until 20 vif_state_is A 2 associated
demo_must "lv2 booted again" d_wait_ready 2 || { fex_done; exit 1; }
check "lv1 reaches lv2 after its restart" wait_until 30 ping_ok 1 2
# a crash: QEMU dies under libvirt (its pid from libvirt's own pid file)
domstate_is() { [ "$(lv_virsh "$1" domstate "lv$2" 2>/dev/null)" = "$3" ]; }
qpid=$(cat "$T/A/run/qemu/lv2.pid" 2>/dev/null)
check "lv2's QEMU killed with kill -9 (pid ${qpid:-none}): a crash" kill -KILL "${qpid:-0}"
check "lv2: shut off after the crash" wait_until 20 domstate_is A 2 "shut off"
check "lv2: its VIF disassociated after the crash" wait_until 10 vif_gone A 2
check "lv2: its port closed after the crash" wait_until 10 port_closed A 2
check "lv1 still associated" vif_state_is A 1 associated
check "virsh start lv2 after the crash" d_start A 2
check "lv2: associated after the crash" wait_until 20 vif_state_is A 2 associated
demo_must "lv2 booted after the crash" d_wait_ready 2 || { fex_done; exit 1; }

echo
echo "=== (c) refused: no fex:vnic, an unknown profile, a client-mode socket ==="
refused() {	# refused N WHAT...: virsh start lvN fails and says each WHAT
	local n=$1 w
	shift
	d_start A "$n" && return 1
	for w in "$@"; do
		grep -qF -- "$w" "$T/start-lv$n.out" || { cat "$T/start-lv$n.out"; return 1; }
	done
}
d_define A 3 "<other:x xmlns:other=\"urn:example:other\"/>"
d_define A 4 "<fex:vnic xmlns:fex=\"urn:fexpath:vnic:1\" mac=\"$(d_mac 4)\" profileid=\"nope\"/>"
d_define A 5 - client
check "lv3 (no fex:vnic) does not start; virsh says which vNIC" \
	refused 3 "$(d_mac 3)" "has no <fex:vnic"
echo "# virsh start lv3: ...: $(grep -F "$(d_mac 3)" "$T/start-lv3.out" | head -n 1)"
check "lv4 (profileid='nope') does not start; virsh says which profile and vNIC" \
	refused 4 "port profile 'nope' does not exist" "$(d_mac 4)"
echo "# virsh start lv4: $(grep -o 'fexpath: vNIC.*' "$T/start-lv4.out" | head -n 1)"
check "lv5 (mode='client') does not start; virsh says why" refused 5 "$(d_mac 5)" "mode='server'"
for n in 3 4 5; do
	check_eq "lv$n: shut off" "shut off" "$(lv_virsh A domstate lv$n)"
	check "lv$n: no VIF left in fexpath" vif_gone A $n
done

echo
echo "=== (d) fexpath restarted under running domains; a domain destroyed meanwhile ==="
check "fexpath stopped (SIGTERM)" fp_stop A
check "virsh destroy lv2 while fexpath is down (the hook cannot reach it)" lv_virsh A destroy lv2
t0=$(date +%s%N)
demo_must "fexpath started again on its state file" fp_start A "af_packet:$UP" || { fex_done; exit 1; }
check "lv1: VIF 11 back from the state file" wait_until 10 vif_state_is A 1 associated
check "agent: lv2's VIF (domain destroyed while fexpath was down) disassociated" \
	wait_until 20 vif_gone A 2
echo "# after the restart: lv2's leftover VIF gone $((($(date +%s%N) - t0) / 1000000)) ms after fexpath was started"
check "virsh start lv2 again" d_start A 2
check "lv2: associated" wait_until 20 vif_state_is A 2 associated
demo_must "lv2 booted" d_wait_ready 2 || { fex_done; exit 1; }
check "lv1 reaches lv2 through the restarted fexpath" wait_until 30 ping_ok 1 2
check "lv2 reaches lv1" wait_until 10 ping_ok 2 1

echo
echo "=== (e) the agent restarted: reconciled; libvirtd restarted: followed again ==="
check "agent stopped (SIGTERM: exit 0)" agent_stop A
d_define A 6
check "virsh start lv6 while the agent is down" d_start A 6
check "lv6: preassociated by the hook, not associated (nobody says it runs)" \
	wait_until 10 vif_state_is A 6 preassociated
ghost=3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
check "a VIF left behind for a gone domain (port in the vhost dir)" \
	bash -c "\"$FEXCTL\" --socket $T/fpA.sock vif associate 99 --port vhost:$LV_HOSTDIR/$VH/gone.sock \
		--mac 52:54:00:66:00:99 --profile web --uuid $ghost >/dev/null"
check "a VIF on another port kind (not libvirt's), same kind of UUID" \
	bash -c "\"$FEXCTL\" --socket $T/fpA.sock vif associate 98 --port ring:keep \
		--mac 52:54:00:66:00:98 --profile web --uuid $ghost >/dev/null"
: >"$T/agentA.log"
check "agent started again" agent_start A
check "lv6: associated by the reconcile" wait_until 10 vif_state_is A 6 associated
check "VIF 99 (gone domain) disassociated" wait_until 10 vif_id_gone A 99
vif_id_there() { fx "$1" vif stats "$2" >/dev/null 2>&1; }
check "VIF 98 (ring:, not libvirt's) left alone" vif_id_there A 98
grep "reconciled" "$T/agentA.log" | head -n 1 | sed 's/^/# /'
check "lv1 still associated" vif_state_is A 1 associated
check "lv2 still associated" vif_state_is A 2 associated
fx A vif disassociate 98 >/dev/null
lv_virsh A destroy lv6 >/dev/null
check "lv6: disassociated" wait_until 10 vif_gone A 6
lvd=$LV_LIBVIRTD_A
kill -TERM "$lvd"
wait "$lvd" 2>/dev/null
check "libvirtd stopped: the agent notices" wait_until 20 grep -q "connection closed" "$T/agentA.log"
check "libvirtd started again" lv_daemons_start A
connected_twice() { [ "$(grep -c 'connected to libvirt' "$T/agentA.log")" -ge 2 ]; }
check "agent reconnected to libvirtd" wait_until 20 connected_twice
check_eq "lv1 and lv2 survived the libvirtd restart" "lv1 lv2 " \
	"$(lv_virsh A list --name | sort | tr '\n' ' ')"
check "virsh start lv6 after the libvirtd restart" d_start A 6
check "lv6: associated (the agent follows events again)" wait_until 20 vif_state_is A 6 associated
lv_virsh A destroy lv6 >/dev/null
check "lv6: disassociated" wait_until 10 vif_gone A 6

echo
echo "=== (f) the README's domain XML, as it is there (paths and ids aside) ==="
readme_xml() {	# README.rst's "With libvirt" domain, made lv7
	awk '/^    <domain type=/ { on = 1 } on { print substr($0, 5) } /^    <\/domain>/ { exit }' \
		"$FEX_SRC/README.rst" | sed -e "s|/var/lib/libvirt/images/fex-guest|$IMG|" \
		-e "s|/run/fexpath/vhost/|$LV_HOSTDIR/$VH/|" -e 's/lv1/lv7/g' -e 's/3c01</3c07</' \
		-e 's/52:54:00:66:00:01/52:54:00:66:00:07/g' -e 's/vif="11"/vif="17"/' \
		-e 's|10.0.10.1/24|10.0.10.7/24|'
}
readme_xml >"$T/lv7.xml"
check "README.rst's domain XML found (lv7)" grep -q "<name>lv7</name>" "$T/lv7.xml"
check "virsh define + start it" bash -c "virsh -q -c '$(lv_uri A)' define '$T/lv7.xml' >/dev/null &&
	virsh -q -c '$(lv_uri A)' start lv7 >/dev/null"
check "lv7: VIF 17 associated (profile web)" wait_until 20 vif_state_is A 7 associated
check "lv2 reaches lv7 through fexpath and the fabric" wait_until 60 ping_ok 2 7
lv_virsh A destroy lv7 >/dev/null
check "lv7: disassociated" wait_until 10 vif_gone A 7

echo
echo "=== (g) live migration of lv1: host A -> host B (virsh migrate --live) ==="
host_b_up() { lv_host_start B && lv_install B && lv_daemons_start B; }
demo_must "host B: namespace, install.sh, libvirtd" host_b_up || { fex_done; exit 1; }
demo_must "host B: fexpath running (null uplink)" fp_start B null || { fex_done; exit 1; }
fx B profile set web --vlans 10 --native-vlan 10 >/dev/null
demo_must "host B: agent running" agent_start B || { fex_done; exit 1; }
: >"$T/A/hooks.seq"
: >"$T/B/hooks.seq"
msA=$(wc -l <"$T/agentA.log")
msB=$(wc -l <"$T/agentB.log")
# The sequence on both sides comes from the logs: the recorder hooks and
# the agents' event lines.
t0=$(date +%s%N)
check "virsh migrate --live lv1 to host B" \
	lv_virsh A migrate --live lv1 "qemu+unix:///system?socket=$(lv_sock B)" \
		--migrateuri tcp://127.0.0.1 --listen-address 127.0.0.1
ON[1]=B
echo "# migration took $((($(date +%s%N) - t0) / 1000000)) ms"
check_eq "lv1 runs on host B" running "$(lv_virsh B domstate lv1)"
check "host B: VIF 11 associated (the guest resumed there)" wait_until 20 vif_state_is B 1 associated
check_eq "host B: VIF 11's id kept (metadata's vif)" 11 "$(vif_of B 1 vif)"
check "host A: VIF 11 disassociated (its QEMU stopped)" wait_until 20 vif_gone A 1
check "host A: lv1's port closed" wait_until 10 port_closed A 1
check "host B: the guest answers on its command channel" d_exec 1 "true"
check "host B: lv1's vNIC attached to fexpath B" grep -q 'lv1.sock: guest attached' "$T/fpB.log"
echo "# host A hooks: $(tr '\n' ',' <"$T/A/hooks.seq")"
echo "# host B hooks: $(tr '\n' ',' <"$T/B/hooks.seq")"
echo "# host A events: $(tail -n +$((msA + 1)) "$T/agentA.log" | sed -n 's/.*event \([A-Z_]* [A-Z_]*\):.*domain .lv1. .*/\1/p' | tr '\n' ',')"
echo "# host B events: $(tail -n +$((msB + 1)) "$T/agentB.log" | sed -n 's/.*event \([A-Z_]* [A-Z_]*\):.*domain .lv1. .*/\1/p' | tr '\n' ',')"
for h in A B; do
	from=$msA
	[ $h = B ] && from=$msB
	tail -n +$((from + 1)) "$T/agent$h.log" | grep -E "lv1|reconciled" | sed "s/^/# agent $h: /"
done
seq_of() {	# the fixture's ROLE lines as "kind op sub" / "event EV DETAIL"
	awk -v r="$1" -v k="$2" '$1 == r && $2 == k { print $2, $3, $4 }' "$FEX_SRC/tests/e2e/libvirt-migration.seq"
}
observed() {	# what host H did, in the fixture's words
	if [ "$2" = hook ]; then
		cat "$T/$1/hooks.seq"
	else
		tail -n +$(($3 + 1)) "$T/agent$1.log" | sed -n 's/.*event \([A-Z_]*\) \([A-Z_]*\):.*domain .lv1. .*/event \1 \2/p'
	fi
}
check_eq "host B (destination) hooks: as in tests/e2e/libvirt-migration.seq" \
	"$(seq_of dst hook | tr '\n' ',')" "$(observed B hook | tr '\n' ',')"
check_eq "host A (source) hooks: as in the fixture" \
	"$(seq_of src hook | tr '\n' ',')" "$(observed A hook | tr '\n' ',')"
check_eq "host B (destination) events: as in the fixture" \
	"$(seq_of dst event | tr '\n' ',')" "$(observed B event "$msB" | tr '\n' ',')"
check_eq "host A (source) events: as in the fixture" \
	"$(seq_of src event | tr '\n' ',')" "$(observed A event "$msA" | tr '\n' ',')"
lv_virsh B destroy lv1 >/dev/null
check "host B: destroyed there, disassociated there" wait_until 10 vif_gone B 1

echo
for h in A B; do
	check "agent $h stopped (exit 0)" agent_stop $h
done
lv_virsh A destroy lv2 >/dev/null
check "lv2 destroyed: disassociated" wait_until 10 vif_gone A 2
check_eq "host A: no VIF left" "(none)" "$(fx A vif list)"
for h in A B; do
	check "fexpath $h stopped (exit 0)" fp_stop $h
done
fex_done
