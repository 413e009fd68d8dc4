#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A live migration's hooks and events, replayed without libvirtd: the
# sequence libvirt 9.0 runs (tests/e2e/libvirt-migration.seq, checked
# against real libvirtds by tests/e2e/libvirt.sh) fed to fex-libvirt's
# hook and agent step (fex-libvirt sync STATE) of a source and a
# destination host, each with its own fexpath. After every line the VIF's
# state on both fexpaths is checked: preassociated on the destination
# when its QEMU starts, associated when the guest resumes there,
# disassociated on the source when its QEMU stops.
#
# Then what goes wrong: a migration cancelled after the destination's
# QEMU started (libvirt stops it: stopped end, release end) leaves the
# source as it was and nothing on the destination; a destination without
# the domain's profile refuses the incoming migration at "migrate begin"
# and says which profile.
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
LVBIN=$FEX_BUILD/tools/libvirt/fex-libvirt
[ -x "$LVBIN" ] || skip_all "fex-libvirt not built (libvirt-dev, libxml2-dev missing; run tools/fex-setup.sh)"
SEQ=$FEX_SRC/tests/e2e/libvirt-migration.seq
fex_tmpdir
mkdir -p "$T/vhost"
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
MAC=52:54:00:66:00:0a

domain_xml() {	# domain_xml PROFILE
	cat <<EOF
<domain type='qemu'>
  <name>lvm</name>
  <uuid>$UUID</uuid>
  <metadata>
    <fex:vnic xmlns:fex="urn:fexpath:vnic:1" mac="$MAC" profileid="$1" vif="42"/>
  </metadata>
  <devices>
    <interface type='vhostuser'>
      <mac address='$MAC'/>
      <source type='unix' path='$T/vhost/lvm.sock' mode='server'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
EOF
}
domain_xml web >"$T/lvm.xml"
domain_xml db >"$T/lvm-db.xml"

for h in src dst; do
	demo_up() { fex_start "$1" --no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error -- \
		--config "$FEX_SRC/config/fexpath.ini" --uplink null --state "$T/$1.state"; }
	check "fexpath '$h' running" demo_up $h || { fex_done; exit 1; }
	printf 'control = %s\nvhost_dir = %s\n' "$T/$h.sock" "$T/vhost" >"$T/$h.conf"
	rpc $h profile.set '{"name": "web", "vlans": [10], "native_vlan": 10}' >/dev/null
done

hook() {	# hook HOST OP SUB [XML]: as libvirt runs it
	"$LVBIN" --config "$T/$1.conf" hook lvm "$2" "$3" - <"${4:-$T/lvm.xml}" >"$T/hook.out" 2>&1
}
step() {	# step HOST STATE [XML]: the agent, once libvirt said STATE
	"$LVBIN" --config "$T/$1.conf" sync "$2" <"${3:-$T/lvm.xml}" >>"$T/agent-$1.log" 2>&1
}
state() {	# state HOST: VIF 42's state there, "none" if there is none
	"$FEXCTL" --socket "$T/$1.sock" --json vif list | python3 -c '
import json, sys
print(next((v["state"] for v in json.load(sys.stdin) if v["vif"] == 42), "none"))'
}
states() { echo "$(state src) $(state dst)"; }

echo "=== before: the domain runs on the source ==="
check "src: prepare begin (virsh start)" hook src prepare begin
check "src: the guest runs (agent)" step src running
check_eq "src associated, nothing on dst" "associated none" "$(states)"

echo
echo "=== the migration, line by line ($(basename "$SEQ")) ==="
n=0
while IFS= read -r line; do
	line=${line%%#*}
	[ -n "${line// /}" ] || continue
	read -r role kind a b c <<<"${line%%|*}"
	read -r want_src want_dst <<<"${line#*|}"
	n=$((n + 1))
	if [ "$kind" = hook ]; then
		check "$role: hook $a $b" hook "$role" "$a" "$b"
		[ "$a" = migrate ] && check_eq "$role: migrate begin prints nothing (XML unchanged)" "" \
			"$(cat "$T/hook.out")"
	else
		check "$role: event $a $b, the domain $c" step "$role" "$c"
	fi
	check_eq "line $n: VIF 42 on src, dst" "$want_src $want_dst" "$(states)"
done <"$SEQ"
check "the fixture had its 10 lines" test $n -eq 10
check_eq "dst: still VIF 42 (the metadata's id), port and profile" \
	"42 vhost:$T/vhost/lvm.sock web" \
	"$(rpc dst vif.list | python3 -c 'import json,sys; v=json.load(sys.stdin)[0]; print(v["vif"], v["port"], v["profile"])')"
ports() { rpc "$1" port.list | python3 -c 'import json,sys; print(" ".join(p["spec"] for p in json.load(sys.stdin)))'; }
check_eq "src: its port closed (port.list: the uplink only)" null "$(ports src)"

echo
echo "=== cancelled after the destination's QEMU started ==="
back() {	# the domain stopped on dst, running on src again
	hook dst stopped end && hook src prepare begin && step src running
}
check "reset: the domain runs on the source again" back
check_eq "src associated, nothing on dst" "associated none" "$(states)"
check "dst: migrate begin" hook dst migrate begin
check "dst: prepare begin" hook dst prepare begin
check_eq "dst preassociated" "associated preassociated" "$(states)"
check "dst: the domain is paused, incoming (agent)" step dst paused
check_eq "still preassociated" "associated preassociated" "$(states)"
check "dst: libvirt stops its QEMU: stopped end" hook dst stopped end
check "dst: release end" hook dst release end
check "dst: STOPPED FAILED, the domain is gone (agent)" step dst gone
check_eq "the source as it was, nothing on dst" "associated none" "$(states)"
check "src: the guest still runs (agent): no change" step src running
check_eq "src still associated" "associated none" "$(states)"

echo
echo "=== refused: the destination has no profile 'db' ==="
refused() { ! hook dst migrate begin "$T/lvm-db.xml"; }
check "dst: migrate begin of a domain naming profile 'db' refused (exit 1)" refused
check "dst: it says which profile and vNIC" grep -q "vNIC $MAC: port profile 'db' does not exist" "$T/hook.out"
echo "# $(head -n 1 "$T/hook.out")"
check_eq "nothing changed on either" "associated none" "$(states)"

for h in src dst; do
	fex_stop $h
	check_eq "fexpath '$h' exit status" 0 $?
done
fex_done
