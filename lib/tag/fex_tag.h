/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VIF tags: VN-Tag (EtherType 0x8926) and 802.1BR E-Tag (0x893F), plus the
 * 802.1Q tag that may follow them (SPEC.md §1).
 *
 * Wire layout handled here (offsets in bytes from the start of the frame):
 *
 *   dst MAC(6) src MAC(6) [VIF tag: EtherType(2) + 4 or 6] [0x8100 TCI(2)] type
 *
 * Every push/strip works in place in the first segment: one
 * rte_pktmbuf_prepend()/rte_pktmbuf_adj() and one move of the 12 MAC bytes;
 * the payload is never copied. Everything per-packet is inline, integer-only,
 * never allocates, locks or prints, and reads and writes nothing outside
 * [data_off, data_off + data_len) of the first segment (plus, for pushes,
 * the headroom it has checked it owns).
 *
 * Preconditions of all the in-place ops (checked, never assumed):
 * - the headers touched must lie in the first segment (data_len), else
 *   -EINVAL (parse: FEX_TAG_ERR_TRUNCATED / FEX_TAG_ERR_SEGMENTED);
 * - the mbuf must own its data (direct, refcnt 1), else -EBUSY: writing
 *   into a clone's shared buffer would corrupt the other users' frame;
 * - a push needs headroom for what it adds, else -ENOSPC.
 * On any error the mbuf and its data are left untouched.
 *
 * Field values are masked to their wire width (VIF 12 bits, VN-Tag dvif
 * 14 bits, PCP 3 bits, VID 12 bits, GRP 2 bits); range checks belong to
 * the control path, once, not to the per-packet call.
 *
 * Thread safety: all functions are reentrant; an mbuf must be handled by one
 * thread at a time.
 */
#ifndef FEX_TAG_H
#define FEX_TAG_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define FEX_ETHER_TYPE_VNTAG	0x8926
#define FEX_ETHER_TYPE_ETAG	0x893F
#define FEX_ETHER_TYPE_VLAN	0x8100

#define FEX_TAG_MAC_LEN		12	/* dst + src MAC, the bytes that move */
#define FEX_VNTAG_LEN		6	/* EtherType + 4-byte tag */
#define FEX_ETAG_LEN		8	/* EtherType + 6-byte tag */
#define FEX_VLAN_LEN		4	/* TPID + TCI */
#define FEX_TAG_VIF_MAX		4095	/* VIF ids are 1..4095 */
#define FEX_TAG_VIFLIST_MAX	16383	/* VN-Tag VIF-list ids are 1..16383 */

/* What the uplink carries; also what a frame is parsed/stripped as. */
enum fex_tag_mode {
	FEX_TAG_NONE,
	FEX_TAG_VNTAG,
	FEX_TAG_ETAG,
};

/* The direction bit (VN-Tag d). */
enum fex_tag_dir {
	FEX_TAG_DIR_UP = 0,	/* host -> fabric */
	FEX_TAG_DIR_DOWN = 1,	/* fabric -> host */
};

/*
 * Why fex_tag_parse() refused a frame; it returns the negated value.
 * fex_tag_err_name() gives the counter name of each.
 */
enum fex_tag_err {
	FEX_TAG_OK = 0,
	FEX_TAG_ERR_TRUNCATED,	/* frame shorter than its headers */
	FEX_TAG_ERR_SEGMENTED,	/* headers continue past the first segment */
	FEX_TAG_ERR_ETHERTYPE,	/* not the tag of the configured mode */
	FEX_TAG_ERR_DIRECTION,	/* VN-Tag d bit is not the one asked for */
	FEX_TAG_ERR_RESERVED,	/* VN-Tag r bit, or E-Tag resv bits, set */
	FEX_TAG_ERR_VERSION,	/* VN-Tag ver != 0 */
	FEX_TAG_ERR_EXT,	/* E-Tag Ingress_E-CID_ext or E-CID_ext != 0 */
	FEX_TAG_ERR_UP_FIELDS,	/* upstream frame with p/dvif/l, GRP or Ingress_E-CID set */
	FEX_TAG_ERR_VIF_ZERO,	/* VIF / VIF-list id 0 where one is required */
	FEX_TAG_ERR_VIF_RANGE,	/* VN-Tag unicast dvif > 4095 */
	FEX_TAG_ERR_MAX,
};

/*
 * A parsed tag. Which fields mean what:
 *
 *            VN-Tag                       E-Tag
 * dir        d                            (not on the wire: the one asked for)
 * ptr        p                            GRP != 0
 * grp        p (0 or 1)                   GRP
 * looped     l                            Ingress_E-CID != 0 on a GRP != 0 frame
 * dvif       dvif (14 bits)               E-CID_base (downstream; 0 upstream)
 * svif       svif                         Ingress_E-CID_base downstream,
 *                                         E-CID_base upstream (the source VIF)
 * pcp        0                            E-PCP
 *
 * Downstream, ptr == 0: dvif is the destination VIF (1..4095);
 * ptr == 1: dvif is a VIF-list id (VN-Tag 1..16383, E-Tag 1..4095), and
 * when looped, svif is the source VIF that must not get a copy.
 * E-Tag has no l bit: 802.1BR says the ingress E-CID of a multicast frame
 * names the port it entered on, so a non-zero Ingress_E-CID on a GRP != 0
 * frame means "came from this extender, prune svif" - that is `looped`.
 * On a GRP 0 E-Tag frame svif is reported but looped stays 0.
 *
 * After the VIF tag: inner_type is the EtherType of the payload (behind the
 * 802.1Q tag when has_vlan), l2_len the bytes up to the payload.
 */
struct fex_tag_info {
	uint8_t dir;
	uint8_t ptr;
	uint8_t grp;
	uint8_t looped;
	uint16_t dvif;
	uint16_t svif;
	uint8_t pcp;
	uint8_t has_vlan;
	uint8_t vlan_pcp;
	uint8_t l2_len;
	uint16_t vid;
	uint16_t inner_type;
};

/* "vntag" | "etag" | "none" -> *out; -EINVAL (and *out untouched) otherwise. */
int fex_tag_mode_parse(const char *s, enum fex_tag_mode *out);
/* "vntag" | "etag" | "none", or "unknown". */
const char *fex_tag_mode_name(enum fex_tag_mode mode);
/* Counter name of a fex_tag_err (either sign), "ok" for 0, else "unknown". */
const char *fex_tag_err_name(int err);

/* ---- internal helpers of the inline ops below ---- */

static inline uint16_t
fex_tag_rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline void
fex_tag_wr16(uint8_t *p, uint16_t host)
{
	uint16_t v = rte_cpu_to_be_16(host);

	memcpy(p, &v, sizeof(v));
}

static inline void
fex_tag_wr32(uint8_t *p, uint32_t host)
{
	uint32_t v = rte_cpu_to_be_32(host);

	memcpy(p, &v, sizeof(v));
}

/* Move the first @n bytes (n <= 24) from @src to @dst; regions may overlap. */
static inline void
fex_tag_move_hdr(uint8_t *dst, const uint8_t *src, unsigned int n)
{
	uint8_t tmp[24];

	memcpy(tmp, src, n);
	memcpy(dst, tmp, n);
}

/* The 12 MAC bytes, loaded whole before any store, so overlap is fine. */
static inline void
fex_tag_move_macs(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + 8, sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + 8, &b, sizeof(b));
}

/* May this mbuf's data be written in place? */
static inline bool
fex_tag_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/* Bytes the VIF tag of @mode occupies, its EtherType included. */
static inline unsigned int
fex_tag_len(enum fex_tag_mode mode)
{
	return mode == FEX_TAG_VNTAG ? FEX_VNTAG_LEN :
	       mode == FEX_TAG_ETAG ? FEX_ETAG_LEN : 0;
}

static inline uint16_t
fex_tag_ethertype(enum fex_tag_mode mode)
{
	return mode == FEX_TAG_VNTAG ? FEX_ETHER_TYPE_VNTAG : FEX_ETHER_TYPE_ETAG;
}

/* Write an upstream VIF tag of @mode at @p (its EtherType first). */
static inline void
fex_tag_write_up(uint8_t *p, enum fex_tag_mode mode, uint16_t svif, uint8_t epcp)
{
	if (mode == FEX_TAG_VNTAG) {
		fex_tag_wr16(p, FEX_ETHER_TYPE_VNTAG);
		fex_tag_wr32(p + 2, svif & 0xfff);	/* d p dvif l r ver = 0 */
	} else if (mode == FEX_TAG_ETAG) {
		fex_tag_wr16(p, FEX_ETHER_TYPE_ETAG);
		fex_tag_wr16(p + 2, (uint16_t)((epcp & 7) << 13));
		fex_tag_wr16(p + 4, svif & 0xfff);	/* resv 0, GRP 0 */
		fex_tag_wr16(p + 6, 0);			/* ext bytes */
	}
}

/* Make room for @add bytes after the MACs; returns the frame start or NULL. */
static inline uint8_t *
fex_tag_open(struct rte_mbuf *m, unsigned int add, unsigned int need, int *rc)
{
	uint8_t *p;

	if (unlikely(!fex_tag_writable(m))) {
		*rc = -EBUSY;
		return NULL;
	}
	if (unlikely(m->data_len < need)) {
		*rc = -EINVAL;
		return NULL;
	}
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)add);
	if (unlikely(p == NULL)) {
		*rc = -ENOSPC;
		return NULL;
	}
	fex_tag_move_macs(p, p + add);
	return p;
}

/* ---- upstream push (host -> fabric) ---- */

/*
 * Push the upstream VIF tag of @mode right after the source MAC:
 * VN-Tag d=0 p=0 dvif=0 l=0 svif; E-Tag E-PCP=@epcp, E-CID=svif, GRP 0.
 * FEX_TAG_NONE: nothing to do, returns 0.
 * Returns 0, -EINVAL (< 14 bytes in the first segment), -EBUSY, -ENOSPC.
 */
static inline int
fex_tag_push(struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t svif,
	     uint8_t epcp)
{
	unsigned int tl = fex_tag_len(mode);
	uint8_t *p;
	int rc;

	if (tl == 0)
		return 0;
	p = fex_tag_open(m, tl, RTE_ETHER_HDR_LEN, &rc);
	if (unlikely(p == NULL))
		return rc;
	fex_tag_write_up(p + FEX_TAG_MAC_LEN, mode, svif, epcp);
	return 0;
}

/*
 * Push the upstream VIF tag and insert an 802.1Q tag (@vid, @pcp, DEI 0)
 * behind it, in one prepend and one MAC move:
 *   MACs type ...  ->  MACs [VIF tag] 0x8100 TCI type ...
 * FEX_TAG_NONE: only the 802.1Q tag. Errors as fex_tag_push().
 */
static inline int
fex_tag_push_vlan(struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t svif,
		  uint8_t epcp, uint16_t vid, uint8_t pcp)
{
	unsigned int tl = fex_tag_len(mode);
	uint8_t *p;
	int rc;

	p = fex_tag_open(m, tl + FEX_VLAN_LEN, RTE_ETHER_HDR_LEN, &rc);
	if (unlikely(p == NULL))
		return rc;
	fex_tag_write_up(p + FEX_TAG_MAC_LEN, mode, svif, epcp);
	fex_tag_wr16(p + FEX_TAG_MAC_LEN + tl, FEX_ETHER_TYPE_VLAN);
	fex_tag_wr16(p + FEX_TAG_MAC_LEN + tl + 2,
		     (uint16_t)(((pcp & 7) << 13) | (vid & 0xfff)));
	return 0;
}

/*
 * Push the upstream VIF tag in front of the frame's existing 802.1Q tag and
 * set that tag's PCP to @pcp (VID and DEI kept), in one prepend and one MAC
 * move. FEX_TAG_NONE: only the PCP rewrite.
 * Returns 0, -ENOENT (no 802.1Q tag after the MACs), -EINVAL (< 18 bytes in
 * the first segment), -EBUSY, -ENOSPC.
 */
static inline int
fex_tag_push_pcp(struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t svif,
		 uint8_t epcp, uint8_t pcp)
{
	unsigned int tl = fex_tag_len(mode);
	uint8_t *p;
	uint16_t tci;
	int rc;

	if (likely(m->data_len >= RTE_ETHER_HDR_LEN + FEX_VLAN_LEN) &&
	    unlikely(fex_tag_rd16(rte_pktmbuf_mtod_offset(m, uint8_t *,
				  FEX_TAG_MAC_LEN)) != FEX_ETHER_TYPE_VLAN))
		return -ENOENT;
	p = fex_tag_open(m, tl, RTE_ETHER_HDR_LEN + FEX_VLAN_LEN, &rc);
	if (unlikely(p == NULL))
		return rc;
	fex_tag_write_up(p + FEX_TAG_MAC_LEN, mode, svif, epcp);
	p += FEX_TAG_MAC_LEN + tl + 2;
	tci = fex_tag_rd16(p);
	fex_tag_wr16(p, (uint16_t)((tci & 0x1fff) | ((pcp & 7) << 13)));
	return 0;
}

/* ---- burst ops: one header for every frame of a burst ---- */

/*
 * Can fex_tag_push_hdr_burst() add @add bytes to @m? Its first segment
 * holds the 14-byte Ethernet header, it owns its data and has the
 * headroom. Branch-free, to be and-ed over a burst.
 */
static inline bool
fex_tag_push_ready(const struct rte_mbuf *m, unsigned int add)
{
	/* ints, not bools: clang's -Wbitwise-instead-of-logical */
	return ((int)(m->data_len >= RTE_ETHER_HDR_LEN) &
		(int)(rte_pktmbuf_headroom(m) >= add) & (int)fex_tag_writable(m)) != 0;
}

/* One frame of fex_tag_push_hdr_burst(); @len is a constant there. */
static __rte_always_inline void
fex_tag_push_hdr_one(struct rte_mbuf *m, const uint8_t *hdr, unsigned int len)
{
	uint8_t *p;

	m->data_off = (uint16_t)(m->data_off - len);
	m->data_len = (uint16_t)(m->data_len + len);
	m->pkt_len += len;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	fex_tag_move_macs(p, p + len);
	memcpy(p + FEX_TAG_MAC_LEN, hdr, len);
}

/*
 * Insert the same @len bytes (<= 16; e.g. a VIF tag and an 802.1Q tag built
 * with fex_tag_write_up()) right after the MACs of n frames, each of which
 * passed fex_tag_push_ready(m, len): one header move per frame, no checks.
 */
static inline void
fex_tag_push_hdr_burst(struct rte_mbuf **pkts, uint16_t n, const uint8_t *hdr,
		       unsigned int len)
{
	uint16_t i;

	switch (len) {
	case FEX_VNTAG_LEN + FEX_VLAN_LEN:
		for (i = 0; i < n; i++)
			fex_tag_push_hdr_one(pkts[i], hdr, FEX_VNTAG_LEN + FEX_VLAN_LEN);
		break;
	case FEX_ETAG_LEN + FEX_VLAN_LEN:
		for (i = 0; i < n; i++)
			fex_tag_push_hdr_one(pkts[i], hdr, FEX_ETAG_LEN + FEX_VLAN_LEN);
		break;
	default:
		for (i = 0; i < n; i++)
			fex_tag_push_hdr_one(pkts[i], hdr, len);
		break;
	}
}

/* ---- downstream push (fabric -> host): fabric simulator and tests ---- */

/*
 * Push a downstream VIF tag built from @ti (see struct fex_tag_info):
 * VN-Tag d=1, p=ti->ptr, dvif, l=ti->looped, svif;
 * E-Tag E-PCP=ti->pcp, Ingress_E-CID=ti->svif, GRP=ti->grp, E-CID=ti->dvif.
 * (ti->dir, and for E-Tag ti->ptr/looped, are implied and ignored.)
 * FEX_TAG_NONE: nothing to do. Errors as fex_tag_push().
 */
static inline int
fex_tag_push_down(struct rte_mbuf *m, enum fex_tag_mode mode,
		  const struct fex_tag_info *ti)
{
	unsigned int tl = fex_tag_len(mode);
	uint8_t *p;
	int rc;

	if (tl == 0)
		return 0;
	p = fex_tag_open(m, tl, RTE_ETHER_HDR_LEN, &rc);
	if (unlikely(p == NULL))
		return rc;
	p += FEX_TAG_MAC_LEN;
	fex_tag_wr16(p, fex_tag_ethertype(mode));
	if (mode == FEX_TAG_VNTAG) {
		fex_tag_wr32(p + 2, UINT32_C(1) << 31 |
			     (uint32_t)(ti->ptr & 1) << 30 |
			     (uint32_t)(ti->dvif & 0x3fff) << 16 |
			     (uint32_t)(ti->looped & 1) << 15 |
			     (ti->svif & 0xfffu));
	} else {
		fex_tag_wr16(p + 2, (uint16_t)((ti->pcp & 7) << 13 | (ti->svif & 0xfff)));
		fex_tag_wr16(p + 4, (uint16_t)((ti->grp & 3) << 12 | (ti->dvif & 0xfff)));
		fex_tag_wr16(p + 6, 0);
	}
	return 0;
}

/* ---- parse ---- */

/* Error for a frame whose first segment has fewer than @need bytes. */
static inline int
fex_tag_short(const struct rte_mbuf *m, unsigned int need)
{
	return rte_pktmbuf_pkt_len(m) >= need ? -FEX_TAG_ERR_SEGMENTED :
						-FEX_TAG_ERR_TRUNCATED;
}

static inline int
fex_tag_parse_vntag(const uint8_t *t, enum fex_tag_dir dir,
		    struct fex_tag_info *ti)
{
	uint16_t hi = fex_tag_rd16(t), lo = fex_tag_rd16(t + 2);

	ti->dir = hi >> 15;
	ti->ptr = (hi >> 14) & 1;
	ti->grp = ti->ptr;
	ti->dvif = hi & 0x3fff;
	ti->looped = lo >> 15;
	ti->svif = lo & 0xfff;
	ti->pcp = 0;
	if (unlikely(ti->dir != dir))
		return -FEX_TAG_ERR_DIRECTION;
	if (unlikely(lo & 0x4000))
		return -FEX_TAG_ERR_RESERVED;
	if (unlikely(lo & 0x3000))
		return -FEX_TAG_ERR_VERSION;
	if (dir == FEX_TAG_DIR_UP) {
		if (unlikely(hi != 0 || ti->looped))
			return -FEX_TAG_ERR_UP_FIELDS;
		if (unlikely(ti->svif == 0))
			return -FEX_TAG_ERR_VIF_ZERO;
		return 0;
	}
	if (unlikely(ti->dvif == 0 || (ti->looped && ti->svif == 0)))
		return -FEX_TAG_ERR_VIF_ZERO;
	if (unlikely(!ti->ptr && ti->dvif > FEX_TAG_VIF_MAX))
		return -FEX_TAG_ERR_VIF_RANGE;
	return 0;
}

static inline int
fex_tag_parse_etag(const uint8_t *t, enum fex_tag_dir dir,
		   struct fex_tag_info *ti)
{
	uint16_t w0 = fex_tag_rd16(t), w1 = fex_tag_rd16(t + 2);
	uint16_t iecid = w0 & 0xfff, ecid = w1 & 0xfff;

	ti->dir = dir;
	ti->pcp = w0 >> 13;
	ti->grp = (w1 >> 12) & 3;
	ti->ptr = ti->grp != 0;
	if (unlikely(w1 & 0xc000))
		return -FEX_TAG_ERR_RESERVED;
	if (unlikely((t[4] | t[5]) != 0))
		return -FEX_TAG_ERR_EXT;
	if (dir == FEX_TAG_DIR_UP) {
		ti->dvif = 0;
		ti->svif = ecid;
		ti->looped = 0;
		if (unlikely(ti->grp != 0 || iecid != 0))
			return -FEX_TAG_ERR_UP_FIELDS;
		if (unlikely(ecid == 0))
			return -FEX_TAG_ERR_VIF_ZERO;
		return 0;
	}
	ti->dvif = ecid;
	ti->svif = iecid;
	ti->looped = ti->ptr && iecid != 0;
	if (unlikely(ecid == 0))
		return -FEX_TAG_ERR_VIF_ZERO;
	return 0;
}

/*
 * Parse the VIF tag of @mode (and the 802.1Q tag behind it, if any) from the
 * first segment of @m, expecting direction @dir. FEX_TAG_NONE parses only
 * the optional 802.1Q tag (dvif = svif = 0).
 * Returns 0 with *ti filled, or -enum fex_tag_err; on error the fields
 * decoded so far are set and the rest of *ti is unspecified.
 * Reads nothing past the first segment's data_len.
 */
static inline int
fex_tag_parse(const struct rte_mbuf *m, enum fex_tag_mode mode,
	      enum fex_tag_dir dir, struct fex_tag_info *ti)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int len = m->data_len;
	unsigned int off = FEX_TAG_MAC_LEN + fex_tag_len(mode);
	uint16_t type;
	int rc = 0;

	if (unlikely(len < RTE_ETHER_HDR_LEN))
		return fex_tag_short(m, RTE_ETHER_HDR_LEN);
	if (mode == FEX_TAG_NONE) {
		ti->dir = dir;
		ti->ptr = ti->grp = ti->looped = ti->pcp = 0;
		ti->dvif = ti->svif = 0;
	} else {
		if (unlikely(fex_tag_rd16(p + FEX_TAG_MAC_LEN) !=
			     fex_tag_ethertype(mode)))
			return -FEX_TAG_ERR_ETHERTYPE;
		if (unlikely(len < off + 2))
			return fex_tag_short(m, off + 2);
		if (mode == FEX_TAG_VNTAG)
			rc = fex_tag_parse_vntag(p + FEX_TAG_MAC_LEN + 2, dir, ti);
		else
			rc = fex_tag_parse_etag(p + FEX_TAG_MAC_LEN + 2, dir, ti);
		if (unlikely(rc != 0))
			return rc;
	}
	type = fex_tag_rd16(p + off);
	ti->has_vlan = type == FEX_ETHER_TYPE_VLAN;
	if (ti->has_vlan) {
		uint16_t tci;

		if (unlikely(len < off + FEX_VLAN_LEN + 2))
			return fex_tag_short(m, off + FEX_VLAN_LEN + 2);
		tci = fex_tag_rd16(p + off + 2);
		ti->vid = tci & 0xfff;
		ti->vlan_pcp = tci >> 13;
		type = fex_tag_rd16(p + off + FEX_VLAN_LEN);
		off += FEX_VLAN_LEN;
	} else {
		ti->vid = 0;
		ti->vlan_pcp = 0;
	}
	ti->inner_type = type;
	ti->l2_len = (uint8_t)(off + 2);
	return 0;
}

/* ---- strip (downstream) ---- */

/*
 * Remove the VIF tag of @mode and, if @strip_vlan, the 802.1Q tag right
 * behind it, in one MAC move and one rte_pktmbuf_adj().
 * FEX_TAG_NONE: only the 802.1Q tag (or nothing if !strip_vlan).
 * Returns 0, -ENOENT (no such tag where expected), -EINVAL (headers not in
 * the first segment), -EBUSY.
 */
static inline int
fex_tag_strip(struct rte_mbuf *m, enum fex_tag_mode mode, bool strip_vlan)
{
	unsigned int tl = fex_tag_len(mode);
	unsigned int hl = tl + (strip_vlan ? FEX_VLAN_LEN : 0);
	uint8_t *p;

	if (hl == 0)
		return 0;
	if (unlikely(!fex_tag_writable(m)))
		return -EBUSY;
	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + hl))
		return -EINVAL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	if (unlikely(tl != 0 &&
		     fex_tag_rd16(p + FEX_TAG_MAC_LEN) != fex_tag_ethertype(mode)))
		return -ENOENT;
	if (unlikely(strip_vlan &&
		     fex_tag_rd16(p + FEX_TAG_MAC_LEN + tl) != FEX_ETHER_TYPE_VLAN))
		return -ENOENT;
	fex_tag_move_macs(p + hl, p);
	rte_pktmbuf_adj(m, (uint16_t)hl);
	return 0;
}

/* ---- 802.1Q helpers; @mode says which VIF tag (if any) sits in front ---- */

/*
 * Insert an 802.1Q tag (@vid, @pcp, DEI 0) after the MACs and the VIF tag
 * of @mode. Returns 0, -EINVAL (headers not in the first segment), -ENOENT
 * (@mode's VIF tag not there), -EBUSY, -ENOSPC.
 */
static inline int
fex_vlan_insert(struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t vid,
		uint8_t pcp)
{
	unsigned int off = FEX_TAG_MAC_LEN + fex_tag_len(mode);
	uint8_t *p;

	if (unlikely(!fex_tag_writable(m)))
		return -EBUSY;
	if (unlikely(m->data_len < off + 2))
		return -EINVAL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	if (unlikely(mode != FEX_TAG_NONE &&
		     fex_tag_rd16(p + FEX_TAG_MAC_LEN) != fex_tag_ethertype(mode)))
		return -ENOENT;
	p = (uint8_t *)rte_pktmbuf_prepend(m, FEX_VLAN_LEN);
	if (unlikely(p == NULL))
		return -ENOSPC;
	fex_tag_move_hdr(p, p + FEX_VLAN_LEN, off);
	fex_tag_wr16(p + off, FEX_ETHER_TYPE_VLAN);
	fex_tag_wr16(p + off + 2, (uint16_t)(((pcp & 7) << 13) | (vid & 0xfff)));
	return 0;
}

/* Where the 802.1Q TCI is, or NULL with *rc = -EINVAL / -ENOENT. */
static inline uint8_t *
fex_vlan_tci(const struct rte_mbuf *m, enum fex_tag_mode mode, int *rc)
{
	unsigned int off = FEX_TAG_MAC_LEN + fex_tag_len(mode);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	if (unlikely(m->data_len < off + FEX_VLAN_LEN + 2)) {
		*rc = -EINVAL;
		return NULL;
	}
	if (unlikely((mode != FEX_TAG_NONE &&
		      fex_tag_rd16(p + FEX_TAG_MAC_LEN) != fex_tag_ethertype(mode)) ||
		     fex_tag_rd16(p + off) != FEX_ETHER_TYPE_VLAN)) {
		*rc = -ENOENT;
		return NULL;
	}
	return p + off + 2;
}

/*
 * Read the 802.1Q tag behind the VIF tag of @mode into *vid and *pcp.
 * Returns 0, -ENOENT (no 802.1Q tag there), -EINVAL (not in first segment).
 */
static inline int
fex_vlan_get(const struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t *vid,
	     uint8_t *pcp)
{
	const uint8_t *tci;
	uint16_t v;
	int rc;

	tci = fex_vlan_tci(m, mode, &rc);
	if (unlikely(tci == NULL))
		return rc;
	v = fex_tag_rd16(tci);
	*vid = v & 0xfff;
	*pcp = v >> 13;
	return 0;
}

/* Set the PCP of the 802.1Q tag behind the VIF tag of @mode. Errors as
 * fex_vlan_get(), plus -EBUSY. */
static inline int
fex_vlan_set_pcp(struct rte_mbuf *m, enum fex_tag_mode mode, uint8_t pcp)
{
	uint8_t *tci;
	int rc;

	if (unlikely(!fex_tag_writable(m)))
		return -EBUSY;
	tci = fex_vlan_tci(m, mode, &rc);
	if (unlikely(tci == NULL))
		return rc;
	fex_tag_wr16(tci, (uint16_t)((fex_tag_rd16(tci) & 0x1fff) | ((pcp & 7) << 13)));
	return 0;
}

/* Remove the 802.1Q tag behind the VIF tag of @mode (which stays).
 * Errors as fex_vlan_get(), plus -EBUSY. */
static inline int
fex_vlan_strip(struct rte_mbuf *m, enum fex_tag_mode mode)
{
	unsigned int off = FEX_TAG_MAC_LEN + fex_tag_len(mode);
	uint8_t *p;
	int rc;

	if (unlikely(!fex_tag_writable(m)))
		return -EBUSY;
	if (unlikely(fex_vlan_tci(m, mode, &rc) == NULL))
		return rc;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	fex_tag_move_hdr(p + FEX_VLAN_LEN, p, off);
	rte_pktmbuf_adj(m, FEX_VLAN_LEN);
	return 0;
}

#endif
