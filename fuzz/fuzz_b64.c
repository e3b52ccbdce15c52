/*
 * fuzz_b64.c: b64_decode() on arbitrary text.  The decoder accepts only
 * the canonical spelling, so whatever it accepts must encode back to the
 * very same characters, and must fit a buffer of exactly its length.
 */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data, *errstr;
	uint8_t *out, *tight;
	size_t cap, len, len2;
	char *again;

	cap = b64_decoded_maxlen(size);
	/* Exactly cap bytes, so that ASan sees a write past them. */
	if ((out = malloc(cap > 0 ? cap : 1)) == NULL)
		return 0;
	errstr = NULL;
	if (b64_decode(out, cap, src, size, &len, &errstr) == -1) {
		if (errstr == NULL)
			abort();
		free(out);
		return 0;
	}
	if (len > cap)
		abort();

	/* Accepted: the encoding of the bytes is the input itself. */
	if ((again = malloc(b64_encoded_len(len) + 1)) == NULL)
		abort();
	if (b64_encode(again, out, len) != size ||
	    memcmp(again, src, size) != 0)
		abort();
	free(again);

	/* A buffer of exactly len bytes is enough; one less is refused. */
	if ((tight = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	if (b64_decode(tight, len, src, size, &len2, &errstr) == -1 ||
	    len2 != len || memcmp(tight, out, len) != 0)
		abort();
	if (len > 0 && b64_decode(tight, len - 1, src, size, &len2,
	    &errstr) != -1)
		abort();
	free(tight);
	free(out);
	return 0;
}
