#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two workers: the uplink has one queue pair per worker (af_packet on a
# veth, fanned out by flow hash), each vNIC is owned by one worker, and
# frames that arrive on the other worker's uplink queue are handed over
# through the hand-off ring. Every frame is accounted for.
. "$(dirname "$0")/../lib/fex-lib.sh"
[ "$(nproc)" -ge 2 ] || skip_all "needs 2 cores"
fex_tmpdir
UUID=6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a
up=fexmw$$a
peer=fexmw$$b
ip link add "$up" type veth peer name "$peer" || skip_all "cannot create a veth pair"
on_exit "ip link del $up"
for i in "$up" "$peer"; do
	sysctl -qw net.ipv6.conf.$i.disable_ipv6=1
	ip link set "$i" mtu 9000 up
done

N=3000
"$PCAPGEN" --out "$T/vm3.pcap" --src-mac 02:00:00:00:00:03 --count 200 >/dev/null
"$PCAPGEN" --out "$T/vm4.pcap" --src-mac 02:00:00:00:00:04 --count 300 >/dev/null
"$PCAPGEN" --out "$T/down.pcap" --tag vntag --dir down --dvif 1-2 --svif 9 --vlan 10 \
	--src-mac 02:00:00:00:01:00 --src-mac-step 1 --count $N >/dev/null

fex_start mw --no-huge -m 1024 --no-pci -l 0,1 --log-level=lib.eal:error -- \
	--uplink "af_packet:$up" --tag vntag --no-state --stats-json "$T/final.json" ||
	{ fex_done; exit 1; }
rpc mw profile.set '{"name": "p", "vlans": [10], "native_vlan": 10}' >/dev/null
for v in 1 2 3 4; do
	case $v in
	1|2) port="pcap:tx=$T/vm$v.out.pcap" ;;
	*) port="pcap:rx=$T/vm$v.pcap" ;;
	esac
	rpc mw vif.associate "{\"vif\": $v, \"port\": \"$port\", \"mac\": \"02:00:00:00:00:0$v\",
		\"profile\": \"p\", \"instance_uuid\": \"$UUID\"}" >/dev/null
done
workers=$(rpc mw port.list | python3 -c '
import json, sys
print(" ".join(str(p["worker"]) for p in sorted(json.load(sys.stdin), key=lambda p: p.get("vif", 0)) if p.get("vif")))')
check_eq "VIFs 1..4 spread over the two workers" "0 1 0 1" "$workers"

# The fabric side: frames for VIF 1 and 2 (alternating), many flows,
# sent in steps of 256 that fexpath has taken in before the next step:
# the kernel socket rings of the af_packet PMD (512 frames per queue)
# would overflow otherwise while the sender shares a core with a worker.
python3 - "$peer" "$T/down.pcap" "$T/mw.sock" <<'PY'
import json, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ctl.connect(sys.argv[3])
f = ctl.makefile("rw")
def taken():
    f.write(json.dumps({"jsonrpc": "2.0", "method": "stats", "id": 1}) + "\n")
    f.flush()
    return json.loads(f.readline())["result"]["uplinks"][0]["rx_packets"]
data = open(sys.argv[2], "rb").read()
frames, off = [], 24
while off < len(data):
    _, _, incl, _ = struct.unpack_from("<IIII", data, off)
    frames.append(data[off + 16: off + 16 + incl])
    off += 16 + incl
base = taken()
for i in range(0, len(frames), 256):
    for fr in frames[i:i + 256]:
        s.send(fr)
    deadline = time.time() + 10
    while taken() < base + min(i + 256, len(frames)) and time.time() < deadline:
        time.sleep(0.01)
PY
check "all $N downstream frames delivered" wait_until 20 bash -c \
	"[ \$(\"$FEXCTL\" --socket $T/mw.sock --json call vif.stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
vifs = s[\"vifs\"] if isinstance(s, dict) else s
print(sum(v[\"tx_packets\"] for v in vifs))') = $N ]"
check "egress from both workers reached the uplink" wait_until 20 bash -c \
	"[ \$(\"$FEXCTL\" --socket $T/mw.sock --json call stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"uplinks\"][0][\"tx_packets\"])') = 500 ]"
fex_stop mw
check_eq "exit status" 0 $?
python3 - "$T/final.json" <<'PY' >"$T/v"
import json, sys
s = json.load(open(sys.argv[1]))
vifs = s["vif.stats"]["vifs"] if isinstance(s["vif.stats"], dict) else s["vif.stats"]
v = {x["vif"]: x for x in vifs}
up = s["stats"]["uplinks"][0]
drops = sum(val for x in vifs for k, val in x.items() if k.startswith("drop_"))
drops += sum(val for k, val in up.items() if k.startswith("drop_") and k != "drop_malformed")
uport = next(p for p in s["port.list"] if p["port_id"] == up["port_id"])
print(v[1]["tx_packets"], v[2]["tx_packets"], v[3]["rx_packets"], v[4]["rx_packets"], up["tx_packets"], drops, up["handoffs"],
      up["rx_packets"], uport["rx_packets"], uport["rx_missed"], up["drop_malformed"])
PY
read -r t1 t2 r3 r4 utx drops handoffs urx prx pmiss malf <"$T/v"
echo "uplink: fexpath rx $urx, port rx $prx, missed in the kernel socket $pmiss, malformed $malf"
check "frames went through the hand-off ring ($handoffs)" test "$handoffs" -gt 0
check_eq "VIF 1 and 2 got half each" "$((N / 2)) $((N / 2))" "$t1 $t2"
check_eq "VIF 3 and 4 sent 200 and 300, all on the uplink" "200 300 500" "$r3 $r4 $utx"
check_eq "no drop (hand-off ring, stale, tx)" 0 "$drops"
fex_done
