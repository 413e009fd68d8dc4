/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cluster object: its configuration, the watcher thread (range, then
 * watch; resume or resync), the lease thread (grant, keepalive every
 * TTL/3, a new lease when it expired), the queue that hands what they
 * learn to the control thread, and cluster.status. See fex_cluster.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "cluster_priv.h"

RTE_LOG_REGISTER(fex_logtype_cluster, fex.cluster, INFO);

#define BACKOFF_MIN_MS	50
#define BACKOFF_MAX_MS	1000

/* A method handler has no context of its own: the process's one cluster
 * object, for cluster.status (set by create, cleared by destroy). */
static struct fex_cluster *the_cluster;

/* ---------------------------------------------------------------- small */

int
fex_cluster_host_ok(const char *host)
{
	size_t i, n = strlen(host);

	if (n == 0 || n > FEX_CLUSTER_HOST_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = host[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return -EINVAL;
	}
	return 0;
}

const char *
fex_cluster_host(const struct fex_cluster *c)
{
	return c->host;
}

void
cluster_key_profile(char *key, size_t len, const char *name)
{
	snprintf(key, len, "%s%s", FEX_CLUSTER_PROFILES, name);
}

void
cluster_key_viflist(char *key, size_t len, unsigned int id)
{
	snprintf(key, len, "%s%u", FEX_CLUSTER_VIFLISTS, id);
}

void
cluster_key_vif(char *key, size_t len, unsigned int vif)
{
	snprintf(key, len, "%s%u", FEX_CLUSTER_VIFS, vif);
}

void
cluster_note_error(struct fex_cluster *c, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&c->lock);
	va_start(ap, fmt);
	vsnprintf(c->last_error, sizeof(c->last_error), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&c->lock);
}

static bool
stopping(struct fex_cluster *c)
{
	return __atomic_load_n(&c->stopping, __ATOMIC_ACQUIRE);
}

/* Sleep up to ms, or until the object stops. */
static void
nap(struct fex_cluster *c, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&c->lock);
	if (!stopping(c))
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	pthread_mutex_unlock(&c->lock);
}

/* ---------------------------------------------------------------- queue */

struct batch *
cluster_batch_new(enum batch_kind kind, size_t n)
{
	struct batch *b = calloc(1, sizeof(*b) + n * sizeof(b->item[0]));

	if (b != NULL)
		b->kind = kind;
	return b;
}

void
cluster_batch_free(struct batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->item[i].key);
		free(b->item[i].value);
	}
	free(b);
}

void
cluster_post(struct fex_cluster *c, struct batch *b)
{
	uint64_t one = 1;

	pthread_mutex_lock(&c->lock);
	TAILQ_INSERT_TAIL(&c->queue, b, next);
	pthread_mutex_unlock(&c->lock);
	if (write(c->efd, &one, sizeof(one)) != sizeof(one))
		CLUSTER_LOG(ERR, "cannot wake the control thread: %s", strerror(errno));
}

static int
item_set(struct batch_item *it, const struct fex_etcd_kv *kv, bool deleted)
{
	it->deleted = deleted;
	it->key = strdup(kv->key);
	it->value = deleted ? NULL : strdup(kv->value);
	it->mod_revision = kv->mod_revision;
	it->lease = kv->lease;
	return it->key == NULL || (!deleted && it->value == NULL) ? -ENOMEM : 0;
}

/* ---------------------------------------------------------------- watcher */

static void
set_watching(struct fex_cluster *c, bool on)
{
	__atomic_store_n(&c->watching, on, __ATOMIC_RELAXED);
}

static void
seen_revision(struct fex_cluster *c, int64_t rev)
{
	int64_t cur = __atomic_load_n(&c->store_revision, __ATOMIC_RELAXED);

	while (rev > cur &&
	       !__atomic_compare_exchange_n(&c->store_revision, &cur, rev, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* Range the prefix and hand it over as one snapshot. */
static int
snapshot(struct fex_cluster *c)
{
	char err[CLUSTER_ERR_LEN];
	struct fex_etcd_kvs r;
	struct batch *b;
	size_t i;
	int rc;

	rc = fex_etcd_range(c->watch_etcd, FEX_CLUSTER_PREFIX, true, &r, err, sizeof(err));
	if (rc < 0) {
		cluster_note_error(c, "cluster store unreachable: %s", err);
		return rc;
	}
	b = cluster_batch_new(BATCH_SNAPSHOT, r.n);
	if (b == NULL) {
		fex_etcd_kvs_free(&r);
		return -ENOMEM;
	}
	b->revision = r.revision;
	for (i = 0; i < r.n; i++) {
		if (item_set(&b->item[i], &r.kv[i], false) < 0) {
			b->n = i + 1;
			cluster_batch_free(b);
			fex_etcd_kvs_free(&r);
			return -ENOMEM;
		}
		b->n = i + 1;
	}
	fex_etcd_kvs_free(&r);
	seen_revision(c, b->revision);
	c->watch_next = b->revision + 1;
	__atomic_fetch_add(&c->snapshots, 1, __ATOMIC_RELAXED);
	CLUSTER_LOG(INFO, "snapshot of %zu keys at revision %lld from %s", b->n,
		    (long long)b->revision,
		    fex_etcd_endpoint(c->watch_etcd, fex_etcd_current(c->watch_etcd)));
	cluster_post(c, b);
	return 0;
}

static int
watch_cb(void *arg, const struct fex_etcd_event *ev, size_t n, int64_t revision)
{
	struct fex_cluster *c = arg;
	struct batch *b;
	size_t i;

	if (stopping(c))
		return 1;
	seen_revision(c, revision);
	if (n == 0) {
		set_watching(c, true);
		CLUSTER_LOG(INFO, "watching %s from revision %lld on %s",
			    FEX_CLUSTER_PREFIX, (long long)c->watch_next,
			    fex_etcd_endpoint(c->watch_etcd,
					      fex_etcd_current(c->watch_etcd)));
		return 0;
	}
	b = cluster_batch_new(BATCH_EVENTS, n);
	if (b == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		b->n = i + 1;
		if (item_set(&b->item[i], &ev[i].kv, ev[i].deleted) < 0) {
			cluster_batch_free(b);
			return -ENOMEM;
		}
	}
	b->revision = ev[n - 1].kv.mod_revision;
	c->watch_next = b->revision + 1;	/* resume here after a failure */
	cluster_post(c, b);
	return 0;
}

static void *
watcher_main(void *arg)
{
	struct fex_cluster *c = arg;
	unsigned int backoff = BACKOFF_MIN_MS;
	bool need_snapshot = true;
	char err[CLUSTER_ERR_LEN];

	while (!stopping(c)) {
		int64_t compact = 0;
		int rc;

		if (need_snapshot) {
			if (snapshot(c) < 0) {
				nap(c, backoff);
				backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
					backoff * 2;
				continue;
			}
			need_snapshot = false;
		}
		rc = fex_etcd_watch(c->watch_etcd, FEX_CLUSTER_PREFIX, true, c->watch_next,
				    watch_cb, c, &compact, err, sizeof(err));
		if (__atomic_load_n(&c->watching, __ATOMIC_RELAXED))
			backoff = BACKOFF_MIN_MS;	/* it was up */
		set_watching(c, false);
		if (stopping(c))
			break;
		if (rc == -ESTALE) {
			CLUSTER_LOG(WARNING, "revision %lld was compacted (store at %lld "
				    "after compaction): resync of the whole prefix",
				    (long long)c->watch_next, (long long)compact);
			need_snapshot = true;
			continue;
		}
		if (rc == -ENOMEM) {
			need_snapshot = true;	/* events were lost here */
			nap(c, backoff);
			continue;
		}
		cluster_note_error(c, "cluster store unreachable: %s", err);
		CLUSTER_LOG(WARNING, "watch lost (%s); resuming from revision %lld",
			    err, (long long)c->watch_next);
		nap(c, backoff);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	return NULL;
}

/* ---------------------------------------------------------------- lease */

int
cluster_lease(struct fex_cluster *c, int64_t *lease, char *err, size_t errlen)
{
	int64_t id, ttl;
	int rc = 0;

	pthread_mutex_lock(&c->lease_lock);
	if (c->lease == 0) {
		rc = fex_etcd_lease_grant(c->etcd, c->ttl_s, &id, &ttl, err, errlen);
		if (rc == 0) {
			__atomic_store_n(&c->lease, id, __ATOMIC_RELAXED);
			__atomic_store_n(&c->lease_ok, true, __ATOMIC_RELAXED);
			c->lease_ttl = ttl;
			CLUSTER_LOG(INFO, "lease %llx granted (TTL %lld s)",
				    (long long)id, (long long)ttl);
		}
	}
	*lease = c->lease;
	pthread_mutex_unlock(&c->lease_lock);
	return rc;
}

void
cluster_lease_lost(struct fex_cluster *c, int64_t lease)
{
	pthread_mutex_lock(&c->lease_lock);
	if (c->lease == lease)
		__atomic_store_n(&c->lease, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&c->lease_lock);
}

static void
post_reclaim(struct fex_cluster *c)
{
	struct batch *b = cluster_batch_new(BATCH_RECLAIM, 0);

	if (b != NULL)
		cluster_post(c, b);
}

static void *
leaser_main(void *arg)
{
	struct fex_cluster *c = arg;
	unsigned int period = c->ttl_s * 1000 / 3;
	char err[CLUSTER_ERR_LEN];
	bool failing = false;

	while (!stopping(c)) {
		int64_t lease, ttl;
		int rc;

		pthread_mutex_lock(&c->lease_lock);
		lease = c->lease;
		if (lease == 0) {
			rc = fex_etcd_lease_grant(c->lease_etcd, c->ttl_s, &lease, &ttl,
						  err, sizeof(err));
			if (rc == 0) {
				__atomic_store_n(&c->lease, lease, __ATOMIC_RELAXED);
				c->lease_ttl = ttl;
				CLUSTER_LOG(INFO, "lease %llx granted (TTL %lld s)",
					    (long long)lease, (long long)ttl);
			}
			pthread_mutex_unlock(&c->lease_lock);
			if (rc == 0) {
				/* a first lease, or one after an expiry: the
				 * local VIFs' keys go (back) under it */
				__atomic_store_n(&c->lease_ok, true, __ATOMIC_RELAXED);
				failing = false;
				post_reclaim(c);
			} else {
				__atomic_store_n(&c->lease_ok, false, __ATOMIC_RELAXED);
				cluster_note_error(c, "cluster store unreachable: %s", err);
				failing = true;
				nap(c, BACKOFF_MAX_MS);
				continue;
			}
			nap(c, period);
			continue;
		}
		pthread_mutex_unlock(&c->lease_lock);
		rc = fex_etcd_lease_keepalive(c->lease_etcd, lease, &ttl, err, sizeof(err));
		if (rc == 0 && ttl == 0) {
			CLUSTER_LOG(WARNING, "lease %llx expired (the store was out of "
				    "reach longer than its TTL); granting a new one and "
				    "claiming this host's VIFs again", (long long)lease);
			cluster_lease_lost(c, lease);
			continue;
		}
		if (rc < 0) {
			if (!failing)
				CLUSTER_LOG(WARNING, "lease keepalive failed: %s", err);
			cluster_note_error(c, "cluster store unreachable: %s", err);
			__atomic_store_n(&c->lease_ok, false, __ATOMIC_RELAXED);
			failing = true;
			nap(c, period < BACKOFF_MAX_MS ? period : BACKOFF_MAX_MS);
			continue;
		}
		__atomic_store_n(&c->lease_ok, true, __ATOMIC_RELAXED);
		if (failing || __atomic_exchange_n(&c->reclaim_wanted, false,
						   __ATOMIC_RELAXED)) {
			/* back: keys of VIFs let go meanwhile are deleted,
			 * the others put again */
			failing = false;
			post_reclaim(c);
		}
		nap(c, period);
	}
	return NULL;
}

/* ---------------------------------------------------------------- status */

/* Live figures from the store: its revision, the keys under the prefix
 * changed since the revision applied here, the VIFs this host holds. */
static int
store_figures(struct fex_cluster *c, int64_t applied, int64_t *rev, int64_t *lag,
	      int64_t *held, char *err, size_t errlen)
{
	struct fex_etcd_kvs r;
	size_t i;
	int rc;

	rc = fex_etcd_count(c->etcd, FEX_CLUSTER_PREFIX, true, applied + 1, lag, rev,
			    err, errlen);
	if (rc == 0)
		rc = fex_etcd_range(c->etcd, FEX_CLUSTER_VIFS, true, &r, err, errlen);
	if (rc < 0)
		return rc;
	*held = 0;
	for (i = 0; i < r.n; i++) {
		struct vif_owner ow;

		if (cluster_vif_owner(r.kv[i].value, &ow) == 0 &&
		    strcmp(ow.host, c->host) == 0)
			(*held)++;
	}
	fex_etcd_kvs_free(&r);
	return 0;
}

static json_t *
counter(uint64_t *c)
{
	return json_integer((json_int_t)__atomic_load_n(c, __ATOMIC_RELAXED));
}

/* cluster.status: this host in its cluster (a few store requests). */
static int
m_cluster_status(struct fex_ctl *ctl, json_t *params, json_t **result,
		 struct fex_ctl_err *err)
{
	struct fex_cluster *c = the_cluster;
	char msg[CLUSTER_ERR_LEN] = "", last[CLUSTER_ERR_LEN], lease[24];
	int64_t applied, rev = 0, lag = 0, held = 0;
	bool reachable;
	json_t *eps, *o;
	unsigned int i;

	(void)ctl;
	if (json_object_size(params) > 0) {
		const char *k = json_object_iter_key(json_object_iter(params));

		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, k,
				"unknown field '%s'; cluster.status takes none", k);
		return -1;
	}
	if (c == NULL || !c->clustered) {
		*result = json_pack("{s:s, s:s, s:b, s:[]}", "cluster", FEX_CLUSTER_DEFAULT,
				    "host", c != NULL ? c->host : "", "clustered", 0, "store");
		return *result != NULL ? 0 : -1;
	}
	applied = __atomic_load_n(&c->applied_revision, __ATOMIC_RELAXED);
	reachable = store_figures(c, applied, &rev, &lag, &held, msg, sizeof(msg)) == 0;
	if (reachable)
		seen_revision(c, rev);
	else
		rev = __atomic_load_n(&c->store_revision, __ATOMIC_RELAXED);
	eps = json_array();
	for (i = 0; eps != NULL && i < fex_etcd_nb_endpoints(c->etcd); i++)
		json_array_append_new(eps, json_pack("{s:s, s:b}", "endpoint",
			fex_etcd_endpoint(c->etcd, i),
			"current", i == fex_etcd_current(c->watch_etcd)));	/* watched */
	pthread_mutex_lock(&c->lock);
	snprintf(last, sizeof(last), "%s", c->last_error);
	pthread_mutex_unlock(&c->lock);
	snprintf(lease, sizeof(lease), "%llx",
		 (long long)__atomic_load_n(&c->lease, __ATOMIC_RELAXED));
	o = json_pack("{s:s, s:s, s:b, s:o, s:b, s:b, s:b, s:s, s:I, s:I, s:I, s:I}",
		      "cluster", FEX_CLUSTER_DEFAULT, "host", c->host, "clustered", 1,
		      "store", eps,
		      "reachable", reachable,
		      "watching", __atomic_load_n(&c->watching, __ATOMIC_RELAXED),
		      "lease_ok", __atomic_load_n(&c->lease_ok, __ATOMIC_RELAXED),
		      "lease", lease,
		      "lease_ttl", (json_int_t)c->lease_ttl,
		      "applied_revision", (json_int_t)applied,
		      "store_revision", (json_int_t)rev,
		      "lag_revisions", (json_int_t)(rev > applied ? rev - applied : 0));
	if (o == NULL) {
		fex_ctl_err_set(err, FEX_CTL_E_INTERNAL, NULL, "out of memory");
		return -1;
	}
	/* unknown while the store is out of reach: null */
	json_object_set_new(o, "lag_keys", reachable ? json_integer(lag) : json_null());
	json_object_set_new(o, "vifs_held", reachable ? json_integer(held) : json_null());
	json_object_set_new(o, "snapshots", counter(&c->snapshots));
	json_object_set_new(o, "applied", counter(&c->applied));
	json_object_set_new(o, "rejected", counter(&c->rejected));
	json_object_set_new(o, "conflicts", counter(&c->conflicts));
	json_object_set_new(o, "writes", counter(&c->writes));
	json_object_set_new(o, "refused", counter(&c->refused));
	json_object_set_new(o, "error", json_string(reachable ? "" : msg));
	json_object_set_new(o, "last_error", json_string(last));
	*result = o;
	return 0;
}

static const struct fex_ctl_method status_method = {
	"cluster.status", "{}", 0, m_cluster_status,
};

/* ---------------------------------------------------------------- object */

struct fex_cluster *
fex_cluster_create(struct fex_ctl *ctl, struct fex_vif_db *db,
		   const struct fex_cluster_conf *conf, char *err, size_t errlen)
{
	const char *store = conf->store != NULL ? conf->store : "";
	unsigned int timeout = conf->timeout_ms ? conf->timeout_ms :
		FEX_CLUSTER_DEFAULT_TIMEOUT_MS;
	struct fex_cluster *c;
	struct fex_ctl_store hooks;
	int rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ctl = ctl;
	c->db = db;
	c->efd = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->lease_lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	TAILQ_INIT(&c->queue);
	c->ttl_s = conf->lease_ttl_s ? conf->lease_ttl_s : FEX_CLUSTER_DEFAULT_TTL_S;
	if (conf->host != NULL && conf->host[0] != '\0') {
		snprintf(c->host, sizeof(c->host), "%s", conf->host);
		if (strlen(conf->host) > FEX_CLUSTER_HOST_MAX ||
		    fex_cluster_host_ok(conf->host) < 0) {
			snprintf(err, errlen, "host name '%.64s' is not allowed; allowed: "
				 "1-%d of [A-Za-z0-9._-]", conf->host, FEX_CLUSTER_HOST_MAX);
			goto out_free;
		}
	} else {
		char *dot;

		if (gethostname(c->host, sizeof(c->host)) < 0 || c->host[0] == '\0')
			snprintf(c->host, sizeof(c->host), "localhost");
		c->host[sizeof(c->host) - 1] = '\0';
		dot = strchr(c->host, '.');
		if (fex_cluster_host_ok(c->host) < 0 && dot != NULL)
			*dot = '\0';
		if (fex_cluster_host_ok(c->host) < 0) {
			snprintf(err, errlen, "the hostname '%s' is not a valid cluster "
				 "host name; give --host NAME (1-%d of [A-Za-z0-9._-])",
				 c->host, FEX_CLUSTER_HOST_MAX);
			goto out_free;
		}
	}
	rc = fex_ctl_register(ctl, &status_method);
	if (rc < 0) {
		snprintf(err, errlen, "cannot register cluster.status: %s", strerror(-rc));
		goto out_free;
	}
	the_cluster = c;
	if (store[0] == '\0')
		return c;	/* standalone: cluster.status says so */

	c->clustered = true;
	c->etcd = fex_etcd_create(store, timeout, err, errlen);
	if (c->etcd == NULL)
		goto out_free;
	c->watch_etcd = fex_etcd_create(store, timeout, err, errlen);
	c->lease_etcd = fex_etcd_create(store, timeout, err, errlen);
	if (c->watch_etcd == NULL || c->lease_etcd == NULL)
		goto out_free;
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto out_free;
	}
	rc = fex_ctl_add_source(ctl, c->efd, cluster_ready, c);
	if (rc < 0) {
		snprintf(err, errlen, "cannot add the cluster queue to the control "
			 "thread: %s", strerror(-rc));
		goto out_free;
	}
	hooks = cluster_store_hooks;
	hooks.ctx = c;
	fex_ctl_set_store(ctl, &hooks);
	return c;
out_free:
	if (the_cluster == c)
		the_cluster = NULL;
	fex_cluster_destroy(c);
	return NULL;
}

int
fex_cluster_start(struct fex_cluster *c, char *err, size_t errlen)
{
	int rc;

	if (!c->clustered || c->started)
		return 0;
	rc = rte_ctrl_thread_create(&c->watcher, "fex-watch", NULL, watcher_main, c);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the store watcher: %s", strerror(rc));
		return -rc;
	}
	rc = rte_ctrl_thread_create(&c->leaser, "fex-lease", NULL, leaser_main, c);
	if (rc != 0) {
		__atomic_store_n(&c->stopping, true, __ATOMIC_RELEASE);
		fex_etcd_wake(c->watch_etcd);
		pthread_join(c->watcher, NULL);
		snprintf(err, errlen, "cannot start the lease thread: %s", strerror(rc));
		return -rc;
	}
	c->started = true;
	CLUSTER_LOG(INFO, "host %s, store %s", c->host, fex_etcd_endpoint(c->etcd, 0));
	return 0;
}

void
fex_cluster_destroy(struct fex_cluster *c)
{
	struct batch *b;

	if (c == NULL)
		return;
	if (c->clustered)
		fex_ctl_set_store(c->ctl, NULL);	/* its ctx is going */
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		__atomic_store_n(&c->stopping, true, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		fex_etcd_wake(c->watch_etcd);
		pthread_join(c->watcher, NULL);
		pthread_join(c->leaser, NULL);
	}
	while ((b = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, b, next);
		cluster_batch_free(b);
	}
	if (the_cluster == c)
		the_cluster = NULL;
	if (c->efd >= 0)
		close(c->efd);
	fex_etcd_free(c->etcd);
	fex_etcd_free(c->watch_etcd);
	fex_etcd_free(c->lease_etcd);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lease_lock);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
