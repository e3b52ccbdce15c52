/*
 * test_npy.c: .npy headers as numpy writes them (versions 1 and 2, uint8
 * and bool, the shape of a mask), and what is refused with which words:
 * another type, Fortran order, not 3-D, cut short, bool bytes above 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "unit.h"

static uint8_t	file[4096];

/* A .npy file of version v with header dict h and n data bytes of d. */
static size_t
make(int v, const char *h, size_t n, uint8_t d)
{
	size_t off = v == 1 ? 10 : 12, hl = strlen(h);

	memcpy(file, "\x93NUMPY", 6);
	file[6] = (uint8_t)v;
	file[7] = 0;
	file[8] = (uint8_t)hl;
	file[9] = (uint8_t)(hl >> 8);
	if (v != 1)
		file[10] = file[11] = 0;
	memcpy(file + off, h, hl);
	memset(file + off + hl, d, n);
	return off + hl + n;
}

static void
expect_ok(int v, const char *h, size_t n, uint32_t z, uint32_t y,
    uint32_t x, int is_bool)
{
	const char *errstr = NULL;
	struct npy np;
	size_t len = make(v, h, n, 1);

	CU_ASSERT_EQUAL(npy_parse(file, len, &np, &errstr), 0);
	if (errstr != NULL)
		fprintf(stderr, "%s: %s\n", h, errstr);
	CU_ASSERT_EQUAL(np.shape[0], z);
	CU_ASSERT_EQUAL(np.shape[1], y);
	CU_ASSERT_EQUAL(np.shape[2], x);
	CU_ASSERT_EQUAL(np.is_bool, is_bool);
	CU_ASSERT_EQUAL(np.data_off + np.data_len, len);
}

static void
expect_bad(size_t len, const char *want)
{
	const char *errstr = NULL;
	struct npy np;

	CU_ASSERT_EQUAL(npy_parse(file, len, &np, &errstr), -1);
	CU_ASSERT(errstr != NULL && strstr(errstr, want) != NULL);
	if (errstr == NULL || strstr(errstr, want) == NULL)
		fprintf(stderr, "got \"%s\", want \"%s\"\n", errstr, want);
}

static void
test_good(void)
{
	/* What numpy.save writes (padded with spaces to 64, '\n'). */
	expect_ok(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (2, 3, 4), }            \n", 24, 2, 3, 4, 0);
	expect_ok(1, "{'descr': '|b1', 'fortran_order': False, "
	    "'shape': (1, 1, 5), }            \n", 5, 1, 1, 5, 1);
	expect_ok(2, "{'descr': '<u1', 'fortran_order': False, "
	    "'shape': (3, 2, 1)}\n", 6, 3, 2, 1, 0);
	/* Keys in another order, double quotes, no trailing comma. */
	expect_ok(1, "{\"shape\":(2,2,2),\"fortran_order\":False,"
	    "\"descr\":\"u1\"}", 8, 2, 2, 2, 0);
}

static void
test_bad(void)
{
	size_t n;

	memcpy(file, "PK\x03\x04", 4);
	expect_bad(4, "not a .npy file");
	n = make(1, "{'descr': '<f4', 'fortran_order': False, "
	    "'shape': (2, 2, 2), }\n", 32, 0);
	expect_bad(n, "not uint8 or bool");
	n = make(1, "{'descr': '|u1', 'fortran_order': True, "
	    "'shape': (2, 2, 2), }\n", 8, 0);
	expect_bad(n, "Fortran order");
	n = make(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (4, 2), }\n", 8, 0);
	expect_bad(n, "not 3-D");
	n = make(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (2, 2, 2), }\n", 7, 0);
	expect_bad(n, "fewer voxels");
	n = make(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (2, 2, 2), }\n", 9, 0);
	expect_bad(n, "more bytes");
	n = make(1, "{'descr': '|b1', 'fortran_order': False, "
	    "'shape': (2, 2, 2), }\n", 8, 2);
	expect_bad(n, "other than 0 or 1");
	n = make(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (0, 2, 2), }\n", 0, 0);
	expect_bad(n, "0 or over");
	n = make(1, "{'descr': '|u1', 'shape': (2, 2, 2), }\n", 8, 0);
	expect_bad(n, "not the dict");
	n = make(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (2, 2, 2), 'extra': 1}\n", 8, 0);
	expect_bad(n, "not the dict");
	n = make(3, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (2, 2, 2), }\n", 8, 0);
	file[6] = 9;
	expect_bad(n, "version");
	/* A header longer than the file. */
	n = make(1, "{'descr': '|u1', 'fortran_order': False, "
	    "'shape': (2, 2, 2), }\n", 0, 0);
	expect_bad(n - 3, "cut short");
}

static CU_TestInfo cases[] = {
	{ "what numpy writes", test_good },
	{ "what a mask cannot be", test_bad },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("npy", cases);
}
