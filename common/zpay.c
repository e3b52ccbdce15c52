/*
 * zpay.c: preview payloads through zlib.  Masks are long runs of 0 and
 * 1, which the fastest level already shrinks well; the window and hash
 * are sized to the input, since zlib's defaults (some 270 kB) cost more
 * to map than a small preview costs to compress.  Decompression is one
 * inflate() call into a buffer of the announced size, so a hostile
 * stream costs at most that much memory.
 */
#include <limits.h>
#include <string.h>

#include <zlib.h>

#include "zpay.h"

#define ZPAY_LEVEL	Z_BEST_SPEED
#define ZPAY_WBITS_MIN	9	/* zlib's smallest window with its header */
#define ZPAY_WBITS_MAX	15
#define ZPAY_MEMLEVEL	8	/* zlib's default, for the largest window */

static const char err_nomem[] = "zlib stream: out of memory";
static const char err_toolong[] = "zlib stream: too long";
static const char err_corrupt[] = "zlib stream: corrupt";
static const char err_dict[] = "zlib stream: needs a preset dictionary";
static const char err_over[] =
    "zlib stream: inflates to more than the announced length";
static const char err_under[] =
    "zlib stream: inflates to less than the announced length";
static const char err_truncated[] = "zlib stream: truncated";
static const char err_trailing[] = "zlib stream: trailing bytes after its end";

size_t
zpay_bound(size_t n)
{
	return (size_t)compressBound((uLong)n);
}

/* The smallest window that holds n bytes, within zlib's limits. */
static int
window_bits(size_t n)
{
	int	 wb = ZPAY_WBITS_MIN;

	while (wb < ZPAY_WBITS_MAX && ((size_t)1 << wb) < n)
		wb++;
	return wb;
}

int
zpay_compress(uint8_t *dst, size_t cap, const uint8_t *src, size_t n,
    size_t *outlen, const char **errstr)
{
	z_stream zs;
	int	 wb, r;

	if (n > UINT_MAX || cap > UINT_MAX) {
		*errstr = err_toolong;
		return -1;
	}
	memset(&zs, 0, sizeof(zs));
	wb = window_bits(n);
	/* The hash shrinks with the window: memLevel 8 goes with 2^15. */
	if (deflateInit2(&zs, ZPAY_LEVEL, Z_DEFLATED, wb,
	    ZPAY_MEMLEVEL - (ZPAY_WBITS_MAX - wb), Z_DEFAULT_STRATEGY) != Z_OK) {
		*errstr = err_nomem;
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = (uInt)n;
	zs.next_out = dst;
	zs.avail_out = (uInt)cap;
	r = deflate(&zs, Z_FINISH);
	*outlen = (size_t)zs.total_out;
	deflateEnd(&zs);
	if (r != Z_STREAM_END) {
		*errstr = err_toolong;
		return -1;
	}
	return 0;
}

/* Why inflate() stopped short of the end of the stream. */
static const char *
inflate_error(int r, const z_stream *zs)
{
	switch (r) {
	case Z_NEED_DICT:
		return err_dict;
	case Z_MEM_ERROR:
		return err_nomem;
	case Z_OK:
	case Z_BUF_ERROR:
		/* Stopped for want of input, or with input left: of room. */
		return zs->avail_in == 0 ? err_truncated : err_over;
	default:
		return err_corrupt;
	}
}

int
zpay_decompress(uint8_t *dst, size_t want, const uint8_t *src, size_t n,
    const char **errstr)
{
	const char *why = NULL;
	z_stream zs;
	int	 r;

	if (n > UINT_MAX || want > UINT_MAX) {
		*errstr = err_toolong;
		return -1;
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK) {
		*errstr = err_nomem;
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = (uInt)n;
	zs.next_out = dst;
	zs.avail_out = (uInt)want;
	r = inflate(&zs, Z_FINISH);
	if (r != Z_STREAM_END)
		why = inflate_error(r, &zs);
	else if (zs.total_out != want)
		why = err_under;
	else if (zs.avail_in != 0)
		why = err_trailing;
	inflateEnd(&zs);
	if (why != NULL) {
		*errstr = why;
		return -1;
	}
	return 0;
}
