/*
 * jsonnum.c: the numbers of the benchmark programs' JSON reports: reals
 * with a fixed number of decimals, milliseconds from microseconds (null
 * for none), tables of counts, and a histogram's quantiles.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "loadgen.h"

struct json_object *
jsonnum_real(double v, int decimals)
{
	char s[64];

	if (!isfinite(v))
		return NULL;
	snprintf(s, sizeof(s), "%.*f", decimals, v);
	return json_object_new_double_s(v, s);
}

struct json_object *
jsonnum_ms(int64_t us)
{
	return us < 0 ? NULL : jsonnum_real((double)us / 1000.0, 3);
}

struct json_object *
jsonnum_counts(const struct lg_count *t)
{
	struct json_object *o = json_object_new_object();
	char key[16];
	int i;

	for (i = 0; i < LG_STATUS_MAX; i++) {
		if (t[i].n == 0)
			continue;
		if (t[i].key == -1)
			snprintf(key, sizeof(key), "other");
		else
			snprintf(key, sizeof(key), "%d", t[i].key);
		json_object_object_add(o, key,
		    json_object_new_int64((int64_t)t[i].n));
	}
	return o;
}

struct json_object *
jsonnum_quantiles(const struct hist *h, int p999)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "p50", jsonnum_ms(hist_quantile(h, 0.50)));
	json_object_object_add(o, "p99", jsonnum_ms(hist_quantile(h, 0.99)));
	if (p999)
		json_object_object_add(o, "p999", jsonnum_ms(hist_quantile(h, 0.999)));
	json_object_object_add(o, "max", jsonnum_ms(h->n ? h->max : -1));
	return o;
}
