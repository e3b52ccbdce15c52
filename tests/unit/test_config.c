/*
 * test_config.c: the configuration parser on good files, which must set
 * exactly what they say, and bad ones, which must be refused with the
 * file, line and key the operator needs to fix them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "config.h"
#include "unit.h"

struct settings {
	char		*socket_path;
	char		*name;
	long long	 max_jobs;
	double		 ratio;
	int		 verbose;
	unsigned int	 socket_mode;
};

static const struct config_var vars[] = {
	{ .key = "socket_path", .type = CONFIG_STRING,
	    .offset = offsetof(struct settings, socket_path) },
	{ .key = "name", .type = CONFIG_STRING,
	    .offset = offsetof(struct settings, name) },
	{ .key = "max_jobs", .type = CONFIG_INT,
	    .offset = offsetof(struct settings, max_jobs),
	    .min = 1, .max = 100000 },
	{ .key = "ratio", .type = CONFIG_DOUBLE,
	    .offset = offsetof(struct settings, ratio),
	    .dmin = 0.0, .dmax = 1.0 },
	{ .key = "verbose", .type = CONFIG_BOOL,
	    .offset = offsetof(struct settings, verbose) },
	{ .key = "socket_mode", .type = CONFIG_MODE,
	    .offset = offsetof(struct settings, socket_mode) },
	{ .key = NULL }
};

#define DEF_SOCKET	"/run/maskstream/default.sock"
#define DEF_JOBS	4
#define DEF_RATIO	0.5
#define DEF_MODE	0600

static void
defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->socket_path = strdup(DEF_SOCKET);
	CU_ASSERT_FATAL(s->socket_path != NULL);
	s->max_jobs = DEF_JOBS;
	s->ratio = DEF_RATIO;
	s->socket_mode = DEF_MODE;
}

static int
parse(const char *name, const char *text, struct settings *s, char *err,
    size_t errlen)
{
	FILE	*f;
	char	*copy;
	int	 rv;

	/* fmemopen() of 0 bytes fails on older glibc: no empty texts. */
	CU_ASSERT_FATAL(text[0] != '\0');
	copy = strdup(text);
	CU_ASSERT_FATAL(copy != NULL);
	f = fmemopen(copy, strlen(copy), "r");
	CU_ASSERT_FATAL(f != NULL);
	rv = config_parse(f, name, vars, s, err, errlen);
	fclose(f);
	free(copy);
	return rv;
}

struct good_case {
	const char	*text;
	const char	*socket_path;
	const char	*name;
	long long	 max_jobs;
	double		 ratio;
	int		 verbose;
	unsigned int	 socket_mode;
};

static const struct good_case good_cases[] = {
	{ "# nothing but comments\n\n   \n\t# indented\n",
	    DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "max_jobs = 8\n",
	    DEF_SOCKET, NULL, 8, DEF_RATIO, 0, DEF_MODE },
	{ "  max_jobs=8\t \n",
	    DEF_SOCKET, NULL, 8, DEF_RATIO, 0, DEF_MODE },
	{ "max_jobs = 8 # the machine has 8 cores\n",
	    DEF_SOCKET, NULL, 8, DEF_RATIO, 0, DEF_MODE },
	{ "max_jobs = 8#c\n",
	    DEF_SOCKET, NULL, 8, DEF_RATIO, 0, DEF_MODE },
	{ "max_jobs = 9\r\nratio = 0.25\r\n",
	    DEF_SOCKET, NULL, 9, 0.25, 0, DEF_MODE },
	{ "max_jobs = 10",
	    DEF_SOCKET, NULL, 10, DEF_RATIO, 0, DEF_MODE },
	{ "max_jobs = 1\nmax_jobs = 100000\n",
	    DEF_SOCKET, NULL, 100000, DEF_RATIO, 0, DEF_MODE },
	{ "max_jobs = +7\n",
	    DEF_SOCKET, NULL, 7, DEF_RATIO, 0, DEF_MODE },
	{ "name = \"  spaced # not a comment \"\n",
	    DEF_SOCKET, "  spaced # not a comment ", DEF_JOBS, DEF_RATIO, 0,
	    DEF_MODE },
	{ "name = \"a \\\"q\\\" b\\\\\"  # comment\n",
	    DEF_SOCKET, "a \"q\" b\\", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "name = \"c:\\tmp\"\n",
	    DEF_SOCKET, "c:\\tmp", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "name = a \"b\" c\n",
	    DEF_SOCKET, "a \"b\" c", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "name = two  words \n",
	    DEF_SOCKET, "two  words", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "name =\n",
	    DEF_SOCKET, "", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "name = \"\"\n",
	    DEF_SOCKET, "", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "name = a=b\n",
	    DEF_SOCKET, "a=b", DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "socket_path = /tmp/a.sock\nsocket_path = /tmp/b.sock\n",
	    "/tmp/b.sock", NULL, DEF_JOBS, DEF_RATIO, 0, DEF_MODE },
	{ "verbose = yes\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 1,
	    DEF_MODE },
	{ "verbose = true\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 1,
	    DEF_MODE },
	{ "verbose = On\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 1,
	    DEF_MODE },
	{ "verbose = 1\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 1,
	    DEF_MODE },
	{ "verbose = 1\nverbose = no\n", DEF_SOCKET, NULL, DEF_JOBS,
	    DEF_RATIO, 0, DEF_MODE },
	{ "verbose = 1\nverbose = false\n", DEF_SOCKET, NULL, DEF_JOBS,
	    DEF_RATIO, 0, DEF_MODE },
	{ "verbose = 1\nverbose = off\n", DEF_SOCKET, NULL, DEF_JOBS,
	    DEF_RATIO, 0, DEF_MODE },
	{ "verbose = 1\nverbose = 0\n", DEF_SOCKET, NULL, DEF_JOBS,
	    DEF_RATIO, 0, DEF_MODE },
	{ "socket_mode = 0660\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 0,
	    0660 },
	{ "socket_mode = 660\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 0,
	    0660 },
	{ "socket_mode = 0777\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 0,
	    0777 },
	{ "socket_mode = 0\n", DEF_SOCKET, NULL, DEF_JOBS, DEF_RATIO, 0, 0 },
	{ "ratio = 1\n", DEF_SOCKET, NULL, DEF_JOBS, 1.0, 0, DEF_MODE },
	{ "ratio = 0\n", DEF_SOCKET, NULL, DEF_JOBS, 0.0, 0, DEF_MODE },
	{ "ratio = 1e-1\n", DEF_SOCKET, NULL, DEF_JOBS, 0.1, 0, DEF_MODE },
	{ "socket_path = \"/run/ms.sock\"\nname = streamer\n"
	    "max_jobs = 32\nratio = .75\nverbose = yes\nsocket_mode = 0640\n",
	    "/run/ms.sock", "streamer", 32, 0.75, 1, 0640 },
};

static void
check_good(const struct good_case *c, const struct settings *s)
{
	CU_ASSERT_STRING_EQUAL(s->socket_path, c->socket_path);
	if (c->name == NULL) {
		CU_ASSERT_PTR_NULL(s->name);
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(s->name);
		CU_ASSERT_STRING_EQUAL(s->name, c->name);
	}
	CU_ASSERT_EQUAL(s->max_jobs, c->max_jobs);
	CU_ASSERT_DOUBLE_EQUAL(s->ratio, c->ratio, 1e-12);
	CU_ASSERT_EQUAL(s->verbose, c->verbose);
	CU_ASSERT_EQUAL(s->socket_mode, c->socket_mode);
}

static void
test_good(void)
{
	struct settings	 s;
	char		 err[256];
	size_t		 i;
	int		 rv;

	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		defaults(&s);
		err[0] = '\0';
		rv = parse("t.conf", good_cases[i].text, &s, err,
		    sizeof(err));
		if (rv != 0)
			fprintf(stderr, "good case %zu: %s\n", i, err);
		CU_ASSERT_EQUAL(rv, 0);
		CU_ASSERT_STRING_EQUAL(err, "");
		check_good(&good_cases[i], &s);
		config_free_strings(vars, &s);
	}
}

struct bad_case {
	const char	*name;
	const char	*text;
	const char	*err;
};

static const struct bad_case bad_cases[] = {
	{ "maskstream.conf",
	    "# maskstream\n\nmax_jobs = 4\n\n# below\n\nfooo = 1\nname = x\n",
	    "maskstream.conf:7: unknown key \"fooo\"" },
	{ "x.conf", "\n# c\nmax_jobs\n",
	    "x.conf:3: expected \"key = value\"" },
	{ "x.conf", "max_jobs 5\n", "x.conf:1: expected \"key = value\"" },
	{ "x.conf", "max jobs = 5\n", "x.conf:1: expected \"key = value\"" },
	{ "x.conf", "max_jobs # = 5\n",
	    "x.conf:1: expected \"key = value\"" },
	{ "x.conf", "\"max_jobs\" = 5\n",
	    "x.conf:1: unknown key \"\"max_jobs\"\"" },
	{ "x.conf", "= 5\n", "x.conf:1: empty key" },
	{ "x.conf", "Max_jobs = 5\n", "x.conf:1: unknown key \"Max_jobs\"" },
	{ "x.conf", "a\n", "x.conf:1: expected \"key = value\"" },
	{ "x.conf", "\n\n\nmax_jobs = abc\n",
	    "x.conf:4: max_jobs: \"abc\" is not an integer" },
	{ "x.conf", "max_jobs = 5x\n",
	    "x.conf:1: max_jobs: \"5x\" is not an integer" },
	{ "x.conf", "max_jobs = 5.0\n",
	    "x.conf:1: max_jobs: \"5.0\" is not an integer" },
	{ "x.conf", "max_jobs =\n",
	    "x.conf:1: max_jobs: \"\" is not an integer" },
	{ "x.conf", "max_jobs = \" 5\"\n",
	    "x.conf:1: max_jobs: \" 5\" is not an integer" },
	{ "x.conf", "\n\n\nmax_jobs = 0\n",
	    "x.conf:4: max_jobs: 0 is out of range 1..100000" },
	{ "x.conf", "max_jobs = 100001\n",
	    "x.conf:1: max_jobs: 100001 is out of range 1..100000" },
	{ "x.conf", "max_jobs = -3\n",
	    "x.conf:1: max_jobs: -3 is out of range 1..100000" },
	{ "x.conf", "max_jobs = 99999999999999999999\n",
	    "x.conf:1: max_jobs: 99999999999999999999 is out of range "
	    "1..100000" },
	{ "x.conf", "ratio = 1.5\n",
	    "x.conf:1: ratio: 1.5 is out of range 0..1" },
	{ "x.conf", "ratio = -0.1\n",
	    "x.conf:1: ratio: -0.1 is out of range 0..1" },
	{ "x.conf", "ratio = half\n",
	    "x.conf:1: ratio: \"half\" is not a number" },
	{ "x.conf", "ratio = nan\n",
	    "x.conf:1: ratio: \"nan\" is not a number" },
	{ "x.conf", "ratio = inf\n",
	    "x.conf:1: ratio: \"inf\" is not a number" },
	{ "x.conf", "ratio = 0.5.\n",
	    "x.conf:1: ratio: \"0.5.\" is not a number" },
	{ "x.conf", "verbose = maybe\n",
	    "x.conf:1: verbose: \"maybe\" is not yes or no" },
	{ "x.conf", "verbose = 2\n",
	    "x.conf:1: verbose: \"2\" is not yes or no" },
	{ "x.conf", "socket_mode = 0888\n",
	    "x.conf:1: socket_mode: \"0888\" is not an octal mode" },
	{ "x.conf", "socket_mode = -1\n",
	    "x.conf:1: socket_mode: \"-1\" is not an octal mode" },
	{ "x.conf", "socket_mode = 0x1ff\n",
	    "x.conf:1: socket_mode: \"0x1ff\" is not an octal mode" },
	{ "x.conf", "socket_mode =\n",
	    "x.conf:1: socket_mode: \"\" is not an octal mode" },
	{ "x.conf", "socket_mode = 1777\n",
	    "x.conf:1: socket_mode: 1777 is out of range 0..0777" },
	{ "x.conf", "socket_mode = 00000000000001000\n",
	    "x.conf:1: socket_mode: 00000000000001000 is out of range "
	    "0..0777" },
	{ "x.conf", "name = \"abc\n",
	    "x.conf:1: unterminated quoted value" },
	{ "x.conf", "name = \"abc\\\"\n",
	    "x.conf:1: unterminated quoted value" },
	{ "x.conf", "name = \"abc\" def\n",
	    "x.conf:1: unexpected text after quoted value" },
};

static void
test_bad(void)
{
	struct settings	 s;
	char		 err[256];
	size_t		 i;
	int		 rv;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		defaults(&s);
		err[0] = '\0';
		rv = parse(bad_cases[i].name, bad_cases[i].text, &s, err,
		    sizeof(err));
		CU_ASSERT_EQUAL(rv, -1);
		CU_ASSERT_STRING_EQUAL(err, bad_cases[i].err);
		if (strcmp(err, bad_cases[i].err) != 0)
			fprintf(stderr, "bad case %zu: got '%s', want '%s'\n",
			    i, err, bad_cases[i].err);
		config_free_strings(vars, &s);
	}
}

/* The first error stops the parse: lines after it are not applied. */
static void
test_stops_at_error(void)
{
	struct settings	 s;
	char		 err[256];

	defaults(&s);
	CU_ASSERT_EQUAL(parse("x.conf", "max_jobs = 9\nbogus\nratio = 1\n",
	    &s, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x.conf:2: expected \"key = value\"");
	CU_ASSERT_EQUAL(s.max_jobs, 9);
	CU_ASSERT_DOUBLE_EQUAL(s.ratio, DEF_RATIO, 1e-12);
	config_free_strings(vars, &s);
}

static char *
long_line(size_t len)
{
	char	*text;

	text = malloc(len + 64);
	CU_ASSERT_FATAL(text != NULL);
	strcpy(text, "max_jobs = 3\nname = ");
	memset(text + strlen(text), 'n', len - strlen("name = "));
	strcpy(text + strlen("max_jobs = 3\n") + len, "\nratio = 1\n");
	return text;
}

static void
test_line_length(void)
{
	struct settings	 s;
	char		 err[256], *text;

	/* 4096 bytes is the longest line accepted. */
	defaults(&s);
	text = long_line(4096);
	CU_ASSERT_EQUAL(parse("x.conf", text, &s, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.name);
	CU_ASSERT_EQUAL(strlen(s.name), 4096 - strlen("name = "));
	CU_ASSERT_DOUBLE_EQUAL(s.ratio, 1.0, 1e-12);
	free(text);
	config_free_strings(vars, &s);

	defaults(&s);
	text = long_line(4097);
	CU_ASSERT_EQUAL(parse("x.conf", text, &s, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x.conf:2: line too long");
	CU_ASSERT_PTR_NULL(s.name);
	free(text);
	config_free_strings(vars, &s);
}

/* Each assignment frees the string it replaces; ASan reports a leak. */
static void
test_string_replace(void)
{
	struct settings	 s;
	char		 err[256];

	defaults(&s);
	CU_ASSERT_EQUAL(parse("x.conf", "name = one\nname = two\n"
	    "socket_path = /a\n", &s, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(s.name, "two");
	CU_ASSERT_STRING_EQUAL(s.socket_path, "/a");
	/* A second file over the same settings, as a reload would. */
	CU_ASSERT_EQUAL(parse("y.conf", "name = three\n", &s, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(s.name, "three");
	CU_ASSERT_STRING_EQUAL(s.socket_path, "/a");
	config_free_strings(vars, &s);
	CU_ASSERT_PTR_NULL(s.name);
	CU_ASSERT_PTR_NULL(s.socket_path);
	/* Freeing twice is harmless: the fields are NULL now. */
	config_free_strings(vars, &s);
}

static void
test_small_err(void)
{
	struct settings	 s;
	char		 err[12];

	defaults(&s);
	memset(err, 'z', sizeof(err));
	CU_ASSERT_EQUAL(parse("x.conf", "fooo = 1\n", &s, err, 10), -1);
	CU_ASSERT_STRING_EQUAL(err, "x.conf:1:");
	CU_ASSERT_EQUAL(err[10], 'z');
	/* No buffer at all is allowed too. */
	CU_ASSERT_EQUAL(parse("x.conf", "fooo = 1\n", &s, NULL, 0), -1);
	config_free_strings(vars, &s);
}

static void
test_load_missing(void)
{
	struct settings	 s;
	char		 err[256], want[256];
	const char	*path = "/nonexistent/maskstream/x.conf";

	defaults(&s);
	CU_ASSERT_EQUAL(config_load(path, vars, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_STRING_EQUAL(s.socket_path, DEF_SOCKET);
	config_free_strings(vars, &s);
}

static void
test_load_file(void)
{
	struct settings	 s;
	char		 path[] = "/tmp/test_config.XXXXXX", err[256];
	char		 want[256];
	static const char text[] = "name = from file\nmax_jobs = 12\n"
			    "oops\n";
	int		 fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd != -1);
	CU_ASSERT_FATAL(write(fd, text, sizeof(text) - 1) ==
	    (ssize_t)sizeof(text) - 1);
	close(fd);

	defaults(&s);
	CU_ASSERT_EQUAL(config_load(path, vars, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: expected \"key = value\"", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_STRING_EQUAL(s.name, "from file");
	CU_ASSERT_EQUAL(s.max_jobs, 12);
	config_free_strings(vars, &s);
	unlink(path);
}

static CU_TestInfo cases[] = {
	{ "good files", test_good },
	{ "bad files", test_bad },
	{ "the first error stops", test_stops_at_error },
	{ "line length limit", test_line_length },
	{ "string values replaced", test_string_replace },
	{ "small error buffer", test_small_err },
	{ "config_load of a missing file", test_load_missing },
	{ "config_load of a file", test_load_file },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("config", cases);
}
