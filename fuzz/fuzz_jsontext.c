/*
 * fuzz_jsontext.c: the one door for JSON from outside.  Whatever it
 * accepts, json-c writes back as text the door accepts again and that
 * parses to the same text once more: nothing it lets in is half-valid.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jsontext.h"

#define DEPTH	16

/* 1 when data is the text null, with whitespace around it at most. */
static int
is_null_text(const uint8_t *data, size_t size)
{
	size_t i = 0, n;

	while (i < size && strchr(" \t\r\n", data[i]) != NULL && data[i])
		i++;
	n = size;
	while (n > i && strchr(" \t\r\n", data[n - 1]) != NULL && data[n - 1])
		n--;
	return n - i == 4 && memcmp(data + i, "null", 4) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *v, *again;
	enum jsontext_error err;
	const char *text;
	char *copy;
	size_t len;

	if ((v = jsontext_parse((const char *)data, size, DEPTH, &err)) ==
	    NULL) {
		/* Refused with a reason, or the null value, which json-c
		 * reads as NULL (jsontext.h). */
		if (err == JSONTEXT_OK && !is_null_text(data, size))
			abort();
		return 0;
	}
	text = json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN,
	    &len);
	if (text == NULL || (copy = strndup(text, len)) == NULL)
		abort();
	json_object_put(v);
	again = jsontext_parse(copy, len, DEPTH + 1, &err);
	if (again == NULL)
		abort();
	text = json_object_to_json_string_length(again,
	    JSON_C_TO_STRING_PLAIN, &len);
	if (strlen(copy) != len || memcmp(copy, text, len) != 0)
		abort();
	json_object_put(again);
	free(copy);
	return 0;
}
