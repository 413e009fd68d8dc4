#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Tests of fex-vic-setup against fake sysfs trees (see fake-sysfs.sh), with
# a background fake kernel that applies the writes. One line per check,
# then "N passed, M failed"; exits 1 if any check failed.
#
# The conditions given to t() are single-quoted on purpose: t() evaluates
# them after the run, so the variables they name are read by eval.
# shellcheck disable=SC2016,SC2034
set -euo pipefail
shopt -s nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOOL=$HERE/fex-vic-setup
# shellcheck source-path=SCRIPTDIR source=fake-sysfs.sh
. "$HERE/fake-sysfs.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fex-vic-test.XXXXXX")
KPID=
PASSED=0
FAILED=0
OUT=
RC=0
CASE=
ROOT=

stop_kernel()
{
	if [[ -n $KPID ]]; then
		kill "$KPID" 2>/dev/null || true
		wait "$KPID" 2>/dev/null || true
		KPID=
	fi
}

cleanup()
{
	stop_kernel
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

start_kernel()
{
	stop_kernel
	fake_kernel "$ROOT" $$ 300 2>>"$TMP/kernel.log" &
	KPID=$!
}

# t DESCRIPTION CONDITION: CONDITION is evaluated; one line either way.
t()
{
	if eval "$2"; then
		PASSED=$((PASSED + 1))
		printf 'ok   %s\n' "$1"
	else
		FAILED=$((FAILED + 1))
		printf 'FAIL %s\n' "$1"
		printf '     condition: %s\n' "$2"
		printf '     last run (exit %s):\n' "$RC"
		printf '%s\n' "$OUT" | sed 's/^/       | /'
	fi
}

# vic ARGS...: run the tool on the current tree; OUT and RC.
vic()
{
	RC=0
	OUT=$("$TOOL" --sysfs "$ROOT" --timeout 5 "$@" 2>&1) || RC=$?
}

has()
{
	[[ $OUT == *"$1"* ]]
}

dev()
{
	REPLY=$ROOT/bus/pci/devices/$1
}

drv_is()
{
	local l

	l=$(readlink "$ROOT/bus/pci/devices/$1/driver" 2>/dev/null) || l=
	[[ ${l##*/} == "$2" ]]
}

val_is()
{
	local v=

	IFS= read -r v <"$1" || true
	[[ $v == "$2" ]]
}

override_clear()
{
	local v=

	IFS= read -r v <"$ROOT/bus/pci/devices/$1/driver_override" || true
	[[ -z $v || $v == "(null)" ]]
}

PF=0000:3b:00.0
PF2=0000:3c:00.0
VF1=0000:3b:00.1
VF2=0000:3b:00.2

# new_tree NAME [noiommu] [novfio]: two VIC PFs (PF2's interface is up),
# an Intel NIC and a host bridge.
new_tree()
{
	stop_kernel
	CASE=$TMP/$1
	ROOT=$CASE/sys
	shift
	fake_tree "$ROOT" "$@"
	fake_pf "$ROOT" $PF enic 12 eno5 down 16
	fake_pf "$ROOT" $PF2 enic 20 eno6 up 64
	fake_dev "$ROOT" 0000:5e:00.0 0x8086 0x1521 0x020000 igb 30 eno1 up
	fake_dev "$ROOT" 0000:00:00.0 0x8086 0x2020 0x060000 "" 1
}

state_of()
{
	REPLY=$CASE/run/fexpath/vic/$1
}

# ---------------------------------------------------------------- help

new_tree help
vic --help
t "--help prints the usage and every command" \
	'((RC == 0)) && has "Usage: fex-vic-setup" && has "  list" && has "  check PF" && has "  create PF N" && has "  destroy PF" && has "  bind BDF" && has "  unbind BDF"'
for c in list check create destroy bind unbind; do
	vic "$c" --help
	t "$c --help prints the usage of $c" \
		'((RC == 0)) && has "Usage: fex-vic-setup $c"'
done
vic help create
t "help create prints the usage of create" \
	'((RC == 0)) && has "Usage: fex-vic-setup create PF N" && has "--max-vfs M"'
vic frobnicate
t "an unknown command is a usage error (exit 2)" \
	'((RC == 2)) && has "unknown command '\''frobnicate'\''"'
vic list --bogus
t "an unknown option is a usage error (exit 2)" \
	'((RC == 2)) && has "unknown option --bogus"'
vic create $PF 2 --restore
t "an option of another command is refused" \
	'((RC == 2)) && has "option --restore does not apply to create"'

# ---------------------------------------------------------------- list

new_tree list
start_kernel
vic list
t "list shows the VIC PFs with driver, group, VF count and interface" \
	'((RC == 0)) && [[ $OUT =~ 0000:3b:00.0\ +1137:0043\ +enic\ +12\ +0/16\ +eno5\(down\) ]] && [[ $OUT =~ 0000:3c:00.0\ +1137:0043\ +enic\ +20\ +0/64\ +eno6\(up\) ]]'
t "list hides other vendors by default" '! has "0000:5e:00.0"'
vic list --any-vendor
t "list --any-vendor shows other network adapters, not bridges" \
	'((RC == 0)) && [[ $OUT =~ 0000:5e:00.0\ +8086:1521\ +igb ]] && has "$PF" && ! has "0000:00:00.0"'
vic list --vendor 0x8086
t "list --vendor 0x8086 shows only that vendor" \
	'((RC == 0)) && has "0000:5e:00.0" && has "0000:00:00.0" && ! has "$PF"'
vic create $PF 2
vic list
t "list shows the VFs under their PF with driver and group" \
	'((RC == 0)) && [[ $OUT =~ 0000:3b:00.0\ +1137:0043\ +enic\ +12\ +2/16 ]] && [[ $OUT =~ \ \ 0000:3b:00.1\ +1137:0071\ +enic\ +1000\ +-\ +enp59s0f1 ]] && [[ $OUT =~ \ \ 0000:3b:00.2\ +1137:0071\ +enic\ +1001 ]]'
new_tree list-none
rm "$ROOT/bus/pci/devices/$PF" "$ROOT/bus/pci/devices/$PF2"
vic list
t "list without a VIC fails and points at --any-vendor" \
	'((RC == 1)) && has "no Cisco VIC" && has "--any-vendor"'

# ---------------------------------------------------------------- check

new_tree check
vic check $PF
t "check passes on a host with vfio-pci, IOMMU and a lone PF" \
	'((RC == 0)) && has "ok    vfio-pci module loaded" && has "ok    IOMMU on" && has "IOMMU group 12: $PF alone" && has "$PF: ready"'
vic check $PF2
t "check notes that a PF with its interface up needs --force" \
	'((RC == 0)) && has "interface eno6 up" && has "--force"'
vic check 0000:3b:00.7
t "check of a missing device says so" \
	'((RC == 1)) && has "no PCI device 0000:3b:00.7"'

new_tree novfio novfio
start_kernel
vic check $PF
t "check without vfio-pci says to modprobe it" \
	'((RC == 1)) && has "FAIL  vfio-pci module not loaded: run modprobe vfio-pci"'
vic bind $PF
t "bind without vfio-pci is refused and changes nothing" \
	'((RC == 1)) && has "vfio-pci module not loaded: run modprobe vfio-pci" && drv_is $PF enic && override_clear $PF'

new_tree noiommu noiommu
start_kernel
vic check $PF
t "check with the IOMMU off says which kernel options to add" \
	'((RC == 1)) && has "FAIL  IOMMU off: add intel_iommu=on iommu=pt" && has "no IOMMU group"'
vic create $PF 2
t "create with the IOMMU off is refused and creates nothing" \
	'((RC == 1)) && has "IOMMU off: add intel_iommu=on iommu=pt" && val_is "$ROOT/bus/pci/devices/$PF/sriov_numvfs" 0 && [[ ! -e $ROOT/bus/pci/devices/$PF/virtfn0 ]]'

# ---------------------------------------------------------------- create

new_tree create
start_kernel
vic create $PF 4
dev $PF
t "create PF 4 writes sriov_numvfs and waits for 4 VFs" \
	'((RC == 0)) && has "created 4 VFs" && val_is "$REPLY/sriov_numvfs" 4 && [[ -L $REPLY/virtfn3 && ! -e $REPLY/virtfn4 ]]'
t "the VFs exist with a physfn link back to the PF" \
	'[[ $(readlink "$ROOT/bus/pci/devices/0000:3b:00.4/physfn") == ../$PF && -e $ROOT/bus/pci/devices/$VF1/vendor ]]'
vic create $PF 4
t "create of the same count again is a no-op" \
	'((RC == 0)) && has "already has 4 VFs"'
vic create $PF 2
t "create of another count while VFs exist is refused" \
	'((RC == 1)) && has "already has 4 VFs" && has "fex-vic-setup destroy $PF" && val_is "$REPLY/sriov_numvfs" 4'
vic destroy $PF
t "destroy removes the VFs and waits until they are gone" \
	'((RC == 0)) && has "removed 4 VFs" && val_is "$REPLY/sriov_numvfs" 0 && [[ ! -L $REPLY/virtfn0 && ! -e $ROOT/bus/pci/devices/$VF1 && ! -e $ROOT/devices/pci0000:00/$VF1 ]]'
vic destroy $PF
t "destroy without VFs is a no-op" '((RC == 0)) && has "has no VFs"'
vic create $PF 17
t "create above sriov_totalvfs is refused" \
	'((RC == 1)) && has "PF $PF supports at most 16 VFs (sriov_totalvfs)" && val_is "$REPLY/sriov_numvfs" 0'
vic create $PF2 33
t "create above the default per-PF limit (32) is refused" \
	'((RC == 1)) && has "the per-PF limit is 32" && has "--max-vfs" && val_is "$ROOT/bus/pci/devices/$PF2/sriov_numvfs" 0'
vic create $PF 4 --max-vfs 3
t "create above --max-vfs is refused" \
	'((RC == 1)) && has "refusing 4 VFs on PF $PF: the per-PF limit is 3"'
RC=0
OUT=$(FEX_VIC_MAX_VFS=2 "$TOOL" --sysfs "$ROOT" create $PF 3 2>&1) || RC=$?
t "create above FEX_VIC_MAX_VFS is refused" \
	'((RC == 1)) && has "the per-PF limit is 2"'
vic create $PF2 34 --max-vfs=40
t "create above the default limit works with --max-vfs" \
	'((RC == 0)) && has "created 34 VFs" && [[ -L $ROOT/bus/pci/devices/$PF2/virtfn33 && ! -e $ROOT/bus/pci/devices/$PF2/virtfn34 ]]'
vic create 0000:3c:00.1 2
t "create on a VF names its PF" '((RC == 1)) && has "0000:3c:00.1 is a VF (its PF is $PF2)"'
vic create 0000:99:00.0 2
t "create on a missing device says how to find the address" \
	'((RC == 1)) && has "no PCI device 0000:99:00.0" && has "list --any-vendor"'
vic create 0000:5e:00.0 2
t "create on a PF without SR-IOV says so" \
	'((RC == 1)) && has "0000:5e:00.0 has no SR-IOV capability"'
vic unbind $PF
vic create $PF 2
t "create on a PF without a driver says to give it one first" \
	'((RC == 1)) && has "PF $PF has no driver" && val_is "$ROOT/bus/pci/devices/$PF/sriov_numvfs" 0'
vic bind $PF
vic create $PF 2
t "create on a PF bound to vfio-pci asks for enable_sriov=1" \
	'((RC == 1)) && has "modprobe vfio-pci enable_sriov=1" && val_is "$ROOT/bus/pci/devices/$PF/sriov_numvfs" 0'
echo Y >"$ROOT/module/vfio_pci/parameters/enable_sriov"
vic create $PF 2
t "create on a PF bound to vfio-pci with enable_sriov=Y works" \
	'((RC == 0)) && has "created 2 VFs" && drv_is $PF vfio-pci'
vic create $PF many
t "create with a bad count is a usage error" '((RC == 2)) && has "N must be a number"'

# ---------------------------------------------------------------- bind

new_tree bind
start_kernel
vic create $PF 2
state_of $VF1
ST=$REPLY
vic bind 3b:00.1
t "bind moves a VF from enic to vfio-pci through driver_override" \
	'((RC == 0)) && drv_is $VF1 vfio-pci && val_is "$ROOT/bus/pci/devices/$VF1/driver_override" vfio-pci && [[ -L $ROOT/bus/pci/drivers/vfio-pci/$VF1 && ! -e $ROOT/bus/pci/drivers/enic/$VF1 ]]'
t "bind remembers the previous driver in run/fexpath/vic beside the sysfs root" \
	'val_is "$ST" driver=enic'
vic bind $VF1
t "bind of a bound device is a no-op that keeps the saved driver" \
	'((RC == 0)) && has "already bound to vfio-pci" && val_is "$ST" driver=enic'
vic unbind $VF1 --restore
t "unbind --restore binds the previous driver again and forgets it" \
	'((RC == 0)) && has "restored to enic" && drv_is $VF1 enic && override_clear $VF1 && [[ ! -e $ST ]]'
vic bind --pf $PF --vfs
t "bind --pf PF --vfs binds every VF and leaves the PF alone" \
	'((RC == 0)) && drv_is $VF1 vfio-pci && drv_is $VF2 vfio-pci && drv_is $PF enic'
vic destroy $PF
t "destroy is refused while a VF is bound to vfio-pci" \
	'((RC == 1)) && has "VF $VF1 is bound to vfio-pci" && has "unbind --restore --pf $PF --vfs" && [[ -L $ROOT/bus/pci/devices/$PF/virtfn1 ]]'
vic unbind $VF1
t "unbind without --restore leaves the device without a driver" \
	'((RC == 0)) && has "unbound from vfio-pci" && drv_is $VF1 "" && override_clear $VF1 && val_is "$ST" driver=enic'
vic unbind --restore $VF1
t "unbind --restore of an unbound device restores its driver" \
	'((RC == 0)) && drv_is $VF1 enic && [[ ! -e $ST ]]'
state_of $VF2
vic destroy $PF --force
t "destroy --force removes VFs bound to vfio-pci and their saved state" \
	'((RC == 0)) && [[ ! -L $ROOT/bus/pci/devices/$PF/virtfn0 && ! -e $REPLY ]]'
vic unbind --restore $PF
t "unbind --restore of a device the tool did not bind is refused" \
	'((RC == 1)) && has "nothing saved for $PF" && drv_is $PF enic'
vic bind $PF2
t "bind of a device in use (interface up) is refused without --force" \
	'((RC == 1)) && has "0000:3c:00.0 is bound to enic and in use by interface eno6 (up): bring it down" && has "--force" && drv_is $PF2 enic && override_clear $PF2'
vic unbind $PF2
t "unbind of a device in use is refused without --force" \
	'((RC == 1)) && has "in use by interface eno6 (up)" && drv_is $PF2 enic'
vic bind $PF2 --force --state-dir "$CASE/state"
t "bind --force binds a device in use; --state-dir holds its driver" \
	'((RC == 0)) && drv_is $PF2 vfio-pci && val_is "$CASE/state/$PF2" driver=enic'
vic unbind --restore $PF2 --state-dir "$CASE/state"
t "unbind --restore of the PF brings enic back" \
	'((RC == 0)) && drv_is $PF2 enic && [[ ! -e $CASE/state/$PF2 ]]'
vic bind --vfs
t "bind --vfs without --pf is a usage error" '((RC == 2)) && has "--vfs needs --pf PF"'
vic bind --pf $PF --vfs
t "bind --pf PF --vfs without VFs says to create them" \
	'((RC == 1)) && has "PF $PF has no VFs: create them first"'

stop_kernel
SECONDS=0
RC=0
OUT=$("$TOOL" --sysfs "$ROOT" --timeout 0.5 bind $PF 2>&1) || RC=$?
ELAPSED=$SECONDS
t "a write the kernel does not act on ends in a bounded, explicit timeout" \
	'((RC == 1 && ELAPSED < 5)) && has "timed out after 0.5s waiting for $PF to leave enic"'

new_tree create-bind
start_kernel
vic create $PF 2 --bind
t "create --bind creates the VFs and binds them to vfio-pci" \
	'((RC == 0)) && drv_is $VF1 vfio-pci && drv_is $VF2 vfio-pci && state_of $VF2 && val_is "$REPLY" driver=enic'

# ---------------------------------------------------------------- groups

new_tree groups
start_kernel
# A second function of the adapter behind no ACS: same group as the PF.
fake_dev "$ROOT" 0000:3b:00.1 0x1137 0x0043 0x020000 enic 12 eno7 down
vic check $PF
t "check names the devices that share an IOMMU group" \
	'((RC == 1)) && has "FAIL  IOMMU group 12 holds $PF (enic), 0000:3b:00.1 (enic)" && has "bind $PF 0000:3b:00.1"'
vic bind $PF
t "bind of one device of a shared group is refused and changes nothing" \
	'((RC == 1)) && has "IOMMU group 12 holds" && drv_is $PF enic && override_clear $PF'
vic bind $PF 0000:3b:00.1
t "bind of the whole group works" \
	'((RC == 0)) && drv_is $PF vfio-pci && drv_is 0000:3b:00.1 vfio-pci'
vic check $PF
t "check accepts a shared group fully bound to vfio-pci" \
	'((RC == 0)) && has "ok    IOMMU group 12: $PF 0000:3b:00.1, all bound to vfio-pci"'

stop_kernel
if ((FAILED)) && [[ -s $TMP/kernel.log ]]; then
	echo "fake kernel stderr:"
	sed 's/^/  | /' "$TMP/kernel.log"
fi
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
