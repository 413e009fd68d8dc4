/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by fex_etcd.c (unary calls) and fex_etcd_watch.c; not installed. */
#ifndef FEX_ETCD_PRIV_H
#define FEX_ETCD_PRIV_H

#include <stdbool.h>

#include <curl/curl.h>
#include <jansson.h>

#include <fex_fail.h>

#include "fex_etcd.h"

struct fex_etcd {
	char *url[FEX_ETCD_ENDPOINTS_MAX];
	unsigned int n;
	unsigned int cur;		/* endpoint of the next request */
	unsigned int timeout_ms;
	CURL *h;			/* unary requests */
	CURL *wh;			/* the watch stream */
	CURLM *m;			/* drives wh; woken by fex_etcd_wake() */
	struct curl_slist *hdrs;
	struct curl_slist *watch_hdrs;	/* + etcd's "require a leader" */
	bool woken;			/* __atomic: fex_etcd_wake() was called */
	char curl_err[CURL_ERROR_SIZE];
};

/* A growing response buffer, NUL-terminated. */
struct etcd_buf {
	char *p;
	size_t len;
	size_t cap;
};

int64_t etcd_int(const json_t *o, const char *name);
json_t *etcd_str_int(int64_t v);
json_t *etcd_b64(const void *data, size_t len);
int etcd_set_key(json_t *o, const char *key, bool prefix);
int etcd_kvs_decode(const json_t *kvs, struct fex_etcd_kvs *out);
void etcd_kv_free(struct fex_etcd_kv *kv);
/* a kv object of the wire into *kv (copies) */
int etcd_kv_decode(const json_t *o, struct fex_etcd_kv *kv);
int64_t etcd_header_revision(const json_t *resp);

size_t etcd_buf_write(char *data, size_t size, size_t nmemb, void *arg);
void etcd_setup(struct fex_etcd *e, CURL *h, const char *path, const char *body,
		char *url, size_t urllen);
int etcd_curl_errno(CURLcode c);
void etcd_next_endpoint(struct fex_etcd *e);
bool etcd_error_retryable(const json_t *resp, long http);
const char *etcd_error_message(const json_t *resp);

#endif
