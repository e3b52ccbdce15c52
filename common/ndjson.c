/*
 * ndjson.c: line framing of the control channel.  The reader must hold
 * no more than one line and one read whatever a peer sends; the writer
 * must never block a daemon that serves many peers from one loop.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndjson.h"

#define NDJSON_MINCAP	256

static int	reader_fail(struct ndjson_reader *);
static int	reader_check(struct ndjson_reader *);
static void	reader_compact(struct ndjson_reader *);
static int	reader_reserve(struct ndjson_reader *, size_t);
static int	writer_reserve(struct ndjson_writer *, size_t);
static size_t	grow_cap(size_t, size_t, size_t);

/*
 * The next capacity for a buffer of cap bytes that must hold need: double
 * it so that small reads do not reallocate each time, but stop at limit,
 * the most a well-behaved peer can make us hold, unless need is larger.
 */
static size_t
grow_cap(size_t cap, size_t need, size_t limit)
{
	size_t	 ncap;

	ncap = cap < NDJSON_MINCAP ? NDJSON_MINCAP : cap;
	while (ncap < need && ncap <= SIZE_MAX / 2)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	if (ncap < need)
		ncap = need;
	return ncap;
}

int
ndjson_reader_init(struct ndjson_reader *r, size_t maxline)
{
	memset(r, 0, sizeof(*r));
	/* A line, its '\n' and the byte that proves it too long. */
	if (maxline > SIZE_MAX / 2) {
		errno = EINVAL;
		return -1;
	}
	r->maxline = maxline;
	r->cap = maxline + 2 < NDJSON_MINCAP ? maxline + 2 : NDJSON_MINCAP;
	if ((r->buf = malloc(r->cap)) == NULL) {
		r->cap = 0;
		return -1;
	}
	return 0;
}

void
ndjson_reader_free(struct ndjson_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

static int
reader_fail(struct ndjson_reader *r)
{
	r->failed = 1;
	errno = EMSGSIZE;
	return -1;
}

/*
 * Looks for a newline in the bytes not yet scanned.  A partial line
 * already over the limit can only end in failure; noticing it here
 * stops a peer that never sends '\n' from growing the buffer.
 */
static int
reader_check(struct ndjson_reader *r)
{
	char	*nl;

	nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
	if (nl != NULL) {
		r->scan = nl - r->buf;
		return 0;
	}
	r->scan = r->end;
	if (r->end - r->start > r->maxline)
		return reader_fail(r);
	return 0;
}

/* Only between lines handed out: next() returns pointers into buf. */
static void
reader_compact(struct ndjson_reader *r)
{
	if (r->start == 0)
		return;
	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->end -= r->start;
	r->scan = r->scan > r->start ? r->scan - r->start : 0;
	r->start = 0;
}

/* Makes room for len more bytes after end. */
static int
reader_reserve(struct ndjson_reader *r, size_t len)
{
	size_t	 held, limit, ncap;
	char	*nbuf;

	if (r->cap - r->end >= len)
		return 0;
	reader_compact(r);
	held = r->end;
	if (r->cap - held >= len)
		return 0;
	if (len > SIZE_MAX - held || len > SIZE_MAX - r->maxline - 1) {
		errno = ENOMEM;
		return -1;
	}
	/* A partial line of up to maxline bytes, and this feed. */
	limit = r->maxline + 1 + len;
	ncap = grow_cap(r->cap, held + len, limit);
	if ((nbuf = realloc(r->buf, ncap)) == NULL)
		return -1;
	r->buf = nbuf;
	r->cap = ncap;
	return 0;
}

int
ndjson_reader_feed(struct ndjson_reader *r, const void *data, size_t len)
{
	if (r->failed) {
		errno = EMSGSIZE;
		return -1;
	}
	if (len == 0)
		return 0;
	if (reader_reserve(r, len) == -1)
		return -1;
	memcpy(r->buf + r->end, data, len);
	r->end += len;
	return reader_check(r);
}

ssize_t
ndjson_reader_fill(struct ndjson_reader *r, int fd)
{
	size_t	 held, want;
	ssize_t	 n;

	if (r->failed) {
		errno = EMSGSIZE;
		return -1;
	}
	/* Never read more than it takes to prove the line too long. */
	held = r->end - r->start;
	want = held < r->maxline + 1 ? r->maxline + 1 - held : 1;
	if (r->cap - r->end < want)
		reader_compact(r);
	/* Grow only when full, so a long maxline costs nothing up front. */
	if (r->cap == r->end && reader_reserve(r, 1) == -1)
		return -1;
	if (want > r->cap - r->end)
		want = r->cap - r->end;
	do {
		n = read(fd, r->buf + r->end, want);
	} while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n;
	r->end += n;
	if (reader_check(r) == -1)
		return -1;
	return n;
}

int
ndjson_reader_next(struct ndjson_reader *r, char **line, size_t *len)
{
	char	*nl;
	size_t	 from, n;

	if (r->failed) {
		errno = EMSGSIZE;
		return -1;
	}
	from = r->scan > r->start ? r->scan : r->start;
	nl = memchr(r->buf + from, '\n', r->end - from);
	if (nl == NULL) {
		r->scan = r->end;
		if (r->end - r->start > r->maxline)
			return reader_fail(r);
		return 0;
	}
	n = nl - (r->buf + r->start);
	if (n > r->maxline)
		return reader_fail(r);
	/* The '\n' itself makes room for the terminating NUL. */
	*nl = '\0';
	if (n > 0 && r->buf[r->start + n - 1] == '\r')
		r->buf[r->start + --n] = '\0';
	*line = r->buf + r->start;
	*len = n;
	r->start = nl + 1 - r->buf;
	r->scan = r->start;
	return 1;
}

int
ndjson_writer_init(struct ndjson_writer *w, size_t maxqueue)
{
	memset(w, 0, sizeof(*w));
	w->maxqueue = maxqueue;
	return 0;
}

void
ndjson_writer_free(struct ndjson_writer *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

/* Makes room for len more bytes after end; pending + len <= maxqueue. */
static int
writer_reserve(struct ndjson_writer *w, size_t len)
{
	size_t	 held, ncap;
	char	*nbuf;

	if (w->cap - w->end >= len)
		return 0;
	held = w->end - w->start;
	if (w->start > 0) {
		memmove(w->buf, w->buf + w->start, held);
		w->start = 0;
		w->end = held;
		if (w->cap - held >= len)
			return 0;
	}
	ncap = grow_cap(w->cap, held + len, w->maxqueue);
	if ((nbuf = realloc(w->buf, ncap)) == NULL)
		return -1;
	w->buf = nbuf;
	w->cap = ncap;
	return 0;
}

int
ndjson_writer_put(struct ndjson_writer *w, const char *line, size_t len)
{
	size_t	 pending;

	if (memchr(line, '\n', len) != NULL) {
		errno = EINVAL;
		return -1;
	}
	pending = w->end - w->start;
	if (pending > w->maxqueue || len >= w->maxqueue - pending) {
		errno = EMSGSIZE;
		return -1;
	}
	if (writer_reserve(w, len + 1) == -1)
		return -1;
	memcpy(w->buf + w->end, line, len);
	w->buf[w->end + len] = '\n';
	w->end += len + 1;
	return 0;
}

size_t
ndjson_writer_pending(const struct ndjson_writer *w)
{
	return w->end - w->start;
}

const char *
ndjson_writer_peek(const struct ndjson_writer *w, size_t *len)
{
	*len = w->end - w->start;
	if (w->buf == NULL)
		return "";
	return w->buf + w->start;
}

void
ndjson_writer_consume(struct ndjson_writer *w, size_t n)
{
	if (n > w->end - w->start)
		n = w->end - w->start;
	w->start += n;
	if (w->start == w->end)
		w->start = w->end = 0;
}

int
ndjson_writer_flush(struct ndjson_writer *w, int fd)
{
	ssize_t	 n;
	int	 use_write = 0;

	while (w->start < w->end) {
		/* send() so that a vanished peer is EPIPE, not SIGPIPE. */
		if (use_write)
			n = write(fd, w->buf + w->start, w->end - w->start);
		else
			n = send(fd, w->buf + w->start, w->end - w->start,
			    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOTSOCK && !use_write) {
				use_write = 1;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			return -1;
		}
		if (n == 0)
			return 1;
		ndjson_writer_consume(w, n);
	}
	return 0;
}
