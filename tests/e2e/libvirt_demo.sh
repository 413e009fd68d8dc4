#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The libvirt demo end to end (tools/fex-libvirt-demo.sh, sourced: its own
# steps under names of its own, lt-fexup0, ...): two libvirt domains, the
# test guest under QEMU TCG, in the demo's private libvirt host; virsh
# start associates their VIFs with the metadata's profile, they ping each
# other through fexpath and fex-fabric (not while the fabric is stopped),
# virsh destroy disassociates them; the agent, fexpath and fex-fabric stop
# with exit 0. Past the demo: its --help and a wrong option; nothing of
# the demo's libvirt host is left running, and the machine's libvirt hook
# directory did not get the demo's hook.
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
DEMO=$FEX_SRC/tools/fex-libvirt-demo.sh

out=$(bash "$DEMO" --help)
check "--help: exit 0, the usage" grep -q "bash tools/fex-libvirt-demo.sh" <<<"$out"
bash "$DEMO" --bogus >/dev/null 2>&1
check_eq "an unknown option: exit 2" 2 $?

[ "$(id -u)" -eq 0 ] || skip_all "needs root (libvirtd, namespaces, veths)"
DEMO_P=lt-
# shellcheck source=../../tools/fex-libvirt-demo.sh
. "$DEMO"
lvdemo_requirements
fex_tmpdir
machine_hook=/etc/libvirt/hooks/qemu.d/fexpath
[ -e "$machine_hook" ] && had_hook=1 || had_hook=0

lvdemo_all || { fex_done; exit 1; }

echo
echo "=== Past the demo: nothing of its libvirt host left running ==="
for v in LVD_AG_PID LVD_FP_PID; do
	check "${v#LVD_} (the demo's ${v%_PID}): gone" lv_gone "${!v}"
done
check_eq "its libvirtd, virtlogd and namespace stopped (their pids cleared)" "" \
	"${LV_LIBVIRTD_A:-}${LV_VIRTLOGD_A:-}${LV_NS_A:-}"
qemu_left() {
	local f
	for f in "$T"/A/run/qemu/lv*.pid; do
		[ -s "$f" ] && lv_pid_alive "$(cat "$f")" && return 0
	done
	return 1
}
check "no QEMU of the demo's domains left" demo_not qemu_left
check "no fexpath hugepage file left (--huge-unlink)" \
	demo_not compgen -G "/dev/hugepages/fexlvd$$*"
if [ "$had_hook" = 0 ]; then
	check "the machine's $machine_hook: still absent" test ! -e "$machine_hook"
fi
fex_done
