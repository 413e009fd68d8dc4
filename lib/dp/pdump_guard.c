/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Make dpdk-dumpcap safe to stop.
 *
 * DPDK 22.11's pdump removes its rx/tx callback when a capture stops and
 * replies to dpdk-dumpcap at once; dumpcap then frees the mempool and
 * ring the callback copies into. A worker still inside that callback
 * (rte_eth_remove_rx_callback() does not wait for it) then writes into
 * freed memory and crashes fexpath - in our tests on most captures.
 *
 * fexpath interposes the two removal functions: it calls DPDK's own, then
 * waits for an RCU grace period of the workers, who report a quiescent
 * state only between bursts. When the removal returns, no worker is in
 * the old callback, so pdump's reply (and dumpcap's free) come after.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>

#include "fex_dp.h"

static struct rte_rcu_qsbr *guard_qsv;

void
fex_pdump_guard_init(struct rte_rcu_qsbr *qsv)
{
	__atomic_store_n(&guard_qsv, qsv, __ATOMIC_RELEASE);
}

static void
wait_for_workers(void)
{
	struct rte_rcu_qsbr *qsv = __atomic_load_n(&guard_qsv, __ATOMIC_ACQUIRE);

	if (qsv != NULL)
		rte_rcu_qsbr_synchronize(qsv, RTE_QSBR_THRID_INVALID);
}

int
rte_eth_remove_rx_callback(uint16_t port_id, uint16_t queue_id,
			   const struct rte_eth_rxtx_callback *user_cb)
{
	static int (*real)(uint16_t, uint16_t, const struct rte_eth_rxtx_callback *);
	int rc;

	if (real == NULL)
		real = dlsym(RTLD_NEXT, "rte_eth_remove_rx_callback");
	rc = real(port_id, queue_id, user_cb);
	if (rc == 0)
		wait_for_workers();
	return rc;
}

int
rte_eth_remove_tx_callback(uint16_t port_id, uint16_t queue_id,
			   const struct rte_eth_rxtx_callback *user_cb)
{
	static int (*real)(uint16_t, uint16_t, const struct rte_eth_rxtx_callback *);
	int rc;

	if (real == NULL)
		real = dlsym(RTLD_NEXT, "rte_eth_remove_tx_callback");
	rc = real(port_id, queue_id, user_cb);
	if (rc == 0)
		wait_for_workers();
	return rc;
}
