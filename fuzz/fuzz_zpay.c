/*
 * fuzz_zpay.c: zpay_decompress() on arbitrary streams.  The first two
 * bytes of the input are the announced length, the rest the stream.
 * Whatever is accepted must be exactly that long, and compressing it
 * again must give a stream that decompresses back to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "zpay.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *errstr;
	uint8_t *out, *z, *again;
	size_t want, zlen;

	if (size < 2)
		return 0;
	want = (size_t)data[0] << 8 | data[1];
	/* Exactly want bytes, so that ASan sees a write past them. */
	if ((out = malloc(want > 0 ? want : 1)) == NULL)
		return 0;
	errstr = NULL;
	if (zpay_decompress(out, want, data + 2, size - 2, &errstr) == -1) {
		if (errstr == NULL)
			abort();
		free(out);
		return 0;
	}
	z = malloc(zpay_bound(want));
	again = malloc(want > 0 ? want : 1);
	if (z == NULL || again == NULL ||
	    zpay_compress(z, zpay_bound(want), out, want, &zlen,
	    &errstr) == -1 ||
	    zpay_decompress(again, want, z, zlen, &errstr) == -1 ||
	    memcmp(out, again, want) != 0)
		abort();
	/* One byte less room is refused: the stream holds want bytes. */
	if (want > 0 && zpay_decompress(again, want - 1, data + 2, size - 2,
	    &errstr) != -1)
		abort();
	free(again);
	free(z);
	free(out);
	return 0;
}
