/*
 * daemon.h: what ws-streamer and fcgi-api do alike to become daemons:
 * keep fds 0-2 taken, detach from the terminal, give up root, and exit
 * with a status that says what went wrong.
 */
#ifndef MS_DAEMON_H
#define MS_DAEMON_H

/*
 * Exit statuses of both daemons, with the meanings of sysexits(3) so
 * that init scripts and service managers can tell them apart.
 */
#define DAEMON_EXIT_OK			0	/* clean shutdown */
#define DAEMON_EXIT_FAILURE		1	/* runtime failure */
#define DAEMON_EXIT_USAGE		64	/* EX_USAGE: bad command line */
#define DAEMON_EXIT_CANTCREAT		73	/* EX_CANTCREAT: socket, pidfile */
#define DAEMON_EXIT_ALREADY_RUNNING	75	/* EX_TEMPFAIL: pidfile is locked */
#define DAEMON_EXIT_CONFIG		78	/* EX_CONFIG: bad config file */

/*
 * Opens /dev/null on whichever of fds 0, 1 and 2 is closed, so that no
 * socket opened later becomes stdout or stderr and receives log lines.
 * Call it first thing in main.  Aborts if /dev/null cannot be opened:
 * running with that hazard is worse than not starting.
 */
void	daemon_guard_fds(void);

/*
 * fork()s; the parent _exit(0)s at once, without flushing stdio (it is
 * flushed before the fork).  The child starts a new session, moves to
 * "/" and puts /dev/null on fds 0, 1 and 2.  Returns 0 in the child, or
 * -1 with errno in whichever process failed.  A pidfile locked before
 * stays locked (see pidfile.h); call pidfile_write() after this.
 */
int	daemon_detach(void);

/*
 * Becomes user (its uid, primary gid and the supplementary groups of
 * the group file) when running as root, and checks that root cannot be
 * regained.  Not root: succeeds only if user is who we already are.
 * user NULL: does nothing.  0, or -1 with a static *errstr.
 */
int	daemon_drop_privileges(const char *user, const char **errstr);

struct pidfile;

/*
 * Locks and returns the pidfile at path, or logs why not and exits:
 * DAEMON_EXIT_ALREADY_RUNNING when another instance holds it, else
 * DAEMON_EXIT_CANTCREAT.  Write the pid with pidfile_write() once the
 * process is the one that stays.
 */
struct pidfile *daemon_lock_pidfile(const char *path);

/* Replaces the string *dst with a copy of src, unless src is NULL. */
void	daemon_override(char **dst, const char *src);

#endif
