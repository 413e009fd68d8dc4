#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's cluster demo (tools/fex-cluster-demo.sh) as a user runs it:
# it exits 0, every one of its own checks passed, and the change it made
# once was applied on both hosts' data paths.
# shellcheck source-path=SCRIPTDIR source=../lib/fex-lib.sh
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (veths, DPDK)"
for tool in etcd etcdctl tshark; do
	command -v "$tool" >/dev/null || skip_all "$tool missing; run tools/fex-setup.sh"
done
fex_tmpdir

bash "$FEX_SRC/tools/fex-cluster-demo.sh" >"$T/demo.log" 2>&1 &
demo=$!
wait "$demo"
rc=$?
cat "$T/demo.log"
check_eq "fex-cluster-demo exit status" 0 "$rc"
check "fex-cluster-demo: its checks passed, none failed" \
	grep -Eq '^[1-9][0-9]* passed, 0 failed$' "$T/demo.log"
for h in hosta hostb; do
	check "fex-cluster-demo: the change applied on $h's data path" \
		grep -q "^ok .* $h: applied: frames now leave with" "$T/demo.log"
done
fex_done
