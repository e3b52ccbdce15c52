/*
 * jsontext.c: strict JSON parsing (jsontext.h).  json-c checks the
 * grammar and builds the tree; a lexical pass over the text it took then
 * rejects what its strict mode accepts beyond RFC 8259.
 */
#include <limits.h>
#include <string.h>

#include "jsontext.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_structural(char c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' ||
	    c == ':';
}

/* What a number is made of; json-c checks how. */
static int
is_number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	    c == 'e' || c == 'E';
}

static int
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Past the string opening at s[i]; 0 when it breaks RFC 8259 there.
 * json-c checks escapes and UTF-8 (the fields that keep text check it
 * again with utf8.c, which also refuses overlong forms and surrogates).
 */
static size_t
skip_string(const char *s, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;

	for (i++; i < len && u[i] != '"'; i++) {
		if (u[i] == '\\')
			i++;
		else if (u[i] < 0x20)
			return 0;
	}
	return i < len ? i + 1 : 0;
}

/*
 * Past the word at s[i], if it is one JSON has; else 0.  json-c also
 * reads NaN and Infinity: they pass here, as every number read is then
 * checked to be finite and in range by a validator that names its
 * field, which tells a client more than "not valid JSON".
 */
static size_t
skip_word(const char *s, size_t len, size_t i)
{
	static const char *const words[] = {
		"true", "false", "null", "NaN", "Infinity"
	};
	size_t	 j = i, k;

	while (j < len && is_letter(s[j]))
		j++;
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == j - i &&
		    memcmp(s + i, words[k], j - i) == 0)
			return j;
	return 0;
}

/*
 * 1 when every token of s is one JSON has: strings in double quotes of
 * well-formed UTF-8 without raw control characters, numbers, true,
 * false, null and the structural characters.  Not the grammar.
 */
static int
lexically_json(const char *s, size_t len)
{
	size_t	 i = 0;
	char	 c;

	while (i < len) {
		c = s[i];
		if (c == '"') {
			if ((i = skip_string(s, len, i)) == 0)
				return 0;
		} else if (is_letter(c)) {
			if ((i = skip_word(s, len, i)) == 0)
				return 0;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			while (i < len && is_number_char(s[i]))
				i++;
		} else if (is_space(c) || is_structural(c))
			i++;
		else
			return 0;
	}
	return 1;
}

struct json_object *
jsontext_parse(const char *text, size_t len, int depth,
    enum jsontext_error *err)
{
	struct json_tokener *tok;
	struct json_object *v;
	enum json_tokener_error jerr;
	size_t	 end, rest;

	if (len > INT_MAX) {
		*err = JSONTEXT_TOOLONG;
		return NULL;
	}
	if ((tok = json_tokener_new_ex(depth)) == NULL) {
		*err = JSONTEXT_NOMEM;
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8);
	v = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	/* A bare number or literal only ends when json-c sees a NUL. */
	if (v == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		v = json_tokener_parse_ex(tok, "", 1);
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	for (rest = end; rest < len && is_space(text[rest]); rest++)
		;
	*err = JSONTEXT_OK;
	if (jerr == json_tokener_error_depth)
		*err = JSONTEXT_DEPTH;
	else if (jerr != json_tokener_success)
		*err = JSONTEXT_SYNTAX;
	else if (rest < len)
		*err = JSONTEXT_TRAILING;
	else if (!lexically_json(text, end))
		*err = JSONTEXT_SYNTAX;
	if (*err == JSONTEXT_OK)
		return v;
	json_object_put(v);
	return NULL;
}

const char *
jsontext_strerror(enum jsontext_error err)
{
	switch (err) {
	case JSONTEXT_OK:
		return "no error";
	case JSONTEXT_NOMEM:
		return "out of memory";
	case JSONTEXT_TOOLONG:
		return "too long";
	case JSONTEXT_DEPTH:
		return "not valid JSON (nested too deeply)";
	case JSONTEXT_TRAILING:
		return "trailing data after the JSON value";
	case JSONTEXT_SYNTAX:
	default:
		return "not valid JSON";
	}
}
