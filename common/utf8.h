/*
 * utf8.h: the one UTF-8 validator for text from outside (error codes
 * and messages of stream messages, field names in job requests, all JSON
 * input): strict RFC 3629, no overlong forms, surrogates or code points
 * above U+10FFFF, which json-c's own check lets through.
 */
#ifndef MS_UTF8_H
#define MS_UTF8_H

#include <stddef.h>

/*
 * The length of the UTF-8 sequence starting at s (len >= 1 bytes left),
 * or 0 when it is malformed, overlong, a surrogate or above U+10FFFF.
 */
size_t	utf8_seqlen(const unsigned char *s, size_t len);

/* The length of the longest well-formed prefix of s[0..len). */
size_t	utf8_valid_prefix(const char *s, size_t len);

/* 1 when all of s[0..len) is well-formed UTF-8, else 0. */
int	utf8_valid(const char *s, size_t len);

#endif
