/*
 * wsconn.c: the client's side of the WebSocket opening handshake
 * (RFC 6455 section 4.1) and the few fields of a stream message the
 * load generator reads (docs/protocol.md): its type, ts_us and, for a
 * preview, the encoding.  They sit near the start of every message.
 * With --stamp a preview's time is instead the one bench/pubload wrote
 * into its first voxels.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "loadgen.h"

#define RESPONSE_MAX	4096

/* The upgrade request for path on host:port; its length, 0 if too long. */
size_t
wsconn_request(char *buf, size_t cap, const char *host, int port,
    const char *path)
{
	int n;

	n = snprintf(buf, cap, "GET %s HTTP/1.1\r\n"
	    "Host: %s:%d\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: " LG_WS_KEY "\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "\r\n", path, host, port);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* Does the header block have "name: value" (name in any case)? */
static int
has_header(const char *hdr, size_t len, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	const char *p = hdr, *end = hdr + len, *eol;

	while (p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
		    p[nlen] == ':') {
			p += nlen + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			if ((size_t)(eol - p) >= vlen &&
			    strncmp(p, value, vlen) == 0)
				return 1;
		}
		p = eol + 1;
	}
	return 0;
}

/*
 * Reads the server's answer in buf.  Returns 0 while it is incomplete,
 * 1 once a valid 101 has arrived (hdrlen: its length; what follows are
 * frames), or -1 with errstr (and status, if there was one) otherwise.
 */
int
wsconn_response(const char *buf, size_t len, size_t *hdrlen, int *status,
    const char **errstr)
{
	const char *end;
	char *num;
	long code;

	*status = 0;
	if ((end = memmem(buf, len, "\r\n\r\n", 4)) == NULL) {
		if (len >= RESPONSE_MAX) {
			*errstr = "an answer header over 4 KiB";
			return -1;
		}
		return 0;
	}
	*hdrlen = (size_t)(end - buf) + 4;
	if (len < 12 || strncmp(buf, "HTTP/1.1 ", 9) != 0) {
		*errstr = "not an HTTP/1.1 answer";
		return -1;
	}
	errno = 0;
	code = strtol(buf + 9, &num, 10);
	if (errno != 0 || num != buf + 12 || code < 100 || code > 599) {
		*errstr = "a malformed status line";
		return -1;
	}
	*status = (int)code;
	if (code != 101) {
		*errstr = "refused";
		return -1;
	}
	if (!has_header(buf, *hdrlen, "Sec-WebSocket-Accept", LG_WS_ACCEPT)) {
		*errstr = "a wrong Sec-WebSocket-Accept";
		return -1;
	}
	return 1;
}

/*
 * For a preview, sets ts_us and copies its encoding (empty if not in
 * the prefix) and returns 1; returns 0 for other messages and -1 for a
 * preview whose ts_us is not in the prefix or not a number.
 */
int
wsconn_preview(const char *prefix, int64_t *ts_us, char *enc, size_t enclen)
{
	const char *p, *q;
	long long v;
	char *end;
	size_t n;

	if (strstr(prefix, "\"type\":\"preview\"") == NULL)
		return 0;
	if ((p = strstr(prefix, "\"ts_us\":")) == NULL)
		return -1;
	p += 8;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (errno != 0 || (*end != ',' && *end != '}'))
		return -1;
	*ts_us = v;
	enc[0] = '\0';
	if ((p = strstr(prefix, "\"encoding\":\"")) != NULL) {
		p += 12;
		if ((q = strchr(p, '"')) != NULL &&
		    (n = (size_t)(q - p)) < enclen) {
			memcpy(enc, p, n);
			enc[n] = '\0';
		}
	}
	return 1;
}

/*
 * The stamp bench/pubload wrote into a published preview: its first 8
 * voxels, the wall-clock microseconds (little-endian) when the PUT that
 * carried it began.  It is in the first 12 characters of a base64
 * payload, which the message's prefix holds.  1 and *ts_us set, or -1.
 */
int
wsconn_stamp(const char *prefix, int64_t *ts_us)
{
	const char *p;
	uint8_t b[9];
	uint64_t v = 0;
	size_t n;
	int i;
	const char *errstr;

	if ((p = strstr(prefix, "\"payload\":\"")) == NULL)
		return -1;
	p += 11;
	/* 9 bytes, or 8 for a preview of exactly 8 voxels ("...=="). */
	if (strlen(p) < 12 ||
	    b64_decode(b, sizeof(b), p, 12, &n, &errstr) == -1 || n < 8)
		return -1;
	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	if (v > INT64_MAX)
		return -1;
	*ts_us = (int64_t)v;
	return 1;
}
