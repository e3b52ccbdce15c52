/*
 * config.c: the parser of the daemons' "key = value" files.  It stops at
 * the first error and names the file and line, so that a bad reload is
 * refused with a message the operator can act on.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

#define CONFIG_LINE_MAX	4096

struct config_ctx {
	const char	*name;
	unsigned long	 lineno;
	char		*err;
	size_t		 errlen;
};

static int	config_error(struct config_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	is_blank(int);
static char	*skip_blanks(char *);
static int	split_line(struct config_ctx *, char *, char **, char **);
static int	unquote(struct config_ctx *, char *, char **);
static const struct config_var *find_var(const struct config_var *,
		    const char *);
static int	set_var(struct config_ctx *, const struct config_var *,
		    void *, const char *);
static int	set_int(struct config_ctx *, const struct config_var *,
		    void *, const char *);
static int	set_double(struct config_ctx *, const struct config_var *,
		    void *, const char *);
static int	set_bool(struct config_ctx *, const struct config_var *,
		    void *, const char *);
static int	set_mode(struct config_ctx *, const struct config_var *,
		    void *, const char *);
static int	set_string(struct config_ctx *, const struct config_var *,
		    void *, const char *);

/* Writes "name:line: message" into the caller's buffer; returns -1. */
static int
config_error(struct config_ctx *ctx, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->err != NULL && ctx->errlen > 0)
		snprintf(ctx->err, ctx->errlen, "%s:%lu: %s", ctx->name,
		    ctx->lineno, msg);
	return -1;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *
skip_blanks(char *p)
{
	while (is_blank((unsigned char)*p))
		p++;
	return p;
}

/*
 * Splits a line into key and value in place.  Returns 1 with both set,
 * 0 for a blank or comment line, -1 on a syntax error.
 */
static int
split_line(struct config_ctx *ctx, char *line, char **key, char **value)
{
	char	*p, *e;

	p = skip_blanks(line);
	if (*p == '\0' || *p == '#')
		return 0;
	*key = p;
	while (*p != '\0' && *p != '=' && *p != '#' &&
	    !is_blank((unsigned char)*p))
		p++;
	e = p;
	p = skip_blanks(p);
	if (*p != '=')
		return config_error(ctx, "expected \"key = value\"");
	if (e == *key)
		return config_error(ctx, "empty key");
	*e = '\0';
	p = skip_blanks(p + 1);
	if (*p == '"')
		return unquote(ctx, p, value) == -1 ? -1 : 1;
	*value = p;
	/* An unquoted value ends at a comment, without trailing blanks. */
	if ((e = strchr(p, '#')) == NULL)
		e = p + strlen(p);
	while (e > p && is_blank((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return 1;
}

/* Decodes the quoted value at p in place; \" and \\ are the escapes. */
static int
unquote(struct config_ctx *ctx, char *p, char **value)
{
	char	*in, *out;

	*value = out = p;
	for (in = p + 1; *in != '"'; in++) {
		if (*in == '\0')
			return config_error(ctx, "unterminated quoted value");
		if (*in == '\\' && (in[1] == '"' || in[1] == '\\'))
			in++;
		*out++ = *in;
	}
	*out = '\0';
	in = skip_blanks(in + 1);
	if (*in != '\0' && *in != '#')
		return config_error(ctx, "unexpected text after quoted value");
	return 0;
}

static const struct config_var *
find_var(const struct config_var *vars, const char *key)
{
	for (; vars->key != NULL; vars++)
		if (strcmp(vars->key, key) == 0)
			return vars;
	return NULL;
}

static int
set_int(struct config_ctx *ctx, const struct config_var *v, void *base,
    const char *s)
{
	long long	 n;
	char		*end;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || isspace((unsigned char)*s))
		return config_error(ctx, "%s: \"%s\" is not an integer",
		    v->key, s);
	if (errno == ERANGE || n < v->min || n > v->max)
		return config_error(ctx, "%s: %s is out of range %lld..%lld",
		    v->key, s, v->min, v->max);
	*(long long *)((char *)base + v->offset) = n;
	return 0;
}

static int
set_double(struct config_ctx *ctx, const struct config_var *v, void *base,
    const char *s)
{
	double	 d;
	char	*end;

	d = strtod(s, &end);
	if (end == s || *end != '\0' || isspace((unsigned char)*s) ||
	    !isfinite(d))
		return config_error(ctx, "%s: \"%s\" is not a number",
		    v->key, s);
	if (d < v->dmin || d > v->dmax)
		return config_error(ctx, "%s: %s is out of range %g..%g",
		    v->key, s, v->dmin, v->dmax);
	*(double *)((char *)base + v->offset) = d;
	return 0;
}

static int
set_bool(struct config_ctx *ctx, const struct config_var *v, void *base,
    const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*(int *)((char *)base + v->offset) = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*(int *)((char *)base + v->offset) = 0;
			return 0;
		}
	}
	return config_error(ctx, "%s: \"%s\" is not yes or no", v->key, s);
}

static int
set_mode(struct config_ctx *ctx, const struct config_var *v, void *base,
    const char *s)
{
	unsigned int	 mode = 0;
	const char	*p;

	/* Digits only: strtoul would take signs, blanks and "0x". */
	if (*s == '\0')
		return config_error(ctx, "%s: \"%s\" is not an octal mode",
		    v->key, s);
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			return config_error(ctx,
			    "%s: \"%s\" is not an octal mode", v->key, s);
		mode = mode * 8 + (*p - '0');
		if (mode > 0777)
			return config_error(ctx,
			    "%s: %s is out of range 0..0777", v->key, s);
	}
	*(unsigned int *)((char *)base + v->offset) = mode;
	return 0;
}

static int
set_string(struct config_ctx *ctx, const struct config_var *v, void *base,
    const char *s)
{
	char	**field, *copy;

	if ((copy = strdup(s)) == NULL)
		return config_error(ctx, "%s: %s", v->key, strerror(errno));
	field = (char **)((char *)base + v->offset);
	free(*field);
	*field = copy;
	return 0;
}

static int
set_var(struct config_ctx *ctx, const struct config_var *v, void *base,
    const char *value)
{
	switch (v->type) {
	case CONFIG_STRING:
		return set_string(ctx, v, base, value);
	case CONFIG_INT:
		return set_int(ctx, v, base, value);
	case CONFIG_DOUBLE:
		return set_double(ctx, v, base, value);
	case CONFIG_BOOL:
		return set_bool(ctx, v, base, value);
	case CONFIG_MODE:
		return set_mode(ctx, v, base, value);
	}
	return config_error(ctx, "%s: unknown type %d", v->key, (int)v->type);
}

int
config_parse(FILE *f, const char *name, const struct config_var *vars,
    void *base, char *err, size_t errlen)
{
	struct config_ctx	 ctx = { name, 0, err, errlen };
	const struct config_var	*v;
	char			*line = NULL, *key = NULL, *value = NULL;
	size_t			 size = 0, len;
	ssize_t			 n;
	int			 rv = 0, r;

	while ((n = getline(&line, &size, f)) != -1) {
		ctx.lineno++;
		len = n;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > CONFIG_LINE_MAX) {
			rv = config_error(&ctx, "line too long");
			break;
		}
		if (memchr(line, '\0', len) != NULL) {
			rv = config_error(&ctx, "NUL byte in line");
			break;
		}
		if ((r = split_line(&ctx, line, &key, &value)) == -1) {
			rv = -1;
			break;
		}
		if (r == 0)
			continue;
		if ((v = find_var(vars, key)) == NULL) {
			rv = config_error(&ctx, "unknown key \"%s\"", key);
			break;
		}
		if ((rv = set_var(&ctx, v, base, value)) == -1)
			break;
	}
	if (rv == 0 && ferror(f)) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
		rv = -1;
	}
	free(line);
	return rv;
}

int
config_load(const char *path, const struct config_var *vars, void *base,
    char *err, size_t errlen)
{
	FILE	*f;
	int	 rv;

	if ((f = fopen(path, "re")) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rv = config_parse(f, path, vars, base, err, errlen);
	fclose(f);
	return rv;
}

void
config_free_strings(const struct config_var *vars, void *base)
{
	char	**field;

	for (; vars->key != NULL; vars++) {
		if (vars->type != CONFIG_STRING)
			continue;
		field = (char **)((char *)base + vars->offset);
		free(*field);
		*field = NULL;
	}
}
