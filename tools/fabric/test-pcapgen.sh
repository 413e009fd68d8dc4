#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# fex-pcapgen against the reference decoder: every frame must decode in stock
# tshark with exactly the fields asked for (both tag formats, both
# directions, 802.1Q, MAC steps, VIF ranges, raw tags, truncation, valid
# IPv4/UDP checksums), and bad options must fail with a message.
# Needs FEX_BUILD (meson test_env); exits 77 (skip) without tshark.
set -u

GEN=${FEX_BUILD:?FEX_BUILD not set}/tools/fabric/fex-pcapgen
command -v tshark >/dev/null || { echo "SKIP: tshark not installed"; exit 77; }
[ -x "$GEN" ] || { echo "FAIL: $GEN not built"; exit 1; }

TMP=$(mktemp -d --suffix=.fex-pcapgen-test)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# fields FILE FIELD... : one line per frame, tab separated, first occurrence.
fields() {
	local f=$1 args=() x
	shift
	for x in "$@"; do
		args+=(-e "$x")
	done
	tshark -n -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-T fields -E occurrence=f "${args[@]}" 2>"$TMP/tshark.err"
}

# check NAME FILE "FIELD..." EXPECTED-LINES
check() {
	local name=$1 file=$2 flds=$3 want=$4 got
	# shellcheck disable=SC2086
	got=$(fields "$file" $flds)
	checks=$((checks + 1))
	if [ "$got" != "$want" ]; then
		fail "$name: tshark fields ($flds) differ"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
		sed 's/^/    tshark: /' "$TMP/tshark.err"
	fi
}

gen() {
	if ! "$GEN" "$@" 2>"$TMP/gen.err"; then
		fail "fex-pcapgen $* exited $?: $(cat "$TMP/gen.err")"
	fi
}

# --- VN-Tag upstream, svif range round robin, 802.1Q, MAC step, checksums
gen --out "$TMP/vn-up.pcap" --count 5 --tag vntag --svif 4094-4095 --vlan 10 \
	--pcp 5 --src-mac 02:00:00:00:00:fe --src-mac-step 1 \
	--dst-mac 0a:0b:0c:0d:0e:0f
T=$'\t'
check vntag-up "$TMP/vn-up.pcap" \
	"frame.len eth.src eth.dst vntag.dir vntag.ptr vntag.dst vntag.looped vntag.r vntag.version vntag.src vntag.etype vlan.id vlan.priority ip.checksum.status udp.checksum.status" \
	"70${T}02:00:00:00:00:fe${T}0a:0b:0c:0d:0e:0f${T}0${T}0${T}0${T}0${T}0${T}0${T}4094${T}0x8100${T}10${T}5${T}1${T}1
70${T}02:00:00:00:00:ff${T}0a:0b:0c:0d:0e:0f${T}0${T}0${T}0${T}0${T}0${T}0${T}4095${T}0x8100${T}10${T}5${T}1${T}1
70${T}02:00:00:00:01:00${T}0a:0b:0c:0d:0e:0f${T}0${T}0${T}0${T}0${T}0${T}0${T}4094${T}0x8100${T}10${T}5${T}1${T}1
70${T}02:00:00:00:01:01${T}0a:0b:0c:0d:0e:0f${T}0${T}0${T}0${T}0${T}0${T}0${T}4095${T}0x8100${T}10${T}5${T}1${T}1
70${T}02:00:00:00:01:02${T}0a:0b:0c:0d:0e:0f${T}0${T}0${T}0${T}0${T}0${T}0${T}4094${T}0x8100${T}10${T}5${T}1${T}1"

# --- VN-Tag downstream: unicast, then VIF-list looped, untagged
gen --out "$TMP/vn-down.pcap" --tag vntag --dir down --dvif 4095 --svif 12 \
	--size 128 --dst-mac-step 2
gen --out "$TMP/vn-down.pcap" --append --count 2 --tag vntag --dir down \
	--ptr --dvif 16382-16383 --looped --svif 1 --vlan 4094
check vntag-down "$TMP/vn-down.pcap" \
	"frame.len vntag.dir vntag.ptr vntag.dst vntag.looped vntag.src vntag.etype vlan.id vlan.priority eth.dst udp.checksum.status" \
	"134${T}1${T}0${T}4095${T}0${T}12${T}0x0800${T}${T}${T}02:00:00:00:00:02${T}1
70${T}1${T}1${T}16382${T}1${T}1${T}0x8100${T}4094${T}0${T}02:00:00:00:00:02${T}1
70${T}1${T}1${T}16383${T}1${T}1${T}0x8100${T}4094${T}0${T}02:00:00:00:00:02${T}1"

# --- E-Tag upstream with E-PCP, untagged and tagged
gen --out "$TMP/et-up.pcap" --count 2 --tag etag --svif 1-2 --epcp 6 --size 1514
gen --out "$TMP/et-up.pcap" --append --tag etag --svif 4095 --vlan 1 --pcp 7
check etag-up "$TMP/et-up.pcap" \
	"frame.len etag.pcp etag.dei etag.iecid_base etag.resv etag.group etag.ecid_base etag.iecid_ext etag.ecid_ext etag.etype vlan.id vlan.priority udp.checksum.status" \
	"1522${T}6${T}0${T}0x0000${T}0${T}0${T}0x0001${T}0x00${T}0x00${T}0x0800${T}${T}${T}1
1522${T}6${T}0${T}0x0000${T}0${T}0${T}0x0002${T}0x00${T}0x00${T}0x0800${T}${T}${T}1
72${T}0${T}0${T}0x0000${T}0${T}0${T}0x0fff${T}0x00${T}0x00${T}0x8100${T}1${T}7${T}1"

# --- E-Tag downstream: unicast GRP 0, then GRP 1 and 3 with ingress E-CID
gen --out "$TMP/et-down.pcap" --tag etag --dir down --dvif 300 --svif 7 --epcp 2
gen --out "$TMP/et-down.pcap" --append --tag etag --dir down --ptr --dvif 4095 \
	--svif 9 --vlan 20 --pcp 1
gen --out "$TMP/et-down.pcap" --append --tag etag --dir down --ptr --grp 3 \
	--dvif 1
check etag-down "$TMP/et-down.pcap" \
	"etag.pcp etag.iecid_base etag.group etag.ecid_base etag.etype vlan.id vlan.priority" \
	"2${T}0x0007${T}0${T}0x012c${T}0x0800${T}${T}
0${T}0x0009${T}1${T}0x0fff${T}0x8100${T}20${T}1
0${T}0x0000${T}3${T}0x0001${T}0x0800${T}${T}"

# --- no VIF tag: plain and 802.1Q, another EtherType, broadcast dst
gen --out "$TMP/none.pcap" --vlan 0 --pcp 3 --ethertype 0x88b5 \
	--dst-mac ff:ff:ff:ff:ff:ff
gen --out "$TMP/none.pcap" --append
check none "$TMP/none.pcap" \
	"frame.len vntag.src etag.ecid_base vlan.id vlan.priority vlan.etype eth.type eth.dst" \
	"64${T}${T}${T}0${T}3${T}0x88b5${T}0x8100${T}ff:ff:ff:ff:ff:ff
60${T}${T}${T}${T}${T}${T}0x0800${T}02:00:00:00:00:02"

# --- malformed: raw tag values (r and ver bits; E-Tag resv and ext) and
#     truncation to 16 bytes (inside the tag)
gen --out "$TMP/raw.pcap" --tag vntag --raw-tag 0x00007005
gen --out "$TMP/raw.pcap" --append --tag etag --raw-tag c0010003ab00
gen --out "$TMP/raw.pcap" --append --tag vntag --dir down --dvif 5 --truncate 16
check raw "$TMP/raw.pcap" \
	"frame.len vntag.dir vntag.r vntag.version vntag.src etag.pcp etag.resv etag.ecid_base etag.iecid_ext" \
	"66${T}0${T}1${T}3${T}5${T}${T}${T}${T}
68${T}${T}${T}${T}${T}6${T}0${T}0x0003${T}0xab
16${T}${T}${T}${T}${T}${T}${T}${T}"

# --- a larger run: count and sizes
gen --out "$TMP/many.pcap" --count 1000 --tag vntag --svif 1-1000 --size 60
check many-count "$TMP/many.pcap" "vntag.src" "$(seq 1 1000)"

# --- bad values must fail with status 2 and say what is wrong
bad() {
	local want=$1 out
	shift
	checks=$((checks + 1))
	out=$("$GEN" "$@" 2>&1 >/dev/null)
	local rc=$?
	if [ $rc -ne 2 ] || ! grep -q -- "$want" <<<"$out"; then
		fail "fex-pcapgen $* : exit $rc, '$out' (want 2 and '$want')"
	fi
}
O=(--out "$TMP/bad.pcap")
bad "--out FILE is required" --count 1
bad "--size: '59'" "${O[@]}" --size 59
bad "--size: '9217'" "${O[@]}" --size 9217
bad "--count: '0'" "${O[@]}" --count 0
bad "--count: 'x'" "${O[@]}" --count x
bad "--src-mac: 'zz'" "${O[@]}" --src-mac zz
bad "--vlan: '4096'" "${O[@]}" --vlan 4096
bad "--pcp needs --vlan" "${O[@]}" --pcp 1
bad "--pcp: '8'" "${O[@]}" --vlan 1 --pcp 8
bad "--tag: 'qinq'" "${O[@]}" --tag qinq
bad "--dir: 'sideways'" "${O[@]}" --tag vntag --dir sideways
bad "need --tag vntag" "${O[@]}" --svif 3
bad "--svif: 4096 is out of range" "${O[@]}" --tag vntag --svif 4096
bad "--svif: range '9-3' runs backwards" "${O[@]}" --tag vntag --svif 9-3
bad "--dvif: 4096 is out of range" "${O[@]}" --tag vntag --dir down --dvif 4096
bad "--dvif: 16384 is out of range" "${O[@]}" --tag vntag --dir down --ptr --dvif 16384
bad "--dvif: 4096 is out of range" "${O[@]}" --tag etag --dir down --ptr --dvif 4096
bad "need --dir down" "${O[@]}" --tag vntag --dvif 3
bad "E-Tag fields" "${O[@]}" --tag vntag --epcp 1
bad "--looped is a VN-Tag bit" "${O[@]}" --tag etag --dir down --looped
bad "--grp needs --ptr" "${O[@]}" --tag etag --dir down --grp 2
bad "--raw-tag: etag takes 6 bytes" "${O[@]}" --tag etag --raw-tag 01020304
bad "--raw-tag: 'zz000000' is not hex" "${O[@]}" --tag vntag --raw-tag zz000000
bad "--truncate: '0'" "${O[@]}" --truncate 0
bad "unknown option '--bogus'" "${O[@]}" --bogus
bad "--out needs a value" --out
bad "unexpected argument 'extra'" "${O[@]}" extra
checks=$((checks + 1))
"$GEN" --help | grep -q -- "--raw-tag HEX" || fail "--help does not list --raw-tag"

echo "fex-pcapgen: $checks checks, $fails failed"
[ $fails -eq 0 ]
