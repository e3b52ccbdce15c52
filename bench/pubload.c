/*
 * pubload.c: bench/pubload, the producer of the publish benchmark.  It
 * PUTs previews to one external job's /api/jobs/<id>/preview through
 * nginx, tick k at start + k / hz (an absolute cadence, like the fake
 * producer's), for a number of seconds, and prints what the PUTs met as
 * one JSON line: answers by status, round trips, mask bytes accepted.
 *
 * Each preview's first 8 voxels are the wall-clock microseconds at which
 * its PUT began, little-endian, for loadgen --stamp to measure latency
 * from; the job must take voxels up to 255 ("labels":255).  The rest is a
 * ball that grows with k, so deflate meets a mask's usual runs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "http.h"
#include "loadgen.h"
#include "now.h"
#include "zpay.h"

struct options {
	const char	*url;
	const char	*job;
	const char	*token;
	unsigned	 shape[3];	/* the job's preview shape: z, y, x */
	double		 hz;
	long		 duration_s;
	int		 deflate;
};

struct results {
	uint64_t	 puts;
	uint64_t	 accepted;	/* 202 */
	uint64_t	 failed;	/* no answer */
	uint64_t	 late;		/* began a period or more after due */
	uint64_t	 body_bytes;
	struct lg_count	 status[LG_STATUS_MAX];
	struct hist	 rtt;		/* microseconds, PUT start to answer */
	char		 error[1400];	/* the first failure or refusal */
};

static void __attribute__((noreturn))
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "pubload: %s\n", why);
	fprintf(stderr, "usage: pubload --url URL --job ID --token PTOKEN "
	    "--shape ZxYxX\n"
	    "               [--hz f] [--duration s] [--deflate]\n");
	exit(64);
}

static double
real(const char *s, const char *name, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= min && v <= max)) {
		fprintf(stderr, "pubload: %s must be a number in %g..%g\n",
		    name, min, max);
		usage(NULL);
	}
	return v;
}

static void
parse_shape(const char *s, unsigned shape[3])
{
	char tail;

	if (sscanf(s, "%ux%ux%u%c", &shape[0], &shape[1], &shape[2],
	    &tail) != 3 || shape[0] == 0 || shape[1] == 0 || shape[2] == 0 ||
	    shape[0] > 1024 || shape[1] > 1024 || shape[2] > 1024)
		usage("--shape must be ZxYxX, each 1..1024");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "job", required_argument, NULL, 'j' },
		{ "token", required_argument, NULL, 't' },
		{ "shape", required_argument, NULL, 's' },
		{ "hz", required_argument, NULL, 'z' },
		{ "duration", required_argument, NULL, 'd' },
		{ "deflate", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->hz = 1;
	o->duration_s = 10;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': o->url = optarg; break;
		case 'j': o->job = optarg; break;
		case 't': o->token = optarg; break;
		case 's': parse_shape(optarg, o->shape); break;
		case 'z': o->hz = real(optarg, "--hz", 0.1, 1000); break;
		case 'd': o->duration_s = (long)real(optarg, "--duration", 1,
			    LG_SECONDS_MAX);
			break;
		case 'D': o->deflate = 1; break;
		default: usage(NULL);
		}
	}
	if (optind != argc || o->url == NULL || o->job == NULL ||
	    o->token == NULL || o->shape[0] == 0)
		usage("--url, --job, --token and --shape are required");
}

/* A ball about the centre whose radius grows with k, then restarts. */
static void
draw_ball(uint8_t *v, const unsigned s[3], uint64_t k)
{
	double r = (double)s[2] / 2 * (double)(k % 20 + 1) / 20;
	unsigned x, y, z;
	double dx, dy, dz;

	for (z = 0; z < s[0]; z++)
		for (y = 0; y < s[1]; y++)
			for (x = 0; x < s[2]; x++) {
				dz = z - s[0] / 2.0;
				dy = y - s[1] / 2.0;
				dx = x - s[2] / 2.0;
				*v++ = dx * dx + dy * dy + dz * dz < r * r;
			}
}

static void
stamp(uint8_t *v, int64_t us)
{
	int i;

	for (i = 0; i < 8; i++)
		v[i] = (uint8_t)((uint64_t)us >> (8 * i));
}

static void
sleep_until_wall(int64_t us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* One PUT of the n voxels at v, deflated first if asked; counted in r. */
static void
put_one(struct http *h, const struct options *o, const char *path,
    uint8_t *v, size_t n, uint8_t *z, size_t zcap, struct results *r)
{
	const char *errstr;
	const void *body = v;
	size_t len = n;
	int64_t t0 = now_mono_us();

	/* The stamp is the wall clock's, which loadgen shares; the round
	 * trip the monotonic clock's. */
	stamp(v, now_wall_us());
	if (o->deflate) {
		if (zpay_compress(z, zcap, v, n, &len, &errstr) == -1) {
			fprintf(stderr, "pubload: %s\n", errstr);
			exit(1);
		}
		body = z;
	}
	r->puts++;
	r->body_bytes += len;
	if (http_request(h, "PUT", path, body, len, "application/octet-stream",
	    o->deflate ? "deflate" : NULL) == -1) {
		r->failed++;
		if (r->error[0] == '\0')
			snprintf(r->error, sizeof(r->error), "%s", h->error);
		return;
	}
	hist_add(&r->rtt, now_mono_us() - t0);
	stats_count(r->status, (int)h->status);
	if (h->status == 202)
		r->accepted++;
	else if (r->error[0] == '\0')
		snprintf(r->error, sizeof(r->error), "%ld %s", h->status,
		    h->body != NULL ? h->body : "");
}

static void
print_results(const struct options *o, const struct results *r, size_t n)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "puts", json_object_new_int64(
	    (int64_t)r->puts));
	json_object_object_add(j, "accepted", json_object_new_int64(
	    (int64_t)r->accepted));
	json_object_object_add(j, "failed", json_object_new_int64(
	    (int64_t)r->failed));
	json_object_object_add(j, "late", json_object_new_int64(
	    (int64_t)r->late));
	json_object_object_add(j, "status", jsonnum_counts(r->status));
	json_object_object_add(j, "put_ms", jsonnum_quantiles(&r->rtt, 0));
	json_object_object_add(j, "body_bytes_per_put", json_object_new_int64(
	    r->puts ? (int64_t)(r->body_bytes / r->puts) : 0));
	/* Mask data the job took, per second of the run. */
	json_object_object_add(j, "mask_mb_per_s", jsonnum_real(
	    (double)r->accepted * (double)n / 1e6 / (double)o->duration_s, 3));
	if (r->error[0] != '\0')
		json_object_object_add(j, "first_error",
		    json_object_new_string(r->error));
	printf("%s\n", json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct results *r;
	struct http h;
	uint8_t *v, *z;
	char path[256];
	size_t n, zcap;
	int64_t start, due, period_us;
	uint64_t k, ticks;

	parse_options(argc, argv, &o);
	n = (size_t)o.shape[0] * o.shape[1] * o.shape[2];
	if (n < 8)
		usage("the preview must hold at least 8 voxels (the stamp)");
	zcap = zpay_bound(n);
	v = malloc(n);
	z = malloc(zcap);
	r = calloc(1, sizeof(*r));
	if (v == NULL || z == NULL || r == NULL) {
		fprintf(stderr, "pubload: out of memory\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/api/jobs/%s/preview", o.job);
	if (http_init(&h, o.url, o.token, 10) == -1) {
		fprintf(stderr, "pubload: %s\n", h.error);
		return 1;
	}
	period_us = (int64_t)(1e6 / o.hz);
	ticks = (uint64_t)((double)o.duration_s * o.hz);
	start = now_wall_us();
	for (k = 0; k < ticks; k++) {
		due = start + (int64_t)((double)k * 1e6 / o.hz);
		sleep_until_wall(due);
		if (now_wall_us() - due >= period_us)
			r->late++;
		draw_ball(v, o.shape, k);
		put_one(&h, &o, path, v, n, z, zcap, r);
	}
	print_results(&o, r, n);
	http_free(&h);
	free(v);
	free(z);
	free(r);
	return 0;
}
