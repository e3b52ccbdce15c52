/*
 * test_log.c: what reaches stderr at each level, in which form (with
 * the journal's priority prefixes when stderr is systemd's journal
 * stream), and that a message too long for the buffer is cut visibly
 * instead of overflowing.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "log.h"
#include "unit.h"

static FILE	*capture_file;
static int	 saved_stderr = -1;

/* Points fd 2 at a temporary file until capture_end(). */
static void
capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	CU_ASSERT_FATAL(capture_file != NULL);
	saved_stderr = dup(STDERR_FILENO);
	CU_ASSERT_FATAL(saved_stderr != -1);
	CU_ASSERT_FATAL(dup2(fileno(capture_file), STDERR_FILENO) != -1);
}

/* Restores stderr and returns what was written, NUL-terminated. */
static size_t
capture_end(char *buf, size_t size)
{
	ssize_t	 n;

	CU_ASSERT_FATAL(dup2(saved_stderr, STDERR_FILENO) != -1);
	close(saved_stderr);
	saved_stderr = -1;
	CU_ASSERT_FATAL(lseek(fileno(capture_file), 0, SEEK_SET) == 0);
	n = read(fileno(capture_file), buf, size - 1);
	CU_ASSERT_FATAL(n >= 0);
	buf[n] = '\0';
	fclose(capture_file);
	capture_file = NULL;
	return n;
}

/* Must run first: the state before log_init(). */
static void
test_defaults(void)
{
	char	 buf[256];

	CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_INFO);
	capture_begin();
	log_info("starting %d", 1);
	log_debug("not shown");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "maskstream: starting 1\n");
}

static void
test_level_warn(void)
{
	char	 buf[256];

	log_init("prog", 0, LOG_LEVEL_WARN);
	CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_WARN);
	capture_begin();
	log_info("info %s", "dropped");
	log_debug("debug %s", "dropped");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");

	capture_begin();
	log_warnx("disk %d%% full", 90);
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "prog: disk 90% full\n");
}

static void
test_level_info(void)
{
	char	 buf[256];

	log_init("prog", 0, LOG_LEVEL_INFO);
	capture_begin();
	log_info("hello %s", "world");
	log_debug("debug dropped");
	log_warnx("warned");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "prog: hello world\nprog: warned\n");
}

static void
test_level_debug(void)
{
	char	 buf[256];

	log_init("prog", 0, LOG_LEVEL_DEBUG);
	capture_begin();
	log_debug("job %s state %d", "abc", 2);
	log_info("info");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "prog: job abc state 2\nprog: info\n");

	log_set_level(LOG_LEVEL_INFO);
	CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_INFO);
	capture_begin();
	log_debug("dropped again");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

static void
test_warn_errno(void)
{
	char	 buf[256], want[256];
	int	 saved, rv;

	log_init("prog", 0, LOG_LEVEL_INFO);
	capture_begin();
	errno = ENOENT;
	log_warn("open %s", "/etc/x.conf");
	/* Logging leaves errno for the caller. */
	CU_ASSERT_EQUAL(errno, ENOENT);
	errno = EACCES;
	log_warnx("no errno here");
	capture_end(buf, sizeof(buf));
	snprintf(want, sizeof(want), "prog: open /etc/x.conf: %s\n"
	    "prog: no errno here\n", strerror(ENOENT));
	CU_ASSERT_STRING_EQUAL(buf, want);

	/* Not even a failed write(2) to a closed stderr touches errno. */
	saved = dup(STDERR_FILENO);
	CU_ASSERT_FATAL(saved != -1);
	close(STDERR_FILENO);
	errno = ENOENT;
	log_warn("lost");
	log_warnx("lost");
	log_info("lost");
	rv = errno;
	CU_ASSERT_FATAL(dup2(saved, STDERR_FILENO) != -1);
	close(saved);
	CU_ASSERT_EQUAL(rv, ENOENT);
}

static void
test_level_parse(void)
{
	enum log_level	 level;

	CU_ASSERT_EQUAL(log_level_parse("warn", &level), 0);
	CU_ASSERT_EQUAL(level, LOG_LEVEL_WARN);
	CU_ASSERT_EQUAL(log_level_parse("info", &level), 0);
	CU_ASSERT_EQUAL(level, LOG_LEVEL_INFO);
	CU_ASSERT_EQUAL(log_level_parse("debug", &level), 0);
	CU_ASSERT_EQUAL(level, LOG_LEVEL_DEBUG);

	level = LOG_LEVEL_INFO;
	CU_ASSERT_EQUAL(log_level_parse("verbose", &level), -1);
	CU_ASSERT_EQUAL(log_level_parse("", &level), -1);
	CU_ASSERT_EQUAL(log_level_parse("debug ", &level), -1);
	CU_ASSERT_EQUAL(log_level_parse("warning", &level), -1);
	CU_ASSERT_EQUAL(level, LOG_LEVEL_INFO);
}

static void
check_truncated(const char *buf, size_t n)
{
	const char	*p;

	CU_ASSERT(n > 1000);
	CU_ASSERT(n <= 1024 + 64);
	CU_ASSERT(strncmp(buf, "prog: aaaa", 10) == 0);
	CU_ASSERT(n >= 4 && strcmp(buf + n - 4, "...\n") == 0);
	p = strchr(buf, '\n');
	CU_ASSERT(p == buf + n - 1);
}

static void
test_long_message(void)
{
	char	*big, buf[8192];
	size_t	 n;

	big = malloc(5000);
	CU_ASSERT_FATAL(big != NULL);
	memset(big, 'a', 4999);
	big[4999] = '\0';

	log_init("prog", 0, LOG_LEVEL_INFO);
	capture_begin();
	log_info("%s", big);
	n = capture_end(buf, sizeof(buf));
	check_truncated(buf, n);

	capture_begin();
	errno = EINVAL;
	log_warn("%s and %s", big, big);
	n = capture_end(buf, sizeof(buf));
	check_truncated(buf, n);

	/* 1023 bytes and the NUL fill the buffer exactly: not cut. */
	big[1023] = '\0';
	capture_begin();
	log_info("%s", big);
	n = capture_end(buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, strlen("prog: ") + 1023 + 1);
	CU_ASSERT(strcmp(buf + n - 4, "aaa\n") == 0);

	big[1023] = 'a';
	big[1024] = '\0';
	capture_begin();
	log_info("%s", big);
	n = capture_end(buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, strlen("prog: ") + 1023 + 1);
	check_truncated(buf, n);
	free(big);
}

static void
test_long_progname(void)
{
	static char	 name[2000];
	char		 buf[4096];
	size_t		 n;

	memset(name, 'p', sizeof(name) - 1);
	log_init(name, 0, LOG_LEVEL_INFO);
	capture_begin();
	log_info("message");
	n = capture_end(buf, sizeof(buf));
	log_init("prog", 0, LOG_LEVEL_INFO);
	CU_ASSERT(n > 1000);
	CU_ASSERT(n < sizeof(name));
	CU_ASSERT(strncmp(buf, name, n - 1) == 0);
	CU_ASSERT(strchr(buf, '\n') == buf + n - 1);
}

static void
test_syslog_not_stderr(void)
{
	char	 buf[256];

	capture_begin();
	log_init("prog", 1, LOG_LEVEL_INFO);
	log_info("to syslog only");
	log_init("prog", 0, LOG_LEVEL_INFO);
	log_info("back on stderr");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "prog: back on stderr\n");
}

/* Runs fn in a child with stderr on a pipe; returns its exit status. */
static int
run_child(void (*fn)(void), char *buf, size_t size)
{
	ssize_t	 n;
	size_t	 len = 0;
	pid_t	 pid;
	int	 p[2], status;

	CU_ASSERT_FATAL(pipe(p) == 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CU_ASSERT_FATAL(pid != -1);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		fn();
		_exit(77);
	}
	close(p[1]);
	while (len < size - 1 &&
	    (n = read(p[0], buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(p[0]);
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	CU_ASSERT_FATAL(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
call_fatalx(void)
{
	log_init("prog", 0, LOG_LEVEL_WARN);
	fatalx("invariant %d broken", 3);
}

static void
call_fatal(void)
{
	log_init("prog", 0, LOG_LEVEL_WARN);
	errno = EBADF;
	fatal("close");
}

static void
test_fatal(void)
{
	char	 buf[256], want[256];

	CU_ASSERT_EQUAL(run_child(call_fatalx, buf, sizeof(buf)), 1);
	CU_ASSERT_STRING_EQUAL(buf, "prog: invariant 3 broken\n");

	CU_ASSERT_EQUAL(run_child(call_fatal, buf, sizeof(buf)), 1);
	snprintf(want, sizeof(want), "prog: close: %s\n", strerror(EBADF));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

/* Names stderr, as it is now, in JOURNAL_STREAM, as systemd does. */
static void
journal_is_stderr(void)
{
	struct stat	 st;
	char		 env[64];

	CU_ASSERT_FATAL(fstat(STDERR_FILENO, &st) == 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	CU_ASSERT_FATAL(setenv("JOURNAL_STREAM", env, 1) == 0);
}

static void
call_fatalx_journal(void)
{
	journal_is_stderr();
	log_init("prog", 0, LOG_LEVEL_WARN);
	fatalx("invariant %d broken", 4);
}

static void
test_journal(void)
{
	struct stat	 st;
	char		 buf[256], want[256];

	capture_begin();
	journal_is_stderr();
	log_init("prog", 0, LOG_LEVEL_DEBUG);
	log_warnx("warned");
	log_info("told");
	log_debug("traced");
	errno = ENOENT;
	log_warn("open");
	capture_end(buf, sizeof(buf));
	snprintf(want, sizeof(want), "<4>warned\n<6>told\n<7>traced\n"
	    "<4>open: %s\n", strerror(ENOENT));
	CU_ASSERT_STRING_EQUAL(buf, want);

	/* The journal is another file than stderr: names, not priorities. */
	CU_ASSERT_FATAL(stat("/dev/null", &st) == 0);
	snprintf(want, sizeof(want), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	CU_ASSERT_FATAL(setenv("JOURNAL_STREAM", want, 1) == 0);
	capture_begin();
	log_init("prog", 0, LOG_LEVEL_INFO);
	log_info("elsewhere");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "prog: elsewhere\n");

	/* Not "device:inode": ignored. */
	capture_begin();
	journal_is_stderr();
	CU_ASSERT_FATAL(setenv("JOURNAL_STREAM",
	    strcat(strcpy(want, getenv("JOURNAL_STREAM")), "x"), 1) == 0);
	log_init("prog", 0, LOG_LEVEL_INFO);
	log_info("garbled");
	capture_end(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "prog: garbled\n");

	CU_ASSERT_EQUAL(run_child(call_fatalx_journal, buf, sizeof(buf)), 1);
	CU_ASSERT_STRING_EQUAL(buf, "<2>invariant 4 broken\n");

	CU_ASSERT_FATAL(unsetenv("JOURNAL_STREAM") == 0);
	log_init("prog", 0, LOG_LEVEL_INFO);
}

static CU_TestInfo cases[] = {
	{ "defaults before log_init", test_defaults },
	{ "level warn", test_level_warn },
	{ "level info", test_level_info },
	{ "level debug", test_level_debug },
	{ "log_warn appends strerror", test_warn_errno },
	{ "log_level_parse", test_level_parse },
	{ "long messages are cut", test_long_message },
	{ "long progname", test_long_progname },
	{ "syslog mode leaves stderr alone", test_syslog_not_stderr },
	{ "fatal and fatalx exit 1", test_fatal },
	{ "priorities on the journal's stream", test_journal },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	/* The cases say where stderr goes, not the caller's environment. */
	unsetenv("JOURNAL_STREAM");
	return unit_run("log", cases);
}
