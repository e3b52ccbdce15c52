/*
 * ndjson.h: framing of the control channel, newline-delimited JSON over
 * Unix stream sockets.  The reader collects lines from partial reads up
 * to a maximum length; the writer queues whole lines and drains them
 * through partial writes and EAGAIN, up to a maximum queue size.
 */
#ifndef MS_NDJSON_H
#define MS_NDJSON_H

#include <stddef.h>
#include <sys/types.h>

struct ndjson_reader {
	char	*buf;
	size_t	 cap;		/* allocated */
	size_t	 start;		/* first unconsumed byte */
	size_t	 end;		/* one past the last byte held */
	size_t	 scan;		/* bytes before here hold no newline */
	size_t	 maxline;	/* longest line accepted, without '\n' */
	int	 failed;	/* an over-long line was seen */
};

/* A reader accepting lines of up to maxline bytes.  0, or -1 (ENOMEM). */
int	ndjson_reader_init(struct ndjson_reader *r, size_t maxline);
void	ndjson_reader_free(struct ndjson_reader *r);

/*
 * Appends len bytes received from the peer.  Returns 0, or -1 when the
 * reader has failed (over-long line) or memory ran out.  Memory held is
 * bounded by maxline plus the largest single feed.
 */
int	ndjson_reader_feed(struct ndjson_reader *r, const void *data,
	    size_t len);

/*
 * Reads once from fd into the reader (at most the room up to maxline,
 * and never less than 1 byte of room).  Returns the byte count, 0 at
 * end of file, or -1 with errno (EAGAIN on a non-blocking socket with
 * nothing to read, EMSGSIZE once the reader has failed).
 */
ssize_t	ndjson_reader_fill(struct ndjson_reader *r, int fd);

/*
 * Takes the next complete line.  Returns 1 and sets *line (NUL-terminated
 * in place, '\n' and a trailing '\r' removed) and *len; the line stays
 * valid until the next feed or fill.  An empty line is returned too,
 * with *len 0; callers skip it.  maxline counts every byte before the
 * '\n', a '\r' included.  Returns 0 when no complete line is held, and
 * -1 once a line longer than maxline arrived (complete or not): the
 * connection should then be answered with an error and closed.  Take
 * lines until 0 after each feed or fill, or the buffer keeps growing.
 */
int	ndjson_reader_next(struct ndjson_reader *r, char **line, size_t *len);

struct ndjson_writer {
	char	*buf;
	size_t	 cap;
	size_t	 start;		/* first byte not yet written */
	size_t	 end;
	size_t	 maxqueue;	/* most bytes held unwritten */
};

int	ndjson_writer_init(struct ndjson_writer *w, size_t maxqueue);
void	ndjson_writer_free(struct ndjson_writer *w);

/*
 * Queues one line (len bytes, must not contain '\n'; the newline is
 * added).  Returns 0, or -1 with errno EMSGSIZE when the queue would
 * exceed maxqueue, EINVAL when the line holds a newline, ENOMEM.
 * Nothing is queued on failure.
 */
int	ndjson_writer_put(struct ndjson_writer *w, const char *line,
	    size_t len);

/* Bytes queued and not yet written. */
size_t	ndjson_writer_pending(const struct ndjson_writer *w);

/* The queued bytes, for writers that are not plain fds (lws). */
const char *ndjson_writer_peek(const struct ndjson_writer *w, size_t *len);

/* Marks n queued bytes as written. */
void	ndjson_writer_consume(struct ndjson_writer *w, size_t n);

/*
 * Writes as much as fd takes.  Returns 0 when the queue is empty, 1 when
 * bytes remain (the socket said EAGAIN), -1 with errno on error.  EINTR
 * is retried.
 */
int	ndjson_writer_flush(struct ndjson_writer *w, int fd);

#endif
