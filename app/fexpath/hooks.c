/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/ctl's hooks backed by the dataplane: ports opened and closed for
 * VIFs, the views of stats and port.list, and the uplink link monitor. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fex_app.h"
#include "fex_port.h"
#include "stats.h"

RTE_LOG_REGISTER(fex_logtype_app, fex.app, INFO);
#define APP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_app, "app: " fmt "\n", ##__VA_ARGS__)

/* ---- control hooks ---- */

static int
hook_attach(void *ctx, const char *spec, uint16_t *port_id, char *err,
	    size_t errlen)
{
	return fex_dp_port_attach(ctx, spec, port_id, err, errlen);
}

/* A VIF whose profile says io_performance: high gets a VF of its own. */
static int
hook_attach_vif(void *ctx, const char *spec, const char *profile,
		uint16_t *port_id, char *err, size_t errlen)
{
	struct fex_dp *dp = ctx;
	struct fex_profile p;

	if (fex_profile_get(fex_dp_db(dp), profile, &p, NULL) == 0 &&
	    p.io_performance == FEX_IO_PERF_HIGH)
		return fex_dp_port_attach_vf(dp, spec, port_id, err, errlen);
	return fex_dp_port_attach(dp, spec, port_id, err, errlen);
}

static int
hook_detach(void *ctx, uint16_t port_id)
{
	return fex_dp_port_detach(ctx, port_id);
}

/* The views: one snapshot, formatted (stats.c). */
static json_t *
snapshot_json(struct fex_dp *dp, json_t *(*fmt)(const struct fex_stats *s))
{
	struct fex_stats *s = fex_stats_alloc();
	json_t *o;

	if (s == NULL)
		return NULL;
	fex_stats_take(dp, s);
	o = fmt(s);
	fex_stats_free(s);
	return o;
}

static json_t *
hook_port_list(void *ctx)
{
	return snapshot_json(ctx, fex_stats_ports_json);
}

static json_t *
hook_stats(void *ctx)
{
	return snapshot_json(ctx, fex_stats_json);
}

/* Uplink link state as the VIF tables know it, and how often it changed
 * (written by the control thread, read by statistics readers). */
static struct {
	bool down;
	uint64_t changes;
} uplink_link;

/* Control thread, every FEX_CTL_TICK_MS: a link change of the uplink
 * moves the VIFs of link-down profiles to down and back (lib/vif).
 * Only ports whose link is a real one are watched: a NIC, a tap
 * interface, a vhost or memif peer. pcap, ring, null and af_packet links
 * say nothing about the network (net_pcap's even reads "down" once a
 * dpdk-dumpcap secondary has come and gone, while it forwards on). */
static void
hook_tick(void *ctx)
{
	struct fex_dp *dp = ctx;
	struct fex_port_info info;
	int up, moved;

	if (fex_port_info_get(fex_dp_uplink(dp), &info) < 0 ||
	    info.kind == FEX_PORT_PCAP || info.kind == FEX_PORT_RING ||
	    info.kind == FEX_PORT_NULL || info.kind == FEX_PORT_AF_PACKET)
		return;
	up = info.link_up;
	if ((up == 0) == __atomic_load_n(&uplink_link.down, __ATOMIC_RELAXED))
		return;
	moved = fex_vif_uplink_set(fex_dp_db(dp), up != 0);
	__atomic_store_n(&uplink_link.down, up == 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&uplink_link.changes, 1, __ATOMIC_RELAXED);
	APP_LOG(WARNING, "uplink port %u link %s: %d VIF(s) of link-down profiles %s",
		fex_dp_uplink(dp), up ? "up" : "down", moved, up ? "associated again" : "down");
}

void
fex_app_uplink_link(bool *down, uint64_t *changes)
{
	*down = __atomic_load_n(&uplink_link.down, __ATOMIC_RELAXED);
	*changes = __atomic_load_n(&uplink_link.changes, __ATOMIC_RELAXED);
}

void
fex_app_hooks(struct fex_dp *dp, struct fex_ctl_hooks *hooks)
{
	hooks->port_attach = hook_attach;
	hooks->port_attach_vif = hook_attach_vif;
	hooks->port_detach = hook_detach;
	hooks->port_list = hook_port_list;
	hooks->stats = hook_stats;
	hooks->tick = hook_tick;
	hooks->ctx = dp;
}
