/*
 * test_wsreq.c: the WebSocket handshake parsers: the job id in the path
 * (404 for another endpoint, 400 for a malformed id), the since and epoch
 * query arguments, the encoding a subscriber asks for and the bearer
 * token of the Authorization header.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wsreq.h"
#include "unit.h"

#define ID	"0123456789abcdef0123456789abcdef"
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct path_case {
	const char	*path;
	size_t		 len;		/* 0: strlen(path) */
	int		 want;		/* 0, 404 or 400 */
};

static const struct path_case path_cases[] = {
	{ "/ws/jobs/" ID, 0, 0 },
	{ "/ws/jobs/ffffffffffffffffffffffffffffffff", 0, 0 },
	{ "/ws/jobs/00000000000000000000000000000000", 0, 0 },
	/* Not /ws/jobs/ and one segment. */
	{ "", 0, 404 },
	{ "/", 0, 404 },
	{ "/ws/jobs/", 0, 404 },
	{ "/ws/jobs", 0, 404 },
	{ "/ws/job/" ID, 0, 404 },
	{ "/ws/Jobs/" ID, 0, 404 },
	{ "/api/jobs/" ID, 0, 404 },
	{ "ws/jobs/" ID, 0, 404 },
	{ "//ws/jobs/" ID, 0, 404 },
	{ "/ws/jobs/" ID "/", 0, 404 },
	{ "/ws/jobs/" ID "/x", 0, 404 },
	{ "/ws/jobs//" ID, 0, 404 },
	{ "/ws/jobs/../x", 0, 404 },
	{ "/ws/jobs/" ID "/..", 0, 404 },
	/* One segment, but not a job id. */
	{ "/ws/jobs/0123456789ABCDEF0123456789ABCDEF", 0, 400 },
	{ "/ws/jobs/0123456789abcdef0123456789abcdeF", 0, 400 },
	{ "/ws/jobs/0123456789abcdef0123456789abcde", 0, 400 },
	{ "/ws/jobs/" ID "0", 0, 400 },
	{ "/ws/jobs/0123456789abcdef0123456789abcdeg", 0, 400 },
	{ "/ws/jobs/x", 0, 400 },
	{ "/ws/jobs/..", 0, 400 },
	{ "/ws/jobs/%30123456789abcdef0123456789abcdef", 0, 400 },
	{ "/ws/jobs/" ID "?since=1", 0, 400 },
	{ "/ws/jobs/" ID "#", 0, 400 },
	{ "/ws/jobs/ 0123456789abcdef0123456789abcdef", 0, 400 },
	/* An embedded NUL, given by the length. */
	{ "/ws/jobs/0123456789abcdef\0" "0123456789abcde", 41, 400 },
	{ "/ws/jobs/" ID "\0", 42, 400 },
	{ "/ws/jobs/\0/", 11, 404 },
	/* Only len bytes count: a longer buffer cut to a good path. */
	{ "/ws/jobs/" ID "/more", 41, 0 },
	{ "/ws/jobs/" ID "ff", 41, 0 },
	{ "/ws/jobs/" ID, 40, 400 },
	{ "/ws/jobs/" ID, 9, 404 },
	{ "/ws/jobs/" ID, 8, 404 },
};

static void
test_path(void)
{
	const struct path_case *c;
	char id[ID_JOB_LEN + 1];
	const char *errstr;
	size_t i, len;
	int r;

	for (i = 0; i < NELEM(path_cases); i++) {
		c = &path_cases[i];
		len = c->len != 0 ? c->len : strlen(c->path);
		memset(id, 'z', sizeof(id));
		errstr = NULL;
		r = wsreq_path(c->path, len, id, &errstr);
		if (r != c->want)
			fprintf(stderr, "case %zu \"%.*s\": %d, want %d\n", i,
			    (int)len, c->path, r, c->want);
		CU_ASSERT_EQUAL(r, c->want);
		if (c->want == 0) {
			CU_ASSERT_EQUAL(memcmp(id, c->path + 9, ID_JOB_LEN), 0);
			CU_ASSERT_EQUAL(id[ID_JOB_LEN], '\0');
		} else {
			CU_ASSERT_FATAL(errstr != NULL);
			CU_ASSERT(strstr(errstr, c->want == 404 ?
			    "/ws/jobs/{id}" : "malformed job id") != NULL);
			/* The id is not touched on failure. */
			CU_ASSERT_EQUAL(id[0], 'z');
		}
	}
}

struct since_case {
	const char	*s;
	int		 want;
	int64_t		 since;
};

static const struct since_case since_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "00", 0, 0 },
	{ "0000000000000042", 0, 42 },
	{ "1234567890", 0, 1234567890 },
	{ "9007199254740991", 0, 9007199254740991LL },
	{ "9007199254740992", -1, 0 },
	{ "9999999999999999", -1, 0 },
	{ "10000000000000000", -1, 0 },
	{ "00000000000000000", -1, 0 },
	{ "99999999999999999999", -1, 0 },
	{ "", -1, 0 },
	{ "-1", -1, 0 },
	{ "+1", -1, 0 },
	{ "1a", -1, 0 },
	{ "a1", -1, 0 },
	{ " 1", -1, 0 },
	{ "1 ", -1, 0 },
	{ "0x10", -1, 0 },
	{ "1.0", -1, 0 },
	{ "1e3", -1, 0 },
	{ "\xd9\xa1", -1, 0 },
};

static void
test_since(void)
{
	const struct since_case *c;
	int64_t since;
	size_t i;
	int r;

	for (i = 0; i < NELEM(since_cases); i++) {
		c = &since_cases[i];
		since = -7;
		r = wsreq_since(c->s, &since);
		if (r != c->want)
			fprintf(stderr, "since \"%s\": %d, want %d\n", c->s, r,
			    c->want);
		CU_ASSERT_EQUAL(r, c->want);
		CU_ASSERT_EQUAL(since, c->want == 0 ? c->since : -7);
	}
}

struct epoch_case {
	const char	*s;
	int		 want;
};

static const struct epoch_case epoch_cases[] = {
	{ "0123456789abcdef", 0 },
	{ "x", 0 },
	{ "!", 0 },
	{ "~", 0 },
	{ "a-b_c.d:e/f?g=h", 0 },
	{ "", -1 },
	{ " ", -1 },
	{ "a b", -1 },
	{ "ab\t", -1 },
	{ "\n", -1 },
	{ "a\x7f", -1 },
	{ "\x80", -1 },
	{ "caf\xc3\xa9", -1 },
	{ "\xff", -1 },
};

static void
test_epoch(void)
{
	char s[MSG_EPOCH_MAX + 2];
	size_t i;

	for (i = 0; i < NELEM(epoch_cases); i++) {
		if (wsreq_epoch(epoch_cases[i].s) != epoch_cases[i].want)
			fprintf(stderr, "epoch case %zu: want %d\n", i,
			    epoch_cases[i].want);
		CU_ASSERT_EQUAL(wsreq_epoch(epoch_cases[i].s),
		    epoch_cases[i].want);
	}

	/* 63 characters fit beside the NUL of MSG_EPOCH_MAX, 64 do not. */
	memset(s, 'e', MSG_EPOCH_MAX - 1);
	s[MSG_EPOCH_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(wsreq_epoch(s), 0);
	memset(s, 'e', MSG_EPOCH_MAX);
	s[MSG_EPOCH_MAX] = '\0';
	CU_ASSERT_EQUAL(wsreq_epoch(s), -1);
	memset(s, 'e', MSG_EPOCH_MAX + 1);
	s[MSG_EPOCH_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(wsreq_epoch(s), -1);
}

struct bearer_case {
	const char	*value;
	int		 want;
	const char	*tok;		/* when want is 0 */
};

static const struct bearer_case bearer_cases[] = {
	{ "Bearer x", 0, "x" },
	{ "bearer x", 0, "x" },
	{ "BEARER x", 0, "x" },
	{ "bEaReR x", 0, "x" },
	{ "Bearer   x  ", 0, "x" },
	{ "Bearer abc.DEF-_", 0, "abc.DEF-_" },
	{ "Bearer a b", -1, NULL },
	{ "Basic x", -1, NULL },
	{ "Bearer", -1, NULL },
	{ "Bearer ", -1, NULL },
	{ "Bearer    ", -1, NULL },
	{ "Bearerx", -1, NULL },
	{ "Bearer\tx", -1, NULL },
	{ " Bearer x", -1, NULL },
	{ "", -1, NULL },
	{ "x", -1, NULL },
};

static void
test_bearer(void)
{
	const struct bearer_case *c;
	const char *tok;
	size_t i, len;
	int r;

	for (i = 0; i < NELEM(bearer_cases); i++) {
		c = &bearer_cases[i];
		tok = NULL;
		len = 0;
		r = id_bearer(c->value, &tok, &len);
		if (r != c->want)
			fprintf(stderr, "bearer \"%s\": %d, want %d\n",
			    c->value, r, c->want);
		CU_ASSERT_EQUAL(r, c->want);
		if (c->want != 0)
			continue;
		CU_ASSERT_FATAL(tok != NULL);
		CU_ASSERT_EQUAL(len, strlen(c->tok));
		CU_ASSERT_EQUAL(strncmp(tok, c->tok, len), 0);
		/* The token points into the header value, not a copy. */
		CU_ASSERT(tok > c->value && tok < c->value + strlen(c->value));
	}
}

static void
test_encoding(void)
{
	static const char *const bad[] = {
		"", "deflate+base64", "Deflate", "base64 ", "gzip", "zlib",
		"deflat", "base6", "deflatex"
	};
	enum msg_encoding enc;
	size_t i;

	enc = MSG_ENC_DEFLATE;
	CU_ASSERT_EQUAL(wsreq_encoding("base64", &enc), 0);
	CU_ASSERT_EQUAL(enc, MSG_ENC_BASE64);
	CU_ASSERT_EQUAL(wsreq_encoding("deflate", &enc), 0);
	CU_ASSERT_EQUAL(enc, MSG_ENC_DEFLATE);
	for (i = 0; i < NELEM(bad); i++) {
		enc = MSG_NENC;
		CU_ASSERT_EQUAL(wsreq_encoding(bad[i], &enc), -1);
		CU_ASSERT_EQUAL(enc, MSG_NENC);
	}
}

static CU_TestInfo cases[] = {
	{ "wsreq_path", test_path },
	{ "wsreq_since", test_since },
	{ "wsreq_epoch", test_epoch },
	{ "wsreq_encoding", test_encoding },
	{ "id_bearer (common/id.c, read here as the handshake does)", test_bearer },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("wsreq", cases);
}
