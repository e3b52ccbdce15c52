/*
 * log.h: the one logging API of both daemons and the tools: to stderr
 * or syslog, with a level.  fatal() and fatalx() are for start-up and
 * broken invariants only, never for a path a client can reach.
 */
#ifndef MS_LOG_H
#define MS_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_WARN = 0,
	LOG_LEVEL_INFO = 1,
	LOG_LEVEL_DEBUG = 2
};

/*
 * Starts logging as progname: to syslog (facility daemon) when to_syslog
 * is set, else to stderr.  Messages above level are dropped.  When
 * stderr is systemd's journal (JOURNAL_STREAM names it), each line is
 * "<priority>message" for the journal to file by priority.
 */
void	log_init(const char *progname, int to_syslog, enum log_level level);
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);

/*
 * log_init() with a level given by name (a daemon's log_level setting);
 * an unknown name is reported and means info.
 */
void	log_configure(const char *progname, int to_syslog, const char *level);

/* Parses "warn", "info" or "debug".  0, or -1 when unknown. */
int	log_level_parse(const char *name, enum log_level *level);

/* log_warn appends ": strerror(errno)"; the x variants do not. */
void	log_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
