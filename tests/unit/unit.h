/*
 * unit.h: the shared main of the CUnit test programs.  Each test_<module>.c
 * lists its cases in a CU_TestInfo table and returns unit_run() from main,
 * so a failed assertion makes the program exit non-zero for make check.
 */
#ifndef MS_UNIT_H
#define MS_UNIT_H

#include <CUnit/CUnit.h>

/*
 * Registers one suite named name with the NULL-terminated cases, runs it
 * verbosely and returns the exit status for main: 0 when every assertion
 * passed, 1 when one failed, 99 (automake's hard error) when CUnit itself
 * failed.
 */
int	unit_run(const char *name, CU_TestInfo *cases);

#endif
