#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The control socket of a running, forwarding fexpath: every error path
# leaves the state unchanged; garbage, a 10 MiB line, 200 clients and a
# client that never reads stop neither forwarding nor the server, and leak
# no fds; kill -9 after acknowledged changes loses nothing; a user who is
# neither root nor in the control group changes nothing.
. "$(dirname "$0")/../lib/fex-lib.sh"
fex_tmpdir
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
EAL=(--no-huge -m 1024 --no-pci -l 0 --log-level=lib.eal:error)
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1 --vlan 10 --count 64 >/dev/null
chmod 755 "$T"
# The socket's group: members may change things (root always may).
groupadd -f fexctltest
id fexctluser >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin -G fexctltest fexctluser
on_exit "groupdel fexctltest"
on_exit "userdel fexctluser"

start() {
	fex_start ctl "${EAL[@]}" -- --uplink "pcap:rx=$T/down.pcap,infinite" \
		--state "$T/state.json" --control-group fexctltest
}
tx1() { vif_counter ctl 1 tx_packets; }
rising() {	# the VIF's counter keeps rising
	local a b
	a=$(tx1)
	wait_until 10 bash -c "[ \$(\"$FEXCTL\" --socket $T/ctl.sock --json call vif.stats '{\"vif\": 1}' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tx_packets\"])') -gt $a ]"
}
state() {
	{ rpc ctl profile.list; rpc ctl vif.list; rpc ctl viflist.list; } 2>/dev/null
}

start || { fex_done; exit 1; }
rpc ctl profile.set '{"name": "web", "vlans": [10, 20], "native_vlan": 10, "max_ports": 1}' >/dev/null
rpc ctl vif.associate "{\"vif\": 1, \"port\": \"null\", \"mac\": \"02:00:00:00:00:01\",
	\"profile\": \"web\", \"instance_uuid\": \"$UUID\"}" >/dev/null
rpc ctl viflist.set '{"id": 100, "vifs": [1]}' >/dev/null
check "VIF 1 forwards" rising

# Every error path: an error, and nothing changed.
before=$(state)
errors=(
	'bogus.method|{}'
	'profile.set|{"name": "web", "vlans": "ten"}'
	'profile.set|{"name": "web", "native_vlan": 4095}'
	'profile.set|{"name": "web", "cos": 8}'
	'profile.set|{"name": "bad name!"}'
	'profile.set|{"name": "web", "colour": "red"}'
	'profile.set|{"name": "web", "cluster": "other"}'
	'profile.get|{"name": "nosuch"}'
	'profile.delete|{"name": "web"}'
	'vif.associate|{"vif": 2, "port": "null", "mac": "02:00:00:00:00:02", "profile": "web", "instance_uuid": "'$UUID'"}'
	'vif.associate|{"vif": 3, "port": "null", "mac": "02:00:00:00:00:03", "profile": "nosuch", "instance_uuid": "'$UUID'"}'
	'vif.associate|{"vif": 4096, "port": "null", "mac": "02:00:00:00:00:03", "profile": "web", "instance_uuid": "'$UUID'"}'
	'vif.associate|{"vif": 3, "port": "bogus:x", "mac": "02:00:00:00:00:03", "profile": "web", "instance_uuid": "'$UUID'"}'
	'vif.associate|{"vif": 1, "port": "null", "mac": "02:00:00:00:00:09", "profile": "web", "instance_uuid": "'$UUID'"}'
	'vif.disassociate|{"vif": 77}'
	'vif.stats|{"vif": "one"}'
	'viflist.set|{"id": 0, "vifs": [1]}'
	'viflist.get|{"id": 5}'
	'cluster.list|{"cluster": 1}'
)
for e in "${errors[@]}"; do
	m=${e%%|*}
	p=${e#*|}
	out=$(rpc ctl "$m" "$p" 2>&1)
	rc=$?
	check "$m $p: refused (exit $rc)" test $rc -ne 0
	check "... with a message" test -n "$out"
done
check_eq "state unchanged after every refused request" "$before" "$(state)"

# Abuse of the socket while VIF 1 forwards.
pid=$(fex_pid ctl)
fds0=$(ls /proc/$pid/fd | wc -l)
rss0=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
python3 - "$T/ctl.sock" <<'PY' >"$T/abuse.log" 2>&1
import socket, sys, time, json
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
# garbage
s = conn(); s.sendall(b"\x00\xff garbage {{{ not json\n"); print("garbage:", s.recv(4096)[:80]); s.close()
# a 10 MiB line
s = conn()
try:
    s.sendall(b"x" * (10 << 20))
except OSError as e:
    print("10MiB: server closed early:", e)
try:
    print("10MiB:", s.recv(4096)[:80])
except OSError as e:
    print("10MiB recv:", e)
s.close()
# 200 concurrent clients, each with a request
cs = [conn() for _ in range(200)]
for i, c in enumerate(cs):
    c.sendall(json.dumps({"jsonrpc": "2.0", "method": "cluster.list", "id": i}).encode() + b"\n")
ok = sum(1 for c in cs if b'"default"' in c.recv(4096))
print("200 clients answered:", ok)
for c in cs: c.close()
# a client that never reads its replies
s = conn()
s.setblocking(False)
req = json.dumps({"jsonrpc": "2.0", "method": "vif.stats", "params": {}, "id": 1}).encode() + b"\n"
sent = 0
try:
    for _ in range(20000):
        s.send(req); sent += 1
except OSError as e:
    print("never-reader: stopped after", sent, "requests:", e.__class__.__name__)
time.sleep(0.5)
s.close()
PY
cat "$T/abuse.log"
check "200 concurrent clients all answered" grep -q "200 clients answered: 200" "$T/abuse.log"
check "VIF 1 still forwards after the abuse" rising
check "the server still answers" rpc ctl cluster.list
check "fds back to the start value ($fds0)" wait_until 10 bash -c "[ \$(ls /proc/$pid/fd | wc -l) -le $fds0 ]"
rss1=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "VmRSS before ${rss0} kB, after ${rss1} kB"
check "memory grew by less than 16 MiB" test $((rss1 - rss0)) -lt 16384

# Permissions: nobody (not in the group) cannot change anything; a
# member of the group can.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$FEXCTL" --socket "$T/ctl.sock" "$@"; }
as_member() { setpriv --reuid=fexctluser --regid=nogroup --init-groups "$FEXCTL" --socket "$T/ctl.sock" "$@"; }
out=$(as_nobody profile set evil --vlans 30 2>&1)
check "nobody is refused a change (exit $?)" test $? -ne 0
echo "  $out"
check "... and nothing changed" bash -c "! \"$FEXCTL\" --socket $T/ctl.sock profile get evil >/dev/null 2>&1"
check "a member of the control group may change" as_member profile set ops --vlans 30
check "... and read" as_member profile list

# Acknowledged changes survive kill -9.
rpc ctl profile.set '{"name": "web", "cos": 5}' >/dev/null
saved=$(state)
kill -KILL "$pid"
wait "$pid" 2>/dev/null
start
check_eq "after kill -9 and restart: every profile, VIF and VIF list is back" "$saved" "$(state)"
check "... and VIF 1 forwards again" rising
fex_stop ctl
check_eq "exit status" 0 $?
fex_done
