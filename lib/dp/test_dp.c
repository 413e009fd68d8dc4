/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stage entry points of lib/dp on real mbuf bursts, without ports:
 * fex_dp_egress() (VM -> fabric: the survivors tagged at the front of the
 * burst, nothing sent), fex_dp_ingress() (fabric -> VM: the survivors in
 * the worker's tx buffers, or in the hand-off ring to the worker that owns
 * their port), fex_dp_ingress_handoff() (the owner's side) and
 * fex_dp_ingress_vf(), in every tag format, with exact counters.
 *
 * The fixture is a struct fex_dp built by hand: two workers joined by SPSC
 * hand-off rings, port ids that name no ethdev (nothing is sent), a VIF
 * database whose reader 0 is this thread as worker 0 (offline around the
 * writer actions, so that the writer never waits for it) and reader 1 the
 * same thread as worker 1 (online only around its own calls).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "egress.h"
#include "ingress.h"
#include "fex_test.h"

#define HZ		1000000000ULL	/* the db's timebase: 1 tick = 1 ns */
#define NB_MBUFS	1023
#define SLOTS		FEX_BURST
#define FRAME_MAX	2048
#define NO_VLAN		(-1)
#define UUID		"4f2e9d2a-8b1c-4c55-9a0e-0123456789ab"
#define TCI(pcp, dei, vid) ((uint16_t)((pcp) << 13 | (dei) << 12 | (vid)))

/* vNIC port ids (no ethdev behind them) and their VIFs. */
#define P7	3	/* VIF 7, worker 0 */
#define P8	4	/* VIF 8, worker 0 */
#define P11	5	/* VIF 11, worker 1 */
#define P9	6	/* VIF 9, worker 0 */
#define P_NOVIF	9	/* worker 0, no VIF */
#define P10	10	/* VIF 10, worker 0 */
#define P12	12	/* VIF 12, worker 0, with its own VF P_VF */
#define P13	13	/* VIF 13, polled by no worker */
#define P_VF	20

static struct rte_mempool *pool;
static struct fex_vif_db *db;
static struct fex_dp *dp;
static struct fex_worker *w0, *w1;
static enum fex_tag_mode mode;		/* of the running suite */
static struct rte_ether_addr mac[16];	/* mac[v]: VIF v's MAC */
static const struct rte_ether_addr mac_dst = {{ 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 }};
static const struct rte_ether_addr mac_fab = {{ 0x02, 0x00, 0x5e, 0x20, 0x00, 0x02 }};
static char err[256];

/* The bytes of the frames a test built, by slot: what the VM sent, or
 * what the fabric carried behind the VIF tag. */
static struct {
	uint32_t len;
	uint8_t b[FRAME_MAX];
} fr[SLOTS];

/* ------------------------------------------------------------------ */
/* Checks that report the caller's line                                */

static bool
ok_at(bool cond, unsigned int line, const char *what)
{
	CU_assertImplementation(cond ? CU_TRUE : CU_FALSE, line, what, __FILE__, "",
				CU_FALSE);
	return cond;
}

static bool
expect_at(uint64_t got, uint64_t want, const char *what, unsigned int line)
{
	char msg[240];

	snprintf(msg, sizeof(msg), "%s = %" PRIu64 ", expected %" PRIu64, what, got, want);
	return ok_at(got == want, line, msg);
}

#define OK(cond)		ok_at((cond), __LINE__, #cond)
#define EXPECT(got, want)	expect_at((uint64_t)(got), (uint64_t)(want), #got, __LINE__)

/* Every counter of a VIF (summed over the workers), of a worker, or of a
 * worker's tag errors, against a list where what is not named is 0:
 * VIF_EXPECT(7, V(RX_PACKETS) = 3, V(DROP_VLAN) = 1). */
#define V(c)	[FEX_VIF_CNT_ ## c]
#define D(c)	[FEX_DP_ ## c]
#define E(c)	[FEX_TAG_ERR_ ## c]
#define VIF_EXPECT(vif, ...) \
	vif_expect_at((vif), (const uint64_t[FEX_VIF_CNT_MAX]){ __VA_ARGS__ }, __LINE__)
#define DP_EXPECT(w, ...) \
	dp_expect_at((w), (const uint64_t[FEX_DP_CNT_MAX]){ __VA_ARGS__ }, __LINE__)
#define TAGERR_EXPECT(w, ...) \
	tagerr_expect_at((w), (const uint64_t[FEX_TAG_ERR_MAX]){ __VA_ARGS__ }, __LINE__)

static void
vif_expect_at(uint16_t vif, const uint64_t *want, unsigned int line)
{
	uint64_t got[FEX_VIF_CNT_MAX];
	char what[80];
	unsigned int k;

	if (!expect_at((uint64_t)fex_vif_stats(db, vif, got), 0, "fex_vif_stats", line))
		return;
	for (k = 0; k < FEX_VIF_CNT_MAX; k++) {
		snprintf(what, sizeof(what), "vif %u %s", vif, fex_vif_counter_names[k]);
		expect_at(got[k], want[k], what, line);
	}
}

static void
dp_expect_at(const struct fex_worker *w, const uint64_t *want, unsigned int line)
{
	char what[80];
	unsigned int k;

	for (k = 0; k < FEX_DP_CNT_MAX; k++) {
		snprintf(what, sizeof(what), "worker %u %s", w->id, fex_dp_cnt_names[k]);
		expect_at(w->st.c[k], want[k], what, line);
	}
}

static void
tagerr_expect_at(const struct fex_worker *w, const uint64_t *want, unsigned int line)
{
	char what[80];
	unsigned int k;

	for (k = 0; k < FEX_TAG_ERR_MAX; k++) {
		snprintf(what, sizeof(what), "worker %u tag_err %s", w->id,
			 fex_tag_err_name((int)k));
		expect_at(w->st.tag_err[k], want[k], what, line);
	}
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

/* Slot i: dst, src, [802.1Q vid/pcp/dei], IPv4 EtherType, a payload that
 * differs by slot; len bytes in all (a prefix of that for a runt). */
static void
eth_bytes(unsigned int i, const struct rte_ether_addr *src, int vid, uint8_t pcp,
	  uint8_t dei, uint32_t len)
{
	uint8_t h[RTE_ETHER_HDR_LEN + FEX_VLAN_LEN];
	unsigned int hl = 2 * RTE_ETHER_ADDR_LEN, k;

	memcpy(h, &mac_dst, RTE_ETHER_ADDR_LEN);
	memcpy(h + RTE_ETHER_ADDR_LEN, src, RTE_ETHER_ADDR_LEN);
	if (vid >= 0) {
		fex_tag_wr16(h + hl, FEX_ETHER_TYPE_VLAN);
		fex_tag_wr16(h + hl + 2, TCI(pcp, dei, vid));
		hl += FEX_VLAN_LEN;
	}
	fex_tag_wr16(h + hl, RTE_ETHER_TYPE_IPV4);
	hl += 2;
	for (k = 0; k < len; k++)
		fr[i].b[k] = k < hl ? h[k] : (uint8_t)(k * 7 + i);
	fr[i].len = len;
}

/* An mbuf holding slot i, with `headroom` bytes in front (< 0: the
 * pool's default). */
static struct rte_mbuf *
mbuf_of(unsigned int i, int headroom)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	if (headroom >= 0)
		m->data_off = (uint16_t)headroom;
	d = rte_pktmbuf_append(m, (uint16_t)fr[i].len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, fr[i].b, fr[i].len);
	return m;
}

/* A frame from a VM. */
static struct rte_mbuf *
vm_hr(unsigned int i, const struct rte_ether_addr *src, int vid, uint8_t pcp,
      uint8_t dei, uint32_t len, int headroom)
{
	eth_bytes(i, src, vid, pcp, dei, len);
	return mbuf_of(i, headroom);
}

static struct rte_mbuf *
vm(unsigned int i, const struct rte_ether_addr *src, int vid, uint8_t pcp,
   uint8_t dei, uint32_t len)
{
	return vm_hr(i, src, vid, pcp, dei, len, -1);
}

/* A frame from the fabric without a VIF tag (a VF's, or mode none). */
static struct rte_mbuf *
plain(unsigned int i, int vid, uint8_t pcp, uint32_t len)
{
	eth_bytes(i, &mac_fab, vid, pcp, 0, len);
	return mbuf_of(i, -1);
}

/* Push the suite's downstream VIF tag: grp 0 unicast to dvif, else a
 * flood (VN-Tag p=1, E-Tag GRP=grp) to VIF list dvif, looped from svif
 * when svif != 0 (VN-Tag l=1; E-Tag Ingress_E-CID = svif). */
static struct rte_mbuf *
down(struct rte_mbuf *m, uint8_t grp, uint16_t dvif, uint16_t svif)
{
	struct fex_tag_info ti = {
		.ptr = grp != 0, .grp = grp, .dvif = dvif,
		.looped = svif != 0, .svif = svif,
	};

	CU_ASSERT_EQUAL_FATAL(fex_tag_push_down(m, mode, &ti), 0);
	return m;
}

/* A unicast frame from the fabric to dvif; slot i holds what is behind
 * the VIF tag. */
static struct rte_mbuf *
fab(unsigned int i, uint16_t dvif, int vid, uint8_t pcp, uint32_t len)
{
	return down(plain(i, vid, pcp, len), 0, dvif, 0);
}

static struct rte_mbuf *
flood(unsigned int i, uint8_t grp, uint16_t list, uint16_t svif, int vid,
      uint32_t len)
{
	return down(plain(i, vid, 0, len), grp, list, svif);
}

/* Move everything after the first `first` bytes into a second segment. */
static struct rte_mbuf *
split(struct rte_mbuf *m, uint16_t first)
{
	struct rte_mbuf *t = rte_pktmbuf_alloc(pool);
	uint16_t rest = (uint16_t)(m->data_len - first);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	d = rte_pktmbuf_append(t, rest);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, rte_pktmbuf_mtod_offset(m, char *, first), rest);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(m, rest), 0);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, t), 0);
	return m;
}

static uint64_t
sum_len(struct rte_mbuf *const *pkts, unsigned int n)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		s += rte_pktmbuf_pkt_len(pkts[i]);
	return s;
}

/*
 * m is slot i as egress sends it: the MACs, the upstream VIF tag of md
 * (svif; E-Tag E-PCP epcp), an 802.1Q tag with TCI tci (inserted for an
 * untagged frame, in place of the frame's own for a tagged one), then the
 * rest of the frame as the VM sent it.
 */
static void
check_up_at(const struct rte_mbuf *m, enum fex_tag_mode md, unsigned int i,
	    uint16_t svif, uint8_t epcp, uint16_t tci, unsigned int line)
{
	const uint8_t *o = fr[i].b;
	const uint32_t olen = fr[i].len;
	const bool otag = olen >= RTE_ETHER_HDR_LEN + FEX_VLAN_LEN &&
			  fex_tag_rd16(o + FEX_TAG_MAC_LEN) == FEX_ETHER_TYPE_VLAN;
	const unsigned int tl = fex_tag_len(md);
	const unsigned int rest = FEX_TAG_MAC_LEN + (otag ? FEX_VLAN_LEN : 0);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *q = p + FEX_TAG_MAC_LEN + tl;

	expect_at(m->nb_segs, 1, "nb_segs", line);
	if (!expect_at(rte_pktmbuf_pkt_len(m), olen - rest + FEX_TAG_MAC_LEN + tl +
		       FEX_VLAN_LEN, "tagged pkt_len", line) ||
	    !expect_at(m->data_len, rte_pktmbuf_pkt_len(m), "data_len", line))
		return;
	ok_at(memcmp(p, o, FEX_TAG_MAC_LEN) == 0, line, "MACs as sent");
	if (md == FEX_TAG_VNTAG) {
		uint16_t hi = fex_tag_rd16(p + 14), lo = fex_tag_rd16(p + 16);

		expect_at(fex_tag_rd16(p + 12), 0x8926, "VN-Tag EtherType", line);
		expect_at(hi >> 15, 0, "VN-Tag d", line);
		expect_at((hi >> 14) & 1, 0, "VN-Tag p", line);
		expect_at(hi & 0x3fff, 0, "VN-Tag dvif", line);
		expect_at(lo >> 15, 0, "VN-Tag l", line);
		expect_at((lo >> 14) & 1, 0, "VN-Tag r", line);
		expect_at((lo >> 12) & 3, 0, "VN-Tag ver", line);
		expect_at(lo & 0xfff, svif, "VN-Tag svif", line);
	} else if (md == FEX_TAG_ETAG) {
		uint16_t e0 = fex_tag_rd16(p + 14), e1 = fex_tag_rd16(p + 16);

		expect_at(fex_tag_rd16(p + 12), 0x893F, "E-Tag EtherType", line);
		expect_at(e0 >> 13, epcp, "E-Tag E-PCP", line);
		expect_at((e0 >> 12) & 1, 0, "E-Tag E-DEI", line);
		expect_at(e0 & 0xfff, 0, "E-Tag Ingress_E-CID_base", line);
		expect_at(e1 >> 14, 0, "E-Tag resv", line);
		expect_at((e1 >> 12) & 3, 0, "E-Tag GRP", line);
		expect_at(e1 & 0xfff, svif, "E-Tag E-CID_base", line);
		expect_at(p[18], 0, "E-Tag Ingress_E-CID_ext", line);
		expect_at(p[19], 0, "E-Tag E-CID_ext", line);
	}
	expect_at(fex_tag_rd16(q), FEX_ETHER_TYPE_VLAN, "802.1Q TPID", line);
	expect_at(fex_tag_rd16(q + 2), tci, "802.1Q TCI", line);
	ok_at(memcmp(q + FEX_VLAN_LEN, o + rest, olen - rest) == 0, line,
	      "rest of the frame as sent");
}

#define CHECK_UP(m, md, i, svif, epcp, tci) \
	check_up_at((m), (md), (i), (svif), (epcp), (tci), __LINE__)

/* m is slot i as the VM gets it: VIF tag gone, and the 802.1Q tag too
 * when strip. */
static void
check_frame_at(const struct rte_mbuf *m, unsigned int i, bool strip, unsigned int line)
{
	const uint8_t *o = fr[i].b;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint32_t want = fr[i].len - (strip ? FEX_VLAN_LEN : 0);

	expect_at(m->nb_segs, 1, "nb_segs", line);
	if (!expect_at(rte_pktmbuf_pkt_len(m), want, "delivered pkt_len", line) ||
	    !expect_at(m->data_len, want, "data_len", line))
		return;
	if (strip)
		ok_at(memcmp(p, o, FEX_TAG_MAC_LEN) == 0 &&
		      memcmp(p + FEX_TAG_MAC_LEN, o + FEX_TAG_MAC_LEN + FEX_VLAN_LEN,
			     want - FEX_TAG_MAC_LEN) == 0,
		      line, "frame as the fabric sent it, 802.1Q tag stripped");
	else
		ok_at(memcmp(p, o, want) == 0, line, "frame as the fabric sent it");
}

#define CHECK_FRAME(m, i, strip) check_frame_at((m), (i), (strip), __LINE__)

/* Entry k of worker w's tx buffer for port is slot i for VIF vif. */
static void
check_tx_at(const struct fex_worker *w, uint16_t port, unsigned int k, uint16_t vif,
	    unsigned int i, bool strip, unsigned int line)
{
	const struct fex_txbuf *b = &w->txbuf[port];

	if (!ok_at(k < b->n, line, "frame in the tx buffer"))
		return;
	expect_at(b->vif[k], vif, "txbuf vif", line);
	expect_at(b->len[k], rte_pktmbuf_pkt_len(b->m[k]), "txbuf len", line);
	check_frame_at(b->m[k], i, strip, line);
}

#define CHECK_TX(w, port, k, vif, i, strip) \
	check_tx_at((w), (port), (k), (vif), (i), (strip), __LINE__)

/* m and o are the same frame, byte for byte, at the same place. */
static void
same_frame_at(const struct rte_mbuf *m, const struct rte_mbuf *o, unsigned int line)
{
	expect_at(m->nb_segs, o->nb_segs, "nb_segs", line);
	expect_at(m->data_off, o->data_off, "data_off", line);
	expect_at(m->data_len, o->data_len, "data_len", line);
	if (expect_at(rte_pktmbuf_pkt_len(m), rte_pktmbuf_pkt_len(o), "pkt_len", line))
		ok_at(memcmp(rte_pktmbuf_mtod(m, const void *),
			     rte_pktmbuf_mtod(o, const void *), m->data_len) == 0,
		      line, "same bytes");
}

#define SAME_FRAME(m, o) same_frame_at((m), (o), __LINE__)

/* ------------------------------------------------------------------ */
/* The control side (the writer) and the stages                        */

static void
writer_begin(void)
{
	fex_vif_reader_offline(&w0->rd);	/* the writer must not wait for us */
}

static void
writer_end(void)
{
	fex_vif_reader_online(&w0->rd);
	fex_vif_reader_snapshot(&w0->rd);
}

static void
writer_check(int rc, const char *what)
{
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", what, err);
	CU_ASSERT_EQUAL_FATAL(rc < 0 ? rc : 0, 0);
}

static struct fex_profile
prof(const char *name, uint16_t native)
{
	struct fex_profile p;

	fex_profile_defaults(&p);
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.native_vlan = native;
	return p;
}

static void
profile_put(const struct fex_profile *p)
{
	int rc;

	writer_begin();
	rc = fex_profile_set(db, NULL, p, err, sizeof(err));
	writer_end();
	writer_check(rc, "profile.set");
}

static void
vif_put(uint16_t vif, uint16_t port, const char *profile, bool assoc)
{
	char spec[32];
	struct fex_vif_assoc a = {
		.vif = vif, .port_id = port, .port_spec = spec, .mac = mac[vif],
		.instance_uuid = UUID, .profile = profile,
	};
	int rc;

	snprintf(spec, sizeof(spec), "ring:vnic%u", port);
	writer_begin();
	rc = assoc ? fex_vif_associate(db, &a, err, sizeof(err)) :
		fex_vif_preassociate(db, &a, err, sizeof(err));
	writer_end();
	writer_check(rc, "vif.associate");
}

static void
vif_del(uint16_t vif)
{
	int rc;

	writer_begin();
	rc = fex_vif_disassociate(db, vif, err, sizeof(err));
	writer_end();
	writer_check(rc, "vif.disassociate");
}

static void
viflist_put(uint16_t id, const uint16_t *vifs, unsigned int n)
{
	int rc;

	writer_begin();
	rc = fex_viflist_set(db, id, vifs, n, err, sizeof(err));
	writer_end();
	writer_check(rc, "viflist.set");
}

static void
uplink_put(bool up)
{
	int rc;

	writer_begin();
	rc = fex_vif_uplink_set(db, up);
	writer_end();
	writer_check(rc, "uplink");
}

static enum fex_vif_state
vif_state(uint16_t vif)
{
	return fex_vif_entry(fex_vif_reader_snapshot(&w0->rd), vif)->state;
}

/* Worker 0, one burst: snapshot, stage, quiescent - as its loop does. */
static uint16_t
egress(uint16_t port, uint64_t now, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t out;

	fex_vif_reader_snapshot(&w0->rd);
	out = fex_dp_egress(w0, now, port, pkts, n);
	fex_vif_reader_quiescent(&w0->rd);
	return out;
}

static void
ingress(uint64_t now, struct rte_mbuf **pkts, uint16_t n)
{
	fex_vif_reader_snapshot(&w0->rd);
	fex_dp_ingress(w0, now, pkts, n);
	fex_vif_reader_quiescent(&w0->rd);
}

static void
ingress_vf(uint64_t now, uint16_t vif, struct rte_mbuf **pkts, uint16_t n)
{
	fex_vif_reader_snapshot(&w0->rd);
	fex_dp_ingress_vf(w0, now, vif, pkts, n);
	fex_vif_reader_quiescent(&w0->rd);
}

/* What worker 0 handed worker 1 (its hand-off ring, in order). */
static uint16_t
ring_take(struct rte_mbuf **pkts)
{
	return (uint16_t)rte_ring_sc_dequeue_burst(w1->from[0], (void **)pkts,
						   FEX_BURST, NULL);
}

/* Worker 1 takes those frames, online only for that. */
static void
handoff(uint64_t now, struct rte_mbuf **pkts, uint16_t n)
{
	fex_vif_reader_online(&w1->rd);
	fex_vif_reader_snapshot(&w1->rd);
	fex_dp_ingress_handoff(w1, now, pkts, n);
	fex_vif_reader_quiescent(&w1->rd);
	fex_vif_reader_offline(&w1->rd);
}

static const struct fex_txbuf *
txb(const struct fex_worker *w, uint16_t port)
{
	return &w->txbuf[port];
}

/* Free what waits in w's tx buffers and hand-off rings; a port with
 * frames must be on the dirty list. */
static void
worker_drain(struct fex_worker *w)
{
	struct rte_mbuf *m;
	unsigned int p, j, k;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		struct fex_txbuf *b = &w->txbuf[p];
		bool listed = false;

		if (b->n == 0)
			continue;
		for (k = 0; k < w->dirty_n; k++)
			listed = listed || w->dirty[k] == p;
		ok_at(listed, __LINE__, "a port with frames is on the dirty list");
		rte_pktmbuf_free_bulk(b->m, b->n);
		b->n = 0;
	}
	w->dirty_n = 0;
	for (j = 0; j < FEX_WORKERS_MAX; j++)
		while (w->from[j] != NULL && rte_ring_dequeue(w->from[j], (void **)&m) == 0)
			rte_pktmbuf_free(m);
}

static int
clean_vif(const struct fex_vif_info *v, void *arg)
{
	RTE_SET_USED(arg);
	return fex_vif_disassociate(db, v->vif, NULL, 0);
}

static int
clean_viflist(uint16_t id, const uint16_t *vifs, unsigned int n, void *arg)
{
	RTE_SET_USED(vifs);
	RTE_SET_USED(n);
	RTE_SET_USED(arg);
	return fex_viflist_delete(db, id, NULL, 0);
}

static int
clean_profile(const struct fex_profile *p, unsigned int n, void *arg)
{
	RTE_SET_USED(n);
	RTE_SET_USED(arg);
	return fex_profile_delete(db, NULL, p->name, NULL, 0);
}

/* Every test starts from nothing: no VIF, list or profile, uplink up,
 * the suite's tag mode, no uplink MTU, no VF, zero worker counters. */
static void
begin(void)
{
	writer_begin();
	fex_vif_uplink_set(db, true);
	while (fex_vif_foreach(db, clean_vif, NULL) != 0)
		;
	while (fex_viflist_foreach(db, clean_viflist, NULL) != 0)
		;
	while (fex_profile_foreach(db, clean_profile, NULL) != 0)
		;
	writer_end();
	dp->mode = mode;
	dp->uplink_frame_max = 0;
	memset(dp->owner, -1, sizeof(dp->owner));
	memset(dp->peer, 0xff, sizeof(dp->peer));
	memset(dp->is_vf, 0, sizeof(dp->is_vf));
	dp->owner[P7] = dp->owner[P8] = dp->owner[P9] = dp->owner[P10] = 0;
	dp->owner[P_NOVIF] = dp->owner[P12] = dp->owner[P_VF] = 0;
	dp->owner[P11] = 1;
	worker_drain(w0);
	worker_drain(w1);
	memset(&w0->st, 0, sizeof(w0->st));
	memset(&w1->st, 0, sizeof(w1->st));
}

/* Every test ends with nothing left: what the stages kept is freed, the
 * tag error detail adds up, and no mbuf is missing from the pool. */
static void
end(void)
{
	struct fex_worker *ws[] = { w0, w1 };
	unsigned int i, k;

	for (i = 0; i < RTE_DIM(ws); i++) {
		uint64_t s = 0;

		for (k = 0; k < FEX_TAG_ERR_MAX; k++)
			s += ws[i]->st.tag_err[k];
		EXPECT(s, ws[i]->st.c[FEX_DP_DROP_MALFORMED] +
		       ws[i]->st.c[FEX_DP_DROP_DIRECTION]);
		worker_drain(ws[i]);
	}
	EXPECT(rte_mempool_in_use_count(pool), 0);
}

/* ------------------------------------------------------------------ */
/* Egress: VM -> fabric                                                */

static void
test_eg_inactive(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	begin();
	profile_put(&p);
	vif_put(7, P7, "p", false);		/* preassociated */
	for (i = 0; i < 3; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 3), 0);
	EXPECT(w0->eg_svif, 7);
	VIF_EXPECT(7, V(RX_PACKETS) = 3, V(RX_BYTES) = 300, V(DROP_INACTIVE) = 3);

	/* associated, profile disabled: tagged or not */
	vif_del(7);
	p.enabled = false;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	EXPECT(vif_state(7), FEX_VIF_ASSOCIATED);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 200);
	EXPECT(egress(P7, 0, pk, 2), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 2, V(RX_BYTES) = 300, V(DROP_INACTIVE) = 2);

	/* uplink down and the profile says link-down: the VIF is down */
	p.enabled = true;
	profile_put(&p);
	uplink_put(false);
	EXPECT(vif_state(7), FEX_VIF_DOWN);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 200);
	EXPECT(egress(P7, 0, pk, 2), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 600, V(DROP_INACTIVE) = 4);

	/* the profile says warning now: the VIF forwards, uplink down or not */
	p.uplink_fail_action = FEX_UPLINK_FAIL_WARNING;
	profile_put(&p);
	EXPECT(vif_state(7), FEX_VIF_ASSOCIATED);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 1), 1);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 5, V(RX_BYTES) = 700, V(DROP_INACTIVE) = 4);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_mac_forging(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[4];

	begin();
	p.mac_forging = FEX_MAC_FORGING_DENY;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 80);
	pk[1] = vm(1, &mac[8], NO_VLAN, 0, 0, 80);
	pk[2] = vm(2, &mac[7], 10, 1, 0, 90);
	pk[3] = vm(3, &mac[8], 10, 1, 0, 90);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), 2);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[2]);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 2, 7, 1, TCI(1, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 340, V(DROP_MAC_FORGED) = 2);

	/* allow: the other MAC goes too */
	p.mac_forging = FEX_MAC_FORGING_ALLOW;
	profile_put(&p);
	pk[0] = vm(0, &mac[8], NO_VLAN, 0, 0, 80);
	pk[1] = vm(1, &mac[8], 10, 1, 0, 90);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 1, 7, 1, TCI(1, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 6, V(RX_BYTES) = 510, V(DROP_MAC_FORGED) = 2);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_native(void)
{
	static const uint32_t lens[] = { 60, 64, 200, 1400 };
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	begin();
	p.cos = 5;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	for (i = 0; i < RTE_DIM(lens); i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, lens[i]);
	EXPECT(egress(P7, 0, pk, RTE_DIM(lens)), RTE_DIM(lens));
	for (i = 0; i < RTE_DIM(lens); i++) {
		CHECK_UP(pk[i], mode, i, 7, 5, TCI(5, 0, 10));
		EXPECT(w0->eg_len[i], lens[i] + fex_tag_len(mode) + FEX_VLAN_LEN);
	}
	rte_pktmbuf_free_bulk(pk, RTE_DIM(lens));

	/* cos absent: PCP 0, E-PCP 0 */
	p.cos = FEX_COS_LEAVE;
	profile_put(&p);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 1), 1);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 5, V(RX_BYTES) = 1824);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_no_native(void)
{
	struct fex_profile p = prof("p", 0);
	struct rte_mbuf *pk[FEX_BURST], *keep[4];

	begin();
	fex_vlan_set(p.vlans, 10);
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 100);
	pk[2] = vm(2, &mac[7], 0, 3, 0, 100);	/* priority-tagged */
	pk[3] = vm(3, &mac[7], 10, 0, 0, 100);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), 1);
	OK(pk[0] == keep[3]);
	CHECK_UP(pk[0], mode, 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	/* a burst of untagged frames only */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 6, V(RX_BYTES) = 600, V(DROP_VLAN) = 5);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_tagged(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[5];

	begin();
	fex_vlan_set(p.vlans, 20);
	p.cos = 3;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], 20, 6, 1, 100);
	pk[1] = vm(1, &mac[7], 10, 3, 0, 120);
	pk[2] = vm(2, &mac[7], 30, 0, 0, 140);
	pk[3] = vm(3, &mac[7], 4095, 0, 0, 160);
	pk[4] = vm(4, &mac[7], 20, 0, 0, 180);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 5), 3);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[1]);
	OK(pk[2] == keep[4]);
	CHECK_UP(pk[0], mode, 0, 7, 3, TCI(3, 1, 20));	/* CoS in, DEI kept */
	CHECK_UP(pk[1], mode, 1, 7, 3, TCI(3, 0, 10));	/* already right */
	CHECK_UP(pk[2], mode, 4, 7, 3, TCI(3, 0, 20));
	rte_pktmbuf_free_bulk(pk, 3);

	/* cos absent: PCP and DEI as sent, E-PCP = PCP */
	p.cos = FEX_COS_LEAVE;
	profile_put(&p);
	pk[0] = vm(0, &mac[7], 20, 6, 1, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 6, TCI(6, 1, 20));
	CHECK_UP(pk[1], mode, 1, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 7, V(RX_BYTES) = 900, V(DROP_VLAN) = 2);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_priority(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];

	begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], 0, 2, 1, 100);
	pk[1] = vm(1, &mac[7], 0, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 2, TCI(2, 1, 10));	/* native VID, PCP, DEI kept */
	CHECK_UP(pk[1], mode, 1, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	p.cos = 4;
	profile_put(&p);
	pk[0] = vm(0, &mac[7], 0, 2, 1, 100);
	EXPECT(egress(P7, 0, pk, 1), 1);
	CHECK_UP(pk[0], mode, 0, 7, 4, TCI(4, 1, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 3, V(RX_BYTES) = 300);
	DP_EXPECT(w0, 0);
	end();
}

/* 8 kbps = 1000 B/s: one token per ms at HZ. */
static void
test_eg_policer(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[10];
	uint64_t now = 5 * HZ;
	unsigned int i;

	begin();
	p.rate_kbps = 8;
	p.burst_bytes = 2000;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	/* a full bucket holds 6 of 10 frames of 300 B */
	for (i = 0; i < 10; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 300);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, now, pk, 10), 6);
	for (i = 0; i < 6; i++) {
		OK(pk[i] == keep[i]);
		CHECK_UP(pk[i], mode, i, 7, 0, TCI(0, 0, 10));
	}
	rte_pktmbuf_free_bulk(pk, 6);
	VIF_EXPECT(7, V(RX_PACKETS) = 10, V(RX_BYTES) = 3000, V(DROP_POLICER) = 4);

	/* 100 ms later: 200 + 100 B, one more frame */
	now += HZ / 10;
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 300);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 300);
	EXPECT(egress(P7, now, pk, 2), 1);
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 12, V(RX_BYTES) = 3600, V(DROP_POLICER) = 5);

	/* 10 s later the bucket is full: a burst of 1500 B goes whole, and
	 * of the next two at the same time one fits in the 500 B left */
	now += 10 * HZ;
	for (i = 0; i < 5; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 300);
	EXPECT(egress(P7, now, pk, 5), 5);
	rte_pktmbuf_free_bulk(pk, 5);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 300);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 300);
	EXPECT(egress(P7, now, pk, 2), 1);
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 19, V(RX_BYTES) = 5700, V(DROP_POLICER) = 6);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_headroom(void)
{
	const unsigned int tl = fex_tag_len(mode), add = tl + FEX_VLAN_LEN;
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[4];
	unsigned int n_ok = tl == 0 ? 3 : 2;

	begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm_hr(1, &mac[7], NO_VLAN, 0, 0, 100, (int)add - 1);
	/* tagged: only the VIF tag to push (nothing at all in mode none) */
	pk[2] = vm_hr(2, &mac[7], 10, 0, 0, 100, tl == 0 ? 0 : (int)tl - 1);
	pk[3] = vm_hr(3, &mac[7], NO_VLAN, 0, 0, 100, (int)add);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), n_ok);
	OK(pk[0] == keep[0]);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	if (tl == 0) {
		OK(pk[1] == keep[2]);
		CHECK_UP(pk[1], mode, 2, 7, 0, TCI(0, 0, 10));
	}
	OK(pk[n_ok - 1] == keep[3]);
	CHECK_UP(pk[n_ok - 1], mode, 3, 7, 0, TCI(0, 0, 10));
	EXPECT(pk[n_ok - 1]->data_off, 0);
	rte_pktmbuf_free_bulk(pk, n_ok);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 400, V(DROP_NO_HEADROOM) = 4 - n_ok);

	/* the common burst, with just the headroom it needs */
	pk[0] = vm_hr(0, &mac[7], NO_VLAN, 0, 0, 100, (int)add);
	pk[1] = vm_hr(1, &mac[7], NO_VLAN, 0, 0, 60, (int)add);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 1, 7, 0, TCI(0, 0, 10));
	EXPECT(pk[0]->data_off, 0);
	EXPECT(pk[1]->data_off, 0);
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 6, V(RX_BYTES) = 560, V(DROP_NO_HEADROOM) = 4 - n_ok);
	DP_EXPECT(w0, 0);
	end();
}

static void
test_eg_runt(void)
{
	struct fex_profile p = prof("p", 10);	/* a runt passes every rule */
	struct rte_mbuf *pk[FEX_BURST], *keep[4];

	begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 1);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 10);
	pk[2] = vm(2, &mac[7], NO_VLAN, 0, 0, 13);
	pk[3] = vm(3, &mac[7], NO_VLAN, 0, 0, 60);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), 1);
	OK(pk[0] == keep[3]);
	CHECK_UP(pk[0], mode, 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 84);
	DP_EXPECT(w0, D(DROP_RUNT) = 3);
	end();
}

static void
test_eg_no_vif(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	for (i = 0; i < 5; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P_NOVIF, 0, pk, 5), 0);
	EXPECT(w0->eg_svif, 0);
	DP_EXPECT(w0, D(DROP_NO_VIF) = 5);
	/* the port of a VIF that is gone */
	vif_del(7);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 0);
	DP_EXPECT(w0, D(DROP_NO_VIF) = 7);
	VIF_EXPECT(7, 0);
	end();
}

static void
test_eg_mtu(void)
{
	const unsigned int tl = fex_tag_len(mode), add = tl + FEX_VLAN_LEN;
	const uint32_t lmax = 1514 - add;	/* untagged, at the limit once tagged */
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[5];
	uint64_t bytes;

	begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	dp->uplink_frame_max = 1514;		/* MTU 1500 */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, lmax);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, lmax + 1);
	pk[2] = vm(2, &mac[7], NO_VLAN, 0, 0, 100);
	pk[3] = vm(3, &mac[7], 10, 0, 0, 1514 - tl);
	pk[4] = vm(4, &mac[7], 10, 0, 0, 1515 - tl);
	memcpy(keep, pk, sizeof(keep));
	bytes = sum_len(pk, 5);
	EXPECT(egress(P7, 0, pk, 5), 3);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[2]);
	OK(pk[2] == keep[3]);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 1514);
	EXPECT(rte_pktmbuf_pkt_len(pk[2]), 1514);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 2, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[2], mode, 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 3);
	VIF_EXPECT(7, V(RX_PACKETS) = 5, V(RX_BYTES) = bytes, V(DROP_OVERSIZE) = 2);

	/* the common burst: at the limit passes, one byte more does not */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, lmax);
	EXPECT(egress(P7, 0, pk, 1), 1);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 1514);
	rte_pktmbuf_free(pk[0]);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, lmax + 1);
	EXPECT(egress(P7, 0, pk, 1), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 7, V(RX_BYTES) = bytes + 2 * lmax + 1,
		   V(DROP_OVERSIZE) = 3);
	DP_EXPECT(w0, 0);
	end();
}

/* A vNIC with a VF of its own: untagged by fexpath (the adapter tags),
 * and the uplink MTU is not its limit. */
static void
test_eg_vf(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];

	begin();
	p.cos = 1;
	profile_put(&p);
	vif_put(12, P12, "p", true);
	dp->peer[P12] = P_VF;
	dp->peer[P_VF] = P12;
	dp->is_vf[P_VF] = 1;
	dp->uplink_frame_max = 1514;
	pk[0] = vm(0, &mac[12], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[12], NO_VLAN, 0, 0, 1600);
	EXPECT(egress(P12, 0, pk, 2), 2);
	CHECK_UP(pk[0], FEX_TAG_NONE, 0, 12, 1, TCI(1, 0, 10));
	CHECK_UP(pk[1], FEX_TAG_NONE, 1, 12, 1, TCI(1, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	pk[0] = vm(2, &mac[12], 10, 5, 1, 200);
	EXPECT(egress(P12, 0, pk, 1), 1);
	CHECK_UP(pk[0], FEX_TAG_NONE, 2, 12, 1, TCI(1, 1, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(12, V(RX_PACKETS) = 3, V(RX_BYTES) = 1900);
	DP_EXPECT(w0, 0);
	end();
}

/* One burst of everything: per-frame verdicts, survivors in order. */
static void
test_eg_mixed(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[8];
	uint64_t bytes;
	unsigned int k;

	begin();
	fex_vlan_set(p.vlans, 20);
	p.cos = 2;
	p.mac_forging = FEX_MAC_FORGING_DENY;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);		/* pass */
	pk[1] = vm(1, &mac[7], 20, 5, 0, 110);			/* pass */
	pk[2] = vm(2, &mac[7], 30, 0, 0, 120);			/* drop_vlan */
	pk[3] = vm(3, &mac[8], NO_VLAN, 0, 0, 130);		/* drop_mac_forged */
	pk[4] = vm(4, &mac[7], 0, 7, 1, 140);			/* pass, native VID */
	/* a runt has no source MAC: under deny it is not the VIF's */
	pk[5] = vm(5, &mac[7], NO_VLAN, 0, 0, 8);		/* drop_mac_forged */
	pk[6] = vm_hr(6, &mac[7], NO_VLAN, 0, 0, 150, 1);	/* drop_no_headroom */
	pk[7] = vm(7, &mac[7], NO_VLAN, 0, 0, 160);		/* pass */
	memcpy(keep, pk, sizeof(keep));
	bytes = sum_len(pk, 8);
	EXPECT(egress(P7, 0, pk, 8), 4);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[1]);
	OK(pk[2] == keep[4]);
	OK(pk[3] == keep[7]);
	CHECK_UP(pk[0], mode, 0, 7, 2, TCI(2, 0, 10));
	CHECK_UP(pk[1], mode, 1, 7, 2, TCI(2, 0, 20));
	CHECK_UP(pk[2], mode, 4, 7, 2, TCI(2, 1, 10));
	CHECK_UP(pk[3], mode, 7, 7, 2, TCI(2, 0, 10));
	for (k = 0; k < 4; k++)
		EXPECT(w0->eg_len[k], rte_pktmbuf_pkt_len(pk[k]));
	rte_pktmbuf_free_bulk(pk, 4);
	VIF_EXPECT(7, V(RX_PACKETS) = 8, V(RX_BYTES) = bytes, V(DROP_VLAN) = 1,
		   V(DROP_MAC_FORGED) = 2, V(DROP_NO_HEADROOM) = 1);
	DP_EXPECT(w0, 0);
	end();
}

/* The same untagged frames through the common burst (a) and frame by
 * frame (b: one tagged frame at the end; c: a dropped frame in the
 * middle) come out byte for byte the same. */
static void
fast_vs_slow(int tagged_vid, bool deny)
{
	static const uint32_t lens[] = { 60, 64, 128, 512, 1500 };
	static const unsigned int corder[] = { 0, 1, 6, 2, 3, 4 };
	struct rte_mbuf *a[6], *b[6], *c[6];
	uint32_t la[RTE_DIM(lens)];
	unsigned int i;

	for (i = 0; i < RTE_DIM(lens); i++)
		eth_bytes(i, &mac[7], NO_VLAN, 0, 0, lens[i]);
	eth_bytes(5, &mac[7], tagged_vid, 3, 0, 100);
	eth_bytes(6, &mac[8], NO_VLAN, 0, 0, 100);	/* forged */
	for (i = 0; i < RTE_DIM(lens); i++)
		a[i] = mbuf_of(i, -1);
	EXPECT(egress(P7, 0, a, RTE_DIM(lens)), RTE_DIM(lens));
	memcpy(la, w0->eg_len, sizeof(la));
	for (i = 0; i < 6; i++)
		b[i] = mbuf_of(i, -1);
	EXPECT(egress(P7, 0, b, 6), 6);
	for (i = 0; i < RTE_DIM(lens); i++) {
		SAME_FRAME(b[i], a[i]);
		EXPECT(w0->eg_len[i], la[i]);
	}
	rte_pktmbuf_free_bulk(b, 6);
	if (deny) {
		for (i = 0; i < 6; i++)
			c[i] = mbuf_of(corder[i], -1);
		EXPECT(egress(P7, 0, c, 6), 5);
		for (i = 0; i < RTE_DIM(lens); i++) {
			SAME_FRAME(c[i], a[i]);
			EXPECT(w0->eg_len[i], la[i]);
		}
		rte_pktmbuf_free_bulk(c, 5);
	}
	rte_pktmbuf_free_bulk(a, RTE_DIM(lens));
}

static void
test_eg_fast_vs_slow(void)
{
	struct fex_profile p = prof("p", 10);
	const uint64_t lens_sum = 60 + 64 + 128 + 512 + 1500;

	begin();
	p.cos = 6;
	p.mac_forging = FEX_MAC_FORGING_DENY;
	p.rate_kbps = 100000;
	p.burst_bytes = 1000000;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	dp->uplink_frame_max = 1600;
	fast_vs_slow(10, true);
	VIF_EXPECT(7, V(RX_PACKETS) = 17, V(RX_BYTES) = 3 * lens_sum + 200,
		   V(DROP_MAC_FORGED) = 1);

	p = prof("p", 20);
	profile_put(&p);
	dp->uplink_frame_max = 0;
	fast_vs_slow(20, false);
	VIF_EXPECT(7, V(RX_PACKETS) = 28, V(RX_BYTES) = 5 * lens_sum + 300,
		   V(DROP_MAC_FORGED) = 1);
	DP_EXPECT(w0, 0);
	end();
}

/*
 * The old burst/counters test (of the deleted fex_vif_egress_burst /
 * fex_vif_ingress / fex_vif_count_tx), on mbufs through the stages: VIF 7
 * on port 3, MAC forging deny, 8 kbps with a 2000 B bucket.
 */
static void
test_eg_old_burst(void)
{
	struct fex_profile p = prof("pol", 0);
	struct rte_mbuf *pk[FEX_BURST], *keep[8];
	const struct fex_vif_table *t;
	uint64_t bytes;
	unsigned int i;

	begin();
	fex_vlan_set(p.vlans, 10);
	p.mac_forging = FEX_MAC_FORGING_DENY;
	p.rate_kbps = 8;
	p.burst_bytes = 2000;
	profile_put(&p);
	vif_put(7, P7, "pol", true);
	for (i = 0; i < 8; i++)
		pk[i] = vm(i, i == 1 ? &mac[8] : &mac[7],	/* 1: forged */
			   i == 2 ? 99 : 10, 0, 0,		/* 2: VLAN 99 */
			   i == 3 ? 1901 : 100);		/* 3: 1 B over the bucket */
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 8), 5);
	EXPECT(w0->eg_svif, 7);
	OK(pk[0] == keep[0]);
	for (i = 1; i < 5; i++)
		OK(pk[i] == keep[i + 3]);
	for (i = 0; i < 5; i++)
		CHECK_UP(pk[i], mode, i == 0 ? 0 : i + 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 5);

	/* a port with no VIF */
	for (i = 0; i < 8; i++)
		pk[i] = vm(i, &mac[7], 10, 0, 0, 100);
	EXPECT(egress(P_NOVIF, 0, pk, 8), 0);
	EXPECT(w0->eg_svif, 0);

	/* fabric -> VM: VLAN 99 dropped, unknown VIF, VLAN 10 delivered */
	if (mode != FEX_TAG_NONE) {
		pk[0] = fab(0, 7, 99, 0, 100);
		pk[1] = fab(1, 8, 10, 0, 100);
		pk[2] = fab(2, 0, 10, 0, 100);		/* VIF 0 */
		pk[3] = fab(3, 7, 10, 0, 100);
		bytes = sum_len(pk, 4);
		ingress(0, pk, 4);
		DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 4, D(UPLINK_RX_BYTES) = bytes,
			  D(DROP_UNKNOWN_VIF) = 1, D(DROP_MALFORMED) = 1, D(DROP_NO_VIF) = 8);
		TAGERR_EXPECT(w0, E(VIF_ZERO) = 1);
	} else {
		/* the VIF's VF, and the uplink (no VIF tag names a VIF) */
		pk[0] = plain(0, 99, 0, 100);
		pk[1] = plain(3, 10, 0, 100);
		ingress_vf(0, 7, pk, 2);
		pk[0] = plain(1, 10, 0, 100);
		ingress(0, pk, 1);
		DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 1, D(UPLINK_RX_BYTES) = 100,
			  D(DROP_UNKNOWN_VIF) = 1, D(DROP_NO_VIF) = 8);
	}
	/* tx is counted when a port took the frame: nothing sent, none counted */
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 3, false);
	EXPECT(txb(w0, P7)->len[0], 100);
	worker_drain(w0);
	VIF_EXPECT(7, V(RX_PACKETS) = 8, V(RX_BYTES) = 7 * 100 + 1901,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 1);

	/* a profile change keeps the counters and the bucket (500 B spent) */
	p.burst_bytes = 1600;
	profile_put(&p);
	t = fex_vif_reader_snapshot(&w0->rd);
	EXPECT(fex_vif_profile(t, fex_vif_entry(t, 7))->meter.burst_bytes, 1600);
	EXPECT(t->rt[7].egress.srtcm.tc, 1500);
	VIF_EXPECT(7, V(RX_PACKETS) = 8, V(RX_BYTES) = 7 * 100 + 1901,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 1);
	pk[0] = vm(0, &mac[7], 10, 0, 0, 1501);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 1500);
	EXPECT(egress(P7, 0, pk, 2), 1);
	CHECK_UP(pk[0], mode, 1, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 10, V(RX_BYTES) = 7 * 100 + 1901 + 3001,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 2);

	/* counters last until the VIF is created again */
	vif_del(7);
	VIF_EXPECT(7, V(RX_PACKETS) = 10, V(RX_BYTES) = 7 * 100 + 1901 + 3001,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 2);
	vif_put(7, P7, "pol", true);
	VIF_EXPECT(7, 0);
	EXPECT(fex_vif_stats(db, 0, NULL), -EINVAL);

	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_RX_PACKETS], "rx_packets");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_RX_BYTES], "rx_bytes");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_TX_PACKETS], "tx_packets");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_TX_BYTES], "tx_bytes");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_INACTIVE], "drop_inactive");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_MAC_FORGED],
			       "drop_mac_forged");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_VLAN], "drop_vlan");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_POLICER], "drop_policer");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_OVERSIZE], "drop_oversize");
	CU_ASSERT_STRING_EQUAL(fex_dp_cnt_names[FEX_DP_DROP_UNKNOWN_VIF], "drop_unknown_vif");
	CU_ASSERT_STRING_EQUAL(fex_dp_cnt_names[FEX_DP_DROP_MALFORMED], "drop_malformed");
	CU_ASSERT_STRING_EQUAL(fex_dp_cnt_names[FEX_DP_DROP_DIRECTION], "drop_direction");
	for (i = 0; i < FEX_VIF_CNT_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(fex_vif_counter_names[i]);
	for (i = 0; i < FEX_DP_CNT_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(fex_dp_cnt_names[i]);
	end();
}

/* ------------------------------------------------------------------ */
/* Ingress: fabric -> VM                                               */

static void
test_in_unicast(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;

	begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	vif_put(8, P8, "in", true);
	pk[0] = fab(0, 7, 10, 3, 100);		/* native: 802.1Q stripped */
	pk[1] = fab(1, 7, 20, 1, 110);		/* kept */
	pk[2] = fab(2, 8, NO_VLAN, 0, 120);
	pk[3] = fab(3, 7, 10, 3, 130);		/* frame 0's verdict again */
	pk[4] = fab(4, 7, 30, 0, 140);		/* drop_vlan */
	pk[5] = fab(5, 8, 0, 5, 150);		/* priority tag: stripped */
	pk[6] = fab(6, 7, 20, 1, 160);
	pk[7] = fab(7, 7, 20, 1, 170);
	/* a source VIF named on a unicast frame changes nothing */
	pk[8] = down(plain(8, 20, 1, 180), 0, 7, 9);
	bytes = sum_len(pk, 9);
	ingress(0, pk, 9);
	EXPECT(txb(w0, P7)->n, 6);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	CHECK_TX(w0, P7, 1, 7, 1, false);
	CHECK_TX(w0, P7, 2, 7, 3, true);
	CHECK_TX(w0, P7, 3, 7, 6, false);
	CHECK_TX(w0, P7, 4, 7, 7, false);
	CHECK_TX(w0, P7, 5, 7, 8, false);
	EXPECT(txb(w0, P8)->n, 2);
	CHECK_TX(w0, P8, 0, 8, 2, false);
	CHECK_TX(w0, P8, 1, 8, 5, true);
	EXPECT(w0->dirty_n, 2);
	EXPECT(w0->dirty[0], P7);
	EXPECT(w0->dirty[1], P8);
	VIF_EXPECT(7, V(DROP_VLAN) = 1);
	VIF_EXPECT(8, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 9, D(UPLINK_RX_BYTES) = bytes);
	DP_EXPECT(w1, 0);
	end();
}

static void
test_in_native(void)
{
	struct fex_profile n = prof("n", 10), nn = prof("nn", 0);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;

	begin();
	fex_vlan_set(n.vlans, 20);
	fex_vlan_set(nn.vlans, 20);
	profile_put(&n);
	profile_put(&nn);
	vif_put(7, P7, "n", true);
	vif_put(8, P8, "nn", true);
	pk[0] = fab(0, 8, NO_VLAN, 0, 100);	/* no native: drop_vlan */
	pk[1] = fab(1, 8, 0, 2, 100);		/* priority tag, no native */
	pk[2] = fab(2, 8, 20, 2, 100);
	pk[3] = fab(3, 7, NO_VLAN, 0, 100);	/* as the native VLAN */
	pk[4] = fab(4, 7, 10, 6, 100);
	pk[5] = fab(5, 7, 0, 4, 100);
	pk[6] = fab(6, 7, 20, 0, 100);
	pk[7] = fab(7, 8, 10, 0, 100);		/* VIF 7's native, not VIF 8's */
	bytes = sum_len(pk, 8);
	ingress(0, pk, 8);
	EXPECT(txb(w0, P8)->n, 1);
	CHECK_TX(w0, P8, 0, 8, 2, false);
	EXPECT(txb(w0, P7)->n, 4);
	CHECK_TX(w0, P7, 0, 7, 3, false);
	CHECK_TX(w0, P7, 1, 7, 4, true);
	CHECK_TX(w0, P7, 2, 7, 5, true);
	CHECK_TX(w0, P7, 3, 7, 6, false);
	VIF_EXPECT(8, V(DROP_VLAN) = 3);
	VIF_EXPECT(7, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 8, D(UPLINK_RX_BYTES) = bytes);
	end();
}

static void
test_in_unknown_inactive(void)
{
	struct fex_profile up = prof("up", 10), off = prof("off", 10), ld = prof("ld", 10);
	struct rte_mbuf *pk[FEX_BURST];
	static const uint16_t dvif[] = { 100, 8, 9, 10, 7, 4095, 100, 7 };
	uint64_t bytes;
	unsigned int i;

	begin();
	up.uplink_fail_action = FEX_UPLINK_FAIL_WARNING;
	off.enabled = false;
	profile_put(&up);
	profile_put(&off);
	profile_put(&ld);
	vif_put(7, P7, "up", true);
	vif_put(8, P8, "up", false);		/* preassociated */
	vif_put(9, P9, "off", true);		/* profile disabled */
	vif_put(10, P10, "ld", true);
	uplink_put(false);			/* VIF 10 down, VIF 7 not */
	EXPECT(vif_state(10), FEX_VIF_DOWN);
	EXPECT(vif_state(7), FEX_VIF_ASSOCIATED);
	for (i = 0; i < RTE_DIM(dvif); i++)
		pk[i] = fab(i, dvif[i], NO_VLAN, 0, 100);
	bytes = sum_len(pk, RTE_DIM(dvif));
	ingress(0, pk, RTE_DIM(dvif));
	EXPECT(txb(w0, P7)->n, 2);
	CHECK_TX(w0, P7, 0, 7, 4, false);
	CHECK_TX(w0, P7, 1, 7, 7, false);
	EXPECT(w0->dirty_n, 1);
	VIF_EXPECT(7, 0);
	VIF_EXPECT(8, V(DROP_INACTIVE) = 1);
	VIF_EXPECT(9, V(DROP_INACTIVE) = 1);
	VIF_EXPECT(10, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 8, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 3);
	/* the uplink back: VIF 10 receives */
	uplink_put(true);
	pk[0] = fab(0, 10, NO_VLAN, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	EXPECT(txb(w0, P10)->n, 1);
	CHECK_TX(w0, P10, 0, 10, 0, false);
	VIF_EXPECT(10, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 9, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 3);
	end();
}

/* VN-Tag only: E-Tag has no direction bit on the wire. */
static void
test_in_direction(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;

	begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	CU_ASSERT_EQUAL_FATAL(fex_tag_push(pk[0], FEX_TAG_VNTAG, 7, 0), 0);	/* upstream */
	pk[1] = fab(1, 7, NO_VLAN, 0, 100);
	rte_pktmbuf_mtod(pk[1], uint8_t *)[14] &= 0x7f;			/* d = 0 */
	pk[2] = fab(2, 7, NO_VLAN, 0, 100);
	bytes = sum_len(pk, 3);
	ingress(0, pk, 3);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 2, false);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 3, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_DIRECTION) = 2);
	TAGERR_EXPECT(w0, E(DIRECTION) = 2);
	VIF_EXPECT(7, 0);
	end();
}

static void
test_in_malformed(void)
{
	const unsigned int tl = fex_tag_len(mode);
	struct fex_profile p = prof("in", 10);
	uint64_t want[FEX_TAG_ERR_MAX] = { 0 };
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;
	uint16_t n = 0;

	begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	/* every frame is for VIF 7, active: only the tag is wrong */
	pk[n] = plain(n, NO_VLAN, 0, 10);			/* runt */
	want[FEX_TAG_ERR_TRUNCATED]++;
	n++;
	pk[n] = plain(n, NO_VLAN, 0, 100);			/* no VIF tag */
	want[FEX_TAG_ERR_ETHERTYPE]++;
	n++;
	pk[n] = fab(n, 7, NO_VLAN, 0, 100);			/* tag cut short */
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(pk[n], (uint16_t)(100 + tl - 16)), 0);
	want[FEX_TAG_ERR_TRUNCATED]++;
	n++;
	pk[n] = fab(n, 7, 10, 0, 18);				/* 802.1Q cut short */
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(pk[n], 2), 0);
	want[FEX_TAG_ERR_TRUNCATED]++;
	n++;
	pk[n] = split(fab(n, 7, NO_VLAN, 0, 100), 14);		/* tag in 2 segments */
	want[FEX_TAG_ERR_SEGMENTED]++;
	n++;
	pk[n] = fab(n, 0, NO_VLAN, 0, 100);			/* VIF 0 */
	want[FEX_TAG_ERR_VIF_ZERO]++;
	n++;
	if (mode == FEX_TAG_VNTAG) {
		/* byte 16: l r ver(2) and the top of svif */
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x40;	/* r */
		want[FEX_TAG_ERR_RESERVED]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x10;	/* ver 1 */
		want[FEX_TAG_ERR_VERSION]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x20;	/* ver 2 */
		want[FEX_TAG_ERR_VERSION]++;
		n++;
		pk[n] = fab(n, 5000, NO_VLAN, 0, 100);		/* unicast > 4095 */
		want[FEX_TAG_ERR_VIF_RANGE]++;
		n++;
		pk[n] = flood(n, 1, 100, 0, NO_VLAN, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x80;	/* looped, svif 0 */
		want[FEX_TAG_ERR_VIF_ZERO]++;
		n++;
	} else {
		/* byte 16: resv(2) GRP(2) and the top of E-CID_base */
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x80;
		want[FEX_TAG_ERR_RESERVED]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x40;
		want[FEX_TAG_ERR_RESERVED]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[18] = 1;		/* Ingress_E-CID_ext */
		want[FEX_TAG_ERR_EXT]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[19] = 1;		/* E-CID_ext */
		want[FEX_TAG_ERR_EXT]++;
		n++;
		pk[n] = flood(n, 1, 0, 0, NO_VLAN, 100);		/* VIF list 0 */
		want[FEX_TAG_ERR_VIF_ZERO]++;
		n++;
	}
	bytes = sum_len(pk, n);
	ingress(0, pk, n);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = n, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_MALFORMED) = n);
	tagerr_expect_at(w0, want, __LINE__);
	EXPECT(w0->dirty_n, 0);
	VIF_EXPECT(7, 0);
	end();
}

static void
test_in_flood(void)
{
	static const uint16_t l100[] = { 7, 8, 9, 10 }, l3000[] = { 8, 11 };
	static const uint16_t l4000[] = { 10 }, l9000[] = { 9 };
	struct fex_profile in = prof("in", 10), in2 = prof("in2", 0);
	struct rte_mbuf *pk[FEX_BURST], *all[16], *got[FEX_BURST];
	static struct rte_mbuf *hog[NB_MBUFS];
	const bool vn = mode == FEX_TAG_VNTAG;
	unsigned int i, j, na = 0, nh;
	uint64_t bytes;

	begin();
	fex_vlan_set(in.vlans, 20);
	fex_vlan_set(in2.vlans, 10);
	profile_put(&in);
	profile_put(&in2);
	vif_put(7, P7, "in", true);
	vif_put(8, P8, "in", true);
	vif_put(9, P9, "in2", true);
	vif_put(10, P10, "in", false);		/* preassociated: skipped */
	vif_put(11, P11, "in", true);		/* worker 1's */
	viflist_put(100, l100, RTE_DIM(l100));
	viflist_put(3000, l3000, RTE_DIM(l3000));
	viflist_put(4000, l4000, RTE_DIM(l4000));
	if (vn)
		viflist_put(9000, l9000, RTE_DIM(l9000));
	pk[0] = flood(0, 1, 100, 0, 10, 100);	/* 7, 8 strip; 9 keeps VLAN 10 */
	pk[1] = flood(1, 1, 100, 8, 20, 110);	/* looped from 8: 7; 9 drop_vlan */
	pk[2] = flood(2, 1, 200, 0, 10, 120);	/* unknown list */
	pk[3] = flood(3, 1, 3000, 0, NO_VLAN, 130);	/* 8 here, 11 handed off */
	if (vn)		/* a VIF-list id above 4095 */
		pk[4] = flood(4, 1, 9000, 0, 10, 140);
	else		/* GRP 3, looped from 7: 8 strips, 9 keeps */
		pk[4] = flood(4, 3, 100, 7, 10, 140);
	pk[5] = flood(5, 2, 4000, 0, 10, 150);	/* no active member: no copy */
	bytes = sum_len(pk, 6);
	ingress(0, pk, 6);

	EXPECT(txb(w0, P7)->n, 2);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	CHECK_TX(w0, P7, 1, 7, 1, false);
	EXPECT(txb(w0, P8)->n, vn ? 2 : 3);
	CHECK_TX(w0, P8, 0, 8, 0, true);
	CHECK_TX(w0, P8, 1, 8, 3, false);
	if (!vn)
		CHECK_TX(w0, P8, 2, 8, 4, true);
	EXPECT(txb(w0, P9)->n, 2);
	CHECK_TX(w0, P9, 0, 9, 0, false);
	CHECK_TX(w0, P9, 1, 9, 4, false);
	EXPECT(txb(w0, P10)->n, 0);
	EXPECT(w0->dirty_n, 3);
	VIF_EXPECT(7, 0);
	VIF_EXPECT(8, 0);
	VIF_EXPECT(9, V(DROP_VLAN) = 1);
	VIF_EXPECT(10, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 6, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 1, D(FLOOD_COPIES) = vn ? 4 : 5, D(HANDOFFS) = 1);

	/* the copy for worker 1's VIF, in the ring, VIF tag removed */
	EXPECT(ring_take(got), 1);
	CHECK_FRAME(got[0], 3, false);
	/* every copy is a frame of its own */
	for (i = 0; i < txb(w0, P7)->n; i++)
		all[na++] = txb(w0, P7)->m[i];
	for (i = 0; i < txb(w0, P8)->n; i++)
		all[na++] = txb(w0, P8)->m[i];
	for (i = 0; i < txb(w0, P9)->n; i++)
		all[na++] = txb(w0, P9)->m[i];
	all[na++] = got[0];
	for (i = 0; i < na; i++)
		for (j = i + 1; j < na; j++)
			OK(all[i] != all[j]);
	handoff(0, got, 1);
	EXPECT(txb(w1, P11)->n, 1);
	CHECK_TX(w1, P11, 0, 11, 3, false);
	VIF_EXPECT(11, 0);
	DP_EXPECT(w1, 0);
	worker_drain(w0);

	/* mempool empty: no copy (drop_no_mbuf each), the first member
	 * still gets the frame itself */
	pk[0] = flood(0, 1, 100, 0, 10, 100);
	bytes += sum_len(pk, 1);
	for (nh = 0; nh < RTE_DIM(hog); nh++)
		if ((hog[nh] = rte_pktmbuf_alloc(pool)) == NULL)
			break;
	ingress(0, pk, 1);
	rte_pktmbuf_free_bulk(hog, nh);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	EXPECT(txb(w0, P8)->n, 0);
	EXPECT(txb(w0, P9)->n, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 7, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 1, D(FLOOD_COPIES) = vn ? 4 : 5, D(HANDOFFS) = 1,
		  D(DROP_NO_MBUF) = 2);
	end();
}

static void
test_in_policer(void)
{
	struct fex_profile p = prof("ip", 10);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t now = 5 * HZ, bytes;
	unsigned int i;
	uint16_t n;

	begin();
	p.ingress_rate_kbps = 8;		/* 1000 B/s */
	p.ingress_burst_bytes = 2000;
	profile_put(&p);
	vif_put(7, P7, "ip", true);
	vif_put(11, P11, "ip", true);
	/* 300 B behind the VIF tag (the 802.1Q tag counts): 6 of 10 fit */
	for (i = 0; i < 10; i++)
		pk[i] = fab(i, 7, i % 2 ? 10 : NO_VLAN, 0, 300);
	bytes = sum_len(pk, 10);
	ingress(now, pk, 10);
	EXPECT(txb(w0, P7)->n, 6);
	for (i = 0; i < 6; i++)
		CHECK_TX(w0, P7, i, 7, i, i % 2);
	VIF_EXPECT(7, V(DROP_INGRESS_POLICER) = 4);
	/* 100 ms later: one more */
	pk[0] = fab(0, 7, NO_VLAN, 0, 300);
	pk[1] = fab(1, 7, NO_VLAN, 0, 300);
	bytes += sum_len(pk, 2);
	ingress(now + HZ / 10, pk, 2);
	EXPECT(txb(w0, P7)->n, 7);
	CHECK_TX(w0, P7, 6, 7, 0, false);
	VIF_EXPECT(7, V(DROP_INGRESS_POLICER) = 5);

	/* worker 1 polices the frames it is handed, with VIF 11's bucket */
	for (i = 0; i < 10; i++)
		pk[i] = fab(i, 11, NO_VLAN, 0, 300);
	bytes += sum_len(pk, 10);
	ingress(now, pk, 10);
	n = ring_take(pk);
	EXPECT(n, 10);
	handoff(now, pk, n);
	EXPECT(txb(w1, P11)->n, 6);
	for (i = 0; i < 6; i++)
		CHECK_TX(w1, P11, i, 11, i, false);
	VIF_EXPECT(11, V(DROP_INGRESS_POLICER) = 4);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 22, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 10);
	DP_EXPECT(w1, 0);
	end();
}

static void
test_in_handoff(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST], *got[FEX_BURST];
	unsigned int i, k;
	uint64_t bytes;

	begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(11, P11, "in", true);		/* worker 1 polls P11 */
	vif_put(7, P7, "in", true);
	vif_put(13, P13, "in", true);		/* nobody polls P13 */
	pk[0] = fab(0, 11, 10, 0, 100);
	pk[1] = fab(1, 11, 20, 0, 110);
	pk[2] = fab(2, 7, NO_VLAN, 0, 120);
	pk[3] = fab(3, 11, 30, 0, 130);
	pk[4] = fab(4, 11, NO_VLAN, 0, 140);
	pk[5] = fab(5, 13, NO_VLAN, 0, 150);
	bytes = sum_len(pk, 6);
	ingress(0, pk, 6);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 2, false);
	EXPECT(txb(w0, P11)->n, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 6, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 4, D(DROP_STALE) = 1);
	/* in the ring, in order, VIF tag removed, the rest untouched */
	EXPECT(ring_take(got), 4);
	CHECK_FRAME(got[0], 0, false);
	CHECK_FRAME(got[1], 1, false);
	CHECK_FRAME(got[2], 3, false);
	CHECK_FRAME(got[3], 4, false);
	handoff(0, got, 4);
	EXPECT(txb(w1, P11)->n, 3);
	CHECK_TX(w1, P11, 0, 11, 0, true);
	CHECK_TX(w1, P11, 1, 11, 1, false);
	CHECK_TX(w1, P11, 2, 11, 4, false);
	EXPECT(w1->dirty_n, 1);
	EXPECT(w1->dirty[0], P11);
	VIF_EXPECT(11, V(DROP_VLAN) = 1);
	EXPECT(w1->rd.cnt[11].c[FEX_VIF_CNT_DROP_VLAN], 1);	/* worker 1 counted it */
	DP_EXPECT(w1, 0);
	worker_drain(w1);

	/* the VIF is disassociated while its frames wait in the ring */
	pk[0] = fab(0, 11, 10, 0, 100);
	pk[1] = fab(1, 11, 20, 0, 100);
	bytes += sum_len(pk, 2);
	ingress(0, pk, 2);
	vif_del(11);
	EXPECT(ring_take(got), 2);
	handoff(0, got, 2);
	EXPECT(txb(w1, P11)->n, 0);
	DP_EXPECT(w1, D(DROP_STALE) = 2);

	/* the port moves to worker 0 while a frame waits */
	vif_put(11, P11, "in", true);
	pk[0] = fab(0, 11, 20, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	dp->owner[P11] = 0;
	EXPECT(ring_take(got), 1);
	handoff(0, got, 1);
	DP_EXPECT(w1, D(DROP_STALE) = 3);
	/* from then on worker 0 delivers it itself */
	pk[0] = fab(0, 11, 20, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	EXPECT(txb(w0, P11)->n, 1);
	CHECK_TX(w0, P11, 0, 11, 0, false);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 10, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 7, D(DROP_STALE) = 1);
	VIF_EXPECT(11, 0);		/* restarted at the new association */
	worker_drain(w0);

	/* back to worker 1; its profile is disabled while a frame waits */
	dp->owner[P11] = 1;
	pk[0] = fab(0, 11, 20, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	p.enabled = false;
	profile_put(&p);
	EXPECT(ring_take(got), 1);
	handoff(0, got, 1);
	DP_EXPECT(w1, D(DROP_STALE) = 4);
	VIF_EXPECT(11, 0);

	/* the ring holds 63 frames: the 64th is dropped, and counted */
	p.enabled = true;
	profile_put(&p);
	for (i = 0; i < 2; i++) {
		for (k = 0; k < FEX_BURST; k++)
			pk[k] = fab(k, 11, NO_VLAN, 0, 60);
		bytes += sum_len(pk, FEX_BURST);
		ingress(0, pk, FEX_BURST);
	}
	EXPECT(rte_ring_count(w1->from[0]), 63);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 75, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 8 + 63, D(DROP_STALE) = 1, D(DROP_HANDOFF_FULL) = 1);
	end();
}

/* A VIF's own VF: untagged frames for that VIF alone (any uplink mode). */
static void
test_in_vf(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];

	begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	pk[1] = plain(1, 10, 2, 100);
	pk[2] = plain(2, 20, 0, 100);
	pk[3] = plain(3, 30, 0, 100);			/* drop_vlan */
	pk[4] = plain(4, NO_VLAN, 0, 8);		/* runt */
	pk[5] = split(plain(5, 10, 0, 100), 14);	/* 802.1Q in 2 segments */
	ingress_vf(0, 7, pk, 6);
	EXPECT(txb(w0, P7)->n, 3);
	CHECK_TX(w0, P7, 0, 7, 0, false);
	CHECK_TX(w0, P7, 1, 7, 1, true);
	CHECK_TX(w0, P7, 2, 7, 2, false);
	VIF_EXPECT(7, V(DROP_VLAN) = 1);
	DP_EXPECT(w0, D(DROP_MALFORMED) = 2);
	TAGERR_EXPECT(w0, E(TRUNCATED) = 1, E(SEGMENTED) = 1);
	/* the VIF's profile disabled */
	p.enabled = false;
	profile_put(&p);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	ingress_vf(0, 7, pk, 1);
	EXPECT(txb(w0, P7)->n, 3);
	VIF_EXPECT(7, V(DROP_VLAN) = 1, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(DROP_MALFORMED) = 2);
	end();
}

/* Uplink in mode none: no VIF tag names a destination. */
static void
test_in_none(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];

	begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	pk[1] = plain(1, 10, 0, 100);
	pk[2] = plain(2, NO_VLAN, 0, 10);
	ingress(0, pk, 3);
	EXPECT(w0->dirty_n, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 3, D(UPLINK_RX_BYTES) = 210,
		  D(DROP_UNKNOWN_VIF) = 2, D(DROP_MALFORMED) = 1);
	TAGERR_EXPECT(w0, E(TRUNCATED) = 1);
	VIF_EXPECT(7, 0);
	end();
}

/* ------------------------------------------------------------------ */

#define M_VN	(1u << FEX_TAG_VNTAG)
#define M_ET	(1u << FEX_TAG_ETAG)
#define M_NONE	(1u << FEX_TAG_NONE)
#define M_TAGS	(M_VN | M_ET)
#define M_ALL	(M_TAGS | M_NONE)

struct dp_test {
	const char *name;
	CU_TestFunc fn;
	unsigned int modes;
};

static const struct dp_test egress_tests[] = {
	{ "inactive", test_eg_inactive, M_ALL },
	{ "mac forging", test_eg_mac_forging, M_ALL },
	{ "untagged, native VLAN", test_eg_native, M_ALL },
	{ "untagged, no native VLAN", test_eg_no_native, M_ALL },
	{ "tagged", test_eg_tagged, M_ALL },
	{ "priority-tagged", test_eg_priority, M_ALL },
	{ "policer", test_eg_policer, M_ALL },
	{ "no headroom", test_eg_headroom, M_ALL },
	{ "runt", test_eg_runt, M_ALL },
	{ "port without VIF", test_eg_no_vif, M_ALL },
	{ "uplink MTU", test_eg_mtu, M_ALL },
	{ "own VF", test_eg_vf, M_ALL },
	{ "mixed burst", test_eg_mixed, M_ALL },
	{ "common burst = frame by frame", test_eg_fast_vs_slow, M_ALL },
	{ "burst and counters", test_eg_old_burst, M_ALL },
};

static const struct dp_test ingress_tests[] = {
	{ "unicast", test_in_unicast, M_TAGS },
	{ "native VLAN", test_in_native, M_TAGS },
	{ "unknown and inactive VIFs", test_in_unknown_inactive, M_TAGS },
	{ "direction", test_in_direction, M_VN },
	{ "malformed", test_in_malformed, M_TAGS },
	{ "flood", test_in_flood, M_TAGS },
	{ "ingress policer", test_in_policer, M_TAGS },
	{ "hand-off", test_in_handoff, M_TAGS },
	{ "VF", test_in_vf, M_ALL },
	{ "uplink without tags", test_in_none, M_NONE },
};

static int
suite_vntag(void)
{
	mode = FEX_TAG_VNTAG;
	return 0;
}

static int
suite_etag(void)
{
	mode = FEX_TAG_ETAG;
	return 0;
}

static int
suite_none(void)
{
	mode = FEX_TAG_NONE;
	return 0;
}

static int
add_suite(const char *dir, enum fex_tag_mode m, CU_InitializeFunc init,
	  const struct dp_test *tests, unsigned int n)
{
	char name[64];
	CU_pSuite s;
	unsigned int i;

	snprintf(name, sizeof(name), "%s %s", dir, fex_tag_mode_name(m));
	s = CU_add_suite(name, init, NULL);
	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (!(tests[i].modes & (1u << m)))
			continue;
		snprintf(name, sizeof(name), "%s %s: %s", dir, fex_tag_mode_name(m),
			 tests[i].name);
		if (CU_add_test(s, name, tests[i].fn) == NULL)
			return -1;
	}
	return 0;
}

static struct rte_ring *
ring(const char *name)
{
	return rte_ring_create(name, 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
}

/* The dataplane by hand: no uplink, no ports, two workers. */
static int
fixture_create(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(mac); i++)
		mac[i] = (struct rte_ether_addr){{ 0x52, 0x54, 0x00, 0x66, 0x00, (uint8_t)i }};
	pool = fex_test_pool(NB_MBUFS);
	db = fex_vif_db_create(3, HZ, SOCKET_ID_ANY);
	dp = rte_zmalloc("test_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	w0 = rte_zmalloc("test_dp_w0", sizeof(*w0), RTE_CACHE_LINE_SIZE);
	w1 = rte_zmalloc("test_dp_w1", sizeof(*w1), RTE_CACHE_LINE_SIZE);
	if (pool == NULL || db == NULL || dp == NULL || w0 == NULL || w1 == NULL)
		return -1;
	dp->mode = FEX_TAG_VNTAG;
	dp->uplink = RTE_MAX_ETHPORTS - 1;	/* never sent on */
	dp->nb_workers = 2;
	dp->hz = HZ;
	dp->db = db;
	dp->qsv = fex_vif_db_qsv(db);
	dp->pool = dp->pools[0] = pool;
	memset(dp->owner, -1, sizeof(dp->owner));
	memset(dp->peer, 0xff, sizeof(dp->peer));
	dp->workers[0] = w0;
	dp->workers[1] = w1;
	w0->dp = w1->dp = dp;
	w0->id = 0;
	w1->id = 1;
	w0->has_uplink_queue = w1->has_uplink_queue = true;
	w0->to[1] = w1->from[0] = ring("test_dp_ho_0_1");
	w1->to[0] = w0->from[1] = ring("test_dp_ho_1_0");
	if (w0->to[1] == NULL || w1->to[0] == NULL ||
	    fex_vif_reader_init(db, 0, &w0->rd) < 0 ||
	    fex_vif_reader_init(db, 1, &w1->rd) < 0)
		return -1;
	fex_vif_reader_offline(&w1->rd);
	return 0;
}

static void
fixture_free(void)
{
	fex_vif_reader_fini(&w0->rd);
	fex_vif_reader_fini(&w1->rd);
	rte_ring_free(w0->from[1]);
	rte_ring_free(w1->from[0]);
	rte_free(w0);
	rte_free(w1);
	rte_free(dp);
	fex_vif_db_free(db);
	rte_mempool_free(pool);
}

int
main(int argc, char **argv)
{
	int rc;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	rte_log_set_level_pattern("fex.vif", RTE_LOG_WARNING);
	if (fixture_create() < 0) {
		fprintf(stderr, "test_dp: cannot build the fixture: %s\n",
			rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	if (add_suite("egress", FEX_TAG_VNTAG, suite_vntag, egress_tests,
		      RTE_DIM(egress_tests)) < 0 ||
	    add_suite("egress", FEX_TAG_ETAG, suite_etag, egress_tests,
		      RTE_DIM(egress_tests)) < 0 ||
	    add_suite("egress", FEX_TAG_NONE, suite_none, egress_tests,
		      RTE_DIM(egress_tests)) < 0 ||
	    add_suite("ingress", FEX_TAG_VNTAG, suite_vntag, ingress_tests,
		      RTE_DIM(ingress_tests)) < 0 ||
	    add_suite("ingress", FEX_TAG_ETAG, suite_etag, ingress_tests,
		      RTE_DIM(ingress_tests)) < 0 ||
	    add_suite("ingress", FEX_TAG_NONE, suite_none, ingress_tests,
		      RTE_DIM(ingress_tests)) < 0) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return EXIT_FAILURE;
	}
	rc = fex_test_run();
	fixture_free();
	rte_eal_cleanup();
	return rc;
}
