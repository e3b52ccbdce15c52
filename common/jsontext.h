/*
 * jsontext.h: the one door for JSON text from outside (REST bodies,
 * control-channel lines, stream messages, journal records).  json-c does
 * the parsing and checks UTF-8; its strict mode still takes single-quoted
 * strings, raw control characters in strings and words JSON does not
 * have, which RFC 8259 refuses, so the text it took is checked for those.
 * NaN and Infinity, which json-c reads too, and overlong UTF-8, which its
 * check lets through, are left to the validators of numbers and of text
 * (utf8.h), which refuse them and name the field.
 */
#ifndef MS_JSONTEXT_H
#define MS_JSONTEXT_H

#include <stddef.h>

#include <json-c/json.h>

enum jsontext_error {
	JSONTEXT_OK,
	JSONTEXT_NOMEM,
	JSONTEXT_TOOLONG,	/* over INT_MAX bytes, json-c's limit */
	JSONTEXT_SYNTAX,	/* not JSON */
	JSONTEXT_DEPTH,		/* nested deeper than asked */
	JSONTEXT_TRAILING	/* more after the value than whitespace */
};

/*
 * Parses text[0..len) as exactly one JSON value, nested at most depth
 * levels (json-c counts the outermost one), with whitespace allowed
 * around it.  Returns the value, which the caller puts, or NULL and *err
 * (JSONTEXT_OK for the text "null", which json-c reads as NULL).
 */
struct json_object *jsontext_parse(const char *text, size_t len, int depth,
	    enum jsontext_error *err);

/* What an error is, in a few words ("not valid JSON"). */
const char	*jsontext_strerror(enum jsontext_error err);

#endif
