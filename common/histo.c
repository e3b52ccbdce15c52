/*
 * histo.c: fixed-bound histograms of seconds and their JSON form in the
 * control channel (histo.h).
 */
#include <math.h>
#include <string.h>

#include "histo.h"

/* Prometheus' default buckets, with 0.5 ms and 1 ms below them. */
static const double default_le[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5, 10
};

void
histo_init(struct histo *h)
{
	memset(h, 0, sizeof(*h));
	h->nbounds = (int)(sizeof(default_le) / sizeof(default_le[0]));
	memcpy(h->le, default_le, sizeof(default_le));
}

void
histo_observe(struct histo *h, double s)
{
	int i;

	if (!(s > 0))
		s = 0;
	for (i = 0; i < h->nbounds && s > h->le[i]; i++)
		;
	h->counts[i]++;
	h->sum += s;
}

uint64_t
histo_count(const struct histo *h)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i <= h->nbounds; i++)
		n += h->counts[i];
	return n;
}

struct json_object *
histo_to_json(const struct histo *h)
{
	struct json_object *o, *le, *counts;
	int i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	le = json_object_new_array();
	counts = json_object_new_array();
	if (le == NULL || counts == NULL) {
		json_object_put(le);
		json_object_put(counts);
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < h->nbounds; i++)
		json_object_array_add(le, json_object_new_double(h->le[i]));
	for (i = 0; i <= h->nbounds; i++)
		json_object_array_add(counts,
		    json_object_new_int64((int64_t)h->counts[i]));
	json_object_object_add(o, "le", le);
	json_object_object_add(o, "counts", counts);
	json_object_object_add(o, "sum", json_object_new_double(h->sum));
	return o;
}

static int
number(struct json_object *v, double *d)
{
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return -1;
	*d = json_object_get_double(v);
	return isfinite(*d) && *d >= 0 ? 0 : -1;
}

static int
read_bounds(struct json_object *le, struct histo *h, const char **errstr)
{
	size_t i, n;
	double d;

	*errstr = "histogram: \"le\" must be at most 24 ascending, finite, "
	    "non-negative numbers";
	if (!json_object_is_type(le, json_type_array) ||
	    (n = json_object_array_length(le)) > HISTO_BOUNDS_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (number(json_object_array_get_idx(le, i), &d) == -1 ||
		    (i > 0 && !(d > h->le[i - 1])))
			return -1;
		h->le[i] = d;
	}
	h->nbounds = (int)n;
	return 0;
}

static int
read_counts(struct json_object *counts, struct histo *h, const char **errstr)
{
	struct json_object *v;
	uint64_t total = 0;
	int64_t n;
	int i;

	*errstr = "histogram: \"counts\" must be one more non-negative "
	    "integer than \"le\" has bounds, adding up to at most 2^53";
	if (!json_object_is_type(counts, json_type_array) ||
	    json_object_array_length(counts) != (size_t)h->nbounds + 1)
		return -1;
	for (i = 0; i <= h->nbounds; i++) {
		v = json_object_array_get_idx(counts, (size_t)i);
		if (!json_object_is_type(v, json_type_int) ||
		    (n = json_object_get_int64(v)) < 0 ||
		    (uint64_t)n > HISTO_COUNT_MAX - total)
			return -1;
		total += (uint64_t)n;
		h->counts[i] = (uint64_t)n;
	}
	return 0;
}

int
histo_from_json(struct json_object *o, struct histo *h, const char **errstr)
{
	struct json_object *le, *counts, *sum;

	memset(h, 0, sizeof(*h));
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "le", &le) ||
	    !json_object_object_get_ex(o, "counts", &counts) ||
	    !json_object_object_get_ex(o, "sum", &sum)) {
		*errstr = "histogram: an object with \"le\", \"counts\" and "
		    "\"sum\" expected";
		return -1;
	}
	if (read_bounds(le, h, errstr) == -1 ||
	    read_counts(counts, h, errstr) == -1)
		return -1;
	if (number(sum, &h->sum) == -1) {
		*errstr = "histogram: \"sum\" must be a finite, non-negative "
		    "number";
		return -1;
	}
	return 0;
}
