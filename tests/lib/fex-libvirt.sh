# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# A private libvirt "host" for the tests: its own virtlogd and libvirtd in
# a mount (and UTS) namespace where /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt are the
# test's directories, so nothing of the machine's libvirt is read or
# written (its hooks, its domains, its qemu.conf). Two such hosts (other
# hostname, other host UUID, other per-host directory at the same path)
# can migrate a domain between them. Source after fex-lib.sh and
# fex_tmpdir.
#
#   lv_requirements                 -> skip (77) when this cannot run here
#   lv_host_start H                 -> host H's namespace: $T/H/{etc,run,lib,
#                                      cache,log}, its per-host dir $T/H/host
#                                      seen as $LV_HOSTDIR inside; hook dir
#                                      /etc/libvirt/hooks/qemu.d inside (empty)
#   lv_daemons_start H              -> its virtlogd and libvirtd
#   lv_virsh H ARGS...              -> virsh on host H
#   lv_in H CMD...                  -> CMD in host H's namespace (foreground)
#   lv_bg H LOG CMD...              -> CMD in host H's namespace in the
#                                      background, $! its pid (the caller
#                                      stops it, or adds it to fex_pids)
#   lv_host_stop H                  -> every domain destroyed, daemons stopped
#   lv_domain_xml NAME UUID ...     -> the README's domain XML, the test guest
#
# QEMU runs as libvirt-qemu: $T is made traversable (0711) and what QEMU
# opens lives in directories it may read and write. The qemu.conf is the
# machine's with security_driver "none" (no DAC relabelling of the test's
# files) and no cgroups (the test owns no cgroup tree).

LV_HOSTDIR=${LV_HOSTDIR:-}

lv_requirements() {
	local t pid
	for t in libvirtd virtlogd virsh unshare nsenter qemu-system-x86_64; do
		command -v "$t" >/dev/null ||
			skip_all "$t missing (libvirt-daemon-system libvirt-clients qemu-system-x86; run tools/fex-setup.sh)"
	done
	getent passwd libvirt-qemu >/dev/null || skip_all "no user libvirt-qemu (libvirt-daemon-system)"
	for pid in $(pgrep -x libvirtd) $(pgrep -x virtqemud); do
		# another libvirtd (the machine's, or another test's): leave it be
		[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
		skip_all "a libvirtd is running (pid $pid): this test runs its own and never shares a host with another"
	done
	unshare -m -u --propagation private true 2>/dev/null ||
		skip_all "cannot make a mount namespace (unshare -m)"
}

lv_pid_alive() {	# alive and not a zombie
	[ -e "/proc/$1" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}

lv_gone() { ! lv_pid_alive "$1"; }

lv_sock() {
	echo "$T/$1/run/libvirt-sock"
}

lv_uri() {
	echo "qemu:///system?socket=$(lv_sock "$1")"
}

# virsh on host H; a command that hangs (a QEMU waiting for its vNIC's
# peer, say) fails after LV_VIRSH_TIMEOUT seconds instead.
LV_VIRSH_TIMEOUT=${LV_VIRSH_TIMEOUT:-90}
lv_virsh() {
	local h=$1
	shift
	timeout "$LV_VIRSH_TIMEOUT" virsh -q -c "$(lv_uri "$h")" "$@"
}

# What to look at when a domain does not start: libvirtd's and QEMU's logs.
lv_diag() {	# lv_diag H DOMAIN
	echo "--- host $1: libvirtd log (tail)"
	tail -n 15 "$T/$1/log/libvirtd.log" 2>/dev/null
	echo "--- host $1: QEMU log of $2 (tail)"
	tail -n 15 "$T/$1/log/qemu/$2.log" 2>/dev/null
}

lv_in() {
	local h=$1 pid
	shift
	eval "pid=\$LV_NS_$h"
	nsenter -t "$pid" -m -u -- "$@"
}

lv_bg() {
	local h=$1 log=$2 pid
	shift 2
	eval "pid=\$LV_NS_$h"
	nsenter -t "$pid" -m -u -- "$@" >>"$log" 2>&1 &
}

# The mount points must exist on the machine; one made here goes at exit.
lv_mountpoint() {
	if [ ! -d "$1" ]; then
		mkdir -p "$1"
		on_exit "rmdir '$1'"
	fi
}

lv_host_start() {	# lv_host_start H
	local h=$1 d=$T/$1 n uuid ns_pid
	n=$(($(echo "$h" | cksum | cut -d' ' -f1) % 4096))
	uuid=$(printf 'fe0c1b00-0000-4000-8000-%012x' "$n")
	mkdir -p "$d"/{etc,run,lib,cache,log,host}
	chmod 0711 "$T" "$d"
	cp -a /etc/libvirt/. "$d/etc/"
	cp -a /var/lib/libvirt/. "$d/lib/" 2>/dev/null || true
	rm -rf "$d/etc/hooks" "$d/etc/qemu/"*.xml "$d/etc/qemu/autostart" \
		"$d/etc/qemu/networks/autostart"
	mkdir -p "$d/etc/hooks/qemu.d"
	cat >>"$d/etc/qemu.conf" <<-EOF
	# the test's (tests/lib/fex-libvirt.sh)
	security_driver = "none"
	cgroup_controllers = [ ]
	EOF
	cat >>"$d/etc/libvirtd.conf" <<-EOF
	# the test's (tests/lib/fex-libvirt.sh)
	host_uuid = "$uuid"
	log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
	EOF
	# the per-host directory (vNIC sockets, consoles), the same path on every host
	LV_HOSTDIR=${LV_HOSTDIR:-$T/hostdir}
	mkdir -p "$LV_HOSTDIR"
	chmod 0755 "$LV_HOSTDIR"
	chown libvirt-qemu:kvm "$d/host"
	chmod 0755 "$d/host"
	local m
	for m in /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
		lv_mountpoint "$m"
	done
	# libvirtd makes MOUNT/libvirt/qemu on every hugetlbfs: gone at exit
	# unless it was there before
	while read -r m; do
		[ -e "$m/libvirt" ] || on_exit "rmdir '$m/libvirt/qemu' '$m/libvirt'"
	done < <(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts)
	# shellcheck disable=SC2016 # the script's own $1..$3
	unshare -m -u --propagation private bash -c '
		set -e
		d=$1
		mount --bind "$d/etc" /etc/libvirt
		mount --bind "$d/run" /run/libvirt
		mount --bind "$d/lib" /var/lib/libvirt
		mount --bind "$d/cache" /var/cache/libvirt
		mount --bind "$d/log" /var/log/libvirt
		mount --bind "$d/host" "$2"
		hostname "fexlv-$3"
		touch "$d/ns.ready"
		exec sleep infinity' lv-ns "$d" "$LV_HOSTDIR" "$h" >"$d/ns.log" 2>&1 &
	ns_pid=$!
	eval "LV_NS_$h=$ns_pid"
	on_exit "lv_host_stop '$h'"
	wait_until 10 test -e "$d/ns.ready" || { cat "$d/ns.log"; return 1; }
}

# Host H's virtlogd and libvirtd (after lv_host_start and after the hook
# is in $T/H/etc/hooks/qemu.d: libvirtd looks for hooks when it starts).
lv_daemons_start() {
	local h=$1 d=$T/$1 pid
	# pid files of their own: by default both go to the machine's /run
	eval "pid=\${LV_VIRTLOGD_$h:-}"
	if [ -z "$pid" ] || ! lv_pid_alive "$pid"; then	# it outlives a libvirtd restart
		lv_bg "$h" "$d/virtlogd.out" virtlogd -p "$d/virtlogd.pid"
		eval "LV_VIRTLOGD_$h=$!"
		wait_until 10 test -S "$d/run/virtlogd-sock" || { cat "$d/virtlogd.out"; return 1; }
	fi
	lv_bg "$h" "$d/libvirtd.out" libvirtd -p "$d/libvirtd.pid"
	eval "LV_LIBVIRTD_$h=$!"
	if ! wait_until 30 lv_virsh "$h" uri; then
		echo "libvirtd of host $h did not come up:"
		cat "$d/libvirtd.out"
		tail -n 20 "$d/log/libvirtd.log"
		return 1
	fi
}

# Every QEMU of host H killed (libvirtd's pid files of its domains), then
# the daemons.
lv_host_stop() {
	local h=$1 d=$T/$1 pid f
	eval "pid=\${LV_LIBVIRTD_$h:-}"
	if [ -n "$pid" ] && lv_pid_alive "$pid"; then
		for f in $(lv_virsh "$h" list --name 2>/dev/null); do
			lv_virsh "$h" destroy "$f" >/dev/null 2>&1
		done
	fi
	for f in "$d"/run/qemu/*.pid; do
		# driver.pid is libvirtd's own: it gets a SIGTERM below
		[ "${f##*/}" = driver.pid ] && continue
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		[ -n "$pid" ] && lv_pid_alive "$pid" && kill -KILL "$pid"
	done
	local v
	for v in LIBVIRTD VIRTLOGD NS; do
		eval "pid=\${LV_${v}_$h:-}"
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null
		wait_until 5 lv_gone "$pid"
		lv_pid_alive "$pid" && kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		eval "LV_${v}_$h="
	done
	return 0
}

# The domain XML of README.rst ("With libvirt") for the test guest, with the
# console in a file and a second serial port, the guest's command channel
# ($LV_HOSTDIR/vm/NAME.{console,ctl}). GUEST_CPUS pins its vCPU.
lv_domain_xml() {	# lv_domain_xml NAME UUID MAC IP/LEN SOCK MODE IMGDIR METADATA
	local name=$1 uuid=$2 mac=$3 ip=$4 sock=$5 mode=$6 img=$7 meta=$8
	cat <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$name</name>
  <uuid>$uuid</uuid>
  <metadata>
    $meta
  </metadata>
  <memory unit='MiB'>256</memory>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <vcpu cpuset='$GUEST_CPUS'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$img/vmlinux</kernel>
    <initrd>$img/initrd.cpio</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 ipv6.disable=1 mitigations=off fex.name=$name fex.ip=$ip</cmdline>
  </os>
  <cpu mode='maximum' migratable='on'/>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'>
      <source path='$LV_HOSTDIR/vm/$name.console' append='on'/>
      <target port='0'/>
    </serial>
    <serial type='unix'>
      <source mode='bind' path='$LV_HOSTDIR/vm/$name.ctl'/>
      <target port='1'/>
    </serial>
    <interface type='vhostuser'>
      <mac address='$mac'/>
      <source type='unix' path='$sock' mode='$mode'/>
      <model type='virtio'/>
      <alias name='ua-fex0'/>
      <rom enabled='no'/>
    </interface>
    <memballoon model='none'/>
  </devices>
  <qemu:override>
    <qemu:device alias='ua-fex0'>
      <qemu:frontend>
        <qemu:property name='vectors' type='unsigned' value='0'/>
      </qemu:frontend>
    </qemu:device>
  </qemu:override>
</domain>
EOF
}
