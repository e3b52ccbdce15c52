/*
 * publish.c: the REST endpoints under /api/jobs/{id}/ (docs/protocol.md,
 * "Publishing"): a producer's PUT of a preview's raw voxels and POSTs of
 * progress and its end, with the job's producer_token, and anyone's GET
 * of the latest preview as raw bytes.  The body is checked here as HTTP
 * (length, type, encoding); what it says, against the job, by the
 * streamer, where the job is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "api.h"
#include "b64.h"
#include "msg.h"
#include "zpay.h"

/* The producer token of a publishing request, or NULL and res. */
static const char *
producer_token(const struct api_request *req, struct api_keys *keys,
    char token[ID_TOKEN_LEN + 1], struct api_response *res)
{
	enum api_caller who = api_job_caller(req, keys, token, res);

	if (who == API_CALLER_KEY) {
		api_error(res, 403, "forbidden", "publishing needs the job's "
		    "producer_token, not an API key");
		return NULL;
	}
	return who == API_CALLER_TOKEN ? token : NULL;
}

/* 202 {"seq":N} for what the streamer took, or its refusal. */
static void
send_on(const struct api_backend *be, enum ctlproto_op op,
    struct json_object *r, struct api_response *res)
{
	struct json_object *reply, *seq, *body;

	if ((seq = api_call(be, op, r, &reply, res)) != NULL) {
		body = json_object_new_object();
		json_object_object_add(body, "seq", json_object_get(seq));
		api_ok(res, 202, body);
	}
	json_object_put(reply);
}

/* "deflate" (zlib, RFC 1950) or none; NULL for any other. */
static const char *
body_encoding(const char *ce)
{
	if (ce == NULL || *ce == '\0' || strcasecmp(ce, "identity") == 0)
		return "raw";
	if (strcasecmp(ce, "deflate") == 0)
		return "deflate";
	return NULL;
}

/* PUT: the preview's voxels, raw or deflated, to the job's producer. */
static void
put_preview(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, const char *id, struct api_response *res)
{
	char token[ID_TOKEN_LEN + 1], *b64;
	const char *tok, *enc;
	size_t max, n;

	if ((tok = producer_token(req, keys, token, res)) == NULL)
		return;
	if (!req->has_length) {
		api_error(res, 411, "length_required", "a Content-Length is "
		    "needed");
		return;
	}
	if (!api_media_type(req->content_type, "application/octet-stream") ||
	    (enc = body_encoding(req->content_encoding)) == NULL) {
		api_error(res, 415, "unsupported_media_type", "a preview is "
		    "application/octet-stream, its voxels raw or with "
		    "Content-Encoding: deflate");
		return;
	}
	max = strcmp(enc, "raw") == 0 ? MSG_PAYLOAD_MAX :
	    zpay_bound(MSG_PAYLOAD_MAX);
	if (req->length > max) {
		api_error(res, 413, "body_too_large", "a preview is at most "
		    "4 MiB of voxels");
		return;
	}
	if ((b64 = malloc(b64_encoded_len(req->length) + 1)) == NULL) {
		api_error(res, 500, "internal", "out of memory");
		return;
	}
	n = b64_encode(b64, (const uint8_t *)req->body, req->length);
	send_on(be, CTLPROTO_PUT_PREVIEW, ctlproto_put_preview(id, tok, enc,
	    b64, n), res);
	free(b64);
	explicit_bzero(token, sizeof(token));
}

/* Whether o has members named only among known (NULL-terminated). */
static int
only_fields(struct json_object *o, const char *const *known,
    struct api_response *res)
{
	size_t i;

	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; known[i] != NULL && strcmp(key, known[i]) != 0;
		    i++)
			;
		if (known[i] == NULL) {
			api_error(res, 400, "invalid_field", "unknown field");
			return 0;
		}
	}
	return 1;
}

/* POST progress: {"progress": 0..100, "eta_s": seconds}. */
static void
post_progress(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, size_t body_max, const char *id,
    struct api_response *res)
{
	static const char *const known[] = { "progress", "eta_s", NULL };
	struct json_object *body, *p, *e = NULL;
	char token[ID_TOKEN_LEN + 1];
	const char *tok;
	double eta;

	if ((tok = producer_token(req, keys, token, res)) == NULL ||
	    (body = api_json_body(req, body_max, res)) == NULL)
		return;
	if (!json_object_is_type(body, json_type_object) ||
	    !only_fields(body, known, res) ||
	    !json_object_object_get_ex(body, "progress", &p) ||
	    !json_object_is_type(p, json_type_int) ||
	    (json_object_object_get_ex(body, "eta_s", &e) &&
	    !json_object_is_type(e, json_type_int) &&
	    !json_object_is_type(e, json_type_double))) {
		if (res->status == 0)
			api_error(res, 400, "invalid_field", "the body is "
			    "{\"progress\": 0..100, \"eta_s\": seconds}");
	} else {
		/* Forwarded as given: the streamer checks the ranges. */
		eta = e != NULL ? json_object_get_double(e) : 0;
		send_on(be, CTLPROTO_PUT_PROGRESS, ctlproto_put_progress(id,
		    tok, json_object_get_int64(p), e != NULL ? &eta : NULL),
		    res);
	}
	json_object_put(body);
	explicit_bzero(token, sizeof(token));
}

/* POST complete: {"state":"succeeded"} or "failed" with its error. */
static void
post_complete(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, size_t body_max, const char *id,
    struct api_response *res)
{
	static const char *const known[] = { "state", "error", NULL };
	struct json_object *body, *st, *e, *code = NULL, *msg = NULL;
	char token[ID_TOKEN_LEN + 1];
	const char *tok;

	if ((tok = producer_token(req, keys, token, res)) == NULL ||
	    (body = api_json_body(req, body_max, res)) == NULL)
		return;
	if (json_object_object_get_ex(body, "error", &e)) {
		json_object_object_get_ex(e, "code", &code);
		json_object_object_get_ex(e, "message", &msg);
	}
	if (!json_object_is_type(body, json_type_object) ||
	    !only_fields(body, known, res) ||
	    !json_object_object_get_ex(body, "state", &st) ||
	    !json_object_is_type(st, json_type_string) ||
	    (code != NULL && !json_object_is_type(code, json_type_string)) ||
	    (msg != NULL && !json_object_is_type(msg, json_type_string))) {
		if (res->status == 0)
			api_error(res, 400, "invalid_field", "the body is "
			    "{\"state\":\"succeeded\"} or {\"state\":\"failed\","
			    "\"error\":{\"code\":...,\"message\":...}}");
	} else
		send_on(be, CTLPROTO_COMPLETE, ctlproto_complete(id, tok,
		    json_object_get_string(st), code != NULL ?
		    json_object_get_string(code) : NULL, msg != NULL ?
		    json_object_get_string(msg) : ""), res);
	json_object_put(body);
	explicit_bzero(token, sizeof(token));
}

/*
 * Whether an Accept-Encoding list (RFC 9110 12.5.3) names deflate with
 * a weight above 0: "deflate", "gzip, deflate;q=0.5", not "deflate;q=0".
 */
static int
accepts_deflate(const char *ae)
{
	const char *p, *semi, *q;
	size_t item, name;

	for (p = ae; p != NULL && *p != '\0'; p += item + (p[item] == ',')) {
		p += strspn(p, " \t");
		item = strcspn(p, ",");
		name = strcspn(p, ",; \t");
		if (name != 7 || strncasecmp(p, "deflate", 7) != 0)
			continue;
		semi = memchr(p, ';', item);
		if (semi == NULL)
			return 1;
		q = semi + 1 + strspn(semi + 1, " \t");
		return strncasecmp(q, "q=", 2) != 0 || strtod(q + 2, NULL) > 0;
	}
	return 0;
}

/* The next of the answer's headers, name: its value to write into. */
static char *
add_header(struct api_response *res, const char *name)
{
	struct api_header *h = &res->headers[res->nheaders++];

	h->name = name;
	return h->value;
}

/* The streamer's answer to get_preview as a binary answer. */
static void
binary_preview(struct json_object *p, int deflated, struct api_response *res)
{
	struct json_object *v, *shape;
	const char *b64, *errstr;
	size_t len, out;
	long long sh[3] = { 0, 0, 0 };
	int i;

	if (!json_object_object_get_ex(p, "payload", &v) ||
	    !json_object_object_get_ex(p, "shape", &shape) ||
	    json_object_array_length(shape) != 3) {
		api_error(res, 502, "bad_gateway", "the streamer answered "
		    "something unexpected");
		return;
	}
	b64 = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if ((res->raw = malloc(b64_decoded_maxlen(len) + 1)) == NULL ||
	    b64_decode(res->raw, b64_decoded_maxlen(len) + 1, b64, len, &out,
	    &errstr) == -1) {
		api_error(res, 502, "bad_gateway", "the streamer's preview is "
		    "not base64");
		return;
	}
	for (i = 0; i < 3; i++)
		sh[i] = json_object_get_int64(json_object_array_get_idx(shape,
		    i));
	res->status = 200;
	res->raw_len = out;
	res->content_type = "application/octet-stream";
	res->content_encoding = deflated ? "deflate" : NULL;
	snprintf(add_header(res, "X-Maskstream-Seq"), API_HEADER_MAX, "%lld",
	    (long long)json_object_get_int64(json_object_object_get(p,
	    "seq")));
	snprintf(add_header(res, "X-Maskstream-Shape"), API_HEADER_MAX,
	    "%lld,%lld,%lld", sh[0], sh[1], sh[2]);
	snprintf(add_header(res, "X-Maskstream-Scale"), API_HEADER_MAX, "%lld",
	    (long long)json_object_get_int64(json_object_object_get(p,
	    "scale")));
}

/* GET: the latest preview, raw bytes; either token or an API key. */
static void
get_preview(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, const char *id, struct api_response *res)
{
	int deflated = accepts_deflate(req->accept_encoding);
	struct json_object *reply, *p;
	char token[ID_TOKEN_LEN + 1];
	enum api_caller who = api_job_caller(req, keys, token, res);

	if (who == API_CALLER_BAD)
		return;
	p = api_call(be, CTLPROTO_GET_PREVIEW, ctlproto_get_preview(id,
	    who == API_CALLER_TOKEN ? token : NULL, deflated ? "deflate" :
	    "raw"), &reply, res);
	explicit_bzero(token, sizeof(token));
	if (p != NULL)
		binary_preview(p, deflated, res);
	json_object_put(reply);
}

void
publish_route(const struct api_request *req, const struct api_backend *be,
    struct api_keys *keys, size_t body_max, const char *id, const char *what,
    struct api_response *res)
{
	if (strcmp(what, "preview") == 0) {
		if (api_method_is(req, "PUT"))
			put_preview(req, be, keys, id, res);
		else if (api_method_is(req, "GET") ||
		    api_method_is(req, "HEAD"))
			get_preview(req, be, keys, id, res);
		else
			api_not_allowed(res, "GET, HEAD, PUT");
	} else if (strcmp(what, "progress") == 0 ||
	    strcmp(what, "complete") == 0) {
		if (!api_method_is(req, "POST"))
			api_not_allowed(res, "POST");
		else if (what[0] == 'p')
			post_progress(req, be, keys, body_max, id, res);
		else
			post_complete(req, be, keys, body_max, id, res);
	} else
		api_error(res, 404, "not_found", "no such resource");
}
