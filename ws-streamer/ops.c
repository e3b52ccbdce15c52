/*
 * ops.c: the operations of the control channel (docs/protocol.md,
 * "Control channel").  One request line in, one reply object out; the
 * protocol itself (parsing, version, op names, error codes) is
 * common/ctlproto.c's, and every field a client sends is checked here
 * before the registry sees it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"
#include "broadcast.h"
#include "core.h"
#include "keepalive.h"
#include "log.h"
#include "utf8.h"
#include "wsreq.h"

/* What a request may do with the job it names, by the token it shows. */
enum role {
	ROLE_READ,	/* get, subscribe, get_preview: either token */
	ROLE_CANCEL,	/* the viewer token */
	ROLE_PUBLISH	/* publish, put_*, complete: the producer token */
};

typedef struct json_object *(*op_fn)(struct registry *, struct json_object *,
    struct ops_result *);

/* An error reply, its code noted for the connection. */
static struct json_object *
refuse(struct ops_result *res, enum ctlproto_err err, const char *message)
{
	res->err = err;
	return ctlproto_error(err, message);
}

/*
 * Whether the token shown (len bytes) lets a request act as role on job.
 * Both tokens are compared, in constant time, whichever matches.
 */
static int
allowed(const struct job *job, const char *tok, size_t len, enum role role,
    const char **why)
{
	int viewer = id_token_matches(job->token_hash, tok, len);
	int producer = job->has_producer_token &&
	    id_token_matches(job->producer_token_hash, tok, len);

	*why = "wrong token for this job";
	if (viewer && role == ROLE_PUBLISH)
		*why = "the viewer token may not publish: use the job's "
		    "producer_token";
	else if (producer && role == ROLE_CANCEL)
		*why = "the producer token may not cancel the job";
	else if (viewer || producer)
		return 1;
	return 0;
}

/*
 * The job a request names, if its id is well formed and the token it
 * shows, if any, lets it act as role (without a token, the control
 * socket's permissions are the guard).
 */
static struct job *
named_job(struct registry *reg, struct json_object *req, enum role role,
    struct ops_result *res, struct json_object **err)
{
	struct json_object *v;
	const char *id, *tok, *why;
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
		if (!allowed(job, tok, strlen(tok), role, &why)) {
			*err = refuse(res, CTLPROTO_FORBIDDEN, why);
			return NULL;
		}
	}
	return job;
}

static struct json_object *
op_create(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *v = NULL, *reply;
	struct job_tokens tokens;
	enum ctlproto_err err;
	const char *errstr;
	struct jobspec spec;
	struct job *job;
	char why[256];

	json_object_object_get_ex(req, "job", &v);
	if (jobspec_parse(v, &spec, why, sizeof(why)) == -1)
		return refuse(res, CTLPROTO_INVALID_JOB, why);
	if ((job = job_create(reg, &spec, &tokens, &err, &errstr)) == NULL)
		return refuse(res, err, errstr);
	reply = ctlproto_ok(CTLPROTO_CREATE, job_to_json(job, &tokens));
	explicit_bzero(&tokens, sizeof(tokens));
	return reply;
}

static struct json_object *
op_get(struct registry *reg, struct json_object *req, struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	if ((job = named_job(reg, req, ROLE_READ, res, &err)) == NULL)
		return err;
	return ctlproto_ok(CTLPROTO_GET, job_to_json(job, NULL));
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
		json_object_array_add(jobs, job_to_json(job, NULL));
	}
	return ctlproto_ok(CTLPROTO_LIST, jobs);
}

static struct json_object *
op_cancel(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err;
	struct job *job;

	if ((job = named_job(reg, req, ROLE_CANCEL, res, &err)) == NULL)
		return err;
	if (msg_state_terminal(job->state))
		return refuse(res, CTLPROTO_CONFLICT, "the job has already "
		    "finished");
	/* Not on disk, so not done: the job goes on. */
	if (job_cancel(reg, job) == -1)
		return refuse(res, CTLPROTO_JOURNAL_FAILED, "the job journal "
		    "cannot be written; the job was not cancelled");
	return ctlproto_ok(CTLPROTO_CANCEL, job_to_json(job, NULL));
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

	if ((job = named_job(reg, req, ROLE_READ, res, &err)) == NULL ||
	    (err = subscription(req, res)) != NULL)
		return err;
	res->subscribe = job;
	return ctlproto_ok(CTLPROTO_SUBSCRIBE,
	    json_object_new_string(job->id));
}

/*
 * The job a publishing request names, if it takes published messages and
 * is still running.
 */
static struct job *
publishing_job(struct registry *reg, struct json_object *req,
    struct ops_result *res, struct json_object **err)
{
	struct job *job;

	if ((job = named_job(reg, req, ROLE_PUBLISH, res, err)) == NULL)
		return NULL;
	if (job->producer->publish == NULL) {
		*err = refuse(res, CTLPROTO_CONFLICT, "the job's previews come "
		    "from the streamer's own generator");
		return NULL;
	}
	if (msg_state_terminal(job->state)) {
		*err = refuse(res, CTLPROTO_CONFLICT, "the job has already "
		    "finished");
		return NULL;
	}
	return job;
}

/*
 * m to the job's producer; the reply is the seq it took, or the
 * refusal, a message breaking the rules said as invalid (the op's code
 * for that).
 */
static struct json_object *
give(struct registry *reg, struct job *job, struct msg *m,
    enum ctlproto_op op, enum ctlproto_err invalid, struct ops_result *res)
{
	struct refusal r;

	if (job->producer->publish(reg, job, m, &r) == 0)
		return ctlproto_ok(op, json_object_new_int64(job->seq));
	if (r.err == CTLPROTO_BAD_MESSAGE)
		r.err = invalid;
	res->err = r.err;
	res->retry_after_s = r.retry_after_s;
	return ctlproto_error_after(r.err, r.why, r.retry_after_s);
}

/*
 * A published message is a stream message without job_id, seq and
 * ts_us: those are the job's to give.  It is decoded once, a preview
 * straight into the job's preview buffer, and its producer takes it.
 */
static struct json_object *
op_publish(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct msg_preview_dest dest;
	struct json_object *err, *o;
	const char *errstr;
	struct job *job;
	struct msg m;

	if ((job = publishing_job(reg, req, res, &err)) == NULL)
		return err;
	if (!json_object_object_get_ex(req, "message", &o) ||
	    !json_object_is_type(o, json_type_object))
		return refuse(res, CTLPROTO_BAD_REQUEST, "\"message\" must be "
		    "an object");
	dest.scale = job->spec.scale;
	memcpy(dest.shape, job->spec.pshape, sizeof(dest.shape));
	if ((dest.buf = job_preview_buffer(job)) == NULL)
		return refuse(res, CTLPROTO_INTERNAL, "out of memory");
	if (msg_decode_published(o, &dest, &m, &errstr) == -1)
		return refuse(res, CTLPROTO_BAD_MESSAGE, errstr);
	if (m.type == MSG_PREVIEW)
		reg->stats.decodes[m.encoding]++;
	return give(reg, job, &m, CTLPROTO_PUBLISH, CTLPROTO_BAD_MESSAGE, res);
}

/* A string member, without NUL bytes, or NULL. */
static const char *
string_member(struct json_object *req, const char *key, size_t *len)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return strlen(s) == *len ? s : NULL;
}

/*
 * A producer's preview as raw voxels (the REST API's PUT), in base64,
 * of the voxels or of their zlib stream: decoded, or inflated, once,
 * into the job's preview buffer.
 */
static struct json_object *
op_put_preview(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	const uint32_t *ps;
	const char *enc, *payload, *errstr;
	enum msg_encoding e;
	struct json_object *err;
	struct job *job;
	struct msg m;
	uint64_t voxels;
	size_t len, elen;
	char why[256];

	if ((job = publishing_job(reg, req, res, &err)) == NULL)
		return err;
	if ((enc = string_member(req, "encoding", &elen)) == NULL ||
	    (strcmp(enc, "raw") != 0 && strcmp(enc, "deflate") != 0))
		return refuse(res, CTLPROTO_BAD_REQUEST, "\"encoding\" must be "
		    "\"raw\" or \"deflate\"");
	if ((payload = string_member(req, "payload", &len)) == NULL)
		return refuse(res, CTLPROTO_BAD_REQUEST, "\"payload\" must be "
		    "base64");
	e = strcmp(enc, "raw") == 0 ? MSG_ENC_BASE64 : MSG_ENC_DEFLATE;
	ps = job->spec.pshape;
	voxels = msg_shape_voxels(ps);
	if (e == MSG_ENC_BASE64 && len % 4 == 0 &&
	    b64_decoded_len(payload, len) != voxels) {
		snprintf(why, sizeof(why), "the preview is %zu bytes; the job's "
		    "preview shape %ux%ux%u takes %llu",
		    b64_decoded_len(payload, len), ps[0], ps[1], ps[2],
		    (unsigned long long)voxels);
		return refuse(res, CTLPROTO_INVALID_PREVIEW, why);
	}
	memset(&m, 0, sizeof(m));
	if ((m.payload = job_preview_buffer(job)) == NULL)
		return refuse(res, CTLPROTO_INTERNAL, "out of memory");
	if (msg_payload_decode(e, payload, len, voxels, m.payload,
	    &errstr) == -1) {
		snprintf(why, sizeof(why), "%s (the job's preview shape "
		    "%ux%ux%u takes %llu bytes)", errstr, ps[0], ps[1], ps[2],
		    (unsigned long long)voxels);
		return refuse(res, CTLPROTO_INVALID_PREVIEW, why);
	}
	/* Decoded (copied or inflated) once, into the job's buffer. */
	reg->stats.decodes[e]++;
	m.type = MSG_PREVIEW;
	m.scale = job->spec.scale;
	memcpy(m.shape, ps, sizeof(m.shape));
	m.encoding = e;
	m.payload_len = (size_t)voxels;
	return give(reg, job, &m, CTLPROTO_PUT_PREVIEW, CTLPROTO_INVALID_PREVIEW,
	    res);
}

/* A producer's progress, 0..100, and its estimate of the time left. */
static struct json_object *
op_put_progress(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err, *v;
	struct job *job;
	struct msg m;

	if ((job = publishing_job(reg, req, res, &err)) == NULL)
		return err;
	memset(&m, 0, sizeof(m));
	m.type = MSG_PROGRESS;
	if (!json_object_object_get_ex(req, "progress", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0 || json_object_get_int64(v) > 100)
		return refuse(res, CTLPROTO_INVALID_FIELD, "\"progress\" must "
		    "be an integer in 0..100");
	m.progress = (int)json_object_get_int64(v);
	if (json_object_object_get_ex(req, "eta_s", &v)) {
		m.eta_s = json_object_get_double(v);
		if ((!json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double)) ||
		    !isfinite(m.eta_s) || m.eta_s < 0 || m.eta_s > 1e9)
			return refuse(res, CTLPROTO_INVALID_FIELD, "\"eta_s\" "
			    "must be a number of seconds, 0 or more");
		m.has_eta = 1;
	}
	return give(reg, job, &m, CTLPROTO_PUT_PROGRESS,
	    CTLPROTO_INVALID_FIELD, res);
}

/* The error a failed job ends with, into m. */
static struct json_object *
failure(struct json_object *req, struct msg *m, struct ops_result *res)
{
	struct json_object *e;
	const char *code, *message;
	size_t clen, mlen;

	m->type = MSG_ERROR;
	if (!json_object_object_get_ex(req, "error", &e) ||
	    (code = string_member(e, "code", &clen)) == NULL ||
	    (message = string_member(e, "message", &mlen)) == NULL ||
	    clen < 1 || clen >= sizeof(m->code) ||
	    mlen >= sizeof(m->message) || !utf8_valid(code, clen) ||
	    !utf8_valid(message, mlen))
		return refuse(res, CTLPROTO_INVALID_FIELD, "a failed job needs "
		    "\"error\":{\"code\": 1..63 bytes, \"message\": at most "
		    "511 bytes} of UTF-8");
	memcpy(m->code, code, clen + 1);
	memcpy(m->message, message, mlen + 1);
	return NULL;
}

/* A producer's end: succeeded, or failed with its error. */
static struct json_object *
op_complete(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err;
	const char *state;
	struct job *job;
	struct msg m;
	size_t len;

	if ((job = publishing_job(reg, req, res, &err)) == NULL)
		return err;
	memset(&m, 0, sizeof(m));
	state = string_member(req, "state", &len);
	if (state != NULL && strcmp(state, "succeeded") == 0) {
		m.type = MSG_COMPLETED;
		m.state = JOB_SUCCEEDED;
	} else if (state != NULL && strcmp(state, "failed") == 0) {
		if ((err = failure(req, &m, res)) != NULL)
			return err;
	} else
		return refuse(res, CTLPROTO_INVALID_FIELD, "\"state\" must be "
		    "\"succeeded\" or \"failed\"");
	return give(reg, job, &m, CTLPROTO_COMPLETE, CTLPROTO_INVALID_FIELD,
	    res);
}

/* What get_preview answers: b's seq, the job's shape, b's payload. */
static struct json_object *
preview_json(const struct job *job, const struct msgbuf *b, const char *enc)
{
	struct json_object *o, *shape;
	const char *payload;
	size_t plen;
	int i;

	if (msg_preview_payload((const char *)b->json, b->len, &payload,
	    &plen) == -1 || (o = json_object_new_object()) == NULL)
		return NULL;
	shape = json_object_new_array_ext(3);
	for (i = 0; i < 3; i++)
		json_object_array_add(shape,
		    json_object_new_int64(job->spec.pshape[i]));
	json_object_object_add(o, "seq", json_object_new_int64(b->seq));
	json_object_object_add(o, "scale",
	    json_object_new_int64(job->spec.scale));
	json_object_object_add(o, "shape", shape);
	json_object_object_add(o, "encoding", json_object_new_string(enc));
	json_object_object_add(o, "payload",
	    json_object_new_string_len(payload, (int)plen));
	return o;
}

/* The latest preview, its payload in base64 of the voxels or of zlib's. */
static struct json_object *
op_get_preview(struct registry *reg, struct json_object *req,
    struct ops_result *res)
{
	struct json_object *err, *p;
	const char *enc;
	struct msgbuf *b;
	struct job *job;
	size_t len;

	if ((job = named_job(reg, req, ROLE_READ, res, &err)) == NULL)
		return err;
	if ((enc = string_member(req, "encoding", &len)) == NULL ||
	    (strcmp(enc, "raw") != 0 && strcmp(enc, "deflate") != 0))
		return refuse(res, CTLPROTO_BAD_REQUEST, "\"encoding\" must be "
		    "\"raw\" or \"deflate\"");
	b = job_latest_preview(reg, job, strcmp(enc, "raw") == 0 ?
	    MSG_ENC_BASE64 : MSG_ENC_DEFLATE);
	if (b == NULL)
		return refuse(res, CTLPROTO_NO_PREVIEW, "the job has no preview "
		    "yet");
	if ((p = preview_json(job, b, enc)) == NULL)
		return refuse(res, CTLPROTO_INTERNAL, "out of memory");
	return ctlproto_ok(CTLPROTO_GET_PREVIEW, p);
}

static void
add_count(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

/* {"running":n,"succeeded":n,"failed":n,"cancelled":n}, every state. */
static struct json_object *
jobs_by_state(const struct registry *reg)
{
	uint64_t n[JOB_CANCELLED + 1] = { 0 };
	struct json_object *o = json_object_new_object();
	const struct job *job;
	int s;

	if (o == NULL)
		return NULL;
	TAILQ_FOREACH(job, &reg->jobs, entry)
		n[job->state]++;
	for (s = JOB_RUNNING; s <= JOB_CANCELLED; s++)
		add_count(o, msg_state_name((enum job_state)s), n[s]);
	return o;
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
	add_count(s, "cell", reg->cell);
	add_count(s, "shard", reg->shard);
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
	/* Producers' previews decoded, by how their voxels came. */
	add_count(s, "decodes_base64", st->decodes[MSG_ENC_BASE64]);
	add_count(s, "decodes_deflate", st->decodes[MSG_ENC_DEFLATE]);
	json_object_object_add(s, "jobs_by_state", jobs_by_state(reg));
	json_object_object_add(s, "broadcast_seconds",
	    histo_to_json(broadcast_histo()));
	if (reg->journal != NULL)
		json_object_object_add(s, "journal_sync_seconds",
		    histo_to_json(&reg->journal->syncs));
	return ctlproto_ok(CTLPROTO_STATS, s);
}

static const op_fn ops[CTLPROTO_NOPS] = {
	[CTLPROTO_CREATE] = op_create,
	[CTLPROTO_GET] = op_get,
	[CTLPROTO_LIST] = op_list,
	[CTLPROTO_CANCEL] = op_cancel,
	[CTLPROTO_SUBSCRIBE] = op_subscribe,
	[CTLPROTO_PUBLISH] = op_publish,
	[CTLPROTO_STATS] = op_stats,
	[CTLPROTO_PUT_PREVIEW] = op_put_preview,
	[CTLPROTO_PUT_PROGRESS] = op_put_progress,
	[CTLPROTO_COMPLETE] = op_complete,
	[CTLPROTO_GET_PREVIEW] = op_get_preview
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
