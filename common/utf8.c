/*
 * utf8.c: strict UTF-8 validation (utf8.h).  A byte-at-a-time decoder
 * of lead and continuation bytes: the inputs it guards are small, or
 * mostly ASCII, which takes the first branch.
 */
#include <stdint.h>

#include "utf8.h"

size_t
utf8_seqlen(const unsigned char *s, size_t len)
{
	uint32_t cp, min;
	size_t	 n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t
utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 off = 0, n;

	while (off < len) {
		if ((n = utf8_seqlen(p + off, len - off)) == 0)
			break;
		off += n;
	}
	return off;
}

int
utf8_valid(const char *s, size_t len)
{
	return utf8_valid_prefix(s, len) == len;
}
