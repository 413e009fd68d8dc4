# SPDX-License-Identifier: BSD-3-Clause
# etcd members for tests and demos, after fex-lib.sh (uses $T, on_exit,
# fex_pids): private data directories under $T, free ports on 127.0.0.1,
# started and stopped by pid; never the system's etcd service.
#
#   etcd_cluster N            -> members 1..N of one cluster, running;
#                                $ETCD_ENDPOINTS = their client URLs, a,b,c
#   etcd_url I                -> member I's client URL
#   etcd_stop_member I [SIG]  -> stop it (SIGTERM; SIGKILL to kill it)
#   etcd_start_member I       -> start it again (same data directory)
#   etcd_wait_member I        -> until it answers (10 s at most)
#   ectl ARGS...              -> etcdctl (v3 API) on every member

command -v etcd >/dev/null && command -v etcdctl >/dev/null ||
	skip_all "etcd missing (tools/fex-setup.sh installs etcd-server etcd-client)"

ETCD_N=0
ETCD_ENDPOINTS=

free_ports() {	# free_ports N -> N free TCP ports on 127.0.0.1
	python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

etcd_url() {
	eval "echo http://127.0.0.1:\$ETCD_CPORT_$1"
}

etcd_start_member() {
	local i=$1 cport pport cluster=
	eval "cport=\$ETCD_CPORT_$i pport=\$ETCD_PPORT_$i"
	for j in $(seq "$ETCD_N"); do
		cluster+="${cluster:+,}m$j=http://127.0.0.1:$(eval "echo \$ETCD_PPORT_$j")"
	done
	etcd --name "m$i" --data-dir "$T/etcd$i" \
		--listen-client-urls "http://127.0.0.1:$cport" \
		--advertise-client-urls "http://127.0.0.1:$cport" \
		--listen-peer-urls "http://127.0.0.1:$pport" \
		--initial-advertise-peer-urls "http://127.0.0.1:$pport" \
		--initial-cluster "$cluster" --initial-cluster-token "fex-test-$$" \
		--heartbeat-interval 50 --election-timeout 500 \
		--logger zap --log-level warn >>"$T/etcd$i.log" 2>&1 &
	eval "ETCD_PID_$i=$!"
	fex_pids+=("$!")
}

etcd_wait_member() {
	wait_until 10 etcdctl --endpoints "$(etcd_url "$1")" --command-timeout=1s \
		endpoint health
}

etcd_stop_member() {
	local pid
	eval "pid=\$ETCD_PID_$1"
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

etcd_cluster() {
	local n=$1 ports i
	ETCD_N=$n
	read -r -a ports <<<"$(free_ports $((2 * n)))"
	for i in $(seq "$n"); do
		eval "ETCD_CPORT_$i=${ports[$((2 * i - 2))]} ETCD_PPORT_$i=${ports[$((2 * i - 1))]}"
	done
	for i in $(seq "$n"); do
		etcd_start_member "$i"
	done
	ETCD_ENDPOINTS=
	for i in $(seq "$n"); do
		ETCD_ENDPOINTS+="${ETCD_ENDPOINTS:+,}$(etcd_url "$i")"
	done
	for i in $(seq "$n"); do
		etcd_wait_member "$i" || { echo "etcd member $i did not come up:"; cat "$T/etcd$i.log"; return 1; }
	done
}

ectl() {
	ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINTS" --command-timeout=3s "$@"
}
