/*
 * id.c: job ids and job tokens.  Ids name jobs and may be guessed at no
 * cost; tokens authorise, so they are compared without leaking timing.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "b64.h"
#include "id.h"

#define ID_JOB_BYTES	16	/* of randomness, at most, in an id */
#define ID_TOKEN_BYTES	32

static int	fill_random(uint8_t *, size_t);
static int	url_value(unsigned char);

/*
 * getrandom(2) may be interrupted before the pool is ready and, past 256
 * bytes, return short; neither is an error.
 */
static int
fill_random(uint8_t *buf, size_t n)
{
	ssize_t	 r;

	while (n > 0) {
		r = getrandom(buf, n, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

static const char	 hex[] = "0123456789abcdef";

int
id_hex_new(char *out, size_t len)
{
	uint8_t	 raw[ID_JOB_BYTES];
	size_t	 i;

	if (len > 2 * sizeof(raw)) {
		errno = EINVAL;
		return -1;
	}
	if (fill_random(raw, (len + 1) / 2) == -1)
		return -1;
	for (i = 0; i < len; i++)
		out[i] = hex[i % 2 == 0 ? raw[i / 2] >> 4 : raw[i / 2] & 0x0f];
	out[len] = '\0';
	return 0;
}

int
id_job_new(char *out, unsigned cell, unsigned shard)
{
	if (cell > ID_PLACE_MAX || shard > ID_PLACE_MAX) {
		errno = EINVAL;
		return -1;
	}
	out[0] = hex[cell >> 4];
	out[1] = hex[cell & 0x0f];
	out[2] = hex[shard >> 4];
	out[3] = hex[shard & 0x0f];
	return id_hex_new(out + 4, ID_JOB_LEN - 4);
}

/* The value of a lowercase hex digit. */
static unsigned
hex_value(char c)
{
	return c >= 'a' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - '0');
}

void
id_job_place(const char *id, unsigned *cell, unsigned *shard)
{
	*cell = hex_value(id[0]) << 4 | hex_value(id[1]);
	*shard = hex_value(id[2]) << 4 | hex_value(id[3]);
}

int
id_token_new(char *out)
{
	uint8_t	 raw[ID_TOKEN_BYTES];

	if (fill_random(raw, sizeof(raw)) == -1)
		return -1;
	b64url_encode(out, raw, sizeof(raw));
	/* The token lives on in out; its raw bytes need not stay here too. */
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

int
id_job_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len != ID_JOB_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* The 6-bit value of a base64url character, or -1. */
static int
url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * 256 bits fill 42 characters and 4 bits of the 43rd, whose 2 low bits
 * must then be zero: any other last character is a second spelling.
 */
int
id_token_valid(const char *s, size_t len)
{
	size_t	 i;
	int	 v = -1;

	if (len != ID_TOKEN_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if ((v = url_value((unsigned char)s[i])) == -1)
			return 0;
	}
	return (v & 0x03) == 0;
}

/*
 * The length is not secret, so a wrong one may return at once; the bytes
 * are all compared whatever the first difference, and the accumulator is
 * volatile so the compiler cannot turn the loop into an early exit.
 */
int
id_token_equal(const char *expected, const char *presented, size_t len)
{
	volatile unsigned char	 diff = 0;
	size_t			 i;

	if (len != ID_TOKEN_LEN)
		return 0;
	for (i = 0; i < ID_TOKEN_LEN; i++)
		diff |= (unsigned char)expected[i] ^
		    (unsigned char)presented[i];
	return diff == 0;
}

int
id_token_hash(const char *token, size_t len,
    uint8_t hash[ID_TOKEN_HASH_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(token, len, hash, &n, EVP_sha256(), NULL) != 1 ||
	    n != ID_TOKEN_HASH_LEN)
		return -1;
	return 0;
}

/*
 * What was presented is hashed whatever it is, so that the time taken
 * says nothing of the token; the digests are compared in full.
 */
int
id_token_matches(const uint8_t hash[ID_TOKEN_HASH_LEN], const char *presented,
    size_t len)
{
	uint8_t h[ID_TOKEN_HASH_LEN];
	int same;

	if (id_token_hash(presented, len, h) == -1)
		return 0;
	same = CRYPTO_memcmp(h, hash, ID_TOKEN_HASH_LEN) == 0;
	explicit_bzero(h, sizeof(h));
	return same && len == ID_TOKEN_LEN;
}

int
id_bearer(const char *value, const char **tok, size_t *len)
{
	size_t n;

	if (strncasecmp(value, "Bearer ", 7) != 0)
		return -1;
	for (value += 7; *value == ' '; value++)
		;
	n = strcspn(value, " ");
	if (n == 0 || value[n + strspn(value + n, " ")] != '\0')
		return -1;
	*tok = value;
	*len = n;
	return 0;
}
