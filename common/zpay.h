/*
 * zpay.h: zlib streams (RFC 1950) for preview payloads: compression for
 * the streamer, and a bounded decompression for what a peer sends, which
 * never produces more than the length the message announces.
 */
#ifndef MS_ZPAY_H
#define MS_ZPAY_H

#include <stddef.h>
#include <stdint.h>

/* The most bytes zpay_compress() writes for n input bytes. */
size_t	zpay_bound(size_t n);

/*
 * Compresses n bytes of src into dst, which holds cap bytes (at least
 * zpay_bound(n) is always enough).  Returns 0 and sets *outlen, or -1
 * and sets *errstr to a static message.
 */
int	zpay_compress(uint8_t *dst, size_t cap, const uint8_t *src, size_t n,
	    size_t *outlen, const char **errstr);

/*
 * Inflates the zlib stream of n bytes at src into exactly want bytes at
 * dst.  Rejects, with a static message in *errstr: a corrupt stream, one
 * that needs a preset dictionary, one that would inflate to more or
 * fewer than want bytes, a truncated one, and bytes after its end.
 * Returns 0 or -1; dst holds no more than want bytes either way.
 */
int	zpay_decompress(uint8_t *dst, size_t want, const uint8_t *src,
	    size_t n, const char **errstr);

#endif
