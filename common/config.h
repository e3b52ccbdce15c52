/*
 * config.h: the daemons' configuration files: "key = value" lines, '#'
 * comments, blank lines.  Each daemon describes its keys in a table of
 * struct config_var that places each value at an offset in its own
 * settings struct, so a reload can parse into a fresh copy and keep the
 * old one when the new file is wrong.
 */
#ifndef MS_CONFIG_H
#define MS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum config_type {
	CONFIG_STRING,	/* char *, strdup'd; the old value is freed */
	CONFIG_INT,	/* long long within [min, max] */
	CONFIG_DOUBLE,	/* double within [dmin, dmax] */
	CONFIG_BOOL,	/* int: yes/no, true/false, on/off, 1/0 */
	CONFIG_MODE	/* unsigned int, octal file mode 0..0777 */
};

struct config_var {
	const char	*key;
	enum config_type type;
	size_t		 offset;	/* into the settings struct */
	long long	 min, max;	/* CONFIG_INT */
	double		 dmin, dmax;	/* CONFIG_DOUBLE */
};

/*
 * Parses the stream f (named name in messages) into base, a settings
 * struct described by vars (terminated by an entry with key NULL).
 * Values may be quoted with '"' to keep leading or trailing blanks or a
 * '#'.  On the first error returns -1 and writes "name:line: message"
 * into err (errlen bytes): unknown key, missing '=', empty key, value out
 * of range or of the wrong type, a line over 4096 bytes.  Returns 0 on
 * success.  Keys not in the file keep the values base already had.
 */
int	config_parse(FILE *f, const char *name, const struct config_var *vars,
	    void *base, char *err, size_t errlen);

/* Opens path and calls config_parse(); an open failure is reported too. */
int	config_load(const char *path, const struct config_var *vars,
	    void *base, char *err, size_t errlen);

/* Frees the CONFIG_STRING values of base and sets them to NULL. */
void	config_free_strings(const struct config_var *vars, void *base);

#endif
