/*
 * nchanpub.c: the publisher of the nchan comparison.  For channels
 * ch0..chN-1 it builds the progress and preview messages ws-streamer's
 * fake producer would send (common/msg.c and ws-streamer/gen.c, ts_us
 * taken at publish time) and POSTs each to nchan's /pub/<channel> over
 * one kept-alive HTTP/1.1 connection.  Each channel ticks on its own
 * absolute schedule, like a job: channel i's tick k is due at start +
 * (k + i / N) / hz, so the channels' phases spread over a period and
 * no channel waits behind the others.
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "msg.h"
#include "now.h"

#define RESP_MAX	16384		/* an nchan answer is a few lines */
#define IO_TIMEOUT_S	5

struct channel {
	char		 job_id[ID_JOB_LEN + 1];
	uint64_t	 seed;
	int64_t		 seq;
};

struct opts {
	const char	*socket;	/* Unix socket, or */
	const char	*host;		/* TCP host and port */
	int		 port;
	int		 channels;
	double		 hz;
	uint32_t	 size[3];	/* the preview's z, y, x */
	uint32_t	 scale;
	double		 duration;
	const char	*paths_out;
	enum msg_encoding encoding;	/* of the previews */
	uint64_t	 seed;
};

/* Milliseconds, one sample per channel tick. */
struct samples {
	double		*v;
	size_t		 n;
	size_t		 cap;
};

struct stats {
	uint64_t	 ticks;		/* channel ticks published */
	uint64_t	 skipped;	/* channel ticks dropped: a period late */
	uint64_t	 messages;
	uint64_t	 bytes;		/* message bodies */
	uint64_t	 reconnects;
	struct samples	 late;		/* start after the due time */
	struct samples	 busy;		/* publishing both messages */
};

struct conn {
	int		 fd;
	const struct opts *o;
};

static volatile sig_atomic_t	stop;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: nchanpub (--socket PATH | --port N [--host ADDR])\n"
	    "                [--channels N] [--hz HZ] [--size Z,Y,X] "
	    "[--scale S]\n"
	    "                [--duration S] [--seed N] [--paths-out FILE]\n"
	    "                [--encoding base64|deflate]\n");
	exit(64);
}

/* The previews' encoding, as a subscriber of maskstream would ask. */
static enum msg_encoding
encoding_arg(const char *s)
{
	if (strcmp(s, "base64") == 0)
		return MSG_ENC_BASE64;
	if (strcmp(s, "deflate") == 0)
		return MSG_ENC_DEFLATE;
	usage();
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
num_arg(const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= lo && v <= hi))
		usage();
	return v;
}

static void
parse_size(const char *s, uint32_t *size)
{
	char *end;
	long v;
	int i;

	for (i = 0; i < 3; i++) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno != 0 || v < 1 || v > MSG_DIM_MAX)
			usage();
		size[i] = (uint32_t)v;
		if (i < 2 && *end != ',')
			usage();
		s = end + 1;
	}
	if (*end != '\0' ||
	    (uint64_t)size[0] * size[1] * size[2] > MSG_PAYLOAD_MAX)
		usage();
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->channels = 100;
	o->hz = 1;
	o->size[0] = o->size[1] = o->size[2] = 16;
	o->scale = 1;
	o->duration = 10;
	o->seed = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (i + 1 >= argc)
			usage();
		if (strcmp(a, "--socket") == 0)
			o->socket = argv[++i];
		else if (strcmp(a, "--host") == 0)
			o->host = argv[++i];
		else if (strcmp(a, "--port") == 0)
			o->port = (int)num_arg(argv[++i], 1, 65535);
		else if (strcmp(a, "--channels") == 0)
			o->channels = (int)num_arg(argv[++i], 1, 100000);
		else if (strcmp(a, "--hz") == 0)
			o->hz = num_arg(argv[++i], 0.1, 30);
		else if (strcmp(a, "--size") == 0)
			parse_size(argv[++i], o->size);
		else if (strcmp(a, "--scale") == 0)
			o->scale = (uint32_t)num_arg(argv[++i], 1, MSG_DIM_MAX);
		else if (strcmp(a, "--duration") == 0)
			o->duration = num_arg(argv[++i], 0.1, 604800);
		else if (strcmp(a, "--seed") == 0)
			o->seed = (uint64_t)num_arg(argv[++i], 0, 1e15);
		else if (strcmp(a, "--paths-out") == 0)
			o->paths_out = argv[++i];
		else if (strcmp(a, "--encoding") == 0)
			o->encoding = encoding_arg(argv[++i]);
		else
			usage();
	}
	if ((o->socket == NULL) == (o->port == 0))
		usage();
}

static int
conn_open(struct conn *c)
{
	struct timeval tv = { IO_TIMEOUT_S, 0 };
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	const struct opts *o = c->o;
	int fd;

	if (o->socket != NULL) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(o->socket) >= sizeof(sun.sun_path)) {
			fprintf(stderr, "nchanpub: socket path too long\n");
			return -1;
		}
		strcpy(sun.sun_path, o->socket);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd != -1 && connect(fd, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			close(fd);
			fd = -1;
		}
	} else {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)o->port);
		if (inet_pton(AF_INET, o->host, &sin.sin_addr) != 1) {
			fprintf(stderr, "nchanpub: bad --host \"%s\"\n",
			    o->host);
			return -1;
		}
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd != -1 && connect(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1) {
			close(fd);
			fd = -1;
		}
	}
	if (fd == -1) {
		fprintf(stderr, "nchanpub: connect: %s\n", strerror(errno));
		return -1;
	}
	/* A stuck server must not hang the benchmark. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c->fd = fd;
	return 0;
}

static void
conn_close(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

static int
write_all(int fd, struct iovec *iov, int iovcnt)
{
	ssize_t n;

	while (iovcnt > 0) {
		n = writev(fd, iov, iovcnt);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* The value of header name in the header block head, or NULL. */
static const char *
header_value(const char *head, const char *name)
{
	size_t len = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p != NULL && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
			p += len + 1;
			return p + strspn(p, " \t");
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

/*
 * Reads one answer: its status in *status, and *keep 0 when the server
 * will close the connection.  Bodies are read and dropped.
 */
static int
read_response(int fd, int *status, int *keep, const char **errstr)
{
	char buf[RESP_MAX + 1], *eoh;
	const char *v;
	size_t have = 0, hlen;
	long long clen;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + have, RESP_MAX - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*errstr = n == 0 ? "connection closed" :
			    "read failed or timed out";
			return -1;
		}
		have += (size_t)n;
		buf[have] = '\0';
		if ((eoh = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (have == RESP_MAX) {
			*errstr = "answer headers too long";
			return -1;
		}
	}
	hlen = (size_t)(eoh - buf) + 4;
	eoh[2] = '\0';		/* the header block ends at its last CRLF */
	if (sscanf(buf, "HTTP/1.%*d %d", status) != 1) {
		*errstr = "not an HTTP answer";
		return -1;
	}
	v = header_value(buf, "Connection");
	*keep = v == NULL || strncasecmp(v, "close", 5) != 0;
	if (header_value(buf, "Transfer-Encoding") != NULL) {
		*errstr = "chunked answers are not supported";
		return -1;
	}
	v = header_value(buf, "Content-Length");
	clen = v != NULL ? strtoll(v, NULL, 10) : 0;
	if (clen < 0 || (size_t)clen < have - hlen) {
		*errstr = "more bytes than the answer announced";
		return -1;
	}
	clen -= (long long)(have - hlen);
	while (clen > 0) {
		n = read(fd, buf, clen < RESP_MAX ? (size_t)clen : RESP_MAX);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*errstr = "answer body cut short";
			return -1;
		}
		clen -= n;
	}
	return 0;
}

/* POSTs one body to /pub/ch<idx>; reconnects once if the peer left. */
static int
publish(struct conn *c, struct stats *st, int idx, const char *body,
    size_t len)
{
	char head[256];
	struct iovec iov[2];
	const char *errstr = "write failed";
	int attempt, status, keep, hl;

	hl = snprintf(head, sizeof(head), "POST /pub/ch%d HTTP/1.1\r\n"
	    "Host: localhost\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", idx, len);
	for (attempt = 0; attempt < 2; attempt++) {
		if (c->fd == -1) {
			if (conn_open(c) == -1)
				return -1;
			st->reconnects++;
		}
		iov[0].iov_base = head;
		iov[0].iov_len = (size_t)hl;
		iov[1].iov_base = (void *)body;
		iov[1].iov_len = len;
		if (write_all(c->fd, iov, 2) == 0 &&
		    read_response(c->fd, &status, &keep, &errstr) == 0) {
			if (!keep)
				conn_close(c);
			if (status < 200 || status > 299) {
				fprintf(stderr, "nchanpub: /pub/ch%d: "
				    "status %d\n", idx, status);
				return -1;
			}
			st->messages++;
			st->bytes += len;
			return 0;
		}
		conn_close(c);
	}
	fprintf(stderr, "nchanpub: /pub/ch%d: %s\n", idx, errstr);
	return -1;
}

/* Encodes m with a fresh seq and ts_us, as job_emit() does, and sends it. */
static int
emit(struct conn *c, struct stats *st, int idx, struct channel *ch,
    struct msg *m)
{
	const char *errstr;
	size_t len;
	char *json;
	int rv;

	memcpy(m->job_id, ch->job_id, sizeof(m->job_id));
	m->seq = ch->seq + 1;
	m->ts_us = now_wall_us();
	if ((json = msg_encode(m, &len, &errstr)) == NULL) {
		fprintf(stderr, "nchanpub: encode: %s\n", errstr);
		return -1;
	}
	ch->seq = m->seq;
	rv = publish(c, st, idx, json, len);
	free(json);
	return rv;
}

/* Progress as ws-streamer's fake producer computes it for duration_s. */
static int
progress_at(double elapsed, double duration)
{
	double p = floor(100.0 * elapsed / duration);

	return p > 100 ? 100 : (int)p;
}

/* Channel i's progress and preview of tick number tick. */
static int
publish_tick(struct conn *c, struct stats *st, const struct opts *o,
    struct channel *ch, int i, uint64_t tick, uint8_t *mask)
{
	double elapsed = tick / o->hz;
	struct gen_params gp;
	struct msg m;
	int progress = progress_at(elapsed, o->duration);

	memset(&m, 0, sizeof(m));
	m.type = MSG_PROGRESS;
	m.state = JOB_RUNNING;
	m.progress = progress;
	m.has_eta = 1;
	m.eta_s = elapsed < o->duration ? o->duration - elapsed : 0;
	if (emit(c, st, i, ch, &m) == -1)
		return -1;

	gp.seed = ch->seed;
	memcpy(gp.shape, o->size, sizeof(gp.shape));
	gp.continuous = 0;
	gp.labels = 1;
	gen_mask(&gp, tick, progress, mask);
	memset(&m, 0, sizeof(m));
	m.type = MSG_PREVIEW;
	m.scale = o->scale;
	memcpy(m.shape, o->size, sizeof(m.shape));
	m.encoding = o->encoding;
	m.payload = mask;
	m.payload_len = (size_t)msg_shape_voxels(o->size);
	return emit(c, st, i, ch, &m);
}

static int
write_paths(const struct opts *o)
{
	FILE *f = stdout;
	int i;

	if (o->paths_out != NULL && (f = fopen(o->paths_out, "w")) == NULL) {
		fprintf(stderr, "nchanpub: \"%s\": %s\n", o->paths_out,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < o->channels; i++)
		fprintf(f, "/sub/ch%d\n", i);
	if (f != stdout)
		return fclose(f) == 0 ? 0 : -1;
	return fflush(f) == 0 ? 0 : -1;
}

static void
sleep_until(int64_t mono_us)
{
	struct timespec ts;

	ts.tv_sec = mono_us / 1000000;
	ts.tv_nsec = (long)(mono_us % 1000000) * 1000;
	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR)
		;
}

static void
record(struct samples *sa, double ms)
{
	double *n;

	if (sa->n == sa->cap) {
		sa->cap = sa->cap ? sa->cap * 2 : 256;
		if ((n = realloc(sa->v, sa->cap * sizeof(*n))) == NULL) {
			sa->cap = sa->n;
			return;
		}
		sa->v = n;
	}
	sa->v[sa->n++] = ms;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts sa and prints its p50, p99 and max as a JSON object. */
static void
print_samples(const char *name, struct samples *sa)
{
	double p50 = 0, p99 = 0, max = 0;

	if (sa->n > 0) {
		qsort(sa->v, sa->n, sizeof(double), cmp_double);
		p50 = sa->v[sa->n / 2];
		p99 = sa->v[(size_t)ceil(sa->n * 0.99) - 1];
		max = sa->v[sa->n - 1];
	}
	fprintf(stderr, "\"%s\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
	    name, p50, p99, max);
}

/*
 * One JSON line on stderr: whether the publisher kept its schedule
 * (late_ms: how long after its due time a channel tick started) and how
 * long a channel tick took (busy_ms).
 */
static void
summary(const struct opts *o, struct stats *st, int failed)
{
	fprintf(stderr, "{\"nchanpub\":{\"channels\":%d,\"hz\":%g,"
	    "\"preview\":[%u,%u,%u],\"ticks\":%llu,\"skipped\":%llu,"
	    "\"messages\":%llu,\"bytes\":%llu,\"reconnects\":%llu,",
	    o->channels, o->hz, o->size[0], o->size[1], o->size[2],
	    (unsigned long long)st->ticks, (unsigned long long)st->skipped,
	    (unsigned long long)st->messages, (unsigned long long)st->bytes,
	    (unsigned long long)st->reconnects);
	print_samples("late_ms", &st->late);
	fputc(',', stderr);
	print_samples("busy_ms", &st->busy);
	fprintf(stderr, ",\"period_ms\":%.3f,\"failed\":%s}}\n",
	    1000.0 / o->hz, failed ? "true" : "false");
}

/* Slot s is channel s % N's tick s / N. */
static int64_t
slot_due(const struct opts *o, int64_t start, uint64_t s)
{
	return start + (int64_t)llround(s * 1e6 / (o->hz * o->channels));
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct channel *chans;
	struct stats st;
	struct opts o;
	struct conn c;
	uint8_t *mask;
	uint64_t s, last, nslots;
	int64_t start, due, t0;
	int i, failed = 0;

	parse_opts(argc, argv, &o);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	chans = calloc((size_t)o.channels, sizeof(*chans));
	mask = malloc((size_t)msg_shape_voxels(o.size));
	if (chans == NULL || mask == NULL) {
		fprintf(stderr, "nchanpub: out of memory\n");
		return 1;
	}
	for (i = 0; i < o.channels; i++) {
		snprintf(chans[i].job_id, sizeof(chans[i].job_id),
		    "%016llx%016x", (unsigned long long)o.seed, (unsigned)i);
		chans[i].seed = o.seed + (uint64_t)i;
	}
	memset(&st, 0, sizeof(st));
	c.o = &o;
	c.fd = -1;
	if (conn_open(&c) == -1 || write_paths(&o) == -1) {
		conn_close(&c);
		free(chans);
		free(mask);
		return 1;
	}

	/* Ticks 0..last of every channel, as the fake producer's. */
	last = (uint64_t)ceil(o.duration * o.hz - 1e-9);
	nslots = (last + 1) * (uint64_t)o.channels;
	start = now_mono_us();
	for (s = 0; s < nslots && !stop; s++) {
		due = slot_due(&o, start, s);
		sleep_until(due);
		if (stop)
			break;
		t0 = now_mono_us();
		/* A whole period behind: drop this tick, no burst. */
		if (s + (uint64_t)o.channels < nslots &&
		    t0 >= slot_due(&o, start, s + (uint64_t)o.channels)) {
			st.skipped++;
			continue;
		}
		i = (int)(s % (uint64_t)o.channels);
		if (publish_tick(&c, &st, &o, &chans[i], i,
		    s / (uint64_t)o.channels, mask) == -1) {
			failed = 1;
			break;
		}
		st.ticks++;
		record(&st.late, (t0 - due) / 1000.0);
		record(&st.busy, (now_mono_us() - t0) / 1000.0);
	}
	summary(&o, &st, failed);
	conn_close(&c);
	free(st.late.v);
	free(st.busy.v);
	free(chans);
	free(mask);
	return failed ? 1 : 0;
}
