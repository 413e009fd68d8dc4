/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/tag, the push side: mode and error names, the wire
 * bytes of every upstream push (with 802.1Q, PCP rewrite, masks, mode
 * none), downstream push -> parse round trips, the 802.1Q helpers and
 * the burst push. Parsing, rejections, short, chained, headroomless and
 * shared frames and strip are test_tag_parse.c's. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fex_tag.h"
#include "fex_test.h"
#include "test_tag_common.h"

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
	struct fex_tag_info ti = { 0 };
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

/* ---- the inline helpers the ops are built of ---- */

static void
test_helpers(void)
{
	uint8_t b[64], exp[128];
	struct fex_tag_info ti;
	struct rte_mbuf *m;
	unsigned int i, len;
	int rc = 0;

	/* network-order loads and stores */
	fex_tag_wr16(b, 0x8926);
	CU_ASSERT(b[0] == 0x89 && b[1] == 0x26);
	CU_ASSERT_EQUAL(fex_tag_rd16(b), 0x8926);
	fex_tag_wr32(b, 0x01020304u);
	CU_ASSERT(b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 4);
	CU_ASSERT_EQUAL(fex_tag_ethertype(FEX_TAG_VNTAG), FEX_ETHER_TYPE_VNTAG);
	CU_ASSERT_EQUAL(fex_tag_ethertype(FEX_TAG_ETAG), FEX_ETHER_TYPE_ETAG);
	/* overlapping moves, both directions */
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	fex_tag_move_macs(b, b + 6);
	for (i = 0; i < 12; i++)
		CU_ASSERT_EQUAL(b[i], i + 6);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	fex_tag_move_macs(b + 4, b);
	for (i = 0; i < 12; i++)
		CU_ASSERT_EQUAL(b[4 + i], i);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	fex_tag_move_hdr(b + 2, b, 20);
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(b[2 + i], i);
	/* raw tag field decoders */
	fex_tag_wr16(b, 0x8000 | 42);		/* VN-Tag d=1 p=0 dvif 42 */
	fex_tag_wr16(b + 2, 7);			/* svif 7 */
	CU_ASSERT_EQUAL(fex_tag_parse_vntag(b, FEX_TAG_DIR_DOWN, &ti), 0);
	CU_ASSERT(ti.dvif == 42 && ti.svif == 7 && !ti.ptr && !ti.looped);
	CU_ASSERT_EQUAL(fex_tag_parse_vntag(b, FEX_TAG_DIR_UP, &ti), -FEX_TAG_ERR_DIRECTION);
	memset(b, 0, 6);
	fex_tag_wr16(b, (uint16_t)(3 << 13));	/* E-PCP 3, ingress E-CID 0 */
	fex_tag_wr16(b + 2, 99);		/* GRP 0, E-CID 99 */
	CU_ASSERT_EQUAL(fex_tag_parse_etag(b, FEX_TAG_DIR_DOWN, &ti), 0);
	CU_ASSERT(ti.dvif == 99 && ti.pcp == 3 && !ti.ptr);
	b[5] = 1;				/* ext byte set */
	CU_ASSERT_EQUAL(fex_tag_parse_etag(b, FEX_TAG_DIR_DOWN, &ti), -FEX_TAG_ERR_EXT);
	/* mbuf helpers */
	m = mk_plain(true, 0x2005, exp, &len);
	CU_ASSERT_TRUE(fex_tag_writable(m));
	CU_ASSERT_EQUAL(fex_tag_short(m, len), -FEX_TAG_ERR_SEGMENTED);
	CU_ASSERT_EQUAL(fex_tag_short(m, len + 1), -FEX_TAG_ERR_TRUNCATED);
	CU_ASSERT_PTR_EQUAL(fex_vlan_tci(m, FEX_TAG_NONE, &rc),
			    rte_pktmbuf_mtod(m, uint8_t *) + FEX_TAG_MAC_LEN + 2);
	CU_ASSERT_PTR_NULL(fex_vlan_tci(m, FEX_TAG_VNTAG, &rc));
	CU_ASSERT_EQUAL(rc, -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(fex_tag_open(m, 6, RTE_ETHER_HDR_LEN, &rc));
	CU_ASSERT_EQUAL(m->data_len, len + 6);
	CU_ASSERT_PTR_NULL(fex_tag_open(m, 6, 4096, &rc));
	CU_ASSERT_EQUAL(rc, -EINVAL);
	rte_mbuf_refcnt_update(m, 1);
	CU_ASSERT_FALSE(fex_tag_writable(m));
	CU_ASSERT_PTR_NULL(fex_tag_open(m, 6, RTE_ETHER_HDR_LEN, &rc));
	CU_ASSERT_EQUAL(rc, -EBUSY);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(m);
	/* one frame of the burst push */
	m = mk_plain(false, 0, exp, &len);
	memcpy(b, "\x89\x26\x00\x00\x00\x05", 6);
	fex_tag_push_hdr_one(m, b, 6);
	CU_ASSERT_EQUAL(m->data_len, len + 6);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *), exp, 12), 0);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *) + 12, b, 6), 0);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *) + 18, exp + 12, len - 12), 0);
	rte_pktmbuf_free(m);
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
		{ "802.1Q helpers", test_vlan_helpers },
		{ "burst push", test_push_burst },
		{ "inline helpers", test_helpers },
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
