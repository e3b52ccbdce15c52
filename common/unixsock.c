/*
 * unixsock.c: Unix stream sockets on a path.  A daemon that was killed
 * leaves its socket file behind; we remove it only after finding that
 * nobody accepts connections on it.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

#include "unixsock.h"

static int	fail(const char **, const char *);
static int	fill_addr(struct sockaddr_un *, const char *, const char **);
static int	check_stale(const struct sockaddr_un *, const char **);
static int	lookup_group(const char *, gid_t *, const char **);
static int	set_nonblock(int);
static void	close_keep_errno(int);

static int
fail(const char **errstr, const char *msg)
{
	if (errstr != NULL)
		*errstr = msg;
	return -1;
}

static int
fill_addr(struct sockaddr_un *sun, const char *path, const char **errstr)
{
	size_t	 len;

	len = strlen(path);
	/* An empty path would be Linux's abstract namespace, not a file. */
	if (len == 0) {
		errno = EINVAL;
		return fail(errstr, "empty socket path");
	}
	if (len >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return fail(errstr, "socket path too long");
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	return 0;
}

/*
 * 0 when nobody listens at sun, else -1.  Non-blocking, so that a live
 * listener whose backlog is full answers EAGAIN instead of stalling us.
 */
static int
check_stale(const struct sockaddr_un *sun, const char **errstr)
{
	int	 fd, rc, saved;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return fail(errstr, "cannot create socket");
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	saved = errno;
	close(fd);
	if (rc == 0 || saved == EAGAIN) {
		errno = EADDRINUSE;
		return fail(errstr, "in use by a running process");
	}
	/* ENOENT: someone removed it meanwhile, which is as good. */
	if (saved == ECONNREFUSED || saved == ENOENT)
		return 0;
	errno = saved;
	return fail(errstr, "cannot check whether the socket is in use");
}

int
unixsock_prepare(const char *path, const char **errstr)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;

	if (fill_addr(&sun, path, errstr) == -1)
		return -1;
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return 0;
		return fail(errstr, "cannot stat socket path");
	}
	if (!S_ISSOCK(sb.st_mode)) {
		errno = EEXIST;
		return fail(errstr, "exists and is not a socket");
	}
	if (check_stale(&sun, errstr) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return fail(errstr, "cannot remove stale socket");
	return 0;
}

static int
lookup_group(const char *group, gid_t *gid, const char **errstr)
{
	struct group	*gr;

	if ((gr = getgrnam(group)) == NULL) {
		errno = EINVAL;
		return fail(errstr, "unknown group");
	}
	*gid = gr->gr_gid;
	return 0;
}

static int
set_nonblock(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static void
close_keep_errno(int fd)
{
	int	 saved = errno;

	close(fd);
	errno = saved;
}

int
unixsock_listen(const char *path, unsigned int mode, const char *group,
    int backlog, const char **errstr)
{
	struct sockaddr_un	 sun;
	const char		*msg;
	gid_t			 gid = (gid_t)-1;
	int			 fd, saved;

	if (mode > 0777) {
		errno = EINVAL;
		return fail(errstr, "bad socket mode");
	}
	/* Look the group up first, so a typo leaves nothing behind. */
	if (group != NULL && lookup_group(group, &gid, errstr) == -1)
		return -1;
	if (unixsock_prepare(path, errstr) == -1)
		return -1;
	if (fill_addr(&sun, path, errstr) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return fail(errstr, "cannot create socket");
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close_keep_errno(fd);
		return fail(errstr, "cannot bind socket");
	}
	/*
	 * bind() applied the umask, and changing it would race with other
	 * threads, so set the mode now.  Connections are refused until
	 * listen(), so no client gets in under the umask's mode meanwhile.
	 */
	msg = "cannot set socket mode";
	if (chmod(path, mode) == -1)
		goto bad;
	msg = "cannot set socket group";
	if (group != NULL && chown(path, (uid_t)-1, gid) == -1)
		goto bad;
	msg = "cannot listen on socket";
	if (listen(fd, backlog) == -1)
		goto bad;
	return fd;

bad:
	saved = errno;
	close(fd);
	unlink(path);
	errno = saved;
	return fail(errstr, msg);
}

int
unixsock_connect(const char *path, int nonblock, const char **errstr)
{
	struct sockaddr_un	 sun;
	int			 fd;

	if (fill_addr(&sun, path, errstr) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return fail(errstr, "cannot create socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close_keep_errno(fd);
		return fail(errstr, "cannot connect");
	}
	if (nonblock && set_nonblock(fd) == -1) {
		close_keep_errno(fd);
		return fail(errstr, "cannot make socket non-blocking");
	}
	return fd;
}
