/* SPDX-License-Identifier: BSD-3-Clause */
/* VM -> fabric shaping (see shaper.h). The bucket pays for a frame as
 * the VM sent it (before the tags), as the policer does. */
#include <errno.h>

#include <rte_malloc.h>

#include "dp_priv.h"
#include "egress.h"
#include "shaper.h"

/* The shaped VIF of port in this worker's snapshot, or NULL (and *vif 0
 * when the port has no VIF). */
static inline const struct fex_profile_rt *
shaped(const struct fex_worker *w, uint16_t port, uint16_t *vif)
{
	const struct fex_vif_table *t = w->rd.t;
	const struct fex_profile_rt *p;

	*vif = fex_vif_of_port(t, port);
	if (*vif == 0)
		return NULL;
	p = fex_vif_profile(t, fex_vif_entry(t, *vif));
	return p->shape ? p : NULL;
}

uint16_t
fex_dp_shape_want(struct fex_worker *w, uint64_t now, uint16_t port)
{
	const struct fex_profile_rt *p;
	struct fex_shaper *s;
	uint16_t vif;

	if (likely(port < FEX_PORT_VHOST_BASE))
		return FEX_BURST;
	p = shaped(w, port, &vif);
	if (likely(p == NULL))
		return FEX_BURST;
	s = &w->rd.t->rt[vif].shaper;
	fex_shaper_refill(s, &p->meter, now);
	if (!fex_shaper_open(s))
		return 0;	/* the guest waits in its own ring */
	/* a low bucket takes a small burst: the overdraft stays small */
	return (uint16_t)RTE_MIN((int64_t)FEX_BURST, 1 + s->tokens / RTE_ETHER_MAX_LEN);
}

static inline void
shq_push(struct fex_shq *q, struct rte_mbuf *m, uint32_t len)
{
	q->m[(q->head + q->n) % FEX_SHQ_SLOTS] = m;
	q->n++;
	q->bytes += len;
}

static inline struct rte_mbuf *
shq_pop(struct fex_shq *q)
{
	struct rte_mbuf *m = q->m[q->head];

	q->head = (uint16_t)((q->head + 1) % FEX_SHQ_SLOTS);
	q->n--;
	q->bytes -= rte_pktmbuf_pkt_len(m);
	return m;
}

/* Does the bucket pay for the frame at the head of q (its VM length in
 * hash.usr)? */
static inline bool
head_paid(const struct fex_shq *q, const struct fex_shaper *s,
	  const struct fex_profile_rt *p)
{
	return fex_shaper_covers(s, &p->meter, q->m[q->head]->hash.usr);
}

static void
backlog_add(struct fex_worker *w, struct fex_shq *q, uint16_t port)
{
	if (!q->listed) {
		q->listed = true;
		w->backlog[w->backlog_n++] = port;
	}
}

uint16_t
fex_dp_shape(struct fex_worker *w, uint64_t now, uint16_t port,
	     struct rte_mbuf **pkts, uint16_t n)
{
	/* the VIF and profile fex_dp_egress() just resolved for this burst */
	const uint16_t vif = w->eg_svif;
	const struct fex_vif_table *t = w->rd.t;
	const struct fex_profile_rt *p;
	struct fex_shq *q;
	struct fex_shaper *s;
	uint16_t out = 0, i, dropped = 0;

	if (n == 0)
		return 0;
	p = fex_vif_profile(t, fex_vif_entry(t, vif));
	if (likely(!p->shape))
		return n;
	s = &w->rd.t->rt[vif].shaper;
	q = port < FEX_PORT_VHOST_BASE ? w->shq[port] : NULL;
	if (q == NULL) {
		/* held back at the source (vhost: fex_dp_shape_want()): what
		 * was taken goes, the bucket pays, a debt included */
		for (i = 0; i < n; i++)
			fex_shaper_take(s, w->eg_vmlen[i]);
		return n;
	}
	fex_shaper_refill(s, &p->meter, now);
	if (q->n == 0)
		for (; out < n && fex_shaper_covers(s, &p->meter, w->eg_vmlen[out]); out++)
			fex_shaper_take(s, w->eg_vmlen[out]);
	/* the rest waits, behind what already waits */
	for (i = out; i < n; i++) {
		uint32_t len = w->eg_len[i];

		if (unlikely(q->n == FEX_SHQ_SLOTS || q->bytes + len > p->shq_bytes)) {
			rte_pktmbuf_free(pkts[i]);
			dropped++;
			continue;
		}
		q->vif = vif;
		pkts[i]->hash.usr = w->eg_vmlen[i];	/* what the bucket pays at release */
		shq_push(q, pkts[i], len);
	}
	if (unlikely(dropped != 0))
		fex_vif_cnt_add(&w->rd.cnt[vif], FEX_VIF_CNT_DROP_SHAPER, dropped);
	if (q->n != 0)
		backlog_add(w, q, port);
	return out;
}

/* Free what waits in q, counted on the VIF it waited for. */
static void
shq_flush(struct fex_worker *w, struct fex_shq *q)
{
	uint16_t n = q->n;

	while (q->n != 0)
		rte_pktmbuf_free(shq_pop(q));
	if (q->vif != 0 && n != 0)
		fex_vif_cnt_add(&w->rd.cnt[q->vif], FEX_VIF_CNT_DROP_SHAPER, n);
}

unsigned int
fex_dp_shape_release(struct fex_worker *w, uint64_t now)
{
	struct rte_mbuf *pkts[FEX_BURST];
	unsigned int moved = 0;
	uint16_t i, k = 0;

	for (i = 0; i < w->backlog_n; i++) {
		const uint16_t port = w->backlog[i];
		struct fex_shq *q = w->shq[port];
		const struct fex_profile_rt *p;
		struct fex_shaper *s = NULL;
		uint16_t vif, cnt;

		p = shaped(w, port, &vif);
		if (unlikely(vif != q->vif ||
			     __atomic_load_n(&w->dp->owner[port], __ATOMIC_RELAXED) != (int8_t)w->id)) {
			/* its VIF left the port, or the port is going away */
			shq_flush(w, q);
			q->listed = false;
			continue;
		}
		if (p != NULL) {
			s = &w->rd.t->rt[vif].shaper;
			fex_shaper_refill(s, &p->meter, now);
		}
		/* no longer shaped (rate_mode or rate changed): all of it goes */
		while (q->n != 0 && (s == NULL || head_paid(q, s, p))) {
			for (cnt = 0; cnt < FEX_BURST && q->n != 0 &&
			     (s == NULL || head_paid(q, s, p)); cnt++) {
				pkts[cnt] = shq_pop(q);
				w->eg_len[cnt] = rte_pktmbuf_pkt_len(pkts[cnt]);
				if (s != NULL)
					fex_shaper_take(s, pkts[cnt]->hash.usr);
			}
			w->eg_svif = vif;
			fex_dp_egress_send(w, port, pkts, cnt);
			moved += cnt;
		}
		if (q->n != 0)
			w->backlog[k++] = port;
		else
			q->listed = false;
	}
	w->backlog_n = k;
	return moved;
}

unsigned int
fex_dp_shq_len(const struct fex_worker *w, uint16_t port)
{
	const struct fex_shq *q = w->shq[port];

	return q != NULL ? __atomic_load_n(&q->n, __ATOMIC_RELAXED) : 0;
}

int
fex_dp_shq_alloc(struct fex_worker *w, uint16_t port)
{
	struct fex_shq *q;

	if (port >= FEX_PORT_VHOST_BASE)
		return 0;	/* held back at the source instead */
	q = rte_zmalloc_socket("fex_shq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			       (int)rte_lcore_to_socket_id(w->lcore));
	if (q == NULL)
		return -ENOMEM;
	__atomic_store_n(&w->shq[port], q, __ATOMIC_RELEASE);
	return 0;
}

void
fex_dp_shq_free(struct fex_worker *w, uint16_t port)
{
	struct fex_shq *q = w->shq[port];

	if (q == NULL)
		return;
	w->shq[port] = NULL;
	while (q->n != 0)	/* never listed any more: nobody else frees them */
		rte_pktmbuf_free(shq_pop(q));
	rte_free(q);
}

uint64_t
fex_dp_shq_drain(struct fex_worker *w)
{
	uint64_t n = 0;
	uint16_t p;

	for (p = 0; p < FEX_PORT_MAX; p++)
		if (w->shq[p] != NULL) {
			n += w->shq[p]->n;
			fex_dp_shq_free(w, p);
		}
	w->backlog_n = 0;
	return n;
}
