#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Boot a test guest (tools/guest/fex-guest-image.sh) under QEMU/TCG with one
# virtio-net vNIC on a vhost-user socket. Runs QEMU in the foreground (exec:
# the pid is QEMU's).
#
#   tools/guest/fex-guest-run.sh --image DIR --vhost SOCK --mac MAC [options]
#
#   --vhost SOCK        the vNIC's vhost-user socket
#   --vhost-mode server QEMU listens on SOCK (default; fexpath's port is
#                       vhost:SOCK, fexpath the client). QEMU does not run the
#                       guest until fexpath connects.
#   --vhost-mode client QEMU connects to SOCK, retrying every second
#                       (fexpath's port is vhost-server:SOCK)
#   --mac MAC           the vNIC's MAC
#   --ip ADDR/LEN       eth0's address (guest side)
#   --name NAME         QEMU's -name and the guest's fex.name
#   --console FILE      ttyS0, the console, appended to FILE
#   --control SOCK      ttyS1, the guest's command channel (QEMU listens;
#                       tools/guest/fex-guest-exec SOCK CMD talks to it)
#   --cpus LIST         taskset CPU list for QEMU (default: all)
#   --mem MB            guest RAM (default 256), shared memfd (vhost-user
#                       maps it)
#   --append ARGS       more kernel command line
#   --qmp SOCK          QEMU's QMP monitor on SOCK (QEMU listens)
#   --net-opts OPTS     more virtio-net-pci properties (guest_announce=off, ...)
#   --incoming URI      the destination of a live migration: same options as
#                       the source, waits for its state on URI
#                       (tcp:127.0.0.1:PORT) instead of booting
#   --dry-run           print the command instead of running it
#
# Under TCG (-accel tcg: /dev/kvm may exist without being usable here).
# vectors=0 on the virtio-net device: QEMU 7.2 under TCG crashes with MSI-X
# on a vhost-user virtio-net device; the guest uses INTx instead.
set -euo pipefail

image='' sock='' mode=server mac='' ip='' name=fexguest console=/dev/null ctl='' cpus='' mem=256
append='' dry=0 qmp='' netopts='' incoming=''
while [ $# -gt 0 ]; do
	case "$1" in
	--image) image=$2; shift ;;
	--vhost) sock=$2; shift ;;
	--vhost-mode) mode=$2; shift ;;
	--mac) mac=$2; shift ;;
	--ip) ip=$2; shift ;;
	--name) name=$2; shift ;;
	--console) console=$2; shift ;;
	--control) ctl=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--mem) mem=$2; shift ;;
	--append) append=$2; shift ;;
	--qmp) qmp=$2; shift ;;
	--net-opts) netopts=$2; shift ;;
	--incoming) incoming=$2; shift ;;
	--dry-run) dry=1 ;;
	-h|--help) sed -n '3,34s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "fex-guest-run: unknown option '$1'; see --help" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$image" ] || [ -z "$sock" ] || [ -z "$mac" ]; then
	echo "fex-guest-run: --image, --vhost and --mac are needed; see --help" >&2
	exit 2
fi
kernel=$image/vmlinux
[ -f "$kernel" ] || kernel=$image/vmlinuz
if [ ! -f "$kernel" ] || [ ! -f "$image/initrd.cpio" ]; then
	echo "fex-guest-run: no guest image in $image (tools/guest/fex-guest-image.sh $image)" >&2
	exit 1
fi

case "$mode" in
server) vhost_chr="socket,id=vu0,path=$sock,server=on,wait=off" ;;
client) vhost_chr="socket,id=vu0,path=$sock,reconnect=1" ;;
*) echo "fex-guest-run: --vhost-mode server|client" >&2; exit 2 ;;
esac
if [ -n "$ctl" ]; then
	ctl_chr=(-chardev "socket,id=ctl,path=$ctl,server=on,wait=off" -serial chardev:ctl)
else
	ctl_chr=(-serial null)
fi

cmdline="console=ttyS0 quiet panic=-1 ipv6.disable=1 mitigations=off fex.name=$name"
[ -n "$ip" ] && cmdline+=" fex.ip=$ip"
[ -n "$append" ] && cmdline+=" $append"

# shellcheck disable=SC2054 # QEMU's option values have commas
cmd=(qemu-system-x86_64 -name "$name" -accel tcg -M pc -cpu max -smp 1 -m "$mem"
	-object "memory-backend-memfd,id=mem,size=${mem}M,share=on" -numa node,memdev=mem
	-nodefaults -no-user-config -display none -vga none -no-reboot
	-kernel "$kernel" -initrd "$image/initrd.cpio" -append "$cmdline"
	-chardev "file,id=con,path=$console,append=on" -serial chardev:con
	"${ctl_chr[@]}"
	-chardev "$vhost_chr" -netdev vhost-user,id=n0,chardev=vu0
	-device "virtio-net-pci,netdev=n0,mac=$mac,vectors=0,romfile=${netopts:+,$netopts}")
[ -n "$qmp" ] && cmd+=(-qmp "unix:$qmp,server=on,wait=off")
[ -n "$incoming" ] && cmd+=(-incoming "$incoming")
[ -n "$cpus" ] && cmd=(taskset -c "$cpus" "${cmd[@]}")
if [ "$dry" = 1 ]; then
	printf '%q ' "${cmd[@]}"
	echo
	exit 0
fi
exec "${cmd[@]}"
