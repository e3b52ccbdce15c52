/*
 * fuzz_metrics.c: GET /api/metrics through api_handle() with the input
 * as the streamer's reply to stats (read through the JSON door, as the
 * control channel reads it).  Whatever the streamer says, the answer is
 * 200 and well-formed text exposition: comment lines, and samples of a
 * maskstream_ name, optional labels and a number; a histogram's buckets
 * never go down and end with +Inf equal to its _count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "ctlproto.h"
#include "fuzz.h"
#include "jsontext.h"

struct input {
	const uint8_t	*data;
	size_t		 size;
};

static struct json_object *
fake_call(void *arg, struct json_object *req)
{
	const struct input *in = arg;
	enum jsontext_error jerr;

	json_object_put(req);
	return jsontext_parse((const char *)in->data, in->size, CTLPROTO_DEPTH,
	    &jerr);
}

/* name{labels} value: a maskstream_ name, a finite number. */
static void
check_sample(const char *line, size_t len)
{
	char buf[1024], *value, *end;

	if (len >= sizeof(buf) || strncmp(line, "maskstream_", 11) != 0)
		abort();
	memcpy(buf, line, len);
	buf[len] = '\0';
	if ((value = strrchr(buf, ' ')) == NULL)
		abort();
	*value++ = '\0';
	(void)strtod(value, &end);
	if (end == value || *end != '\0')
		abort();
	if (strchr(buf, '{') != NULL && buf[strlen(buf) - 1] != '}')
		abort();
}

/*
 * Buckets of the histogram in the text never go down and their bounds
 * ascend (so no two print alike); +Inf is _count.
 */
static void
check_histogram(const char *text, const char *name)
{
	char want[128];
	const char *p = text;
	double last = -1, v, count, le, last_le = -1;

	/* One shard here, shard 0: a plain backend. */
	snprintf(want, sizeof(want), "%s_bucket{shard=\"0\",le=\"", name);
	while ((p = strstr(p, want)) != NULL) {
		p += strlen(want);
		le = strncmp(p, "+Inf", 4) == 0 ? INFINITY : strtod(p, NULL);
		if (!(le > last_le))
			abort();
		last_le = le;
		p = strchr(p, '}');
		v = strtod(p + 2, NULL);
		if (v < last)
			abort();
		last = v;
	}
	snprintf(want, sizeof(want), "\n%s_count{shard=\"0\"} ", name);
	if ((p = strstr(text, want)) != NULL) {
		count = strtod(p + strlen(want), NULL);
		if (count != last)
			abort();
	}
}

static void
check_text(const char *t, size_t len)
{
	const char *line = t, *nl;

	if (memchr(t, '\0', len) != NULL || len == 0 || t[len - 1] != '\n' ||
	    strstr(t, "maskstream_streamer_up ") == NULL)
		abort();
	while (line < t + len) {
		nl = memchr(line, '\n', (size_t)(t + len - line));
		if (line[0] != '#')
			check_sample(line, (size_t)(nl - line));
		line = nl + 1;
	}
	check_histogram(t, "maskstream_broadcast_seconds");
	check_histogram(t, "maskstream_journal_sync_seconds");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct api_keys keys;
	static int ready;
	struct input in = { data, size };
	struct api_backend be = { fake_call, &in, NULL, NULL };
	struct api_request req;
	struct api_response res;
	char *text;

	if (!ready) {
		if (keys_init(&keys) == -1)
			abort();
		ready = 1;
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/api/metrics";
	req.trusted = 1;
	api_handle(&req, &be, &keys, API_BODY_MAX_DEFAULT, &res);
	if (res.status != 200 || res.raw == NULL)
		abort();
	if ((text = malloc(res.raw_len + 1)) == NULL)
		abort();
	memcpy(text, res.raw, res.raw_len);
	text[res.raw_len] = '\0';
	check_text(text, res.raw_len);
	free(text);
	api_response_free(&res);
	return 0;
}
