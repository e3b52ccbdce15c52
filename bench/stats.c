/*
 * stats.c: one load generator process's results, written to its parent
 * as text lines on a pipe when it is done, and added up by the parent;
 * histograms go as their non-empty buckets only.
 */
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadgen.h"

/* Adds n to key in a small table; the last slot (key -1) takes the rest. */
static void
add_count(struct lg_count *t, int key, uint64_t n)
{
	int i;

	for (i = 0; i < LG_STATUS_MAX - 1; i++) {
		if (t[i].n > 0 && t[i].key == key)
			break;
		if (t[i].n == 0) {
			t[i].key = key;
			break;
		}
	}
	if (i == LG_STATUS_MAX - 1)
		t[i].key = -1;
	t[i].n += n;
}

/* Counts one of key. */
void
stats_count(struct lg_count *t, int key)
{
	add_count(t, key, 1);
}

static void
write_hist(FILE *f, const char *name, const struct hist *h)
{
	size_t i;

	for (i = 0; i < HIST_BUCKETS; i++)
		if (h->count[i] > 0)
			fprintf(f, "%s %zu %" PRIu64 "\n", name, i, h->count[i]);
	fprintf(f, "%smax %" PRId64 "\n", name, h->max);
}

/* Writes s to fd, which it closes; 0 or -1. */
int
stats_write(int fd, const struct lg_stats *s)
{
	FILE *f;
	uint32_t i;

	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	fprintf(f, "requested %" PRIu64 "\nopened %" PRIu64 "\n"
	    "counted %" PRIu64 "\nfailed %" PRIu64 "\nlost %" PRIu64 "\n"
	    "open_at_end %" PRIu64 "\npreviews %" PRIu64 "\n"
	    "preview_bytes %" PRIu64 "\nbytes %" PRIu64 "\n"
	    "unparsed %" PRIu64 "\nlate %" PRIu64 "\n"
	    "encoding_other %" PRIu64 "\nseconds %" PRIu32 "\n",
	    s->requested, s->opened, s->counted, s->failed, s->lost,
	    s->open_at_end, s->previews, s->preview_bytes, s->bytes,
	    s->unparsed, s->late, s->encoding_other, s->seconds);
	if (s->encoding[0] != '\0')
		fprintf(f, "encoding %s\n", s->encoding);
	for (i = 0; i < LG_STATUS_MAX; i++) {
		if (s->refused[i].n > 0)
			fprintf(f, "refused %d %" PRIu64 "\n", s->refused[i].key,
			    s->refused[i].n);
		if (s->closes[i].n > 0)
			fprintf(f, "close %d %" PRIu64 "\n", s->closes[i].key,
			    s->closes[i].n);
	}
	for (i = 0; i < s->seconds; i++)
		fprintf(f, "sec %" PRIu32 " %" PRIu64 "\n", i, s->per_second[i]);
	write_hist(f, "lat", &s->latency);
	write_hist(f, "jit", &s->jitter);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
add_counter(struct lg_stats *s, const char *name, uint64_t v)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} counters[] = {
		{ "requested", offsetof(struct lg_stats, requested) },
		{ "opened", offsetof(struct lg_stats, opened) },
		{ "counted", offsetof(struct lg_stats, counted) },
		{ "failed", offsetof(struct lg_stats, failed) },
		{ "lost", offsetof(struct lg_stats, lost) },
		{ "open_at_end", offsetof(struct lg_stats, open_at_end) },
		{ "previews", offsetof(struct lg_stats, previews) },
		{ "preview_bytes", offsetof(struct lg_stats, preview_bytes) },
		{ "bytes", offsetof(struct lg_stats, bytes) },
		{ "unparsed", offsetof(struct lg_stats, unparsed) },
		{ "late", offsetof(struct lg_stats, late) },
		{ "encoding_other", offsetof(struct lg_stats, encoding_other) },
	};
	size_t i;

	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		if (strcmp(name, counters[i].name) == 0) {
			*(uint64_t *)(void *)((char *)s + counters[i].off) += v;
			return 0;
		}
	}
	return -1;
}

static int
add_bucket(struct hist *h, const char *what, uint64_t idx, uint64_t v)
{
	if (strcmp(what, "max") == 0) {
		if ((int64_t)idx > h->max)
			h->max = (int64_t)idx;
		return 0;
	}
	if (idx >= HIST_BUCKETS)
		return -1;
	h->count[idx] += v;
	h->n += v;
	return 0;
}

static void
add_encoding(struct lg_stats *s, const char *name)
{
	if (s->encoding[0] == '\0')
		snprintf(s->encoding, sizeof(s->encoding), "%s", name);
	else if (strcmp(s->encoding, name) != 0)
		snprintf(s->encoding, sizeof(s->encoding), "mixed");
}

/* One line of a child's report: a word, then one or two values. */
static int
read_line(struct lg_stats *s, const char *line)
{
	char name[32], word[LG_ENCODING_MAX];
	uint64_t a, b;
	int key, off;

	if (sscanf(line, "%31s %n", name, &off) != 1)
		return -1;
	line += off;
	if (strcmp(name, "encoding") == 0) {
		if (sscanf(line, "%31s", word) != 1)
			return -1;
		add_encoding(s, word);
		return 0;
	}
	if (strcmp(name, "refused") == 0 || strcmp(name, "close") == 0) {
		if (sscanf(line, "%d %" SCNu64, &key, &a) != 2)
			return -1;
		add_count(name[0] == 'r' ? s->refused : s->closes, key, a);
		return 0;
	}
	if (strcmp(name, "sec") == 0 || strcmp(name, "lat") == 0 ||
	    strcmp(name, "jit") == 0) {
		if (sscanf(line, "%" SCNu64 " %" SCNu64, &a, &b) != 2)
			return -1;
		if (name[0] == 'l')
			return add_bucket(&s->latency, "", a, b);
		if (name[0] == 'j')
			return add_bucket(&s->jitter, "", a, b);
		if (a >= LG_SECONDS_MAX)
			return -1;
		s->per_second[a] += b;
		return 0;
	}
	if (sscanf(line, "%" SCNu64, &a) != 1)
		return -1;
	if (strcmp(name, "latmax") == 0)
		return add_bucket(&s->latency, "max", a, 0);
	if (strcmp(name, "jitmax") == 0)
		return add_bucket(&s->jitter, "max", a, 0);
	if (strcmp(name, "seconds") == 0) {
		if (a > LG_SECONDS_MAX)
			return -1;
		if (a > s->seconds)
			s->seconds = (uint32_t)a;
		return 0;
	}
	return add_counter(s, name, a);
}

/* Adds a child's report (len bytes of text) into s; 0 or -1. */
int
stats_read(const char *buf, size_t len, struct lg_stats *s,
    const char **errstr)
{
	const char *p = buf, *end = buf + len, *eol;
	char line[128];
	size_t n;

	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (n = (size_t)(eol - p)) >= sizeof(line)) {
			*errstr = "a truncated report";
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (read_line(s, line) == -1) {
			*errstr = "a malformed report line";
			return -1;
		}
		p = eol + 1;
	}
	return 0;
}
