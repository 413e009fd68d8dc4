# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# Real guests for the tests: a small Debian-made Linux (tools/guest/) booted
# by QEMU under TCG, one virtio-net vNIC on a vhost-user socket, driven
# through its control channel. Source after fex-lib.sh and fex_tmpdir.
#
#   guest_image                      -> builds or reuses $GUEST_IMAGE
#   guest_start N SOCK MAC IP/LEN [server|client [NET-OPTS [INCOMING]]]
#                                    -> QEMU in the background ($GUEST_PID_N),
#                                       console $T/gN.console; returns when
#                                       SOCK (server mode) exists
#   guest_wait_ready N SECS          -> polls the console for the ready line
#   console_wait_ready CONSOLE SECS  -> the same for any console file
#   guest_exec N [--timeout S] CMD   -> runs CMD in guest N, its output and status
#   guest_alive N, guest_stop N
#
# The vNIC is whatever the test makes of SOCK on the fexpath side
# (vhost:SOCK for server mode, vhost-server:SOCK for client mode): only
# port spec strings and fexctl, nothing of how fexpath implements them.

GUEST_TOOLS=$FEX_SRC/tools/guest
GUEST_IMAGE=${FEX_GUEST_IMAGE:-$FEX_BUILD/guest}
# QEMU off fexpath's core (fexpath -l 0 busy-polls core 0).
GUEST_CPUS=${FEX_GUEST_CPUS:-$(($(nproc) > 1 ? 1 : 0))}

# Skip (77) when a guest cannot be had here, rather than fail.
guest_requirements() {
	command -v qemu-system-x86_64 >/dev/null ||
		skip_all "qemu-system-x86_64 missing (package qemu-system-x86; run tools/fex-setup.sh)"
	local t
	for t in cpio dpkg-deb modinfo python3 taskset; do
		command -v "$t" >/dev/null || skip_all "$t missing; run tools/fex-setup.sh"
	done
}

guest_image() {
	local rc=0
	bash "$GUEST_TOOLS/fex-guest-image.sh" "$GUEST_IMAGE" >"$T/guest-image.log" 2>&1 || rc=$?
	if [ "$rc" -eq 3 ]; then
		cat "$T/guest-image.log"
		skip_all "the guest's Debian packages could not be downloaded"
	fi
	if [ "$rc" -ne 0 ]; then
		cat "$T/guest-image.log"
		return 1
	fi
	grep -E '^(kernel|modules|fex-guest-image)' "$T/guest-image.log"
}

guest_start() {	# guest_start N SOCK MAC IP/LEN [server|client [NET-OPTS [INCOMING]]]
	local n=$1 sock=$2 mac=$3 ip=$4 mode=${5:-server} netopts=${6:-} incoming=${7:-} pid
	: >"$T/g$n.console"
	bash "$GUEST_TOOLS/fex-guest-run.sh" --image "$GUEST_IMAGE" --name "g$n" \
		--vhost "$sock" --vhost-mode "$mode" --mac "$mac" --ip "$ip" \
		--console "$T/g$n.console" --control "$T/g$n.ctl" --cpus "$GUEST_CPUS" \
		--qmp "$T/g$n.qmp" ${netopts:+--net-opts "$netopts"} \
		${incoming:+--incoming "$incoming"} \
		>>"$T/g$n.qemu.log" 2>&1 &
	pid=$!
	fex_pids+=("$pid")
	eval "GUEST_PID_$n=$pid"
	if ! wait_until 20 test -S "$T/g$n.ctl" ||
	   { [ "$mode" = server ] && ! wait_until 20 test -S "$sock"; }; then
		echo "QEMU for guest $n did not come up; its log:"
		cat "$T/g$n.qemu.log"
		return 1
	fi
}

# One QMP command to guest N's QEMU; prints its answer.
guest_qmp() {	# guest_qmp N JSON
	python3 - "$T/g$1.qmp" "$2" <<'EOF_QMP'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())                      # greeting
for cmd in ({"execute": "qmp_capabilities"}, json.loads(sys.argv[2])):
    f.write(json.dumps(cmd) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            break
print(json.dumps(r))
sys.exit(0 if "return" in r else 1)
EOF_QMP
}

guest_pid() {
	eval "echo \${GUEST_PID_$1:-}"
}

guest_alive() {
	kill -0 "$(guest_pid "$1")" 2>/dev/null
}

console_ready() { grep -q "^fex-guest: ready" "$1" 2>/dev/null; }

console_wait_ready() {	# console_wait_ready CONSOLE SECS: the guest's init said so
	if ! wait_until "$2" console_ready "$1"; then
		echo "$1: not ready in $2 s; the console ends:"
		tail -n 30 "$1"
		return 1
	fi
	grep "^fex-guest: " "$1"
}

guest_wait_ready() {	# guest_wait_ready N SECS
	console_wait_ready "$T/g$1.console" "$2" || { cat "$T/g$1.qemu.log"; return 1; }
}

guest_exec() {	# guest_exec N [--timeout S] CMD
	local n=$1
	shift
	python3 "$GUEST_TOOLS/fex-guest-exec" "${@:1:$#-1}" "$T/g$n.ctl" "${!#}"
}

guest_stop() {
	local pid p keep=()
	pid=$(guest_pid "$1")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in "${fex_pids[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	fex_pids=("${keep[@]}")
}
