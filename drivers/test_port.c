/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports for real: open each kind after EAL start (hot-plug), pass frames
 * through it, close it, open it again; and add/remove ports while a
 * ring pair forwards without losing a frame. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "fex_port.h"
#include "fex_test.h"

#define ETH_TEST 0x88b5		/* IEEE local experimental */
#define FRAME_LEN 64
#define MAGIC 0x46455854u	/* "FEXT" */
/* How long to wait for something that should happen: frames sent, frames
 * arrived, a link or a peer up. Every wait ends as soon as its condition
 * holds, so this only costs time when the test fails; it is long (a pass
 * needs milliseconds) so that a loaded machine (compiles, a CPU hog) never
 * makes a pass a failure, and short enough that a failing run ends within
 * meson's timeout. */
#define WAIT_MS 10000
/* How long to look for frames that must not come (no echo, no extra). */
#define QUIET_MS 100

static struct rte_mempool *pool;
static struct fex_port_conf conf;
static char tmpdir[] = "/tmp/fex_port_XXXXXX";
static char err[512];
static char veth[2][IFNAMSIZ];
static bool veth_made;

/* ---- frames ---- */

static void
frame_fill(uint8_t *p, uint32_t seq)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	uint16_t et = htons(ETH_TEST);
	uint32_t m = htonl(MAGIC), s = htonl(seq);

	memset(p, 0, FRAME_LEN);
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	memcpy(p + 12, &et, 2);
	memcpy(p + 14, &m, 4);
	memcpy(p + 18, &s, 4);
}

/* Sequence number of one of our frames, or -1. */
static long
frame_seq(const uint8_t *p, size_t len)
{
	uint16_t et;
	uint32_t m, s;

	if (len < 22)
		return -1;
	memcpy(&et, p + 12, 2);
	memcpy(&m, p + 14, 4);
	memcpy(&s, p + 18, 4);
	if (ntohs(et) != ETH_TEST || ntohl(m) != MAGIC)
		return -1;
	return ntohl(s);
}

static struct rte_mbuf *
mbuf_frame(uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, FRAME_LEN);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	frame_fill(p, seq);
	return m;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send n frames seq0.. on port, retrying a full queue; returns sent. */
static unsigned int
send_frames(uint16_t port, uint32_t seq0, unsigned int n, unsigned int timeout_ms)
{
	struct rte_mbuf *b[32];
	uint64_t end = now_ms() + timeout_ms;
	unsigned int sent = 0, k, i;
	uint16_t done;

	while (sent < n && now_ms() < end) {
		k = RTE_MIN(n - sent, RTE_DIM(b));
		for (i = 0; i < k; i++) {
			b[i] = mbuf_frame(seq0 + sent + i);
			if (b[i] == NULL)
				break;
		}
		k = i;
		done = 0;
		while (done < k && now_ms() < end)
			done += rte_eth_tx_burst(port, 0, b + done, k - done);
		for (i = done; i < k; i++)
			rte_pktmbuf_free(b[i]);
		sent += done;
	}
	return sent;
}

/* Receive until want of our frames came (or timeout); returns the count.
 * Polls at least once, however late this thread runs. Checks order when
 * in_order. */
static unsigned int
recv_frames(uint16_t port, unsigned int want, unsigned int timeout_ms, bool in_order)
{
	struct rte_mbuf *b[32];
	uint64_t end = now_ms() + timeout_ms;
	unsigned int got = 0, i;
	long expect = -1, s;
	uint16_t n;

	do {
		n = rte_eth_rx_burst(port, 0, b, RTE_DIM(b));
		for (i = 0; i < n; i++) {
			s = frame_seq(rte_pktmbuf_mtod(b[i], uint8_t *), rte_pktmbuf_data_len(b[i]));
			if (s >= 0) {
				if (in_order && expect >= 0)
					CU_ASSERT_EQUAL(s, expect);
				expect = s + 1;
				got++;
			}
			rte_pktmbuf_free(b[i]);
		}
		if (n == 0)
			usleep(100);
	} while (got < want && now_ms() < end);
	return got;
}

static int
open_port(const char *spec, uint16_t *pid)
{
	int rc = fex_port_open(spec, &conf, pid, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "\n  open %s: %s\n", spec, err);
	return rc;
}

static void
path_in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

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
	CU_ASSERT_EQUAL(fex_port_open(spec, &conf, &pid, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot read rx file"));
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
	CU_ASSERT_EQUAL(fex_port_open(spec, &conf, &pid2, err, sizeof(err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already open as port"));
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
		CU_ASSERT_EQUAL(fex_port_open("ring:t_pair", &conf, &c, err, sizeof(err)), -EBUSY);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "both ends"));
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
	CU_ASSERT_EQUAL(rte_eth_rx_burst(sink, 0, b, RTE_DIM(b)), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("null:rx", &gen), 0);
	n = rte_eth_rx_burst(gen, 0, b, RTE_DIM(b));
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
	CU_ASSERT_EQUAL(fex_port_open(spec, &c, &pid, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 1 rx"));
	c.clamp_queues = true;
	CU_ASSERT_EQUAL_FATAL(fex_port_open(spec, &c, &pid, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_port_info_get(pid, &info[0]), 0);
	CU_ASSERT_EQUAL(info[0].nb_rxq, 1);
	CU_ASSERT_EQUAL(info[0].nb_txq, 1);
	/* a ring gives as many queues as asked */
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:t_mq", &c, &pid2, err, sizeof(err)), 0);
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

	CU_ASSERT_EQUAL(fex_port_open("bogus:x", &conf, &pid, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown port kind"));
	CU_ASSERT_EQUAL(fex_port_open("af_packet:fexnosuch0", &conf, &pid, err, sizeof(err)),
			-ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no network interface 'fexnosuch0'"));
	CU_ASSERT_EQUAL(fex_port_open("pci:0000:ff:1f.7", &conf, &pid, err, sizeof(err)),
			-ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no such PCI device"));
	CU_ASSERT_EQUAL(fex_port_open("vhost:/nonexistent-dir/x.sock", &conf, &pid, err,
				      sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "directory /nonexistent-dir does not exist"));
	CU_ASSERT_EQUAL(fex_port_open("memif:/tmp/fex-no-such-memif.sock", &conf, &pid, err,
				      sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no memif server listens"));
	c.pool = NULL;
	CU_ASSERT_EQUAL(fex_port_open("null", &c, &pid, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no mbuf pool"));
	c = conf;
	c.nb_rxq = 0;
	CU_ASSERT_EQUAL(fex_port_open("null", &c, &pid, err, sizeof(err)), -EINVAL);
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

static int
sh(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
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

/* ---- memif and vhost against a dpdk-testpmd peer in io mode ---- */

static pid_t
testpmd_start(const char *vdev, const char *log)
{
	char prefix[64];
	pid_t p;

	snprintf(prefix, sizeof(prefix), "fex_testpmd_%d", (int)getpid());
	p = fork();
	if (p == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("dpdk-testpmd", "dpdk-testpmd", "--no-huge", "-m", "256", "--no-shconf",
		       "--file-prefix", prefix, "--no-pci", "--no-telemetry", "-l", "0-1", "--vdev", vdev, "--",
		       "--no-mlockall", "--forward-mode=io", "--port-topology=loop",
		       "--auto-start", "--stats-period", "1", "--total-num-mbufs", "4096",
		       (char *)NULL);
		_exit(127);
	}
	return p;
}

static void
testpmd_stop(pid_t p)
{
	int st;

	if (p <= 0)
		return;
	kill(p, SIGINT);
	for (st = 0; st < 50; st++) {
		if (waitpid(p, NULL, WNOHANG) == p)
			return;
		usleep(100000);
	}
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* Has the peer exited? (It is left for testpmd_stop to reap.) */
static bool
peer_exited(pid_t tp)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)tp, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == tp;
}

/* Open spec, connecting to a peer that listens on sock, once the peer
 * takes the connection. testpmd creates its socket when it probes its
 * device but takes a peer only once it has started the port: a DPDK 22.11
 * memif server answers a client that comes before with "ID not found",
 * and the memif client never tries again, so its link stays down. So wait
 * for the socket, open, and if the link does not come up, close and open
 * again, waiting longer each time, up to WAIT_MS in all. 0 when open (the
 * caller checks the link), -1 when the port could not be opened. */
static int
open_when_peer_ready(const char *spec, const char *sock, pid_t tp, uint16_t *pid)
{
	uint64_t end = now_ms() + WAIT_MS, until;
	unsigned int window = 250;
	int rc;

	while (access(sock, F_OK) != 0 && now_ms() < end) {
		if (peer_exited(tp)) {
			fprintf(stderr, "\n  the peer exited before it made %s\n", sock);
			return -1;
		}
		usleep(10000);
	}
	for (;;) {
		rc = fex_port_open(spec, &conf, pid, err, sizeof(err));
		if (rc == 0) {
			until = RTE_MIN(now_ms() + window, end);
			while (fex_port_link_up(*pid) != 1 && now_ms() < until)
				usleep(10000);
			if (fex_port_link_up(*pid) == 1 || now_ms() >= end || peer_exited(tp))
				return 0;
			fex_port_close(*pid);	/* refused early: try again */
			window = RTE_MIN(window * 2, 4000u);
		} else if (now_ms() >= end || peer_exited(tp)) {
			fprintf(stderr, "\n  open %s: %s (peer socket %s)\n", spec, err, sock);
			return -1;
		} else {
			usleep(20000);
		}
	}
}

/* Open spec, wait for the peer, frames out and echoed back. The peer
 * listens on sock unless we_listen. */
static void
echo_through_testpmd(const char *spec, const char *vdev, const char *sock,
		     const char *what, bool we_listen)
{
	char log[PATH_MAX];
	uint64_t end;
	unsigned int got;
	uint16_t pid;
	pid_t tp;

	if (access("/usr/bin/dpdk-testpmd", X_OK) != 0) {
		fprintf(stderr, "\n  skipped %s: no dpdk-testpmd\n", what);
		return;
	}
	snprintf(log, sizeof(log), "%s/testpmd-%s.log", tmpdir, what);
	if (we_listen) {	/* our socket first, then the peer connects */
		CU_ASSERT_EQUAL_FATAL(open_port(spec, &pid), 0);
		tp = testpmd_start(vdev, log);
		CU_ASSERT_TRUE_FATAL(tp > 0);
	} else {
		tp = testpmd_start(vdev, log);
		CU_ASSERT_TRUE_FATAL(tp > 0);
		if (open_when_peer_ready(spec, sock, tp, &pid) != 0) {
			CU_FAIL("open");
			testpmd_stop(tp);
			return;
		}
	}
	end = now_ms() + WAIT_MS;
	while (fex_port_link_up(pid) != 1 && now_ms() < end)
		usleep(20000);
	CU_ASSERT_EQUAL(fex_port_link_up(pid), 1);
	if (fex_port_link_up(pid) != 1) {	/* no peer: no frames to wait for */
		fprintf(stderr, "\n  %s: link not up (testpmd log %s)\n", what, log);
		goto out;
	}
	/* poll rx first: a memif client hands its rx buffers to the server
	 * on rx, like any forwarding loop does (recv_frames polls at least
	 * once) */
	recv_frames(pid, 1, 200, false);
	CU_ASSERT_EQUAL(send_frames(pid, 0, 200, WAIT_MS), 200);
	got = recv_frames(pid, 200, WAIT_MS, true);
	CU_ASSERT_EQUAL(got, 200);
	if (got != 200)
		fprintf(stderr, "\n  %s: %u of 200 echoed (testpmd log %s)\n", what, got, log);
out:
	CU_ASSERT_EQUAL(fex_port_close(pid), 0);
	testpmd_stop(tp);
}

static void
test_memif(void)
{
	char sock[PATH_MAX], spec[PATH_MAX + 16], vdev[PATH_MAX + 64];

	path_in_tmp(sock, sizeof(sock), "memif.sock");
	snprintf(vdev, sizeof(vdev), "net_memif0,role=server,socket=%s,socket-abstract=no", sock);
	snprintf(spec, sizeof(spec), "memif:%s", sock);
	echo_through_testpmd(spec, vdev, sock, "memif-client", false);

	path_in_tmp(sock, sizeof(sock), "memif2.sock");
	snprintf(vdev, sizeof(vdev), "net_memif0,role=client,socket=%s,socket-abstract=no", sock);
	snprintf(spec, sizeof(spec), "memif:%s,server", sock);
	echo_through_testpmd(spec, vdev, sock, "memif-server", true);
}

static void
test_vhost(void)
{
	char sock[PATH_MAX], spec[PATH_MAX + 16], vdev[PATH_MAX + 64];

	/* fexpath is the vhost-user client: the peer (a VM's virtio) listens */
	path_in_tmp(sock, sizeof(sock), "vhost.sock");
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,server=1,queues=1", sock);
	snprintf(spec, sizeof(spec), "vhost:%s", sock);
	echo_through_testpmd(spec, vdev, sock, "vhost-client", false);

	path_in_tmp(sock, sizeof(sock), "vhost2.sock");
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,queues=1", sock);
	snprintf(spec, sizeof(spec), "vhost-server:%s", sock);
	echo_through_testpmd(spec, vdev, sock, "vhost-server", true);
}

/* ---- hot-plug while forwarding ---- */

/* Open file descriptors of this process, counted from inside it. Not
 * with popen("ls /proc/PID/fd | wc -l"): popen closes its copy of the
 * pipe's write end only after the child started, so the ls sometimes saw
 * that end too and counted one more. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
			n++;
	closedir(d);
	return n;
}

struct fwd {
	uint16_t in, out;
	volatile bool stop;
	uint64_t fwd;
};

static void *
fwd_loop(void *arg)
{
	struct fwd *f = arg;
	struct rte_mbuf *b[32];
	uint16_t n, done;

	while (!f->stop) {
		n = rte_eth_rx_burst(f->in, 0, b, RTE_DIM(b));
		done = 0;
		while (done < n)	/* never drop: retry a full ring */
			done += rte_eth_tx_burst(f->out, 0, b + done, n - done);
		f->fwd += n;
	}
	return NULL;
}

/* Opening and closing a port again and again leaks no file descriptor.
 * memif in server role is measured but not held to it: the DPDK 22.11
 * memif driver frees its listener without closing the socket. */
static void
test_no_fd_leak(void)
{
	char specs[6][PATH_MAX + 32];
	unsigned int i, k, n = 0;
	uint16_t x;
	int before, after;

	snprintf(specs[n++], sizeof(specs[0]), "ring:fd_x");
	snprintf(specs[n++], sizeof(specs[0]), "null");
	snprintf(specs[n++], sizeof(specs[0]), "pcap:tx=%s/fd.pcap", tmpdir);
	snprintf(specs[n++], sizeof(specs[0]), "vhost:%s/fd-c.sock", tmpdir);
	snprintf(specs[n++], sizeof(specs[0]), "vhost-server:%s/fd-s.sock", tmpdir);
	snprintf(specs[n++], sizeof(specs[0]), "memif:%s/fd-s.sock,server", tmpdir);
	for (i = 0; i < n; i++) {
		before = count_fds();
		for (k = 0; k < 10; k++) {
			CU_ASSERT_EQUAL_FATAL(open_port(specs[i], &x), 0);
			CU_ASSERT_EQUAL(fex_port_close(x), 0);
		}
		after = count_fds();
		if (strstr(specs[i], ",server") != NULL)
			printf("\n  %s: %d file descriptors left after 10 open/close (driver bug)",
			       specs[i], after - before);
		else if (after > before)	/* fewer is fine: a peer's socket went */
			CU_FAIL("open files grew");
	}
}

static void
test_hotplug_under_load(void)
{
	const unsigned int rounds = 40, batch = 500;
	char specs[6][PATH_MAX + 32];
	uint16_t t1, p1, p2, t2, x;
	unsigned int sent = 0, got = 0, i, nspecs = 0;
	struct fwd f;
	pthread_t th;

	snprintf(specs[nspecs++], sizeof(specs[0]), "ring:hp_x");
	snprintf(specs[nspecs++], sizeof(specs[0]), "null");
	snprintf(specs[nspecs++], sizeof(specs[0]), "pcap:tx=%s/hp.pcap", tmpdir);
	snprintf(specs[nspecs++], sizeof(specs[0]), "vhost:%s/hp-c.sock", tmpdir);
	snprintf(specs[nspecs++], sizeof(specs[0]), "vhost-server:%s/hp-s.sock", tmpdir);
	snprintf(specs[nspecs++], sizeof(specs[0]), "memif:%s/hp-m.sock,server", tmpdir);

	CU_ASSERT_EQUAL_FATAL(open_port("ring:hp_in", &t1), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("ring:hp_in", &p1), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("ring:hp_out", &p2), 0);
	CU_ASSERT_EQUAL_FATAL(open_port("ring:hp_out", &t2), 0);
	memset(&f, 0, sizeof(f));
	f.in = p1;
	f.out = p2;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, fwd_loop, &f), 0);

	for (i = 0; i < rounds; i++) {
		const char *spec = specs[i % nspecs];

		sent += send_frames(t1, sent, batch / 2, WAIT_MS);
		if (open_port(spec, &x) == 0) {
			CU_ASSERT_EQUAL(fex_port_close(x), 0);
		} else {
			CU_FAIL("hot-plug open");
		}
		sent += send_frames(t1, sent, batch / 2, WAIT_MS);
		got += recv_frames(t2, sent - got, WAIT_MS, false);
		if (got < sent)
			break;	/* lost or stuck: the checks below fail */
	}
	got += recv_frames(t2, sent - got, WAIT_MS, false);
	f.stop = true;
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(sent, rounds * batch);
	CU_ASSERT_EQUAL(got, sent);
	CU_ASSERT_EQUAL(f.fwd, sent);
	printf("\n  hot-plug: %u ports added and removed, %u frames sent, %u forwarded, %u received\n",
	       rounds, sent, (unsigned int)f.fwd, got);
	fex_port_close_all();
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

/* Like fex_test_eal_init(), with more memory (vhost, memif and pcap
 * ports at once) and a runtime directory of its own for their files. */
static int
eal_start(void)
{
	char prefix[64];
	char *argv[] = {
		(char *)"test_port", (char *)"--no-huge", (char *)"-m", (char *)"512",
		(char *)"--no-pci", (char *)"--no-shconf", (char *)"--file-prefix", prefix,
		(char *)"--no-telemetry", (char *)"-l", (char *)"0",
		(char *)"--log-level", (char *)"lib.eal:error", NULL,
	};

	snprintf(prefix, sizeof(prefix), "fex_test_port_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "test_port: cannot start EAL: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int
suite_init(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (eal_start() != 0)
		return -1;
	pool = fex_test_pool(8191);
	if (pool == NULL)
		return -1;
	memset(&conf, 0, sizeof(conf));
	conf.nb_rxq = 1;
	conf.nb_txq = 1;
	conf.nb_rxd = 512;
	conf.nb_txd = 512;
	conf.pool = pool;
	return 0;
}

static int
suite_clean(void)
{
	char cmd[PATH_MAX + 64];

	fex_port_close_all();
	if (veth_made) {
		snprintf(cmd, sizeof(cmd), "ip link del %s", veth[0]);
		sh(cmd);
	}
	if (getenv("FEX_TEST_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		sh(cmd);
	}
	/* the runtime directories EAL made for us and for testpmd */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", rte_eal_get_runtime_dir());
	sh(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/fex_testpmd_%d", (int)getpid());
	sh(cmd);
	return 0;
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("integration", suite_init, suite_clean);
	CU_add_test(s, "pcap rx, infinite rx, missing file", test_pcap_rx);
	CU_add_test(s, "pcap tx, reopen", test_pcap_tx);
	CU_add_test(s, "ring pair both ways, reopen", test_ring_pair);
	CU_add_test(s, "null sink and generator", test_null);
	CU_add_test(s, "queue clamping and port list", test_queues_and_list);
	CU_add_test(s, "errors a person can act on", test_errors);
	CU_add_test(s, "tap", test_tap);
	CU_add_test(s, "af_packet on a veth pair", test_af_packet);
	CU_add_test(s, "memif client and server with testpmd", test_memif);
	CU_add_test(s, "vhost client and server with testpmd virtio-user", test_vhost);
	CU_add_test(s, "open/close leaks no file descriptor", test_no_fd_leak);
	CU_add_test(s, "hot-plug while a pair forwards: zero loss", test_hotplug_under_load);
	return fex_test_run();
}
