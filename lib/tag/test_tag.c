/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/tag: wire bytes of every push, push -> parse round trips,
 * every rejection reason, short and chained frames, headroom and sharing. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fex_tag.h"
#include "fex_test.h"


#define PAYLOAD_LEN	46
#define FRAME_MAX	128

static struct rte_mempool *pool;

static const uint8_t macs[FEX_TAG_MAC_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* dst */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02,	/* src */
};

static const enum fex_tag_mode modes[] = {
	FEX_TAG_NONE, FEX_TAG_VNTAG, FEX_TAG_ETAG,
};

/* ---- frame builders ---- */

static unsigned int
put16(uint8_t *b, unsigned int n, uint16_t v)
{
	b[n] = v >> 8;
	b[n + 1] = v & 0xff;
	return n + 2;
}

/* MACs, @tag (tlen bytes, EtherType included), [0x8100 tci], type, payload. */
static unsigned int
build(uint8_t *b, const uint8_t *tag, unsigned int tlen, bool vlan,
      uint16_t tci, uint16_t type)
{
	unsigned int n = 0, i;

	memcpy(b, macs, sizeof(macs));
	n += sizeof(macs);
	if (tlen != 0)
		memcpy(b + n, tag, tlen);
	n += tlen;
	if (vlan) {
		n = put16(b, n, FEX_ETHER_TYPE_VLAN);
		n = put16(b, n, tci);
	}
	n = put16(b, n, type);
	for (i = 0; i < PAYLOAD_LEN; i++)
		b[n++] = (uint8_t)(0xa0 + i);
	return n;
}

/* The VIF tag bytes (EtherType first) of a VN-Tag word. */
static unsigned int
vntag_bytes(uint8_t *t, uint32_t word)
{
	put16(t, 0, FEX_ETHER_TYPE_VNTAG);
	put16(t, 2, word >> 16);
	put16(t, 4, word & 0xffff);
	return FEX_VNTAG_LEN;
}

static unsigned int
etag_bytes(uint8_t *t, uint16_t w0, uint16_t w1, uint8_t iext, uint8_t ext)
{
	put16(t, 0, FEX_ETHER_TYPE_ETAG);
	put16(t, 2, w0);
	put16(t, 4, w1);
	t[6] = iext;
	t[7] = ext;
	return FEX_ETAG_LEN;
}

static struct rte_mbuf *
mk(const uint8_t *b, unsigned int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, b, len);
	return m;
}

/* Does @m hold exactly @b, all in the first segment? */
static bool
same(const struct rte_mbuf *m, const uint8_t *b, unsigned int len)
{
	return m->nb_segs == 1 && m->data_len == len && m->pkt_len == len &&
	       memcmp(rte_pktmbuf_mtod(m, const void *), b, len) == 0;
}

/* An untagged frame, 802.1Q tagged if @vlan. */
static struct rte_mbuf *
mk_plain(bool vlan, uint16_t tci, uint8_t *exp, unsigned int *len)
{
	*len = build(exp, NULL, 0, vlan, tci, 0x0800);
	return mk(exp, *len);
}

static int
parse_raw(const uint8_t *b, unsigned int len, enum fex_tag_mode mode,
	  enum fex_tag_dir dir, struct fex_tag_info *ti)
{
	struct rte_mbuf *m = mk(b, len);
	int rc = fex_tag_parse(m, mode, dir, ti);

	rte_pktmbuf_free(m);
	return rc;
}

/* ---- names ---- */

static void
test_mode_names(void)
{
	enum fex_tag_mode m = FEX_TAG_ETAG;
	static const char *const bad[] = {
		"", "VNTAG", "vntag ", "vn", "etag1", "None", "8926",
	};
	unsigned int i;

	CU_ASSERT_EQUAL(fex_tag_mode_parse("vntag", &m), 0);
	CU_ASSERT_EQUAL(m, FEX_TAG_VNTAG);
	CU_ASSERT_EQUAL(fex_tag_mode_parse("etag", &m), 0);
	CU_ASSERT_EQUAL(m, FEX_TAG_ETAG);
	CU_ASSERT_EQUAL(fex_tag_mode_parse("none", &m), 0);
	CU_ASSERT_EQUAL(m, FEX_TAG_NONE);
	for (i = 0; i < RTE_DIM(bad); i++) {
		m = FEX_TAG_ETAG;
		CU_ASSERT_EQUAL(fex_tag_mode_parse(bad[i], &m), -EINVAL);
		CU_ASSERT_EQUAL(m, FEX_TAG_ETAG);
	}
	CU_ASSERT_EQUAL(fex_tag_mode_parse(NULL, &m), -EINVAL);
	for (i = 0; i < RTE_DIM(modes); i++) {
		CU_ASSERT_EQUAL(fex_tag_mode_parse(fex_tag_mode_name(modes[i]), &m), 0);
		CU_ASSERT_EQUAL(m, modes[i]);
	}
	CU_ASSERT_STRING_EQUAL(fex_tag_mode_name((enum fex_tag_mode)3), "unknown");
	CU_ASSERT_STRING_EQUAL(fex_tag_mode_name((enum fex_tag_mode)-1), "unknown");
}

static void
test_err_names(void)
{
	int i, j;

	CU_ASSERT_STRING_EQUAL(fex_tag_err_name(0), "ok");
	for (i = 1; i < FEX_TAG_ERR_MAX; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(fex_tag_err_name(-i));
		CU_ASSERT_STRING_EQUAL(fex_tag_err_name(-i), fex_tag_err_name(i));
		CU_ASSERT_STRING_NOT_EQUAL(fex_tag_err_name(-i), "unknown");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(fex_tag_err_name(-i),
						   fex_tag_err_name(-j));
	}
	CU_ASSERT_STRING_EQUAL(fex_tag_err_name(-FEX_TAG_ERR_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(fex_tag_err_name(INT_MIN), "unknown");
	CU_ASSERT_STRING_EQUAL(fex_tag_err_name(INT_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(fex_tag_err_name(-FEX_TAG_ERR_TRUNCATED), "truncated");
	CU_ASSERT_STRING_EQUAL(fex_tag_err_name(-FEX_TAG_ERR_DIRECTION), "bad_direction");
}

/* ---- upstream push ---- */

static const uint16_t vifs[] = { 1, 2, 0x555, 0xaaa, 4094, 4095 };

static void
test_push_vntag_up(void)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int i, len, elen;

	for (i = 0; i < RTE_DIM(vifs); i++) {
		struct rte_mbuf *m = mk_plain(false, 0, in, &len);
		uint16_t off = m->data_off;

		elen = build(exp, t, vntag_bytes(t, vifs[i]), false, 0, 0x0800);
		CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_VNTAG, vifs[i], 7), 0);
		CU_ASSERT(same(m, exp, elen));
		CU_ASSERT_EQUAL(m->data_off, off - FEX_VNTAG_LEN);
		CU_ASSERT_EQUAL(elen, len + FEX_VNTAG_LEN);

		CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_UP, &ti), 0);
		CU_ASSERT_EQUAL(ti.dir, 0);
		CU_ASSERT_EQUAL(ti.ptr, 0);
		CU_ASSERT_EQUAL(ti.looped, 0);
		CU_ASSERT_EQUAL(ti.dvif, 0);
		CU_ASSERT_EQUAL(ti.svif, vifs[i]);
		CU_ASSERT_EQUAL(ti.has_vlan, 0);
		CU_ASSERT_EQUAL(ti.inner_type, 0x0800);
		CU_ASSERT_EQUAL(ti.l2_len, 20);
		/* an upstream frame is not a downstream one */
		CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, &ti),
				-FEX_TAG_ERR_DIRECTION);
		CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_ETAG, FEX_TAG_DIR_UP, &ti),
				-FEX_TAG_ERR_ETHERTYPE);
		rte_pktmbuf_free(m);
	}
}

static void
test_push_etag_up(void)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int i, pcp, len, elen;

	for (i = 0; i < RTE_DIM(vifs); i++) {
		for (pcp = 0; pcp < 8; pcp++) {
			struct rte_mbuf *m = mk_plain(false, 0, in, &len);

			elen = build(exp, t, etag_bytes(t, pcp << 13, vifs[i], 0, 0),
				     false, 0, 0x0800);
			CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_ETAG, vifs[i], pcp), 0);
			CU_ASSERT(same(m, exp, elen));
			CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_ETAG, FEX_TAG_DIR_UP, &ti), 0);
			CU_ASSERT_EQUAL(ti.dir, FEX_TAG_DIR_UP);
			CU_ASSERT_EQUAL(ti.pcp, pcp);
			CU_ASSERT_EQUAL(ti.svif, vifs[i]);
			CU_ASSERT_EQUAL(ti.dvif, 0);
			CU_ASSERT_EQUAL(ti.grp, 0);
			CU_ASSERT_EQUAL(ti.ptr, 0);
			CU_ASSERT_EQUAL(ti.looped, 0);
			CU_ASSERT_EQUAL(ti.inner_type, 0x0800);
			CU_ASSERT_EQUAL(ti.l2_len, 22);
			CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_UP, &ti),
					-FEX_TAG_ERR_ETHERTYPE);
			rte_pktmbuf_free(m);
		}
	}
}

static void
test_push_masks_and_none(void)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	struct rte_mbuf *m;
	unsigned int len, elen;

	/* out-of-width values never spill into neighbouring fields */
	m = mk_plain(false, 0, in, &len);
	elen = build(exp, t, vntag_bytes(t, 0x007), false, 0, 0x0800);
	CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_VNTAG, 0xf007, 0xff), 0);
	CU_ASSERT(same(m, exp, elen));
	rte_pktmbuf_free(m);

	m = mk_plain(false, 0, in, &len);
	elen = build(exp, t, etag_bytes(t, 0xe000, 0x007, 0, 0), false, 0, 0x0800);
	CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_ETAG, 0xf007, 0xff), 0);
	CU_ASSERT(same(m, exp, elen));
	rte_pktmbuf_free(m);

	m = mk_plain(false, 0, in, &len);
	elen = build(exp, t, vntag_bytes(t, 0x007), true, 0xefff, 0x0800);
	CU_ASSERT_EQUAL(fex_tag_push_vlan(m, FEX_TAG_VNTAG, 0xf007, 0, 0xffff, 0xff), 0);
	CU_ASSERT(same(m, exp, elen));
	rte_pktmbuf_free(m);

	/* mode none: push and push_down do nothing */
	m = mk_plain(false, 0, in, &len);
	CU_ASSERT_EQUAL(fex_tag_push(m, FEX_TAG_NONE, 5, 5), 0);
	CU_ASSERT(same(m, in, len));
	CU_ASSERT_EQUAL(fex_tag_push_down(m, FEX_TAG_NONE,
			&(struct fex_tag_info){ .dvif = 5 }), 0);
	CU_ASSERT(same(m, in, len));
	rte_pktmbuf_free(m);
}

static void
test_push_vlan(void)
{
	static const uint16_t vids[] = { 0, 1, 100, 4094, 4095 };
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	struct fex_tag_info ti;
	unsigned int i, v, pcp, len, elen, tlen;

	for (i = 0; i < RTE_DIM(modes); i++) {
		for (v = 0; v < RTE_DIM(vids); v++) {
			for (pcp = 0; pcp < 8; pcp++) {
				enum fex_tag_mode mode = modes[i];
				struct rte_mbuf *m = mk_plain(false, 0, in, &len);
				uint16_t svif = vifs[(v + pcp) % RTE_DIM(vifs)];

				tlen = mode == FEX_TAG_VNTAG ? vntag_bytes(t, svif) :
				       mode == FEX_TAG_ETAG ?
				       etag_bytes(t, (7 - pcp) << 13, svif, 0, 0) : 0;
				elen = build(exp, t, tlen, true, pcp << 13 | vids[v], 0x0800);
				CU_ASSERT_EQUAL(fex_tag_push_vlan(m, mode, svif, 7 - pcp,
								  vids[v], pcp), 0);
				CU_ASSERT(same(m, exp, elen));
				CU_ASSERT_EQUAL(elen, len + tlen + FEX_VLAN_LEN);

				CU_ASSERT_EQUAL(fex_tag_parse(m, mode, FEX_TAG_DIR_UP, &ti), 0);
				CU_ASSERT_EQUAL(ti.svif, mode == FEX_TAG_NONE ? 0 : svif);
				CU_ASSERT_EQUAL(ti.has_vlan, 1);
				CU_ASSERT_EQUAL(ti.vid, vids[v]);
				CU_ASSERT_EQUAL(ti.vlan_pcp, pcp);
				CU_ASSERT_EQUAL(ti.inner_type, 0x0800);
				CU_ASSERT_EQUAL(ti.l2_len, 18 + tlen);
				rte_pktmbuf_free(m);
			}
		}
	}
}

static void
test_push_pcp(void)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	unsigned int i, pcp, len, elen, tlen;
	struct rte_mbuf *m;

	for (i = 0; i < RTE_DIM(modes); i++) {
		for (pcp = 0; pcp < 8; pcp++) {
			enum fex_tag_mode mode = modes[i];
			/* DEI set, VID 0xabc: both must survive */
			uint16_t tci = 0x1000 | 0xabc;

			m = mk_plain(true, (uint16_t)((7 - pcp) << 13 | tci), in, &len);
			tlen = mode == FEX_TAG_VNTAG ? vntag_bytes(t, 4095) :
			       mode == FEX_TAG_ETAG ? etag_bytes(t, 3 << 13, 4095, 0, 0) : 0;
			elen = build(exp, t, tlen, true, (uint16_t)(pcp << 13 | tci), 0x0800);
			CU_ASSERT_EQUAL(fex_tag_push_pcp(m, mode, 4095, 3, pcp), 0);
			CU_ASSERT(same(m, exp, elen));
			rte_pktmbuf_free(m);
		}

		/* no 802.1Q tag to rewrite: refused, untouched */
		m = mk_plain(false, 0, in, &len);
		CU_ASSERT_EQUAL(fex_tag_push_pcp(m, modes[i], 1, 0, 1), -ENOENT);
		CU_ASSERT(same(m, in, len));
		rte_pktmbuf_free(m);

		/* 802.1Q TPID but no TCI + type in the frame */
		m = mk_plain(true, 5, in, &len);
		rte_pktmbuf_trim(m, (uint16_t)(len - 17));
		CU_ASSERT_EQUAL(fex_tag_push_pcp(m, modes[i], 1, 0, 1), -EINVAL);
		CU_ASSERT(same(m, in, 17));
		rte_pktmbuf_free(m);
	}
}

/* ---- downstream push / parse round trips ---- */

static void
check_vntag_down(uint8_t ptr, uint16_t dvif, uint8_t looped, uint16_t svif)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	struct fex_tag_info ti = {
		.ptr = ptr, .dvif = dvif, .looped = looped, .svif = svif,
	}, out;
	uint32_t word = 1u << 31 | (uint32_t)ptr << 30 | (uint32_t)dvif << 16 |
			(uint32_t)looped << 15 | svif;
	unsigned int len, elen;
	struct rte_mbuf *m = mk_plain(false, 0, in, &len);

	elen = build(exp, t, vntag_bytes(t, word), false, 0, 0x0800);
	CU_ASSERT_EQUAL(fex_tag_push_down(m, FEX_TAG_VNTAG, &ti), 0);
	CU_ASSERT(same(m, exp, elen));
	memset(&out, 0xee, sizeof(out));
	CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, &out), 0);
	CU_ASSERT_EQUAL(out.dir, 1);
	CU_ASSERT_EQUAL(out.ptr, ptr);
	CU_ASSERT_EQUAL(out.grp, ptr);
	CU_ASSERT_EQUAL(out.dvif, dvif);
	CU_ASSERT_EQUAL(out.looped, looped);
	CU_ASSERT_EQUAL(out.svif, svif);
	CU_ASSERT_EQUAL(out.pcp, 0);
	CU_ASSERT_EQUAL(out.has_vlan, 0);
	CU_ASSERT_EQUAL(out.inner_type, 0x0800);
	CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_VNTAG, FEX_TAG_DIR_UP, &out),
			-FEX_TAG_ERR_DIRECTION);
	/* strip gives back the original frame */
	CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_VNTAG, false), 0);
	CU_ASSERT(same(m, in, len));
	rte_pktmbuf_free(m);
}

static void
test_vntag_down_round_trip(void)
{
	static const uint16_t uni[] = { 1, 2, 0x2aa, 4094, 4095 };
	static const uint16_t list[] = { 1, 4095, 4096, 0x2aaa, 0x1555, 16382, 16383 };
	static const uint16_t src[] = { 0, 1, 0x555, 0xaaa, 4095 };
	unsigned int d, s, l;

	for (l = 0; l < 2; l++) {
		for (s = 0; s < RTE_DIM(src); s++) {
			if (l && src[s] == 0)
				continue;
			for (d = 0; d < RTE_DIM(uni); d++)
				check_vntag_down(0, uni[d], l, src[s]);
			for (d = 0; d < RTE_DIM(list); d++)
				check_vntag_down(1, list[d], l, src[s]);
		}
	}
}

static void
test_etag_down_round_trip(void)
{
	static const uint16_t ids[] = { 1, 0x555, 0xaaa, 4095 };
	static const uint16_t src[] = { 0, 1, 0xaaa, 4095 };
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	unsigned int g, p, d, s, len, elen;

	for (g = 0; g < 4; g++)
	for (p = 0; p < 8; p++)
	for (d = 0; d < RTE_DIM(ids); d++)
	for (s = 0; s < RTE_DIM(src); s++) {
		struct fex_tag_info ti = {
			.grp = g, .pcp = p, .dvif = ids[d], .svif = src[s],
		}, out;
		struct rte_mbuf *m = mk_plain(true, 0x2000 | 42, in, &len);

		elen = build(exp, t, etag_bytes(t, p << 13 | src[s], g << 12 | ids[d],
						0, 0), true, 0x2000 | 42, 0x0800);
		CU_ASSERT_EQUAL(fex_tag_push_down(m, FEX_TAG_ETAG, &ti), 0);
		CU_ASSERT(same(m, exp, elen));
		memset(&out, 0xee, sizeof(out));
		CU_ASSERT_EQUAL(fex_tag_parse(m, FEX_TAG_ETAG, FEX_TAG_DIR_DOWN, &out), 0);
		CU_ASSERT_EQUAL(out.dir, 1);
		CU_ASSERT_EQUAL(out.grp, g);
		CU_ASSERT_EQUAL(out.ptr, g != 0);
		CU_ASSERT_EQUAL(out.pcp, p);
		CU_ASSERT_EQUAL(out.dvif, ids[d]);
		CU_ASSERT_EQUAL(out.svif, src[s]);
		CU_ASSERT_EQUAL(out.looped, g != 0 && src[s] != 0);
		CU_ASSERT_EQUAL(out.has_vlan, 1);
		CU_ASSERT_EQUAL(out.vid, 42);
		CU_ASSERT_EQUAL(out.vlan_pcp, 1);
		CU_ASSERT_EQUAL(out.inner_type, 0x0800);
		CU_ASSERT_EQUAL(out.l2_len, 26);
		/* strip tag and 802.1Q together: the untagged frame */
		CU_ASSERT_EQUAL(fex_tag_strip(m, FEX_TAG_ETAG, true), 0);
		CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), len - FEX_VLAN_LEN);
		CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, void *), macs, 12), 0);
		CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod_offset(m, void *, 12),
				       in + 16, len - 16), 0);
		rte_pktmbuf_free(m);
	}
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

/* An mbuf whose frame starts @headroom bytes into the buffer. */
static struct rte_mbuf *
mk_headroom(const uint8_t *b, unsigned int len, uint16_t headroom)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memset(m->buf_addr, 0x5c, m->buf_len);
	m->data_off = headroom;
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, len);
	return m;
}

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

/* ---- 802.1Q helpers, with and without a VIF tag in front ---- */

static void
test_vlan_helpers(void)
{
	uint8_t in[FRAME_MAX], exp[FRAME_MAX], t[8];
	unsigned int i, len, elen, tlen;
	uint16_t vid;
	uint8_t pcp;

	for (i = 0; i < RTE_DIM(modes); i++) {
		enum fex_tag_mode mode = modes[i];
		struct rte_mbuf *m;

		tlen = mode == FEX_TAG_VNTAG ? vntag_bytes(t, 1u << 31 | 40u << 16 | 4) :
		       mode == FEX_TAG_ETAG ? etag_bytes(t, 0x2004, 0x2028, 0, 0) : 0;
		len = build(in, t, tlen, false, 0, 0x0800);
		m = mk(in, len);

		CU_ASSERT_EQUAL(fex_vlan_get(m, mode, &vid, &pcp), -ENOENT);
		CU_ASSERT_EQUAL(fex_vlan_set_pcp(m, mode, 1), -ENOENT);
		CU_ASSERT_EQUAL(fex_vlan_strip(m, mode), -ENOENT);
		CU_ASSERT(same(m, in, len));

		CU_ASSERT_EQUAL(fex_vlan_insert(m, mode, 0xf000 | 4095, 0xf8 | 5), 0);
		elen = build(exp, t, tlen, true, 5 << 13 | 4095, 0x0800);
		CU_ASSERT(same(m, exp, elen));
		CU_ASSERT_EQUAL(fex_vlan_get(m, mode, &vid, &pcp), 0);
		CU_ASSERT_EQUAL(vid, 4095);
		CU_ASSERT_EQUAL(pcp, 5);

		for (pcp = 0; pcp < 8; pcp++) {
			uint8_t got;

			CU_ASSERT_EQUAL(fex_vlan_set_pcp(m, mode, pcp), 0);
			elen = build(exp, t, tlen, true, (uint16_t)(pcp << 13 | 4095), 0x0800);
			CU_ASSERT(same(m, exp, elen));
			CU_ASSERT_EQUAL(fex_vlan_get(m, mode, &vid, &got), 0);
			CU_ASSERT_EQUAL(got, pcp);
			CU_ASSERT_EQUAL(vid, 4095);
		}
		CU_ASSERT_EQUAL(fex_vlan_strip(m, mode), 0);
		CU_ASSERT(same(m, in, len));

		/* the helpers of another mode find no tag where they look */
		if (mode != FEX_TAG_NONE) {
			enum fex_tag_mode other = mode == FEX_TAG_VNTAG ? FEX_TAG_ETAG :
									  FEX_TAG_VNTAG;

			CU_ASSERT_EQUAL(fex_vlan_insert(m, other, 1, 1), -ENOENT);
			CU_ASSERT(same(m, in, len));
			CU_ASSERT_EQUAL(fex_vlan_insert(m, mode, 1, 1), 0);
			CU_ASSERT_EQUAL(fex_vlan_get(m, other, &vid, &pcp), -ENOENT);
			CU_ASSERT_EQUAL(fex_vlan_set_pcp(m, other, 3), -ENOENT);
			CU_ASSERT_EQUAL(fex_vlan_strip(m, other), -ENOENT);
			CU_ASSERT_EQUAL(fex_vlan_strip(m, mode), 0);
			CU_ASSERT(same(m, in, len));
		}
		rte_pktmbuf_free(m);
	}
}

/* ---- burst push: one header for every frame ---- */

/* fex_tag_push_hdr_burst() with a header from fex_tag_write_up() gives
 * the bytes fex_tag_push_vlan() gives, frame by frame; fex_tag_push_ready()
 * refuses a runt, a frame without the headroom and a shared one. */
static void
test_push_burst(void)
{
	static const enum fex_tag_mode up_modes[] = { FEX_TAG_VNTAG, FEX_TAG_ETAG };
	uint8_t exp[128], hdr[16];
	unsigned int i, k, len;

	for (i = 0; i < RTE_DIM(up_modes); i++) {
		const unsigned int add = fex_tag_len(up_modes[i]) + FEX_VLAN_LEN;
		struct rte_mbuf *burst[3], *ref[3], *m;

		for (k = 0; k < 3; k++) {
			burst[k] = mk_plain(false, 0, exp, &len);
			ref[k] = mk_plain(false, 0, exp, &len);
			CU_ASSERT_TRUE(fex_tag_push_ready(burst[k], add));
			CU_ASSERT_EQUAL(fex_tag_push_vlan(ref[k], up_modes[i], 77, 5, 10, 5), 0);
		}
		fex_tag_write_up(hdr, up_modes[i], 77, 5);
		fex_tag_wr16(hdr + add - FEX_VLAN_LEN, FEX_ETHER_TYPE_VLAN);
		fex_tag_wr16(hdr + add - 2, (uint16_t)(5 << 13 | 10));
		fex_tag_push_hdr_burst(burst, 3, hdr, add);
		for (k = 0; k < 3; k++) {
			CU_ASSERT_TRUE(same(burst[k], rte_pktmbuf_mtod(ref[k], uint8_t *),
					    ref[k]->data_len));
			rte_pktmbuf_free(burst[k]);
			rte_pktmbuf_free(ref[k]);
		}
		/* what the burst path must leave to the frame-by-frame one */
		m = mk(exp, RTE_ETHER_HDR_LEN - 1);
		CU_ASSERT_FALSE(fex_tag_push_ready(m, add));
		rte_pktmbuf_free(m);
		m = mk_headroom(exp, len, (uint16_t)(add - 1));
		CU_ASSERT_FALSE(fex_tag_push_ready(m, add));
		rte_pktmbuf_free(m);
		m = mk_headroom(exp, len, (uint16_t)add);
		CU_ASSERT_TRUE(fex_tag_push_ready(m, add));
		rte_mbuf_refcnt_update(m, 1);
		CU_ASSERT_FALSE(fex_tag_push_ready(m, add));
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(m);
	}
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "mode names", test_mode_names },
		{ "error names", test_err_names },
		{ "push vntag upstream", test_push_vntag_up },
		{ "push etag upstream", test_push_etag_up },
		{ "push masks, mode none", test_push_masks_and_none },
		{ "push tag + 802.1Q", test_push_vlan },
		{ "push tag + rewrite PCP", test_push_pcp },
		{ "vntag downstream round trip", test_vntag_down_round_trip },
		{ "etag downstream round trip", test_etag_down_round_trip },
		{ "vntag rejections", test_vntag_reject },
		{ "etag rejections", test_etag_reject },
		{ "ethertype rejections, mode none", test_ethertype_reject },
		{ "truncated at every length", test_truncated },
		{ "chained mbufs", test_chained },
		{ "no headroom", test_headroom },
		{ "shared buffers", test_shared },
		{ "strip", test_strip },
		{ "802.1Q helpers", test_vlan_helpers },
		{ "burst push", test_push_burst },
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
