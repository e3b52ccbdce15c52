/*
 * create.c: --create: the viewer asks for a job itself, with POST
 * /api/jobs through the same libwebsockets client, before it subscribes.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "create.h"
#include "id.h"
#include "jsontext.h"

#define REPLY_MAX	65536

static struct create	*cr;

static void
done(int ok, const char *why)
{
	cr->finished = 1;
	cr->ok = ok;
	if (!ok && why != cr->error)
		snprintf(cr->error, sizeof(cr->error), "%s", why);
}

int
create_start(struct create *c, struct lws_context *ctx, const char *host,
    int port, const uint32_t shape[3], uint32_t scale, double duration_s)
{
	struct lws_client_connect_info i;
	char preview[48] = "";

	memset(c, 0, sizeof(*c));
	cr = c;
	if (scale > 0)
		snprintf(preview, sizeof(preview), ",\"preview\":{\"scale\":%u}",
		    scale);
	snprintf(c->body, sizeof(c->body), "{\"shape\":[%u,%u,%u],"
	    "\"duration_s\":%g%s}", shape[0], shape[1], shape[2], duration_s,
	    preview);
	memset(&i, 0, sizeof(i));
	i.context = ctx;
	i.address = host;
	i.port = port;
	i.path = "/api/jobs";
	i.host = host;
	i.method = "POST";
	i.local_protocol_name = "maskstream-view-create";
	i.alpn = "http/1.1";
	return lws_client_connect_via_info(&i) == NULL ? -1 : 0;
}

static int
add_headers(struct lws *wsi, void *in, size_t len)
{
	unsigned char **p = in, *end = *p + len;
	char n[24];

	snprintf(n, sizeof(n), "%zu", strlen(cr->body));
	if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
	    (unsigned char *)"application/json", 16, p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH,
	    (unsigned char *)n, (int)strlen(n), p, end))
		return -1;
	lws_client_http_body_pending(wsi, 1);
	lws_callback_on_writable(wsi);
	return 0;
}

static int
write_body(struct lws *wsi)
{
	unsigned char buf[LWS_PRE + sizeof(cr->body)];
	size_t n = strlen(cr->body);

	memcpy(buf + LWS_PRE, cr->body, n);
	lws_client_http_body_pending(wsi, 0);
	return lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL) < 0 ?
	    -1 : 0;
}

/* A string member of o that valid() accepts, or NULL. */
static const char *
valid_string(struct json_object *o, const char *key,
    int (*valid)(const char *, size_t))
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !valid(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v)))
		return NULL;
	return json_object_get_string(v);
}

static void
parse_reply(void)
{
	struct json_object *o;
	enum jsontext_error err;
	const char *id, *token;

	cr->reply[cr->reply_len] = '\0';
	o = jsontext_parse(cr->reply, cr->reply_len, 16, &err);
	id = valid_string(o, "id", id_job_valid);
	token = valid_string(o, "token", id_token_valid);
	if (cr->status == 201 && id != NULL && token != NULL) {
		snprintf(cr->id, sizeof(cr->id), "%s", id);
		snprintf(cr->token, sizeof(cr->token), "%s", token);
		done(1, NULL);
	} else {
		snprintf(cr->error, sizeof(cr->error), "POST /api/jobs: HTTP "
		    "%d: %.200s", cr->status, cr->reply);
		done(0, cr->error);
	}
	json_object_put(o);
}

int
create_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	char buf[LWS_PRE + 4096], *p = buf + LWS_PRE;
	int n = sizeof(buf) - LWS_PRE;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return add_headers(wsi, in, len);
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
		return write_body(wsi);
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		cr->status = (int)lws_http_client_http_response(wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
		return lws_http_client_read(wsi, &p, &n) < 0 ? -1 : 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (cr->reply_len + len >= REPLY_MAX)
			return -1;
		memcpy(cr->reply + cr->reply_len, in, len);
		cr->reply_len += len;
		return 0;
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		parse_reply();
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		done(0, in != NULL ? (const char *)in : "connection failed");
		return 0;
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		if (!cr->finished)
			parse_reply();
		return 0;
	default:
		return 0;
	}
}
