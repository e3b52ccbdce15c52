/*
 * fuzz_jobrequest.c: POST /api/jobs through api_handle() with the input
 * as its body, against a fake streamer.  A request the handler forwards
 * must also pass the streamer's own check after a trip through JSON text.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "fuzz.h"
#include "jobspec.h"

#define ID		"0123456789abcdef0123456789abcdef"
#define REPLY		"{\"ok\":true,\"job\":{\"id\":\"" ID "\"}}"

/*
 * The streamer: what reaches it is {"op":"create","job":{...}}, sent as
 * text on the control channel and validated again there.
 */
static struct json_object *
fake_call(void *arg, struct json_object *req)
{
	struct json_object *sent, *job;
	struct jobspec spec;
	char err[256];
	int *calls = arg;

	(*calls)++;
	sent = json_tokener_parse(json_object_to_json_string_ext(req,
	    JSON_C_TO_STRING_PLAIN));
	if (sent == NULL || !json_object_object_get_ex(sent, "job", &job) ||
	    jobspec_parse(job, &spec, err, sizeof(err)) == -1)
		abort();
	json_object_put(sent);
	json_object_put(req);
	return json_tokener_parse(REPLY);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct api_keys keys;
	static int ready;
	struct api_backend be;
	struct api_request req;
	struct api_response res;
	char *body;
	int calls = 0;

	if (!ready) {
		if (keys_init(&keys) == -1)
			abort();
		ready = 1;
	}
	/* The handler reads a NUL-terminated body of exactly size bytes. */
	if ((body = malloc(size + 1)) == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/api/jobs";
	req.content_type = "application/json";
	req.has_length = 1;
	req.length = size;
	req.body = body;
	be.call = fake_call;
	be.arg = &calls;
	api_handle(&req, &be, &keys, API_BODY_MAX_DEFAULT, &res);

	/* Always a JSON answer; 201 only through the streamer. */
	if (res.body == NULL ||
	    json_object_to_json_string(res.body) == NULL)
		abort();
	if (res.status == 201) {
		if (calls != 1 || strcmp(res.location, "/api/jobs/" ID) != 0)
			abort();
	} else if (calls != 0 || (res.status != 400 && res.status != 413))
		abort();
	json_object_put(res.body);
	free(body);
	return 0;
}
