/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports for real: open each kind after EAL start (hot-plug), pass frames
 * through it, close it, open it again; and add/remove ports while a
 * ring pair forwards without losing a frame. */
/* Here: pcap, ring, null, queues, errors, tap and af_packet; memif, vhost,
 * the fd leak and hot-plug under load are test_port_peers.c's, and what
 * both use test_port_common.c's. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_port_common.h"

/* ---- pcap files ---- */

static int
write_pcap(const char *file, unsigned int n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct pcap_pkthdr h;
	uint8_t f[FRAME_LEN];
	unsigned int i;

	if (p == NULL)
		return -1;
	d = pcap_dump_open(p, file);
	if (d == NULL) {
		pcap_close(p);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = FRAME_LEN;
	for (i = 0; i < n; i++) {
		frame_fill(f, i);
		pcap_dump((u_char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

static int
count_pcap(const char *file)
{
	char e[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(file, e);
	int n = 0;

	if (p == NULL)
		return -1;
	while (pcap_next_ex(p, &h, &data) == 1)
		if (frame_seq(data, h->caplen) >= 0)
			n++;
	pcap_close(p);
	return n;
}

/* ---- pcap, ring, null ---- */

static void
test_pcap_rx(void)
{
	char spec[PATH_MAX + 32], file[PATH_MAX];
	struct fex_port_info info;
	uint16_t pid;

	path_in_tmp(file, sizeof(file), "in.pcap");
	CU_ASSERT_EQUAL_FATAL(write_pcap(file, 100), 0);
	snprintf(spec, sizeof(spec), "pcap:rx=%s", file);
	CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
	CU_ASSERT_EQUAL(fex_port_info_get(pid, &info), 0);
	CU_ASSERT_EQUAL(info.kind, FEX_PORT_PCAP);
	CU_ASSERT_STRING_EQUAL(info.spec, spec);
	CU_ASSERT_EQUAL(info.nb_rxq, 1);
	CU_ASSERT_EQUAL(recv_frames(pid, 100, WAIT_MS, true), 100);
	CU_ASSERT_EQUAL(recv_frames(pid, 1, QUIET_MS, false), 0);	/* and no more */
	CU_ASSERT_EQUAL(fex_port_close(pid), 0);
	CU_ASSERT_EQUAL(fex_port_close(pid), -ENOENT);

	snprintf(spec, sizeof(spec), "pcap:rx=%s,infinite", file);
	CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
	CU_ASSERT(recv_frames(pid, 1000, WAIT_MS, false) >= 1000);	/* replayed 10 times and more */
	CU_ASSERT_EQUAL(fex_port_close(pid), 0);

	/* a missing rx file is named before the driver is asked */
	snprintf(spec, sizeof(spec), "pcap:rx=%s/nope.pcap", tmpdir);
	CU_ASSERT_EQUAL(fex_port_open(spec, &conf, &pid, port_err, sizeof(port_err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "cannot read rx file"));
}

static void
test_pcap_tx(void)
{
	char spec[PATH_MAX + 32], file[PATH_MAX];
	uint16_t pid, pid2;

	path_in_tmp(file, sizeof(file), "out.pcap");
	snprintf(spec, sizeof(spec), "pcap:tx=%s", file);
	CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
	/* the same tx file twice is refused, naming the port */
	CU_ASSERT_EQUAL(fex_port_open(spec, &conf, &pid2, port_err, sizeof(port_err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "already open as port"));
	CU_ASSERT_EQUAL(fex_port_find(spec), pid);
	CU_ASSERT_EQUAL(send_frames(pid, 0, 50, WAIT_MS), 50);
	CU_ASSERT_EQUAL(fex_port_close(pid), 0);
	CU_ASSERT_EQUAL(count_pcap(file), 50);
	/* reopen: the file is rewritten */
	CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
	CU_ASSERT_EQUAL(send_frames(pid, 0, 7, WAIT_MS), 7);
	CU_ASSERT_EQUAL(fex_port_close(pid), 0);
	CU_ASSERT_EQUAL(count_pcap(file), 7);
}

static void
test_ring_pair(void)
{
	uint16_t a, b, c;
	int i;

	for (i = 0; i < 3; i++) {	/* open, use, close, and again */
		CU_ASSERT_EQUAL_FATAL(open_port("ring:t_pair", &a), 0);
		CU_ASSERT_EQUAL_FATAL(open_port("ring:t_pair", &b), 0);
		CU_ASSERT_NOT_EQUAL(a, b);
		CU_ASSERT_EQUAL(fex_port_open("ring:t_pair", &conf, &c, port_err, sizeof(port_err)), -EBUSY);
		CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "both ends"));
		CU_ASSERT_EQUAL(send_frames(a, 0, 500, WAIT_MS), 500);
		CU_ASSERT_EQUAL(recv_frames(b, 500, WAIT_MS, true), 500);
		CU_ASSERT_EQUAL(send_frames(b, 0, 77, WAIT_MS), 77);
		CU_ASSERT_EQUAL(recv_frames(a, 77, WAIT_MS, true), 77);
		CU_ASSERT_EQUAL(recv_frames(a, 1, QUIET_MS, false), 0);	/* no echo */
		/* frames left in a ring when its ends close are freed */
		CU_ASSERT_EQUAL(send_frames(a, 0, 10, WAIT_MS), 10);
		CU_ASSERT_EQUAL(fex_port_close(a), 0);
		CU_ASSERT_EQUAL(fex_port_close(b), 0);
	}
	/* one end closes and comes back while the other stays */
	CU_ASSERT_EQUAL_FATAL(open_port("ring:t_half", &a), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("ring:t_half", &b), 0);
	CU_ASSERT_EQUAL(fex_port_close(a), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("ring:t_half", &a), 0);
	CU_ASSERT_EQUAL(send_frames(b, 0, 20, WAIT_MS), 20);
	CU_ASSERT_EQUAL(recv_frames(a, 20, WAIT_MS, true), 20);
	CU_ASSERT_EQUAL(fex_port_close(a), 0);
	CU_ASSERT_EQUAL(fex_port_close(b), 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

static void
test_null(void)
{
	struct rte_mbuf *b[32];
	uint16_t sink, gen, n;

	CU_ASSERT_EQUAL_FATAL(open_port("null", &sink), 0);
	CU_ASSERT_EQUAL(send_frames(sink, 0, 1000, WAIT_MS), 1000);
	CU_ASSERT_EQUAL(fex_port_rx(sink, 0, b, RTE_DIM(b)), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("null:rx", &gen), 0);
	n = fex_port_rx(gen, 0, b, RTE_DIM(b));
	CU_ASSERT(n > 0);
	rte_pktmbuf_free_bulk(b, n);
	CU_ASSERT_EQUAL(fex_port_close(sink), 0);
	CU_ASSERT_EQUAL(fex_port_close(gen), 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

static void
test_queues_and_list(void)
{
	struct fex_port_conf c = conf;
	struct fex_port_info info[4];
	uint16_t pid, pid2;
	char spec[FEX_PORT_SPEC_LEN];

	/* pcap has one queue per file: asking 4 is an error or clamps */
	c.nb_rxq = 4;
	c.nb_txq = 4;
	snprintf(spec, sizeof(spec), "pcap:tx=%s/q.pcap", tmpdir);
	CU_ASSERT_EQUAL(fex_port_open(spec, &c, &pid, port_err, sizeof(port_err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "at most 1 rx"));
	c.clamp_queues = true;
	CU_ASSERT_EQUAL_FATAL(fex_port_open(spec, &c, &pid, port_err, sizeof(port_err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_port_info_get(pid, &info[0]), 0);
	CU_ASSERT_EQUAL(info[0].nb_rxq, 1);
	CU_ASSERT_EQUAL(info[0].nb_txq, 1);
	/* a ring gives as many queues as asked */
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:t_mq", &c, &pid2, port_err, sizeof(port_err)), 0);
	CU_ASSERT_EQUAL(fex_port_list(info, RTE_DIM(info)), 2);
	CU_ASSERT_EQUAL(info[1].port_id, pid2);
	CU_ASSERT_STRING_EQUAL(info[1].spec, "ring:t_mq");
	CU_ASSERT_STRING_EQUAL(fex_port_kind_name(info[1].kind), "ring");
	CU_ASSERT_EQUAL(info[1].nb_rxq, 4);
	CU_ASSERT_EQUAL(info[1].nb_txq, 4);
	CU_ASSERT_EQUAL(fex_port_list(info, 1), 2);
	CU_ASSERT_EQUAL(fex_port_spec_get(pid2, spec, sizeof(spec)), 0);
	CU_ASSERT_STRING_EQUAL(spec, "ring:t_mq");
	CU_ASSERT_EQUAL(fex_port_spec_get(pid2, spec, 4), -ENOSPC);
	fex_port_close_all();
	CU_ASSERT_EQUAL(fex_port_list(info, RTE_DIM(info)), 0);
}

static void
test_errors(void)
{
	struct fex_port_conf c = conf;
	uint16_t pid;

	CU_ASSERT_EQUAL(fex_port_open("bogus:x", &conf, &pid, port_err, sizeof(port_err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "unknown port kind"));
	CU_ASSERT_EQUAL(fex_port_open("af_packet:fexnosuch0", &conf, &pid, port_err, sizeof(port_err)),
			-ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "no network interface 'fexnosuch0'"));
	CU_ASSERT_EQUAL(fex_port_open("pci:0000:ff:1f.7", &conf, &pid, port_err, sizeof(port_err)),
			-ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "no such PCI device"));
	CU_ASSERT_EQUAL(fex_port_open("vhost:/nonexistent-dir/x.sock", &conf, &pid, port_err,
				      sizeof(port_err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "directory /nonexistent-dir does not exist"));
	CU_ASSERT_EQUAL(fex_port_open("memif:/tmp/fex-no-such-memif.sock", &conf, &pid, port_err,
				      sizeof(port_err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "no memif server listens"));
	c.pool = NULL;
	CU_ASSERT_EQUAL(fex_port_open("null", &c, &pid, port_err, sizeof(port_err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(port_err, "no mbuf pool"));
	c = conf;
	c.nb_rxq = 0;
	CU_ASSERT_EQUAL(fex_port_open("null", &c, &pid, port_err, sizeof(port_err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_port_list(NULL, 0), 0);
}

/* ---- kernel interfaces: tap, af_packet on a veth pair ---- */

static int
raw_socket(const char *ifname)
{
	struct sockaddr_ll sll;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned int
raw_send(int fd, unsigned int n)
{
	uint8_t f[FRAME_LEN];
	unsigned int i, sent = 0;

	for (i = 0; i < n; i++) {
		frame_fill(f, i);
		if (send(fd, f, sizeof(f), 0) == (ssize_t)sizeof(f))
			sent++;
	}
	return sent;
}

static unsigned int
raw_recv(int fd, unsigned int want, unsigned int timeout_ms)
{
	uint8_t f[2048];
	uint64_t end = now_ms() + timeout_ms;
	struct sockaddr_ll from;
	socklen_t fl;
	unsigned int got = 0;
	ssize_t n;

	while (got < want && now_ms() < end) {
		fl = sizeof(from);
		n = recvfrom(fd, f, sizeof(f), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			usleep(1000);
			continue;
		}
		if (from.sll_pkttype != PACKET_OUTGOING && frame_seq(f, (size_t)n) >= 0)
			got++;
	}
	return got;
}

/* Frames both ways between port and a raw socket on ifname. */
static void
kernel_exchange(uint16_t pid, const char *ifname)
{
	int fd = raw_socket(ifname);
	uint64_t end = now_ms() + WAIT_MS;

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	while (fex_port_link_up(pid) != 1 && now_ms() < end)
		usleep(10000);
	CU_ASSERT_EQUAL(raw_send(fd, 100), 100);
	CU_ASSERT_EQUAL(recv_frames(pid, 100, WAIT_MS, true), 100);
	CU_ASSERT_EQUAL(send_frames(pid, 0, 100, WAIT_MS), 100);
	CU_ASSERT_EQUAL(raw_recv(fd, 100, WAIT_MS), 100);
	close(fd);
}

static void
test_tap(void)
{
	char spec[64], name[IFNAMSIZ], cmd[128];
	uint16_t pid;
	int i;

	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		fprintf(stderr, "\n  skipped: /dev/net/tun missing: %s\n", strerror(errno));
		return;
	}
	snprintf(name, sizeof(name), "fxtap%d", (int)(getpid() % 100000));
	snprintf(spec, sizeof(spec), "tap:%s", name);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
		snprintf(cmd, sizeof(cmd), "ip link set %s up", name);
		CU_ASSERT_EQUAL(sh(cmd), 0);
		kernel_exchange(pid, name);
		CU_ASSERT_EQUAL(fex_port_close(pid), 0);
		CU_ASSERT_EQUAL(if_nametoindex(name), 0);	/* the tap went away */
	}
}

static void
test_af_packet(void)
{
	char spec[64], cmd[256];
	uint16_t pid;
	int i;

	snprintf(veth[0], IFNAMSIZ, "fxva%d", (int)(getpid() % 100000));
	snprintf(veth[1], IFNAMSIZ, "fxvb%d", (int)(getpid() % 100000));
	snprintf(cmd, sizeof(cmd),
		 "ip link add %s type veth peer name %s && ip link set %s up && ip link set %s up",
		 veth[0], veth[1], veth[0], veth[1]);
	if (sh(cmd) != 0) {
		fprintf(stderr, "\n  skipped: cannot create a veth pair (need root/CAP_NET_ADMIN)\n");
		return;
	}
	veth_made = true;
	snprintf(spec, sizeof(spec), "af_packet:%s", veth[0]);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
		kernel_exchange(pid, veth[1]);
		CU_ASSERT_EQUAL(fex_port_close(pid), 0);
	}
}

static int
suite_init(void)
{
	return port_suite_init("test_port");
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("integration", suite_init, port_suite_clean);
	CU_add_test(s, "pcap rx, infinite rx, missing file", test_pcap_rx);
	CU_add_test(s, "pcap tx, reopen", test_pcap_tx);
	CU_add_test(s, "ring pair both ways, reopen", test_ring_pair);
	CU_add_test(s, "null sink and generator", test_null);
	CU_add_test(s, "queue clamping and port list", test_queues_and_list);
	CU_add_test(s, "errors a person can act on", test_errors);
	CU_add_test(s, "tap", test_tap);
	CU_add_test(s, "af_packet on a veth pair", test_af_packet);
	return fex_test_run();
}
