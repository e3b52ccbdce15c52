/*
 * control.c: the control channel, newline-delimited JSON on a Unix
 * socket in the same event loop (an lws raw-socket protocol).  Replies
 * are written while the request is still being read, since lws closes a
 * raw connection as soon as it reads the peer's end of file.  A client
 * that keeps sending garbage is told so and then let go; after
 * "subscribe" the connection carries the job's stream messages instead.
 */
#include <string.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "log.h"
#include "ndjson.h"
#include "streamer.h"

#define CONTROL_MAX_BAD		10	/* bad requests in a row */
/* Replies queued before we stop answering; a 1000-job list may pass it. */
#define CONTROL_HIGH_WATER	(1u << 20)
#define CONTROL_MAX_QUEUE	(16u << 20)

struct control_session {
	struct sub		sub;
	int			subscribed;
	int			closing;
	int			bad;
	int			paused;	/* reading stopped */
	struct ndjson_reader	rd;
	struct ndjson_writer	wr;
};

static int
adopt(struct lws *wsi, struct control_session *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->sub.line = 1;
	cs->sub.conn = wsi;
	if (ndjson_reader_init(&cs->rd,
	    (size_t)streamer->set.control_max_line) == -1 ||
	    ndjson_writer_init(&cs->wr, CONTROL_MAX_QUEUE) == -1) {
		log_warnx("%s: out of memory", __func__);
		ndjson_reader_free(&cs->rd);
		return -1;
	}
	streamer->reg.stats.control_connections++;
	return 0;
}

static void
queue_reply(struct control_session *cs, struct json_object *reply)
{
	const char *text;
	size_t len;

	if (reply == NULL) {
		cs->closing = 1;
		return;
	}
	text = json_object_to_json_string_length(reply,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (ndjson_writer_put(&cs->wr, text, len) == -1) {
		log_warnx("%s: reply of %zu bytes does not fit", __func__, len);
		cs->closing = 1;
	}
	json_object_put(reply);
}

static void
handle_line(struct control_session *cs, const char *line, size_t len)
{
	struct json_object *reply;
	struct ops_result res;

	reply = ops_handle(&streamer->reg, line, len, &res);
	/* A job created, finished or cancelled changes the schedule. */
	streamer_arm();
	/* An unknown job or a wrong token is an answer, not garbage. */
	if (ctlproto_err_violation(res.err)) {
		if (++cs->bad >= CONTROL_MAX_BAD)
			cs->closing = 1;
	} else
		cs->bad = 0;
	queue_reply(cs, reply);
	if (res.subscribe != NULL && !cs->closing) {
		cs->sub.encoding = res.encoding;
		if (sub_attach(&streamer->reg, &cs->sub, res.subscribe,
		    res.has_since, res.since, res.epoch[0] != '\0' ?
		    res.epoch : NULL) == -1)
			cs->closing = 1;
		else {
			cs->subscribed = 1;
			lws_callback_on_writable(cs->sub.conn);
		}
	}
}

/* Hands every queued reply to lws; it keeps what the socket refuses. */
static int
flush(struct lws *wsi, struct control_session *cs)
{
	const char *p;
	size_t n;

	p = ndjson_writer_peek(&cs->wr, &n);
	if (n == 0)
		return 0;
	if (lws_write(wsi, (unsigned char *)(uintptr_t)p, n,
	    LWS_WRITE_RAW) < 0)
		return -1;
	ndjson_writer_consume(&cs->wr, n);
	return 0;
}

/*
 * Answers the request lines held, until the replies waiting to go out
 * pass CONTROL_HIGH_WATER.  Returns 1 when it stopped there with lines
 * left, so a client that sends without reading cannot make us queue
 * without bound.
 */
static int
process(struct control_session *cs)
{
	char *line;
	size_t n;
	int r;

	for (;;) {
		if (cs->subscribed || cs->closing)
			return 0;
		if (ndjson_writer_pending(&cs->wr) >= CONTROL_HIGH_WATER)
			return 1;
		if ((r = ndjson_reader_next(&cs->rd, &line, &n)) == 0)
			return 0;
		if (r == -1) {
			queue_reply(cs, ctlproto_error(CTLPROTO_LINE_TOO_LONG,
			    "request longer than control_max_line; closing"));
			cs->closing = 1;
			return 0;
		}
		if (n > 0)
			handle_line(cs, line, n);
	}
}

/*
 * Answers what can be answered and writes it now (lws closes a raw
 * connection at the peer's end of file, before any WRITEABLE).  While
 * lws still holds unsent replies or requests wait, reading stops: the
 * socket's own buffers then push back on the client.
 */
static int
serve(struct lws *wsi, struct control_session *cs)
{
	int more = process(cs);

	if (flush(wsi, cs) == -1)
		return -1;
	if (more || lws_partial_buffered(wsi)) {
		if (!cs->paused)
			lws_rx_flow_control(wsi, 0);
		cs->paused = 1;
		lws_callback_on_writable(wsi);
	} else if (cs->paused) {
		lws_rx_flow_control(wsi, 1);
		cs->paused = 0;
	}
	if (cs->closing)
		lws_callback_on_writable(wsi);
	return 0;
}

static int
receive(struct lws *wsi, struct control_session *cs, const void *in,
    size_t len)
{
	if (cs->subscribed || cs->closing)
		return 0;	/* a subscriber's input is not read */
	if (ndjson_reader_feed(&cs->rd, in, len) == -1) {
		queue_reply(cs, ctlproto_error(CTLPROTO_LINE_TOO_LONG,
		    "request longer than control_max_line; closing"));
		cs->closing = 1;
	}
	return serve(wsi, cs);
}

static int
writeable(struct lws *wsi, struct control_session *cs)
{
	if (cs->closing || streamer->stopping)
		return -1;
	if (cs->subscribed)
		return fanout_writeable(&cs->sub);
	return cs->paused ? serve(wsi, cs) : 0;
}

static void
close_session(struct control_session *cs)
{
	if (cs->sub.conn == NULL)
		return;
	if (cs->subscribed)
		sub_detach(&cs->sub);
	ndjson_reader_free(&cs->rd);
	ndjson_writer_free(&cs->wr);
	cs->sub.conn = NULL;
	streamer->reg.stats.control_connections--;
}

static int
callback_control(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct control_session *cs = user;

	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		return adopt(wsi, cs);
	case LWS_CALLBACK_RAW_RX:
		return receive(wsi, cs, in, len);
	case LWS_CALLBACK_RAW_WRITEABLE:
		return writeable(wsi, cs);
	case LWS_CALLBACK_RAW_CLOSE:
		close_session(cs);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		streamer_event();
		return 0;
	default:
		return 0;
	}
}

const struct lws_protocols control_protocols[] = {
	{ "maskstream-control", callback_control,
	    sizeof(struct control_session), 65536, 0, NULL, 65536 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};
