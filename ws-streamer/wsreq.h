/*
 * wsreq.h: what a WebSocket handshake asks for: the job in its path
 * (/ws/jobs/{id}) and the optional since, epoch and encoding query
 * arguments.
 * Pure functions, so they can be tested and fuzzed
 * without a socket.
 */
#ifndef MS_WSREQ_H
#define MS_WSREQ_H

#include <stddef.h>
#include <stdint.h>

#include "id.h"
#include "msg.h"

/*
 * Takes the job id out of a request path (without its query).  Returns
 * 0, or the HTTP status to refuse with: 404 for a path that is not
 * /ws/jobs/ followed by one segment, 400 when that segment is not a job
 * id.  *errstr says why.
 */
int	wsreq_path(const char *path, size_t len, char id[ID_JOB_LEN + 1],
	    const char **errstr);

/* A since argument: a decimal integer 0..2^53-1.  0, or -1. */
int	wsreq_since(const char *s, int64_t *since);

/* An epoch argument: 1..63 printable ASCII characters.  0, or -1. */
int	wsreq_epoch(const char *s);

/*
 * An encoding argument (the WebSocket's and the control channel's
 * subscribe): "base64" or "deflate".  0 and *enc set, or -1.
 */
int	wsreq_encoding(const char *s, enum msg_encoding *enc);

#endif
