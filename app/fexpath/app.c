/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "fex_app.h"
#include "fex_port.h"

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

static json_t *
hook_port_list(void *ctx)
{
	return fex_app_port_list(ctx);
}

static json_t *
hook_stats(void *ctx)
{
	return fex_app_stats(ctx);
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

/* ---- JSON views ---- */

json_t *
fex_app_port_list(struct fex_dp *dp)
{
	struct fex_port_info info[RTE_MAX_ETHPORTS];
	unsigned int n, i;
	json_t *a = json_array();

	n = fex_port_list(info, RTE_DIM(info));
	if (n > RTE_DIM(info))
		n = RTE_DIM(info);
	for (i = 0; i < n && a != NULL; i++) {
		struct rte_eth_stats es;
		uint16_t p = info[i].port_id;
		int owner = fex_dp_port_worker(dp, p);

		if (rte_eth_stats_get(p, &es) != 0)
			memset(&es, 0, sizeof(es));
		json_array_append_new(a, json_pack(
			"{s:i, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I}",
			"port_id", (int)p, "spec", info[i].spec,
			"kind", fex_port_kind_name(info[i].kind),
			"role", p == fex_dp_uplink(dp) ? "uplink" : fex_dp_port_is_vf(dp, p) ? "vf" : "vnic",
			"link", info[i].link_up ? "up" : "down",
			"mtu", (json_int_t)info[i].mtu,
			"rx_queues", (int)info[i].nb_rxq,
			"worker", owner,
			"rx_packets", (json_int_t)es.ipackets,
			"tx_packets", (json_int_t)es.opackets,
			"rx_bytes", (json_int_t)es.ibytes,
			"tx_bytes", (json_int_t)es.obytes,
			"rx_missed", (json_int_t)es.imissed,
			"tx_errors", (json_int_t)es.oerrors));
	}
	return a;
}

static json_t *
counters_json(const struct fex_dp_stats *s)
{
	json_t *o = json_object();
	unsigned int k;

	for (k = 0; k < FEX_DP_CNT_MAX; k++)
		json_object_set_new(o, fex_dp_cnt_names[k], json_integer((json_int_t)s->c[k]));
	for (k = 1; k < FEX_TAG_ERR_MAX; k++) {
		char name[64];

		snprintf(name, sizeof(name), "malformed_%s", fex_tag_err_name(k));
		json_object_set_new(o, name, json_integer((json_int_t)s->tag_err[k]));
	}
	return o;
}

json_t *
fex_app_stats(struct fex_dp *dp)
{
	struct fex_dp_stats sum;
	json_t *uplink, *workers = json_array(), *o;
	unsigned int i;

	fex_dp_stats_sum(dp, &sum);
	uplink = counters_json(&sum);
	json_object_set_new(uplink, "port_id", json_integer(fex_dp_uplink(dp)));
	json_object_set_new(uplink, "tag", json_string(fex_tag_mode_name(fex_dp_mode(dp))));
	json_object_set_new(uplink, "link", json_string(
		__atomic_load_n(&uplink_link.down, __ATOMIC_RELAXED) ? "down" : "up"));
	json_object_set_new(uplink, "link_changes", json_integer((json_int_t)
		__atomic_load_n(&uplink_link.changes, __ATOMIC_RELAXED)));
	for (i = 0; i < fex_dp_nb_workers(dp); i++) {
		struct fex_dp_stats s;
		unsigned int lcore;
		uint64_t tsc, pk, gen, gen_tsc;

		fex_dp_worker_stats(dp, i, &s, &lcore);
		tsc = s.busy_tsc;
		pk = s.busy_packets;
		gen = s.table_gen;
		gen_tsc = s.table_gen_tsc;
		json_array_append_new(workers, json_pack("{s:i, s:i, s:I, s:I, s:f, s:I, s:I}",
			"worker", (int)i, "lcore", (int)lcore,
			"busy_cycles", (json_int_t)tsc, "packets", (json_int_t)pk,
			"cycles_per_packet", pk ? (double)tsc / (double)pk : 0.0,
			"table_gen", (json_int_t)gen, "table_gen_tsc", (json_int_t)gen_tsc));
	}
	o = json_pack("{s:[o], s:o, s:I, s:I}", "uplinks", uplink, "workers", workers,
		      "tsc_hz", (json_int_t)fex_dp_hz(dp), "mbufs_in_use", (json_int_t)fex_dp_mbufs_in_use(dp));
	return o;
}

/* ---- observer: a table reader for statistics and telemetry ---- */

static pthread_mutex_t observer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fex_vif_reader observer;
static bool observer_ready;

/* Call fn with a table snapshot, from any non-worker thread. */
static void
observe(struct fex_dp *dp, void (*fn)(struct fex_dp *dp,
				      const struct fex_vif_table *t, void *arg),
	void *arg)
{
	pthread_mutex_lock(&observer_lock);
	if (!observer_ready) {
		if (fex_vif_reader_init(fex_dp_db(dp), fex_dp_nb_workers(dp), &observer) < 0) {
			pthread_mutex_unlock(&observer_lock);
			return;
		}
		observer_ready = true;
	} else {
		fex_vif_reader_online(&observer);
	}
	fn(dp, fex_vif_reader_snapshot(&observer), arg);
	fex_vif_reader_quiescent(&observer);
	fex_vif_reader_offline(&observer);
	pthread_mutex_unlock(&observer_lock);
}

/* ---- telemetry ---- */

static struct fex_dp *tel_dp;

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct fex_dp_stats s;
	unsigned int k;

	(void)cmd;
	(void)params;
	fex_dp_stats_sum(tel_dp, &s);
	rte_tel_data_start_dict(d);
	for (k = 0; k < FEX_DP_CNT_MAX; k++)
		rte_tel_data_add_dict_u64(d, fex_dp_cnt_names[k], s.c[k]);
	rte_tel_data_add_dict_u64(d, "busy_cycles", s.busy_tsc);
	rte_tel_data_add_dict_u64(d, "busy_packets", s.busy_packets);
	return 0;
}

static void
list_vifs(struct fex_dp *dp, const struct fex_vif_table *t, void *arg)
{
	struct rte_tel_data *d = arg;
	unsigned int v;

	(void)dp;
	for (v = FEX_VIF_MIN; v <= FEX_VIF_MAX; v++)
		if (t->vif[v].state != FEX_VIF_NONE)
			rte_tel_data_add_array_int(d, (int)v);
}

static int
tel_vif_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	observe(tel_dp, list_vifs, d);
	return 0;
}

static int
tel_vif_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t c[FEX_VIF_CNT_MAX];
	char *end;
	long vif;
	unsigned int k;

	(void)cmd;
	if (params == NULL)
		return -EINVAL;
	vif = strtol(params, &end, 10);
	if (*end != '\0' || vif < FEX_VIF_MIN || vif > FEX_VIF_MAX ||
	    fex_vif_stats(fex_dp_db(tel_dp), (uint16_t)vif, c) < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	for (k = 0; k < FEX_VIF_CNT_MAX; k++)
		rte_tel_data_add_dict_u64(d, fex_vif_counter_names[k], c[k]);
	return 0;
}

static int
tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < fex_dp_nb_workers(tel_dp); i++) {
		struct fex_dp_stats s;
		uint64_t tsc, pk;
		char name[64];

		fex_dp_worker_stats(tel_dp, i, &s, NULL);
		tsc = s.busy_tsc;
		pk = s.busy_packets;

		snprintf(name, sizeof(name), "worker%u_cycles_per_packet", i);
		rte_tel_data_add_dict_u64(d, name, pk ? tsc / pk : 0);
		snprintf(name, sizeof(name), "worker%u_packets", i);
		rte_tel_data_add_dict_u64(d, name, pk);
	}
	return 0;
}

void
fex_app_telemetry_init(struct fex_dp *dp)
{
	tel_dp = dp;
	rte_telemetry_register_cmd("/fexpath/stats", tel_stats,
		"Uplink and drop counters of fexpath. No parameters");
	rte_telemetry_register_cmd("/fexpath/vif/list", tel_vif_list,
		"VIF ids in the table. No parameters");
	rte_telemetry_register_cmd("/fexpath/vif/stats", tel_vif_stats,
		"Counters of one VIF. Parameters: int vif_id");
	rte_telemetry_register_cmd("/fexpath/workers", tel_workers,
		"Per-worker packets and cycles per packet. No parameters");
}

/* ---- --stats-period ---- */

struct rate_state {
	uint64_t port_rx[RTE_MAX_ETHPORTS], port_tx[RTE_MAX_ETHPORTS];
	uint64_t vif_rx[FEX_VIF_SLOTS], vif_tx[FEX_VIF_SLOTS], vif_drop[FEX_VIF_SLOTS];
};

static struct rate_state prev;

struct print_arg {
	FILE *f;
	double dt;
};

static void
print_vifs(struct fex_dp *dp, const struct fex_vif_table *t, void *arg)
{
	struct print_arg *pa = arg;
	unsigned int v, k;

	fprintf(pa->f, "  %-6s %-6s %-14s %12s %12s %12s %12s\n", "VIF", "port",
		"state", "rx-pps", "tx-pps", "drops", "drop-pps");
	for (v = FEX_VIF_MIN; v <= FEX_VIF_MAX; v++) {
		const struct fex_vif_entry *e = &t->vif[v];
		uint64_t c[FEX_VIF_CNT_MAX], drops = 0;

		if (e->state == FEX_VIF_NONE)
			continue;
		fex_vif_stats(fex_dp_db(dp), (uint16_t)v, c);
		for (k = FEX_VIF_CNT_DROP_INACTIVE; k < FEX_VIF_CNT_MAX; k++)
			drops += c[k];
		fprintf(pa->f, "  %-6u %-6u %-14s %12.0f %12.0f %12" PRIu64 " %12.0f\n",
			v, e->port, fex_vif_state_name((enum fex_vif_state)e->state),
			(double)(c[FEX_VIF_CNT_RX_PACKETS] - prev.vif_rx[v]) / pa->dt,
			(double)(c[FEX_VIF_CNT_TX_PACKETS] - prev.vif_tx[v]) / pa->dt,
			drops, (double)(drops - prev.vif_drop[v]) / pa->dt);
		prev.vif_rx[v] = c[FEX_VIF_CNT_RX_PACKETS];
		prev.vif_tx[v] = c[FEX_VIF_CNT_TX_PACKETS];
		prev.vif_drop[v] = drops;
	}
}

void
fex_app_print_stats(struct fex_dp *dp, FILE *f, double interval_s)
{
	struct fex_port_info info[RTE_MAX_ETHPORTS];
	struct fex_dp_stats s;
	struct print_arg pa = { f, interval_s > 0 ? interval_s : 1 };
	unsigned int n, i, k;

	n = fex_port_list(info, RTE_DIM(info));
	if (n > RTE_DIM(info))
		n = RTE_DIM(info);
	fprintf(f, "\n######## fexpath statistics ########\n");
	fprintf(f, "  %-5s %-6s %-40s %12s %12s %10s\n", "port", "role", "spec",
		"rx-pps", "tx-pps", "missed");
	for (i = 0; i < n; i++) {
		struct rte_eth_stats es;
		uint16_t p = info[i].port_id;

		if (rte_eth_stats_get(p, &es) != 0)
			continue;
		fprintf(f, "  %-5u %-6s %-40.40s %12.0f %12.0f %10" PRIu64 "\n", p,
			p == fex_dp_uplink(dp) ? "uplink" : fex_dp_port_is_vf(dp, p) ? "vf" : "vnic",
			info[i].spec,
			(double)(es.ipackets - prev.port_rx[p]) / pa.dt,
			(double)(es.opackets - prev.port_tx[p]) / pa.dt, es.imissed);
		prev.port_rx[p] = es.ipackets;
		prev.port_tx[p] = es.opackets;
	}
	observe(dp, print_vifs, &pa);
	fex_dp_stats_sum(dp, &s);
	fprintf(f, "  drops without a VIF:");
	for (k = FEX_DP_DROP_UNKNOWN_VIF; k < FEX_DP_FLOOD_COPIES; k++)
		fprintf(f, " %s=%" PRIu64, fex_dp_cnt_names[k], s.c[k]);
	fprintf(f, "\n  cycles/packet: %.1f\n",
		s.busy_packets ? (double)s.busy_tsc / (double)s.busy_packets : 0.0);
	fflush(f);
}
