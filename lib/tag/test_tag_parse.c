/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/tag, the parse side: every rejection reason, frames
 * truncated at every length, chained mbufs, pushes without headroom and
 * rewrites of shared buffers (refused, frame untouched), and strip. Names
 * and the wire bytes of pushes are test_tag.c's. */
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fex_tag.h"
#include "fex_test.h"
#include "test_tag_common.h"

static int
parse_raw(const uint8_t *b, unsigned int len, enum fex_tag_mode mode,
	  enum fex_tag_dir dir, struct fex_tag_info *ti)
{
	struct rte_mbuf *m = mk(b, len);
	int rc = fex_tag_parse(m, mode, dir, ti);

	rte_pktmbuf_free(m);
	return rc;
}

/* ---- rejections ---- */

static void
expect_vntag(uint32_t word, enum fex_tag_dir dir, int rc)
{
	uint8_t b[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int len = build(b, t, vntag_bytes(t, word), false, 0, 0x0800);
	int got = parse_raw(b, len, FEX_TAG_VNTAG, dir, &ti);

	CU_ASSERT_EQUAL(got, rc);
	if (got != rc)
		printf("\n  vntag %08x dir %d: got %s, want %s\n", word, dir,
		       fex_tag_err_name(got), fex_tag_err_name(rc));
}

static void
test_vntag_reject(void)
{
	const uint32_t d = 1u << 31, p = 1u << 30, l = 1u << 15;
	unsigned int v;

	/* a good downstream and upstream frame first */
	expect_vntag(d | 5u << 16 | 7, FEX_TAG_DIR_DOWN, 0);
	expect_vntag(7, FEX_TAG_DIR_UP, 0);
	/* direction */
	expect_vntag(5u << 16 | 7, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_DIRECTION);
	expect_vntag(d | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_DIRECTION);
	/* reserved bit, version 1..3 */
	expect_vntag(d | 5u << 16 | 0x4000 | 7, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_RESERVED);
	expect_vntag(0x4000 | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_RESERVED);
	for (v = 1; v < 4; v++) {
		expect_vntag(d | 5u << 16 | v << 12 | 7, FEX_TAG_DIR_DOWN,
			     -FEX_TAG_ERR_VERSION);
		expect_vntag(v << 12 | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_VERSION);
	}
	/* upstream must carry p = 0, dvif = 0, l = 0 */
	expect_vntag(p | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	expect_vntag(1u << 16 | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	expect_vntag(0x3fffu << 16 | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	expect_vntag(l | 7, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	/* VIF 0 */
	expect_vntag(0, FEX_TAG_DIR_UP, -FEX_TAG_ERR_VIF_ZERO);
	expect_vntag(d | 7, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_ZERO);
	expect_vntag(d | p | 7, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_ZERO);
	expect_vntag(d | 5u << 16 | l, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_ZERO);
	expect_vntag(d | p | 5u << 16 | l, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_ZERO);
	expect_vntag(d | 5u << 16, FEX_TAG_DIR_DOWN, 0);	/* svif 0 unlooped: fine */
	/* unicast dvif above 4095; list ids go to 16383 */
	expect_vntag(d | 4095u << 16 | 1, FEX_TAG_DIR_DOWN, 0);
	expect_vntag(d | 4096u << 16 | 1, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_RANGE);
	expect_vntag(d | 16383u << 16 | 1, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_RANGE);
	expect_vntag(d | p | 16383u << 16 | 1, FEX_TAG_DIR_DOWN, 0);
	expect_vntag(d | p | 4096u << 16 | l | 1, FEX_TAG_DIR_DOWN, 0);
}

static void
expect_etag(uint16_t w0, uint16_t w1, uint8_t iext, uint8_t ext,
	    enum fex_tag_dir dir, int rc)
{
	uint8_t b[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int len = build(b, t, etag_bytes(t, w0, w1, iext, ext), false, 0, 0x86dd);
	int got = parse_raw(b, len, FEX_TAG_ETAG, dir, &ti);

	CU_ASSERT_EQUAL(got, rc);
	if (got != rc)
		printf("\n  etag %04x %04x %02x %02x dir %d: got %s, want %s\n",
		       w0, w1, iext, ext, dir, fex_tag_err_name(got), fex_tag_err_name(rc));
	if (got == 0)
		CU_ASSERT_EQUAL(ti.inner_type, 0x86dd);
}

static void
test_etag_reject(void)
{
	unsigned int bit;

	expect_etag(0xe000, 0x0001, 0, 0, FEX_TAG_DIR_UP, 0);
	expect_etag(0x1000, 0x0001, 0, 0, FEX_TAG_DIR_UP, 0);	/* DEI is allowed */
	expect_etag(0x0003, 0x3001, 0, 0, FEX_TAG_DIR_DOWN, 0);
	/* reserved bits, each */
	expect_etag(0, 0x4001, 0, 0, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_RESERVED);
	expect_etag(0, 0x8001, 0, 0, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_RESERVED);
	expect_etag(0, 0x8001, 0, 0, FEX_TAG_DIR_UP, -FEX_TAG_ERR_RESERVED);
	/* extension bytes, every bit of each */
	for (bit = 0; bit < 8; bit++) {
		expect_etag(0, 1, 1u << bit, 0, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_EXT);
		expect_etag(0, 1, 0, 1u << bit, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_EXT);
		expect_etag(0, 1, 0, 1u << bit, FEX_TAG_DIR_UP, -FEX_TAG_ERR_EXT);
	}
	/* upstream: GRP and Ingress_E-CID are 0 */
	expect_etag(0, 0x1001, 0, 0, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	expect_etag(0, 0x3001, 0, 0, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	expect_etag(0x0001, 0x0001, 0, 0, FEX_TAG_DIR_UP, -FEX_TAG_ERR_UP_FIELDS);
	/* E-CID 0 */
	expect_etag(0, 0, 0, 0, FEX_TAG_DIR_UP, -FEX_TAG_ERR_VIF_ZERO);
	expect_etag(0, 0, 0, 0, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_ZERO);
	expect_etag(5, 0x2000, 0, 0, FEX_TAG_DIR_DOWN, -FEX_TAG_ERR_VIF_ZERO);
}

static void
test_ethertype_reject(void)
{
	uint8_t b[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int len;

	len = build(b, NULL, 0, false, 0, 0x0800);
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, &ti),
			-FEX_TAG_ERR_ETHERTYPE);
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_ETAG, FEX_TAG_DIR_DOWN, &ti),
			-FEX_TAG_ERR_ETHERTYPE);
	len = build(b, NULL, 0, true, 10, 0x0800);
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, &ti),
			-FEX_TAG_ERR_ETHERTYPE);
	len = build(b, t, etag_bytes(t, 0, 1, 0, 0), false, 0, 0x0800);
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_VNTAG, FEX_TAG_DIR_UP, &ti),
			-FEX_TAG_ERR_ETHERTYPE);
	len = build(b, t, vntag_bytes(t, 1), false, 0, 0x0800);
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_ETAG, FEX_TAG_DIR_UP, &ti),
			-FEX_TAG_ERR_ETHERTYPE);
	/* mode none parses any frame: only the 802.1Q tag is looked at */
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_NONE, FEX_TAG_DIR_DOWN, &ti), 0);
	CU_ASSERT_EQUAL(ti.has_vlan, 0);
	CU_ASSERT_EQUAL(ti.dvif, 0);
	CU_ASSERT_EQUAL(ti.inner_type, FEX_ETHER_TYPE_VNTAG);
	len = build(b, NULL, 0, true, 0xe000 | 4094, 0x0806);
	CU_ASSERT_EQUAL(parse_raw(b, len, FEX_TAG_NONE, FEX_TAG_DIR_DOWN, &ti), 0);
	CU_ASSERT_EQUAL(ti.has_vlan, 1);
	CU_ASSERT_EQUAL(ti.vid, 4094);
	CU_ASSERT_EQUAL(ti.vlan_pcp, 7);
	CU_ASSERT_EQUAL(ti.inner_type, 0x0806);
	CU_ASSERT_EQUAL(ti.l2_len, 18);
}

/* ---- short and chained frames ---- */

/* Each header prefix, cut at every length: truncated, never a read past
 * data_len (the bytes after data_len are the valid rest of the frame, so a
 * parser that looked there would wrongly succeed). */
static void
test_truncated(void)
{
	uint8_t b[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int i, n, len, l2;

	for (i = 0; i < RTE_DIM(modes); i++) {
		enum fex_tag_mode mode = modes[i];
		unsigned int tlen = mode == FEX_TAG_VNTAG ? vntag_bytes(t, 1u << 31 | 9u << 16) :
				    mode == FEX_TAG_ETAG ? etag_bytes(t, 0, 9, 0, 0) : 0;
		int vlan;

		for (vlan = 0; vlan < 2; vlan++) {
			struct rte_mbuf *m;

			len = build(b, t, tlen, vlan, 77, 0x0800);
			l2 = 14 + tlen + (vlan ? 4 : 0);
			m = mk(b, len);
			for (n = 0; n < l2; n++) {
				m->data_len = n;
				m->pkt_len = n;
				CU_ASSERT_EQUAL(fex_tag_parse(m, mode, FEX_TAG_DIR_DOWN, &ti),
						-FEX_TAG_ERR_TRUNCATED);
				/* the in-place ops refuse too, touching nothing */
				if (n < 14) {
					CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_VNTAG, 1, 0),
							-EINVAL);
					CU_ASSERT_EQUAL(fex_tag_push_vlan(m, mode, 1, 0, 1, 0),
							-EINVAL);
				}
				if (mode != FEX_TAG_NONE || vlan) {
					CU_ASSERT_EQUAL(fex_tag_strip(m, mode, vlan), -EINVAL);
				}
				if (vlan) {
					uint16_t vid;
					uint8_t pcp;

					CU_ASSERT_EQUAL(fex_vlan_get(m, mode, &vid, &pcp), -EINVAL);
					CU_ASSERT_EQUAL(fex_vlan_set_pcp(m, mode, 1), -EINVAL);
					CU_ASSERT_EQUAL(fex_vlan_strip(m, mode), -EINVAL);
				}
				CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, void *), b, len), 0);
			}
			m->data_len = l2;
			m->pkt_len = l2;
			CU_ASSERT_EQUAL(fex_tag_parse(m, mode, FEX_TAG_DIR_DOWN, &ti), 0);
			CU_ASSERT_EQUAL(ti.l2_len, l2);
			rte_pktmbuf_free(m);
		}
	}
}

/* @b split after @first bytes into a two-segment chain. */
static struct rte_mbuf *
mk_chain(const uint8_t *b, unsigned int len, unsigned int first)
{
	struct rte_mbuf *m = mk(b, first);
	struct rte_mbuf *m2 = mk(b + first, len - first);

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, m2), 0);
	return m;
}

static bool
chain_equals(const struct rte_mbuf *m, const uint8_t *b, unsigned int len)
{
	uint8_t flat[FRAME_MAX];
	const void *d;

	if (rte_pktmbuf_pkt_len(m) != len)
		return false;
	d = rte_pktmbuf_read(m, 0, len, flat);
	return d != NULL && memcmp(d, b, len) == 0;
}

static void
test_chained(void)
{
	uint8_t b[FRAME_MAX], exp[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	struct rte_mbuf *m;
	unsigned int len, elen, first;

	/* tag headers split across segments: "segmented", not "truncated" */
	len = build(b, t, vntag_bytes(t, 1u << 31 | 3u << 16), true, 5, 0x0800);
	for (first = 1; first < 24; first++) {
		m = mk_chain(b, len, first);
		CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, &ti),
				-FEX_TAG_ERR_SEGMENTED);
		CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, first >= 20), -EINVAL);
		CU_ASSERT(chain_equals(m, b, len));
		rte_pktmbuf_free(m);
	}
	m = mk_chain(b, len, 24);
	CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, &ti), 0);
	CU_ASSERT_EQUAL(ti.dvif, 3);
	CU_ASSERT_EQUAL(ti.vid, 5);
	/* strip both in the first segment; the second is untouched */
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, true), 0);
	CU_ASSERT_EQUAL(m->nb_segs, 2);
	CU_ASSERT_EQUAL(m->data_len, 14);
	elen = build(exp, NULL, 0, false, 0, 0x0800);
	CU_ASSERT(chain_equals(m, exp, elen));
	rte_pktmbuf_free(m);

	/* push: the MACs + type must be in the first segment */
	len = build(b, NULL, 0, false, 0, 0x0800);
	for (first = 1; first < 14; first++) {
		m = mk_chain(b, len, first);
		CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_ETAG, 1, 0), -EINVAL);
		CU_ASSERT_EQUAL(fex_tag_push_vlan(m, FEX_TAG_VNTAG, 1, 0, 1, 0), -EINVAL);
		CU_ASSERT(chain_equals(m, b, len));
		rte_pktmbuf_free(m);
	}
	m = mk_chain(b, len, 14);
	CU_ASSERT_EQUAL(fex_tag_push_vlan(m, FEX_TAG_ETAG, 4095, 6, 4094, 2), 0);
	CU_ASSERT_EQUAL(m->nb_segs, 2);
	CU_ASSERT_EQUAL(m->data_len, 14 + FEX_ETAG_LEN + FEX_VLAN_LEN);
	CU_ASSERT_EQUAL(m->next->data_len, len - 14);
	elen = build(exp, t, etag_bytes(t, 6 << 13, 4095, 0, 0), true, 2 << 13 | 4094,
		     0x0800);
	CU_ASSERT(chain_equals(m, exp, elen));
	CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_ETAG, FEX_TAG_DIR_UP, &ti), 0);
	CU_ASSERT_EQUAL(ti.svif, 4095);
	rte_pktmbuf_free(m);

	/* push_pcp needs the 802.1Q tag in the first segment */
	len = build(b, NULL, 0, true, 10, 0x0800);
	m = mk_chain(b, len, 16);
	CU_ASSERT_EQUAL(fex_tag_push_pcp(m, FEX_TAG_VNTAG, 1, 0, 3), -EINVAL);
	CU_ASSERT(chain_equals(m, b, len));
	rte_pktmbuf_free(m);
}

/* ---- headroom and shared buffers ---- */

typedef int (*push_fn)(struct rte_mbuf *m, enum fex_tag_mode mode);

static int
do_push(struct rte_mbuf *m, enum fex_tag_mode mode)
{
	return fex_tag_push(m, mode, 1, 0);
}

static int
do_push_vlan(struct rte_mbuf *m, enum fex_tag_mode mode)
{
	return fex_tag_push_vlan(m, mode, 1, 0, 1, 0);
}

static int
do_push_pcp(struct rte_mbuf *m, enum fex_tag_mode mode)
{
	return fex_tag_push_pcp(m, mode, 1, 0, 7);
}

static int
do_push_down(struct rte_mbuf *m, enum fex_tag_mode mode)
{
	static const struct fex_tag_info ti = { .dvif = 1 };

	return fex_tag_push_down(m, mode, &ti);
}

static int
do_vlan_insert(struct rte_mbuf *m, enum fex_tag_mode mode)
{
	return fex_vlan_insert(m, mode, 1, 0);
}

static void
test_headroom(void)
{
	static const struct {
		push_fn fn;
		unsigned int vlan_add;	/* bytes added besides the VIF tag */
		bool needs_vlan;	/* frame must already carry 802.1Q */
		bool needs_tag;		/* frame must already carry the VIF tag */
	} ops[] = {
		{ do_push, 0, false, false },
		{ do_push_vlan, FEX_VLAN_LEN, false, false },
		{ do_push_pcp, 0, true, false },
		{ do_push_down, 0, false, false },
		{ do_vlan_insert, FEX_VLAN_LEN, false, true },
	};
	static uint8_t before[RTE_MBUF_DEFAULT_BUF_SIZE];
	uint8_t b[FRAME_MAX], t[8];
	unsigned int i, o, len;

	for (i = 0; i < RTE_DIM(modes); i++) {
		enum fex_tag_mode mode = modes[i];
		unsigned int tl = fex_tag_len(mode);

		for (o = 0; o < RTE_DIM(ops); o++) {
			unsigned int add = (ops[o].needs_tag ? 0 : tl) + ops[o].vlan_add;
			unsigned int tlen = 0, h;

			if (ops[o].needs_tag)
				tlen = mode == FEX_TAG_VNTAG ? vntag_bytes(t, 1) :
				       mode == FEX_TAG_ETAG ? etag_bytes(t, 0, 1, 0, 0) : 0;
			len = build(b, t, tlen, ops[o].needs_vlan, 3, 0x0800);
			if (add == 0)
				continue;
			/* data_off 0, and one byte short of what is needed */
			for (h = 0; h < 2; h++) {
				uint16_t hr = h == 0 ? 0 : (uint16_t)(add - 1);
				struct rte_mbuf *m = mk_headroom(b, len, hr);

				RTE_VERIFY(m->buf_len <= sizeof(before));
				memcpy(before, m->buf_addr, m->buf_len);
				CU_ASSERT_EQUAL(ops[o].fn(m, mode), -ENOSPC);
				CU_ASSERT_EQUAL(m->data_off, hr);
				CU_ASSERT_EQUAL(m->data_len, len);
				CU_ASSERT_EQUAL(m->pkt_len, len);
				CU_ASSERT_EQUAL(memcmp(before, m->buf_addr, m->buf_len), 0);
				rte_pktmbuf_free(m);
			}
			/* exactly enough */
			{
				struct rte_mbuf *m = mk_headroom(b, len, (uint16_t)add);

				CU_ASSERT_EQUAL(ops[o].fn(m, mode), 0);
				CU_ASSERT_EQUAL(m->data_off, 0);
				CU_ASSERT_EQUAL(m->pkt_len, len + add);
				CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, void *), macs, 12), 0);
				rte_pktmbuf_free(m);
			}
		}
	}
}

static void
test_shared(void)
{
	uint8_t b[FRAME_MAX], t[8];
	struct rte_mbuf *m, *c;
	unsigned int len;
	uint16_t vid;
	uint8_t pcp;

	len = build(b, t, vntag_bytes(t, 1u << 31 | 3u << 16), true, 5, 0x0800);
	m = mk(b, len);
	rte_mbuf_refcnt_update(m, 1);
	CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_ETAG, 1, 0), -EBUSY);
	CU_ASSERT_EQUAL(fex_tag_push_vlan(m, FEX_TAG_ETAG, 1, 0, 1, 0), -EBUSY);
	CU_ASSERT_EQUAL(fex_tag_push_down(m, FEX_TAG_ETAG,
			&(struct fex_tag_info){ .dvif = 1 }), -EBUSY);
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, true), -EBUSY);
	CU_ASSERT_EQUAL(fex_vlan_insert(m, FEX_TAG_VNTAG, 1, 0), -EBUSY);
	CU_ASSERT_EQUAL(fex_vlan_set_pcp(m, FEX_TAG_VNTAG, 1), -EBUSY);
	CU_ASSERT_EQUAL(fex_vlan_strip(m, FEX_TAG_VNTAG), -EBUSY);
	CU_ASSERT(same(m, b, len));
	/* reading is fine */
	CU_ASSERT_EQUAL(fex_vlan_get(m, FEX_TAG_VNTAG, &vid, &pcp), 0);
	CU_ASSERT_EQUAL(vid, 5);
	rte_mbuf_refcnt_update(m, -1);

	/* a clone shares the data: neither side may be rewritten */
	c = rte_pktmbuf_clone(m, pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(fex_tag_strip(c, FEX_TAG_VNTAG, false), -EBUSY);
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, false), -EBUSY);
	CU_ASSERT_EQUAL(fex_tag_push_pcp(c, FEX_TAG_NONE, 0, 0, 7), -ENOENT);
	CU_ASSERT(same(m, b, len));
	CU_ASSERT(same(c, b, len));
	rte_pktmbuf_free(c);
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, false), 0);
	rte_pktmbuf_free(m);
}

/* ---- strip ---- */

static void
test_strip(void)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX];
	unsigned int i, len, elen;
	struct rte_mbuf *m;

	for (i = 0; i < RTE_DIM(modes); i++) {
		enum fex_tag_mode mode = modes[i];

		/* push_vlan then strip(vlan) is the identity */
		m = mk_plain(false, 0, in, &len);
		CU_ASSERT_EQUAL(fex_tag_push_vlan(m, mode, 9, 1, 10, 2), 0);
		CU_ASSERT_EQUAL(fex_tag_strip(m, mode, true), 0);
		CU_ASSERT(same(m, in, len));
		/* strip(vlan) with no 802.1Q tag: refused, untouched */
		CU_ASSERT_EQUAL(fex_tag_push(m, mode, 9, 1), 0);
		memcpy(exp, rte_pktmbuf_mtod(m, void *), m->data_len);
		elen = m->data_len;
		CU_ASSERT_EQUAL(fex_tag_strip(m, mode, true), -ENOENT);
		CU_ASSERT(same(m, exp, elen));
		CU_ASSERT_EQUAL(fex_tag_strip(m, mode, false), 0);
		CU_ASSERT(same(m, in, len));
		rte_pktmbuf_free(m);

		/* strip(no vlan) keeps the 802.1Q tag */
		m = mk_plain(true, 0x6000 | 300, in, &len);
		CU_ASSERT_EQUAL(fex_tag_push(m, mode, 9, 1), 0);
		CU_ASSERT_EQUAL(fex_tag_strip(m, mode, false), 0);
		CU_ASSERT(same(m, in, len));
		rte_pktmbuf_free(m);
	}

	/* wrong VIF tag: refused */
	m = mk_plain(false, 0, in, &len);
	CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_VNTAG, 9, 1), 0);
	memcpy(exp, rte_pktmbuf_mtod(m, void *), m->data_len);
	elen = m->data_len;
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_ETAG, false), -ENOENT);
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_ETAG, true), -ENOENT);
	CU_ASSERT(same(m, exp, elen));
	rte_pktmbuf_free(m);

	/* untagged frame, mode vntag */
	m = mk_plain(true, 5, in, &len);
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, false), -ENOENT);
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_NONE, false), 0);
	CU_ASSERT(same(m, in, len));
	rte_pktmbuf_free(m);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "vntag rejections", test_vntag_reject },
		{ "etag rejections", test_etag_reject },
		{ "ethertype rejections, mode none", test_ethertype_reject },
		{ "truncated at every length", test_truncated },
		{ "chained mbufs", test_chained },
		{ "no headroom", test_headroom },
		{ "shared buffers", test_shared },
		{ "strip", test_strip },
	};
	CU_pSuite s;
	unsigned int i;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	pool = fex_test_pool(1024);
	if (pool == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("unit", NULL, NULL);
	for (i = 0; s != NULL && i < RTE_DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	return fex_test_run();
}
