#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A vhost-user front-end that lies (it stands in for QEMU, which listens:
fexpath is the client of vhost:PATH). Each connection fexpath makes gets the
next case; after the last, the script exits 0. For each case it prints what
it sent and how the connection ended, so the test log says what fexpath
survived.

  vhost_garbage_peer.py SOCKET [CASE ...]    (default: every case)
"""
import os
import random
import socket
import struct
import sys

VERSION = 0x1
GET_FEATURES, SET_FEATURES, SET_OWNER = 1, 2, 3
SET_MEM_TABLE, SET_VRING_NUM, SET_VRING_ADDR = 5, 8, 9
SET_VRING_BASE, SET_VRING_KICK, SET_VRING_CALL = 10, 12, 13
GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES = 15, 16


def msg(req, payload=b"", size=None, flags=VERSION):
    return struct.pack("<III", req, flags, len(payload) if size is None else size) + payload


def case_random(s):
    rnd = random.Random(7)
    s.sendall(bytes(rnd.getrandbits(8) for _ in range(4096)))


def case_huge_size(s):
    # a header that announces 4 GB of payload
    s.sendall(msg(GET_FEATURES, size=0xFFFFFFFF))


def case_short_payload(s):
    # SET_FEATURES says 8 bytes, sends 3, then stops
    s.sendall(msg(SET_OWNER) + msg(SET_FEATURES, b"\x01\x02\x03", size=8))


def case_wrong_size(s):
    # SET_FEATURES with a 1-byte payload (a u64 expected)
    s.sendall(msg(SET_OWNER) + msg(GET_FEATURES) + msg(SET_FEATURES, b"\x01"))


def case_unknown_request(s):
    s.sendall(msg(SET_OWNER) + msg(9999, b"\0" * 8) + msg(0) + msg(GET_FEATURES))


def case_bad_version(s):
    s.sendall(msg(GET_FEATURES, flags=0x7))


def case_mem_table_lies(s):
    # 200 regions and no file descriptors
    body = struct.pack("<II", 200, 0)
    for i in range(8):
        body += struct.pack("<QQQQ", 0x100000 * i, 0x100000, 0x7F0000000000 + i, 0)
    s.sendall(msg(SET_OWNER) + msg(SET_MEM_TABLE, body))


def case_vring_out_of_range(s):
    s.sendall(msg(SET_OWNER) + msg(SET_VRING_NUM, struct.pack("<II", 5000, 256))
              + msg(SET_VRING_NUM, struct.pack("<II", 0, 0xFFFFFFFF))
              + msg(SET_VRING_BASE, struct.pack("<II", 70000, 0)))


def case_vring_unmapped(s):
    # rings at addresses no memory table maps, then "start" them
    s.sendall(msg(SET_OWNER) + msg(SET_FEATURES, struct.pack("<Q", 1 << 32))
              + msg(SET_VRING_NUM, struct.pack("<II", 0, 256))
              + msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", 0, 0, 0xDEAD0000, 0xBEEF0000,
                                                0xFEED0000, 0))
              + msg(SET_VRING_BASE, struct.pack("<II", 0, 0))
              + msg(SET_VRING_KICK, struct.pack("<Q", 0x100)))  # "no fd" flag


CASES = {
    "random": case_random,
    "huge-size": case_huge_size,
    "short-payload": case_short_payload,
    "wrong-size": case_wrong_size,
    "unknown-request": case_unknown_request,
    "bad-version": case_bad_version,
    "mem-table-lies": case_mem_table_lies,
    "vring-out-of-range": case_vring_out_of_range,
    "vring-unmapped": case_vring_unmapped,
}


def main():
    path = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(60)
    for name in names:
        conn, _ = srv.accept()
        conn.settimeout(3)
        try:
            CASES[name](conn)
            got = 0
            while True:
                b = conn.recv(4096)
                if not b:
                    end = "closed by fexpath"
                    break
                got += len(b)
        except socket.timeout:
            end = "still open after 3 s (fexpath waits for more)"
        except (BrokenPipeError, ConnectionResetError):
            end = "reset by fexpath"
        print("case %s: %s" % (name, end), flush=True)
        conn.close()
    srv.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
