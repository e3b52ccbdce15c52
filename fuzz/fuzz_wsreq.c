/*
 * fuzz_wsreq.c: the WebSocket handshake parsers.  The input up to its
 * first '?' or NUL is the path; the rest is the query, whose arguments
 * go to their parsers, and each parser also reads the rest whole.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "id.h"
#include "wsreq.h"

#define PREFIX		"/ws/jobs/"
#define SAFE_INT_MAX	9007199254740991LL

static void
check_path(const char *path, size_t len)
{
	char id[ID_JOB_LEN + 1];
	const char *errstr = NULL;
	int status;

	memset(id, 'x', sizeof(id));
	status = wsreq_path(path, len, id, &errstr);
	if (status == 0) {
		/* Exactly the prefix and an id, copied and terminated. */
		if (len != sizeof(PREFIX) - 1 + ID_JOB_LEN ||
		    memcmp(path, PREFIX, sizeof(PREFIX) - 1) != 0 ||
		    memcmp(id, path + sizeof(PREFIX) - 1, ID_JOB_LEN) != 0 ||
		    id[ID_JOB_LEN] != '\0' || !id_job_valid(id, ID_JOB_LEN))
			abort();
	} else if ((status != 404 && status != 400) || errstr == NULL)
		abort();
}

static void
check_since(const char *v)
{
	int64_t since = -1;
	size_t i, n = strlen(v);

	if (wsreq_since(v, &since) == -1)
		return;
	if (n == 0 || n > 16 || since < 0 || since > SAFE_INT_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			abort();
}

static void
check_epoch(const char *v)
{
	char epoch[MSG_EPOCH_MAX];

	if (wsreq_epoch(v) == -1)
		return;
	/* What the streamer does next with an accepted epoch. */
	if (strlen(v) >= sizeof(epoch))
		abort();
	strcpy(epoch, v);
}

static void
check_bearer(const char *v)
{
	const char *tok = NULL;
	size_t len = 0, n = strlen(v);

	if (id_bearer(v, &tok, &len) == -1)
		return;
	if (tok < v + 7 || len == 0 || tok + len > v + n || *tok == ' ' ||
	    tok[len - 1] == ' ')
		abort();
}

/* Each '&'-separated argument of the query, as lws would hand it out. */
static void
check_query(char *q)
{
	char *arg, *next;

	for (arg = q; arg != NULL; arg = next) {
		if ((next = strchr(arg, '&')) != NULL)
			*next++ = '\0';
		if (strncmp(arg, "since=", 6) == 0)
			check_since(arg + 6);
		else if (strncmp(arg, "epoch=", 6) == 0)
			check_epoch(arg + 6);
		else if (strncmp(arg, "token=", 6) == 0)
			check_bearer(arg + 6);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t plen, rlen;
	char *path, *rest;

	for (plen = 0; plen < size && in[plen] != '?' && in[plen] != '\0';
	    plen++)
		;
	/* Exactly plen bytes, not terminated: ASan sees any over-read. */
	if ((path = malloc(plen > 0 ? plen : 1)) == NULL)
		return 0;
	memcpy(path, in, plen);
	check_path(path, plen);
	free(path);

	rlen = plen < size ? size - plen - 1 : 0;
	if ((rest = malloc(rlen + 1)) == NULL)
		return 0;
	memcpy(rest, in + size - rlen, rlen);
	rest[rlen] = '\0';
	check_since(rest);
	check_epoch(rest);
	check_bearer(rest);
	check_query(rest);
	free(rest);
	return 0;
}
