/*
 * keys.c: the optional API keys file, one key per line ('#' comments and
 * blank lines allowed).  Worker threads read the set under a read lock;
 * SIGHUP swaps in a new set only when the whole file loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define KEYS_MAX	10000
#define KEY_MIN		16
#define KEY_MAX		256

int
keys_init(struct api_keys *k)
{
	memset(k, 0, sizeof(*k));
	return pthread_rwlock_init(&k->lock, NULL) == 0 ? 0 : -1;
}

static void
free_set(char **keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		explicit_bzero(keys[i], strlen(keys[i]));
		free(keys[i]);
	}
	free(keys);
}

/* A line's key, trimmed; NULL for a blank or comment line. */
static char *
line_key(char *line, size_t *len)
{
	char *end;

	line += strspn(line, " \t");
	end = line + strcspn(line, "#\r\n");
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*len = (size_t)(end - line);
	return *len == 0 ? NULL : line;
}

static int
valid_key(const char *key, size_t len)
{
	size_t i;

	if (len < KEY_MIN || len > KEY_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (key[i] <= ' ' || key[i] > '~')
			return 0;
	return 1;
}

static int
read_set(FILE *f, const char *path, char ***out, size_t *n, char *err,
    size_t errlen)
{
	char **keys = NULL, **grown, *line = NULL, *key;
	size_t cap = 0, len, lineno = 0;

	*n = 0;
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if ((key = line_key(line, &len)) == NULL)
			continue;
		if (!valid_key(key, len)) {
			snprintf(err, errlen, "%s:%zu: a key is %d..%d "
			    "printable characters without blanks", path,
			    lineno, KEY_MIN, KEY_MAX);
			goto fail;
		}
		if (*n == KEYS_MAX) {
			snprintf(err, errlen, "%s: more than %d keys", path,
			    KEYS_MAX);
			goto fail;
		}
		grown = realloc(keys, (*n + 1) * sizeof(*keys));
		if (grown == NULL || (grown[*n] = strndup(key, len)) == NULL) {
			keys = grown != NULL ? grown : keys;
			snprintf(err, errlen, "%s: out of memory", path);
			goto fail;
		}
		keys = grown;
		(*n)++;
	}
	free(line);
	*out = keys;
	return 0;
fail:
	free(line);
	free_set(keys, *n);
	return -1;
}

int
keys_load(struct api_keys *k, const char *path, char *err, size_t errlen)
{
	char **keys, **old;
	size_t n, oldn;
	FILE *f;
	int r;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = read_set(f, path, &keys, &n, err, errlen);
	fclose(f);
	if (r == -1)
		return -1;
	pthread_rwlock_wrlock(&k->lock);
	old = k->keys;
	oldn = k->nkeys;
	k->keys = keys;
	k->nkeys = n;
	k->enabled = 1;
	pthread_rwlock_unlock(&k->lock);
	free_set(old, oldn);
	return 0;
}

/* Compares every key in full, so timing tells nothing of near misses. */
static int
equal(const char *key, const char *s, size_t len)
{
	size_t klen = strlen(key), i;
	volatile unsigned char diff = klen != len;

	for (i = 0; i < len; i++)
		diff |= (unsigned char)(key[i < klen ? i : 0] ^ s[i]);
	return diff == 0;
}

int
keys_match(struct api_keys *k, const char *key, size_t len)
{
	int found = 0;
	size_t i;

	pthread_rwlock_rdlock(&k->lock);
	for (i = 0; i < k->nkeys; i++)
		found |= equal(k->keys[i], key, len);
	pthread_rwlock_unlock(&k->lock);
	return found;
}

void
keys_free(struct api_keys *k)
{
	free_set(k->keys, k->nkeys);
	pthread_rwlock_destroy(&k->lock);
	memset(k, 0, sizeof(*k));
}
