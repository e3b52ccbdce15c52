/*
 * test_unixsock.c: a socket path is only reclaimed from a dead listener,
 * never from a live one or from a file that is not a socket, and the
 * listening socket gets the mode and group asked for whatever the umask.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "unit.h"
#include "unixsock.h"

/* Room for the socket name inside sun_path. */
#define DIR_MAX_LEN	64

static char	 dir[PATH_MAX];
static char	 path[PATH_MAX];

/* NULL-safe, so that an unset errstr fails the test instead of crashing. */
static int
is_error(const char *errstr, const char *want)
{
	return errstr != NULL && strcmp(errstr, want) == 0;
}

/* A fresh directory for each test, holding path; short, for sun_path. */
static void
setup(void)
{
	const char	*tmp;

	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > DIR_MAX_LEN - 20)
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/ms-unixsock.XXXXXX", tmp);
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	CU_ASSERT_FATAL((size_t)snprintf(path, sizeof(path), "%s/sock",
	    dir) < sizeof(path));
}

/* Fails the test if anything but path was left in the directory. */
static void
cleanup(void)
{
	unlink(path);
	CU_ASSERT(rmdir(dir) == 0);
}

static int
exists(const char *p)
{
	struct stat	 sb;

	return lstat(p, &sb) == 0;
}

/*
 * 1 if a byte written on c arrives on an fd accepted from l.  Connections
 * queued before c's, such as unixsock_prepare()'s probes, read as EOF.
 */
static int
talks(int l, int c)
{
	struct pollfd	 pfd = { l, POLLIN, 0 };
	ssize_t		 n;
	char		 b = 0;
	int		 a;

	if (write(c, "x", 1) != 1)
		return 0;
	for (;;) {
		/* Not forever: c may be queued on some other listener. */
		if (poll(&pfd, 1, 2000) != 1)
			return 0;
		if ((a = accept(l, NULL, NULL)) == -1)
			return 0;
		n = read(a, &b, 1);
		close(a);
		if (n != 0)
			return n == 1 && b == 'x';
	}
}

/* A listener that has gone away and left its file. */
static void
make_stale(const char *p)
{
	int	 fd;

	fd = unixsock_listen(p, 0600, NULL, 4, NULL);
	CU_ASSERT_FATAL(fd != -1);
	close(fd);
	CU_ASSERT_FATAL(exists(p));
}

static void
test_prepare_missing(void)
{
	const char	*errstr = NULL;

	setup();
	CU_ASSERT_EQUAL(unixsock_prepare(path, &errstr), 0);
	CU_ASSERT(!exists(path));
	cleanup();
}

static void
test_prepare_not_socket(void)
{
	const char	*errstr = NULL;
	int		 fd;

	setup();
	CU_ASSERT_FATAL((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	close(fd);
	CU_ASSERT_EQUAL(unixsock_prepare(path, &errstr), -1);
	CU_ASSERT(is_error(errstr, "exists and is not a socket"));
	CU_ASSERT(exists(path));
	errstr = NULL;
	CU_ASSERT_EQUAL(unixsock_listen(path, 0600, NULL, 4, &errstr), -1);
	CU_ASSERT(is_error(errstr, "exists and is not a socket"));
	CU_ASSERT(exists(path));

	/* Nor a directory. */
	unlink(path);
	CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
	CU_ASSERT_EQUAL(unixsock_prepare(path, &errstr), -1);
	CU_ASSERT(exists(path));
	rmdir(path);
	cleanup();
}

static void
test_prepare_live(void)
{
	const char	*errstr = NULL;
	int		 l, c;

	setup();
	CU_ASSERT_FATAL((l = unixsock_listen(path, 0600, NULL, 4, NULL)) != -1);
	CU_ASSERT_EQUAL(unixsock_prepare(path, &errstr), -1);
	CU_ASSERT_EQUAL(errno, EADDRINUSE);
	CU_ASSERT(is_error(errstr, "in use by a running process"));
	errstr = NULL;
	CU_ASSERT_EQUAL(unixsock_listen(path, 0600, NULL, 4, &errstr), -1);
	CU_ASSERT(is_error(errstr, "in use by a running process"));
	/* The live listener still has its path, and takes connections. */
	CU_ASSERT(exists(path));
	CU_ASSERT_FATAL((c = unixsock_connect(path, 0, NULL)) != -1);
	CU_ASSERT(talks(l, c));
	close(c);
	close(l);
	cleanup();
}

/* A live listener with a full backlog answers EAGAIN, not ECONNREFUSED. */
static void
test_prepare_backlog_full(void)
{
	struct sockaddr_un	 sun;
	const char		*errstr = NULL;
	int			 l, fds[32], n, i, full = 0;

	setup();
	CU_ASSERT_FATAL((l = unixsock_listen(path, 0600, NULL, 0, NULL)) != -1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	CU_ASSERT_FATAL(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	for (n = 0; n < 32; n++) {
		fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		CU_ASSERT_FATAL(fds[n] != -1);
		if (connect(fds[n], (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			full = errno == EAGAIN;
			close(fds[n]);
			break;
		}
	}
	CU_ASSERT_FATAL(full);
	CU_ASSERT_EQUAL(unixsock_prepare(path, &errstr), -1);
	CU_ASSERT(is_error(errstr, "in use by a running process"));
	CU_ASSERT(exists(path));
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(l);
	cleanup();
}

static void
test_prepare_stale(void)
{
	const char	*errstr = NULL;
	int		 l;

	setup();
	make_stale(path);
	CU_ASSERT_EQUAL(unixsock_prepare(path, &errstr), 0);
	CU_ASSERT(!exists(path));

	/* listen() does the same by itself. */
	make_stale(path);
	l = unixsock_listen(path, 0600, NULL, 4, &errstr);
	CU_ASSERT(l != -1);
	close(l);
	cleanup();
}

struct mode_case {
	mode_t		 umask;
	unsigned int	 mode;
};

static const struct mode_case mode_cases[] = {
	{ 022, 0660 },
	{ 077, 0660 },
	{ 022, 0600 },
	{ 077, 0600 },
	{ 000, 0600 },
	{ 077, 0666 },
};

static void
test_listen_mode(void)
{
	struct stat	 sb;
	mode_t		 old;
	size_t		 i;
	int		 l;

	setup();
	for (i = 0; i < sizeof(mode_cases) / sizeof(mode_cases[0]); i++) {
		old = umask(mode_cases[i].umask);
		l = unixsock_listen(path, mode_cases[i].mode, NULL, 4, NULL);
		umask(old);
		CU_ASSERT_FATAL(l != -1);
		CU_ASSERT_FATAL(lstat(path, &sb) == 0);
		CU_ASSERT(S_ISSOCK(sb.st_mode));
		CU_ASSERT_EQUAL(sb.st_mode & 07777, mode_cases[i].mode);
		close(l);
		CU_ASSERT(unlink(path) == 0);
	}
	CU_ASSERT_EQUAL(unixsock_listen(path, 01777, NULL, 4, NULL), -1);
	CU_ASSERT(!exists(path));
	cleanup();
}

/* Some group we are not already in, if we may chown to it. */
static gid_t
other_group(void)
{
	struct group	*gr;
	gid_t		 gid = getegid();

	if (geteuid() != 0)
		return gid;
	setgrent();
	while ((gr = getgrent()) != NULL) {
		if (gr->gr_gid != getegid()) {
			gid = gr->gr_gid;
			break;
		}
	}
	endgrent();
	return gid;
}

static void
test_listen_group(void)
{
	struct group	*gr;
	struct stat	 sb;
	char		 name[256];
	const char	*errstr = NULL;
	gid_t		 gid;
	int		 l;

	setup();
	gid = other_group();
	CU_ASSERT_FATAL((gr = getgrgid(gid)) != NULL);
	snprintf(name, sizeof(name), "%s", gr->gr_name);
	l = unixsock_listen(path, 0660, name, 4, &errstr);
	CU_ASSERT_FATAL(l != -1);
	CU_ASSERT_FATAL(lstat(path, &sb) == 0);
	CU_ASSERT_EQUAL(sb.st_gid, gid);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0660);
	close(l);
	unlink(path);

	/* An unknown group is refused before anything is created. */
	errstr = NULL;
	l = unixsock_listen(path, 0660, "ms-no-such-group", 4, &errstr);
	CU_ASSERT_EQUAL(l, -1);
	CU_ASSERT(is_error(errstr, "unknown group"));
	CU_ASSERT(!exists(path));
	cleanup();
}

static void
test_path_length(void)
{
	struct sockaddr_un	 sun;
	char			 p[sizeof(sun.sun_path) + 1];
	const char		*errstr = NULL;
	size_t			 len;
	int			 l;

	setup();
	/* The longest that fits, NUL included... */
	len = (size_t)snprintf(p, sizeof(p), "%s/", dir);
	CU_ASSERT_FATAL(len < sizeof(sun.sun_path) - 1);
	memset(p + len, 'a', sizeof(sun.sun_path) - 1 - len);
	p[sizeof(sun.sun_path) - 1] = '\0';
	CU_ASSERT_EQUAL(unixsock_prepare(p, &errstr), 0);
	l = unixsock_listen(p, 0600, NULL, 4, &errstr);
	CU_ASSERT_FATAL(l != -1);
	close(l);
	CU_ASSERT(unlink(p) == 0);

	/* ... and one more. */
	p[sizeof(sun.sun_path) - 1] = 'a';
	p[sizeof(sun.sun_path)] = '\0';
	CU_ASSERT_EQUAL(unixsock_prepare(p, &errstr), -1);
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	CU_ASSERT(is_error(errstr, "socket path too long"));
	errstr = NULL;
	CU_ASSERT_EQUAL(unixsock_listen(p, 0600, NULL, 4, &errstr), -1);
	CU_ASSERT(is_error(errstr, "socket path too long"));
	errstr = NULL;
	CU_ASSERT_EQUAL(unixsock_connect(p, 0, &errstr), -1);
	CU_ASSERT(is_error(errstr, "socket path too long"));
	CU_ASSERT(!exists(p));

	CU_ASSERT_EQUAL(unixsock_prepare("", &errstr), -1);
	cleanup();
}

static void
test_connect(void)
{
	const char	*errstr = NULL;
	int		 l, c;

	setup();
	CU_ASSERT_FATAL((l = unixsock_listen(path, 0600, NULL, 4, NULL)) != -1);
	CU_ASSERT(fcntl(l, F_GETFD) & FD_CLOEXEC);

	CU_ASSERT_FATAL((c = unixsock_connect(path, 0, &errstr)) != -1);
	CU_ASSERT(fcntl(c, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT(!(fcntl(c, F_GETFL) & O_NONBLOCK));
	CU_ASSERT(talks(l, c));
	close(c);

	CU_ASSERT_FATAL((c = unixsock_connect(path, 1, &errstr)) != -1);
	CU_ASSERT(fcntl(c, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT(fcntl(c, F_GETFL) & O_NONBLOCK);
	CU_ASSERT(talks(l, c));
	close(c);
	close(l);
	cleanup();
}

/* What fcgi-api sees when ws-streamer is down. */
static void
test_connect_down(void)
{
	const char	*errstr = NULL;

	setup();
	CU_ASSERT_EQUAL(unixsock_connect(path, 0, &errstr), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NOT_NULL(errstr);

	make_stale(path);
	errstr = NULL;
	CU_ASSERT_EQUAL(unixsock_connect(path, 1, &errstr), -1);
	CU_ASSERT_EQUAL(errno, ECONNREFUSED);
	CU_ASSERT_PTR_NOT_NULL(errstr);
	cleanup();
}

static CU_TestInfo cases[] = {
	{ "prepare: nothing there", test_prepare_missing },
	{ "prepare: not a socket", test_prepare_not_socket },
	{ "prepare: live listener", test_prepare_live },
	{ "prepare: live, backlog full", test_prepare_backlog_full },
	{ "prepare: stale socket", test_prepare_stale },
	{ "listen: mode despite umask", test_listen_mode },
	{ "listen: group", test_listen_group },
	{ "path length", test_path_length },
	{ "connect", test_connect },
	{ "connect: nobody listening", test_connect_down },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("unixsock", cases);
}
