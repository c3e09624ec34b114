# SPDX-License-Identifier: LGPL-2.1-or-later
#
# summary.awk: the closing report of make check-glibc, from the .res lines
# that run-test.sh wrote ("VERDICT TEST VARIANT CONFIG STATUS SECONDS").
# Variables: errors (failures check.sh found in the lists themselves),
# na (tests listed as not applicable), out (the directory of the logs).
#
# Lists every run that counts as failed with the last lines of its log,
# then the counts per configuration and the closing line
# "check-glibc: N passed, N failed, N skipped" (see check.sh for what
# counts as what).

{
	verdict[NR] = $1; key[NR] = $2 " " $3 " " $4
	test[NR] = $2; variant[NR] = $3; config[NR] = $4; secs[NR] = $6
	if ($4 == "glibc")
		reference[$2 " " $3] = $1
}

# The log of a run: TEST[-VARIANT].CONFIG.out.
function log_of(i)
{
	return out "/" test[i] (variant[i] == "-" ? "" : "-" variant[i]) \
		"." config[i] ".out"
}

function fail(i, why)
{
	failed++
	per[config[i], "failed"]++
	printf "  %-12s %-30s %-13s %-11s %s\n", verdict[i], test[i],
		variant[i], config[i], why
	system("tail -n 3 '" log_of(i) "' | sed 's/^/      | /'")
}

END {
	print ""
	print "check-glibc: runs that differ from glibc or from " \
		"harness/glibc/expected.txt:"
	for (i = 1; i <= NR; i++) {
		v = verdict[i]
		total[config[i]] += secs[i]
		if (v == "PASS" || v == "XFAIL") {
			passed++
			per[config[i], v]++
		} else if (v == "UNSUPPORTED") {
			ref = reference[test[i] " " variant[i]]
			if (config[i] != "glibc" && ref != "UNSUPPORTED")
				fail(i, "unsupported where glibc gives " ref)
			else {
				skipped++
				per[config[i], v]++
			}
		} else if (v == "XPASS") {
			fail(i, "passes: remove it from expected.txt")
		} else {
			fail(i, "see " log_of(i))
		}
	}
	if (!failed)
		print "  none"
	print ""
	split("glibc ptm ptm-tcache", names)
	for (n = 1; n <= 3; n++) {
		c = names[n]
		printf "check-glibc: %-10s %3d PASS, %2d XFAIL, %3d failed, " \
			"%2d UNSUPPORTED (%.0f s of test time)\n", c,
			per[c, "PASS"], per[c, "XFAIL"], per[c, "failed"],
			per[c, "UNSUPPORTED"], total[c]
	}
	if (errors)
		printf "check-glibc: %d errors in the lists (above)\n", errors
	printf "check-glibc: %d tests not applicable (N/A above)\n", na
	failed += errors
	printf "check-glibc: %d passed, %d failed, %d skipped\n", passed,
		failed, skipped
	exit failed != 0
}
