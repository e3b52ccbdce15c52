/*
 * test_histo.c: histograms of seconds (common/histo.c): which bucket an
 * observation falls in, the JSON form there and back, and the JSON the
 * reader refuses.
 */
#include <string.h>

#include "histo.h"
#include "unit.h"

static void
test_observe(void)
{
	struct histo h;

	histo_init(&h);
	CU_ASSERT_EQUAL(h.nbounds, 14);
	CU_ASSERT_EQUAL(h.le[0], 0.0005);
	CU_ASSERT_EQUAL(h.le[13], 10);
	histo_observe(&h, 0.0005);	/* on a bound: that bucket (le) */
	histo_observe(&h, 0.00051);
	histo_observe(&h, -1);		/* a clock step back: 0 */
	histo_observe(&h, 10.5);	/* past every bound */
	CU_ASSERT_EQUAL(h.counts[0], 2);
	CU_ASSERT_EQUAL(h.counts[1], 1);
	CU_ASSERT_EQUAL(h.counts[14], 1);
	CU_ASSERT_EQUAL(histo_count(&h), 4);
	CU_ASSERT_DOUBLE_EQUAL(h.sum, 10.50101, 1e-9);
}

static void
test_json(void)
{
	struct histo h, back;
	struct json_object *o;
	const char *errstr;
	int i;

	histo_init(&h);
	for (i = 0; i < 100; i++)
		histo_observe(&h, i * 0.01);
	o = histo_to_json(&h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(histo_from_json(o, &back, &errstr), 0);
	CU_ASSERT_EQUAL(back.nbounds, h.nbounds);
	CU_ASSERT(memcmp(back.le, h.le, sizeof(h.le)) == 0);
	CU_ASSERT(memcmp(back.counts, h.counts, sizeof(h.counts)) == 0);
	CU_ASSERT_DOUBLE_EQUAL(back.sum, h.sum, 1e-9);
	json_object_put(o);
}

static void
refused(const char *text, const char *why)
{
	struct json_object *o = json_tokener_parse(text);
	const char *errstr = NULL;
	struct histo h;

	CU_ASSERT_EQUAL(histo_from_json(o, &h, &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errstr);
	if (strstr(errstr, why) == NULL)
		CU_FAIL(errstr);
	json_object_put(o);
}

static void
test_refused(void)
{
	refused("[]", "an object");
	refused("{\"le\":[1],\"counts\":[1,2]}", "an object");
	refused("{\"le\":[2,1],\"counts\":[0,0,0],\"sum\":0}", "ascending");
	refused("{\"le\":[1,1],\"counts\":[0,0,0],\"sum\":0}", "ascending");
	refused("{\"le\":[-1],\"counts\":[0,0],\"sum\":0}", "non-negative");
	refused("{\"le\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
	    "21,22,23,24,25],\"counts\":[0],\"sum\":0}", "at most 24");
	refused("{\"le\":[1],\"counts\":[0],\"sum\":0}", "one more");
	refused("{\"le\":[1],\"counts\":[0,-1],\"sum\":0}", "one more");
	refused("{\"le\":[1],\"counts\":[0,1.5],\"sum\":0}", "one more");
	refused("{\"le\":[1],\"counts\":[9007199254740992,1],\"sum\":0}",
	    "2^53");
	refused("{\"le\":[1],\"counts\":[9223372036854775807,"
	    "9223372036854775807],\"sum\":0}", "2^53");
	refused("{\"le\":[1],\"counts\":[0,1],\"sum\":-2}", "\"sum\"");
	refused("{\"le\":[1],\"counts\":[0,1],\"sum\":\"x\"}", "\"sum\"");
}

static CU_TestInfo cases[] = {
	{ "observations and their buckets", test_observe },
	{ "the JSON form, there and back", test_json },
	{ "JSON the reader refuses", test_refused },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("histo", cases);
}
