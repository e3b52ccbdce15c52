/*
 * unit.c: runs one CUnit suite and turns its outcome into an exit status
 * automake's test harness understands.
 */
#include <stdio.h>

#include <CUnit/Basic.h>

#include "unit.h"

int
unit_run(const char *name, CU_TestInfo *cases)
{
	CU_SuiteInfo suites[] = {
		{ name, NULL, NULL, NULL, NULL, cases },
		CU_SUITE_INFO_NULL
	};
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "%s: CU_initialize_registry: %s\n", name,
		    CU_get_error_msg());
		return 99;
	}
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "%s: CU_register_suites: %s\n", name,
		    CU_get_error_msg());
		CU_cleanup_registry();
		return 99;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		fprintf(stderr, "%s: CU_basic_run_tests: %s\n", name,
		    CU_get_error_msg());
		CU_cleanup_registry();
		return 99;
	}
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
