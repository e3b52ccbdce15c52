/*
 * ops.c: the operations of the control channel (docs/protocol.md,
 * "Control channel").  One request line in, one reply object out; every
 * field a client sends is checked here before the registry sees it.
 */
#include <string.h>

#include <json-c/json.h>

#include "log.h"
#include "ops.h"
#include "streamer.h"
#include "wsreq.h"

#define OPS_VERSION		1
#define OPS_LIST_DEFAULT	100
#define OPS_LIST_MAX		1000
#define OPS_DEPTH		16

struct op {
	const char	*name;
	struct json_object *(*run)(struct registry *, struct json_object *,
			    struct ops_result *);
};

struct json_object *
ops_error(const char *code, const char *message)
{
	struct json_object *r = json_object_new_object();
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", e);
	return r;
}

static struct json_object *
ok(const char *key, struct json_object *value)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	if (key != NULL)
		json_object_object_add(r, key, value);
	return r;
}

/* The job a request names, if its id is well formed and its token right. */
static struct job *
named_job(struct registry *reg, struct json_object *req,
    struct json_object **err)
{
	struct json_object *v;
	const char *id, *tok;
	struct job *job;

	if (!json_object_object_get_ex(req, "id", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*err = ops_error("bad_request", "\"id\" must be a job id");
		return NULL;
	}
	id = json_object_get_string(v);
	if (!id_job_valid(id, (size_t)json_object_get_string_len(v))) {
		*err = ops_error("bad_request", "malformed job id: 32 "
		    "lowercase hexadecimal characters expected");
		return NULL;
	}
	if ((job = job_find(reg, id)) == NULL) {
		*err = ops_error("not_found", "no such job");
		return NULL;
	}
	if (json_object_object_get_ex(req, "token", &v)) {
		tok = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : "";
		if (!id_token_equal(job->token, tok, strlen(tok))) {
			*err = ops_error("forbidden", "wrong token for this "
			    "job");
			return NULL;
		}
	}
	return job;
}

static struct json_object *
op_create(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *v = NULL;
	const char *code, *errstr;
	struct jobspec spec;
	struct job *job;
	char err[256];

	(void)res;
	json_object_object_get_ex(req, "job", &v);
	if (jobspec_parse(v, &spec, err, sizeof(err)) == -1)
		return ops_error("invalid_job", err);
	if ((job = job_create(reg, &spec, &code, &errstr)) == NULL)
		return ops_error(code, errstr);
	return ok("job", job_to_json(job, 1));
}

static struct json_object *
op_get(struct registry *reg, struct json_object *req, struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	(void)res;
	if ((job = named_job(reg, req, &err)) == NULL)
		return err;
	return ok("job", job_to_json(job, 0));
}

static struct json_object *
op_list(struct registry *reg, struct json_object *req, struct ops_result *res)
{
	struct json_object *v, *jobs;
	int64_t limit = OPS_LIST_DEFAULT;
	struct job *job;

	(void)res;
	if (json_object_object_get_ex(req, "limit", &v)) {
		limit = json_object_is_type(v, json_type_int) ?
		    json_object_get_int64(v) : 0;
		if (limit < 1 || limit > OPS_LIST_MAX)
			return ops_error("bad_request", "\"limit\" must be an "
			    "integer in 1..1000");
	}
	jobs = json_object_new_array();
	TAILQ_FOREACH(job, &reg->jobs, entry) {
		if (limit-- == 0)
			break;
		json_object_array_add(jobs, job_to_json(job, 0));
	}
	return ok("jobs", jobs);
}

static struct json_object *
op_cancel(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	(void)res;
	if ((job = named_job(reg, req, &err)) == NULL)
		return err;
	if (msg_state_terminal(job->state))
		return ops_error("conflict", "the job has already finished");
	/* Not on disk, so not done: the job goes on. */
	if (job_cancel(reg, job) == -1)
		return ops_error("journal_failed", "the job journal cannot be "
		    "written; the job was not cancelled");
	return ok("job", job_to_json(job, 0));
}

static struct json_object *
op_subscribe(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err, *v;
	struct job *job;

	if ((job = named_job(reg, req, &err)) == NULL)
		return err;
	if (json_object_object_get_ex(req, "since", &v)) {
		res->since = json_object_is_type(v, json_type_int) ?
		    json_object_get_int64(v) : -1;
		if (res->since < 0 || res->since > 9007199254740991LL)
			return ops_error("bad_request", "\"since\" must be an "
			    "integer in 0..2^53-1");
		res->has_since = 1;
	}
	if (json_object_object_get_ex(req, "epoch", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    wsreq_epoch(json_object_get_string(v)) == -1)
			return ops_error("bad_request", "malformed \"epoch\"");
		strcpy(res->epoch, json_object_get_string(v));
	}
	if (json_object_object_get_ex(req, "encoding", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v) ||
	    wsreq_encoding(json_object_get_string(v), &res->encoding) == -1))
		return ops_error("bad_request", "\"encoding\" must be "
		    "\"base64\" or \"deflate\"");
	res->subscribe = job;
	return ok("subscribed", json_object_new_string(job->id));
}

static int
binary_mask(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->payload_len; i++)
		if (m->payload[i] > 1)
			return 0;
	return 1;
}

/*
 * A published message is a stream message without job_id, seq and ts_us:
 * those are the job's to give.  It is checked by the same decoder as any
 * stream message.
 */
static struct json_object *
op_publish(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err, *m;
	const char *text, *errstr;
	struct job *job;
	struct msg msg;
	int r;

	(void)res;
	if ((job = named_job(reg, req, &err)) == NULL)
		return err;
	if (job->spec.producer != JOBSPEC_EXTERNAL)
		return ops_error("conflict", "the job's previews come from the "
		    "streamer's own generator");
	if (msg_state_terminal(job->state))
		return ops_error("conflict", "the job has already finished");
	if (!json_object_object_get_ex(req, "message", &m) ||
	    !json_object_is_type(m, json_type_object))
		return ops_error("bad_request", "\"message\" must be an object");
	json_object_object_add(m, "job_id", json_object_new_string(job->id));
	json_object_object_add(m, "seq", json_object_new_int64(0));
	json_object_object_add(m, "ts_us", json_object_new_int64(0));
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
	if (msg_decode(text, strlen(text), &msg, &errstr) == -1)
		return ops_error("bad_message", errstr);
	if (msg.type == MSG_STATUS) {
		msg_clear(&msg);
		return ops_error("bad_message", "status messages are the "
		    "streamer's own");
	}
	if (msg.type == MSG_PREVIEW && (msg.scale != job->spec.scale ||
	    memcmp(msg.shape, job->spec.pshape, sizeof(msg.shape)) != 0)) {
		msg_clear(&msg);
		return ops_error("bad_message", "a preview must have the job's "
		    "scale and preview shape");
	}
	if (msg.type == MSG_PREVIEW && !binary_mask(&msg)) {
		msg_clear(&msg);
		return ops_error("bad_message", "a preview's mask values are 0 "
		    "or 1");
	}
	/* skipped is per subscriber: sub.c appends it, never the producer. */
	msg.skipped = 0;
	reg->journal_failed = 0;
	r = job_emit(reg, job, &msg, &errstr);
	msg_clear(&msg);
	if (r == -1)
		return ops_error(reg->journal_failed ? "journal_failed" :
		    "bad_message", errstr);
	return ok("seq", json_object_new_int64(job->seq));
}

static void
add_count(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

static struct json_object *
op_stats(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *s = json_object_new_object();

	(void)req;
	(void)res;
	json_object_object_add(s, "epoch", json_object_new_string(reg->epoch));
	add_count(s, "jobs", reg->njobs);
	add_count(s, "jobs_running", reg->nrunning);
	add_count(s, "jobs_finished", reg->nfinished);
	add_count(s, "jobs_created", reg->stats.jobs_created);
	add_count(s, "ws_connections", streamer->nconns);
	add_count(s, "ws_subscribers", streamer->nsubs);
	add_count(s, "control_connections", streamer->ncontrol);
	add_count(s, "messages", reg->stats.messages);
	add_count(s, "messages_sent", reg->stats.messages_sent);
	add_count(s, "bytes_sent", reg->stats.bytes_sent);
	add_count(s, "previews_skipped", reg->stats.previews_skipped);
	add_count(s, "slow_closed", reg->stats.slow_closed);
	add_count(s, "pings", keepalive_stats()->pings);
	add_count(s, "ping_hangups", keepalive_stats()->hangups);
	/* Previews encoded, by encoding: none for one nobody asked for. */
	add_count(s, "encodes_base64", reg->stats.encodes[MSG_ENC_BASE64]);
	add_count(s, "encodes_deflate", reg->stats.encodes[MSG_ENC_DEFLATE]);
	return ok("stats", s);
}

static const struct op ops[] = {
	{ "create", op_create },
	{ "get", op_get },
	{ "list", op_list },
	{ "cancel", op_cancel },
	{ "subscribe", op_subscribe },
	{ "publish", op_publish },
	{ "stats", op_stats },
	{ NULL, NULL }
};

static struct json_object *
parse(const char *line, size_t len, struct json_object **err)
{
	struct json_tokener *tok;
	struct json_object *req;

	if ((tok = json_tokener_new_ex(OPS_DEPTH)) == NULL) {
		*err = ops_error("internal", "out of memory");
		return NULL;
	}
	req = json_tokener_parse_ex(tok, line, (int)len);
	if (req == NULL || tok->char_offset != (int)len) {
		json_object_put(req);
		req = NULL;
		*err = ops_error("bad_request", "the request is not one JSON "
		    "object");
	} else if (!json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		req = NULL;
		*err = ops_error("bad_request", "the request is not a JSON "
		    "object");
	}
	json_tokener_free(tok);
	return req;
}

static struct json_object *
dispatch(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *v;
	const struct op *op;
	const char *name;

	if (!json_object_object_get_ex(req, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != OPS_VERSION)
		return ops_error("unsupported_version", "requests must carry "
		    "\"version\":1, the control protocol this streamer "
		    "speaks");
	if (!json_object_object_get_ex(req, "op", &v) ||
	    !json_object_is_type(v, json_type_string))
		return ops_error("bad_request", "\"op\" must be a string");
	name = json_object_get_string(v);
	for (op = ops; op->name != NULL; op++)
		if (strcmp(op->name, name) == 0)
			return op->run(reg, req, res);
	return ops_error("unknown_op", "unknown \"op\"; known: create, get, "
	    "list, cancel, subscribe, publish, stats");
}

struct json_object *
ops_handle(struct registry *reg, const char *line, size_t len,
    struct ops_result *res)
{
	struct json_object *req, *reply;

	memset(res, 0, sizeof(*res));
	if (len > INT32_MAX)
		return ops_error("bad_request", "request too long");
	if ((req = parse(line, len, &reply)) == NULL)
		return reply;
	reply = dispatch(reg, req, res);
	json_object_put(req);
	return reply;
}
