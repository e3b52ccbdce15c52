/*
 * npy.c: the .npy header (NEP 1: magic, version, header length, then a
 * Python dict literal with 'descr', 'fortran_order' and 'shape').  The
 * dict is read by a small scanner for exactly those three keys, the way
 * numpy writes them, and anything else is refused with a message.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

#define MAGIC		"\x93NUMPY"
#define MAGIC_LEN	6

struct scan {
	const char	*p;
	const char	*end;
};

int
npy_is_npy(const uint8_t *buf, size_t len)
{
	return len >= MAGIC_LEN && memcmp(buf, MAGIC, MAGIC_LEN) == 0;
}

static void
skip_space(struct scan *s)
{
	while (s->p < s->end && isspace((unsigned char)*s->p))
		s->p++;
}

/* Takes c after optional space; 0 when something else is there. */
static int
take(struct scan *s, char c)
{
	skip_space(s);
	if (s->p >= s->end || *s->p != c)
		return 0;
	s->p++;
	return 1;
}

/* A quoted string ('...' or "..."), without escapes, into buf. */
static int
string(struct scan *s, char *buf, size_t size)
{
	const char *start;
	char q;

	skip_space(s);
	if (s->p >= s->end || (*s->p != '\'' && *s->p != '"'))
		return 0;
	q = *s->p++;
	for (start = s->p; s->p < s->end && *s->p != q; s->p++)
		if (*s->p == '\\')
			return 0;
	if (s->p >= s->end || (size_t)(s->p - start) >= size)
		return 0;
	memcpy(buf, start, (size_t)(s->p - start));
	buf[s->p - start] = '\0';
	s->p++;
	return 1;
}

/* True or False. */
static int
boolean(struct scan *s, int *v)
{
	skip_space(s);
	if (s->end - s->p >= 4 && memcmp(s->p, "True", 4) == 0) {
		s->p += 4;
		*v = 1;
	} else if (s->end - s->p >= 5 && memcmp(s->p, "False", 5) == 0) {
		s->p += 5;
		*v = 0;
	} else
		return 0;
	return 1;
}

/* A tuple of non-negative integers, at most 8 of them; *n how many. */
static int
tuple(struct scan *s, uint64_t *v, int *n)
{
	char *e;

	*n = 0;
	if (!take(s, '('))
		return 0;
	for (;;) {
		if (take(s, ')'))
			return 1;
		skip_space(s);
		if (*n == 8 || s->p >= s->end || !isdigit((unsigned char)*s->p))
			return 0;
		v[(*n)++] = strtoull(s->p, &e, 10);
		if (e > s->end || e - s->p > 10)
			return 0;
		s->p = e;
		if (take(s, ')'))
			return 1;
		if (!take(s, ','))
			return 0;
	}
}

/* 'descr': what numpy calls uint8 and bool, in any byte order mark. */
static int
dtype(const char *d, int *is_bool)
{
	if (d[0] == '|' || d[0] == '<' || d[0] == '>' || d[0] == '=')
		d++;
	if (strcmp(d, "u1") == 0)
		*is_bool = 0;
	else if (strcmp(d, "b1") == 0)
		*is_bool = 1;
	else
		return 0;
	return 1;
}

/* The dict: its three keys once each, in any order. */
static int
dict(struct scan *s, struct npy *n, const char **errstr)
{
	char key[32], descr[32];
	uint64_t dims[8];
	int ndims = -1, fortran = -1, seen = 0, i;

	*errstr = "the .npy header is not the dict numpy writes";
	if (!take(s, '{'))
		return -1;
	while (!take(s, '}')) {
		if (!string(s, key, sizeof(key)) || !take(s, ':'))
			return -1;
		if (strcmp(key, "descr") == 0 && string(s, descr, sizeof(descr)))
			seen |= 1;
		else if (strcmp(key, "fortran_order") == 0 &&
		    boolean(s, &fortran))
			seen |= 2;
		else if (strcmp(key, "shape") == 0 && tuple(s, dims, &ndims))
			seen |= 4;
		else
			return -1;
		skip_space(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else if (s->p >= s->end || *s->p != '}')
			return -1;
	}
	if (seen != 7)
		return -1;
	if (!dtype(descr, &n->is_bool)) {
		*errstr = "the array is not uint8 or bool: save "
		    "mask.astype(numpy.uint8)";
		return -1;
	}
	if (fortran) {
		*errstr = "the array is in Fortran order: save "
		    "numpy.ascontiguousarray(mask)";
		return -1;
	}
	if (ndims != 3) {
		*errstr = "the array is not 3-D [z, y, x]";
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (dims[i] < 1 || dims[i] > 65536) {
			*errstr = "an axis of the array is 0 or over 65536";
			return -1;
		}
		n->shape[i] = (uint32_t)dims[i];
	}
	return 0;
}

/* Magic, version and the header's length; the header's place. */
static int
preamble(const uint8_t *buf, size_t len, size_t *hoff, size_t *hlen,
    const char **errstr)
{
	if (!npy_is_npy(buf, len) || len < 10) {
		*errstr = "not a .npy file (no \\\\x93NUMPY magic)";
		return -1;
	}
	if (buf[6] == 1) {
		*hoff = 10;
		*hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
	} else if ((buf[6] == 2 || buf[6] == 3) && len >= 12) {
		*hoff = 12;
		*hlen = (size_t)buf[8] | (size_t)buf[9] << 8 |
		    (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
	} else {
		*errstr = "a .npy format version other than 1, 2 and 3";
		return -1;
	}
	if (*hlen > NPY_HEADER_MAX || *hlen > len - *hoff) {
		*errstr = "the .npy header is cut short";
		return -1;
	}
	return 0;
}

int
npy_parse(const uint8_t *buf, size_t len, struct npy *n,
    const char **errstr)
{
	struct scan s;
	size_t hoff, hlen, i;

	memset(n, 0, sizeof(*n));
	if (preamble(buf, len, &hoff, &hlen, errstr) == -1)
		return -1;
	s.p = (const char *)buf + hoff;
	s.end = s.p + hlen;
	if (dict(&s, n, errstr) == -1)
		return -1;
	n->data_off = hoff + hlen;
	n->data_len = (size_t)n->shape[0] * n->shape[1] * n->shape[2];
	if (len - n->data_off != n->data_len) {
		*errstr = len - n->data_off < n->data_len ? "the file has fewer "
		    "voxels than its shape says (cut short?)" : "the file has "
		    "more bytes than its shape says";
		return -1;
	}
	for (i = 0; n->is_bool && i < n->data_len; i++)
		if (buf[n->data_off + i] > 1) {
			*errstr = "a bool array holds a byte other than 0 or 1";
			return -1;
		}
	return 0;
}
