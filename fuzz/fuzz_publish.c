/*
 * fuzz_publish.c: a producer's REST requests end to end, without the
 * transports: api_handle() with the input as the body of PUT .../preview
 * (raw or deflated), POST .../progress or POST .../complete, and behind
 * it the streamer's own core (ops_handle() on a registry kept across
 * inputs), the request passed between them as control-channel text.
 * The first input byte picks the request.  What is taken must be what
 * was sent: a preview taken is the job's latest preview, byte for byte
 * (after inflating, for deflate); a progress taken is the job's; a job
 * completed is replaced by a fresh one for the next input.  Nothing is
 * answered 500.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "core.h"
#include "fuzz.h"
#include "log.h"
#include "zpay.h"

#define SPEC	"{\"shape\":[4,4,4],\"producer\":\"external\",\"labels\":3," \
		"\"preview\":{\"hz\":30}}"
#define VOXELS	64

static struct settings	 set;
static struct registry	 reg;
static struct api_keys	 keys;
static struct job	*job;
static char		 auth[sizeof("Bearer ") + ID_TOKEN_LEN];

/* The streamer's side: the request as a control line, its reply back. */
static struct json_object *
core_call(void *arg, struct json_object *req)
{
	struct ops_result res;
	struct json_object *reply, *again;
	const char *line;
	size_t len;

	(void)arg;
	line = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN,
	    &len);
	reply = ops_handle(&reg, line, len, &res);
	json_object_put(req);
	if (reply == NULL)
		abort();
	/* As fcgi-api would read it from the socket. */
	line = json_object_to_json_string_length(reply,
	    JSON_C_TO_STRING_PLAIN, &len);
	again = json_tokener_parse(line);
	json_object_put(reply);
	return again;
}

/* A fresh external job, its producer token in auth. */
static void
new_job(void)
{
	static const char create[] = "{\"version\":1,\"op\":\"create\","
	    "\"job\":" SPEC "}";
	struct json_object *reply, *j, *v;
	struct ops_result res;

	reply = ops_handle(&reg, create, sizeof(create) - 1, &res);
	if (reply == NULL || !json_object_object_get_ex(reply, "job", &j) ||
	    !json_object_object_get_ex(j, "producer_token", &v) ||
	    !json_object_object_get_ex(j, "id", &j) ||
	    (job = job_find(&reg, json_object_get_string(j))) == NULL)
		abort();
	snprintf(auth, sizeof(auth), "Bearer %s", json_object_get_string(v));
	json_object_put(reply);
}

static void
setup(void)
{
	log_init("fuzz_publish", 0, LOG_LEVEL_WARN);
	settings_defaults(&set);
	set.max_jobs = 4;
	set.max_finished = 4;
	if (registry_init(&reg, &set) == -1 || keys_init(&keys) == -1)
		abort();
	new_job();
}

/* A 202 means the job holds what was sent. */
static void
check_taken(int what, const uint8_t *body, size_t len, int64_t progress)
{
	uint8_t raw[VOXELS];
	const char *errstr;

	switch (what) {
	case 0:
		if (len != VOXELS || memcmp(job->preview.raw, body, len) != 0)
			abort();
		break;
	case 1:
		if (zpay_decompress(raw, VOXELS, body, len, &errstr) == -1 ||
		    memcmp(job->preview.raw, raw, VOXELS) != 0)
			abort();
		break;
	case 2:
		if (job->progress != progress)
			abort();
		break;
	}
}

/* The progress a body says, if it says one plainly; -1 otherwise. */
static int64_t
said_progress(const char *body)
{
	struct json_object *o = json_tokener_parse(body), *p;
	int64_t v = -1;

	if (o != NULL && json_object_object_get_ex(o, "progress", &p))
		v = json_object_get_int64(p);
	json_object_put(o);
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const what_path[] = { "preview", "preview",
	    "progress", "complete" };
	static int ready;
	struct api_backend be = { core_call, NULL, NULL, NULL };
	struct api_request req;
	struct api_response res;
	char path[128], *body;
	int what;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1)
		return 0;
	what = data[0] % 4;
	if ((body = malloc(size)) == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	snprintf(path, sizeof(path), "/api/jobs/%s/%s", job->id,
	    what_path[what]);
	memset(&req, 0, sizeof(req));
	req.method = what < 2 ? "PUT" : "POST";
	req.path = path;
	req.authorization = auth;
	req.content_type = what < 2 ? "application/octet-stream" :
	    "application/json";
	req.content_encoding = what == 1 ? "deflate" : NULL;
	req.has_length = 1;
	req.length = size - 1;
	req.body = body;
	api_handle(&req, &be, &keys, API_BODY_MAX_DEFAULT, &res);
	if (res.status >= 500)
		abort();
	if (res.status == 202)
		check_taken(what, (const uint8_t *)body, size - 1,
		    what == 2 ? said_progress(body) : 0);
	api_response_free(&res);
	free(body);
	/* A finished job takes nothing more: start another (the registry
	 * forgets the oldest finished ones beyond max_finished). */
	if (job->state != JOB_RUNNING)
		new_job();
	return 0;
}
