/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL for the tag tests: fex_test_eal_init() without --in-memory, which
 * DPDK 22.11 refuses together with --no-huge (it makes --no-huge legacy
 * memory). --no-shconf keeps "no files, tests run in parallel". Drop this
 * for fex_test_eal_init() once tests/lib is fixed. */
#ifndef TEST_TAG_EAL_H
#define TEST_TAG_EAL_H

#include <stdint.h>
#include <stdio.h>

#include <rte_eal.h>
#include <rte_errno.h>

static inline int
tag_test_eal_init(const char *prog)
{
	char *argv[] = {
		(char *)(uintptr_t)prog, (char *)"--no-huge", (char *)"-m", (char *)"256",
		(char *)"--no-pci", (char *)"--no-shconf", (char *)"--no-telemetry",
		(char *)"-l", (char *)"0", (char *)"--log-level", (char *)"lib.eal:error",
		NULL,
	};

	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "%s: cannot start EAL: %s\n", prog,
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

#endif
