/*
 * http.h: maskstream-publish's requests to the REST API, through
 * libcurl: one request at a time, on one kept-alive connection, with the
 * producer token, a timeout, and the answer's status and body kept for
 * the caller.  bench/pubload uses it too.
 */
#ifndef MS_HTTP_H
#define MS_HTTP_H

#include <stddef.h>

#define HTTP_ANSWER_MAX	(1u << 20)	/* JSON answers are small */

struct http {
	void		*curl;		/* libcurl's handle, kept between
					 * requests for its connection */
	const char	*base;		/* "http://host:port", no '/' after */
	const char	*token;
	long		 timeout_s;
	long		 status;	/* of the last answer */
	char		*body;		/* its body, NUL-terminated */
	size_t		 len;
	char		 error[1400];	/* why a request did not get an answer */
};

int	http_init(struct http *h, const char *base, const char *token,
	    long timeout_s);
void	http_free(struct http *h);

/*
 * One request: method on base + path, with a body of len bytes of type
 * (NULL: none) and Content-Encoding encoding (NULL: none).  0 when an
 * answer came (its status and body in h), -1 with h->error when none did
 * (no connection, a timeout).
 */
int	http_request(struct http *h, const char *method, const char *path,
	    const void *body, size_t len, const char *type,
	    const char *encoding);

#endif
