/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What test_dp_egress.c and test_dp_ingress.c share, declared with what it
 * is for in test_dp_common.h: the struct fex_dp built by hand, frame
 * builders, checks, writer actions, stage calls, suites and main().
 */
#include "test_dp_common.h"

struct rte_mempool *pool;
struct fex_vif_db *db;
struct fex_dp *dp;
struct fex_worker *w0, *w1;
enum fex_tag_mode mode;			/* of the running suite */
struct rte_ether_addr mac[16];		/* mac[v]: VIF v's MAC */
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
/* Checks that report the caller's file and line                       */

bool
ok_at(bool cond, const char *file, unsigned int line, const char *what)
{
	CU_assertImplementation(cond ? CU_TRUE : CU_FALSE, line, what, file, "",
				CU_FALSE);
	return cond;
}

bool
expect_at(uint64_t got, uint64_t want, const char *what, const char *file,
	  unsigned int line)
{
	char msg[240];

	snprintf(msg, sizeof(msg), "%s = %" PRIu64 ", expected %" PRIu64, what, got, want);
	return ok_at(got == want, file, line, msg);
}

/* Every counter of a VIF (summed over the workers), of a worker, or of a
 * worker's tag errors, against want (VIF_EXPECT() and co.). */
void
vif_expect_at(uint16_t vif, const uint64_t *want, const char *file,
	      unsigned int line)
{
	uint64_t got[FEX_VIF_CNT_MAX];
	char what[80];
	unsigned int k;

	if (!expect_at((uint64_t)fex_vif_stats(db, vif, got), 0, "fex_vif_stats", file, line))
		return;
	for (k = 0; k < FEX_VIF_CNT_MAX; k++) {
		snprintf(what, sizeof(what), "vif %u %s", vif, fex_vif_counter_names[k]);
		expect_at(got[k], want[k], what, file, line);
	}
}

void
dp_expect_at(const struct fex_worker *w, const uint64_t *want, const char *file,
	     unsigned int line)
{
	char what[80];
	unsigned int k;

	for (k = 0; k < FEX_DP_CNT_MAX; k++) {
		snprintf(what, sizeof(what), "worker %u %s", w->id, fex_dp_cnt_names[k]);
		expect_at(w->st.c[k], want[k], what, file, line);
	}
}

void
tagerr_expect_at(const struct fex_worker *w, const uint64_t *want, const char *file,
		 unsigned int line)
{
	char what[80];
	unsigned int k;

	for (k = 0; k < FEX_TAG_ERR_MAX; k++) {
		snprintf(what, sizeof(what), "worker %u tag_err %s", w->id,
			 fex_tag_err_name((int)k));
		expect_at(w->st.tag_err[k], want[k], what, file, line);
	}
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

/* Slot i: dst, src, [802.1Q vid/pcp/dei], IPv4 EtherType, a payload that
 * differs by slot; len bytes in all (a prefix of that for a runt). */
void
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
struct rte_mbuf *
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
struct rte_mbuf *
vm_hr(unsigned int i, const struct rte_ether_addr *src, int vid, uint8_t pcp,
      uint8_t dei, uint32_t len, int headroom)
{
	eth_bytes(i, src, vid, pcp, dei, len);
	return mbuf_of(i, headroom);
}

struct rte_mbuf *
vm(unsigned int i, const struct rte_ether_addr *src, int vid, uint8_t pcp,
   uint8_t dei, uint32_t len)
{
	return vm_hr(i, src, vid, pcp, dei, len, -1);
}

/* A frame from the fabric without a VIF tag (a VF's, or mode none). */
struct rte_mbuf *
plain(unsigned int i, int vid, uint8_t pcp, uint32_t len)
{
	eth_bytes(i, &mac_fab, vid, pcp, 0, len);
	return mbuf_of(i, -1);
}

/* Push the suite's downstream VIF tag: grp 0 unicast to dvif, else a
 * flood (VN-Tag p=1, E-Tag GRP=grp) to VIF list dvif, looped from svif
 * when svif != 0 (VN-Tag l=1; E-Tag Ingress_E-CID = svif). */
struct rte_mbuf *
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
struct rte_mbuf *
fab(unsigned int i, uint16_t dvif, int vid, uint8_t pcp, uint32_t len)
{
	return down(plain(i, vid, pcp, len), 0, dvif, 0);
}

struct rte_mbuf *
flood(unsigned int i, uint8_t grp, uint16_t list, uint16_t svif, int vid,
      uint32_t len)
{
	return down(plain(i, vid, 0, len), grp, list, svif);
}

/* Move everything after the first `first` bytes into a second segment. */
struct rte_mbuf *
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

uint64_t
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
void
check_up_at(const struct rte_mbuf *m, enum fex_tag_mode md, unsigned int i,
	    uint16_t svif, uint8_t epcp, uint16_t tci, const char *file,
	    unsigned int line)
{
	const uint8_t *o = fr[i].b;
	const uint32_t olen = fr[i].len;
	const bool otag = olen >= RTE_ETHER_HDR_LEN + FEX_VLAN_LEN &&
			  fex_tag_rd16(o + FEX_TAG_MAC_LEN) == FEX_ETHER_TYPE_VLAN;
	const unsigned int tl = fex_tag_len(md);
	const unsigned int rest = FEX_TAG_MAC_LEN + (otag ? FEX_VLAN_LEN : 0);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *q = p + FEX_TAG_MAC_LEN + tl;

	expect_at(m->nb_segs, 1, "nb_segs", file, line);
	if (!expect_at(rte_pktmbuf_pkt_len(m), olen - rest + FEX_TAG_MAC_LEN + tl +
		       FEX_VLAN_LEN, "tagged pkt_len", file, line) ||
	    !expect_at(m->data_len, rte_pktmbuf_pkt_len(m), "data_len", file, line))
		return;
	ok_at(memcmp(p, o, FEX_TAG_MAC_LEN) == 0, file, line, "MACs as sent");
	if (md == FEX_TAG_VNTAG) {
		uint16_t hi = fex_tag_rd16(p + 14), lo = fex_tag_rd16(p + 16);

		expect_at(fex_tag_rd16(p + 12), 0x8926, "VN-Tag EtherType", file, line);
		expect_at(hi >> 15, 0, "VN-Tag d", file, line);
		expect_at((hi >> 14) & 1, 0, "VN-Tag p", file, line);
		expect_at(hi & 0x3fff, 0, "VN-Tag dvif", file, line);
		expect_at(lo >> 15, 0, "VN-Tag l", file, line);
		expect_at((lo >> 14) & 1, 0, "VN-Tag r", file, line);
		expect_at((lo >> 12) & 3, 0, "VN-Tag ver", file, line);
		expect_at(lo & 0xfff, svif, "VN-Tag svif", file, line);
	} else if (md == FEX_TAG_ETAG) {
		uint16_t e0 = fex_tag_rd16(p + 14), e1 = fex_tag_rd16(p + 16);

		expect_at(fex_tag_rd16(p + 12), 0x893F, "E-Tag EtherType", file, line);
		expect_at(e0 >> 13, epcp, "E-Tag E-PCP", file, line);
		expect_at((e0 >> 12) & 1, 0, "E-Tag E-DEI", file, line);
		expect_at(e0 & 0xfff, 0, "E-Tag Ingress_E-CID_base", file, line);
		expect_at(e1 >> 14, 0, "E-Tag resv", file, line);
		expect_at((e1 >> 12) & 3, 0, "E-Tag GRP", file, line);
		expect_at(e1 & 0xfff, svif, "E-Tag E-CID_base", file, line);
		expect_at(p[18], 0, "E-Tag Ingress_E-CID_ext", file, line);
		expect_at(p[19], 0, "E-Tag E-CID_ext", file, line);
	}
	expect_at(fex_tag_rd16(q), FEX_ETHER_TYPE_VLAN, "802.1Q TPID", file, line);
	expect_at(fex_tag_rd16(q + 2), tci, "802.1Q TCI", file, line);
	ok_at(memcmp(q + FEX_VLAN_LEN, o + rest, olen - rest) == 0, file, line,
	      "rest of the frame as sent");
}

/* m is slot i as the VM gets it: VIF tag gone, and the 802.1Q tag too
 * when strip. */
void
check_frame_at(const struct rte_mbuf *m, unsigned int i, bool strip, const char *file,
	       unsigned int line)
{
	const uint8_t *o = fr[i].b;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint32_t want = fr[i].len - (strip ? FEX_VLAN_LEN : 0);

	expect_at(m->nb_segs, 1, "nb_segs", file, line);
	if (!expect_at(rte_pktmbuf_pkt_len(m), want, "delivered pkt_len", file, line) ||
	    !expect_at(m->data_len, want, "data_len", file, line))
		return;
	if (strip)
		ok_at(memcmp(p, o, FEX_TAG_MAC_LEN) == 0 &&
		      memcmp(p + FEX_TAG_MAC_LEN, o + FEX_TAG_MAC_LEN + FEX_VLAN_LEN,
			     want - FEX_TAG_MAC_LEN) == 0,
		      file, line, "frame as the fabric sent it, 802.1Q tag stripped");
	else
		ok_at(memcmp(p, o, want) == 0, file, line, "frame as the fabric sent it");
}

/* Entry k of worker w's tx buffer for port is slot i for VIF vif. */
void
check_tx_at(const struct fex_worker *w, uint16_t port, unsigned int k, uint16_t vif,
	    unsigned int i, bool strip, const char *file, unsigned int line)
{
	const struct fex_txbuf *b = &w->txbuf[port];

	if (!ok_at(k < b->n, file, line, "frame in the tx buffer"))
		return;
	expect_at(b->vif[k], vif, "txbuf vif", file, line);
	expect_at(b->len[k], rte_pktmbuf_pkt_len(b->m[k]), "txbuf len", file, line);
	check_frame_at(b->m[k], i, strip, file, line);
}

/* m and o are the same frame, byte for byte, at the same place. */
void
same_frame_at(const struct rte_mbuf *m, const struct rte_mbuf *o, const char *file,
	      unsigned int line)
{
	expect_at(m->nb_segs, o->nb_segs, "nb_segs", file, line);
	expect_at(m->data_off, o->data_off, "data_off", file, line);
	expect_at(m->data_len, o->data_len, "data_len", file, line);
	if (expect_at(rte_pktmbuf_pkt_len(m), rte_pktmbuf_pkt_len(o), "pkt_len", file, line))
		ok_at(memcmp(rte_pktmbuf_mtod(m, const void *),
			     rte_pktmbuf_mtod(o, const void *), m->data_len) == 0,
		      file, line, "same bytes");
}

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

struct fex_profile
prof(const char *name, uint16_t native)
{
	struct fex_profile p;

	fex_profile_defaults(&p);
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.native_vlan = native;
	return p;
}

void
profile_put(const struct fex_profile *p)
{
	int rc;

	writer_begin();
	rc = fex_profile_set(db, NULL, p, err, sizeof(err));
	writer_end();
	writer_check(rc, "profile.set");
}

void
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

void
vif_del(uint16_t vif)
{
	int rc;

	writer_begin();
	rc = fex_vif_disassociate(db, vif, err, sizeof(err));
	writer_end();
	writer_check(rc, "vif.disassociate");
}

void
viflist_put(uint16_t id, const uint16_t *vifs, unsigned int n)
{
	int rc;

	writer_begin();
	rc = fex_viflist_set(db, id, vifs, n, err, sizeof(err));
	writer_end();
	writer_check(rc, "viflist.set");
}

void
uplink_put(bool up)
{
	int rc;

	writer_begin();
	rc = fex_vif_uplink_set(db, up);
	writer_end();
	writer_check(rc, "uplink");
}

enum fex_vif_state
vif_state(uint16_t vif)
{
	return fex_vif_entry(fex_vif_reader_snapshot(&w0->rd), vif)->state;
}

/* Worker 0, one burst: snapshot, stage, quiescent - as its loop does. */
uint16_t
egress(uint16_t port, uint64_t now, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t out;

	fex_vif_reader_snapshot(&w0->rd);
	out = fex_dp_egress(w0, now, port, pkts, n);
	fex_vif_reader_quiescent(&w0->rd);
	return out;
}

void
ingress(uint64_t now, struct rte_mbuf **pkts, uint16_t n)
{
	fex_vif_reader_snapshot(&w0->rd);
	fex_dp_ingress(w0, now, pkts, n);
	fex_vif_reader_quiescent(&w0->rd);
}

void
ingress_vf(uint64_t now, uint16_t vif, struct rte_mbuf **pkts, uint16_t n)
{
	fex_vif_reader_snapshot(&w0->rd);
	fex_dp_ingress_vf(w0, now, vif, pkts, n);
	fex_vif_reader_quiescent(&w0->rd);
}

/* What worker 0 handed worker 1 (its hand-off ring, in order). */
uint16_t
ring_take(struct rte_mbuf **pkts)
{
	return (uint16_t)rte_ring_sc_dequeue_burst(w1->from[0], (void **)pkts,
						   FEX_BURST, NULL);
}

/* Worker 1 takes those frames, online only for that. */
void
handoff(uint64_t now, struct rte_mbuf **pkts, uint16_t n)
{
	fex_vif_reader_online(&w1->rd);
	fex_vif_reader_snapshot(&w1->rd);
	fex_dp_ingress_handoff(w1, now, pkts, n);
	fex_vif_reader_quiescent(&w1->rd);
	fex_vif_reader_offline(&w1->rd);
}

const struct fex_txbuf *
txb(const struct fex_worker *w, uint16_t port)
{
	return &w->txbuf[port];
}

/* Free what waits in w's tx buffers and hand-off rings; a port with
 * frames must be on the dirty list. */
void
worker_drain(struct fex_worker *w)
{
	struct rte_mbuf *m;
	unsigned int p, j, k;

	for (p = 0; p < FEX_PORT_MAX; p++) {
		struct fex_txbuf *b = &w->txbuf[p];
		bool listed = false;

		if (b->n == 0) {
			b->listed = false;
			continue;
		}
		for (k = 0; k < w->dirty_n; k++)
			listed = listed || w->dirty[k] == p;
		ok_at(listed, __FILE__, __LINE__, "a port with frames is on the dirty list");
		rte_pktmbuf_free_bulk(b->m, b->n);
		b->n = 0;
		b->listed = false;
		b->held_since = 0;
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
void
test_begin(void)
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
	memset(w0->quiet, 0, sizeof(w0->quiet));	/* every vNIC due */
	memset(w1->quiet, 0, sizeof(w1->quiet));
}

/* Every test ends with nothing left: what the stages kept is freed, the
 * tag error detail adds up, and no mbuf is missing from the pool. */
void
test_end(void)
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
/* Suites, the fixture, main()                                         */

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
	dp->quiet_tsc = HZ / 1000000 * FEX_QUIET_US;	/* as fex_dp_create() */
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
dp_test_main(const char *prog, const char *dir, const struct dp_test *tests,
	     unsigned int n)
{
	int rc;

	if (fex_test_eal_init(prog) < 0)
		return EXIT_FAILURE;
	rte_log_set_level_pattern("fex.vif", RTE_LOG_WARNING);
	if (fixture_create() < 0) {
		fprintf(stderr, "%s: cannot build the fixture: %s\n", prog,
			rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	if (add_suite(dir, FEX_TAG_VNTAG, suite_vntag, tests, n) < 0 ||
	    add_suite(dir, FEX_TAG_ETAG, suite_etag, tests, n) < 0 ||
	    add_suite(dir, FEX_TAG_NONE, suite_none, tests, n) < 0) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return EXIT_FAILURE;
	}
	rc = fex_test_run();
	fixture_free();
	rte_eal_cleanup();
	return rc;
}
