# SPDX-License-Identifier: BSD-3-Clause
# Shared by the integration, e2e and bench scripts: checks with a pass/fail
# tally, polling instead of sleeping, processes started and stopped by pid,
# and everything a test creates removed on exit (also on Ctrl-C).
#
#   . "$FEX_SRC/tests/lib/fex-lib.sh"
#   fex_tmpdir                      -> $T, removed at exit
#   check "what" cmd args...        -> one line, counted
#   wait_until SECONDS cmd args...  -> polls every 50 ms, 1 on timeout
#   fex_start NAME [EAL args] -- [fexpath args]   (background, $FEX_PID_<NAME>)
#   fex_stop NAME                   -> SIGTERM, waits, returns its exit code
#   rpc NAME METHOD [JSON]          -> fexctl --json call on NAME's socket
#   fex_done                        -> prints "N passed, M failed", exit code

FEX_SRC=${FEX_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FEX_BUILD=${FEX_BUILD:-$FEX_SRC/build}
FEXPATH=$FEX_BUILD/app/fexpath/fexpath
FEXCTL=$FEX_BUILD/app/fexctl/fexctl
PCAPGEN=$FEX_BUILD/tools/fabric/fex-pcapgen
FABRIC=$FEX_BUILD/tools/fabric/fex-fabric

fex_pass=0
fex_fail=0
fex_pids=()
fex_cleanups=()

fex_cleanup() {
	local pid i
	for pid in "${fex_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${fex_pids[@]}"; do
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null
	done
	for ((i = ${#fex_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${fex_cleanups[$i]}" >/dev/null 2>&1
	done
}
trap fex_cleanup EXIT
trap 'exit 130' INT TERM

# Run at exit (in reverse order of registration).
on_exit() {
	fex_cleanups+=("$*")
}

fex_tmpdir() {
	T=$(mktemp -d /tmp/fex-test.XXXXXX)
	on_exit "rm -rf '$T'"
}

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok   - $what"
		fex_pass=$((fex_pass + 1))
	else
		echo "FAIL - $what"
		fex_fail=$((fex_fail + 1))
	fi
}

# check_eq "what" expected actual
check_eq() {
	if [ "$2" = "$3" ]; then
		echo "ok   - $1 ($3)"
		fex_pass=$((fex_pass + 1))
	else
		echo "FAIL - $1: expected '$2', got '$3'"
		fex_fail=$((fex_fail + 1))
	fi
}

wait_until() {
	local secs=$1 deadline
	shift
	deadline=$(($(date +%s%N) + secs * 1000000000))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

skip_all() {
	echo "SKIP: $*"
	exit 77
}

# need_hugepages N [WHY]: N free 2 MiB hugepages on a mounted hugetlbfs,
# or the test is skipped with what to run.
need_hugepages() {
	local pages=$1 why=${2:+ ($2)} free
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "${free:-0}" -lt "$pages" ] || ! grep -qs ' hugetlbfs ' /proc/mounts; then
		skip_all "needs $pages free 2 MiB hugepages$why (have ${free:-0}); run tools/fex-setup.sh"
	fi
}

# need_cores WHY: a second core, or the test is skipped.
need_cores() {
	[ "$(nproc)" -ge 2 ] || skip_all "needs 2 cores ($1)"
}

# A dpdk-testpmd virtio-user guest beside fexpath: testpmd, free 2 MiB
# hugepages (default 160) and a second core, or the test is skipped.
need_testpmd_guest() {
	command -v dpdk-testpmd >/dev/null || skip_all "dpdk-testpmd missing (package dpdk)"
	need_hugepages "${1:-160}"
	need_cores "fexpath and the guest busy-poll"
}

# fex_start NAME [EAL args] -- [fexpath args]: control socket $T/NAME.sock,
# output in $T/NAME.log, state off unless the args give --state.
fex_start() {
	local name=$1 pid
	shift
	local sock=$T/$name.sock
	on_exit "rm -rf /var/run/dpdk/fex$$$name"
	"$FEXPATH" --file-prefix "fex$$$name" "$@" --control "$sock" \
		>"$T/$name.log" 2>&1 &
	pid=$!
	fex_pids+=("$pid")
	eval "FEX_PID_$name=$pid"
	local a prev= sj=
	for a in "$@"; do
		[ "$prev" = --stats-json ] && sj=$a
		prev=$a
	done
	eval "FEX_STATS_$name=\$sj"
	# Up when its control socket answers; given up on at once if it exits.
	local deadline=$(($(date +%s%N) + 30000000000))
	until "$FEXCTL" --socket "$sock" cluster list >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s%N)" -ge "$deadline" ]; then
			echo "fexpath $name did not come up; its log:"
			cat "$T/$name.log"
			return 1
		fi
		sleep 0.05
	done
}

fex_pid() {
	eval "echo \$FEX_PID_$1"
}

# With --stats-json, the stop also checks that every mbuf went back to
# the pools once the ports were closed (a leak fails the test).
fex_stop() {
	local pid rc sj
	pid=$(fex_pid "$1")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	eval "sj=\${FEX_STATS_$1:-}"
	if [ -n "$sj" ] && [ "$rc" -eq 0 ]; then
		check_eq "$1: no mbuf leaked (in use after the ports closed)" 0 \
			"$(json_get mbufs.in_use_after_close <"$sj" 2>&1)"
	fi
	return $rc
}

rpc() {
	local name=$1 method=$2 params=${3:-{\}}
	"$FEXCTL" --socket "$T/$name.sock" --json call "$method" "$params"
}

# jq-less JSON field access: json_get 'a.b.0.c' < json
json_get() {
	python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    if k == "":
        continue
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list)) else v)
' "$1"
}

vif_counter() {	# vif_counter NAME VIF COUNTER
	rpc "$1" vif.stats "{\"vif\": $2}" | json_get "$3"
}

uplink_counter() {	# uplink_counter NAME COUNTER
	rpc "$1" stats | json_get "uplinks.0.$2"
}

# tshark fields of every frame, one line per frame, tab separated.
tshark_fields() {
	local file=$1
	shift
	local args=()
	for f in "$@"; do
		args+=(-e "$f")
	done
	tshark -r "$file" -T fields -E separator=/t "${args[@]}" 2>/dev/null
}

fex_done() {
	echo "$fex_pass passed, $fex_fail failed"
	[ "$fex_fail" -eq 0 ]
}
