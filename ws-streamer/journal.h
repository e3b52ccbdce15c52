/*
 * journal.h: the streamer's job records on disk, an append-only file of
 * checksummed JSON lines in the state directory, written before a create
 * or a state change is acknowledged, replayed and compacted at start.
 * It knows records, not jobs: job.c turns jobs into records and back.
 */
#ifndef MS_JOURNAL_H
#define MS_JOURNAL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "histo.h"
#include "id.h"
#include "jobspec.h"
#include "msg.h"

#define JOURNAL_FILE		"jobs.journal"
#define JOURNAL_TMP		"jobs.journal.tmp"
/* Seqs reserved at a time: one fsync per this many messages of a job. */
#define JOURNAL_RESERVE		1000
/* The longest line a record can take, escapes and checksum included. */
#define JOURNAL_LINE_MAX	16384
/* Compact when the file passes both: JOURNAL_GROWTH times its size
 * after the last compaction, and JOURNAL_MIN_COMPACT bytes. */
#define JOURNAL_GROWTH		4
#define JOURNAL_MIN_COMPACT	(1 << 20)

enum journal_type {
	JOURNAL_EPOCH,		/* the run id that resumes honour */
	JOURNAL_CREATE,		/* a job, with its first reservation */
	JOURNAL_RESERVE_SEQ,	/* seqs up to seq may be used */
	JOURNAL_FINISH,		/* the terminal state and message */
	JOURNAL_DROP		/* retention or max_finished forgot it */
};

struct journal_rec {
	enum journal_type type;
	char		 epoch[MSG_EPOCH_MAX];		/* epoch */
	char		 id[ID_JOB_LEN + 1];		/* all but epoch */
	/* create: the SHA-256 of the job's token, and of an external job's
	 * producer token; never a token itself */
	uint8_t		 token_hash[ID_TOKEN_HASH_LEN];
	uint8_t		 ptoken_hash[ID_TOKEN_HASH_LEN];
	int		 has_ptoken;
	struct jobspec	 spec;				/* create */
	int64_t		 created_us;			/* create: tick 0, wall */
	/* create, reserve: the highest seq reserved; finish: the
	 * terminal message's seq */
	int64_t		 seq;
	enum job_state	 state;				/* finish */
	int		 progress;			/* finish */
	int64_t		 finished_us;			/* finish, wall */
	char		 code[MSG_CODE_MAX];		/* finish, failed */
	char		 message[MSG_TEXT_MAX];		/* finish, failed */
};

struct journal {
	char		*dir;
	int		 dirfd;		/* flock()ed while open */
	int		 fd;		/* the journal, appending */
	off_t		 size;		/* bytes in it */
	off_t		 compacted;	/* its size after the last compaction */
	FILE		*tmp;		/* while compacting */
	off_t		 tmp_size;
	struct histo	 syncs;		/* how long each sync to disk took */
};

struct journal_stats {
	size_t		 records;	/* replayed */
	size_t		 skipped;	/* corrupt in the middle */
	int		 torn;		/* the last one was torn or corrupt */
};

/*
 * Creates dir (mode 0700) if it is missing and, when running as root with
 * user set, hands it and its journal to that user, so that the streamer
 * can still compact after dropping privileges.  0, or -1 with *errstr.
 */
int	journal_prepare(const char *dir, const char *user, const char **errstr);

/*
 * Opens and locks dir's journal, creating it empty if missing.  -1 with
 * *errstr on failure, and errno EWOULDBLOCK when another process holds
 * the lock.
 */
int	journal_open(struct journal *j, const char *dir, const char **errstr);
void	journal_close(struct journal *j);

/*
 * Calls fn for each good record, oldest first; a record that fails its
 * checksum or does not decode is skipped and counted (the last one as
 * torn).  Returns -1 with *errstr only when the file cannot be read or
 * fn returns -1.
 */
int	journal_replay(struct journal *j,
	    int (*fn)(const struct journal_rec *, void *), void *arg,
	    struct journal_stats *st, const char **errstr);

/*
 * Appends r; with sync, returns only once it is on disk (fdatasync).
 * A failed or short write is cut off again, so that no torn line stays
 * between good ones.  0, or -1 with *errstr.
 */
int	journal_append(struct journal *j, const struct journal_rec *r,
	    int sync, const char **errstr);

/* 1 when the file has grown enough past its live records to compact. */
int	journal_wants_compaction(const struct journal *j);

/*
 * Compaction: begin writes a new file beside the journal, add puts a
 * record in it, commit makes it durable and puts it in the journal's
 * place (rename, then fsync of the directory); abort drops it.
 */
int	journal_compact_begin(struct journal *j, const char **errstr);
int	journal_compact_add(struct journal *j, const struct journal_rec *r,
	    const char **errstr);
int	journal_compact_commit(struct journal *j, const char **errstr);
void	journal_compact_abort(struct journal *j);

/*
 * One record as a line: its JSON, a tab, its crc32 in 8 hex digits and a
 * newline.  Returns the length written into buf (NUL-terminated), or 0
 * when it does not fit.
 */
size_t	journal_encode(const struct journal_rec *r, char *buf, size_t len);

/* Checks and decodes one line (len bytes, without its newline). */
int	journal_decode(const char *line, size_t len, struct journal_rec *r,
	    const char **errstr);

#endif
