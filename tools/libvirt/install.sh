#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install fexpath's libvirt integration (SPEC §8; tools/libvirt/README.rst):
#
#   bash tools/libvirt/install.sh [--control PATH] [options]
#
#   --control PATH    fexpath's control socket (default /run/fexpath/control.sock)
#   --vhost-dir DIR   where the vNICs' vhost-user sockets live (default
#                     /run/fexpath/vhost); created now and at every boot
#                     (systemd-tmpfiles), owned by QEMU's user (libvirt-qemu:kvm)
#   --uri URI         the libvirt connection of the agent (default qemu:///system)
#   --build DIR       the meson build with tools/libvirt/fex-libvirt (default ./build)
#   --root DIR        install the files under DIR instead of / (tests; nothing
#                     is started; --vhost-dir is still made where it says)
#   --hook-dir DIR    the qemu hook directory (default ROOT/etc/libvirt/hooks/qemu.d)
#   --uninstall       remove what an install put there
#
# What goes where (ROOT = /):
#   ROOT/usr/local/libexec/fexpath/fex-libvirt          the hook and the agent
#   ROOT/etc/fexpath/libvirt.conf                       control, vhost_dir, uri
#   HOOK-DIR/fexpath                                    the qemu hook (a wrapper)
#   ROOT/etc/systemd/system/fex-libvirt-agent.service   the agent
#   ROOT/etc/tmpfiles.d/fexpath-libvirt.conf            the vhost dir at boot
# With ROOT = /, the agent's unit is enabled and started when systemd runs,
# and libvirtd is told to re-read its hooks (it only looks at start and on
# SIGHUP).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
control=/run/fexpath/control.sock
vhost_dir=/run/fexpath/vhost
uri=qemu:///system
build=$top/build
root=
hook_dir=
uninstall=0
qemu_user=libvirt-qemu
qemu_group=kvm

die() { echo "install.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--control) control=$2; shift ;;
	--vhost-dir) vhost_dir=$2; shift ;;
	--uri) uri=$2; shift ;;
	--build) build=$2; shift ;;
	--root) root=$2; shift ;;
	--hook-dir) hook_dir=$2; shift ;;
	--uninstall) uninstall=1 ;;
	-h|--help) sed -n '3,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option '$1'; see --help" ;;
	esac
	[ $# -gt 0 ] && shift
done
case "$control$vhost_dir" in
*[[:space:]]*) die "--control and --vhost-dir: no spaces, please" ;;
esac
[ "${vhost_dir#/}" != "$vhost_dir" ] || die "--vhost-dir must be an absolute path"
[ "${control#/}" != "$control" ] || die "--control must be an absolute path"
vhost_dir=${vhost_dir%/}
root=${root%/}
hook_dir=${hook_dir:-$root/etc/libvirt/hooks/qemu.d}
bin=$root/usr/local/libexec/fexpath/fex-libvirt
conf=$root/etc/fexpath/libvirt.conf
hook=$hook_dir/fexpath
unit=$root/etc/systemd/system/fex-libvirt-agent.service
tmpfiles=$root/etc/tmpfiles.d/fexpath-libvirt.conf
systemd_up() { [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

# libvirtd looks for hooks when it starts and on SIGHUP only.
libvirtd_rehook() {
	[ -z "$root" ] || return 0
	if systemd_up && systemctl is-active -q libvirtd.service; then
		systemctl reload libvirtd.service && echo "install.sh: libvirtd reloaded (hooks re-read)"
	elif [ -s /run/libvirtd.pid ] && kill -0 "$(cat /run/libvirtd.pid)" 2>/dev/null; then
		kill -HUP "$(cat /run/libvirtd.pid)" && echo "install.sh: libvirtd sent SIGHUP (hooks re-read)"
	else
		echo "install.sh: libvirtd is not running; it finds the hook when it starts"
	fi
}

if [ "$uninstall" = 1 ]; then
	if systemd_up && [ -f "$unit" ]; then
		systemctl disable --now fex-libvirt-agent.service || true
	fi
	rm -f "$hook" "$unit" "$tmpfiles" "$bin" "$conf"
	systemd_up && systemctl daemon-reload
	libvirtd_rehook
	echo "install.sh: removed $hook $unit $tmpfiles $bin $conf (the vhost dir $vhost_dir stays)"
	exit 0
fi

[ -x "$build/tools/libvirt/fex-libvirt" ] ||
	die "no $build/tools/libvirt/fex-libvirt: build first (tools/fex-setup.sh installs libvirt-dev and builds)"
if ! getent passwd "$qemu_user" >/dev/null || ! getent group "$qemu_group" >/dev/null; then
	die "no user $qemu_user / group $qemu_group: install libvirt-daemon-system (tools/fex-setup.sh)"
fi

install -d -m 0755 "$(dirname "$bin")" "$(dirname "$conf")" "$hook_dir" \
	"$(dirname "$unit")" "$(dirname "$tmpfiles")"
install -m 0755 "$build/tools/libvirt/fex-libvirt" "$bin"

cat >"$conf.tmp" <<EOF
# fexpath's libvirt integration (written by tools/libvirt/install.sh).
# fexpath's control socket (its --control / control =):
control = $control
# The vNICs: <interface type='vhostuser'> with a socket in this directory.
vhost_dir = $vhost_dir
# The agent's libvirt connection:
uri = $uri
# The agent checks every domain this often (s; 0 = only on (re)connect):
reconcile_s = 60
EOF
mv "$conf.tmp" "$conf"

# libvirt runs every executable of qemu.d: DOMAIN OPERATION SUBOP EXTRA,
# the domain XML on stdin.
cat >"$hook.tmp" <<EOF
#!/bin/sh
# fexpath's libvirt qemu hook (tools/libvirt/install.sh; SPEC §8).
exec $bin --config $conf hook "\$@"
EOF
chmod 0755 "$hook.tmp"
mv "$hook.tmp" "$hook"

cat >"$unit" <<EOF
# fexpath's libvirt agent: associates a domain's VIFs once its guest runs,
# disassociates them when it stops (tools/libvirt/README.rst).
[Unit]
Description=fexpath libvirt agent (domain events -> VIF associate/disassociate)
After=libvirtd.service virtqemud.service fexpath.service
Wants=libvirtd.service

[Service]
ExecStart=$bin --config $conf agent
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
EOF

parent=$(dirname "$vhost_dir")
cat >"$tmpfiles" <<EOF
# fexpath's vNIC sockets: QEMU (user $qemu_user) creates them, fexpath connects.
d $parent 0755 root root -
d $vhost_dir 0770 $qemu_user $qemu_group -
EOF

# The directory now (the path itself, also with --root: a test's own).
[ -d "$parent" ] || install -d -m 0755 "$parent"
install -d -m 0770 -o "$qemu_user" -g "$qemu_group" "$vhost_dir"
chown "$qemu_user:$qemu_group" "$vhost_dir"
chmod 0770 "$vhost_dir"

echo "install.sh: hook $hook, agent $bin, config $conf (control $control, vhost_dir $vhost_dir)"
if systemd_up; then
	systemctl daemon-reload
	systemctl enable --now fex-libvirt-agent.service
	echo "install.sh: fex-libvirt-agent.service enabled and started"
elif [ -z "$root" ]; then
	echo "install.sh: systemd is not running: start the agent yourself: $bin --config $conf agent"
fi
libvirtd_rehook
