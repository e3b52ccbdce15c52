/*
 * test_pidfile.c: one instance holds the pidfile, a second (in this
 * process or another) is told who, a stale file is taken over, and the
 * lock follows the file across fork().
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "pidfile.h"
#include "unit.h"

static char	 dir[PATH_MAX / 2];
static char	 path[PATH_MAX];

/* A fresh directory for each test, holding path. */
static void
setup(void)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	CU_ASSERT_FATAL((size_t)snprintf(dir, sizeof(dir),
	    "%s/ms-pidfile.XXXXXX", tmp) < sizeof(dir));
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/test.pid", dir);
}

/* Fails the test if anything but path was left in the directory. */
static void
cleanup(void)
{
	unlink(path);
	CU_ASSERT(rmdir(dir) == 0);
}

/* The file's contents, NUL-terminated, or "<error>". */
static void
read_file(const char *p, char *buf, size_t size)
{
	ssize_t	 n;
	int	 fd;

	snprintf(buf, size, "<error>");
	if ((fd = open(p, O_RDONLY)) == -1)
		return;
	if ((n = read(fd, buf, size - 1)) >= 0)
		buf[n] = '\0';
	close(fd);
}

static void
write_file(const char *p, const char *s)
{
	int	 fd;

	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd != -1);
	CU_ASSERT_FATAL(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	close(fd);
}

static void
assert_holds_pid(pid_t pid)
{
	char	 buf[64], want[64];

	snprintf(want, sizeof(want), "%ld\n", (long)pid);
	read_file(path, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
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

static void
test_open_write(void)
{
	struct pidfile	*pf;
	struct stat	 sb;
	const char	*errstr = NULL;
	mode_t		 old;

	setup();
	old = umask(022);
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, &errstr), 0);
	umask(old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
	CU_ASSERT_EQUAL(pidfile_write(pf), 0);
	assert_holds_pid(getpid());
	CU_ASSERT_FATAL(stat(path, &sb) == 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0644);
	/* Writing again replaces all that was there. */
	write_file(path, "2147483647\n");
	CU_ASSERT_EQUAL(pidfile_write(pf), 0);
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	cleanup();
}

static void
test_second_open_here(void)
{
	struct pidfile	*pf, *pf2;
	const char	*errstr = NULL;
	pid_t		 other = 0;

	setup();
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pidfile_write(pf), 0);
	pf2 = pf;
	errno = 0;
	CU_ASSERT_EQUAL(pidfile_open(path, &pf2, &other, &errstr), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL(other, getpid());
	CU_ASSERT_PTR_NULL(pf2);
	CU_ASSERT_PTR_NOT_NULL(errstr);
	/* The loser must not have emptied the winner's file. */
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	cleanup();
}

static pid_t	 expected_other;

static int
open_expecting_eexist(void)
{
	struct pidfile	*pf = NULL;
	pid_t		 other = 0;

	if (pidfile_open(path, &pf, &other, NULL) != -1)
		return 1;
	if (errno != EEXIST)
		return 2;
	if (other != expected_other)
		return 3;
	if (pf != NULL)
		return 4;
	return 0;
}

static void
test_second_open_child(void)
{
	struct pidfile	*pf;

	setup();
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pidfile_write(pf), 0);
	expected_other = getpid();
	CU_ASSERT_EQUAL(run_child(open_expecting_eexist), 0);
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	cleanup();
}

/*
 * A holder that has not written yet, or not all of its pid, is running
 * all the same; its pid is not known until the newline.
 */
static void
test_holder_not_written(void)
{
	struct pidfile	*pf, *pf2;
	pid_t		 other = 0;

	setup();
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL(pidfile_open(path, &pf2, &other, NULL), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL(other, -1);

	write_file(path, "123");
	other = 0;
	CU_ASSERT_EQUAL(pidfile_open(path, &pf2, &other, NULL), -1);
	CU_ASSERT_EQUAL(other, -1);
	write_file(path, "123\n");
	CU_ASSERT_EQUAL(pidfile_open(path, &pf2, &other, NULL), -1);
	CU_ASSERT_EQUAL(other, 123);
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	cleanup();
}

static void
test_remove_reopen(void)
{
	struct pidfile	*pf;
	struct stat	 sb;

	setup();
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pidfile_write(pf), 0);
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	CU_ASSERT(stat(path, &sb) == -1 && errno == ENOENT);
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL(pidfile_write(pf), 0);
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	CU_ASSERT_EQUAL(pidfile_remove(NULL), 0);
	pidfile_close(NULL);
	cleanup();
}

/* Left by a crash: a pid, longer than ours, and no lock. */
static void
test_stale(void)
{
	struct pidfile	*pf;
	char		 buf[64];

	setup();
	write_file(path, "2147483647\n");
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	read_file(path, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(pidfile_write(pf), 0);
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);

	write_file(path, "garbage");
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL(pidfile_write(pf), 0);
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	cleanup();
}

/*
 * What a daemon does: open, fork, the parent goes away, the child
 * writes.  The child's copy of the fd keeps the lock.
 */
static void
test_survives_fork(void)
{
	struct pidfile	*pf, *pf2;
	pid_t		 pid, other = 0;
	char		 c;
	int		 ready[2], go[2], status;

	setup();
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_FATAL(pipe(ready) == 0 && pipe(go) == 0);
	fflush(stdout);
	pid = fork();
	CU_ASSERT_FATAL(pid != -1);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (pidfile_write(pf) == -1)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(2);
		/* Hold on until the parent closes its end. */
		while (read(go[0], &c, 1) > 0)
			continue;
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	pidfile_close(pf);
	CU_ASSERT_EQUAL(read(ready[0], &c, 1), 1);
	CU_ASSERT_EQUAL(pidfile_open(path, &pf2, &other, NULL), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL(other, pid);
	close(go[1]);
	close(ready[0]);
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The child exited without removing: stale now. */
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	cleanup();
}

/* Someone removed our file and another instance made a new one. */
static void
test_remove_not_ours(void)
{
	struct pidfile	*pf, *pf2;
	struct stat	 sb;

	setup();
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf, NULL, NULL), 0);
	CU_ASSERT_FATAL(unlink(path) == 0);
	CU_ASSERT_EQUAL_FATAL(pidfile_open(path, &pf2, NULL, NULL), 0);
	CU_ASSERT_EQUAL(pidfile_write(pf2), 0);
	CU_ASSERT_EQUAL(pidfile_remove(pf), 0);
	CU_ASSERT(stat(path, &sb) == 0);
	assert_holds_pid(getpid());
	CU_ASSERT_EQUAL(pidfile_remove(pf2), 0);
	CU_ASSERT(stat(path, &sb) == -1 && errno == ENOENT);
	cleanup();
}

static void
test_open_errors(void)
{
	struct pidfile	*pf = NULL;
	const char	*errstr = NULL;
	char		 p[PATH_MAX], target[PATH_MAX], buf[64];

	setup();
	snprintf(p, sizeof(p), "%s/missing/test.pid", dir);
	CU_ASSERT_EQUAL(pidfile_open(p, &pf, NULL, &errstr), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NOT_NULL(errstr);
	CU_ASSERT_PTR_NULL(pf);

	/* A symlink is refused, and what it points to is left alone. */
	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "precious\n");
	CU_ASSERT_FATAL(symlink(target, path) == 0);
	errstr = NULL;
	CU_ASSERT_EQUAL(pidfile_open(path, &pf, NULL, &errstr), -1);
	CU_ASSERT_EQUAL(errno, ELOOP);
	CU_ASSERT_PTR_NOT_NULL(errstr);
	read_file(target, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "precious\n");
	unlink(target);
	cleanup();
}

static CU_TestInfo cases[] = {
	{ "open and write", test_open_write },
	{ "second open in this process", test_second_open_here },
	{ "second open in a child", test_second_open_child },
	{ "holder has not written", test_holder_not_written },
	{ "remove and reopen", test_remove_reopen },
	{ "stale pidfile taken over", test_stale },
	{ "lock survives fork", test_survives_fork },
	{ "remove spares a newer file", test_remove_not_ours },
	{ "open errors", test_open_errors },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("pidfile", cases);
}
