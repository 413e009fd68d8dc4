/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by every CUnit test program: EAL for tests that need mbufs,
 * and one main() shape that prints CUnit's summary and fails the
 * process when any assertion failed. */
#ifndef FEX_TEST_H
#define FEX_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

/* Start EAL for a unit test: no hugepages, no PCI, no files in
 * /var/run (so tests run in parallel). Returns 0 or -1. */
int fex_test_eal_init(const char *prog);

/* An mbuf pool for tests (EAL must be up). */
struct rte_mempool *fex_test_pool(unsigned int n);

/* Run every registered suite; prints the summary; returns the exit
 * status for main(): 0 only if the registry ran with no failure. */
int fex_test_run(void);

#endif
