/*
 * pidfile.h: the pidfile that keeps a second instance of a daemon from
 * starting, after FreeBSD's pidfile(3).  The lock, not the pid written
 * in the file, says whether an instance is running.
 */
#ifndef MS_PIDFILE_H
#define MS_PIDFILE_H

#include <sys/types.h>

struct pidfile;

/*
 * Opens and locks path (creating it mode 0644, minus the umask) and
 * empties it, so that a pid found in it later is the holder's.  A file
 * left behind by an instance that died holds no lock and is taken over.
 * Returns 0 with *pfp set, or -1 with errno and a static *errstr; when
 * another instance holds the lock errno is EEXIST and *otherpid (if not
 * NULL) is its pid, or -1 when it has not called pidfile_write() yet.
 *
 * The lock is a flock(2) lock, which belongs to the open file
 * description: it survives fork(), so open before daemon_detach() and
 * the detached child keeps it once the parent has exited.  A second
 * open of the same file, even in this process, conflicts with it.
 */
int	pidfile_open(const char *path, struct pidfile **pfp, pid_t *otherpid,
	    const char **errstr);

/* Writes getpid() and a newline; call it after detaching.  0, or -1. */
int	pidfile_write(struct pidfile *pf);

/*
 * Unlinks the file, if it is still the one we locked, and closes it.
 * Frees pf even on failure.  0, or -1 with errno when unlink failed.
 */
int	pidfile_remove(struct pidfile *pf);

/*
 * Closes without unlinking, for a process that must not remove the
 * file, e.g. a child forked to run something else.  The lock stays
 * held while any other process has the file open.
 */
void	pidfile_close(struct pidfile *pf);

#endif
