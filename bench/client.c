/*
 * client.c: one load generator process: opens its share of WebSocket
 * connections (a bounded number of handshakes at a time, each bound to
 * its loopback source address), reads every frame on one epoll loop,
 * answers pings, and measures the previews produced in the window.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadgen.h"
#include "now.h"

#define ANSWER_MAX	4096
#define READ_BUF	(256u << 10)
#define EVENTS		512
#define CTL_EVENT	UINT64_MAX	/* epoll's mark of the control pipe */

enum cstate {
	C_IDLE,		/* not started */
	C_CONNECTING,
	C_HANDSHAKE,	/* the request is sent, the answer not yet read */
	C_OPEN,
	C_DONE
};

struct conn {
	int		 fd;
	enum cstate	 state;
	int		 counted;	/* open when the window began */
	uint32_t	 path;
	uint32_t	 source;
	size_t		 sent;		/* request bytes written */
	char		*answer;	/* the handshake answer until whole */
	size_t		 answerlen;
	int64_t		 last_us;	/* previous preview in the window, 0: none */
	struct wsf	 wsf;
};

struct loop {
	const struct lg_plan	*plan;
	struct lg_stats		*st;
	struct conn		*conns;
	size_t			 next;		/* the next to start */
	int			 inflight;
	int			 ep;
	int			 in_window;
	int			 ready_sent;
	int64_t			 t0_us;		/* the window, once the parent */
	int64_t			 t1_us;		/* has said; INT64_MAX until */
	int64_t			 end_us;
	int64_t			 period_us;
	int			 warned;
	unsigned char		 buf[READ_BUF];
};

static void
warn_once(struct loop *l, const char *what, const char *errstr)
{
	if (l->warned)
		return;
	l->warned = 1;
	fprintf(stderr, "loadgen[%d]: %s: %s (further errors not shown)\n",
	    (int)getpid(), what, errstr);
}

/* A connection that never opened: key is its HTTP status, or 0. */
static void
refused(struct loop *l, struct conn *c, int key)
{
	if (c->state == C_CONNECTING || c->state == C_HANDSHAKE)
		l->inflight--;
	l->st->failed++;
	stats_count(l->st->refused, key);
	free(c->answer);
	c->answer = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->state = C_DONE;
}

/* An open connection ends, with the close code the server sent. */
static void
ended(struct loop *l, struct conn *c, int code)
{
	if (c->counted)
		l->st->lost++;
	stats_count(l->st->closes, code);
	close(c->fd);
	c->fd = -1;
	c->state = C_DONE;
}

static int
epoll_set(struct loop *l, struct conn *c, int op, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = (uint64_t)(c - l->conns);
	return epoll_ctl(l->ep, op, c->fd, &ev);
}

static void
start(struct loop *l, struct conn *c)
{
	const struct lg_plan *p = l->plan;
	struct sockaddr_in src, dst;
	int one = 1;

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + c->source);
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)p->port);
	if (inet_pton(AF_INET, p->host, &dst.sin_addr) != 1) {
		warn_once(l, p->host, "not an IPv4 address");
		refused(l, c, 0);
		return;
	}
	c->state = C_CONNECTING;
	l->inflight++;
	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1) {
		warn_once(l, "socket", strerror(errno));
		refused(l, c, 0);
		return;
	}
	/* The port is chosen at connect(2), per destination. */
	(void)setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one));
	if (bind(c->fd, (struct sockaddr *)&src, sizeof(src)) == -1 ||
	    (connect(c->fd, (struct sockaddr *)&dst, sizeof(dst)) == -1 &&
	    errno != EINPROGRESS) ||
	    epoll_set(l, c, EPOLL_CTL_ADD, EPOLLOUT) == -1) {
		warn_once(l, "connect", strerror(errno));
		refused(l, c, 0);
	}
}

static void
send_request(struct loop *l, struct conn *c)
{
	const struct lg_plan *p = l->plan;
	char req[LG_PATH_MAX + 256];
	socklen_t elen = sizeof(int);
	size_t len;
	ssize_t n;
	int err = 0;

	if (c->state == C_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			err = errno;
		if (err != 0) {
			warn_once(l, "connect", strerror(err));
			refused(l, c, 0);
			return;
		}
		c->state = C_HANDSHAKE;
	}
	len = wsconn_request(req, sizeof(req), p->host, p->port,
	    p->paths[c->path]);
	n = write(c->fd, req + c->sent, len - c->sent);
	if (n == -1 && errno == EAGAIN)
		return;
	if (n <= 0) {
		warn_once(l, "write", strerror(errno));
		refused(l, c, 0);
		return;
	}
	c->sent += (size_t)n;
	if (c->sent == len && epoll_set(l, c, EPOLL_CTL_MOD, EPOLLIN) == -1)
		refused(l, c, 0);
}

/* Writes a small control frame; a short write ends the connection. */
static int
send_control(struct loop *l, struct conn *c, int opcode,
    const unsigned char *payload, size_t len)
{
	unsigned char frame[131];
	size_t n;

	n = wsf_client_frame(frame, sizeof(frame), opcode, payload, len);
	if (n == 0 || write(c->fd, frame, n) != (ssize_t)n) {
		warn_once(l, "control frame", "short write");
		return -1;
	}
	return 0;
}

static void
preview(struct loop *l, struct conn *c, int64_t ts, const char *enc,
    uint64_t len)
{
	struct lg_stats *st = l->st;
	int64_t now = now_wall_us(), d;
	uint64_t sec;

	if (!c->counted || ts < l->t0_us || ts >= l->t1_us) {
		c->last_us = 0;
		return;
	}
	if (st->encoding[0] == '\0')
		snprintf(st->encoding, sizeof(st->encoding), "%s",
		    enc[0] != '\0' ? enc : "none");
	else if (strcmp(st->encoding, enc[0] != '\0' ? enc : "none") != 0)
		st->encoding_other++;
	st->previews++;
	st->preview_bytes += len;
	if (now >= l->t1_us)
		st->late++;
	hist_add(&st->latency, now - ts);
	sec = (uint64_t)(ts - l->t0_us) / 1000000;
	if (sec < st->seconds)
		st->per_second[sec]++;
	if (c->last_us != 0) {
		d = now - c->last_us - l->period_us;
		hist_add(&st->jitter, d < 0 ? -d : d);
	}
	c->last_us = now;
}

struct frame_ctx {
	struct loop	*l;
	struct conn	*c;
};

static int
on_frame(void *arg, const struct wsf_frame *f)
{
	struct frame_ctx *x = arg;
	char enc[LG_ENCODING_MAX];
	unsigned char code[2];
	int64_t ts;
	int r, status;

	switch (f->event) {
	case WSF_MESSAGE:
		if (!f->text)
			return 0;
		r = wsconn_preview(f->prefix, &ts, enc, sizeof(enc));
		if (r == 1 && x->l->plan->stamp)
			r = wsconn_stamp(f->prefix, &ts);
		if (r == 1)
			preview(x->l, x->c, ts, enc, f->len);
		else if (r == -1)
			x->l->st->unparsed++;
		return 0;
	case WSF_PING:
		if (send_control(x->l, x->c, 0xa, f->ctl, f->ctllen) == -1) {
			ended(x->l, x->c, 1006);
			return 1;
		}
		return 0;
	case WSF_PONG:
		return 0;
	case WSF_CLOSE:
		status = f->ctllen >= 2 ? f->ctl[0] << 8 | f->ctl[1] : 1005;
		code[0] = (unsigned char)(status >> 8);
		code[1] = (unsigned char)status;
		(void)send_control(x->l, x->c, 0x8, code,
		    f->ctllen >= 2 ? 2 : 0);
		ended(x->l, x->c, status);
		return 1;
	}
	return 0;
}

static void
feed(struct loop *l, struct conn *c, const unsigned char *p, size_t n)
{
	struct frame_ctx x = { l, c };
	const char *errstr;

	if (wsf_feed(&c->wsf, p, n, on_frame, &x, &errstr) == -1) {
		warn_once(l, "frames", errstr);
		ended(l, c, 1002);
	}
}

static void
read_answer(struct loop *l, struct conn *c)
{
	const char *errstr;
	char what[32];
	size_t hdrlen;
	ssize_t n;
	int r, status;

	if (c->answer == NULL && (c->answer = malloc(ANSWER_MAX)) == NULL) {
		refused(l, c, 0);
		return;
	}
	n = read(c->fd, c->answer + c->answerlen, ANSWER_MAX - c->answerlen);
	if (n == -1 && errno == EAGAIN)
		return;
	if (n <= 0) {
		warn_once(l, "handshake", n == 0 ? "the server hung up" :
		    strerror(errno));
		refused(l, c, 0);
		return;
	}
	c->answerlen += (size_t)n;
	r = wsconn_response(c->answer, c->answerlen, &hdrlen, &status,
	    &errstr);
	if (r == 0)
		return;
	if (r == -1) {
		if (status != 0 && status != 101) {
			snprintf(what, sizeof(what), "HTTP status %d", status);
			errstr = what;
		}
		warn_once(l, "handshake", errstr);
		refused(l, c, status);
		return;
	}
	l->inflight--;
	l->st->opened++;
	c->state = C_OPEN;
	wsf_init(&c->wsf);
	if (hdrlen < c->answerlen)
		feed(l, c, (unsigned char *)c->answer + hdrlen,
		    c->answerlen - hdrlen);
	free(c->answer);
	c->answer = NULL;
}

static void
read_frames(struct loop *l, struct conn *c)
{
	ssize_t n;

	n = read(c->fd, l->buf, sizeof(l->buf));
	if (n == -1 && errno == EAGAIN)
		return;
	if (n <= 0) {
		/* No close frame: 1006, as RFC 6455 section 7.1.5 says. */
		ended(l, c, 1006);
		return;
	}
	l->st->bytes += (uint64_t)n;
	feed(l, c, l->buf, (size_t)n);
}

static void
dispatch(struct loop *l, struct conn *c, uint32_t events)
{
	switch (c->state) {
	case C_CONNECTING:
		send_request(l, c);
		break;
	case C_HANDSHAKE:
		if (events & EPOLLOUT)
			send_request(l, c);
		else
			read_answer(l, c);
		break;
	case C_OPEN:
		read_frames(l, c);
		break;
	default:
		break;
	}
}

/* The window begins: the connections open now are the ones measured. */
static void
begin_window(struct loop *l)
{
	size_t i;

	l->in_window = 1;
	for (i = 0; i < l->plan->nconns; i++) {
		if (l->conns[i].state == C_OPEN) {
			l->conns[i].counted = 1;
			l->st->counted++;
		}
	}
}

static void
finish(struct loop *l)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < l->plan->nconns; i++) {
		c = &l->conns[i];
		switch (c->state) {
		case C_IDLE:
			l->st->failed++;
			stats_count(l->st->refused, 0);
			break;
		case C_CONNECTING:
		case C_HANDSHAKE:
			refused(l, c, 0);
			break;
		case C_OPEN:
			l->st->open_at_end++;
			close(c->fd);
			break;
		case C_DONE:
			break;
		}
		free(c->answer);
	}
}

static int
timeout_ms(const struct loop *l, int64_t now)
{
	int64_t due = l->in_window ? l->end_us : l->t0_us;

	if (due == INT64_MAX)
		return -1;
	if (due <= now)
		return 0;
	return (int)((due - now + 999) / 1000);
}

/* Every connection has opened or failed: the parent may start. */
static void
ramp_done(struct loop *l)
{
	if (l->ready_sent || l->next < l->plan->nconns || l->inflight > 0)
		return;
	l->ready_sent = 1;
	if (write(l->plan->report_fd, "ready\n", 6) != 6)
		warn_once(l, "report", strerror(errno));
}

/* The parent's "t0 t1 end" (wall clock, us); -1 if it is gone. */
static int
read_window(struct loop *l)
{
	char buf[128];
	long long t0, t1, end;
	ssize_t n;

	n = read(l->plan->ctl_fd, buf, sizeof(buf) - 1);
	if (n == -1 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld %lld", &t0, &t1, &end) != 3 ||
	    !(t0 <= t1 && t1 <= end))
		return -1;
	l->t0_us = t0;
	l->t1_us = t1;
	l->end_us = end;
	l->st->seconds = (uint32_t)((t1 - t0 + 999999) / 1000000);
	if (l->st->seconds > LG_SECONDS_MAX)
		l->st->seconds = LG_SECONDS_MAX;
	epoll_ctl(l->ep, EPOLL_CTL_DEL, l->plan->ctl_fd, NULL);
	return 0;
}

/*
 * Opens the connections, says "ready" on the report pipe once all have
 * opened or failed, takes the window from the parent's control pipe,
 * and runs until its end; fills st.  0, or -1 if it could not start.
 */
int
client_run(const struct lg_plan *plan, struct lg_stats *st)
{
	struct epoll_event ev[EVENTS];
	struct loop *l;
	int64_t now;
	size_t i, g;
	int n, k;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->conns = calloc(plan->nconns ? plan->nconns : 1,
	    sizeof(*l->conns))) == NULL) {
		free(l);
		return -1;
	}
	memset(ev, 0, sizeof(ev));
	ev[0].events = EPOLLIN;
	ev[0].data.u64 = CTL_EVENT;
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, plan->ctl_fd, &ev[0]) == -1) {
		free(l->conns);
		free(l);
		return -1;
	}
	l->plan = plan;
	l->st = st;
	l->t0_us = l->t1_us = l->end_us = INT64_MAX;
	l->period_us = (int64_t)(1e6 / plan->hz);
	st->requested = plan->nconns;
	for (i = 0; i < plan->nconns; i++) {
		g = plan->first + i;
		l->conns[i].fd = -1;
		l->conns[i].path = (uint32_t)(g % plan->npaths);
		l->conns[i].source = (uint32_t)(g % (size_t)plan->sources) + 1;
	}
	for (;;) {
		now = now_wall_us();
		if (now >= l->end_us)
			break;
		if (!l->in_window && now >= l->t0_us)
			begin_window(l);
		while (l->next < plan->nconns && l->inflight < plan->inflight &&
		    now < l->t1_us)
			start(l, &l->conns[l->next++]);
		ramp_done(l);
		n = epoll_wait(l->ep, ev, EVENTS, timeout_ms(l, now));
		if (n == -1 && errno != EINTR)
			break;
		for (k = 0; k < n; k++) {
			if (ev[k].data.u64 != CTL_EVENT)
				dispatch(l, &l->conns[ev[k].data.u64],
				    ev[k].events);
			else if (read_window(l) == -1)
				l->end_us = 0;	/* the parent is gone */
		}
	}
	finish(l);
	close(l->ep);
	free(l->conns);
	free(l);
	return 0;
}
