/*
 * loadgen.c: bench/loadgen, the WebSocket load generator of the benchmarks.
 * It reads request paths, forks processes that each hold a share of the
 * connections (a process here may hold at most 20,000 descriptors),
 * samples the servers' memory and CPU around the measured window, adds
 * up the processes' reports from their pipes and prints the result.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "loadgen.h"
#include "now.h"

#define CONNS_PER_PROC	4500
#define REPORT_MAX	(4u << 20)

struct options {
	const char	*host;
	int		 port;
	const char	*paths_file;
	long		 conns;
	long		 procs;
	long		 sources;
	long		 inflight;
	long		 duration_s;
	double		 warmup_s;	/* at most */
	double		 settle_s;
	double		 grace_s;
	double		 hz;
	int		 stamp;
	int		 json;
	int		 nwatch;
	struct watch_group watch[LG_WATCH_MAX];
};

struct child {
	pid_t		 pid;
	int		 fd;		/* its report */
	int		 ctl;		/* the window, to it */
	int		 ready;
	char		*buf;
	size_t		 len;
	size_t		 cap;
};

static void __attribute__((noreturn))
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "loadgen: %s\n", why);
	fprintf(stderr, "usage: loadgen --port port --paths file --conns n "
	    "[--host addr] [--procs p]\n"
	    "               [--sources k] [--duration s] [--warmup s] "
	    "[--settle s]\n"
	    "               [--grace s] [--hz f]"
	    " [--inflight n] [--watch name:pid[,pid...]]\n"
	    "               [--stamp] [--json]\n");
	exit(2);
}

static long
number(const char *s, const char *name, long min, long max)
{
	static char why[128];
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		snprintf(why, sizeof(why), "%s must be an integer in %ld..%ld",
		    name, min, max);
		usage(why);
	}
	return v;
}

static double
real(const char *s, const char *name, double min, double max)
{
	static char why[128];
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= min && v <= max)) {
		snprintf(why, sizeof(why), "%s must be a number in %g..%g",
		    name, min, max);
		usage(why);
	}
	return v;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "paths", required_argument, NULL, 'f' },
		{ "conns", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'P' },
		{ "sources", required_argument, NULL, 'K' },
		{ "inflight", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "grace", required_argument, NULL, 'g' },
		{ "settle", required_argument, NULL, 's' },
		{ "hz", required_argument, NULL, 'z' },
		{ "watch", required_argument, NULL, 'W' },
		{ "stamp", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *errstr;
	int ch;

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->inflight = 64;
	o->duration_s = 10;
	o->warmup_s = 30;
	o->settle_s = 2;
	o->grace_s = 2;
	o->hz = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': o->host = optarg; break;
		case 'p': o->port = (int)number(optarg, "--port", 1, 65535); break;
		case 'f': o->paths_file = optarg; break;
		case 'n': o->conns = number(optarg, "--conns", 1, 1000000); break;
		case 'P': o->procs = number(optarg, "--procs", 1, LG_PROCS_MAX);
			break;
		case 'K': o->sources = number(optarg, "--sources", 1,
			    LG_SOURCES_MAX);
			break;
		case 'i': o->inflight = number(optarg, "--inflight", 1, 10000);
			break;
		case 'd': o->duration_s = number(optarg, "--duration", 1,
			    LG_SECONDS_MAX);
			break;
		case 'w': o->warmup_s = real(optarg, "--warmup", 0, 600); break;
		case 'g': o->grace_s = real(optarg, "--grace", 0, 60); break;
		case 's': o->settle_s = real(optarg, "--settle", 0, 60); break;
		case 'z': o->hz = real(optarg, "--hz", 0.1, 30); break;
		case 'W':
			if (o->nwatch == LG_WATCH_MAX)
				usage("too many --watch groups");
			if (watch_parse(&o->watch[o->nwatch++], optarg,
			    &errstr) == -1)
				usage(errstr);
			break;
		case 'S': o->stamp = 1; break;
		case 'j': o->json = 1; break;
		default: usage(NULL);
		}
	}
	if (optind != argc || o->port == 0 || o->paths_file == NULL ||
	    o->conns == 0)
		usage("--port, --paths and --conns are required");
	if (o->procs == 0)
		o->procs = (o->conns + CONNS_PER_PROC - 1) / CONNS_PER_PROC;
	if (o->procs > o->conns)
		o->procs = o->conns;
	if (o->sources == 0)
		o->sources = o->procs;
}

/* One request path per line; blank lines are skipped. */
static char **
read_paths(const char *file, size_t *np)
{
	char line[LG_PATH_MAX + 2], **paths = NULL, **grown;
	size_t n = 0, len;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "loadgen: \"%s\": %s\n", file, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\r\n");
		if (line[len] == '\0' && !feof(f)) {
			fprintf(stderr, "loadgen: \"%s\": a path over %d "
			    "bytes\n", file, LG_PATH_MAX);
			exit(1);
		}
		line[len] = '\0';
		if (len == 0)
			continue;
		if (line[0] != '/' || strpbrk(line, " \t") != NULL) {
			fprintf(stderr, "loadgen: \"%s\": \"%s\" is not a "
			    "request path\n", file, line);
			exit(1);
		}
		if ((grown = realloc(paths, (n + 1) * sizeof(*paths))) == NULL ||
		    (grown[n] = strdup(line)) == NULL) {
			fprintf(stderr, "loadgen: out of memory\n");
			exit(1);
		}
		paths = grown;
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "loadgen: \"%s\" has no paths\n", file);
		exit(1);
	}
	*np = n;
	return paths;
}

/* Lets each process hold its connections; exits if it cannot. */
static void
raise_fd_limit(long per_proc)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		perror("loadgen: getrlimit");
		exit(1);
	}
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    (rlim_t)per_proc + 64 > rl.rlim_cur) {
		fprintf(stderr, "loadgen: %ld connections per process pass the "
		    "limit of %llu descriptors: use more --procs\n", per_proc,
		    (unsigned long long)rl.rlim_cur);
		exit(1);
	}
}

static void __attribute__((noreturn))
run_child(const struct lg_plan *plan, int fd)
{
	struct lg_stats *st;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	srandom((unsigned)getpid());
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    client_run(plan, st) == -1) {
		fprintf(stderr, "loadgen[%d]: cannot start\n", (int)getpid());
		_exit(1);
	}
	_exit(stats_write(fd, st) == 0 ? 0 : 1);
}

/*
 * Forks child i with two pipes: its report to us, and the window from
 * us.  It keeps none of its elder siblings' pipes.
 */
static void
spawn(struct child *kids, long i, struct lg_plan *plan)
{
	int rep[2], ctl[2];
	long k;

	if (pipe(rep) == -1 || pipe(ctl) == -1) {
		perror("loadgen: pipe");
		exit(1);
	}
	fflush(NULL);
	if ((kids[i].pid = fork()) == -1) {
		perror("loadgen: fork");
		exit(1);
	}
	if (kids[i].pid == 0) {
		for (k = 0; k < i; k++) {
			close(kids[k].fd);
			close(kids[k].ctl);
		}
		close(rep[0]);
		close(ctl[1]);
		plan->report_fd = rep[1];
		plan->ctl_fd = ctl[0];
		run_child(plan, rep[1]);
	}
	close(rep[1]);
	close(ctl[0]);
	kids[i].fd = rep[0];
	kids[i].ctl = ctl[1];
}

/* Reads what is there from a child's pipe; closes it at EOF. */
static void
drain(struct child *ch)
{
	char *grown;
	ssize_t n;

	if (ch->cap - ch->len < 65536) {
		if (ch->cap >= REPORT_MAX ||
		    (grown = realloc(ch->buf, ch->cap + (1u << 20))) == NULL) {
			fprintf(stderr, "loadgen: a report too big\n");
			exit(1);
		}
		ch->buf = grown;
		ch->cap += 1u << 20;
	}
	n = read(ch->fd, ch->buf + ch->len, ch->cap - ch->len);
	if (n > 0)
		ch->len += (size_t)n;
	else if (n == 0 || errno != EINTR) {
		close(ch->fd);
		ch->fd = -1;
	}
}

struct window {
	int64_t		 start_us;
	int64_t		 t0_us;		/* 0 until the ramp is done */
	int64_t		 t1_us;
	int64_t		 end_us;
	int		 ramp_done;	/* every child said "ready" */
};

/* A child's report begins with "ready" once its ramp is done. */
static int
took_ready(struct child *ch)
{
	if (ch->ready || ch->len < 6 || memcmp(ch->buf, "ready\n", 6) != 0)
		return 0;
	ch->ready = 1;
	memmove(ch->buf, ch->buf + 6, ch->len - 6);
	ch->len -= 6;
	return 1;
}

/* Sets the window from now and sends it to every child. */
static void
open_window(const struct options *o, struct child *kids, long nkids,
    struct window *w, int64_t now)
{
	char msg[128];
	int len;
	long i;

	w->t0_us = now + (int64_t)(o->settle_s * 1e6);
	w->t1_us = w->t0_us + o->duration_s * 1000000;
	w->end_us = w->t1_us + (int64_t)(o->grace_s * 1e6);
	len = snprintf(msg, sizeof(msg), "%lld %lld %lld\n",
	    (long long)w->t0_us, (long long)w->t1_us, (long long)w->end_us);
	for (i = 0; i < nkids; i++) {
		/* A child that died is found out at waitpid. */
		if (write(kids[i].ctl, msg, (size_t)len) != len)
			fprintf(stderr, "loadgen: cannot reach process %d\n",
			    (int)kids[i].pid);
		close(kids[i].ctl);
		kids[i].ctl = -1;
	}
}

/*
 * Collects the reports.  The window opens --settle seconds after every
 * child has opened its connections, or after --warmup seconds at most;
 * the watched processes are sampled as it opens and closes.
 */
static void
collect(struct options *o, struct child *kids, long nkids, struct window *w)
{
	struct pollfd pfd[LG_PROCS_MAX];
	int sampled = 0, open, ready = 0, timeout, k;
	int64_t now, due, limit;
	long i;

	limit = w->start_us + (int64_t)(o->warmup_s * 1e6);
	for (;;) {
		now = now_wall_us();
		if (w->t0_us == 0 && (ready == nkids || now >= limit)) {
			w->ramp_done = ready == nkids;
			open_window(o, kids, nkids, w, now);
		}
		while (w->t0_us != 0 && sampled < 2 &&
		    now >= (sampled == 0 ? w->t0_us : w->t1_us)) {
			sampled++;
			for (k = 0; k < o->nwatch; k++)
				watch_sample(&o->watch[k], sampled);
		}
		for (i = 0, open = 0; i < nkids; i++) {
			if (kids[i].fd == -1)
				continue;
			pfd[open].fd = kids[i].fd;
			pfd[open].events = POLLIN;
			open++;
		}
		if (open == 0)
			break;
		timeout = -1;
		if (w->t0_us == 0 || sampled < 2) {
			due = w->t0_us == 0 ? limit :
			    sampled == 0 ? w->t0_us : w->t1_us;
			timeout = due > now ? (int)((due - now + 999) / 1000) : 0;
		}
		if (poll(pfd, (nfds_t)open, timeout) == -1 && errno != EINTR) {
			perror("loadgen: poll");
			exit(1);
		}
		for (i = 0; i < nkids; i++) {
			if (kids[i].fd == -1)
				continue;
			for (k = 0; k < open; k++)
				if (pfd[k].fd == kids[i].fd && pfd[k].revents)
					drain(&kids[i]);
			ready += took_ready(&kids[i]);
		}
	}
}

static void
add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static struct json_object *
jwatch(const struct options *o, const struct lg_stats *st, double *rss_sub,
    double *cpu_msg)
{
	struct json_object *all = json_object_new_object(), *g;
	long long before = 0, after = 0;
	double cpu = 0;
	int w;

	for (w = 0; w < o->nwatch; w++) {
		const struct watch_group *wg = &o->watch[w];

		g = json_object_new_object();
		add_int(g, "pids", wg->npids);
		add_int(g, "rss_kb_before", wg->rss_kb[0]);
		add_int(g, "rss_kb_t0", wg->rss_kb[1]);
		add_int(g, "rss_kb_t1", wg->rss_kb[2]);
		json_object_object_add(g, "cpu_s",
		    jsonnum_real(wg->cpu_s[2] - wg->cpu_s[1], 2));
		json_object_object_add(all, wg->name, g);
		before += wg->rss_kb[0];
		after += wg->rss_kb[2];
		cpu += wg->cpu_s[2] - wg->cpu_s[1];
	}
	*rss_sub = st->counted ? (double)(after - before) / (double)st->counted :
	    NAN;
	*cpu_msg = st->previews ? cpu * 1e6 / (double)st->previews : NAN;
	return all;
}

static uint64_t
worst_second(const struct lg_stats *st)
{
	uint64_t min = UINT64_MAX;
	uint32_t i;

	for (i = 0; i < st->seconds; i++)
		if (st->per_second[i] < min)
			min = st->per_second[i];
	return st->seconds ? min : 0;
}

/* Previews per second of the window, by their ts_us. */
static struct json_object *
per_second(const struct lg_stats *st)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < st->seconds; i++)
		json_object_array_add(a,
		    json_object_new_int64((int64_t)st->per_second[i]));
	return a;
}

static struct json_object *
report(const struct options *o, const struct lg_stats *st,
    const struct window *w, double cpu_s)
{
	struct json_object *j = json_object_new_object();
	double expected, rss_sub, cpu_msg, d = (double)o->duration_s;

	expected = (double)st->counted * round(d * o->hz);
	add_int(j, "conns_requested", (int64_t)st->requested);
	add_int(j, "conns_opened", (int64_t)st->opened);
	add_int(j, "conns_counted", (int64_t)st->counted);
	add_int(j, "conns_open", (int64_t)st->open_at_end);
	add_int(j, "conns_failed", (int64_t)st->failed);
	add_int(j, "conns_lost", (int64_t)st->lost);
	json_object_object_add(j, "refused", jsonnum_counts(st->refused));
	json_object_object_add(j, "closes", jsonnum_counts(st->closes));
	add_int(j, "previews", (int64_t)st->previews);
	add_int(j, "expected", (int64_t)expected);
	json_object_object_add(j, "delivery", expected > 0 ?
	    jsonnum_real((double)st->previews / expected, 5) : NULL);
	add_int(j, "bytes", (int64_t)st->bytes);
	add_int(j, "preview_bytes", (int64_t)st->preview_bytes);
	json_object_object_add(j, "mb_per_s",
	    jsonnum_real((double)st->preview_bytes / d / 1e6, 2));
	json_object_object_add(j, "latency_ms", jsonnum_quantiles(&st->latency, 1));
	json_object_object_add(j, "interval_jitter_ms",
	    jsonnum_quantiles(&st->jitter, 0));
	add_int(j, "per_second_min", (int64_t)worst_second(st));
	json_object_object_add(j, "per_second", per_second(st));
	json_object_object_add(j, "per_second_expected",
	    jsonnum_real((double)st->counted * o->hz, 1));
	add_int(j, "duration_s", o->duration_s);
	json_object_object_add(j, "warmup_s",
	    jsonnum_real((double)(w->t0_us - w->start_us) / 1e6, 1));
	json_object_object_add(j, "ramp_done",
	    json_object_new_boolean(w->ramp_done));
	json_object_object_add(j, "hz", jsonnum_real(o->hz, 2));
	/* What latency_ms is measured from: the message's ts_us, or the
	 * start of the PUT that published it (pubload's stamp). */
	json_object_object_add(j, "latency_from",
	    json_object_new_string(o->stamp ? "put_start" : "ts_us"));
	json_object_object_add(j, "encoding", st->encoding[0] ?
	    json_object_new_string(st->encoding) : NULL);
	add_int(j, "encoding_other", (int64_t)st->encoding_other);
	add_int(j, "unparsed", (int64_t)st->unparsed);
	add_int(j, "late", (int64_t)st->late);
	add_int(j, "procs", o->procs);
	add_int(j, "sources", o->sources);
	json_object_object_add(j, "loadgen_cpu_s", jsonnum_real(cpu_s, 2));
	json_object_object_add(j, "watch", jwatch(o, st, &rss_sub, &cpu_msg));
	json_object_object_add(j, "server_rss_kb_per_sub", jsonnum_real(rss_sub, 2));
	json_object_object_add(j, "server_cpu_us_per_msg", jsonnum_real(cpu_msg, 2));
	return j;
}

static void
print_human(struct json_object *j)
{
	json_object_object_foreach(j, key, val)
		printf("%-24s %s\n", key, json_object_to_json_string_ext(val,
		    JSON_C_TO_STRING_PLAIN));
}

int
main(int argc, char **argv)
{
	struct child kids[LG_PROCS_MAX];
	struct lg_stats *total;
	struct json_object *j;
	struct rusage ru;
	struct lg_plan plan;
	struct options o;
	struct window win;
	const char *errstr;
	int status, bad = 0;
	long i;

	parse_options(argc, argv, &o);
	raise_fd_limit((o.conns + o.procs - 1) / o.procs);
	signal(SIGPIPE, SIG_IGN);
	memset(&plan, 0, sizeof(plan));
	plan.host = o.host;
	plan.port = o.port;
	plan.paths = read_paths(o.paths_file, &plan.npaths);
	plan.sources = (int)o.sources;
	plan.inflight = (int)o.inflight;
	plan.hz = o.hz;
	plan.stamp = o.stamp;
	for (i = 0; i < o.nwatch; i++)
		watch_sample(&o.watch[i], 0);
	memset(&win, 0, sizeof(win));
	win.start_us = now_wall_us();
	memset(kids, 0, sizeof(kids));
	for (i = 0; i < o.procs; i++) {
		plan.first = (size_t)(o.conns * i / o.procs);
		plan.nconns = (size_t)(o.conns * (i + 1) / o.procs) - plan.first;
		spawn(kids, i, &plan);
	}
	collect(&o, kids, o.procs, &win);
	if ((total = calloc(1, sizeof(*total))) == NULL) {
		fprintf(stderr, "loadgen: out of memory\n");
		return 1;
	}
	for (i = 0; i < o.procs; i++) {
		if (waitpid(kids[i].pid, &status, 0) == -1 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "loadgen: process %d failed\n",
			    (int)kids[i].pid);
			bad = 1;
		} else if (stats_read(kids[i].buf, kids[i].len, total,
		    &errstr) == -1) {
			fprintf(stderr, "loadgen: process %d: %s\n",
			    (int)kids[i].pid, errstr);
			bad = 1;
		}
		free(kids[i].buf);
	}
	if (bad)
		return 1;
	getrusage(RUSAGE_CHILDREN, &ru);
	j = report(&o, total, &win, (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	if (o.json)
		printf("%s\n", json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN));
	else
		print_human(j);
	json_object_put(j);
	free(total);
	for (i = 0; i < (long)plan.npaths; i++)
		free(plan.paths[i]);
	free(plan.paths);
	return 0;
}
