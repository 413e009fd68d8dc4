/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex-pcapgen: write test and benchmark frames to a pcap file.
 *
 * Each frame is built in a local buffer wrapped in a hand-initialised
 * struct rte_mbuf, and every tag (VN-Tag, E-Tag, 802.1Q) is pushed with the
 * lib/tag inline ops, so the project has one encoder. No EAL is started:
 * those ops only touch the mbuf's own fields.
 *
 * The default payload is IPv4/UDP with valid checksums (10.0.0.1:1024 ->
 * 10.0.0.2:9), the first 4 UDP payload bytes holding the frame's index;
 * --ethertype other than 0x0800 gives a non-IP payload (index then zeros).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "fex_tag.h"

#define PROG		"fex-pcapgen"
#define FRAME_MIN	60	/* Ethernet minimum without FCS */
#define FRAME_MAX	9216	/* jumbo */
#define TAGS_MAX	(FEX_ETAG_LEN + FEX_VLAN_LEN)
#define RAW_TAG_MAX	6
#define EXIT_USAGE	2

/* An inclusive range of ids used round robin, one step per frame. */
struct id_range {
	uint32_t lo;
	uint32_t hi;
};

struct gen_opts {
	const char *out;
	bool append;
	uint64_t count;
	uint32_t size;
	struct rte_ether_addr src_mac;
	struct rte_ether_addr dst_mac;
	uint64_t src_mac_step;
	uint64_t dst_mac_step;
	int vlan;		/* -1: untagged */
	uint8_t pcp;
	bool pcp_set;
	uint16_t ethertype;
	enum fex_tag_mode mode;
	enum fex_tag_dir dir;
	bool dir_set;
	struct id_range svif;
	bool svif_set;
	struct id_range dvif;
	bool dvif_set;
	bool ptr;
	uint8_t grp;
	bool grp_set;
	bool looped;
	uint8_t epcp;
	bool epcp_set;
	uint8_t raw_tag[RAW_TAG_MAX];
	unsigned int raw_tag_len;	/* 0: none */
	uint32_t truncate;		/* 0: none */
};

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " --out FILE [options]\n"
"Write Ethernet frames (IPv4/UDP by default, valid checksums) to a pcap file,\n"
"tagged with the lib/tag encoder.\n"
"\n"
"Output:\n"
"  --out FILE           pcap file to write (required)\n"
"  --append             append to FILE (created if absent) instead of replacing it\n"
"  --count N            frames to write (default 1)\n"
"Frame:\n"
"  --size BYTES         frame size before any tag/802.1Q is added, without FCS,\n"
"                       %u..%u (default 60: 64 bytes on the wire untagged)\n"
"  --src-mac MAC        source MAC (default 02:00:00:00:00:01)\n"
"  --src-mac-step N     add N to the source MAC for every frame (default 0)\n"
"  --dst-mac MAC        destination MAC (default 02:00:00:00:00:02)\n"
"  --dst-mac-step N     add N to the destination MAC for every frame (default 0)\n"
"  --vlan VID           add an 802.1Q tag, VID 0..4095\n"
"  --pcp P              802.1Q priority 0..7 (needs --vlan; default 0)\n"
"  --ethertype TYPE     payload EtherType (default 0x0800: IPv4/UDP; any other\n"
"                       value gives a non-IP payload)\n"
"VIF tag (SPEC.md section 1):\n"
"  --tag none|vntag|etag  VIF tag to push (default none)\n"
"  --dir up|down        direction (default up)\n"
"  --svif N|A-B         source VIF 0..4095, or a range used round robin\n"
"                       (default 1 upstream, 0 downstream)\n"
"  --dvif N|A-B         downstream destination VIF (0..4095), or VIF-list id with\n"
"                       --ptr (VN-Tag 0..16383, E-Tag 0..4095); a range is used\n"
"                       round robin (default 1)\n"
"  --ptr                downstream: dvif is a VIF-list id (VN-Tag p=1, E-Tag GRP)\n"
"  --grp G              E-Tag GRP 1..3 for --ptr (default 1)\n"
"  --looped             downstream VN-Tag l=1 (E-Tag: implied by --ptr with svif)\n"
"  --epcp P             E-Tag E-PCP 0..7 (default 0)\n"
"Malformed frames:\n"
"  --raw-tag HEX        overwrite the tag after its EtherType with these bytes\n"
"                       (8 hex digits for VN-Tag, 12 for E-Tag)\n"
"  --truncate N         cut every frame (tags included) to N bytes, N >= 1\n"
"  --help               this text\n"
"\n"
"Values 0 are accepted for VIF ids so that frames a receiver must drop can be\n"
"made; values wider than the wire field are errors. Several runs with --append\n"
"(or `mergecap -a`) make a mixed file; timestamps are the frame index in us.\n",
		FRAME_MIN, FRAME_MAX);
}

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	exit(EXIT_USAGE);
}

/* A whole decimal/hex/octal number in [min, max], else die naming @opt. */
static uint64_t
parse_num(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s == '-' || *s == '\0')
		die("--%s: '%s' is not a number in %" PRIu64 "..%" PRIu64,
		    opt, s, min, max);
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		die("--%s: '%s' is not a number in %" PRIu64 "..%" PRIu64,
		    opt, s, min, max);
	return v;
}

/* "N" or "A-B" (A <= B); the bounds are checked later, per tag mode. */
static struct id_range
parse_range(const char *opt, const char *s)
{
	struct id_range r;
	char buf[64], *dash;

	if (strlen(s) >= sizeof(buf))
		die("--%s: '%s' is not N or A-B", opt, s);
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash == NULL) {
		r.lo = r.hi = (uint32_t)parse_num(opt, buf, 0, 65535);
		return r;
	}
	*dash = '\0';
	r.lo = (uint32_t)parse_num(opt, buf, 0, 65535);
	r.hi = (uint32_t)parse_num(opt, dash + 1, 0, 65535);
	if (r.lo > r.hi)
		die("--%s: range '%s' runs backwards", opt, s);
	return r;
}

static void
check_range(const char *opt, const struct id_range *r, uint32_t max)
{
	if (r->hi > max)
		die("--%s: %" PRIu32 " is out of range 0..%" PRIu32, opt, r->hi, max);
}

static void
parse_mac(const char *opt, const char *s, struct rte_ether_addr *mac)
{
	if (rte_ether_unformat_addr(s, mac) != 0)
		die("--%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", opt, s);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
parse_raw_tag(const char *s, struct gen_opts *o)
{
	size_t n, i;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n != 8 && n != 12)
		die("--raw-tag: '%s' must be 8 (VN-Tag) or 12 (E-Tag) hex digits", s);
	for (i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			die("--raw-tag: '%s' is not hexadecimal", s);
		o->raw_tag[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	o->raw_tag_len = (unsigned int)(n / 2);
}

enum {
	OPT_OUT = 256, OPT_APPEND, OPT_COUNT, OPT_SIZE, OPT_SRC_MAC,
	OPT_SRC_MAC_STEP, OPT_DST_MAC, OPT_DST_MAC_STEP, OPT_VLAN, OPT_PCP,
	OPT_ETHERTYPE, OPT_TAG, OPT_DIR, OPT_SVIF, OPT_DVIF, OPT_PTR, OPT_GRP,
	OPT_LOOPED, OPT_EPCP, OPT_RAW_TAG, OPT_TRUNCATE, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "out", required_argument, NULL, OPT_OUT },
	{ "append", no_argument, NULL, OPT_APPEND },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "src-mac-step", required_argument, NULL, OPT_SRC_MAC_STEP },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "dst-mac-step", required_argument, NULL, OPT_DST_MAC_STEP },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "pcp", required_argument, NULL, OPT_PCP },
	{ "ethertype", required_argument, NULL, OPT_ETHERTYPE },
	{ "tag", required_argument, NULL, OPT_TAG },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "svif", required_argument, NULL, OPT_SVIF },
	{ "dvif", required_argument, NULL, OPT_DVIF },
	{ "ptr", no_argument, NULL, OPT_PTR },
	{ "grp", required_argument, NULL, OPT_GRP },
	{ "looped", no_argument, NULL, OPT_LOOPED },
	{ "epcp", required_argument, NULL, OPT_EPCP },
	{ "raw-tag", required_argument, NULL, OPT_RAW_TAG },
	{ "truncate", required_argument, NULL, OPT_TRUNCATE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Cross-option checks, once every option is known. */
static void
check_opts(struct gen_opts *o)
{
	bool vn = o->mode == FEX_TAG_VNTAG, down = o->dir == FEX_TAG_DIR_DOWN;

	if (o->out == NULL)
		die("--out FILE is required");
	if (o->pcp_set && o->vlan < 0)
		die("--pcp needs --vlan");
	if (o->mode == FEX_TAG_NONE) {
		if (o->dir_set || o->svif_set || o->dvif_set || o->ptr ||
		    o->grp_set || o->looped || o->epcp_set || o->raw_tag_len)
			die("--dir, --svif, --dvif, --ptr, --grp, --looped, --epcp and "
			    "--raw-tag need --tag vntag or --tag etag");
		return;
	}
	if (!down && (o->dvif_set || o->ptr || o->grp_set || o->looped))
		die("--dvif, --ptr, --grp and --looped need --dir down (upstream "
		    "tags carry only svif; use --raw-tag for malformed ones)");
	if (vn && (o->epcp_set || o->grp_set))
		die("--epcp and --grp are E-Tag fields (--tag etag)");
	if (!vn && o->looped)
		die("--looped is a VN-Tag bit; an E-Tag --ptr frame with a non-zero "
		    "--svif is looped");
	if (o->grp_set && !o->ptr)
		die("--grp needs --ptr");
	if (o->raw_tag_len != 0 && o->raw_tag_len != fex_tag_len(o->mode) - 2)
		die("--raw-tag: %s takes %u bytes (%u hex digits), not %u",
		    fex_tag_mode_name(o->mode), fex_tag_len(o->mode) - 2,
		    2 * (fex_tag_len(o->mode) - 2), o->raw_tag_len);
	if (!o->svif_set)
		o->svif.lo = o->svif.hi = down ? 0 : 1;
	check_range("svif", &o->svif, FEX_TAG_VIF_MAX);
	check_range("dvif", &o->dvif,
		    vn && o->ptr ? FEX_TAG_VIFLIST_MAX : FEX_TAG_VIF_MAX);
	if (o->ptr && !o->grp_set)
		o->grp = 1;
}

static void
parse_args(int argc, char **argv, struct gen_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->count = 1;
	o->size = FRAME_MIN;
	o->src_mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x01 } };
	o->dst_mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x02 } };
	o->vlan = -1;
	o->ethertype = RTE_ETHER_TYPE_IPV4;
	o->mode = FEX_TAG_NONE;
	o->dir = FEX_TAG_DIR_UP;
	o->dvif.lo = o->dvif.hi = 1;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
		const char *name = optind > 0 && optind <= argc ?
				   argv[optind - 1] : "?";

		switch (c) {
		case OPT_OUT:
			o->out = optarg;
			break;
		case OPT_APPEND:
			o->append = true;
			break;
		case OPT_COUNT:
			o->count = parse_num("count", optarg, 1, UINT32_MAX);
			break;
		case OPT_SIZE:
			o->size = (uint32_t)parse_num("size", optarg, FRAME_MIN, FRAME_MAX);
			break;
		case OPT_SRC_MAC:
			parse_mac("src-mac", optarg, &o->src_mac);
			break;
		case OPT_SRC_MAC_STEP:
			o->src_mac_step = parse_num("src-mac-step", optarg, 0,
						    UINT32_MAX);
			break;
		case OPT_DST_MAC:
			parse_mac("dst-mac", optarg, &o->dst_mac);
			break;
		case OPT_DST_MAC_STEP:
			o->dst_mac_step = parse_num("dst-mac-step", optarg, 0,
						    UINT32_MAX);
			break;
		case OPT_VLAN:
			o->vlan = (int)parse_num("vlan", optarg, 0, 4095);
			break;
		case OPT_PCP:
			o->pcp = (uint8_t)parse_num("pcp", optarg, 0, 7);
			o->pcp_set = true;
			break;
		case OPT_ETHERTYPE:
			o->ethertype = (uint16_t)parse_num("ethertype", optarg,
							   0x0600, 0xffff);
			break;
		case OPT_TAG:
			if (fex_tag_mode_parse(optarg, &o->mode) != 0)
				die("--tag: '%s' is not none, vntag or etag", optarg);
			break;
		case OPT_DIR:
			if (strcmp(optarg, "up") == 0)
				o->dir = FEX_TAG_DIR_UP;
			else if (strcmp(optarg, "down") == 0)
				o->dir = FEX_TAG_DIR_DOWN;
			else
				die("--dir: '%s' is not up or down", optarg);
			o->dir_set = true;
			break;
		case OPT_SVIF:
			o->svif = parse_range("svif", optarg);
			o->svif_set = true;
			break;
		case OPT_DVIF:
			o->dvif = parse_range("dvif", optarg);
			o->dvif_set = true;
			break;
		case OPT_PTR:
			o->ptr = true;
			break;
		case OPT_GRP:
			o->grp = (uint8_t)parse_num("grp", optarg, 1, 3);
			o->grp_set = true;
			break;
		case OPT_LOOPED:
			o->looped = true;
			break;
		case OPT_EPCP:
			o->epcp = (uint8_t)parse_num("epcp", optarg, 0, 7);
			o->epcp_set = true;
			break;
		case OPT_RAW_TAG:
			parse_raw_tag(optarg, o);
			break;
		case OPT_TRUNCATE:
			o->truncate = (uint32_t)parse_num("truncate", optarg, 1,
							  FRAME_MAX + TAGS_MAX);
			break;
		case OPT_HELP:
			usage(stdout);
			exit(EXIT_SUCCESS);
		case ':':
			die("%s needs a value", name);
		default:
			die("unknown option '%s'", name);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	check_opts(o);
}

/* @base + @add, as a 48-bit number (wraps). */
static void
mac_add(struct rte_ether_addr *dst, const struct rte_ether_addr *base,
	uint64_t add)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v = v << 8 | base->addr_bytes[i];
	v += add;
	for (i = RTE_ETHER_ADDR_LEN - 1; i >= 0; i--) {
		dst->addr_bytes[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint16_t
range_pick(const struct id_range *r, uint64_t idx)
{
	return (uint16_t)(r->lo + idx % (r->hi - r->lo + 1));
}

/* The untagged frame @idx, @size bytes, at @p. */
static void
build_frame(uint8_t *p, const struct gen_opts *o, uint64_t idx)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	uint32_t seq = rte_cpu_to_be_32((uint32_t)idx);

	memset(p, 0, o->size);
	mac_add(&eth->dst_addr, &o->dst_mac, idx * o->dst_mac_step);
	mac_add(&eth->src_addr, &o->src_mac, idx * o->src_mac_step);
	eth->ether_type = rte_cpu_to_be_16(o->ethertype);
	if (o->ethertype == RTE_ETHER_TYPE_IPV4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		uint16_t ip_len = (uint16_t)(o->size - sizeof(*eth));

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16(ip_len);
		ip->packet_id = rte_cpu_to_be_16((uint16_t)idx);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
		ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2));
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->src_port = rte_cpu_to_be_16(1024);
		udp->dst_port = rte_cpu_to_be_16(9);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(ip_len - sizeof(*ip)));
		memcpy(udp + 1, &seq, sizeof(seq));
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		memcpy(eth + 1, &seq, sizeof(seq));
	}
}

/* Push the tags of frame @idx with the lib/tag ops; 0 or -errno. */
static int
tag_frame(struct rte_mbuf *m, const struct gen_opts *o, uint64_t idx)
{
	uint16_t svif = range_pick(&o->svif, idx);
	int rc;

	if (o->dir == FEX_TAG_DIR_UP || o->mode == FEX_TAG_NONE) {
		if (o->vlan >= 0)
			return fex_tag_push_vlan(m, o->mode, svif, o->epcp,
						 (uint16_t)o->vlan, o->pcp);
		return fex_tag_push(m, o->mode, svif, o->epcp);
	}
	if (o->vlan >= 0) {
		rc = fex_vlan_insert(m, FEX_TAG_NONE, (uint16_t)o->vlan, o->pcp);
		if (rc != 0)
			return rc;
	}
	return fex_tag_push_down(m, o->mode, &(struct fex_tag_info){
		.ptr = o->ptr,
		.grp = o->ptr ? o->grp : 0,
		.dvif = range_pick(&o->dvif, idx),
		.looped = o->looped,
		.svif = svif,
		.pcp = o->epcp,
	});
}

int
main(int argc, char **argv)
{
	static uint8_t buf[RTE_PKTMBUF_HEADROOM + FRAME_MAX];
	struct gen_opts o;
	pcap_dumper_t *dump;
	pcap_t *pd;
	uint64_t i;
	int ret = EXIT_SUCCESS;

	parse_args(argc, argv, &o);

	pd = pcap_open_dead(DLT_EN10MB, 65535);
	if (pd == NULL) {
		fprintf(stderr, PROG ": pcap_open_dead failed\n");
		return EXIT_FAILURE;
	}
	dump = o.append ? pcap_dump_open_append(pd, o.out) :
			  pcap_dump_open(pd, o.out);
	if (dump == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", o.out, pcap_geterr(pd));
		pcap_close(pd);
		return EXIT_FAILURE;
	}

	for (i = 0; i < o.count; i++) {
		struct rte_mbuf m;
		struct pcap_pkthdr h;
		uint32_t len;
		int rc;

		memset(&m, 0, sizeof(m));
		m.buf_addr = buf;
		m.buf_len = sizeof(buf);
		m.data_off = RTE_PKTMBUF_HEADROOM;
		rte_mbuf_refcnt_set(&m, 1);
		m.nb_segs = 1;
		m.data_len = (uint16_t)o.size;
		m.pkt_len = o.size;
		build_frame(rte_pktmbuf_mtod(&m, uint8_t *), &o, i);

		rc = tag_frame(&m, &o, i);
		if (rc != 0) {
			fprintf(stderr, PROG ": frame %" PRIu64 ": tag push failed: %s\n",
				i, strerror(-rc));
			ret = EXIT_FAILURE;
			break;
		}
		if (o.raw_tag_len != 0)
			memcpy(rte_pktmbuf_mtod_offset(&m, uint8_t *,
						       RTE_ETHER_HDR_LEN),
			       o.raw_tag, o.raw_tag_len);
		len = m.data_len;
		if (o.truncate != 0 && o.truncate < len)
			len = o.truncate;
		h = (struct pcap_pkthdr){
			.ts = { .tv_sec = (time_t)(i / 1000000),
				.tv_usec = (suseconds_t)(i % 1000000) },
			.caplen = len,
			.len = len,
		};
		pcap_dump((u_char *)dump, &h, rte_pktmbuf_mtod(&m, const u_char *));
	}
	if (pcap_dump_flush(dump) != 0) {
		fprintf(stderr, PROG ": %s: write failed\n", o.out);
		ret = EXIT_FAILURE;
	}
	pcap_dump_close(dump);
	pcap_close(pd);
	return ret;
}
