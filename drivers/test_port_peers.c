/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports with a peer, and ports again and again: memif and vhost against a
 * dpdk-testpmd peer, open/close without leaking a file descriptor, and
 * add/remove ports while a ring pair forwards without losing a frame. The
 * other kinds are test_port.c's; what both use is test_port_common.c's. */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_port_common.h"

/* ---- memif and vhost against a dpdk-testpmd peer in io mode ---- */

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
		rc = fex_port_open(spec, &conf, pid, port_err, sizeof(port_err));
		if (rc == 0) {
			until = RTE_MIN(now_ms() + window, end);
			while (fex_port_link_up(*pid) != 1 && now_ms() < until)
				usleep(10000);
			if (fex_port_link_up(*pid) == 1 || now_ms() >= end || peer_exited(tp))
				return 0;
			fex_port_close(*pid);	/* refused early: try again */
			window = RTE_MIN(window * 2, 4000u);
		} else if (now_ms() >= end || peer_exited(tp)) {
			fprintf(stderr, "\n  open %s: %s (peer socket %s)\n", spec, port_err, sock);
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
		     const char *what, bool we_listen, unsigned int nq)
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
		tp = testpmd_start(vdev, log, nq);
		CU_ASSERT_TRUE_FATAL(tp > 0);
	} else {
		tp = testpmd_start(vdev, log, nq);
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
	if (nq > 1) {		/* every queue pair the guest enables is polled */
		struct fex_port_info info;

		end = now_ms() + WAIT_MS;
		while (fex_port_info_get(pid, &info) == 0 && info.nb_rxq < nq && now_ms() < end)
			usleep(20000);
		CU_ASSERT_EQUAL(info.nb_rxq, nq);
		CU_ASSERT_EQUAL(info.nb_txq, nq);
	}
	recv_frames(pid, 1, 200, false);
	CU_ASSERT_EQUAL(send_frames(pid, 0, 200, WAIT_MS), 200);
	/* frames spread over the guest's queues come back in any order */
	got = recv_frames(pid, 200, WAIT_MS, nq == 1);
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
	echo_through_testpmd(spec, vdev, sock, "memif-client", false, 1);

	path_in_tmp(sock, sizeof(sock), "memif2.sock");
	snprintf(vdev, sizeof(vdev), "net_memif0,role=client,socket=%s,socket-abstract=no", sock);
	snprintf(spec, sizeof(spec), "memif:%s,server", sock);
	echo_through_testpmd(spec, vdev, sock, "memif-server", true, 1);
}

static void
test_vhost(void)
{
	char sock[PATH_MAX], spec[PATH_MAX + 16], vdev[PATH_MAX + 64];

	/* fexpath is the vhost-user client: the peer (a VM's virtio) listens */
	path_in_tmp(sock, sizeof(sock), "vhost.sock");
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,server=1,queues=1", sock);
	snprintf(spec, sizeof(spec), "vhost:%s", sock);
	echo_through_testpmd(spec, vdev, sock, "vhost-client", false, 1);

	path_in_tmp(sock, sizeof(sock), "vhost2.sock");
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,queues=1", sock);
	snprintf(spec, sizeof(spec), "vhost-server:%s", sock);
	echo_through_testpmd(spec, vdev, sock, "vhost-server", true, 1);

	/* a guest with 2 queue pairs: frames go out on both, and the echo
	 * comes back complete only if both are polled */
	path_in_tmp(sock, sizeof(sock), "vhost3.sock");
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,server=1,queues=2", sock);
	snprintf(spec, sizeof(spec), "vhost:%s", sock);
	echo_through_testpmd(spec, vdev, sock, "vhost-multiqueue", false, 2);
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
		n = fex_port_rx(f->in, 0, b, RTE_DIM(b));
		done = 0;
		while (done < n)	/* never drop: retry a full ring */
			done += fex_port_tx(f->out, 0, b + done, n - done);
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

static int
suite_init(void)
{
	return port_suite_init("test_port_peers");
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("integration", suite_init, port_suite_clean);
	CU_add_test(s, "memif client and server with testpmd", test_memif);
	CU_add_test(s, "vhost client and server with testpmd virtio-user", test_vhost);
	CU_add_test(s, "open/close leaks no file descriptor", test_no_fd_leak);
	CU_add_test(s, "hot-plug while a pair forwards: zero loss", test_hotplug_under_load);
	return fex_test_run();
}
