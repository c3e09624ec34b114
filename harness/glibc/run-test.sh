#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run-test.sh: run one of glibc's malloc tests in one configuration and
# give glibc's verdict (make check-glibc; docs/glibc-tests.md).
#
# Usage: run-test.sh 'TEST VARIANT CONFIG EXPECTED [NAME=VALUE...]'
# (one argument, as check.sh hands each job to xargs), with BIN, OUT,
# DROPIN, DEBUG and TIMEOUTFACTOR in the environment.  CONFIG is glibc
# (the host's malloc), ptm (the drop-in, its default: cache off) or
# ptm-tcache (the drop-in with the cache on, glibc's default count).
# EXPECTED is the verdict harness/glibc/expected.txt gives this run, or
# "-".  Writes OUT/RUN.out (everything the test printed) and OUT/RUN.res
# (one line: verdict, test, variant, config, exit status, seconds), and
# prints the line that check.sh shows.
#
# The verdicts are glibc's: exit status 0 PASS, 77 UNSUPPORTED, anything
# else FAIL.  An expected failure that fails is XFAIL, one that passes is
# XPASS (an error: the table must say what the drop-in does).
set -u

read -r test variant config expected envs <<<"$1"

prog=$BIN/$test
[ "$variant" = mcheck ] && prog=$BIN/$test-mcheck
run=$test
[ "$variant" = - ] || run=$test-$variant
run=$run.$config
scratch=$OUT/tmp/$run
rm -rf "$scratch" && mkdir -p "$scratch"

# The environment the configuration gives every test, then the test's
# own; the cache configuration's count comes first in GLIBC_TUNABLES, so
# that a test which sets the count itself (tst-mxfast) keeps its own.
debug=$DEBUG
cmd=(env -u LD_PRELOAD -u GLIBC_TUNABLES -u MALLOC_CHECK_ -u MALLOC_TRACE
	-u MALLOC_PERTURB_ TMPDIR="$scratch" TIMEOUTFACTOR="$TIMEOUTFACTOR")
tunables=
case $config in
glibc) ;;
ptm) debug=$DROPIN; cmd+=(LD_PRELOAD="$DROPIN") ;;
ptm-tcache)
	debug=$DROPIN; cmd+=(LD_PRELOAD="$DROPIN")
	tunables=glibc.malloc.tcache_count=7 ;;
*) echo "run-test.sh: unknown configuration $config" >&2; exit 2 ;;
esac
trace=
for e in $envs; do
	[ "$e" = - ] && continue
	e=${e//@DEBUG@/$debug}
	if [[ $e == *@TRACE@* ]]; then
		trace=$scratch/trace
		e=${e//@TRACE@/$trace}
	fi
	if [[ $e == GLIBC_TUNABLES=* ]]; then
		tunables=${tunables:+$tunables:}${e#GLIBC_TUNABLES=}
		continue
	fi
	cmd+=("$e")
done
[ -n "$tunables" ] && cmd+=(GLIBC_TUNABLES="$tunables")

# glibc's test driver ends a test past its own timeout (scaled by
# TIMEOUTFACTOR); the outer limit only catches a driver that hangs.  It
# is 300 s times the factor, rounded up, as the suite's ptm_time_limit()
# scales (harness/programs/time_limit.h): a fraction such as 1.5 is a
# factor too, and anything that is not a positive number counts as 1.
limit=$(awk -v f="$TIMEOUTFACTOR" 'BEGIN {
	if (f !~ /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/ || f + 0 <= 0) f = 1
	s = 300 * f; w = int(s); print (w < s ? w + 1 : w) }')
start=$(date +%s.%N)
{
	echo "# ${cmd[*]:1} $prog"
	timeout -k 10 "$limit" "${cmd[@]}" "$prog" </dev/null
} >"$OUT/$run.out" 2>&1
status=$?
if [ $status = 0 ] && [ -n "$trace" ]; then
	echo "# mtrace $trace" >>"$OUT/$run.out"
	mtrace "$trace" >>"$OUT/$run.out" 2>&1 || status=1
fi
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" \
	'BEGIN { printf "%.1f", e - s }')
rm -rf "$scratch"

case $status in
0) verdict=PASS ;;
77) verdict=UNSUPPORTED ;;
*) verdict=FAIL ;;
esac
if [ "$expected" = FAIL ]; then
	case $verdict in
	FAIL) verdict=XFAIL ;;
	PASS) verdict=XPASS ;;
	esac
fi

echo "$verdict $test $variant $config $status $secs" >"$OUT/$run.res"
printf '%-12s %-30s %-13s %-11s %3s %7ss\n' "$verdict" "$test" "$variant" \
	"$config" "$status" "$secs"
