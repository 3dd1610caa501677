/* unit.h: how every unit test program ends: run its suite, say whether
 * every test passed. One place, so that a change of how the suites run
 * (a fork status, an output mode) is made once for all 31 programs. */
#ifndef DIALDESK_TESTS_UNIT_H
#define DIALDESK_TESTS_UNIT_H

#include <stdlib.h>

#include <check.h>

/* Run the suite (forking per test unless CK_FORK says otherwise) and free
 * it; the exit status of a test program. */
static inline int
unit_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* unit_run with the fork status forced, for a suite whose state cannot be
 * set up twice in one process. */
static inline int
unit_run_forked(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
