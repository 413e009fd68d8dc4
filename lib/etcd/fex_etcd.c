/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The etcd client: endpoints and fail-over, one POST with its JSON, the
 * unary calls (range, put, delete, txn, compaction, leases). The wire's
 * base64, string-encoded integers and key-values are fex_etcd_codec.c,
 * the streaming watch fex_etcd_watch.c; what they share is
 * fex_etcd_priv.h. See fex_etcd.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fex_etcd_priv.h"

#define RESPONSE_MAX	(256u * 1024 * 1024)	/* a larger answer is refused */

/* ---------------------------------------------------------------- client */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct fex_etcd *
fex_etcd_create(const char *endpoints, unsigned int timeout_ms,
		char *err, size_t errlen)
{
	struct fex_etcd *e;
	char *list, *tok, *save = NULL;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		fex_fail(0, err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	if (endpoints == NULL || endpoints[0] == '\0') {
		fex_fail(0, err, errlen, "no etcd endpoint given; give "
			  "http://HOST:PORT[,http://HOST:PORT...]");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	list = strdup(endpoints);
	if (e == NULL || list == NULL)
		goto out_nomem;
	e->timeout_ms = timeout_ms != 0 ? timeout_ms : FEX_ETCD_DEFAULT_TIMEOUT_MS;
	for (tok = strtok_r(list, ", \t", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		size_t n = strlen(tok);

		if (strncmp(tok, "http://", 7) != 0 && strncmp(tok, "https://", 8) != 0) {
			fex_fail(0, err, errlen, "etcd endpoint '%.64s': not a URL; "
				  "allowed: http://HOST:PORT or https://HOST:PORT", tok);
			goto out_free;
		}
		if (n > FEX_ETCD_URL_MAX) {
			fex_fail(0, err, errlen, "etcd endpoint '%.64s...': longer than "
				  "%d characters", tok, FEX_ETCD_URL_MAX);
			goto out_free;
		}
		if (e->n == FEX_ETCD_ENDPOINTS_MAX) {
			fex_fail(0, err, errlen, "more than %d etcd endpoints",
				  FEX_ETCD_ENDPOINTS_MAX);
			goto out_free;
		}
		while (n > 0 && tok[n - 1] == '/')
			tok[--n] = '\0';	/* the API path is appended */
		e->url[e->n] = strdup(tok);
		if (e->url[e->n] == NULL)
			goto out_nomem;
		e->n++;
	}
	if (e->n == 0) {
		fex_fail(0, err, errlen, "no etcd endpoint in '%.64s'", endpoints);
		goto out_free;
	}
	e->h = curl_easy_init();
	e->wh = curl_easy_init();
	e->m = curl_multi_init();
	e->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	/* gRPC metadata through the gateway: a member that loses its leader
	 * (cut off from the others) ends the watch ("etcdserver: no leader")
	 * instead of keeping it open with no events */
	e->watch_hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (e->watch_hdrs != NULL)
		e->watch_hdrs = curl_slist_append(e->watch_hdrs,
						  "Grpc-Metadata-hasleader: true");
	if (e->h == NULL || e->wh == NULL || e->m == NULL || e->hdrs == NULL ||
	    e->watch_hdrs == NULL)
		goto out_nomem;
	free(list);
	return e;
out_nomem:
	fex_fail(0, err, errlen, "out of memory");
out_free:
	free(list);
	fex_etcd_free(e);
	return NULL;
}

void
fex_etcd_free(struct fex_etcd *e)
{
	unsigned int i;

	if (e == NULL)
		return;
	if (e->h != NULL)
		curl_easy_cleanup(e->h);
	if (e->wh != NULL)
		curl_easy_cleanup(e->wh);
	if (e->m != NULL)
		curl_multi_cleanup(e->m);
	curl_slist_free_all(e->hdrs);
	curl_slist_free_all(e->watch_hdrs);
	for (i = 0; i < e->n; i++)
		free(e->url[i]);
	free(e);
}

unsigned int
fex_etcd_nb_endpoints(const struct fex_etcd *e)
{
	return e->n;
}

const char *
fex_etcd_endpoint(const struct fex_etcd *e, unsigned int i)
{
	return i < e->n ? e->url[i] : NULL;
}

unsigned int
fex_etcd_current(const struct fex_etcd *e)
{
	return __atomic_load_n(&e->cur, __ATOMIC_RELAXED);
}

void
etcd_next_endpoint(struct fex_etcd *e)
{
	__atomic_store_n(&e->cur, (e->cur + 1) % e->n, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- HTTP */

size_t
etcd_buf_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct etcd_buf *b = arg;
	size_t n = size * nmemb;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > RESPONSE_MAX)
			return 0;	/* aborts the transfer */
		p = realloc(b->p, cap);
		if (p == NULL)
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* Options of every POST of e to endpoint cur + path. */
void
etcd_setup(struct fex_etcd *e, CURL *h, const char *path, const char *body,
	   char *url, size_t urllen)
{
	snprintf(url, urllen, "%s%s", e->url[e->cur], path);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);	/* threads */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, e->hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)e->timeout_ms);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, e->curl_err);
	e->curl_err[0] = '\0';
}

int
etcd_curl_errno(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return -ECONNRESET;
	}
}

/* Append "URL: what" to the list of what each endpoint answered. */
static void __attribute__((format(printf, 4, 5)))
etcd_note(char *notes, size_t len, const char *url, const char *fmt, ...)
{
	size_t off = strlen(notes);
	va_list ap;

	if (off + 4 >= len)
		return;
	off += (size_t)snprintf(notes + off, len - off, "%s%s: ", off ? "; " : "", url);
	if (off >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(notes + off, len - off, fmt, ap);
	va_end(ap);
}

/* An error answer of the gateway: {"error": ..., "message": ..., "code": N}
 * (gRPC code; the watch stream nests it in "error"). True when another
 * member may serve it (unavailable, deadline exceeded, internal). */
static const json_t *
error_object(const json_t *resp)
{
	const json_t *e = json_object_get(resp, "error");

	return json_is_object(e) ? e : resp;	/* a stream's error is nested */
}

bool
etcd_error_retryable(const json_t *resp, long http)
{
	const json_t *e = error_object(resp);
	int64_t code = json_object_get(e, "grpc_code") != NULL ?
		etcd_int(e, "grpc_code") : etcd_int(e, "code");

	return http >= 500 || code == 14 || code == 4 || code == 13 || code == 10;
}

const char *
etcd_error_message(const json_t *resp)
{
	const json_t *e = error_object(resp);
	const char *m = json_string_value(json_object_get(e, "message"));

	if (m == NULL)
		m = json_string_value(json_object_get(e, "error"));
	return m != NULL ? m : "(no message)";
}

/* POST body to path, on each endpoint in turn until one answers. *resp
 * is the answer's JSON object (a new reference). */
static int
request(struct fex_etcd *e, const char *path, json_t *body, json_t **resp,
	char *err, size_t errlen)
{
	char url[FEX_ETCD_URL_MAX + 64], notes[1024] = "";
	char *data = json_dumps(body, JSON_COMPACT);
	struct etcd_buf b = { .p = NULL };
	bool timed_out = false;
	unsigned int tries;
	int rc = -ECONNREFUSED;

	*resp = NULL;
	if (data == NULL)
		return fex_fail(-ENOMEM, err, errlen, "out of memory");
	for (tries = 0; tries < e->n; tries++) {
		json_error_t jerr;
		CURLcode c;
		long http = 0;
		json_t *r;

		b.len = 0;
		etcd_setup(e, e->h, path, data, url, sizeof(url));
		curl_easy_setopt(e->h, CURLOPT_TIMEOUT_MS, (long)e->timeout_ms);
		curl_easy_setopt(e->h, CURLOPT_WRITEFUNCTION, etcd_buf_write);
		curl_easy_setopt(e->h, CURLOPT_WRITEDATA, &b);
		c = curl_easy_perform(e->h);
		if (c != CURLE_OK) {
			rc = etcd_curl_errno(c);
			if (rc == -ENOMEM)
				break;
			timed_out |= rc == -ETIMEDOUT;
			etcd_note(notes, sizeof(notes), e->url[e->cur], "%s",
				  e->curl_err[0] != '\0' ? e->curl_err : curl_easy_strerror(c));
			etcd_next_endpoint(e);
			continue;
		}
		curl_easy_getinfo(e->h, CURLINFO_RESPONSE_CODE, &http);
		r = b.p != NULL ? json_loadb(b.p, b.len, 0, &jerr) : NULL;
		if (!json_is_object(r)) {
			json_decref(r);
			rc = -EPROTO;
			etcd_note(notes, sizeof(notes), e->url[e->cur],
				  "HTTP %ld, not an etcd answer (is this etcd's client "
				  "URL, etcd 3.4 or later?)", http);
			etcd_next_endpoint(e);
			continue;
		}
		if (http == 200 && json_object_get(r, "error") == NULL) {
			free(data);
			free(b.p);
			*resp = r;
			return 0;
		}
		if (etcd_error_retryable(r, http)) {
			rc = -ECONNREFUSED;
			etcd_note(notes, sizeof(notes), e->url[e->cur], "%s",
				  etcd_error_message(r));
			json_decref(r);
			etcd_next_endpoint(e);
			continue;
		}
		rc = fex_fail(-EIO, err, errlen, "etcd %s: %s", e->url[e->cur],
			       etcd_error_message(r));
		json_decref(r);
		free(data);
		free(b.p);
		return rc;
	}
	free(data);
	free(b.p);
	if (rc == -ENOMEM)
		return fex_fail(rc, err, errlen, "out of memory");
	if (timed_out)
		rc = -ETIMEDOUT;
	return fex_fail(rc, err, errlen, "%s", notes);
}

/* ---------------------------------------------------------------- calls */

/* One call: req (taken; NULL = it could not be built) to path, the
 * header's revision into *revision, the answer into *resp for the caller
 * to read and free (or dropped when resp is NULL). 0, or -errno with err. */
static int
call(struct fex_etcd *e, const char *path, json_t *req, json_t **resp,
     int64_t *revision, char *err, size_t errlen)
{
	json_t *r = NULL;
	int rc;

	if (req == NULL)
		return fex_fail(-ENOMEM, err, errlen, "out of memory");
	rc = request(e, path, req, &r, err, errlen);
	json_decref(req);
	if (rc < 0)
		return rc;
	if (revision != NULL)
		*revision = etcd_header_revision(r);
	if (resp != NULL)
		*resp = r;
	else
		json_decref(r);
	return 0;
}

/* {"key": ..., "range_end": ...}: a key, or every key under a prefix. */
static json_t *
key_req(const char *key, bool prefix)
{
	json_t *o = json_object();

	if (o != NULL && etcd_set_key(o, key, prefix) < 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int
fex_etcd_range(struct fex_etcd *e, const char *key, bool prefix,
	       struct fex_etcd_kvs *out, char *err, size_t errlen)
{
	json_t *resp;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = call(e, "/v3/kv/range", key_req(key, prefix), &resp, &out->revision,
		  err, errlen);
	if (rc < 0)
		return rc;
	rc = etcd_kvs_decode(json_object_get(resp, "kvs"), out);
	json_decref(resp);
	if (rc < 0)
		return fex_fail(rc, err, errlen, "etcd range: %s",
				 rc == -ENOMEM ? "out of memory" : "bad key or value encoding");
	return 0;
}

int
fex_etcd_count(struct fex_etcd *e, const char *key, bool prefix,
	       int64_t min_mod_revision, int64_t *count, int64_t *revision,
	       char *err, size_t errlen)
{
	json_t *req = key_req(key, prefix), *resp;
	int rc;

	/* etcd's "count" ignores min_mod_revision: count the keys */
	if (req != NULL &&
	    (json_object_set_new(req, "keys_only", json_true()) < 0 ||
	     (min_mod_revision > 0 &&
	      json_object_set_new(req, "min_mod_revision",
				  etcd_str_int(min_mod_revision)) < 0))) {
		json_decref(req);
		req = NULL;
	}
	rc = call(e, "/v3/kv/range", req, &resp, revision, err, errlen);
	if (rc < 0)
		return rc;
	if (count != NULL)
		*count = (int64_t)json_array_size(json_object_get(resp, "kvs"));
	json_decref(resp);
	return 0;
}

/* A put request object (also a txn's request_put). */
static json_t *
put_req(const char *key, const void *value, size_t len, int64_t lease)
{
	json_t *o = key_req(key, false);

	if (o != NULL &&
	    (json_object_set_new(o, "value", etcd_b64(value, len)) < 0 ||
	     (lease != 0 && json_object_set_new(o, "lease", etcd_str_int(lease)) < 0))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int
fex_etcd_put(struct fex_etcd *e, const char *key, const void *value, size_t len,
	     int64_t lease, int64_t *revision, char *err, size_t errlen)
{
	return call(e, "/v3/kv/put", put_req(key, value, len, lease), NULL, revision,
		    err, errlen);
}

int
fex_etcd_delete(struct fex_etcd *e, const char *key, bool prefix,
		int64_t *deleted, int64_t *revision, char *err, size_t errlen)
{
	json_t *resp;
	int rc;

	rc = call(e, "/v3/kv/deleterange", key_req(key, prefix), &resp, revision,
		  err, errlen);
	if (rc < 0)
		return rc;
	if (deleted != NULL)
		*deleted = etcd_int(resp, "deleted");
	json_decref(resp);
	return 0;
}

static const char *const target_names[] = { "CREATE", "MOD", "VERSION" };
static const char *const target_fields[] = {
	"create_revision", "mod_revision", "version" };
static const char *const result_names[] = {
	"EQUAL", "NOT_EQUAL", "GREATER", "LESS" };

static json_t *
ops_json(const struct fex_etcd_op *ops, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		const struct fex_etcd_op *op = &ops[i];
		json_t *r = NULL;
		const char *kind = NULL;

		switch (op->type) {
		case FEX_ETCD_OP_PUT:
			r = put_req(op->key, op->value, op->value_len, op->lease);
			kind = "request_put";
			break;
		case FEX_ETCD_OP_DELETE:
		case FEX_ETCD_OP_GET:
			r = key_req(op->key, op->prefix);
			kind = op->type == FEX_ETCD_OP_GET ? "request_range" :
				"request_delete_range";
			break;
		}
		if (r == NULL || json_array_append_new(a, json_pack("{s:o}", kind, r)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int
fex_etcd_txn(struct fex_etcd *e, const struct fex_etcd_cmp *cmp, size_t ncmp,
	     const struct fex_etcd_op *then, size_t nthen,
	     const struct fex_etcd_op *otherwise, size_t nelse,
	     struct fex_etcd_txn_result *out, char *err, size_t errlen)
{
	json_t *req = NULL, *c = json_array(), *resp, *r;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	for (i = 0; c != NULL && i < ncmp; i++) {
		json_t *o;

		if ((unsigned int)cmp[i].target > FEX_ETCD_VERSION ||
		    (unsigned int)cmp[i].result > FEX_ETCD_LESS) {
			json_decref(c);
			return fex_fail(-EINVAL, err, errlen, "etcd txn: bad compare");
		}
		o = json_pack("{s:s, s:s, s:o}", "target", target_names[cmp[i].target],
			      "result", result_names[cmp[i].result],
			      target_fields[cmp[i].target], etcd_str_int(cmp[i].value));
		if (o == NULL || etcd_set_key(o, cmp[i].key, false) < 0 ||
		    json_array_append_new(c, o) < 0) {
			json_decref(c);
			c = NULL;
		}
	}
	if (c != NULL)
		req = json_pack("{s:o, s:o, s:o}", "compare", c, "success",
				ops_json(then, nthen), "failure",
				ops_json(otherwise, nelse));
	rc = call(e, "/v3/kv/txn", req, &resp, &out->revision, err, errlen);
	if (rc < 0)
		return rc;
	out->succeeded = json_is_true(json_object_get(resp, "succeeded"));
	json_array_foreach(json_object_get(resp, "responses"), i, r) {
		json_t *range = json_object_get(r, "response_range");

		if (range == NULL)
			continue;
		rc = etcd_kvs_decode(json_object_get(range, "kvs"), &out->kvs);
		out->kvs.revision = out->revision;
		if (rc < 0) {
			json_decref(resp);
			return fex_fail(rc, err, errlen, "etcd txn: bad key or value encoding");
		}
		break;
	}
	json_decref(resp);
	return 0;
}

int
fex_etcd_compact(struct fex_etcd *e, int64_t revision, char *err, size_t errlen)
{
	return call(e, "/v3/kv/compaction", json_pack("{s:o, s:b}", "revision",
		    etcd_str_int(revision), "physical", 1), NULL, NULL, err, errlen);
}

int
fex_etcd_lease_grant(struct fex_etcd *e, int64_t ttl_s, int64_t *id,
		     int64_t *granted_s, char *err, size_t errlen)
{
	json_t *resp;
	int rc;

	rc = call(e, "/v3/lease/grant", json_pack("{s:o}", "TTL", etcd_str_int(ttl_s)),
		  &resp, NULL, err, errlen);
	if (rc < 0)
		return rc;
	*id = etcd_int(resp, "ID");
	if (granted_s != NULL)
		*granted_s = etcd_int(resp, "TTL");
	json_decref(resp);
	if (*id == 0)
		return fex_fail(-EPROTO, err, errlen, "etcd lease grant: no lease id "
				 "in the answer");
	return 0;
}

int
fex_etcd_lease_keepalive(struct fex_etcd *e, int64_t id, int64_t *ttl_s,
			 char *err, size_t errlen)
{
	json_t *resp;
	int rc;

	/* the gateway answers a one-message stream: {"result": {...}} */
	rc = call(e, "/v3/lease/keepalive", json_pack("{s:o}", "ID", etcd_str_int(id)),
		  &resp, NULL, err, errlen);
	if (rc < 0)
		return rc;
	*ttl_s = etcd_int(json_object_get(resp, "result"), "TTL");
	json_decref(resp);
	return 0;
}

int
fex_etcd_lease_revoke(struct fex_etcd *e, int64_t id, char *err, size_t errlen)
{
	char msg[256] = "";
	int rc;

	rc = call(e, "/v3/lease/revoke", json_pack("{s:o}", "ID", etcd_str_int(id)),
		  NULL, NULL, msg, sizeof(msg));
	if (rc == -EIO && strstr(msg, "lease not found") != NULL)
		return 0;
	if (rc < 0)
		fex_fail(rc, err, errlen, "%s", msg);
	return rc;
}
