#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A small Linux guest for the tests, made from Debian packages only:
#
#   tools/guest/fex-guest-image.sh OUTDIR
#
# downloads (apt-get download, into OUTDIR/cache, reused when present) the
# kernel linux-image-amd64 depends on, busybox-static, iperf3 and
# libiperf0; unpacks them without installing anything; and writes
#
#   OUTDIR/vmlinux       the uncompressed kernel (QEMU boots it by PVH,
#                        about 5 s faster under TCG than the bzImage);
#                        OUTDIR/vmlinuz when it cannot be extracted
#   OUTDIR/initrd.cpio   busybox, iperf3 with every library ldd names (the
#                        host's own for those the packages do not carry:
#                        the host is Debian 12 too), the virtio-net modules
#                        (those not built in, dependencies first) and /init
#   OUTDIR/image.info    what went in (kernel version, modules, libraries)
#
# Nothing is rebuilt when OUTDIR/image.info is newer than this script.
# Exit status 3: a package could not be downloaded (offline, no apt lists).
# The guest's /init and its control channel are described in init.sh next
# to this script; tools/guest/fex-guest-run.sh boots the result.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-}
[ -n "$out" ] || { sed -n '3,22s/^# \{0,1\}//p' "$0"; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
info=$out/image.info

if [ -f "$info" ] && [ "$info" -nt "$0" ] && [ "$info" -nt "$here/init.sh" ] &&
   [ -f "$out/initrd.cpio" ] && { [ -f "$out/vmlinux" ] || [ -f "$out/vmlinuz" ]; }; then
	echo "fex-guest-image: up to date in $out"
	exit 0
fi

die() { echo "fex-guest-image: $*" >&2; exit 1; }
for t in apt-get apt-cache dpkg-deb cpio modinfo ldd xz; do
	command -v "$t" >/dev/null || die "$t missing (run tools/fex-setup.sh)"
done

# The kernel package: the one the linux-image-amd64 metapackage names
# (FEX_GUEST_KERNEL overrides), a 6.1 amd64 flavour.
kpkg=${FEX_GUEST_KERNEL:-$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\..*-amd64$/ { print $2; exit }')}
cache=$out/cache
mkdir -p "$cache"
if [ -z "$kpkg" ]; then	# no apt lists: a kernel downloaded before will do
	kpkg=$(find "$cache" -name 'linux-image-6.1.*-amd64_*.deb' -printf '%f\n' | sort -V | tail -n 1)
	kpkg=${kpkg%%_*}
fi
if [ -z "$kpkg" ]; then
	echo "fex-guest-image: no linux-image-6.1.*-amd64 behind linux-image-amd64 (apt-get update first?)" >&2
	exit 3
fi
pkgs=("$kpkg" busybox-static iperf3 libiperf0)
deb_of() {	# the cached .deb of package $1, if any
	local f
	for f in "$cache/$1"_*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}
need=()
for p in "${pkgs[@]}"; do
	deb_of "$p" >/dev/null || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
	echo "fex-guest-image: apt-get download ${need[*]}"
	# apt-get download writes into the current directory; as root it warns
	# that _apt cannot write there (harmless: it downloads unsandboxed).
	(cd "$cache" && apt-get download -q "${need[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
		true
	for p in "${need[@]}"; do
		deb_of "$p" >/dev/null ||
			{ echo "fex-guest-image: apt-get download $p failed (offline? apt-get update first?)" >&2; exit 3; }
	done
fi

# scratch space for unpacking, beside the image, removed on exit
work=$(mktemp -d --tmpdir="$out")
trap 'rm -rf "$work"' EXIT
root=$work/root
x=$work/x
mkdir -p "$root" "$x"

# Kernel: only what is used comes out of the .deb (its modules are 400 MB).
kdeb=$(deb_of "$kpkg")
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$x" --wildcards \
	'./boot/vmlinuz-*' './lib/modules/*/modules.builtin' \
	'./lib/modules/*/kernel/drivers/virtio/*' \
	'./lib/modules/*/kernel/drivers/net/virtio_net.ko*' \
	'./lib/modules/*/kernel/drivers/net/net_failover.ko*' \
	'./lib/modules/*/kernel/net/core/failover.ko*'
vmlinuz=$(echo "$x"/boot/vmlinuz-*)
[ -f "$vmlinuz" ] || die "no vmlinuz in $kdeb"
kver=${vmlinuz##*/vmlinuz-}
mdir=$x/lib/modules/$kver

# The uncompressed ELF vmlinux, found the way the kernel's
# scripts/extract-vmlinux does: try each compressed-stream magic in the
# bzImage until one decompresses to an ELF file.
rm -f "$out/vmlinux" "$out/vmlinuz"
extract() {	# extract MAGIC DECOMPRESSOR...
	local magic=$1 off
	shift
	while read -r off; do
		tail -c +$((off + 1)) "$vmlinuz" | "$@" >"$work/vmlinux" 2>/dev/null || true
		if [ "$(head -c 4 "$work/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
			mv "$work/vmlinux" "$out/vmlinux"
			return 0
		fi
	done < <(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1)
	return 1
}
if extract '\xfd7zXZ\x00' xz -dc || extract '\x28\xb5\x2f\xfd' zstd -dc ||
   extract '\x1f\x8b\x08' gzip -dc; then
	kernel=vmlinux
else
	echo "fex-guest-image: could not extract vmlinux; the guest boots the bzImage (slower)"
	cp "$vmlinuz" "$out/vmlinuz"
	kernel=vmlinuz
fi

# Modules: virtio_pci and virtio_net with their dependencies, each one
# loaded only when it is not built in; dependencies before their users.
mods=()
add_mod() {	# add_mod NAME
	local n=$1 f d
	n=${n//-/_}
	for m in "${mods[@]}"; do [ "${m##*/}" = "$n.ko" ] && return 0; done
	if grep -q "/${n}.ko\$" "$mdir/modules.builtin"; then
		return 0
	fi
	f=$(find "$mdir/kernel" -name "$n.ko" | head -n 1)
	[ -n "$f" ] || die "module $n is neither built in nor in the extracted part of $kdeb"
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do
		add_mod "$d"
	done
	mods+=("${f#"$mdir"/}")
}
add_mod virtio_pci
add_mod virtio_net
mkdir -p "$root/lib/modules"
: >"$root/etc.modules"
for m in "${mods[@]}"; do
	cp "$mdir/$m" "$root/lib/modules/"
	echo "${m##*/}" >>"$root/etc.modules"
done

# busybox and its applets.
dpkg-deb -x "$(deb_of busybox-static)" "$x/bb"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root}
cp "$x/bb/bin/busybox" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list-full); do
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done

# iperf3 and its libraries: from the packages where they carry them,
# else the host's copy of what ldd names.
dpkg-deb -x "$(deb_of iperf3)" "$x/ip"
dpkg-deb -x "$(deb_of libiperf0)" "$x/ip"
cp "$x/ip/usr/bin/iperf3" "$root/usr/bin/iperf3"
libs=()
while read -r name arrow path _; do
	case "$name" in
	linux-vdso.so.*) continue ;;
	/*) path=$name ;;
	*) [ "$arrow" = "=>" ] || continue ;;
	esac
	[ "$path" != "not" ] || die "ldd: $name not found for iperf3"
	src=$path
	case "$path" in
	"$x/ip"/*) path=${path#"$x/ip"} ;;	# from libiperf0's .deb
	esac
	dest=$root$path
	mkdir -p "$(dirname "$dest")"
	cp -L "$src" "$dest"
	libs+=("$path")
done < <(LD_LIBRARY_PATH=$x/ip/usr/lib/x86_64-linux-gnu ldd "$x/ip/usr/bin/iperf3")
# Debian's ld.so looks in /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu;
# merged /usr: make both names work.
if [ -d "$root/usr/lib/x86_64-linux-gnu" ]; then
	mkdir -p "$root/lib/x86_64-linux-gnu"
	cp -a "$root/usr/lib/x86_64-linux-gnu/." "$root/lib/x86_64-linux-gnu/"
	rm -rf "$root/usr/lib/x86_64-linux-gnu"
fi
if [ "$(id -u)" -eq 0 ]; then
	chroot "$root" /usr/bin/iperf3 --version >/dev/null 2>&1 ||
		die "iperf3 does not run inside the image (a library missing?)"
fi

mv "$root/etc.modules" "$root/etc/modules"
install -m 0755 "$here/init.sh" "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"

# Uncompressed: the guest unpacks it faster than it would decompress it.
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) >"$out/initrd.cpio.new"
mv "$out/initrd.cpio.new" "$out/initrd.cpio"

{
	echo "kernel_package=$kpkg ($(basename "$kdeb"))"
	echo "kernel=$kernel version=$kver"
	echo "modules=${mods[*]##*/}"
	echo "libraries=${libs[*]}"
	echo "busybox=$(basename "$(deb_of busybox-static)")"
	echo "iperf3=$(basename "$(deb_of iperf3)") $(basename "$(deb_of libiperf0)")"
	echo "initrd_bytes=$(stat -c %s "$out/initrd.cpio")"
} >"$info.new"
mv "$info.new" "$info"
cat "$info"
echo "fex-guest-image: guest in $out"
