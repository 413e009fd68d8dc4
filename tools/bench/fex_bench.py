#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""fexpath side by side with dpdk-testpmd (SPEC.md section 7).

Every row runs fexpath and, on the same ports and pcap files, dpdk-testpmd
io (and macswap), one after the other on the same forwarding core, in this
one run. Rates are frames leaving the sink port(s) over a fixed window after
a warm-up, read from port counters (fexpath: port.list on the control
socket; testpmd: `show port stats all` in interactive mode). Cycles per
packet are TSC counts of the forwarding loop in iterations that moved frames
(fexpath: stats -> workers[].busy_cycles / packets over the window;
testpmd: --record-core-cycles, printed at `stop`): `perf stat` has no
hardware counters on this VM.

Prints a table and writes it as CSV. Exit status 1 only when something is
broken (a run that forwards nothing, a process that does not start, frames
lost under control-plane load); never because of a speed figure.
"""
import argparse
import csv
import json
import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

UUID = "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a"
NATIVE = 10
COS = 3
RATE_KBPS = 400000000           # 400 Gbit/s: the policer/shaper works, never holds back
BURST_BYTES = 64 << 20
MAX_VNIC_PORTS = 30             # RTE_MAX_ETHPORTS 32: uplink + 30 + spare


def vif_mac(vif):
    return "02:00:00:00:%02x:%02x" % (vif >> 8, vif & 0xff)


def spread_vifs(n):
    """n VIF ids spread over 1..4095 (scattered table slots)."""
    if n == 1:
        return [1]
    step = 4094 // (n - 1)
    return [1 + i * step for i in range(n)]


class Rpc:
    """Newline-delimited JSON-RPC 2.0 on the control socket, pipelined."""

    def __init__(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.next_id = 1

    def send(self, method, params=None):
        rid = self.next_id
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "method": method, "params": params or {},
               "id": rid}
        self.s.sendall(json.dumps(msg).encode() + b"\n")
        return rid

    def recv(self):
        while b"\n" not in self.buf:
            d = self.s.recv(1 << 20)
            if not d:
                raise RuntimeError("control socket closed")
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        r = json.loads(line)
        if "error" in r:
            raise RuntimeError("rpc error: %s" % r["error"])
        return r["result"]

    def call(self, method, params=None):
        self.send(method, params)
        return self.recv()

    def pipeline(self, calls, depth=64):
        """[(method, params)] with up to `depth` requests in flight."""
        out, sent, got = [], 0, 0
        while got < len(calls):
            while sent < len(calls) and sent - got < depth:
                self.send(*calls[sent])
                sent += 1
            out.append(self.recv())
            got += 1
        return out

    def close(self):
        self.s.close()


# ---------------------------------------------------------------- pcap files

def pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    hdr, off, frames = data[:24], 24, []
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frames.append(data[off:off + 16 + incl])
        off += 16 + incl
    return hdr, frames


def pcap_interleave(out, inputs):
    """One frame of each input in turn (round robin), as many rounds as the
    shortest input has frames."""
    parts = [pcap_frames(p) for p in inputs]
    n = min(len(f) for _, f in parts)
    with open(out, "wb") as f:
        f.write(parts[0][0])
        for i in range(n):
            for _, fr in parts:
                f.write(fr[i])


class Files:
    def __init__(self, tmp, pcapgen, frames):
        self.tmp, self.pcapgen, self.frames = tmp, pcapgen, frames
        self.made = {}

    def gen(self, name, *args):
        path = os.path.join(self.tmp, name)
        if path not in self.made:
            subprocess.run([self.pcapgen, "--out", path] + [str(a) for a in args],
                           check=True, stdout=subprocess.DEVNULL)
            self.made[path] = True
        return path

    @staticmethod
    def wire_to_size(wire):
        return wire - 4         # --size excludes the FCS

    def up(self, vif, wire):
        """Untagged frames a VM with VIF `vif` sends."""
        return self.gen("up-%d-%d.pcap" % (vif, wire), "--count", self.frames,
                        "--size", self.wire_to_size(wire), "--src-mac",
                        vif_mac(vif), "--dst-mac", "02:00:00:00:ff:01")

    def down(self, mode, vifs, wire):
        """Tagged downstream frames, native VLAN, dvif round robin over vifs
        (wire size before the tags)."""
        name = "down-%s-%d-%d.pcap" % (mode, len(vifs), wire)
        path = os.path.join(self.tmp, name)
        if path in self.made:
            return path
        one = [self.gen("down1-%s-%d-%d.pcap" % (mode, v, wire),
                        "--count", max(1, self.frames // len(vifs)),
                        "--size", self.wire_to_size(wire),
                        "--tag", mode, "--dir", "down", "--dvif", v,
                        "--vlan", NATIVE, "--dst-mac", vif_mac(v))
               for v in vifs]
        if len(one) == 1:
            shutil.copy(one[0], path)
        else:
            pcap_interleave(path, one)
        self.made[path] = True
        return path

    def empty(self, i):
        path = os.path.join(self.tmp, "empty-%d.pcap" % i)
        if path not in self.made:
            with open(path, "wb") as f:
                f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            self.made[path] = True
        return path


# ---------------------------------------------------------------- processes

class Proc:
    """A background process whose output lines go to a queue and a log."""

    def __init__(self, argv, log, stdin=False, cpu=None):
        self.log = open(log, "w")
        self.lines = queue.Queue()
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else
                                  subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            self.log.write(line)
            self.log.flush()
            self.lines.put(line)
        self.lines.put(None)

    def write(self, s):
        self.p.stdin.write(s + "\n")
        self.p.stdin.flush()

    def wait_line(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            m = rx.search(line)
            if m:
                return m

    def drain(self):
        out = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return out
            if line is None:
                return out
            out.append(line)

    def stop(self, timeout=20):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.t.join(5)
        self.log.close()
        return self.p.returncode


class Bench:
    def __init__(self, args):
        self.a = args
        self.tmp = tempfile.mkdtemp(prefix="fex-bench.")
        b = args.build
        self.fexpath = os.path.join(b, "app/fexpath/fexpath")
        self.pcapgen = os.path.join(b, "tools/fabric/fex-pcapgen")
        self.ctlload = os.path.join(b, "tools/bench/fex-ctlload")
        self.testpmd = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
        self.files = Files(self.tmp, self.pcapgen, args.frames)
        self.prefix = "fexbench%d" % os.getpid()
        self.nrun = 0
        self.baselines = {}
        self.broken = []
        self.eal = ["--log-level=lib.eal:error", "--no-pci"]
        if not args.huge:
            self.eal += ["--no-huge", "-m", "1024"]

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        for d in os.listdir("/var/run/dpdk") if os.path.isdir("/var/run/dpdk") else []:
            if d.startswith(self.prefix):
                shutil.rmtree(os.path.join("/var/run/dpdk", d), ignore_errors=True)

    def next_prefix(self):
        self.nrun += 1
        return "%s_%d" % (self.prefix, self.nrun)

    # ---- fexpath

    def fexpath_start(self, uplink, mode, cores, tag, mbufs=65535, extra_eal=()):
        sock = os.path.join(self.tmp, "ctl-%s.sock" % tag)
        stats = os.path.join(self.tmp, "stats-%s.json" % tag)
        argv = [self.fexpath, "-l", cores, "--file-prefix", self.next_prefix()]
        argv += self.eal + list(extra_eal)
        argv += ["--", "--uplink", uplink, "--tag", mode, "--no-state",
                 "--control", sock, "--mbufs", str(mbufs), "--stats-json", stats]
        p = Proc(argv, os.path.join(self.tmp, "fexpath-%s.log" % tag))
        p.sock, p.stats_json = sock, stats
        try:
            p.rpc = Rpc(sock, timeout=30)
        except OSError:
            p.stop()
            raise RuntimeError("fexpath did not come up: %s" %
                               open(p.log.name).read()[-2000:])
        return p

    @staticmethod
    def profile(name, policer, cos=COS):
        p = {"name": name, "vlans": [NATIVE], "native_vlan": NATIVE,
             "cos": cos, "mac_forging": "deny", "max_ports": 64}
        if policer:
            # policer True: rate_mode police; "shape": the shaper, at a
            # rate above the offered load (its per-frame cost at line rate)
            p.update(rate_kbps=RATE_KBPS, burst_bytes=BURST_BYTES,
                     rate_mode="shape" if policer == "shape" else "police",
                     ingress_rate_kbps=RATE_KBPS,
                     ingress_burst_bytes=BURST_BYTES)
        return p

    def setup_scale(self, rpc, policer, nprofiles):
        """nprofiles profiles; returns their names."""
        names = ["p%04d" % i for i in range(nprofiles)]
        rpc.pipeline([("profile.set", self.profile(n, policer)) for n in names])
        return names

    def associate(self, rpc, vifs, ports, profiles):
        calls = []
        for i, (v, port) in enumerate(zip(vifs, ports)):
            calls.append(("vif.associate", {
                "vif": v, "port": port, "mac": vif_mac(v),
                "profile": profiles[(i * len(profiles)) // len(vifs)],
                "instance_uuid": UUID}))
        rpc.pipeline(calls, depth=1)

    @staticmethod
    def drops(rpc):
        """Every drop counter: uplink (per worker sum) and every VIF."""
        up = rpc.call("stats")["uplinks"][0]
        n = sum(v for k, v in up.items() if k.startswith("drop_"))
        for v in rpc.call("vif.stats"):
            n += sum(x for k, x in v.items() if k.startswith("drop_"))
        return n

    def measure_fexpath(self, p, sink_ports, what, strict=True):
        """Mpps at the sink ports and TSC cycles per packet over the window;
        a frame dropped in the window makes the row broken (the setup is
        made so that the policy drops nothing: the work is measured)."""
        time.sleep(self.a.warmup)
        d0 = self.drops(p.rpc)
        pl0, st0, t0 = p.rpc.call("port.list"), p.rpc.call("stats"), time.monotonic()
        time.sleep(self.a.window)
        pl1, st1, t1 = p.rpc.call("port.list"), p.rpc.call("stats"), time.monotonic()
        d1 = self.drops(p.rpc)
        if strict and d1 != d0:
            self.broken.append("%s: %d frames dropped in the window" % (what, d1 - d0))
        tx = lambda pl: sum(x["tx_packets"] for x in pl if x["port_id"] in sink_ports)
        pk = sum(w["packets"] for w in st1["workers"]) - \
            sum(w["packets"] for w in st0["workers"])
        cy = sum(w["busy_cycles"] for w in st1["workers"]) - \
            sum(w["busy_cycles"] for w in st0["workers"])
        return (tx(pl1) - tx(pl0)) / (t1 - t0) / 1e6, (cy / pk if pk else 0.0)

    def fexpath_stop(self, p, what):
        p.rpc.close()
        rc = p.stop()
        if rc != 0:
            self.broken.append("%s: fexpath exit status %s" % (what, rc))
        try:
            with open(p.stats_json) as f:
                return json.load(f)
        except (OSError, ValueError):
            self.broken.append("%s: no --stats-json" % what)
            return None

    def port_ids(self, rpc, specs):
        ids = {x["spec"]: x["port_id"] for x in rpc.call("port.list")}
        return [ids[s] for s in specs]

    # ---- testpmd

    def testpmd_run(self, vdevs, fwd, cores, sinks, topology="paired",
                    extra_eal=(), tag="tp"):
        """Mpps summed over the sink ports' TX, cycles/packet of the
        forwarding core (--record-core-cycles)."""
        # stdbuf: testpmd's stdout is a pipe here; line-buffer it
        argv = ["stdbuf", "-oL", self.testpmd, "-l", cores,
                "--file-prefix", self.next_prefix()]
        argv += self.eal + list(extra_eal)
        for v in vdevs:
            argv += ["--vdev", v]
        argv += ["--", "-i", "--forward-mode=%s" % fwd, "--record-core-cycles",
                 "--port-topology=%s" % topology, "--total-num-mbufs=65536"]
        p = Proc(argv, os.path.join(self.tmp, "testpmd-%s-%d.log" % (tag, self.nrun)),
                 stdin=True)
        try:
            if p.wait_line(r"Checking link statuses", 60) is None:
                raise RuntimeError("testpmd did not start: %s" % open(p.log.name).read()[-2000:])
            p.write("start")
            time.sleep(self.a.warmup)
            s0, t0 = self.testpmd_tx(p, sinks), time.monotonic()
            time.sleep(self.a.window)
            s1, t1 = self.testpmd_tx(p, sinks), time.monotonic()
            p.write("stop")
            m = p.wait_line(r"CPU cycles/packet=([0-9.]+)", 20)
            cpp = float(m.group(1)) if m else 0.0
            p.write("quit")
            p.p.wait(20)
        finally:
            p.stop()
        return (s1 - s0) / (t1 - t0) / 1e6, cpp

    @staticmethod
    def testpmd_tx(p, sinks):
        p.drain()
        p.write("show port stats all")
        total, port = 0, None
        seen = set()
        while len(seen) < len(sinks):
            m = p.wait_line(r"NIC statistics for port (\d+)|TX-packets: +(\d+)", 10)
            if m is None:
                raise RuntimeError("testpmd: no port statistics")
            if m.group(1) is not None:
                port = int(m.group(1))
            elif port in sinks and port not in seen:
                total += int(m.group(2))
                seen.add(port)
        return total

    def baseline(self, key, vdevs, cores, sinks, topology="paired", extra_eal=()):
        """testpmd io on these ports right before the fexpath run of the row
        (the machine is shared: the ratio compares neighbours in time);
        macswap once per port set, for scale."""
        io = self.testpmd_run(vdevs, "io", cores, sinks, topology, extra_eal, key)
        if key not in self.baselines:
            self.baselines[key] = self.testpmd_run(
                vdevs, "macswap", cores, sinks, topology, extra_eal,
                key) if self.a.macswap else (0.0, 0.0)
        return io, self.baselines[key]

    # ---- rows

    def row_pcap(self, direction, mode, wire, nvifs, policer):
        core = str(self.a.core)
        scale = nvifs > 1
        vifs = spread_vifs(MAX_VNIC_PORTS if scale else 1)
        what = "%s %s %dB %s %s" % (direction, mode, wire,
                                    "4096vif" if scale else "1vif",
                                    "shaper-on" if policer == "shape" else
                                    "policer-on" if policer else "policer-off")
        if direction == "egress":
            rx = [self.files.up(v, wire) for v in vifs]
            vnic = ["pcap:rx=%s,infinite" % f for f in rx]
            uplink = "null"
            tp_vdevs = ["net_pcap%d,rx_pcap=%s,infinite_rx=1" % (i, f)
                        for i, f in enumerate(rx)]
            tp_vdevs.append("net_null0,no-rx=1")
            # chained: pcap i -> pcap i+1 (tx: drop) ... -> null: one rx
            # burst and one tx burst per source port, as in fexpath
            tp_sinks = set(range(1, len(tp_vdevs)))
            topo = "chained" if scale else "paired"
            key = "egress-%d-%d" % (wire, len(vifs))
        else:
            down = self.files.down(mode, vifs, wire)
            uplink = "pcap:rx=%s,infinite" % down
            # sinks: VIF 1 on net_null; the others on rx-only pcap ports
            # (empty file; their tx counts and frees, like net_null)
            vnic = ["null"] + ["pcap:rx=%s" % self.files.empty(i)
                               for i in range(1, len(vifs))]
            # testpmd polls the same idle sinks: chained, pcap 0 -> null 1,
            # the empty pcap ports polled in between
            tp_vdevs = ["net_pcap0,rx_pcap=%s,infinite_rx=1" % down,
                        "net_null0,no-rx=1"]
            tp_vdevs += ["net_pcap%d,rx_pcap=%s" % (i + 1, self.files.empty(i))
                         for i in range(1, len(vifs))]
            tp_sinks, topo = {1}, "chained" if scale else "paired"
            key = "ingress-%s-%d-%d" % (mode, wire, len(vifs))
        # testpmd io and fexpath alternate --repeat times; the row keeps the
        # median of each and the median of the pairwise ratios, so that a
        # noisy neighbour on this shared machine moves one pair, not the row.
        runs = []
        for _ in range(max(1, self.a.repeat)):
            (io, io_cpp), (ms, _) = self.baseline(
                key, tp_vdevs, "%d,%s" % (self.a.main_core, core), tp_sinks, topo)
            p = self.fexpath_start(uplink, mode, core, what.replace(" ", "_"))
            try:
                profiles = self.setup_scale(p.rpc, policer, 1024 if scale else 1)
                self.associate(p.rpc, vifs, vnic, profiles)
                ids = self.port_ids(p.rpc, vnic + [uplink])
                sinks = {ids[-1]} if direction == "egress" else set(ids[:-1])
                mpps, cpp = self.measure_fexpath(p, sinks, what)
            finally:
                self.fexpath_stop(p, what)
            runs.append((mpps, cpp, io, io_cpp))
        med = lambda xs: sorted(xs)[len(xs) // 2]
        mpps, cpp, io, io_cpp = (med([r[k] for r in runs]) for k in range(4))
        ratio = med([r[0] / r[2] if r[2] else 0.0 for r in runs])
        note = ""
        if scale:
            note = "%d VIFs with traffic (ids %d..%d), 1024 profiles" % (
                len(vifs), vifs[0], vifs[-1])
        if len(runs) > 1:
            note = ("median of %d pairs; ratios %s" % (len(runs), " ".join(
                "%.0f%%" % (100 * r[0] / r[2]) for r in runs if r[2]))
                + ("; " + note if note else ""))
        return self.row(what, direction, mode, wire, scale, policer, "pcap->null",
                        mpps, cpp, io, io_cpp, ms, note, ratio)

    def row_vhost(self, direction, mode):
        """A VM (testpmd virtio-user, server) on main_core, fexpath (vhost
        client) or testpmd io in its place on core."""
        core, gcore = str(self.a.core), str(self.a.main_core)
        what = "%s %s 64B vhost" % (direction, mode)
        sock = os.path.join(self.tmp, "vm-%s-%s.sock" % (direction, mode))
        gfwd = "txonly" if direction == "egress" else "rxonly"
        down = self.files.down(mode, [1], 64)
        huge = ["--single-file-segments"]

        def guest():
            argv = [self.testpmd, "-l", "%s,%s" % (core, gcore), "--main-lcore", core,
                    "--file-prefix", self.next_prefix(), "--log-level=lib.eal:error",
                    "--no-pci", "--single-file-segments",
                    "--vdev", "net_virtio_user0,path=%s,server=1,queues=1" % sock,
                    "--", "--forward-mode=%s" % gfwd, "--txpkts=60",
                    "--eth-peer=0,02:00:00:00:ff:01", "--stats-period=1",
                    "--nb-cores=1"]
            return Proc(argv, os.path.join(self.tmp, "guest-%d.log" % self.nrun))

        def with_guest(fn):
            g = guest()
            try:
                time.sleep(2)
                return fn()
            finally:
                g.stop()
                try:
                    os.unlink(sock)
                except OSError:
                    pass

        if direction == "egress":
            vd = ["net_vhost0,iface=%s,client=1,queues=1" % sock, "net_null0,no-rx=1"]
            uplink, tp_sinks = "null", {1}
        else:
            vd = ["net_pcap0,rx_pcap=%s,infinite_rx=1" % down,
                  "net_vhost0,iface=%s,client=1,queues=1" % sock]
            uplink, tp_sinks = "pcap:rx=%s,infinite" % down, {1}
        (io, io_cpp) = with_guest(lambda: self.testpmd_run(
            vd, "io", "%s,%s" % (gcore, core), tp_sinks, "paired", huge, "vhost"))

        def fex():
            p = self.fexpath_start(uplink, mode, core, what.replace(" ", "_"),
                                   extra_eal=huge)
            try:
                self.setup_scale(p.rpc, False, 1)
                spec = "vhost:%s" % sock
                # the guest sends from its own MAC: allow it
                prof = self.profile("p0000", False)
                prof["mac_forging"] = "allow"
                p.rpc.call("profile.set", prof)
                self.associate(p.rpc, [1], [spec], ["p0000"])
                ids = self.port_ids(p.rpc, [spec, uplink])
                sinks = {ids[1]} if direction == "egress" else {ids[0]}
                return self.measure_fexpath(p, sinks, what, strict=False)
            finally:
                self.fexpath_stop(p, what)
        mpps, cpp = with_guest(fex)
        return self.row(what, direction, mode, 64, False, False, "virtio-user<->vhost",
                        mpps, cpp, io, io_cpp, 0.0, "testpmd io in fexpath's place")

    def row(self, what, direction, mode, wire, scale, policer, ports, mpps, cpp,
            io, io_cpp, ms, note, ratio=None):
        if mpps <= 0.01:
            self.broken.append("%s: fexpath forwarded nothing" % what)
        if io <= 0.01:
            self.broken.append("%s: testpmd forwarded nothing" % what)
        need = 85 if scale else 90
        r = {"row": what, "direction": direction, "tag": mode, "frame_bytes": wire,
             "vifs": "4096" if scale else "1",
             "policer": "shape" if policer == "shape" else "on" if policer else "off",
             "ports": ports, "fexpath_mpps": round(mpps, 2),
             "testpmd_io_mpps": round(io, 2),
             "testpmd_macswap_mpps": round(ms, 2) if ms else "",
             "ratio_pct": round(100 * (ratio if ratio is not None else
                                       (mpps / io if io else 0.0)), 1),
             "contract_pct": need if ports == "pcap->null" else "",
             "fexpath_cycles_per_pkt": round(cpp, 1),
             "testpmd_cycles_per_pkt": round(io_cpp, 1), "note": note}
        print("%-38s %8.2f %8.2f %8s %6.1f%% %7.1f %7.1f" % (
            what, mpps, io, ("%.2f" % ms) if ms else "-", r["ratio_pct"], cpp, io_cpp),
            flush=True)
        return r

    def ctl_load(self, n, rate):
        """n profile.set at `rate`/s while egress traffic runs; conservation
        from --stats-json; latency from fex-ctlload."""
        core = str(self.a.core)
        vnic = "pcap:rx=%s,infinite" % self.files.up(1, 64)
        p = self.fexpath_start("null", "vntag", core, "ctl_load")
        try:
            self.setup_scale(p.rpc, False, 1)
            self.associate(p.rpc, [1], [vnic], ["p0000"])
            time.sleep(self.a.warmup)
            out = subprocess.run([self.ctlload, "--socket", p.sock, "--count", str(n),
                                  "--rate", str(rate), "--profile", "p0000",
                                  "--vlans", str(NATIVE), "--native-vlan", str(NATIVE)],
                                 capture_output=True, text=True, timeout=n / rate + 120)
        finally:
            fin = self.fexpath_stop(p, "ctl-load")
        res = {}
        for line in out.stdout.splitlines():
            k, _, v = line.partition("=")
            res[k.strip()] = v.strip()
        if out.returncode != 0:
            self.broken.append("ctl-load: fex-ctlload failed: %s" % out.stderr[-500:])
        if fin is not None:
            vs = {v["vif"]: v for v in fin.get("vif.stats") or []}
            v1 = vs.get(1, {})
            up = fin["stats"]["uplinks"][0]
            drops = sum(x for k, x in v1.items() if k.startswith("drop_")) + \
                sum(x for k, x in up.items() if k.startswith("drop_"))
            sink = [x for x in fin["port.list"] if x["role"] == "uplink"][0]
            res.update(frames_in=v1.get("rx_packets", 0), frames_out=sink["tx_packets"],
                       counted_drops=drops)
            lost = res["frames_in"] - res["frames_out"] - drops
            res["lost"] = lost
            if lost != 0 or res["frames_in"] == 0:
                self.broken.append("ctl-load: frames in %s, out %s, drops %s" % (
                    res["frames_in"], res["frames_out"], drops))
        return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("FEX_BUILD", "build"))
    ap.add_argument("--csv", default="bench.csv")
    ap.add_argument("--short", action="store_true",
                    help="one row per direction, short windows (meson bench suite)")
    ap.add_argument("--warmup", type=float, default=1.5)
    ap.add_argument("--window", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=3,
                    help="testpmd/fexpath pairs per row (median kept)")
    ap.add_argument("--frames", type=int, default=256, help="frames per pcap file")
    ap.add_argument("--core", type=int, default=1, help="forwarding core")
    ap.add_argument("--main-core", type=int, default=0,
                    help="testpmd's main lcore and the VM's core")
    ap.add_argument("--no-huge", dest="huge", action="store_false")
    ap.add_argument("--no-macswap", dest="macswap", action="store_false")
    ap.add_argument("--ctl-count", type=int, default=10000)
    ap.add_argument("--ctl-rate", type=int, default=1000)
    ap.add_argument("--rows", default="", help="regex: run only matching rows")
    a = ap.parse_args()
    if a.short:
        a.warmup, a.window, a.ctl_count, a.repeat = 1.0, 2.0, 1000, 1
    b = Bench(a)
    rows, ctl = [], None
    print("%-38s %8s %8s %8s %7s %7s %7s" % ("row", "fexpath", "io", "macswap",
                                              "ratio", "cyc/pkt", "io cyc"))
    print("%-38s %8s %8s %8s %7s %7s %7s" % ("", "Mpps", "Mpps", "Mpps", "", "fexpath",
                                              "testpmd"))
    plan = []
    for d in ("egress", "ingress"):
        for mode in ("vntag", "etag"):
            for wire in (64, 1500):
                for nv in (1, 4096):
                    for pol in (False, True):
                        plan.append(("pcap", d, mode, wire, nv, pol))
                    if d == "egress" and wire == 64:
                        plan.append(("pcap", d, mode, wire, nv, "shape"))
    for d in ("egress", "ingress"):
        for mode in ("vntag", "etag"):
            plan.append(("vhost", d, mode))
    if a.short:
        plan = [("pcap", "egress", "vntag", 64, 1, True),
                ("pcap", "ingress", "etag", 64, 1, False)]
    try:
        for t in plan:
            name = " ".join(str(x) for x in t)
            if a.rows and not re.search(a.rows, name):
                continue
            try:
                rows.append(b.row_pcap(*t[1:]) if t[0] == "pcap" else b.row_vhost(*t[1:]))
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                b.broken.append("%s: %s" % (name, e))
                print("%-38s broken: %s" % (name, e), flush=True)
        if not a.rows or re.search(a.rows, "ctl"):
            ctl = b.ctl_load(a.ctl_count, a.ctl_rate)
            print("control plane under load: %s" % " ".join(
                "%s=%s" % kv for kv in ctl.items()), flush=True)
    finally:
        b.cleanup()
    if rows:
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
            if ctl:
                f.write("# control plane under load: %s\n" % " ".join(
                    "%s=%s" % kv for kv in ctl.items()))
        print("CSV: %s" % a.csv)
    for x in b.broken:
        print("BROKEN: %s" % x)
    return 1 if b.broken else 0


if __name__ == "__main__":
    sys.exit(main())
