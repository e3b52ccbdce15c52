/*
 * test_b64.c: base64 and base64url against the RFC 4648 vectors, round
 * trips of every length up to 1 KiB, and the inputs the strict decoder
 * must refuse, each with the reason it gives.
 */
#include <stdint.h>
#include <string.h>

#include "b64.h"
#include "unit.h"

#define RT_MAX	1024

struct vector {
	const char	*raw;
	size_t		 rawlen;
	const char	*enc;
};

struct reject {
	const char	*enc;
	size_t		 len;
	const char	*err;
};

static const char err_char[] = "base64: invalid character";
static const char err_len[] = "base64: length not a multiple of 4";
static const char err_pad[] = "base64: bad padding";
static const char err_bits[] = "base64: non-zero padding bits";
static const char err_cap[] = "base64: output buffer too small";

/* RFC 4648 section 10, then bytes that reach '+' and '/'. */
static const struct vector std_vectors[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg==" },
	{ "fo", 2, "Zm8=" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg==" },
	{ "fooba", 5, "Zm9vYmE=" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\0", 1, "AA==" },
	{ "\0\0\0", 3, "AAAA" },
	{ "\xff", 1, "/w==" },
	{ "\xfb\xff", 2, "+/8=" },
	{ "\xfb\xff\xbf", 3, "+/+/" },
};

static const struct vector url_vectors[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg" },
	{ "fo", 2, "Zm8" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\xff", 1, "_w" },
	{ "\xfb\xff", 2, "-_8" },
	{ "\xfb\xff\xbf", 3, "-_-_" },
};

static const struct reject rejects[] = {
	{ "Zm 9", 4, err_char },
	{ "Zm-v", 4, err_char },
	{ "Zm_v", 4, err_char },
	{ "Zm9\n", 4, err_char },
	{ "\x80" "AAA", 4, err_char },
	{ "Zm9vY\x80==", 8, err_char },
	{ "Zm\0v", 4, err_char },
	{ "Zg\0=", 4, err_char },
	{ "Zg=", 3, err_len },
	{ "Z", 1, err_len },
	{ "Zm9vY", 5, err_len },
	{ "Zm9v\n", 5, err_len },
	{ "Zg=a", 4, err_pad },
	{ "=Zg=", 4, err_pad },
	{ "Z===", 4, err_pad },
	{ "====", 4, err_pad },
	{ "Zm=v", 4, err_pad },
	{ "Zg==Zg==", 8, err_pad },
	{ "Zm9v====", 8, err_pad },
	/* 'h' is 100001: the low 4 bits should have been 0, as in "Zg==". */
	{ "Zh==", 4, err_bits },
	{ "Zv==", 4, err_bits },
	/* '9' is 111101, '+' 111110: the low 2 bits should be 0 ("Zm8="). */
	{ "Zm9=", 4, err_bits },
	{ "Zm+=", 4, err_bits },
	{ "Zm9vYh==", 8, err_bits },
};

static uint32_t
xorshift32(uint32_t *state)
{
	uint32_t	 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void
test_lengths(void)
{
	CU_ASSERT_EQUAL(b64_encoded_len(0), 0);
	CU_ASSERT_EQUAL(b64_encoded_len(1), 4);
	CU_ASSERT_EQUAL(b64_encoded_len(2), 4);
	CU_ASSERT_EQUAL(b64_encoded_len(3), 4);
	CU_ASSERT_EQUAL(b64_encoded_len(4), 8);
	CU_ASSERT_EQUAL(b64_decoded_maxlen(0), 0);
	CU_ASSERT_EQUAL(b64_decoded_maxlen(4), 3);
	CU_ASSERT_EQUAL(b64_decoded_maxlen(8), 6);
	CU_ASSERT_EQUAL(b64url_encoded_len(0), 0);
	CU_ASSERT_EQUAL(b64url_encoded_len(1), 2);
	CU_ASSERT_EQUAL(b64url_encoded_len(2), 3);
	CU_ASSERT_EQUAL(b64url_encoded_len(3), 4);
	CU_ASSERT_EQUAL(b64url_encoded_len(4), 6);
	CU_ASSERT_EQUAL(b64url_encoded_len(32), 43);
}

static void
test_encode_vectors(void)
{
	const struct vector	*v;
	char			 out[16];
	size_t			 i, n;

	for (i = 0; i < sizeof(std_vectors) / sizeof(std_vectors[0]); i++) {
		v = &std_vectors[i];
		memset(out, 'X', sizeof(out));
		n = b64_encode(out, (const uint8_t *)v->raw, v->rawlen);
		CU_ASSERT_EQUAL(n, strlen(v->enc));
		CU_ASSERT_EQUAL(n, b64_encoded_len(v->rawlen));
		CU_ASSERT_STRING_EQUAL(out, v->enc);
	}
}

static void
test_decode_vectors(void)
{
	const struct vector	*v;
	const char		*errstr;
	uint8_t			 out[16];
	size_t			 i, n, outlen;

	for (i = 0; i < sizeof(std_vectors) / sizeof(std_vectors[0]); i++) {
		v = &std_vectors[i];
		n = strlen(v->enc);
		memset(out, 'X', sizeof(out));
		outlen = 99;
		/* Exactly the room needed: no more may be asked for. */
		CU_ASSERT_EQUAL(b64_decode(out, v->rawlen, v->enc, n, &outlen,
		    &errstr), 0);
		CU_ASSERT_EQUAL(outlen, v->rawlen);
		CU_ASSERT_EQUAL(memcmp(out, v->raw, v->rawlen), 0);
		CU_ASSERT_EQUAL(out[v->rawlen], 'X');
		CU_ASSERT(b64_decoded_maxlen(n) >= v->rawlen);
	}
}

static void
test_url_vectors(void)
{
	const struct vector	*v;
	char			 out[16];
	size_t			 i, n;

	for (i = 0; i < sizeof(url_vectors) / sizeof(url_vectors[0]); i++) {
		v = &url_vectors[i];
		memset(out, 'X', sizeof(out));
		n = b64url_encode(out, (const uint8_t *)v->raw, v->rawlen);
		CU_ASSERT_EQUAL(n, strlen(v->enc));
		CU_ASSERT_EQUAL(n, b64url_encoded_len(v->rawlen));
		CU_ASSERT_STRING_EQUAL(out, v->enc);
	}
}

/*
 * base64url is base64 with two letters swapped and the padding dropped;
 * checking that on random data covers every character and tail length.
 */
static void
check_url_matches(const char *std, size_t stdlen, const char *url,
    size_t urllen)
{
	size_t	 i;
	char	 c;

	while (stdlen > 0 && std[stdlen - 1] == '=')
		stdlen--;
	CU_ASSERT_EQUAL_FATAL(urllen, stdlen);
	for (i = 0; i < urllen; i++) {
		c = std[i] == '+' ? '-' : std[i] == '/' ? '_' : std[i];
		CU_ASSERT_EQUAL_FATAL(url[i], c);
	}
}

static void
test_round_trip(void)
{
	static uint8_t	 raw[RT_MAX], dec[RT_MAX];
	static char	 enc[RT_MAX / 3 * 4 + 5], url[RT_MAX / 3 * 4 + 5];
	const char	*errstr;
	uint32_t	 state = 2463534242u;
	size_t		 len, n, un, outlen;

	for (len = 0; len <= RT_MAX; len++) {
		for (n = 0; n < len; n++)
			raw[n] = (uint8_t)xorshift32(&state);
		n = b64_encode(enc, raw, len);
		CU_ASSERT_EQUAL_FATAL(n, b64_encoded_len(len));
		CU_ASSERT_EQUAL_FATAL(strlen(enc), n);
		un = b64url_encode(url, raw, len);
		CU_ASSERT_EQUAL_FATAL(un, b64url_encoded_len(len));
		CU_ASSERT_EQUAL_FATAL(strlen(url), un);
		check_url_matches(enc, n, url, un);

		memset(dec, 0, sizeof(dec));
		outlen = 0;
		CU_ASSERT_EQUAL_FATAL(b64_decode(dec, len, enc, n, &outlen,
		    &errstr), 0);
		CU_ASSERT_EQUAL_FATAL(outlen, len);
		CU_ASSERT_EQUAL_FATAL(memcmp(dec, raw, len), 0);
		if (len > 0) {
			errstr = NULL;
			CU_ASSERT_EQUAL_FATAL(b64_decode(dec, len - 1, enc, n,
			    &outlen, &errstr), -1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(errstr);
			CU_ASSERT_STRING_EQUAL(errstr, err_cap);
		}
	}
}

static void
test_rejects(void)
{
	const struct reject	*r;
	const char		*errstr;
	uint8_t			 out[16];
	size_t			 i, outlen;

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		r = &rejects[i];
		errstr = "(unset)";
		CU_ASSERT_EQUAL(b64_decode(out, sizeof(out), r->enc, r->len,
		    &outlen, &errstr), -1);
		CU_ASSERT_STRING_EQUAL(errstr, r->err);
	}
}

/* Too little room must be refused before anything is written. */
static void
test_small_dst(void)
{
	const char	*errstr;
	uint8_t		 out[8];
	size_t		 outlen;

	memset(out, 'X', sizeof(out));
	errstr = "(unset)";
	CU_ASSERT_EQUAL(b64_decode(out, 3, "Zm9vYg==", 8, &outlen, &errstr),
	    -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_cap);
	CU_ASSERT_EQUAL(memcmp(out, "XXXXXXXX", 8), 0);

	errstr = "(unset)";
	CU_ASSERT_EQUAL(b64_decode(out, 0, "Zg==", 4, &outlen, &errstr), -1);
	CU_ASSERT_STRING_EQUAL(errstr, err_cap);

	CU_ASSERT_EQUAL(b64_decode(out, 4, "Zm9vYg==", 8, &outlen, &errstr),
	    0);
	CU_ASSERT_EQUAL(outlen, 4);
	CU_ASSERT_EQUAL(memcmp(out, "foobXXXX", 8), 0);

	CU_ASSERT_EQUAL(b64_decode(NULL, 0, "", 0, &outlen, &errstr), 0);
	CU_ASSERT_EQUAL(outlen, 0);
}

static CU_TestInfo cases[] = {
	{ "lengths", test_lengths },
	{ "encode RFC 4648 vectors", test_encode_vectors },
	{ "decode RFC 4648 vectors", test_decode_vectors },
	{ "base64url vectors", test_url_vectors },
	{ "round trip of lengths 0..1024", test_round_trip },
	{ "rejected inputs", test_rejects },
	{ "output buffer too small", test_small_dst },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("b64", cases);
}
