/*
 * encode.c: the encode benchmark.  For generated previews of a few sizes
 * it times memcpy, base64 (common/b64.c), zlib (levels 1 and 6, with a
 * kept stream and one-shot) + base64, and the whole preview message in
 * both encodings as the streamer writes it (common/msg.c), and prints
 * GB/s of raw preview bytes and the bytes each sends per preview.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "b64.h"
#include "gen.h"
#include "msg.h"
#include "now.h"

#define MAX_SIZES	8

struct bufs {
	uint8_t		*raw;		/* the preview, n bytes */
	uint8_t		*copy;		/* memcpy target, n bytes */
	uint8_t		*z;		/* compressBound(n) bytes */
	char		*text;		/* base64 of the larger of the two */
	size_t		 n;
	uint32_t	 shape[3];
};

/* One timed operation: raw bytes in, bytes out per preview. */
typedef size_t	(*op_fn)(struct bufs *);

struct result {
	const char	*name;
	double		 gbps;		/* raw preview bytes per second / 1e9 */
	size_t		 out_bytes;
	double		 us_per_op;
};

static double	min_time = 0.5;		/* seconds per measurement */
static volatile uint8_t sink;		/* keeps results observed */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: encode [--quick] [--min-time S] "
	    "[--sizes N,N,...]\n"
	    "  each size N is an N x N x N preview; default 16,64,128\n");
	exit(64);
}

static size_t
op_memcpy(struct bufs *b)
{
	memcpy(b->copy, b->raw, b->n);
	sink ^= b->copy[b->n / 2];
	return b->n;
}

static size_t
op_base64(struct bufs *b)
{
	size_t len = b64_encode(b->text, b->raw, b->n);

	sink ^= (uint8_t)b->text[len / 2];
	return len;
}

/* zlib's one-shot compress2(): a fresh deflate state for each preview. */
static size_t
oneshot_base64(struct bufs *b, int level)
{
	uLongf zlen = compressBound((uLong)b->n);
	size_t len;

	if (compress2(b->z, &zlen, b->raw, (uLong)b->n, level) != Z_OK) {
		fprintf(stderr, "encode: compress2 failed\n");
		exit(1);
	}
	len = b64_encode(b->text, b->z, zlen);
	sink ^= (uint8_t)b->text[len / 2];
	return len;
}

/* One deflate state per level kept and reset: the cheap way per preview. */
static size_t
reused_base64(struct bufs *b, int level)
{
	static z_stream zs[10];
	static int ready[10];
	z_stream *z = &zs[level];
	size_t len;

	if (!ready[level]) {
		if (deflateInit(z, level) != Z_OK) {
			fprintf(stderr, "encode: deflateInit failed\n");
			exit(1);
		}
		ready[level] = 1;
	} else
		deflateReset(z);
	z->next_in = b->raw;
	z->avail_in = (uInt)b->n;
	z->next_out = b->z;
	z->avail_out = (uInt)compressBound((uLong)b->n);
	if (deflate(z, Z_FINISH) != Z_STREAM_END) {
		fprintf(stderr, "encode: deflate failed\n");
		exit(1);
	}
	len = b64_encode(b->text, b->z, z->total_out);
	sink ^= (uint8_t)b->text[len / 2];
	return len;
}

static size_t
op_deflate1(struct bufs *b)
{
	return reused_base64(b, 1);
}

static size_t
op_deflate6(struct bufs *b)
{
	return reused_base64(b, 6);
}

static size_t
op_compress2_1(struct bufs *b)
{
	return oneshot_base64(b, 1);
}

/*
 * The whole preview message as the streamer encodes it for its ring
 * (msg_encode_room(), the direct writer, with room for the frame header
 * before and the control channel's newline after).
 */
static size_t
message(struct bufs *b, enum msg_encoding enc)
{
	const char *errstr;
	struct msg m;
	size_t len;
	char *block;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PREVIEW;
	memcpy(m.job_id, "0123456789abcdef0123456789abcdef", ID_JOB_LEN);
	m.seq = 1234;
	m.ts_us = now_wall_us();
	m.scale = 1;
	memcpy(m.shape, b->shape, sizeof(m.shape));
	m.encoding = enc;
	m.payload = b->raw;
	m.payload_len = b->n;
	if ((block = msg_encode_room(&m, 16, 1, &len, &errstr)) == NULL) {
		fprintf(stderr, "encode: msg_encode_room: %s\n", errstr);
		exit(1);
	}
	sink ^= (uint8_t)block[16 + len / 2];
	free(block);
	return len;
}

static size_t
op_message(struct bufs *b)
{
	return message(b, MSG_ENC_BASE64);
}

static size_t
op_message_deflate(struct bufs *b)
{
	return message(b, MSG_ENC_DEFLATE);
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs op in doubling batches until one batch lasts min_time. */
static void
measure(struct bufs *b, const char *name, op_fn op, struct result *r)
{
	double t0, el;
	long i, iters = 1;

	r->name = name;
	r->out_bytes = op(b);		/* warm up caches and zlib */
	for (;;) {
		t0 = seconds();
		for (i = 0; i < iters; i++)
			op(b);
		el = seconds() - t0;
		if (el >= min_time)
			break;
		/* Aim a little past min_time from what one batch took. */
		if (el < min_time / 16)
			iters *= 16;
		else
			iters = (long)(iters * (min_time * 1.2 / el)) + 1;
	}
	r->us_per_op = el * 1e6 / iters;
	r->gbps = (double)b->n * iters / el / 1e9;
}

static int
bufs_init(struct bufs *b, uint32_t side)
{
	struct gen_params gp;
	size_t zcap;

	memset(b, 0, sizeof(*b));
	b->shape[0] = b->shape[1] = b->shape[2] = side;
	b->n = (size_t)side * side * side;
	zcap = compressBound((uLong)b->n);
	b->raw = malloc(b->n);
	b->copy = malloc(b->n);
	b->z = malloc(zcap);
	b->text = malloc(b64_encoded_len(zcap > b->n ? zcap : b->n) + 1);
	if (b->raw == NULL || b->copy == NULL || b->z == NULL ||
	    b->text == NULL)
		return -1;
	/* Halfway through a job: blobs and some speckle, as streamed. */
	gp.seed = 42;
	memcpy(gp.shape, b->shape, sizeof(gp.shape));
	gp.continuous = 0;
	gp.labels = 1;
	gen_mask(&gp, 30, 50, b->raw);
	return 0;
}

static void
bufs_free(struct bufs *b)
{
	free(b->raw);
	free(b->copy);
	free(b->z);
	free(b->text);
}

static void
report(const struct bufs *b, const struct result *r, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		printf("%4ux%ux%-4u %-18s %9.3f %10.1f %10zu\n", b->shape[0],
		    b->shape[1], b->shape[2], r[i].name, r[i].gbps,
		    r[i].us_per_op, r[i].out_bytes);
	printf("{\"scenario\":\"encode\",\"target\":\"maskstream\","
	    "\"preview\":[%u,%u,%u],\"raw_bytes\":%zu,\"min_time_s\":%.2f",
	    b->shape[0], b->shape[1], b->shape[2], b->n, min_time);
	for (i = 0; i < nr; i++)
		printf(",\"%s\":{\"gbps\":%.4f,\"us\":%.2f,\"bytes\":%zu}",
		    r[i].name, r[i].gbps, r[i].us_per_op, r[i].out_bytes);
	printf("}\n");
	fflush(stdout);
}

static int
parse_sizes(const char *s, uint32_t *sizes)
{
	char *end;
	long v;
	int n = 0;

	for (;;) {
		errno = 0;
		v = strtol(s, &end, 10);
		/* 161^3 is the largest cube within a preview's 4 MiB. */
		if (end == s || errno != 0 || v < 1 || v > 161 ||
		    n == MAX_SIZES)
			return -1;
		sizes[n++] = (uint32_t)v;
		if (*end == '\0')
			return n;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		op_fn		 fn;
	} ops[] = {
		{ "memcpy", op_memcpy },
		{ "base64", op_base64 },
		{ "deflate1_base64", op_deflate1 },
		{ "deflate6_base64", op_deflate6 },
		{ "compress2_1_base64", op_compress2_1 },
		{ "message_base64", op_message },
		{ "message_deflate", op_message_deflate },
	};
	uint32_t sizes[MAX_SIZES] = { 16, 64, 128 };
	struct result r[sizeof(ops) / sizeof(ops[0])];
	struct bufs b;
	char *end;
	int i, j, nsizes = 3;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			min_time = 0.1;
		else if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) {
			min_time = strtod(argv[++i], &end);
			if (*end != '\0' || !(min_time > 0 && min_time <= 60))
				usage();
		} else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
			if ((nsizes = parse_sizes(argv[++i], sizes)) == -1)
				usage();
		} else
			usage();
	}
	printf("encode: GB/s of raw preview bytes (uint8 masks of "
	    "ws-streamer/gen.c); bytes: what one preview becomes\n");
	printf("deflateN: zlib level N (6 is Z_DEFAULT_COMPRESSION) on a "
	    "kept, reset stream, then base64;\ncompress2_1: level 1 with "
	    "zlib's one-shot compress2(); message_*: the whole JSON preview "
	    "as the\nstreamer writes it (msg_encode_room)\n");
	printf("%-12s %-18s %9s %10s %10s\n", "preview", "operation", "GB/s",
	    "us/preview", "bytes");
	for (i = 0; i < nsizes; i++) {
		if (bufs_init(&b, sizes[i]) == -1) {
			fprintf(stderr, "encode: out of memory\n");
			return 1;
		}
		for (j = 0; j < (int)(sizeof(ops) / sizeof(ops[0])); j++)
			measure(&b, ops[j].name, ops[j].fn, &r[j]);
		report(&b, r, j);
		bufs_free(&b);
	}
	return 0;
}
