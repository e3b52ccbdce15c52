/*
 * id.h: job ids (32 lowercase hex characters: the cell and the shard
 * that own the job, two each, then 112 random bits) and job tokens (256
 * random bits, 43 base64url characters), both from getrandom(2), and
 * the one validator for either arriving from outside.  An id names its
 * place so that nginx routes it with a plain map on its first
 * characters, and fcgi-api finds its shard without asking anyone
 * (docs/sharding.md).
 */
#ifndef MS_ID_H
#define MS_ID_H

#include <stddef.h>
#include <stdint.h>

#define ID_JOB_LEN	32
#define ID_TOKEN_LEN	43
#define ID_TOKEN_HASH_LEN	32	/* SHA-256 */

#define ID_PLACE_MAX	255	/* the highest cell and shard number */

/*
 * Fill out (ID_JOB_LEN + 1 bytes) with a new id for a job of cell and
 * shard (each 0..ID_PLACE_MAX).  0, or -1 with errno.
 */
int	id_job_new(char *out, unsigned cell, unsigned shard);

/* The cell and shard a well-formed id names. */
void	id_job_place(const char *id, unsigned *cell, unsigned *shard);

/* Fill out (len + 1 bytes) with len random lowercase hex characters. */
int	id_hex_new(char *out, size_t len);

/* Fill out (ID_TOKEN_LEN + 1 bytes) with a new token.  0, or -1. */
int	id_token_new(char *out);

/* 1 if s[0..len) is a well-formed job id, else 0. */
int	id_job_valid(const char *s, size_t len);

/* 1 if s[0..len) is a well-formed token, else 0. */
int	id_token_valid(const char *s, size_t len);

/*
 * 1 if the presented token (len bytes, not necessarily NUL-terminated)
 * equals the expected one (a valid NUL-terminated token), else 0.  The
 * time taken does not depend on where the two differ.
 */
int	id_token_equal(const char *expected, const char *presented,
	    size_t len);

/*
 * The SHA-256 of a token (len bytes), with OpenSSL's libcrypto: what is
 * kept of a token once its job is created, in memory and on disk.  0, or
 * -1 when libcrypto failed.
 */
int	id_token_hash(const char *token, size_t len,
	    uint8_t hash[ID_TOKEN_HASH_LEN]);

/*
 * 1 if the presented token (len bytes) hashes to hash, else 0; the time
 * taken does not depend on where the two differ.
 */
int	id_token_matches(const uint8_t hash[ID_TOKEN_HASH_LEN],
	    const char *presented, size_t len);

/*
 * The credential of an Authorization header value "Bearer <credential>"
 * (scheme case-insensitive, blanks around the credential allowed, none
 * inside).  Returns 0 and points *tok into value, or -1.  The REST
 * handler and the streamer's handshake both read it this way.
 */
int	id_bearer(const char *value, const char **tok, size_t *len);

#endif
