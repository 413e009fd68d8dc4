#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install, build and run every test: the command README.rst gives and
# .ci/run calls.
#
#   1. tools/fex-setup.sh (packages, hugepages, build in ./build)
#   2. the unit suite, verbose, so every CUnit summary is shown
#   3. the integration and e2e suites (bench is run by tools/fex-bench.sh)
#   4. the unit suite again under AddressSanitizer + UBSan (./build-asan)
#   5. the fuzz suite with clang + libFuzzer (./build-fuzz)
#
# FEX_TEST_QUICK=1 skips 4 and 5 (for a fast local loop).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
failed_steps=()
total_pass=0
total_fail=0
total_skip=0

step() {
	local name=$1
	shift
	echo
	echo "==== $name: $*"
	if ! "$@"; then
		failed_steps+=("$name")
		return 1
	fi
}

# Add one meson run's results (its testlog.json) to the totals.
count() {
	local log=$1/meson-logs/testlog.json
	[ -f "$log" ] || return 0
	read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
}

# For each failed test of one meson run: its failed assertions first
# (CUnit's failure lines, a script's FAIL lines), then its log tail, so
# the cause is on screen even when the log is long.
failures() {
	local log=$1/meson-logs/testlog.json
	[ -f "$log" ] || return 0
	python3 - "$log" <<'PY'
import json, re, sys
want = re.compile(r"^(FAIL\b|.*had failures:|\s+\d+\. .*\.c:\d+|.*Assertion|.*ERROR: AddressSanitizer|.*runtime error:)")
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
        continue
    out = (r.get("stdout") or "") + (r.get("stderr") or "")
    lines = out.splitlines()
    print(f"---- {r['name']}: {r['result']} (exit {r.get('returncode')}, {r.get('duration', 0):.1f} s)")
    hits = [l for l in lines if want.match(l)]
    print("  failed checks:" if hits else "  no failed-check line found; see the tail")
    for l in hits[:40]:
        print("    " + l)
    print("  last lines of its log:")
    for l in lines[-25:]:
        print("    | " + l)
PY
	echo "(whole logs: $1/meson-logs/testlog.txt)"
}

step setup tools/fex-setup.sh || { echo "fex-test: setup failed"; exit 1; }

step unit meson test -C build --suite unit -v || failures build
count build
step integration meson test -C build --no-suite unit || failures build
count build

if [ "${FEX_TEST_QUICK:-0}" != 1 ]; then
	if [ ! -f build-asan/build.ninja ]; then
		meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	fi
	step asan-build ninja -C build-asan &&
		step asan-unit env ASAN_OPTIONS=detect_leaks=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			meson test -C build-asan --suite unit || failures build-asan
	count build-asan

	if command -v clang >/dev/null; then
		if [ ! -f build-fuzz/build.ninja ]; then
			CC=clang meson setup build-fuzz -Dfuzz=enabled >/dev/null
		fi
		step fuzz-build ninja -C build-fuzz &&
			{ step fuzz meson test -C build-fuzz --suite fuzz || failures build-fuzz; }
		count build-fuzz
	else
		echo "fex-test: clang missing, fuzz suite not run"
		failed_steps+=(fuzz-missing-clang)
	fi
fi

echo
if [ "${#failed_steps[@]}" -gt 0 ]; then
	echo "fex-test: FAILED steps: ${failed_steps[*]}"
fi
echo "fexpath: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "${#failed_steps[@]}" -eq 0 ] && [ "$total_fail" -eq 0 ]
