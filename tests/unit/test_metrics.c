/*
 * test_metrics.c: GET /api/metrics (fcgi-api/metrics.c) against a fake
 * streamer: who may read it, the exposition's families and values from
 * the streamer's stats, histograms made cumulative, fcgi-api's own
 * request counts, and what it says when the streamer is away or answers
 * nonsense.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "api.h"
#include "unit.h"

#define KEY	"key-0123456789abcdef"
#define STATS	"{\"ok\":true,\"stats\":{\"epoch\":\"0123456789abcdef\"," \
	"\"jobs\":3,\"jobs_created\":7,\"ws_connections\":2," \
	"\"ws_subscribers\":1,\"control_connections\":1,\"messages\":40," \
	"\"messages_sent\":38,\"bytes_sent\":123456,\"previews_skipped\":2," \
	"\"slow_closed\":0,\"pings\":4,\"ping_hangups\":1," \
	"\"encodes_base64\":12,\"encodes_deflate\":3,\"decodes_base64\":5," \
	"\"decodes_deflate\":6,\"jobs_by_state\":{\"running\":1," \
	"\"succeeded\":1,\"failed\":0,\"cancelled\":1}," \
	"\"broadcast_seconds\":{\"le\":[0.001,0.01,1],\"counts\":[3,1,0,2]," \
	"\"sum\":20.5}}}"

static const char	*reply;		/* the fake streamer's; NULL: away */
static struct api_keys	 no_keys, some_keys;

static struct json_object *
fake_call(void *arg, struct json_object *req)
{
	(void)arg;
	json_object_put(req);
	return reply != NULL ? json_tokener_parse(reply) : NULL;
}

/* The two key sets, none and KEY, loaded at the first request. */
static void
keys(void)
{
	static int ready;
	char path[] = "/tmp/test_metrics.XXXXXX", err[256];
	FILE *f;
	int fd;

	if (ready)
		return;
	ready = 1;
	CU_ASSERT_FATAL(keys_init(&no_keys) == 0);
	CU_ASSERT_FATAL(keys_init(&some_keys) == 0);
	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	CU_ASSERT_FATAL((f = fdopen(fd, "w")) != NULL);
	fputs(KEY "\n", f);
	CU_ASSERT_FATAL(fclose(f) == 0);
	CU_ASSERT_FATAL(keys_load(&some_keys, path, err, sizeof(err)) == 0);
	unlink(path);
}

/* A request for path with method, trusted or not, with Authorization. */
static void
get(const char *method, int trusted, const char *auth, struct api_keys *k,
    struct api_response *res)
{
	struct api_backend be = { fake_call, NULL, NULL, NULL };
	struct api_request req;

	keys();
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = "/api/metrics";
	req.trusted = trusted;
	req.authorization = auth;
	api_handle(&req, &be, k, API_BODY_MAX_DEFAULT, res);
}

/* The exposition, NUL-terminated (the caller frees res). */
static const char *
text(struct api_response *res)
{
	unsigned char *t;

	CU_ASSERT_EQUAL_FATAL(res->status, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res->raw);
	CU_ASSERT_STRING_EQUAL(res->content_type,
	    "text/plain; version=0.0.4; charset=utf-8");
	t = realloc(res->raw, res->raw_len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t[res->raw_len] = '\0';
	res->raw = t;
	return (const char *)t;
}

static void
has(const char *t, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strstr(t, want) == NULL && strncmp(t, want + 1,
	    strlen(want + 1)) != 0) {
		fprintf(stderr, "missing: %s\n", line);
		CU_FAIL("a line is missing from the exposition");
	}
}

static void
test_access(void)
{
	struct api_response res;

	reply = STATS;
	get("GET", 0, NULL, &no_keys, &res);
	CU_ASSERT_EQUAL(res.status, 403);
	CU_ASSERT_PTR_NOT_NULL(res.body);
	CU_ASSERT_PTR_NULL(res.raw);
	api_response_free(&res);
	/* A key where none is configured, a wrong one, a job token. */
	get("GET", 0, "Bearer " KEY, &no_keys, &res);
	CU_ASSERT_EQUAL(res.status, 403);
	api_response_free(&res);
	get("GET", 0, "Bearer wrong-key-0123456789", &some_keys, &res);
	CU_ASSERT_EQUAL(res.status, 403);
	api_response_free(&res);
	get("GET", 0, "Bearer " KEY, &some_keys, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	api_response_free(&res);
	get("GET", 1, NULL, &no_keys, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	api_response_free(&res);
	get("HEAD", 1, NULL, &no_keys, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	api_response_free(&res);
	get("POST", 1, NULL, &no_keys, &res);
	CU_ASSERT_EQUAL(res.status, 405);
	CU_ASSERT_STRING_EQUAL(res.allow, "GET, HEAD");
	api_response_free(&res);
}

static void
test_exposition(void)
{
	struct api_response res;
	const char *t;

	reply = STATS;
	get("GET", 1, NULL, &no_keys, &res);
	t = text(&res);
	has(t, "# TYPE maskstream_streamer_up gauge");
	has(t, "maskstream_streamer_up{shard=\"0\"} 1");
	has(t, "# TYPE maskstream_jobs_created_total counter");
	has(t, "maskstream_jobs_created_total{shard=\"0\"} 7");
	has(t, "maskstream_websocket_connections{shard=\"0\"} 2");
	has(t, "maskstream_websocket_subscribers{shard=\"0\"} 1");
	has(t, "maskstream_control_connections{shard=\"0\"} 1");
	has(t, "maskstream_messages_total{shard=\"0\"} 40");
	has(t, "maskstream_messages_sent_total{shard=\"0\"} 38");
	has(t, "maskstream_sent_bytes_total{shard=\"0\"} 123456");
	has(t, "maskstream_previews_skipped_total{shard=\"0\"} 2");
	has(t, "maskstream_slow_subscribers_closed_total{shard=\"0\"} 0");
	has(t, "maskstream_pings_total{shard=\"0\"} 4");
	has(t, "maskstream_ping_hangups_total{shard=\"0\"} 1");
	has(t, "# TYPE maskstream_jobs gauge");
	has(t, "maskstream_jobs{shard=\"0\",state=\"running\"} 1");
	has(t, "maskstream_jobs{shard=\"0\",state=\"cancelled\"} 1");
	has(t, "maskstream_jobs{shard=\"0\",state=\"failed\"} 0");
	has(t, "maskstream_preview_encodes_total{shard=\"0\","
	    "encoding=\"base64\"} 12");
	has(t, "maskstream_preview_encodes_total{shard=\"0\","
	    "encoding=\"deflate\"} 3");
	has(t, "maskstream_preview_decodes_total{shard=\"0\","
	    "encoding=\"deflate\"} 6");
	/* Buckets made cumulative; +Inf is the count. */
	has(t, "# TYPE maskstream_broadcast_seconds histogram");
	has(t, "maskstream_broadcast_seconds_bucket{shard=\"0\","
	    "le=\"0.001\"} 3");
	has(t, "maskstream_broadcast_seconds_bucket{shard=\"0\","
	    "le=\"0.01\"} 4");
	has(t, "maskstream_broadcast_seconds_bucket{shard=\"0\","
	    "le=\"1\"} 4");
	has(t, "maskstream_broadcast_seconds_bucket{shard=\"0\","
	    "le=\"+Inf\"} 6");
	has(t, "maskstream_broadcast_seconds_sum{shard=\"0\"} 20.5");
	has(t, "maskstream_broadcast_seconds_count{shard=\"0\"} 6");
	/* No journal in these stats: no family for it. */
	CU_ASSERT_PTR_NULL(strstr(t, "journal"));
	api_response_free(&res);
}

static void
test_requests(void)
{
	struct api_response res;
	const char *t;

	metrics_count(metrics_route_of("/api/jobs"), 201);
	metrics_count(metrics_route_of("/api/jobs"), 201);
	metrics_count(metrics_route_of("/api/jobs/0123456789abcdef0123456789"
	    "abcdef/preview"), 429);
	metrics_count(metrics_route_of("/api/nothing"), 404);
	metrics_count(API_ROUTE_JOB, 99);	/* not a status: not counted */
	reply = STATS;
	get("GET", 1, NULL, &no_keys, &res);
	t = text(&res);
	has(t, "# TYPE maskstream_api_requests_total counter");
	has(t, "maskstream_api_requests_total{route=\"jobs\",class=\"2xx\"} 2");
	has(t, "maskstream_api_requests_total{route=\"preview\",class=\"4xx\"}"
	    " 1");
	has(t, "maskstream_api_requests_total{route=\"other\",class=\"4xx\"} 1");
	CU_ASSERT_PTR_NULL(strstr(t, "route=\"job\""));
	api_response_free(&res);
}

static void
test_route_of(void)
{
	static const struct {
		const char	*path;
		enum api_route	 route;
	} cases[] = {
		{ "/api/health", API_ROUTE_HEALTH },
		{ "/api/metrics", API_ROUTE_METRICS },
		{ "/api/jobs", API_ROUTE_JOBS },
		{ "/api/jobs/", API_ROUTE_OTHER },
		{ "/api/jobs/0123456789abcdef0123456789abcdef", API_ROUTE_JOB },
		{ "/api/jobs/0123456789ABCDEF0123456789abcdef", API_ROUTE_OTHER },
		{ "/api/jobs/0123456789abcdef", API_ROUTE_OTHER },
		{ "/api/jobs/0123456789abcdef0123456789abcdef/preview",
		    API_ROUTE_PREVIEW },
		{ "/api/jobs/0123456789abcdef0123456789abcdef/progress",
		    API_ROUTE_PROGRESS },
		{ "/api/jobs/0123456789abcdef0123456789abcdef/complete",
		    API_ROUTE_COMPLETE },
		{ "/api/jobs/0123456789abcdef0123456789abcdef/x", API_ROUTE_OTHER },
		{ "/api/metrics/", API_ROUTE_OTHER },
		{ "", API_ROUTE_OTHER },
		{ NULL, API_ROUTE_OTHER }
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(metrics_route_of(cases[i].path), cases[i].route);
}

/* The streamer away, or answering nonsense: fcgi-api's own, and up 0. */
static void
test_streamer_away(void)
{
	static const char *const replies[] = {
		NULL,
		"{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"x\"}}",
		"{\"ok\":true}"
	};
	struct api_response res;
	const char *t;
	size_t i;

	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		reply = replies[i];
		get("GET", 1, NULL, &no_keys, &res);
		t = text(&res);
		has(t, "maskstream_streamer_up{shard=\"0\"} 0");
		has(t, "# TYPE maskstream_api_requests_total counter");
		CU_ASSERT_PTR_NULL(strstr(t, "maskstream_jobs"));
		api_response_free(&res);
	}
	/* A histogram that does not read back is left out, not invented. */
	reply = "{\"ok\":true,\"stats\":{\"jobs_created\":1,"
	    "\"broadcast_seconds\":{\"le\":[2,1],\"counts\":[0,0,0],\"sum\":0},"
	    "\"messages\":-4}}";
	get("GET", 1, NULL, &no_keys, &res);
	t = text(&res);
	has(t, "maskstream_jobs_created_total{shard=\"0\"} 1");
	CU_ASSERT_PTR_NULL(strstr(t, "broadcast"));
	CU_ASSERT_PTR_NULL(strstr(t, "maskstream_messages_total"));
	api_response_free(&res);
}

static int
occurrences(const char *t, const char *what)
{
	int n = 0;

	while ((t = strstr(t, what)) != NULL) {
		n++;
		t++;
	}
	return n;
}

/* A cell of two shards: each labelled, up or not. */
static void
test_cell(void)
{
	struct api_shard shards[2] = {
		{ 0, 0, { fake_call, NULL, NULL, NULL } },
		{ 5, 0, { fake_call, NULL, NULL, NULL } }
	};
	struct api_cell cell = { 0, shards, 2 };
	struct api_backend be = { cell_call, &cell, &cell, NULL };
	struct api_request req;
	struct api_response res;
	const char *t;

	keys();
	/* The fake answers every shard alike: both up, then both away. */
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/api/metrics";
	req.trusted = 1;
	reply = STATS;
	api_handle(&req, &be, &no_keys, API_BODY_MAX_DEFAULT, &res);
	t = text(&res);
	has(t, "maskstream_streamer_up{shard=\"0\"} 1");
	has(t, "maskstream_streamer_up{shard=\"5\"} 1");
	has(t, "maskstream_jobs_created_total{shard=\"5\"} 7");
	/* One family header, however many shards. */
	CU_ASSERT_EQUAL(occurrences(t, "# TYPE maskstream_jobs_created_total"),
	    1);
	CU_ASSERT_EQUAL(occurrences(t, "# TYPE maskstream_broadcast_seconds"),
	    1);
	api_response_free(&res);
	reply = NULL;
	api_handle(&req, &be, &no_keys, API_BODY_MAX_DEFAULT, &res);
	t = text(&res);
	has(t, "maskstream_streamer_up{shard=\"0\"} 0");
	has(t, "maskstream_streamer_up{shard=\"5\"} 0");
	CU_ASSERT_PTR_NULL(strstr(t, "maskstream_jobs_created_total"));
	api_response_free(&res);
}

static CU_TestInfo cases[] = {
	{ "trusted addresses and API keys only", test_access },
	{ "the streamer's stats as families", test_exposition },
	{ "requests by route and status class", test_requests },
	{ "a request's route", test_route_of },
	{ "the streamer away or answering nonsense", test_streamer_away },
	{ "a cell's shards, each labelled", test_cell },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("metrics", cases);
}
