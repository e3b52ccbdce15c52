/*
 * wsprobe.c: a WebSocket client for ws-streamer's integration tests.  It
 * prints one line per event (message, refusal, close) with the time it
 * saw it, so that shell scripts can check cadence, schema, resumption
 * and close codes, and it can misbehave on purpose: pause reading, send
 * a big message, or flood the server with small ones.  With -e it asks
 * for a preview encoding and holds every preview to it.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "msg.h"
#include "now.h"

#define RX_MAX		(8u << 20)	/* one message, reassembled */
#define URL_MAX		2048
#define SMALL_MSG	"hello"

/* Exit statuses; the tests rely on them. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* invalid messages, connection error */
#define EXIT_REFUSED	2	/* the handshake got an HTTP status */
#define EXIT_TIMEOUT	3

struct options {
	const char	*url;
	const char	*token;
	const char	*dir;
	const char	*encoding;	/* asked for; NULL: the default */
	long		 max_msgs;	/* 0: until the server closes */
	double		 timeout_s;
	long		 pause_after;	/* -1: never */
	double		 pause_s;
	long		 send_bytes;	/* 0: send nothing big */
	long		 flood;
};

struct probe {
	struct options		 opt;
	struct lws_context	*ctx;
	struct lws		*wsi;
	char			 address[URL_MAX];
	char			 path[URL_MAX];
	int			 port;

	char			*rx;
	size_t			 rx_len;
	size_t			 rx_cap;
	long			 nmsgs;
	long			 ninvalid;

	int			 big_sent;
	int			 flooded;
	int			 finished;
	int			 exit_code;
	lws_sorted_usec_list_t	 timeout_sul;
	lws_sorted_usec_list_t	 resume_sul;
};

static struct probe	 probe;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: wsprobe [-a token] [-d dir] [-e encoding] "
	    "[-f count] [-m bytes] [-n count]\n"
	    "               [-p count:seconds] [-t seconds] -u url\n"
	    "url: ws://host:port/path?query or unix:/socket/path:/path?query\n");
	exit(EXIT_FAIL);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static double
seconds(const char *s)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0 && v <= 86400))
		usage();
	return v;
}

/* Splits the URL into what lws_client_connect_info wants; 0 or -1. */
static int
parse_url(struct probe *p, const char *url)
{
	const char *rest, *sep;
	char *end;
	long port;
	size_t n;

	if (strncmp(url, "unix:/", 6) == 0) {
		/* lws connects to a Unix socket given as "+/path". */
		rest = url + 5;
		if ((sep = strstr(rest, ":/")) == NULL)
			return -1;
		n = (size_t)(sep - rest);
		if (n + 2 > sizeof(p->address))
			return -1;
		p->address[0] = '+';
		memcpy(p->address + 1, rest, n);
		p->address[n + 1] = '\0';
		p->port = 0;
		rest = sep + 1;
	} else if (strncmp(url, "ws://", 5) == 0) {
		rest = url + 5;
		if ((sep = strchr(rest, ':')) == NULL ||
		    (size_t)(sep - rest) >= sizeof(p->address) || sep == rest)
			return -1;
		memcpy(p->address, rest, (size_t)(sep - rest));
		p->address[sep - rest] = '\0';
		errno = 0;
		port = strtol(sep + 1, &end, 10);
		if (errno != 0 || end == sep + 1 || port < 1 || port > 65535 ||
		    (*end != '/' && *end != '\0'))
			return -1;
		p->port = (int)port;
		rest = *end == '\0' ? "/" : end;
	} else
		return -1;
	if (strlen(rest) >= sizeof(p->path))
		return -1;
	strcpy(p->path, rest);
	if (p->opt.encoding != NULL) {
		n = strlen(p->path);
		if ((size_t)snprintf(p->path + n, sizeof(p->path) - n,
		    "%cencoding=%s", strchr(p->path, '?') ? '&' : '?',
		    p->opt.encoding) >= sizeof(p->path) - n)
			return -1;
	}
	return 0;
}

static void
finish(int code)
{
	if (!probe.finished)
		probe.exit_code = code;
	probe.finished = 1;
}

static void
timed_out(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	printf("timeout\n");
	finish(EXIT_TIMEOUT);
	/* lws polls on after its timers ran: wake it to see we are done. */
	lws_cancel_service(probe.ctx);
}

static void
resume_reading(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (probe.wsi == NULL)
		return;
	printf("unpause %lld\n", (long long)now_wall_us());
	lws_rx_flow_control(probe.wsi, 1);
}

static const char *
shape_str(const uint32_t s[3], char *buf, size_t len)
{
	snprintf(buf, len, "%u,%u,%u", s[0], s[1], s[2]);
	return buf;
}

static void
save_payload(const struct msg *m)
{
	char path[URL_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%lld.bin", probe.opt.dir,
	    (long long)m->seq);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(m->payload, 1, m->payload_len, f) != m->payload_len ||
	    fclose(f) != 0) {
		fprintf(stderr, "wsprobe: %s: %s\n", path, strerror(errno));
		probe.ninvalid++;
	}
}

/* One line per message: "msg RECV_US TYPE SEQ key=value ...". */
static void
print_message(const struct msg *m, int64_t recv_us)
{
	char shape[64];

	printf("msg %lld %s %lld ts_us=%lld", (long long)recv_us,
	    msg_type_name(m->type), (long long)m->seq, (long long)m->ts_us);
	switch (m->type) {
	case MSG_STATUS:
		printf(" state=%s progress=%d shape=%s epoch=%s resumed=%s",
		    msg_state_name(m->state), m->progress,
		    shape_str(m->shape, shape, sizeof(shape)), m->epoch,
		    m->resumed ? "true" : "false");
		break;
	case MSG_PROGRESS:
		printf(" progress=%d state=%s", m->progress,
		    msg_state_name(m->state));
		if (m->has_eta)
			printf(" eta_s=%g", m->eta_s);
		break;
	case MSG_PREVIEW:
		printf(" shape=%s scale=%u len=%zu skipped=%lld encoding=%s",
		    shape_str(m->shape, shape, sizeof(shape)), m->scale,
		    m->payload_len, (long long)m->skipped,
		    msg_encoding_name(m->encoding));
		break;
	case MSG_COMPLETED:
		printf(" state=%s", msg_state_name(m->state));
		break;
	case MSG_ERROR:
		printf(" code=%s", m->code);
		break;
	}
	printf(" bytes=%zu\n", probe.rx_len);
}

/* -e base64 wants base64, -e deflate deflate+base64; else either. */
static int
encoding_expected(const struct msg *m)
{
	const char *want = probe.opt.encoding;

	if (m->type != MSG_PREVIEW || want == NULL)
		return 1;
	if (strcmp(want, "deflate") == 0)
		return m->encoding == MSG_ENC_DEFLATE;
	if (strcmp(want, "base64") == 0)
		return m->encoding == MSG_ENC_BASE64;
	return 0;	/* the server should have refused it */
}

/* A whole message arrived.  Returns -1 to close the connection. */
static int
deliver(struct lws *wsi)
{
	int64_t recv_us = now_wall_us();
	const char *errstr;
	struct msg m;

	if (msg_decode(probe.rx, probe.rx_len, &m, &errstr) == -1) {
		printf("invalid %s\n", errstr);
		probe.ninvalid++;
	} else if (!encoding_expected(&m)) {
		printf("invalid preview in %s, not as asked (-e %s)\n",
		    msg_encoding_name(m.encoding), probe.opt.encoding);
		probe.ninvalid++;
		msg_clear(&m);
	} else {
		print_message(&m, recv_us);
		if (m.type == MSG_PREVIEW && probe.opt.dir != NULL)
			save_payload(&m);
		msg_clear(&m);
	}
	probe.rx_len = 0;
	probe.nmsgs++;
	if (probe.opt.max_msgs > 0 && probe.nmsgs >= probe.opt.max_msgs) {
		printf("enough %ld\n", probe.nmsgs);
		finish(probe.ninvalid > 0 ? EXIT_FAIL : EXIT_OK);
		lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
		return -1;
	}
	if (probe.nmsgs == probe.opt.pause_after) {
		printf("pause %lld\n", (long long)recv_us);
		lws_rx_flow_control(wsi, 0);
		lws_sul_schedule(probe.ctx, 0, &probe.resume_sul,
		    resume_reading, (lws_usec_t)(probe.opt.pause_s * 1e6));
	}
	return 0;
}

/* Collects a message's fragments, at most RX_MAX bytes of them. */
static int
receive(struct lws *wsi, const void *in, size_t len)
{
	size_t cap;
	char *grown;

	if (probe.rx_len + len + 1 > RX_MAX) {
		printf("invalid a message over %u bytes\n", RX_MAX);
		probe.ninvalid++;
		finish(EXIT_FAIL);
		return -1;
	}
	if (probe.rx_len + len + 1 > probe.rx_cap) {
		cap = (probe.rx_len + len + 1) * 2;
		if (cap > RX_MAX)
			cap = RX_MAX;
		if ((grown = realloc(probe.rx, cap)) == NULL) {
			fprintf(stderr, "wsprobe: out of memory\n");
			finish(EXIT_FAIL);
			return -1;
		}
		probe.rx = grown;
		probe.rx_cap = cap;
	}
	memcpy(probe.rx + probe.rx_len, in, len);
	probe.rx_len += len;
	if (!lws_is_final_fragment(wsi) ||
	    lws_remaining_packet_payload(wsi) > 0)
		return 0;
	probe.rx[probe.rx_len] = '\0';
	return deliver(wsi);
}

/*
 * The flood: count small text frames, built here (masked with a zero
 * key, which RFC 6455 allows) and sent in one write.  Sent one by one,
 * the server's close would meet a client still writing, and lws, which
 * handles writing before reading, would see the write fail and drop the
 * close frame waiting to be read.
 */
static int
flood(struct lws *wsi, long count)
{
	static const unsigned char frame[] = {
		0x81, 0x80 | (sizeof(SMALL_MSG) - 1), 0, 0, 0, 0
	};
	size_t flen = sizeof(frame) + sizeof(SMALL_MSG) - 1, len;
	unsigned char *buf, *p;
	long i;
	int r;

	len = flen * (size_t)count;
	if ((buf = malloc(LWS_PRE + len)) == NULL)
		return -1;
	for (i = 0, p = buf + LWS_PRE; i < count; i++, p += flen) {
		memcpy(p, frame, sizeof(frame));
		memcpy(p + sizeof(frame), SMALL_MSG, sizeof(SMALL_MSG) - 1);
	}
	r = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_RAW);
	free(buf);
	if (r < (int)len)
		return -1;
	printf("flooded %ld\n", count);
	return 0;
}

/* -m sends one big message, then -f floods; one write per callback. */
static int
writeable(struct lws *wsi)
{
	unsigned char *buf;
	size_t n;
	int r;

	if (probe.opt.send_bytes > 0 && !probe.big_sent) {
		n = (size_t)probe.opt.send_bytes;
		if ((buf = malloc(LWS_PRE + n)) == NULL)
			return -1;
		memset(buf + LWS_PRE, 'x', n);
		r = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
		free(buf);
		if (r < (int)n)
			return -1;
		probe.big_sent = 1;
		printf("sent %zu\n", n);
		if (probe.opt.flood > 0)
			lws_callback_on_writable(wsi);
		return 0;
	}
	if (probe.opt.flood > 0 && !probe.flooded) {
		probe.flooded = 1;
		return flood(wsi, probe.opt.flood);
	}
	return 0;
}

static int
add_auth(struct lws *wsi, void *in, size_t len)
{
	unsigned char **p = in, *end = *p + len;
	char value[512];

	if (probe.opt.token == NULL)
		return 0;
	snprintf(value, sizeof(value), "Bearer %s", probe.opt.token);
	return lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
	    (unsigned char *)value, (int)strlen(value), p, end) ? -1 : 0;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	const unsigned char *c = in;
	unsigned int status;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return add_auth(wsi, in, len);
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		probe.wsi = wsi;
		printf("connected %lld\n", (long long)now_wall_us());
		if (probe.opt.send_bytes > 0 || probe.opt.flood > 0)
			lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return receive(wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return writeable(wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2)
			printf("close %d %.*s\n", c[0] << 8 | c[1],
			    (int)(len - 2), (const char *)c + 2);
		else
			printf("close 1005\n");	/* no status in the frame */
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		probe.wsi = NULL;
		status = lws_http_client_http_response(wsi);
		if (status != 0) {
			printf("refused %u\n", status);
			finish(EXIT_REFUSED);
		} else {
			printf("error %s\n", in != NULL ? (const char *)in :
			    "connection failed");
			finish(EXIT_FAIL);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		probe.wsi = NULL;
		printf("closed %lld\n", (long long)now_wall_us());
		finish(probe.ninvalid > 0 ? EXIT_FAIL : EXIT_OK);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
	/* tx_packet_size: lws would cut writes at rx_buffer_size. */
	{ "wsprobe", callback, 0, 65536, 0, NULL, 64u << 20 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	char *colon;
	int ch;

	memset(o, 0, sizeof(*o));
	o->timeout_s = 30;
	o->pause_after = -1;
	while ((ch = getopt(argc, argv, "a:d:e:f:m:n:p:t:u:")) != -1) {
		switch (ch) {
		case 'a': o->token = optarg; break;
		case 'd': o->dir = optarg; break;
		case 'e': o->encoding = optarg; break;
		case 'f': o->flood = number(optarg, 1, 1000000); break;
		case 'm': o->send_bytes = number(optarg, 1, 64L << 20); break;
		case 'n': o->max_msgs = number(optarg, 1, 1L << 30); break;
		case 'p':
			if ((colon = strchr(optarg, ':')) == NULL)
				usage();
			*colon = '\0';
			o->pause_after = number(optarg, 1, 1L << 30);
			o->pause_s = seconds(colon + 1);
			break;
		case 't': o->timeout_s = seconds(optarg); break;
		case 'u': o->url = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || o->url == NULL)
		usage();
}

int
main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	int code;

	parse_options(argc, argv, &probe.opt);
	if (parse_url(&probe, probe.opt.url) == -1) {
		fprintf(stderr, "wsprobe: bad url \"%s\"\n", probe.opt.url);
		usage();
	}
	/* The tests read stdout while the probe runs. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	lws_set_log_level(LLL_ERR, NULL);

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	if ((probe.ctx = lws_create_context(&info)) == NULL) {
		fprintf(stderr, "wsprobe: cannot create the lws context\n");
		return EXIT_FAIL;
	}

	memset(&ci, 0, sizeof(ci));
	ci.context = probe.ctx;
	ci.address = probe.address;
	ci.port = probe.port;
	ci.path = probe.path;
	ci.host = probe.port == 0 ? "localhost" : probe.address;
	ci.ietf_version_or_minus_one = -1;
	ci.local_protocol_name = protocols[0].name;
	ci.pwsi = &probe.wsi;
	lws_sul_schedule(probe.ctx, 0, &probe.timeout_sul, timed_out,
	    (lws_usec_t)(probe.opt.timeout_s * 1e6));
	if (lws_client_connect_via_info(&ci) == NULL) {
		printf("error cannot start connecting\n");
		finish(EXIT_FAIL);
	}
	while (!probe.finished)
		if (lws_service(probe.ctx, 0) < 0)
			finish(EXIT_FAIL);
	/*
	 * After a timeout lws would close an open connection gracefully,
	 * and go on receiving until the server answers: cut it instead.
	 */
	if (probe.wsi != NULL) {
		shutdown(lws_get_socket_fd(probe.wsi), SHUT_RDWR);
		while (probe.wsi != NULL && lws_service(probe.ctx, 0) >= 0)
			;
	}
	code = probe.exit_code;
	if (probe.ninvalid > 0 && code == EXIT_OK)
		code = EXIT_FAIL;
	lws_sul_cancel(&probe.timeout_sul);
	lws_sul_cancel(&probe.resume_sul);
	lws_context_destroy(probe.ctx);
	free(probe.rx);
	return code;
}
