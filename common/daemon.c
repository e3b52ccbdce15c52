/*
 * daemon.c: daemon(3) by hand, so that each step can fail loudly, and
 * the switch from root to the configured user.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "pidfile.h"

static int	fail(const char **, const char *);
static int	null_stdio(void);
static int	become(const char *, uid_t, gid_t, const char **);

static int
fail(const char **errstr, const char *msg)
{
	if (errstr != NULL)
		*errstr = msg;
	return -1;
}

void
daemon_guard_fds(void)
{
	int	 fd;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free fd, so this one: those below are open. */
		if (open("/dev/null", O_RDWR) != fd)
			abort();
	}
}

static int
null_stdio(void)
{
	int	 fd, saved;

	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		saved = errno;
		if (fd > STDERR_FILENO)
			close(fd);
		errno = saved;
		return -1;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

int
daemon_detach(void)
{
	pid_t	 pid;

	/* Else what main printed would reach the terminal never or twice. */
	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(DAEMON_EXIT_OK);
	if (setsid() == -1)
		return -1;
	/* Holding no directory, we never keep a filesystem from unmounting. */
	if (chdir("/") == -1)
		return -1;
	return null_stdio();
}

/*
 * Groups first: once the uid is not 0 we may no longer change them.
 * initgroups() rather than setgroups(1, &gid), so that membership in
 * the group of another daemon's socket can be granted in /etc/group.
 */
static int
become(const char *user, uid_t uid, gid_t gid, const char **errstr)
{
	if (initgroups(user, gid) == -1)
		return fail(errstr, "cannot set supplementary groups");
	if (setresgid(gid, gid, gid) == -1)
		return fail(errstr, "cannot set group id");
	if (setresuid(uid, uid, uid) == -1)
		return fail(errstr, "cannot set user id");
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		return fail(errstr, "root privileges could be regained");
	return 0;
}

int
daemon_drop_privileges(const char *user, const char **errstr)
{
	struct passwd	*pw;

	if (user == NULL)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return fail(errstr, "unknown user");
	if (geteuid() == 0)
		return become(user, pw->pw_uid, pw->pw_gid, errstr);
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid)
		return fail(errstr, "not running as root, cannot switch user");
	return 0;
}

struct pidfile *
daemon_lock_pidfile(const char *path)
{
	struct pidfile *pf;
	const char *errstr;
	pid_t other;

	if (pidfile_open(path, &pf, &other, &errstr) == 0)
		return pf;
	if (errno == EEXIST) {
		log_warnx("already running as pid %ld (pidfile \"%s\")",
		    (long)other, path);
		exit(DAEMON_EXIT_ALREADY_RUNNING);
	}
	log_warnx("pidfile \"%s\": %s", path, errstr);
	exit(DAEMON_EXIT_CANTCREAT);
}

void
daemon_override(char **dst, const char *src)
{
	if (src == NULL)
		return;
	free(*dst);
	if ((*dst = strdup(src)) == NULL)
		fatal("%s: strdup", __func__);
}
