#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a test command again and again and say how often it passed: the
# check that the suites are not flaky (issue "passes every time").
#
#   tools/fex-soak.sh [-n N] [--hog] [--suites]
#     -n N      runs (default 10)
#     --hog     keep every core busy with stress-ng --cpu $(nproc) meanwhile
#     --suites  run the unit and integration suites of ./build (meson test)
#               instead of the whole README test command (tools/fex-test.sh)
#
# Stops at nothing: every run's output is kept in soak-logs/run-K.log.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=10
hog=0
suites=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift ;;
	--hog) hog=1 ;;
	--suites) suites=1 ;;
	-h|--help) sed -n '3,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "fex-soak: unknown option '$1'; see --help" >&2; exit 2 ;;
	esac
	shift
done
command -v stress-ng >/dev/null || [ $hog = 0 ] ||
	{ echo "fex-soak: --hog needs stress-ng (tools/fex-setup.sh installs it)" >&2; exit 2; }

logs=$top/soak-logs
mkdir -p "$logs"
hog_pid=
stop_hog() { [ -n "$hog_pid" ] && kill "$hog_pid" 2>/dev/null && wait "$hog_pid" 2>/dev/null; hog_pid=; }
trap stop_hog EXIT
trap 'exit 130' INT TERM
if [ $hog = 1 ]; then
	stress-ng --cpu "$(nproc)" --timeout 0 >/dev/null 2>&1 &
	hog_pid=$!
	echo "fex-soak: CPU hog stress-ng --cpu $(nproc) (pid $hog_pid)"
fi

pass=0
fail=0
for k in $(seq 1 "$runs"); do
	t0=$(date +%s)
	if [ $suites = 1 ]; then
		meson test -C build --suite unit --suite integration >"$logs/run-$k.log" 2>&1
	else
		bash tools/fex-test.sh >"$logs/run-$k.log" 2>&1
	fi
	rc=$?
	t=$(($(date +%s) - t0))
	if [ $rc = 0 ]; then
		pass=$((pass + 1))
		echo "run $k: ok ($t s): $(grep -E '^fexpath: [0-9]+ passed|^Ok: ' "$logs/run-$k.log" | tr '\n' ' ')"
	else
		fail=$((fail + 1))
		echo "run $k: FAILED ($t s), log $logs/run-$k.log:"
		grep -E '^---- |^    [^|]|^fexpath: [0-9]+ passed| FAIL ' "$logs/run-$k.log" | head -20
		[ $suites = 1 ] && cp build/meson-logs/testlog.txt "$logs/run-$k.testlog.txt"
	fi
done
echo "fex-soak: $pass passed, $fail failed"
[ $fail = 0 ]
