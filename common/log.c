/*
 * log.c: logging to stderr or syslog.  Each message is formatted into a
 * fixed buffer and written with one call, so that lines of processes
 * sharing a terminal or a log file do not interleave.  When stderr is
 * systemd's journal stream, lines carry their priority instead of the
 * program's name (sd-daemon(3)'s "<N>" prefixes).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

#define LOG_MSG_MAX	1024

/* Until log_init(), so that early errors are not lost. */
static const char	*log_progname = "maskstream";
static int		 log_to_syslog;
static int		 log_to_journal;
static enum log_level	 log_level = LOG_LEVEL_INFO;

static void	log_format(char *, size_t, int, const char *, va_list)
		    __attribute__((format(printf, 4, 0)));
static void	log_vmsg(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));
static void	log_write(const char *, size_t);

/*
 * systemd sets JOURNAL_STREAM to "device:inode" of the stream it
 * connects stdout and stderr to; stderr is the journal only while it is
 * still that file (not once redirected, nor in a child given another).
 */
static int
stderr_is_journal(void)
{
	const char		*env = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 st;
	int			 n = 0;

	if (env == NULL ||
	    sscanf(env, "%llu:%llu%n", &dev, &ino, &n) != 2 ||
	    env[n] != '\0')
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname, int to_syslog, enum log_level level)
{
	if (log_to_syslog && !to_syslog)
		closelog();
	/* openlog() keeps the pointer, so the caller keeps the string. */
	if (progname != NULL)
		log_progname = progname;
	log_to_syslog = to_syslog;
	log_to_journal = !to_syslog && stderr_is_journal();
	log_set_level(level);
	if (log_to_syslog)
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	if (level > LOG_LEVEL_DEBUG)
		level = LOG_LEVEL_DEBUG;
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *name, enum log_level *level)
{
	static const struct {
		const char	*name;
		enum log_level	 level;
	} names[] = {
		{ "warn", LOG_LEVEL_WARN },
		{ "info", LOG_LEVEL_INFO },
		{ "debug", LOG_LEVEL_DEBUG }
	};
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*level = names[i].level;
			return 0;
		}
	}
	return -1;
}

void
log_configure(const char *progname, int to_syslog, const char *level)
{
	enum log_level l = LOG_LEVEL_INFO;
	int bad = level != NULL && log_level_parse(level, &l) == -1;

	log_init(progname, to_syslog, l);
	if (bad)
		log_warnx("unknown log_level \"%s\", using info", level);
}

/*
 * Formats into buf, appending strerror(errnum) unless errnum is -1.  A
 * message too long for buf ends in "..." so the cut is visible.
 */
static void
log_format(char *buf, size_t size, int errnum, const char *fmt, va_list ap)
{
	size_t	 len;
	int	 n;

	if ((n = vsnprintf(buf, size, fmt, ap)) < 0) {
		snprintf(buf, size, "unformattable message \"%s\"", fmt);
		n = strlen(buf);
	}
	len = n;
	if (len < size && errnum != -1) {
		n = snprintf(buf + len, size - len, ": %s", strerror(errnum));
		if (n > 0)
			len += n;
	}
	if (len >= size)
		memcpy(buf + size - 4, "...", 4);
}

/* One write(2), retried only for what was not written. */
static void
log_write(const char *s, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(STDERR_FILENO, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

static void
log_vmsg(int pri, int errnum, const char *fmt, va_list ap)
{
	char	 msg[LOG_MSG_MAX], line[LOG_MSG_MAX + 64];
	int	 n;

	log_format(msg, sizeof(msg), errnum, fmt, ap);
	if (log_to_syslog) {
		syslog(pri, "%s", msg);
		return;
	}
	/* The journal knows who wrote the line; it needs the priority. */
	if (log_to_journal)
		n = snprintf(line, sizeof(line), "<%d>%s\n", pri, msg);
	else
		n = snprintf(line, sizeof(line), "%s: %s\n", log_progname,
		    msg);
	if (n < 0)
		return;
	/* Only a very long progname gets here; keep the newline. */
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	log_write(line, n);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	if (log_level < LOG_LEVEL_INFO)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_INFO, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	if (log_level < LOG_LEVEL_DEBUG)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_DEBUG, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, -1, fmt, ap);
	va_end(ap);
	exit(1);
}
