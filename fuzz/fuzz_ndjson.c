/*
 * fuzz_ndjson.c: the control channel's line reader fed in chunks whose
 * sizes the input chooses, checked against a plain model of the framing
 * and against the memory bound the reader promises.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ndjson.h"

#define NSIZES_MAX	8
#define SLACK		16

static const size_t maxlines[] = { 0, 1, 2, 3, 16, 64, 255, 256 };

/* The model: where the next line of the stream starts. */
struct model {
	const uint8_t	*s;
	size_t		 len;
	size_t		 pos;
};

/*
 * The next line the reader must hand out, or NULL at the end of the
 * stream or at a line over maxline, which must fail the reader instead.
 */
static const uint8_t *
model_next(struct model *m, size_t maxline, size_t *len, int *toolong)
{
	const uint8_t *line = m->s + m->pos, *nl;
	size_t n;

	*toolong = 0;
	nl = memchr(line, '\n', m->len - m->pos);
	n = nl != NULL ? (size_t)(nl - line) : m->len - m->pos;
	if (n > maxline) {
		*toolong = 1;
		return NULL;
	}
	if (nl == NULL)
		return NULL;
	m->pos += n + 1;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	*len = n;
	return line;
}

/*
 * Byte 0 picks maxline, byte 1 the count n of chunk sizes that bytes
 * 2..n+1 give (each 1..511, used in turn); the rest is the stream.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndjson_reader r;
	struct model m;
	size_t maxline, sizes[NSIZES_MAX], nsizes, i, off, chunk, biggest;
	size_t len, wantlen;
	const uint8_t *want;
	char *line;
	int rc, toolong, failed = 0;

	if (size < 2)
		return 0;
	maxline = maxlines[data[0] % (sizeof(maxlines) / sizeof(maxlines[0]))];
	nsizes = data[1] % NSIZES_MAX + 1;
	if (size < 2 + nsizes)
		return 0;
	for (i = 0; i < nsizes; i++)
		sizes[i] = (size_t)data[2 + i] * 2 + 1;
	data += 2 + nsizes;
	size -= 2 + nsizes;

	if (ndjson_reader_init(&r, maxline) == -1)
		return 0;
	m.s = data;
	m.len = 0;
	m.pos = 0;
	biggest = 0;
	for (off = 0, i = 0; off < size && !failed; off += chunk, i++) {
		chunk = sizes[i % nsizes];
		if (chunk > size - off)
			chunk = size - off;
		if (chunk > biggest)
			biggest = chunk;
		m.len = off + chunk;
		if (ndjson_reader_feed(&r, data + off, chunk) == -1)
			failed = 1;
		while (!failed && (rc = ndjson_reader_next(&r, &line,
		    &len)) != 0) {
			if (rc == -1) {
				failed = 1;
				break;
			}
			if (len > maxline || memchr(line, '\n', len) != NULL ||
			    line[len] != '\0')
				abort();
			want = model_next(&m, maxline, &wantlen, &toolong);
			if (want == NULL || wantlen != len ||
			    memcmp(want, line, len) != 0)
				abort();
		}
		/* A line and a feed, and no more. */
		if (r.cap > maxline + biggest + SLACK &&
		    r.cap > 256 + SLACK)
			abort();
		/* Failed exactly when a line over maxline arrived. */
		want = model_next(&m, maxline, &wantlen, &toolong);
		if (want != NULL || toolong != failed)
			abort();
	}
	if (failed && (ndjson_reader_feed(&r, "x", 1) != -1 ||
	    ndjson_reader_next(&r, &line, &len) != -1))
		abort();
	ndjson_reader_free(&r);
	return 0;
}
