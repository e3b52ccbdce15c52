/*
 * api.c: the REST API of maskstream (docs/protocol.md, "REST API"),
 * independent of FastCGI: routing, authentication, validation, and the
 * mapping of the streamer's answers to HTTP statuses.  Every request
 * gets a JSON answer; the handler keeps no job state of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "api.h"
#include "ctlproto.h"
#include "id.h"
#include "jobspec.h"
#include "jsontext.h"

#define JOBS_PATH	"/api/jobs"

struct status_text {
	int		 status;
	const char	*text;
};

static const struct status_text statuses[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 411, "Length Required" }, { 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" }, { 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 0, NULL }
};

const char *
api_status_text(int status)
{
	const struct status_text *s;

	for (s = statuses; s->text != NULL; s++)
		if (s->status == status)
			return s->text;
	return "Unknown";
}

void
api_error(struct api_response *res, int status, const char *code,
    const char *message)
{
	struct json_object *e = json_object_new_object();

	json_object_put(res->body);
	res->status = status;
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	res->body = json_object_new_object();
	json_object_object_add(res->body, "error", e);
}

static void
unavailable(struct api_response *res)
{
	api_error(res, 503, "unavailable", "the streamer is not reachable; "
	    "retry later");
	res->retry_after = API_RETRY_AFTER;
}

void
api_ok(struct api_response *res, int status, struct json_object *body)
{
	json_object_put(res->body);
	res->status = status;
	res->body = body;
}

void
api_response_free(struct api_response *res)
{
	json_object_put(res->body);
	free(res->raw);
	res->body = NULL;
	res->raw = NULL;
}

/*
 * Sends req (a request of op) to the streamer.  Returns its reply's
 * value, owned by *reply, or NULL with res filled in: the streamer's
 * refusal with the HTTP status the protocol gives its code, or what
 * went wrong on the way.
 */
struct json_object *
api_call(const struct api_backend *be, enum ctlproto_op op,
    struct json_object *req, struct json_object **reply,
    struct api_response *res)
{
	struct ctlproto_reply r;
	const char *errstr;
	int status;

	*reply = NULL;
	if (req == NULL) {
		api_error(res, 500, "internal", "out of memory");
		return NULL;
	}
	if ((*reply = be->call(be->arg, req)) == NULL) {
		unavailable(res);
		return NULL;
	}
	if (ctlproto_reply_read(*reply, op, &r, &errstr) == -1) {
		api_error(res, 502, "bad_gateway", "the streamer answered "
		    "something unexpected");
		return NULL;
	}
	if (r.err == CTLPROTO_OK)
		return r.value;
	status = ctlproto_err_status(r.err);
	api_error(res, status, r.code, r.message);
	if (status == 503)
		res->retry_after = API_RETRY_AFTER;
	if (status == 429) {
		snprintf(res->retry_buf, sizeof(res->retry_buf), "%d",
		    r.retry_after_s > 0 ? r.retry_after_s : 1);
		res->retry_after = res->retry_buf;
	}
	return NULL;
}

/* The bearer credential, if any, and what it is. */
static enum api_caller
identify(const struct api_request *req, struct api_keys *keys,
    const char **cred, size_t *len)
{
	const char *a = req->authorization;

	*cred = NULL;
	*len = 0;
	if (a == NULL || *a == '\0')
		return API_CALLER_NONE;
	if (id_bearer(a, cred, len) == -1)
		return API_CALLER_BAD;
	if (keys_match(keys, *cred, *len))
		return API_CALLER_KEY;
	return API_CALLER_TOKEN;
}

/* 1 when the request's bearer credential is one of the API keys. */
int
api_holds_key(const struct api_request *req, struct api_keys *keys)
{
	const char *cred;
	size_t len;

	return identify(req, keys, &cred, &len) == API_CALLER_KEY;
}

static void
need_auth(struct api_response *res, const char *message)
{
	api_error(res, 401, "unauthorized", message);
	res->www_authenticate = "Bearer";
}

/* Creating and listing are open unless API keys are configured. */
static int
allow_collection(const struct api_request *req, struct api_keys *keys,
    struct api_response *res)
{
	const char *cred;
	size_t len;
	enum api_caller who = identify(req, keys, &cred, &len);

	if (!keys->enabled || who == API_CALLER_KEY)
		return 1;
	if (who == API_CALLER_NONE)
		need_auth(res, "an API key is needed: Authorization: Bearer "
		    "<key>");
	else if (who == API_CALLER_BAD)
		need_auth(res, "Authorization must be \"Bearer <key>\"");
	else
		api_error(res, 403, "forbidden", "not a valid API key");
	return 0;
}

static struct json_object *
parse_body(const struct api_request *req, struct api_response *res)
{
	struct json_object *obj;
	enum jsontext_error err;

	obj = jsontext_parse(req->body, req->length, API_JSON_DEPTH, &err);
	if (obj == NULL && err == JSONTEXT_NOMEM)
		api_error(res, 500, "internal", "out of memory");
	else if (obj == NULL)
		api_error(res, 400, "invalid_json", "the body is not valid "
		    "JSON");
	return obj;
}

/* Whether a Content-Type is want; parameters (charset) may follow. */
int
api_media_type(const char *type, const char *want)
{
	size_t n = strlen(want);

	return type != NULL && strncasecmp(type, want, n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/*
 * A JSON request body as the routes take it: with its length given, at
 * most body_max, of type application/json, one JSON value.  NULL with
 * res filled in otherwise.
 */
struct json_object *
api_json_body(const struct api_request *req, size_t body_max,
    struct api_response *res)
{
	if (!req->has_length) {
		api_error(res, 411, "length_required", "a Content-Length is "
		    "needed");
		return NULL;
	}
	if (req->length > body_max) {
		api_error(res, 413, "body_too_large", "the body is over the "
		    "size limit");
		return NULL;
	}
	if (!api_media_type(req->content_type, "application/json")) {
		api_error(res, 415, "unsupported_media_type", "the body must "
		    "be application/json");
		return NULL;
	}
	return parse_body(req, res);
}

static void
create_job(const struct api_request *req, const struct api_backend *be,
    size_t body_max, struct api_response *res)
{
	struct json_object *body, *r, *reply, *job;
	struct jobspec spec;
	char err[256];

	if ((body = api_json_body(req, body_max, res)) == NULL)
		return;
	/* Checked here too, so a bad request never costs the streamer. */
	if (jobspec_parse(body, &spec, err, sizeof(err)) == -1) {
		json_object_put(body);
		api_error(res, 400, "invalid_field", err);
		return;
	}
	r = ctlproto_create(body);
	if ((job = api_call(be, CTLPROTO_CREATE, r, &reply, res)) != NULL) {
		const char *id = json_object_get_string(
		    json_object_object_get(job, "id"));

		if (id == NULL || !id_job_valid(id, strlen(id)))
			api_error(res, 502, "bad_gateway", "the streamer "
			    "answered a job without an id");
		else {
			snprintf(res->location, sizeof(res->location), "%s/%s",
			    JOBS_PATH, id);
			api_ok(res, 201, json_object_get(job));
		}
	}
	json_object_put(reply);
}

/*
 * The value of the next "name=" parameter of a query from *p on (it ends
 * at the next '&' or NUL), or NULL when there is none; *p moves past it.
 */
static const char *
query_next(const char **p, const char *name)
{
	size_t len = strlen(name);
	const char *q = *p, *v;

	while (q != NULL && *q != '\0') {
		v = q;
		q += strcspn(q, "&");
		q += *q == '&';
		if (strncmp(v, name, len) == 0 && v[len] == '=') {
			*p = q;
			return v + len + 1;
		}
	}
	*p = q;
	return NULL;
}

static int
parse_limit(const char *query, int64_t *limit)
{
	const char *p = query, *v;
	char *end;
	long n;

	*limit = 100;
	while ((v = query_next(&p, "limit")) != NULL) {
		if (*v < '0' || *v > '9')
			return -1;
		n = strtol(v, &end, 10);
		if ((*end != '\0' && *end != '&') || n < 1 || n > 1000)
			return -1;
		*limit = n;
	}
	return 0;
}

/*
 * scope=cell: this cell's jobs only (what one cell asks another);
 * scope=all, the default: every cell's.  1 for cell, 0 for all, -1.
 */
static int
parse_scope(const char *query)
{
	const char *p = query, *v;
	int cell = 0;
	size_t len;

	while ((v = query_next(&p, "scope")) != NULL) {
		len = strcspn(v, "&");
		if (len == 4 && strncmp(v, "cell", 4) == 0)
			cell = 1;
		else if (len == 3 && strncmp(v, "all", 3) == 0)
			cell = 0;
		else
			return -1;
	}
	return cell;
}

/* This cell's jobs and, unless asked for this cell's alone, the others'. */
static void
list_jobs(const struct api_request *req, const struct api_backend *be,
    struct api_response *res)
{
	struct json_object *r, *reply, *jobs, *all, *missing, *body;
	int64_t limit;
	int cell_only;

	if (parse_limit(req->query, &limit) == -1) {
		api_error(res, 400, "invalid_query", "\"limit\" must be an "
		    "integer in 1..1000");
		return;
	}
	if ((cell_only = parse_scope(req->query)) == -1) {
		api_error(res, 400, "invalid_query", "\"scope\" must be "
		    "\"all\" or \"cell\"");
		return;
	}
	r = ctlproto_list(limit);
	if ((jobs = api_call(be, CTLPROTO_LIST, r, &reply, res)) == NULL ||
	    !json_object_is_type(jobs, json_type_array)) {
		if (jobs != NULL)
			api_error(res, 502, "bad_gateway", "the streamer "
			    "answered a list that is not an array");
		json_object_put(reply);
		return;
	}
	/* The cell's list, kept past its reply; other cells' join it. */
	all = json_object_get(jobs);
	json_object_put(reply);
	missing = json_object_new_array();
	if (be->peers != NULL && !cell_only) {
		be->peers->list(be->peers->arg, req->authorization, limit, all,
		    missing);
		peerlist_merge(all, limit);
	}
	body = json_object_new_object();
	json_object_object_add(body, "jobs", all);
	/* Only when the list is not whole: the cells it lacks. */
	if (json_object_array_length(missing) > 0)
		json_object_object_add(body, "missing_cells", missing);
	else
		json_object_put(missing);
	api_ok(res, 200, body);
}

/*
 * Who asks about a job: the token it shows (into token, NUL-terminated)
 * or an API key.  API_CALLER_BAD with res filled in otherwise (401, or
 * 403 for what cannot be a token).
 */
enum api_caller
api_job_caller(const struct api_request *req, struct api_keys *keys,
    char token[ID_TOKEN_LEN + 1], struct api_response *res)
{
	const char *cred;
	size_t len;
	enum api_caller who = identify(req, keys, &cred, &len);

	token[0] = '\0';
	if (who == API_CALLER_NONE || who == API_CALLER_BAD) {
		need_auth(res, who == API_CALLER_NONE ? "this job needs its "
		    "token: Authorization: Bearer <token>" : "Authorization "
		    "must be \"Bearer <token>\"");
		return API_CALLER_BAD;
	}
	if (who == API_CALLER_TOKEN && !id_token_valid(cred, len)) {
		api_error(res, 403, "forbidden", "wrong token for this job");
		return API_CALLER_BAD;
	}
	if (who == API_CALLER_TOKEN) {
		memcpy(token, cred, len);
		token[len] = '\0';
	}
	return who;
}

/* GET or DELETE of one job: its token, or an API key, is needed. */
static void
one_job(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, const char *id, struct api_response *res)
{
	int del = strcmp(req->method, "DELETE") == 0;
	enum ctlproto_op op = del ? CTLPROTO_CANCEL : CTLPROTO_GET;
	struct json_object *r, *reply, *job;
	char token[ID_TOKEN_LEN + 1];
	const char *tok;
	enum api_caller who = api_job_caller(req, keys, token, res);

	if (who == API_CALLER_BAD)
		return;
	tok = who == API_CALLER_TOKEN ? token : NULL;
	r = del ? ctlproto_cancel(id, tok) : ctlproto_get(id, tok);
	explicit_bzero(token, sizeof(token));
	if ((job = api_call(be, op, r, &reply, res)) != NULL)
		api_ok(res, del ? 202 : 200, json_object_get(job));
	json_object_put(reply);
}

/*
 * Several shards: each one's number, whether it answered and takes jobs,
 * and its stats; 200 while one of them takes jobs, else 503.
 */
static void
cell_health(const struct api_cell *cell, struct api_response *res)
{
	struct json_object *body, *shards, *s, *stats;
	size_t i, taking = 0;

	body = json_object_new_object();
	shards = json_object_new_array();
	for (i = 0; i < cell->n; i++) {
		stats = cell_shard_stats(&cell->shard[i]);
		s = json_object_new_object();
		json_object_object_add(s, "shard",
		    json_object_new_int64(cell->shard[i].number));
		json_object_object_add(s, "up",
		    json_object_new_boolean(stats != NULL));
		json_object_object_add(s, "draining",
		    json_object_new_boolean(cell->shard[i].draining));
		if (stats != NULL)
			json_object_object_add(s, "streamer", stats);
		json_object_array_add(shards, s);
		if (stats != NULL && !cell->shard[i].draining)
			taking++;
	}
	json_object_object_add(body, "status",
	    json_object_new_string(taking > 0 ? "ok" : "unavailable"));
	json_object_object_add(body, "shards", shards);
	api_ok(res, taking > 0 ? 200 : 503, body);
	if (taking == 0)
		res->retry_after = API_RETRY_AFTER;
}

static void
health(const struct api_backend *be, struct api_response *res)
{
	struct json_object *reply, *stats, *body;

	if (be->cell != NULL && be->cell->n > 1) {
		cell_health(be->cell, res);
		return;
	}
	if ((stats = api_call(be, CTLPROTO_STATS, ctlproto_stats(), &reply,
	    res)) != NULL) {
		body = json_object_new_object();
		json_object_object_add(body, "status",
		    json_object_new_string("ok"));
		json_object_object_add(body, "streamer", json_object_get(stats));
		api_ok(res, 200, body);
	}
	json_object_put(reply);
}

int
api_method_is(const struct api_request *req, const char *m)
{
	return req->method != NULL && strcmp(req->method, m) == 0;
}

void
api_not_allowed(struct api_response *res, const char *allow)
{
	api_error(res, 405, "method_not_allowed", "method not allowed here");
	res->allow = allow;
}

static void
route_health(const struct api_request *req, const struct api_backend *be,
    struct api_response *res)
{
	if (api_method_is(req, "GET") || api_method_is(req, "HEAD"))
		health(be, res);
	else
		api_not_allowed(res, "GET, HEAD");
}

static void
route_jobs(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, size_t body_max, struct api_response *res)
{
	if (api_method_is(req, "POST")) {
		if (allow_collection(req, keys, res))
			create_job(req, be, body_max, res);
	} else if (api_method_is(req, "GET") || api_method_is(req, "HEAD")) {
		if (allow_collection(req, keys, res))
			list_jobs(req, be, res);
	} else
		api_not_allowed(res, "GET, HEAD, POST");
}

/* /api/jobs/{id}, and what is under it. */
static void
route_job(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, size_t body_max, const char *rest,
    struct api_response *res)
{
	char id[ID_JOB_LEN + 1];
	size_t n = strcspn(rest, "/");

	if (!id_job_valid(rest, n)) {
		if (rest[n] == '/')
			api_error(res, 404, "not_found", "no such resource");
		else
			api_error(res, 400, "invalid_id", "malformed job id: "
			    "32 lowercase hexadecimal characters expected");
		return;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	if (rest[n] == '/')
		publish_route(req, be, keys, body_max, id, rest + n + 1, res);
	else if (api_method_is(req, "GET") || api_method_is(req, "HEAD") ||
	    api_method_is(req, "DELETE"))
		one_job(req, be, keys, id, res);
	else
		api_not_allowed(res, "GET, HEAD, DELETE");
}

/* The body a request may have: a preview's for PUT .../preview. */
size_t
api_body_limit(const struct api_request *req, size_t body_max)
{
	const char *path = req->path != NULL ? req->path : "";
	size_t plen = sizeof(JOBS_PATH) - 1;

	if (api_method_is(req, "PUT") &&
	    strncmp(path, JOBS_PATH "/", plen + 1) == 0 &&
	    strlen(path) == plen + 1 + ID_JOB_LEN + sizeof("/preview") - 1 &&
	    strcmp(path + plen + 1 + ID_JOB_LEN, "/preview") == 0)
		return API_PREVIEW_BODY_MAX;
	return body_max;
}

void
api_handle(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, size_t body_max, struct api_response *res)
{
	const char *path = req->path != NULL ? req->path : "";
	size_t plen = sizeof(JOBS_PATH) - 1;

	memset(res, 0, sizeof(*res));
	if (req->method == NULL)
		api_error(res, 400, "bad_request", "no request method");
	else if (strcmp(path, "/api/health") == 0)
		route_health(req, be, res);
	else if (strcmp(path, "/api/metrics") == 0)
		metrics_route(req, be, keys, res);
	else if (strcmp(path, JOBS_PATH) == 0)
		route_jobs(req, be, keys, body_max, res);
	else if (strncmp(path, JOBS_PATH "/", plen + 1) == 0)
		route_job(req, be, keys, body_max, path + plen + 1, res);
	else
		api_error(res, 404, "not_found", "no such resource");
}
