/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore loop. One iteration: take the VIF table snapshot, receive a
 * burst from the uplink (fabric -> VM, ingress.h), drain the hand-off
 * rings from the other workers, receive a burst from every owned vNIC
 * port that is due (VM -> fabric, egress.h; an idle one is polled less
 * often) and send it, flush what waits for the vNIC ports, report a
 * quiescent state. What a frame goes through is in
 * egress.c and ingress.c; this file only polls.
 */
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "egress.h"
#include "ingress.h"
#include "shaper.h"

static inline uint16_t
uplink_rx(struct fex_worker *w, uint64_t now)
{
	struct rte_mbuf *pkts[FEX_BURST];
	uint16_t n;

	n = fex_port_rx(w->dp->uplink, (uint16_t)w->id, pkts, FEX_BURST);
	if (n != 0)
		fex_dp_ingress(w, now, pkts, n);
	return n;
}

/* Frames other workers received for our vNICs. */
static inline uint16_t
handoff_rx(struct fex_worker *w, uint64_t now)
{
	struct rte_mbuf *pkts[FEX_BURST];
	unsigned int j, n, moved = 0;

	for (j = 0; j < w->dp->nb_workers; j++) {
		if (w->from[j] == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(w->from[j], (void **)pkts, FEX_BURST, NULL);
		if (n != 0)
			fex_dp_ingress_handoff(w, now, pkts, (uint16_t)n);
		moved += n;
	}
	return (uint16_t)moved;
}

/* VF-per-vNIC: what the VF receives is for its VIF alone. */
static inline uint16_t
vf_rx(struct fex_worker *w, uint64_t now, uint16_t vf)
{
	struct rte_mbuf *pkts[FEX_BURST];
	uint16_t vif = fex_vif_of_port(w->rd.t, w->dp->peer[vf]);
	uint16_t n;

	if (unlikely(vif == 0))
		return 0;	/* VIF not published yet, or being removed */
	n = fex_port_rx(vf, 0, pkts, FEX_BURST);
	if (n != 0)
		fex_dp_ingress_vf(w, now, vif, pkts, n);
	return n;
}

/* Whether the vNIC port is due for a poll. Every poll of a guest's ring
 * costs the library's device, vring and avail-index cache lines, frames
 * or not: with 256 vNICs of which 32 send, the empty polls took about 40 %
 * of the core. A port that was empty FEX_QUIET_AFTER times in a row is
 * polled again after FEX_QUIET_ITERS iterations or FEX_QUIET_US, whichever
 * comes first: its next frame waits at most that long. */
static inline bool
vnic_due(const struct fex_worker *w, uint64_t now, uint16_t port)
{
	const struct fex_quiet *q = &w->quiet[port];

	return likely(q->empty < FEX_QUIET_AFTER) ||
	       (int32_t)((uint32_t)w->st.iterations - q->due_iter) >= 0 ||
	       now >= q->due_tsc;
}

/* What a poll of the port found: n frames. */
static inline void
vnic_polled(struct fex_worker *w, uint64_t now, uint16_t port, uint16_t n)
{
	struct fex_quiet *q = &w->quiet[port];

	if (likely(n != 0)) {
		q->empty = 0;
		return;
	}
	if (q->empty < UINT8_MAX)
		q->empty++;
	if (q->empty >= FEX_QUIET_AFTER) {
		q->due_iter = (uint32_t)w->st.iterations + FEX_QUIET_ITERS;
		q->due_tsc = now + w->dp->quiet_tsc;
	}
}

static inline uint16_t
vnic_rx(struct fex_worker *w, uint64_t now, uint16_t port)
{
	struct rte_mbuf *pkts[FEX_BURST];
	uint16_t n, out, want;

	if (!vnic_due(w, now, port))
		return 0;
	/* A port whose VIF is not in the table yet (being associated) or
	 * any more (being removed) is left alone: its frames wait in the
	 * port rather than being dropped for want of a VIF. */
	if (unlikely(fex_vif_of_port(w->rd.t, port) == 0))
		return 0;
	want = fex_dp_shape_want(w, now, port);
	if (unlikely(want == 0))
		return 0;	/* a shaped guest waits in its ring */
	n = fex_port_rx(port, 0, pkts, want);
	vnic_polled(w, now, port, n);
	if (n == 0)
		return 0;
	out = fex_dp_egress(w, now, port, pkts, n);
	out = fex_dp_shape(w, now, port, pkts, out);
	fex_dp_egress_send(w, port, pkts, out);
	return n;
}

static void
idle_pause(struct fex_worker *w)
{
	fex_vif_reader_offline(&w->rd);
	usleep(w->dp->idle_sleep_us);
	fex_vif_reader_online(&w->rd);
}

int
fex_worker_loop(void *worker_arg)
{
	struct fex_worker *w = worker_arg;
	struct fex_dp *dp = w->dp;
	unsigned int idle = 0;

	while (!__atomic_load_n(&dp->stop, __ATOMIC_RELAXED)) {
		const struct fex_poll_list *pl;
		uint64_t start = rte_rdtsc();
		unsigned int moved = 0;
		uint16_t i;

		fex_vif_reader_snapshot(&w->rd);
		if (unlikely(w->rd.t->gen != w->st.table_gen)) {
			/* when a change reached the data path (stats, bench) */
			__atomic_store_n(&w->st.table_gen_tsc, start, __ATOMIC_RELAXED);
			__atomic_store_n(&w->st.table_gen, w->rd.t->gen, __ATOMIC_RELEASE);
		}
		pl = __atomic_load_n(&w->plist, __ATOMIC_ACQUIRE);
		if (w->has_uplink_queue) {
			/* Many vNICs make a long pass: while the uplink gives
			 * full bursts, take more of them (one per 8 vNICs, up
			 * to 32), so the poll of idle vNICs is paid by more
			 * frames and each vNIC's tx buffer gets more at once.
			 * (One per 2 vNICs was tried: not faster here.) */
			const unsigned int most = RTE_MIN(1u + pl->n / 8u, 32u);
			unsigned int k = 0;
			uint16_t got;

			do {
				got = uplink_rx(w, start);
				moved += got;
			} while (got == FEX_BURST && ++k < most);
		}
		if (dp->nb_workers > 1)
			moved += handoff_rx(w, start);
		if (unlikely(w->backlog_n != 0))
			moved += fex_dp_shape_release(w, start);
		for (i = 0; i < pl->n; i++) {
			uint16_t port = pl->port[i];

			moved += unlikely(dp->is_vf[port]) ? vf_rx(w, start, port) :
				 vnic_rx(w, start, port);
		}
		fex_dp_ingress_flush(w);
		fex_vif_reader_quiescent(&w->rd);

		w->st.iterations++;
		if (moved != 0) {
			w->st.busy_tsc += rte_rdtsc() - start;
			w->st.busy_packets += moved;
			idle = 0;
		} else if (dp->idle_sleep_us != 0 && ++idle >= 64) {
			idle_pause(w);
		}
	}
	return 0;
}
