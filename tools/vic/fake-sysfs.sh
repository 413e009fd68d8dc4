# SPDX-License-Identifier: BSD-3-Clause
#
# A fake sysfs tree for testing fex-vic-setup, and a "fake kernel" that
# plays the kernel's part on it. Sourced by test-vic.sh.
#
# The tree is laid out as the kernel does it, with real files and relative
# symlinks:
#   ROOT/devices/pci0000:00/BDF/{vendor,device,class,driver_override,...}
#   ROOT/bus/pci/devices/BDF -> ../../../devices/pci0000:00/BDF
#   BDF/driver -> ../../../bus/pci/drivers/NAME
#   BDF/iommu_group -> ../../../kernel/iommu_groups/N
#   ROOT/kernel/iommu_groups/N/devices/BDF -> ../../../../devices/pci0000:00/BDF
#   PF/virtfnI -> ../VF, VF/physfn -> ../PF, BDF/net/IFACE/operstate
#   ROOT/bus/pci/drivers/NAME/{bind,unbind,new_id,BDF -> device}
#   ROOT/bus/pci/drivers_probe, ROOT/module/NAME, ROOT/class/iommu/dmar0
#
# Writes to the control files change nothing by themselves. fake_kernel
# polls them and applies what the kernel would: sriov_numvfs creates or
# removes VFs (probing them with enic when sriov_drivers_autoprobe is 1),
# bind/unbind move the driver links (enic brings its interface along),
# drivers_probe binds to driver_override or to the vendor's default driver.
# It consumes a bind/unbind/drivers_probe write by truncating the file
# before applying it, so the tool, which writes again only after it saw
# the effect of its last write, never loses a write.

# fake_tree ROOT [noiommu] [novfio]: an empty machine with the enic, igb
# and vfio-pci drivers (vfio-pci only without novfio).
fake_tree()
{
	local root=$1 opt iommu=1 vfio=1 d

	shift
	for opt in "$@"; do
		case $opt in
		noiommu) iommu=0 ;;
		novfio) vfio=0 ;;
		esac
	done
	mkdir -p "$root/bus/pci/devices" "$root/devices/pci0000:00" \
		"$root/kernel/iommu_groups" "$root/class/iommu" "$root/module/enic"
	: >"$root/bus/pci/drivers_probe"
	for d in enic igb $( ((vfio)) && echo vfio-pci); do
		mkdir -p "$root/bus/pci/drivers/$d"
		: >"$root/bus/pci/drivers/$d/bind"
		: >"$root/bus/pci/drivers/$d/unbind"
		: >"$root/bus/pci/drivers/$d/new_id"
	done
	if ((vfio)); then
		mkdir -p "$root/module/vfio_pci/parameters"
	fi
	if ((iommu)); then
		mkdir -p "$root/devices/virtual/iommu/dmar0"
		ln -s ../../devices/virtual/iommu/dmar0 "$root/class/iommu/dmar0"
	fi
}

# fake_dev ROOT BDF VENDOR DEVICE CLASS DRIVER GROUP [IFACE [OPERSTATE]]
# DRIVER and GROUP may be empty; GROUP is ignored on a tree without IOMMU.
fake_dev()
{
	local root=$1 bdf=$2 ven=$3 did=$4 cls=$5 drv=$6 grp=$7
	local ifc=${8:-} st=${9:-down} d=$1/devices/pci0000:00/$2

	mkdir -p "$d"
	echo "$ven" >"$d/vendor"
	echo "$did" >"$d/device"
	echo "$cls" >"$d/class"
	echo "(null)" >"$d/driver_override"
	if [[ -n $grp && -e $root/class/iommu/dmar0 ]]; then
		mkdir -p "$root/kernel/iommu_groups/$grp/devices"
		ln -s "../../../../devices/pci0000:00/$bdf" \
			"$root/kernel/iommu_groups/$grp/devices/$bdf"
		ln -s "../../../kernel/iommu_groups/$grp" "$d/iommu_group"
	fi
	[[ -z $drv ]] || fk_link_driver "$root" "$bdf" "$drv"
	if [[ -n $ifc ]]; then
		mkdir -p "$d/net/$ifc"
		echo "$st" >"$d/net/$ifc/operstate"
	fi
	ln -s "../../../devices/pci0000:00/$bdf" "$root/bus/pci/devices/$bdf"
}

# fake_pf ROOT BDF DRIVER GROUP IFACE OPERSTATE TOTALVFS: a VIC PF with
# SR-IOV, VFs at BDF+1, +2, ...
fake_pf()
{
	local d=$1/devices/pci0000:00/$2

	fake_dev "$1" "$2" 0x1137 0x0043 0x020000 "$3" "$4" "$5" "$6"
	echo "$7" >"$d/sriov_totalvfs"
	echo 0 >"$d/sriov_numvfs"
	echo 1 >"$d/sriov_offset"
	echo 1 >"$d/sriov_stride"
	echo 1 >"$d/sriov_drivers_autoprobe"
}

# ---------------------------------------------------------------- kernel

fk_link_driver()
{
	ln -s "../../../bus/pci/drivers/$3" "$1/devices/pci0000:00/$2/driver"
	ln -s "../../../../devices/pci0000:00/$2" "$1/bus/pci/drivers/$3/$2"
}

fk_driver_of()
{
	local l

	REPLY=
	l=$(readlink "$1/devices/pci0000:00/$2/driver") || return 0
	REPLY=${l##*/}
}

# The systemd-style name enic's interface gets: 0000:3b:00.2 -> enp59s0f2.
fk_ifname()
{
	local b=${1#*:}

	REPLY=enp$((16#${b%%:*}))s$((16#${b:3:2}))f${b##*.}
}

fk_bind()
{
	local root=$1 bdf=$2 drv=$3

	fk_link_driver "$root" "$bdf" "$drv"
	if [[ $drv == enic ]]; then
		fk_ifname "$bdf"
		mkdir -p "$root/devices/pci0000:00/$bdf/net/$REPLY"
		echo down >"$root/devices/pci0000:00/$bdf/net/$REPLY/operstate"
	fi
}

fk_unbind()
{
	local root=$1 bdf=$2

	fk_driver_of "$root" "$bdf"
	[[ -n $REPLY ]] || return 0
	rm -f "$root/devices/pci0000:00/$bdf/driver" \
		"$root/bus/pci/drivers/$REPLY/$bdf"
	rm -rf "$root/devices/pci0000:00/$bdf/net"
}

fk_default_driver()
{
	local v

	REPLY=
	read -r v <"$1/devices/pci0000:00/$2/vendor"
	case $v in
	0x1137) REPLY=enic ;;
	0x8086) REPLY=igb ;;
	esac
}

# fk_take FILE: the BDF written to FILE, consumed (truncated) first.
fk_take()
{
	local v=

	REPLY=
	IFS= read -r v <"$1" || true
	[[ -n $v ]] || return 1
	: >"$1"
	v=${v//[[:space:]]/}
	[[ $v =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] || return 1
	[[ -e $2/devices/pci0000:00/$v ]] || return 1
	REPLY=$v
}

fk_new_vf()
{
	local root=$1 pf=$2 i=$3 rid vf grp=1000 probe off stride

	read -r off <"$root/devices/pci0000:00/$pf/sriov_offset"
	read -r stride <"$root/devices/pci0000:00/$pf/sriov_stride"
	rid=$(((16#${pf:5:2} << 8 | 16#${pf:8:2} << 3 | ${pf:11:1}) + off + i * stride))
	printf -v vf '%s:%02x:%02x.%x' "${pf:0:4}" $((rid >> 8)) $(((rid >> 3) & 31)) $((rid & 7))
	while [[ -e $root/kernel/iommu_groups/$grp ]]; do grp=$((grp + 1)); done
	fake_dev "$root" "$vf" 0x1137 0x0071 0x020000 "" "$grp"
	ln -s "../$pf" "$root/devices/pci0000:00/$vf/physfn"
	read -r probe <"$root/devices/pci0000:00/$pf/sriov_drivers_autoprobe"
	((probe)) && fk_bind "$root" "$vf" enic
	# The link comes last: a VF the tool can see is complete.
	ln -s "../$vf" "$root/devices/pci0000:00/$pf/virtfn$i"
}

fk_del_vf()
{
	local root=$1 pf=$2 i=$3 vf grp

	vf=$(readlink "$root/devices/pci0000:00/$pf/virtfn$i")
	vf=${vf##*/}
	rm -f "$root/devices/pci0000:00/$pf/virtfn$i"
	fk_unbind "$root" "$vf"
	grp=$(readlink "$root/devices/pci0000:00/$vf/iommu_group" || true)
	[[ -z $grp ]] || rm -rf "$root/kernel/iommu_groups/${grp##*/}"
	rm -f "$root/bus/pci/devices/$vf"
	rm -rf "$root/devices/pci0000:00/$vf"
}

fk_sriov()
{
	local root=$1 pf=$2 want='' have=0 i d=$1/devices/pci0000:00/$2

	IFS= read -r want <"$d/sriov_numvfs" || true
	[[ $want =~ ^[0-9]+$ ]] || return 0
	while [[ -L $d/virtfn$have ]]; do have=$((have + 1)); done
	((want != have)) || return 0
	if ((have > 0 && want > 0)); then
		echo "$have" >"$d/sriov_numvfs"	# the kernel says EBUSY
	elif ((want == 0)); then
		for ((i = have - 1; i >= 0; i--)); do fk_del_vf "$root" "$pf" "$i"; done
	else
		for ((i = 0; i < want; i++)); do fk_new_vf "$root" "$pf" "$i"; done
	fi
}

fk_tick()
{
	local root=$1 dev drvdir drv ovr

	for dev in "$root"/devices/pci0000:00/*/sriov_numvfs; do
		dev=${dev%/sriov_numvfs}
		fk_sriov "$root" "${dev##*/}"
	done
	for drvdir in "$root"/bus/pci/drivers/*; do
		drv=${drvdir##*/}
		if fk_take "$drvdir/unbind" "$root"; then
			dev=$REPLY
			fk_driver_of "$root" "$dev"
			[[ $REPLY != "$drv" ]] || fk_unbind "$root" "$dev"
		fi
		if fk_take "$drvdir/bind" "$root"; then
			dev=$REPLY
			fk_driver_of "$root" "$dev"
			IFS= read -r ovr <"$root/devices/pci0000:00/$dev/driver_override" || true
			ovr=${ovr//[[:space:]]/}
			[[ $ovr != "(null)" ]] || ovr=
			if [[ -z $REPLY && ( -z $ovr || $ovr == "$drv" ) ]]; then
				fk_bind "$root" "$dev" "$drv"
			fi
		fi
	done
	if fk_take "$root/bus/pci/drivers_probe" "$root"; then
		dev=$REPLY
		fk_driver_of "$root" "$dev"
		if [[ -z $REPLY ]]; then
			IFS= read -r ovr <"$root/devices/pci0000:00/$dev/driver_override" || true
			ovr=${ovr//[[:space:]]/}
			[[ $ovr != "(null)" ]] || ovr=
			if [[ -n $ovr ]]; then
				drv=$ovr
			else
				fk_default_driver "$root" "$dev"
				drv=$REPLY
			fi
			if [[ -n $drv && -d $root/bus/pci/drivers/$drv ]]; then
				fk_bind "$root" "$dev" "$drv"
			fi
		fi
	fi
}

# fake_kernel ROOT PARENT_PID [MAX_SECONDS]: run in the background; ends
# when PARENT_PID is gone or after MAX_SECONDS (default 300), whichever
# comes first. Polls every 10 ms without forking (read -t on a FIFO).
fake_kernel()
{
	local root=$1 parent=$2 max=${3:-300} fifo fd end

	set +e
	shopt -s nullglob
	fifo=$root.tick
	mkfifo "$fifo" || return 1
	exec {fd}<>"$fifo"
	end=$((SECONDS + max))
	while ((SECONDS < end)) && kill -0 "$parent" 2>/dev/null; do
		fk_tick "$root"
		read -r -t 0.01 -u "$fd" _
	done
	exec {fd}<&-
	rm -f "$fifo"
}
