/*
 * test_ndjson.c: the control channel framing against what a peer can do
 * to it: split lines, glue them together, never end them, or stop
 * reading while we write.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "ndjson.h"
#include "unit.h"

static void
make_pair(int sv[2])
{
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
}

static void
set_nonblock(int fd)
{
	int	 flags;

	flags = fcntl(fd, F_GETFL);
	CU_ASSERT_FATAL(flags != -1);
	CU_ASSERT_FATAL(fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
}

static int
feed_str(struct ndjson_reader *r, const char *s)
{
	return ndjson_reader_feed(r, s, strlen(s));
}

/* Takes one line and checks it is want. */
static void
expect_line(struct ndjson_reader *r, const char *want)
{
	char	*line = NULL;
	size_t	 len = 0;

	CU_ASSERT_EQUAL_FATAL(ndjson_reader_next(r, &line, &len), 1);
	CU_ASSERT_EQUAL(len, strlen(want));
	CU_ASSERT_EQUAL(line[len], '\0');
	CU_ASSERT_STRING_EQUAL(line, want);
}

static void
expect_none(struct ndjson_reader *r)
{
	char	*line;
	size_t	 len;

	CU_ASSERT_EQUAL(ndjson_reader_next(r, &line, &len), 0);
}

static void
expect_failed(struct ndjson_reader *r)
{
	char	*line;
	size_t	 len;

	errno = 0;
	CU_ASSERT_EQUAL(ndjson_reader_next(r, &line, &len), -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	CU_ASSERT(r->failed);
}

static void
test_one_line(void)
{
	struct ndjson_reader	 r;

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);
	expect_none(&r);
	CU_ASSERT_EQUAL(feed_str(&r, "{\"type\":\"status\"}\n"), 0);
	expect_line(&r, "{\"type\":\"status\"}");
	expect_none(&r);
	ndjson_reader_free(&r);
}

static void
test_several_lines(void)
{
	struct ndjson_reader	 r;

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "a\nbb\nccc\ndd"), 0);
	expect_line(&r, "a");
	expect_line(&r, "bb");
	expect_line(&r, "ccc");
	expect_none(&r);
	CU_ASSERT_EQUAL(feed_str(&r, "d\ne\n"), 0);
	expect_line(&r, "ddd");
	expect_line(&r, "e");
	expect_none(&r);
	ndjson_reader_free(&r);
}

static void
test_byte_by_byte(void)
{
	static const char	 text[] = "{\"id\":1}\n\n{\"id\":22}\r\nlast\n";
	static const char	*want[] = { "{\"id\":1}", "", "{\"id\":22}",
				    "last" };
	struct ndjson_reader	 r;
	char			*line;
	size_t			 i, len, got = 0;
	int			 rv;

	/* A small maxline keeps the buffer growing and compacting. */
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 12) == 0);
	for (i = 0; i < sizeof(text) - 1; i++) {
		CU_ASSERT_EQUAL_FATAL(ndjson_reader_feed(&r, &text[i], 1), 0);
		rv = ndjson_reader_next(&r, &line, &len);
		CU_ASSERT_EQUAL_FATAL(rv, text[i] == '\n' ? 1 : 0);
		if (rv == 1) {
			CU_ASSERT_FATAL(got < 4);
			CU_ASSERT_EQUAL(len, strlen(want[got]));
			CU_ASSERT_STRING_EQUAL(line, want[got]);
			got++;
		}
	}
	CU_ASSERT_EQUAL(got, 4);
	CU_ASSERT(r.cap <= 12 + 2);
	ndjson_reader_free(&r);
}

static void
test_crlf(void)
{
	struct ndjson_reader	 r;

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "abc\r\nx\ry\na\r\r\n\r\n"), 0);
	expect_line(&r, "abc");
	expect_line(&r, "x\ry");
	/* Only one '\r' is part of the line end. */
	expect_line(&r, "a\r");
	expect_line(&r, "");
	expect_none(&r);
	/* A '\r' is not a line end on its own. */
	CU_ASSERT_EQUAL(feed_str(&r, "p\r"), 0);
	expect_none(&r);
	CU_ASSERT_EQUAL(feed_str(&r, "\n"), 0);
	expect_line(&r, "p");
	ndjson_reader_free(&r);
}

/* Empty lines are handed out with len 0; skipping them is the caller's. */
static void
test_empty_lines(void)
{
	struct ndjson_reader	 r;

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "\n\nabc\n\n"), 0);
	expect_line(&r, "");
	expect_line(&r, "");
	expect_line(&r, "abc");
	expect_line(&r, "");
	expect_none(&r);
	ndjson_reader_free(&r);
}

static void
test_exact_maxline(void)
{
	struct ndjson_reader	 r;
	char			 line[17];

	memset(line, 'x', 16);
	line[16] = '\0';

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 16) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, line), 0);
	CU_ASSERT_EQUAL(feed_str(&r, "\n"), 0);
	expect_line(&r, line);
	/* The same again, complete in one feed. */
	CU_ASSERT_EQUAL(feed_str(&r, line), 0);
	CU_ASSERT_EQUAL(feed_str(&r, "\n"), 0);
	expect_line(&r, line);
	/* The '\r' of "\r\n" counts: the limit is on the bytes before '\n'. */
	CU_ASSERT_EQUAL(feed_str(&r, "xxxxxxxxxxxxxxx\r\n"), 0);
	expect_line(&r, "xxxxxxxxxxxxxxx");
	CU_ASSERT_EQUAL(r.failed, 0);
	ndjson_reader_free(&r);
}

static void
test_too_long_complete(void)
{
	struct ndjson_reader	 r;
	char			 line[19];

	memset(line, 'x', 17);
	line[17] = '\n';
	line[18] = '\0';

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 16) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "ok\n"), 0);
	CU_ASSERT_EQUAL(feed_str(&r, line), 0);
	/* The good line before it is still handed out. */
	expect_line(&r, "ok");
	expect_failed(&r);
	ndjson_reader_free(&r);
}

static void
test_too_long_partial(void)
{
	struct ndjson_reader	 r;

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 16) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "0123456789"), 0);
	expect_none(&r);
	CU_ASSERT_EQUAL(feed_str(&r, "012345"), 0);
	expect_none(&r);
	/* Byte 17 without a newline: it cannot end well. */
	errno = 0;
	CU_ASSERT_EQUAL(feed_str(&r, "6"), -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	expect_failed(&r);
	ndjson_reader_free(&r);

	/* Noticed by next() when the feed also held a good line. */
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 16) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "ok\n01234567890123456"), 0);
	expect_line(&r, "ok");
	expect_failed(&r);
	ndjson_reader_free(&r);
}

static void
test_failed_sticks(void)
{
	struct ndjson_reader	 r;
	int			 sv[2];

	CU_ASSERT_FATAL(ndjson_reader_init(&r, 4) == 0);
	CU_ASSERT_EQUAL(feed_str(&r, "toolong\n"), 0);
	expect_failed(&r);
	errno = 0;
	CU_ASSERT_EQUAL(feed_str(&r, "ok\n"), -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	expect_failed(&r);
	expect_failed(&r);

	make_pair(sv);
	CU_ASSERT_FATAL(write(sv[1], "ok\n", 3) == 3);
	errno = 0;
	CU_ASSERT_EQUAL(ndjson_reader_fill(&r, sv[0]), -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	close(sv[0]);
	close(sv[1]);
	ndjson_reader_free(&r);
}

static void
test_memory_bound(void)
{
	struct ndjson_reader	 r;
	char			 chunk[100];
	size_t			 total;
	int			 failures = 0;

	memset(chunk, 'x', sizeof(chunk));
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);
	for (total = 0; total < (1 << 20); total += sizeof(chunk)) {
		if (ndjson_reader_feed(&r, chunk, sizeof(chunk)) == -1)
			failures++;
	}
	CU_ASSERT(r.failed);
	/* Fails on the feed crossing 1024, then on every one after. */
	CU_ASSERT_EQUAL(failures, (int)(total / sizeof(chunk)) - 10);
	CU_ASSERT(r.cap <= 1024 + 2 + sizeof(chunk));
	CU_ASSERT(r.end - r.start <= 1024 + sizeof(chunk));
	ndjson_reader_free(&r);
}

/* Lines taken as they come keep the buffer at its first size. */
static void
test_memory_steady(void)
{
	struct ndjson_reader	 r;
	char			 chunk[300], *line;
	size_t			 i, len, cap, lines = 0;

	/* 29 bytes of line and a newline, so lines straddle feeds. */
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = i % 30 == 29 ? '\n' : 'a' + i % 26;
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 64) == 0);
	cap = r.cap;
	for (i = 0; i < 10000; i++) {
		CU_ASSERT_EQUAL_FATAL(ndjson_reader_feed(&r, chunk + i % 7,
		    sizeof(chunk) - 7), 0);
		while (ndjson_reader_next(&r, &line, &len) == 1)
			lines++;
	}
	CU_ASSERT_EQUAL(lines, 9 * 10000);
	CU_ASSERT(r.cap <= cap + sizeof(chunk));
	ndjson_reader_free(&r);
}

static void
test_fill(void)
{
	struct ndjson_reader	 r;
	int			 sv[2];

	make_pair(sv);
	set_nonblock(sv[0]);
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);

	errno = 0;
	CU_ASSERT_EQUAL(ndjson_reader_fill(&r, sv[0]), -1);
	CU_ASSERT(errno == EAGAIN || errno == EWOULDBLOCK);

	CU_ASSERT_FATAL(write(sv[1], "{\"a\":", 5) == 5);
	CU_ASSERT_EQUAL(ndjson_reader_fill(&r, sv[0]), 5);
	expect_none(&r);
	CU_ASSERT_FATAL(write(sv[1], "1}\nsecond\nthi", 13) == 13);
	CU_ASSERT_EQUAL(ndjson_reader_fill(&r, sv[0]), 13);
	expect_line(&r, "{\"a\":1}");
	expect_line(&r, "second");
	expect_none(&r);

	CU_ASSERT_FATAL(write(sv[1], "rd\n", 3) == 3);
	close(sv[1]);
	CU_ASSERT_EQUAL(ndjson_reader_fill(&r, sv[0]), 3);
	expect_line(&r, "third");
	CU_ASSERT_EQUAL(ndjson_reader_fill(&r, sv[0]), 0);
	close(sv[0]);
	ndjson_reader_free(&r);
}

/* fill() reads no further than the limit, so good lines get through. */
static void
test_fill_small_maxline(void)
{
	static const char	*want[] = { "ab", "cd", "", "efgh" };
	struct ndjson_reader	 r;
	char			*line;
	size_t			 len, got = 0;
	ssize_t			 n;
	int			 sv[2], i;

	make_pair(sv);
	set_nonblock(sv[0]);
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 4) == 0);
	CU_ASSERT_FATAL(write(sv[1], "ab\ncd\n\nefgh\n", 12) == 12);
	for (i = 0; i < 20 && got < 4; i++) {
		n = ndjson_reader_fill(&r, sv[0]);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT(n <= 5);
		while (ndjson_reader_next(&r, &line, &len) == 1) {
			CU_ASSERT_FATAL(got < 4);
			CU_ASSERT_STRING_EQUAL(line, want[got]);
			got++;
		}
	}
	CU_ASSERT_EQUAL(got, 4);
	CU_ASSERT(r.cap <= 4 + 2);

	/* Five bytes without a newline fail, and hold no more than that. */
	CU_ASSERT_FATAL(write(sv[1], "123456789\n", 10) == 10);
	for (i = 0; i < 20; i++)
		if ((n = ndjson_reader_fill(&r, sv[0])) <= 0)
			break;
	CU_ASSERT_EQUAL(n, -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	CU_ASSERT(r.cap <= 4 + 2);
	expect_failed(&r);
	close(sv[0]);
	close(sv[1]);
	ndjson_reader_free(&r);
}

static void
test_fill_memory_bound(void)
{
	struct ndjson_reader	 r;
	char			 junk[4096];
	ssize_t			 n;
	int			 sv[2], i;

	memset(junk, 'j', sizeof(junk));
	make_pair(sv);
	set_nonblock(sv[0]);
	CU_ASSERT_FATAL(ndjson_reader_init(&r, 1024) == 0);
	CU_ASSERT_FATAL(write(sv[1], junk, sizeof(junk)) ==
	    (ssize_t)sizeof(junk));
	for (i = 0; i < 100; i++)
		if ((n = ndjson_reader_fill(&r, sv[0])) <= 0)
			break;
	CU_ASSERT_EQUAL(n, -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	CU_ASSERT(r.cap <= 1024 + 2);
	close(sv[0]);
	close(sv[1]);
	ndjson_reader_free(&r);
}

static size_t
read_all(int fd, char *buf, size_t size)
{
	ssize_t	 n;

	n = read(fd, buf, size);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	CU_ASSERT_FATAL(n > 0);
	return n;
}

static void
test_writer_eagain(void)
{
	struct ndjson_writer	 w;
	char			 line[128], pad[50], *want, *got;
	size_t			 wantlen = 0, gotlen = 0, len;
	int			 sv[2], sndbuf = 4096, i, rv, rounds = 0;

	make_pair(sv);
	set_nonblock(sv[0]);
	set_nonblock(sv[1]);
	CU_ASSERT_FATAL(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
	    sizeof(sndbuf)) == 0);
	CU_ASSERT_FATAL(ndjson_writer_init(&w, 1 << 20) == 0);

	memset(pad, '.', sizeof(pad));
	want = malloc(1 << 20);
	got = malloc(1 << 20);
	CU_ASSERT_FATAL(want != NULL && got != NULL);
	for (i = 0; i < 4000; i++) {
		len = snprintf(line, sizeof(line),
		    "{\"type\":\"progress\",\"seq\":%d,\"pad\":\"%.*s\"}",
		    i, i % 50, pad);
		CU_ASSERT_EQUAL_FATAL(ndjson_writer_put(&w, line, len), 0);
		memcpy(want + wantlen, line, len);
		want[wantlen + len] = '\n';
		wantlen += len + 1;
	}
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), wantlen);

	/* The peer is not reading: the socket fills up. */
	CU_ASSERT_EQUAL(ndjson_writer_flush(&w, sv[0]), 1);
	CU_ASSERT(ndjson_writer_pending(&w) > 0);
	CU_ASSERT(ndjson_writer_pending(&w) < wantlen);
	CU_ASSERT_EQUAL(ndjson_writer_flush(&w, sv[0]), 1);

	do {
		gotlen += read_all(sv[1], got + gotlen, (1 << 20) - gotlen);
		rv = ndjson_writer_flush(&w, sv[0]);
		CU_ASSERT_FATAL(rv != -1);
		rounds++;
	} while (rv == 1 && rounds < 100000);
	CU_ASSERT_EQUAL(rv, 0);
	CU_ASSERT(rounds > 1);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 0);
	while (gotlen < wantlen) {
		len = read_all(sv[1], got + gotlen, (1 << 20) - gotlen);
		CU_ASSERT_FATAL(len > 0);
		gotlen += len;
	}
	CU_ASSERT_EQUAL(gotlen, wantlen);
	CU_ASSERT(memcmp(got, want, wantlen) == 0);
	/* Drained, so the queue starts over at the front. */
	CU_ASSERT_EQUAL(w.start, 0);
	CU_ASSERT_EQUAL(w.end, 0);

	free(want);
	free(got);
	close(sv[0]);
	close(sv[1]);
	ndjson_writer_free(&w);
}

static void
test_writer_closed_peer(void)
{
	struct ndjson_writer	 w;
	int			 sv[2];

	make_pair(sv);
	close(sv[1]);
	CU_ASSERT_FATAL(ndjson_writer_init(&w, 1024) == 0);
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "x", 1), 0);
	/* EPIPE, and no SIGPIPE to kill the test. */
	errno = 0;
	CU_ASSERT_EQUAL(ndjson_writer_flush(&w, sv[0]), -1);
	CU_ASSERT_EQUAL(errno, EPIPE);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 2);
	close(sv[0]);
	ndjson_writer_free(&w);
}

static void
test_writer_pipe(void)
{
	struct ndjson_writer	 w;
	char			 buf[32];
	int			 p[2];

	CU_ASSERT_FATAL(pipe(p) == 0);
	CU_ASSERT_FATAL(ndjson_writer_init(&w, 1024) == 0);
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "{}", 2), 0);
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "[1]", 3), 0);
	/* Not a socket: falls back to write(2). */
	CU_ASSERT_EQUAL(ndjson_writer_flush(&w, p[1]), 0);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 0);
	CU_ASSERT_EQUAL(read(p[0], buf, sizeof(buf)), 7);
	CU_ASSERT(memcmp(buf, "{}\n[1]\n", 7) == 0);
	close(p[0]);
	close(p[1]);
	ndjson_writer_free(&w);
}

static void
test_writer_maxqueue(void)
{
	struct ndjson_writer	 w;
	const char		*q;
	size_t			 len;

	CU_ASSERT_FATAL(ndjson_writer_init(&w, 16) == 0);
	errno = 0;
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "0123456789abcdef", 16), -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 0);

	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "0123456789", 10), 0);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 11);
	errno = 0;
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "abcde", 5), -1);
	CU_ASSERT_EQUAL(errno, EMSGSIZE);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 11);
	/* Exactly full is fine. */
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "abcd", 4), 0);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 16);
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "", 0), -1);
	q = ndjson_writer_peek(&w, &len);
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT(memcmp(q, "0123456789\nabcd\n", 16) == 0);
	CU_ASSERT(w.cap <= 16);
	ndjson_writer_free(&w);
}

static void
test_writer_newline(void)
{
	struct ndjson_writer	 w;

	CU_ASSERT_FATAL(ndjson_writer_init(&w, 1024) == 0);
	errno = 0;
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "{}\n{}", 5), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "{}\n", 3), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 0);
	/* Only the len bytes count: a '\n' after them is not looked at. */
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "{}\n", 2), 0);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 3);
	ndjson_writer_free(&w);
}

static void
test_writer_peek_consume(void)
{
	struct ndjson_writer	 w;
	const char		*q;
	size_t			 len;

	CU_ASSERT_FATAL(ndjson_writer_init(&w, 12) == 0);
	q = ndjson_writer_peek(&w, &len);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_PTR_NOT_NULL(q);

	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "abc", 3), 0);
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "de", 2), 0);
	q = ndjson_writer_peek(&w, &len);
	CU_ASSERT_EQUAL(len, 7);
	CU_ASSERT(memcmp(q, "abc\nde\n", 7) == 0);

	ndjson_writer_consume(&w, 2);
	q = ndjson_writer_peek(&w, &len);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT(memcmp(q, "c\nde\n", 5) == 0);

	/* Room freed at the front is reused: 5 + 7 fits in 12. */
	CU_ASSERT_EQUAL(ndjson_writer_put(&w, "fghijk", 6), 0);
	q = ndjson_writer_peek(&w, &len);
	CU_ASSERT_EQUAL(len, 12);
	CU_ASSERT(memcmp(q, "c\nde\nfghijk\n", 12) == 0);
	CU_ASSERT(w.cap <= 12);

	ndjson_writer_consume(&w, 100);
	CU_ASSERT_EQUAL(ndjson_writer_pending(&w), 0);
	CU_ASSERT_EQUAL(ndjson_writer_flush(&w, -1), 0);
	ndjson_writer_free(&w);
}

static CU_TestInfo cases[] = {
	{ "one line in one feed", test_one_line },
	{ "several lines in one feed", test_several_lines },
	{ "lines fed byte by byte", test_byte_by_byte },
	{ "\\r\\n line ends", test_crlf },
	{ "empty lines are returned", test_empty_lines },
	{ "a line of exactly maxline", test_exact_maxline },
	{ "maxline+1, complete", test_too_long_complete },
	{ "maxline+1, partial", test_too_long_partial },
	{ "failure sticks", test_failed_sticks },
	{ "memory bound without newlines", test_memory_bound },
	{ "memory steady with lines", test_memory_steady },
	{ "fill from a socket", test_fill },
	{ "fill with a small maxline", test_fill_small_maxline },
	{ "fill memory bound", test_fill_memory_bound },
	{ "writer through EAGAIN", test_writer_eagain },
	{ "writer to a closed peer", test_writer_closed_peer },
	{ "writer to a pipe", test_writer_pipe },
	{ "writer maxqueue", test_writer_maxqueue },
	{ "writer rejects newlines", test_writer_newline },
	{ "writer peek and consume", test_writer_peek_consume },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("ndjson", cases);
}
