#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install every Debian package fexpath needs, prepare hugepages when the
# machine allows it, and build. Idempotent: run it as often as you like.
#
#   tools/fex-setup.sh              packages + hugepages + build (./build)
#   tools/fex-setup.sh --no-build   packages + hugepages only
#   tools/fex-setup.sh --no-deps    hugepages + build (packages already there)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${FEX_BUILD_DIR:-$top/build}
nr_hugepages=${FEX_HUGEPAGES:-512}
do_deps=1
do_build=1

usage() {
	sed -n '3,9s/^# \{0,1\}//p' "$0"
}

for arg in "$@"; do
	case "$arg" in
	--no-build) do_build=0 ;;
	--no-deps) do_deps=0 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "fex-setup: unknown option '$arg'; see --help" >&2; exit 2 ;;
	esac
done

# Packages: build toolchain and libraries, the DPDK tools the tests use as
# peers (dpdk-testpmd, dpdk-dumpcap, dpdk-telemetry.py), tshark as the
# reference decoder, clang for the fuzz targets, and what the demo and
# the integration tests drive (iproute2, iperf3, ethtool, procps),
# stress-ng, the CPU hog of tools/fex-soak.sh --hog, and for the real-guest
# tests (tests/e2e/guests.sh, migration.sh) QEMU and what tools/guest/fex-guest-image.sh
# builds the guest with (cpio, kmod's modinfo, xz; the guest's own kernel,
# busybox-static and iperf3 are downloaded with apt-get download, not
# installed), and Open vSwitch with DPDK, the benchmark's vhost yardstick
# (tools/bench/fex_bench.py runs its own ovsdb-server/ovs-vswitchd-dpdk in
# a private directory; the system service is never started or used),
# and libvirt: the daemon, virsh and the headers tools/libvirt/fex-libvirt
# (the qemu hook and the agent) is built with, libxml2's for the domain XML
# (tests/e2e/libvirt.sh runs its own libvirtd in private namespaces).
# A cluster of hosts (SPEC §9) shares its profiles through etcd: libcurl
# is what lib/etcd talks to etcd's JSON gateway with; etcd-server and
# etcd-client (etcdctl) are what tests/integration/cluster.sh and
# tools/fex-cluster-demo.sh run, as their own members on free ports in a
# private directory (the package's etcd service, on 127.0.0.1:2379, is
# never used by them).
packages=(
	build-essential pkg-config meson ninja-build python3
	libdpdk-dev dpdk dpdk-dev
	libbsd-dev libnuma-dev libpcap-dev libcunit1-dev libjansson-dev
	libcurl4-openssl-dev etcd-server etcd-client
	clang libclang-rt-14-dev llvm
	tshark iproute2 iperf3 ethtool procps iputils-ping kmod util-linux
	stress-ng
	qemu-system-x86 cpio xz-utils
	openvswitch-switch-dpdk
	libvirt-daemon-system libvirt-clients libvirt-dev libxml2-dev
	systemd
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "fex-setup: '$*' needs root; run this script as root" >&2
		return 1
	fi
}

if [ "$do_deps" = 1 ]; then
	missing=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "fex-setup: installing ${missing[*]}"
		as_root apt-get update -q
		# tshark asks whether non-root users may capture; answer no.
		echo "wireshark-common wireshark-common/install-setuid boolean false" |
			as_root debconf-set-selections
		as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "${missing[@]}"
	else
		echo "fex-setup: all packages present"
	fi
fi

# Hugepages: wanted for vhost-user and real NICs; fexpath falls back to
# --no-huge for virtual devices and says so, so a failure here is a note.
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ -w "$hp" ] || [ "$(id -u)" -eq 0 ]; then
	cur=$(cat "$hp" 2>/dev/null || echo 0)
	if [ "$cur" -lt "$nr_hugepages" ]; then
		echo "$nr_hugepages" | as_root tee "$hp" >/dev/null 2>&1 || true
	fi
	if ! grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts; then
		as_root mkdir -p /dev/hugepages
		as_root mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
	fi
fi
got=$(cat "$hp" 2>/dev/null || echo 0)
if [ "$got" -gt 0 ] && grep -qs ' hugetlbfs ' /proc/mounts; then
	echo "fex-setup: $got hugepages of 2 MiB on /dev/hugepages"
else
	echo "fex-setup: no hugepages here (got '$got'); fexpath will run with --no-huge (virtual devices only)"
fi

if [ "$do_build" = 1 ]; then
	if [ ! -f "$build_dir/build.ninja" ]; then
		meson setup "$build_dir" "$top"
	fi
	ninja -C "$build_dir"
	echo "fex-setup: built in $build_dir"
fi
