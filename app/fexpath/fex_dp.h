/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane: worker lcores, the ports they poll, and the control-path
 * operations that add and remove vNIC ports while traffic runs.
 *
 * Threads
 *   - Workers (every EAL lcore, the main one included) run fex_worker_loop().
 *     Worker w polls uplink rx queue w and sends on uplink tx queue w, and
 *     polls the vNIC ports it owns. A vNIC port is owned by exactly one
 *     worker: that worker alone receives from it, sends to it, and runs its
 *     VIF's policy (so meter buckets have a single writer).
 *   - Frames from the uplink for a vNIC owned by another worker go through
 *     a single-producer single-consumer hand-off ring (one per ordered pair
 *     of workers); the owner re-resolves the VIF with its own table
 *     snapshot before delivering, so a VIF removed in between is dropped
 *     and counted (drop_stale), never sent to a closed port.
 *   - The control thread is the only writer: it publishes new VIF tables
 *     (lib/vif) and new per-worker poll lists with the same RCU
 *     (rte_rcu_qsbr) variable, and closes a port only after a grace period
 *     in which its owner stopped polling it.
 */
#ifndef FEX_DP_H
#define FEX_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fex_tag.h"
#include "fex_vif.h"

#define FEX_BURST		32
#define FEX_NO_PORT		UINT16_MAX
#define FEX_HANDOFF_SIZE	1024	/* frames per hand-off ring */

/* Per-worker counters of the uplink side and of frames that have no VIF
 * to be counted on (SPEC §3: per port for frames with no VIF). */
enum fex_dp_cnt {
	FEX_DP_UPLINK_RX_PACKETS,
	FEX_DP_UPLINK_RX_BYTES,
	FEX_DP_UPLINK_TX_PACKETS,
	FEX_DP_UPLINK_TX_BYTES,
	FEX_DP_DROP_UNKNOWN_VIF,	/* downstream dvif / VIF list unknown */
	FEX_DP_DROP_MALFORMED,		/* tag parse failed (not direction) */
	FEX_DP_DROP_DIRECTION,		/* tag with d=0 from the fabric */
	FEX_DP_DROP_UPLINK_TX_FULL,	/* uplink tx queue full */
	FEX_DP_DROP_NO_VIF,		/* frame from a vNIC port with no VIF */
	FEX_DP_DROP_RUNT,		/* frame from a vNIC shorter than 14 B */
	FEX_DP_DROP_HANDOFF_FULL,	/* hand-off ring to the owner full */
	FEX_DP_DROP_STALE,		/* VIF gone while its frame was handed off */
	FEX_DP_DROP_NO_MBUF,		/* flood copy: mempool empty */
	FEX_DP_FLOOD_COPIES,		/* frames made by VIF-list replication */
	FEX_DP_HANDOFFS,		/* frames passed to the owner worker */
	FEX_DP_CNT_MAX
};

extern const char *const fex_dp_cnt_names[FEX_DP_CNT_MAX];

struct fex_dp_stats {
	uint64_t c[FEX_DP_CNT_MAX];
	uint64_t tag_err[FEX_TAG_ERR_MAX];	/* detail of drop_malformed */
	uint64_t busy_tsc;			/* cycles in iterations that moved frames */
	uint64_t busy_packets;			/* frames handled in those */
	uint64_t iterations;
	uint64_t table_gen;			/* VIF table generation in use */
	uint64_t table_gen_tsc;			/* TSC of its first iteration */
} __rte_cache_aligned;

/* Ports one worker polls; replaced whole (RCU), never edited in place. */
struct fex_poll_list {
	uint16_t n;
	uint16_t port[RTE_MAX_ETHPORTS];
};

/* Frames waiting to go out on one vNIC port (ingress side). */
struct fex_txbuf {
	uint16_t n;
	struct rte_mbuf *m[FEX_BURST];
};

struct fex_dp;

struct fex_worker {
	struct fex_dp *dp;
	unsigned int id;
	unsigned int lcore;
	struct fex_vif_reader rd;
	struct fex_poll_list *plist;		/* published by the control thread */
	struct rte_ring *from[FEX_WORKERS_MAX];	/* hand-off rings into this worker */
	struct rte_ring *to[FEX_WORKERS_MAX];	/* = workers[j].from[id] */
	bool has_uplink_queue;
	uint16_t dirty_n;			/* ports with frames in txbuf */
	uint16_t dirty[RTE_MAX_ETHPORTS];
	struct fex_txbuf txbuf[RTE_MAX_ETHPORTS];
	struct fex_dp_stats st;
} __rte_cache_aligned;

struct fex_dp_conf {
	enum fex_tag_mode mode;
	const char *uplink;		/* port spec */
	unsigned int nb_mbufs;		/* per NUMA socket */
	unsigned int idle_sleep_us;	/* 0 = busy-poll always */
	const char (*vf_ports)[512];	/* VFs for io_performance: high */
	unsigned int nb_vf_ports;
	unsigned int uplink_mtu;	/* set on the uplink at start; 0 = keep */
};

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
	int8_t owner[RTE_MAX_ETHPORTS];		/* worker of a vNIC port, -1 none */
	/* VF-per-vNIC (io_performance: high): a vNIC port's VF and a VF's
	 * vNIC port, FEX_NO_PORT otherwise; set before the ports are polled. */
	uint16_t peer[RTE_MAX_ETHPORTS];
	uint8_t is_vf[RTE_MAX_ETHPORTS];
	const char (*vf_ports)[512];
	unsigned int nb_vf_ports;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	struct rte_mempool *pool;		/* the main lcore's socket */
	struct fex_worker *workers[FEX_WORKERS_MAX];
};

/* Create pools, open the uplink with a queue pair per lcore, and make
 * one worker per queue pair it got (the other lcores stay idle), then
 * the VIF database. 0 or -errno with a
 * message in err. Call from main after rte_eal_init(). */
int fex_dp_init(struct fex_dp *dp, const struct fex_dp_conf *conf,
		char *err, size_t errlen);

/* Launch workers on the other lcores, run worker 0 on the calling (main)
 * lcore until dp->stop, then wait for the others. */
void fex_dp_run(struct fex_dp *dp);

/* Close ports, free tables (after fex_dp_run returned). */
void fex_dp_fini(struct fex_dp *dp);

/* Control thread: open a vNIC port, give it to the least-loaded worker.
 * 0 + *port_id, or -errno with a message. */
int fex_dp_port_attach(struct fex_dp *dp, const char *spec, uint16_t *port_id,
		       char *err, size_t errlen);
/* Control thread: open a vNIC port and the VF that carries its VIF's
 * traffic untagged (the adapter tags it), both polled by one worker.
 * The VF is the first of the configured ones not open yet. */
int fex_dp_port_attach_vf(struct fex_dp *dp, const char *spec, uint16_t *port_id,
			  char *err, size_t errlen);
/* Control thread: take the port (and its VF) from its worker, wait for a grace period,
 * close it. 0 or -errno. */
int fex_dp_port_detach(struct fex_dp *dp, uint16_t port_id);

/* Sum of every worker's counters. MT safe (each value read atomically). */
void fex_dp_stats_sum(const struct fex_dp *dp, struct fex_dp_stats *out);

/* Make rte_eth_remove_{rx,tx}_callback() wait for the workers (see
 * pdump_guard.c). */
void fex_pdump_guard_init(struct rte_rcu_qsbr *qsv);

/* The lcore entry point (worker_arg = struct fex_worker *). */
int fex_worker_loop(void *worker_arg);

/* One burst of the loop's stages on frames already received, for the fuzz
 * harness and tests (the loop runs the same code): the caller is worker
 * w's thread, between fex_vif_reader_snapshot() and _quiescent().
 * Ingress (fabric -> VM): every frame is delivered to the vNIC ports
 * (sent before return), handed off, or counted and freed.
 * Egress (VM -> fabric) of frames from vNIC `port`: returns how many are
 * ready for the uplink (tagged, moved to the front of pkts, the caller's
 * to send or free); the others are counted and freed. *svif = the port's
 * VIF, 0 if none. */
void fex_worker_ingress(struct fex_worker *w, uint64_t now,
			struct rte_mbuf **pkts, uint16_t n);
uint16_t fex_worker_egress(struct fex_worker *w, uint64_t now, uint16_t port,
			   struct rte_mbuf **pkts, uint16_t n, uint16_t *svif);

#endif
