/* SPDX-License-Identifier: BSD-3-Clause */
/* What test_port.c and test_port_peers.c share: see test_port_common.h. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_port_common.h"

struct rte_mempool *pool;
struct fex_port_conf conf;
char tmpdir[] = "/tmp/fex_port_XXXXXX";
char port_err[512];
char veth[2][IFNAMSIZ];
bool veth_made;

/* ---- frames ---- */

void
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
long
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

struct rte_mbuf *
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

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send n frames seq0.. on port, retrying a full queue; returns sent. */
unsigned int
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
			done += fex_port_tx(port, 0, b + done, k - done);
		for (i = done; i < k; i++)
			rte_pktmbuf_free(b[i]);
		sent += done;
	}
	return sent;
}

/* Receive until want of our frames came (or timeout); returns the count.
 * Polls at least once, however late this thread runs. Checks order when
 * in_order. */
unsigned int
recv_frames(uint16_t port, unsigned int want, unsigned int timeout_ms, bool in_order)
{
	struct rte_mbuf *b[32];
	uint64_t end = now_ms() + timeout_ms;
	unsigned int got = 0, i;
	long expect = -1, s;
	uint16_t n;

	do {
		n = fex_port_rx(port, 0, b, RTE_DIM(b));
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

int
open_port(const char *spec, uint16_t *pid)
{
	int rc = fex_port_open(spec, &conf, pid, port_err, sizeof(port_err));

	if (rc != 0)
		fprintf(stderr, "\n  open %s: %s\n", spec, port_err);
	return rc;
}

void
path_in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

int
sh(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* ---- a dpdk-testpmd peer in io mode ---- */

pid_t
testpmd_start(const char *vdev, const char *log, unsigned int nq)
{
	char prefix[64], rxq[32], txq[32];
	pid_t p;

	snprintf(prefix, sizeof(prefix), "fex_testpmd_%d", (int)getpid());
	snprintf(rxq, sizeof(rxq), "--rxq=%u", nq);
	snprintf(txq, sizeof(txq), "--txq=%u", nq);
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
		       rxq, txq, (char *)NULL);
		_exit(127);
	}
	return p;
}

void
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
bool
peer_exited(pid_t tp)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)tp, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == tp;
}

/* ---- the suite ---- */

/* Like fex_test_eal_init(), with more memory (vhost, memif and pcap
 * ports at once) and a runtime directory of its own for their files. */
static int
eal_start(const char *prog)
{
	char prefix[64];
	char *argv[] = {
		(char *)prog, (char *)"--no-huge", (char *)"-m", (char *)"512",
		(char *)"--no-pci", (char *)"--no-shconf", (char *)"--file-prefix", prefix,
		(char *)"--no-telemetry", (char *)"-l", (char *)"0",
		(char *)"--log-level", (char *)"lib.eal:error", NULL,
	};

	snprintf(prefix, sizeof(prefix), "fex_%s_%d", prog, (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "%s: cannot start EAL: %s\n", prog, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

int
port_suite_init(const char *prog)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (eal_start(prog) != 0)
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

int
port_suite_clean(void)
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
