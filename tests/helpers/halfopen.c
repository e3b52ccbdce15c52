/*
 * halfopen.c: holds many connections that start an HTTP request and
 * never finish it, for the abuse tests.  Each sends the first lines of
 * a WebSocket handshake without the blank line that ends it; one the
 * server closes is opened again, so the count stays held until SIGTERM.
 * Prints "held N" once all are open, and at the end how many the
 * server closed and how many were opened again.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT_MAX	10000
#define PARTIAL		"GET /ws/jobs/00000000000000000000000000000000 " \
			"HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"

struct target {
	int			 family;
	struct sockaddr_in	 sin;
	struct sockaddr_un	 sun;
};

static volatile sig_atomic_t	 got_term;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: halfopen -n count (-t ip:port | -u path)\n");
	exit(2);
}

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
parse_tcp(struct target *t, char *spec)
{
	char *colon = strrchr(spec, ':'), *end;
	long port;

	if (colon == NULL)
		usage();
	*colon = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		usage();
	t->family = AF_INET;
	t->sin.sin_family = AF_INET;
	t->sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, spec, &t->sin.sin_addr) != 1)
		usage();
}

static void
parse_unix(struct target *t, const char *path)
{
	if (strlen(path) >= sizeof(t->sun.sun_path))
		usage();
	t->family = AF_UNIX;
	t->sun.sun_family = AF_UNIX;
	strcpy(t->sun.sun_path, path);
}

/* A connected socket with the partial request sent, or -1. */
static int
open_one(const struct target *t)
{
	const struct sockaddr *sa;
	socklen_t len;
	int fd;

	if (t->family == AF_INET) {
		sa = (const struct sockaddr *)&t->sin;
		len = sizeof(t->sin);
	} else {
		sa = (const struct sockaddr *)&t->sun;
		len = sizeof(t->sun);
	}
	if ((fd = socket(t->family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, sa, len) == -1 ||
	    send(fd, PARTIAL, sizeof(PARTIAL) - 1, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof(PARTIAL) - 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The server said something or hung up: closed unless it is only data. */
static int
closed_by_peer(int fd)
{
	char buf[4096];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR);
}

static void
raise_nofile(long count)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur < (rlim_t)count + 16 && rl.rlim_max > rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	struct target t;
	struct pollfd *pfd;
	struct sigaction sa;
	long count = 0, i, closed = 0, reopened = 0, failed = 0;
	char *end;
	int ch;

	memset(&t, 0, sizeof(t));
	while ((ch = getopt(argc, argv, "n:t:u:")) != -1) {
		switch (ch) {
		case 'n':
			count = strtol(optarg, &end, 10);
			if (*end != '\0' || count < 1 || count > COUNT_MAX)
				usage();
			break;
		case 't': parse_tcp(&t, optarg); break;
		case 'u': parse_unix(&t, optarg); break;
		default: usage();
		}
	}
	if (count == 0 || t.family == 0 || optind != argc)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	raise_nofile(count);
	if ((pfd = calloc((size_t)count, sizeof(*pfd))) == NULL) {
		perror("halfopen: calloc");
		return 1;
	}
	for (i = 0; i < count; i++) {
		if ((pfd[i].fd = open_one(&t)) == -1) {
			fprintf(stderr, "halfopen: connection %ld: %s\n", i,
			    strerror(errno));
			return 1;
		}
		pfd[i].events = POLLIN;
	}
	printf("held %ld\n", count);
	fflush(stdout);
	while (!got_term) {
		if (poll(pfd, (nfds_t)count, 1000) == -1) {
			if (errno == EINTR)
				continue;
			perror("halfopen: poll");
			return 1;
		}
		for (i = 0; i < count; i++) {
			if (pfd[i].revents == 0 || !closed_by_peer(pfd[i].fd))
				continue;
			closed++;
			close(pfd[i].fd);
			if ((pfd[i].fd = open_one(&t)) == -1) {
				/* Retried at the next round. */
				failed++;
				pfd[i].fd = -1;
				continue;
			}
			reopened++;
		}
		for (i = 0; i < count; i++)
			if (pfd[i].fd == -1 && (pfd[i].fd = open_one(&t)) != -1)
				reopened++;
	}
	printf("closed %ld reopened %ld failed %ld\n", closed, reopened,
	    failed);
	for (i = 0; i < count; i++)
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
	free(pfd);
	return 0;
}
