#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# fexpath's command line: --help, bad options, the shipped config and
# systemd unit, clean exit on SIGINT and SIGTERM.
. "$(dirname "$0")/../lib/fex-lib.sh"
fex_tmpdir

EAL=(--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error)
on_exit "rm -rf /var/run/dpdk/cli$$b /var/run/dpdk/cli$$u"

out=$("$FEXPATH" --help)
check "--help exits 0" test $? -eq 0
for opt in --config --uplink --tag --control --state --stats-period --help; do
	check "--help lists $opt" grep -q -- "$opt" <<<"$out"
done

out=$("$FEXPATH" -- --tag bogus 2>&1)
rc=$?
check "--tag bogus exits non-zero" test $rc -ne 0
check "--tag bogus names the allowed values" grep -q "vntag, etag, none" <<<"$out"

out=$("$FEXPATH" -- --stats-period many 2>&1)
check "--stats-period many is refused" test $? -ne 0
check "... naming the option" grep -q -- "--stats-period" <<<"$out"

out=$("$FEXPATH" -- --no-such-option 2>&1)
check "an unknown option is refused" test $? -ne 0

printf '[fexpath]\nuplnk = null\n' >"$T/bad.ini"
out=$("$FEXPATH" -- --config "$T/bad.ini" 2>&1)
check "a misspelt config key is refused" test $? -ne 0
check "... naming the key" grep -q "uplnk" <<<"$out"

printf '[fexpath]\nuplink = null\n[profile web]\nvlans = 10\nnative_vlan = 4095\n' >"$T/badprof.ini"
out=$("$FEXPATH" "${EAL[@]}" --file-prefix "cli$$b" -- --config "$T/badprof.ini" \
	--control "$T/b.sock" --no-state 2>&1)
check "a bad profile in the config stops start-up" test $? -ne 0
check "... naming the field" grep -q "native_vlan" <<<"$out"

out=$("$FEXPATH" "${EAL[@]}" --file-prefix "cli$$u" -- --uplink "bogus:x" \
	--control "$T/u.sock" --no-state 2>&1)
check "a bad uplink spec stops start-up" test $? -ne 0
check "... with a message naming it" grep -qi "bogus" <<<"$out"

# The shipped default config runs as it is (sockets moved into $T).
for sig in TERM INT; do
	fex_start def$sig "${EAL[@]}" -- --config "$FEX_SRC/config/fexpath.ini" \
		--state "$T/state-$sig.json"
	check "default config: control socket answers" \
		bash -c "\"$FEXCTL\" --socket $T/def$sig.sock cluster list >/dev/null"
	pid=$(fex_pid def$sig)
	kill -"$sig" "$pid"
	wait "$pid"
	check_eq "SIG$sig: exit status" 0 $?
	check "SIG$sig: socket removed" test ! -e "$T/def$sig.sock"
done

if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/local/bin/fexpath|$FEXPATH|" "$FEX_SRC/config/fexpath.service" \
		>"$T/fexpath.service"
	out=$(systemd-analyze verify "$T/fexpath.service" 2>&1)
	check "systemd-analyze verify fexpath.service" test -z "$out"
	[ -z "$out" ] || echo "$out"
else
	echo "note: systemd-analyze missing, unit not verified"
fi

fex_done
