/*
 * jobspec.c: parsing and validating a job creation request.  Every rule
 * about what a job may ask for lives here, so the REST handler and the
 * streamer reject the same requests with the same words.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "jobspec.h"
#include "msg.h"
#include "utf8.h"

static const char *const top_fields[] = {
	"shape", "dtype", "preview", "duration_s", "seed", "producer",
	"labels", "producer_timeout_s", NULL
};
static const char *const preview_fields[] = { "scale", "hz", NULL };

static int
known(const char *key, const char *const *fields)
{
	for (; *fields != NULL; fields++)
		if (strcmp(key, *fields) == 0)
			return 1;
	return 0;
}

/*
 * The length of key cut to at most max bytes, not inside a UTF-8
 * character, and before anything that is not well-formed UTF-8.
 */
static int
key_cut(const char *key, size_t max)
{
	return (int)utf8_valid_prefix(key, strnlen(key, max));
}

/* Rejects fields the spec does not have, naming the first one. */
static int
check_fields(struct json_object *obj, const char *const *fields,
    const char *prefix, char *err, size_t errlen)
{
	json_object_object_foreach(obj, key, val) {
		(void)val;
		if (!known(key, fields)) {
			snprintf(err, errlen, "unknown field \"%s%.*s\"",
			    prefix, key_cut(key, 64), key);
			return -1;
		}
	}
	return 0;
}

static int
parse_shape(struct json_object *v, uint32_t shape[3], char *err,
    size_t errlen)
{
	size_t i;

	if (v == NULL || !json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) != 3)
		goto bad;
	for (i = 0; i < 3; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		int64_t n;

		if (!json_object_is_type(e, json_type_int))
			goto bad;
		n = json_object_get_int64(e);
		if (n < 1 || n > MSG_DIM_MAX)
			goto bad;
		shape[i] = (uint32_t)n;
	}
	return 0;
bad:
	snprintf(err, errlen, "\"shape\" must be an array of three integers "
	    "in 1..%d", MSG_DIM_MAX);
	return -1;
}

static int
parse_number(struct json_object *v, double min, double max, double *out)
{
	double d;

	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	if (!isfinite(d) || d < min || d > max)
		return -1;
	*out = d;
	return 0;
}

static int
parse_int(struct json_object *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static uint32_t
ceil_div(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

/* The smallest scale that keeps every preview axis within the default. */
static uint32_t
default_scale(const uint32_t shape[3])
{
	uint32_t max = shape[0], i;

	for (i = 1; i < 3; i++)
		if (shape[i] > max)
			max = shape[i];
	return ceil_div(max, JOBSPEC_PREVIEW_AXIS);
}

static int
parse_preview(struct json_object *v, struct jobspec *js, char *err,
    size_t errlen)
{
	struct json_object *f;
	int64_t scale;

	if (!json_object_is_type(v, json_type_object)) {
		snprintf(err, errlen, "\"preview\" must be an object");
		return -1;
	}
	if (check_fields(v, preview_fields, "preview.", err, errlen) == -1)
		return -1;
	if (json_object_object_get_ex(v, "scale", &f)) {
		if (parse_int(f, 1, MSG_DIM_MAX, &scale) == -1) {
			snprintf(err, errlen, "\"preview.scale\" must be an "
			    "integer in 1..%d", MSG_DIM_MAX);
			return -1;
		}
		js->scale = (uint32_t)scale;
	}
	if (json_object_object_get_ex(v, "hz", &f) &&
	    parse_number(f, JOBSPEC_HZ_MIN, JOBSPEC_HZ_MAX, &js->hz) == -1) {
		snprintf(err, errlen, "\"preview.hz\" must be a number in "
		    "%g..%g", JOBSPEC_HZ_MIN, JOBSPEC_HZ_MAX);
		return -1;
	}
	return 0;
}

static int
parse_producer(struct json_object *v, struct jobspec *js, char *err,
    size_t errlen)
{
	const char *s = json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "";

	if (strcmp(s, "fake") == 0)
		js->producer = JOBSPEC_FAKE;
	else if (strcmp(s, "external") == 0)
		js->producer = JOBSPEC_EXTERNAL;
	else {
		snprintf(err, errlen, "\"producer\" must be \"fake\" or "
		    "\"external\"");
		return -1;
	}
	return 0;
}

/* What masks may hold and how long a producer may be silent. */
static int
parse_mask_fields(struct json_object *obj, struct jobspec *js, char *err,
    size_t errlen)
{
	struct json_object *v;
	int64_t n;

	if (json_object_object_get_ex(obj, "labels", &v)) {
		if (parse_int(v, 1, JOBSPEC_LABELS_MAX, &n) == -1) {
			snprintf(err, errlen, "\"labels\" must be an integer in "
			    "1..%d", JOBSPEC_LABELS_MAX);
			return -1;
		}
		js->labels = (int)n;
	}
	if (json_object_object_get_ex(obj, "producer_timeout_s", &v)) {
		if (parse_int(v, 0, JOBSPEC_TIMEOUT_MAX, &n) == -1) {
			snprintf(err, errlen, "\"producer_timeout_s\" must be "
			    "an integer in 0..%d (0: never)",
			    JOBSPEC_TIMEOUT_MAX);
			return -1;
		}
		js->producer_timeout_s = (int)n;
	}
	return 0;
}

static int
parse_optional(struct json_object *obj, struct jobspec *js, char *err,
    size_t errlen)
{
	struct json_object *v;

	if (json_object_object_get_ex(obj, "dtype", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "uint8") != 0)) {
		snprintf(err, errlen, "\"dtype\" must be \"uint8\"");
		return -1;
	}
	if (json_object_object_get_ex(obj, "preview", &v) &&
	    parse_preview(v, js, err, errlen) == -1)
		return -1;
	if (json_object_object_get_ex(obj, "duration_s", &v) &&
	    parse_number(v, 0, JOBSPEC_DURATION_MAX, &js->duration_s) == -1) {
		snprintf(err, errlen, "\"duration_s\" must be a number in "
		    "0..%.0f", JOBSPEC_DURATION_MAX);
		return -1;
	}
	if (json_object_object_get_ex(obj, "seed", &v)) {
		if (parse_int(v, 0, JOBSPEC_SEED_MAX, &js->seed) == -1) {
			snprintf(err, errlen, "\"seed\" must be an integer in "
			    "0..%lld", JOBSPEC_SEED_MAX);
			return -1;
		}
		js->has_seed = 1;
	}
	if (json_object_object_get_ex(obj, "producer", &v) &&
	    parse_producer(v, js, err, errlen) == -1)
		return -1;
	return parse_mask_fields(obj, js, err, errlen);
}

int
jobspec_parse(struct json_object *obj, struct jobspec *js, char *err,
    size_t errlen)
{
	struct json_object *v = NULL;
	uint64_t voxels;
	int i;

	memset(js, 0, sizeof(*js));
	js->hz = 1.0;
	js->duration_s = 60.0;
	js->producer = JOBSPEC_FAKE;
	js->labels = 1;
	js->producer_timeout_s = JOBSPEC_TIMEOUT_DEFAULT;
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "the job request must be a JSON object");
		return -1;
	}
	if (check_fields(obj, top_fields, "", err, errlen) == -1)
		return -1;
	if (!json_object_object_get_ex(obj, "shape", &v)) {
		snprintf(err, errlen, "missing field \"shape\"");
		return -1;
	}
	if (parse_shape(v, js->shape, err, errlen) == -1 ||
	    parse_optional(obj, js, err, errlen) == -1)
		return -1;
	if (js->scale == 0)
		js->scale = default_scale(js->shape);
	for (i = 0; i < 3; i++)
		js->pshape[i] = ceil_div(js->shape[i], js->scale);
	voxels = msg_shape_voxels(js->pshape);
	if (voxels > MSG_PAYLOAD_MAX) {
		snprintf(err, errlen, "\"preview.scale\" %u gives a preview of "
		    "%llu bytes, more than %u", js->scale,
		    (unsigned long long)voxels, MSG_PAYLOAD_MAX);
		return -1;
	}
	return 0;
}

static struct json_object *
shape_json(const uint32_t shape[3])
{
	struct json_object *a = json_object_new_array_ext(3);
	int i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < 3; i++)
		json_object_array_add(a, json_object_new_int64(shape[i]));
	return a;
}

const char *
jobspec_producer_name(enum jobspec_producer p)
{
	return p == JOBSPEC_EXTERNAL ? "external" : "fake";
}

struct json_object *
jobspec_to_json(const struct jobspec *js, enum jobspec_form form)
{
	struct json_object *o = json_object_new_object();
	struct json_object *p = json_object_new_object();

	if (o == NULL || p == NULL) {
		json_object_put(o);
		json_object_put(p);
		return NULL;
	}
	json_object_object_add(o, "shape", shape_json(js->shape));
	json_object_object_add(o, "dtype", json_object_new_string("uint8"));
	json_object_object_add(p, "scale", json_object_new_int64(js->scale));
	json_object_object_add(p, "hz", json_object_new_double(js->hz));
	if (form == JOBSPEC_AS_RESOURCE)
		json_object_object_add(p, "shape", shape_json(js->pshape));
	json_object_object_add(o, "preview", p);
	json_object_object_add(o, "duration_s",
	    json_object_new_double(js->duration_s));
	json_object_object_add(o, "seed", json_object_new_int64(js->seed));
	json_object_object_add(o, "producer",
	    json_object_new_string(jobspec_producer_name(js->producer)));
	/* Written only where they mean something: a default job's
	 * resource is what it was before they existed. */
	if (js->labels > 1)
		json_object_object_add(o, "labels",
		    json_object_new_int(js->labels));
	if (js->producer == JOBSPEC_EXTERNAL)
		json_object_object_add(o, "producer_timeout_s",
		    json_object_new_int(js->producer_timeout_s));
	return o;
}
