/*
 * metrics.c: GET /api/metrics, the Prometheus text exposition (format
 * 0.0.4) of both daemons: the streamer's stats, asked for over the
 * control channel and read back checked, each sample labelled with its
 * shard, and fcgi-api's own count of requests by route and status
 * class.  Only for an address nginx trusts
 * (it says so in MASKSTREAM_TRUSTED) or the holder of an API key.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "histo.h"

#define METRICS_TYPE	"text/plain; version=0.0.4; charset=utf-8"

static const char *const route_names[API_NROUTES] = {
	[API_ROUTE_OTHER] = "other",
	[API_ROUTE_HEALTH] = "health",
	[API_ROUTE_METRICS] = "metrics",
	[API_ROUTE_JOBS] = "jobs",
	[API_ROUTE_JOB] = "job",
	[API_ROUTE_PREVIEW] = "preview",
	[API_ROUTE_PROGRESS] = "progress",
	[API_ROUTE_COMPLETE] = "complete"
};

/* Requests answered, by route and status class (1xx .. 5xx). */
static atomic_uint_fast64_t requests[API_NROUTES][5];

/* A counter or gauge of the streamer's stats, one number. */
struct stat_metric {
	const char	*key;
	const char	*name;
	const char	*type;
	const char	*help;
};

static const struct stat_metric stat_metrics[] = {
	{ "jobs_created", "maskstream_jobs_created_total", "counter",
	    "Jobs created since the streamer started." },
	{ "ws_connections", "maskstream_websocket_connections", "gauge",
	    "WebSocket connections open." },
	{ "ws_subscribers", "maskstream_websocket_subscribers", "gauge",
	    "WebSocket connections subscribed to a job." },
	{ "control_connections", "maskstream_control_connections", "gauge",
	    "Control channel connections open." },
	{ "messages", "maskstream_messages_total", "counter",
	    "Messages jobs emitted, each once however many subscribe." },
	{ "messages_sent", "maskstream_messages_sent_total", "counter",
	    "Messages written to subscribers." },
	{ "bytes_sent", "maskstream_sent_bytes_total", "counter",
	    "Bytes written to subscribers." },
	{ "previews_skipped", "maskstream_previews_skipped_total", "counter",
	    "Previews slow subscribers skipped for a newer one." },
	{ "slow_closed", "maskstream_slow_subscribers_closed_total", "counter",
	    "Subscribers closed for falling too far behind." },
	{ "pings", "maskstream_pings_total", "counter",
	    "Pings sent to quiet WebSockets." },
	{ "ping_hangups", "maskstream_ping_hangups_total", "counter",
	    "WebSockets hung up on for leaving a ping unanswered." }
};

enum api_route
metrics_route_of(const char *path)
{
	static const char jobs[] = "/api/jobs/";
	size_t n = sizeof(jobs) - 1;

	if (path == NULL)
		return API_ROUTE_OTHER;
	if (strcmp(path, "/api/health") == 0)
		return API_ROUTE_HEALTH;
	if (strcmp(path, "/api/metrics") == 0)
		return API_ROUTE_METRICS;
	if (strcmp(path, "/api/jobs") == 0)
		return API_ROUTE_JOBS;
	if (strncmp(path, jobs, n) != 0 || !id_job_valid(path + n, ID_JOB_LEN))
		return API_ROUTE_OTHER;
	path += n + ID_JOB_LEN;
	if (*path == '\0')
		return API_ROUTE_JOB;
	if (strcmp(path, "/preview") == 0)
		return API_ROUTE_PREVIEW;
	if (strcmp(path, "/progress") == 0)
		return API_ROUTE_PROGRESS;
	if (strcmp(path, "/complete") == 0)
		return API_ROUTE_COMPLETE;
	return API_ROUTE_OTHER;
}

void
metrics_count(enum api_route route, int status)
{
	if ((unsigned)route < API_NROUTES && status >= 100 && status <= 599)
		atomic_fetch_add(&requests[route][status / 100 - 1], 1);
}

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A member that is a non-negative integer, or -1. */
static int64_t
count_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return -1;
	return json_object_get_int64(v);
}

/* Whether any shard's stats have key (so that its family is written). */
static int
any_has(const struct metrics_shard *sh, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sh[i].stats != NULL &&
		    json_object_object_get_ex(sh[i].stats, key, NULL))
			return 1;
	return 0;
}

/* Whether any shard's stats have key as a count. */
static int
any_count(const struct metrics_shard *sh, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (count_of(sh[i].stats, key) >= 0)
			return 1;
	return 0;
}

static void
stat_samples(FILE *f, const struct metrics_shard *sh, size_t n)
{
	const struct stat_metric *m;
	size_t i, k;
	int64_t v;

	for (i = 0; i < sizeof(stat_metrics) / sizeof(stat_metrics[0]); i++) {
		m = &stat_metrics[i];
		if (!any_count(sh, n, m->key))
			continue;
		family(f, m->name, m->type, m->help);
		for (k = 0; k < n; k++)
			if ((v = count_of(sh[k].stats, m->key)) >= 0)
				fprintf(f, "%s{shard=\"%u\"} %lld\n", m->name,
				    sh[k].number, (long long)v);
	}
}

/*
 * A family with one more label: name{shard="N",label="key"} for each of
 * keys found in a shard's member (or, with member NULL, its stats) as
 * "<prefix><key>".
 */
static void
labelled(FILE *f, const struct metrics_shard *sh, size_t n,
    const char *member, const char *prefix, const char *const keys[],
    const char *name, const char *label)
{
	struct json_object *o;
	char key[64];
	size_t k;
	int64_t v;
	int i;

	for (k = 0; k < n; k++) {
		o = sh[k].stats;
		if (o == NULL || (member != NULL &&
		    !json_object_object_get_ex(o, member, &o)))
			continue;
		for (i = 0; keys[i] != NULL; i++) {
			snprintf(key, sizeof(key), "%s%s", prefix, keys[i]);
			if ((v = count_of(o, key)) >= 0)
				fprintf(f, "%s{shard=\"%u\",%s=\"%s\"} %lld\n",
				    name, sh[k].number, label, keys[i],
				    (long long)v);
		}
	}
}

static void
labelled_samples(FILE *f, const struct metrics_shard *sh, size_t n)
{
	static const char *const states[] = { "running", "succeeded",
	    "failed", "cancelled", NULL };
	static const char *const encodings[] = { "base64", "deflate", NULL };

	if (any_has(sh, n, "jobs_by_state")) {
		family(f, "maskstream_jobs", "gauge",
		    "Jobs the streamer holds, by state.");
		labelled(f, sh, n, "jobs_by_state", "", states,
		    "maskstream_jobs", "state");
	}
	if (any_has(sh, n, "encodes_base64")) {
		family(f, "maskstream_preview_encodes_total", "counter",
		    "Previews encoded for subscribers, by encoding.");
		labelled(f, sh, n, NULL, "encodes_", encodings,
		    "maskstream_preview_encodes_total", "encoding");
	}
	if (any_has(sh, n, "decodes_base64")) {
		family(f, "maskstream_preview_decodes_total", "counter",
		    "Producers' previews decoded, by how their voxels came.");
		labelled(f, sh, n, NULL, "decodes_", encodings,
		    "maskstream_preview_decodes_total", "encoding");
	}
}

/*
 * A bound as a label: the fewest digits that read back as the same
 * double, so that distinct bounds never print alike (0.0005, not
 * 0.00050000000000000001).
 */
static void
format_bound(char *buf, size_t len, double v)
{
	int prec;

	for (prec = 6; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

/* One shard's samples of a histogram, if its JSON reads back. */
static void
histogram_samples(FILE *f, struct json_object *o, unsigned shard,
    const char *name)
{
	const char *errstr;
	struct histo h;
	uint64_t n = 0;
	char le[32];
	int i;

	if (histo_from_json(o, &h, &errstr) == -1)
		return;
	for (i = 0; i < h.nbounds; i++) {
		n += h.counts[i];
		format_bound(le, sizeof(le), h.le[i]);
		fprintf(f, "%s_bucket{shard=\"%u\",le=\"%s\"} %llu\n", name,
		    shard, le, (unsigned long long)n);
	}
	n += h.counts[h.nbounds];
	fprintf(f, "%s_bucket{shard=\"%u\",le=\"+Inf\"} %llu\n", name, shard,
	    (unsigned long long)n);
	fprintf(f, "%s_sum{shard=\"%u\"} %.9g\n", name, shard, h.sum);
	fprintf(f, "%s_count{shard=\"%u\"} %llu\n", name, shard,
	    (unsigned long long)n);
}

/* A histogram of the shards' member key, as name. */
static void
histogram(FILE *f, const struct metrics_shard *sh, size_t n, const char *key,
    const char *name, const char *help)
{
	struct json_object *o;
	const char *errstr;
	struct histo h;
	size_t k;
	int header = 0;

	for (k = 0; k < n; k++) {
		if (sh[k].stats == NULL ||
		    !json_object_object_get_ex(sh[k].stats, key, &o) ||
		    histo_from_json(o, &h, &errstr) == -1)
			continue;
		if (!header++)
			family(f, name, "histogram", help);
		histogram_samples(f, o, sh[k].number, name);
	}
}

static void
api_samples(FILE *f)
{
	uint_fast64_t v;
	int r, c;

	family(f, "maskstream_api_requests_total", "counter",
	    "REST requests fcgi-api answered, by route and status class.");
	for (r = 0; r < API_NROUTES; r++)
		for (c = 0; c < 5; c++)
			if ((v = atomic_load(&requests[r][c])) > 0)
				fprintf(f, "maskstream_api_requests_total{route="
				    "\"%s\",class=\"%dxx\"} %llu\n",
				    route_names[r], c + 1,
				    (unsigned long long)v);
}

int
metrics_write(FILE *f, const struct metrics_shard *sh, size_t n)
{
	size_t k;

	family(f, "maskstream_streamer_up", "gauge",
	    "1 when fcgi-api reached the shard's streamer for this scrape.");
	for (k = 0; k < n; k++)
		fprintf(f, "maskstream_streamer_up{shard=\"%u\"} %d\n",
		    sh[k].number, sh[k].stats != NULL);
	stat_samples(f, sh, n);
	labelled_samples(f, sh, n);
	histogram(f, sh, n, "broadcast_seconds",
	    "maskstream_broadcast_seconds", "Time from a message's "
	    "production to its last write to a live subscriber.");
	histogram(f, sh, n, "journal_sync_seconds",
	    "maskstream_journal_sync_seconds",
	    "Time the job journal's syncs to disk took.");
	api_samples(f);
	return ferror(f) ? -1 : 0;
}

/* The exposition into res, from each shard's stats (NULL: away). */
static void
expose(const struct metrics_shard *sh, size_t n, struct api_response *res)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL) {
		api_error(res, 500, "internal", "out of memory");
		return;
	}
	if (metrics_write(f, sh, n) == -1 || fclose(f) == EOF) {
		free(text);
		api_error(res, 500, "internal", "out of memory");
		return;
	}
	res->status = 200;
	res->raw = (unsigned char *)text;
	res->raw_len = len;
	res->content_type = METRICS_TYPE;
}

/* Every shard of the cell, whether or not it answers. */
static void
expose_cell(const struct api_cell *cell, struct api_response *res)
{
	struct metrics_shard *sh;
	size_t k;

	if ((sh = calloc(cell->n, sizeof(*sh))) == NULL) {
		api_error(res, 500, "internal", "out of memory");
		return;
	}
	for (k = 0; k < cell->n; k++) {
		sh[k].number = cell->shard[k].number;
		sh[k].stats = cell_shard_stats(&cell->shard[k]);
	}
	expose(sh, cell->n, res);
	for (k = 0; k < cell->n; k++)
		json_object_put(sh[k].stats);
	free(sh);
}

/* A backend of one streamer, shard 0. */
static void
expose_one(const struct api_backend *be, struct api_response *res)
{
	struct json_object *reply;
	struct metrics_shard one = { 0, NULL };

	one.stats = api_call(be, CTLPROTO_STATS, ctlproto_stats(), &reply,
	    res);
	if (one.stats == NULL) {
		/* Still fcgi-api's own, with the streamer down. */
		api_response_free(res);
		memset(res, 0, sizeof(*res));
	}
	expose(&one, 1, res);
	json_object_put(reply);
}

void
metrics_route(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, struct api_response *res)
{
	if (!api_method_is(req, "GET") && !api_method_is(req, "HEAD")) {
		api_not_allowed(res, "GET, HEAD");
		return;
	}
	if (!req->trusted && !api_holds_key(req, keys)) {
		api_error(res, 403, "forbidden", req->authorization != NULL ?
		    "that is not an API key; metrics are for trusted "
		    "addresses, or with an API key" : "metrics are for trusted "
		    "addresses, or with an API key");
		return;
	}
	if (be->cell != NULL)
		expose_cell(be->cell, res);
	else
		expose_one(be, res);
}
