#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# fuzz_run.sh TARGET CORPUS SECONDS ARTIFACT_DIR
# Run a libFuzzer target for SECONDS on a scratch copy of the committed seed
# corpus, so the source tree is never written; crash inputs go to ARTIFACT_DIR.
set -eu
target=$1 corpus=$2 seconds=$3 artifacts=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/fex_fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp -R "$corpus"/. "$work"/
mkdir -p "$artifacts"
"$target" -max_total_time="$seconds" -print_final_stats=1 \
	-artifact_prefix="$artifacts"/ "$work"
