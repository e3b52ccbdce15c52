/*
 * maskstreamctl.c: the operator's tool for ws-streamer, in the manner of
 * relayctl(8): it speaks the control channel to show jobs and counters,
 * create and cancel jobs, and watch a job's messages as they stream.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "ctlclient.h"
#include "ctlproto.h"
#include "daemon.h"
#include "jsontext.h"
#include "msg.h"
#include "now.h"

#define DEFAULT_SOCKET	"/run/maskstream/control.sock"
/* MS_SYSCONFDIR: configure's sysconfdir, /etc in the Debian package. */
#define DEFAULT_API_CONFIG	MS_SYSCONFDIR "/maskstream/fcgi-api.conf"
#define MAX_LINE	(16u << 20)

struct command {
	const char	*words[2];	/* e.g. "show", "jobs" */
	int		 minargs, maxargs;
	int		(*run)(struct ctlclient *, char **);
};

static int	cmd_show_jobs(struct ctlclient *, char **);
static int	cmd_show_job(struct ctlclient *, char **);
static int	cmd_stats(struct ctlclient *, char **);
static int	cmd_create(struct ctlclient *, char **);
static int	cmd_cancel(struct ctlclient *, char **);
static int	cmd_watch(struct ctlclient *, char **);
static int	cmd_request(struct ctlclient *, char **);

static const struct command commands[] = {
	{ { "show", "jobs" }, 0, 1, cmd_show_jobs },
	{ { "show", "job" }, 1, 1, cmd_show_job },
	{ { "stats", NULL }, 0, 0, cmd_stats },
	{ { "create", NULL }, 1, 4, cmd_create },
	{ { "cancel", NULL }, 1, 1, cmd_cancel },
	{ { "watch", NULL }, 1, 3, cmd_watch },
	{ { "request", NULL }, 1, 1, cmd_request },
	{ { NULL, NULL }, 0, 0, NULL }
};

/* On stdout when asked for (-h, --help), else on stderr. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == DAEMON_EXIT_OK ? stdout : stderr,
	    "usage: maskstreamctl [-s socket] [-t seconds] command [args]\n"
	    "       maskstreamctl --shard n [-f fcgi-api.conf] [-t seconds] "
	    "command [args]\n"
	    "       maskstreamctl --help | --version\n"
	    "commands:\n"
	    "  show jobs [limit]      list jobs, newest first\n"
	    "  show job ID            one job\n"
	    "  stats                  the streamer's counters\n"
	    "  create ZxYxX [duration_s [hz [seed]]]\n"
	    "                         start a job with the fake producer\n"
	    "  cancel ID              cancel a running job\n"
	    "  watch ID [since epoch] print the job's messages as they come\n"
	    "  request JSON           send one raw request, print the reply\n");
	exit(status);
}

static void __attribute__((noreturn))
version(void)
{
	printf("maskstreamctl (maskstream) %s\n", PACKAGE_VERSION);
	exit(DAEMON_EXIT_OK);
}

static void
print_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * Sends req, a request of op (NULL when it could not be built), and
 * returns the reply's value, owned by *reply; NULL after saying why.
 */
static struct json_object *
call(struct ctlclient *c, enum ctlproto_op op, struct json_object *req,
    struct json_object **reply)
{
	struct ctlproto_reply r;
	const char *errstr = "out of memory";

	*reply = NULL;
	if (req != NULL)
		*reply = ctlclient_call(c, req, &errstr);
	json_object_put(req);
	if (*reply == NULL) {
		fprintf(stderr, "maskstreamctl: %s\n", errstr);
		return NULL;
	}
	if (ctlproto_reply_read(*reply, op, &r, &errstr) == -1) {
		fprintf(stderr, "maskstreamctl: %s\n", errstr);
		return NULL;
	}
	if (r.err != CTLPROTO_OK) {
		fprintf(stderr, "maskstreamctl: %s (%s)\n", r.message, r.code);
		return NULL;
	}
	return r.value;
}

static const char *
str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "-";
	return json_object_get_string(v);
}

/* "64x256x256" from a [z, y, x] array. */
static const char *
shape_str(struct json_object *a, char *buf, size_t len)
{
	if (a == NULL || json_object_array_length(a) != 3)
		return "-";
	snprintf(buf, len, "%dx%dx%d",
	    json_object_get_int(json_object_array_get_idx(a, 0)),
	    json_object_get_int(json_object_array_get_idx(a, 1)),
	    json_object_get_int(json_object_array_get_idx(a, 2)));
	return buf;
}

/* A number argument as JSON; the streamer checks its range. */
static struct json_object *
number(const char *s, int integer)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "maskstreamctl: \"%s\" is not a number\n", s);
		exit(DAEMON_EXIT_USAGE);
	}
	return integer ? json_object_new_int64((int64_t)d) :
	    json_object_new_double(d);
}

/* An integer argument in min..max, or a usage error. */
static int64_t
integer(const char *s, int64_t min, int64_t max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "maskstreamctl: \"%s\" is not an integer in "
		    "%lld..%lld\n", s, (long long)min, (long long)max);
		exit(DAEMON_EXIT_USAGE);
	}
	return v;
}

/*
 * The control socket of shard n as fcgi-api's configuration file names
 * it (shards; without shards, control_socket is shard 0), into buf; or
 * the message and exit 78.
 */
static const char *
shard_socket(const char *conf, long n, char *buf, size_t len)
{
	struct api_settings set;
	char err[256];
	size_t i;

	api_settings_defaults(&set);
	if (api_settings_load(&set, conf, err, sizeof(err)) == -1 ||
	    api_settings_places(&set, err, sizeof(err)) == -1) {
		fprintf(stderr, "maskstreamctl: %s\n", err);
		exit(DAEMON_EXIT_CONFIG);
	}
	for (i = 0; i < set.nshards; i++)
		if (set.shard_conf[i].number == (unsigned)n)
			break;
	if (i == set.nshards) {
		fprintf(stderr, "maskstreamctl: %s names no shard %ld\n",
		    conf, n);
		exit(DAEMON_EXIT_CONFIG);
	}
	snprintf(buf, len, "%s", set.shard_conf[i].control_socket);
	api_settings_free(&set);
	return buf;
}

static int
cmd_show_jobs(struct ctlclient *c, char **argv)
{
	struct json_object *reply, *jobs, *j, *p;
	char s1[48], s2[48];
	size_t i, n;

	if ((jobs = call(c, CTLPROTO_LIST, ctlproto_list(argv[0] != NULL ?
	    integer(argv[0], 1, CTLPROTO_LIST_MAX) : 0), &reply)) == NULL) {
		json_object_put(reply);
		return 1;
	}
	printf("%-32s  %-9s  %4s  %-14s  %-14s  %5s\n", "ID", "STATE", "PCT",
	    "SHAPE", "PREVIEW", "SUBS");
	n = json_object_array_length(jobs);
	for (i = 0; i < n; i++) {
		j = json_object_array_get_idx(jobs, i);
		p = json_object_object_get(j, "preview");
		printf("%-32s  %-9s  %4s  %-14s  %-14s  %5s\n", str(j, "id"),
		    str(j, "state"), str(j, "progress"),
		    shape_str(json_object_object_get(j, "shape"), s1,
		    sizeof(s1)), shape_str(json_object_object_get(p, "shape"),
		    s2, sizeof(s2)), str(j, "subscribers"));
	}
	json_object_put(reply);
	return 0;
}

static int
show_reply(struct ctlclient *c, enum ctlproto_op op, struct json_object *req)
{
	struct json_object *reply, *v;

	if ((v = call(c, op, req, &reply)) != NULL)
		print_json(v);
	json_object_put(reply);
	return v == NULL;
}

static int
cmd_show_job(struct ctlclient *c, char **argv)
{
	return show_reply(c, CTLPROTO_GET, ctlproto_get(argv[0], NULL));
}

static int
cmd_stats(struct ctlclient *c, char **argv)
{
	(void)argv;
	return show_reply(c, CTLPROTO_STATS, ctlproto_stats());
}

static int
cmd_cancel(struct ctlclient *c, char **argv)
{
	return show_reply(c, CTLPROTO_CANCEL, ctlproto_cancel(argv[0], NULL));
}

static int
parse_shape(const char *s, struct json_object **shape)
{
	unsigned int z, y, x;
	char extra;

	if (sscanf(s, "%ux%ux%u%c", &z, &y, &x, &extra) != 3)
		return -1;
	*shape = json_object_new_array();
	json_object_array_add(*shape, json_object_new_int64(z));
	json_object_array_add(*shape, json_object_new_int64(y));
	json_object_array_add(*shape, json_object_new_int64(x));
	return 0;
}

static int
cmd_create(struct ctlclient *c, char **argv)
{
	struct json_object *job, *shape, *reply, *j;

	if (parse_shape(argv[0], &shape) == -1) {
		fprintf(stderr, "maskstreamctl: shape must be ZxYxX\n");
		return DAEMON_EXIT_USAGE;
	}
	job = json_object_new_object();
	json_object_object_add(job, "shape", shape);
	if (argv[1] != NULL)
		json_object_object_add(job, "duration_s", number(argv[1], 0));
	if (argv[1] != NULL && argv[2] != NULL) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "hz", number(argv[2], 0));
		json_object_object_add(job, "preview", p);
		if (argv[3] != NULL)
			json_object_object_add(job, "seed", number(argv[3], 1));
	}
	if ((j = call(c, CTLPROTO_CREATE, ctlproto_create(job), &reply)) != NULL)
		printf("id %s\ntoken %s\nws_url %s\n", str(j, "id"),
		    str(j, "token"), str(j, "ws_url"));
	json_object_put(reply);
	return j == NULL;
}

/* Prints one message; returns 1 for a terminal one. */
static int
print_message(const char *line, size_t len)
{
	int terminal;
	const char *errstr;
	struct msg m;
	double latency;

	if (msg_decode(line, len, &m, &errstr) == -1) {
		printf("invalid %s\n", errstr);
		return 0;
	}
	terminal = m.type == MSG_COMPLETED || m.type == MSG_ERROR;
	latency = (now_wall_us() - m.ts_us) / 1000.0;
	printf("%-9s seq %" PRId64, msg_type_name(m.type), m.seq);
	if (m.type == MSG_PREVIEW || m.type == MSG_STATUS)
		printf(" shape %ux%ux%u", m.shape[0], m.shape[1], m.shape[2]);
	if (m.type == MSG_PROGRESS || m.type == MSG_STATUS)
		printf(" progress %d", m.progress);
	if (m.type == MSG_COMPLETED || m.type == MSG_STATUS)
		printf(" state %s", msg_state_name(m.state));
	printf(" latency %.1f ms\n", latency);
	fflush(stdout);
	msg_clear(&m);
	return terminal;
}

static int
cmd_watch(struct ctlclient *c, char **argv)
{
	struct ctlproto_subscription sub;
	struct json_object *reply;
	const char *errstr = "lost the connection";
	size_t len;
	char *line;
	int r, ended = 0;

	memset(&sub, 0, sizeof(sub));
	sub.id = argv[0];
	if (argv[1] != NULL) {
		sub.has_since = 1;
		sub.since = integer(argv[1], 0, 9007199254740991LL);
		sub.epoch = argv[2];
	}
	if (call(c, CTLPROTO_SUBSCRIBE, ctlproto_subscribe(&sub),
	    &reply) == NULL) {
		json_object_put(reply);
		return 1;
	}
	json_object_put(reply);
	while ((r = ctlclient_read_line(c, -1, &line, &len, &errstr)) == 1)
		if (print_message(line, len))
			ended = 1;
	/* The streamer closes the stream after a job's terminal message. */
	if (!ended) {
		fprintf(stderr, "maskstreamctl: %s before the job ended\n",
		    errstr);
		return 1;
	}
	return 0;
}

static int
cmd_request(struct ctlclient *c, char **argv)
{
	struct json_object *req, *reply;
	enum jsontext_error jerr;
	const char *errstr;

	req = jsontext_parse(argv[0], strlen(argv[0]), CTLPROTO_DEPTH, &jerr);
	if (req == NULL || ctlproto_stamp(req) == -1) {
		fprintf(stderr, "maskstreamctl: the request must be a JSON "
		    "object\n");
		json_object_put(req);
		return DAEMON_EXIT_USAGE;
	}
	if ((reply = ctlclient_call(c, req, &errstr)) == NULL) {
		fprintf(stderr, "maskstreamctl: %s\n", errstr);
		json_object_put(req);
		return 1;
	}
	printf("%s\n", json_object_to_json_string_ext(reply,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(req);
	json_object_put(reply);
	return 0;
}

static const struct command *
find_command(int argc, char **argv, int *used)
{
	const struct command *cmd;

	for (cmd = commands; cmd->run != NULL; cmd++) {
		*used = cmd->words[1] == NULL ? 1 : 2;
		if (argc < *used || strcmp(argv[0], cmd->words[0]) != 0 ||
		    (*used == 2 && strcmp(argv[1], cmd->words[1]) != 0))
			continue;
		if (argc - *used < cmd->minargs || argc - *used > cmd->maxargs)
			usage(DAEMON_EXIT_USAGE);
		return cmd;
	}
	usage(DAEMON_EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "shard", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL, *conf = NULL, *errstr;
	char shard_path[4096];
	long shard = -1;
	char *end;
	const struct command *cmd;
	struct ctlclient c;
	int ch, used, timeout_s = 10, r;

	while ((ch = getopt_long(argc, argv, "f:hs:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			conf = optarg;
			break;
		case 'h':
			usage(DAEMON_EXIT_OK);
		case 'H':
			errno = 0;
			shard = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    shard < 0 || shard > ID_PLACE_MAX) {
				fprintf(stderr, "maskstreamctl: --shard: \"%s\" "
				    "is not a number in 0..%d\n", optarg,
				    ID_PLACE_MAX);
				exit(DAEMON_EXIT_USAGE);
			}
			break;
		case 's':
			path = optarg;
			break;
		case 't':
			if ((timeout_s = atoi(optarg)) <= 0)
				usage(DAEMON_EXIT_USAGE);
			break;
		case 'V':
			version();
		default:
			usage(DAEMON_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(DAEMON_EXIT_USAGE);
	cmd = find_command(argc, argv, &used);
	if (shard >= 0 && path != NULL) {
		fprintf(stderr, "maskstreamctl: -s or --shard, not both\n");
		exit(DAEMON_EXIT_USAGE);
	}
	if (shard < 0 && conf != NULL) {
		fprintf(stderr, "maskstreamctl: -f is for --shard\n");
		exit(DAEMON_EXIT_USAGE);
	}
	if (shard >= 0)
		path = shard_socket(conf != NULL ? conf : DEFAULT_API_CONFIG,
		    shard, shard_path, sizeof(shard_path));
	else if (path == NULL)
		path = DEFAULT_SOCKET;
	if (ctlclient_open(&c, path, MAX_LINE, timeout_s * 1000,
	    &errstr) == -1) {
		fprintf(stderr, "maskstreamctl: \"%s\": %s: %s\n", path,
		    errstr, strerror(errno));
		return 1;
	}
	r = cmd->run(&c, argv + used);
	ctlclient_close(&c);
	return r;
}
