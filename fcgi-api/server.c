/*
 * server.c: the FastCGI side of fcgi-api.  A few worker threads each
 * accept requests with FCGX_Accept_r(), keep their own connection to
 * each streamer's control socket (reconnecting when it broke), and turn
 * FastCGI parameters into struct api_request and back.  The shards are
 * the configuration's at start, and replaced on reload: each worker
 * takes the new ones before its next request.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "log.h"

#define REPLY_MAX	(16u << 20)

/* A worker's connection to one shard's control socket. */
struct shard_conn {
	const struct api_settings	*set;
	char				*path;
	struct ctlclient		 ctl;
};

/* The shards of the cell, as the configuration names them. */
struct places {
	unsigned		 cell;
	size_t			 n;
	struct api_shard_conf	*shard;		/* each path its own */
};

struct worker {
	pthread_t			 thread;
	int				 started;
	int				 listen_fd;
	const struct api_settings	*set;
	struct api_keys			*keys;
	struct shard_conn		*conns;	/* one per shard */
	struct api_shard		*shards;
	struct api_cell			 cell;
	unsigned			 places_gen;	/* of its cell */
	char				*body;	/* bodycap + 1 bytes */
	size_t				 bodycap;
	atomic_int			 busy;	/* serving a request */
};

static struct worker	*workers;
static int		 nworkers;
static int		 listen_sock = -1;
static int		 own_socket;	/* not inherited from systemd */
static const struct api_peers *peers;	/* the other cells, or NULL */
/* The shards now; a worker copies them under the read lock. */
static struct places	*places;
static pthread_rwlock_t	 places_lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_uint	 places_gen;
static atomic_int	 stopping;

/* 1 when the streamer closed our connection since the last request. */
static int
peer_closed(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

static struct json_object *
shard_call(void *arg, struct json_object *req)
{
	struct shard_conn *c = arg;
	struct json_object *reply;
	const char *errstr;

	if (c->ctl.fd != -1 && peer_closed(c->ctl.fd))
		ctlclient_close(&c->ctl);
	if (c->ctl.fd == -1 && ctlclient_open(&c->ctl, c->path, REPLY_MAX,
	    (int)c->set->timeout_ms, &errstr) == -1) {
		log_warn("streamer at \"%s\": %s", c->path, errstr);
		json_object_put(req);
		return NULL;
	}
	reply = ctlclient_call(&c->ctl, req, &errstr);
	json_object_put(req);
	if (reply == NULL)
		log_warnx("streamer at \"%s\": %s", c->path, errstr);
	return reply;
}

static void
places_free(struct places *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free((char *)p->shard[i].control_socket);
	free(p->shard);
	free(p);
}

/* A copy of set's shards that owns its paths, or NULL. */
static struct places *
places_copy(const struct api_settings *set)
{
	struct places *p;
	size_t i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->cell = (unsigned)set->cell;
	if ((p->shard = calloc(set->nshards, sizeof(*p->shard))) == NULL) {
		free(p);
		return NULL;
	}
	for (i = 0; i < set->nshards; i++, p->n++) {
		p->shard[i] = set->shard_conf[i];
		if ((p->shard[i].control_socket =
		    strdup(set->shard_conf[i].control_socket)) == NULL) {
			places_free(p);
			return NULL;
		}
	}
	return p;
}

int
server_set_places(const struct api_settings *set)
{
	struct places *next, *old;

	if ((next = places_copy(set)) == NULL)
		return -1;
	pthread_rwlock_wrlock(&places_lock);
	old = places;
	places = next;
	atomic_fetch_add(&places_gen, 1);
	pthread_rwlock_unlock(&places_lock);
	places_free(old);
	return 0;
}

static void
worker_cell_free(struct worker *w)
{
	size_t i;

	for (i = 0; i < w->cell.n; i++) {
		ctlclient_close(&w->conns[i].ctl);
		free(w->conns[i].path);
	}
	free(w->conns);
	free(w->shards);
	w->conns = NULL;
	w->shards = NULL;
	w->cell.n = 0;
}

/*
 * The worker's shards, each a backend on its own connection, from the
 * places now; on failure the worker keeps those it had.
 */
static int
worker_cell(struct worker *w)
{
	struct shard_conn *conns;
	struct api_shard *shards;
	size_t i, n;

	pthread_rwlock_rdlock(&places_lock);
	n = places->n;
	conns = calloc(n, sizeof(*conns));
	shards = calloc(n, sizeof(*shards));
	for (i = 0; conns != NULL && shards != NULL && i < n; i++) {
		conns[i].set = w->set;
		conns[i].ctl.fd = -1;
		if ((conns[i].path = strdup(
		    places->shard[i].control_socket)) == NULL)
			break;
		shards[i].number = places->shard[i].number;
		shards[i].draining = places->shard[i].draining;
		shards[i].be.call = shard_call;
		shards[i].be.arg = &conns[i];
	}
	if (conns == NULL || shards == NULL || i < n) {
		pthread_rwlock_unlock(&places_lock);
		while (conns != NULL && i-- > 0)
			free(conns[i].path);
		free(conns);
		free(shards);
		return -1;
	}
	w->places_gen = atomic_load(&places_gen);
	w->cell.number = places->cell;
	pthread_rwlock_unlock(&places_lock);
	worker_cell_free(w);
	w->conns = conns;
	w->shards = shards;
	w->cell.shard = shards;
	w->cell.n = n;
	return 0;
}

static const char *
param(FCGX_Request *r, const char *name)
{
	return FCGX_GetParam(name, r->envp);
}

/* The request path without its query, as nginx normalized it. */
static const char *
request_path(FCGX_Request *r, char *buf, size_t len)
{
	const char *p = param(r, "DOCUMENT_URI");

	if (p == NULL && (p = param(r, "REQUEST_URI")) != NULL) {
		snprintf(buf, len, "%.*s", (int)strcspn(p, "?"), p);
		p = buf;
	}
	return p;
}

/* Content-Length as given, or -1 when it is missing or malformed. */
static int
content_length(FCGX_Request *r, size_t *len)
{
	const char *s = param(r, "CONTENT_LENGTH");
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*len = (size_t)v;
	return 0;
}

/*
 * Reads the body when it is small enough for its route to handle at all
 * (a preview's may be megabytes: the buffer grows to it once).
 */
static int
read_body(struct worker *w, FCGX_Request *r, struct api_request *req)
{
	size_t limit = api_body_limit(req, (size_t)w->set->body_max);
	char *grown;
	int n;

	req->body = "";
	if (!req->has_length || req->length == 0 || req->length > limit)
		return 0;
	if (req->length > w->bodycap) {
		if ((grown = realloc(w->body, limit + 1)) == NULL)
			return -1;
		w->body = grown;
		w->bodycap = limit;
	}
	n = FCGX_GetStr(w->body, (int)req->length, r->in);
	if (n < 0 || (size_t)n != req->length)
		return -1;
	w->body[n] = '\0';
	req->body = w->body;
	return 0;
}

/* Appends a formatted header line to buf (size len, used *off). */
static void
header(char *buf, size_t len, size_t *off, const char *name,
    const char *value)
{
	int n;

	if (value == NULL || *off >= len)
		return;
	n = snprintf(buf + *off, len - *off, "%s: %s\r\n", name, value);
	if (n > 0)
		*off += (size_t)n;
}

static void
write_response(FCGX_Request *r, const struct api_request *req,
    const struct api_response *res)
{
	char head[1024], status[64], length[32];
	const char *body;
	size_t len, off = 0;
	int i, nl = res->raw == NULL;

	if (res->raw != NULL) {
		body = (const char *)res->raw;
		len = res->raw_len;
	} else
		body = json_object_to_json_string_length(res->body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
	snprintf(status, sizeof(status), "%d %s", res->status,
	    api_status_text(res->status));
	snprintf(length, sizeof(length), "%zu", len + nl);
	header(head, sizeof(head), &off, "Status", status);
	header(head, sizeof(head), &off, "Content-Type", res->raw != NULL ?
	    res->content_type : "application/json");
	header(head, sizeof(head), &off, "Content-Encoding",
	    res->content_encoding);
	header(head, sizeof(head), &off, "Content-Length", length);
	for (i = 0; i < res->nheaders; i++)
		header(head, sizeof(head), &off, res->headers[i].name,
		    res->headers[i].value);
	header(head, sizeof(head), &off, "Cache-Control", "no-store");
	header(head, sizeof(head), &off, "Location",
	    res->location[0] != '\0' ? res->location : NULL);
	header(head, sizeof(head), &off, "Allow", res->allow);
	header(head, sizeof(head), &off, "Retry-After", res->retry_after);
	header(head, sizeof(head), &off, "WWW-Authenticate",
	    res->www_authenticate);
	FCGX_PutStr(head, (int)off, r->out);
	FCGX_PutS("\r\n", r->out);
	if (req->method == NULL || strcmp(req->method, "HEAD") != 0) {
		FCGX_PutStr(body, (int)len, r->out);
		if (nl)
			FCGX_PutS("\n", r->out);
	}
}

static void
serve(struct worker *w, FCGX_Request *r)
{
	struct api_backend be = { cell_call, &w->cell, &w->cell, peers };
	struct api_response res;
	struct api_request req;
	const char *trusted;
	char path[1024];

	memset(&req, 0, sizeof(req));
	req.method = param(r, "REQUEST_METHOD");
	req.path = request_path(r, path, sizeof(path));
	req.query = param(r, "QUERY_STRING");
	req.content_type = param(r, "CONTENT_TYPE");
	req.content_encoding = param(r, "HTTP_CONTENT_ENCODING");
	req.accept_encoding = param(r, "HTTP_ACCEPT_ENCODING");
	req.authorization = param(r, "HTTP_AUTHORIZATION");
	/* A FastCGI parameter nginx sets; no request header can. */
	req.trusted = (trusted = param(r, "MASKSTREAM_TRUSTED")) != NULL &&
	    strcmp(trusted, "1") == 0;
	req.has_length = content_length(r, &req.length) == 0;
	if (read_body(w, r, &req) == -1) {
		memset(&res, 0, sizeof(res));
		api_error(&res, 400, "bad_request", "the body is shorter than "
		    "its Content-Length");
	} else
		api_handle(&req, &be, w->keys, (size_t)w->set->body_max, &res);
	write_response(r, &req, &res);
	metrics_count(metrics_route_of(req.path), res.status);
	if (res.status >= 500)
		log_info("%s %s: %d", req.method, req.path, res.status);
	api_response_free(&res);
}

/*
 * accept(2) failing for another reason than shutdown (EMFILE, a socket
 * gone bad): wait a little instead of spinning, and say so once.
 */
static void
accept_failed(void)
{
	static atomic_int warned;

	if (!atomic_exchange(&warned, 1))
		log_warn("FCGX_Accept_r failed; retrying every 100 ms");
	poll(NULL, 0, 100);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	FCGX_Request r;

	if (FCGX_InitRequest(&r, w->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_warnx("FCGX_InitRequest failed");
		return NULL;
	}
	while (!stopping) {
		if (FCGX_Accept_r(&r) < 0) {
			if (!stopping)
				accept_failed();
			continue;
		}
		atomic_store(&w->busy, 1);
		if (w->places_gen != atomic_load(&places_gen) &&
		    worker_cell(w) == -1)
			log_warnx("out of memory: a worker keeps its old shards");
		serve(w, &r);
		/*
		 * Detached, the connection is simply closed: otherwise
		 * libfcgi shuts down its write side and waits for nginx
		 * to close first, holding this worker for a round trip
		 * through nginx's event loop.  Finish_r has read the
		 * request's input to its end, so nothing is lost.
		 */
		FCGX_Detach(&r);
		FCGX_Finish_r(&r);
		atomic_store(&w->busy, 0);
	}
	FCGX_Free(&r, 0);
	worker_cell_free(w);
	return NULL;
}

/* SIGUSR1 only interrupts a worker's blocking read or accept. */
static void
on_wake(int sig)
{
	(void)sig;
}

int
server_start(int listen_fd, const struct api_settings *set,
    struct api_keys *keys, const struct api_peers *other_cells)
{
	struct sigaction sa;
	sigset_t all, old;
	int i;

	if (FCGX_Init() != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;	/* no SA_RESTART: reads fail EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	listen_sock = listen_fd;
	own_socket = set->socket != NULL;
	peers = other_cells;
	if (server_set_places(set) == -1)
		return -1;
	nworkers = (int)set->threads;
	if ((workers = calloc((size_t)nworkers, sizeof(*workers))) == NULL)
		return -1;
	/* Signals are the main thread's; workers take only SIGUSR1. */
	sigfillset(&all);
	sigdelset(&all, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->listen_fd = listen_fd;
		w->set = set;
		w->keys = keys;
		w->bodycap = (size_t)set->body_max;
		if (worker_cell(w) == -1 ||
		    (w->body = malloc(w->bodycap + 1)) == NULL ||
		    pthread_create(&w->thread, NULL, worker_main, w) != 0)
			break;
		w->started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return i == nworkers ? 0 : -1;
}

/*
 * A worker waits in accept(2), or in read(2) on a kept FastCGI
 * connection: SIGUSR1 interrupts either.  A worker serving a request is
 * left to finish it; the signal is sent again until the worker is gone,
 * since one may start waiting just after a signal.
 */
static void
end_worker(struct worker *w)
{
	struct timespec ts;

	for (;;) {
		if (!atomic_load(&w->busy))
			pthread_kill(w->thread, SIGUSR1);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_timedjoin_np(w->thread, NULL, &ts) == 0)
			return;
	}
}

/* Lets requests in progress finish, then ends the workers. */
void
server_stop(void)
{
	int i;

	atomic_store(&stopping, 1);
	FCGX_ShutdownPending();
	/* An inherited socket is systemd's to keep for the next instance. */
	if (listen_sock != -1 && own_socket)
		shutdown(listen_sock, SHUT_RDWR);
	for (i = 0; i < nworkers; i++) {
		if (workers[i].started)
			end_worker(&workers[i]);
		free(workers[i].body);
		if (!workers[i].started)
			worker_cell_free(&workers[i]);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
	places_free(places);
	places = NULL;
}
