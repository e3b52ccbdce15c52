/*
 * b64.c: base64 for preview payloads and unpadded base64url for tokens.
 * Decoding is strict, so that each byte string has exactly one accepted
 * spelling and nothing from a peer is silently repaired.
 */
#include <stddef.h>
#include <stdint.h>

#include "b64.h"

/* Decoder table entries that are not a 6-bit value. */
#define B64_BAD		0xff
#define B64_PAD		0xfe

static size_t	encode(char *, const uint8_t *, size_t, const char *, int);
static int	fail(const char **, const char *);
static int	quantum_error(const uint8_t *, size_t, const char **);
static int	decode_tail(uint8_t *, const uint8_t *, size_t,
		    const char **);

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * Standard alphabet only.  Written out rather than built at first use so
 * that concurrent decoders need no locking; '=' has its own entry so that
 * misplaced padding gets a better message than "invalid character".
 */
static const uint8_t b64_dec[256] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0x3e, 0xff, 0xff, 0xff, 0x3f,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff,
	0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
	0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
	0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
	0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

size_t
b64_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 != 0 ? 4 : 0);
}

size_t
b64_decoded_maxlen(size_t n)
{
	return n / 4 * 3;
}

size_t
b64_decoded_len(const char *s, size_t n)
{
	size_t	 pad = 0;

	if (n >= 4 && s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	return n / 4 * 3 - pad;
}

size_t
b64url_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 != 0 ? n % 3 + 1 : 0);
}

size_t
b64_encode(char *dst, const uint8_t *src, size_t n)
{
	return encode(dst, src, n, b64_std, 1);
}

size_t
b64url_encode(char *dst, const uint8_t *src, size_t n)
{
	return encode(dst, src, n, b64_url, 0);
}

static size_t
encode(char *dst, const uint8_t *src, size_t n, const char *abc, int pad)
{
	size_t		 i, o, rem;
	uint32_t	 v;

	for (i = 0, o = 0; n - i >= 3; i += 3, o += 4) {
		v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 |
		    src[i + 2];
		dst[o] = abc[v >> 18];
		dst[o + 1] = abc[v >> 12 & 0x3f];
		dst[o + 2] = abc[v >> 6 & 0x3f];
		dst[o + 3] = abc[v & 0x3f];
	}
	rem = n - i;
	if (rem > 0) {
		v = (uint32_t)src[i] << 16;
		if (rem == 2)
			v |= (uint32_t)src[i + 1] << 8;
		dst[o++] = abc[v >> 18];
		dst[o++] = abc[v >> 12 & 0x3f];
		if (rem == 2)
			dst[o++] = abc[v >> 6 & 0x3f];
		else if (pad)
			dst[o++] = '=';
		if (pad)
			dst[o++] = '=';
	}
	dst[o] = '\0';
	return o;
}

static int
fail(const char **errstr, const char *msg)
{
	if (errstr != NULL)
		*errstr = msg;
	return -1;
}

/* Names the first character of s[0..n) that is not a 6-bit value. */
static int
quantum_error(const uint8_t *s, size_t n, const char **errstr)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (b64_dec[s[i]] == B64_PAD)
			return fail(errstr, "base64: bad padding");
		if (b64_dec[s[i]] == B64_BAD)
			return fail(errstr, "base64: invalid character");
	}
	/* Not reached: the caller saw a value above 63. */
	return fail(errstr, "base64: invalid character");
}

/*
 * The last quantum when it ends in pad padding characters.  The bits
 * below the last data byte must be zero, or two spellings would decode
 * to the same bytes.
 */
static int
decode_tail(uint8_t *dst, const uint8_t *s, size_t pad, const char **errstr)
{
	uint8_t	 a, b, c;

	a = b64_dec[s[0]];
	b = b64_dec[s[1]];
	c = pad == 1 ? b64_dec[s[2]] : 0;
	if ((a | b | c) & 0xc0)
		return quantum_error(s, 4 - pad, errstr);
	if (pad == 2 && (b & 0x0f) != 0)
		return fail(errstr, "base64: non-zero padding bits");
	if (pad == 1 && (c & 0x03) != 0)
		return fail(errstr, "base64: non-zero padding bits");
	dst[0] = (uint8_t)(a << 2 | b >> 4);
	if (pad == 1)
		dst[1] = (uint8_t)(b << 4 | c >> 2);
	return 0;
}

int
b64_decode(uint8_t *dst, size_t dstcap, const char *src, size_t n,
    size_t *outlen, const char **errstr)
{
	const uint8_t	*s = (const uint8_t *)src;
	size_t		 pad, len, full, i, o;
	uint8_t		 a, b, c, d;

	if (n % 4 != 0)
		return fail(errstr, "base64: length not a multiple of 4");
	pad = 0;
	if (n > 0 && s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	len = n / 4 * 3 - pad;
	if (len > dstcap)
		return fail(errstr, "base64: output buffer too small");

	/* Any '=' left in the full quanta is misplaced padding. */
	full = pad != 0 ? n - 4 : n;
	for (i = 0, o = 0; i < full; i += 4, o += 3) {
		a = b64_dec[s[i]];
		b = b64_dec[s[i + 1]];
		c = b64_dec[s[i + 2]];
		d = b64_dec[s[i + 3]];
		if ((a | b | c | d) & 0xc0)
			return quantum_error(s + i, 4, errstr);
		dst[o] = (uint8_t)(a << 2 | b >> 4);
		dst[o + 1] = (uint8_t)(b << 4 | c >> 2);
		dst[o + 2] = (uint8_t)(c << 6 | d);
	}
	if (pad != 0 && decode_tail(dst + o, s + full, pad, errstr) == -1)
		return -1;
	*outlen = len;
	return 0;
}
