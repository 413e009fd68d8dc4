#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every `static inline` (or `static __rte_always_inline`) of the fast path
# (lib/dp, lib/tag, lib/vif, lib/qos: headers and sources) has a call site
# in a unit test: the code
# the product runs is the code the tests call (issue 14). A call counts
# only when it is written in a test_*.c or fuzz_*.c file; one reached
# through another inline does not, so a helper cannot hide behind the
# function that uses it. Lists each inline and where it is called; fails
# naming every one that has none. Reads the source only, builds nothing.
set -euo pipefail
src=${FEX_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
libs=(lib/dp lib/tag lib/vif lib/qos)

cd "$src"
# The fast path: every .h/.c of those libs but the tests themselves.
mapfile -t code < <(find "${libs[@]}" -maxdepth 1 -type f \( -name '*.h' -o -name '*.c' \) \
	! -name 'test_*' ! -name 'fuzz_*' | sort)
# Where a direct call may be: every unit test and fuzz target of the tree.
mapfile -t tests < <(find lib app drivers -type f \( -name 'test_*.c' -o -name 'fuzz_*.c' \) | sort)

# "file:name" of each definition: `static inline TYPE` with the name on the
# same line or (STYLE.md) at the start of the next.
defs=$(awk '
	function name_of(s) {
		if (match(s, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/) == 0)
			return ""
		s = substr(s, RSTART, RLENGTH)
		sub(/[ \t]*\($/, "", s)
		return s
	}
	pending { n = name_of($0); if (n != "") print FILENAME ":" n; pending = 0; next }
	/^[ \t]*static[ \t]+(inline|__rte_always_inline)[ \t]/ {
		rest = $0
		sub(/^[ \t]*static[ \t]+(inline|__rte_always_inline)[ \t]+/, "", rest)
		# TYPE name(...) on one line, else the name opens the next line
		if (rest ~ /\(/) { n = name_of(rest); if (n != "") print FILENAME ":" n }
		else pending = 1
	}' "${code[@]}")

[ -n "$defs" ] || { echo "no static inline found under ${libs[*]}: wrong FEX_SRC?" >&2; exit 1; }

missing=()
total=0
while IFS=: read -r file fn; do
	total=$((total + 1))
	# a call: the name then '(', not on a comment line, nor a test's own
	# function of that name (defined, STYLE.md, at the start of a line)
	hits=$(grep -nE "(^|[^A-Za-z0-9_])${fn}[[:space:]]*\(" "${tests[@]}" /dev/null |
		grep -vE ":[0-9]+:([[:space:]]*(/?\*|//)|${fn}[[:space:]]*\()" |
		cut -d: -f1 | sort -u | tr '\n' ' ' || true)
	if [ -n "$hits" ]; then
		printf 'ok      %-28s %-22s %s\n' "$fn" "$file" "$hits"
	else
		printf 'MISSING %-28s %-22s no direct call in a test_*.c/fuzz_*.c\n' "$fn" "$file"
		missing+=("$fn ($file)")
	fi
done <<<"$defs"

echo "# $total static inline functions, ${#missing[@]} without a unit-test call site"
if [ ${#missing[@]} -ne 0 ]; then
	printf 'not called by any unit test: %s\n' "${missing[@]}" >&2
	exit 1
fi
