/*
 * peers.c: asks the other cells of a deployment for their jobs, for
 * GET /api/jobs across cells (docs/sharding.md).  Each is asked GET
 * <its address>/api/jobs?scope=cell&limit=N over its own public REST
 * API (libcurl), all at once, within timeout_ms; what comes back is
 * read by peerlist.c.  A cell that does not answer in time, or answers
 * anything but a list of its jobs, is left out, and not asked again for
 * PEERS_BACKOFF_US, so that a cell that is down does not hold every
 * worker for timeout_ms; the change is logged, not every list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "api.h"
#include "log.h"
#include "now.h"
#include "peers.h"

/* A list of at most 1,000 jobs is well under this. */
#define PEER_BODY_MAX	(4u << 20)

struct peer_answer {
	struct peer	*cell;
	CURL		*easy;
	struct curl_slist *headers;
	char		*body;
	size_t		 len;
	int		 too_long;
	int		 done;		/* taken, or left out */
};

int
peers_init(struct peers *p, const struct api_settings *set)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < set->ncells; i++)
		if (set->cell_conf[i].number != (unsigned)set->cell) {
			p->cell[p->n].conf = set->cell_conf[i];
			atomic_init(&p->cell[p->n++].down_until, 0);
		}
	p->timeout_ms = set->timeout_ms;
	if (p->n == 0)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	p->api.list = peers_list;
	p->api.arg = p;
	p->curl_ready = 1;
	return 0;
}

void
peers_free(struct peers *p)
{
	if (p->curl_ready)
		curl_global_cleanup();
	p->curl_ready = 0;
}

static size_t
keep_body(char *data, size_t size, size_t n, void *arg)
{
	struct peer_answer *a = arg;
	size_t len = size * n;
	char *body;

	if (a->len + len > PEER_BODY_MAX) {
		a->too_long = 1;
		return 0;
	}
	if ((body = realloc(a->body, a->len + len + 1)) == NULL)
		return 0;
	memcpy(body + a->len, data, len);
	a->body = body;
	a->len += len;
	a->body[a->len] = '\0';
	return len;
}

/* The request to one cell, added to multi; -1 when it cannot be made. */
static int
ask(CURLM *multi, struct peer_answer *a, const char *authorization,
    int64_t limit, long timeout_ms)
{
	char url[2048], header[1024];

	if ((size_t)snprintf(url, sizeof(url), "%s/api/jobs?scope=cell&limit=%lld",
	    a->cell->conf.value, (long long)limit) >= sizeof(url) ||
	    (a->easy = curl_easy_init()) == NULL)
		return -1;
	if (authorization != NULL && (size_t)snprintf(header, sizeof(header),
	    "Authorization: %s", authorization) < sizeof(header))
		a->headers = curl_slist_append(NULL, header);
	curl_easy_setopt(a->easy, CURLOPT_URL, url);
	curl_easy_setopt(a->easy, CURLOPT_HTTPHEADER, a->headers);
	curl_easy_setopt(a->easy, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(a->easy, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(a->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(a->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < 2000 ? timeout_ms : 2000L);
	curl_easy_setopt(a->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->easy, CURLOPT_USERAGENT, "fcgi-api (maskstream)");
	return curl_multi_add_handle(multi, a->easy) == CURLM_OK ? 0 : -1;
}

/*
 * A finished request: its jobs into into; else the cell is missing, and
 * left alone for a while.  Said when it stops answering and when it is
 * back.
 */
static void
take(struct peer_answer *a, CURLcode done, struct json_object *into,
    struct json_object *missing)
{
	struct peer *c = a->cell;
	const char *why = NULL;
	long status = 0;

	a->done = 1;
	curl_easy_getinfo(a->easy, CURLINFO_RESPONSE_CODE, &status);
	if (done != CURLE_OK)
		why = a->too_long ? "an answer too long" :
		    curl_easy_strerror(done);
	else if (status != 200)
		why = "not 200";
	else if (peerlist_read(a->body, a->len, c->conf.number, into,
	    &why) == 0) {
		if (atomic_exchange(&c->down_until, 0) != 0)
			log_info("list: cell %u at %s answers again",
			    c->conf.number, c->conf.value);
		return;
	}
	json_object_array_add(missing, json_object_new_int(
	    (int)c->conf.number));
	if (atomic_exchange(&c->down_until, now_mono_us() +
	    PEERS_BACKOFF_US) == 0)
		log_warnx("list: cell %u at %s: %s (status %ld); its jobs are "
		    "left out of lists, and it is asked again every %lld s",
		    c->conf.number, c->conf.value, why, status,
		    PEERS_BACKOFF_US / 1000000);
}

/* A cell not asked this time: missing from the list. */
static void
left_out(struct peer_answer *a, struct json_object *missing)
{
	a->done = 1;
	json_object_array_add(missing, json_object_new_int(
	    (int)a->cell->conf.number));
}

void
peers_list(void *arg, const char *authorization, int64_t limit,
    struct json_object *into, struct json_object *missing)
{
	struct peers *p = arg;
	struct peer_answer a[API_SHARDS_MAX];
	CURLM *multi;
	CURLMsg *msg;
	int64_t now;
	size_t i;
	int running = 0, left;

	memset(a, 0, sizeof(a));
	if ((multi = curl_multi_init()) == NULL) {
		for (i = 0; i < p->n; i++) {
			a[i].cell = &p->cell[i];
			left_out(&a[i], missing);
		}
		return;
	}
	now = now_mono_us();
	for (i = 0; i < p->n; i++) {
		a[i].cell = &p->cell[i];
		if (atomic_load(&p->cell[i].down_until) > now)
			left_out(&a[i], missing);
		else if (ask(multi, &a[i], authorization, limit,
		    p->timeout_ms) == -1) {
			log_warnx("list: cannot ask cell %u",
			    p->cell[i].conf.number);
			left_out(&a[i], missing);
		}
	}
	do {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		if (running > 0 && curl_multi_poll(multi, NULL, 0, 1000,
		    NULL) != CURLM_OK)
			break;
	} while (running > 0);
	while ((msg = curl_multi_info_read(multi, &left)) != NULL)
		for (i = 0; i < p->n; i++)
			if (msg->msg == CURLMSG_DONE && a[i].easy == msg->easy_handle)
				take(&a[i], msg->data.result, into, missing);
	for (i = 0; i < p->n; i++) {
		if (!a[i].done)
			left_out(&a[i], missing);
		if (a[i].easy != NULL) {
			curl_multi_remove_handle(multi, a[i].easy);
			curl_easy_cleanup(a[i].easy);
		}
		curl_slist_free_all(a[i].headers);
		free(a[i].body);
	}
	curl_multi_cleanup(multi);
}
