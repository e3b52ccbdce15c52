/*
 * ws.c: the WebSocket protocol of the streamer.  The handshake is
 * checked before the upgrade (path, job, token, origin, limits), so a
 * refused client gets a plain HTTP status; an accepted one becomes a
 * subscriber (sub.c, fanout.c).  Clients need not send anything: what
 * they send is read, bounded and ignored.
 */
#include <string.h>

#include <libwebsockets.h>

#include "log.h"
#include "streamer.h"
#include "wsreq.h"

#define WS_CLIENT_MSG_MAX	4096
/* lws's receive buffer, allocated per connection at its first frame (a
 * pong at the latest): client messages are only counted, in pieces. */
#define WS_RX_CHUNK		256
#define WS_CLIENT_MSG_RATE	10	/* per second */
#define WS_QUERY_MAX		512	/* bytes of query arguments */

struct ws_session {
	struct sub	sub;
	struct keepalive ka;
	int		attached;
	size_t		rx_len;		/* of the client message so far */
	int64_t		rx_window;	/* start of the rate window */
	int		rx_count;
};

/* A handshake's request after its checks, or why it was refused. */
struct ws_request {
	struct job	*job;
	int		 has_since;
	int64_t		 since;
	char		 epoch[MSG_EPOCH_MAX];
	enum msg_encoding encoding;
	int		 status;	/* 0, or the HTTP status to refuse with */
	const char	*why;
};

static int
refuse(struct ws_request *r, int status, const char *why)
{
	r->status = status;
	r->why = why;
	return -1;
}

static int
origin_allowed(struct lws *wsi)
{
	const char *list = streamer->set.origins, *p;
	char origin[256];
	size_t n;

	if (list == NULL || lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) == 0)
		return 1;	/* native clients send no Origin */
	if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0)
		return 0;	/* too long to be on any list */
	n = strlen(origin);
	for (p = list; *p != '\0'; p += strcspn(p, ",")) {
		p += strspn(p, ", ");
		if (strncmp(p, origin, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	}
	return 0;
}

/* A query argument's value: lws copies "name=value" into buf and points
 * past the name. */
static const char *
query_arg(struct lws *wsi, const char *name, char *buf, int len)
{
	return lws_get_urlarg_by_name(wsi, name, buf, len);
}

/*
 * lws stops looking for an argument at the first one longer than its
 * buffer, so a long argument could hide the ones after it: the whole
 * query must fit in one.
 */
static int
check_query_length(struct lws *wsi, struct ws_request *r)
{
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS) >
	    WS_QUERY_MAX)
		return refuse(r, 400, "query too long");
	return 0;
}

static int
check_token(struct lws *wsi, const struct job *job, struct ws_request *r)
{
	char hdr[256], arg[WS_QUERY_MAX + 1];
	const char *tok = NULL;
	size_t len = 0;

	if (lws_hdr_copy(wsi, hdr, sizeof(hdr),
	    WSI_TOKEN_HTTP_AUTHORIZATION) > 0) {
		if (id_bearer(hdr, &tok, &len) == -1)
			return refuse(r, 401, "Authorization must be "
			    "\"Bearer <token>\"");
	} else if ((tok = query_arg(wsi, "token=", arg, sizeof(arg))) != NULL)
		len = strlen(tok);
	if (tok == NULL)
		return refuse(r, 401, "this job needs its token");
	/* Either of the job's tokens opens its stream. */
	if (!id_token_matches(job->token_hash, tok, len) &&
	    (!job->has_producer_token ||
	    !id_token_matches(job->producer_token_hash, tok, len)))
		return refuse(r, 403, "wrong token for this job");
	return 0;
}

static int
check_query(struct lws *wsi, struct ws_request *r)
{
	char arg[WS_QUERY_MAX + 1];
	const char *v;

	if ((v = query_arg(wsi, "since=", arg, sizeof(arg))) != NULL) {
		if (wsreq_since(v, &r->since) == -1)
			return refuse(r, 400, "since must be an integer "
			    "0..2^53-1");
		r->has_since = 1;
	}
	if ((v = query_arg(wsi, "epoch=", arg, sizeof(arg))) != NULL) {
		if (wsreq_epoch(v) == -1)
			return refuse(r, 400, "malformed epoch");
		strcpy(r->epoch, v);
	}
	if ((v = query_arg(wsi, "encoding=", arg, sizeof(arg))) != NULL &&
	    wsreq_encoding(v, &r->encoding) == -1)
		return refuse(r, 400, "encoding must be base64 or deflate");
	return 0;
}

/* Everything a handshake must pass, in the order a client learns of it. */
static int
check_request(struct lws *wsi, struct ws_request *r)
{
	char path[256], id[ID_JOB_LEN + 1];
	const char *why;
	int len, status;

	memset(r, 0, sizeof(*r));
	if (streamer->stopping)
		return refuse(r, 503, "the streamer is shutting down");
	len = lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI);
	if (len <= 0)
		return refuse(r, 404, "no such endpoint");
	if ((status = wsreq_path(path, (size_t)len, id, &why)) != 0)
		return refuse(r, status, why);
	if (check_query_length(wsi, r) == -1 || check_query(wsi, r) == -1)
		return -1;
	if (!origin_allowed(wsi))
		return refuse(r, 403, "origin not allowed");
	if ((r->job = job_find(&streamer->reg, id)) == NULL)
		return refuse(r, 404, "no such job");
	if (check_token(wsi, r->job, r) == -1)
		return -1;
	if (streamer->reg.stats.ws_subscribers >=
	    (uint64_t)streamer->set.max_subscribers)
		return refuse(r, 503, "the streamer has as many subscribers "
		    "as it may");
	if (r->job->nsubs >= (size_t)streamer->set.max_job_subscribers)
		return refuse(r, 503, "this job has as many subscribers as "
		    "it may");
	return 0;
}

static int
confirm_upgrade(struct lws *wsi, const char *proto)
{
	struct ws_request r;

	if (proto == NULL || strcmp(proto, "websocket") != 0)
		return 0;
	if (check_request(wsi, &r) == 0)
		return 0;
	log_debug("%s: refused with %d: %s", __func__, r.status, r.why);
	if (lws_return_http_status(wsi, (unsigned int)r.status, r.why))
		return -1;
	return 1;
}

static int
established(struct lws *wsi, struct ws_session *ws)
{
	struct ws_request r;

	ws->sub.conn = wsi;
	ws->sub.ka = &ws->ka;
	streamer->reg.stats.ws_connections++;
	keepalive_start(&ws->ka, wsi, now_mono_us());
	if (check_request(wsi, &r) == -1) {
		/* The job ended and was forgotten since the check. */
		lws_close_reason(wsi, (enum lws_close_status)4500,
		    (unsigned char *)"job gone", 8);
		return -1;
	}
	ws->sub.encoding = r.encoding;
	if (sub_attach(&streamer->reg, &ws->sub, r.job, r.has_since, r.since,
	    r.epoch[0] != '\0' ? r.epoch : NULL) == -1) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    NULL, 0);
		return -1;
	}
	ws->attached = 1;
	streamer->reg.stats.ws_subscribers++;
	lws_callback_on_writable(wsi);
	return 0;
}

/*
 * Closes with code at the next WRITEABLE (fanout_writeable), not at once:
 * lws 4.1 closes a connection that still has part of a message buffered
 * for it without the close frame, and the client would never see code.
 */
static int
close_later(struct lws *wsi, struct ws_session *ws, int code)
{
	ws->sub.close_code = code;
	lws_callback_on_writable(wsi);
	return 0;
}

/* Client messages are ignored, but only small and few of them. */
static int
receive(struct lws *wsi, struct ws_session *ws, size_t len)
{
	int64_t now;

	keepalive_heard(&ws->ka);
	if (ws->sub.close_code != 0)
		return 0;	/* closing: the rest is not looked at */
	ws->rx_len += len;
	if (ws->rx_len > WS_CLIENT_MSG_MAX)
		return close_later(wsi, ws, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE);
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	ws->rx_len = 0;
	now = now_mono_us();
	if (now - ws->rx_window > 1000000) {
		ws->rx_window = now;
		ws->rx_count = 0;
	}
	if (++ws->rx_count > WS_CLIENT_MSG_RATE)
		return close_later(wsi, ws, LWS_CLOSE_STATUS_POLICY_VIOLATION);
	return 0;
}

static int
closed(struct ws_session *ws)
{
	if (ws->sub.conn == NULL)
		return 0;	/* refused before it was established */
	streamer->reg.stats.ws_connections--;
	keepalive_stop(&ws->ka);
	if (ws->attached) {
		sub_detach(&ws->sub);
		streamer->reg.stats.ws_subscribers--;
		ws->attached = 0;
	}
	ws->sub.conn = NULL;
	return 0;
}

/*
 * A ping the keepalive sweep asked for goes first, then the messages.
 * lws 4.1 reports no pong without a payload: it carries the time.
 */
static int
writeable(struct lws *wsi, struct ws_session *ws)
{
	unsigned char buf[LWS_PRE + sizeof(int64_t)];
	int64_t now;

	if (ws->sub.close_code == 0 && keepalive_take_ping(&ws->ka)) {
		now = now_mono_us();
		memcpy(buf + LWS_PRE, &now, sizeof(now));
		if (lws_write(wsi, buf + LWS_PRE, sizeof(now),
		    LWS_WRITE_PING) < (int)sizeof(now))
			return -1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	return fanout_writeable(&ws->sub);
}

static int
callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct ws_session *ws = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		/* Plain HTTP on any path: nothing is served but upgrades. */
		if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND,
		    "no such endpoint"))
			return -1;
		return lws_http_transaction_completed(wsi);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return confirm_upgrade(wsi, in);
	case LWS_CALLBACK_ESTABLISHED:
		return established(wsi, ws);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (streamer->stopping) {
			ws->sub.closing = 1;
			lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY,
			    (unsigned char *)"shutting down", 13);
			return -1;
		}
		return writeable(wsi, ws);
	case LWS_CALLBACK_RECEIVE:
		return receive(wsi, ws, len);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		/* lws answers it; nothing may follow the close frames. */
		ws->sub.closing = 1;
		return 0;
	case LWS_CALLBACK_RECEIVE_PONG:
		keepalive_heard(&ws->ka);
		return 0;
	case LWS_CALLBACK_CLOSED:
		return closed(ws);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		streamer_event();
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

const struct lws_protocols ws_protocols[] = {
	/* tx_packet_size: lws would cut every write at the rx size and
	 * queue a copy of the rest; a fragment goes out whole instead. */
	{ "maskstream", callback_ws, sizeof(struct ws_session),
	    WS_RX_CHUNK, 0, NULL, 65536 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};
