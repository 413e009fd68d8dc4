#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# libvirt drives fexpath (SPEC §8): two libvirt domains, real small Debian
# guests (tools/guest/) under QEMU TCG, on vhost-user vNICs of fexpath,
# fexpath's uplink cabled to the software fabric interconnect (fex-fabric).
#
#   bash tools/fex-libvirt-demo.sh     (after tools/fex-setup.sh; needs root)
#
# What it shows: virsh start of both domains, and their VIFs associated by
# fexpath's libvirt integration (tools/libvirt/: the qemu hook, the agent)
# with the port profile of the domain's <metadata> (fex:vnic); the guests
# pinging each other through fexpath and fex-fabric, and not while the
# fabric is stopped; virsh destroy, and their VIFs disassociated. It runs
# its own virtlogd and libvirtd in a private mount namespace (the machine's
# libvirt, its hooks and its domains are never touched; it refuses to run
# while another libvirtd runs). About 30 s; removes what it created
# (also on Ctrl-C) and exits 0 when every check passed, 1 otherwise.
#
#   lv1 (vif 11) --vhost-user--+
#                              +- fexpath -- lvd-fexup0 ==== lvd-fexfab0 -- fex-fabric
#   lv2 (vif  1) --vhost-user--+         VLAN 10 (profile web), VN-Tag on the wire
#
# Sourced (after tests/lib/fex-lib.sh) it only defines the lvdemo_* steps;
# tests/e2e/libvirt_demo.sh runs them under names of its own (DEMO_P).
#
# The private libvirt host, the guest and the check/cleanup machinery are
# the tests' helpers, sourced from tests/lib/ (fex-lib.sh, fex-guest.sh,
# fex-libvirt.sh), and the fabric and uplink steps are tools/fex-demo.sh's.

# shellcheck source-path=SCRIPTDIR
FEX_SRC=${FEX_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
FEX_BUILD=${FEX_BUILD:-$FEX_SRC/build}
DEMO_P=${DEMO_P-lvd-}
# shellcheck source=fex-demo.sh
. "$FEX_SRC/tools/fex-demo.sh"
# shellcheck source=../tests/lib/fex-guest.sh
. "$FEX_SRC/tests/lib/fex-guest.sh"
# shellcheck source=../tests/lib/fex-libvirt.sh
. "$FEX_SRC/tests/lib/fex-libvirt.sh"
# fexpath and fex-fabric share core 0, the guests' QEMUs get the other.
# shellcheck disable=SC2034 # fex-demo.sh's
DEMO_FAB_CORE=0

LVDEMO_BIN=$FEX_BUILD/tools/libvirt/fex-libvirt
LVDEMO_NS="urn:fexpath:vnic:1"

# Domain n: name, UUID, MAC, address, vNIC socket (as QEMU and fexpath
# see it, in the libvirt host's namespace), console and command channel
# (as this script sees them).
lvd_name() { echo "lv$1"; }
lvd_uuid() { printf '2b0a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c%02d' "$1"; }
lvd_mac() { printf '52:54:00:66:00:%02x' "$1"; }
lvd_ip() { echo "10.0.10.$1"; }
lvd_sock() { echo "$LV_HOSTDIR/vhost/lv$1.sock"; }
lvd_console() { echo "$T/A/host/vm/lv$1.console"; }
lvd_ctl() { echo "$T/A/host/vm/lv$1.ctl"; }

# What the demo needs; skip_all (the tests' 77, the demo's message) if not.
lvdemo_requirements() {
	local t
	for t in "$FEXPATH" "$FABRIC" "$FEXCTL"; do
		[ -x "$t" ] || skip_all "$t not built; run tools/fex-setup.sh"
	done
	[ -x "$LVDEMO_BIN" ] ||
		skip_all "$LVDEMO_BIN not built (libvirt-dev, libxml2-dev missing; run tools/fex-setup.sh)"
	for t in ip python3 ping; do
		command -v "$t" >/dev/null || skip_all "$t missing; run tools/fex-setup.sh"
	done
	guest_requirements
	lv_requirements
	need_hugepages 128 "fexpath"
	need_cores "fexpath and fex-fabric on one, the guests on the other"
}

# The domain XML: README.rst's ("With libvirt"), with the console in a
# file and a second serial port, the guest's command channel, for the
# demo's ping. lv1 names its VIF id (vif="11"), lv2 lets fexpath pick.
lvd_xml() {	# lvd_xml N
	local n=$1 vif=
	[ "$n" = 1 ] && vif=' vif="11"'
	lv_domain_xml "lv$n" "$(lvd_uuid "$n")" "$(lvd_mac "$n")" "$(lvd_ip "$n")/24" \
		"$(lvd_sock "$n")" server "$T/img" \
		"<fex:vnic xmlns:fex=\"$LVDEMO_NS\" mac=\"$(lvd_mac "$n")\" profileid=\"web\"$vif/>"
}

# virsh and fexctl as a user types them, then run.
lvd_virsh() {
	echo "# virsh $*"
	lv_virsh A "$@"
}
lvd_fexctl() {
	echo "# fexctl $*"
	"$FEXCTL" --socket "$T/fpA.sock" "$@"
}
lvd_fx() { "$FEXCTL" --socket "$T/fpA.sock" "$@"; }

# Domain n's VIF in fexpath (by its instance UUID, the domain's): field F.
lvd_vif_of() {	# lvd_vif_of N F
	lvd_fx --json vif list 2>/dev/null | python3 -c '
import json, sys
for v in json.load(sys.stdin):
    if v["instance_uuid"] == sys.argv[1]:
        print(v[sys.argv[2]])
        break' "$(lvd_uuid "$1")" "$2"
}
lvd_vif_state_is() { [ "$(lvd_vif_of "$1" state)" = "$2" ]; }
lvd_vif_gone() { [ -z "$(lvd_vif_of "$1" vif)" ]; }

lvd_image() {	# the guest image, where QEMU (libvirt-qemu) may read it
	local k=$GUEST_IMAGE/vmlinux
	guest_image || return 1
	[ -f "$k" ] || k=$GUEST_IMAGE/vmlinuz
	install -d -m 0755 "$T/img" && install -m 0644 "$GUEST_IMAGE/initrd.cpio" "$T/img/" &&
		install -m 0644 "$k" "$T/img/vmlinux"
}

lvd_uplink() {	# fexpath's uplink veth to the fabric
	demo_refuse_existing || return 1
	ip link add "$DEMO_UP" type veth peer name "$DEMO_FAB" mtu 9000 || return 1
	on_exit "ip link del '$DEMO_UP'"
	no_ipv6 "$DEMO_UP"
	no_ipv6 "$DEMO_FAB"
	ip link set "$DEMO_UP" up && ip link set "$DEMO_FAB" up
	echo "uplink $DEMO_UP <-> $DEMO_FAB"
}

# tools/libvirt/install.sh in the libvirt host's namespace: the hook goes
# to its (private) /etc/libvirt/hooks/qemu.d, the rest under $T/A/inst.
lvd_install() {
	local out rc=0
	out=$(lv_in A bash "$FEX_SRC/tools/libvirt/install.sh" --root "$T/A/inst" \
		--hook-dir /etc/libvirt/hooks/qemu.d --control "$T/fpA.sock" \
		--vhost-dir "$LV_HOSTDIR/vhost" --uri "$(lv_uri A)" --build "$FEX_BUILD" 2>&1) || rc=$?
	echo "$out"
	[ "$rc" -eq 0 ] || return 1
	lv_in A install -d -o libvirt-qemu -g kvm -m 0755 "$LV_HOSTDIR/vm"
}

# fexpath in the libvirt host's namespace (the vNIC sockets are there).
LVD_FP_PID=
lvd_fexpath_start() {
	on_exit "rm -rf /var/run/dpdk/fexlvd$$"
	lv_bg A "$T/fpA.log" "$FEXPATH" --file-prefix "fexlvd$$" -l 0 --no-pci -m 128 \
		--huge-unlink --log-level=lib.eal:error -- --config "$FEX_SRC/config/fexpath.ini" \
		--uplink "af_packet:$DEMO_UP" --uplink-mtu 1510 --tag vntag --no-state \
		--idle-sleep-us 50 --control "$T/fpA.sock"
	LVD_FP_PID=$!
	fex_pids+=("$LVD_FP_PID")
	if ! wait_until 30 lvd_fx cluster list; then
		echo "fexpath did not come up; its log:"
		cat "$T/fpA.log"
		return 1
	fi
	echo "fexpath up (pid $LVD_FP_PID), uplink af_packet:$DEMO_UP, control socket $T/fpA.sock"
}

# The agent (tools/libvirt/README.rst: what a systemd unit runs).
LVD_AG_PID=
lvd_agent_start() {
	"$T/A/inst/usr/local/libexec/fexpath/fex-libvirt" \
		--config "$T/A/inst/etc/fexpath/libvirt.conf" agent >>"$T/agent.log" 2>&1 &
	LVD_AG_PID=$!
	fex_pids+=("$LVD_AG_PID")
	if ! wait_until 20 grep -q "reconciled" "$T/agent.log"; then
		cat "$T/agent.log"
		return 1
	fi
}

lvd_stop() {	# lvd_stop PID: SIGTERM, its exit status
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

lvd_wait_ready() { console_wait_ready "$(lvd_console "$1")" 180; }
lvd_exec() {	# lvd_exec N CMD: CMD in guest N (its command channel)
	python3 "$GUEST_TOOLS/fex-guest-exec" "$(lvd_ctl "$1")" "$2"
}
lvd_ping_ok() { lvd_exec "$1" "ping -c 1 -W 1 $(lvd_ip "$2")" >/dev/null 2>&1; }
lvd_ping_fails() { ! lvd_exec "$1" "ping -c 3 -i 0.2 -W 1 $(lvd_ip "$2")" >/dev/null 2>&1; }
lvd_ping_show() {	# lvd_ping_show FROM TO: 3 pings, printed; all answered
	local out
	echo "# (in lv$1) ping -c 3 $(lvd_ip "$2")"
	out=$(lvd_exec "$1" "ping -c 3 -i 0.2 -W 1 $(lvd_ip "$2")" 2>&1)
	echo "$out"
	grep -q " 3 packets received" <<<"$out"
}

lvd_start() {	# lvd_start N: virsh start; what went wrong if it did not
	: >"$(lvd_console "$1")"
	if ! lvd_virsh start "lv$1"; then
		lv_diag A "lv$1"
		echo "--- fexpath log (tail)"
		tail -n 15 "$T/fpA.log"
		return 1
	fi
}

lvdemo_setup() {
	demo_heading "Setup: guest image, uplink and fex-fabric, a private libvirt host, fexpath, the agent"
	demo_must "guest image (Debian packages only) in $GUEST_IMAGE" lvd_image || return 1
	demo_must "uplink veth" lvd_uplink || return 1
	demo_must "fex-fabric running" demo_fabric_start || return 1
	demo_must "libvirt host: a mount namespace with its own /etc/libvirt, /run/libvirt, ..." \
		lv_host_start A || return 1
	demo_must "tools/libvirt/install.sh: the qemu hook, the agent's config, the vhost directory" \
		lvd_install || return 1
	demo_must "its virtlogd and libvirtd running" lv_daemons_start A || return 1
	demo_must "fexpath running" lvd_fexpath_start || return 1
	demo_must "profile web (VLAN 10); VIF list 10 -> VIFs 1, 11 (the fabric floods VLAN 10 there)" \
		eval 'lvd_fexctl profile set web --vlans 10 --native-vlan 10 >/dev/null &&
			lvd_fexctl viflist set 10 --vifs 1,11 >/dev/null' || return 1
	demo_must "the agent running (it follows libvirt's domain events)" lvd_agent_start || return 1
	grep "connected to libvirt" "$T/agent.log" | tail -n 1
}

lvdemo_start() {
	local n
	demo_heading "1. Two domains; their port profile is in their <metadata> (fex:vnic)"
	for n in 1 2; do
		lvd_xml "$n" >"$T/lv$n.xml"
	done
	echo "lv1.xml (the vNIC's part; lv2's is the same without vif=):"
	grep -E 'fex:vnic|<interface|<mac|<source type=.unix|</interface' "$T/lv1.xml"
	for n in 1 2; do
		demo_must "virsh define lv$n.xml" lvd_virsh define "$T/lv$n.xml" || return 1
	done

	demo_heading "2. virsh start: the hook preassociates each VIF before QEMU runs, the agent associates it once the guest runs"
	for n in 1 2; do
		demo_must "virsh start lv$n" lvd_start "$n" || return 1
	done
	check "lv1: VIF associated" wait_until 30 lvd_vif_state_is 1 associated
	check "lv2: VIF associated" wait_until 30 lvd_vif_state_is 2 associated
	check_eq "lv1: the VIF id of its metadata" 11 "$(lvd_vif_of 1 vif)"
	check_eq "lv2: the lowest free VIF id (fexpath picked it)" 1 "$(lvd_vif_of 2 vif)"
	for n in 1 2; do
		check_eq "lv$n: the profile of its metadata" web "$(lvd_vif_of "$n" profile)"
		check_eq "lv$n: instance UUID = the domain's UUID" "$(lvd_uuid "$n")" \
			"$(lvd_vif_of "$n" instance_uuid)"
	done
	lvd_virsh list
	lvd_fexctl vif list
	echo "fexpath's log:"
	grep -E "vif [0-9]+ (pre|dis)?associated" "$T/fpA.log" | sed 's/^/  /'
}

lvdemo_ping() {
	local n
	demo_heading "3. The guests boot and ping each other through fexpath and fex-fabric"
	for n in 1 2; do
		demo_must "lv$n booted, eth0 up" lvd_wait_ready "$n" || return 1
	done
	check "lv1 reaches lv2 (the first ARP flooded by the fabric to VIF list 10)" \
		wait_until 30 lvd_ping_ok 1 2
	check "ping lv1 -> lv2: 3 of 3 answered" lvd_ping_show 1 2
	check "ping lv2 -> lv1: 3 of 3 answered" lvd_ping_show 2 1
	echo "# kill -TERM $DEMO_FAB_PID   (fex-fabric)"
	check "fex-fabric stopped (exit 0)" demo_fabric_stop
	check "without the fabric lv1 does not reach lv2 (fexpath never switches locally)" \
		lvd_ping_fails 1 2
	check "fex-fabric started again" demo_fabric_start
	check "lv1 reaches lv2 again" wait_until 20 lvd_ping_ok 1 2
	lvd_fexctl vif stats 11 | head -n 12
}

lvdemo_destroy() {
	local n
	demo_heading "4. virsh destroy: the VIFs are disassociated"
	for n in 1 2; do
		check "virsh destroy lv$n" lvd_virsh destroy "lv$n"
		check "lv$n: VIF disassociated" wait_until 20 lvd_vif_gone "$n"
	done
	lvd_virsh list --all
	lvd_fexctl vif list
	echo "fexpath's log:"
	grep -E "vif [0-9]+ disassociated" "$T/fpA.log" | sed 's/^/  /'
	check_eq "no VIF left in fexpath" "(none)" "$(lvd_fx vif list)"
}

lvdemo_stop() {
	demo_heading "Stop: the agent, fexpath and fex-fabric (exit 0 each), then libvirtd"
	check "agent stopped (exit 0)" lvd_stop "$LVD_AG_PID"
	check "fexpath stopped (exit 0)" lvd_stop "$LVD_FP_PID"
	check "fex-fabric stopped (exit 0)" demo_fabric_stop
	lv_host_stop A
}

lvdemo_all() {
	lvdemo_setup || return 1
	lvdemo_start || return 1
	lvdemo_ping || return 1
	lvdemo_destroy
	lvdemo_stop
}

lvdemo_main() {
	case "${1:-}" in
	"") ;;
	-h|--help) sed -n '3,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "fex-libvirt-demo: unknown option '$1'; see --help" >&2; exit 2 ;;
	esac
	if [ "$(id -u)" -ne 0 ]; then
		echo "fex-libvirt-demo: needs root (libvirtd, namespaces, veths, DPDK)" >&2
		exit 1
	fi
	# shellcheck source=../tests/lib/fex-lib.sh
	. "$FEX_SRC/tests/lib/fex-lib.sh"
	skip_all() {
		echo "fex-libvirt-demo: cannot run here: $*" >&2
		exit 1
	}
	lvdemo_requirements
	fex_tmpdir
	if ! lvdemo_all; then
		echo
		fex_done
		echo "fex-libvirt-demo: failed (the FAIL lines above say where)" >&2
		exit 1
	fi
	echo
	fex_done || { echo "fex-libvirt-demo: some checks failed (the FAIL lines above)" >&2; exit 1; }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lvdemo_main "$@"
fi
