/*
 * wsframe.c: reads the frames a WebSocket server sends (RFC 6455
 * section 5) from bytes fed in any pieces, without keeping messages:
 * a data message is reported once complete, with its length and its
 * first bytes, which hold the fields the load generator reads.  Also
 * builds the small masked control frames a client sends back.
 */
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

#define OP_CONT		0x0
#define OP_TEXT		0x1
#define OP_BINARY	0x2
#define OP_CLOSE	0x8
#define OP_PING		0x9
#define OP_PONG		0xa
#define MESSAGE_MAX	(256ULL << 20)	/* far above any preview */

void
wsf_init(struct wsf *f)
{
	memset(f, 0, sizeof(*f));
}

/* The header's length once its first two bytes are known. */
static size_t
header_len(const struct wsf *f)
{
	switch (f->hdr[1] & 0x7f) {
	case 126:
		return 4;
	case 127:
		return 10;
	default:
		return 2;
	}
}

static int
start_frame(struct wsf *f, const char **errstr)
{
	uint64_t len = f->hdr[1] & 0x7f;
	int i;

	if (len == 126)
		len = (uint64_t)f->hdr[2] << 8 | f->hdr[3];
	else if (len == 127)
		for (len = 0, i = 2; i < 10; i++)
			len = len << 8 | f->hdr[i];
	f->fin = (f->hdr[0] & 0x80) != 0;
	f->opcode = f->hdr[0] & 0x0f;
	f->left = len;
	if (f->hdr[0] & 0x70) {
		*errstr = "a frame with reserved bits set";
		return -1;
	}
	if (f->hdr[1] & 0x80) {
		*errstr = "a masked frame from the server";
		return -1;
	}
	if (f->opcode >= OP_CLOSE) {
		if (f->opcode > OP_PONG || !f->fin || len > sizeof(f->ctl)) {
			*errstr = "a bad control frame";
			return -1;
		}
		f->ctllen = 0;
		return 0;
	}
	if (f->opcode == OP_CONT) {
		if (f->msg_opcode == 0) {
			*errstr = "a continuation without a message";
			return -1;
		}
	} else if (f->opcode == OP_TEXT || f->opcode == OP_BINARY) {
		if (f->msg_opcode != 0) {
			*errstr = "a new message inside a fragmented one";
			return -1;
		}
		f->msg_opcode = f->opcode;
		f->msglen = 0;
		f->prefixlen = 0;
	} else {
		*errstr = "an unknown opcode";
		return -1;
	}
	if (f->msglen + len > MESSAGE_MAX) {
		*errstr = "a message over 256 MiB";
		return -1;
	}
	return 0;
}

static void
take_payload(struct wsf *f, const unsigned char *p, size_t n)
{
	size_t room;

	if (f->opcode >= OP_CLOSE) {
		memcpy(f->ctl + f->ctllen, p, n);
		f->ctllen += n;
		return;
	}
	f->msglen += n;
	room = LG_PREFIX_MAX - f->prefixlen;
	if (room > n)
		room = n;
	memcpy(f->prefix + f->prefixlen, p, room);
	f->prefixlen += room;
}

/* A frame ended: report what it completed.  Returns the callback's. */
static int
end_frame(struct wsf *f, wsf_cb cb, void *arg)
{
	struct wsf_frame ev;

	memset(&ev, 0, sizeof(ev));
	f->hdrlen = 0;
	f->in_payload = 0;
	switch (f->opcode) {
	case OP_CLOSE:
	case OP_PING:
	case OP_PONG:
		ev.event = f->opcode == OP_CLOSE ? WSF_CLOSE :
		    f->opcode == OP_PING ? WSF_PING : WSF_PONG;
		ev.ctl = f->ctl;
		ev.ctllen = f->ctllen;
		return cb(arg, &ev);
	default:
		if (!f->fin)
			return 0;
		f->prefix[f->prefixlen] = '\0';
		ev.event = WSF_MESSAGE;
		ev.text = f->msg_opcode == OP_TEXT;
		ev.len = f->msglen;
		ev.prefix = f->prefix;
		ev.prefixlen = f->prefixlen;
		f->msg_opcode = 0;
		return cb(arg, &ev);
	}
}

/*
 * Feeds n bytes.  Returns 0 when all were taken, -1 on a protocol error
 * (errstr says which), or the callback's non-zero answer, which stops
 * the feed.
 */
int
wsf_feed(struct wsf *f, const unsigned char *p, size_t n, wsf_cb cb,
    void *arg, const char **errstr)
{
	size_t take, need;
	int r;

	while (n > 0) {
		if (!f->in_payload) {
			need = f->hdrlen < 2 ? 2 : header_len(f);
			take = need - f->hdrlen;
			if (take > n)
				take = n;
			memcpy(f->hdr + f->hdrlen, p, take);
			f->hdrlen += take;
			p += take;
			n -= take;
			if (f->hdrlen < 2 || f->hdrlen < header_len(f))
				continue;
			if (start_frame(f, errstr) == -1)
				return -1;
			f->in_payload = 1;
			if (f->left == 0 && (r = end_frame(f, cb, arg)) != 0)
				return r;
			continue;
		}
		take = f->left < n ? (size_t)f->left : n;
		take_payload(f, p, take);
		f->left -= take;
		p += take;
		n -= take;
		if (f->left == 0 && (r = end_frame(f, cb, arg)) != 0)
			return r;
	}
	return 0;
}

/*
 * Writes a client's control frame (FIN, masked, at most 125 bytes of
 * payload) into buf; returns its length, 0 if it does not fit.
 */
size_t
wsf_client_frame(unsigned char *buf, size_t cap, int opcode,
    const unsigned char *payload, size_t len)
{
	uint32_t key = (uint32_t)random();
	unsigned char mask[4];
	size_t i;

	if (len > 125 || cap < len + 6)
		return 0;
	memcpy(mask, &key, sizeof(mask));
	buf[0] = (unsigned char)(0x80 | opcode);
	buf[1] = (unsigned char)(0x80 | len);
	memcpy(buf + 2, mask, 4);
	for (i = 0; i < len; i++)
		buf[6 + i] = payload[i] ^ mask[i % 4];
	return len + 6;
}
