/*
 * http.c: the requests of maskstream-publish with libcurl's easy
 * interface.  The token goes in an Authorization header, never in the
 * URL; the answer is read into memory up to HTTP_ANSWER_MAX.  One handle
 * serves every request, so they share a connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"

int
http_init(struct http *h, const char *base, const char *token,
    long timeout_s)
{
	memset(h, 0, sizeof(*h));
	h->base = base;
	h->token = token;
	h->timeout_s = timeout_s;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(h->error, sizeof(h->error), "libcurl did not start");
		return -1;
	}
	if ((h->curl = curl_easy_init()) == NULL) {
		snprintf(h->error, sizeof(h->error), "libcurl did not start");
		curl_global_cleanup();
		return -1;
	}
	return 0;
}

void
http_free(struct http *h)
{
	free(h->body);
	h->body = NULL;
	curl_easy_cleanup(h->curl);
	h->curl = NULL;
	curl_global_cleanup();
}

/* libcurl's write callback: the answer's body, bounded. */
static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct http *h = arg;
	size_t len = size * n;
	char *grown;

	if (h->len + len > HTTP_ANSWER_MAX)
		return 0;
	if ((grown = realloc(h->body, h->len + len + 1)) == NULL)
		return 0;
	h->body = grown;
	memcpy(h->body + h->len, data, len);
	h->len += len;
	h->body[h->len] = '\0';
	return len;
}

/* The request's headers: the token, the body's type and encoding. */
static struct curl_slist *
headers(const struct http *h, const char *type, const char *encoding)
{
	struct curl_slist *l = NULL, *n;
	char line[256];
	const char *lines[3];
	int i, k = 0;

	snprintf(line, sizeof(line), "Authorization: Bearer %s", h->token);
	lines[k++] = line;
	if (type != NULL)
		lines[k++] = type;
	if (encoding != NULL)
		lines[k++] = encoding;
	for (i = 0; i < k; i++) {
		if ((n = curl_slist_append(l, lines[i])) == NULL) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = n;
	}
	return l;
}

/* What the request carries and where it goes, onto c. */
static int
set_request(CURL *c, struct http *h, const char *method, const char *url,
    const void *body, size_t len, struct curl_slist *hdr)
{
	return curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout_s) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, h) != CURLE_OK ||
	    (body != NULL && (curl_easy_setopt(c, CURLOPT_POSTFIELDS,
	    body) != CURLE_OK || curl_easy_setopt(c,
	    CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK)) ?
	    -1 : 0;
}

int
http_request(struct http *h, const char *method, const char *path,
    const void *body, size_t len, const char *type, const char *encoding)
{
	char url[1024], ctype[128], cenc[128];
	struct curl_slist *hdr;
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	CURL *c = h->curl;

	free(h->body);
	h->body = NULL;
	h->len = 0;
	h->status = 0;
	snprintf(url, sizeof(url), "%s%s", h->base, path);
	snprintf(ctype, sizeof(ctype), "Content-Type: %s", type != NULL ?
	    type : "");
	snprintf(cenc, sizeof(cenc), "Content-Encoding: %s", encoding != NULL ?
	    encoding : "");
	hdr = headers(h, type != NULL ? ctype : NULL, encoding != NULL ?
	    cenc : NULL);
	if (hdr != NULL) {
		/* Options go; the connection stays for the next request. */
		curl_easy_reset(c);
		if (set_request(c, h, method, url, body, len, hdr) == 0)
			rc = curl_easy_perform(c);
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	}
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		snprintf(h->error, sizeof(h->error), "%s: %s", url,
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}
