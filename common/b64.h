/*
 * b64.h: base64 (RFC 4648 section 4, padded) for preview payloads and
 * base64url without padding (section 5) for tokens.  Whole buffers only.
 */
#ifndef MS_B64_H
#define MS_B64_H

#include <stddef.h>
#include <stdint.h>

/* Characters b64_encode() writes for n input bytes, without the NUL. */
size_t	b64_encoded_len(size_t n);

/* Upper bound of bytes b64_decode() can produce from n characters. */
size_t	b64_decoded_maxlen(size_t n);

/*
 * The bytes n characters of padded base64 stand for, if well formed:
 * only the trailing '=' are looked at, b64_decode() checks the rest.
 */
size_t	b64_decoded_len(const char *s, size_t n);

/*
 * Encodes n bytes of src into dst, which must hold b64_encoded_len(n) + 1
 * bytes; the result is NUL-terminated.  Returns the length written.
 */
size_t	b64_encode(char *dst, const uint8_t *src, size_t n);

/*
 * Decodes n characters of padded base64 into dst, which holds dstcap
 * bytes.  Rejects characters outside the alphabet, a length that is not
 * a multiple of 4, misplaced or excess padding, non-zero pad bits, and
 * output that would not fit.  Returns 0 and sets *outlen, or -1 and sets
 * *errstr to a static message.
 */
int	b64_decode(uint8_t *dst, size_t dstcap, const char *src, size_t n,
	    size_t *outlen, const char **errstr);

/* Length of the unpadded base64url form of n bytes, without the NUL. */
size_t	b64url_encoded_len(size_t n);

/* Unpadded base64url of n bytes into dst (b64url_encoded_len(n) + 1). */
size_t	b64url_encode(char *dst, const uint8_t *src, size_t n);

#endif
