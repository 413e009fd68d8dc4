/* SPDX-License-Identifier: BSD-3-Clause */
/* Dataplane set-up, the vNIC port hot-plug of the control path, and the
 * launch of the workers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>

#include "dp_priv.h"
#include "fex_port.h"
#include "ingress.h"
#include "shaper.h"

RTE_LOG_REGISTER(fex_logtype_dp, fex.dp, INFO);

const char *const fex_dp_cnt_names[FEX_DP_CNT_MAX] = {
#define FEX_DP_CNT_NAME(id, name) [FEX_DP_ ## id] = name,
	FEX_DP_COUNTERS(FEX_DP_CNT_NAME)
#undef FEX_DP_CNT_NAME
};

static struct fex_poll_list *
plist_alloc(int socket)
{
	return rte_zmalloc_socket("fex_plist", sizeof(struct fex_poll_list),
				  RTE_CACHE_LINE_SIZE, socket);
}

static void
port_conf_fill(const struct fex_dp *dp, struct fex_port_conf *pc,
	       uint16_t queues)
{
	memset(pc, 0, sizeof(*pc));
	pc->nb_rxq = queues;
	pc->nb_txq = queues;
	pc->clamp_queues = true;
	pc->pool = dp->pool;
	memcpy(pc->pools, dp->pools, sizeof(pc->pools));
}

/*
 * An mbuf pool. Without hugepages (--no-huge) a pool made the usual way
 * keeps each ~2.3 KB mbuf inside one 4 KB page, one per page: every mbuf
 * then starts at the same page offset, a burst's mbuf headers all fall
 * in the same L1 cache set and each header touch misses (measured: about
 * 20 cycles per frame more for three field updates). Those pools are
 * packed instead (objects may cross a page; no device DMAs into 4 KB
 * pages of anonymous memory). With hugepages: rte_pktmbuf_pool_create().
 */
static struct rte_mempool *
pool_create(const char *name, unsigned int n, int socket)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
	};
	struct rte_mempool *mp;
	int rc;

	if (rte_eal_has_hugepages())
		return rte_pktmbuf_pool_create(name, n, 256, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	mp = rte_mempool_create_empty(name, n, sizeof(struct rte_mbuf) +
				      RTE_MBUF_DEFAULT_BUF_SIZE, 256, sizeof(priv),
				      socket, RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (mp == NULL)
		return NULL;
	rc = rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL);
	if (rc == 0) {
		rte_pktmbuf_pool_init(mp, &priv);
		rc = rte_mempool_populate_default(mp);
	}
	if (rc < 0) {
		rte_mempool_free(mp);
		rte_errno = -rc;
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

static int
pools_create(struct fex_dp *dp, unsigned int nb_mbufs, char *err, size_t errlen)
{
	unsigned int lc;

	RTE_LCORE_FOREACH(lc) {
		int s = (int)rte_lcore_to_socket_id(lc);
		char name[RTE_MEMPOOL_NAMESIZE];

		if (s < 0 || s >= RTE_MAX_NUMA_NODES)
			s = 0;
		if (dp->pools[s] != NULL)
			continue;
		snprintf(name, sizeof(name), "fex_mbuf_s%d", s);
		dp->pools[s] = pool_create(name, nb_mbufs, s);
		if (dp->pools[s] == NULL) {
			snprintf(err, errlen, "cannot create %u mbufs on socket %d: %s "
				 "(lower --mbufs or add hugepages)", nb_mbufs, s,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	lc = rte_get_main_lcore();
	dp->pool = dp->pools[rte_lcore_to_socket_id(lc) < RTE_MAX_NUMA_NODES ?
			     rte_lcore_to_socket_id(lc) : 0];
	if (dp->pool == NULL)
		dp->pool = dp->pools[0];
	return 0;
}

/* One worker per lcore, main first, at most max. */
static int
workers_create(struct fex_dp *dp, unsigned int max, char *err, size_t errlen)
{
	unsigned int lc, i, j;

	dp->nb_workers = 0;
	/* Worker 0 is the main lcore: fexpath -l 0 runs one worker. */
	lc = rte_get_main_lcore();
	while (dp->nb_workers < max) {
		struct fex_worker *w;
		int s = (int)rte_lcore_to_socket_id(lc);

		/* One reader id stays for the statistics observer. */
		if (dp->nb_workers == FEX_WORKERS_MAX - 1) {
			snprintf(err, errlen, "at most %d worker lcores", FEX_WORKERS_MAX - 1);
			return -E2BIG;
		}
		w = rte_zmalloc_socket("fex_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, s);
		if (w == NULL)
			goto nomem;
		w->dp = dp;
		w->id = dp->nb_workers;
		w->lcore = lc;
		w->plist = plist_alloc(s);
		if (w->plist == NULL) {
			rte_free(w);
			goto nomem;
		}
		dp->workers[dp->nb_workers++] = w;
		lc = rte_get_next_lcore(lc, 1, 0);
		if (lc >= RTE_MAX_LCORE)
			break;
	}
	if (dp->nb_workers < rte_lcore_count())
		DP_LOG(NOTICE, "the uplink has %u queue pair(s): %u of the %u lcores "
		       "forward, the others stay idle", max, dp->nb_workers,
		       rte_lcore_count());
	for (i = 0; i < dp->nb_workers; i++)
		for (j = 0; j < dp->nb_workers; j++) {
			struct fex_worker *dst = dp->workers[j];
			char name[RTE_RING_NAMESIZE];
			struct rte_ring *r;

			if (i == j)
				continue;
			snprintf(name, sizeof(name), "fex_ho_%u_%u", i, j);
			r = rte_ring_create(name, FEX_HANDOFF_SIZE,
					    rte_lcore_to_socket_id(dst->lcore),
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (r == NULL)
				goto nomem;
			dst->from[i] = r;
			dp->workers[i]->to[j] = r;
		}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for workers: %s", rte_strerror(rte_errno));
	return -ENOMEM;
}

/* Apply --uplink-mtu, learn the longest frame the uplink carries, and
 * warn when that is too short for a full-size VM frame with its tags
 * (SPEC §4): such frames are dropped as drop_oversize. */
static int
uplink_mtu_setup(struct fex_dp *dp, const struct fex_dp_conf *conf, char *err,
		 size_t errlen)
{
	/* what a 1500-byte VM frame adds: the VIF tag and an 802.1Q tag */
	const unsigned int need = RTE_ETHER_MTU + fex_tag_len(dp->mode) + FEX_VLAN_LEN;
	struct fex_port_info info;
	int rc;

	if (conf->uplink_mtu != 0) {
		rc = fex_port_mtu_set(dp->uplink, (uint16_t)conf->uplink_mtu, err, errlen);
		if (rc < 0)
			return rc;
	}
	fex_port_info_get(dp->uplink, &info);
	dp->uplink_frame_max = info.mtu != 0 ? info.mtu + RTE_ETHER_HDR_LEN : 0;
	/* what a VM frame may be so that it fits with its VIF and 802.1Q
	 * tags: vhost ports cut guest TSO frames to it */
	dp->vnic_frame_max = dp->uplink_frame_max != 0 ?
		dp->uplink_frame_max - fex_tag_len(dp->mode) - FEX_VLAN_LEN : 0;
	if (info.mtu != 0 && info.mtu < need)
		DP_LOG(WARNING, "uplink %s has MTU %u: a 1500-byte VM frame needs %u "
		       "once tagged, so full-size frames will be dropped (drop_oversize); "
		       "set --uplink-mtu %u (config: uplink_mtu) or more",
		       conf->uplink, info.mtu, need, need);
	else if (info.mtu != 0)
		DP_LOG(INFO, "uplink %s: MTU %u", conf->uplink, info.mtu);
	return 0;
}

/* What a guest leaving waits for (fex_port_set_grace). */
static void
grace_period(void *db)
{
	fex_vif_db_grace_period(db);
}

static int
dp_init(struct fex_dp *dp, const struct fex_dp_conf *conf, char *err,
	size_t errlen)
{
	struct fex_port_conf pc;
	struct fex_port_info info;
	unsigned int i;
	int rc;

	memset(dp->owner, -1, sizeof(dp->owner));
	memset(dp->peer, 0xff, sizeof(dp->peer));
	dp->vf_ports = conf->vf_ports;
	dp->nb_vf_ports = conf->nb_vf_ports;
	dp->mode = conf->mode;
	dp->idle_sleep_us = conf->idle_sleep_us;
	dp->hz = rte_get_tsc_hz();
	dp->tx_hold_tsc = dp->hz / 1000000 * FEX_TX_HOLD_US;
	dp->quiet_tsc = dp->hz / 1000000 * FEX_QUIET_US;

	rc = pools_create(dp, conf->nb_mbufs, err, errlen);
	if (rc < 0)
		return rc;
	/* A worker sends on a tx queue of its own: as many workers as the
	 * uplink gives tx queues (fewer than lcores: the rest stay idle). */
	port_conf_fill(dp, &pc, (uint16_t)RTE_MIN(rte_lcore_count(),
						  (unsigned int)FEX_WORKERS_MAX - 1));
	rc = fex_port_open(conf->uplink, &pc, &dp->uplink, err, errlen);
	if (rc < 0)
		return rc;
	rc = uplink_mtu_setup(dp, conf, err, errlen);
	if (rc < 0)
		return rc;
	fex_port_info_get(dp->uplink, &info);
	rc = workers_create(dp, info.nb_txq, err, errlen);
	if (rc < 0)
		return rc;
	dp->db = fex_vif_db_create(dp->nb_workers + 1, dp->hz, (int)rte_socket_id());
	if (dp->db == NULL) {
		snprintf(err, errlen, "cannot create the VIF tables: %s",
			 rte_strerror(rte_errno));
		return -rte_errno;
	}
	dp->qsv = fex_vif_db_qsv(dp->db);
	/* a guest leaving waits for the workers' grace period (fex_vhost.c) */
	fex_port_set_grace(grace_period, dp->db);
	for (i = 0; i < dp->nb_workers; i++)
		dp->workers[i]->has_uplink_queue = i < info.nb_rxq;
	DP_LOG(INFO, "%u worker(s), uplink %s = port %u (%u rx queues), tag %s",
	       dp->nb_workers, conf->uplink, dp->uplink, info.nb_rxq,
	       fex_tag_mode_name(dp->mode));
	return 0;
}

static int
worker_main(void *arg)
{
	struct fex_worker *w = arg;

	if (fex_vif_reader_init(w->dp->db, w->id, &w->rd) < 0) {
		DP_LOG(ERR, "worker %u: cannot register as a table reader", w->id);
		return -1;
	}
	fex_worker_loop(w);
	fex_vif_reader_fini(&w->rd);
	return 0;
}

void
fex_dp_run(struct fex_dp *dp)
{
	unsigned int i;

	for (i = 1; i < dp->nb_workers; i++)
		rte_eal_remote_launch(worker_main, dp->workers[i],
				      dp->workers[i]->lcore);
	worker_main(dp->workers[0]);
	rte_eal_mp_wait_lcore();
}

void
fex_dp_destroy(struct fex_dp *dp)
{
	unsigned int i, j;

	if (dp == NULL)
		return;
	fex_port_close_all();
	fex_port_set_grace(NULL, NULL);
	for (i = 0; i < FEX_WORKERS_MAX; i++) {
		struct fex_worker *w = dp->workers[i];

		if (w == NULL)
			continue;
		for (j = 0; j < FEX_WORKERS_MAX; j++)
			rte_ring_free(w->from[j]);
		fex_dp_shq_drain(w);
		rte_free(w->plist);
		rte_free(w);
	}
	fex_vif_db_free(dp->db);
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		rte_mempool_free(dp->pools[i]);
	rte_free(dp);
}

struct fex_dp *
fex_dp_create(const struct fex_dp_conf *conf, char *err, size_t errlen)
{
	struct fex_dp *dp = rte_zmalloc("fex_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	int rc;

	if (dp == NULL) {
		snprintf(err, errlen, "out of memory for the dataplane");
		return NULL;
	}
	rc = dp_init(dp, conf, err, errlen);
	if (rc < 0) {
		fex_dp_destroy(dp);
		rte_errno = -rc;
		return NULL;
	}
	return dp;
}

void
fex_dp_stop(struct fex_dp *dp)
{
	__atomic_store_n(&dp->stop, true, __ATOMIC_RELAXED);
}

bool
fex_dp_stopping(const struct fex_dp *dp)
{
	return __atomic_load_n(&dp->stop, __ATOMIC_RELAXED);
}

struct fex_vif_db *
fex_dp_db(const struct fex_dp *dp)
{
	return dp->db;
}


uint16_t
fex_dp_uplink(const struct fex_dp *dp)
{
	return dp->uplink;
}

enum fex_tag_mode
fex_dp_mode(const struct fex_dp *dp)
{
	return dp->mode;
}

unsigned int
fex_dp_nb_workers(const struct fex_dp *dp)
{
	return dp->nb_workers;
}

uint64_t
fex_dp_hz(const struct fex_dp *dp)
{
	return dp->hz;
}

int
fex_dp_port_worker(const struct fex_dp *dp, uint16_t port)
{
	return port < FEX_PORT_MAX ?
		__atomic_load_n(&dp->owner[port], __ATOMIC_ACQUIRE) : -1;
}

bool
fex_dp_port_is_vf(const struct fex_dp *dp, uint16_t port)
{
	return port < FEX_PORT_MAX && dp->is_vf[port];
}

uint64_t
fex_dp_mbufs_in_use(const struct fex_dp *dp)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		if (dp->pools[i] != NULL)
			n += rte_mempool_in_use_count(dp->pools[i]);
	return n;
}

uint64_t
fex_dp_mbufs_total(const struct fex_dp *dp)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		if (dp->pools[i] != NULL)
			n += dp->pools[i]->size;
	return n;
}

uint64_t
fex_dp_handoff_drain(struct fex_dp *dp)
{
	uint64_t n = 0;
	unsigned int i, j;
	struct rte_mbuf *m;

	for (i = 0; i < dp->nb_workers; i++) {
		for (j = 0; j < dp->nb_workers; j++)
			while (dp->workers[i]->from[j] != NULL &&
			       rte_ring_dequeue(dp->workers[i]->from[j], (void **)&m) == 0) {
				rte_pktmbuf_free(m);
				n++;
			}
		n += fex_dp_ingress_drain(dp->workers[i]);
		n += fex_dp_shq_drain(dp->workers[i]);
	}
	return n;
}

/* Publish a worker's new poll list and free the old one after a grace
 * period: when this returns, the worker no longer polls what left. */
static void
plist_publish(struct fex_dp *dp, struct fex_worker *w, struct fex_poll_list *next)
{
	struct fex_poll_list *old;

	old = __atomic_exchange_n(&w->plist, next, __ATOMIC_RELEASE);
	fex_vif_db_grace_period(dp->db);
	rte_free(old);
}

/* Open spec (and vf_spec, if not NULL) and give both to the least-loaded
 * worker in one poll-list update. */
static int
attach(struct fex_dp *dp, const char *spec, const char *vf_spec,
       uint16_t *port_id, char *err, size_t errlen)
{
	struct fex_port_conf pc;
	struct fex_worker *w = NULL;
	struct fex_poll_list *next;
	uint16_t vf = FEX_NO_PORT;
	unsigned int i;
	int rc;

	for (i = 0; i < dp->nb_workers; i++)
		if (w == NULL || dp->workers[i]->plist->n < w->plist->n)
			w = dp->workers[i];
	port_conf_fill(dp, &pc, 1);
	pc.frame_max = dp->vnic_frame_max;
	rc = fex_port_open(spec, &pc, port_id, err, errlen);
	if (rc < 0)
		return rc;
	if (vf_spec != NULL) {
		char msg[256];

		rc = fex_port_open(vf_spec, &pc, &vf, msg, sizeof(msg));
		if (rc < 0) {
			fex_port_close(*port_id);
			snprintf(err, errlen, "VF %s: %s", vf_spec, msg);
			return rc;
		}
	}
	next = plist_alloc((int)rte_lcore_to_socket_id(w->lcore));
	if (next == NULL || fex_dp_shq_alloc(w, *port_id) < 0) {
		rte_free(next);
		fex_port_close(*port_id);
		if (vf != FEX_NO_PORT)
			fex_port_close(vf);
		snprintf(err, errlen, "out of memory for the port's poll list or shaper queue");
		return -ENOMEM;
	}
	*next = *w->plist;
	next->port[next->n++] = *port_id;
	/* Owner and VF pairing are known before any table names the port. */
	if (vf != FEX_NO_PORT) {
		next->port[next->n++] = vf;
		dp->peer[*port_id] = vf;
		dp->peer[vf] = *port_id;
		dp->is_vf[vf] = 1;
		__atomic_store_n(&dp->owner[vf], (int8_t)w->id, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&dp->owner[*port_id], (int8_t)w->id, __ATOMIC_RELEASE);
	plist_publish(dp, w, next);
	if (vf != FEX_NO_PORT)
		DP_LOG(INFO, "port %u (%s) with VF port %u (%s) polled by worker %u",
		       *port_id, spec, vf, vf_spec, w->id);
	else
		DP_LOG(INFO, "port %u (%s) polled by worker %u", *port_id, spec, w->id);
	return 0;
}

int
fex_dp_port_attach(struct fex_dp *dp, const char *spec, uint16_t *port_id,
		   char *err, size_t errlen)
{
	return attach(dp, spec, NULL, port_id, err, errlen);
}

int
fex_dp_port_attach_vf(struct fex_dp *dp, const char *spec, uint16_t *port_id,
		      char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < dp->nb_vf_ports; i++)
		if (fex_port_find(dp->vf_ports[i]) < 0)
			return attach(dp, spec, dp->vf_ports[i], port_id, err, errlen);
	snprintf(err, errlen, "no free VF for a VIF with io_performance high: "
		 "%u configured (--vf SPEC, or vf_ports in the config), all in use",
		 dp->nb_vf_ports);
	return -ENOSPC;
}

int
fex_dp_port_detach(struct fex_dp *dp, uint16_t port_id)
{
	struct fex_poll_list *next;
	struct fex_worker *w;
	uint16_t i, vf;
	int owner;

	if (port_id >= FEX_PORT_MAX || dp->owner[port_id] < 0)
		return -ENOENT;
	owner = dp->owner[port_id];
	w = dp->workers[owner];
	next = plist_alloc((int)rte_lcore_to_socket_id(w->lcore));
	if (next == NULL)
		return -ENOMEM;
	vf = dp->peer[port_id];
	for (i = 0; i < w->plist->n; i++)
		if (w->plist->port[i] != port_id && w->plist->port[i] != vf)
			next->port[next->n++] = w->plist->port[i];
	plist_publish(dp, w, next);
	/* Frames still in hand-off rings for this port are dropped as
	 * stale by the owner, which re-checks this; so is its shaper queue,
	 * flushed (drop_shaper) by the owner's next pass. */
	__atomic_store_n(&dp->owner[port_id], (int8_t)-1, __ATOMIC_RELEASE);
	fex_vif_db_grace_period(dp->db);
	for (i = 0; i < 4 && w->shq[port_id] != NULL &&
	     __atomic_load_n(&w->shq[port_id]->listed, __ATOMIC_ACQUIRE); i++)
		fex_vif_db_grace_period(dp->db);
	if (w->shq[port_id] != NULL && w->shq[port_id]->listed)
		DP_LOG(WARNING, "port %u: worker %d did not flush its shaper queue; left allocated",
		       port_id, owner);
	else
		fex_dp_shq_free(w, port_id);
	DP_LOG(INFO, "port %u no longer polled (worker %d)", port_id, owner);
	if (vf != FEX_NO_PORT) {
		__atomic_store_n(&dp->owner[vf], (int8_t)-1, __ATOMIC_RELEASE);
		dp->peer[port_id] = FEX_NO_PORT;
		dp->peer[vf] = FEX_NO_PORT;
		dp->is_vf[vf] = 0;
		fex_port_close(vf);
	}
	return fex_port_close(port_id);
}

void
fex_dp_worker_stats(const struct fex_dp *dp, unsigned int i,
		    struct fex_dp_stats *out, unsigned int *lcore)
{
	const struct fex_dp_stats *s = &dp->workers[i]->st;
	unsigned int k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < FEX_DP_CNT_MAX; k++)
		out->c[k] = __atomic_load_n(&s->c[k], __ATOMIC_RELAXED);
	for (k = 0; k < FEX_TAG_ERR_MAX; k++)
		out->tag_err[k] = __atomic_load_n(&s->tag_err[k], __ATOMIC_RELAXED);
	out->busy_tsc = __atomic_load_n(&s->busy_tsc, __ATOMIC_RELAXED);
	out->busy_packets = __atomic_load_n(&s->busy_packets, __ATOMIC_RELAXED);
	out->iterations = __atomic_load_n(&s->iterations, __ATOMIC_RELAXED);
	out->table_gen = __atomic_load_n(&s->table_gen, __ATOMIC_ACQUIRE);
	out->table_gen_tsc = __atomic_load_n(&s->table_gen_tsc, __ATOMIC_RELAXED);
	if (lcore != NULL)
		*lcore = dp->workers[i]->lcore;
}

void
fex_dp_stats_sum(const struct fex_dp *dp, struct fex_dp_stats *out)
{
	struct fex_dp_stats s;
	unsigned int i, k;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < dp->nb_workers; i++) {
		fex_dp_worker_stats(dp, i, &s, NULL);
		for (k = 0; k < FEX_DP_CNT_MAX; k++)
			out->c[k] += s.c[k];
		for (k = 0; k < FEX_TAG_ERR_MAX; k++)
			out->tag_err[k] += s.tag_err[k];
		out->busy_tsc += s.busy_tsc;
		out->busy_packets += s.busy_packets;
		out->iterations += s.iterations;
	}
}
