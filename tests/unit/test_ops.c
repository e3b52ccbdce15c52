/*
 * test_ops.c: the control channel's operations on a real registry, with
 * no event loop: create, get, list, cancel, publish and stats, their
 * errors, and the fake producer and expiry driven by job_run_due().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"
#include "core.h"
#include "histo.h"
#include "log.h"
#include "unit.h"
#include "zpay.h"

/* The streamer's core alone: no transport, so no hooks. */
static struct settings	 test_set;
static struct registry	 test_reg;
static struct registry	*reg = &test_reg;

/*
 * The tokens of the jobs created, from their creations' replies: the
 * registry keeps only their hashes.
 */
#define MAX_TOKENS	64
static struct {
	const struct job	*job;
	char			 token[ID_TOKEN_LEN + 1];
} tokens[MAX_TOKENS];
static size_t ntokens;

#define UNKNOWN_ID	"0123456789abcdef0123456789abcdef"
#define REQ_MAX		8192

static void
setup(long long max_jobs, long long max_finished, long long retention_s)
{
	memset(&test_set, 0, sizeof(test_set));
	ntokens = 0;
	settings_defaults(&test_set);
	test_set.max_jobs = max_jobs;
	test_set.max_finished = max_finished;
	test_set.retention_s = retention_s;
	CU_ASSERT_EQUAL_FATAL(registry_init(reg, &test_set), 0);
	CU_ASSERT_PTR_NULL(reg->wake);
	CU_ASSERT_PTR_NULL(reg->dropping);
}

static void
teardown(void)
{
	registry_free(reg);
	settings_free(&test_set);
}

/* The reply to one request of len bytes. */
static struct json_object *
call_len(const char *line, size_t len)
{
	struct ops_result res;
	struct json_object *reply;

	reply = ops_handle(reg, line, len, &res);
	CU_ASSERT_FATAL(reply != NULL);
	CU_ASSERT_PTR_NULL(res.subscribe);
	return reply;
}

static struct json_object *call(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

static struct json_object *
call(const char *fmt, ...)
{
	char line[REQ_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof(line));
	return call_len(line, (size_t)n);
}

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fprintf(stderr, "no \"%s\" in %s\n", key,
		    json_object_to_json_string(o));
	CU_ASSERT_FATAL(v != NULL);
	return v;
}

static int
has(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

static const char *
str(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	CU_ASSERT_FATAL(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int64_t
num(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	CU_ASSERT_FATAL(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

/* Checks reply is {"ok":true,...} and returns its member key. */
static struct json_object *
ok_member(struct json_object *reply, const char *key)
{
	struct json_object *v = member(reply, "ok");

	if (!json_object_get_boolean(v))
		fprintf(stderr, "not ok: %s\n",
		    json_object_to_json_string(reply));
	CU_ASSERT_FATAL(json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v));
	return member(reply, key);
}

/* Checks reply is {"ok":true,...} with a member key, and frees it. */
static void
expect_ok(struct json_object *reply, const char *key)
{
	(void)ok_member(reply, key);
	json_object_put(reply);
}

/*
 * Checks reply is an error with code whose message contains want (if
 * not NULL), and frees it.
 */
static void
expect_error(struct json_object *reply, const char *code, const char *want)
{
	struct json_object *e;
	const char *msg;

	CU_ASSERT_FATAL(json_object_is_type(member(reply, "ok"),
	    json_type_boolean));
	CU_ASSERT_FALSE(json_object_get_boolean(member(reply, "ok")));
	e = member(reply, "error");
	if (strcmp(str(e, "code"), code) != 0)
		fprintf(stderr, "got %s, want code %s\n",
		    json_object_to_json_string(reply), code);
	CU_ASSERT_STRING_EQUAL(str(e, "code"), code);
	msg = str(e, "message");
	if (want != NULL && strstr(msg, want) == NULL) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", msg, want);
		CU_FAIL("error message");
	}
	json_object_put(reply);
}


static const char *
tok(const struct job *job)
{
	size_t i;

	for (i = ntokens; i-- > 0; )
		if (tokens[i].job == job)
			return tokens[i].token;
	CU_FAIL_FATAL("a job of no known token");
	return NULL;
}

/* Creates a job from the spec, checks the reply, returns the job. */
static struct job *
create(const char *spec)
{
	struct json_object *reply, *j;
	struct job *job;
	uint8_t h[ID_TOKEN_HASH_LEN];

	reply = call("{\"version\":1,\"op\":\"create\",\"job\":%s}", spec);
	j = ok_member(reply, "job");
	job = job_find(reg, str(j, "id"));
	CU_ASSERT_FATAL(job != NULL);
	CU_ASSERT_FATAL(id_token_hash(str(j, "token"), ID_TOKEN_LEN, h) == 0);
	CU_ASSERT(memcmp(h, job->token_hash, sizeof(h)) == 0);
	CU_ASSERT_FATAL(ntokens < MAX_TOKENS);
	tokens[ntokens].job = job;
	strcpy(tokens[ntokens++].token, str(j, "token"));
	json_object_put(reply);
	return job;
}

static struct job *
create_external(void)
{
	return create("{\"shape\":[2,2,2],\"producer\":\"external\","
	    "\"producer_timeout_s\":0}");
}

static void
check_shape(struct json_object *a, uint32_t z, uint32_t y, uint32_t x)
{
	CU_ASSERT_FATAL(json_object_is_type(a, json_type_array));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(a), 3);
	CU_ASSERT_EQUAL(json_object_get_int64(json_object_array_get_idx(a, 0)),
	    z);
	CU_ASSERT_EQUAL(json_object_get_int64(json_object_array_get_idx(a, 1)),
	    y);
	CU_ASSERT_EQUAL(json_object_get_int64(json_object_array_get_idx(a, 2)),
	    x);
}

/* The type of the message seq in job's ring, or -1 when not held. */
static int
type_at(const struct job *job, int64_t seq)
{
	struct msgbuf *b = ring_get(&job->ring, seq);

	return b == NULL ? -1 : (int)b->type;
}

static void
test_create(void)
{
	struct json_object *reply, *j;
	struct job *job;
	const char *id;
	char url[64];
	size_t i;

	setup(10, 10, 3600);
	reply = call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[65,10,10],\"seed\":7}}");
	j = ok_member(reply, "job");
	id = str(j, "id");
	CU_ASSERT_EQUAL(strlen(id), ID_JOB_LEN);
	for (i = 0; i < ID_JOB_LEN; i++)
		CU_ASSERT(strchr("0123456789abcdef", id[i]) != NULL);
	CU_ASSERT_EQUAL(strlen(str(j, "token")), ID_TOKEN_LEN);
	CU_ASSERT_STRING_EQUAL(str(j, "state"), "running");
	CU_ASSERT_EQUAL(num(j, "progress"), 0);
	/* Tick 0 ran: one progress, one preview. */
	CU_ASSERT_EQUAL(num(j, "seq"), 2);
	CU_ASSERT_EQUAL(num(j, "seed"), 7);
	CU_ASSERT_EQUAL(num(j, "subscribers"), 0);
	CU_ASSERT(num(j, "created_us") > 0);
	CU_ASSERT_FALSE(has(j, "finished_us"));
	CU_ASSERT_STRING_EQUAL(str(j, "producer"), "fake");
	check_shape(member(j, "shape"), 65, 10, 10);
	check_shape(member(member(j, "preview"), "shape"), 33, 5, 5);
	CU_ASSERT_EQUAL(num(member(j, "preview"), "scale"), 2);
	snprintf(url, sizeof(url), "/ws/jobs/%s", id);
	CU_ASSERT_STRING_EQUAL(str(j, "ws_url"), url);

	job = job_find(reg, id);
	CU_ASSERT_FATAL(job != NULL);
	CU_ASSERT_EQUAL(job->seq, 2);
	CU_ASSERT_EQUAL(job->preview.no, 1);
	CU_ASSERT_PTR_NOT_NULL(job->preview.enc[MSG_ENC_BASE64]);
	CU_ASSERT_EQUAL(type_at(job, 1), MSG_PROGRESS);
	CU_ASSERT_EQUAL(type_at(job, 2), MSG_PREVIEW);
	CU_ASSERT_EQUAL(reg->njobs, 1);
	CU_ASSERT_EQUAL(reg->nrunning, 1);
	CU_ASSERT_EQUAL(reg->stats.jobs_created, 1);
	json_object_put(reply);

	/* A seed is drawn when none is given; an external job waits. */
	job = create_external();
	CU_ASSERT(job->spec.has_seed);
	CU_ASSERT(job->spec.seed >= 0 && job->spec.seed <= JOBSPEC_SEED_MAX);
	CU_ASSERT_EQUAL(job->seq, 0);
	CU_ASSERT_PTR_NULL(job->preview.enc[MSG_ENC_BASE64]);
	CU_ASSERT_EQUAL(job->state, JOB_RUNNING);
	CU_ASSERT_EQUAL(reg->nrunning, 2);
	teardown();
}

static void
test_create_invalid(void)
{
	setup(10, 10, 3600);
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[1,1]}}"), "invalid_job", "\"shape\"");
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[1,1,1],\"preview\":{\"x\":1}}}"), "invalid_job",
	    "\"preview.x\"");
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[1,1,1],\"preview\":{\"hz\":99}}}"), "invalid_job",
	    "\"preview.hz\"");
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[4096,4096,4096],\"preview\":{\"scale\":1}}}"),
	    "invalid_job", "bytes");
	expect_error(call("{\"version\":1,\"op\":\"create\"}"),
	    "invalid_job", "JSON object");
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":[1]}"),
	    "invalid_job", "JSON object");
	CU_ASSERT_EQUAL(reg->njobs, 0);
	CU_ASSERT_EQUAL(reg->stats.jobs_created, 0);
	teardown();
}

static void
test_get(void)
{
	struct json_object *reply, *j;
	struct job *job;
	char wrong[ID_TOKEN_LEN + 1];

	setup(10, 10, 3600);
	job = create("{\"shape\":[8,8,8]}");

	reply = call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\"}", job->id);
	j = ok_member(reply, "job");
	CU_ASSERT_STRING_EQUAL(str(j, "id"), job->id);
	CU_ASSERT_FALSE(has(j, "token"));
	CU_ASSERT_EQUAL(num(j, "seq"), job->seq);
	json_object_put(reply);

	reply = call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", job->id, tok(job));
	j = ok_member(reply, "job");
	CU_ASSERT_STRING_EQUAL(str(j, "id"), job->id);
	CU_ASSERT_FALSE(has(j, "token"));
	json_object_put(reply);

	/* A well-formed token of another job, and malformed ones. */
	memcpy(wrong, tok(job), sizeof(wrong));
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", job->id, wrong), "forbidden", NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", job->id, tok(job) + 1), "forbidden",
	    NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"\"}", job->id), "forbidden", NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":5}", job->id), "forbidden", NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":null}", job->id), "forbidden", NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"%sx\"}", job->id, tok(job)), "forbidden", NULL);

	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\"}",
	    UNKNOWN_ID), "not_found", NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", UNKNOWN_ID, tok(job)), "not_found", NULL);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"xyz\"}"),
	    "bad_request", "malformed job id");
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":"
	    "\"0123456789ABCDEF0123456789ABCDEF\"}"), "bad_request",
	    "malformed job id");
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%sa\"}",
	    job->id), "bad_request", "malformed job id");
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":"
	    "\"0123456789abcdef\\u00000123456789abcde\"}"), "bad_request",
	    "malformed job id");
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":5}"),
	    "bad_request", "\"id\"");
	expect_error(call("{\"version\":1,\"op\":\"get\"}"), "bad_request",
	    "\"id\"");
	teardown();
}

/* The ids a list reply holds, in order, into ids; their number. */
static size_t
list_ids(struct json_object *reply, const char **ids, size_t max)
{
	struct json_object *a, *j;
	size_t i, n;

	a = ok_member(reply, "jobs");
	CU_ASSERT_FATAL(json_object_is_type(a, json_type_array));
	n = json_object_array_length(a);
	CU_ASSERT_FATAL(n <= max);
	for (i = 0; i < n; i++) {
		j = json_object_array_get_idx(a, i);
		CU_ASSERT_FALSE(has(j, "token"));
		ids[i] = str(j, "id");
	}
	return n;
}

static void
test_list(void)
{
	struct json_object *reply;
	struct job *jobs[3];
	const char *ids[4];
	size_t i;

	setup(10, 10, 3600);
	reply = call("{\"version\":1,\"op\":\"list\"}");
	CU_ASSERT_EQUAL(list_ids(reply, ids, 4), 0);
	json_object_put(reply);

	for (i = 0; i < 3; i++)
		jobs[i] = create("{\"shape\":[4,4,4]}");
	reply = call("{\"version\":1,\"op\":\"list\"}");
	CU_ASSERT_EQUAL_FATAL(list_ids(reply, ids, 4), 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT_STRING_EQUAL(ids[i], jobs[2 - i]->id);
	json_object_put(reply);

	reply = call("{\"version\":1,\"op\":\"list\",\"limit\":1}");
	CU_ASSERT_EQUAL_FATAL(list_ids(reply, ids, 4), 1);
	CU_ASSERT_STRING_EQUAL(ids[0], jobs[2]->id);
	json_object_put(reply);

	reply = call("{\"version\":1,\"op\":\"list\",\"limit\":2}");
	CU_ASSERT_EQUAL_FATAL(list_ids(reply, ids, 4), 2);
	CU_ASSERT_STRING_EQUAL(ids[1], jobs[1]->id);
	json_object_put(reply);

	reply = call("{\"version\":1,\"op\":\"list\",\"limit\":1000}");
	CU_ASSERT_EQUAL(list_ids(reply, ids, 4), 3);
	json_object_put(reply);

	expect_error(call("{\"version\":1,\"op\":\"list\",\"limit\":0}"),
	    "bad_request", "\"limit\"");
	expect_error(call("{\"version\":1,\"op\":\"list\",\"limit\":1001}"),
	    "bad_request", "\"limit\"");
	expect_error(call("{\"version\":1,\"op\":\"list\",\"limit\":-1}"),
	    "bad_request", "\"limit\"");
	expect_error(call("{\"version\":1,\"op\":\"list\",\"limit\":\"2\"}"),
	    "bad_request", "\"limit\"");
	expect_error(call("{\"version\":1,\"op\":\"list\",\"limit\":2.0}"),
	    "bad_request", "\"limit\"");
	teardown();
}

static void
test_cancel(void)
{
	struct json_object *reply, *j;
	struct msgbuf *b;
	struct job *job, *other;
	int64_t seq;

	setup(10, 10, 3600);
	job = create("{\"shape\":[8,8,8]}");
	other = create_external();
	seq = job->seq;
	reply = call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", job->id, tok(job));
	j = ok_member(reply, "job");
	CU_ASSERT_STRING_EQUAL(str(j, "state"), "cancelled");
	CU_ASSERT(num(j, "finished_us") >= num(j, "created_us"));
	CU_ASSERT_EQUAL(num(j, "seq"), seq + 1);
	CU_ASSERT_FALSE(has(j, "token"));
	json_object_put(reply);
	CU_ASSERT_EQUAL(job->state, JOB_CANCELLED);
	b = ring_get(&job->ring, job->seq);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(b->type, MSG_COMPLETED);
	CU_ASSERT(strstr((const char *)b->json, "\"cancelled\"") != NULL);
	CU_ASSERT_PTR_EQUAL(job->terminal, b);
	CU_ASSERT_EQUAL(reg->nrunning, 1);
	CU_ASSERT_EQUAL(reg->nfinished, 1);

	expect_error(call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\"}",
	    job->id), "conflict", NULL);
	CU_ASSERT_EQUAL(job->seq, seq + 1);
	CU_ASSERT_EQUAL(reg->nfinished, 1);
	expect_error(call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", other->id, tok(job)), "forbidden", NULL);
	CU_ASSERT_EQUAL(other->state, JOB_RUNNING);
	expect_error(call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\"}",
	    UNKNOWN_ID), "not_found", NULL);

	/* An external job with no message yet cancels too. */
	reply = call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\"}",
	    other->id);
	CU_ASSERT_STRING_EQUAL(str(ok_member(reply, "job"), "state"),
	    "cancelled");
	json_object_put(reply);
	CU_ASSERT_EQUAL(other->seq, 1);
	CU_ASSERT_EQUAL(reg->nrunning, 0);
	CU_ASSERT_EQUAL(reg->nfinished, 2);
	teardown();
}

struct bad_request {
	const char	*line;
	size_t		 len;		/* 0: strlen(line) */
	const char	*code;
};

static const struct bad_request bad_requests[] = {
	/* JSON (RFC 8259) has double-quoted strings only. */
	{ "{'version':1,'op':'stats'}", 0, "bad_request" },
	{ "{\"version\":1,\"op\":\"create\",\"job\":{'shape':[4,4,4]}}", 0,
	    "bad_request" },
	{ "{\"op\":\"stats\"}", 0, "unsupported_version" },
	{ "{\"version\":2,\"op\":\"stats\"}", 0, "unsupported_version" },
	{ "{\"version\":0,\"op\":\"stats\"}", 0, "unsupported_version" },
	{ "{\"version\":\"1\",\"op\":\"stats\"}", 0, "unsupported_version" },
	{ "{\"version\":1.0,\"op\":\"stats\"}", 0, "unsupported_version" },
	{ "{\"version\":null,\"op\":\"stats\"}", 0, "unsupported_version" },
	{ "{\"version\":1}", 0, "bad_request" },
	{ "{\"version\":1,\"op\":5}", 0, "bad_request" },
	{ "{\"version\":1,\"op\":null}", 0, "bad_request" },
	{ "{\"version\":1,\"op\":\"destroy\"}", 0, "unknown_op" },
	{ "{\"version\":1,\"op\":\"\"}", 0, "unknown_op" },
	{ "{\"version\":1,\"op\":\"Stats\"}", 0, "unknown_op" },
	{ "{\"version\":1,\"op\":\"stats \"}", 0, "unknown_op" },
	{ "", 0, "bad_request" },
	{ " ", 0, "bad_request" },
	{ "hello", 0, "bad_request" },
	{ "{", 0, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\"", 0, "bad_request" },
	{ "[{\"version\":1,\"op\":\"stats\"}]", 0, "bad_request" },
	{ "\"stats\"", 0, "bad_request" },
	{ "null", 0, "bad_request" },
	{ "42", 0, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\"} x", 0, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\"}{}", 0, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\"}\0x", 28, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\"}\0", 27, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\"}", 21, "bad_request" },
	{ "{\"version\":1,\"op\":\"stats\",\"x\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]"
	    "]]]]]]]]]]]}", 0, "bad_request" },
};

static void
test_bad_requests(void)
{
	const struct bad_request *c;
	struct json_object *reply;
	size_t i;

	setup(10, 10, 3600);
	for (i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		c = &bad_requests[i];
		reply = call_len(c->line, c->len != 0 ? c->len :
		    strlen(c->line));
		expect_error(reply, c->code, NULL);
	}

	/* Extra fields and spaces around the object are fine. */
	reply = call("  {\"version\":1,\"op\":\"stats\",\"extra\":[1]}\t");
	ok_member(reply, "stats");
	json_object_put(reply);
	teardown();
}

static void
test_too_many_jobs(void)
{
	struct job *a;

	setup(2, 10, 3600);
	a = create("{\"shape\":[4,4,4]}");
	create_external();
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[4,4,4]}}"), "too_many_jobs", NULL);
	/* A bad spec is still reported as such. */
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[4,4]}}"), "invalid_job", "\"shape\"");
	CU_ASSERT_EQUAL(reg->njobs, 2);
	CU_ASSERT_EQUAL(reg->stats.jobs_created, 2);

	/* Finished jobs do not count. */
	CU_ASSERT_EQUAL(job_cancel(reg, a), 0);
	create("{\"shape\":[4,4,4]}");
	CU_ASSERT_EQUAL(reg->njobs, 3);
	CU_ASSERT_EQUAL(reg->nrunning, 2);
	teardown();
}

/* Jobs share one loop: their preview voxels per second are budgeted. */
static void
test_preview_budget(void)
{
	struct job *a;

	setup(10, 10, 3600);
	reg->max_preview_rate = 1000;	/* voxels per second */
	a = create("{\"shape\":[8,8,8],\"preview\":{\"hz\":1}}");
	CU_ASSERT_DOUBLE_EQUAL(reg->preview_rate, 512, 1e-9);
	expect_error(call("{\"version\":1,\"op\":\"create\",\"job\":"
	    "{\"shape\":[8,8,8],\"preview\":{\"hz\":1}}}"), "too_many_jobs",
	    "max_preview_rate");
	/* A smaller or slower preview still fits. */
	create("{\"shape\":[8,8,8],\"preview\":{\"scale\":2,\"hz\":1}}");
	CU_ASSERT_DOUBLE_EQUAL(reg->preview_rate, 576, 1e-9);
	/* A finished job gives its share back. */
	CU_ASSERT_EQUAL(job_cancel(reg, a), 0);
	CU_ASSERT_DOUBLE_EQUAL(reg->preview_rate, 64, 1e-9);
	create("{\"shape\":[8,8,8],\"preview\":{\"hz\":1}}");
	teardown();
}

/* subscribe only names the job to the connection, after the checks. */
static void
test_subscribe(void)
{
	struct ops_result res;
	struct json_object *reply;
	struct job *job;
	char line[512];

	setup(10, 10, 3600);
	job = create_external();
	snprintf(line, sizeof(line), "{\"version\":1,\"op\":\"subscribe\","
	    "\"id\":\"%s\",\"token\":\"%s\",\"since\":9007199254740991,"
	    "\"epoch\":\"%s\"}", job->id, tok(job), reg->epoch);
	reply = ops_handle(reg, line, strlen(line), &res);
	CU_ASSERT_FATAL(reply != NULL);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(ok_member(reply,
	    "subscribed")), job->id);
	CU_ASSERT_PTR_EQUAL(res.subscribe, job);
	CU_ASSERT(res.has_since);
	CU_ASSERT_EQUAL(res.since, 9007199254740991LL);
	CU_ASSERT_STRING_EQUAL(res.epoch, reg->epoch);
	json_object_put(reply);

	snprintf(line, sizeof(line), "{\"version\":1,\"op\":\"subscribe\","
	    "\"id\":\"%s\"}", job->id);
	reply = ops_handle(reg, line, strlen(line), &res);
	CU_ASSERT_PTR_EQUAL(res.subscribe, job);
	CU_ASSERT_FALSE(res.has_since);
	CU_ASSERT_STRING_EQUAL(res.epoch, "");
	CU_ASSERT_EQUAL(res.encoding, MSG_ENC_BASE64);
	json_object_put(reply);

	snprintf(line, sizeof(line), "{\"version\":1,\"op\":\"subscribe\","
	    "\"id\":\"%s\",\"encoding\":\"deflate\"}", job->id);
	reply = ops_handle(reg, line, strlen(line), &res);
	CU_ASSERT_PTR_EQUAL(res.subscribe, job);
	CU_ASSERT_EQUAL(res.encoding, MSG_ENC_DEFLATE);
	json_object_put(reply);
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"encoding\":\"deflate+base64\"}", job->id),
	    "bad_request", "\"encoding\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"encoding\":1}", job->id), "bad_request",
	    "\"encoding\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"encoding\":\"deflate\\u0000\"}", job->id),
	    "bad_request", "\"encoding\"");

	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"since\":-1}", job->id), "bad_request", "\"since\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"since\":9007199254740992}", job->id), "bad_request",
	    "\"since\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"since\":\"1\"}", job->id), "bad_request", "\"since\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"epoch\":\"a b\"}", job->id), "bad_request",
	    "\"epoch\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"epoch\":1}", job->id), "bad_request", "\"epoch\"");
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\",\"token\":\"x\"}", job->id), "forbidden", NULL);
	expect_error(call("{\"version\":1,\"op\":\"subscribe\",\"id\":"
	    "\"%s\"}", UNKNOWN_ID), "not_found", NULL);
	teardown();
}

/* A publish request for job with message; the caller frees the reply. */
static struct json_object *
publish(const struct job *job, const char *message)
{
	return call("{\"version\":1,\"op\":\"publish\",\"id\":\"%s\","
	    "\"message\":%s}", job->id, message);
}

static void
publish_ok(const struct job *job, const char *message, int64_t seq)
{
	struct json_object *reply;

	reply = publish(job, message);
	CU_ASSERT_EQUAL(json_object_get_int64(ok_member(reply, "seq")), seq);
	json_object_put(reply);
	CU_ASSERT_EQUAL(job->seq, seq);
}

static void
test_publish(void)
{
	static const uint8_t mask[8] = { 0, 1, 1, 0, 0, 0, 1, 1 };
	char b64[16], msg[256];
	struct job *fake, *ext, *failed;
	struct msgbuf *b;

	setup(10, 10, 3600);
	fake = create("{\"shape\":[8,8,8]}");
	expect_error(publish(fake, "{\"type\":\"progress\",\"progress\":1,"
	    "\"state\":\"running\"}"), "conflict", "generator");
	CU_ASSERT_EQUAL(fake->seq, 2);

	ext = create_external();
	CU_ASSERT_EQUAL(ext->spec.pshape[0], 2);
	publish_ok(ext, "{\"type\":\"progress\",\"progress\":10,"
	    "\"state\":\"running\"}", 1);
	CU_ASSERT_EQUAL(ext->progress, 10);
	CU_ASSERT_FALSE(ext->has_eta);
	/* job_id, seq and ts_us are the job's to give. */
	publish_ok(ext, "{\"type\":\"progress\",\"progress\":20,"
	    "\"state\":\"running\",\"eta_s\":5,\"seq\":99,\"job_id\":\"x\"}",
	    2);
	CU_ASSERT_EQUAL(ext->progress, 20);
	CU_ASSERT(ext->has_eta);
	CU_ASSERT_DOUBLE_EQUAL(ext->eta_s, 5.0, 1e-9);
	b = ring_get(&ext->ring, 2);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT(strstr((const char *)b->json, "\"seq\":2") != NULL);
	CU_ASSERT(strstr((const char *)b->json, ext->id) != NULL);

	/* Previews: the payload must have z*y*x bytes. */
	CU_ASSERT_EQUAL(b64_encode(b64, mask, 7), 12);
	b64[12] = '\0';
	snprintf(msg, sizeof(msg), "{\"type\":\"preview\",\"scale\":1,"
	    "\"shape\":[2,2,2],\"dtype\":\"uint8\",\"encoding\":\"base64\","
	    "\"payload\":\"%s\"}", b64);
	expect_error(publish(ext, msg), "bad_message", "payload");
	CU_ASSERT_EQUAL(b64_encode(b64, mask, 8), 12);
	b64[12] = '\0';
	snprintf(msg, sizeof(msg), "{\"type\":\"preview\",\"scale\":1,"
	    "\"shape\":[2,2,2],\"dtype\":\"uint8\",\"encoding\":\"base64\","
	    "\"payload\":\"%s\"}", b64);
	publish_ok(ext, msg, 3);
	CU_ASSERT_EQUAL(ext->preview.no, 1);
	/* A preview has the job's own scale and preview shape. */
	CU_ASSERT_EQUAL(b64_encode(b64, mask, 1), 4);
	b64[4] = '\0';
	snprintf(msg, sizeof(msg), "{\"type\":\"preview\",\"scale\":2,"
	    "\"shape\":[1,1,1],\"dtype\":\"uint8\",\"encoding\":\"base64\","
	    "\"payload\":\"%s\"}", b64);
	expect_error(publish(ext, msg), "bad_message", "preview shape");
	CU_ASSERT_EQUAL(ext->preview.no, 1);
	CU_ASSERT_EQUAL(b64_encode(b64, mask, 8), 12);	/* for the next */
	CU_ASSERT_PTR_EQUAL(ext->preview.enc[MSG_ENC_BASE64],
	    ring_get(&ext->ring, 3));

	expect_error(publish(ext, "{\"type\":\"status\",\"state\":\"running\","
	    "\"progress\":0,\"shape\":[2,2,2],\"epoch\":\"e\","
	    "\"resumed\":false}"), "bad_message", "status");
	expect_error(publish(ext, "{\"type\":\"progress\"}"), "bad_message",
	    "progress");
	expect_error(publish(ext, "{\"type\":\"progress\",\"progress\":101,"
	    "\"state\":\"running\"}"), "bad_message", "progress");
	expect_error(publish(ext, "{\"type\":\"bogus\"}"), "bad_message",
	    NULL);
	expect_error(publish(ext, "{\"type\":\"completed\","
	    "\"state\":\"failed\"}"), "bad_message", "completed");
	expect_error(publish(ext, "[1]"), "bad_request", "\"message\"");
	expect_error(publish(ext, "\"progress\""), "bad_request",
	    "\"message\"");
	expect_error(call("{\"version\":1,\"op\":\"publish\",\"id\":\"%s\"}",
	    ext->id), "bad_request", "\"message\"");
	expect_error(call("{\"version\":1,\"op\":\"publish\",\"id\":\"%s\","
	    "\"token\":\"nope\",\"message\":{\"type\":\"progress\","
	    "\"progress\":1,\"state\":\"running\"}}", ext->id), "forbidden",
	    NULL);
	expect_error(call("{\"version\":1,\"op\":\"publish\",\"id\":\"%s\","
	    "\"message\":{}}", UNKNOWN_ID), "not_found", NULL);
	CU_ASSERT_EQUAL(ext->seq, 3);
	CU_ASSERT_EQUAL(ext->progress, 20);

	publish_ok(ext, "{\"type\":\"completed\",\"state\":\"succeeded\"}", 4);
	CU_ASSERT_EQUAL(ext->state, JOB_SUCCEEDED);
	CU_ASSERT_EQUAL(ext->progress, 100);
	CU_ASSERT_PTR_EQUAL(ext->terminal, ring_get(&ext->ring, 4));
	CU_ASSERT(ext->finished_us > 0);
	expect_error(publish(ext, "{\"type\":\"progress\",\"progress\":1,"
	    "\"state\":\"running\"}"), "conflict", "finished");
	expect_error(call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\"}",
	    ext->id), "conflict", NULL);
	CU_ASSERT_EQUAL(ext->seq, 4);

	/* An error message fails the job. */
	failed = create_external();
	publish_ok(failed, "{\"type\":\"error\",\"code\":\"oom\","
	    "\"message\":\"out of memory\"}", 1);
	CU_ASSERT_EQUAL(failed->state, JOB_FAILED);
	CU_ASSERT_EQUAL(reg->nrunning, 1);
	CU_ASSERT_EQUAL(reg->nfinished, 2);

	/* skipped is the subscriber's to get, not the producer's to say. */
	ext = create_external();
	snprintf(msg, sizeof(msg), "{\"type\":\"preview\",\"scale\":1,"
	    "\"shape\":[2,2,2],\"dtype\":\"uint8\",\"encoding\":\"base64\","
	    "\"payload\":\"%s\",\"skipped\":5}", b64);
	publish_ok(ext, msg, 1);
	b = ring_get(&ext->ring, 1);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT(strstr((const char *)b->json, "skipped") == NULL);
	teardown();
}

static void
test_stats(void)
{
	struct json_object *reply, *s, *by_state;
	const char *errstr;
	struct histo h;
	struct job *a, *b;

	setup(10, 10, 3600);
	reg->stats.ws_connections = 3;
	reg->stats.ws_subscribers = 2;
	reg->stats.control_connections = 1;
	a = create("{\"shape\":[4,4,4]}");
	b = create_external();
	publish_ok(b, "{\"type\":\"progress\",\"progress\":5,"
	    "\"state\":\"running\"}", 1);
	CU_ASSERT_EQUAL(job_cancel(reg, a), 0);

	reply = call("{\"version\":1,\"op\":\"stats\"}");
	s = ok_member(reply, "stats");
	CU_ASSERT_STRING_EQUAL(str(s, "epoch"), reg->epoch);
	CU_ASSERT_EQUAL(strlen(reg->epoch), 16);
	CU_ASSERT_EQUAL(num(s, "jobs"), 2);
	CU_ASSERT_EQUAL(num(s, "jobs_running"), 1);
	CU_ASSERT_EQUAL(num(s, "jobs_finished"), 1);
	CU_ASSERT_EQUAL(num(s, "jobs_created"), 2);
	CU_ASSERT_EQUAL(num(s, "ws_connections"), 3);
	CU_ASSERT_EQUAL(num(s, "ws_subscribers"), 2);
	CU_ASSERT_EQUAL(num(s, "control_connections"), 1);
	/* a: progress, preview, completed; b: progress. */
	CU_ASSERT_EQUAL(num(s, "messages"), 4);
	CU_ASSERT_EQUAL(num(s, "messages_sent"), 0);
	CU_ASSERT_EQUAL(num(s, "bytes_sent"), 0);
	CU_ASSERT_EQUAL(num(s, "previews_skipped"), 0);
	CU_ASSERT_EQUAL(num(s, "slow_closed"), 0);
	/* a's one preview, with nobody watching: base64 alone. */
	CU_ASSERT_EQUAL(num(s, "encodes_base64"), 1);
	CU_ASSERT_EQUAL(num(s, "encodes_deflate"), 0);
	by_state = member(s, "jobs_by_state");
	CU_ASSERT_EQUAL(num(by_state, "running"), 1);
	CU_ASSERT_EQUAL(num(by_state, "cancelled"), 1);
	CU_ASSERT_EQUAL(num(by_state, "succeeded"), 0);
	CU_ASSERT_EQUAL(num(by_state, "failed"), 0);
	/* A histogram fcgi-api can read back; no journal here, no syncs. */
	CU_ASSERT_EQUAL(histo_from_json(member(s, "broadcast_seconds"), &h,
	    &errstr), 0);
	CU_ASSERT_FALSE(json_object_object_get_ex(s, "journal_sync_seconds",
	    NULL));
	json_object_put(reply);
	teardown();
}

/* A preview through publish; the ring's slot for it by encoding. */
static void
publish_preview(struct job *job, struct msgbuf *got[MSG_NENC])
{
	struct json_object *reply;
	int e;

	/* The bytes 0 1 0 1 0 1 0 1 of the job's 2x2x2 preview. */
	reply = publish(job, "{\"type\":\"preview\",\"scale\":1,"
	    "\"shape\":[2,2,2],\"dtype\":\"uint8\",\"encoding\":\"base64\","
	    "\"payload\":\"AAEAAQABAAE=\"}");
	ok_member(reply, "seq");
	json_object_put(reply);
	for (e = 0; e < MSG_NENC; e++)
		got[e] = ring_get_enc(&job->ring, job->seq, e);
}

/*
 * A preview is encoded in each encoding a subscriber uses and in no
 * other; base64 alone while nobody watches.  Other messages are one
 * buffer for every encoding.
 */
static void
test_emit_encodings(void)
{
	struct msgbuf *got[MSG_NENC];
	struct job *job;
	struct msg m;
	const char *errstr;

	setup(10, 10, 3600);
	job = create_external();
	publish_preview(job, got);
	CU_ASSERT_PTR_NOT_NULL(got[MSG_ENC_BASE64]);
	CU_ASSERT_PTR_NULL(got[MSG_ENC_DEFLATE]);
	CU_ASSERT_PTR_EQUAL(job->preview.enc[MSG_ENC_BASE64],
	    got[MSG_ENC_BASE64]);
	CU_ASSERT_PTR_NULL(job->preview.enc[MSG_ENC_DEFLATE]);

	/* Only deflate subscribers (counted as sub_attach() does). */
	job->nsubs = job->nsubs_enc[MSG_ENC_DEFLATE] = 2;
	publish_preview(job, got);
	CU_ASSERT_PTR_NULL(got[MSG_ENC_BASE64]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got[MSG_ENC_DEFLATE]);
	CU_ASSERT(strstr((const char *)got[MSG_ENC_DEFLATE]->json,
	    "\"encoding\":\"deflate+base64\",\"length\":8,") != NULL);
	CU_ASSERT_EQUAL(msg_decode((const char *)got[MSG_ENC_DEFLATE]->json,
	    got[MSG_ENC_DEFLATE]->len, &m, &errstr), 0);
	CU_ASSERT(m.payload_len == 8 &&
	    memcmp(m.payload, "\0\1\0\1\0\1\0\1", 8) == 0);
	CU_ASSERT_EQUAL(m.seq, job->seq);
	msg_clear(&m);

	/* Both. */
	job->nsubs = 3;
	job->nsubs_enc[MSG_ENC_BASE64] = 1;
	publish_preview(job, got);
	CU_ASSERT_PTR_NOT_NULL(got[MSG_ENC_BASE64]);
	CU_ASSERT_PTR_NOT_NULL(got[MSG_ENC_DEFLATE]);
	CU_ASSERT(got[MSG_ENC_BASE64] != got[MSG_ENC_DEFLATE]);
	CU_ASSERT_EQUAL(reg->stats.encodes[MSG_ENC_BASE64], 2);
	CU_ASSERT_EQUAL(reg->stats.encodes[MSG_ENC_DEFLATE], 2);

	/* A progress is shared: one buffer, counted once in the ring. */
	publish_ok(job, "{\"type\":\"progress\",\"progress\":5,"
	    "\"state\":\"running\"}", job->seq + 1);
	CU_ASSERT_PTR_NOT_NULL(ring_get_enc(&job->ring, job->seq,
	    MSG_ENC_BASE64));
	CU_ASSERT_PTR_EQUAL(ring_get_enc(&job->ring, job->seq,
	    MSG_ENC_BASE64), ring_get_enc(&job->ring, job->seq,
	    MSG_ENC_DEFLATE));
	job->nsubs = job->nsubs_enc[MSG_ENC_BASE64] =
	    job->nsubs_enc[MSG_ENC_DEFLATE] = 0;
	teardown();
}

/*
 * The latest preview in an encoding nobody used when it was published is
 * encoded from the raw one, keeping seq, ts_us and payload, and kept.
 */
static void
test_latest_other_encoding(void)
{
	struct msgbuf *got[MSG_NENC], *z;
	struct msg a, b;
	const char *errstr;
	struct job *job;
	uint64_t encodes;

	setup(10, 10, 3600);
	job = create_external();
	publish_preview(job, got);
	CU_ASSERT_PTR_NULL(job->preview.enc[MSG_ENC_DEFLATE]);
	encodes = reg->stats.encodes[MSG_ENC_DEFLATE];
	z = job_latest_preview(reg, job, MSG_ENC_DEFLATE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(reg->stats.encodes[MSG_ENC_DEFLATE], encodes + 1);
	CU_ASSERT_PTR_EQUAL(job_latest_preview(reg, job, MSG_ENC_DEFLATE), z);
	CU_ASSERT_EQUAL(reg->stats.encodes[MSG_ENC_DEFLATE], encodes + 1);
	CU_ASSERT_EQUAL(z->seq, got[MSG_ENC_BASE64]->seq);
	CU_ASSERT_EQUAL(z->preview_no, got[MSG_ENC_BASE64]->preview_no);
	CU_ASSERT_EQUAL(z->type, MSG_PREVIEW);
	CU_ASSERT_EQUAL(msg_decode((const char *)z->json, z->len, &a,
	    &errstr), 0);
	CU_ASSERT_EQUAL(msg_decode((const char *)got[MSG_ENC_BASE64]->json,
	    got[MSG_ENC_BASE64]->len, &b, &errstr), 0);
	CU_ASSERT_EQUAL(a.encoding, MSG_ENC_DEFLATE);
	CU_ASSERT_EQUAL(a.ts_us, b.ts_us);
	CU_ASSERT(a.payload_len == b.payload_len &&
	    memcmp(a.payload, b.payload, a.payload_len) == 0);
	msg_clear(&a);
	msg_clear(&b);

	/* A progress after it changes nothing of the latest preview. */
	publish_ok(job, "{\"type\":\"progress\",\"progress\":5,"
	    "\"state\":\"running\"}", job->seq + 1);
	CU_ASSERT_PTR_EQUAL(job_latest_preview(reg, job, MSG_ENC_DEFLATE), z);
	CU_ASSERT_EQUAL(z->type, MSG_PREVIEW);
	teardown();
}

/* Runs the due ticks until job ends or n rounds passed; the rounds run. */
static int
run_until_done(struct job *job, int64_t now, int n)
{
	int i;

	for (i = 0; i < n && job->state == JOB_RUNNING; i++)
		job_run_due(reg, now);
	return i;
}

static void
test_run_due(void)
{
	struct msgbuf *b;
	struct job *job;
	int64_t start;
	int k;

	setup(10, 10, 3600);

	/* Far in the future: the missed ticks are skipped, the job ends. */
	job = create("{\"shape\":[8,8,8],\"duration_s\":0.5}");
	CU_ASSERT(run_until_done(job, now_mono_us() + 3600000000LL, 10) <
	    10);
	CU_ASSERT_EQUAL(job->state, JOB_SUCCEEDED);
	CU_ASSERT_EQUAL(job->progress, 100);
	b = ring_get(&job->ring, job->seq);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(b->type, MSG_COMPLETED);
	CU_ASSERT_PTR_EQUAL(job->terminal, b);
	CU_ASSERT(strstr((const char *)b->json, "\"succeeded\"") != NULL);
	CU_ASSERT_EQUAL(reg->nrunning, 0);
	CU_ASSERT_EQUAL(reg->nfinished, 1);
	/* Kept for its retention. */
	job_run_due(reg, now_mono_us() + 1000000);
	CU_ASSERT_PTR_EQUAL(job_find(reg, job->id), job);

	/* Step by step at 10 Hz: ticks 1..5, progress 20 each, then done. */
	job = create("{\"shape\":[8,8,8],\"duration_s\":0.5,"
	    "\"preview\":{\"hz\":10}}");
	/* Tick 0 ran at the start; tick 1 is due 1/hz after it. */
	start = job->due.due - 100000;
	CU_ASSERT_EQUAL(job->seq, 2);
	job_run_due(reg, start + 99999);
	CU_ASSERT_EQUAL(job->seq, 2);
	for (k = 1; k <= 5; k++) {
		job_run_due(reg, start + k * 100000);
		CU_ASSERT_EQUAL(job->progress, 20 * k);
		CU_ASSERT_EQUAL(job->preview.no, (uint64_t)k + 1);
	}
	CU_ASSERT_EQUAL(job->state, JOB_SUCCEEDED);
	CU_ASSERT_EQUAL(job->seq, 13);
	CU_ASSERT_EQUAL(type_at(job, 13), MSG_COMPLETED);
	CU_ASSERT_EQUAL(type_at(job, 12), MSG_PREVIEW);
	CU_ASSERT_EQUAL(type_at(job, 11), MSG_PROGRESS);

	/* Without an end: ticks go on at progress 0. */
	job = create("{\"shape\":[8,8,8],\"duration_s\":0,"
	    "\"preview\":{\"hz\":30}}");
	start = job->due.due - 33333;
	for (k = 1; k <= 100; k++)
		job_run_due(reg, start + k * 1000000 / 30 + 1);
	CU_ASSERT_EQUAL(job->state, JOB_RUNNING);
	CU_ASSERT_EQUAL(job->progress, 0);
	CU_ASSERT_EQUAL(job->preview.no, 101);
	CU_ASSERT_FALSE(job->has_eta);
	teardown();
}

static void
test_retention(void)
{
	struct job *job, *keep;
	char id[ID_JOB_LEN + 1];

	setup(10, 10, 0);
	keep = create_external();
	job = create("{\"shape\":[8,8,8],\"duration_s\":0.5}");
	memcpy(id, job->id, sizeof(id));
	job_run_due(reg, now_mono_us() + 3600000000LL);
	CU_ASSERT_PTR_NULL(job_find(reg, id));
	CU_ASSERT_EQUAL(reg->njobs, 1);
	CU_ASSERT_EQUAL(reg->nfinished, 0);
	CU_ASSERT_EQUAL(reg->nrunning, 1);
	expect_error(call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\"}", id),
	    "not_found", NULL);

	/* A cancelled job goes the same way. */
	memcpy(id, keep->id, sizeof(id));
	CU_ASSERT_EQUAL(job_cancel(reg, keep), 0);
	CU_ASSERT_PTR_EQUAL(job_find(reg, id), keep);
	job_run_due(reg, now_mono_us() + 1000000);
	CU_ASSERT_PTR_NULL(job_find(reg, id));
	CU_ASSERT_EQUAL(reg->njobs, 0);
	CU_ASSERT_EQUAL(reg->nfinished, 0);
	teardown();
}

static void
test_max_finished(void)
{
	struct job *jobs[4];
	char first[ID_JOB_LEN + 1], second[ID_JOB_LEN + 1];
	int i;

	setup(10, 2, 3600);
	for (i = 0; i < 4; i++)
		jobs[i] = create_external();
	memcpy(first, jobs[0]->id, sizeof(first));
	memcpy(second, jobs[1]->id, sizeof(second));
	CU_ASSERT_EQUAL(job_cancel(reg, jobs[0]), 0);
	CU_ASSERT_EQUAL(job_cancel(reg, jobs[1]), 0);
	CU_ASSERT_EQUAL(reg->nfinished, 2);
	CU_ASSERT_PTR_NOT_NULL(job_find(reg, first));

	/* A third finished job: the oldest finished one goes. */
	publish_ok(jobs[2], "{\"type\":\"completed\","
	    "\"state\":\"succeeded\"}", 1);
	CU_ASSERT_PTR_NULL(job_find(reg, first));
	CU_ASSERT_PTR_EQUAL(job_find(reg, second), jobs[1]);
	CU_ASSERT_PTR_EQUAL(job_find(reg, jobs[2]->id), jobs[2]);
	CU_ASSERT_EQUAL(reg->nfinished, 2);
	CU_ASSERT_EQUAL(reg->njobs, 3);

	CU_ASSERT_EQUAL(job_cancel(reg, jobs[3]), 0);
	CU_ASSERT_PTR_NULL(job_find(reg, second));
	CU_ASSERT_EQUAL(reg->nfinished, 2);
	CU_ASSERT_EQUAL(reg->njobs, 2);
	teardown();
}

/* The external job's producer token, from its creation's reply. */
static struct job *
create_producer(const char *spec, char *ptoken)
{
	struct json_object *reply, *j;
	struct job *job;

	reply = call("{\"version\":1,\"op\":\"create\",\"job\":%s}", spec);
	j = ok_member(reply, "job");
	job = job_find(reg, str(j, "id"));
	CU_ASSERT_FATAL(job != NULL);
	CU_ASSERT_EQUAL(strlen(str(j, "producer_token")), ID_TOKEN_LEN);
	CU_ASSERT_STRING_NOT_EQUAL(str(j, "producer_token"), str(j, "token"));
	CU_ASSERT(job->has_producer_token);
	CU_ASSERT_FATAL(ntokens < MAX_TOKENS);
	tokens[ntokens].job = job;
	strcpy(tokens[ntokens++].token, str(j, "token"));
	strcpy(ptoken, str(j, "producer_token"));
	json_object_put(reply);
	return job;
}

/* base64 of n bytes of v, the way fcgi-api sends a raw body. */
static char *
raw_b64(uint8_t v, size_t n)
{
	uint8_t *raw = malloc(n);
	char *b;

	CU_ASSERT_FATAL(raw != NULL);
	memset(raw, v, n);
	b = malloc(b64_encoded_len(n) + 1);
	CU_ASSERT_FATAL(b != NULL);
	b64_encode(b, raw, n);
	free(raw);
	return b;
}

static struct json_object *
put_preview(const struct job *job, const char *token, const char *enc,
    const char *payload)
{
	return call("{\"version\":1,\"op\":\"put_preview\",\"id\":\"%s\","
	    "\"token\":\"%s\",\"encoding\":\"%s\",\"payload\":\"%s\"}",
	    job->id, token, enc, payload);
}

/* Who may do what: the viewer token reads and cancels, the producer's
 * reads and publishes. */
static void
test_producer_token(void)
{
	char ptoken[ID_TOKEN_LEN + 1], *p;
	struct json_object *reply;
	struct job *job, *fake;

	setup(10, 10, 3600);
	job = create_producer("{\"shape\":[2,2,2],\"producer\":\"external\"}",
	    ptoken);
	fake = create("{\"shape\":[2,2,2]}");
	CU_ASSERT_FALSE(fake->has_producer_token);
	/* Never in a resource but the creation's. */
	reply = call("{\"version\":1,\"op\":\"get\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", job->id, ptoken);
	CU_ASSERT_FALSE(has(ok_member(reply, "job"), "producer_token"));
	CU_ASSERT_FALSE(has(ok_member(reply, "job"), "token"));
	json_object_put(reply);
	p = raw_b64(1, 8);
	expect_error(put_preview(job, tok(job), "raw", p), "forbidden",
	    "producer_token");
	reply = put_preview(job, ptoken, "raw", p);
	CU_ASSERT_EQUAL(num(reply, "seq"), 1);
	json_object_put(reply);
	expect_error(call("{\"version\":1,\"op\":\"cancel\",\"id\":\"%s\","
	    "\"token\":\"%s\"}", job->id, ptoken), "forbidden", "cancel");
	expect_error(call("{\"version\":1,\"op\":\"put_progress\",\"id\":\"%s\","
	    "\"token\":\"%s\",\"progress\":5}", job->id, tok(fake)),
	    "forbidden", NULL);
	/* A fake job takes nothing published. */
	expect_error(put_preview(fake, tok(fake), "raw", p), "forbidden",
	    NULL);
	expect_error(call("{\"version\":1,\"op\":\"put_preview\",\"id\":\"%s\","
	    "\"encoding\":\"raw\",\"payload\":\"%s\"}", fake->id, p),
	    "conflict", "generator");
	free(p);
	teardown();
}

/* A raw preview: its length, its labels, deflate, the job's buffer. */
static void
test_put_preview(void)
{
	struct json_object *reply, *s;
	char ptoken[ID_TOKEN_LEN + 1], *p, z[256];
	uint8_t raw[8] = { 0, 1, 2, 3, 0, 0, 3, 2 }, zs[64];
	const char *errstr;
	struct job *job;
	size_t zlen;

	setup(10, 10, 3600);
	job = create_producer("{\"shape\":[2,2,2],\"producer\":\"external\","
	    "\"labels\":3,\"preview\":{\"hz\":30}}", ptoken);
	p = raw_b64(1, 7);
	expect_error(put_preview(job, ptoken, "raw", p), "invalid_preview",
	    "is 7 bytes; the job's preview shape 2x2x2 takes 8");
	free(p);
	p = raw_b64(4, 8);
	expect_error(put_preview(job, ptoken, "raw", p), "invalid_preview",
	    "voxel 0 is 4, above the job's labels (3)");
	free(p);
	expect_error(put_preview(job, ptoken, "raw", "AAAAAAAA*AA="),
	    "invalid_preview", "base64");
	expect_error(put_preview(job, ptoken, "gzip", "AAAA"), "bad_request",
	    "encoding");
	CU_ASSERT_EQUAL(job->seq, 0);
	/* Deflated, to exactly the voxels. */
	CU_ASSERT_FATAL(zpay_compress(zs, sizeof(zs), raw, 8, &zlen,
	    &errstr) == 0);
	b64_encode(z, zs, zlen);
	expect_ok(put_preview(job, ptoken, "deflate", z), "seq");
	CU_ASSERT_EQUAL(job->seq, 1);
	CU_ASSERT(memcmp(job->preview.raw, raw, 8) == 0);
	CU_ASSERT_FATAL(zpay_compress(zs, sizeof(zs), raw, 7, &zlen,
	    &errstr) == 0);
	b64_encode(z, zs, zlen);
	expect_error(put_preview(job, ptoken, "deflate", z),
	    "invalid_preview", "takes 8 bytes");
	/* The failed ones left the latest preview as it was. */
	CU_ASSERT(memcmp(job->preview.raw, raw, 8) == 0);
	/* Raw voxels too.  stats count the previews decoded, by how they
	 * came: the one above its labels was, the broken ones were not. */
	p = raw_b64(3, 8);
	expect_ok(put_preview(job, ptoken, "raw", p), "seq");
	free(p);
	reply = call("{\"version\":1,\"op\":\"stats\"}");
	s = ok_member(reply, "stats");
	CU_ASSERT_EQUAL(num(s, "decodes_base64"), 2);
	CU_ASSERT_EQUAL(num(s, "decodes_deflate"), 1);
	json_object_put(reply);
	teardown();
}

/* Progress never goes back; a job completes once, succeeded or failed. */
static void
test_put_progress_complete(void)
{
	char ptoken[ID_TOKEN_LEN + 1];
	struct job *job;

	setup(10, 10, 3600);
	job = create_producer("{\"shape\":[2,2,2],\"producer\":\"external\"}",
	    ptoken);
	expect_ok(call("{\"version\":1,\"op\":\"put_progress\","
	    "\"id\":\"%s\",\"token\":\"%s\",\"progress\":20,\"eta_s\":3.5}",
	    job->id, ptoken), "seq");
	CU_ASSERT_EQUAL(job->progress, 20);
	CU_ASSERT(job->has_eta && job->eta_s == 3.5);
	expect_error(call("{\"version\":1,\"op\":\"put_progress\",\"id\":\"%s\","
	    "\"progress\":10}", job->id), "invalid_field", "never goes back");
	expect_error(call("{\"version\":1,\"op\":\"put_progress\",\"id\":\"%s\","
	    "\"progress\":101}", job->id), "invalid_field", "0..100");
	expect_error(call("{\"version\":1,\"op\":\"put_progress\",\"id\":\"%s\","
	    "\"progress\":30,\"eta_s\":-1}", job->id), "invalid_field",
	    "eta_s");
	expect_error(call("{\"version\":1,\"op\":\"complete\",\"id\":\"%s\","
	    "\"state\":\"failed\"}", job->id), "invalid_field", "error");
	expect_error(call("{\"version\":1,\"op\":\"complete\",\"id\":\"%s\","
	    "\"state\":\"cancelled\"}", job->id), "invalid_field", "state");
	expect_ok(call("{\"version\":1,\"op\":\"complete\","
	    "\"id\":\"%s\",\"state\":\"failed\",\"error\":{\"code\":\"oom\","
	    "\"message\":\"the GPU ran out of memory\"}}", job->id), "seq");
	CU_ASSERT_EQUAL(job->state, JOB_FAILED);
	CU_ASSERT_STRING_EQUAL(job->end->code, "oom");
	expect_error(call("{\"version\":1,\"op\":\"complete\",\"id\":\"%s\","
	    "\"state\":\"succeeded\"}", job->id), "conflict", "finished");
	teardown();
}

/* The latest preview, raw or deflated; none before the first. */
static void
test_get_preview(void)
{
	char ptoken[ID_TOKEN_LEN + 1], *p;
	struct json_object *reply, *v;
	struct job *job, *fake;

	setup(10, 10, 3600);
	job = create_producer("{\"shape\":[2,2,2],\"producer\":\"external\"}",
	    ptoken);
	expect_error(call("{\"version\":1,\"op\":\"get_preview\",\"id\":\"%s\","
	    "\"encoding\":\"raw\"}", job->id), "no_preview", NULL);
	p = raw_b64(1, 8);
	json_object_put(put_preview(job, ptoken, "raw", p));
	reply = call("{\"version\":1,\"op\":\"get_preview\",\"id\":\"%s\","
	    "\"token\":\"%s\",\"encoding\":\"raw\"}", job->id, tok(job));
	v = ok_member(reply, "preview");
	CU_ASSERT_STRING_EQUAL(str(v, "payload"), p);
	CU_ASSERT_EQUAL(num(v, "seq"), 1);
	CU_ASSERT_EQUAL(num(v, "scale"), 1);
	json_object_put(reply);
	free(p);
	/* A fake job's too, deflated once and kept. */
	fake = create("{\"shape\":[16,16,16]}");
	reply = call("{\"version\":1,\"op\":\"get_preview\",\"id\":\"%s\","
	    "\"encoding\":\"deflate\"}", fake->id);
	v = ok_member(reply, "preview");
	CU_ASSERT_STRING_EQUAL(str(v, "encoding"), "deflate");
	CU_ASSERT_PTR_NOT_NULL(fake->preview.enc[MSG_ENC_DEFLATE]);
	json_object_put(reply);
	teardown();
}

/* At most preview.hz previews a second, with a burst of three. */
static void
test_rate_limit(void)
{
	char ptoken[ID_TOKEN_LEN + 1], *p;
	struct json_object *reply, *e;
	struct job *job;
	int i;

	setup(10, 10, 3600);
	job = create_producer("{\"shape\":[2,2,2],\"producer\":\"external\","
	    "\"preview\":{\"hz\":0.1}}", ptoken);
	p = raw_b64(1, 8);
	for (i = 0; i < 3; i++)
		expect_ok(put_preview(job, ptoken, "raw", p), "seq");
	reply = put_preview(job, ptoken, "raw", p);
	e = member(reply, "error");
	CU_ASSERT_STRING_EQUAL(str(e, "code"), "rate_limited");
	CU_ASSERT(num(e, "retry_after_s") >= 9 && num(e, "retry_after_s") <= 10);
	json_object_put(reply);
	/* Progress is not limited. */
	expect_ok(call("{\"version\":1,\"op\":\"put_progress\","
	    "\"id\":\"%s\",\"progress\":1}", job->id), "seq");
	free(p);
	teardown();
}

/* A streamer's jobs name its cell and shard; stats say which they are. */
static void
test_place(void)
{
	struct json_object *reply, *s;
	struct job *job;

	memset(&test_set, 0, sizeof(test_set));
	ntokens = 0;
	settings_defaults(&test_set);
	test_set.cell = 2;
	test_set.shard = 17;
	CU_ASSERT_EQUAL_FATAL(registry_init(reg, &test_set), 0);
	job = create("{\"shape\":[4,4,4]}");
	CU_ASSERT_NSTRING_EQUAL(job->id, "0211", 4);
	reply = call("{\"version\":1,\"op\":\"stats\"}");
	s = ok_member(reply, "stats");
	CU_ASSERT_EQUAL(num(s, "cell"), 2);
	CU_ASSERT_EQUAL(num(s, "shard"), 17);
	json_object_put(reply);
	teardown();
}

/* A producer silent for producer_timeout_s fails its job. */
static void
test_producer_timeout(void)
{
	char ptoken[ID_TOKEN_LEN + 1];
	struct job *job, *never;
	struct msgbuf *b;

	setup(10, 10, 3600);
	job = create_producer("{\"shape\":[2,2,2],\"producer\":\"external\","
	    "\"producer_timeout_s\":5}", ptoken);
	never = create_external();
	job_run_due(reg, now_mono_us() + 4000000);
	CU_ASSERT_EQUAL(job->state, JOB_RUNNING);
	expect_ok(call("{\"version\":1,\"op\":\"put_progress\","
	    "\"id\":\"%s\",\"progress\":1}", job->id), "seq");
	/* Heard: the five seconds start again. */
	job_run_due(reg, now_mono_us() + 4000000);
	CU_ASSERT_EQUAL(job->state, JOB_RUNNING);
	job_run_due(reg, now_mono_us() + 6000000);
	CU_ASSERT_EQUAL(job->state, JOB_FAILED);
	b = ring_get(&job->ring, job->seq);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT(strstr((const char *)b->json, "\"producer_timeout\"") != NULL);
	job_run_due(reg, now_mono_us() + 86400000000LL);
	CU_ASSERT_EQUAL(never->state, JOB_RUNNING);
	teardown();
}

static CU_TestInfo cases[] = {
	{ "create", test_create },
	{ "previews encoded per encoding in use", test_emit_encodings },
	{ "the latest preview encoded again", test_latest_other_encoding },
	{ "create with an invalid job", test_create_invalid },
	{ "get, tokens, ids", test_get },
	{ "list: newest first, limit", test_list },
	{ "cancel", test_cancel },
	{ "malformed requests", test_bad_requests },
	{ "too_many_jobs", test_too_many_jobs },
	{ "preview budget", test_preview_budget },
	{ "subscribe", test_subscribe },
	{ "publish", test_publish },
	{ "stats", test_stats },
	{ "job_run_due drives the fake producer", test_run_due },
	{ "retention", test_retention },
	{ "max_finished", test_max_finished },
	{ "producer and viewer tokens", test_producer_token },
	{ "put_preview: length, labels, deflate", test_put_preview },
	{ "ids name the streamer's cell and shard", test_place },
	{ "put_progress and complete", test_put_progress_complete },
	{ "get_preview", test_get_preview },
	{ "previews at most preview.hz a second", test_rate_limit },
	{ "producer_timeout_s", test_producer_timeout },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	log_init("test_ops", 0, LOG_LEVEL_WARN);
	return unit_run("ops", cases);
}
