/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target of lib/tag: parse, push, strip and the 802.1Q helpers on
 * arbitrary bytes, arbitrary headroom, one or two segments, owned or shared.
 *
 * Input: 8 control bytes, then the frame.
 *   [0] bits 0-1 mode (3 -> none), bit 2 direction, bits 3-6 op, bit 7 shared
 *   [1] headroom   [2] bytes in the first segment (0: all)
 *   [3..4] VIF id (svif / dvif)   [5] ptr|looped|grp|pcp bits   [6..7] TCI
 *
 * Each buffer is malloc'd at exactly headroom + data bytes and the mbuf is
 * built by hand (no EAL, no pool), so AddressSanitizer catches any access
 * outside what the mbuf describes. Invariants checked on every input:
 * an op that fails changes no byte and no mbuf field; a push followed by the
 * matching strip gives back the original frame; what parse accepts is in
 * range; what a push writes parses back to what was pushed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fex_tag.h"

#define CTL_LEN		8
#define FRAME_MAX	2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op {
	OP_PUSH, OP_PUSH_VLAN, OP_PUSH_PCP, OP_PUSH_DOWN, OP_STRIP, OP_STRIP_VLAN,
	OP_VLAN_INSERT, OP_VLAN_SET_PCP, OP_VLAN_STRIP, OP_MAX,
};

struct seg {
	struct rte_mbuf m;
	uint8_t *buf;
	size_t size;
};

/* A buffer of exactly @headroom + @len bytes holding @d at @headroom. */
static void
seg_init(struct seg *s, const uint8_t *d, size_t len, size_t headroom)
{
	s->size = headroom + len;
	s->buf = malloc(s->size ? s->size : 1);
	if (s->buf == NULL)
		abort();
	memset(s->buf, 0xa5, headroom);
	memcpy(s->buf + headroom, d, len);
	memset(&s->m, 0, sizeof(s->m));
	s->m.buf_addr = s->buf;
	s->m.buf_len = (uint16_t)s->size;
	s->m.data_off = (uint16_t)headroom;
	s->m.data_len = (uint16_t)len;
	s->m.pkt_len = (uint32_t)len;
	s->m.nb_segs = 1;
	rte_mbuf_refcnt_set(&s->m, 1);
}

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* What parse accepted must be in the documented ranges. */
static void
check_info(const struct rte_mbuf *m, enum fex_tag_mode mode,
	   enum fex_tag_dir dir, const struct fex_tag_info *ti)
{
	check(ti->l2_len <= m->data_len);
	check(ti->l2_len == RTE_ETHER_HDR_LEN + fex_tag_len(mode) +
	      (ti->has_vlan ? FEX_VLAN_LEN : 0));
	check(ti->vid <= 4095 && ti->vlan_pcp <= 7 && ti->pcp <= 7);
	check(ti->svif <= FEX_TAG_VIF_MAX && ti->grp <= 3);
	if (mode == FEX_TAG_NONE)
		return;
	check(ti->dir == dir);
	if (dir == FEX_TAG_DIR_UP) {
		check(ti->svif != 0 && ti->dvif == 0 && !ti->ptr && !ti->looped);
		return;
	}
	check(ti->dvif != 0);
	check(ti->ptr ? ti->dvif <= FEX_TAG_VIFLIST_MAX : ti->dvif <= FEX_TAG_VIF_MAX);
	check(!ti->looped || ti->svif != 0);
}

static int
run_op(enum op op, struct rte_mbuf *m, enum fex_tag_mode mode,
       const struct fex_tag_info *ti, uint16_t tci)
{
	uint16_t vid = tci & 0xfff;
	uint8_t pcp = tci >> 13;

	switch (op) {
	case OP_PUSH:
		return fex_tag_push(m, mode, ti->svif, ti->pcp);
	case OP_PUSH_VLAN:
		return fex_tag_push_vlan(m, mode, ti->svif, ti->pcp, vid, pcp);
	case OP_PUSH_PCP:
		return fex_tag_push_pcp(m, mode, ti->svif, ti->pcp, pcp);
	case OP_PUSH_DOWN:
		return fex_tag_push_down(m, mode, ti);
	case OP_STRIP:
		return fex_tag_strip(m, mode, false);
	case OP_STRIP_VLAN:
		return fex_tag_strip(m, mode, true);
	case OP_VLAN_INSERT:
		return fex_vlan_insert(m, mode, vid, pcp);
	case OP_VLAN_SET_PCP:
		return fex_vlan_set_pcp(m, mode, pcp);
	case OP_VLAN_STRIP:
		return fex_vlan_strip(m, mode);
	default:
		return 0;
	}
}

/* Bytes a successful @op adds to the frame (negative: removes). */
static int
op_growth(enum op op, enum fex_tag_mode mode)
{
	int tl = (int)fex_tag_len(mode);

	switch (op) {
	case OP_PUSH:
	case OP_PUSH_PCP:
	case OP_PUSH_DOWN:
		return tl;
	case OP_PUSH_VLAN:
		return tl + FEX_VLAN_LEN;
	case OP_STRIP:
		return -tl;
	case OP_STRIP_VLAN:
		return -(tl + FEX_VLAN_LEN);
	case OP_VLAN_INSERT:
		return FEX_VLAN_LEN;
	case OP_VLAN_STRIP:
		return -FEX_VLAN_LEN;
	default:
		return 0;
	}
}

/* After a successful push, check what was written and undo it. */
static void
check_push(enum op op, struct rte_mbuf *m, enum fex_tag_mode mode,
	   const struct fex_tag_info *in, uint16_t tci)
{
	enum fex_tag_dir dir = op == OP_PUSH_DOWN ? FEX_TAG_DIR_DOWN : FEX_TAG_DIR_UP;
	struct fex_tag_info ti;
	uint16_t vid;
	uint8_t pcp;
	int rc;

	rc = fex_tag_parse(m, mode, dir, &ti);
	if (rc == 0) {
		check_info(m, mode, dir, &ti);
		if (mode != FEX_TAG_NONE && dir == FEX_TAG_DIR_UP)
			check(ti.svif == (in->svif & 0xfff));
		if (mode == FEX_TAG_ETAG)
			check(ti.pcp == (in->pcp & 7));
		if (mode == FEX_TAG_VNTAG && dir == FEX_TAG_DIR_DOWN)
			check(ti.svif == (in->svif & 0xfff) &&
			      ti.dvif == (in->dvif & 0x3fff) &&
			      ti.ptr == (in->ptr & 1) && ti.looped == (in->looped & 1));
		if (mode == FEX_TAG_ETAG && dir == FEX_TAG_DIR_DOWN)
			check(ti.svif == (in->svif & 0xfff) &&
			      ti.dvif == (in->dvif & 0xfff) && ti.grp == (in->grp & 3) &&
			      ti.looped == (ti.grp != 0 && ti.svif != 0));
	} else {
		/* only the pushed fields themselves may be refused */
		check(rc == -FEX_TAG_ERR_VIF_ZERO || rc == -FEX_TAG_ERR_VIF_RANGE ||
		      rc == -FEX_TAG_ERR_TRUNCATED || rc == -FEX_TAG_ERR_SEGMENTED);
	}
	if (op == OP_PUSH_VLAN || op == OP_PUSH_PCP) {
		check(fex_vlan_get(m, mode, &vid, &pcp) == 0);
		check(pcp == tci >> 13);
		if (op == OP_PUSH_VLAN)
			check(vid == (tci & 0xfff));
	}
	if (op == OP_PUSH_PCP)
		check(fex_tag_strip(m, mode, false) == 0);
	else
		check(fex_tag_strip(m, mode, op == OP_PUSH_VLAN) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t before[2][FRAME_MAX + 256];
	struct seg s[2];
	struct rte_mbuf *m = &s[0].m, saved[2];
	enum fex_tag_mode mode;
	enum fex_tag_dir dir;
	struct fex_tag_info ti, in;
	size_t len, first;
	uint16_t tci;
	enum op op;
	int rc, i, nseg;
	bool shared;

	if (size < CTL_LEN)
		return 0;
	mode = (enum fex_tag_mode)(data[0] & 3);
	if (mode > FEX_TAG_ETAG)
		mode = FEX_TAG_NONE;
	dir = (enum fex_tag_dir)((data[0] >> 2) & 1);
	op = (enum op)(((data[0] >> 3) & 15) % OP_MAX);
	in = (struct fex_tag_info){
		.svif = (uint16_t)(data[3] << 8 | data[4]),
		.dvif = (uint16_t)((data[3] << 8 | data[4]) * 7),
		.ptr = data[5] & 1, .looped = (data[5] >> 1) & 1,
		.grp = (data[5] >> 2) & 3, .pcp = data[5] >> 4,
	};
	tci = (uint16_t)(data[6] << 8 | data[7]);
	len = size - CTL_LEN;
	if (len > FRAME_MAX)
		len = FRAME_MAX;
	first = data[2] == 0 || data[2] >= len ? len : data[2];
	nseg = first < len ? 2 : 1;

	seg_init(&s[0], data + CTL_LEN, first, data[1]);
	if (nseg == 2) {
		seg_init(&s[1], data + CTL_LEN + first, len - first, 0);
		m->next = &s[1].m;
		m->nb_segs = 2;
		m->pkt_len = (uint32_t)len;
	}
	shared = data[0] & 0x80;
	if (shared)
		rte_mbuf_refcnt_set(m, 2);

	/* parse never fails silently and never accepts out-of-range values */
	rc = fex_tag_parse(m, mode, dir, &ti);
	check(rc <= 0 && rc > -FEX_TAG_ERR_MAX);
	check(strcmp(fex_tag_err_name(rc), "unknown") != 0);
	if (rc == 0)
		check_info(m, mode, dir, &ti);

	for (i = 0; i < nseg; i++) {
		memcpy(before[i], s[i].buf, s[i].size);
		saved[i] = s[i].m;
	}
	rc = run_op(op, m, mode, &in, tci);
	check(rc <= 0);
	if (rc != 0 || op_growth(op, mode) == 0) {
		/* refused (or a pure rewrite): layout unchanged */
		check(m->data_off == saved[0].data_off);
		check(m->data_len == saved[0].data_len);
		check(m->pkt_len == saved[0].pkt_len);
	}
	if (rc != 0) {
		for (i = 0; i < nseg; i++)
			check(memcmp(before[i], s[i].buf, s[i].size) == 0);
	} else if (shared) {
		/* a shared buffer is never written: only no-ops may succeed */
		check(op_growth(op, mode) == 0);
		for (i = 0; i < nseg; i++)
			check(memcmp(before[i], s[i].buf, s[i].size) == 0);
		check(m->data_len == saved[0].data_len);
	} else {
		uint8_t *orig = before[0] + saved[0].data_off;
		uint8_t *now = s[0].buf + saved[0].data_off;

		check(m->pkt_len == saved[0].pkt_len + (uint32_t)op_growth(op, mode));
		check(m->data_len == saved[0].data_len + op_growth(op, mode));
		/* only the first segment is ever written */
		if (nseg == 2)
			check(memcmp(before[1], s[1].buf, s[1].size) == 0);
		if (op <= OP_PUSH_DOWN && op_growth(op, mode) != 0) {
			check_push(op, m, mode, &in, tci);
			check(m->data_off == saved[0].data_off);
			check(m->data_len == saved[0].data_len);
			if (op == OP_PUSH_PCP) {
				/* all but the TCI's PCP bits are back */
				check(memcmp(orig, now, 14) == 0);
				check((orig[14] & 0x1f) == (now[14] & 0x1f));
				check(memcmp(orig + 15, now + 15, saved[0].data_len - 15) == 0);
			} else {
				check(memcmp(orig, now, saved[0].data_len) == 0);
			}
		} else if (op == OP_VLAN_INSERT) {
			check(fex_vlan_strip(m, mode) == 0);
			check(memcmp(orig, now, saved[0].data_len) == 0);
		}
	}

	for (i = 0; i < nseg; i++)
		free(s[i].buf);
	return 0;
}
