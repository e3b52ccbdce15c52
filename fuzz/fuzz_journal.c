/*
 * fuzz_journal.c: the journal's record decoder, which reads the state
 * directory's file back after a crash.  Whatever it accepts must encode
 * again, and that line must decode to a record that encodes to the same
 * line: nothing read from disk is half-understood.  An input whose first
 * byte is odd is taken as the JSON part alone and given its right crc32,
 * so that the fuzzer reaches the record checks behind the checksum.
 */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <zlib.h>

#include "fuzz.h"
#include "journal.h"

#define LINE_MAX_LEN	(64 * 1024)

/* Encodes r into buf; returns the length without the newline. */
static size_t
encode(const struct journal_rec *r, char *buf)
{
	size_t n;

	n = journal_encode(r, buf, LINE_MAX_LEN);
	if (n < 2 || buf[n - 1] != '\n')
		abort();
	return n - 1;
}

/* The JSON text in data, then a tab and its crc32, as the journal writes. */
static size_t
with_crc(const uint8_t *data, size_t size, char *line)
{
	if (size > LINE_MAX_LEN - 16)
		size = LINE_MAX_LEN - 16;
	memcpy(line, data, size);
	return size + (size_t)snprintf(line + size, 16, "\t%08lx",
	    crc32(0L, data, (uInt)size));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char input[LINE_MAX_LEN], first[LINE_MAX_LEN],
	    second[LINE_MAX_LEN];
	struct journal_rec r;
	const char *errstr = NULL;
	const char *line = (const char *)data;
	size_t n1, n2;

	if (size > 0 && (data[0] & 1)) {
		size = with_crc(data + 1, size - 1, input);
		line = input;
	}
	memset(&r, 0, sizeof(r));
	if (journal_decode(line, size, &r, &errstr) == -1) {
		if (errstr == NULL)
			abort();
		return 0;
	}
	n1 = encode(&r, first);
	memset(&r, 0, sizeof(r));
	if (journal_decode(first, n1, &r, &errstr) == -1)
		abort();
	n2 = encode(&r, second);
	if (n1 != n2 || memcmp(first, second, n1) != 0)
		abort();
	return 0;
}
