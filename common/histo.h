/*
 * histo.h: histograms of durations in seconds with fixed bucket bounds,
 * as Prometheus exposes them, and their JSON form in the control
 * channel's stats reply: {"le":[bounds],"counts":[per bucket, the last
 * past every bound],"sum":seconds}.  The streamer observes; fcgi-api
 * reads the JSON back (checked) and writes the exposition.
 */
#ifndef MS_HISTO_H
#define MS_HISTO_H

#include <stdint.h>

#include <json-c/json.h>

#define HISTO_BOUNDS_MAX	24
#define HISTO_COUNT_MAX		(UINT64_C(1) << 53)	/* exact as a double */

struct histo {
	int		 nbounds;
	double		 le[HISTO_BOUNDS_MAX];	/* ascending upper bounds */
	uint64_t	 counts[HISTO_BOUNDS_MAX + 1];	/* the last: +Inf */
	double		 sum;
};

/*
 * Empties h and gives it the bounds of a latency in a daemon: 0.5 ms to
 * 10 s, about three to a decade.
 */
void		 histo_init(struct histo *h);

/* One observation of s seconds (negative counts as 0). */
void		 histo_observe(struct histo *h, double s);

/* Observations in all. */
uint64_t	 histo_count(const struct histo *h);

/* The JSON form; NULL when memory ran out. */
struct json_object *histo_to_json(const struct histo *h);

/*
 * Reads the JSON form into h: at most HISTO_BOUNDS_MAX finite bounds in
 * ascending order, one more count than bounds, each a non-negative
 * integer, all adding up to at most HISTO_COUNT_MAX, a finite
 * non-negative sum.  0, or -1 with *errstr.
 */
int		 histo_from_json(struct json_object *o, struct histo *h,
		    const char **errstr);

#endif
