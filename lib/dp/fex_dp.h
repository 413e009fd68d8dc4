/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane: worker lcores, the ports they poll, the per-frame path
 * (egress.h, ingress.h) and the control-path operations that add and
 * remove vNIC ports while traffic runs. struct fex_dp is private to
 * lib/dp (dp_priv.h); everyone else uses the functions below.
 *
 * Threads
 *   - Workers (one per uplink queue pair, main lcore first; lcores beyond
 *     the uplink's queues stay idle) run the loop of worker.c. Worker w
 *     polls uplink rx queue w, sends on uplink tx queue w, and polls the
 *     vNIC ports it owns. A vNIC port is owned by exactly one worker: that
 *     worker alone receives from it, sends to it, and runs its VIF's
 *     policy (so meter buckets have a single writer).
 *   - Frames from the uplink for a vNIC owned by another worker go through
 *     a single-producer single-consumer hand-off ring (one per ordered pair
 *     of workers), carrying what the first worker parsed; the owner
 *     re-resolves the VIF with its own table snapshot before delivering,
 *     so a VIF removed in between is dropped and counted (drop_stale),
 *     never sent to a closed port.
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

#include "fex_port.h"
#include "fex_tag.h"
#include "fex_vif.h"

#define FEX_BURST		32
#define FEX_NO_PORT		UINT16_MAX
#define FEX_HANDOFF_SIZE	1024	/* frames per hand-off ring */
#define FEX_TX_HOLD_US		1000	/* a vNIC's refused frames wait this long */
/* A vNIC port found empty FEX_QUIET_AFTER polls in a row is quiet: polled
 * once every FEX_QUIET_ITERS loop iterations, and at least every
 * FEX_QUIET_US, until a poll gives frames (worker.c). */
#define FEX_QUIET_AFTER		2
#define FEX_QUIET_ITERS		8
#define FEX_QUIET_US		100

/* Per-worker counters of the uplink side and of frames that have no VIF
 * to be counted on (SPEC §3: per port for frames with no VIF). One list:
 * the enum and the names come from it. */
#define FEX_DP_COUNTERS(X) \
	X(UPLINK_RX_PACKETS, "rx_packets") \
	X(UPLINK_RX_BYTES, "rx_bytes") \
	X(UPLINK_TX_PACKETS, "tx_packets") \
	X(UPLINK_TX_BYTES, "tx_bytes") \
	X(DROP_UNKNOWN_VIF, "drop_unknown_vif")		/* dvif / VIF list unknown */ \
	X(DROP_MALFORMED, "drop_malformed")		/* tag parse failed (not direction) */ \
	X(DROP_DIRECTION, "drop_direction")		/* tag with d=0 from the fabric */ \
	X(DROP_UPLINK_TX_FULL, "drop_tx_full")		/* uplink tx queue full */ \
	X(DROP_NO_VIF, "drop_no_vif")			/* frame from a vNIC port with no VIF */ \
	X(DROP_RUNT, "drop_runt")			/* frame from a vNIC shorter than 14 B */ \
	X(DROP_HANDOFF_FULL, "drop_handoff_full")	/* hand-off ring to the owner full */ \
	X(DROP_STALE, "drop_stale")			/* VIF gone while its frame was handed off */ \
	X(DROP_NO_MBUF, "drop_no_mbuf")			/* flood copy: mempool empty */ \
	X(FLOOD_COPIES, "flood_copies")			/* frames made by VIF-list replication */ \
	X(HANDOFFS, "handoffs")				/* frames passed to the owner worker */

enum fex_dp_cnt {
#define FEX_DP_CNT_ENUM(id, name) FEX_DP_ ## id,
	FEX_DP_COUNTERS(FEX_DP_CNT_ENUM)
#undef FEX_DP_CNT_ENUM
	FEX_DP_CNT_MAX
};

extern const char *const fex_dp_cnt_names[FEX_DP_CNT_MAX];

/* One worker's counters (single writer: the worker; readers use relaxed
 * atomic loads, fex_dp_worker_stats()). */
struct fex_dp_stats {
	uint64_t c[FEX_DP_CNT_MAX];
	uint64_t tag_err[FEX_TAG_ERR_MAX];	/* detail of drop_malformed */
	uint64_t busy_tsc;			/* cycles in iterations that moved frames */
	uint64_t busy_packets;			/* frames handled in those */
	uint64_t iterations;
	uint64_t table_gen;			/* VIF table generation in use */
	uint64_t table_gen_tsc;			/* TSC of its first iteration */
} __rte_cache_aligned;

struct fex_dp_conf {
	enum fex_tag_mode mode;
	const char *uplink;		/* port spec */
	unsigned int nb_mbufs;		/* per NUMA socket */
	unsigned int idle_sleep_us;	/* 0 = busy-poll always */
	const char (*vf_ports)[FEX_PORT_SPEC_LEN]; /* VFs for io_performance: high */
	unsigned int nb_vf_ports;
	unsigned int uplink_mtu;	/* set on the uplink at start; 0 = keep */
};

struct fex_dp;
struct rte_rcu_qsbr;

/* Create pools, open the uplink with a queue pair per lcore, make one
 * worker per queue pair it got (the other lcores stay idle), then the
 * VIF database. NULL with a message in err. Call from main after
 * rte_eal_init(). */
struct fex_dp *fex_dp_create(const struct fex_dp_conf *conf, char *err,
			     size_t errlen);

/* Launch workers on the other lcores, run worker 0 on the calling (main)
 * lcore until fex_dp_stop(), then wait for the others. */
void fex_dp_run(struct fex_dp *dp);

/* Ask the workers to stop. Async-signal safe. */
void fex_dp_stop(struct fex_dp *dp);
bool fex_dp_stopping(const struct fex_dp *dp);

/* Close ports, free tables and pools (after fex_dp_run returned). */
void fex_dp_destroy(struct fex_dp *dp);

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

/* What the rest of the process may know. MT safe. */
struct fex_vif_db *fex_dp_db(const struct fex_dp *dp);
uint16_t fex_dp_uplink(const struct fex_dp *dp);
enum fex_tag_mode fex_dp_mode(const struct fex_dp *dp);
unsigned int fex_dp_nb_workers(const struct fex_dp *dp);
uint64_t fex_dp_hz(const struct fex_dp *dp);
/* Worker polling a port (-1: none) and whether the port is a VF. */
int fex_dp_port_worker(const struct fex_dp *dp, uint16_t port);
bool fex_dp_port_is_vf(const struct fex_dp *dp, uint16_t port);

/* Worker i's counters now (each value read atomically) and its lcore. */
void fex_dp_worker_stats(const struct fex_dp *dp, unsigned int i,
			 struct fex_dp_stats *out, unsigned int *lcore);
/* Sum of every worker's counters. MT safe. */
void fex_dp_stats_sum(const struct fex_dp *dp, struct fex_dp_stats *out);

/* Mbufs taken from the pools now, and the pools' size. MT safe. */
uint64_t fex_dp_mbufs_in_use(const struct fex_dp *dp);
uint64_t fex_dp_mbufs_total(const struct fex_dp *dp);
/* Free what is left in the hand-off rings, the vNIC ports' tx buffers
 * and the shaper queues; how many. Only after fex_dp_run() returned. */
uint64_t fex_dp_handoff_drain(struct fex_dp *dp);

/* Make rte_eth_remove_{rx,tx}_callback() wait for the workers (see
 * pdump_guard.c). */
void fex_pdump_guard_init(struct fex_dp *dp);

#endif
