/*
 * wsreq.c: parsing of the parts of a WebSocket handshake the streamer
 * reads.  Every byte a client sends in the path, the query or the
 * Authorization header is checked here before anything looks it up.
 */
#include <string.h>

#include "wsreq.h"

#define PREFIX		"/ws/jobs/"
#define SAFE_INT_MAX	9007199254740991LL

int
wsreq_path(const char *path, size_t len, char id[ID_JOB_LEN + 1],
    const char **errstr)
{
	size_t plen = sizeof(PREFIX) - 1;
	const char *seg = path + plen;
	size_t slen = len - plen;

	if (len <= plen || memcmp(path, PREFIX, plen) != 0 ||
	    memchr(seg, '/', slen) != NULL) {
		*errstr = "no such endpoint: WebSockets are served on "
		    "/ws/jobs/{id}";
		return 404;
	}
	if (!id_job_valid(seg, slen)) {
		*errstr = "malformed job id: 32 lowercase hexadecimal "
		    "characters expected";
		return 400;
	}
	memcpy(id, seg, ID_JOB_LEN);
	id[ID_JOB_LEN] = '\0';
	return 0;
}

int
wsreq_since(const char *s, int64_t *since)
{
	int64_t v = 0;

	if (*s == '\0' || strlen(s) > 16)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > SAFE_INT_MAX)
		return -1;
	*since = v;
	return 0;
}

int
wsreq_epoch(const char *s)
{
	return msg_epoch_valid(s, strlen(s)) ? 0 : -1;
}

int
wsreq_encoding(const char *s, enum msg_encoding *enc)
{
	if (strcmp(s, "base64") == 0)
		*enc = MSG_ENC_BASE64;
	else if (strcmp(s, "deflate") == 0)
		*enc = MSG_ENC_DEFLATE;
	else
		return -1;
	return 0;
}
