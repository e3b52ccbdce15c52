/*
 * fuzz.h: the private header of fuzz/.  Every target defines libFuzzer's
 * entry point; replay.c calls the same one to replay saved inputs.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input; returns 0.  A broken invariant abort()s. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
