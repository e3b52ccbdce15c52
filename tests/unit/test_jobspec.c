/*
 * test_jobspec.c: the job request validator on good requests, which must
 * come out with their defaults and preview shape filled in, and bad ones,
 * which must be refused with a message naming the field at fault.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "jobspec.h"
#include "msg.h"
#include "unit.h"

struct good_case {
	const char	*json;
	uint32_t	 shape[3];
	uint32_t	 scale;
	uint32_t	 pshape[3];
	double		 hz;
	double		 duration_s;
	int		 has_seed;
	int64_t		 seed;
	enum jobspec_producer producer;
};

static const struct good_case good_cases[] = {
	/* Defaults, and the scale that keeps each preview axis <= 64. */
	{ "{\"shape\":[1,1,1]}",
	    { 1, 1, 1 }, 1, { 1, 1, 1 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[64,64,64]}",
	    { 64, 64, 64 }, 1, { 64, 64, 64 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[65,10,10]}",
	    { 65, 10, 10 }, 2, { 33, 5, 5 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[10,10,65]}",
	    { 10, 10, 65 }, 2, { 5, 5, 33 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[4096,4096,4096]}",
	    { 4096, 4096, 4096 }, 64, { 64, 64, 64 }, 1.0, 60, 0, 0,
	    JOBSPEC_FAKE },
	{ "{\"shape\":[1,4096,7]}",
	    { 1, 4096, 7 }, 64, { 1, 64, 1 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[128,129,1]}",
	    { 128, 129, 1 }, 3, { 43, 43, 1 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	/* An explicit scale, pshape = ceil(shape / scale). */
	{ "{\"shape\":[100,200,300],\"preview\":{\"scale\":3}}",
	    { 100, 200, 300 }, 3, { 34, 67, 100 }, 1.0, 60, 0, 0,
	    JOBSPEC_FAKE },
	{ "{\"shape\":[5,5,5],\"preview\":{\"scale\":4096}}",
	    { 5, 5, 5 }, 4096, { 1, 1, 1 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[2,2,2],\"preview\":{\"scale\":1}}",
	    { 2, 2, 2 }, 1, { 2, 2, 2 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	/* Exactly MSG_PAYLOAD_MAX bytes of preview is still allowed. */
	{ "{\"shape\":[128,128,256],\"preview\":{\"scale\":1}}",
	    { 128, 128, 256 }, 1, { 128, 128, 256 }, 1.0, 60, 0, 0,
	    JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"preview\":{}}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
	/* hz and duration_s at their bounds, as doubles or integers. */
	{ "{\"shape\":[8,8,8],\"preview\":{\"hz\":0.1}}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 0.1, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"preview\":{\"hz\":30}}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 30.0, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"preview\":{\"hz\":2.5,\"scale\":2}}",
	    { 8, 8, 8 }, 2, { 4, 4, 4 }, 2.5, 60, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"duration_s\":0}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 1.0, 0, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"duration_s\":0.5}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 1.0, 0.5, 0, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"duration_s\":604800}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 1.0, 604800, 0, 0, JOBSPEC_FAKE },
	/* A seed given, at its bounds. */
	{ "{\"shape\":[8,8,8],\"seed\":0}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 1.0, 60, 1, 0, JOBSPEC_FAKE },
	{ "{\"shape\":[8,8,8],\"seed\":9007199254740991}",
	    { 8, 8, 8 }, 1, { 8, 8, 8 }, 1.0, 60, 1, 9007199254740991LL,
	    JOBSPEC_FAKE },
	/* Everything at once. */
	{ "{\"shape\":[3,4,5],\"dtype\":\"uint8\",\"preview\":{\"scale\":2,"
	    "\"hz\":4},\"duration_s\":12.5,\"seed\":42,"
	    "\"producer\":\"external\"}",
	    { 3, 4, 5 }, 2, { 2, 2, 3 }, 4.0, 12.5, 1, 42, JOBSPEC_EXTERNAL },
	{ "{\"shape\":[3,4,5],\"producer\":\"fake\"}",
	    { 3, 4, 5 }, 1, { 3, 4, 5 }, 1.0, 60, 0, 0, JOBSPEC_FAKE },
};

struct bad_case {
	const char	*json;
	const char	*want;		/* a substring of the error */
};

#define SHAPE_ERR	"\"shape\" must be an array of three integers in 1..4096"
#define SCALE_ERR	"\"preview.scale\" must be an integer in 1..4096"
#define HZ_ERR		"\"preview.hz\" must be a number in 0.1..30"
#define DUR_ERR		"\"duration_s\" must be a number in 0..604800"
#define SEED_ERR	"\"seed\" must be an integer in 0..9007199254740991"
#define PROD_ERR	"\"producer\" must be \"fake\" or \"external\""
#define LABELS_ERR	"\"labels\" must be an integer in 1..255"
#define TIMEOUT_ERR	"\"producer_timeout_s\" must be an integer in 0..86400"

static const struct bad_case bad_cases[] = {
	{ "{\"shape\":[1,1,1],\"labels\":0}", LABELS_ERR },
	{ "{\"shape\":[1,1,1],\"labels\":256}", LABELS_ERR },
	{ "{\"shape\":[1,1,1],\"labels\":2.0}", LABELS_ERR },
	{ "{\"shape\":[1,1,1],\"labels\":\"2\"}", LABELS_ERR },
	{ "{\"shape\":[1,1,1],\"producer_timeout_s\":-1}", TIMEOUT_ERR },
	{ "{\"shape\":[1,1,1],\"producer_timeout_s\":86401}", TIMEOUT_ERR },
	{ "{\"shape\":[1,1,1],\"producer_timeout_s\":1.5}", TIMEOUT_ERR },
	{ "[1,2,3]", "must be a JSON object" },
	{ "\"shape\"", "must be a JSON object" },
	{ "42", "must be a JSON object" },
	{ "{}", "missing field \"shape\"" },
	{ "{\"preview\":{}}", "missing field \"shape\"" },
	{ "{\"shape\":null}", SHAPE_ERR },
	{ "{\"shape\":[]}", SHAPE_ERR },
	{ "{\"shape\":[1,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,1,1]}", SHAPE_ERR },
	{ "{\"shape\":\"1,1,1\"}", SHAPE_ERR },
	{ "{\"shape\":{\"z\":1}}", SHAPE_ERR },
	{ "{\"shape\":[\"1\",1,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,true,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,null]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,[1]]}", SHAPE_ERR },
	{ "{\"shape\":[0,1,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,0]}", SHAPE_ERR },
	{ "{\"shape\":[4097,1,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,4097,1]}", SHAPE_ERR },
	{ "{\"shape\":[-1,1,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,-4096]}", SHAPE_ERR },
	{ "{\"shape\":[1.0,1,1]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,2.5]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,4294967297]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,18446744073709551615]}", SHAPE_ERR },
	{ "{\"shape\":[1,1,1],\"color\":\"red\"}", "unknown field \"color\"" },
	{ "{\"color\":\"red\",\"shape\":[1,1,1]}", "unknown field \"color\"" },
	{ "{\"shape\":[1,1,1],\"Shape\":[1,1,1]}", "unknown field \"Shape\"" },
	{ "{\"shape\":[1,1,1],\"hz\":1}", "unknown field \"hz\"" },
	{ "{\"shape\":[1,1,1],\"preview\":{\"x\":1}}",
	    "unknown field \"preview.x\"" },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":1,\"shape\":[1,1,1]}}",
	    "unknown field \"preview.shape\"" },
	{ "{\"shape\":[1,1,1],\"dtype\":\"float32\"}",
	    "\"dtype\" must be \"uint8\"" },
	{ "{\"shape\":[1,1,1],\"dtype\":\"UINT8\"}",
	    "\"dtype\" must be \"uint8\"" },
	{ "{\"shape\":[1,1,1],\"dtype\":8}", "\"dtype\" must be \"uint8\"" },
	{ "{\"shape\":[1,1,1],\"dtype\":null}", "\"dtype\" must be \"uint8\"" },
	{ "{\"shape\":[1,1,1],\"preview\":1}", "\"preview\" must be an object" },
	{ "{\"shape\":[1,1,1],\"preview\":[]}",
	    "\"preview\" must be an object" },
	{ "{\"shape\":[1,1,1],\"preview\":null}",
	    "\"preview\" must be an object" },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":0}}", SCALE_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":-1}}", SCALE_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":4097}}", SCALE_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":\"2\"}}", SCALE_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":2.0}}", SCALE_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"scale\":null}}", SCALE_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":0.05}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":0}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":-1}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":31}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":30.001}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":\"1\"}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":true}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":NaN}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"preview\":{\"hz\":Infinity}}", HZ_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":-1}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":-0.001}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":604801}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":\"60\"}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":null}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":NaN}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"duration_s\":-Infinity}", DUR_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":-1}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":9007199254740992}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":18446744073709551615}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":\"1\"}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":1.5}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":1.0}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"seed\":null}", SEED_ERR },
	{ "{\"shape\":[1,1,1],\"producer\":\"gpu\"}", PROD_ERR },
	{ "{\"shape\":[1,1,1],\"producer\":\"Fake\"}", PROD_ERR },
	{ "{\"shape\":[1,1,1],\"producer\":\"\"}", PROD_ERR },
	{ "{\"shape\":[1,1,1],\"producer\":1}", PROD_ERR },
	{ "{\"shape\":[1,1,1],\"producer\":null}", PROD_ERR },
	/* Previews larger than MSG_PAYLOAD_MAX bytes. */
	{ "{\"shape\":[4096,4096,4096],\"preview\":{\"scale\":1}}",
	    "\"preview.scale\" 1 gives a preview of 68719476736 bytes, "
	    "more than 4194304" },
	{ "{\"shape\":[128,128,257],\"preview\":{\"scale\":1}}",
	    "\"preview.scale\" 1 gives a preview of 4210688 bytes" },
	{ "{\"shape\":[1024,1024,1024],\"preview\":{\"scale\":6}}",
	    "bytes, more than 4194304" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct json_object *
parse(const char *text)
{
	struct json_object *obj;

	obj = json_tokener_parse(text);
	if (obj == NULL)
		fprintf(stderr, "cannot parse %s\n", text);
	CU_ASSERT_FATAL(obj != NULL);
	return obj;
}

static void
test_good(void)
{
	const struct good_case *c;
	struct json_object *obj;
	struct jobspec js;
	char err[256];
	size_t i;
	int a;

	for (i = 0; i < NELEM(good_cases); i++) {
		c = &good_cases[i];
		obj = parse(c->json);
		err[0] = '\0';
		if (jobspec_parse(obj, &js, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", c->json, err);
			CU_FAIL("good request refused");
			json_object_put(obj);
			continue;
		}
		for (a = 0; a < 3; a++) {
			CU_ASSERT_EQUAL(js.shape[a], c->shape[a]);
			CU_ASSERT_EQUAL(js.pshape[a], c->pshape[a]);
			CU_ASSERT(js.pshape[a] >= 1);
			/* ceil(shape / scale), checked independently */
			CU_ASSERT(js.pshape[a] * js.scale >= js.shape[a]);
			CU_ASSERT((js.pshape[a] - 1) * js.scale < js.shape[a]);
		}
		CU_ASSERT_EQUAL(js.scale, c->scale);
		CU_ASSERT_DOUBLE_EQUAL(js.hz, c->hz, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(js.duration_s, c->duration_s, 1e-12);
		CU_ASSERT_EQUAL(js.has_seed, c->has_seed);
		if (c->has_seed)
			CU_ASSERT_EQUAL(js.seed, c->seed);
		CU_ASSERT_EQUAL(js.producer, c->producer);
		CU_ASSERT_STRING_EQUAL(err, "");
		json_object_put(obj);
	}
}

/* Without an explicit scale every preview axis is at most 64. */
static void
test_default_scale(void)
{
	static const uint32_t dims[] = { 1, 2, 63, 64, 65, 127, 128, 129,
	    1000, 4095, 4096 };
	struct json_object *obj;
	struct jobspec js;
	char text[128], err[256];
	size_t i, j;
	int a;

	for (i = 0; i < NELEM(dims); i++)
		for (j = 0; j < NELEM(dims); j++) {
			snprintf(text, sizeof(text), "{\"shape\":[%u,%u,7]}",
			    dims[i], dims[j]);
			obj = parse(text);
			CU_ASSERT_EQUAL_FATAL(jobspec_parse(obj, &js, err,
			    sizeof(err)), 0);
			for (a = 0; a < 3; a++)
				CU_ASSERT(js.pshape[a] <= JOBSPEC_PREVIEW_AXIS);
			/* The smallest such scale: one less is too small. */
			if (js.scale > 1)
				CU_ASSERT((dims[i] > dims[j] ? dims[i] :
				    dims[j]) > (js.scale - 1) *
				    JOBSPEC_PREVIEW_AXIS);
			json_object_put(obj);
		}
}

static void
test_bad(void)
{
	const struct bad_case *c;
	struct json_object *obj;
	struct jobspec js;
	char err[256];
	size_t i;

	for (i = 0; i < NELEM(bad_cases); i++) {
		c = &bad_cases[i];
		obj = parse(c->json);
		err[0] = '\0';
		CU_ASSERT_EQUAL(jobspec_parse(obj, &js, err, sizeof(err)), -1);
		if (strstr(err, c->want) == NULL) {
			fprintf(stderr, "%s: got \"%s\", want \"%s\"\n",
			    c->json, err, c->want);
			CU_FAIL("error does not name the field");
		}
		json_object_put(obj);
	}
}

static void
test_null(void)
{
	struct jobspec js;
	char err[256];

	CU_ASSERT_EQUAL(jobspec_parse(NULL, &js, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "the job request must be a JSON object");
	/* A short buffer is cut, never overrun. */
	memset(err, 'x', sizeof(err));
	CU_ASSERT_EQUAL(jobspec_parse(NULL, &js, err, 8), -1);
	CU_ASSERT_EQUAL(strlen(err), 7);
	CU_ASSERT_EQUAL(err[8], 'x');
}

/* Unknown keys are cut to 64 bytes, not inside a UTF-8 character. */
static void
test_long_key(void)
{
	struct json_object *obj;
	struct jobspec js;
	char key[128], text[256], want[128], err[256];

	memset(key, 'a', 100);
	key[100] = '\0';
	snprintf(text, sizeof(text), "{\"shape\":[1,1,1],\"%s\":1}", key);
	obj = parse(text);
	CU_ASSERT_EQUAL(jobspec_parse(obj, &js, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "unknown field \"%.64s\"", key);
	CU_ASSERT_STRING_EQUAL(err, want);
	json_object_put(obj);

	/* 63 bytes, then a two-byte character across the cut. */
	memset(key, 'a', 63);
	strcpy(key + 63, "\xc3\xa9zz");
	snprintf(text, sizeof(text), "{\"shape\":[1,1,1],\"preview\":"
	    "{\"%s\":1}}", key);
	obj = parse(text);
	CU_ASSERT_EQUAL(jobspec_parse(obj, &js, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "unknown field \"preview.%.63s\"", key);
	CU_ASSERT_STRING_EQUAL(err, want);
	json_object_put(obj);

	/* Exactly 64 bytes: kept whole. */
	memset(key, 'b', 64);
	key[64] = '\0';
	snprintf(text, sizeof(text), "{\"shape\":[1,1,1],\"%s\":1}", key);
	obj = parse(text);
	CU_ASSERT_EQUAL(jobspec_parse(obj, &js, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "unknown field \"%.64s\"", key);
	CU_ASSERT_STRING_EQUAL(err, want);
	json_object_put(obj);
}

/*
 * What json-c lets through but is not UTF-8 (overlong forms,
 * surrogates, code points over U+10FFFF) never reaches the message.
 */
static void
test_bad_utf8_key(void)
{
	static const struct {
		const char	*key;
		const char	*want;
	} cases[] = {
		{ "\xc0\xaf", "unknown field \"\"" },
		{ "ab\xc0\xaf" "cd", "unknown field \"ab\"" },
		{ "ab\xe0\x80\xaf" "cd", "unknown field \"ab\"" },
		{ "ab\xed\xa0\x80" "cd", "unknown field \"ab\"" },
		{ "ab\xf4\x90\x80\x80" "cd", "unknown field \"ab\"" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		    "unknown field \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	};
	struct json_object *obj;
	struct jobspec js;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		obj = json_object_new_object();
		json_object_object_add(obj, "shape",
		    json_tokener_parse("[1,1,1]"));
		json_object_object_add(obj, cases[i].key,
		    json_object_new_int(1));
		CU_ASSERT_EQUAL(jobspec_parse(obj, &js, err, sizeof(err)), -1);
		CU_ASSERT_STRING_EQUAL(err, cases[i].want);
		json_object_put(obj);
	}
}

static int64_t
get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	CU_ASSERT_FATAL(json_object_object_get_ex(o, key, &v));
	CU_ASSERT(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static double
get_double(struct json_object *o, const char *key)
{
	struct json_object *v;

	CU_ASSERT_FATAL(json_object_object_get_ex(o, key, &v));
	CU_ASSERT(json_object_is_type(v, json_type_double) ||
	    json_object_is_type(v, json_type_int));
	return json_object_get_double(v);
}

static const char *
get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	CU_ASSERT_FATAL(json_object_object_get_ex(o, key, &v));
	CU_ASSERT_FATAL(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static void
check_shape(struct json_object *o, const char *key, const uint32_t *want)
{
	struct json_object *v;
	size_t i;

	CU_ASSERT_FATAL(json_object_object_get_ex(o, key, &v));
	CU_ASSERT_FATAL(json_object_is_type(v, json_type_array));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(v), 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(json_object_get_int64(
		    json_object_array_get_idx(v, i)), want[i]);
}

/*
 * jobspec_to_json holds every field with the defaults filled in, and
 * its request form, without the computed preview.shape, parses back to
 * the same spec.
 */
static void
test_to_json(void)
{
	static const char *const texts[] = {
		"{\"shape\":[65,10,10]}",
		"{\"shape\":[3,4,5],\"preview\":{\"scale\":2,\"hz\":4.5},"
		    "\"duration_s\":0,\"seed\":42,\"producer\":\"external\"}",
		"{\"shape\":[4096,1,4096],\"seed\":9007199254740991}",
		"{\"shape\":[2,2,2],\"labels\":116,\"producer\":\"external\","
		    "\"producer_timeout_s\":0}",
	};
	struct json_object *obj, *o, *p, *back;
	struct jobspec js, js2;
	char err[256];
	size_t i;

	for (i = 0; i < NELEM(texts); i++) {
		obj = parse(texts[i]);
		CU_ASSERT_EQUAL_FATAL(jobspec_parse(obj, &js, err,
		    sizeof(err)), 0);
		json_object_put(obj);
		o = jobspec_to_json(&js, JOBSPEC_AS_RESOURCE);
		CU_ASSERT_FATAL(o != NULL);

		check_shape(o, "shape", js.shape);
		CU_ASSERT_STRING_EQUAL(get_string(o, "dtype"), "uint8");
		CU_ASSERT_DOUBLE_EQUAL(get_double(o, "duration_s"),
		    js.duration_s, 1e-12);
		CU_ASSERT_EQUAL(get_int(o, "seed"), js.seed);
		CU_ASSERT_STRING_EQUAL(get_string(o, "producer"),
		    jobspec_producer_name(js.producer));
		CU_ASSERT_FATAL(json_object_object_get_ex(o, "preview", &p));
		CU_ASSERT_EQUAL(get_int(p, "scale"), js.scale);
		CU_ASSERT_DOUBLE_EQUAL(get_double(p, "hz"), js.hz, 1e-12);
		check_shape(p, "shape", js.pshape);
		/* With the defaults, the fields of old; labels beyond one
		 * and an external job's timeout besides. */
		CU_ASSERT_EQUAL(json_object_object_length(o), 6 +
		    (js.labels > 1) + (js.producer == JOBSPEC_EXTERNAL));
		CU_ASSERT_EQUAL(json_object_object_length(p), 3);

		json_object_put(o);

		/* The request form, through text, as a client or the
		 * journal sends it back: all but the computed shape. */
		o = jobspec_to_json(&js, JOBSPEC_AS_REQUEST);
		CU_ASSERT_FATAL(o != NULL);
		CU_ASSERT_FATAL(json_object_object_get_ex(o, "preview", &p));
		CU_ASSERT_FALSE(json_object_object_get_ex(p, "shape", NULL));
		CU_ASSERT_EQUAL(json_object_object_length(o), 6 +
		    (js.labels > 1) + (js.producer == JOBSPEC_EXTERNAL));
		CU_ASSERT_EQUAL(json_object_object_length(p), 2);
		back = parse(json_object_to_json_string(o));
		CU_ASSERT_EQUAL(jobspec_parse(back, &js2, err, sizeof(err)),
		    0);
		CU_ASSERT_EQUAL(memcmp(js2.shape, js.shape, sizeof(js.shape)),
		    0);
		CU_ASSERT_EQUAL(memcmp(js2.pshape, js.pshape,
		    sizeof(js.pshape)), 0);
		CU_ASSERT_EQUAL(js2.scale, js.scale);
		CU_ASSERT_DOUBLE_EQUAL(js2.hz, js.hz, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(js2.duration_s, js.duration_s, 1e-12);
		CU_ASSERT_EQUAL(js2.seed, js.seed);
		CU_ASSERT(js2.has_seed);
		CU_ASSERT_EQUAL(js2.producer, js.producer);
		CU_ASSERT_EQUAL(js2.labels, js.labels);
		CU_ASSERT_EQUAL(js2.producer_timeout_s, js.producer_timeout_s);
		json_object_put(back);
		json_object_put(o);
	}
}

/* labels and producer_timeout_s: their defaults and their bounds. */
static void
test_labels_timeout(void)
{
	static const struct {
		const char	*json;
		int		 labels, timeout;
	} cases[] = {
		{ "{\"shape\":[1,1,1]}", 1, 60 },
		{ "{\"shape\":[1,1,1],\"labels\":1}", 1, 60 },
		{ "{\"shape\":[1,1,1],\"labels\":2}", 2, 60 },
		{ "{\"shape\":[1,1,1],\"labels\":255}", 255, 60 },
		{ "{\"shape\":[1,1,1],\"producer_timeout_s\":0}", 1, 0 },
		{ "{\"shape\":[1,1,1],\"producer_timeout_s\":86400,"
		    "\"producer\":\"external\"}", 1, 86400 },
	};
	struct json_object *obj;
	struct jobspec js;
	char err[256];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		obj = parse(cases[i].json);
		CU_ASSERT_EQUAL(jobspec_parse(obj, &js, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(js.labels, cases[i].labels);
		CU_ASSERT_EQUAL(js.producer_timeout_s, cases[i].timeout);
		json_object_put(obj);
	}
}

static void
test_producer_name(void)
{
	CU_ASSERT_STRING_EQUAL(jobspec_producer_name(JOBSPEC_FAKE), "fake");
	CU_ASSERT_STRING_EQUAL(jobspec_producer_name(JOBSPEC_EXTERNAL),
	    "external");
}

static CU_TestInfo cases[] = {
	{ "good requests and their defaults", test_good },
	{ "default scale keeps axes <= 64", test_default_scale },
	{ "bad requests name the field", test_bad },
	{ "NULL request, short error buffer", test_null },
	{ "long unknown keys are cut", test_long_key },
	{ "malformed UTF-8 in unknown keys is cut", test_bad_utf8_key },
	{ "jobspec_to_json round trip", test_to_json },
	{ "labels and producer_timeout_s", test_labels_timeout },
	{ "producer names", test_producer_name },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("jobspec", cases);
}
