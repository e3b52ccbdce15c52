/*
 * net.c: the viewer's connection to its job, through nginx as a
 * WebSocket (libwebsockets client) or straight to the streamer's control
 * socket as "subscribe".  It hands every message to the model, and when
 * the connection drops it reconnects with capped, jittered exponential
 * backoff, resuming with since=<last seq> and the epoch it saw.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "ctlproto.h"
#include "jsontext.h"
#include "ndjson.h"
#include "net.h"
#include "now.h"
#include "unixsock.h"

#define RX_MAX		(8u << 20)	/* one message, reassembled */
#define BACKOFF_FIRST_MS	250
#define BACKOFF_CAP_MS		10000

static struct net	*net;

static void	connect_now(lws_sorted_usec_list_t *);

void
net_init(struct net *n, struct lws_context *ctx, const struct options *opt,
    struct model *model)
{
	memset(n, 0, sizeof(*n));
	n->ctx = ctx;
	n->opt = opt;
	n->model = model;
	net = n;
}

void
net_free(struct net *n)
{
	/* net_stop() cancelled the retry; the context is gone by now. */
	free(n->rx);
	ndjson_reader_free(&n->rd);
	n->rx = NULL;
}

/* "http://host:port" or "ws://host:port", an optional trailing '/'. */
int
net_parse_url(const char *url, char *host, size_t hostlen, int *port)
{
	const char *p = url, *colon, *end;
	long v;
	char *e;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "ws://", 5) == 0)
		p += 5;
	else
		return -1;
	end = p + strcspn(p, "/");
	if (*end == '/' && end[1] != '\0')
		return -1;
	colon = memchr(p, ':', (size_t)(end - p));
	*port = 80;
	if (colon != NULL) {
		v = strtol(colon + 1, &e, 10);
		if (e != end || v < 1 || v > 65535)
			return -1;
		*port = (int)v;
	} else
		colon = end;
	if (colon == p || (size_t)(colon - p) >= hostlen)
		return -1;
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = '\0';
	return 0;
}

static void
set_conn(enum conn_state c)
{
	net->model->conn = c;
	if (net->changed != NULL)
		net->changed(0);
}

/* The connection is over for good: report and maybe stop. */
static void
finish(int code)
{
	net->finished = 1;
	net->exit_code = code;
	set_conn(CONN_CLOSED);
}

static void
schedule_retry(void)
{
	int64_t ms = BACKOFF_FIRST_MS;
	int i;

	for (i = 0; i < net->attempt && ms < BACKOFF_CAP_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_CAP_MS)
		ms = BACKOFF_CAP_MS;
	/* Jitter: half to all of it, so viewers do not return in step. */
	ms = ms / 2 + (int64_t)(random() % (ms / 2 + 1));
	net->attempt++;
	set_conn(CONN_RECONNECTING);
	lws_sul_schedule(net->ctx, 0, &net->retry, connect_now, ms * 1000);
}

/* After a connection ended: what next, from what it said last. */
static void
ended(int refused_status)
{
	struct model *m = net->model;

	net->wsi = NULL;
	if (net->finished)
		return;		/* stopping: the context is going away */
	if (m->terminal) {
		finish(0);
		return;
	}
	if (net->close_code >= 4500 && net->close_code <= 4999) {
		model_note(m, "the server said not to reconnect (%d)",
		    net->close_code);
		finish(1);
		return;
	}
	if (refused_status >= 400 && refused_status < 500 &&
	    refused_status != 429) {
		model_note(m, "refused with HTTP %d", refused_status);
		finish(1);
		return;
	}
	schedule_retry();
}

static void
deliver(const char *text, size_t len)
{
	struct model *m = net->model;
	int type;

	type = model_apply(m, text, len, now_wall_us(),
	    net->opt->headless ? stdout : NULL);
	/* Backoff restarts only once the server really served us. */
	if (type != -1)
		net->attempt = 0;
	if (type == MSG_PREVIEW && net->opt->frames > 0 &&
	    m->previews >= (uint64_t)net->opt->frames)
		net->frames_done = 1;
	if (net->changed != NULL)
		net->changed(type == MSG_PREVIEW);
}

/* Path and query of the WebSocket, resuming where we were. */
static void
ws_path(char *buf, size_t len)
{
	const struct model *m = net->model;

	if (m->last_seq >= 0 && m->epoch[0] != '\0')
		snprintf(buf, len, "/ws/jobs/%s?encoding=%s&since=%lld&epoch=%s",
		    m->job_id, net->opt->encoding, (long long)m->last_seq,
		    m->epoch);
	else
		snprintf(buf, len, "/ws/jobs/%s?encoding=%s", m->job_id,
		    net->opt->encoding);
}

static void
connect_ws(void)
{
	struct lws_client_connect_info i;
	char path[256];

	ws_path(path, sizeof(path));
	memset(&i, 0, sizeof(i));
	i.context = net->ctx;
	i.address = net->host;
	i.port = net->port;
	i.path = path;
	i.host = net->host;
	i.ietf_version_or_minus_one = -1;
	i.local_protocol_name = "maskstream-view";
	i.pwsi = &net->wsi;
	net->close_code = 0;
	net->rx_len = 0;
	if (lws_client_connect_via_info(&i) == NULL)
		ended(0);
}

static void
connect_control(void)
{
	lws_sock_file_fd_type fd;
	const char *errstr;

	fd.sockfd = unixsock_connect(net->opt->socket, 1, &errstr);
	if (fd.sockfd == -1) {
		model_note(net->model, "%s: %s: %s", net->opt->socket, errstr,
		    strerror(errno));
		ended(0);
		return;
	}
	net->sent_request = 0;
	net->got_reply = 0;
	net->wsi = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(net->ctx,
	    "default"), LWS_ADOPT_SOCKET, fd, "maskstream-view-control", NULL);
	if (net->wsi == NULL)
		ended(0);
}

static void
connect_now(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (net->model->conn != CONN_RECONNECTING)
		set_conn(CONN_CONNECTING);
	if (net->opt->socket != NULL)
		connect_control();
	else
		connect_ws();
}

int
net_start(struct net *n)
{
	if (n->opt->socket == NULL && net_parse_url(n->opt->url, n->host,
	    sizeof(n->host), &n->port) == -1)
		return -1;
	if (ndjson_reader_init(&n->rd, RX_MAX) == -1)
		return -1;
	connect_now(NULL);
	return 0;
}

void
net_stop(struct net *n)
{
	n->finished = 1;
	lws_sul_cancel(&n->retry);
	if (n->wsi != NULL)
		lws_set_timeout(n->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
}

/* Collects a message's fragments; a message over RX_MAX ends the link. */
static int
ws_receive(const void *in, size_t len)
{
	char *grown;

	if (net->rx_len + len + 1 > RX_MAX) {
		model_note(net->model, "a message over %u bytes; reconnecting",
		    RX_MAX);
		return -1;
	}
	if (net->rx_len + len + 1 > net->rx_cap) {
		size_t cap = (net->rx_len + len + 1) * 2;

		if (cap > RX_MAX)
			cap = RX_MAX;
		if ((grown = realloc(net->rx, cap)) == NULL)
			return -1;
		net->rx = grown;
		net->rx_cap = cap;
	}
	memcpy(net->rx + net->rx_len, in, len);
	net->rx_len += len;
	if (!lws_is_final_fragment(net->wsi) ||
	    lws_remaining_packet_payload(net->wsi) > 0)
		return 0;
	net->rx[net->rx_len] = '\0';
	deliver(net->rx, net->rx_len);
	net->rx_len = 0;
	return 0;
}

static int
add_auth(struct lws *wsi, void *in, size_t len)
{
	unsigned char **p = in, *end = *p + len;
	char value[128];

	if (net->opt->token == NULL)
		return 0;
	snprintf(value, sizeof(value), "Bearer %s", net->opt->token);
	return lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)value,
	    (int)strlen(value), p, end) ? -1 : 0;
}

int
net_callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	unsigned char *c = in;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return add_auth(wsi, in, len);
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		set_conn(CONN_LIVE);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return ws_receive(in, len);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2)
			net->close_code = c[0] << 8 | c[1];
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		model_note(net->model, "connection failed: %s",
		    in != NULL ? (const char *)in : "unknown error");
		ended((int)lws_http_client_http_response(wsi));
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		ended(0);
		return 0;
	default:
		return 0;
	}
}

/* The subscribe request, resuming where we were. */
static struct json_object *
subscribe_request(void)
{
	const struct model *m = net->model;
	struct ctlproto_subscription sub;

	memset(&sub, 0, sizeof(sub));
	sub.id = m->job_id;
	sub.token = net->opt->token;
	sub.encoding = net->opt->encoding;
	if (m->last_seq >= 0 && m->epoch[0] != '\0') {
		sub.has_since = 1;
		sub.since = m->last_seq;
		sub.epoch = m->epoch;
	}
	return ctlproto_subscribe(&sub);
}

static int
control_write(struct lws *wsi)
{
	struct json_object *r;
	unsigned char buf[LWS_PRE + 512];
	const char *text;
	size_t len;
	int ok;

	if (net->sent_request)
		return 0;
	if ((r = subscribe_request()) == NULL)
		return -1;
	text = json_object_to_json_string_length(r, JSON_C_TO_STRING_PLAIN,
	    &len);
	ok = len + 1 < sizeof(buf) - LWS_PRE;
	if (ok) {
		memcpy(buf + LWS_PRE, text, len);
		buf[LWS_PRE + len] = '\n';
		ok = lws_write(wsi, buf + LWS_PRE, len + 1, LWS_WRITE_RAW) >= 0;
	}
	json_object_put(r);
	net->sent_request = 1;
	return ok ? 0 : -1;
}

/* The first line answers the subscribe request; the rest are messages. */
static int
control_line(const char *line, size_t len)
{
	struct json_object *reply;
	struct ctlproto_reply r;
	enum jsontext_error jerr;
	const char *why = "unreadable reply";

	if (net->got_reply) {
		deliver(line, len);
		return 0;
	}
	net->got_reply = 1;
	reply = jsontext_parse(line, len, CTLPROTO_DEPTH, &jerr);
	if (reply != NULL && ctlproto_reply_read(reply, CTLPROTO_SUBSCRIBE,
	    &r, &why) == 0 && r.err == CTLPROTO_OK) {
		json_object_put(reply);
		set_conn(CONN_LIVE);
		return 0;
	}
	model_note(net->model, "subscribe refused: %s", reply != NULL &&
	    r.message != NULL ? r.message : why);
	json_object_put(reply);
	net->close_code = 4500;	/* as a refusal: do not retry */
	return -1;
}

static int
control_read(const void *in, size_t len)
{
	size_t n;
	char *line;
	int r;

	if (ndjson_reader_feed(&net->rd, in, len) == -1)
		return -1;
	while ((r = ndjson_reader_next(&net->rd, &line, &n)) == 1)
		if (n > 0 && control_line(line, n) == -1)
			return -1;
	return r == -1 ? -1 : 0;
}

int
net_callback_control(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE:
		return control_write(wsi);
	case LWS_CALLBACK_RAW_RX:
		return control_read(in, len);
	case LWS_CALLBACK_RAW_CLOSE:
		ndjson_reader_free(&net->rd);
		if (ndjson_reader_init(&net->rd, RX_MAX) == -1)
			net->close_code = 4500;
		ended(0);
		return 0;
	default:
		return 0;
	}
}
