/*
 * test_daemon.c: closed stdio fds are filled with /dev/null, detaching
 * leaves a session leader in "/" on /dev/null, and dropping to another
 * user cannot be undone.  Anything that changes the process runs in a
 * child that reports through its exit status.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "daemon.h"
#include "unit.h"

#define MAX_GROUPS	256

/* What the detached process tells us about itself. */
struct report {
	pid_t	 pid;
	pid_t	 sid;
	pid_t	 ppid;
	int	 cwd_is_root;
	int	 stdio_is_null;
};

static pid_t	 detach_parent;
static int	 report_fd = -1;

/* NULL-safe, so that an unset errstr fails the test instead of crashing. */
static int
is_error(const char *errstr, const char *want)
{
	return errstr != NULL && strcmp(errstr, want) == 0;
}

/* Runs fn in a child and returns its exit status, or -1 if it died. */
static int
run_child(int (*fn)(void))
{
	pid_t	 pid;
	int	 status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CU_ASSERT_FATAL(pid != -1);
	if (pid == 0)
		_exit(fn());
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
is_dev_null(int fd)
{
	struct stat	 sb, nb;

	if (fstat(fd, &sb) == -1 || stat("/dev/null", &nb) == -1)
		return 0;
	return S_ISCHR(sb.st_mode) && sb.st_rdev == nb.st_rdev;
}

static int
guard_stdout_stderr(void)
{
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	daemon_guard_fds();
	if (!is_dev_null(STDOUT_FILENO))
		return 1;
	if (!is_dev_null(STDERR_FILENO))
		return 2;
	return 0;
}

static int
guard_all(void)
{
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	daemon_guard_fds();
	if (!is_dev_null(STDIN_FILENO) || !is_dev_null(STDOUT_FILENO) ||
	    !is_dev_null(STDERR_FILENO))
		return 1;
	return 0;
}

/* An open fd 1 is left alone while fd 2 is filled in. */
static int
guard_keeps_open(void)
{
	struct stat	 sb;
	int		 p[2];

	if (pipe(p) == -1 || dup2(p[1], STDOUT_FILENO) == -1)
		return 1;
	close(p[0]);
	close(p[1]);
	close(STDERR_FILENO);
	daemon_guard_fds();
	if (fstat(STDOUT_FILENO, &sb) == -1 || !S_ISFIFO(sb.st_mode))
		return 2;
	if (!is_dev_null(STDERR_FILENO))
		return 3;
	return 0;
}

static void
test_guard_fds(void)
{
	CU_ASSERT_EQUAL(run_child(guard_stdout_stderr), 0);
	CU_ASSERT_EQUAL(run_child(guard_all), 0);
	CU_ASSERT_EQUAL(run_child(guard_keeps_open), 0);
}

static void
test_exit_codes(void)
{
	CU_ASSERT_EQUAL(DAEMON_EXIT_OK, EX_OK);
	CU_ASSERT_EQUAL(DAEMON_EXIT_FAILURE, 1);
	CU_ASSERT_EQUAL(DAEMON_EXIT_USAGE, EX_USAGE);
	CU_ASSERT_EQUAL(DAEMON_EXIT_CANTCREAT, EX_CANTCREAT);
	CU_ASSERT_EQUAL(DAEMON_EXIT_ALREADY_RUNNING, EX_TEMPFAIL);
	CU_ASSERT_EQUAL(DAEMON_EXIT_CONFIG, EX_CONFIG);
}

/* Runs in the detached process; the report goes through report_fd. */
static void
send_report(void)
{
	struct timespec	 ts = { 0, 10000000L };
	struct report	 r;
	char		 cwd[PATH_MAX];
	int		 i;

	/* Our parent _exit()s right after fork(); wait to be orphaned. */
	for (i = 0; i < 200 && getppid() == detach_parent; i++)
		nanosleep(&ts, NULL);
	memset(&r, 0, sizeof(r));
	r.pid = getpid();
	r.sid = getsid(0);
	r.ppid = getppid();
	r.cwd_is_root = getcwd(cwd, sizeof(cwd)) != NULL &&
	    strcmp(cwd, "/") == 0;
	r.stdio_is_null = is_dev_null(STDIN_FILENO) &&
	    is_dev_null(STDOUT_FILENO) && is_dev_null(STDERR_FILENO);
	if (write(report_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
}

static int
detach(void)
{
	detach_parent = getpid();
	if (daemon_detach() == -1)
		return 1;
	send_report();
	_exit(0);
}

static void
test_detach(void)
{
	struct report	 r;
	ssize_t		 n;
	pid_t		 pid;
	int		 p[2], status;

	CU_ASSERT_FATAL(pipe(p) == 0);
	report_fd = p[1];
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CU_ASSERT_FATAL(pid != -1);
	if (pid == 0) {
		close(p[0]);
		_exit(detach());
	}
	close(p[1]);
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* EOF before a whole report means detaching failed. */
	n = read(p[0], &r, sizeof(r));
	close(p[0]);
	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)sizeof(r));
	CU_ASSERT(r.pid != pid);
	CU_ASSERT_EQUAL(r.sid, r.pid);
	CU_ASSERT(r.ppid != pid);
	CU_ASSERT(r.cwd_is_root);
	CU_ASSERT(r.stdio_is_null);
}

static void
test_drop_none(void)
{
	const char	*errstr = NULL;
	uid_t		 uid = getuid();

	CU_ASSERT_EQUAL(daemon_drop_privileges(NULL, &errstr), 0);
	CU_ASSERT_PTR_NULL(errstr);
	CU_ASSERT_EQUAL(getuid(), uid);
}

static void
test_drop_unknown(void)
{
	const char	*errstr = NULL;
	uid_t		 uid = getuid();

	CU_ASSERT_EQUAL(daemon_drop_privileges("ms-no-such-user", &errstr),
	    -1);
	CU_ASSERT(is_error(errstr, "unknown user"));
	CU_ASSERT_EQUAL(getuid(), uid);
}

static int
has_group(gid_t gid)
{
	gid_t	 groups[MAX_GROUPS];
	int	 n, i;

	if ((n = getgroups(MAX_GROUPS, groups)) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

static int
drop_to_nobody(void)
{
	struct passwd	*pw;
	const char	*errstr = NULL;
	uid_t		 uid;
	gid_t		 gid, root_gid = 0;

	if ((pw = getpwnam("nobody")) == NULL)
		return 1;
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	/* Root's supplementary groups, to see them go. */
	if (setgroups(1, &root_gid) == -1)
		return 10;
	if (daemon_drop_privileges("nobody", &errstr) == -1)
		return 2;
	if (getuid() != uid || geteuid() != uid)
		return 3;
	if (getgid() != gid || getegid() != gid)
		return 4;
	if (has_group(0) != 0)
		return 5;
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1)
		return 6;
	/* Now an ordinary user: staying is fine, switching is not. */
	if (daemon_drop_privileges("nobody", &errstr) == -1)
		return 7;
	if (daemon_drop_privileges("root", &errstr) != -1)
		return 8;
	if (getuid() != uid)
		return 9;
	return 0;
}

static void
test_drop_root(void)
{
	if (geteuid() != 0) {
		CU_PASS("not root: dropping privileges not tested");
		return;
	}
	CU_ASSERT_EQUAL(run_child(drop_to_nobody), 0);
}

/* Not root: only "becoming" who we are already is allowed. */
static void
test_drop_not_root(void)
{
	struct passwd	*pw;
	const char	*errstr = NULL;
	char		 name[256];

	if (geteuid() == 0) {
		CU_PASS("root: covered by the drop to nobody");
		return;
	}
	CU_ASSERT_FATAL((pw = getpwuid(getuid())) != NULL);
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	CU_ASSERT_EQUAL(daemon_drop_privileges(name, &errstr), 0);
	CU_ASSERT_EQUAL(daemon_drop_privileges("root", &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL(errstr);
}

static CU_TestInfo cases[] = {
	{ "exit codes are sysexits", test_exit_codes },
	{ "guard fds", test_guard_fds },
	{ "detach", test_detach },
	{ "drop privileges: no user", test_drop_none },
	{ "drop privileges: unknown user", test_drop_unknown },
	{ "drop privileges: as root", test_drop_root },
	{ "drop privileges: not root", test_drop_not_root },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("daemon", cases);
}
