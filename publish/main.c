/*
 * main.c: maskstream-publish, a producer's tool: it sends a job's
 * previews (a NumPy .npy file or raw bytes, made into the job's preview
 * shape when asked), progress and end to the REST API with the job's
 * producer token.  See maskstream-publish(1).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <json-c/json.h>

#include "downsample.h"
#include "http.h"
#include "id.h"
#include "jsontext.h"
#include "msg.h"
#include "npy.h"
#include "zpay.h"

#define FILE_MAX	((size_t)1 << 31)	/* a volume's mask, at most */
#define EXIT_REFUSED	1

struct options {
	const char	*url;
	const char	*job;
	const char	*token;
	uint32_t	 shape[3];	/* --shape, for raw files */
	int		 has_shape;
	int		 downsample;
	int		 deflate;
	double		 eta_s;		/* < 0: none */
	long		 timeout_s;
};

/* A mask read from a file: its shape and voxels. */
struct mask {
	uint8_t		*file;		/* the whole file */
	const uint8_t	*voxels;	/* in it */
	uint32_t	 shape[3];
};

/* What the job resource says of its shapes. */
struct jobshape {
	uint32_t	 shape[3];
	uint32_t	 pshape[3];
	uint32_t	 scale;
};

static const char usage_text[] =
    "usage: maskstream-publish --url URL --job ID --token TOKEN\n"
    "                          [--timeout S] command\n"
    "commands:\n"
    "  preview FILE [--shape ZxYxX] [--downsample] [--no-deflate]\n"
    "                 send FILE (.npy of uint8 or bool, C order, or raw\n"
    "                 bytes of --shape) as the job's next preview\n"
    "  progress N [--eta S]   progress 0..100, S seconds left\n"
    "  complete               the job succeeded\n"
    "  fail CODE MESSAGE      the job failed, with this error\n"
    "The token may also come from MASKSTREAM_PRODUCER_TOKEN.\n";

static void __attribute__((noreturn))
usage(int status)
{
	fputs(usage_text, status == 0 ? stdout : stderr);
	exit(status);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("maskstream-publish: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static int
parse_shape(const char *s, uint32_t shape[3])
{
	unsigned long v[3];
	char *e;
	int i;

	for (i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtoul(s, &e, 10);
		if (errno != 0 || e == s || v[i] < 1 || v[i] > 65536 ||
		    *e != (i < 2 ? 'x' : '\0'))
			return -1;
		shape[i] = (uint32_t)v[i];
		s = e + 1;
	}
	return 0;
}

static double
parse_number(const char *s, double max, const char *what)
{
	char *e;
	double v;

	errno = 0;
	v = strtod(s, &e);
	if (errno != 0 || e == s || *e != '\0' || !(v >= 0 && v <= max))
		die(EX_USAGE, "%s \"%s\" is not a number in 0..%g", what, s,
		    max);
	return v;
}

/* The URL's form, the id's and the token's, before anything is sent. */
static void
check_options(const struct options *o)
{
	if (o->url == NULL || o->job == NULL || o->token == NULL)
		die(EX_USAGE, "--url, --job and --token (or "
		    "MASKSTREAM_PRODUCER_TOKEN) are needed; --help says more");
	if (strncmp(o->url, "http://", 7) != 0 &&
	    strncmp(o->url, "https://", 8) != 0)
		die(EX_USAGE, "--url \"%s\" is not http:// or https://", o->url);
	if (strlen(o->url) > 512 || o->url[strlen(o->url) - 1] == '/')
		die(EX_USAGE, "--url is the server's, e.g. http://host:8080, "
		    "without a trailing '/'");
	if (!id_job_valid(o->job, strlen(o->job)))
		die(EX_USAGE, "--job \"%s\" is not a job id (32 lowercase "
		    "hexadecimal characters)", o->job);
	if (!id_token_valid(o->token, strlen(o->token)))
		die(EX_USAGE, "the token is not one (43 base64url characters); "
		    "use the job's producer_token");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "job", required_argument, NULL, 'j' },
		{ "token", required_argument, NULL, 't' },
		{ "shape", required_argument, NULL, 's' },
		{ "downsample", no_argument, NULL, 'D' },
		{ "no-deflate", no_argument, NULL, 'N' },
		{ "eta", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->deflate = 1;
	o->eta_s = -1;
	o->timeout_s = 30;
	o->token = getenv("MASKSTREAM_PRODUCER_TOKEN");
	/* GNU getopt moves the options after the command ahead of it. */
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': o->url = optarg; break;
		case 'j': o->job = optarg; break;
		case 't': o->token = optarg; break;
		case 's':
			if (parse_shape(optarg, o->shape) == -1)
				die(EX_USAGE, "--shape \"%s\" is not ZxYxX", optarg);
			o->has_shape = 1;
			break;
		case 'D': o->downsample = 1; break;
		case 'N': o->deflate = 0; break;
		case 'e': o->eta_s = parse_number(optarg, 1e9, "--eta"); break;
		case 'T':
			o->timeout_s = (long)parse_number(optarg, 3600, "--timeout");
			break;
		case 'h': usage(0);
		case 'V':
			printf("maskstream-publish (maskstream) %s\n", PACKAGE_VERSION);
			exit(0);
		default: usage(EX_USAGE);
		}
	}
}

/* The whole file, at most FILE_MAX bytes. */
static uint8_t *
read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		die(EX_NOINPUT, "\"%s\": %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode))
		die(EX_NOINPUT, "\"%s\": not a regular file", path);
	if ((size_t)st.st_size > FILE_MAX)
		die(EX_DATAERR, "\"%s\": over %zu bytes", path, FILE_MAX);
	*len = (size_t)st.st_size;
	if ((buf = malloc(*len + 1)) == NULL)
		die(EX_OSERR, "out of memory for \"%s\"", path);
	if (fread(buf, 1, *len, f) != *len)
		die(EX_NOINPUT, "\"%s\": cannot read it whole", path);
	fclose(f);
	return buf;
}

/* FILE as a mask: a .npy file, or raw bytes of --shape. */
static void
read_mask(const char *path, const struct options *o, struct mask *m)
{
	const char *errstr;
	struct npy n;
	size_t len;

	m->file = read_file(path, &len);
	if (npy_is_npy(m->file, len)) {
		if (npy_parse(m->file, len, &n, &errstr) == -1)
			die(EX_DATAERR, "\"%s\": %s", path, errstr);
		memcpy(m->shape, n.shape, sizeof(m->shape));
		m->voxels = m->file + n.data_off;
		return;
	}
	if (!o->has_shape)
		die(EX_DATAERR, "\"%s\" is not a .npy file: give the shape of "
		    "its raw bytes with --shape ZxYxX", path);
	if (len != (size_t)o->shape[0] * o->shape[1] * o->shape[2])
		die(EX_DATAERR, "\"%s\" has %zu bytes, --shape %ux%ux%u needs "
		    "%zu", path, len, o->shape[0], o->shape[1], o->shape[2],
		    (size_t)o->shape[0] * o->shape[1] * o->shape[2]);
	memcpy(m->shape, o->shape, sizeof(m->shape));
	m->voxels = m->file;
}

/* The answer as the server gave it, and the exit status it means. */
static void __attribute__((noreturn))
refused(const struct http *h)
{
	fprintf(stderr, "maskstream-publish: HTTP %ld: %s", h->status,
	    h->body != NULL ? h->body : "(no body)\n");
	exit(EXIT_REFUSED);
}

static void
request(struct http *h, const char *method, const char *path,
    const void *body, size_t len, const char *type, const char *encoding)
{
	if (http_request(h, method, path, body, len, type, encoding) == -1)
		die(EX_UNAVAILABLE, "%s", h->error);
}

static int
shape_of(struct json_object *o, uint32_t shape[3])
{
	struct json_object *v;
	int64_t n;
	int i;

	if (!json_object_is_type(o, json_type_array) ||
	    json_object_array_length(o) != 3)
		return -1;
	for (i = 0; i < 3; i++) {
		v = json_object_array_get_idx(o, i);
		n = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || n < 1 ||
		    n > MSG_DIM_MAX)
			return -1;
		shape[i] = (uint32_t)n;
	}
	return 0;
}

/* The job's volume and preview shapes and scale, from GET /api/jobs/ID. */
static void
job_shapes(struct http *h, const char *id, struct jobshape *js)
{
	struct json_object *o, *p, *v;
	enum jsontext_error err;
	char path[128];
	int64_t scale;

	snprintf(path, sizeof(path), "/api/jobs/%s", id);
	request(h, "GET", path, NULL, 0, NULL, NULL);
	if (h->status != 200)
		refused(h);
	o = jsontext_parse(h->body, h->len, 16, &err);
	if (o == NULL || !json_object_object_get_ex(o, "preview", &p) ||
	    !json_object_object_get_ex(o, "shape", &v) ||
	    shape_of(v, js->shape) == -1 ||
	    !json_object_object_get_ex(p, "shape", &v) ||
	    shape_of(v, js->pshape) == -1 ||
	    !json_object_object_get_ex(p, "scale", &v) ||
	    (scale = json_object_get_int64(v)) < 1 || scale > MSG_DIM_MAX)
		die(EX_PROTOCOL, "the job resource is not what the REST API "
		    "gives");
	js->scale = (uint32_t)scale;
	json_object_put(o);
}

static int
same(const uint32_t a[3], const uint32_t b[3])
{
	return memcmp(a, b, 3 * sizeof(a[0])) == 0;
}

/*
 * The mask as the job's preview: as it is when it has the preview's
 * shape, downsampled when it has the volume's and --downsample says so.
 * The caller frees what is returned when it is not m's own.
 */
static const uint8_t *
as_preview(const struct mask *m, const struct jobshape *js,
    const struct options *o, uint8_t **made)
{
	*made = NULL;
	if (same(m->shape, js->pshape))
		return m->voxels;
	if (same(m->shape, js->shape) && o->downsample) {
		*made = malloc(msg_shape_voxels(js->pshape));
		if (*made == NULL)
			die(EX_OSERR, "out of memory");
		downsample_mode(m->voxels, m->shape, js->scale, *made);
		return *made;
	}
	if (same(m->shape, js->shape))
		die(EX_DATAERR, "the mask has the volume's shape %ux%ux%u; "
		    "--downsample makes the job's %ux%ux%u preview (scale %u) "
		    "from it", m->shape[0], m->shape[1], m->shape[2],
		    js->pshape[0], js->pshape[1], js->pshape[2], js->scale);
	die(EX_DATAERR, "the mask is %ux%ux%u; the job's preview is %ux%ux%u "
	    "and its volume %ux%ux%u", m->shape[0], m->shape[1], m->shape[2],
	    js->pshape[0], js->pshape[1], js->pshape[2], js->shape[0],
	    js->shape[1], js->shape[2]);
}

/* PUT the preview, deflated unless --no-deflate. */
static void
send_preview(struct http *h, const struct options *o, const uint8_t *v,
    size_t n)
{
	const char *errstr;
	char path[128];
	uint8_t *z = NULL;
	size_t zlen = n;

	if (o->deflate) {
		if ((z = malloc(zpay_bound(n))) == NULL ||
		    zpay_compress(z, zpay_bound(n), v, n, &zlen, &errstr) == -1)
			die(EX_SOFTWARE, "deflate: %s", z == NULL ?
			    "out of memory" : errstr);
		v = z;
	}
	snprintf(path, sizeof(path), "/api/jobs/%s/preview", o->job);
	request(h, "PUT", path, v, zlen, "application/octet-stream",
	    o->deflate ? "deflate" : NULL);
	free(z);
}

static void
cmd_preview(struct http *h, const struct options *o, char **args)
{
	struct jobshape js;
	struct mask m;
	uint8_t *made;
	const uint8_t *v;

	read_mask(args[0], o, &m);
	job_shapes(h, o->job, &js);
	v = as_preview(&m, &js, o, &made);
	send_preview(h, o, v, (size_t)msg_shape_voxels(js.pshape));
	free(made);
	free(m.file);
}

/* POST a JSON body to /api/jobs/ID/what. */
static void
post(struct http *h, const struct options *o, const char *what,
    struct json_object *body)
{
	const char *text;
	char path[128];
	size_t len;

	text = json_object_to_json_string_length(body, JSON_C_TO_STRING_PLAIN,
	    &len);
	snprintf(path, sizeof(path), "/api/jobs/%s/%s", o->job, what);
	request(h, "POST", path, text, len, "application/json", NULL);
	json_object_put(body);
}

static void
cmd_progress(struct http *h, const struct options *o, char **args)
{
	struct json_object *b = json_object_new_object();

	json_object_object_add(b, "progress", json_object_new_int(
	    (int)parse_number(args[0], 100, "progress")));
	if (o->eta_s >= 0)
		json_object_object_add(b, "eta_s",
		    json_object_new_double(o->eta_s));
	post(h, o, "progress", b);
}

static void
cmd_complete(struct http *h, const struct options *o, char **args)
{
	struct json_object *b = json_object_new_object();

	(void)args;
	json_object_object_add(b, "state", json_object_new_string("succeeded"));
	post(h, o, "complete", b);
}

static void
cmd_fail(struct http *h, const struct options *o, char **args)
{
	struct json_object *b = json_object_new_object();
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "code", json_object_new_string(args[0]));
	json_object_object_add(e, "message", json_object_new_string(args[1]));
	json_object_object_add(b, "state", json_object_new_string("failed"));
	json_object_object_add(b, "error", e);
	post(h, o, "complete", b);
}

struct command {
	const char	*name;
	int		 nargs;
	void		(*run)(struct http *, const struct options *, char **);
};

static const struct command commands[] = {
	{ "preview", 1, cmd_preview },
	{ "progress", 1, cmd_progress },
	{ "complete", 0, cmd_complete },
	{ "fail", 2, cmd_fail },
	{ NULL, 0, NULL }
};

int
main(int argc, char **argv)
{
	const struct command *c;
	struct options o;
	struct http h;

	parse_options(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(EX_USAGE);
	for (c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			break;
	if (c->name == NULL || argc - 1 != c->nargs)
		usage(EX_USAGE);
	check_options(&o);
	if (http_init(&h, o.url, o.token, o.timeout_s) == -1)
		die(EX_SOFTWARE, "%s", h.error);
	c->run(&h, &o, argv + 1);
	if (h.status != 202)
		refused(&h);
	printf("%s", h.body);
	http_free(&h);
	return 0;
}
