/*
 * fuzz_npy.c: maskstream-publish's reader of .npy files a user gives it.
 * What it accepts has a 3-D shape whose voxels are exactly the rest of
 * the file, inside it, and for bool all 0 or 1.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "npy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *errstr;
	struct npy n;
	size_t i;

	if (npy_parse(data, size, &n, &errstr) == -1)
		return 0;
	if (n.data_off > size || n.data_len != size - n.data_off ||
	    n.data_len != (size_t)n.shape[0] * n.shape[1] * n.shape[2])
		abort();
	for (i = 0; n.is_bool && i < n.data_len; i++)
		if (data[n.data_off + i] > 1)
			abort();
	return 0;
}
