/*
 * joinbench.c: bench/joinbench, scenario S4 of the benchmarks: for each
 * of N fresh jobs, POST /api/jobs, then open a WebSocket to the new job
 * and time, from the POST's answer, the handshake and the first preview.
 * One connection at a time, blocking, so each timing is the path alone.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "loadgen.h"
#include "now.h"

#define ANSWER_MAX	(64u << 10)
#define TIMEOUT_S	5

struct options {
	const char	*host;
	int		 port;
	long		 jobs;
	const char	*body;
	const char	*query;		/* more query arguments, or NULL */
	int		 json;
};

struct timings {
	struct hist	 post;
	struct hist	 handshake;
	struct hist	 join;
	long		 failed;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: joinbench --port port [--host addr] "
	    "[--jobs n] [--body json]\n"
	    "                 [--query args] [--json]\n");
	exit(2);
}

static int
dial(const struct options *o)
{
	struct timeval tv = { TIMEOUT_S, 0 };
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &sin.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copies string field key of obj into buf; 0 or -1. */
static int
field(struct json_object *obj, const char *key, char *buf, size_t len)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strlen(s = json_object_get_string(v)) >= len)
		return -1;
	strcpy(buf, s);
	return 0;
}

/*
 * POSTs the job over HTTP/1.0, so the answer ends when nginx closes;
 * fills id and token.  0 or -1 with errstr.
 */
static int
create_job(const struct options *o, char *id, size_t idlen, char *token,
    size_t toklen, const char **errstr)
{
	static char answer[ANSWER_MAX + 1];
	struct json_object *obj;
	char head[512];
	const char *body;
	size_t len = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = dial(o)) == -1) {
		*errstr = "cannot connect";
		return -1;
	}
	snprintf(head, sizeof(head), "POST /api/jobs HTTP/1.0\r\n"
	    "Host: %s:%d\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", o->host, o->port, strlen(o->body));
	if (write_all(fd, head, strlen(head)) == -1 ||
	    write_all(fd, o->body, strlen(o->body)) == -1) {
		close(fd);
		*errstr = "cannot send the request";
		return -1;
	}
	while (len < ANSWER_MAX &&
	    (n = read(fd, answer + len, ANSWER_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	answer[len] = '\0';
	*errstr = "not a 201 answer with a job";
	if (strncmp(answer, "HTTP/1.1 201 ", 13) != 0 ||
	    (body = strstr(answer, "\r\n\r\n")) == NULL)
		return -1;
	if ((obj = json_tokener_parse(body + 4)) == NULL)
		return -1;
	if (field(obj, "id", id, idlen) == 0 &&
	    field(obj, "token", token, toklen) == 0)
		rc = 0;
	json_object_put(obj);
	return rc;
}

struct first {
	int	 preview;
	int	 closed;
};

static int
on_frame(void *arg, const struct wsf_frame *f)
{
	struct first *x = arg;
	char enc[LG_ENCODING_MAX];
	int64_t ts;

	if (f->event == WSF_CLOSE) {
		x->closed = 1;
		return 1;
	}
	if (f->event == WSF_MESSAGE && f->text &&
	    wsconn_preview(f->prefix, &ts, enc, sizeof(enc)) == 1) {
		x->preview = 1;
		return 1;
	}
	return 0;
}

/* Opens the job's WebSocket; times the 101 and the first preview. */
static int
first_preview(const struct options *o, const char *id, const char *token,
    int64_t *hs_us, int64_t *pv_us, const char **errstr)
{
	unsigned char buf[65536];
	char path[LG_PATH_MAX], req[LG_PATH_MAX + 256];
	struct first x = { 0, 0 };
	size_t len = 0, hdrlen, rlen;
	struct wsf f;
	ssize_t n;
	int fd, r = 0, status;

	snprintf(path, sizeof(path), "/ws/jobs/%s?token=%s%s%s", id, token,
	    o->query ? "&" : "", o->query ? o->query : "");
	rlen = wsconn_request(req, sizeof(req), o->host, o->port, path);
	if ((fd = dial(o)) == -1 || write_all(fd, req, rlen) == -1) {
		if (fd != -1)
			close(fd);
		*errstr = "cannot open the WebSocket";
		return -1;
	}
	while (r == 0 && len < sizeof(buf) &&
	    (n = read(fd, (char *)buf + len, sizeof(buf) - len)) > 0) {
		len += (size_t)n;
		r = wsconn_response((char *)buf, len, &hdrlen, &status, errstr);
	}
	if (r != 1) {
		close(fd);
		if (r == 0)
			*errstr = "no handshake answer";
		return -1;
	}
	*hs_us = now_wall_us();
	wsf_init(&f);
	r = wsf_feed(&f, buf + hdrlen, len - hdrlen, on_frame, &x, errstr);
	while (r == 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		r = wsf_feed(&f, buf, (size_t)n, on_frame, &x, errstr);
	*pv_us = now_wall_us();
	close(fd);
	if (x.preview)
		return 0;
	if (r != -1)
		*errstr = x.closed ? "closed before a preview" :
		    "no preview in time";
	return -1;
}

static void
one_job(const struct options *o, struct timings *t)
{
	char id[64], token[256];
	int64_t t_post, t_answer, hs, pv;
	const char *errstr;

	t_post = now_wall_us();
	if (create_job(o, id, sizeof(id), token, sizeof(token),
	    &errstr) == -1) {
		fprintf(stderr, "joinbench: POST /api/jobs: %s\n", errstr);
		t->failed++;
		return;
	}
	t_answer = now_wall_us();
	if (first_preview(o, id, token, &hs, &pv, &errstr) == -1) {
		fprintf(stderr, "joinbench: job %s: %s\n", id, errstr);
		t->failed++;
		return;
	}
	hist_add(&t->post, t_answer - t_post);
	hist_add(&t->handshake, hs - t_answer);
	hist_add(&t->join, pv - t_answer);
}

static struct json_object *
jms(int64_t us)
{
	char s[32];

	if (us < 0)
		return NULL;
	snprintf(s, sizeof(s), "%.3f", (double)us / 1000.0);
	return json_object_new_double_s((double)us / 1000.0, s);
}

static struct json_object *
quantiles(const struct hist *h)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "p50", jms(hist_quantile(h, 0.5)));
	json_object_object_add(o, "p99", jms(hist_quantile(h, 0.99)));
	json_object_object_add(o, "max", jms(h->n ? h->max : -1));
	return o;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'n' },
		{ "body", required_argument, NULL, 'b' },
		{ "query", required_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	long v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->jobs = 50;
	o->body = "{\"shape\":[16,16,16],\"duration_s\":10}";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': o->host = optarg; break;
		case 'p':
		case 'n':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
				usage();
			if (ch == 'p')
				o->port = (int)v;
			else
				o->jobs = v;
			break;
		case 'b': o->body = optarg; break;
		case 'q': o->query = optarg; break;
		case 'j': o->json = 1; break;
		default: usage();
		}
	}
	if (optind != argc || o->port == 0)
		usage();
}

int
main(int argc, char **argv)
{
	struct timings *t;
	struct json_object *j;
	struct options o;
	long i;

	parse_options(argc, argv, &o);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return 1;
	for (i = 0; i < o.jobs; i++)
		one_job(&o, t);
	j = json_object_new_object();
	json_object_object_add(j, "jobs", json_object_new_int64(o.jobs));
	json_object_object_add(j, "failed", json_object_new_int64(t->failed));
	json_object_object_add(j, "post_ms", quantiles(&t->post));
	json_object_object_add(j, "handshake_ms", quantiles(&t->handshake));
	json_object_object_add(j, "join_ms", quantiles(&t->join));
	printf("%s\n", json_object_to_json_string_ext(j, o.json ?
	    JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY));
	json_object_put(j);
	free(t);
	return 0;
}
