/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The etcd client against one real etcd, started here on 127.0.0.1 with
 * a private data directory and free ports (never a system etcd), stopped
 * by its pid: keys and prefixes, a transaction race between two threads,
 * lease expiry and keepalive, the watch (order, resume from a revision,
 * wake-up), compaction, endpoint fail-over, a member killed mid-watch.
 * Skipped (77) when etcd is not installed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fex_test.h>

#include "fex_etcd.h"

static char dir[64];
static char url[64];
static int client_port, peer_port;
static pid_t etcd_pid = -1;

static int
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
msleep(unsigned int ms)
{
	usleep(ms * 1000);
}

static int
etcd_start(void)
{
	char data[128], log[128], curl[64], purl[64], cluster[96];

	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(log, sizeof(log), "%s/etcd.log", dir);
	snprintf(curl, sizeof(curl), "http://127.0.0.1:%d", client_port);
	snprintf(purl, sizeof(purl), "http://127.0.0.1:%d", peer_port);
	snprintf(cluster, sizeof(cluster), "t=%s", purl);
	etcd_pid = fork();
	if (etcd_pid < 0)
		return -1;
	if (etcd_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("etcd", "etcd", "--name", "t", "--data-dir", data,
		       "--listen-client-urls", curl, "--advertise-client-urls", curl,
		       "--listen-peer-urls", purl, "--initial-advertise-peer-urls", purl,
		       "--initial-cluster", cluster, "--logger", "zap",
		       "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	return 0;
}

static void
etcd_stop(int sig)
{
	if (etcd_pid <= 0)
		return;
	kill(etcd_pid, sig);
	waitpid(etcd_pid, NULL, 0);
	etcd_pid = -1;
}

/* Up when a range answers; 10 s at most. */
static int
etcd_wait(void)
{
	struct fex_etcd *e = fex_etcd_create(url, 500, NULL, 0);
	double end = now_s() + 10;
	int rc = -1;

	while (e != NULL && now_s() < end) {
		struct fex_etcd_kvs r;

		if (fex_etcd_range(e, "/", false, &r, NULL, 0) == 0) {
			fex_etcd_kvs_free(&r);
			rc = 0;
			break;
		}
		msleep(50);
	}
	fex_etcd_free(e);
	return rc;
}

static struct fex_etcd *
client(void)
{
	char err[256];
	struct fex_etcd *e = fex_etcd_create(url, 2000, err, sizeof(err));

	if (e == NULL)
		fprintf(stderr, "fex_etcd_create: %s\n", err);
	return e;
}

/* ---------------------------------------------------------------- tests */

static void
test_endpoints(void)
{
	char err[256];
	struct fex_etcd *e;

	CU_ASSERT_PTR_NULL(fex_etcd_create("", 0, err, sizeof(err)));
	CU_ASSERT_PTR_NULL(fex_etcd_create("127.0.0.1:2379", 0, err, sizeof(err)));
	CU_ASSERT(strstr(err, "not a URL") != NULL);
	e = fex_etcd_create("http://a:1/, https://b:2", 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(fex_etcd_nb_endpoints(e), 2);
	CU_ASSERT_STRING_EQUAL(fex_etcd_endpoint(e, 0), "http://a:1");
	CU_ASSERT_STRING_EQUAL(fex_etcd_endpoint(e, 1), "https://b:2");
	fex_etcd_free(e);
}

static void
test_base64(void)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
					   "Zm9vYmE=", "Zm9vYmFy" };
	unsigned int i;

	for (i = 0; i < 7; i++) {
		char *s = fex_etcd_b64_encode(in[i], strlen(in[i]));
		size_t n;
		char *d = fex_etcd_b64_decode(out[i], &n);

		CU_ASSERT_STRING_EQUAL(s, out[i]);
		CU_ASSERT_EQUAL(n, strlen(in[i]));
		CU_ASSERT_STRING_EQUAL(d, in[i]);
		free(s);
		free(d);
	}
	CU_ASSERT_PTR_NULL(fex_etcd_b64_decode("Zm9v!", &(size_t){ 0 }));
}

static void
test_kv(void)
{
	struct fex_etcd *e = client();
	static const char bin[] = { 0, 1, 2, (char)0xff, 'x' };
	struct fex_etcd_kvs r;
	int64_t rev1, rev2, n;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/kv/a", "{\"x\":1}", 7, 0, &rev1, err,
				     sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/kv/b", bin, sizeof(bin), 0, &rev2, err,
				     sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/kw", "other", 5, 0, NULL, err,
				     sizeof(err)), 0);
	CU_ASSERT(rev2 == rev1 + 1);
	CU_ASSERT_EQUAL_FATAL(fex_etcd_range(e, "/t/kv/", true, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 2);
	CU_ASSERT_STRING_EQUAL(r.kv[0].key, "/t/kv/a");
	CU_ASSERT_STRING_EQUAL(r.kv[0].value, "{\"x\":1}");
	CU_ASSERT_EQUAL(r.kv[0].create_revision, rev1);
	CU_ASSERT_EQUAL(r.kv[0].mod_revision, rev1);
	CU_ASSERT_EQUAL(r.kv[0].version, 1);
	CU_ASSERT_EQUAL(r.kv[1].value_len, sizeof(bin));
	CU_ASSERT(memcmp(r.kv[1].value, bin, sizeof(bin)) == 0);
	CU_ASSERT(r.revision >= rev2 + 1);
	fex_etcd_kvs_free(&r);
	/* one key; a missing one */
	CU_ASSERT_EQUAL(fex_etcd_range(e, "/t/kv/a", false, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.n, 1);
	fex_etcd_kvs_free(&r);
	CU_ASSERT_EQUAL(fex_etcd_range(e, "/t/nope", false, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.n, 0);
	fex_etcd_kvs_free(&r);
	/* count since a revision */
	CU_ASSERT_EQUAL(fex_etcd_count(e, "/t/kv/", true, rev2, &n, NULL, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(fex_etcd_delete(e, "/t/kv/", true, &n, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(fex_etcd_range(e, "/t/k", true, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.n, 1);	/* /t/kw is not under /t/kv/ */
	fex_etcd_kvs_free(&r);
	fex_etcd_free(e);
}

/* ---- two threads racing to create the same keys */

#define RACES 100

struct racer {
	struct fex_etcd *e;
	pthread_barrier_t *bar;
	char name[8];
	int won[RACES];
};

static void *
race_main(void *arg)
{
	struct racer *r = arg;
	unsigned int i;

	for (i = 0; i < RACES; i++) {
		char key[32];
		struct fex_etcd_cmp c = { .key = key, .target = FEX_ETCD_CREATE,
					  .result = FEX_ETCD_EQUAL, .value = 0 };
		struct fex_etcd_op put = { .type = FEX_ETCD_OP_PUT, .key = key,
					   .value = r->name, .value_len = strlen(r->name) };
		struct fex_etcd_op get = { .type = FEX_ETCD_OP_GET, .key = key };
		struct fex_etcd_txn_result t;

		snprintf(key, sizeof(key), "/t/race/%u", i);
		pthread_barrier_wait(r->bar);
		r->won[i] = -1;
		if (fex_etcd_txn(r->e, &c, 1, &put, 1, &get, 1, &t, NULL, 0) == 0) {
			r->won[i] = t.succeeded;
			/* the loser sees the winner's value */
			if (!t.succeeded && (t.kvs.n != 1 ||
					     strcmp(t.kvs.kv[0].value, r->name) == 0))
				r->won[i] = -2;
			fex_etcd_kvs_free(&t.kvs);
		}
	}
	return NULL;
}

static void
test_txn_race(void)
{
	struct racer a = { .e = client() }, b = { .e = client() };
	pthread_barrier_t bar;
	pthread_t ta, tb;
	struct fex_etcd_kvs r;
	unsigned int i, one_winner = 0, a_won = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a.e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.e);
	strcpy(a.name, "a");
	strcpy(b.name, "b");
	pthread_barrier_init(&bar, NULL, 2);
	a.bar = b.bar = &bar;
	pthread_create(&ta, NULL, race_main, &a);
	pthread_create(&tb, NULL, race_main, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	for (i = 0; i < RACES; i++) {
		one_winner += (a.won[i] == 1 && b.won[i] == 0) ||
			(a.won[i] == 0 && b.won[i] == 1);
		a_won += a.won[i] == 1;
	}
	printf("\n  txn race: %u/%u rounds with exactly one winner (a won %u)\n",
	       one_winner, RACES, a_won);
	CU_ASSERT_EQUAL(one_winner, RACES);
	CU_ASSERT_EQUAL_FATAL(fex_etcd_range(a.e, "/t/race/", true, &r, NULL, 0), 0);
	CU_ASSERT_EQUAL(r.n, RACES);
	for (i = 0; i < r.n; i++) {
		unsigned int k = (unsigned int)atoi(r.kv[i].key + strlen("/t/race/"));

		CU_ASSERT_STRING_EQUAL(r.kv[i].value, a.won[k] == 1 ? "a" : "b");
	}
	fex_etcd_kvs_free(&r);
	/* a compare on mod_revision: only the writer that read last wins */
	{
		struct fex_etcd_cmp c = { .key = "/t/race/0", .target = FEX_ETCD_MOD,
					  .result = FEX_ETCD_EQUAL, .value = 1 };
		struct fex_etcd_op put = { .type = FEX_ETCD_OP_PUT, .key = "/t/race/0",
					   .value = "c", .value_len = 1 };
		struct fex_etcd_txn_result t;

		CU_ASSERT_EQUAL(fex_etcd_txn(a.e, &c, 1, &put, 1, NULL, 0, &t, NULL, 0), 0);
		CU_ASSERT(!t.succeeded);
		CU_ASSERT_EQUAL(fex_etcd_range(a.e, "/t/race/0", false, &r, NULL, 0), 0);
		c.value = r.kv[0].mod_revision;
		fex_etcd_kvs_free(&r);
		CU_ASSERT_EQUAL(fex_etcd_txn(a.e, &c, 1, &put, 1, NULL, 0, &t, NULL, 0), 0);
		CU_ASSERT(t.succeeded);
		CU_ASSERT(t.revision > c.value);
	}
	fex_etcd_delete(a.e, "/t/race/", true, NULL, NULL, NULL, 0);
	pthread_barrier_destroy(&bar);
	fex_etcd_free(a.e);
	fex_etcd_free(b.e);
}

static bool
key_exists(struct fex_etcd *e, const char *key)
{
	struct fex_etcd_kvs r;
	bool found;

	if (fex_etcd_range(e, key, false, &r, NULL, 0) < 0)
		return false;
	found = r.n == 1;
	fex_etcd_kvs_free(&r);
	return found;
}

static void
test_lease(void)
{
	struct fex_etcd *e = client();
	int64_t id, ttl, granted;
	double t0, gone = 0;
	char err[256];
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL_FATAL(fex_etcd_lease_grant(e, 2, &id, &granted, err,
						   sizeof(err)), 0);
	CU_ASSERT(granted >= 2);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/lease/k", "v", 1, id, NULL, err,
				     sizeof(err)), 0);
	/* kept alive past its TTL */
	for (i = 0; i < 6; i++) {
		msleep(500);
		CU_ASSERT_EQUAL(fex_etcd_lease_keepalive(e, id, &ttl, err, sizeof(err)), 0);
		CU_ASSERT(ttl >= 2);
	}
	CU_ASSERT(key_exists(e, "/t/lease/k"));
	/* then left to expire: the key goes with it */
	t0 = now_s();
	while (now_s() - t0 < 6) {
		if (!key_exists(e, "/t/lease/k")) {
			gone = now_s() - t0;
			break;
		}
		msleep(50);
	}
	printf("\n  lease of %llds: its key gone %.2f s after the last keepalive\n",
	       (long long)granted, gone);
	CU_ASSERT(gone > 1.0 && gone < 4.5);
	CU_ASSERT_EQUAL(fex_etcd_lease_keepalive(e, id, &ttl, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ttl, 0);	/* gone */
	/* revoke: at once */
	CU_ASSERT_EQUAL(fex_etcd_lease_grant(e, 60, &id, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/lease/r", "v", 1, id, NULL, err,
				     sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_etcd_lease_revoke(e, id, err, sizeof(err)), 0);
	CU_ASSERT(!key_exists(e, "/t/lease/r"));
	CU_ASSERT_EQUAL(fex_etcd_lease_revoke(e, id, err, sizeof(err)), 0);
	/* a put with a lease that is gone is refused by etcd */
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/lease/r", "v", 1, id, NULL, err,
				     sizeof(err)), -EIO);
	CU_ASSERT(strstr(err, "lease not found") != NULL);
	fex_etcd_free(e);
}

/* ---- watch */

#define EVENTS_MAX 64

struct collector {
	struct fex_etcd *e;
	const char *prefix;
	int64_t start;
	int stop_after;		/* end the watch after this many events (0 = never) */
	pthread_mutex_t lock;
	int created;
	int n;
	struct { bool deleted; char key[64]; char value[64]; int64_t rev; } ev[EVENTS_MAX];
	int rc;
	int64_t compact;
	char err[256];
};

static int
collect_cb(void *arg, const struct fex_etcd_event *ev, size_t n, int64_t revision)
{
	struct collector *c = arg;
	size_t i;

	(void)revision;
	pthread_mutex_lock(&c->lock);
	if (n == 0)
		c->created++;
	for (i = 0; i < n && c->n < EVENTS_MAX; i++, c->n++) {
		c->ev[c->n].deleted = ev[i].deleted;
		snprintf(c->ev[c->n].key, sizeof(c->ev[0].key), "%s", ev[i].kv.key);
		snprintf(c->ev[c->n].value, sizeof(c->ev[0].value), "%s", ev[i].kv.value);
		c->ev[c->n].rev = ev[i].kv.mod_revision;
	}
	i = c->stop_after != 0 && c->n >= c->stop_after;
	pthread_mutex_unlock(&c->lock);
	return i ? 7 : 0;
}

static void *
watch_main(void *arg)
{
	struct collector *c = arg;

	c->rc = fex_etcd_watch(c->e, c->prefix, true, c->start, collect_cb, c,
			       &c->compact, c->err, sizeof(c->err));
	return NULL;
}

static int
collected(struct collector *c)
{
	int n;

	pthread_mutex_lock(&c->lock);
	n = c->n;
	pthread_mutex_unlock(&c->lock);
	return n;
}

static bool
wait_for(struct collector *c, int n, double secs)
{
	double end = now_s() + secs;

	while (collected(c) < n && now_s() < end)
		msleep(5);
	return collected(c) >= n;
}

static void
test_watch(void)
{
	struct fex_etcd *e = client();
	struct collector c = { .e = client(), .prefix = "/t/w/" };
	struct fex_etcd_kvs r;
	pthread_t t;
	int64_t last;
	double t0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.e);
	pthread_mutex_init(&c.lock, NULL);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/w/before", "0", 1, 0, NULL, NULL, 0), 0);
	CU_ASSERT_EQUAL(fex_etcd_range(e, "/t/w/", true, &r, NULL, 0), 0);
	c.start = r.revision + 1;	/* what a range-then-watch does */
	fex_etcd_kvs_free(&r);
	pthread_create(&t, NULL, watch_main, &c);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/w/a", "1", 1, 0, NULL, NULL, 0), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/wx", "not under the prefix", 20, 0, NULL,
				     NULL, 0), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/w/b", "2", 1, 0, NULL, NULL, 0), 0);
	CU_ASSERT_EQUAL(fex_etcd_delete(e, "/t/w/a", false, NULL, NULL, NULL, 0), 0);
	CU_ASSERT(wait_for(&c, 3, 5));
	CU_ASSERT_EQUAL(c.created, 1);
	CU_ASSERT_EQUAL_FATAL(collected(&c), 3);
	CU_ASSERT(!c.ev[0].deleted && strcmp(c.ev[0].key, "/t/w/a") == 0 &&
		  strcmp(c.ev[0].value, "1") == 0);
	CU_ASSERT(!c.ev[1].deleted && strcmp(c.ev[1].key, "/t/w/b") == 0);
	CU_ASSERT(c.ev[2].deleted && strcmp(c.ev[2].key, "/t/w/a") == 0);
	CU_ASSERT(c.ev[0].rev < c.ev[1].rev && c.ev[1].rev < c.ev[2].rev);
	last = c.ev[2].rev;
	/* wake: the watch ends at once */
	t0 = now_s();
	fex_etcd_wake(c.e);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT(now_s() - t0 < 0.5);
	fex_etcd_free(c.e);

	/* resume from the last applied revision + 1: only what came after */
	memset(c.ev, 0, sizeof(c.ev));
	c.n = 0;
	c.e = client();
	c.start = last + 1;
	c.stop_after = 1;
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/w/c", "3", 1, 0, NULL, NULL, 0), 0);
	pthread_create(&t, NULL, watch_main, &c);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(c.rc, 7);	/* the callback's value */
	CU_ASSERT_EQUAL(c.n, 1);
	CU_ASSERT_STRING_EQUAL(c.ev[0].key, "/t/w/c");
	fex_etcd_free(c.e);
	pthread_mutex_destroy(&c.lock);
	fex_etcd_delete(e, "/t/w", true, NULL, NULL, NULL, 0);
	fex_etcd_free(e);
}

static void
test_compaction(void)
{
	struct fex_etcd *e = client();
	struct collector c = { .e = client(), .prefix = "/t/cmp/" };
	int64_t first, rev;
	char err[256];
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/cmp/k", "0", 1, 0, &first, NULL, 0), 0);
	for (i = 1; i < 5; i++)
		CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/cmp/k", "x", 1, 0, &rev, NULL, 0), 0);
	CU_ASSERT_EQUAL(fex_etcd_compact(e, rev, err, sizeof(err)), 0);
	pthread_mutex_init(&c.lock, NULL);
	c.start = first;	/* before the compaction: gone */
	watch_main(&c);
	CU_ASSERT_EQUAL(c.rc, -ESTALE);
	CU_ASSERT_EQUAL(c.compact, rev);
	CU_ASSERT_EQUAL(c.n, 0);
	/* what a client does then: range, and watch from its revision + 1 */
	{
		struct fex_etcd_kvs r;

		CU_ASSERT_EQUAL(fex_etcd_range(e, "/t/cmp/", true, &r, NULL, 0), 0);
		CU_ASSERT_EQUAL(r.n, 1);
		c.start = r.revision + 1;
		fex_etcd_kvs_free(&r);
	}
	c.stop_after = 1;
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/cmp/k", "after", 5, 0, NULL, NULL, 0), 0);
	watch_main(&c);
	CU_ASSERT_EQUAL(c.rc, 7);
	CU_ASSERT_STRING_EQUAL(c.ev[0].value, "after");
	pthread_mutex_destroy(&c.lock);
	fex_etcd_free(c.e);
	fex_etcd_free(e);
}

static void
test_failover(void)
{
	char eps[160], err[1024];
	struct fex_etcd *e;
	int dead = free_port(), dead2 = free_port();

	snprintf(eps, sizeof(eps), "http://127.0.0.1:%d,%s", dead, url);
	e = fex_etcd_create(eps, 1000, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(fex_etcd_current(e), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/fo", "1", 1, 0, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_etcd_current(e), 1);	/* and it stays there */
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/fo", "2", 1, 0, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_etcd_current(e), 1);
	fex_etcd_free(e);

	snprintf(eps, sizeof(eps), "http://127.0.0.1:%d,http://127.0.0.1:%d", dead, dead2);
	e = fex_etcd_create(eps, 1000, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	err[0] = '\0';
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/fo", "3", 1, 0, NULL, err, sizeof(err)),
			-ECONNREFUSED);
	printf("\n  no endpoint: \"%s\"\n", err);
	snprintf(eps, sizeof(eps), "127.0.0.1:%d", dead);
	CU_ASSERT(strstr(err, eps) != NULL);
	snprintf(eps, sizeof(eps), "127.0.0.1:%d", dead2);
	CU_ASSERT(strstr(err, eps) != NULL);
	CU_ASSERT_EQUAL(fex_etcd_watch(e, "/t/", true, 0, collect_cb, NULL, NULL, err,
				       sizeof(err)), -ECONNREFUSED);
	fex_etcd_free(e);
}

/* Last: the member dies under a watch; the watch says so (no hang). */
static void
test_watch_member_killed(void)
{
	struct collector c = { .e = client(), .prefix = "/t/" };
	struct fex_etcd *e = client();
	pthread_t t;
	double t0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c.e);
	pthread_mutex_init(&c.lock, NULL);
	pthread_create(&t, NULL, watch_main, &c);
	t0 = now_s();
	while (__atomic_load_n(&c.created, __ATOMIC_RELAXED) == 0 && now_s() - t0 < 5)
		msleep(5);
	CU_ASSERT_EQUAL(c.created, 1);
	t0 = now_s();
	etcd_stop(SIGKILL);
	pthread_join(t, NULL);
	printf("\n  member killed: watch ended after %.3f s: %d (%s)\n", now_s() - t0,
	       c.rc, c.err);
	CU_ASSERT(c.rc == -ECONNRESET || c.rc == -ECONNREFUSED);
	CU_ASSERT(now_s() - t0 < 3);
	/* back (same data): the client carries on */
	CU_ASSERT_EQUAL_FATAL(etcd_start(), 0);
	CU_ASSERT_EQUAL(etcd_wait(), 0);
	CU_ASSERT_EQUAL(fex_etcd_put(e, "/t/back", "1", 1, 0, NULL, NULL, 0), 0);
	pthread_mutex_destroy(&c.lock);
	fex_etcd_free(c.e);
	fex_etcd_free(e);
}

static void
cleanup(void)
{
	char cmd[128];

	etcd_stop(SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int
main(void)
{
	CU_pSuite s;
	int rc;

	if (system("command -v etcd >/dev/null 2>&1") != 0) {
		printf("SKIP: etcd missing (tools/fex-setup.sh installs etcd-server)\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "/tmp/fex-etcd.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	client_port = free_port();
	peer_port = free_port();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", client_port);
	if (etcd_start() < 0 || etcd_wait() < 0) {
		fprintf(stderr, "etcd did not come up; see %s/etcd.log\n", dir);
		etcd_stop(SIGKILL);
		return 1;
	}
	atexit(cleanup);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("etcd", NULL, NULL);
	CU_add_test(s, "endpoint list", test_endpoints);
	CU_add_test(s, "base64", test_base64);
	CU_add_test(s, "put, range, prefix, count, delete", test_kv);
	CU_add_test(s, "txn: 100 create races, one winner each", test_txn_race);
	CU_add_test(s, "lease: keepalive, expiry, revoke", test_lease);
	CU_add_test(s, "watch: order, wake, resume from a revision", test_watch);
	CU_add_test(s, "watch after a compaction: -ESTALE, range, resume", test_compaction);
	CU_add_test(s, "endpoint fail-over", test_failover);
	CU_add_test(s, "watch: the member is killed", test_watch_member_killed);
	rc = fex_test_run();
	return rc;
}
