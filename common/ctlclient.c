/*
 * ctlclient.c: a blocking-with-timeouts client of the control channel.
 * The socket is non-blocking and every wait goes through poll(2), so a
 * stuck streamer costs a caller its timeout, never its thread.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlclient.h"
#include "ctlproto.h"
#include "jsontext.h"
#include "now.h"
#include "unixsock.h"

int
ctlclient_open(struct ctlclient *c, const char *path, size_t maxline,
    int timeout_ms, const char **errstr)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	if (ndjson_reader_init(&c->rd, maxline) == -1) {
		*errstr = "out of memory";
		return -1;
	}
	if ((c->fd = unixsock_connect(path, 1, errstr)) == -1) {
		int saved = errno;

		ndjson_reader_free(&c->rd);
		errno = saved;
		return -1;
	}
	return 0;
}

void
ctlclient_close(struct ctlclient *c)
{
	if (c->fd != -1) {
		close(c->fd);
		ndjson_reader_free(&c->rd);
	}
	c->fd = -1;
}

/* Milliseconds left until deadline (monotonic us); -1 means no deadline. */
static int
remaining(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = (deadline - now_mono_us()) / 1000;
	return left > 0 ? (int)left : 0;
}

static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { fd, events, 0 };
	int r;

	do
		r = poll(&p, 1, remaining(deadline));
	while (r == -1 && errno == EINTR);
	return r;
}

static int
send_all(struct ctlclient *c, const char *buf, size_t len, int64_t deadline,
    const char **errstr)
{
	ssize_t n;

	while (len > 0) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n == -1 && errno == EINTR)
			continue;
		else if (n == -1 && errno == EAGAIN) {
			if (wait_fd(c->fd, POLLOUT, deadline) <= 0) {
				*errstr = "timed out sending to the streamer";
				return -1;
			}
		} else {
			*errstr = "lost the connection to the streamer";
			return -1;
		}
	}
	return 0;
}

static int
read_line(struct ctlclient *c, int64_t deadline, char **line, size_t *len,
    const char **errstr)
{
	ssize_t n;
	int r;

	for (;;) {
		if ((r = ndjson_reader_next(&c->rd, line, len)) == 1 &&
		    *len > 0)
			return 1;
		if (r == -1) {
			*errstr = "the streamer's reply is too long";
			return -1;
		}
		if (r == 1)
			continue;	/* an empty line */
		n = ndjson_reader_fill(&c->rd, c->fd);
		if (n > 0)
			continue;
		if (n == -1 && errno == EAGAIN) {
			if ((r = wait_fd(c->fd, POLLIN, deadline)) == 0)
				return 0;
			if (r > 0)
				continue;
		}
		*errstr = n == 0 ? "the streamer closed the connection" :
		    "lost the connection to the streamer";
		return -1;
	}
}

int
ctlclient_read_line(struct ctlclient *c, int timeout_ms, char **line,
    size_t *len, const char **errstr)
{
	int64_t deadline = timeout_ms < 0 ? -1 :
	    now_mono_us() + (int64_t)timeout_ms * 1000;

	return read_line(c, deadline, line, len, errstr);
}

struct json_object *
ctlclient_call(struct ctlclient *c, struct json_object *req,
    const char **errstr)
{
	int64_t deadline = now_mono_us() + (int64_t)c->timeout_ms * 1000;
	struct json_object *reply;
	enum jsontext_error jerr;
	const char *text;
	size_t len;
	char *buf, *line;
	int r;

	text = json_object_to_json_string_length(req,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	/* The line and its newline in one send: one wake-up of the streamer. */
	if ((buf = malloc(len + 1)) == NULL) {
		*errstr = "out of memory";
		goto fail;
	}
	memcpy(buf, text, len);
	buf[len] = '\n';
	r = send_all(c, buf, len + 1, deadline, errstr);
	free(buf);
	if (r == -1)
		goto fail;
	if ((r = read_line(c, deadline, &line, &len, errstr)) != 1) {
		if (r == 0)
			*errstr = "the streamer did not answer in time";
		goto fail;
	}
	reply = jsontext_parse(line, len, CTLPROTO_DEPTH, &jerr);
	if (reply == NULL || !json_object_is_type(reply, json_type_object)) {
		json_object_put(reply);
		*errstr = "the streamer's reply is not a JSON object";
		goto fail;
	}
	return reply;
fail:
	ctlclient_close(c);
	return NULL;
}
