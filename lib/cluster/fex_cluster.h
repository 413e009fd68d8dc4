/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex_cluster: the hosts of a cluster share their profiles, VIF lists and
 * VIF ownership through etcd v3 (SPEC §9), over lib/etcd's client.
 *
 * Keys (values are JSON objects with SPEC §2 / §6 field names):
 *   /fexpath/clusters/default/profiles/NAME  the whole profile, as
 *        profile.get returns it without "vifs"; a field left out takes
 *        its default
 *   /fexpath/clusters/default/viflists/ID    {"id": ID, "vifs": [...]}
 *   /fexpath/vifs/ID                          {"vif", "host", "state", "mac",
 *        "profile", "instance_uuid"}, put by the host that holds the VIF
 *        under that host's lease
 *
 * Store -> data path. A watcher thread ranges the /fexpath/ prefix, hands
 * the snapshot to the control thread, then watches from its revision + 1
 * and hands every response over as it comes (a mutex-protected queue and
 * an eventfd the control thread polls: fex_ctl_add_source()). The control
 * thread applies each change with lib/ctl's typed calls, the same actions
 * as profile.set & co: saved, then RCU-published; a value equal to the
 * local one is skipped, so the echo of a host's own write costs nothing.
 * A snapshot reconciles: the store wins, a local profile or VIF list the
 * store does not have is deleted, except a profile VIFs of this host
 * still use, which is written back to the store (a profile in use exists
 * cluster-wide, as profile.delete's refusal says). A stored value that
 * is not a valid profile is refused and counted (the last good one stays).
 * The watch resumes after a lost connection from the last applied
 * revision + 1 on the next endpoint, and after a compaction (the store no
 * longer has that revision) with a new snapshot: nothing is missed.
 *
 * Local -> store. lib/ctl's store hooks (fex_ctl_set_store()):
 * profile.set first reads the profile from the store (a partial set
 * merges onto the cluster's latest), then writes the merged whole profile
 * with a transaction comparing the key's mod_revision; profile.delete is
 * refused while a VIF of any host uses the profile; viflist.set/delete put
 * or delete. The change is saved and published only once the store has
 * taken it: with the store unreachable it is refused (FEX_CTL_E_FAILED,
 * "cluster store unreachable: ...") and nothing changes, while forwarding
 * and the last known profiles go on.
 *
 * VIF ownership. vif.associate writes /fexpath/vifs/ID in a transaction:
 * created if absent (create_revision == 0), or replaced (mod_revision ==
 * the one read) when this host owns it, when its owner only preassociated
 * it, or when this host had it preassociated (a migration's destination:
 * its associate takes the VIF over). Otherwise it is refused, bad-state,
 * "VIF N is associated on host H". Two hosts racing for a free VIF: one
 * transaction wins, the other reads the winner and is refused. A
 * preassociate writes the key only when nobody holds it; elsewhere the
 * key keeps naming the owner. vif.disassociate deletes the key if this
 * host owns it (with the store unreachable it goes on: the key lapses
 * with the lease, or is cleaned up when the store is back). Keys are put
 * with this host's lease (TTL lease_ttl_s, renewed every TTL/3 by a lease
 * thread): a host that dies loses its VIFs after the TTL. A new lease (the
 * old one expired while the store was unreachable), a store back after an
 * outage, or a snapshot re-claim every local VIF and delete this host's
 * keys of VIFs it no longer has.
 *
 * cluster.status {} -> {cluster, host, clustered, store: [{endpoint,
 *   current (the one watched)}], reachable (a request answered now),
 *   watching (the watch is established), lease_ok, lease (hex, as etcdctl
 *   prints it), lease_ttl, applied_revision (applied here), store_revision,
 *   lag_revisions (their difference), lag_keys (keys under /fexpath/
 *   changed after applied_revision), vifs_held (keys naming this host),
 *   snapshots, applied, rejected, conflicts, writes, refused (counters),
 *   error (of this request), last_error}; on a host that is not clustered
 *   {cluster, host, clustered: false, store: []}.
 *
 * Threads: fex_cluster_create() and fex_cluster_start() on the thread
 * that owns lib/ctl before fex_ctl_start(); the control thread runs the
 * hooks, the applying and cluster.status; the watcher and lease threads
 * (rte_ctrl_thread_create) only talk to etcd and to the queue. No worker
 * ever waits on the store. fex_cluster_destroy() after fex_ctl_stop().
 * One cluster object per process (cluster.status finds it).
 */
#ifndef FEX_CLUSTER_H
#define FEX_CLUSTER_H

#include <stddef.h>

#define FEX_CLUSTER_PREFIX		"/fexpath/"
#define FEX_CLUSTER_PROFILES		"/fexpath/clusters/default/profiles/"
#define FEX_CLUSTER_VIFLISTS		"/fexpath/clusters/default/viflists/"
#define FEX_CLUSTER_VIFS		"/fexpath/vifs/"
#define FEX_CLUSTER_HOST_MAX		63	/* [A-Za-z0-9._-] */
#define FEX_CLUSTER_DEFAULT_TTL_S	5
#define FEX_CLUSTER_DEFAULT_TIMEOUT_MS	1000

struct fex_ctl;
struct fex_vif_db;
struct fex_cluster;

struct fex_cluster_conf {
	const char *store;		/* "http://h:2379[,...]"; NULL or "" = this
					 * host is not clustered (cluster.status
					 * says so, nothing else changes) */
	const char *host;		/* NULL or "" = the hostname */
	unsigned int lease_ttl_s;	/* 0 = FEX_CLUSTER_DEFAULT_TTL_S */
	unsigned int timeout_ms;	/* per store request; 0 = default */
};

/* Check a host name (1..63 of [A-Za-z0-9._-]). 0 or -EINVAL. */
int fex_cluster_host_ok(const char *host);

/* Make the cluster object of ctl (db: the tables ctl acts on): registers
 * cluster.status, and when clustered the store hooks and the control
 * thread's queue. Connects to nothing yet. NULL with a message in err. */
struct fex_cluster *fex_cluster_create(struct fex_ctl *ctl, struct fex_vif_db *db,
				       const struct fex_cluster_conf *conf,
				       char *err, size_t errlen);

/* Start the watcher and lease threads; returns at once (the store may be
 * down: they keep trying). 0 or -errno with err. */
int fex_cluster_start(struct fex_cluster *c, char *err, size_t errlen);

/* Stop the threads (the lease is left to expire: a restarted host
 * claims its VIFs again) and free. After fex_ctl_stop(). NULL is fine. */
void fex_cluster_destroy(struct fex_cluster *c);

/* This host's name, as written into /fexpath/vifs/ values. */
const char *fex_cluster_host(const struct fex_cluster *c);

#endif
