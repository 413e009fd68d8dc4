/* SPDX-License-Identifier: BSD-3-Clause */
/* Stock tshark is the reference decoder of both tag formats (SPEC.md §1):
 * frames built with every push op are written with libpcap and tshark must
 * decode exactly the values pushed. Exits 77 (skip) when tshark is absent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_mbuf.h>

#include "fex_tag.h"
#include "fex_test.h"


#define PAYLOAD_LEN	46
#define CASES_MAX	1024
#define LINE_MAX_LEN	1024

/* One frame: what was pushed, i.e. what tshark must show. */
struct tcase {
	enum fex_tag_mode mode;
	enum fex_tag_dir dir;
	struct fex_tag_info ti;	/* ptr, grp, dvif, looped, svif, pcp */
	bool vlan;
	uint16_t vid;
	uint8_t vlan_pcp;
};

/* The columns asked of tshark, in order. */
enum col {
	C_FRAME,
	C_VN_DIR, C_VN_PTR, C_VN_DST, C_VN_LOOPED, C_VN_SRC, C_VN_R, C_VN_VER,
	C_VN_ETYPE,
	C_E_PCP, C_E_DEI, C_E_IECID, C_E_RESV, C_E_GRP, C_E_ECID, C_E_IEXT,
	C_E_EXT, C_E_ETYPE,
	C_VLAN_ID, C_VLAN_PRIO, C_VLAN_ETYPE,
	C_MAX,
};

static const char *const col_field[C_MAX] = {
	"frame.number",
	"vntag.dir", "vntag.ptr", "vntag.dst", "vntag.looped", "vntag.src",
	"vntag.r", "vntag.version", "vntag.etype",
	"etag.pcp", "etag.dei", "etag.iecid_base", "etag.resv", "etag.group",
	"etag.ecid_base", "etag.iecid_ext", "etag.ecid_ext", "etag.etype",
	"vlan.id", "vlan.priority", "vlan.etype",
};

static struct rte_mempool *pool;
static struct tcase cases[CASES_MAX];
static unsigned int n_cases;
static char dir_path[] = "/tmp/fex_tag_tshark.XXXXXX";
static unsigned long fields_checked;

static void
add(enum fex_tag_mode mode, enum fex_tag_dir dir, struct fex_tag_info ti,
    bool vlan, uint16_t vid, uint8_t vlan_pcp)
{
	RTE_VERIFY(n_cases < CASES_MAX);
	cases[n_cases++] = (struct tcase){
		.mode = mode, .dir = dir, .ti = ti,
		.vlan = vlan, .vid = vid, .vlan_pcp = vlan_pcp,
	};
}

static void
make_cases(void)
{
	static const uint16_t vifs[] = { 1, 0x555, 0xaaa, 4095 };
	static const uint16_t lists[] = { 1, 4095, 4096, 0x2aaa, 16383 };
	static const uint16_t srcs[] = { 0, 1, 4095 };
	unsigned int v, p, g, l, s, d;

	/* upstream: tag only, tag + new 802.1Q, tag + PCP rewrite */
	for (v = 0; v < RTE_DIM(vifs); v++) {
		for (p = 0; p < 8; p++) {
			struct fex_tag_info ti = { .svif = vifs[v], .pcp = p };

			add(FEX_TAG_VNTAG, FEX_TAG_DIR_UP, ti, p & 1, 1 + v * 1000, p);
			add(FEX_TAG_ETAG, FEX_TAG_DIR_UP, ti, p & 1, 4094 - v, 7 - p);
		}
	}
	/* VN-Tag downstream: every flag, dvif up to 16383 */
	for (l = 0; l < 2; l++) {
		for (s = 0; s < RTE_DIM(srcs); s++) {
			if (l && srcs[s] == 0)
				continue;
			for (d = 0; d < RTE_DIM(vifs); d++)
				add(FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, (struct fex_tag_info){
					.dvif = vifs[d], .looped = l, .svif = srcs[s],
				}, d & 1, 100 + d, 3);
			for (d = 0; d < RTE_DIM(lists); d++)
				add(FEX_TAG_VNTAG, FEX_TAG_DIR_DOWN, (struct fex_tag_info){
					.ptr = 1, .grp = 1, .dvif = lists[d], .looped = l,
					.svif = srcs[s],
				}, false, 0, 0);
		}
	}
	/* E-Tag downstream: every GRP, E-PCP, E-CID and ingress E-CID */
	for (g = 0; g < 4; g++)
		for (p = 0; p < 8; p++)
			for (s = 0; s < RTE_DIM(srcs); s++)
				add(FEX_TAG_ETAG, FEX_TAG_DIR_DOWN, (struct fex_tag_info){
					.ptr = g != 0, .grp = g, .pcp = p,
					.dvif = vifs[(g + p) % RTE_DIM(vifs)],
					.looped = g != 0 && srcs[s] != 0, .svif = srcs[s],
				}, p == 5, 4094, 6);
}

/* Build the frame of @c with the library's own push ops. */
static struct rte_mbuf *
make_frame(const struct tcase *c, unsigned int idx)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *d;
	int rc;

	RTE_VERIFY(m != NULL);
	d = (uint8_t *)rte_pktmbuf_append(m, RTE_ETHER_HDR_LEN + PAYLOAD_LEN);
	RTE_VERIFY(d != NULL);
	memset(d, 0, RTE_ETHER_HDR_LEN + PAYLOAD_LEN);
	d[0] = 0x02;
	d[5] = 0x01;
	d[6] = 0x02;
	d[10] = idx >> 8;
	d[11] = idx & 0xff;
	d[12] = 0x08;	/* IPv4 type; payload is not a valid IPv4 header: fine */
	if (c->dir == FEX_TAG_DIR_UP) {
		if (!c->vlan) {
			rc = fex_tag_push(m, c->mode, c->ti.svif, c->ti.pcp);
		} else if (idx & 2) {
			rc = fex_tag_push_vlan(m, c->mode, c->ti.svif, c->ti.pcp,
					       c->vid, c->vlan_pcp);
		} else {
			/* frame arrives tagged; the push rewrites its PCP */
			rc = fex_vlan_insert(m, FEX_TAG_NONE, c->vid, 7 - c->vlan_pcp);
			RTE_VERIFY(rc == 0);
			rc = fex_tag_push_pcp(m, c->mode, c->ti.svif, c->ti.pcp,
					      c->vlan_pcp);
		}
	} else {
		if (c->vlan) {
			rc = fex_vlan_insert(m, FEX_TAG_NONE, c->vid, c->vlan_pcp);
			RTE_VERIFY(rc == 0);
		}
		rc = fex_tag_push_down(m, c->mode, &c->ti);
	}
	RTE_VERIFY(rc == 0);
	return m;
}

static void
write_pcap(const char *path)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	dump = pcap_dump_open(p, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
	for (i = 0; i < n_cases; i++) {
		struct rte_mbuf *m = make_frame(&cases[i], i);
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = i, .tv_usec = 0 },
			.caplen = m->data_len,
			.len = m->data_len,
		};

		pcap_dump((u_char *)dump, &h, rte_pktmbuf_mtod(m, const u_char *));
		rte_pktmbuf_free(m);
	}
	pcap_dump_close(dump);
	pcap_close(p);
}

/* Split a tshark line on ',' into C_MAX columns; empty ones are "". */
static bool
split(char *line, char *col[C_MAX])
{
	unsigned int i;

	line[strcspn(line, "\r\n")] = '\0';
	for (i = 0; i < C_MAX; i++) {
		col[i] = line;
		line = strchr(line, ',');
		if (line == NULL)
			return i == C_MAX - 1;
		*line++ = '\0';
	}
	return false;
}

/* Column @k of frame @idx must read @want (numbers in any base tshark uses;
 * booleans as 1/0 or True/False); want < 0 means "must be absent". */
static void
expect(unsigned int idx, char *const col[C_MAX], enum col k, long want)
{
	const char *s = col[k];
	long got;
	char *end;

	fields_checked++;
	if (want < 0) {
		CU_ASSERT_STRING_EQUAL(s, "");
		if (*s != '\0')
			printf("\n  frame %u: %s = '%s', want absent\n", idx + 1,
			       col_field[k], s);
		return;
	}
	if (strcmp(s, "True") == 0)
		got = 1;
	else if (strcmp(s, "False") == 0)
		got = 0;
	else {
		got = strtol(s, &end, 0);
		if (*s == '\0' || *end != '\0')
			got = -1;
	}
	CU_ASSERT_EQUAL(got, want);
	if (got != want)
		printf("\n  frame %u: %s = '%s', want %ld\n", idx + 1, col_field[k],
		       s, want);
}

static void
check_line(unsigned int idx, char *const col[C_MAX])
{
	const struct tcase *c = &cases[idx];
	const struct fex_tag_info *ti = &c->ti;
	bool vn = c->mode == FEX_TAG_VNTAG, down = c->dir == FEX_TAG_DIR_DOWN;
	unsigned int k;

	/* the other format's fields are absent */
	for (k = vn ? C_E_PCP : C_VN_DIR; k <= (vn ? C_E_ETYPE : C_VN_ETYPE); k++)
		expect(idx, col, k, -1);
	if (vn) {
		expect(idx, col, C_VN_DIR, down);
		expect(idx, col, C_VN_PTR, down ? ti->ptr : 0);
		expect(idx, col, C_VN_DST, down ? ti->dvif : 0);
		expect(idx, col, C_VN_LOOPED, down ? ti->looped : 0);
		expect(idx, col, C_VN_SRC, ti->svif);
		expect(idx, col, C_VN_R, 0);
		expect(idx, col, C_VN_VER, 0);
		expect(idx, col, C_VN_ETYPE, c->vlan ? FEX_ETHER_TYPE_VLAN : 0x0800);
	} else {
		expect(idx, col, C_E_PCP, ti->pcp);
		expect(idx, col, C_E_DEI, 0);
		expect(idx, col, C_E_IECID, down ? ti->svif : 0);
		expect(idx, col, C_E_RESV, 0);
		expect(idx, col, C_E_GRP, down ? ti->grp : 0);
		expect(idx, col, C_E_ECID, down ? ti->dvif : ti->svif);
		expect(idx, col, C_E_IEXT, 0);
		expect(idx, col, C_E_EXT, 0);
		expect(idx, col, C_E_ETYPE, c->vlan ? FEX_ETHER_TYPE_VLAN : 0x0800);
	}
	expect(idx, col, C_VLAN_ID, c->vlan ? c->vid : -1);
	expect(idx, col, C_VLAN_PRIO, c->vlan ? c->vlan_pcp : -1);
	expect(idx, col, C_VLAN_ETYPE, c->vlan ? 0x0800 : -1);
}

static void
test_tshark_decode(void)
{
	char pcap_path[sizeof(dir_path) + 16], err_path[sizeof(dir_path) + 16];
	char cmd[2048], line[LINE_MAX_LEN], *col[C_MAX];
	unsigned int i, seen = 0, n;
	FILE *f;
	int st;

	snprintf(pcap_path, sizeof(pcap_path), "%s/tags.pcap", dir_path);
	snprintf(err_path, sizeof(err_path), "%s/tshark.err", dir_path);
	write_pcap(pcap_path);

	n = (unsigned int)snprintf(cmd, sizeof(cmd),
				   "tshark -n -r '%s' -T fields -E separator=, -E occurrence=f",
				   pcap_path);
	for (i = 0; i < C_MAX; i++)
		n += (unsigned int)snprintf(cmd + n, sizeof(cmd) - n, " -e %s",
					    col_field[i]);
	snprintf(cmd + n, sizeof(cmd) - n, " 2>'%s'", err_path);
	RTE_VERIFY(n < sizeof(cmd) - 64);

	f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long idx;

		CU_ASSERT_FATAL(split(line, col));
		idx = strtoul(col[C_FRAME], NULL, 10) - 1;
		CU_ASSERT_FATAL(idx < n_cases);
		check_line(idx, col);
		seen++;
	}
	st = pclose(f);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(seen, n_cases);
	if (st != 0 || seen != n_cases) {
		printf("\n  tshark exit %d, %u of %u frames; %s:\n", st, seen, n_cases,
		       err_path);
		snprintf(cmd, sizeof(cmd), "cat '%s'", err_path);
		if (system(cmd) != 0)
			printf("  (cannot show it)\n");
	}
	printf("\n  tshark decoded %u frames, %lu fields checked ", seen,
	       fields_checked);
	unlink(pcap_path);
	unlink(err_path);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;
	int rc;

	RTE_SET_USED(argc);
	if (system("tshark -v >/dev/null 2>&1") != 0) {
		printf("SKIP: tshark not found in PATH (install the tshark package "
		       "to check the tags against the reference decoder)\n");
		return 77;
	}
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	pool = fex_test_pool(256);
	if (pool == NULL || mkdtemp(dir_path) == NULL ||
	    CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	make_cases();
	s = CU_add_suite("unit", NULL, NULL);
	if (s != NULL)
		CU_add_test(s, "tshark decodes what was pushed", test_tshark_decode);
	rc = fex_test_run();
	rmdir(dir_path);
	return rc;
}
