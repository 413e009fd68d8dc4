#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# fexpath side by side with dpdk-testpmd (SPEC.md section 7): prints the
# table and writes it as CSV (default bench.csv; --csv FILE). Options go to
# tools/bench/fex_bench.py (--help). Uses hugepages (tools/fex-setup.sh
# --no-deps --no-build reserves them) and two cores: the forwarding core
# (--core, default 1) and testpmd's main / the VM's core (--main-core, 0).
set -e
FEX_SRC=${FEX_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
FEX_BUILD=${FEX_BUILD:-$FEX_SRC/build}
command -v dpdk-testpmd >/dev/null || { echo "SKIP: dpdk-testpmd missing"; exit 77; }
[ -x "$FEX_BUILD/app/fexpath/fexpath" ] || { echo "build first: ninja -C $FEX_BUILD"; exit 1; }
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
args=()
if [ "${free:-0}" -lt 256 ]; then
	echo "note: fewer than 256 free hugepages; pcap rows run with --no-huge, vhost rows need them"
	args+=(--no-huge)
fi
csv=()
case " $* " in *" --csv "*) ;; *) csv=(--csv "${FEX_BENCH_CSV:-$PWD/bench.csv}") ;; esac
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared: compare ratios, not Mpps)"
exec python3 "$FEX_SRC/tools/bench/fex_bench.py" --build "$FEX_BUILD" "${csv[@]}" "${args[@]}" "$@"
