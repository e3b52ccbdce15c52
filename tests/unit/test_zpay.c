/*
 * test_zpay.c: zlib payloads: round trips of masks and of incompressible
 * bytes, and the streams the bounded decompressor must refuse (corrupt,
 * truncated, too long, too short, trailing bytes, a preset dictionary),
 * each with its reason and without writing past the announced length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "unit.h"
#include "zpay.h"

#define MASK_LEN	(64 * 64 * 64)
#define BOMB_LEN	(4u << 20)
#define CANARY		0xa5

static const char err_corrupt[] = "zlib stream: corrupt";
static const char err_dict[] = "zlib stream: needs a preset dictionary";
static const char err_over[] =
    "zlib stream: inflates to more than the announced length";
static const char err_under[] =
    "zlib stream: inflates to less than the announced length";
static const char err_truncated[] = "zlib stream: truncated";
static const char err_trailing[] = "zlib stream: trailing bytes after its end";

/* A ball of 1 in a cube of 0, as the generator's masks look. */
static void
fill_mask(uint8_t *p, int side)
{
	int z, y, x, c = side / 2, r2 = side * side / 9;

	for (z = 0; z < side; z++)
		for (y = 0; y < side; y++)
			for (x = 0; x < side; x++)
				*p++ = (z - c) * (z - c) + (y - c) * (y - c) +
				    (x - c) * (x - c) < r2;
}

static void
fill_noise(uint8_t *p, size_t n)
{
	uint32_t s = 12345;

	while (n-- > 0) {
		s = s * 1103515245u + 12345u;
		*p++ = (uint8_t)(s >> 16);
	}
}

/* Compresses n bytes of src into a new buffer; *zlen its length. */
static uint8_t *
compress_new(const uint8_t *src, size_t n, size_t *zlen)
{
	const char *errstr = NULL;
	uint8_t *z;

	z = malloc(zpay_bound(n));
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL_FATAL(zpay_compress(z, zpay_bound(n), src, n, zlen,
	    &errstr), 0);
	CU_ASSERT_PTR_NULL(errstr);
	CU_ASSERT(*zlen <= zpay_bound(n));
	return z;
}

/* 1 when decompressing gives src back, exactly. */
static int
round_trip(const uint8_t *src, size_t n)
{
	const char *errstr = NULL;
	uint8_t *z, *out;
	size_t zlen;
	int ok;

	z = compress_new(src, n, &zlen);
	out = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	ok = zpay_decompress(out, n, z, zlen, &errstr) == 0 &&
	    memcmp(out, src, n) == 0;
	free(out);
	free(z);
	return ok;
}

static void
test_round_trip(void)
{
	uint8_t *p;

	p = malloc(MASK_LEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fill_mask(p, 64);
	CU_ASSERT(round_trip(p, MASK_LEN));
	fill_noise(p, MASK_LEN);
	CU_ASSERT(round_trip(p, MASK_LEN));
	CU_ASSERT(round_trip(p, 1));
	CU_ASSERT(round_trip(p, 0));
	free(p);
}

/* A mask of 1 and 0 shrinks a lot; noise does not grow past the bound. */
static void
test_sizes(void)
{
	uint8_t *p, *z;
	size_t zlen;

	p = malloc(MASK_LEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fill_mask(p, 64);
	z = compress_new(p, MASK_LEN, &zlen);
	CU_ASSERT(zlen < MASK_LEN / 20);
	free(z);
	fill_noise(p, MASK_LEN);
	z = compress_new(p, MASK_LEN, &zlen);
	CU_ASSERT(zlen > MASK_LEN);
	free(z);
	free(p);
}

static void
test_compress_no_room(void)
{
	const char *errstr = NULL;
	uint8_t src[256], dst[16];
	size_t zlen = 0;

	fill_noise(src, sizeof(src));
	CU_ASSERT_EQUAL(zpay_compress(dst, sizeof(dst), src, sizeof(src),
	    &zlen, &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL(errstr);
}

/* Decompresses into want bytes of a guarded buffer; returns the result. */
static int
guarded(const uint8_t *z, size_t zlen, size_t want, const char **errstr)
{
	uint8_t *out;
	size_t i;
	int rc, intact = 1;

	out = malloc(want + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	memset(out, CANARY, want + 64);
	*errstr = NULL;
	rc = zpay_decompress(out, want, z, zlen, errstr);
	for (i = want; i < want + 64; i++)
		intact &= out[i] == CANARY;
	CU_ASSERT(intact);
	free(out);
	return rc;
}

static void
test_rejects(void)
{
	const char *errstr;
	uint8_t src[4096], *z, *bad;
	size_t zlen;

	fill_mask(src, 16);
	z = compress_new(src, sizeof(src), &zlen);
	bad = malloc(zlen + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);

	CU_ASSERT_EQUAL(guarded(z, zlen, sizeof(src), &errstr), 0);
	CU_ASSERT_EQUAL(guarded(z, zlen, sizeof(src) - 1, &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_over);
	CU_ASSERT_EQUAL(guarded(z, zlen, sizeof(src) + 1, &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_under);
	CU_ASSERT_EQUAL(guarded(z, zlen - 1, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_truncated);
	CU_ASSERT_EQUAL(guarded(z, zlen / 2, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_truncated);
	CU_ASSERT_EQUAL(guarded(z, 0, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_truncated);

	memcpy(bad, z, zlen);
	bad[zlen] = 0;
	CU_ASSERT_EQUAL(guarded(bad, zlen + 1, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_trailing);

	/* A header that is not zlib's, and a wrong Adler-32 at the end. */
	bad[0] ^= 0x01;
	CU_ASSERT_EQUAL(guarded(bad, zlen, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_corrupt);
	memcpy(bad, z, zlen);
	bad[zlen - 1] ^= 0x01;
	CU_ASSERT_EQUAL(guarded(bad, zlen, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_corrupt);
	/* Raw deflate without the zlib wrapper (RFC 1951 alone). */
	CU_ASSERT_EQUAL(guarded(z + 2, zlen - 6, sizeof(src), &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL(errstr);

	free(bad);
	free(z);
}

/* 4 MiB of zeros in a few kB must not inflate past a 16^3 preview. */
static void
test_bomb(void)
{
	const char *errstr;
	uint8_t *src, *z;
	size_t zlen;

	src = calloc(1, BOMB_LEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	z = compress_new(src, BOMB_LEN, &zlen);
	CU_ASSERT(zlen < BOMB_LEN / 64);
	CU_ASSERT_EQUAL(guarded(z, zlen, 4096, &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_over);
	CU_ASSERT_EQUAL(guarded(z, zlen, BOMB_LEN, &errstr), 0);
	free(z);
	free(src);
}

static void
test_dictionary(void)
{
	static const uint8_t dict[] = "0123456789";
	const char *errstr;
	uint8_t src[64], z[256];
	z_stream zs;

	memset(src, 1, sizeof(src));
	memset(&zs, 0, sizeof(zs));
	CU_ASSERT_EQUAL_FATAL(deflateInit(&zs, Z_DEFAULT_COMPRESSION), Z_OK);
	CU_ASSERT_EQUAL(deflateSetDictionary(&zs, dict, sizeof(dict)), Z_OK);
	zs.next_in = src;
	zs.avail_in = sizeof(src);
	zs.next_out = z;
	zs.avail_out = sizeof(z);
	CU_ASSERT_EQUAL(deflate(&zs, Z_FINISH), Z_STREAM_END);
	CU_ASSERT_EQUAL(guarded(z, zs.total_out, sizeof(src), &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_dict);
	deflateEnd(&zs);
}

static CU_TestInfo cases[] = {
	{ "round trips", test_round_trip },
	{ "masks shrink, noise stays bounded", test_sizes },
	{ "compression without room fails", test_compress_no_room },
	{ "rejected streams", test_rejects },
	{ "a zlib bomb stops at the length", test_bomb },
	{ "a preset dictionary is refused", test_dictionary },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("zpay", cases);
}
