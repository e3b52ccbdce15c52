/*
 * test_id.c: fresh job ids and tokens are well formed and distinct, the
 * validators refuse whatever a peer could send that is not, and token
 * comparison looks at every byte and the length.
 */
#include <stdint.h>
#include <string.h>

#include "b64.h"
#include "id.h"
#include "unit.h"

#define MANY	1000

struct bad {
	const char	*s;
	size_t		 len;
};

static const char job_ok[] = "0123456789abcdef0123456789abcdef";
static const char token_ok[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

static const struct bad bad_jobs[] = {
	{ "0123456789abcdef0123456789abcde", 31 },
	{ "0123456789abcdef0123456789abcdef0", 33 },
	{ "0123456789abcdef0123456789abcdef", 31 },
	{ "", 0 },
	{ "0123456789abcdef0123456789abcdeF", 32 },
	{ "0123456789ABCDEF0123456789abcdef", 32 },
	{ "0123456789abcdef0123456789abcdeg", 32 },
	{ "0123456789abcdef0123456789abcde/", 32 },
	{ "+123456789abcdef0123456789abcdef", 32 },
	{ "0123456789abcdef0123456789abcde=", 32 },
	{ "0123456789abcdef0123456789abcde ", 32 },
	{ "0123456789abcdef\0" "123456789abcdef", 32 },
};

static const struct bad bad_tokens[] = {
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 42 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 44 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0 },
	{ "AAAAAAAAAAAAAAAAAAAAA+AAAAAAAAAAAAAAAAAAAAA", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAA/AAAAAAAAAAAAAAAAAAAAA", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAA\0AAAAAAAAAAAAAAAAAAAAA", 43 },
	/* Last characters with either of the 2 unused low bits set. */
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAx", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-", 43 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_", 43 },
};

static int
is_lower_hex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static void
test_job_new(void)
{
	char	 a[ID_JOB_LEN + 1], b[ID_JOB_LEN + 1];
	int	 i;

	CU_ASSERT_EQUAL_FATAL(id_job_new(a, 0, 0), 0);
	CU_ASSERT_EQUAL(strlen(a), ID_JOB_LEN);
	CU_ASSERT(is_lower_hex(a, ID_JOB_LEN));
	CU_ASSERT(id_job_valid(a, strlen(a)));
	for (i = 0; i < MANY; i++) {
		CU_ASSERT_EQUAL_FATAL(id_job_new(b, 0, 0), 0);
		CU_ASSERT_EQUAL_FATAL(strlen(b), ID_JOB_LEN);
		CU_ASSERT_FATAL(id_job_valid(b, ID_JOB_LEN));
		CU_ASSERT_FATAL(is_lower_hex(b, ID_JOB_LEN));
		CU_ASSERT_NOT_EQUAL_FATAL(strcmp(a, b), 0);
	}
}

/* An id names its cell and shard in its first four digits. */
static void
test_job_place(void)
{
	char	 id[ID_JOB_LEN + 1], seen[ID_JOB_LEN - 4][16];
	unsigned cell, shard;
	int	 i, j, k;

	CU_ASSERT_EQUAL_FATAL(id_job_new(id, 3, 200), 0);
	CU_ASSERT_NSTRING_EQUAL(id, "03c8", 4);
	CU_ASSERT(id_job_valid(id, ID_JOB_LEN));
	id_job_place(id, &cell, &shard);
	CU_ASSERT_EQUAL(cell, 3);
	CU_ASSERT_EQUAL(shard, 200);
	CU_ASSERT_EQUAL_FATAL(id_job_new(id, ID_PLACE_MAX, 0), 0);
	CU_ASSERT_NSTRING_EQUAL(id, "ff00", 4);
	id_job_place(id, &cell, &shard);
	CU_ASSERT_EQUAL(cell, 255);
	CU_ASSERT_EQUAL(shard, 0);
	/* Out of range: refused, not wrapped. */
	CU_ASSERT_EQUAL(id_job_new(id, 256, 0), -1);
	CU_ASSERT_EQUAL(id_job_new(id, 0, 256), -1);
	/* The rest is random: every digit takes every value in time. */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < MANY; i++) {
		CU_ASSERT_EQUAL_FATAL(id_job_new(id, 1, 2), 0);
		CU_ASSERT_NSTRING_EQUAL_FATAL(id, "0102", 4);
		for (j = 4; j < ID_JOB_LEN; j++)
			seen[j - 4][id[j] <= '9' ? id[j] - '0' :
			    id[j] - 'a' + 10] = 1;
	}
	for (j = 0; j < ID_JOB_LEN - 4; j++)
		for (k = 0; k < 16; k++)
			CU_ASSERT(seen[j][k]);
	/* Random hex of any length up to an id's randomness. */
	CU_ASSERT_EQUAL(id_hex_new(id, 16), 0);
	CU_ASSERT_EQUAL(strlen(id), 16);
	CU_ASSERT(is_lower_hex(id, 16));
	CU_ASSERT_EQUAL(id_hex_new(id, 33), -1);
}

static void
test_token_new(void)
{
	char	 a[ID_TOKEN_LEN + 1], b[ID_TOKEN_LEN + 1];
	int	 i;

	CU_ASSERT_EQUAL_FATAL(id_token_new(a), 0);
	CU_ASSERT_EQUAL(strlen(a), ID_TOKEN_LEN);
	CU_ASSERT(id_token_valid(a, strlen(a)));
	/* Many, so the last character takes each of its 16 values. */
	for (i = 0; i < MANY; i++) {
		CU_ASSERT_EQUAL_FATAL(id_token_new(b), 0);
		CU_ASSERT_EQUAL_FATAL(strlen(b), ID_TOKEN_LEN);
		CU_ASSERT_FATAL(id_token_valid(b, ID_TOKEN_LEN));
		CU_ASSERT_NOT_EQUAL_FATAL(strcmp(a, b), 0);
	}
}

static void
test_job_valid(void)
{
	size_t	 i;

	CU_ASSERT_EQUAL(id_job_valid(job_ok, ID_JOB_LEN), 1);
	CU_ASSERT_EQUAL(id_job_valid("fedcba9876543210fedcba9876543210",
	    ID_JOB_LEN), 1);
	for (i = 0; i < sizeof(bad_jobs) / sizeof(bad_jobs[0]); i++)
		CU_ASSERT_EQUAL(id_job_valid(bad_jobs[i].s, bad_jobs[i].len),
		    0);
}

static void
test_token_valid(void)
{
	static const uint8_t	 ones[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	char			 t[ID_TOKEN_LEN + 1];
	size_t			 i;

	CU_ASSERT_EQUAL(id_token_valid(token_ok, ID_TOKEN_LEN), 1);
	/* 42 '_' and '8': all ones, the highest canonical value. */
	CU_ASSERT_EQUAL(b64url_encode(t, ones, sizeof(ones)), ID_TOKEN_LEN);
	CU_ASSERT_STRING_EQUAL(t,
	    "__________________________________________8");
	CU_ASSERT_EQUAL(id_token_valid(t, ID_TOKEN_LEN), 1);
	CU_ASSERT_EQUAL(id_token_valid(
	    "AZaz09-_AZaz09-_AZaz09-_AZaz09-_AZaz09-_AZw", ID_TOKEN_LEN), 1);
	for (i = 0; i < sizeof(bad_tokens) / sizeof(bad_tokens[0]); i++)
		CU_ASSERT_EQUAL(id_token_valid(bad_tokens[i].s,
		    bad_tokens[i].len), 0);
}

static void
test_token_equal(void)
{
	char	 t[ID_TOKEN_LEN + 2];

	CU_ASSERT_EQUAL(id_token_equal(token_ok, token_ok, ID_TOKEN_LEN), 1);
	memcpy(t, token_ok, sizeof(token_ok));
	CU_ASSERT_EQUAL(id_token_equal(token_ok, t, ID_TOKEN_LEN), 1);

	t[0] = 'B';
	CU_ASSERT_EQUAL(id_token_equal(token_ok, t, ID_TOKEN_LEN), 0);
	t[0] = 'A';
	t[ID_TOKEN_LEN - 1] = 'E';
	CU_ASSERT_EQUAL(id_token_equal(token_ok, t, ID_TOKEN_LEN), 0);
	t[ID_TOKEN_LEN - 1] = 'A';

	/* A matching prefix or a match with more after it is no match. */
	CU_ASSERT_EQUAL(id_token_equal(token_ok, t, ID_TOKEN_LEN - 1), 0);
	t[ID_TOKEN_LEN] = 'A';
	t[ID_TOKEN_LEN + 1] = '\0';
	CU_ASSERT_EQUAL(id_token_equal(token_ok, t, ID_TOKEN_LEN + 1), 0);
	CU_ASSERT_EQUAL(id_token_equal(token_ok, "", 0), 0);
}

/* SHA-256 (FIPS 180-2's "abc" vector), and a token matched to its hash. */
static void
test_token_hash(void)
{
	static const uint8_t abc[ID_TOKEN_HASH_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};
	uint8_t h[ID_TOKEN_HASH_LEN];
	char t[ID_TOKEN_LEN + 1], u[ID_TOKEN_LEN + 1];

	CU_ASSERT_EQUAL(id_token_hash("abc", 3, h), 0);
	CU_ASSERT_EQUAL(memcmp(h, abc, sizeof(h)), 0);
	CU_ASSERT_FATAL(id_token_new(t) == 0);
	CU_ASSERT_EQUAL(id_token_hash(t, ID_TOKEN_LEN, h), 0);
	CU_ASSERT(id_token_matches(h, t, ID_TOKEN_LEN));
	memcpy(u, t, sizeof(u));
	u[5] = u[5] == 'A' ? 'B' : 'A';
	CU_ASSERT_FALSE(id_token_matches(h, u, ID_TOKEN_LEN));
	CU_ASSERT_FALSE(id_token_matches(h, t, ID_TOKEN_LEN - 1));
	CU_ASSERT_FALSE(id_token_matches(h, "", 0));
}

static CU_TestInfo cases[] = {
	{ "new job ids", test_job_new },
	{ "an id's cell and shard", test_job_place },
	{ "new tokens", test_token_new },
	{ "job id validation", test_job_valid },
	{ "token validation", test_token_valid },
	{ "token comparison", test_token_equal },
	{ "token hashes", test_token_hash },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("id", cases);
}
