/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM -> fabric rate limit, rate_mode shape (SPEC §2): frames over the
 * rate wait instead of being dropped. Between fex_dp_egress() and the
 * send, for a VIF whose profile shapes:
 *   - a vhost vNIC is held back at the source: the worker takes nothing
 *     from the guest's ring while the VIF's bucket is empty, and small
 *     bursts when it is low (fex_dp_shape_want()), so the guest's own
 *     queue fills, its TCP slows down, and nothing is lost;
 *   - other vNICs (af_packet, tap, memif, ...) cannot be held back: what
 *     the bucket does not cover waits in the port's queue (FEX_SHAPER_
 *     QUEUE_MS at the rate, at least the burst), released as tokens come
 *     (fex_dp_shape_release(), once per pass), drop_shaper when full.
 * No timer, no thread: each pass of the worker releases what it can, and
 * a VIF with nothing to release costs nothing.
 *
 * Thread safety: the worker that owns the port, between its table
 * snapshot and its quiescent state; fex_dp_shq_alloc/_free: the control
 * thread, before the port is polled / after its worker stopped polling.
 */
#ifndef FEX_SHAPER_H
#define FEX_SHAPER_H

#include <stdint.h>

#include <rte_mbuf.h>

#define FEX_SHQ_SLOTS	4096	/* frames a port's shaper queue holds */

struct fex_worker;
struct fex_shq;

/* How many frames to take from vNIC `port` now: FEX_BURST unless the
 * port is a vhost vNIC of a shaped VIF, then 0 while its bucket is empty
 * and fewer when it is low (the overdraft is at most that burst). */
uint16_t fex_dp_shape_want(struct fex_worker *w, uint64_t now, uint16_t port);

/* The n frames the last fex_dp_egress() of this worker let through for
 * `port` (tagged, at the front of pkts; its VIF in w->eg_svif): returns how many of them go out now (still at the
 * front, w->eg_len set for fex_dp_egress_send()). For a shaped VIF the
 * bucket pays for them; on a non-vhost vNIC what it cannot pay for, or
 * what would overtake frames already waiting, joins the port's queue
 * (drop_shaper past its limit). */
uint16_t fex_dp_shape(struct fex_worker *w, uint64_t now, uint16_t port,
		      struct rte_mbuf **pkts, uint16_t n);

/* Send what the buckets of the waiting queues cover now (once per pass);
 * a queue whose VIF left its port is flushed, counted drop_shaper. How
 * many frames it moved. */
unsigned int fex_dp_shape_release(struct fex_worker *w, uint64_t now);

/* Frames waiting in port's queue (0 if it has none). */
unsigned int fex_dp_shq_len(const struct fex_worker *w, uint16_t port);

/* Control thread: a queue for a non-vhost vNIC port of worker w (before
 * the port is published to w), and back (after w stopped polling it and
 * released or flushed the queue: see fex_dp_port_detach). 0 / -ENOMEM. */
int fex_dp_shq_alloc(struct fex_worker *w, uint16_t port);
void fex_dp_shq_free(struct fex_worker *w, uint16_t port);

/* Free every queue of w and what waits in it (shutdown, after the loop
 * returned); how many frames. */
uint64_t fex_dp_shq_drain(struct fex_worker *w);

#endif
