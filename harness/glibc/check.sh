#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check.sh: the runner of make check-glibc (docs/glibc-tests.md).  Runs
# every line of the test list in the three configurations (glibc, ptm,
# ptm-tcache), JOBS at a time through run-test.sh, which prints one line
# per run as it ends; then reports what differs from what is expected and
# closes with "check-glibc: N passed, N failed, N skipped".
#
# Usage: check.sh --list tests.txt --expected expected.txt --src SRC
#        --bin BIN --out OUT --dropin libptmalloc.so
#        --debug libc_malloc_debug.so.0 --jobs N
# (TIMEOUTFACTOR from the environment goes to every test.)
#
# A run counts as passed when its verdict is PASS, or XFAIL (a failure
# that expected.txt lists, with the reason); as failed when it is FAIL,
# XPASS (an expected failure that passed), or UNSUPPORTED on the drop-in
# where glibc passed; as skipped when it is UNSUPPORTED everywhere.  The
# lists themselves are checked too: a test of SRC/malloc that the list
# leaves out, or a row of expected.txt that matches no run, is a failure.
set -u

configs="glibc ptm ptm-tcache"
while [ $# -gt 1 ]; do
	case $1 in
	--list) list=$2 ;;
	--expected) expected=$2 ;;
	--src) src=$2 ;;
	--bin) export BIN=$2 ;;
	--out) export OUT=$2 ;;
	--dropin) export DROPIN=$2 ;;
	--debug) export DEBUG=$2 ;;
	--jobs) jobs=$2 ;;
	*) echo "check.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
export TIMEOUTFACTOR=${TIMEOUTFACTOR:-1}
here=$(dirname "$0")
rows() { grep -v '^#' "$1" | awk 'NF >= 2'; }

rm -rf "$OUT" && mkdir -p "$OUT"
errors=0

# Every test source of the release is in the list, run or not.
for f in "$src"/malloc/tst-*.c; do
	t=$(basename "$f" .c)
	if ! rows "$list" | awk -v t="$t" '$1 == t { f = 1 } END { exit !f }'
	then
		echo "MISSING      $t: malloc/$t.c is not in $list"
		errors=$((errors + 1))
	fi
done
rows "$list" | awk '$2 == "n/a" { $2 = ""; t = $1; $1 = "";
	sub(/^ +/, ""); printf "%-12s %-30s %s\n", "N/A", t, $0 }'
not_applicable=$(rows "$list" | awk '$2 == "n/a"' | wc -l)

# One job per run: the expected verdict is looked up here, so that the
# line run-test.sh prints is already the final one.
rows "$list" | awk '$2 != "n/a"' | while read -r test variant envs; do
	for c in $configs; do
		x=$(rows "$expected" | awk -v t="$test" -v v="$variant" \
			-v c="$c" '$1 == t && $2 == v && $3 == c { print $4 }')
		echo "$test $variant $c ${x:--} $envs"
	done
done >"$OUT/jobs"
xargs -d '\n' -n 1 -P "${jobs:-1}" "$here/run-test.sh" <"$OUT/jobs"

# Every row of the table must match a run.
while read -r test variant config verdict reason; do
	if ! grep -q "^$test $variant $config " "$OUT/jobs"; then
		echo "STALE        $expected: $test $variant $config" \
			"matches no run"
		errors=$((errors + 1))
	fi
done < <(rows "$expected")

# The verdicts, with the drop-in's UNSUPPORTED compared with glibc's.
cat "$OUT"/*.res | awk -v errors="$errors" -v na="$not_applicable" \
	-v out="$OUT" -f "$here/summary.awk"
