/*
 * ctlproto.c: the control protocol's tables, request builders and
 * parsers (ctlproto.h).  The error table is also what the REST API
 * answers with: its HTTP statuses are docs/protocol.md's (test_ctlproto
 * checks the document against it).
 */
#include <string.h>

#include "ctlproto.h"
#include "jsontext.h"

struct op_info {
	const char	*name;
	const char	*reply_key;
};

struct err_info {
	const char	*code;
	int		 status;	/* the REST API's answer */
	int		 violation;	/* the request broke the protocol */
};

static const struct op_info ops[CTLPROTO_NOPS] = {
	[CTLPROTO_CREATE] = { "create", "job" },
	[CTLPROTO_GET] = { "get", "job" },
	[CTLPROTO_LIST] = { "list", "jobs" },
	[CTLPROTO_CANCEL] = { "cancel", "job" },
	[CTLPROTO_SUBSCRIBE] = { "subscribe", "subscribed" },
	[CTLPROTO_PUBLISH] = { "publish", "seq" },
	[CTLPROTO_STATS] = { "stats", "stats" },
	[CTLPROTO_PUT_PREVIEW] = { "put_preview", "seq" },
	[CTLPROTO_PUT_PROGRESS] = { "put_progress", "seq" },
	[CTLPROTO_COMPLETE] = { "complete", "seq" },
	[CTLPROTO_GET_PREVIEW] = { "get_preview", "preview" }
};

/*
 * What fcgi-api sent and the streamer refused as malformed is fcgi-api's
 * fault, not the client's: 502, as for an answer it cannot read.
 */
static const struct err_info errs[] = {
	[CTLPROTO_OK] = { "ok", 200, 0 },
	[CTLPROTO_BAD_REQUEST] = { "bad_request", 400, 1 },
	[CTLPROTO_UNSUPPORTED_VERSION] = { "unsupported_version", 502, 1 },
	[CTLPROTO_UNKNOWN_OP] = { "unknown_op", 502, 1 },
	[CTLPROTO_LINE_TOO_LONG] = { "line_too_long", 502, 1 },
	[CTLPROTO_INVALID_JOB] = { "invalid_job", 400, 0 },
	[CTLPROTO_NOT_FOUND] = { "not_found", 404, 0 },
	[CTLPROTO_FORBIDDEN] = { "forbidden", 403, 0 },
	[CTLPROTO_CONFLICT] = { "conflict", 409, 0 },
	[CTLPROTO_TOO_MANY_JOBS] = { "too_many_jobs", 503, 0 },
	[CTLPROTO_BAD_MESSAGE] = { "bad_message", 502, 0 },
	[CTLPROTO_JOURNAL_FAILED] = { "journal_failed", 503, 0 },
	[CTLPROTO_INTERNAL] = { "internal", 502, 0 },
	[CTLPROTO_INVALID_PREVIEW] = { "invalid_preview", 400, 0 },
	[CTLPROTO_INVALID_FIELD] = { "invalid_field", 400, 0 },
	[CTLPROTO_RATE_LIMITED] = { "rate_limited", 429, 0 },
	[CTLPROTO_NO_PREVIEW] = { "no_preview", 404, 0 },
	[CTLPROTO_UNKNOWN_ERR] = { "unknown", 502, 0 }
};
#define NERRS	(sizeof(errs) / sizeof(errs[0]))

const char *
ctlproto_op_name(enum ctlproto_op op)
{
	return (size_t)op < CTLPROTO_NOPS ? ops[op].name : "unknown";
}

const char *
ctlproto_reply_key(enum ctlproto_op op)
{
	return (size_t)op < CTLPROTO_NOPS ? ops[op].reply_key : "";
}

static const struct err_info *
err_info(enum ctlproto_err err)
{
	return &errs[(size_t)err < NERRS ? err : CTLPROTO_UNKNOWN_ERR];
}

const char *
ctlproto_err_code(enum ctlproto_err err)
{
	return err_info(err)->code;
}

enum ctlproto_err
ctlproto_err_parse(const char *code)
{
	size_t	 i;

	for (i = CTLPROTO_BAD_REQUEST; i < CTLPROTO_UNKNOWN_ERR; i++)
		if (strcmp(code, errs[i].code) == 0)
			return (enum ctlproto_err)i;
	return CTLPROTO_UNKNOWN_ERR;
}

int
ctlproto_err_status(enum ctlproto_err err)
{
	return err_info(err)->status;
}

int
ctlproto_err_violation(enum ctlproto_err err)
{
	return err_info(err)->violation;
}

/* Adds v under key, taking it; -1 when v or the addition failed. */
static int
add(struct json_object *o, const char *key, struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static struct json_object *
request(enum ctlproto_op op)
{
	struct json_object *r = json_object_new_object();

	if (r == NULL)
		return NULL;
	if (add(r, "version", json_object_new_int(CTLPROTO_VERSION)) == -1 ||
	    add(r, "op", json_object_new_string(ops[op].name)) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

/* A request naming a job, and its token when given. */
static struct json_object *
job_request(enum ctlproto_op op, const char *id, const char *token)
{
	struct json_object *r = request(op);

	if (r == NULL || add(r, "id", json_object_new_string(id)) == -1 ||
	    (token != NULL &&
	    add(r, "token", json_object_new_string(token)) == -1)) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_create(struct json_object *job)
{
	struct json_object *r = request(CTLPROTO_CREATE);

	if (r == NULL) {
		json_object_put(job);
		return NULL;
	}
	if (add(r, "job", job) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_get(const char *id, const char *token)
{
	return job_request(CTLPROTO_GET, id, token);
}

struct json_object *
ctlproto_list(int64_t limit)
{
	struct json_object *r = request(CTLPROTO_LIST);

	if (r != NULL && limit != 0 &&
	    add(r, "limit", json_object_new_int64(limit)) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_cancel(const char *id, const char *token)
{
	return job_request(CTLPROTO_CANCEL, id, token);
}

struct json_object *
ctlproto_publish(const char *id, const char *token,
    struct json_object *message)
{
	struct json_object *r = job_request(CTLPROTO_PUBLISH, id, token);

	if (r == NULL) {
		json_object_put(message);
		return NULL;
	}
	if (add(r, "message", message) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_stats(void)
{
	return request(CTLPROTO_STATS);
}

struct json_object *
ctlproto_subscribe(const struct ctlproto_subscription *s)
{
	struct json_object *r = job_request(CTLPROTO_SUBSCRIBE, s->id,
	    s->token);

	if (r == NULL)
		return NULL;
	if ((s->encoding != NULL &&
	    add(r, "encoding", json_object_new_string(s->encoding)) == -1) ||
	    (s->has_since &&
	    add(r, "since", json_object_new_int64(s->since)) == -1) ||
	    (s->has_since && s->epoch != NULL &&
	    add(r, "epoch", json_object_new_string(s->epoch)) == -1)) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_put_preview(const char *id, const char *token, const char *encoding,
    const char *payload, size_t len)
{
	struct json_object *r = job_request(CTLPROTO_PUT_PREVIEW, id, token);

	if (r == NULL || add(r, "encoding",
	    json_object_new_string(encoding)) == -1 || add(r, "payload",
	    json_object_new_string_len(payload, (int)len)) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_put_progress(const char *id, const char *token, int64_t progress,
    const double *eta_s)
{
	struct json_object *r = job_request(CTLPROTO_PUT_PROGRESS, id, token);

	if (r == NULL || add(r, "progress",
	    json_object_new_int64(progress)) == -1 || (eta_s != NULL &&
	    add(r, "eta_s", json_object_new_double(*eta_s)) == -1)) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_complete(const char *id, const char *token, const char *state,
    const char *code, const char *message)
{
	struct json_object *r = job_request(CTLPROTO_COMPLETE, id, token);
	struct json_object *e = NULL;

	if (r == NULL || add(r, "state", json_object_new_string(state)) == -1)
		goto fail;
	if (code != NULL) {
		if ((e = json_object_new_object()) == NULL ||
		    add(e, "code", json_object_new_string(code)) == -1 ||
		    add(e, "message", json_object_new_string(message)) == -1)
			goto fail;
		if (add(r, "error", e) == -1) {
			e = NULL;
			goto fail;
		}
	}
	return r;
fail:
	json_object_put(e);
	json_object_put(r);
	return NULL;
}

struct json_object *
ctlproto_get_preview(const char *id, const char *token, const char *encoding)
{
	struct json_object *r = job_request(CTLPROTO_GET_PREVIEW, id, token);

	if (r == NULL || add(r, "encoding",
	    json_object_new_string(encoding)) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

int
ctlproto_stamp(struct json_object *o)
{
	if (!json_object_is_type(o, json_type_object))
		return -1;
	if (json_object_object_get_ex(o, "version", NULL))
		return 0;
	return add(o, "version", json_object_new_int(CTLPROTO_VERSION));
}

/* A string member without NUL bytes, which C would cut at; or NULL. */
static const char *
string_at(struct json_object *o, const char *key)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

/* {"ok":false,"error":{"code":...,"message":...}} into r. */
static int
read_refusal(struct json_object *reply, struct ctlproto_reply *r,
    const char **errstr)
{
	struct json_object *e, *v;

	if (!json_object_object_get_ex(reply, "error", &e) ||
	    (r->code = string_at(e, "code")) == NULL ||
	    (r->message = string_at(e, "message")) == NULL) {
		*errstr = "the streamer's refusal has no error code and "
		    "message";
		return -1;
	}
	r->err = ctlproto_err_parse(r->code);
	if (json_object_object_get_ex(e, "retry_after_s", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) > 0 && json_object_get_int64(v) < 86400)
		r->retry_after_s = (int)json_object_get_int64(v);
	return 0;
}

int
ctlproto_reply_read(struct json_object *reply, enum ctlproto_op op,
    struct ctlproto_reply *r, const char **errstr)
{
	struct json_object *ok;

	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(reply, json_type_object) ||
	    !json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		*errstr = "the streamer's reply has no \"ok\"";
		return -1;
	}
	if (!json_object_get_boolean(ok))
		return read_refusal(reply, r, errstr);
	if (!json_object_object_get_ex(reply, ctlproto_reply_key(op),
	    &r->value)) {
		*errstr = "the streamer's reply lacks what was asked for";
		return -1;
	}
	r->err = CTLPROTO_OK;
	return 0;
}

/* The op a request names, after its version; *why when it is not right. */
static int
request_op(struct json_object *req, enum ctlproto_op *op,
    enum ctlproto_err *err, const char **why)
{
	struct json_object *v;
	const char *name;
	size_t	 i;

	if (!json_object_object_get_ex(req, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != CTLPROTO_VERSION) {
		*err = CTLPROTO_UNSUPPORTED_VERSION;
		*why = "requests must carry \"version\":1, the control "
		    "protocol this streamer speaks";
		return -1;
	}
	if ((name = string_at(req, "op")) == NULL) {
		*err = CTLPROTO_BAD_REQUEST;
		*why = "\"op\" must be a string";
		return -1;
	}
	for (i = 0; i < CTLPROTO_NOPS; i++)
		if (strcmp(name, ops[i].name) == 0) {
			*op = (enum ctlproto_op)i;
			return 0;
		}
	*err = CTLPROTO_UNKNOWN_OP;
	*why = "unknown \"op\"; known: create, get, list, cancel, subscribe, "
	    "publish, stats, put_preview, put_progress, complete, "
	    "get_preview";
	return -1;
}

int
ctlproto_request_op(struct json_object *req, enum ctlproto_op *op)
{
	enum ctlproto_err err;
	const char *why;

	return json_object_is_type(req, json_type_object) ?
	    request_op(req, op, &err, &why) : -1;
}

struct json_object *
ctlproto_request_parse(const char *line, size_t len, enum ctlproto_op *op,
    enum ctlproto_err *err, const char **why)
{
	struct json_object *req;
	enum jsontext_error jerr;

	req = jsontext_parse(line, len, CTLPROTO_DEPTH, &jerr);
	if (req == NULL && jerr != JSONTEXT_OK) {
		*err = jerr == JSONTEXT_NOMEM ? CTLPROTO_INTERNAL :
		    CTLPROTO_BAD_REQUEST;
		*why = jerr == JSONTEXT_NOMEM ? "out of memory" :
		    "the request is not one JSON object";
		return NULL;
	}
	if (!json_object_is_type(req, json_type_object)) {
		*err = CTLPROTO_BAD_REQUEST;
		*why = "the request is not a JSON object";
	} else if (request_op(req, op, err, why) == 0)
		return req;
	json_object_put(req);
	return NULL;
}

struct json_object *
ctlproto_ok(enum ctlproto_op op, struct json_object *value)
{
	struct json_object *r = json_object_new_object();

	if (r == NULL || add(r, "ok", json_object_new_boolean(1)) == -1 ||
	    add(r, ctlproto_reply_key(op), value) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
ctlproto_error(enum ctlproto_err err, const char *message)
{
	return ctlproto_error_after(err, message, 0);
}

struct json_object *
ctlproto_error_after(enum ctlproto_err err, const char *message,
    int retry_after_s)
{
	struct json_object *r = json_object_new_object();
	struct json_object *e = json_object_new_object();

	if (r == NULL || e == NULL ||
	    add(e, "code", json_object_new_string(ctlproto_err_code(err))) ||
	    add(e, "message", json_object_new_string(message)) ||
	    (retry_after_s > 0 && add(e, "retry_after_s",
	    json_object_new_int(retry_after_s))) ||
	    add(r, "ok", json_object_new_boolean(0))) {
		json_object_put(e);
		json_object_put(r);
		return NULL;
	}
	if (add(r, "error", e) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}
