/*
 * unixsock.h: the Unix stream sockets between fcgi-api and ws-streamer:
 * listening on a path with a fixed mode and group, clearing a socket
 * left by a dead process, and connecting.
 */
#ifndef MS_UNIXSOCK_H
#define MS_UNIXSOCK_H

/*
 * Makes path free for bind(): 0 when nothing is there or a stale socket
 * (nobody accepting on it) was removed.  -1 with errno and a static
 * *errstr when the path is too long, exists and is not a socket, or is
 * a socket a running process listens on (errno EADDRINUSE); that
 * process sees our probe as a client that closes at once.  Two
 * processes racing here must be serialised by their pidfile.
 */
int	unixsock_prepare(const char *path, const char **errstr);

/*
 * unixsock_prepare(), then a SOCK_CLOEXEC listening socket bound at path
 * with exactly mode (at most 0777; the umask does not apply) and, when
 * group is not NULL, that group.  Returns the fd, or -1 with errno and
 * a static *errstr, having removed whatever it created.
 */
int	unixsock_listen(const char *path, unsigned int mode, const char *group,
	    int backlog, const char **errstr);

/*
 * A SOCK_CLOEXEC stream socket connected to path, made non-blocking once
 * connected if nonblock is set.  Returns the fd, or -1 with errno kept
 * from connect(): ENOENT or ECONNREFUSED mean nobody is listening.
 */
int	unixsock_connect(const char *path, int nonblock, const char **errstr);

#endif
