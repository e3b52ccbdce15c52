/*
 * watch.c: samples the resident memory (VmRSS in /proc/PID/status) and
 * the CPU time (utime + stime in /proc/PID/stat) of named groups of
 * processes, such as the streamer or nginx's workers, while they serve
 * the load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadgen.h"

/* Parses "name:pid[,pid...]"; 0 or -1 with errstr. */
int
watch_parse(struct watch_group *w, const char *spec, const char **errstr)
{
	const char *colon, *p;
	char *end;
	long pid;

	memset(w, 0, sizeof(*w));
	if ((colon = strchr(spec, ':')) == NULL || colon == spec ||
	    (size_t)(colon - spec) >= sizeof(w->name)) {
		*errstr = "name:pid[,pid...] expected";
		return -1;
	}
	memcpy(w->name, spec, (size_t)(colon - spec));
	for (p = colon + 1;; p = end + 1) {
		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno != 0 || end == p || pid < 1 || pid > 1 << 22 ||
		    (*end != ',' && *end != '\0')) {
			*errstr = "a pid is not a number";
			return -1;
		}
		if (w->npids == LG_WATCH_PIDS) {
			*errstr = "too many pids";
			return -1;
		}
		w->pids[w->npids++] = (int)pid;
		if (*end == '\0')
			return 0;
	}
}

static long long
rss_kb(int pid)
{
	char path[64], line[256];
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* utime + stime in seconds; -1 if the process is gone. */
static double
cpu_s(int pid)
{
	unsigned long long ut, st;
	char path[64], buf[1024], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold anything: skip to its last ')'. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Sample number i (0: before, 1: at the window's start, 2: its end). */
void
watch_sample(struct watch_group *w, int i)
{
	long long kb;
	double s;
	int k;

	w->rss_kb[i] = 0;
	w->cpu_s[i] = 0;
	for (k = 0; k < w->npids; k++) {
		if ((kb = rss_kb(w->pids[k])) > 0)
			w->rss_kb[i] += kb;
		if ((s = cpu_s(w->pids[k])) > 0)
			w->cpu_s[i] += s;
	}
}
