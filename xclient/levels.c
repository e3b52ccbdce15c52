/*
 * levels.c: window and level.  The automatic default spans the 1st to
 * the 99th percentile of the volume (a fixed-stride sample of at most
 * LEVELS_SAMPLE voxels); CT presets are in Hounsfield units, MR ones in
 * percentiles, since MR intensities have no absolute scale.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "levels.h"

static const struct {
	const char	*name;
	double		 window, level;	/* CT: fixed values */
} presets[] = {
	[LEVELS_AUTO] = { "auto", 0, 0 },
	[LEVELS_CT_SOFT] = { "ct-soft", 400, 40 },
	[LEVELS_CT_LUNG] = { "ct-lung", 1500, -600 },
	[LEVELS_CT_BONE] = { "ct-bone", 1800, 400 },
	[LEVELS_MR_WIDE] = { "mr-wide", 0, 0 },
	[LEVELS_MR_NARROW] = { "mr-narrow", 0, 0 },
};

#define WINDOW_MIN	1e-9
#define WINDOW_MAX	1e12

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value below which a fraction p of the sorted sample lies. */
static double
at(const double *s, size_t n, double p)
{
	size_t i = (size_t)floor(p * (double)(n - 1) + 0.5);

	return s[i < n ? i : n - 1];
}

/* Fills st from the volume's finite values; -1 when out of memory. */
int
levels_stats(const struct volume *v, struct levels_stats *st)
{
	size_t n = volume_voxels(v), stride, i, k = 0;
	double *s, x;

	memset(st, 0, sizeof(*st));
	stride = n > LEVELS_SAMPLE ? (n + LEVELS_SAMPLE - 1) / LEVELS_SAMPLE :
	    1;
	if ((s = malloc((n / stride + 1) * sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < n; i += stride)
		if (isfinite(x = volume_at(v, i)))
			s[k++] = x;
	if (k > 0) {
		qsort(s, k, sizeof(*s), cmp_double);
		st->min = s[0];
		st->max = s[k - 1];
		st->p0_5 = at(s, k, 0.005);
		st->p1 = at(s, k, 0.01);
		st->p5 = at(s, k, 0.05);
		st->p95 = at(s, k, 0.95);
		st->p99 = at(s, k, 0.99);
		st->p99_5 = at(s, k, 0.995);
	}
	st->sampled = k;
	free(s);
	return 0;
}

/* The synthetic slice's values are 0 .. 255, shown as they are. */
void
levels_synthetic(struct levels_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->p95 = st->p99 = st->p99_5 = st->max = 255;
	st->sampled = 1;
}

static void
span(double lo, double hi, struct levels *lv)
{
	lv->window = hi - lo > WINDOW_MIN ? hi - lo : 1.0;
	lv->level = lo + (hi - lo) / 2;
}

void
levels_preset(enum levels_preset p, const struct levels_stats *st,
    struct levels *lv)
{
	switch (p) {
	case LEVELS_AUTO:
		span(st->p1, st->p99, lv);
		break;
	case LEVELS_MR_WIDE:
		span(st->p0_5, st->p99_5, lv);
		break;
	case LEVELS_MR_NARROW:
		span(st->p5, st->p95, lv);
		break;
	default:
		lv->window = presets[p].window;
		lv->level = presets[p].level;
		break;
	}
}

const char *
levels_preset_name(enum levels_preset p)
{
	return presets[p].name;
}

int
levels_parse_preset(const char *name, enum levels_preset *p)
{
	int i;

	for (i = 0; i < LEVELS_PRESETS; i++)
		if (strcmp(name, presets[i].name) == 0) {
			*p = (enum levels_preset)i;
			return 0;
		}
	return -1;
}

/* 0 at level - window/2 and below, 255 at level + window/2 and above. */
uint8_t
levels_grey(const struct levels *lv, double value)
{
	double g = (value - (lv->level - lv->window / 2)) * 255.0 /
	    lv->window;

	if (!(g > 0))		/* NaN too */
		return 0;
	return g >= 255 ? 255 : (uint8_t)(g + 0.5);
}

/* Window times factor; the level moves by steps twentieths of it. */
void
levels_adjust(struct levels *lv, double window_factor, double level_steps)
{
	double w = lv->window * window_factor;

	if (isfinite(w))
		lv->window = w < WINDOW_MIN ? WINDOW_MIN : w > WINDOW_MAX ?
		    WINDOW_MAX : w;
	lv->level += level_steps * lv->window / 20;
	if (!isfinite(lv->level))
		lv->level = 0;
}
