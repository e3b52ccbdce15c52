/*
 * test_levels.c: window and level: percentiles of known volumes (NaN
 * skipped), the presets, the grey of a value, and adjustments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "levels.h"
#include "unit.h"

/* A float32 volume of the values 0 .. n-1 scrambled, and some NaN. */
static void
ramp(struct volume *v, uint32_t n, int nans)
{
	float *d = malloc(n * sizeof(*d));
	uint32_t i;

	memset(v, 0, sizeof(*v));
	v->shape[0] = 1;
	v->shape[1] = 1;
	v->shape[2] = n;
	v->dtype = VOLUME_FLOAT32;
	v->slope = 1;
	for (i = 0; i < n; i++)
		d[i] = (float)((i * 7919u) % n);
	/* nans NaN voxels, every third from the first; all of them: -1 */
	for (i = 0; i < n && (nans < 0 || i < (uint32_t)nans * 3); i++)
		if (nans < 0 || i % 3 == 0)
			d[i] = NAN;
	v->data = d;
	v->nbytes = n * sizeof(*d);
}

static void
test_percentiles(void)
{
	struct levels_stats st;
	struct levels lv;
	struct volume v;

	ramp(&v, 1001, 0);
	CU_ASSERT_EQUAL_FATAL(levels_stats(&v, &st), 0);
	CU_ASSERT_EQUAL(st.sampled, 1001);
	CU_ASSERT_DOUBLE_EQUAL(st.min, 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(st.max, 1000, 0);
	CU_ASSERT_DOUBLE_EQUAL(st.p1, 10, 0);
	CU_ASSERT_DOUBLE_EQUAL(st.p99, 990, 0);
	CU_ASSERT_DOUBLE_EQUAL(st.p5, 50, 0);
	CU_ASSERT_DOUBLE_EQUAL(st.p99_5, 995, 0);
	levels_preset(LEVELS_AUTO, &st, &lv);
	CU_ASSERT_DOUBLE_EQUAL(lv.window, 980, 0);
	CU_ASSERT_DOUBLE_EQUAL(lv.level, 500, 0);
	levels_preset(LEVELS_MR_NARROW, &st, &lv);
	CU_ASSERT_DOUBLE_EQUAL(lv.window, 900, 0);
	volume_free(&v);

	/* NaN voxels are not values. */
	ramp(&v, 1001, 100);
	CU_ASSERT_EQUAL_FATAL(levels_stats(&v, &st), 0);
	CU_ASSERT_EQUAL(st.sampled, 901);
	CU_ASSERT(isfinite(st.p1) && isfinite(st.p99));
	volume_free(&v);

	/* A constant volume still has a window. */
	ramp(&v, 5, -1);
	levels_stats(&v, &st);
	CU_ASSERT_EQUAL(st.sampled, 0);
	levels_preset(LEVELS_AUTO, &st, &lv);
	CU_ASSERT(lv.window > 0);
	volume_free(&v);
}

static void
test_presets(void)
{
	struct levels_stats st;
	struct levels lv;
	enum levels_preset p;

	memset(&st, 0, sizeof(st));
	levels_preset(LEVELS_CT_LUNG, &st, &lv);
	CU_ASSERT_DOUBLE_EQUAL(lv.window, 1500, 0);
	CU_ASSERT_DOUBLE_EQUAL(lv.level, -600, 0);
	CU_ASSERT_EQUAL(levels_parse_preset("ct-bone", &p), 0);
	CU_ASSERT_EQUAL(p, LEVELS_CT_BONE);
	CU_ASSERT_STRING_EQUAL(levels_preset_name(LEVELS_CT_SOFT), "ct-soft");
	CU_ASSERT_EQUAL(levels_parse_preset("bone", &p), -1);
}

static void
test_grey(void)
{
	struct levels_stats st;
	struct levels lv = { 400, 40 };
	int v;

	/* soft tissue: -160 HU black, 240 HU white */
	CU_ASSERT_EQUAL(levels_grey(&lv, -1000), 0);
	CU_ASSERT_EQUAL(levels_grey(&lv, -160), 0);
	CU_ASSERT_EQUAL(levels_grey(&lv, 40), 128);
	CU_ASSERT_EQUAL(levels_grey(&lv, 240), 255);
	CU_ASSERT_EQUAL(levels_grey(&lv, 3000), 255);
	CU_ASSERT_EQUAL(levels_grey(&lv, NAN), 0);
	/* the synthetic slice is shown as it is */
	levels_synthetic(&st);
	levels_preset(LEVELS_AUTO, &st, &lv);
	for (v = 0; v < 256; v++)
		CU_ASSERT_EQUAL(levels_grey(&lv, v), v);
}

static void
test_adjust(void)
{
	struct levels lv = { 100, 50 };

	levels_adjust(&lv, 0.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(lv.window, 50, 1e-9);
	levels_adjust(&lv, 1, 2);
	CU_ASSERT_DOUBLE_EQUAL(lv.level, 55, 1e-9);
	levels_adjust(&lv, 1e-30, 0);
	CU_ASSERT(lv.window > 0);
	levels_adjust(&lv, 1e300, 0);
	CU_ASSERT(isfinite(lv.window));
	levels_adjust(&lv, 1e300, 1e300);
	CU_ASSERT(isfinite(lv.level));
}

static CU_TestInfo cases[] = {
	{ "percentiles and the automatic default", test_percentiles },
	{ "CT and MR presets", test_presets },
	{ "grey of a value", test_grey },
	{ "window and level adjusted", test_adjust },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("levels", cases);
}
