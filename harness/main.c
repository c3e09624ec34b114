// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The entry point of the Criterion suite: Criterion's own main(), with
 * every test's time limit made to scale first.
 *
 * A Criterion timeout is a constant in the test's declaration
 * (".timeout = N"), so it cannot follow the load of the machine by
 * itself.  The suite's tests declare none: here, before the runner
 * starts, each test gets SUITE_DEFAULT_TIMEOUT seconds (or what its
 * declaration or its suite's says, should one ever need more) times
 * ptm_timeout_factor(), that is $TIMEOUTFACTOR, as in glibc's test
 * driver (programs/time_limit.h).  The limit only ends hangs, so that
 * no test can hang the suite; it is many times what the slowest test
 * takes on a busy machine.  Criterion's own --timeout=N still caps every
 * limit, as Criterion documents.
 */
#include <criterion/criterion.h>
#include <criterion/internal/ordered-set.h>

#include "programs/time_limit.h"

/* Seconds, before scaling, for a test whose declaration names none. */
#define SUITE_DEFAULT_TIMEOUT 300

/*
 * The least limit after scaling, in seconds: Criterion's runner hung
 * when a limit (TIMEOUTFACTOR=0.0001) ended a test while its sandbox
 * was still starting.
 */
#define SUITE_LEAST_TIMEOUT 1

/* Give every test of @tests its limit times @factor. */
static void scale_timeouts(struct criterion_test_set *tests, double factor)
{
	FOREACH_SET(struct criterion_suite_set * s, tests->suites)
	{
		struct criterion_test_extra_data *sd = s->suite.data;
		double suite_limit = sd != NULL && sd->timeout > 0 ?
					     sd->timeout :
					     SUITE_DEFAULT_TIMEOUT;

		FOREACH_SET(struct criterion_test * t, s->tests)
		{
			if (t->data->timeout <= 0)
				t->data->timeout = suite_limit;
			t->data->timeout *= factor;
			if (t->data->timeout < SUITE_LEAST_TIMEOUT)
				t->data->timeout = SUITE_LEAST_TIMEOUT;
		}
	}
}

int main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	int result = 0;

	scale_timeouts(tests, ptm_timeout_factor());
	if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
	criterion_finalize(tests);
	return result;
}
