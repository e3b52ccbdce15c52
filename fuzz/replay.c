/*
 * replay.c: a main() for a fuzz target without libFuzzer, for make check.
 * Runs the target once on each file named, or else on every file of its
 * fuzz/regression/ and fuzz/corpus/ directories.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_DIR
#error "FUZZ_DIR must name the fuzz/ directory of the source tree"
#endif
#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the target, as its corpus directory does"
#endif

/* Runs the target on one file.  0, or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	FILE *f;
	uint8_t *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: \"%s\": %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap * 2 + 4096;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nbuf;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: \"%s\": read error\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	printf("%s\n", path);
	fflush(stdout);
	/* Exactly len bytes, as libFuzzer passes them. */
	if ((nbuf = malloc(len > 0 ? len : 1)) == NULL) {
		free(buf);
		return -1;
	}
	memcpy(nbuf, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(nbuf, len);
	free(nbuf);
	return 0;
}

/* Every regular file of dir; a missing dir has none.  Count, or -1. */
static int
replay_dir(const char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: \"%s\": %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) || replay_file(path) == -1) {
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	return n;
}

int
main(int argc, char *argv[])
{
	int i, reg, seeds;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_file(argv[i]) == -1)
				return 99;
		printf("%s: %d inputs replayed\n", FUZZ_NAME, argc - 1);
		return 0;
	}
	if ((reg = replay_dir(FUZZ_DIR "/regression/" FUZZ_NAME)) == -1 ||
	    (seeds = replay_dir(FUZZ_DIR "/corpus/" FUZZ_NAME)) == -1)
		return 99;
	if (seeds == 0) {
		fprintf(stderr, "replay: no seed inputs in \"%s\"\n",
		    FUZZ_DIR "/corpus/" FUZZ_NAME);
		return 99;
	}
	printf("%s: %d regression and %d seed inputs replayed\n", FUZZ_NAME,
	    reg, seeds);
	return 0;
}
