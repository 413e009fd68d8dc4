/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex_etcd: a small etcd v3 client in C over etcd's JSON gateway
 * (grpc-gateway, on every etcd since 3.3; the path is /v3/... from 3.4 on):
 * HTTP/1.1 POSTs through libcurl, JSON through jansson.
 *
 *   range (one key or a prefix), put, delete, txn (compares on a key's
 *   create/mod revision or version; put, delete, get in either branch),
 *   compaction, lease grant / keepalive / revoke, and a streaming watch.
 *
 * Why the gateway: Debian 12 ships etcd 3.4 (etcd-server, etcd-client) and
 * no C client library; a gRPC client in C needs grpc and protobuf-c code
 * generation, which Debian does not package for etcd's protos. The gateway
 * needs only libcurl and jansson (lib/ctl links jansson already) and its
 * JSON is the protobuf's JSON mapping, documented with etcd's API.
 *
 * Wire details handled here: keys and values are base64 on the wire and
 * plain bytes in this API; 64-bit integers are JSON strings on the wire
 * ("revision": "42") and int64_t here; fields equal to 0/false/empty are
 * left out by the gateway, and read as 0 here.
 *
 * Endpoints: "http://h1:2379,http://h2:2379,...". A request goes to the
 * current endpoint; on a transport error (refused, reset, timed out) or an
 * answer saying that member cannot serve (gRPC "unavailable", HTTP 5xx) it
 * moves on to the next endpoint and retries there, trying each endpoint
 * once per call. The next call starts from the endpoint that worked. When
 * none does, the error message names every endpoint and what happened.
 *
 * Threads: one struct fex_etcd is used by one thread at a time (it holds
 * libcurl handles and a connection cache). The exception is
 * fex_etcd_wake(), which any thread may call to end the object's
 * fex_etcd_watch(). Give each thread its own object.
 *
 * Errors: 0 or -errno, with a message for a person in err (err may be
 * NULL). -ECONNREFUSED: no endpoint could be reached (the message says
 * what each one answered); -ETIMEDOUT: an endpoint did not answer within
 * the timeout (and no other did better); -EPROTO: an answer that is not
 * what etcd sends; -EIO: etcd refused the request (its own message);
 * -ENOMEM; -EINVAL: bad arguments.
 */
#ifndef FEX_ETCD_H
#define FEX_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FEX_ETCD_ENDPOINTS_MAX		16
#define FEX_ETCD_URL_MAX		255	/* characters per endpoint */
#define FEX_ETCD_DEFAULT_TIMEOUT_MS	2000	/* per request and endpoint */

struct fex_etcd;

/* A key and its value. key and value are NUL-terminated copies (the
 * terminator is not counted in the lengths); a deletion event has key
 * and mod_revision only. */
struct fex_etcd_kv {
	char *key;
	size_t key_len;
	char *value;
	size_t value_len;
	int64_t create_revision;	/* 0: the key does not exist */
	int64_t mod_revision;
	int64_t version;
	int64_t lease;			/* 0: none */
};

/* The answer of a range: the store's revision when it was served, and
 * the keys in key order. */
struct fex_etcd_kvs {
	int64_t revision;
	size_t n;
	struct fex_etcd_kv *kv;
};

/* Parse endpoints (comma-separated http:// or https:// URLs, at most
 * FEX_ETCD_ENDPOINTS_MAX) and make a client. timeout_ms bounds one
 * request on one endpoint (connecting included); 0 = the default. No
 * connection is made yet. NULL with a message in err on bad input. */
struct fex_etcd *fex_etcd_create(const char *endpoints, unsigned int timeout_ms,
				 char *err, size_t errlen);
void fex_etcd_free(struct fex_etcd *e);

/* The endpoints, and the one the next request goes to. */
unsigned int fex_etcd_nb_endpoints(const struct fex_etcd *e);
const char *fex_etcd_endpoint(const struct fex_etcd *e, unsigned int i);
unsigned int fex_etcd_current(const struct fex_etcd *e);

void fex_etcd_kvs_free(struct fex_etcd_kvs *r);

/* One key (prefix false) or every key starting with key (prefix true;
 * "" = every key). *out is filled (free with fex_etcd_kvs_free()). */
int fex_etcd_range(struct fex_etcd *e, const char *key, bool prefix,
		   struct fex_etcd_kvs *out, char *err, size_t errlen);

/* How many keys of the range have mod_revision >= min_mod_revision (0 =
 * all), and the store's revision. Keys are sent, values are not. */
int fex_etcd_count(struct fex_etcd *e, const char *key, bool prefix,
		   int64_t min_mod_revision, int64_t *count, int64_t *revision,
		   char *err, size_t errlen);

/* Put value (len bytes) at key, attached to lease (0 = none). *revision
 * (may be NULL) is the store's revision after it. */
int fex_etcd_put(struct fex_etcd *e, const char *key, const void *value,
		 size_t len, int64_t lease, int64_t *revision,
		 char *err, size_t errlen);

/* Delete key or every key under the prefix; *deleted (may be NULL) how
 * many were. */
int fex_etcd_delete(struct fex_etcd *e, const char *key, bool prefix,
		    int64_t *deleted, int64_t *revision, char *err, size_t errlen);

/* ---- transactions: if every compare holds, then ops, else otherwise ops */

enum fex_etcd_target {
	FEX_ETCD_CREATE,	/* create_revision (0: the key does not exist) */
	FEX_ETCD_MOD,		/* mod_revision (0: does not exist) */
	FEX_ETCD_VERSION,	/* version (0: does not exist) */
};

enum fex_etcd_result { FEX_ETCD_EQUAL, FEX_ETCD_NOT_EQUAL, FEX_ETCD_GREATER,
		       FEX_ETCD_LESS };

struct fex_etcd_cmp {
	const char *key;
	enum fex_etcd_target target;
	enum fex_etcd_result result;
	int64_t value;
};

enum fex_etcd_op_type { FEX_ETCD_OP_PUT, FEX_ETCD_OP_DELETE, FEX_ETCD_OP_GET };

struct fex_etcd_op {
	enum fex_etcd_op_type type;
	const char *key;
	const void *value;	/* put */
	size_t value_len;
	int64_t lease;		/* put; 0 = none */
	bool prefix;		/* delete, get */
};

struct fex_etcd_txn_result {
	bool succeeded;			/* the compares held: ops ran */
	int64_t revision;
	struct fex_etcd_kvs kvs;	/* the first get op of the branch that ran */
};

/* One atomic transaction. *out is filled (free out->kvs with
 * fex_etcd_kvs_free()). A txn that did not succeed is not an error. */
int fex_etcd_txn(struct fex_etcd *e, const struct fex_etcd_cmp *cmp, size_t ncmp,
		 const struct fex_etcd_op *then, size_t nthen,
		 const struct fex_etcd_op *otherwise, size_t nelse,
		 struct fex_etcd_txn_result *out, char *err, size_t errlen);

/* Drop the history before revision (watches from before it then get
 * -ESTALE). */
int fex_etcd_compact(struct fex_etcd *e, int64_t revision, char *err, size_t errlen);

/* ---- leases: keys put with a lease vanish when it expires */

/* A new lease of ttl_s seconds (etcd may raise a tiny TTL); *id and
 * *granted_s (may be NULL) as granted. */
int fex_etcd_lease_grant(struct fex_etcd *e, int64_t ttl_s, int64_t *id,
			 int64_t *granted_s, char *err, size_t errlen);
/* Renew lease id; *ttl_s is its TTL again, or 0 if it is gone (expired
 * or revoked: its keys are gone too). */
int fex_etcd_lease_keepalive(struct fex_etcd *e, int64_t id, int64_t *ttl_s,
			     char *err, size_t errlen);
/* End lease id now (its keys go); a lease that is gone already is 0. */
int fex_etcd_lease_revoke(struct fex_etcd *e, int64_t id, char *err, size_t errlen);

/* ---- watch: a stream of changes, in store order */

struct fex_etcd_event {
	bool deleted;			/* else a put */
	struct fex_etcd_kv kv;
};

/* Called on the watching thread for each response: n == 0 once, when
 * the watch is established (revision: the store's then); then for each
 * response that carries events (n >= 1, in store order; revision: the
 * header's). The events are freed after the call returns. Return 0 to
 * go on; anything else ends the watch, which returns that value. */
typedef int (*fex_etcd_watch_cb)(void *arg, const struct fex_etcd_event *ev,
				 size_t n, int64_t revision);

/* Watch key (or the prefix) from start_revision (0 = from now on) and
 * stream events into cb until one of:
 *   - fex_etcd_wake() was called (before or during): returns 0;
 *   - cb returned non-zero: returns that;
 *   - the store compacted start_revision away: -ESTALE with
 *     *compact_revision (may be NULL) set: range again, then watch from
 *     the range's revision + 1;
 *   - the connection failed or was lost, or the member cannot serve (it
 *     lost its leader: the watch requires one, see fex_etcd_watch.c):
 *     -ECONNRESET / -ECONNREFUSED / -ETIMEDOUT (the object moved on to
 *     the next endpoint already): watch again from the last event's
 *     mod_revision + 1, nothing is missed.
 * Blocks; no total timeout once established (connecting is bounded by
 * timeout_ms, and a member that takes the request but does not establish
 * the watch within twice that is left for the next one; the connection
 * has TCP keepalives). */
int fex_etcd_watch(struct fex_etcd *e, const char *key, bool prefix,
		   int64_t start_revision, fex_etcd_watch_cb cb, void *arg,
		   int64_t *compact_revision, char *err, size_t errlen);

/* End e's watch now, and every later one at once (the object is being
 * shut down). Any thread. */
void fex_etcd_wake(struct fex_etcd *e);

/* ---- helpers (also for tests) */

/* Standard base64 with padding. encode: NUL-terminated, malloc'd;
 * decode: malloc'd bytes + NUL, *len set; NULL on bad input/ENOMEM. */
char *fex_etcd_b64_encode(const void *data, size_t len);
void *fex_etcd_b64_decode(const char *s, size_t *len);

#endif
