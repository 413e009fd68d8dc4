/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One reading of every figure (fex_stats_take), formatted three ways:
 * JSON (the stats and port.list methods, --stats-json), text
 * (--stats-period) and DPDK telemetry (/fexpath/...). Each formatter
 * works on a snapshot, never on live counters, so the three agree.
 *
 * Thread safety: fex_stats_take() from any non-worker thread (it reads
 * the VIF table through its own RCU reader, serialised inside).
 */
#ifndef FEX_STATS_H
#define FEX_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <rte_ethdev.h>

#include "fex_dp.h"

struct fex_stats_port {
	struct fex_port_info info;
	struct rte_eth_stats es;
	int worker;		/* polling it, -1 none (the uplink: every one) */
	bool is_vf;
};

struct fex_stats_vif {
	uint16_t vif;
	uint16_t port;
	uint8_t state;		/* enum fex_vif_state */
	uint64_t c[FEX_VIF_CNT_MAX];
};

struct fex_stats {
	uint64_t hz;
	enum fex_tag_mode mode;
	uint16_t uplink;
	bool link_down;		/* as the VIF tables know it (hooks.c) */
	uint64_t link_changes;
	uint64_t mbufs_in_use;
	struct fex_dp_stats sum;
	unsigned int nb_workers;
	struct fex_dp_stats w[FEX_WORKERS_MAX];
	unsigned int lcore[FEX_WORKERS_MAX];
	unsigned int nb_ports;
	struct fex_stats_port port[FEX_PORT_MAX];
	unsigned int nb_vifs;	/* VIFs in the table, in id order */
	struct fex_stats_vif vif[FEX_VIF_MAX];
};

/* A zeroed snapshot on the heap (it is large); NULL if out of memory. */
struct fex_stats *fex_stats_alloc(void);
void fex_stats_free(struct fex_stats *s);
void fex_stats_take(struct fex_dp *dp, struct fex_stats *s);

/* The formatters. */
json_t *fex_stats_json(const struct fex_stats *s);		/* "stats" */
json_t *fex_stats_ports_json(const struct fex_stats *s);	/* "port.list" */
/* Rates between two snapshots dt seconds apart (before may be zeroed). */
void fex_stats_print(FILE *f, const struct fex_stats *now,
		     const struct fex_stats *before, double dt);
void fex_stats_telemetry_init(struct fex_dp *dp);

/* The uplink link state the control hooks keep (hooks.c). */
void fex_app_uplink_link(bool *down, uint64_t *changes);

#endif
