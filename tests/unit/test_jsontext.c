/*
 * test_jsontext.c: the one door for JSON from outside (jsontext.c) and
 * the UTF-8 validator behind it (utf8.c): RFC 8259 text in, what json-c's
 * strict mode still takes (single quotes, raw control characters) out,
 * with the error each gets.
 */
#include <stdio.h>
#include <string.h>

#include "jsontext.h"
#include "unit.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct bad {
	const char		*text;
	enum jsontext_error	 err;
};

static void
test_good(void)
{
	static const char *const texts[] = {
		"{}", "[]", "{\"a\":1}", " {\"a\":[1,2,{\"b\":null}]} \n",
		"\"x\"", "12", "-0.5e+3", "true", "false",
		"{\"k\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
		"{\"k\":\"\\u00e9\\ud83d\\ude00\\\"\\\\\"}",
		"[1e999]",
		/* Let through for the validators of numbers to refuse. */
		"[NaN,Infinity,-Infinity]",
	};
	struct json_object *v;
	enum jsontext_error err;
	size_t i;

	for (i = 0; i < NELEM(texts); i++) {
		v = jsontext_parse(texts[i], strlen(texts[i]), 8, &err);
		CU_ASSERT_PTR_NOT_NULL(v);
		if (v == NULL)
			fprintf(stderr, "refused: %s\n", texts[i]);
		json_object_put(v);
	}
	/* null is the one value json-c gives as NULL. */
	err = JSONTEXT_SYNTAX;
	CU_ASSERT_PTR_NULL(jsontext_parse(" null ", 6, 8, &err));
	CU_ASSERT_EQUAL(err, JSONTEXT_OK);
}

static void
test_bad(void)
{
	static const struct bad cases[] = {
		/* What json-c's strict mode takes and RFC 8259 does not. */
		{ "{'shape':[4,4,4]}", JSONTEXT_SYNTAX },
		{ "{\"shape\":'x'}", JSONTEXT_SYNTAX },
		{ "{\"a\":Nan}", JSONTEXT_SYNTAX },
		{ "{\"a\":'x'}", JSONTEXT_SYNTAX },
		{ "{\"a\":\"\xe2\x82\"}", JSONTEXT_SYNTAX },	/* cut short */
		{ "{\"a\":\"\xff\"}", JSONTEXT_SYNTAX },
		{ "{\"a\":\"tab\there\"}", JSONTEXT_SYNTAX },
		{ "{\"a\":1} \xff", JSONTEXT_SYNTAX },
		/* What json-c refuses itself. */
		{ "", JSONTEXT_SYNTAX },
		{ "{", JSONTEXT_SYNTAX },
		{ "{\"a\":}", JSONTEXT_SYNTAX },
		{ "[1,]", JSONTEXT_SYNTAX },
		{ "{\"a\":01}", JSONTEXT_SYNTAX },
		{ "{\"a\":/*c*/1}", JSONTEXT_SYNTAX },
		{ "{\"a\":TRUE}", JSONTEXT_SYNTAX },
		{ "\"unterminated", JSONTEXT_SYNTAX },
		/* After the value. */
		{ "{} {}", JSONTEXT_TRAILING },
		{ "[1] 2", JSONTEXT_TRAILING },
		{ "[1] x", JSONTEXT_TRAILING },
		{ "[[[[[[[[[1]]]]]]]]]", JSONTEXT_DEPTH },
	};
	struct json_object *v;
	enum jsontext_error err;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		err = JSONTEXT_OK;
		v = jsontext_parse(cases[i].text, strlen(cases[i].text), 8,
		    &err);
		CU_ASSERT_PTR_NULL(v);
		CU_ASSERT_EQUAL(err, cases[i].err);
		if (v != NULL || err != cases[i].err)
			fprintf(stderr, "case %zu: %s: %s\n", i, cases[i].text,
			    jsontext_strerror(err));
		json_object_put(v);
	}
	/* Exactly len bytes: what follows them is not looked at. */
	v = jsontext_parse("{\"a\":1}garbage", 7, 8, &err);
	CU_ASSERT_PTR_NOT_NULL(v);
	json_object_put(v);
	/* A NUL inside is not the end of the text. */
	v = jsontext_parse("[1]\0[2]", 7, 8, &err);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_STRING_EQUAL(jsontext_strerror(JSONTEXT_SYNTAX),
	    "not valid JSON");
}

static void
test_utf8(void)
{
	CU_ASSERT(utf8_valid("", 0));
	CU_ASSERT(utf8_valid("plain", 5));
	CU_ASSERT(utf8_valid("\xc2\x80\xdf\xbf", 4));
	CU_ASSERT(utf8_valid("\xe0\xa0\x80\xef\xbf\xbf", 6));
	CU_ASSERT(utf8_valid("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 8));
	CU_ASSERT_FALSE(utf8_valid("\x80", 1));
	CU_ASSERT_FALSE(utf8_valid("\xc1\xbf", 2));		/* overlong */
	CU_ASSERT_FALSE(utf8_valid("\xe0\x9f\xbf", 3));		/* overlong */
	CU_ASSERT_FALSE(utf8_valid("\xf0\x8f\xbf\xbf", 4));	/* overlong */
	CU_ASSERT_FALSE(utf8_valid("\xed\xbf\xbf", 3));		/* surrogate */
	CU_ASSERT_FALSE(utf8_valid("\xf4\x90\x80\x80", 4));
	CU_ASSERT_FALSE(utf8_valid("\xf8\x88\x80\x80\x80", 5));
	CU_ASSERT_FALSE(utf8_valid("\xe2\x82", 2));
	CU_ASSERT_EQUAL(utf8_valid_prefix("ab\xc3\xa9\xe2\x82", 6), 4);
	CU_ASSERT_EQUAL(utf8_valid_prefix("\xff", 1), 0);
	CU_ASSERT_EQUAL(utf8_seqlen((const unsigned char *)"\xf0\x9f\x98\x80",
	    4), 4);
	CU_ASSERT_EQUAL(utf8_seqlen((const unsigned char *)"\xf0\x9f\x98\x80",
	    3), 0);
}

static CU_TestInfo cases[] = {
	{ "RFC 8259 text is taken", test_good },
	{ "what RFC 8259 refuses is refused, and why", test_bad },
	{ "UTF-8: strict, and prefixes", test_utf8 },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("jsontext", cases);
}
