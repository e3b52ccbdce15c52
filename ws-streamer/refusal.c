/*
 * refusal.c: how the core says why it refused an operation: a code of
 * the control protocol, and a message for a person, formatted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

void
refusal_set(struct refusal *r, enum ctlproto_err err, const char *fmt, ...)
{
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->err = err;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}
