/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside lib/dp: the dataplane and worker structures that dp.c (set-up,
 * hot-plug), egress.c, ingress.c and worker.c (the loop) share, and that
 * the tests and the fuzz target of this folder build by hand.
 */
#ifndef FEX_DP_PRIV_H
#define FEX_DP_PRIV_H

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fex_dp.h"
#include "shaper.h"

extern int fex_logtype_dp;
#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_dp, "dp: " fmt "\n", ##__VA_ARGS__)

/* Ports one worker polls; replaced whole (RCU), never edited in place. */
struct fex_poll_list {
	uint16_t n;
	uint16_t port[FEX_PORT_MAX];
};

/* Frames waiting to go out on one vNIC port (ingress side), with the VIF
 * and length each is counted under once the port took it. What the port
 * refuses (a guest's full ring) stays for the next passes, up to
 * FEX_TX_HOLD_US, before it is dropped (drop_tx_full). */
struct fex_txbuf {
	uint16_t n;
	bool listed;				/* on the worker's dirty list */
	uint64_t held_since;			/* TSC of the last refusal, 0 none */
	uint16_t vif[FEX_BURST];
	uint32_t len[FEX_BURST];
	struct rte_mbuf *m[FEX_BURST];
};

/* When a quiet vNIC port is polled next (worker.c). */
struct fex_quiet {
	uint8_t empty;				/* empty polls in a row, saturating */
	uint32_t due_iter;			/* the loop iteration, or */
	uint64_t due_tsc;			/* the TSC, whichever comes first */
};

/* A shaped VIF's frames waiting for tokens on a non-vhost vNIC port
 * (shaper.c), owned by the port's worker. */
struct fex_shq {
	uint16_t vif;				/* whose frames these are */
	bool listed;				/* on the worker's backlog list */
	uint16_t head, n;			/* FIFO of FEX_SHQ_SLOTS */
	uint32_t bytes;
	struct rte_mbuf *m[FEX_SHQ_SLOTS];
};

struct fex_worker {
	struct fex_dp *dp;
	unsigned int id;
	unsigned int lcore;
	struct fex_vif_reader rd;
	struct fex_poll_list *plist;		/* published by the control thread */
	struct rte_ring *from[FEX_WORKERS_MAX];	/* hand-off rings into this worker */
	struct rte_ring *to[FEX_WORKERS_MAX];	/* = workers[j].from[id] */
	bool has_uplink_queue;
	/* what the last fex_dp_egress() left for fex_dp_egress_send() */
	uint16_t eg_svif;
	uint32_t eg_len[FEX_BURST];		/* tagged, as sent */
	uint32_t eg_vmlen[FEX_BURST];		/* as the VM sent it (rates count it) */
	uint16_t dirty_n;			/* ports with frames in txbuf */
	uint16_t dirty[FEX_PORT_MAX];
	struct fex_txbuf txbuf[FEX_PORT_MAX];
	struct fex_quiet quiet[FEX_PORT_MAX];	/* vNIC ports' poll backoff */
	/* shaper queues: set by the control thread before a port is polled */
	struct fex_shq *shq[FEX_PORT_MAX];
	uint16_t backlog_n;			/* ports whose queue holds frames */
	uint16_t backlog[FEX_PORT_MAX];
	struct fex_dp_stats st;
} __rte_cache_aligned;

struct fex_dp {
	enum fex_tag_mode mode;
	uint16_t uplink;
	uint32_t uplink_frame_max;	/* longest tagged frame it carries; 0 = any */
	unsigned int nb_workers;
	unsigned int idle_sleep_us;
	uint64_t hz;
	volatile bool stop;
	struct fex_vif_db *db;
	struct rte_rcu_qsbr *qsv;
	uint64_t tx_hold_tsc;			/* FEX_TX_HOLD_US in TSC cycles */
	uint64_t quiet_tsc;			/* FEX_QUIET_US in TSC cycles */
	uint32_t vnic_frame_max;		/* longest VM frame that fits once tagged */
	int8_t owner[FEX_PORT_MAX];		/* worker of a vNIC port, -1 none */
	/* VF-per-vNIC (io_performance: high): a vNIC port's VF and a VF's
	 * vNIC port, FEX_NO_PORT otherwise; set before the ports are polled. */
	uint16_t peer[FEX_PORT_MAX];
	uint8_t is_vf[FEX_PORT_MAX];
	const char (*vf_ports)[FEX_PORT_SPEC_LEN];
	unsigned int nb_vf_ports;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	struct rte_mempool *pool;		/* the main lcore's socket */
	struct fex_worker *workers[FEX_WORKERS_MAX];
};

/* Add n to one of the worker's own counters (single writer; a relaxed
 * store keeps the stats reader race-free). */
static inline void
fex_dp_cnt_add(struct fex_dp_stats *st, enum fex_dp_cnt i, uint64_t n)
{
	__atomic_store_n(&st->c[i], st->c[i] + n, __ATOMIC_RELAXED);
}

/* The lcore loop (worker_arg = struct fex_worker *). */
int fex_worker_loop(void *worker_arg);

#endif
