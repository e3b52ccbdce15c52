/*
 * pidfile.c: pidfiles locked with flock(2), so that a pidfile left by a
 * crashed instance never keeps the daemon from starting again.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pidfile.h"

/* How long to wait for a holder that has locked but not yet written. */
#define PIDFILE_READ_TRIES	20
#define PIDFILE_READ_WAIT_NS	5000000L

struct pidfile {
	int	 fd;
	char	*path;
};

static int	fail(const char **, const char *);
static int	names_fd(const char *, int);
static int	open_locked(const char *, pid_t *, const char **);
static pid_t	read_pid(int);
static pid_t	holder_pid(int);

static int
fail(const char **errstr, const char *msg)
{
	if (errstr != NULL)
		*errstr = msg;
	return -1;
}

/* 1 if path still names the file open on fd, 0 if not, -1 on error. */
static int
names_fd(const char *path, int fd)
{
	struct stat	 ps, fs;

	if (fstat(fd, &fs) == -1)
		return -1;
	if (lstat(path, &ps) == -1)
		return errno == ENOENT ? 0 : -1;
	return ps.st_dev == fs.st_dev && ps.st_ino == fs.st_ino;
}

/*
 * Returns a locked fd on path, or -1 with errno: EEXIST, with the
 * holder's pid in *otherpid, when another instance has it.  An instance
 * that is exiting unlinks the file and then closes it; if we opened it
 * before the unlink and locked it after the close, we hold a lock on a
 * file nobody else can find, and a third instance would create and lock
 * a new one.  So once locked, check that path still names what we
 * locked, and start again if not.
 */
static int
open_locked(const char *path, pid_t *otherpid, const char **errstr)
{
	int	 fd, same, saved;

	for (;;) {
		/* A symlink planted here must not aim our truncation. */
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0644);
		if (fd == -1)
			return fail(errstr, "cannot open pidfile");
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			saved = errno;
			if (saved == EWOULDBLOCK && otherpid != NULL)
				*otherpid = holder_pid(fd);
			close(fd);
			if (saved == EWOULDBLOCK) {
				errno = EEXIST;
				return fail(errstr, "another instance is running");
			}
			errno = saved;
			return fail(errstr, "cannot lock pidfile");
		}
		if ((same = names_fd(path, fd)) == 1)
			return fd;
		saved = errno;
		close(fd);
		if (same == -1) {
			errno = saved;
			return fail(errstr, "cannot stat pidfile");
		}
	}
}

/* The pid in the file if it holds a whole "PID\n" line, else -1. */
static pid_t
read_pid(int fd)
{
	char	 buf[32], *end;
	ssize_t	 n;
	long	 v;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || *end != '\n' || errno != 0 || v <= 0 ||
	    v > INT_MAX)
		return -1;
	return (pid_t)v;
}

/*
 * The holder empties the file when it locks it and writes its pid only
 * once it has detached, so give it a moment before answering "unknown".
 */
static pid_t
holder_pid(int fd)
{
	struct timespec	 ts = { 0, PIDFILE_READ_WAIT_NS };
	pid_t		 pid;
	int		 i;

	for (i = 0; i < PIDFILE_READ_TRIES; i++) {
		if ((pid = read_pid(fd)) != -1)
			return pid;
		nanosleep(&ts, NULL);
	}
	return -1;
}

int
pidfile_open(const char *path, struct pidfile **pfp, pid_t *otherpid,
    const char **errstr)
{
	struct pidfile	*pf;
	int		 fd, saved;

	*pfp = NULL;
	if (otherpid != NULL)
		*otherpid = -1;
	if ((fd = open_locked(path, otherpid, errstr)) == -1)
		return -1;
	if (ftruncate(fd, 0) == -1 || (pf = malloc(sizeof(*pf))) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return fail(errstr, "cannot set up pidfile");
	}
	if ((pf->path = strdup(path)) == NULL) {
		saved = errno;
		free(pf);
		close(fd);
		errno = saved;
		return fail(errstr, "cannot set up pidfile");
	}
	pf->fd = fd;
	*pfp = pf;
	return 0;
}

/*
 * Written in one pwrite() and only then cut to length, so a reader
 * never sees an empty file where a pid was, nor half a pid; read_pid()
 * wants the newline.
 */
int
pidfile_write(struct pidfile *pf)
{
	char	 buf[32];
	ssize_t	 n;
	int	 len;

	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		errno = EOVERFLOW;
		return -1;
	}
	n = pwrite(pf->fd, buf, (size_t)len, 0);
	if (n == -1)
		return -1;
	if (n != len) {
		errno = EIO;
		return -1;
	}
	return ftruncate(pf->fd, len);
}

int
pidfile_remove(struct pidfile *pf)
{
	int	 rc = 0, saved = 0;

	if (pf == NULL)
		return 0;
	/*
	 * Unlink before close, so that no one can lock the file we are
	 * about to drop; and only our own file, not one a newer instance
	 * created after someone removed ours.
	 */
	if (names_fd(pf->path, pf->fd) == 1 && unlink(pf->path) == -1) {
		saved = errno;
		rc = -1;
	}
	pidfile_close(pf);
	if (rc == -1)
		errno = saved;
	return rc;
}

void
pidfile_close(struct pidfile *pf)
{
	if (pf == NULL)
		return;
	close(pf->fd);
	free(pf->path);
	free(pf);
}
