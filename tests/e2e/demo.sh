#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's demo end to end, with the demo's own steps (tools/fex-demo.sh,
# sourced) under names of its own (e2-vm1, e2-fexup0, ...): three VMs as
# network namespaces behind fexpath, fexpath's uplink cabled to fex-fabric.
#
# - ping and TCP between vm1 and vm2 go only through fexpath and the fabric:
#   with fex-fabric stopped both fail, started again both work;
# - iperf3 vm1 -> vm2 within 10 % of the profile's 50 Mbit/s, then within
#   10 % of 150 Mbit/s after a live profile change during the same stream;
# - vm3 on a VLAN its profile does not allow reaches no one, and its VIF's
#   drop_vlan counter says why;
# - the uplink carries VN-Tags as tshark decodes them (both directions);
# and, past the demo: both processes stop cleanly and neither saw a frame
# from the other that it could not parse.
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces, veths)"
for tool in ip ethtool iperf3 tshark ping; do
	command -v "$tool" >/dev/null || skip_all "$tool missing; run tools/fex-setup.sh"
done
DEMO_P=e2-
# shellcheck source=../../tools/fex-demo.sh
. "$FEX_SRC/tools/fex-demo.sh"
fex_tmpdir

demo_all || { fex_done; exit 1; }

echo
echo "=== Both processes stop cleanly; no frame either could not parse ==="
for c in drop_malformed drop_direction drop_unknown_vif; do
	check_eq "fexpath uplink $c" 0 "$(uplink_counter fp "$c")"
done
fex_stop fp
check_eq "fexpath exit status" 0 $?
demo_fabric_stop >"$T/fabric-final"
check_eq "fex-fabric exit status" 0 $?
cat "$T/fabric-final"
fab_counter() {
	tr ' ' '\n' <"$T/fabric-final" | sed -n "s/^$1=//p"
}
check "fex-fabric forwarded unicast frames ($(fab_counter unicast))" test "$(fab_counter unicast)" -gt 1000
check "fex-fabric flooded the ARP requests ($(fab_counter flooded))" test "$(fab_counter flooded)" -ge 1
check_eq "fex-fabric: no drop of any kind" "" \
	"$(tr ' ' '\n' <"$T/fabric-final" | grep '^drop_' | grep -v '=0$' | tr '\n' ' ')"
fex_done
