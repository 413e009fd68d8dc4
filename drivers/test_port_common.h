/* SPDX-License-Identifier: BSD-3-Clause */
/* What test_port.c and test_port_peers.c share (test programs only):
 * our test frames and the helpers that send and receive them on a port,
 * the wait times, the shell and dpdk-testpmd helpers, and the suite's
 * set-up and clean-up: a tmpdir, EAL with a file-prefix of the program's
 * own, the mbuf pool and port conf, and removal of the veth pair, the
 * tmpdir and the EAL runtime directories (ours and testpmd's). */
#ifndef TEST_PORT_COMMON_H
#define TEST_PORT_COMMON_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

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

extern struct rte_mempool *pool;
extern struct fex_port_conf conf;
extern char tmpdir[];		/* "/tmp/fex_port_XXXXXX", made by port_suite_init() */
extern char port_err[512];	/* fex_port_open()'s message */
extern char veth[2][IFNAMSIZ];	/* test_af_packet()'s pair, removed on clean-up */
extern bool veth_made;

/* ---- frames ---- */

void frame_fill(uint8_t *p, uint32_t seq);
/* Sequence number of one of our frames, or -1. */
long frame_seq(const uint8_t *p, size_t len);
struct rte_mbuf *mbuf_frame(uint32_t seq);
uint64_t now_ms(void);
/* Send n frames seq0.. on port, retrying a full queue; returns sent. */
unsigned int send_frames(uint16_t port, uint32_t seq0, unsigned int n,
			 unsigned int timeout_ms);
/* Receive until want of our frames came (or timeout); returns the count.
 * Polls at least once, however late this thread runs. Checks order when
 * in_order. */
unsigned int recv_frames(uint16_t port, unsigned int want, unsigned int timeout_ms,
			 bool in_order);
int open_port(const char *spec, uint16_t *pid);
void path_in_tmp(char *buf, size_t len, const char *name);
int sh(const char *cmd);

/* ---- a dpdk-testpmd peer in io mode ---- */

pid_t testpmd_start(const char *vdev, const char *log, unsigned int nq);
void testpmd_stop(pid_t p);
/* Has the peer exited? (It is left for testpmd_stop to reap.) */
bool peer_exited(pid_t tp);

/* ---- the suite ---- */

/* CUnit suite init and clean of each program; prog names it (argv[0],
 * "<prog>: cannot start EAL", EAL file-prefix fex_<prog>_<pid>). */
int port_suite_init(const char *prog);
int port_suite_clean(void);

#endif
