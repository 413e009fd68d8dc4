#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# /init of the test guest (tools/guest/fex-guest-image.sh puts it there).
#
# Kernel command line:
#   fex.name=NAME       printed in the ready line
#   fex.ip=ADDR/LEN     eth0's address (no address: eth0 is only set up)
#   fex.mtu=N           eth0's MTU (default: the device's, 1500)
#
# ttyS0 (the console): boot messages and one line
#   fex-guest: ready name=NAME ip=... mac=... uptime=SECONDS
# when eth0 is up; the host polls for it.
#
# ttyS1: the control channel. The host writes one line "ID COMMAND"; the
# guest runs COMMAND with sh (stdout and stderr to ttyS1) and then writes
# "\n@@fex-end ID STATUS". One command at a time; tools/guest/fex-guest-exec
# is the host side.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
cd /

while read -r m; do
	insmod "/lib/modules/$m" || echo "fex-guest: insmod $m failed"
done </etc/modules

name='' ip='' mtu=''
# shellcheck disable=SC2013 # the words of one line
for a in $(cat /proc/cmdline); do
	case "$a" in
	fex.name=*) name=${a#fex.name=} ;;
	fex.ip=*) ip=${a#fex.ip=} ;;
	fex.mtu=*) mtu=${a#fex.mtu=} ;;
	esac
done

i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
	[ -n "$mtu" ] && ip link set eth0 mtu "$mtu"
	ip link set eth0 up
	[ -n "$ip" ] && ip addr add "$ip" dev eth0
	echo "fex-guest: ready name=$name ip=$ip mac=$(cat /sys/class/net/eth0/address)" \
		"uptime=$(cut -d' ' -f1 /proc/uptime)"
else
	echo "fex-guest: no eth0 (virtio-net did not come up); dmesg:"
	dmesg | tail -n 30
fi

# The control channel; PID 1 never returns.
while :; do
	if [ -c /dev/ttyS1 ] && stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
		exec 3<>/dev/ttyS1
		while read -r id cmd <&3; do
			[ -n "$id" ] || continue
			sh -c "$cmd" </dev/null >&3 2>&3
			printf '\n@@fex-end %s %d\n' "$id" $? >&3
		done
		exec 3>&-
	fi
	sleep 1
done
