/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the files of lib/cluster; not installed.
 *   fex_cluster.c   the object, the watcher and lease threads, the queue
 *                   to the control thread, cluster.status
 *   cluster_apply.c store -> tables (control thread)
 *   cluster_write.c tables -> store: lib/ctl's store hooks, VIF ownership
 *                   (control thread) */
#ifndef CLUSTER_PRIV_H
#define CLUSTER_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>
#include <rte_log.h>

#include <fex_ctl.h>
#include <fex_etcd.h>
#include <fex_vif.h>

#include "fex_cluster.h"

extern int fex_logtype_cluster;
#define CLUSTER_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_cluster, "cluster: " fmt "\n", ##__VA_ARGS__)

#define CLUSTER_KEY_MAX		96
#define CLUSTER_ERR_LEN		1024

/* What the watcher hands to the control thread. */
enum batch_kind {
	BATCH_SNAPSHOT,		/* every key under the prefix at revision */
	BATCH_EVENTS,		/* changes, in store order */
	BATCH_RECLAIM,		/* claim the local VIFs again (new lease, store back) */
};

struct batch_item {
	bool deleted;
	char *key;
	char *value;		/* NUL-terminated; NULL for a deletion */
	int64_t mod_revision;
	int64_t lease;
};

struct batch {
	TAILQ_ENTRY(batch) next;
	enum batch_kind kind;
	int64_t revision;	/* snapshot: its revision; events: the last one's */
	size_t n;
	struct batch_item item[];
};

TAILQ_HEAD(batch_list, batch);

struct fex_cluster {
	struct fex_ctl *ctl;
	struct fex_vif_db *db;
	char host[FEX_CLUSTER_HOST_MAX + 1];
	bool clustered;
	unsigned int ttl_s;

	struct fex_etcd *etcd;		/* control thread's */
	struct fex_etcd *watch_etcd;	/* watcher thread's */
	struct fex_etcd *lease_etcd;	/* lease thread's */

	/* watcher -> control thread */
	pthread_mutex_t lock;		/* queue, last_error, stop */
	pthread_cond_t cond;		/* the threads' sleeps; woken at stop */
	struct batch_list queue;
	int efd;

	/* the lease, shared by the control and lease threads */
	pthread_mutex_t lease_lock;
	int64_t lease;			/* 0: none (yet, or it expired) */
	int64_t lease_ttl;		/* as granted */
	bool reclaim_wanted;		/* __atomic: a store write left keys behind */

	/* threads */
	pthread_t watcher;
	pthread_t leaser;
	bool started;
	bool stopping;			/* __atomic */
	int64_t watch_next;		/* watcher: the next revision to watch from */

	/* figures (__atomic, any thread reads) */
	bool watching;			/* the watch stream is established */
	bool lease_ok;			/* the last keepalive worked */
	int64_t store_revision;		/* the newest the watcher has seen */
	int64_t applied_revision;	/* applied by the control thread */
	uint64_t snapshots;		/* full resyncs (start, compaction) */
	uint64_t applied;		/* changes that changed the tables */
	uint64_t rejected;		/* stored values refused */
	uint64_t conflicts;		/* VIFs held here and by another host */
	uint64_t writes;		/* local changes the store took */
	uint64_t refused;		/* local changes refused (store) */
	char last_error[CLUSTER_ERR_LEN];	/* under lock */

	/* control thread: the request between its before and write hooks */
	struct {
		char method[32];
		uint16_t vif;
		bool vif_had;
		enum fex_vif_state vif_prior;
		int64_t mod;		/* the key's mod_revision read before */
	} req;
};

/* fex_cluster.c */
void cluster_note_error(struct fex_cluster *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cluster_post(struct fex_cluster *c, struct batch *b);
struct batch *cluster_batch_new(enum batch_kind kind, size_t n);
void cluster_batch_free(struct batch *b);
/* This host's lease, granted now if there is none. 0 or -errno + err. */
int cluster_lease(struct fex_cluster *c, int64_t *lease, char *err, size_t errlen);
/* The lease is gone (etcd said so): the next cluster_lease() grants one. */
void cluster_lease_lost(struct fex_cluster *c, int64_t lease);

/* cluster_apply.c: the control thread's source callback */
void cluster_ready(void *arg);
/* Apply the stored value of profile name unless it equals the local one.
 * Control thread, outside a change. 0, or -1 (refused, logged, counted). */
int cluster_apply_profile(struct fex_cluster *c, const char *name,
			  const char *value);

/* cluster_write.c */
extern const struct fex_ctl_store cluster_store_hooks;
/* Put the local VIFs' keys back (and delete this host's keys of VIFs it
 * no longer has). Control thread. 0 or -1 (logged). */
int cluster_reclaim(struct fex_cluster *c);
/* Write a local profile to the store (a profile in use that the store
 * lost). Control thread. */
int cluster_put_profile(struct fex_cluster *c, const struct fex_profile *p,
			char *err, size_t errlen);
/* The parsed value of a /fexpath/vifs/ key: owner and state. */
struct vif_owner {
	char host[FEX_CLUSTER_HOST_MAX + 1];
	char state[16];
	char profile[FEX_PROFILE_NAME_MAX + 1];
};
int cluster_vif_owner(const char *value, struct vif_owner *o);

/* keys */
void cluster_key_profile(char *key, size_t len, const char *name);
void cluster_key_viflist(char *key, size_t len, unsigned int id);
void cluster_key_vif(char *key, size_t len, unsigned int vif);

#endif
