#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of tests/integration/cluster.sh (and tools/fex-cluster-demo.sh):

  send IFACE=MAC ...         VM frames, untagged, one per interface every
                             --interval-ms, each carrying its send time
                             (CLOCK_REALTIME, a double) as payload; runs
                             until killed
  changes                    N profile changes put into etcd (its JSON
                             gateway), each followed until every fexpath's
                             profile.get shows it and, with --uplinks, until
                             a frame with the new VLAN/CoS left by each
                             host's uplink pcap (by the frame's send time)
  race                       two hosts associate the same free VIF at the
                             same moment, N times: one owner each time
"""
import argparse
import base64
import http.client
import json
import socket
import struct
import sys
import time
import urllib.parse


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Rpc:
    """One persistent connection to a fexpath control socket."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rwb")
        self.id = 0

    def send(self, method, params=None):
        self.id += 1
        req = {"jsonrpc": "2.0", "id": self.id, "method": method}
        if params is not None:
            req["params"] = params
        self.f.write((json.dumps(req) + "\n").encode())
        self.f.flush()

    def recv(self):
        return json.loads(self.f.readline())

    def call(self, method, params=None):
        self.send(method, params)
        return self.recv()


class Etcd:
    """etcd's v3 JSON gateway over one keep-alive HTTP connection."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)

    def post(self, path, body):
        self.c.request("POST", path, json.dumps(body),
                       {"Content-Type": "application/json"})
        r = self.c.getresponse()
        return json.loads(r.read())

    def put(self, key, value, tries=3):
        """A put; retried on a new connection when the member did not
        answer (a leader election after a member died)."""
        b = lambda s: base64.b64encode(s.encode()).decode()
        for t in range(tries):
            try:
                r = self.post("/v3/kv/put", {"key": b(key), "value": b(value)})
                if "header" in r:
                    return r
            except (OSError, http.client.HTTPException, ValueError) as e:
                r = e
            self.c.close()
            print("put %s: %s; retrying" % (key, r), file=sys.stderr)
        raise SystemExit("put %s failed %d times" % (key, tries))

    def get(self, key):
        b = lambda s: base64.b64encode(s.encode()).decode()
        r = self.post("/v3/kv/range", {"key": b(key)})
        kvs = r.get("kvs", [])
        return json.loads(base64.b64decode(kvs[0]["value"])) if kvs else None


# ---------------------------------------------------------------- send

def cmd_send(a):
    socks = []
    for spec in a.ports:
        iface, mac = spec.split("=")
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
        head = bytes.fromhex("0200000000ff" + mac.replace(":", "") + "0800")
        socks.append((s, head))
    interval = a.interval_ms / 1000.0
    nxt = time.time()
    while True:
        for s, head in socks:
            s.send(head + struct.pack("<d", time.time()) + bytes(38))
        nxt += interval
        d = nxt - time.time()
        if d > 0:
            time.sleep(d)
        else:
            nxt = time.time()


# ---------------------------------------------------------------- changes

PROFILE_KEY = "/fexpath/clusters/default/profiles/"


def profile_value(name, i, tag):
    """Change i: native VLAN 10/20 in turn, CoS i % 8 (each change differs
    from the one before in what a frame shows), a description naming it."""
    return {"name": name, "vlans": [10, 20], "native_vlan": 10 + 10 * (i % 2),
            "cos": i % 8, "description": "%s %d" % (tag, i)}


class Uplink:
    """The frames a VM's sender put on a host's uplink pcap, read as the
    file grows: (send time, VLAN, PCP) of each, from its VN-Tag + 802.1Q."""

    def __init__(self, spec):
        self.path, mac = spec.split("=")
        self.src = bytes.fromhex(mac.replace(":", ""))
        self.f = None
        self.buf = b""
        self.header = False	# the file's 24 bytes read

    def frames(self):
        if self.f is None:
            try:
                self.f = open(self.path, "rb")
            except FileNotFoundError:
                return []
        self.buf += self.f.read()
        off = 0
        if not self.header:
            if len(self.buf) < 24:
                return []
            self.header, off = True, 24
        out = []
        while len(self.buf) - off >= 16:
            incl = struct.unpack_from("<I", self.buf, off + 8)[0]
            if len(self.buf) - off < 16 + incl:
                break		# the rest is not written yet
            f = self.buf[off + 16: off + 16 + incl]
            off += 16 + incl
            if len(f) >= 32 and f[6:12] == self.src and f[12:14] == b"\x89\x26" \
                    and f[18:20] == b"\x81\x00":
                tci = struct.unpack_from(">H", f, 20)[0]
                out.append((struct.unpack_from("<d", f, 24)[0], tci & 0xfff, tci >> 13))
        self.buf = self.buf[off:]
        return out


def cmd_changes(a):
    etcd = [Etcd(u) for u in a.gateway.split(",")]
    rpcs = [Rpc(p) for p in a.socks.split(",")]
    ups = [Uplink(u) for u in a.uplinks.split(",")] if a.uplinks else []
    for u in ups:
        u.frames()	# what is there already is from before
    key = PROFILE_KEY + a.profile
    ctl, dp, worst, missed = [], [], [], 0
    for i in range(a.first, a.first + a.n):
        p = profile_value(a.profile, i, a.tag)
        t0 = time.time()
        etcd[i % len(etcd)].put(key, json.dumps(p))
        seen = [None] * len(rpcs)
        first = [None] * len(ups)
        deadline = t0 + a.timeout
        while (None in seen or None in first) and time.time() < deadline:
            for h, r in enumerate(rpcs):
                if seen[h] is None:
                    r.send("profile.get", {"name": a.profile})
            for h, r in enumerate(rpcs):
                if seen[h] is None:
                    res = r.recv().get("result", {})
                    if res.get("description") == p["description"]:
                        seen[h] = time.time()
            for h, u in enumerate(ups):
                for ts, vid, pcp in u.frames():
                    if first[h] is None and ts > t0 and \
                            (vid, pcp) == (p["native_vlan"], p["cos"]):
                        first[h] = ts	# when its VM sent it
            if None in seen or None in first:
                time.sleep(0.0002)
        missed += seen.count(None) + first.count(None)
        ctl += [(s - t0) * 1000 for s in seen if s]
        dp += [(f - t0) * 1000 for f in first if f]
        if None not in seen:
            worst.append(max(s - t0 for s in seen) * 1000)
    print("%s: %d changes put into etcd x %d hosts: until profile.get shows it: "
          "p50 %.1f ms, p99 %.1f ms, max %.1f ms (slowest host per change: p50 "
          "%.1f, p99 %.1f)" % (a.tag, a.n, len(rpcs), pct(ctl, 50), pct(ctl, 99),
                               max(ctl or [0]), pct(worst, 50), pct(worst, 99)))
    if ups:
        print("%s: until the first frame with the new VLAN/CoS leaves by each "
              "host's uplink (by the time its VM sent it, a frame every %s ms): "
              "p50 %.1f ms, p99 %.1f ms, max %.1f ms" %
              (a.tag, a.interval_ms, pct(dp, 50), pct(dp, 99), max(dp or [0])))
    if missed:
        print("%s: %d (change, host) pairs not seen within %.0f s" %
              (a.tag, missed, a.timeout))
    bad = missed or (a.p99_max and pct(dp or ctl, 99) > a.p99_max)
    sys.exit(1 if bad else 0)


# ---------------------------------------------------------------- race

def cmd_race(a):
    socks = a.socks.split(",")
    hosts = a.hosts.split(",")
    rpcs = [Rpc(p) for p in socks]
    etcd = Etcd(a.gateway)
    bad, wins = 0, [0, 0]
    t_start = time.time()
    for vif in range(a.first, a.first + a.n):
        params = {"vif": vif, "port": "null", "mac": "02:00:00:01:%02x:%02x" %
                  (vif >> 8, vif & 0xff), "profile": a.profile,
                  "instance_uuid": "6b3a2a4e-8c1f-4d2b-9a7e-%012x" % vif}
        for r in rpcs:		# both requests leave before either answer
            r.send("vif.associate", params)
        ans = [r.recv() for r in rpcs]
        ok = ["result" in x for x in ans]
        owner = etcd.get("/fexpath/vifs/%d" % vif)
        if ok.count(True) != 1:
            bad += 1
            print("race VIF %d: %d winners: %s" % (vif, ok.count(True), ans))
        else:
            w = ok.index(True)
            loser = ans[1 - w]["error"]
            if owner is None or owner.get("host") != hosts[w] or \
                    owner.get("state") != "associated" or \
                    loser["data"].get("response") != "bad-state" or \
                    ("host %s" % hosts[w]) not in loser["message"]:
                bad += 1
                print("race VIF %d: winner %s, store says %s, loser got %s" %
                      (vif, hosts[w], owner, loser))
            wins[w] += 1
        for k, r in enumerate(rpcs):
            if ok[k]:
                r.call("vif.disassociate", {"vif": vif})
        if ok.count(True) == 1 and etcd.get("/fexpath/vifs/%d" % vif) is not None:
            bad += 1
            print("race VIF %d: key left after disassociate" % vif)
    print("%d association races between %s and %s (%.1f s): one owner every "
          "time in %d, %s won %d, %s won %d" %
          (a.n, hosts[0], hosts[1], time.time() - t_start, a.n - bad, hosts[0],
           wins[0], hosts[1], wins[1]))
    sys.exit(1 if bad else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("ports", nargs="+", help="IFACE=SRC_MAC")
    s.add_argument("--interval-ms", type=float, default=1.0)
    s.set_defaults(fn=cmd_send)
    s = sub.add_parser("changes")
    s.add_argument("--gateway", required=True, help="etcd URL[,URL...] (rotated)")
    s.add_argument("--socks", required=True, help="control sockets, a,b,c")
    s.add_argument("--uplinks", help="the hosts' uplink pcaps, PCAP=VM_MAC,...: "
                   "follow each change to the data path too")
    s.add_argument("--interval-ms", default="1", help="the sender's (printed)")
    s.add_argument("--profile", default="web")
    s.add_argument("--n", type=int, default=200)
    s.add_argument("--first", type=int, default=0)
    s.add_argument("--timeout", type=float, default=5.0)
    s.add_argument("--p99-max", type=float, default=0,
                   help="fail when the data path's p99 (else profile.get's) is above")
    s.add_argument("--tag", default="changes")
    s.set_defaults(fn=cmd_changes)
    s = sub.add_parser("race")
    s.add_argument("--socks", required=True)
    s.add_argument("--hosts", required=True)
    s.add_argument("--gateway", required=True)
    s.add_argument("--profile", default="web")
    s.add_argument("--first", type=int, default=100)
    s.add_argument("--n", type=int, default=100)
    s.set_defaults(fn=cmd_race)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
