/*
 * ops.c: the operations of the control channel (docs/protocol.md,
 * "Control channel").  One request line in, one reply object out; the
 * protocol itself (parsing, version, op names, error codes) is
 * common/ctlproto.c's, and every field a client sends is checked here
 * before the registry sees it.
 */
#include <string.h>

#include <json-c/json.h>

#include "core.h"
#include "keepalive.h"
#include "log.h"
#include "wsreq.h"

typedef struct json_object *(*op_fn)(struct registry *, struct json_object *,
    struct ops_result *);

/* An error reply, its code noted for the connection. */
static struct json_object *
refuse(struct ops_result *res, enum ctlproto_err err, const char *message)
{
	res->err = err;
	return ctlproto_error(err, message);
}

/* The job a request names, if its id is well formed and its token right. */
static struct job *
named_job(struct registry *reg, struct json_object *req,
    struct ops_result *res, struct json_object **err)
{
	struct json_object *v;
	const char *id, *tok;
	struct job *job;

	if (!json_object_object_get_ex(req, "id", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*err = refuse(res, CTLPROTO_BAD_REQUEST, "\"id\" must be a job "
		    "id");
		return NULL;
	}
	id = json_object_get_string(v);
	if (!id_job_valid(id, (size_t)json_object_get_string_len(v))) {
		*err = refuse(res, CTLPROTO_BAD_REQUEST, "malformed job id: 32 "
		    "lowercase hexadecimal characters expected");
		return NULL;
	}
	if ((job = job_find(reg, id)) == NULL) {
		*err = refuse(res, CTLPROTO_NOT_FOUND, "no such job");
		return NULL;
	}
	if (json_object_object_get_ex(req, "token", &v)) {
		tok = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : "";
		if (!id_token_equal(job->token, tok, strlen(tok))) {
			*err = refuse(res, CTLPROTO_FORBIDDEN, "wrong token "
			    "for this job");
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
	enum ctlproto_err err;
	const char *errstr;
	struct jobspec spec;
	struct job *job;
	char why[256];

	json_object_object_get_ex(req, "job", &v);
	if (jobspec_parse(v, &spec, why, sizeof(why)) == -1)
		return refuse(res, CTLPROTO_INVALID_JOB, why);
	if ((job = job_create(reg, &spec, &err, &errstr)) == NULL)
		return refuse(res, err, errstr);
	return ctlproto_ok(CTLPROTO_CREATE, job_to_json(job, 1));
}

static struct json_object *
op_get(struct registry *reg, struct json_object *req, struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	if ((job = named_job(reg, req, res, &err)) == NULL)
		return err;
	return ctlproto_ok(CTLPROTO_GET, job_to_json(job, 0));
}

static struct json_object *
op_list(struct registry *reg, struct json_object *req, struct ops_result *res)
{
	struct json_object *v, *jobs;
	int64_t limit = CTLPROTO_LIST_DEFAULT;
	struct job *job;

	if (json_object_object_get_ex(req, "limit", &v)) {
		limit = json_object_is_type(v, json_type_int) ?
		    json_object_get_int64(v) : 0;
		if (limit < 1 || limit > CTLPROTO_LIST_MAX)
			return refuse(res, CTLPROTO_BAD_REQUEST, "\"limit\" "
			    "must be an integer in 1..1000");
	}
	jobs = json_object_new_array();
	TAILQ_FOREACH(job, &reg->jobs, entry) {
		if (limit-- == 0)
			break;
		json_object_array_add(jobs, job_to_json(job, 0));
	}
	return ctlproto_ok(CTLPROTO_LIST, jobs);
}

static struct json_object *
op_cancel(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	if ((job = named_job(reg, req, res, &err)) == NULL)
		return err;
	if (msg_state_terminal(job->state))
		return refuse(res, CTLPROTO_CONFLICT, "the job has already "
		    "finished");
	/* Not on disk, so not done: the job goes on. */
	if (job_cancel(reg, job) == -1)
		return refuse(res, CTLPROTO_JOURNAL_FAILED, "the job journal "
		    "cannot be written; the job was not cancelled");
	return ctlproto_ok(CTLPROTO_CANCEL, job_to_json(job, 0));
}

/* The optional arguments of a subscription, into res. */
static struct json_object *
subscription(struct json_object *req, struct ops_result *res)
{
	struct json_object *v;

	if (json_object_object_get_ex(req, "since", &v)) {
		res->since = json_object_is_type(v, json_type_int) ?
		    json_object_get_int64(v) : -1;
		if (res->since < 0 || res->since > 9007199254740991LL)
			return refuse(res, CTLPROTO_BAD_REQUEST, "\"since\" "
			    "must be an integer in 0..2^53-1");
		res->has_since = 1;
	}
	if (json_object_object_get_ex(req, "epoch", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    wsreq_epoch(json_object_get_string(v)) == -1)
			return refuse(res, CTLPROTO_BAD_REQUEST, "malformed "
			    "\"epoch\"");
		strcpy(res->epoch, json_object_get_string(v));
	}
	if (json_object_object_get_ex(req, "encoding", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v) ||
	    wsreq_encoding(json_object_get_string(v), &res->encoding) == -1))
		return refuse(res, CTLPROTO_BAD_REQUEST, "\"encoding\" must be "
		    "\"base64\" or \"deflate\"");
	return NULL;
}

static struct json_object *
op_subscribe(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	if ((job = named_job(reg, req, res, &err)) == NULL ||
	    (err = subscription(req, res)) != NULL)
		return err;
	res->subscribe = job;
	return ctlproto_ok(CTLPROTO_SUBSCRIBE,
	    json_object_new_string(job->id));
}

/*
 * A published message is a stream message without job_id, seq and
 * ts_us: those are the job's to give.  Its producer takes it.
 */
static struct json_object *
op_publish(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err, *m;
	enum ctlproto_err code;
	const char *why;
	struct job *job;

	if ((job = named_job(reg, req, res, &err)) == NULL)
		return err;
	if (job->producer->publish == NULL)
		return refuse(res, CTLPROTO_CONFLICT, "the job's previews come "
		    "from the streamer's own generator");
	if (msg_state_terminal(job->state))
		return refuse(res, CTLPROTO_CONFLICT, "the job has already "
		    "finished");
	if (!json_object_object_get_ex(req, "message", &m) ||
	    !json_object_is_type(m, json_type_object))
		return refuse(res, CTLPROTO_BAD_REQUEST, "\"message\" must be "
		    "an object");
	if (job->producer->publish(reg, job, m, &code, &why) == -1)
		return refuse(res, code, why);
	return ctlproto_ok(CTLPROTO_PUBLISH, json_object_new_int64(job->seq));
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
	const struct registry_stats *st = &reg->stats;

	(void)req;
	(void)res;
	json_object_object_add(s, "epoch", json_object_new_string(reg->epoch));
	add_count(s, "jobs", reg->njobs);
	add_count(s, "jobs_running", reg->nrunning);
	add_count(s, "jobs_finished", reg->nfinished);
	add_count(s, "jobs_created", st->jobs_created);
	add_count(s, "ws_connections", st->ws_connections);
	add_count(s, "ws_subscribers", st->ws_subscribers);
	add_count(s, "control_connections", st->control_connections);
	add_count(s, "messages", st->messages);
	add_count(s, "messages_sent", st->messages_sent);
	add_count(s, "bytes_sent", st->bytes_sent);
	add_count(s, "previews_skipped", st->previews_skipped);
	add_count(s, "slow_closed", st->slow_closed);
	add_count(s, "pings", keepalive_stats()->pings);
	add_count(s, "ping_hangups", keepalive_stats()->hangups);
	/* Previews encoded, by encoding: none for one nobody asked for. */
	add_count(s, "encodes_base64", st->encodes[MSG_ENC_BASE64]);
	add_count(s, "encodes_deflate", st->encodes[MSG_ENC_DEFLATE]);
	return ctlproto_ok(CTLPROTO_STATS, s);
}

static const op_fn ops[CTLPROTO_NOPS] = {
	[CTLPROTO_CREATE] = op_create,
	[CTLPROTO_GET] = op_get,
	[CTLPROTO_LIST] = op_list,
	[CTLPROTO_CANCEL] = op_cancel,
	[CTLPROTO_SUBSCRIBE] = op_subscribe,
	[CTLPROTO_PUBLISH] = op_publish,
	[CTLPROTO_STATS] = op_stats
};

/*
 * Handles one request line (len bytes, no newline) and returns the reply
 * object, {"ok":true,...} or {"ok":false,"error":{...}}; NULL only when
 * memory ran out.  The caller serializes and frees it; res->err says
 * which error it carries.
 */
struct json_object *
ops_handle(struct registry *reg, const char *line, size_t len,
    struct ops_result *res)
{
	struct json_object *req, *reply;
	enum ctlproto_op op;
	const char *why;

	memset(res, 0, sizeof(*res));
	if ((req = ctlproto_request_parse(line, len, &op, &res->err,
	    &why)) == NULL)
		return ctlproto_error(res->err, why);
	reply = ops[op](reg, req, res);
	json_object_put(req);
	return reply;
}
