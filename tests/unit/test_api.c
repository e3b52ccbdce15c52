/*
 * test_api.c: the REST handler, api_handle(), against a fake streamer:
 * routing, validation of what a client sends, authentication by job
 * token and API key, and the streamer's answers as HTTP statuses.  The
 * fake records what reached it, so a refused request is seen not to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "api.h"
#include "unit.h"

#define ID	"0123456789abcdef0123456789abcdef"
#define ID2	"fedcba9876543210fedcba9876543210"
#define TOKEN	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define KEY	"key-0123456789abcdef"
#define KEY2	"another-key-0123456789"
#define JSON	"application/json"
/* 63 bytes, then a character of two: a message must not split it. */
#define LONG_KEY "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	    "\xc3\xa9"
#define SPEC	"{\"shape\":[20,40,60],\"preview\":{\"scale\":2}}"

#define JOB_REPLY	"{\"ok\":true,\"job\":{\"id\":\"" ID "\"," \
			    "\"state\":\"running\"}}"
#define CREATED_REPLY	"{\"ok\":true,\"job\":{\"id\":\"" ID "\"," \
			    "\"token\":\"" TOKEN "\",\"state\":\"running\"}}"
#define CANCEL_REPLY	"{\"ok\":true,\"job\":{\"id\":\"" ID "\"," \
			    "\"state\":\"cancelled\"}}"
#define LIST_REPLY	"{\"ok\":true,\"jobs\":[{\"id\":\"" ID "\"}]}"
#define STATS_REPLY	"{\"ok\":true,\"stats\":{\"jobs\":3}}"
#define ERR_REPLY(c)	"{\"ok\":false,\"error\":{\"code\":\"" c "\"," \
			    "\"message\":\"from the streamer\"}}"

/* The fake streamer: a canned reply, and what it was last sent. */
struct fake {
	const char		*reply;	/* NULL: the streamer is down */
	struct json_object	*last;
	int			 calls;
};

static struct json_object *
fake_call(void *arg, struct json_object *req)
{
	struct fake *f = arg;

	json_object_put(f->last);
	f->last = req;
	f->calls++;
	if (f->reply == NULL)
		return NULL;
	return json_tokener_parse(f->reply);
}

/* Two sets of API keys: none configured, and KEY and KEY2 loaded. */
static struct api_keys	no_keys, some_keys;
static int		keys_ready;

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(fputs(text, f) >= 0);
	CU_ASSERT_FATAL(fclose(f) == 0);
}

static struct api_keys *
keyset(int enabled)
{
	char path[] = "/tmp/test_api.XXXXXX", err[256];
	int fd;

	if (!keys_ready) {
		CU_ASSERT_FATAL(keys_init(&no_keys) == 0);
		CU_ASSERT_FATAL(keys_init(&some_keys) == 0);
		CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
		close(fd);
		write_file(path, KEY "\n" KEY2 "\n");
		if (keys_load(&some_keys, path, err, sizeof(err)) == -1)
			fprintf(stderr, "keys_load: %s\n", err);
		unlink(path);
		CU_ASSERT_FATAL(some_keys.enabled && some_keys.nkeys == 2);
		keys_ready = 1;
	}
	return enabled ? &some_keys : &no_keys;
}

struct api_case {
	const char	*name;
	int		 keys;		/* 1: an API keys file is loaded */
	const char	*method;
	const char	*path;
	const char	*query;
	const char	*auth;		/* the Authorization header */
	const char	*ctype;
	const char	*body;		/* NULL: no Content-Length */
	size_t		 len;		/* of body, when not strlen(body) */
	size_t		 body_max;	/* 0: the default */
	const char	*reply;		/* the fake's; NULL: streamer down */
	int		 status;
	const char	*code;		/* the error's code; NULL: no error */
	const char	*message;	/* a part of the error's message */
	const char	*op;		/* sent to the streamer; NULL: nothing */
	const char	*allow;		/* the headers expected, else none */
	const char	*retry_after;
	const char	*www_auth;
};

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static const char *
field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* The error object's code or message, or NULL. */
static const char *
error_field(struct json_object *body, const char *key)
{
	struct json_object *e;

	if (!json_object_object_get_ex(body, "error", &e))
		return NULL;
	return field(e, key);
}

/* Asserts one fact of case c, saying which when it does not hold. */
static int
expect(const struct api_case *c, int ok, const char *what, const char *got)
{
	if (!ok)
		fprintf(stderr, "\ncase \"%s\": %s (got %s)\n", c->name, what,
		    got != NULL ? got : "NULL");
	CU_ASSERT(ok);
	return ok;
}

static struct json_object *
strict_parse(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	CU_ASSERT_FATAL(tok != NULL);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	json_tokener_free(tok);
	return o;
}

/* Runs c through api_handle; the caller puts res.body and f->last. */
static void
handle(const struct api_case *c, struct fake *f, struct api_response *res)
{
	struct api_backend be = { fake_call, f, NULL, NULL };
	struct api_request req;

	memset(&req, 0, sizeof(req));
	memset(f, 0, sizeof(*f));
	f->reply = c->reply;
	req.method = c->method;
	req.path = c->path;
	req.query = c->query;
	req.content_type = c->ctype;
	req.authorization = c->auth;
	if (c->body != NULL) {
		req.has_length = 1;
		req.length = c->len != 0 ? c->len : strlen(c->body);
		req.body = c->body;
	} else
		req.body = "";
	api_handle(&req, &be, keyset(c->keys),
	    c->body_max != 0 ? c->body_max : API_BODY_MAX_DEFAULT, res);
}

static void
run_case(const struct api_case *c)
{
	struct api_response res;
	struct json_object *back;
	struct fake f;
	const char *code, *msg, *op, *text;
	char status[16];

	handle(c, &f, &res);
	snprintf(status, sizeof(status), "%d", res.status);
	expect(c, res.status == c->status, "status", status);
	expect(c, res.body != NULL &&
	    json_object_is_type(res.body, json_type_object),
	    "a JSON object body", json_object_to_json_string(res.body));
	/* What goes out is JSON a strict client can read back. */
	text = json_object_to_json_string_ext(res.body, JSON_C_TO_STRING_PLAIN);
	back = strict_parse(text);
	expect(c, back != NULL, "a body that parses as strict UTF-8 JSON",
	    text);
	json_object_put(back);
	code = error_field(res.body, "code");
	msg = error_field(res.body, "message");
	expect(c, str_eq(code, c->code), "error code", code);
	if (c->code != NULL)
		expect(c, msg != NULL && *msg != '\0', "an error message", msg);
	if (c->message != NULL)
		expect(c, msg != NULL && strstr(msg, c->message) != NULL,
		    "the message names it", msg);
	op = f.calls > 0 ? field(f.last, "op") : NULL;
	expect(c, f.calls == (c->op != NULL), "calls to the streamer",
	    f.calls > 0 ? json_object_to_json_string(f.last) : "none");
	expect(c, str_eq(op, c->op), "operation sent", op);
	expect(c, str_eq(res.allow, c->allow), "Allow", res.allow);
	expect(c, str_eq(res.retry_after, c->retry_after), "Retry-After",
	    res.retry_after);
	expect(c, str_eq(res.www_authenticate, c->www_auth),
	    "WWW-Authenticate", res.www_authenticate);
	if (c->status == 201)
		expect(c, strcmp(res.location, "/api/jobs/" ID) == 0,
		    "Location", res.location);
	else
		expect(c, res.location[0] == '\0', "no Location",
		    res.location);
	json_object_put(res.body);
	json_object_put(f.last);
}

static void
run_cases(const struct api_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_case(&cases[i]);
}

#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))

static const struct api_case routing[] = {
	{ .name = "unknown path", .method = "GET", .path = "/api/nothing",
	    .status = 404, .code = "not_found" },
	{ .name = "root", .method = "GET", .path = "/",
	    .status = 404, .code = "not_found" },
	{ .name = "no path", .method = "GET", .path = NULL,
	    .status = 404, .code = "not_found" },
	{ .name = "prefix without slash", .method = "GET",
	    .path = "/api/jobsx", .status = 404, .code = "not_found" },
	{ .name = "below a job", .method = "GET",
	    .path = "/api/jobs/" ID "/extra", .auth = "Bearer " TOKEN,
	    .status = 404, .code = "not_found" },
	{ .name = "below a malformed id", .method = "GET",
	    .path = "/api/jobs/xyz/extra", .status = 404, .code = "not_found" },
	{ .name = "id too short", .method = "GET",
	    .path = "/api/jobs/0123456789abcdef", .auth = "Bearer " TOKEN,
	    .status = 400, .code = "invalid_id" },
	{ .name = "id in upper case", .method = "GET",
	    .path = "/api/jobs/0123456789ABCDEF0123456789ABCDEF",
	    .auth = "Bearer " TOKEN, .status = 400, .code = "invalid_id" },
	{ .name = "id too long", .method = "DELETE",
	    .path = "/api/jobs/" ID "0", .auth = "Bearer " TOKEN,
	    .status = 400, .code = "invalid_id" },
	{ .name = "no method", .method = NULL, .path = "/api/jobs",
	    .status = 400, .code = "bad_request" },
	{ .name = "PUT on the jobs", .method = "PUT", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC,
	    .status = 405, .code = "method_not_allowed",
	    .allow = "GET, HEAD, POST" },
	{ .name = "DELETE on the jobs", .method = "DELETE",
	    .path = "/api/jobs", .auth = "Bearer " TOKEN,
	    .status = 405, .code = "method_not_allowed",
	    .allow = "GET, HEAD, POST" },
	{ .name = "lower-case get", .method = "get", .path = "/api/jobs",
	    .status = 405, .code = "method_not_allowed",
	    .allow = "GET, HEAD, POST" },
	{ .name = "POST on a job", .method = "POST", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN, .ctype = JSON, .body = SPEC,
	    .status = 405, .code = "method_not_allowed",
	    .allow = "GET, HEAD, DELETE" },
	{ .name = "PATCH on a job", .method = "PATCH",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .status = 405, .code = "method_not_allowed",
	    .allow = "GET, HEAD, DELETE" },
	{ .name = "POST on health", .method = "POST", .path = "/api/health",
	    .ctype = JSON, .body = "{}",
	    .status = 405, .code = "method_not_allowed", .allow = "GET, HEAD" },
	{ .name = "DELETE on health", .method = "DELETE",
	    .path = "/api/health",
	    .status = 405, .code = "method_not_allowed", .allow = "GET, HEAD" },
};

static void
test_routing(void)
{
	run_cases(routing, NCASES(routing));
}

static const struct api_case posts[] = {
	{ .name = "created", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC, .reply = CREATED_REPLY,
	    .status = 201, .op = "create" },
	{ .name = "charset parameter", .method = "POST", .path = "/api/jobs",
	    .ctype = "application/json; charset=utf-8", .body = SPEC,
	    .reply = CREATED_REPLY, .status = 201, .op = "create" },
	{ .name = "type in capitals", .method = "POST", .path = "/api/jobs",
	    .ctype = "Application/JSON", .body = SPEC,
	    .reply = CREATED_REPLY, .status = 201, .op = "create" },
	{ .name = "trailing white space", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC " \r\n\t\n",
	    .reply = CREATED_REPLY, .status = 201, .op = "create" },
	{ .name = "body exactly at the limit", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .body_max = sizeof(SPEC) - 1, .reply = CREATED_REPLY,
	    .status = 201, .op = "create" },
	{ .name = "no Content-Length", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = NULL, .reply = CREATED_REPLY,
	    .status = 411, .code = "length_required" },
	{ .name = "one byte over the limit", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .body_max = sizeof(SPEC) - 2, .reply = CREATED_REPLY,
	    .status = 413, .code = "body_too_large" },
	{ .name = "over the default limit", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = "",
	    .len = API_BODY_MAX_DEFAULT + 1, .reply = CREATED_REPLY,
	    .status = 413, .code = "body_too_large" },
	{ .name = "no Content-Type", .method = "POST", .path = "/api/jobs",
	    .ctype = NULL, .body = SPEC, .reply = CREATED_REPLY,
	    .status = 415, .code = "unsupported_media_type" },
	{ .name = "text/plain", .method = "POST", .path = "/api/jobs",
	    .ctype = "text/plain", .body = SPEC, .reply = CREATED_REPLY,
	    .status = 415, .code = "unsupported_media_type" },
	{ .name = "form", .method = "POST", .path = "/api/jobs",
	    .ctype = "application/x-www-form-urlencoded", .body = SPEC,
	    .reply = CREATED_REPLY,
	    .status = 415, .code = "unsupported_media_type" },
	{ .name = "a longer type name", .method = "POST", .path = "/api/jobs",
	    .ctype = "application/jsonx", .body = SPEC, .reply = CREATED_REPLY,
	    .status = 415, .code = "unsupported_media_type" },
	{ .name = "json-seq", .method = "POST", .path = "/api/jobs",
	    .ctype = "application/json-seq", .body = SPEC,
	    .reply = CREATED_REPLY,
	    .status = 415, .code = "unsupported_media_type" },
	{ .name = "empty body", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "truncated", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[20,40,", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "truncated string", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"sha", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "trailing garbage", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC "x", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "two objects", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC " " SPEC, .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "NUL after the object", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC "\0 ",
	    .len = sizeof(SPEC) + 1, .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "invalid UTF-8", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"x\xff\":1}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_json" },
	{ .name = "truncated UTF-8", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"\xc3\":1}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_json" },
	{ .name = "single-quoted string", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON,
	    .body = "{\"shape\":[1,1,1],\"dtype\":'uint8'}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_json" },
	{ .name = "single-quoted key", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = "{'shape':[4,4,4]}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_json" },
	{ .name = "comment", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "/* job */" SPEC, .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "leading zero", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[01,1,1]}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_json" },
	{ .name = "unquoted key", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{shape:[1,1,1]}", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "NaN duration", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"duration_s\":NaN}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"duration_s\"" },
	{ .name = "trailing comma", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_json" },
	{ .name = "not an object", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "[20,40,60]", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_field" },
	{ .name = "unknown field", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"colour\":\"red\"}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"colour\"" },
	{ .name = "long unknown field", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"" LONG_KEY "\":1}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "unknown field \"aaaaaaaa" },
	{ .name = "unknown preview field", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON,
	    .body = "{\"shape\":[1,1,1],\"preview\":{\"fps\":3}}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"preview.fps\"" },
	{ .name = "no shape", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"duration_s\":1}", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_field", .message = "\"shape\"" },
	{ .name = "shape of two", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1]}", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_field", .message = "\"shape\"" },
	{ .name = "shape too big", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,4097]}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"shape\"" },
	{ .name = "duration negative", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"duration_s\":-1}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"duration_s\"" },
	{ .name = "hz too high", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"preview\":{\"hz\":31}}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"preview.hz\"" },
	{ .name = "seed as a string", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"seed\":\"7\"}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"seed\"" },
	{ .name = "dtype", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"dtype\":\"float32\"}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"dtype\"" },
	{ .name = "producer", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = "{\"shape\":[1,1,1],\"producer\":\"gpu\"}",
	    .reply = CREATED_REPLY, .status = 400, .code = "invalid_field",
	    .message = "\"producer\"" },
	{ .name = "streamer down", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC, .reply = NULL,
	    .status = 503, .code = "unavailable", .op = "create",
	    .retry_after = API_RETRY_AFTER },
};

static void
test_post(void)
{
	run_cases(posts, NCASES(posts));
}

/* Nesting deeper than 16 levels is invalid JSON, however deep it goes. */
static void
test_deep_json(void)
{
	static const size_t depths[] = { 17, 1000, 100000 };
	struct api_case c = { .name = "deep", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .reply = CREATED_REPLY,
	    .body_max = 1 << 20, .status = 400, .code = "invalid_json" };
	size_t i, d, n;
	char *body;

	for (i = 0; i < NCASES(depths); i++) {
		d = depths[i];
		/* {"shape":[[[...1...]]]} */
		body = malloc(2 * d + 16);
		CU_ASSERT_FATAL(body != NULL);
		n = (size_t)sprintf(body, "{\"shape\":");
		memset(body + n, '[', d - 1);
		n += d - 1;
		body[n++] = '1';
		memset(body + n, ']', d - 1);
		n += d - 1;
		strcpy(body + n, "}");
		c.body = body;
		run_case(&c);
		free(body);
	}

	/* At the limit it parses, and the field is then refused. */
	c.body = "{\"shape\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}";
	c.status = 400;
	c.code = "invalid_field";
	c.message = "\"shape\"";
	run_case(&c);
}

/* What reached the streamer is the request, defaults not filled in. */
static void
test_create_forwarded(void)
{
	static const struct api_case c = { .name = "create", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .reply = CREATED_REPLY };
	struct api_response res;
	struct json_object *job, *want;
	struct fake f;

	handle(&c, &f, &res);
	CU_ASSERT_EQUAL(res.status, 201);
	CU_ASSERT_STRING_EQUAL(res.location, "/api/jobs/" ID);
	CU_ASSERT_STRING_EQUAL(field(res.body, "id"), ID);
	CU_ASSERT_STRING_EQUAL(field(res.body, "token"), TOKEN);
	CU_ASSERT_FALSE(json_object_object_get_ex(res.body, "ok", NULL));
	CU_ASSERT_EQUAL(f.calls, 1);
	CU_ASSERT_STRING_EQUAL(field(f.last, "op"), "create");
	CU_ASSERT_FATAL(json_object_object_get_ex(f.last, "job", &job));
	want = json_tokener_parse(SPEC);
	CU_ASSERT(json_object_equal(job, want));
	json_object_put(want);
	json_object_put(res.body);
	json_object_put(f.last);
}

/* The streamer's error codes, for each operation that can meet them. */
static const struct api_case streamer_errors[] = {
	{ .name = "get: not_found", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN, .reply = ERR_REPLY("not_found"),
	    .status = 404, .code = "not_found", .op = "get" },
	{ .name = "get: forbidden", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN, .reply = ERR_REPLY("forbidden"),
	    .status = 403, .code = "forbidden", .op = "get" },
	{ .name = "cancel: conflict", .method = "DELETE",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .reply = ERR_REPLY("conflict"),
	    .status = 409, .code = "conflict", .op = "cancel" },
	{ .name = "cancel: not_found", .method = "DELETE",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .reply = ERR_REPLY("not_found"),
	    .status = 404, .code = "not_found", .op = "cancel" },
	{ .name = "create: too_many_jobs", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .reply = ERR_REPLY("too_many_jobs"), .status = 503,
	    .code = "too_many_jobs", .op = "create",
	    .retry_after = API_RETRY_AFTER },
	{ .name = "create: journal_failed", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .reply = ERR_REPLY("journal_failed"), .status = 503,
	    .code = "journal_failed", .op = "create",
	    .retry_after = API_RETRY_AFTER },
	{ .name = "cancel: journal_failed", .method = "DELETE",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .reply = ERR_REPLY("journal_failed"), .status = 503,
	    .code = "journal_failed", .op = "cancel",
	    .retry_after = API_RETRY_AFTER },
	{ .name = "create: invalid_job", .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .reply = ERR_REPLY("invalid_job"), .status = 400,
	    .code = "invalid_job", .op = "create" },
	{ .name = "create: internal", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC, .reply = ERR_REPLY("internal"),
	    .status = 502, .code = "internal", .op = "create" },
	{ .name = "list: unknown code", .method = "GET", .path = "/api/jobs",
	    .reply = ERR_REPLY("no_such_code"),
	    .status = 502, .code = "no_such_code", .op = "list" },
	{ .name = "health: unsupported_version", .method = "GET",
	    .path = "/api/health", .reply = ERR_REPLY("unsupported_version"),
	    .status = 502, .code = "unsupported_version", .op = "stats" },
	{ .name = "ok without the job", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .reply = "{\"ok\":true}",
	    .status = 502, .code = "bad_gateway", .op = "get" },
	{ .name = "error without a message", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .reply = "{\"ok\":false,\"error\":{\"code\":\"not_found\"}}",
	    .status = 502, .code = "bad_gateway", .op = "get" },
	{ .name = "not an object", .method = "GET", .path = "/api/jobs",
	    .reply = "[1,2]", .status = 502, .code = "bad_gateway",
	    .op = "list" },
	{ .name = "get: streamer down", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN, .reply = NULL,
	    .status = 503, .code = "unavailable", .op = "get",
	    .retry_after = API_RETRY_AFTER },
	{ .name = "cancel: streamer down", .method = "DELETE",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN, .reply = NULL,
	    .status = 503, .code = "unavailable", .op = "cancel",
	    .retry_after = API_RETRY_AFTER },
	{ .name = "list: not an array", .method = "GET", .path = "/api/jobs",
	    .reply = "{\"ok\":true,\"jobs\":5}", .status = 502,
	    .code = "bad_gateway", .op = "list" },
	{ .name = "list: streamer down", .method = "GET", .path = "/api/jobs",
	    .reply = NULL, .status = 503, .code = "unavailable", .op = "list",
	    .retry_after = API_RETRY_AFTER },
	{ .name = "cancelled", .method = "DELETE", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN, .reply = CANCEL_REPLY,
	    .status = 202, .op = "cancel" },
	{ .name = "got", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN, .reply = JOB_REPLY,
	    .status = 200, .op = "get" },
	{ .name = "HEAD of a job", .method = "HEAD", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN, .reply = JOB_REPLY,
	    .status = 200, .op = "get" },
};

static void
test_streamer_errors(void)
{
	run_cases(streamer_errors, NCASES(streamer_errors));
}

static const struct api_case auth[] = {
	/* Jobs need their token; without keys, anything else is refused. */
	{ .name = "GET without credential", .method = "GET",
	    .path = "/api/jobs/" ID, .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "DELETE without credential", .method = "DELETE",
	    .path = "/api/jobs/" ID, .reply = CANCEL_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "HEAD without credential", .method = "HEAD",
	    .path = "/api/jobs/" ID, .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "empty Authorization", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "", .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "Basic", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Basic x", .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "Bearer alone", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer", .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "Bearer and a space", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "Bearer ", .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "two credentials", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer " TOKEN " " TOKEN, .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "bearer in lower case", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "bearer " TOKEN,
	    .reply = JOB_REPLY, .status = 200, .op = "get" },
	{ .name = "malformed token", .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer abc", .reply = JOB_REPLY,
	    .status = 403, .code = "forbidden" },
	{ .name = "token one short", .method = "DELETE",
	    .path = "/api/jobs/" ID,
	    .auth = "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    .reply = CANCEL_REPLY, .status = 403, .code = "forbidden" },
	{ .name = "key-like token without keys", .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "Bearer " KEY, .reply = JOB_REPLY,
	    .status = 403, .code = "forbidden" },
	/* Without a keys file, creating and listing are open... */
	{ .name = "open create", .method = "POST", .path = "/api/jobs",
	    .ctype = JSON, .body = SPEC, .reply = CREATED_REPLY,
	    .status = 201, .op = "create" },
	{ .name = "open create, any credential", .method = "POST",
	    .path = "/api/jobs", .auth = "Basic x", .ctype = JSON,
	    .body = SPEC, .reply = CREATED_REPLY,
	    .status = 201, .op = "create" },
	{ .name = "open list", .method = "GET", .path = "/api/jobs",
	    .reply = LIST_REPLY, .status = 200, .op = "list" },
	/* ...and with one they need a key. */
	{ .name = "create without key", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .ctype = JSON, .body = SPEC,
	    .reply = CREATED_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "create with Basic", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Basic " KEY, .ctype = JSON,
	    .body = SPEC, .reply = CREATED_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "create with a wrong key", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Bearer " KEY "x", .ctype = JSON,
	    .body = SPEC, .reply = CREATED_REPLY,
	    .status = 403, .code = "forbidden" },
	{ .name = "create with a key's prefix", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Bearer key-0123456789abcde",
	    .ctype = JSON, .body = SPEC, .reply = CREATED_REPLY,
	    .status = 403, .code = "forbidden" },
	{ .name = "create with a job token", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Bearer " TOKEN, .ctype = JSON,
	    .body = SPEC, .reply = CREATED_REPLY,
	    .status = 403, .code = "forbidden" },
	{ .name = "create with a key", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Bearer " KEY, .ctype = JSON,
	    .body = SPEC, .reply = CREATED_REPLY,
	    .status = 201, .op = "create" },
	{ .name = "create with the second key", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Bearer " KEY2, .ctype = JSON,
	    .body = SPEC, .reply = CREATED_REPLY,
	    .status = 201, .op = "create" },
	{ .name = "a key, then a bad body", .keys = 1, .method = "POST",
	    .path = "/api/jobs", .auth = "Bearer " KEY, .ctype = JSON,
	    .body = "{", .reply = CREATED_REPLY,
	    .status = 400, .code = "invalid_json" },
	{ .name = "list without key", .keys = 1, .method = "GET",
	    .path = "/api/jobs", .reply = LIST_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "list with a wrong key", .keys = 1, .method = "GET",
	    .path = "/api/jobs", .auth = "Bearer not-a-key-at-all-0000",
	    .reply = LIST_REPLY, .status = 403, .code = "forbidden" },
	{ .name = "list with a key", .keys = 1, .method = "GET",
	    .path = "/api/jobs", .auth = "Bearer " KEY, .reply = LIST_REPLY,
	    .status = 200, .op = "list" },
	{ .name = "a key reads a job", .keys = 1, .method = "GET",
	    .path = "/api/jobs/" ID2, .auth = "Bearer " KEY, .reply = JOB_REPLY,
	    .status = 200, .op = "get" },
	{ .name = "a key cancels a job", .keys = 1, .method = "DELETE",
	    .path = "/api/jobs/" ID2, .auth = "Bearer " KEY,
	    .reply = CANCEL_REPLY, .status = 202, .op = "cancel" },
	{ .name = "with keys, a token still reads", .keys = 1, .method = "GET",
	    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
	    .reply = JOB_REPLY, .status = 200, .op = "get" },
	{ .name = "with keys, GET without credential", .keys = 1,
	    .method = "GET", .path = "/api/jobs/" ID, .reply = JOB_REPLY,
	    .status = 401, .code = "unauthorized", .www_auth = "Bearer" },
	{ .name = "with keys, a wrong key on a job", .keys = 1,
	    .method = "GET", .path = "/api/jobs/" ID,
	    .auth = "Bearer " KEY "x", .reply = JOB_REPLY,
	    .status = 403, .code = "forbidden" },
	/* Health is open to all. */
	{ .name = "health with keys", .keys = 1, .method = "GET",
	    .path = "/api/health", .reply = STATS_REPLY,
	    .status = 200, .op = "stats" },
};

static void
test_auth(void)
{
	run_cases(auth, NCASES(auth));
}

/* The id and, for a token, the token are sent; for a key, no token. */
static void
test_credential_forwarded(void)
{
	static const struct api_case cases[] = {
		{ .name = "GET with a token", .method = "GET",
		    .path = "/api/jobs/" ID, .auth = "Bearer  " TOKEN,
		    .reply = JOB_REPLY, .status = 200 },
		{ .name = "DELETE with a token", .method = "DELETE",
		    .path = "/api/jobs/" ID, .auth = "Bearer " TOKEN,
		    .reply = CANCEL_REPLY, .status = 202 },
		{ .name = "GET with a key", .keys = 1, .method = "GET",
		    .path = "/api/jobs/" ID, .auth = "Bearer " KEY,
		    .reply = JOB_REPLY, .status = 200 },
		{ .name = "DELETE with a key", .keys = 1, .method = "DELETE",
		    .path = "/api/jobs/" ID, .auth = "Bearer " KEY,
		    .reply = CANCEL_REPLY, .status = 202 },
	};
	struct api_response res;
	struct fake f;
	size_t i;

	for (i = 0; i < NCASES(cases); i++) {
		const struct api_case *c = &cases[i];

		handle(c, &f, &res);
		expect(c, res.status == c->status, "status",
		    json_object_to_json_string(res.body));
		CU_ASSERT_EQUAL(f.calls, 1);
		CU_ASSERT_STRING_EQUAL(field(f.last, "op"),
		    c->status == 202 ? "cancel" : "get");
		CU_ASSERT(str_eq(field(f.last, "id"), ID));
		expect(c, str_eq(field(f.last, "token"),
		    c->keys ? NULL : TOKEN), "the token sent",
		    field(f.last, "token"));
		/* The reply's job is the body, without the envelope. */
		CU_ASSERT(str_eq(field(res.body, "id"), ID));
		CU_ASSERT_FALSE(json_object_object_get_ex(res.body, "ok",
		    NULL));
		json_object_put(res.body);
		json_object_put(f.last);
	}
}

struct limit_case {
	const char	*query;
	int		 status;
	int64_t		 limit;		/* sent, when status is 200 */
};

static const struct limit_case limits[] = {
	{ NULL, 200, 100 },
	{ "", 200, 100 },
	{ "limit=5", 200, 5 },
	{ "limit=1", 200, 1 },
	{ "limit=1000", 200, 1000 },
	{ "a=b&limit=7&c=d", 200, 7 },
	{ "xlimit=3", 200, 100 },
	{ "limit=0", 400, 0 },
	{ "limit=1001", 400, 0 },
	{ "limit=-1", 400, 0 },
	{ "limit=abc", 400, 0 },
	{ "limit=", 400, 0 },
	{ "limit=5x", 400, 0 },
	{ "limit=5.0", 400, 0 },
	{ "limit=99999999999999999999", 400, 0 },
	{ "limit=5&limit=abc", 400, 0 },
};

/* Fake other cells: two jobs each call, what they were asked kept. */
struct fake_peers {
	int		 calls;
	int64_t		 limit;
	char		 auth[64];
	int		 missing;	/* a cell left out, or -1 */
};

static void
fake_peers_list(void *arg, const char *authorization, int64_t limit,
    struct json_object *into, struct json_object *missing)
{
	static const char *const answer = "{\"jobs\":["
	    "{\"id\":\"0100aaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"created_us\":30},"
	    "{\"id\":\"0100bbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"created_us\":10}]}";
	struct fake_peers *p = arg;
	const char *why;

	p->calls++;
	p->limit = limit;
	snprintf(p->auth, sizeof(p->auth), "%s",
	    authorization != NULL ? authorization : "");
	CU_ASSERT_EQUAL(peerlist_read(answer, strlen(answer), 1, into, &why), 0);
	if (p->missing >= 0)
		json_object_array_add(missing, json_object_new_int(p->missing));
}

/* GET /api/jobs with cells: this cell's and the others', newest first. */
static void
test_list_cells(void)
{
	struct fake_peers fp = { 0, 0, "", -1 };
	struct api_peers peers = { fake_peers_list, &fp };
	struct fake f = { "{\"ok\":true,\"jobs\":[{\"id\":\"" ID "\","
	    "\"created_us\":20}]}", NULL, 0 };
	struct api_backend be = { fake_call, &f, NULL, &peers };
	struct api_request req;
	struct api_response res;
	struct json_object *jobs;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/api/jobs";
	req.query = "limit=2";
	req.authorization = "Bearer x";
	req.body = "";
	api_handle(&req, &be, keyset(0), API_BODY_MAX_DEFAULT, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	CU_ASSERT_EQUAL(fp.calls, 1);
	CU_ASSERT_EQUAL(fp.limit, 2);
	CU_ASSERT_STRING_EQUAL(fp.auth, "Bearer x");
	CU_ASSERT_FATAL(json_object_object_get_ex(res.body, "jobs", &jobs));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(jobs), 2);
	CU_ASSERT_STRING_EQUAL(field(json_object_array_get_idx(jobs, 0), "id"),
	    "0100aaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CU_ASSERT_STRING_EQUAL(field(json_object_array_get_idx(jobs, 1), "id"),
	    ID);
	CU_ASSERT_FALSE(json_object_object_get_ex(res.body, "missing_cells",
	    NULL));
	json_object_put(res.body);

	/* A cell left out is named. */
	fp.missing = 2;
	api_handle(&req, &be, keyset(0), API_BODY_MAX_DEFAULT, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_object_get(res.body, "missing_cells"),
	    JSON_C_TO_STRING_PLAIN), "[2]");
	json_object_put(res.body);
	fp.missing = -1;

	/* scope=cell: what one cell asks another, never passed on. */
	req.query = "scope=cell&limit=5";
	api_handle(&req, &be, keyset(0), API_BODY_MAX_DEFAULT, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	CU_ASSERT_EQUAL(fp.calls, 2);
	CU_ASSERT(json_object_object_get_ex(res.body, "jobs", &jobs) &&
	    json_object_array_length(jobs) == 1);
	json_object_put(res.body);

	req.query = "scope=everything";
	api_handle(&req, &be, keyset(0), API_BODY_MAX_DEFAULT, &res);
	CU_ASSERT_EQUAL(res.status, 400);
	CU_ASSERT(str_eq(error_field(res.body, "code"), "invalid_query"));
	CU_ASSERT_EQUAL(fp.calls, 2);
	json_object_put(res.body);
	json_object_put(f.last);
}

/* Another cell's answers that peerlist_read() refuses, whole. */
static void
test_peerlist_refused(void)
{
	static const char *const bad[] = {
		"not json",
		"[]",
		"{\"jobs\":{}}",
		"{\"jobs\":[1]}",
		"{\"jobs\":[{\"id\":\"0100aaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
		"{\"jobs\":[{\"id\":\"0100aa\",\"created_us\":1}]}",
		/* a job of cell 2 in cell 1's answer */
		"{\"jobs\":[{\"id\":\"0100aaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"created_us\":1},{\"id\":\"0200aaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"created_us\":2}]}",
		"{\"jobs\":[{\"id\":\"0100aaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"created_us\":1,\"token\":\"t\"}]}",
		"{\"jobs\":[{\"id\":\"0100aaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"created_us\":\"1\"}]}",
	};
	struct json_object *into = json_object_new_array();
	const char *why;
	size_t i;

	for (i = 0; i < NCASES(bad); i++) {
		why = NULL;
		CU_ASSERT_EQUAL(peerlist_read(bad[i], strlen(bad[i]), 1, into,
		    &why), -1);
		CU_ASSERT_PTR_NOT_NULL(why);
		CU_ASSERT_EQUAL(json_object_array_length(into), 0);
	}
	json_object_put(into);
}

static void
test_list_limit(void)
{
	struct api_case c = { .method = "GET", .path = "/api/jobs",
	    .reply = LIST_REPLY };
	struct api_response res;
	struct json_object *v;
	struct fake f;
	size_t i;

	for (i = 0; i < NCASES(limits); i++) {
		c.name = limits[i].query != NULL ? limits[i].query : "(none)";
		c.query = limits[i].query;
		handle(&c, &f, &res);
		expect(&c, res.status == limits[i].status, "status",
		    json_object_to_json_string(res.body));
		if (limits[i].status == 200) {
			CU_ASSERT_EQUAL(f.calls, 1);
			CU_ASSERT(json_object_object_get_ex(f.last, "limit",
			    &v) && json_object_get_int64(v) ==
			    limits[i].limit);
			CU_ASSERT(json_object_object_get_ex(res.body, "jobs",
			    &v) && json_object_array_length(v) == 1);
		} else {
			CU_ASSERT_EQUAL(f.calls, 0);
			expect(&c, str_eq(error_field(res.body, "code"),
			    "invalid_query"), "code",
			    error_field(res.body, "code"));
		}
		json_object_put(res.body);
		json_object_put(f.last);
	}
}

static void
test_health(void)
{
	struct api_case c = { .name = "health", .method = "GET",
	    .path = "/api/health", .reply = STATS_REPLY };
	struct api_response res;
	struct json_object *s;
	struct fake f;

	handle(&c, &f, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	CU_ASSERT(str_eq(field(res.body, "status"), "ok"));
	CU_ASSERT(json_object_object_get_ex(res.body, "streamer", &s) &&
	    str_eq(field(s, "jobs"), "3"));
	CU_ASSERT(str_eq(field(f.last, "op"), "stats"));
	CU_ASSERT_PTR_NULL(res.retry_after);
	json_object_put(res.body);
	json_object_put(f.last);

	c.reply = NULL;
	handle(&c, &f, &res);
	CU_ASSERT_EQUAL(res.status, 503);
	CU_ASSERT(str_eq(error_field(res.body, "code"), "unavailable"));
	CU_ASSERT(str_eq(res.retry_after, API_RETRY_AFTER));
	json_object_put(res.body);
	json_object_put(f.last);

	c.method = "HEAD";
	c.reply = STATS_REPLY;
	handle(&c, &f, &res);
	CU_ASSERT_EQUAL(res.status, 200);
	json_object_put(res.body);
	json_object_put(f.last);
}

static void
test_status_text(void)
{
	static const struct { int status; const char *text; } st[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 409, "Conflict" },
		{ 411, "Length Required" }, { 413, "Content Too Large" },
		{ 415, "Unsupported Media Type" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
	};
	size_t i;

	for (i = 0; i < NCASES(st); i++)
		CU_ASSERT_STRING_EQUAL(api_status_text(st[i].status),
		    st[i].text);
}

/* keys_load: the file's format, its errors, and a reload. */
static void
test_keys_load(void)
{
	char path[] = "/tmp/test_api_keys.XXXXXX", err[512], want[600];
	char longkey[258];
	struct api_keys k;
	int fd;

	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(keys_init(&k), 0);
	CU_ASSERT_FALSE(k.enabled);
	CU_ASSERT_FALSE(keys_match(&k, KEY, strlen(KEY)));

	write_file(path, "# API keys\n\n   \n" KEY "\n"
	    "\t" KEY2 "   # the second\r\n" "#" "commented-out-key-000\n");
	CU_ASSERT_EQUAL_FATAL(keys_load(&k, path, err, sizeof(err)), 0);
	CU_ASSERT(k.enabled);
	CU_ASSERT_EQUAL(k.nkeys, 2);
	CU_ASSERT(keys_match(&k, KEY, strlen(KEY)));
	CU_ASSERT(keys_match(&k, KEY2, strlen(KEY2)));
	CU_ASSERT_FALSE(keys_match(&k, "commented-out-key-000", 21));
	CU_ASSERT_FALSE(keys_match(&k, KEY, strlen(KEY) - 1));
	CU_ASSERT_FALSE(keys_match(&k, KEY "x", strlen(KEY) + 1));
	CU_ASSERT_FALSE(keys_match(&k, "", 0));

	/* A reload swaps the whole set. */
	write_file(path, "replacement-key-0000\n");
	CU_ASSERT_EQUAL_FATAL(keys_load(&k, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.nkeys, 1);
	CU_ASSERT(keys_match(&k, "replacement-key-0000", 20));
	CU_ASSERT_FALSE(keys_match(&k, KEY, strlen(KEY)));

	/* A bad file names its line and leaves the loaded set alone. */
	write_file(path, "# keys\n" KEY "\nshort-key\n" KEY2 "\n");
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3:", path);
	CU_ASSERT_NSTRING_EQUAL(err, want, strlen(want));
	CU_ASSERT_EQUAL(k.nkeys, 1);
	CU_ASSERT(keys_match(&k, "replacement-key-0000", 20));
	CU_ASSERT_FALSE(keys_match(&k, KEY, strlen(KEY)));

	/* 16 and 256 characters are keys; 15 and 257 are not. */
	write_file(path, "0123456789abcdef\n");
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), 0);
	write_file(path, "0123456789abcde\n");
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), -1);
	memset(longkey, 'k', 256);
	strcpy(longkey + 256, "\n");
	write_file(path, longkey);
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), 0);
	CU_ASSERT(keys_match(&k, longkey, 256));
	memset(longkey, 'k', 257);
	longkey[257] = '\0';
	write_file(path, longkey);
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1:", path);
	CU_ASSERT_NSTRING_EQUAL(err, want, strlen(want));

	/* A blank inside a key, or a control character, is refused. */
	write_file(path, "key with-blank-000000\n");
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), -1);
	write_file(path, "key-with-\001-control-0\n");
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), -1);

	/* An empty file is a set without keys: nobody may create. */
	write_file(path, "# nobody\n");
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), 0);
	CU_ASSERT(k.enabled);
	CU_ASSERT_EQUAL(k.nkeys, 0);
	CU_ASSERT_FALSE(keys_match(&k, longkey, 256));

	unlink(path);
	CU_ASSERT_EQUAL(keys_load(&k, path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	keys_free(&k);
}

static CU_TestInfo cases[] = {
	{ "routing, 404, 400 and 405", test_routing },
	{ "POST: 201, 411, 413, 415, 400", test_post },
	{ "POST: deep JSON", test_deep_json },
	{ "POST: what the streamer gets", test_create_forwarded },
	{ "the streamer's errors", test_streamer_errors },
	{ "tokens and API keys", test_auth },
	{ "the credential forwarded", test_credential_forwarded },
	{ "list: limit", test_list_limit },
	{ "list: across cells", test_list_cells },
	{ "list: another cell's answers refused", test_peerlist_refused },
	{ "health", test_health },
	{ "status texts", test_status_text },
	{ "keys_load", test_keys_load },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	int rv = unit_run("api", cases);

	if (keys_ready) {
		keys_free(&no_keys);
		keys_free(&some_keys);
	}
	return rv;
}
