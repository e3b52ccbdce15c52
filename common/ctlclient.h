/*
 * ctlclient.h: the client side of the streamer's control channel, for
 * programs that talk to it one request at a time (the FastCGI handler,
 * maskstreamctl): connect, send a request line, wait for its reply line
 * with a timeout, or read a subscription's message lines.
 */
#ifndef MS_CTLCLIENT_H
#define MS_CTLCLIENT_H

#include <stddef.h>

#include <json-c/json.h>

#include "ndjson.h"

struct ctlclient {
	int			fd;	/* -1 when not connected */
	struct ndjson_reader	rd;
	int			timeout_ms;
};

/*
 * Connects to the control socket at path.  Replies longer than maxline
 * are refused.  0, or -1 with errno (ENOENT, ECONNREFUSED: the streamer
 * is not running) and *errstr.
 */
int	ctlclient_open(struct ctlclient *c, const char *path, size_t maxline,
	    int timeout_ms, const char **errstr);
void	ctlclient_close(struct ctlclient *c);

/*
 * Sends req (built with ctlproto.h) and returns the parsed reply
 * object, which the caller puts.  NULL with *errstr when the connection
 * failed, timed out or answered something that is not a JSON object; the
 * connection is then closed.
 */
struct json_object *ctlclient_call(struct ctlclient *c,
	    struct json_object *req, const char **errstr);

/*
 * Waits up to timeout_ms (-1: forever) for the next line.  Returns 1 and
 * the line (valid until the next call), 0 on timeout, -1 with *errstr
 * when the connection ended or failed.
 */
int	ctlclient_read_line(struct ctlclient *c, int timeout_ms, char **line,
	    size_t *len, const char **errstr);

#endif
