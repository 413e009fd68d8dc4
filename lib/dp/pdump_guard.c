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
#include "fex_dp.h"

static struct fex_vif_db *guard_db;

void
fex_pdump_guard_init(struct fex_dp *dp)
{
	__atomic_store_n(&guard_db, fex_dp_db(dp), __ATOMIC_RELEASE);
}

static void
wait_for_workers(void)
{
	struct fex_vif_db *db = __atomic_load_n(&guard_db, __ATOMIC_ACQUIRE);

	if (db != NULL)
		fex_vif_db_grace_period(db);
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
